//! Whole-command tests of the non-interactive modes against the real cluster: `-e`, `-f` and a
//! script on stdin, tables and JSON, the report after a failure, exit codes 0/1/2/3, `--check`,
//! a closed stdout. Each test names its connectors `shell-<test>-...` so tests run in parallel.

use std::io::Write;
use std::process::Stdio;

use crate::harness::{Env, filters, transcript};

fn run_e(env: &Env, statements: &[&str]) -> std::process::Output {
    let mut cmd = env.kcsh();
    for s in statements {
        cmd.arg("-e").arg(s);
    }
    cmd.output().expect("kcsh runs")
}

fn drop_quietly(env: &Env, name: &str) {
    let _ = run_e(env, &[&format!("DROP CONNECTOR IF EXISTS {name}")]);
}

#[test]
fn execute_shows_plugins_in_ksql_layout() {
    require_cluster!();
    let env = Env::new();
    let out = run_e(&env, &["SHOW CONNECTOR PLUGINS"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    filters().bind(|| insta::assert_snapshot!("e_show_connector_plugins", transcript(&out)));
}

#[test]
fn repeated_execute_runs_in_order() {
    require_cluster!();
    let env = Env::new();
    drop_quietly(&env, "shell-e-src");
    let create = format!(
        "CREATE SOURCE CONNECTOR shell-e-src WITH ('connector.class' = 'FileStreamSource', \
         'file' = '{}', 'topic' = 'shell-e-lines')",
        env.path("in.txt").display()
    );
    let out = run_e(
        &env,
        &[
            &create,
            "WAIT FOR CONNECTOR shell-e-src TIMEOUT 60 SECONDS",
            "SHOW CONNECTORS LIKE 'shell-e-%'",
            "PAUSE CONNECTOR shell-e-src",
            "DROP CONNECTOR shell-e-src",
        ],
    );
    let text = transcript(&out).replace(&env.path("in.txt").display().to_string(), "[FILE]");
    filters().bind(|| insta::assert_snapshot!("e_repeated", text));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn file_stops_at_the_first_failure_and_reports() {
    require_cluster!();
    let env = Env::new();
    drop_quietly(&env, "shell-f-src");
    let script = env.path("script.sql");
    std::fs::write(
        &script,
        format!(
            "-- shell test script\n\
             CREATE SOURCE CONNECTOR shell-f-src WITH (\n  \
               'connector.class' = 'FileStreamSource',\n  \
               'file' = '{}',\n  \
               'topic' = 'shell-f-lines');\n\
             DROP CONNECTOR shell-f-missing;\n\
             DROP CONNECTOR shell-f-src;\n",
            env.path("in.txt").display()
        ),
    )
    .unwrap();
    let out = env.kcsh().arg("-f").arg("script.sql").output().unwrap();
    drop_quietly(&env, "shell-f-src");
    let text = transcript(&out).replace(&env.path("in.txt").display().to_string(), "[FILE]");
    filters().bind(|| insta::assert_snapshot!("f_stops_at_failure", text));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn on_error_continue_runs_everything() {
    require_cluster!();
    let env = Env::new();
    let out = env
        .kcsh()
        .args(["--on-error", "continue"])
        .args(["-e", "DROP CONNECTOR shell-cont-missing"])
        .args(["-e", "SHOW CONNECTORS LIKE 'shell-cont-%'"])
        .output()
        .unwrap();
    filters().bind(|| insta::assert_snapshot!("e_on_error_continue", transcript(&out)));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stdin_script_with_json_output() {
    require_cluster!();
    let env = Env::new();
    drop_quietly(&env, "shell-stdin-src");
    let mut child = env
        .kcsh()
        .args(["--output", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let script = format!(
        "DEFINE topic = 'shell-stdin-lines';\n\
         CREATE SOURCE CONNECTOR shell-stdin-src WITH ('connector.class' = 'FileStreamSource',\n\
           'file' = '{}', 'topic' = '${{topic}}');\n\
         SHOW VARIABLES;\n\
         DROP CONNECTOR shell-stdin-src;\n",
        env.path("in.txt").display()
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    // One JSON document per line, one per statement.
    let docs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON document"))
        .collect();
    let pretty = serde_json::to_string_pretty(&docs).unwrap();
    filters().bind(|| insta::assert_snapshot!("stdin_json", pretty));
}

#[test]
fn syntax_error_applies_nothing_and_exits_2() {
    let env = Env::new();
    let out = env
        .kcsh()
        .args(["-e", "CREATE SOURCE CONNECTOR shell-syntax-src WITH ('connector.class' = 'FileStreamSource', 'topic' = 't'); DROP CONNECTOR ;"])
        .output()
        .unwrap();
    filters().bind(|| insta::assert_snapshot!("e_syntax_error", transcript(&out)));
    assert_eq!(out.status.code(), Some(2));
    let listed = run_e(&env, &["SHOW CONNECTORS LIKE 'shell-syntax-%'"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("shell-syntax-src"));
}

#[test]
fn unreachable_cluster_exits_3() {
    let env = Env::new();
    let out = env
        .kcsh()
        .env("KCSH_URL", "http://127.0.0.1:9")
        .args(["-e", "SHOW CONNECTORS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", transcript(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:9"));
}

#[test]
fn check_needs_no_cluster() {
    let env = Env::new();
    let out = env
        .kcsh()
        .env("KCSH_URL", "http://127.0.0.1:9")
        .args([
            "--check",
            "-e",
            "EXPLAIN DROP CONNECTOR x;",
            "-e",
            "SHOW CONNECTORS",
        ])
        .output()
        .unwrap();
    assert_eq!(
        transcript(&out),
        "exit: 0\n--- stdout\nOK: 2 statements\n--- stderr\n"
    );
    let out = env
        .kcsh()
        .args(["--check", "-e", "DEFINE a = 'x'; DROP CONNECTOR ${b};"])
        .output()
        .unwrap();
    filters().bind(|| insta::assert_snapshot!("check_undefined_variable", transcript(&out)));
    assert_eq!(out.status.code(), Some(2));
    // -d defines a variable for every statement; its value may contain `=`.
    let out = env
        .kcsh()
        .args(["--check", "-d", "name=a=b", "-e", "DROP CONNECTOR ${name}"])
        .output()
        .unwrap();
    assert_eq!(
        transcript(&out),
        "exit: 0\n--- stdout\nOK: 1 statement\n--- stderr\n"
    );
    let out = env
        .kcsh()
        .args(["--check", "-d", "no-equals", "-e", "SHOW CONNECTORS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
}

#[test]
fn closed_stdout_exits_quietly() {
    let env = Env::new();
    let mut child = env
        .kcsh()
        .args(["-e", "HELP", "-e", "SHOW CONNECTOR PLUGINS"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(out.stderr.is_empty(), "{}", transcript(&out));
}

#[test]
fn help_documents_exit_codes() {
    let env = Env::new();
    let out = env.kcsh().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "0  every statement succeeded",
        "1  a statement failed",
        "2  usage or syntax error",
        "3  the cluster is unreachable",
    ] {
        assert!(text.contains(line), "--help lacks {line:?}");
    }
}

fn create_text(env: &Env, name: &str) -> String {
    format!(
        "CREATE SOURCE CONNECTOR {name} WITH ('connector.class' = 'FileStreamSource', \
         'file' = '{}', 'topic' = '{name}')",
        env.path("in.txt").display()
    )
}

/// Once something was applied, any later failure exits 1 (2 and 3 promise nothing was):
/// an undefined variable, a syntax error in a nested RUN SCRIPT. Reads are not "applied".
#[test]
fn failures_after_an_applied_statement_exit_1() {
    require_cluster!();
    let env = Env::new();
    drop_quietly(&env, "shell-truth-src");
    let out = run_e(
        &env,
        &[
            &create_text(&env, "shell-truth-src"),
            "SHOW CONNECTORS LIKE 'shell-truth-%'",
            "DROP CONNECTOR ${undefined_name}",
        ],
    );
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("1 applied, 1 ran without changes, 1 failed, 0 not run"),
        "{text}"
    );
    assert!(
        text.contains("  ran      -e #2, line 1  SHOW CONNECTORS"),
        "{text}"
    );

    std::fs::write(
        env.path("broken.sql"),
        "SHOW CONNECTORS;\nDROP CONNECTOR ;\n",
    )
    .unwrap();
    std::fs::write(
        env.path("outer.sql"),
        "DROP CONNECTOR shell-truth-src;\nRUN SCRIPT 'broken.sql';\nSHOW CONNECTORS;\n",
    )
    .unwrap();
    let out = env.kcsh().args(["-f", "outer.sql"]).output().unwrap();
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("RUN SCRIPT 'broken.sql' was not run"),
        "{text}"
    );
    assert!(
        text.contains("broken.sql") && text.contains("line 2"),
        "{text}"
    );
    assert!(text.contains("  applied  outer.sql, line 1"), "{text}");
    assert!(text.contains("  not run  outer.sql, line 3"), "{text}");
    // Nothing applied: a syntax error in a nested script is still a syntax error (2).
    let out = env
        .kcsh()
        .args(["-e", "RUN SCRIPT 'broken.sql'"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
}

/// "applied" is what Connect confirmed after the run, not what a statement might write: an
/// IF NOT EXISTS that found the connector, an EXPLAIN, a DROP IF EXISTS of a missing
/// connector and anything under `--dry-run` ran without changes.
#[test]
fn the_report_says_what_actually_happened() {
    require_cluster!();
    let env = Env::new();
    drop_quietly(&env, "shell-happened-src");
    let create = create_text(&env, "shell-happened-src");
    let again = create.replace("CONNECTOR ", "CONNECTOR IF NOT EXISTS ");
    let out = env
        .kcsh()
        .args(["--on-error", "continue"])
        .args(["-e", &create, "-e", &again])
        .args(["-e", "EXPLAIN DROP CONNECTOR shell-happened-src"])
        .args(["-e", "DROP CONNECTOR IF EXISTS shell-happened-missing"])
        .args(["-e", "DROP CONNECTOR shell-happened-missing"])
        .output()
        .unwrap();
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("1 applied, 3 ran without changes, 1 failed, 0 not run"),
        "{text}"
    );
    assert!(text.contains("  applied  -e #1, line 1"), "{text}");
    for n in 2..=4 {
        assert!(
            text.contains(&format!("  ran      -e #{n}, line 1")),
            "{text}"
        );
    }

    drop_quietly(&env, "shell-happened-dry");
    let out = env
        .kcsh()
        .args(["--dry-run", "--on-error", "continue"])
        .args(["-e", &create_text(&env, "shell-happened-dry")])
        .args(["-e", "DROP CONNECTOR shell-happened-src"])
        .args(["-e", "DROP CONNECTOR shell-happened-missing"])
        .output()
        .unwrap();
    drop_quietly(&env, "shell-happened-src");
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("0 applied, 2 ran without changes, 1 failed, 0 not run"),
        "{text}"
    );
}

/// The statements of a nested RUN SCRIPT are reported one by one, to the caller's stderr.
#[test]
fn nested_scripts_report_each_statement() {
    require_cluster!();
    let env = Env::new();
    std::fs::write(
        env.path("inner.sql"),
        "SHOW CONNECTORS LIKE 'shell-nested-%';\nDROP CONNECTOR shell-nested-missing;\n",
    )
    .unwrap();
    let out = env
        .kcsh()
        .args(["-e", "RUN SCRIPT 'inner.sql'", "-e", "SHOW PLUGINS"])
        .output()
        .unwrap();
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("No connectors."), "{text}");
    assert!(
        text.contains("Statement at inner.sql, line 2 failed"),
        "{text}"
    );
    assert!(text.contains("  FAILED   inner.sql, line 2"), "{text}");
    assert!(text.contains("  not run  -e #2, line 1 "), "{text}");
}

/// SIGTERM while a statement waits on a worker that never answers: the statement is abandoned,
/// the report says what was applied and what was not run, and the exit code is 128+15.
#[test]
fn sigterm_during_a_script_reports_then_exits_143() {
    require_cluster!();
    use std::io::{BufRead, BufReader};
    let env = Env::new();
    drop_quietly(&env, "shell-sig-src");
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let script = format!(
        "{};\nSERVER '{silent_url}';\nSHOW CONNECTORS;\nDROP CONNECTOR shell-sig-src;\n",
        create_text(&env, "shell-sig-src")
    );
    std::fs::write(env.path("sig.sql"), script).unwrap();
    let mut child = env
        .kcsh()
        .args(["-f", "sig.sql"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("Created connector"), "{first}");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: signalling the child we spawned.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let started = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    drop_quietly(&env, "shell-sig-src");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(err.contains("Stopped by SIGTERM."), "{err}");
    assert!(err.contains("  applied  sig.sql, line 1"), "{err}");
    assert!(err.contains("  not run  sig.sql, line 3"), "{err}");
    assert!(err.contains("  not run  sig.sql, line 4"), "{err}");
}

/// A write whose answer was lost (the worker applied it, the connection dropped before the
/// answer) is listed as "may have been applied", not FAILED, and the script stops: exit 1.
#[test]
fn a_lost_write_is_reported_as_may_have_been_applied() {
    require_cluster!();
    use crate::harness::{FakeConnect as FaultProxy, Fault};
    let env = Env::new();
    drop_quietly(&env, "shell-lost-src");
    let out = run_e(&env, &[&create_text(&env, "shell-lost-src")]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let proxy = FaultProxy::start(&crate::harness::test_url());
    proxy.then_for(
        "PUT /connectors/shell-lost-src/pause",
        Fault::ForwardThenDrop,
    );
    let out = env
        .kcsh()
        .env("KCSH_URL", proxy.url())
        .args(["-e", "PAUSE CONNECTOR shell-lost-src"])
        .args(["-e", "RESUME CONNECTOR shell-lost-src"])
        .output()
        .unwrap();
    drop_quietly(&env, "shell-lost-src");
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("0 applied, 1 may have been applied, 0 failed, 1 not run:"),
        "{text}"
    );
    assert!(
        text.contains("  may have been applied  -e #1, line 1  PAUSE CONNECTOR"),
        "{text}"
    );
    assert!(!text.contains("FAILED"), "{text}");
}
