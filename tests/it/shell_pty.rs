//! The interactive shell driven in a pseudo-terminal, as a user would: the prompt, a CREATE over
//! several lines, Up to recall history, Tab completing a live connector name and a config key,
//! Ctrl-C (clears the line, cancels a request), Ctrl-D, and no colour codes under NO_COLOR.

use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession as Session;
use expectrl::{Expect, Needle, Regex};

use crate::harness::{Env, test_url as cluster_url};

const UP: &str = "\x1b[A";

struct Repl {
    session: Session,
    seen: Vec<u8>,
    env: Env,
}

impl Repl {
    fn start(no_color: bool) -> Repl {
        Repl::start_on(no_color, None)
    }

    /// The REPL on `url` instead of the test cluster.
    fn start_on(no_color: bool, url: Option<&str>) -> Repl {
        let env = Env::new();
        let mut cmd: Command = env.kcsh_tty();
        if let Some(url) = url {
            cmd.env("KCSH_URL", url);
        }
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        cmd.env("TERM", "xterm-256color")
            .env("KCSH_HISTORY", env.path("history"));
        let mut session = Session::spawn(cmd).expect("spawn kcsh in a pty");
        session
            .get_process_mut()
            .set_window_size(200, 50)
            .expect("window size");
        session.set_expect_timeout(Some(Duration::from_secs(30)));
        let mut repl = Repl {
            session,
            seen: Vec::new(),
            env,
        };
        repl.expect_prompt();
        repl
    }

    /// Wait for `needle` (described as `what` if it never comes); the text before it.
    fn wait_for<N: Needle>(&mut self, needle: N, what: &str) -> String {
        let found = self.session.expect(needle).unwrap_or_else(|e| {
            panic!(
                "waiting for {what}: {e}\nseen so far:\n{}",
                self.seen_text()
            )
        });
        self.seen.extend_from_slice(found.before());
        self.seen
            .extend_from_slice(found.get(0).unwrap_or_default());
        String::from_utf8_lossy(found.before()).into_owned()
    }

    fn expect(&mut self, needle: &str) -> String {
        self.wait_for(needle, &format!("{needle:?}"))
    }

    fn expect_regex(&mut self, re: &str) -> String {
        self.wait_for(Regex(re), &format!("/{re}/"))
    }

    fn expect_prompt(&mut self) -> String {
        self.wait_for(Regex(r"kcsh [^ ]+:\d+> "), "the prompt")
    }

    fn send(&mut self, text: &str) {
        self.session.send(text).unwrap();
    }

    fn line(&mut self, text: &str) {
        self.session.send(format!("{text}\r")).unwrap();
    }

    fn seen_text(&self) -> String {
        String::from_utf8_lossy(&self.seen).into_owned()
    }

    /// Ctrl-D at an empty prompt; kcsh must exit with 0.
    fn quit(mut self) -> String {
        self.send("\x04");
        let status = self.session.get_process().wait().expect("kcsh exits");
        assert!(
            matches!(status, WaitStatus::Exited(_, 0)),
            "{status:?}\n{}",
            self.seen_text()
        );
        self.seen_text()
    }
}

/// A worker that accepts connections and never answers (nor closes them).
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

