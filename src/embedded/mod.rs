//! `kcsh --embedded`, `--worker-config FILE`, `--detach` and `--stop RUN_DIR`: a throwaway
//! single-node Kafka (KRaft) plus one distributed Connect worker, or a worker alone on the
//! user's Kafka, started from Apache Kafka's own jars in a temp run dir on free loopback ports.
//!
//! Every way out stops the worker, then the broker, and removes the run dir: [`Cluster`]'s
//! `Drop`, SIGINT/SIGTERM/SIGHUP (a handler installed on first start), and start errors. If kcsh
//! dies hard, the kernel kills the JVMs (see `process.rs`) and the next start removes the stale
//! run dir. This module talks HTTP only to wait for `/health`; it never runs statements.

mod config;
mod jars;
mod java;
mod ports;
mod process;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, Weak};
use std::time::{Duration, Instant};

pub use jars::{DEFAULT_KAFKA_VERSION, KafkaJars};
pub use process::Lifetime;

use crate::cli::{Cli, EmbeddedArgs};
use crate::error::Error;
use process::{Jvm, JvmSpec};

/// The file in a run dir that says what runs there (`key=value` lines); `--stop` requires it.
pub const STATE_FILE: &str = "kcsh-cluster.state";
const RUN_DIR_PREFIX: &str = "kcsh-run-";
/// How long the worker may take to report healthy (`KCSH_EMBEDDED_TIMEOUT` seconds overrides).
const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(240);
/// How long a JVM gets between SIGTERM and SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(20);

/// A running embedded cluster (or worker). Dropping it stops everything it started.
///
/// On Linux the JVMs are tied to the *thread* that started them (`PR_SET_PDEATHSIG`): start
/// the cluster on a thread that outlives it, such as `main` or the test's own thread.
pub struct Cluster {
    guard: Arc<Guard>,
    url: String,
    bootstrap: String,
    run_dir: PathBuf,
    jars: KafkaJars,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("url", &self.url)
            .field("bootstrap", &self.bootstrap)
            .field("run_dir", &self.run_dir)
            .finish()
    }
}

impl Cluster {
    /// Start what `args` asks for (`--worker-config FILE`: a worker alone; otherwise Kafka and a
    /// worker) tied to this process, and wait until the worker's `/health` says healthy.
    /// `progress` prints short status lines on stderr (pass whether stderr is a terminal).
    pub fn start(args: &EmbeddedArgs, progress: bool) -> Result<Cluster, Error> {
        Cluster::start_opts(args, &StartOptions::new(progress))
    }

    /// [`Cluster::start`] with every choice spelled out (lifetime, extra JVM options).
    pub fn start_opts(args: &EmbeddedArgs, opts: &StartOptions) -> Result<Cluster, Error> {
        let progress = opts.progress;
        let lifetime = opts.lifetime;
        let say = move |m: &str| {
            if progress {
                note(m);
            }
        };
        let java = java::find()?;
        let jars = jars::resolve(args, &say)?;
        remove_stale_run_dirs();
        let run_dir = create_run_dir()?;
        let guard = Guard::new(run_dir.clone(), progress);
        install_signal_handlers();
        let started = Instant::now();
        let ctx = Boot {
            guard: &guard,
            java: &java,
            jars: &jars,
            run_dir: &run_dir,
            lifetime,
            extra_jvm_options: &opts.jvm_options,
            say: &say,
        };
        let booted = match &args.worker_config {
            Some(file) => ctx.worker_only(file),
            None => ctx.kafka_and_worker(),
        };
        match booted {
            Ok((url, bootstrap)) => {
                say(&format!(
                    "ready in {:.1} s: Connect at {url}, Kafka at {bootstrap}",
                    started.elapsed().as_secs_f64()
                ));
                Ok(Cluster {
                    guard,
                    url,
                    bootstrap,
                    run_dir,
                    jars,
                })
            }
            Err(err) => {
                let err = keep_logs_for(err, &run_dir);
                guard.stop();
                Err(err)
            }
        }
    }

    /// The worker's REST URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The Kafka bootstrap servers the worker uses.
    pub fn bootstrap(&self) -> &str {
        &self.bootstrap
    }

