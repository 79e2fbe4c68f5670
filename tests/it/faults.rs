//! Fault tests: kcsh talks to the real worker through [`FaultProxy`], which injects one fault
//! at a time. For each: kcsh retries only what is safe, never waits past its timeout, never
//! panics, and exits with the documented code and a message saying what happened.

use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::harness::{self, ExtraWorker, FakeConnect as FaultProxy, Fault};

/// Runs kcsh on `-e statement` through the proxy, with a short HTTP and retry timeout. Fails
/// the test if kcsh is still running after `limit` (a hang), and kills it then.
fn kcsh_through(proxy: &FaultProxy, statement: &str, limit: Duration) -> Output {
    let mut cmd = harness::kcsh();
    cmd.args([
        "--url",
        &proxy.url(),
        "--timeout",
        "3",
        "--retry-timeout",
        "6",
        "-e",
        statement,
    ]);
    run_bounded(cmd, limit)
}

fn run_bounded(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kcsh");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for kcsh").is_some() {
            return child.wait_with_output().expect("kcsh output");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("kcsh output");
            panic!(
                "kcsh still running after {limit:?}; stderr so far:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every fault test: no panic, and the given exit code.
fn assert_exit(out: &Output, code: i32) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "kcsh panicked:\n{err}");
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit code; stdout:\n{}\nstderr:\n{err}",
        String::from_utf8_lossy(&out.stdout)
    );
}

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn rebalance_conflict_is_retried_then_succeeds() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.then(Fault::Rebalance).then(Fault::Rebalance);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 0);
    assert!(
        proxy.requests().len() >= 3,
        "two 409s and a success: {:?}",
        proxy.requests()
    );
}

#[test]
fn rebalance_that_never_clears_shows_connects_message() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::Rebalance);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("rebalance"), "{}", stderr(&out));
}

#[test]
fn request_timed_out_is_reported_and_a_create_is_not_sent_twice() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::RequestTimedOut);
    let name = harness::unique_name("fault-timeout");
    let out = kcsh_through(
        &proxy,
        &format!(
            "CREATE OR REPLACE SOURCE CONNECTOR {name} WITH ('connector.class'='FileStreamSource', 'topic'='t')"
        ),
        LIMIT,
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("Request timed out"),
        "{}",
        stderr(&out)
    );
    let writes = proxy
        .requests()
        .iter()
        .filter(|r| r.starts_with("PUT") || r.starts_with("POST") || r.starts_with("PATCH"))
        .filter(|r| !r.contains("/validate"))
        .count();
    assert!(
        writes <= 1,
        "a timed-out write must not be re-sent blindly: {:?}",
        proxy.requests()
    );
}

#[test]
fn a_hanging_worker_is_given_up_after_the_timeout() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::Hang);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert!(out.status.code() != Some(0), "a hang is a failure");
    assert!(!stderr(&out).contains("panicked"));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
}

#[test]
fn a_reset_connection_is_reported() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::Reset);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert!(out.status.code() != Some(0), "a reset is a failure");
    assert!(!stderr(&out).contains("panicked"));
    let err = stderr(&out).to_lowercase();
    assert!(err.contains("connection") || err.contains("reset"), "{err}");
}

#[test]
fn malformed_json_is_reported_not_dumped() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::MalformedJson);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 1);
    assert!(!stderr(&out).is_empty());
}

#[test]
fn a_truncated_body_is_reported() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::Truncated);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert!(out.status.code() != Some(0));
    assert!(!stderr(&out).contains("panicked"));
    assert!(!stderr(&out).is_empty());
}

#[test]
fn an_html_error_page_becomes_status_and_text() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::HtmlError);
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("502") && err.contains("Bad Gateway"), "{err}");
    assert!(!err.contains("<html>"), "raw HTML leaked: {err}");
}

#[test]
fn a_50_mb_body_does_not_break_kcsh() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::HugeBody(50 * 1024 * 1024));
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", Duration::from_secs(60));
    // The body is valid JSON of the wrong shape: an error that says so, not a panic.
    assert_exit(&out, 1);
    assert!(!stderr(&out).is_empty());
}

