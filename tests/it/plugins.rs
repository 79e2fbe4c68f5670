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

/// The worker pid the plugin cluster's state file names now.
fn worker_pid(cluster: &PluginCluster) -> String {
    let state = std::fs::read_to_string(cluster.run_dir.join("kcsh-cluster.state")).unwrap();
    state
        .lines()
        .find_map(|l| l.strip_prefix("worker_pid="))
        .unwrap()
        .to_string()
}

fn run(cmd: &mut std::process::Command, script: &str) -> (Option<i32>, String, String) {
    let out = cmd.args(["-e", script]).output().expect("run kcsh");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Debezium's SMTs and converters: a real plugin without a plugin archive, whose runtime
/// dependencies include Jackson, kafka-clients and connect-api, which the worker provides.
const SMALL_PLUGIN: &str = "io.debezium:debezium-connect-plugins:3.6.1.Final";

#[test]
fn install_plugin_fetches_restarts_the_worker_and_is_reused() {
    require_cluster!();
    let cluster = plugin_cluster();
    let dir = cluster
        .plugin_cache()
        .join("io.debezium_debezium-connect-plugins_3.6.1.Final");
    // Fresh each run (Maven's own repository keeps the download, so this stays quick).
    let _ = std::fs::remove_dir_all(&dir);
    let name = unique_name("plugins-survivor");
    let (code, _, stderr) = run(
        &mut cluster.kcsh(),
        &format!(
            "CREATE SOURCE CONNECTOR {name} WITH ('connector.class'='FileStreamSource', \
             'file'='/etc/hostname', 'topic'='{name}');"
        ),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let pid = worker_pid(&cluster);

    // A statement failing after it: the script report must count the install (a restart the
    // worker confirmed by listing the plugin) as applied, so the script exits 1, not 2.
    let (code, stdout, stderr) = run(
        &mut cluster.kcsh(),
        &format!("INSTALL PLUGIN '{SMALL_PLUGIN}'; DROP CONNECTOR ${{undefined_name}};"),
    );
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("1 applied, 1 failed, 0 not run"),
        "{stdout}{stderr}"
    );
    assert!(
        stdout.contains(&format!("Installed {SMALL_PLUGIN}"))
            && stdout.contains("jars the worker provides left out")
            && stdout.contains("The worker restarted"),
        "{stdout}"
    );
    assert_ne!(worker_pid(&cluster), pid, "the worker was restarted");
    let jars = listing(&dir);
    assert!(
        jars.iter()
            .any(|j| j.starts_with("debezium-connect-plugins-")),
        "{jars:?}"
    );
    for provided in [
        "jackson-databind-",
        "jackson-core-",
        "kafka-clients-",
        "connect-api-",
        "slf4j-api-",
    ] {
        assert!(
            !jars.iter().any(|j| j.starts_with(provided)),
            "{provided}* is the worker's: {jars:?}"
        );
    }
    // Same URL: the session's next statement reaches the restarted worker, which lists the
    // plugin and brought the connector back from Kafka.
    let (code, stdout, stderr) = run(&mut cluster.kcsh(), "SHOW PLUGINS;");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("io.debezium.transforms.ExtractNewRecordState"),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(
        &mut cluster.kcsh(),
        &format!("WAIT FOR CONNECTOR {name} TIMEOUT 60 SECONDS; DROP CONNECTOR {name};"),
    );
    assert_eq!(code, Some(0), "the connector came back: {stdout}{stderr}");

    // Warm: already in the cache and loaded, so nothing is fetched or restarted.
    let pid = worker_pid(&cluster);
    let (code, stdout, stderr) = run(
        &mut cluster.kcsh(),
        &format!("INSTALL PLUGIN '{SMALL_PLUGIN}';"),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("already installed"), "{stdout}");
    assert_eq!(worker_pid(&cluster), pid);
}

#[test]
fn install_plugin_failures_leave_the_worker_and_the_cache_as_they_were() {
    require_cluster!();
    let cluster = plugin_cluster();
    let pid = worker_pid(&cluster);
    let before = listing(&cluster.plugin_cache());
    let offline_home = tempfile::tempdir().unwrap();
    std::fs::create_dir(offline_home.path().join(".m2")).unwrap();
    std::fs::write(
        offline_home.path().join(".m2/settings.xml"),
        "<settings><offline>true</offline></settings>",
    )
    .unwrap();
    let offline = format!("-Duser.home={}", offline_home.path().display());
    let cases: [(&str, Option<&str>, i32, &str); 5] = [
        ("a/b:c:1", None, 2, "'group:artifact:version'"),
        (
            "io.debezium:debezium-connector-postgres",
            None,
            2,
            "'group:artifact:version'",
        ),
        (
            "io.debezium:kcsh-no-such-artifact:1.0",
            None,
            1,
            "Maven Central has no io.debezium:kcsh-no-such-artifact:1.0",
        ),
        (
            "commons-io:commons-io:2.16.1",
            None,
            1,
            "is no Kafka Connect plugin",
        ),
        (
            "io.debezium:kcsh-offline-check:1.0",
            Some(&offline),
            1,
            "could not reach Maven Central",
        ),
    ];
    for (coords, maven_opts, expected_code, expected) in cases {
        let mut cmd = cluster.kcsh();
        if let Some(opts) = maven_opts {
            cmd.env("MAVEN_OPTS", opts);
        }
        let (code, stdout, stderr) = run(&mut cmd, &format!("INSTALL PLUGIN '{coords}';"));
        assert_eq!(code, Some(expected_code), "{coords}: {stdout}{stderr}");
        assert!(stderr.contains(expected), "{coords}: {stderr}");
        if expected_code == 1 {
            assert!(
                stderr.contains("nothing was installed"),
                "{coords}: {stderr}"
            );
        }
        assert_eq!(
            worker_pid(&cluster),
            pid,
            "{coords}: the worker was not restarted"
        );
        assert_eq!(
            listing(&cluster.plugin_cache()),
            before,
            "{coords}: cache unchanged"
        );
        let staging = cluster.cache_home.join("kcsh/plugins-staging");
        assert!(
            listing(&staging).is_empty(),
            "{coords}: no half-installed plugin left"
        );
    }
}

#[test]
fn explain_install_plugin_says_what_it_would_fetch_and_restart() {
    require_cluster!();
    let cluster = plugin_cluster();
    let pid = worker_pid(&cluster);
    let (code, stdout, stderr) = run(
        &mut cluster.kcsh(),
        "EXPLAIN INSTALL PLUGIN 'io.debezium:kcsh-explained:1.0';",
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("GET /connector-plugins?connectorsOnly=false"),
        "{stdout}"
    );
    assert!(stdout.contains("Outside the REST API:"), "{stdout}");
    assert!(
        stdout.contains("io.debezium:kcsh-explained:1.0:tar.gz:plugin")
            && stdout.contains(&format!(
                "(pid {pid}, run dir {}",
                cluster.run_dir.display()
            )),
        "{stdout}"
    );
    assert!(
        !cluster
            .plugin_cache()
            .join("io.debezium_kcsh-explained_1.0")
            .exists()
    );
    assert_eq!(worker_pid(&cluster), pid);
}

#[test]
fn install_plugin_refuses_a_worker_kcsh_did_not_start() {
    let fake = FakeConnect::canned();
    fake.route(
        "GET",
        "/connector-plugins",
        Answer::json("200 OK", &serde_json::json!([])),
    );
    let cache = tempfile::tempdir().unwrap();
    let out = kcsh_without_cluster()
        .args([
            "--url",
            &fake.url(),
            "-e",
            "INSTALL PLUGIN 'io.debezium:debezium-connector-postgres:3.6.1.Final';",
        ])
        .env("XDG_CACHE_HOME", cache.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("installs only into kcsh's own worker"),
        "{stderr}"
    );
    assert!(
        listing(cache.path()).is_empty(),
        "nothing fetched: {:?}",
        listing(cache.path())
    );
    assert!(
        fake.requests().is_empty(),
        "nothing sent: {:?}",
        fake.requests()
    );
}
