//! Secrets against the real worker, as a hostile user would try: no secret in anything kcsh
//! prints (tables, JSON, SHOW CREATE, dry-run diffs, EXPLAIN, script reports, VALIDATE errors,
//! SHOW VARIABLES, URLs, contexts-file errors), the mask never stored, control characters from
//! Connect escaped. Each secret is a unique marker that must appear nowhere in the output.

use std::process::Output;

use serde_json::json;

use crate::harness::{self, ConnectorGuard, kcsh, kcsh_without_cluster, unique_name};

fn run(args: &[&str]) -> (Output, String) {
    let out = kcsh().args(args).output().expect("kcsh runs");
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, all)
}

#[track_caller]
fn assert_hidden(all: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!all.contains(s), "secret {s:?} shown:\n{all}");
    }
}

/// A FileStreamSource whose config holds secrets in several spellings and in a URL.
fn create_with_secrets(name: &str) {
    let (status, body) = harness::put(
        &format!("/connectors/{name}/config"),
        &json!({
            "connector.class": "FileStreamSource",
            "topic": "it-secrets",
            "file": "/dev/null",
            "connection.password": "mkPW1",
            "DB_PASSWORD": "mkPW2",
            "producer.override.ssl.keystore.key": "mkKEY3",
            "producer.override.sasl.jaas.config": "x required password=\"mkJAAS4\";",
            "value.converter.basic.auth.user.info": "u:mkINFO5",
            "connection.url": "jdbc:postgresql://h/db?user=u&password=mkURL6",
            "sink.uri": "https://user:mkURL7@example.com/x",
        }),
    );
    assert!(status == 201 || status == 200, "{status} {body}");
}

const MARKERS: &[&str] = &[
    "mkPW1", "mkPW2", "mkKEY3", "mkJAAS4", "mkINFO5", "mkURL6", "mkURL7",
];

#[test]
fn describe_show_create_json_dry_run_and_explain_hide_every_spelling() {
    require_cluster!();
    let name = unique_name("it-secrets-show");
    let _g = ConnectorGuard(name.clone());
    create_with_secrets(&name);
    for args in [
        vec![
            "-e",
            &format!("DESCRIBE CONNECTOR \"{name}\" EXTENDED") as &str,
        ],
        vec![
            "--output",
            "json",
            "-e",
            &format!("DESCRIBE CONNECTOR \"{name}\" EXTENDED"),
        ],
        vec!["-e", &format!("SHOW CREATE CONNECTOR \"{name}\"")],
        vec![
            "--output",
            "json",
            "-e",
            &format!("SHOW CREATE CONNECTOR \"{name}\""),
        ],
        vec![
            "--dry-run",
            "-e",
            &format!(
                "ALTER CONNECTOR \"{name}\" SET ('connection.password' = 'newPW8', \
                 'connection.url' = 'jdbc:postgresql://h/db?user=u&password=newURL9')"
            ),
        ],
        vec![
            "-e",
            &format!(
                "EXPLAIN ALTER CONNECTOR \"{name}\" SET ('connection.password' = 'newPW8', \
                 'connection.url' = 'jdbc:postgresql://h/db?user=u&password=newURL9')"
            ),
        ],
    ] {
        let (out, all) = run(&args);
        assert!(out.status.success(), "{args:?}:\n{all}");
        assert_hidden(&all, MARKERS);
        assert_hidden(&all, &["newPW8", "newURL9"]);
        assert!(all.contains("[hidden]"), "{args:?}:\n{all}");
    }
}

#[test]
fn show_create_re_applied_keeps_framework_and_url_secrets() {
    require_cluster!();
    let name = unique_name("it-secrets-roundtrip");
    let _g = ConnectorGuard(name.clone());
    create_with_secrets(&name);
    let (_, before) = harness::get(&format!("/connectors/{name}/config"));
    let (out, _) = run(&["-e", &format!("SHOW CREATE CONNECTOR \"{name}\"")]);
    let stmt = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stmt.contains("password=[hidden]"), "{stmt}");
    let (out, all) = run(&["-e", &stmt]);
    assert!(out.status.success(), "{all}");
    let (_, after) = harness::get(&format!("/connectors/{name}/config"));
    assert_eq!(after, before, "the round trip changed the config");
    assert!(!after.to_string().contains("[hidden]"));
}

#[test]
fn the_mask_without_a_live_value_is_refused_and_nothing_is_created() {
    require_cluster!();
    let name = unique_name("it-secrets-copy");
    let _g = ConnectorGuard(name.clone());
    for stmt in [
        format!(
            "CREATE CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSource', \
             'topic' = 't', 'ssl.keystore.key' = '[hidden]')"
        ),
        format!(
            "CREATE CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSource', \
             'topic' = 't', 'connection.url' = 'jdbc:pg://h/d?password=[hidden]')"
        ),
    ] {
        let (out, all) = run(&["-e", &stmt]);
        assert!(!out.status.success(), "{all}");
        assert!(all.contains("holds the mask [hidden]"), "{all}");
        let (status, _) = harness::get(&format!("/connectors/{name}"));
        assert_eq!(status, 404, "created anyway:\n{all}");
    }
}

#[test]
fn script_reports_and_failure_lines_hide_secrets_and_variables() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.sql");
    std::fs::write(
        &script,
        "DEFINE pw = 'scVAR1';\n\
         CREATE CONNECTOR \"it-secrets-nope\" WITH ('connector.class' = 'NoSuchClass', 'connection.password' = '${pw}', 'connection.url' = 'jdbc:x://h?password=scURL2');\n\
         SHOW CONNECTORS;\n",
    )
    .unwrap();
    let (out, all) = run(&["-f", script.to_str().unwrap()]);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("failed"), "{all}");
    assert_hidden(&all, &["scVAR1", "scURL2"]);
}

