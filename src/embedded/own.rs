//! kcsh's own workers, for `INSTALL PLUGIN`: finding the worker behind a session URL among the
//! run dirs of this user (this kcsh's cluster, a `--worker-config` worker, or a cluster another
//! kcsh left with `--detach`), and restarting it on the same port with the same command line,
//! so connectors come back (their configs live in Kafka) and the session's URL stays valid.
//! A worker is ours only if its run dir belongs to this user, its state file names the URL and
//! its recorded pid is alive with the run dir on its command line (never a recycled pid). A
//! worker owned by another running kcsh is not restarted from here (its guard would lose it).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::guard::{Guard, Role, STOP_GRACE};
use super::process::{self, Jvm, JvmSpec, Lifetime};
use super::{config, run_dir};
use crate::error::Error;

/// How long a restarted worker may take to report healthy (`KCSH_EMBEDDED_TIMEOUT` overrides).
const RESTART_TIMEOUT: Duration = Duration::from_secs(240);

/// A worker kcsh started (see the module doc).
#[derive(Debug, Clone)]
pub struct OwnWorker {
    pub run_dir: PathBuf,
    pub url: String,
    pub worker_pid: u32,
    /// The Kafka home it runs from: `libs/` is what it provides to plugins.
    pub kafka_home: PathBuf,
    /// Its `plugin.path` entries.
    pub plugin_path: Vec<PathBuf>,
    detached: bool,
    owner_pid: Option<u32>,
    /// The worker's command line and directory, read when found: a restart repeats them, also
    /// after the process is gone (rolling a failed restart back).
    argv: Vec<String>,
    cwd: PathBuf,
}

/// `http://localhost:1/` and `http://127.0.0.1:1` name the same worker.
fn same_url(a: &str, b: &str) -> bool {
    let norm = |u: &str| {
        u.trim()
            .trim_end_matches('/')
            .to_ascii_lowercase()
            .replace("://localhost:", "://127.0.0.1:")
    };
    norm(a) == norm(b)
}

#[cfg(unix)]
fn owned_by_me(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid has no preconditions.
    let me = unsafe { libc::getuid() };
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir() && m.uid() == me)
}

#[cfg(not(unix))]
fn owned_by_me(_dir: &Path) -> bool {
    false
}

