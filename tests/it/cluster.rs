//! The embedded cluster and the harness: the shared test cluster has Kafka's file and
//! MirrorMaker connectors and runs a FileStreamSource; `kcsh --embedded` leaves no JVM and no
//! run dir behind on SIGTERM or SIGKILL; start faults exit 3 with the cause, the fix and no
//! leftovers. Connector names start with `cluster-`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{self, ConnectorGuard};

#[test]
fn connector_plugins_include_file_and_mirror_connectors() {
    require_cluster!();
    let (status, plugins) = harness::get("/connector-plugins");
    assert_eq!(status, 200, "{plugins}");
    let classes: Vec<&str> = plugins
        .as_array()
        .expect("an array of plugins")
        .iter()
        .filter_map(|p| p["class"].as_str())
        .collect();
    for expected in [
        "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
    ] {
        assert!(
            classes.contains(&expected),
            "{expected} missing from {classes:?}"
        );
    }
}

#[test]
fn the_worker_is_healthy_and_reports_its_version() {
    require_cluster!();
    let (status, health) = harness::get("/health");
    assert_eq!(
        (status, &health["status"]),
        (200, &json!("healthy")),
        "{health}"
    );
    let (status, info) = harness::get("/");
    assert_eq!(status, 200);
    assert!(
        info["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("4.")),
        "{info}"
    );
}

#[test]
fn a_file_stream_source_runs_with_one_task() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "one\ntwo\n").unwrap();
    let name = harness::unique_name("cluster-fs-src");
    let _guard = ConnectorGuard(name.clone());
    let (status, created) = harness::post(
        "/connectors",
        &json!({"name": name, "config": {
            "connector.class": "FileStreamSource",
            "tasks.max": "1",
            "file": input.display().to_string(),
            "topic": harness::unique_name("cluster-lines"),
        }}),
    );
    assert_eq!(status, 201, "{created}");
    let state = harness::wait_until(
        "the FileStreamSource and its one task to be RUNNING",
        Duration::from_secs(60),
        || {
            let (status, body) = harness::get(&format!("/connectors/{name}/status"));
            let tasks = body["tasks"].as_array()?;
            let running = status == 200
                && body["connector"]["state"] == "RUNNING"
                && tasks.len() == 1
                && tasks[0]["state"] == "RUNNING";
            running.then_some(body)
        },
    );
    assert_eq!(state["type"], "source", "{state}");
    let (status, _) = harness::delete(&format!("/connectors/{name}"));
    assert_eq!(status, 204);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: no JVM outlives kcsh

/// A `kcsh --embedded` whose run dir lands in its own TMPDIR, so the test can find it.
struct Embedded {
    child: Child,
    tmp: tempfile::TempDir,
    stderr: PathBuf,
}

impl Embedded {
    /// Start `kcsh --embedded` reading statements from a pipe that stays open: it starts the
    /// cluster and then waits for input.
    fn start() -> Embedded {
        let tmp = tempfile::tempdir().unwrap();
        let stderr = tmp.path().join("kcsh.stderr");
        let child = harness::kcsh_without_cluster()
            .arg("--embedded")
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Embedded { child, tmp, stderr }
    }

    fn run_dir(&self) -> Option<PathBuf> {
        std::fs::read_dir(self.tmp.path())
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.join(kcsh::embedded::STATE_FILE).is_file())
    }

    /// The run dir and both JVM pids, once kcsh has written them.
    fn wait_started(&mut self) -> (PathBuf, Vec<u32>) {
        harness::wait_until(
            "kcsh --embedded to start its JVMs",
            Duration::from_secs(120),
            || {
                if let Ok(Some(status)) = self.child.try_wait() {
                    panic!("kcsh exited early ({status}): {}", self.stderr_text());
                }
                let dir = self.run_dir()?;
                let state = std::fs::read_to_string(dir.join(kcsh::embedded::STATE_FILE)).ok()?;
                let pids: Vec<u32> = ["worker_pid=", "broker_pid="]
                    .iter()
                    .filter_map(|key| {
                        state
                            .lines()
                            .find_map(|l| l.strip_prefix(key))
                            .and_then(|p| p.parse().ok())
                    })
                    .collect();
                (pids.len() == 2).then_some((dir, pids))
            },
        )
    }

    fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) on the child we spawned and have not reaped yet.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, signal);
        }
    }

    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let child = &mut self.child;
        harness::wait_until("kcsh to exit", within, || child.try_wait().ok().flatten())
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Alive and still the JVM we started (its command line names the run dir).
fn jvm_alive(pid: u32, run_dir: &Path) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains(&*run_dir.to_string_lossy()))
        .unwrap_or(false)
}

