//! Plugins in the worker kcsh starts: `--plugin-path` (on the plugin test cluster), the
//! discovery warning for a plugin without service manifests, `--worker-property` checks.

use std::path::Path;
use std::process::Stdio;

use crate::harness::*;

fn plugin_list(cmd: &mut std::process::Command) -> (String, String, Option<i32>) {
    let out = cmd
        .args(["--output", "json", "-e", "SHOW CONNECTOR PLUGINS;"])
        .output()
        .expect("run kcsh");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn plugin_path_adds_a_hand_made_plugin_directory() {
    require_cluster!();
    let cluster = plugin_cluster();
    // Its Kafka home has no plugins/: the FileStream connectors can only come from --plugin-path.
    assert!(!cluster.kafka_home.join("plugins").exists());
    let (stdout, stderr, code) = plugin_list(&mut cluster.kcsh());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("org.apache.kafka.connect.file.FileStreamSinkConnector"),
        "{stdout}"
    );
    let worker = std::fs::read_to_string(cluster.run_dir.join("worker.properties")).unwrap();
    let plugin_path = worker
        .lines()
        .find_map(|l| l.strip_prefix("plugin.path="))
        .expect("plugin.path");
    let entries: Vec<&str> = plugin_path.split(',').collect();
    assert!(
        entries.contains(&cluster.plugin_cache().to_str().unwrap()),
        "the plugin cache is always on the path: {plugin_path}"
    );
    let dir = cluster.file_plugin_dir.canonicalize().unwrap();
    assert!(entries.contains(&dir.to_str().unwrap()), "{plugin_path}");
    assert!(
        worker.contains("plugin.discovery=service_load\n"),
        "every plugin declares itself: the fast mode"
    );
}

/// A copy of connect-file whose service manifests Connect cannot find: the names
/// `META-INF/services/...` renamed in place (same length, so the zip stays valid).
fn jar_without_manifests(dest: &Path) {
    let bytes = std::fs::read(connect_file_jar()).unwrap();
    let (from, to) = (b"META-INF/services/", b"META-INF/servicez/");
    let mut out = bytes.clone();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert_ne!(out, bytes, "connect-file has service manifests");
    std::fs::write(dest, out).unwrap();
}

#[test]
fn a_plugin_without_service_manifests_is_reported_and_still_found() {
    require_cluster!();
    // Held while this cluster starts: two starts at once can race for the same free ports.
    let _serial = plugin_cluster();
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("bare-file");
    std::fs::create_dir(&plugin).unwrap();
    jar_without_manifests(&plugin.join("file-connectors.jar"));
    let cache = tempfile::tempdir().unwrap();
    let mut cmd = kcsh_without_cluster();
    cmd.args(["--embedded", "--plugin-path"])
        .arg(dir.path())
        .args([
            "--worker-property",
            "value.converter.schemas.enable=true",
            "--worker-property",
            "consumer.sasl.jaas.config=s3cret-jaas",
        ])
        .env("KAFKA_HOME", kafka_home_without_plugins())
        .env("XDG_CACHE_HOME", cache.path())
        .stdin(Stdio::null());
    let (stdout, stderr, code) = plugin_list(&mut cmd);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("bare-file is without service manifests")
            && stderr.contains("plugin.discovery=hybrid_warn"),
        "the user is told why the start is slower: {stderr}"
    );
    assert!(
        stdout.contains("org.apache.kafka.connect.file.FileStreamSinkConnector"),
        "the scanning mode finds it: {stdout}"
    );
    assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"));
}

#[test]
fn worker_properties_and_plugin_paths_are_checked_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--embedded",
                "--worker-property",
                "listeners=http://0.0.0.0:1",
            ],
            "set by kcsh",
        ),
        (
            &["--embedded", "--worker-property", "no-equals-s3cret"],
            "KEY=VALUE",
        ),
        (
            &["--embedded", "--worker-property", "bad key=s3cret"],
            "not a worker property key",
        ),
        (
            &["--worker-property", "a=s3cret", "-e", "SHOW CONNECTORS;"],
            "add --embedded",
        ),
        (
            &["--embedded", "--plugin-path", "/nonexistent/kcsh-plugins"],
            "/nonexistent/kcsh-plugins",
        ),
    ];
    for (args, expected) in cases {
        let out = kcsh_without_cluster()
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("s3cret"), "{args:?}: {stderr}");
    }
}