    /// Where configs, data and logs live while the cluster runs.
    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// The Kafka jars in use (a Kafka-home layout: `libs/`, maybe `plugins/`).
    pub fn kafka(&self) -> &KafkaJars {
        &self.jars
    }

    /// Stop the worker, then the broker, and remove the run dir (what `Drop` does).
    pub fn stop(self) {
        self.guard.stop();
    }

    /// Leave the JVMs running and forget them (`--detach`); `--stop RUN_DIR` stops them later.
    fn release(self) {
        let procs = self.guard.lock().take();
        unregister(&self.guard);
        // Dropping a `Child` neither kills nor waits for it.
        drop(procs);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.guard.stop();
    }
}

/// How [`Cluster::start_opts`] starts the JVMs.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Print status lines on stderr.
    pub progress: bool,
    pub lifetime: Lifetime,
    /// Added after kcsh's own JVM options (so `-Xmx…` overrides), e.g.
    /// `-Djava.security.auth.login.config=FILE` for Connect's basic-auth REST extension.
    pub jvm_options: Vec<String>,
}

impl StartOptions {
    /// Tied to this process, with the JVM options in `KAFKA_OPTS` (split at whitespace, as
    /// Kafka's own scripts do).
    pub fn new(progress: bool) -> StartOptions {
        StartOptions {
            progress,
            lifetime: Lifetime::WithKcsh,
            jvm_options: std::env::var("KAFKA_OPTS")
                .map(|o| o.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }
}

/// What [`prepare`] decided.
pub enum Prepared {
    /// The command line was fully handled (`--stop`, `--detach`); exit with this code.
    Done(ExitCode),
    /// Go on to statements or the shell. With `Some`, a cluster was started, `cli`'s URL now
    /// points at it, and it stops when this value is dropped: keep it alive until the end.
    Continue(Option<Cluster>),
}

/// Handle the embedded-cluster flags of the command line before anything else runs.
///
/// A REPL that handles Ctrl-C itself calls [`set_sigint_stops`]`(false)` first.
pub fn prepare(cli: &mut Cli) -> Result<Prepared, Error> {
    let args = &cli.embedded;
    if let Some(dir) = &args.stop {
        stop_detached(dir)?;
        return Ok(Prepared::Done(ExitCode::SUCCESS));
    }
    let progress = std::io::stderr().is_terminal();
    if args.detach {
        let json = cli.output == Some(crate::output::Format::Json);
        let opts = StartOptions {
            lifetime: Lifetime::Detached,
            ..StartOptions::new(progress)
        };
        let cluster = Cluster::start_opts(args, &opts)?;
        print_detached(&cluster, json);
        if progress {
            note(&format!(
                "the cluster keeps running; stop it with: kcsh --stop {}",
                cluster.run_dir().display()
            ));
        }
        cluster.release();
        return Ok(Prepared::Done(ExitCode::SUCCESS));
    }
    if args.embedded || args.worker_config.is_some() {
        let cluster = Cluster::start(args, progress)?;
        cli.connection.url = Some(cluster.url().to_string());
        return Ok(Prepared::Continue(Some(cluster)));
    }
    Ok(Prepared::Continue(None))
}

fn print_detached(cluster: &Cluster, json: bool) {
    let fields = [
        ("url", cluster.url().to_string()),
        ("bootstrap", cluster.bootstrap().to_string()),
        ("run_dir", cluster.run_dir().display().to_string()),
        ("kafka_home", cluster.kafka().home.display().to_string()),
        ("kafka_version", cluster.kafka().version.clone()),
    ];
    if json {
        let object: serde_json::Map<String, serde_json::Value> = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect();
        println!("{}", serde_json::Value::Object(object));
    } else {
        for (k, v) in fields {
            println!("{k}={v}");
        }
    }
}

/// `--stop RUN_DIR`: stop a detached cluster's worker, then its broker, and remove the run dir.
pub fn stop_detached(dir: &Path) -> Result<(), Error> {
    let not_ours = || {
        Error::usage(format!(
            "{} is not the run dir of a cluster started with `kcsh --embedded --detach` (it has \
             no {STATE_FILE}); pass the run_dir that --detach printed",
            dir.display()
        ))
    };
    let dir = dir.canonicalize().map_err(|_| not_ours())?;
    let state = read_state(&dir).ok_or_else(not_ours)?;
    for key in ["worker_pid", "broker_pid"] {
        if let Some(pid) = state_value(&state, key).and_then(|p| p.parse::<u32>().ok()) {
            process::stop_pid(pid, &dir, STOP_GRACE);
        }
    }
    std::fs::remove_dir_all(&dir).map_err(|e| {
        Error::statement(format!(
            "stopped the cluster but could not remove {} ({e})",
            dir.display()
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Starting

struct Boot<'a> {
    guard: &'a Arc<Guard>,
    java: &'a java::Java,
    jars: &'a KafkaJars,
    run_dir: &'a Path,
    lifetime: Lifetime,
    extra_jvm_options: &'a [String],
    say: &'a dyn Fn(&str),
}

/// Which kind of start failed, for the fix in the error message.
enum Mode<'a> {
    Embedded,
    WorkerOnly { file: &'a Path, bootstrap: &'a str },
}

impl Boot<'_> {
    fn kafka_and_worker(&self) -> Result<(String, String), Error> {
        let run = self.run_dir;
        let [broker_port, controller_port, rest_port]: [u16; 3] = ports::free_loopback_ports(3)
            .ok()
            .and_then(|p| p.try_into().ok())
            .ok_or_else(|| {
                Error::unreachable(
                    "cannot start the embedded cluster: no free TCP port on 127.0.0.1. Fix: \
                     check that the loopback interface is up.",
                )
            })?;
        let bootstrap = format!("127.0.0.1:{broker_port}");
        let url = format!("http://127.0.0.1:{rest_port}");
        let server_props = run.join("server.properties");
        let worker_props = run.join("worker.properties");
        write(
            &server_props,
            &config::broker_properties(&run.join("kraft"), broker_port, controller_port),
        )?;
        write(
            &worker_props,
            &config::worker_properties(&bootstrap, rest_port, self.jars.plugin_path().as_deref()),
        )?;
        (self.say)(&format!(
            "starting Apache Kafka {} and a Connect worker (logs in {})",
            self.jars.version,
            run.display()
        ));
        // The worker first: its plugin scan overlaps with formatting and broker start-up, and it
        // waits (up to 60 s) for the broker before binding its REST port.
        let worker = self.spawn(
            "Connect worker",
            "org.apache.kafka.connect.cli.ConnectDistributed",
            &[worker_props.display().to_string()],
            ("256m", "768m"),
            run,
            "connect.log",
        )?;
        self.guard.add(Role::Worker, worker)?;
        self.format_storage(&server_props)?;
        let broker = self.spawn(
            "Kafka broker",
            "kafka.Kafka",
            &[server_props.display().to_string()],
            ("256m", "512m"),
            run,
            "broker.log",
        )?;
        self.guard.add(Role::Broker, broker)?;
        self.write_state(&url, &bootstrap)?;
        self.wait_healthy(&url, &Mode::Embedded)?;
        Ok((url, bootstrap))
    }

    fn worker_only(&self, file: &Path) -> Result<(String, String), Error> {
        let text = std::fs::read_to_string(file).map_err(|e| {
            Error::unreachable(format!(
                "cannot start the Connect worker: cannot read the worker config {} ({e}). Fix: \
                 pass the path of a readable Connect worker properties file.",
                file.display()
            ))
        })?;
        let props = config::parse_properties(&text);
        let listener = config::worker_listener(&props).map_err(|m| {
            Error::unreachable(format!(
                "cannot start the Connect worker: {} has an unusable `listeners`: {m}. Fix: set \
                 e.g. listeners=http://127.0.0.1:8083 in that file.",
                file.display()
            ))
        })?;
        if ports::is_taken(&listener.bind_host, listener.port) {
            return Err(Error::unreachable(format!(
                "cannot start the Connect worker: port {} (listeners in {}) is already in use, \
                 perhaps by a Connect worker that is already running. Fix: stop that process, \
                 or set listeners=http://127.0.0.1:<free port> in the file; to use a worker that \
                 already runs, pass --url {} instead of --worker-config.",
                listener.port,
                file.display(),
                listener.url
            )));
        }
        let bootstrap = config::get(&props, "bootstrap.servers")
            .unwrap_or("localhost:9092")
            .to_string();
        if !any_broker_answers(&bootstrap) {
            return Err(Error::unreachable(format!(
                "cannot start the Connect worker: no Kafka broker answers at \
                 bootstrap.servers={bootstrap} (from {}). Fix: start Kafka, or correct \
                 bootstrap.servers in the file; `kcsh --embedded` starts a throwaway Kafka too.",
                file.display()
            )));
        }
        // A copy in the run dir, with kcsh's connect-file plugin directory added when the file
        // names no plugin.path; the worker runs in the current directory so that relative
        // paths in the file keep their meaning.
        let mut effective = text.clone();
        if config::get(&props, "plugin.path").is_none()
            && let Some(plugins) = self.jars.plugin_path()
        {
            effective.push_str(&format!(
                "\n# added by kcsh: Kafka's file connectors\nplugin.path={}\n",
                plugins.display()
            ));
        }
        let copy = self.run_dir.join("worker.properties");
        write(&copy, &effective)?;
        (self.say)(&format!(
            "starting a Connect worker from {} on Kafka at {bootstrap} (logs in {})",
            file.display(),
            self.run_dir.display()
        ));
        let cwd = std::env::current_dir().unwrap_or_else(|_| self.run_dir.to_path_buf());
        let worker = self.spawn(
            "Connect worker",
            "org.apache.kafka.connect.cli.ConnectDistributed",
            &[copy.display().to_string()],
            ("256m", "1g"),
            &cwd,
            "connect.log",
        )?;
        self.guard.add(Role::Worker, worker)?;
        self.write_state(&listener.url, &bootstrap)?;
        self.wait_healthy(
            &listener.url,
            &Mode::WorkerOnly {
                file,
                bootstrap: &bootstrap,
            },
        )?;
        Ok((listener.url, bootstrap))
    }

    fn jvm_options(&self, (min_heap, max_heap): (&str, &str)) -> Vec<String> {
        let mut options = vec![
            format!("-Xms{min_heap}"),
            format!("-Xmx{max_heap}"),
            // Two cores are shared by everything on a dev box or CI: a small, quick-starting JVM.
            "-XX:+UseSerialGC".into(),
            "-XX:TieredStopAtLevel=1".into(),
            "-Djava.awt.headless=true".into(),
            format!(
                "-Dlog4j2.configurationFile={}",
                self.run_dir.join("log4j2.properties").display()
            ),
            format!("-Dkafka.logs.dir={}", self.run_dir.join("logs").display()),
        ];
        options.extend(self.extra_jvm_options.iter().cloned());
        options
    }

    fn spawn(
        &self,
        name: &'static str,
        main_class: &str,
        args: &[String],
        heap: (&str, &str),
        cwd: &Path,
        log: &str,
    ) -> Result<Jvm, Error> {
        write(&self.run_dir.join("log4j2.properties"), config::LOG4J2)?;
        let spec = JvmSpec::java(
            &self.java.path,
            &self.jvm_options(heap),
            &self.jars.classpath(),
            main_class,
            args,
            self.run_dir.join(log),
            cwd.to_path_buf(),
        );
        process::spawn(name, &spec, self.lifetime).map_err(|e| {
            Error::unreachable(format!(
                "cannot start the embedded cluster: starting the {name} ({}) failed: {e}. Fix: \
                 check the Java installation (JAVA_HOME).",
                self.java.path.display()
            ))
        })
    }

    /// KRaft refuses to start on unformatted storage ("No readable meta.properties files").
    fn format_storage(&self, server_props: &Path) -> Result<(), Error> {
        let log = self.run_dir.join("format.log");
        let spec = JvmSpec::java(
            &self.java.path,
            &self.jvm_options(("64m", "256m")),
            &self.jars.classpath(),
            "kafka.tools.StorageTool",
            &[
                "format".into(),
                "--cluster-id".into(),
                config::random_cluster_id(),
                "--config".into(),
                server_props.display().to_string(),
                "--ignore-formatted".into(),
            ],
            log.clone(),
            self.run_dir.to_path_buf(),
        );
        match process::run_to_end(&spec, Duration::from_secs(120)) {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(start_failure(
                &format!("formatting the broker's storage failed ({status})"),
                &[&log],
                &Mode::Embedded,
            )),
            Err(e) => Err(start_failure(
                &format!("formatting the broker's storage failed: {e}"),
                &[&log],
                &Mode::Embedded,
            )),
        }
    }

    fn write_state(&self, url: &str, bootstrap: &str) -> Result<(), Error> {
        let procs = self.guard.lock();
        let pid = |role| {
            procs
                .as_ref()
                .and_then(|p| p.get(role))
                .map(|j| j.pid().to_string())
                .unwrap_or_default()
        };
        let text = format!(
            "url={url}\nbootstrap={bootstrap}\nrun_dir={}\nkafka_home={}\nkafka_version={}\n\
             java_version={}\nworker_pid={}\nbroker_pid={}\nowner_pid={}\ndetached={}\n",
            self.run_dir.display(),
            self.jars.home.display(),
            self.jars.version,
            self.java.version,
            pid(Role::Worker),
            pid(Role::Broker),
            std::process::id(),
            self.lifetime == Lifetime::Detached,
        );
        drop(procs);
        write(&self.run_dir.join(STATE_FILE), &text)
    }

    /// Poll `/health` until it says healthy; fail fast if a JVM exits, slow after a timeout.
    fn wait_healthy(&self, url: &str, mode: &Mode) -> Result<(), Error> {
        let timeout = std::env::var("KCSH_EMBEDDED_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_START_TIMEOUT);
        // Only a readiness probe of a worker we just started: a self-signed https listener is
        // fine here, and nothing secret is sent.
        crate::connect::client::install_crypto_provider();
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(5))
            .danger_accept_invalid_certs(true)
            .build()
            .map_err(|e| Error::unreachable(format!("cannot create an HTTP client: {e}")))?;
        let health = format!("{url}/health");
        let started = Instant::now();
        let mut next_note = Duration::from_secs(30);
        loop {
            if let Some((name, status, log)) = self.guard.first_exited() {
                return Err(start_failure(
                    &format!("the {name} exited during start ({status})"),
                    &[&log],
                    mode,
                ));
            }
            if let Ok(resp) = client.get(&health).send() {
                let code = resp.status().as_u16();
                // 401/403: a worker with a REST auth extension is serving; we cannot ask more.
                if code == 401 || code == 403 {
                    return Ok(());
                }
                if code == 200 && resp.text().unwrap_or_default().contains("healthy") {
                    return Ok(());
                }
            }
            let waited = started.elapsed();
            if waited > timeout {
                let logs = self.guard.logs();
                let logs: Vec<&Path> = logs.iter().map(PathBuf::as_path).collect();
                return Err(start_failure(
                    &format!(
                        "the Connect worker did not report healthy at {health} within {} s \
                         (set KCSH_EMBEDDED_TIMEOUT=SECONDS to wait longer on a slow machine)",
                        timeout.as_secs()
                    ),
                    &logs,
                    mode,
                ));
            }
            if waited > next_note {
                (self.say)(&format!(
                    "still waiting for the worker ({} s)…",
                    waited.as_secs()
                ));
                next_note += Duration::from_secs(30);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

/// One paragraph (cause, then fix), the log paths, and the last lines of the first log.
fn start_failure(what: &str, logs: &[&Path], mode: &Mode) -> Error {
    let first = logs.first().copied();
    let text = first
        .map(|l| std::fs::read_to_string(l).unwrap_or_default())
        .unwrap_or_default();
    let (subject, default_fix) = match mode {
        Mode::Embedded => (
            "the embedded cluster",
            "Fix: read the log lines below; to retry, run kcsh again (it starts from scratch).",
        ),
        Mode::WorkerOnly { .. } => (
            "the Connect worker",
            "Fix: read the log lines below and correct the worker config.",
        ),
    };
    let cause = if text.contains("Address already in use") || text.contains("BindException") {
        match mode {
            Mode::Embedded => "A port it picked was taken by another process meanwhile. Fix: run \
                               kcsh again (it picks new free ports)."
                .to_string(),
            Mode::WorkerOnly { file, .. } => format!(
                "A port it needs is already in use. Fix: stop the process that holds it, or \
                 change `listeners` in {}.",
                file.display()
            ),
        }
    } else if let Some(line) = text.lines().find(|l| l.contains("ConfigException")) {
        let detail = line
            .split_once("ConfigException:")
            .map(|(_, d)| d.trim())
            .unwrap_or(line.trim())
            .trim_end_matches('.');
        match mode {
            Mode::WorkerOnly { file, .. } => format!(
                "The worker config is invalid: {detail}. Fix: correct {}.",
                file.display()
            ),
            Mode::Embedded => format!("A configuration was rejected: {detail}. {default_fix}"),
        }
    } else if text.contains("Failed to connect to and describe Kafka cluster") {
        match mode {
            Mode::WorkerOnly { file, bootstrap } => format!(
                "The worker could not reach Kafka at bootstrap.servers={bootstrap}. Fix: check \
                 that Kafka runs and that bootstrap.servers and the security settings in {} \
                 match it.",
                file.display()
            ),
            Mode::Embedded => format!("The worker could not reach the broker. {default_fix}"),
        }
    } else if text.contains("OutOfMemoryError") || text.contains("Could not reserve enough") {
        "The JVM ran out of memory. Fix: free some memory (the cluster needs about 1.5 GiB) and \
         try again."
            .to_string()
    } else {
        default_fix.to_string()
    };
    let mut message = format!("cannot start {subject}: {what}. {cause}");
    if !logs.is_empty() {
        let paths: Vec<String> = logs.iter().map(|l| l.display().to_string()).collect();
        message.push_str(&format!("\nLogs: {}", paths.join(", ")));
    }
    if let Some(log) = first {
        let tail = process::excerpt(&process::tail_file(log, 200), 15);
        if !tail.trim().is_empty() {
            let name = log.file_name().unwrap_or_default().to_string_lossy();
            message.push_str(&format!(
                "\nLast lines of {name}:\n{}",
                process::indent(&tail)
            ));
        }
    }
    Error::unreachable(message)
}

/// The run dir is removed after a failed start; copy its logs to the cache dir first (the
/// last five failures are kept) and point the message at the copies.
fn keep_logs_for(err: Error, run_dir: &Path) -> Error {
    if !err.is(crate::error::ErrorKind::Unreachable) {
        return err;
    }
    let message = err.message;
    let run = run_dir.display().to_string();
    if !message.contains(&run) {
        return Error::unreachable(message);
    }
    let Ok(root) = jars::cache_root().map(|c| c.join("failed-starts")) else {
        return Error::unreachable(message);
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let dest = root.join(format!("{stamp}-{}", std::process::id()));
    if std::fs::create_dir_all(&dest).is_err() {
        return Error::unreachable(message);
    }
    if let Ok(entries) = std::fs::read_dir(run_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path
                .extension()
                .is_some_and(|e| e == "log" || e == "properties")
            {
                let _ = std::fs::copy(&path, dest.join(entry.file_name()));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(&root) {
        let mut kept: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        kept.sort();
        for old in kept.iter().rev().skip(5) {
            let _ = std::fs::remove_dir_all(old);
        }
    }
    Error::unreachable(message.replace(&run, &dest.display().to_string()))
}

fn any_broker_answers(bootstrap: &str) -> bool {
    use std::net::{TcpStream, ToSocketAddrs};
    bootstrap.split(',').map(str::trim).any(|server| {
        let server = server.rsplit_once("://").map_or(server, |(_, s)| s);
        server
            .to_socket_addrs()
            .map(|addrs| {
                addrs
                    .into_iter()
                    .any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(3)).is_ok())
            })
            .unwrap_or(false)
    })
}

/// A status line on stderr. Never panics: after SIGHUP the terminal is gone, and stopping the
/// cluster must still finish.
fn note(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "kcsh: {message}");
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| {
        Error::unreachable(format!(
            "cannot start the embedded cluster: cannot write {} ({e}). Fix: check free space \
             and permissions of the temp directory (TMPDIR).",
            path.display()
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Run dirs

fn create_run_dir() -> Result<PathBuf, Error> {
    let base = std::env::temp_dir();
    let base = base.canonicalize().unwrap_or(base);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last_err = None;
    for attempt in 0..20u32 {
        let dir = base.join(format!(
            "{RUN_DIR_PREFIX}{}-{:x}",
            std::process::id(),
            nanos.wrapping_add(attempt)
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => {
                let _ = std::fs::create_dir(dir.join("logs"));
                return Ok(dir);
            }
            Err(e) => last_err = Some(e),
        }
    }
    Err(Error::unreachable(format!(
        "cannot start the embedded cluster: cannot create a run dir in {} ({}). Fix: make the \
         temp directory writable or point TMPDIR at one that is.",
        base.display(),
        last_err.map(|e| e.to_string()).unwrap_or_default()
    )))
}

fn read_state(dir: &Path) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(dir.join(STATE_FILE)).ok()?;
    Some(config::parse_properties(&text))
}

fn state_value<'a>(state: &'a [(String, String)], key: &str) -> Option<&'a str> {
    config::get(state, key).filter(|v| !v.is_empty())
}

/// Remove run dirs left by a kcsh that died hard (its JVMs died with it; see `process.rs`).
/// Detached clusters and run dirs of live kcsh processes are left alone.
fn remove_stale_run_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(RUN_DIR_PREFIX)
        {
            continue;
        }
        let Some(state) = read_state(&dir) else {
            continue;
        };
        if state_value(&state, "detached") != Some("false") {
            continue;
        }
        let owner_alive = state_value(&state, "owner_pid")
            .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        let jvm_alive = ["worker_pid", "broker_pid"].iter().any(|k| {
            state_value(&state, k)
                .and_then(|p| p.parse().ok())
                .is_some_and(|pid| process::is_ours(pid, &dir))
        });
        if !owner_alive && !jvm_alive {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Stopping: one guard per cluster, reachable from the signal handler

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Worker,
    Broker,
}

struct Procs {
    run_dir: PathBuf,
    worker: Option<Jvm>,
    broker: Option<Jvm>,
}

impl Procs {
    fn get(&self, role: Role) -> Option<&Jvm> {
        match role {
            Role::Worker => self.worker.as_ref(),
            Role::Broker => self.broker.as_ref(),
        }
    }

    /// The worker first (a clean group leave needs the broker), then the broker, then files.
    fn stop(mut self, progress: bool) {
        let started = Instant::now();
        if progress && (self.worker.is_some() || self.broker.is_some()) {
            note("stopping the embedded cluster…");
        }
        for jvm in [self.worker.as_mut(), self.broker.as_mut()]
            .into_iter()
            .flatten()
        {
            jvm.stop(STOP_GRACE);
        }
        let _ = std::fs::remove_dir_all(&self.run_dir);
        if progress {
            note(&format!(
                "stopped in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
        }
    }
}

struct Guard {
    state: Mutex<Option<Procs>>,
    progress: bool,
}

static LIVE: Mutex<Vec<Weak<Guard>>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unregister(guard: &Arc<Guard>) {
    lock(&LIVE).retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), Arc::as_ptr(guard)));
}

impl Guard {
    fn new(run_dir: PathBuf, progress: bool) -> Arc<Guard> {
        let guard = Arc::new(Guard {
            state: Mutex::new(Some(Procs {
                run_dir,
                worker: None,
                broker: None,
            })),
            progress,
        });
        lock(&LIVE).push(Arc::downgrade(&guard));
        guard
    }

    fn lock(&self) -> MutexGuard<'_, Option<Procs>> {
        lock(&self.state)
    }

    /// Track a started JVM; if the cluster was stopped meanwhile (a signal), stop it too.
    fn add(&self, role: Role, mut jvm: Jvm) -> Result<(), Error> {
        let mut state = self.lock();
        match state.as_mut() {
            Some(procs) => {
                match role {
                    Role::Worker => procs.worker = Some(jvm),
                    Role::Broker => procs.broker = Some(jvm),
                }
                Ok(())
            }
            None => {
                jvm.stop(Duration::from_secs(1));
                Err(Error::unreachable(
                    "the embedded cluster was stopped while starting",
                ))
            }
        }
    }

    /// The first JVM (worker, then broker) that has exited: its name, status and log.
    fn first_exited(&self) -> Option<(&'static str, String, PathBuf)> {
        let mut state = self.lock();
        let procs = state.as_mut()?;
        for jvm in [procs.worker.as_mut(), procs.broker.as_mut()]
            .into_iter()
            .flatten()
        {
            if let Some(status) = jvm.exited() {
                return Some((jvm.name, status.to_string(), jvm.log.clone()));
            }
        }
        None
    }

    fn logs(&self) -> Vec<PathBuf> {
        let state = self.lock();
        state
            .iter()
            .flat_map(|p| [p.worker.as_ref(), p.broker.as_ref()])
            .flatten()
            .map(|j| j.log.clone())
            .collect()
    }

    /// Stop everything once; callers that race (Drop and a signal) wait for the first.
    fn stop(self: &Arc<Self>) {
        let mut state = self.lock();
        if let Some(procs) = state.take() {
            procs.stop(self.progress);
        }
        drop(state);
        unregister(self);
    }
}

static SIGINT_STOPS: AtomicBool = AtomicBool::new(true);

/// Whether Ctrl-C (SIGINT) stops the embedded cluster and exits kcsh (the default, also while
/// the cluster starts). The REPL turns this off while it uses Ctrl-C to cancel a request, and
/// leaves by EXIT/Ctrl-D instead; SIGTERM and SIGHUP always stop and exit.
pub fn set_sigint_stops(stops: bool) {
    SIGINT_STOPS.store(stops, Ordering::SeqCst);
}

/// Stop every live cluster, restore the terminal, exit 128+signal: on SIGINT (see
/// [`set_sigint_stops`]), SIGTERM, SIGHUP.
fn install_signal_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let terminal = saved_terminal();
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            for signal in signals.forever() {
                if signal == SIGINT && !SIGINT_STOPS.load(Ordering::SeqCst) {
                    continue;
                }
                let live: Vec<Arc<Guard>> = lock(&LIVE).iter().filter_map(Weak::upgrade).collect();
                for guard in live {
                    guard.stop();
                }
                restore_terminal(terminal);
                std::process::exit(128 + signal);
            }
        });
    });
}

/// The terminal mode before any line editor changed it, to restore on a signal exit.
#[cfg(unix)]
fn saved_terminal() -> Option<libc::termios> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    // SAFETY: tcgetattr fills a plain C struct for fd 0, which is a terminal.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        (libc::tcgetattr(0, &mut t) == 0).then_some(t)
    }
}

#[cfg(unix)]
fn restore_terminal(saved: Option<libc::termios>) {
    if let Some(t) = saved {
        // SAFETY: restores attributes read from the same fd earlier.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &t);
        }
    }
}

