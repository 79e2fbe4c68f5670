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

/// `CREATE SOURCE CONNECTOR "name"` of a FileStreamSource reading nothing.
fn create_statement(name: &str) -> String {
    format!(
        "CREATE SOURCE CONNECTOR \"{name}\" WITH ('connector.class'='FileStreamSource', \
         'topic'='{name}', 'file'='/dev/null')"
    )
}

/// Creates a connector directly on the test worker (no proxy) and deletes it when dropped.
fn real_connector(prefix: &str) -> harness::ConnectorGuard {
    let name = harness::unique_name(prefix);
    let mut cmd = harness::kcsh();
    cmd.args(["-e", &create_statement(&name)]);
    assert_exit(&run_bounded(cmd, LIMIT), 0);
    harness::ConnectorGuard(name)
}

fn exists(name: &str) -> bool {
    harness::get(&format!(
        "/connectors/{}",
        kcsh::connect::request::encode_segment(name)
    ))
    .0 == 200
}

#[test]
fn a_redirect_is_never_followed_and_names_where_it_points() {
    require_cluster!();
    let worker = harness::test_url();
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        // Only the POST is redirected, to the very worker: followed, a 303 became a GET of the
        // listing and kcsh printed "Created connector" for nothing; a 307 re-sent the body.
        let proxy = FaultProxy::start(&worker);
        proxy.then_for("POST /connectors", Fault::Redirect(status, worker.clone()));
        let name = harness::unique_name("fault-redirect");
        let _guard = harness::ConnectorGuard(name.clone());
        let out = kcsh_through(&proxy, &create_statement(&name), LIMIT);
        assert_exit(&out, 3);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("to {worker}/connectors")),
            "{status}: {err}"
        );
        assert!(
            err.contains(&format!("point --url at {worker}")),
            "{status}: {err}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("Created"));
        assert!(!exists(&name), "{status}: the connector was created");
    }
    // Reads too.
    let proxy = FaultProxy::start(&worker);
    proxy.always(Fault::Redirect(
        "302 Found",
        "https://sso.example.com/login?to=".into(),
    ));
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 3);
    assert!(
        stderr(&out).contains("https://sso.example.com/login?to=/connectors"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_html_page_with_200_is_never_a_success() {
    require_cluster!();
    let guard = real_connector("fault-login");
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::LoginPage);
    let out = kcsh_through(&proxy, &format!("DROP CONNECTOR \"{}\"", guard.0), LIMIT);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Dropped"),
        "{err}"
    );
    assert!(
        err.contains("text/html") && err.contains("Sign in - Example SSO"),
        "{err}"
    );
    assert!(!err.contains("<html"), "{err}");
    assert!(exists(&guard.0));
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 1);
}

#[test]
fn a_write_whose_answer_is_lost_may_have_been_applied() {
    require_cluster!();
    let guard = real_connector("fault-lost");
    let proxy = FaultProxy::start(&harness::test_url());
    let pause = format!("PUT /connectors/{}/pause", guard.0);
    proxy.then_for(&pause, Fault::ForwardThenDrop);
    let out = kcsh_through(&proxy, &format!("PAUSE CONNECTOR \"{}\"", guard.0), LIMIT);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("may have been applied"), "{err}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Paused"),
        "{err}"
    );
    // It was applied: a plain "failed" would have been a lie.
    let status = format!("/connectors/{}/status", guard.0);
    harness::wait_until(
        "the connector to be paused",
        Duration::from_secs(30),
        || (harness::get(&status).1["connector"]["state"] == "PAUSED").then_some(()),
    );
    let sent = proxy
        .requests()
        .iter()
        .filter(|r| r.starts_with(&pause))
        .count();
    assert_eq!(
        sent,
        1,
        "a lost write is never re-sent: {:?}",
        proxy.requests()
    );

    // A create whose 201 is cut: the same.
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.then_for("POST /connectors", Fault::Truncated);
    let name = harness::unique_name("fault-cut");
    let out = kcsh_through(&proxy, &create_statement(&name), LIMIT);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("may have been applied"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_slow_body_ends_as_timed_out() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::Drip);
    let started = Instant::now();
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("timed out after 3 s"), "{err}");
    assert!(!err.contains("decoding"), "{err}");
}