impl OwnWorker {
    /// The worker kcsh started that answers at `url`, if there is one.
    pub fn find(url: &str) -> Option<OwnWorker> {
        let base = std::env::temp_dir();
        let entries = std::fs::read_dir(&base).ok()?;
        entries.flatten().find_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with(run_dir::RUN_DIR_PREFIX) {
                return None;
            }
            let dir = entry.path().canonicalize().ok()?;
            if !owned_by_me(&dir) {
                return None;
            }
            let state = run_dir::read_state(&dir)?;
            let value = |k: &str| run_dir::state_value(&state, k).map(str::to_string);
            if !same_url(&value("url")?, url) {
                return None;
            }
            let worker_pid: u32 = value("worker_pid")?.parse().ok()?;
            if !process::is_ours(worker_pid, &dir) {
                return None;
            }
            let argv: Vec<String> = std::fs::read(format!("/proc/{worker_pid}/cmdline"))
                .ok()?
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            if argv.is_empty() {
                return None;
            }
            let cwd = std::fs::read_link(format!("/proc/{worker_pid}/cwd")).ok()?;
            let props = std::fs::read_to_string(dir.join("worker.properties"))
                .map(|t| config::parse_properties(&t))
                .unwrap_or_default();
            let plugin_path = config::get(&props, "plugin.path")
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect();
            Some(OwnWorker {
                url: value("url")?,
                worker_pid,
                kafka_home: PathBuf::from(value("kafka_home")?),
                plugin_path,
                detached: value("detached").as_deref() == Some("true"),
                owner_pid: value("owner_pid").and_then(|p| p.parse().ok()),
                run_dir: dir,
                argv,
                cwd,
            })
        })
    }

    /// The worker's class path directory.
    pub fn libs(&self) -> PathBuf {
        self.kafka_home.join("libs")
    }

    /// Whether this process may restart it: it is this kcsh's, or detached, or its kcsh died.
    pub fn check_restartable(&self) -> Result<(), Error> {
        let me = std::process::id();
        match self.owner_pid {
            Some(owner)
                if !self.detached
                    && owner != me
                    && Path::new(&format!("/proc/{owner}")).exists() =>
            {
                Err(Error::usage(format!(
                    "the worker at {} belongs to another kcsh session (pid {owner}), which would \
                     lose track of it if restarted from here; run INSTALL PLUGIN in that session",
                    self.url
                )))
            }
            _ => Ok(()),
        }
    }

    /// Stop the worker and start it again with the same command line, in the same directory,
    /// on the same port; wait until it reports healthy. Returns how long that took.
    pub fn restart(&self, say: &dyn Fn(&str)) -> Result<Duration, Error> {
        let started = Instant::now();
        let mut argv = self.argv.clone();
        let program = PathBuf::from(argv.remove(0));
        let spec = JvmSpec {
            program,
            args: argv,
            log: self.run_dir.join("connect.log"),
            cwd: self.cwd.clone(),
        };
        // The pid running now (a restart before this one may have replaced the one found).
        let current = run_dir::read_state(&self.run_dir)
            .and_then(|s| run_dir::state_value(&s, "worker_pid").and_then(|p| p.parse().ok()))
            .unwrap_or(self.worker_pid);
        say(&format!("restarting the Connect worker at {} …", self.url));
        let guard = Guard::owning(&self.run_dir);
        let new_pid = match &guard {
            Some(guard) => {
                if let Some(mut old) = guard.take_worker() {
                    old.stop(STOP_GRACE);
                }
                let jvm = spawn_lasting(spec, Lifetime::WithKcsh)
                    .map_err(|e| self.failed(&format!("starting it again failed: {e}")))?;
                let pid = jvm.pid();
                guard.add(Role::Worker, jvm)?;
                pid
            }
            None => {
                process::stop_pid(current, &self.run_dir, STOP_GRACE);
                let jvm = process::spawn("Connect worker", &spec, Lifetime::Detached)
                    .map_err(|e| self.failed(&format!("starting it again failed: {e}")))?;
                // Detached: dropping the handle neither stops nor waits for it.
                jvm.pid()
            }
        };
        self.record_pid(new_pid)?;
        self.wait_healthy(new_pid, say)?;
        Ok(started.elapsed())
    }

    fn failed(&self, why: &str) -> Error {
        Error::statement(format!(
            "could not restart the Connect worker at {}: {why}",
            self.url
        ))
    }

    /// The state file names the new pid (for `--stop` and the stale-dir sweep).
    fn record_pid(&self, pid: u32) -> Result<(), Error> {
        let state = run_dir::read_state(&self.run_dir).unwrap_or_default();
        let entries: Vec<(&str, String)> = state
            .iter()
            .map(|(k, v)| {
                let v = if k == "worker_pid" {
                    pid.to_string()
                } else {
                    v.clone()
                };
                (k.as_str(), v)
            })
            .collect();
        run_dir::write_state(&self.run_dir, &entries)
    }

    fn wait_healthy(&self, pid: u32, say: &dyn Fn(&str)) -> Result<(), Error> {
        let timeout = std::env::var("KCSH_EMBEDDED_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(RESTART_TIMEOUT);
        crate::connect::client::install_crypto_provider();
        let client = super::boot::health_client()
            .map_err(|e| self.failed(&format!("cannot create an HTTP client: {e}")))?;
        let health = format!("{}/health", self.url.trim_end_matches('/'));
        let started = Instant::now();
        let mut next_note = Duration::from_secs(15);
        loop {
            if !process::is_ours(pid, &self.run_dir) {
                let log = self.run_dir.join("connect.log");
                return Err(self.failed(&format!(
                    "it exited during start. Last lines of {}:\n{}",
                    log.display(),
                    super::diagnosis::indent(&super::diagnosis::tail_file(&log, 15))
                )));
            }
            if super::boot::reports_healthy(&client, &health) {
                return Ok(());
            }
            let waited = started.elapsed();
            if waited > timeout {
                return Err(self.failed(&format!(
                    "it did not report healthy within {} s (set KCSH_EMBEDDED_TIMEOUT=SECONDS \
                     to wait longer); its log is {}",
                    timeout.as_secs(),
                    self.run_dir.join("connect.log").display()
                )));
            }
            if waited > next_note {
                say(&format!(
                    "still waiting for the worker ({} s) …",
                    waited.as_secs()
                ));
                next_note += Duration::from_secs(15);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

type Job = (JvmSpec, Lifetime, mpsc::Sender<std::io::Result<Jvm>>);

/// Start a JVM from a thread that lives as long as the process. On Linux a JVM tied to kcsh
/// dies with the *thread* that started it (`PR_SET_PDEATHSIG`), and statements may run on a
/// short-lived thread (the shell lends the session to one so Ctrl-C is answered at once).
fn spawn_lasting(spec: JvmSpec, lifetime: Lifetime) -> std::io::Result<Jvm> {
    static LAUNCHER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let launcher = LAUNCHER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("kcsh-jvm-launcher".into())
            .spawn(move || {
                for (spec, lifetime, reply) in rx {
                    let _ = reply.send(process::spawn("Connect worker", &spec, lifetime));
                }
            })
            .expect("start the JVM launcher thread");
        Mutex::new(tx)
    });
    let (reply, answer) = mpsc::channel();
    launcher
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send((spec, lifetime, reply))
        .map_err(|_| std::io::Error::other("the JVM launcher thread is gone"))?;
    answer
        .recv()
        .map_err(|_| std::io::Error::other("the JVM launcher thread is gone"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_match_with_or_without_a_slash_and_localhost() {
        assert!(same_url("http://127.0.0.1:8083", "http://127.0.0.1:8083/"));
        assert!(same_url("http://localhost:8083", "HTTP://127.0.0.1:8083"));
        assert!(!same_url("http://127.0.0.1:8083", "http://127.0.0.1:8084"));
        assert!(!same_url("http://10.0.0.1:8083", "http://127.0.0.1:8083"));
    }

    #[test]
    fn no_worker_is_ours_at_an_address_no_run_dir_names() {
        assert!(OwnWorker::find("http://127.0.0.1:1").is_none());
    }
}
