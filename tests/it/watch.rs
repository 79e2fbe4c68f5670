//! WATCH against the real worker: in a pipe the starting state then one line (or JSON
//! document) per change, each arriving while kcsh still runs (flushed, `tail -f`-able); a
//! signal ends it with the script's report; RESTART FAILED restarts a connector made to fail
//! and logs Connect's answer (and under --dry-run says what it would do, sending nothing); at a
//! terminal the screen redraws, `q` and Ctrl-C give the terminal back; the first fetch failing
//! (or not answering within the tick's bound) fails the WATCH at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::*;

/// A kcsh child whose standard output is read line by line as it comes.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watching {
    fn start(mut cmd: Command) -> Watching {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kcsh");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next line containing `needle`, within `timeout`, while kcsh still runs.
    fn expect(&mut self, needle: &str, timeout: Duration) -> String {
        let until = Instant::now() + timeout;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        assert!(
                            self.child.try_wait().unwrap().is_none(),
                            "kcsh ended before {needle:?}"
                        );
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {needle:?} within {} s; seen:\n{}",
                    timeout.as_secs(),
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// SIGTERM, then the exit code and what stderr said.
    fn stop(self) -> (Option<i32>, String) {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let out = self.child.wait_with_output().expect("kcsh ends");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

fn watch(statement: &str, extra: &[&str]) -> Watching {
    let mut cmd = kcsh();
    cmd.args(extra).arg("-e").arg(statement);
    Watching::start(cmd)
}

fn create_source(name: &str) {
    let (status, body) = post(
        "/connectors",
        &json!({"name": name, "config": {
            "connector.class": "FileStreamSource",
            "file": format!("/tmp/{name}.txt"),
            "topic": name,
            "tasks.max": "1",
        }}),
    );
    assert_eq!(status, 201, "{body}");
    wait_until("the connector to run", Duration::from_secs(60), || {
        let (_, st) = get(&format!("/connectors/{name}/status"));
        (st["connector"]["state"] == "RUNNING" && st["tasks"][0]["state"] == "RUNNING")
            .then_some(())
    });
}

#[test]
fn a_piped_watch_logs_each_change_as_it_happens() {
    require_cluster!();
    let name = unique_name("it-watch-log");
    let _guard = ConnectorGuard(name.clone());
    create_source(&name);
    let mut w = watch(
        &format!("WATCH SHOW CONNECTORS LIKE '{name}' EVERY 1 SECONDS"),
        &[],
    );
    let start = w.expect("watching SHOW CONNECTORS", Duration::from_secs(30));
    assert!(start.ends_with(&format!("watching SHOW CONNECTORS LIKE '{name}' every 1s")));
    w.expect(&format!(" {name} "), Duration::from_secs(10));
    let (status, body) = put(&format!("/connectors/{name}/pause"), &json!({}));
    assert_eq!(status, 202, "{body}");
    let line = w.expect(
        &format!("connector {name}: status RUNNING (1/1 tasks RUNNING) -> PAUSED"),
        Duration::from_secs(30),
    );
    assert!(
        line.split(' ').next().unwrap().ends_with('Z'),
        "a timestamp first: {line}"
    );
    delete(&format!("/connectors/{name}"));
    w.expect(
        &format!("connector {name} disappeared"),
        Duration::from_secs(30),
    );
    let (code, stderr) = w.stop();
    // The script's report: stopped by the signal, exit 128+15.
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("SIGTERM"), "{stderr}");
}

#[test]
fn a_json_watch_emits_one_document_per_change() {
    require_cluster!();
    let name = unique_name("it-watch-json");
    let _guard = ConnectorGuard(name.clone());
    create_source(&name);
    let mut w = watch(
        &format!("WATCH DESCRIBE CONNECTOR \"{name}\" EVERY 1 SECONDS"),
        &["--output", "json"],
    );
    let start: Value =
        serde_json::from_str(&w.expect("watch_start", Duration::from_secs(30))).unwrap();
    assert_eq!(start["every_seconds"], 1);
    assert_eq!(start["result"]["connector"]["state"], "RUNNING");
    put(&format!("/connectors/{name}/pause"), &json!({}));
    let mut states = Vec::new();
    while states.len() < 2 {
        let doc: Value =
            serde_json::from_str(&w.expect("watch_change", Duration::from_secs(30))).unwrap();
        assert_eq!(doc["subject"]["connector"], name.as_str(), "{doc}");
        if doc["field"] == "state" {
            states.push((doc["subject"].get("task").cloned(), doc["to"].clone()));
        }
    }
    states.sort_by_key(|s| s.0.is_some());
    assert_eq!(
        states,
        vec![(None, json!("PAUSED")), (Some(json!("0")), json!("PAUSED"))]
    );
    w.stop();
}

#[test]
fn restart_failed_restarts_a_failing_connector_and_logs_connects_answer() {
    require_cluster!();
    let name = unique_name("it-watch-restart");
    let _guard = ConnectorGuard(name.clone());
    // The sink task cannot create its file in a missing directory: it fails at every start.
    let (status, body) = post(
        "/connectors",
        &json!({"name": name, "config": {
            "connector.class": "FileStreamSink",
            "file": "/nonexistent-kcsh-dir/out.txt",
            "topics": name,
            "tasks.max": "1",
        }}),
    );
    assert_eq!(status, 201, "{body}");
    wait_until("the task to fail", Duration::from_secs(60), || {
        let (_, st) = get(&format!("/connectors/{name}/status"));
        (st["tasks"][0]["state"] == "FAILED").then_some(())
    });

    // Under --dry-run it says what it would do and restarts nothing.
    let mut dry = watch(
        &format!("WATCH SHOW CONNECTORS LIKE '{name}' EVERY 1 SECONDS RESTART FAILED"),
        &["--dry-run"],
    );
    let line = dry.expect("restart connector", Duration::from_secs(30));
    assert!(
        line.contains(&format!(
            "restart connector {name} (restart 1 of 5; task 0 FAILED: "
        )) && line.contains(&format!("): Would restart connector {name}")),
        "{line}"
    );
    dry.stop();

    let mut w = watch(
        &format!("WATCH SHOW CONNECTORS LIKE '{name}' EVERY 1 SECONDS RESTART FAILED"),
        &[],
    );
    let line = w.expect("restart connector", Duration::from_secs(30));
    assert!(
        line.contains("(restart 1 of 5; task 0 FAILED: ")
            && line.contains("Couldn't find or create file")
            && line.ends_with(&format!("Restarted connector {name}: restarting 1 task(s)")),
        "{line}"
    );
    // The backoff: the second restart comes about 10 s after the first, not at the next tick.
    let first = Instant::now();
    let line = w.expect("restart connector", Duration::from_secs(40));
    assert!(line.contains("(restart 2 of 5;"), "{line}");
    assert!(
        first.elapsed() >= Duration::from_secs(8),
        "{:?}",
        first.elapsed()
    );
    w.stop();
}

#[test]
fn a_first_fetch_that_fails_fails_the_watch_at_once() {
    require_cluster!();
    let out = kcsh()
        .arg("-e")
        .arg("WATCH DESCRIBE CONNECTOR \"it-watch-no-such-connector\"")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Connector 'it-watch-no-such-connector' does not exist."),
        "{}",
        transcript(&out)
    );
}

/// A worker that accepts connections and never answers.
fn silent_worker() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    url
}

