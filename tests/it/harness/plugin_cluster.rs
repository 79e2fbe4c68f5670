//! The plugin test cluster: ONE separate embedded cluster (its own Kafka and worker) for tests
//! that install plugins or restart the worker, so the shared test cluster is never restarted
//! under the other tests. Started once per test binary on first use with `kcsh --embedded
//! --detach` (detached, so it survives the test thread that started it), stopped when the test
//! binary exits (and, if a killed run left one behind, by the next run). Tests hold its lock
//! ([`plugin_cluster`]) for as long as they use it, so no restart happens under another test.
//!
//! Its worker runs from the test cluster's Kafka jars through a Kafka home *without*
//! `plugins/`, with [`PluginCluster::file_plugin_dir`] on `--plugin-path`: the FileStream
//! connectors it lists come from `--plugin-path` alone. Its plugin cache (`XDG_CACHE_HOME`)
//! lives in cargo's target tmp dir, so downloads are reused across runs but never reach the
//! user's own cache or the shared cluster.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

use super::cluster::kafka_home;
use super::command::kcsh_without_cluster;

/// The running plugin cluster (see the module doc).
#[derive(Debug)]
pub struct PluginCluster {
    pub url: String,
    pub bootstrap: String,
    pub run_dir: PathBuf,
    /// `XDG_CACHE_HOME` of every kcsh that talks to it: `<this>/kcsh/plugins` is its cache.
    pub cache_home: PathBuf,
    /// The Kafka home it runs from (`libs/` only).
    pub kafka_home: PathBuf,
    /// The `--plugin-path` entry: `connect-file/` holds a copy of Kafka's connect-file jar.
    pub file_plugin_dir: PathBuf,
}

impl PluginCluster {
    /// The pinned kcsh talking to this cluster, with its plugin cache and Kafka home.
    pub fn kcsh(&self) -> Command {
        let mut cmd = kcsh_without_cluster();
        cmd.env("KCSH_URL", &self.url)
            .env("XDG_CACHE_HOME", &self.cache_home)
            .env("KAFKA_HOME", &self.kafka_home)
            .stdin(Stdio::null());
        cmd
    }

    /// `kcsh/plugins` under the cache home: where INSTALL PLUGIN puts plugins.
    pub fn plugin_cache(&self) -> PathBuf {
        self.cache_home.join("kcsh/plugins")
    }
}

/// Where the fixture keeps what outlives one test binary (cache, Kafka home, last run dir).
fn state_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kcsh-plugin-cluster")
}

/// A Kafka home holding the test cluster's `libs/` and no `plugins/`.
pub fn kafka_home_without_plugins() -> PathBuf {
    let home = state_dir().join("kafka-home");
    let libs = home.join("libs");
    if !libs.exists() {
        std::fs::create_dir_all(&home).expect("create the fixture's Kafka home");
        std::os::unix::fs::symlink(kafka_home().join("libs"), &libs).expect("link libs");
    }
    home
}

/// Kafka's connect-file jar: in `plugins/connect-file/` of kcsh's cache layout, else `libs/`.
pub fn connect_file_jar() -> PathBuf {
    let home = kafka_home();
    for dir in [home.join("plugins/connect-file"), home.join("libs")] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("connect-file-") && name.ends_with(".jar") {
                    return e.path();
                }
            }
        }
    }
    panic!("no connect-file jar under {}", home.display());
}

/// A plugin.path entry with one plugin, `connect-file/`, a copy of Kafka's connect-file jar.
fn file_plugin_dir() -> PathBuf {
    let dir = state_dir().join("plugin-path");
    let plugin = dir.join("connect-file");
    std::fs::create_dir_all(&plugin).expect("create the fixture's plugin dir");
    let jar = connect_file_jar();
    let copy = plugin.join(jar.file_name().unwrap());
    if !copy.exists() {
        std::fs::copy(&jar, &copy).expect("copy connect-file");
    }
    dir
}

fn stop(run_dir: &Path) {
    let _ = kcsh_without_cluster()
        .arg("--stop")
        .arg(run_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

extern "C" fn stop_at_exit() {
    if let Some(cluster) = CLUSTER.get() {
        let cluster = cluster.lock().unwrap_or_else(|p| p.into_inner());
        stop(&cluster.run_dir);
        let _ = std::fs::remove_file(state_dir().join("run_dir"));
    }
}

static CLUSTER: OnceLock<Mutex<PluginCluster>> = OnceLock::new();

fn start() -> PluginCluster {
    let state = state_dir();
    std::fs::create_dir_all(&state).expect("create the fixture's state dir");
    // A run killed before its exit hook left its cluster running: stop it first.
    if let Ok(previous) = std::fs::read_to_string(state.join("run_dir")) {
        stop(Path::new(previous.trim()));
    }
    let cache_home = state.join("cache");
    let kafka_home = kafka_home_without_plugins();
    let file_plugin_dir = file_plugin_dir();
    let out = kcsh_without_cluster()
        .args(["--embedded", "--detach", "--plugin-path"])
        .arg(&file_plugin_dir)
        .env("XDG_CACHE_HOME", &cache_home)
        .env("KAFKA_HOME", &kafka_home)
        .stdin(Stdio::null())
        .output()
        .expect("run kcsh --embedded --detach");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .map(str::to_string)
            .unwrap_or_else(|| {
                panic!(
                    "the plugin cluster did not start: {}\n{}",
                    text,
                    String::from_utf8_lossy(&out.stderr)
                )
            })
    };
    let cluster = PluginCluster {
        url: field("url"),
        bootstrap: field("bootstrap"),
        run_dir: PathBuf::from(field("run_dir")),
        cache_home,
        kafka_home,
        file_plugin_dir,
    };
    std::fs::write(state.join("run_dir"), cluster.run_dir.display().to_string())
        .expect("remember the run dir");
    // SAFETY: registering a plain `extern "C" fn` that only runs a child process.
    unsafe {
        libc::atexit(stop_at_exit);
    }
    cluster
}

/// The plugin cluster, started on first use, locked for the caller until the guard drops.
/// Requires the test cluster's environment (its Kafka jars): call after `require_cluster!()`.
pub fn plugin_cluster() -> MutexGuard<'static, PluginCluster> {
    CLUSTER
        .get_or_init(|| Mutex::new(start()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