#[test]
fn validate_errors_do_not_echo_secret_values() {
    require_cluster!();
    // Connect echoes a bad value in its message ("Invalid value ... for configuration ...").
    let stmt = "VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource', 'topic' = 't', \
                'db.password' = 'vaPW1', 'key.converter' = 'vaPW1', \
                'value.converter' = 'http://u:vaURL2@h/x')";
    for args in [vec!["-e", stmt], vec!["--output", "json", "-e", stmt]] {
        let (out, all) = run(&args);
        assert!(!out.status.success(), "{all}");
        assert!(all.contains("key.converter"), "{all}");
        assert_hidden(&all, &["vaPW1", "vaURL2"]);
    }
}

#[test]
fn show_variables_hides_variables_used_as_secrets() {
    require_cluster!();
    let (out, all) = run(&[
        "-e",
        "DEFINE pw = 'svPW1'; DEFINE t = 'sv-topic'; \
         VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource', 'topic' = '${t}', \
         'connection.password' = '${pw}'); SHOW VARIABLES;",
    ]);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("sv-topic"), "{all}");
    assert_hidden(&all, &["svPW1"]);
}

#[test]
fn url_userinfo_is_never_printed() {
    require_cluster!();
    let url = harness::test_url().replacen("http://", "http://admin:urPW1@", 1);
    for stmt in ["SHOW CLUSTER", "SERVER"] {
        let (out, all) = run(&["--url", &url, "-e", stmt]);
        assert!(out.status.success(), "{stmt}:\n{all}");
        assert!(all.contains("admin:[hidden]@"), "{stmt}:\n{all}");
        assert_hidden(&all, &["urPW1"]);
    }
    let out = kcsh_without_cluster()
        .args([
            "--url",
            "http://admin:urPW2@127.0.0.1:9",
            "--timeout",
            "2",
            "-e",
            "SHOW CONNECTORS",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach"), "{err}");
    assert_hidden(&err, &["urPW2"]);
}

#[test]
fn contexts_file_errors_and_exposed_files() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[contexts.a]\nurl = \"http://h:1\"\ntoken = \"ctTOK1\nx = 1\n",
    )
    .unwrap();
    let out = kcsh_without_cluster()
        .args([
            "--config",
            config.to_str().unwrap(),
            "--context",
            "a",
            "-e",
            "SHOW CONNECTORS",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid config file") && err.contains("line 3"),
        "{err}"
    );
    assert_hidden(&err, &["ctTOK1"]);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let url = harness::test_url();
        std::fs::write(
            &config,
            format!("[contexts.a]\nurl = \"{url}\"\ntoken = \"ctTOK2\"\n"),
        )
        .unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = kcsh_without_cluster()
            .args([
                "--config",
                config.to_str().unwrap(),
                "--context",
                "a",
                "-e",
                "SHOW CONNECTORS",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.matches("readable by others").count(), 1, "{err}");
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        let out = kcsh_without_cluster()
            .args([
                "--config",
                config.to_str().unwrap(),
                "--context",
                "a",
                "-e",
                "SHOW CONNECTORS",
            ])
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&out.stderr).contains("readable"));
    }
}

#[test]
fn control_characters_from_connect_are_escaped() {
    require_cluster!();
    let name = unique_name("it-secrets-ctrl");
    let _g = ConnectorGuard(name.clone());
    let (status, body) = harness::put(
        &format!("/connectors/{name}/config"),
        &json!({
            "connector.class": "FileStreamSource",
            "topic": "it-ctrl",
            "file": "/dev/null",
            "note": "a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc\rd",
        }),
    );
    assert!(status == 201 || status == 200, "{status} {body}");
    let (out, all) = run(&["-e", &format!("DESCRIBE CONNECTOR \"{name}\" EXTENDED")]);
    assert!(out.status.success(), "{all}");
    assert!(
        !all.contains('\u{1b}') && !all.contains('\u{7}') && !all.contains('\r'),
        "{all:?}"
    );
    assert!(all.contains("a\\u{1b}]0;pwned\\u{7}b"), "{all}");
    let (_, json) = run(&[
        "--output",
        "json",
        "-e",
        &format!("DESCRIBE CONNECTOR \"{name}\" EXTENDED"),
    ]);
    assert!(!json.contains('\u{1b}'), "{json:?}");
}

#[test]
fn show_create_escapes_variable_references_so_no_variable_changes_a_value() {
    require_cluster!();
    let name = unique_name("it-secrets-vars");
    let _g = ConnectorGuard(name.clone());
    let (status, body) = harness::put(
        &format!("/connectors/{name}/config"),
        &json!({
            "connector.class": "FileStreamSource",
            "topic": "it-vars",
            "file": "/dev/null",
            "a.ref": "${x}",
            "b.escaped": "$${x}",
            "c.provider": "${file:/etc/p.properties:pw}",
            "d.undefined": "pre-${nobody}-post",
        }),
    );
    assert!(status == 201 || status == 200, "{status} {body}");
    let (_, before) = harness::get(&format!("/connectors/{name}/config"));
    let (out, _) = run(&["-e", &format!("SHOW CREATE CONNECTOR \"{name}\"")]);
    let stmt = String::from_utf8_lossy(&out.stdout).to_string();
    let (out, all) = run(&["-d", "x=EVIL", "-d", "nobody=EVIL", "-e", &stmt]);
    assert!(out.status.success(), "{all}");
    let (_, after) = harness::get(&format!("/connectors/{name}/config"));
    assert_eq!(after, before, "{stmt}");
}