fn wait_jvms_gone(pids: &[u32], run_dir: &Path, within: Duration) {
    harness::wait_until("the JVMs to be gone", within, || {
        pids.iter()
            .all(|&pid| !jvm_alive(pid, run_dir))
            .then_some(())
    });
}

#[cfg(target_os = "linux")]
#[test]
fn no_jvm_outlives_kcsh_on_sigterm_or_sigkill() {
    require_cluster!();
    // SIGTERM once the cluster is healthy: kcsh stops the worker, the broker, removes the run
    // dir, and exits 128+15.
    let mut kcsh = Embedded::start();
    let (run_dir, pids) = kcsh.wait_started();
    let url = std::fs::read_to_string(run_dir.join(kcsh::embedded::STATE_FILE))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("url=").map(str::to_string))
        .unwrap();
    harness::wait_until(
        "the embedded worker to be healthy",
        Duration::from_secs(240),
        || {
            if let Ok(Some(status)) = kcsh.child.try_wait() {
                panic!("kcsh exited early ({status}): {}", kcsh.stderr_text());
            }
            (harness::probe(&url, "/health") == Some(200)).then_some(())
        },
    );
    let stopping = Instant::now();
    kcsh.signal(libc::SIGTERM);
    let status = kcsh.wait_exit(Duration::from_secs(60));
    let took = stopping.elapsed();
    assert_eq!(status.code(), Some(143), "{}", kcsh.stderr_text());
    wait_jvms_gone(&pids, &run_dir, Duration::from_secs(5));
    assert!(
        !run_dir.exists(),
        "run dir {} left behind",
        run_dir.display()
    );
    assert!(took < Duration::from_secs(45), "stopping took {took:?}");

    // SIGKILL while starting: kcsh cannot clean up, the kernel kills its JVMs.
    let mut kcsh = Embedded::start();
    let (run_dir, pids) = kcsh.wait_started();
    kcsh.signal(libc::SIGKILL);
    kcsh.wait_exit(Duration::from_secs(10));
    wait_jvms_gone(&pids, &run_dir, Duration::from_secs(10));
}

/// SIGTERM during a script under `--embedded`: the script answers first (the report, exit
/// 128+15), then the cluster stops: no JVM and no run dir left. Before, the cluster's guard
/// exited the process on the signal and no report was printed.
#[cfg(target_os = "linux")]
#[test]
fn sigterm_during_an_embedded_script_reports_then_stops_the_cluster() {
    require_cluster!();
    use std::io::{BufRead, BufReader, Read};
    let tmp = tempfile::tempdir().unwrap();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let script = tmp.path().join("sig.sql");
    std::fs::write(
        &script,
        format!(
            "CREATE SOURCE CONNECTOR cluster-sig-src WITH ('connector.class' = 'FileStreamSource', \
             'file' = '{}', 'topic' = 'cluster-sig');\n\
             SERVER 'http://{}';\nSHOW CONNECTORS;\nSHOW PLUGINS;\n",
            tmp.path().join("in.txt").display(),
            silent.local_addr().unwrap()
        ),
    )
    .unwrap();
    let mut child = harness::kcsh_without_cluster()
        .arg("--embedded")
        .arg("-f")
        .arg(&script)
        .env("TMPDIR", tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("Created connector"), "{first}");
    let run_dir = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join(kcsh::embedded::STATE_FILE).is_file())
        .expect("the run dir");
    let state = std::fs::read_to_string(run_dir.join(kcsh::embedded::STATE_FILE)).unwrap();
    let pids: Vec<u32> = ["worker_pid=", "broker_pid="]
        .iter()
        .filter_map(|key| {
            state
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|p| p.parse().ok())
        })
        .collect();
    assert_eq!(pids.len(), 2, "{state}");
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: kill(2) on the child we spawned and have not reaped yet.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    // The report comes while the cluster still runs (before, the guard stopped the JVMs at the
    // signal and exited, racing the report); the cluster stops after it.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut err = String::new();
    while !err.contains("Stopped by SIGTERM.") {
        if stderr.read_line(&mut err).unwrap() == 0 {
            panic!("no report: {err}");
        }
    }
    let worker_alive = jvm_alive(pids[0], &run_dir);
    stderr.read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(
        worker_alive,
        "the worker was stopped before the report: {err}"
    );
    assert_eq!(status.code(), Some(143), "{err}");
    assert!(err.contains("  applied  "), "{err}");
    assert!(err.contains("sig.sql, line 1"), "{err}");
    assert!(err.contains("  not run  "), "{err}");
    wait_jvms_gone(&pids, &run_dir, Duration::from_secs(5));
    assert!(
        !run_dir.exists(),
        "run dir {} left behind",
        run_dir.display()
    );
}