#[test]
fn a_body_over_the_cap_is_refused_clearly() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.always(Fault::HugeBody(65 * 1024 * 1024));
    let out = kcsh_through(&proxy, "SHOW CONNECTORS", LIMIT);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("larger than 64 MiB"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn names_that_are_not_one_path_segment_are_refused_before_anything_is_sent() {
    require_cluster!();
    let proxy = FaultProxy::start(&harness::test_url());
    let with = "('connector.class'='FileStreamSource', 'topic'='t')";
    // (VALIDATE sends the name in the body only, never in a path: not in this list.)
    for n in [".", "..", "a\tb"] {
        let q = format!("\"{n}\"");
        let statements = [
            format!("ALTER CONNECTOR {q} RESET OFFSETS"),
            format!("ALTER CONNECTOR {q} RESET TOPICS"),
            format!("ALTER CONNECTOR {q} SET OFFSET PARTITION ('a'='b') TO ('c'=1)"),
            format!("ALTER CONNECTOR {q} SET ('a'='b')"),
            format!("ALTER CONNECTOR {q} UNSET ('a')"),
            format!("SHOW CONNECTOR OFFSETS {q}"),
            format!("SHOW CREATE CONNECTOR {q}"),
            format!("DROP CONNECTOR {q}"),
            format!("DROP CONNECTOR IF EXISTS {q}"),
            format!("DESCRIBE CONNECTOR {q}"),
            format!("DESCRIBE CONNECTOR {q} EXTENDED"),
            format!("PAUSE CONNECTOR {q}"),
            format!("RESUME CONNECTOR {q}"),
            format!("STOP CONNECTOR {q}"),
            format!("RESTART CONNECTOR {q} INCLUDE TASKS"),
            format!("RESTART CONNECTOR {q} TASK 0"),
            format!("WAIT FOR CONNECTOR {q} TIMEOUT 1 SECONDS"),
            format!("CREATE SOURCE CONNECTOR {q} WITH {with}"),
            format!("CREATE OR REPLACE SOURCE CONNECTOR {q} WITH {with}"),
            format!("CREATE SOURCE CONNECTOR IF NOT EXISTS {q} WITH {with}"),
            format!("DESCRIBE PLUGIN '{n}'"),
            format!("SET LOGGER '{n}' = 'INFO'"),
        ];
        for stmt in statements {
            let out = kcsh_through(&proxy, &stmt, LIMIT);
            let err = stderr(&out);
            assert!(!err.contains("panicked"), "{stmt}: {err}");
            assert_ne!(out.status.code(), Some(0), "{stmt}: refused");
            assert!(err.contains("cannot address in a URL"), "{stmt}: {err}");
        }
    }
    let reached: Vec<String> = proxy
        .requests()
        .into_iter()
        .filter(|r| {
            ["/connectors/", "/admin/loggers/", "/connector-plugins/"]
                .iter()
                .any(|p| r.contains(p))
        })
        .collect();
    assert!(
        reached.is_empty(),
        "sent for an unaddressable name: {reached:?}"
    );
}

#[test]
fn an_unreachable_url_is_shown_without_its_userinfo() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = harness::kcsh_without_cluster();
    cmd.args([
        "--url",
        &format!("http://admin:s3cret-pw@127.0.0.1:{port}"),
        "-e",
        "SHOW CONNECTORS",
    ]);
    let out = run_bounded(cmd, LIMIT);
    assert_exit(&out, 3);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!all.contains("s3cret-pw"), "{all}");
    assert!(
        all.contains(&format!("http://admin:[hidden]@127.0.0.1:{port}")),
        "{all}"
    );
}

#[test]
fn a_write_that_gets_no_answer_is_listed_as_may_have_been_applied() {
    require_cluster!();
    let guard = real_connector("fault-noanswer");
    let proxy = FaultProxy::start(&harness::test_url());
    proxy.then_for(&format!("PUT /connectors/{}/pause", guard.0), Fault::Hang);
    let mut cmd = harness::kcsh();
    cmd.args([
        "--url",
        &proxy.url(),
        "--timeout",
        "3",
        "-e",
        &format!("PAUSE CONNECTOR \"{}\"", guard.0),
        "-e",
        &format!("RESUME CONNECTOR \"{}\"", guard.0),
    ]);
    let started = Instant::now();
    let out = run_bounded(cmd, LIMIT);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("no answer within 3 s"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with("may have been applied") && l.contains("PAUSE")),
        "the report lists it as such:\n{err}"
    );
}