#[cfg(not(unix))]
fn saved_terminal() -> Option<()> {
    None
}

#[cfg(not(unix))]
fn restore_terminal(_: Option<()>) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_cause_fix_and_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("connect.log");
        std::fs::write(
            &log,
            "[x] INFO starting\n[x] ERROR Stopping due to error (org.apache.kafka.connect.cli)\n\
             org.apache.kafka.common.config.ConfigException: Missing required configuration \
             \"group.id\" which has no default value.\n",
        )
        .unwrap();
        let mode = Mode::WorkerOnly {
            file: Path::new("/etc/w.properties"),
            bootstrap: "b:9092",
        };
        let e = start_failure("the Connect worker exited", &[&log], &mode);
        assert!(
            e.is(crate::error::ErrorKind::Unreachable),
            "exit code 3 expected"
        );
        let m = e.message;
        assert!(m.starts_with("cannot start the Connect worker: the Connect worker exited."));
        assert!(m.contains("The worker config is invalid: Missing required configuration"));
        assert!(m.contains("Fix: correct /etc/w.properties."));
        assert!(m.contains(&format!("Logs: {}", log.display())));
        assert!(m.contains("Last lines of connect.log:\n  [x] INFO starting"));
    }

    #[test]
    fn stop_refuses_a_directory_without_state() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep"), "x").unwrap();
        assert!(
            matches!(stop_detached(dir.path()), Err(e) if e.is(crate::error::ErrorKind::Usage) && e.message.contains(STATE_FILE))
        );
        assert!(dir.path().join("keep").exists(), "nothing removed");
    }
}