/// SIGKILLs the Connect worker of an extra worker (a crash, not a clean stop).
fn kill_worker(worker: &ExtraWorker) {
    let state = std::fs::read_to_string(worker.cluster.run_dir().join(kcsh::embedded::STATE_FILE))
        .expect("worker state file");
    let pid = state
        .lines()
        .find_map(|l| l.strip_prefix("worker_pid="))
        .expect("worker_pid in the state file");
    let status = Command::new("kill")
        .args(["-KILL", pid])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -KILL {pid}");
    // The signal is asynchronous: wait until the worker's port refuses connections.
    let addr = worker.url().trim_start_matches("http://").to_string();
    harness::wait_until(
        "the killed worker's port to close",
        Duration::from_secs(30),
        || std::net::TcpStream::connect(&addr).is_err().then_some(()),
    );
}

#[test]
fn a_worker_killed_during_a_script_stops_it_and_says_what_was_applied() {
    require_cluster!();
    let worker = ExtraWorker::start("fault-kill", &[]);
    let prefix = harness::unique_name("fk");
    let mut script = String::new();
    for i in 1..=10 {
        script += &format!(
            "CREATE SOURCE CONNECTOR \"{prefix}-{i}\" WITH ('connector.class'='FileStreamSource', \
             'topic'='{prefix}', 'file'='/dev/null');\nWAIT FOR CONNECTOR \"{prefix}-{i}\" TIMEOUT 60 SECONDS;\n"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twenty.sql");
    std::fs::write(&file, script).unwrap();

    let mut cmd = harness::kcsh();
    cmd.args([
        "--url",
        worker.url(),
        "--timeout",
        "10",
        "--retry-timeout",
        "5",
        "-f",
    ])
    .arg(&file)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = cmd.spawn().expect("start kcsh");
    harness::wait_until("three connectors created", Duration::from_secs(120), || {
        let (status, body) = harness::request_to(worker.url(), "GET", "/connectors", None);
        (status == 200 && body.as_array().is_some_and(|a| a.len() >= 3)).then_some(())
    });
    kill_worker(&worker);

    let started = Instant::now();
    let out = child.wait_with_output().expect("kcsh output");
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "kcsh took too long to give up"
    );
    let err = stderr(&out);
    assert_exit(&out, 1);
    let lower = err.to_lowercase();
    assert!(
        lower.contains("applied"),
        "says which statements were applied:\n{err}"
    );
    assert!(
        lower.contains("failed"),
        "says which statement failed:\n{err}"
    );
    assert!(
        lower.contains("line "),
        "names the failing statement's line:\n{err}"
    );
}

#[test]
fn with_two_workers_the_next_statement_goes_through_the_survivor() {
    require_cluster!();
    let group = harness::unique_name("fault-pair");
    let configs = format!("{group}-configs");
    let offsets = format!("{group}-offsets");
    let status = format!("{group}-status");
    let shared = [
        ("group.id", group.as_str()),
        ("config.storage.topic", configs.as_str()),
        ("offset.storage.topic", offsets.as_str()),
        ("status.storage.topic", status.as_str()),
    ];
    let first = ExtraWorker::start("pair-a", &shared);
    let second = ExtraWorker::start("pair-b", &shared);
    let urls = format!("{},{}", first.url(), second.url());
    let name = harness::unique_name("pair-hb");

    let create = format!(
        "CREATE SOURCE CONNECTOR \"{name}\" WITH ('connector.class'='FileStreamSource', 'topic'='{name}', 'file'='/dev/null')"
    );
    let mut cmd = harness::kcsh();
    cmd.args(["--url", &urls, "-e", &create]);
    let out = run_bounded(cmd, Duration::from_secs(120));
    assert_exit(&out, 0);
    // Both workers know the connector and its RUNNING status before one of them dies (Connect's
    // expanded listing skips a connector whose status the answering worker has not read yet).
    let status_path = format!("/connectors/{name}/status");
    for worker in [&first, &second] {
        harness::wait_until(
            "both workers see the connector running",
            Duration::from_secs(60),
            || {
                let (status, body) = harness::request_to(worker.url(), "GET", &status_path, None);
                (status == 200 && body["connector"]["state"] == "RUNNING").then_some(())
            },
        );
    }

    kill_worker(&first);

    let mut cmd = harness::kcsh();
    cmd.args(["--url", &urls, "--timeout", "10", "-e", "SHOW CONNECTORS"]);
    let out = run_bounded(cmd, Duration::from_secs(120));
    assert_exit(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&name),
        "the survivor lists the connector:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
