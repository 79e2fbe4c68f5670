//! Booting an embedded cluster: free ports, the generated configs, the JVMs in order (worker
//! first, so its plugin scan overlaps the broker's start; storage formatted; broker), the state
//! file, and waiting for the worker's `/health`. Every JVM is handed to the guard as soon as it
//! runs, so any failure or signal stops what was started. Talks HTTP only to `/health`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::diagnosis::{Mode, keep_logs_for, start_failure};
use super::guard::{Guard, Role, install_signal_handlers};
use super::process::{self, Jvm, JvmSpec, Lifetime};
use super::{KafkaJars, StartOptions, config, jars, java, plugins, ports, run_dir};
use crate::cli::EmbeddedArgs;
use crate::error::Error;

/// How long the worker may take to report healthy (`KCSH_EMBEDDED_TIMEOUT` seconds overrides).
const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(240);

/// A cluster that booted: its guard owns the JVMs.
pub(super) struct Booted {
    pub guard: Arc<Guard>,
    pub url: String,
    pub bootstrap: String,
    pub run_dir: PathBuf,
    pub jars: KafkaJars,
}

/// Start what `args` asks for and wait until the worker is healthy; on any failure stop what
/// was started, remove the run dir (keeping copies of its logs) and say why.
pub(super) fn start(args: &EmbeddedArgs, opts: &StartOptions) -> Result<Booted, Error> {
    let progress = opts.progress;
    let say = move |m: &str| {
        if progress {
            super::note(m);
        }
    };
    let worker_file = match &args.worker_config {
        Some(file) => Some(check_worker_file(file)?),
        None => None,
    };
    let user_plugins = plugins::user_dirs(&args.plugin_path)?;
    if let Some(checked) = &worker_file
        && !user_plugins.is_empty()
        && config::get(&checked.props, "plugin.path").is_some()
    {
        return Err(Error::usage(format!(
            "--plugin-path: {} names its own plugin.path, which kcsh does not change; add the \
             directories there",
            checked.file.display()
        )));
    }
    let java = java::find()?;
    let jars = jars::resolve(args, &say)?;
    run_dir::remove_stale();
    let run_dir = run_dir::create()?;
    let guard = Guard::new(run_dir.clone(), progress);
    install_signal_handlers();
    let started = Instant::now();
    let ctx = Boot {
        guard: &guard,
        java: &java,
        jars: &jars,
        run_dir: &run_dir,
        lifetime: opts.lifetime,
        extra_jvm_options: &opts.jvm_options,
        say: &say,
        user_plugins: &user_plugins,
        overrides: &args.worker_properties,
    };
    let booted = match worker_file {
        Some(checked) => ctx.worker_only(checked),
        None => ctx.kafka_and_worker(),
    };
    match booted {
        Ok((url, bootstrap)) => {
            say(&format!(
                "ready in {:.1} s: Connect at {url}, Kafka at {bootstrap}",
                started.elapsed().as_secs_f64()
            ));
            Ok(Booted {
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

struct Boot<'a> {
    guard: &'a Arc<Guard>,
    java: &'a java::Java,
    jars: &'a KafkaJars,
    run_dir: &'a Path,
    lifetime: Lifetime,
    extra_jvm_options: &'a [String],
    say: &'a dyn Fn(&str),
    /// `--plugin-path`, checked and absolute.
    user_plugins: &'a [PathBuf],
    /// `--worker-property`.
    overrides: &'a [super::WorkerProperty],
}

/// A `--worker-config` file that passed the checks that need no Java and no jars.
struct WorkerFile<'a> {
    file: &'a Path,
    text: String,
    props: Vec<(String, String)>,
    listener: config::Listener,
    bootstrap: String,
}

/// Read and check a `--worker-config` file before Java is looked for or any jar is fetched, so a
/// taken port or an absent Kafka fails at once (and offline).
fn check_worker_file(file: &Path) -> Result<WorkerFile<'_>, Error> {
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
    Ok(WorkerFile {
        file,
        text,
        props,
        listener,
        bootstrap,
    })
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
        run_dir::write(
            &server_props,
            &config::broker_properties(&run.join("kraft"), broker_port, controller_port),
        )?;
        let plugin_path = self.plugin_path();
        let scan = plugins::Scan::of(&plugin_path);
        let discovery = match self.override_of("plugin.discovery") {
            Some(mode) => {
                if let Some(warning) = plugins::warn_if_invisible(&scan, mode) {
                    super::note(&warning);
                }
                mode.to_string()
            }
            None => {
                let (mode, why) = plugins::choose_discovery(&scan);
                if let Some(why) = why {
                    super::note(&why);
                }
                mode.to_string()
            }
        };
        run_dir::write(
            &worker_props,
            &config::worker_properties(
                &bootstrap,
                rest_port,
                &plugin_path,
                &discovery,
                self.overrides,
            ),
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

    fn worker_only(&self, checked: WorkerFile) -> Result<(String, String), Error> {
        let WorkerFile {
            file,
            text,
            props,
            listener,
            bootstrap,
        } = checked;
        // A copy in the run dir, with kcsh's connect-file plugin directory added when the file
        // names no plugin.path; the worker runs in the current directory so that relative
        // paths in the file keep their meaning.
        let mut effective = text.clone();
        let plugin_path = match config::get(&props, "plugin.path") {
            Some(own) => own
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect(),
            None => {
                let entries = self.plugin_path();
                if !entries.is_empty() {
                    effective.push_str(&format!(
                        "\n# added by kcsh: Kafka's file connectors, kcsh's plugin cache, \
                         --plugin-path\nplugin.path={}\n",
                        plugins::plugin_path_value(&entries).replace('\\', "\\\\")
                    ));
                }
                entries
            }
        };
        if !self.overrides.is_empty() {
            effective.push_str("\n# added by kcsh: --worker-property\n");
            for o in self.overrides {
                effective.push_str(&o.line());
                effective.push('\n');
            }
        }
        // Connect's own default when the file names no mode.
        let discovery = self
            .override_of("plugin.discovery")
            .or(config::get(&props, "plugin.discovery"))
            .unwrap_or(plugins::SCANNING_DISCOVERY);
        if let Some(warning) =
            plugins::warn_if_invisible(&plugins::Scan::of(&plugin_path), discovery)
        {
            super::note(&warning);
        }
        let copy = self.run_dir.join("worker.properties");
        run_dir::write(&copy, &effective)?;
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

    /// The worker's plugin path when kcsh sets it: Kafka's file connectors (when the jars keep
    /// them off the class path), kcsh's plugin cache (so installed plugins are always loaded),
    /// then `--plugin-path`.
    fn plugin_path(&self) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = self.jars.plugin_path().into_iter().collect();
        match plugins::cache_dir() {
            Ok(cache) if std::fs::create_dir_all(&cache).is_ok() => entries.push(cache),
            Ok(cache) => super::note(&format!(
                "cannot create the plugin cache {}: plugins installed there are not loaded",
                cache.display()
            )),
            Err(_) => {}
        }
        for dir in self.user_plugins {
            if !entries.contains(dir) {
                entries.push(dir.clone());
            }
        }
        entries
    }

    /// The last `--worker-property` value of `key`.
    fn override_of(&self, key: &str) -> Option<&str> {
        self.overrides
            .iter()
            .rev()
            .find(|o| o.key == key)
            .map(|o| o.value.as_str())
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
        run_dir::write(&self.run_dir.join("log4j2.properties"), config::LOG4J2)?;
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
            &config::storage_format_args(&config::random_cluster_id(), server_props),
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
        let mut entries = super::summary(url, bootstrap, self.run_dir, self.jars);
        entries.extend([
            ("java_version", self.java.version.clone()),
            ("worker_pid", pid(Role::Worker)),
            ("broker_pid", pid(Role::Broker)),
            ("owner_pid", std::process::id().to_string()),
            (
                "detached",
                (self.lifetime == Lifetime::Detached).to_string(),
            ),
        ]);
        drop(procs);
        run_dir::write_state(self.run_dir, &entries)
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
        let client = health_client()
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
            if reports_healthy(&client, &health) {
                return Ok(());
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

/// The client that polls a starting worker's `/health`: 5 s per try, and the worker's own
/// self-signed certificate accepted (it is kcsh's worker on loopback). Start and restart
/// (own.rs) both use it.
pub(super) fn health_client() -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .danger_accept_invalid_certs(true)
        .build()
}

/// Whether the worker's `/health` says it serves: 200 with "healthy", or 401/403 (a worker
/// with a REST auth extension is serving; we cannot ask more).
pub(super) fn reports_healthy(client: &reqwest::blocking::Client, health: &str) -> bool {
    let Ok(resp) = client.get(health).send() else {
        return false;
    };
    match resp.status().as_u16() {
        401 | 403 => true,
        200 => resp.text().unwrap_or_default().contains("healthy"),
        _ => false,
    }
}