fn create(env_name: &str) {
    let env = Env::new();
    let out = env
        .kcsh()
        .arg("-e")
        .arg(format!(
            "CREATE OR REPLACE SOURCE CONNECTOR {env_name} WITH ('connector.class' = 'FileStreamSource', \
             'file' = '/tmp/{env_name}.txt', 'topic' = '{env_name}')"
        ))
        .arg("-e")
        .arg(format!("WAIT FOR CONNECTOR {env_name} TIMEOUT 60 SECONDS"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn drop_connector(name: &str) {
    let env = Env::new();
    let _ = env
        .kcsh()
        .arg("-e")
        .arg(format!("DROP CONNECTOR IF EXISTS {name}"))
        .output();
}

#[test]
fn prompt_names_the_cluster_and_banner_shows_versions() {
    require_cluster!();
    let url = cluster_url();
    let mut repl = Repl::start(true);
    let host = url.split("://").nth(1).unwrap().trim_end_matches('/');
    assert!(
        repl.seen_text().contains(&format!("kcsh {host}> ")),
        "{}",
        repl.seen_text()
    );
    assert!(
        repl.seen_text().contains("Connect "),
        "{}",
        repl.seen_text()
    );
    assert!(repl.seen_text().contains("HELP"), "{}", repl.seen_text());
    repl.line("help");
    repl.expect("Client commands");
    repl.expect_prompt();
    repl.quit();
}

#[test]
fn multi_line_create_and_history_recall() {
    require_cluster!();
    drop_connector("shell-pty-ml");
    let mut repl = Repl::start(true);
    repl.line("CREATE SOURCE CONNECTOR shell-pty-ml WITH (");
    repl.expect("-> ");
    repl.line("  'connector.class' = 'FileStreamSource',");
    repl.expect("-> ");
    repl.line("  'file' = '/tmp/shell-pty-ml.txt', 'topic' = 'shell-pty-ml');");
    repl.expect("Created connector shell-pty-ml");
    repl.expect_prompt();
    // Connect lists a new connector a moment after creating it.
    repl.line("WAIT FOR CONNECTOR shell-pty-ml TIMEOUT 60 SECONDS;");
    repl.expect("is RUNNING");
    repl.expect_prompt();
    // Up twice recalls the multi-line CREATE whole; run again, Connect refuses the duplicate.
    repl.send(UP);
    repl.send(UP);
    repl.send("\r");
    repl.expect("already exists");
    repl.expect_prompt();
    // Up once recalls it again: the latest entry.
    repl.send(UP);
    repl.send("\r");
    repl.expect("already exists");
    repl.expect_prompt();
    repl.line("DROP CONNECTOR shell-pty-ml;");
    repl.expect("Dropped connector");
    repl.expect_prompt();
    repl.quit();
}

#[test]
fn history_is_private_and_masks_secrets() {
    let mut repl = Repl::start(true);
    repl.line("DEFINE db_password = 's3cret-value';");
    repl.expect_prompt();
    repl.line("SHOW VARIABLES;");
    repl.expect("db_password");
    repl.expect_prompt();
    repl.line("SHOW VARIABLES;");
    repl.expect("db_password");
    repl.expect_prompt();
    let path = repl.env.path("history");
    let text = std::fs::read_to_string(&path).expect("history written");
    assert!(text.contains("DEFINE db_password = '[hidden]';"), "{text}");
    assert!(!text.contains("s3cret-value"), "{text}");
    assert_eq!(text.matches("SHOW VARIABLES;").count(), 1, "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    repl.quit();
}

#[test]
fn tab_completes_live_names_and_config_keys() {
    require_cluster!();
    create("shell-pty-tabunique");
    let mut repl = Repl::start(true);
    repl.send("DESCRIBE CONNECTOR shell-pty-tabu\t");
    repl.expect("shell-pty-tabunique");
    repl.line(";");
    repl.expect("Name     : shell-pty-tabunique");
    repl.expect_prompt();
    repl.send("VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource', 'fi\t");
    repl.expect("'file'");
    repl.send("\x03"); // Ctrl-C drops the half-typed statement
    repl.expect_prompt();
    repl.quit();
    drop_connector("shell-pty-tabunique");
}

#[test]
fn ctrl_c_clears_the_line_and_cancels_a_request() {
    require_cluster!();
    create("shell-pty-cancel");
    let env = Env::new();
    let out = env
        .kcsh()
        .args(["-e", "PAUSE CONNECTOR shell-pty-cancel"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut repl = Repl::start(true);
    repl.send("SHOW CONN");
    repl.send("\x03");
    repl.expect_prompt();
    // Had the text stayed, this would read `SHOW CONNSHOW ...` and fail to parse.
    repl.line("SHOW CONNECTORS LIKE 'shell-pty-cancel';");
    repl.expect("PAUSED");
    repl.expect_prompt();
    repl.line("WAIT FOR CONNECTOR shell-pty-cancel TIMEOUT 60 SECONDS;");
    std::thread::sleep(Duration::from_millis(1500));
    repl.send("\x03");
    repl.expect("Cancelled");
    repl.expect_prompt();
    repl.line("SHOW CONNECTORS LIKE 'shell-pty-cancel';");
    repl.expect("PAUSED");
    repl.expect_prompt();
    repl.quit();
    drop_connector("shell-pty-cancel");
}

#[test]
fn no_colour_codes_under_no_color_but_colour_otherwise() {
    require_cluster!();
    create("shell-pty-colour");
    let sgr = regex_lite_sgr();
    let mut repl = Repl::start(true);
    repl.line("SHOW CONNECTORS LIKE 'shell-pty-colour';");
    repl.expect("RUNNING");
    repl.expect_prompt();
    repl.line("DROP CONNECTOR nope-shell-pty;");
    repl.expect("does not exist");
    repl.expect_prompt();
    let seen = repl.quit();
    assert!(!sgr(&seen), "colour codes under NO_COLOR:\n{seen:?}");

    let mut repl = Repl::start(false);
    repl.line("SHOW CONNECTORS LIKE 'shell-pty-colour';");
    repl.expect("RUNNING");
    repl.expect_prompt();
    let seen = repl.quit();
    assert!(sgr(&seen), "no colour on a terminal:\n{seen:?}");
    drop_connector("shell-pty-colour");
}

/// Against a worker that never answers: the prompt comes within the banner's bound, Tab
/// completes (with nothing) within its bound, Ctrl-C abandons a statement at once, and the
/// shell stays usable. Before, the banner and Tab held the session's lock: ~120 s to a prompt.
#[test]
fn a_silent_worker_never_freezes_the_prompt() {
    let url = silent_worker();
    let started = Instant::now();
    let mut repl = Repl::start_on(true, Some(&url));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "prompt after {:?}",
        started.elapsed()
    );
    assert!(
        repl.seen_text().contains("not answering"),
        "{}",
        repl.seen_text()
    );
    let tab = Instant::now();
    repl.send("DESCRIBE CONNECTOR x\t");
    std::thread::sleep(Duration::from_millis(200));
    repl.send("\x03");
    repl.expect_prompt();
    assert!(
        tab.elapsed() < Duration::from_secs(5),
        "Tab took {:?}",
        tab.elapsed()
    );
    // A second Tab while the first look-up still waits answers at once.
    repl.send("DROP CONNECTOR \t\x03");
    repl.expect_prompt();
    repl.line("SHOW CONNECTORS;");
    std::thread::sleep(Duration::from_millis(500));
    let cancel = Instant::now();
    repl.send("\x03");
    repl.expect("Cancelled");
    repl.expect_prompt();
    assert!(
        cancel.elapsed() < Duration::from_secs(5),
        "Ctrl-C answered after {:?}",
        cancel.elapsed()
    );
    // The abandoned request kept the old session; the shell goes on with a new one.
    // SERVER asks the worker too, and is abandoned the same way.
    repl.line("SERVER;");
    std::thread::sleep(Duration::from_millis(300));
    repl.send("\x03");
    repl.expect("Cancelled");
    repl.expect_prompt();
    repl.line("SHOW PROPERTIES;");
    repl.expect("on.error");
    repl.expect_prompt();
    repl.quit();
}

/// Lines typed while a statement runs are all run, in order (before, only the first was:
/// the line editor read them all and dropped the rest).
#[test]
fn lines_typed_while_a_statement_runs_are_kept() {
    let url = silent_worker();
    let mut repl = Repl::start_on(true, Some(&url));
    repl.line("SET 'timeout' = '2';");
    repl.expect_prompt();
    repl.line("SHOW CONNECTORS;");
    std::thread::sleep(Duration::from_millis(300));
    repl.send("DEFINE first = 'typed-1';\rDEFINE second = 'typed-2';\rSHOW VARIABLES;\r");
    // The tty echoes what is typed; the table shows what ran.
    repl.expect_regex(r"first +\| typed-1");
    repl.expect_regex(r"second +\| typed-2");
    repl.expect_prompt();
    let seen = repl.quit();
    assert!(seen.contains("second"), "{seen}");
}

/// Lines pasted at the prompt without bracketed paste arrive in one read: all of them run, in
/// order (before, the line editor kept the first and dropped the rest of its read buffer).
#[test]
fn lines_pasted_at_the_prompt_are_all_run() {
    let url = silent_worker();
    let mut repl = Repl::start_on(true, Some(&url));
    repl.send("DEFINE p1 = 'pasted-1';\rDEFINE p2 = 'pasted-2';\rDEFINE p3 = 'pasted-3';\rSHOW VARIABLES;\r");
    repl.expect_regex(r"p1 +\| pasted-1");
    repl.expect_regex(r"p2 +\| pasted-2");
    repl.expect_regex(r"p3 +\| pasted-3");
    repl.expect_prompt();
    repl.quit();
}

/// True if `text` holds an SGR (colour) escape such as `ESC[32m` or `ESC[38;5;10m`.
fn regex_lite_sgr() -> impl Fn(&str) -> bool {
    |text: &str| {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i + 2 < bytes.len() {
            if bytes[i] == 0x1b && bytes[i + 1] == b'[' {
                let mut j = i + 2;
                while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b';') {
                    j += 1;
                }
                if j > i + 2 && j < bytes.len() && bytes[j] == b'm' {
                    return true;
                }
            }
            i += 1;
        }
        false
    }
}

/// Issue 9 §6: Tab completes a class alias as the docs write it (only sinks in CREATE SINK)
/// and, in ALTER ... SET (', the keys of that connector's own plugin (asked of the worker).
#[test]
fn tab_completes_class_aliases_and_the_altered_connectors_keys() {
    require_cluster!();
    create("shell-pty-alterkeys");
    let mut repl = Repl::start(true);
    tab_until(
        &mut repl,
        "CREATE SINK CONNECTOR x WITH ('connector.class' = 'FileStreamSi",
        "'FileStreamSink",
    );
    tab_until(
        &mut repl,
        "ALTER CONNECTOR shell-pty-alterkeys SET ('fi",
        "'file'",
    );
    repl.quit();
    drop_connector("shell-pty-alterkeys");
}

/// Types `text`, presses Tab until `needle` shows, then drops the line. A live look-up is
/// bounded (about a second) and a loaded worker may miss the bound: then Tab again.
fn tab_until(repl: &mut Repl, text: &str, needle: &str) {
    repl.send(&format!("{text}\t"));
    repl.session
        .set_expect_timeout(Some(Duration::from_secs(5)));
    let completed = (0..5).any(|_| {
        let found = repl.session.expect(needle).is_ok();
        if !found {
            repl.send("\t");
        }
        found
    });
    repl.session
        .set_expect_timeout(Some(Duration::from_secs(30)));
    assert!(
        completed,
        "Tab never showed {needle:?}:\n{}",
        repl.seen_text()
    );
    repl.send("\x03");
    repl.expect_prompt();
}

/// `cmd` run by `sh` in a terminal set to line mode with echo (the pty starts without echo),
/// then kcsh's exit status and the terminal's settings (`sh` restores nothing itself, unlike
/// an interactive bash).
fn then_stty(cmd: &Command) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(r#"stty echo; "$0" "$@"; echo "exit=$?"; stty -a"#)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        sh.current_dir(dir);
    }
    sh
}

/// The terminal is in line mode with echo, as `stty -a` printed it.
fn assert_line_mode(stty: &str) {
    let flags: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig"] {
        assert!(flags.contains(&flag), "{flag} not restored:\n{stty}");
    }
}

/// WATCH at a terminal: the alternate screen, redrawn in place with the change shown, `q`
/// back to the prompt (statements run again), Ctrl-C likewise.
#[test]
fn watch_redraws_in_place_until_q_or_ctrl_c() {
    require_cluster!();
    let name = "shell-pty-watch";
    drop_connector(name);
    create(name);
    let mut repl = Repl::start(true);
    repl.line(&format!(
        "WATCH SHOW CONNECTORS LIKE '{name}' EVERY 1 SECONDS;"
    ));
    repl.expect("\x1b[?1049h");
    repl.expect(&format!("Every 1s: SHOW CONNECTORS LIKE '{name}'"));
    repl.expect("RUNNING (1/1 tasks RUNNING)");
    let (status, body) =
        crate::harness::put(&format!("/connectors/{name}/pause"), &serde_json::json!({}));
    assert_eq!(status, 202, "{body}");
    repl.expect(&format!(
        "connector {name}: status RUNNING (1/1 tasks RUNNING) -> PAUSED"
    ));
    repl.send("q");
    repl.expect("\x1b[?1049l");
    repl.expect_prompt();
    repl.line(&format!("SHOW CONNECTORS LIKE '{name}';"));
    repl.expect("PAUSED");
    repl.expect_prompt();

    repl.line(&format!("WATCH DESCRIBE CONNECTOR {name};"));
    repl.expect(&format!("Every 5s: DESCRIBE CONNECTOR {name}"));
    repl.send("\x03");
    repl.expect("\x1b[?1049l");
    repl.expect_prompt();
    drop_connector(name);
    repl.quit();
}

/// SIGTERM while the REPL watches: the terminal is given back (line mode, echo) before the
/// REPL dies of the signal as it would without WATCH.
#[test]
fn sigterm_during_a_watch_gives_the_terminal_back() {
    require_cluster!();
    let env = Env::new();
    let cmd = env.kcsh_tty();
    let mut session = Session::spawn(then_stty(&cmd)).expect("spawn kcsh in a pty");
    session
        .get_process_mut()
        .set_window_size(200, 50)
        .expect("window size");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    let mut repl = Repl {
        session,
        seen: Vec::new(),
        env,
    };
    repl.expect_prompt();
    repl.line("WATCH SHOW CONNECTORS;");
    repl.expect("Every 5s: SHOW CONNECTORS");
    // kcsh is the one child of `sh`.
    let children = Command::new("pgrep")
        .args(["-P", &repl.session.get_process().pid().to_string()])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&children.stdout).trim().to_string();
    assert!(pid.parse::<u32>().is_ok(), "kcsh's pid under sh: {pid:?}");
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    repl.expect("\x1b[?1049l");
    repl.expect("exit=143");
    repl.expect_regex(r"(?s)speed .*?echoke");
    let stty = repl
        .seen_text()
        .rsplit("exit=143")
        .next()
        .unwrap()
        .to_string();
    assert_line_mode(&stty);
}

/// A WATCH run by `-e` at a terminal: `q` ends it, kcsh exits 0 with the terminal as it was.
#[test]
fn watch_in_a_script_at_a_terminal_ends_on_q_with_the_terminal_restored() {
    require_cluster!();
    let env = Env::new();
    let mut cmd = env.kcsh_tty();
    cmd.arg("-e").arg("WATCH SHOW CONNECTORS EVERY 1 SECONDS");
    let mut session = Session::spawn(then_stty(&cmd)).expect("spawn kcsh in a pty");
    session
        .get_process_mut()
        .set_window_size(200, 50)
        .expect("window size");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    session.expect("Every 1s: SHOW CONNECTORS").unwrap();
    session.send("q").unwrap();
    session.expect("\x1b[?1049l").unwrap();
    session.expect("exit=0").unwrap();
    let stty = session.expect(Regex(r"(?s)speed .*?echoke")).unwrap();
    assert_line_mode(&String::from_utf8_lossy(stty.get(0).unwrap()));
}
