//! A few statements through the built binary: output on stdout, errors and hints on stderr,
//! exit codes (1 statement failed, 3 unreachable), dry run and EXPLAIN sending nothing.

use crate::harness::*;

fn run_kcsh(args: &[&str]) -> (Option<i32>, String, String) {
    let out = kcsh().args(args).output().expect("run kcsh");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn create_describe_and_drop_through_the_binary() {
    require_cluster!();
    let name = unique("it-bin");
    let _c = Cleanup(vec![name.clone()]);
    let create = format!(
        "CREATE SINK CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSink', 'topics' = 'it-bin')"
    );
    let (code, stdout, stderr) = run_kcsh(&["-e", &create]);
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains(&format!("Created connector {name}")),
        "{stdout}"
    );

    let (code, stdout, stderr) = run_kcsh(&[
        "-o",
        "json",
        "-e",
        &format!("DESCRIBE CONNECTOR \"{name}\""),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON output");
    assert!(v.to_string().contains(&name), "{v}");

    // Not found, differing in case: exit 1 and a did-you-mean.
    let (code, _, stderr) = run_kcsh(&[
        "-e",
        &format!("DESCRIBE CONNECTOR \"{}\"", name.to_uppercase()),
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "Connector '{}' does not exist.",
            name.to_uppercase()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("did you mean \"{name}\"?")),
        "{stderr}"
    );

    // Dry run and EXPLAIN change nothing.
    let (code, stdout, _) = run_kcsh(&["--dry-run", "-e", &format!("DROP CONNECTOR \"{name}\"")]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(&format!("Would drop connector \"{name}\"")),
        "{stdout}"
    );
    let (code, stdout, _) = run_kcsh(&["-e", &format!("EXPLAIN DROP CONNECTOR \"{name}\"")]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(&format!("DELETE /connectors/{name}")),
        "{stdout}"
    );
    let (code, _, _) = run_kcsh(&["-e", &format!("DESCRIBE CONNECTOR \"{name}\"")]);
    assert_eq!(code, Some(0), "still there");

    let (code, stdout, _) = run_kcsh(&["-e", &format!("DROP CONNECTOR \"{name}\"")]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(&format!("Dropped connector \"{name}\"")),
        "{stdout}"
    );
}

#[test]
fn validate_shows_its_table_and_exits_1() {
    require_cluster!();
    let (code, stdout, stderr) = run_kcsh(&[
        "-e",
        "VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource')",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("Missing required configuration \"topic\""),
        "{stdout}"
    );
    assert!(
        stderr.contains("Connector configuration is invalid: 1 error(s)"),
        "{stderr}"
    );
}

#[test]
fn unreachable_cluster_exits_3_with_a_hint() {
    let (code, _, stderr) = run_kcsh(&["--url", "http://127.0.0.1:9", "-e", "SHOW CONNECTORS"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("cannot reach Kafka Connect at http://127.0.0.1:9"),
        "{stderr}"
    );
    assert!(stderr.contains("kcsh --embedded"), "{stderr}");
}

#[test]
fn url_list_fails_over_to_a_live_worker() {
    require_cluster!();
    let list = format!("http://127.0.0.1:9,{}", url());
    let (code, stdout, stderr) = run_kcsh(&["--url", &list, "-e", "SHOW CLUSTER"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(&url()), "{stdout}");
}