#[test]
fn a_tick_that_gets_no_answer_is_given_up_within_its_bound() {
    let started = Instant::now();
    let out = kcsh_without_cluster()
        .arg("--url")
        .arg(silent_worker())
        .arg("-e")
        .arg("WATCH SHOW CONNECTORS EVERY 1 SECONDS")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no answer within 10 s"),
        "{}",
        transcript(&out)
    );
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// A WATCH never ends, so a plan refuses it (it would otherwise plan as one read, then run
/// forever when applied), before anything is read or sent.
#[test]
fn a_plan_refuses_a_watch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.sql"), "WATCH SHOW CONNECTORS;\n").unwrap();
    let out = kcsh_without_cluster()
        .arg("--url")
        .arg(NO_CLUSTER_URL)
        .arg("-f")
        .arg(dir.path())
        .arg("--dry-run")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a plan cannot hold a WATCH"),
        "{}",
        transcript(&out)
    );
}

/// After the start, a failed fetch is a line and WATCH goes on: an HTML error page three
/// times (said at 1 and 2 in a row, then once more when it works again), then a tick with no
/// answer at all, given up after the tick's bound, then the worker's answers again.
#[test]
fn failed_fetches_after_the_start_are_lines_and_the_watch_goes_on() {
    require_cluster!();
    let proxy = FakeConnect::start(&test_url());
    let mut cmd = kcsh_without_cluster();
    cmd.arg("--url")
        .arg(proxy.url())
        .arg("-e")
        .arg("WATCH SHOW CONNECTORS LIKE 'it-watch-faults-%' EVERY 1 SECONDS")
        .stdin(Stdio::null());
    let mut w = Watching::start(cmd);
    w.expect("watching SHOW CONNECTORS", Duration::from_secs(30));
    for _ in 0..3 {
        proxy.then_for("GET /connectors?expand", Fault::HtmlError);
    }
    let first = w.expect("fetch failed", Duration::from_secs(10));
    assert!(first.contains("fetch failed: "), "{first}");
    assert!(first.contains("502"), "{first}");
    let second = w.expect("fetch failed", Duration::from_secs(10));
    assert!(second.contains("fetch failed (2 in a row): "), "{second}");
    let back = w.expect("fetch works again", Duration::from_secs(10));
    assert!(back.ends_with("fetch works again after 3 failed"), "{back}");
    assert!(
        !w.seen.iter().any(|l| l.contains("(3 in a row)")),
        "{:?}",
        w.seen
    );
    proxy.then_for("GET /connectors?expand", Fault::Hang);
    let started = Instant::now();
    let line = w.expect("fetch failed", Duration::from_secs(30));
    assert!(line.contains("no answer within 10 s"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(20));
    w.expect("fetch works again after 1 failed", Duration::from_secs(10));
    w.stop();
}