/// Stops a detached cluster (`kcsh --stop RUN_DIR`) when dropped.
struct StopOnDrop(PathBuf);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = harness::kcsh_without_cluster()
            .arg("--stop")
            .arg(&self.0)
            .output();
    }
}

fn environ(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|e| {
            e.split(|&b| b == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(target_os = "linux")]
#[test]
fn a_detached_cluster_survives_a_closed_stdout_and_its_jvms_inherit_no_kcsh_secret() {
    require_cluster!();
    // `kcsh --embedded --detach | true`: stdout is closed before kcsh prints. It used to panic
    // on the write and its unwinding stopped the cluster it was meant to leave running.
    let tmp = tempfile::tempdir().unwrap();
    let mut child = harness::kcsh_without_cluster()
        .args(["--embedded", "--detach"])
        .env("TMPDIR", tmp.path())
        .env("KCSH_PASSWORD", "pw-must-not-leak")
        .env("KCSH_TOKEN", "token-must-not-leak")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let run_dir = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join(kcsh::embedded::STATE_FILE).is_file())
        .unwrap_or_else(|| panic!("no run dir left running ({:?}): {stderr}", out.status));
    let _stop = StopOnDrop(run_dir.clone());
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&format!("stop it with: kcsh --stop {}", run_dir.display())),
        "the stop hint is on stderr even when stdout is lost: {stderr}"
    );
    let state = std::fs::read_to_string(run_dir.join(kcsh::embedded::STATE_FILE)).unwrap();
    let value = |key: &str| {
        state
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(value("detached"), "true", "{state}");
    let url = value("url");
    assert_eq!(
        harness::probe(&url, "/health"),
        Some(200),
        "the detached cluster answers"
    );
    for key in ["worker_pid", "broker_pid"] {
        let pid: u32 = value(key).parse().unwrap();
        let env = environ(pid);
        assert!(!env.is_empty(), "environment of {key} {pid} readable");
        assert!(
            !env.iter()
                .any(|v| v.starts_with("KCSH_") || v.contains("must-not-leak")),
            "{key} inherited a kcsh setting: {env:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Start faults: exit code 3, cause and fix, nothing left behind

/// Run kcsh with `args` in its own TMPDIR; return (exit code, stderr, leftovers in TMPDIR).
fn run_fault(
    args: &[&str],
    setup: impl FnOnce(&mut Command),
) -> (Option<i32>, String, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = harness::kcsh_without_cluster();
    cmd.args(args)
        .env("TMPDIR", tmp.path())
        .stdin(Stdio::null());
    setup(&mut cmd);
    let out = cmd.output().unwrap();
    let leftovers = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("kcsh-run-"))
        .collect();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        leftovers,
    )
}

fn worker_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("worker.properties");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    path
}

#[test]
fn a_taken_worker_port_is_reported_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = held.local_addr().unwrap().port();
    let file = worker_file(
        dir.path(),
        &format!("bootstrap.servers=127.0.0.1:1\ngroup.id=g\nlisteners=http://127.0.0.1:{port}\n"),
    );
    let (code, stderr, leftovers) = run_fault(
        &[
            "--worker-config",
            file.to_str().unwrap(),
            "-e",
            "SHOW CONNECTORS",
        ],
        |_| {},
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("already in use"),
        "{stderr}"
    );
    assert!(stderr.contains("Fix:"), "{stderr}");
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_broken_worker_config_names_the_bad_setting_and_the_log() {
    require_cluster!();
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // No group.id: Connect refuses to start a distributed worker without one.
    let file = worker_file(
        dir.path(),
        &format!(
            "bootstrap.servers={}\nlisteners=http://127.0.0.1:{port}\n\
             key.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n",
            harness::test_bootstrap()
        ),
    );
    let started = Instant::now();
    let (code, stderr, leftovers) = run_fault(
        &[
            "--worker-config",
            file.to_str().unwrap(),
            "-e",
            "SHOW CONNECTORS",
        ],
        |_| {},
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("the Connect worker exited during start"),
        "{stderr}"
    );
    assert!(stderr.contains("group.id"), "{stderr}");
    assert!(
        stderr.contains("Logs: ") && stderr.contains("connect.log"),
        "{stderr}"
    );
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_worker_config_without_a_reachable_kafka_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let dead = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file = worker_file(
        dir.path(),
        &format!("bootstrap.servers=127.0.0.1:{dead}\ngroup.id=g\nlisteners=http://127.0.0.1:0\n"),
    );
    let (code, stderr, leftovers) = run_fault(
        &[
            "--worker-config",
            file.to_str().unwrap(),
            "-e",
            "SHOW CONNECTORS",
        ],
        |_| {},
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("no Kafka broker answers"), "{stderr}");
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn missing_java_is_reported_with_the_fix() {
    let empty = tempfile::tempdir().unwrap();
    let (code, stderr, leftovers) = run_fault(&["--embedded", "-e", "SHOW CONNECTORS"], |cmd| {
        cmd.env("PATH", empty.path()).env_remove("JAVA_HOME");
    });
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("Java was not found") && stderr.contains("JAVA_HOME"),
        "{stderr}"
    );
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn missing_maven_with_an_empty_cache_is_reported_with_the_fix() {
    require_cluster!();
    // A PATH with java but no mvn, and a cache dir without Kafka's jars.
    let bin = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let java = which("java").expect("java on PATH for the tests");
    std::os::unix::fs::symlink(&java, bin.path().join("java")).unwrap();
    let (code, stderr, leftovers) = run_fault(&["--embedded", "-e", "SHOW CONNECTORS"], |cmd| {
        cmd.env("PATH", bin.path())
            .env("XDG_CACHE_HOME", cache.path())
            .env_remove("KAFKA_HOME")
            .env_remove("MAVEN_HOME");
    });
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("Maven (`mvn`) was not found"), "{stderr}");
    assert!(stderr.contains("--kafka-home"), "{stderr}");
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn stop_and_version_misuse_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr, _) = run_fault(&["--stop", dir.path().to_str().unwrap()], |_| {});
    assert_eq!(code, Some(2), "{stderr}");
    assert!(dir.path().exists());
    let (code, stderr, _) = run_fault(&["--embedded", "--kafka-version", "3.9.0"], |cmd| {
        cmd.env_remove("KAFKA_HOME");
    });
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("4.x only"), "{stderr}");
}

