//! `kcsh --embedded`, `--worker-config FILE`, `--detach` and `--stop RUN_DIR`: a throwaway
//! single-node Kafka (KRaft) plus one distributed Connect worker, or a worker alone on the
//! user's Kafka, started from Apache Kafka's own jars in a temp run dir on free loopback ports.
//!
//! Every way out stops the worker, then the broker, and removes the run dir: [`Cluster`]'s
//! `Drop`, SIGINT/SIGTERM/SIGHUP, and start errors. If kcsh dies hard, the kernel kills the JVMs
//! and the next start removes the stale run dir. This module returns data and prints nothing but
//! progress notes on stderr; it never runs statements. Its parts, one job each: `boot` (start
//! in order, wait for health), `diagnosis` (why a start failed), `run_dir` (the temp dir and its
//! state file), `guard` (stop exactly once, signals), `process` (one JVM), `config`, `jars`,
//! `java`, `ports`.

mod boot;
mod config;
mod diagnosis;
mod guard;
pub mod install;
pub mod jar;
mod jars;
mod java;
mod maven;
mod overrides;
mod own;
pub mod plugins;
mod ports;
mod process;
mod run_dir;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use guard::{defer_signals, set_sigint_stops};
pub use jars::{DEFAULT_KAFKA_VERSION, KafkaJars};
pub use overrides::{ClapParser as WorkerPropertyParser, WorkerProperty};
pub use own::OwnWorker;
pub use process::Lifetime;
pub use run_dir::STATE_FILE;

use crate::cli::{Cli, EmbeddedArgs};
use crate::error::Error;

/// A running embedded cluster (or worker). Dropping it stops everything it started.
///
/// On Linux the JVMs are tied to the *thread* that started them (`PR_SET_PDEATHSIG`): start
/// the cluster on a thread that outlives it, such as `main` or the test's own thread.
pub struct Cluster {
    guard: Arc<guard::Guard>,
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
        let booted = boot::start(args, opts)?;
        Ok(Cluster {
            guard: booted.guard,
            url: booted.url,
            bootstrap: booted.bootstrap,
            run_dir: booted.run_dir,
            jars: booted.jars,
        })
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
    fn release(self) -> Detached {
        self.guard.release();
        Detached {
            fields: summary(&self.url, &self.bootstrap, &self.run_dir, &self.jars),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.guard.stop();
    }
}

/// What a running cluster is, in the order `--detach` prints it; the state file starts with
/// the same entries.
fn summary(
    url: &str,
    bootstrap: &str,
    run_dir: &Path,
    jars: &KafkaJars,
) -> Vec<(&'static str, String)> {
    vec![
        ("url", url.to_string()),
        ("bootstrap", bootstrap.to_string()),
        ("run_dir", run_dir.display().to_string()),
        ("kafka_home", jars.home.display().to_string()),
        ("kafka_version", jars.version.clone()),
    ]
}

/// A cluster left running by `--detach`: nothing in this process stops it any more, so a
/// failure to print this (a closed stdout) cannot stop it either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detached {
    /// `url`, `bootstrap`, `run_dir`, `kafka_home`, `kafka_version`, in that order.
    pub fields: Vec<(&'static str, String)>,
}

impl Detached {
    /// `key=value` lines, or one JSON object with the same keys.
    pub fn to_text(&self, json: bool) -> String {
        if json {
            let object: serde_json::Map<String, serde_json::Value> = self
                .fields
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                .collect();
            format!("{}\n", serde_json::Value::Object(object))
        } else {
            self.fields
                .iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect()
        }
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

/// What [`prepare`] did.
#[derive(Debug)]
pub enum Prepared {
    /// `--stop RUN_DIR`: that cluster is stopped and its run dir removed.
    Stopped,
    /// `--detach`: a cluster runs on its own; the caller prints what it is and exits.
    Detached(Detached),
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
        return Ok(Prepared::Stopped);
    }
    let starts_worker = args.embedded || args.worker_config.is_some();
    if !starts_worker && (!args.plugin_path.is_empty() || !args.worker_properties.is_empty()) {
        return Err(Error::usage(
            "--plugin-path and --worker-property apply to the worker kcsh starts: add \
             --embedded or --worker-config FILE",
        ));
    }
    let progress = std::io::stderr().is_terminal();
    if args.detach {
        let opts = StartOptions {
            lifetime: Lifetime::Detached,
            ..StartOptions::new(progress)
        };
        let cluster = Cluster::start_opts(args, &opts)?;
        // Always, not only on a terminal: if stdout is closed or full, this line is how the
        // user learns that something runs on and how to stop it.
        note(&format!(
            "the cluster keeps running; stop it with: kcsh --stop {}",
            cluster.run_dir().display()
        ));
        return Ok(Prepared::Detached(cluster.release()));
    }
    if args.embedded || args.worker_config.is_some() {
        let cluster = Cluster::start(args, progress)?;
        cli.connection.url = Some(cluster.url().to_string());
        // The cluster knows its broker: --embedded always reads that one; --worker-config
        // (the user's Kafka) unless a bootstrap was given (another listener, say).
        if args.embedded || cli.connection.kafka.bootstrap.is_none() {
            cli.connection.kafka.bootstrap = Some(cluster.bootstrap().to_string());
        }
        return Ok(Prepared::Continue(Some(cluster)));
    }
    Ok(Prepared::Continue(None))
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
    let state = run_dir::read_state(&dir).ok_or_else(not_ours)?;
    for key in ["worker_pid", "broker_pid"] {
        if let Some(pid) = run_dir::state_value(&state, key).and_then(|p| p.parse::<u32>().ok()) {
            process::stop_pid(pid, &dir, guard::STOP_GRACE);
        }
    }
    std::fs::remove_dir_all(&dir).map_err(|e| {
        Error::statement(format!(
            "stopped the cluster but could not remove {} ({e})",
            dir.display()
        ))
    })
}

/// A status line on stderr. Never panics: after SIGHUP the terminal is gone, and stopping the
/// cluster must still finish.
fn note(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "kcsh: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detached_prints_key_value_lines_or_one_json_object() {
        let d = Detached {
            fields: vec![
                ("url", "http://127.0.0.1:1".into()),
                ("run_dir", "/tmp/a b".into()),
            ],
        };
        assert_eq!(
            d.to_text(false),
            "url=http://127.0.0.1:1\nrun_dir=/tmp/a b\n"
        );
        assert_eq!(
            d.to_text(true),
            "{\"url\":\"http://127.0.0.1:1\",\"run_dir\":\"/tmp/a b\"}\n"
        );
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