#[test]
fn an_explicit_url_beside_embedded_is_refused_but_kcsh_url_is_not() {
    let (code, stderr, _) = run_fault(&["--embedded", "--url", "http://127.0.0.1:1"], |_| {});
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--url cannot be used with --embedded"),
        "{stderr}"
    );
    // From the environment it is no conflict: the worker kcsh starts wins. A missing worker
    // config then fails as a start failure (3), which shows the URL check passed.
    let (code, stderr, _) = run_fault(
        &["--worker-config", "/nonexistent/worker.properties"],
        |cmd| {
            cmd.env("KCSH_URL", "http://127.0.0.1:1");
        },
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("worker config"), "{stderr}");
}

fn which(program: &str) -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        let p = PathBuf::from(home).join("bin").join(program);
        if p.is_file() {
            return std::fs::canonicalize(p).ok();
        }
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
}

#[test]
fn worker_config_starts_a_worker_on_existing_kafka_with_basic_auth() {
    require_cluster!();
    let worker = harness::basic_auth_worker("cluster-auth", "alice", "s3cret");
    let url = worker.url().to_string();
    let anonymous = harness::probe(&url, "/connectors");
    assert_eq!(anonymous, Some(401), "the REST extension is active");
    let resp = harness::http()
        .get(format!("{url}/connector-plugins"))
        .basic_auth("alice", Some("s3cret"))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let plugins = resp.text().unwrap();
    assert!(
        plugins.contains("FileStreamSourceConnector"),
        "plugin.path added: {plugins}"
    );
    let run_dir = worker.cluster.run_dir().to_path_buf();
    assert!(run_dir.exists());
    drop(worker);
    assert!(!run_dir.exists(), "run dir removed when the worker stops");
}

#[test]
fn maven_offline_with_an_empty_cache_is_reported_with_the_fix() {
    require_cluster!();
    // Maven reads ~/.m2 from Java's user.home, so point that at an empty home whose settings
    // say offline; the Kafka cache is empty too.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".m2")).unwrap();
    std::fs::write(
        home.path().join(".m2/settings.xml"),
        "<settings><offline>true</offline></settings>",
    )
    .unwrap();
    let (code, stderr, leftovers) = run_fault(&["--embedded", "-e", "SHOW CONNECTORS"], |cmd| {
        cmd.env("XDG_CACHE_HOME", home.path().join("cache"))
            .env(
                "MAVEN_OPTS",
                format!("-Duser.home={}", home.path().display()),
            )
            .env_remove("KAFKA_HOME");
    });
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("could not reach Maven Central"), "{stderr}");
    assert!(
        stderr.contains("Fix:") && stderr.contains("--kafka-home"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "no terminal escapes: {stderr}");
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let partial: Vec<_> = std::fs::read_dir(home.path().join("cache/kcsh"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(partial.is_empty(), "no partial fetch left: {partial:?}");
}
