//! The built `kcsh` binary in a pinned environment: no colour, a temp HOME (no user config,
//! history or contexts leak in), no `KCSH_*` setting from the caller, the test cluster's URL
//! when one is configured; plus transcripts of finished commands and the insta filters for
//! what varies between runs (ports, versions, timestamps, cluster ids).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use super::cluster::{configured_kafka_home, configured_url};

/// Where kcsh is pointed when no test cluster is configured: the discard port, where nothing
/// listens, so a test that forgot `require_cluster!()` fails fast instead of finding a
/// stranger's worker on localhost:8083.
pub const NO_CLUSTER_URL: &str = "http://127.0.0.1:9";

/// One temp HOME for the whole test process (for tests that need no home of their own).
fn shared_home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().expect("temp HOME"))
        .path()
}

/// The built kcsh with `home` as HOME and its XDG dirs, `NO_COLOR=1`, no `KCSH_*` or
/// `CLICOLOR_FORCE` from the caller, and `KAFKA_HOME` set to the test cluster's jars when
/// known (so an `--embedded` started by a test fetches nothing), else unset.
fn pinned(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kcsh"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("KCSH_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env_remove("KAFKA_HOME");
    if let Some(jars) = configured_kafka_home() {
        cmd.env("KAFKA_HOME", jars);
    }
    cmd
}

/// The pinned kcsh with `KCSH_URL` set to the test cluster (or [`NO_CLUSTER_URL`]).
pub fn kcsh() -> Command {
    let mut cmd = kcsh_without_cluster();
    cmd.env(
        "KCSH_URL",
        configured_url().unwrap_or_else(|| NO_CLUSTER_URL.into()),
    );
    cmd
}

/// The pinned kcsh with no cluster URL at all (for `--check`, usage errors, `--embedded`).
pub fn kcsh_without_cluster() -> Command {
    pinned(shared_home())
}

/// A temp dir of one test standing in for HOME and the data dir, kept for the test's lifetime;
/// kcsh runs in it.
pub struct Env {
    pub home: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Env {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().expect("temp HOME"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// [`kcsh`] with this HOME, run in it, no history, standard input empty.
    pub fn kcsh(&self) -> Command {
        let mut cmd = self.kcsh_tty();
        cmd.stdin(Stdio::null());
        cmd
    }

    /// The same, with standard input left for a pseudo-terminal to set.
    pub fn kcsh_tty(&self) -> Command {
        let mut cmd = pinned(self.home.path());
        cmd.env("KCSH_HISTORY", "")
            .env(
                "KCSH_URL",
                configured_url().unwrap_or_else(|| NO_CLUSTER_URL.into()),
            )
            .current_dir(self.home.path());
        cmd
    }
}

/// What a finished command printed, in the form the snapshots use.
pub fn transcript(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// insta settings that blank out what differs between clusters and runs.
pub fn filters() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    // Relative to the file of the assertion (tests/it/), not to this one.
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"(127\.0\.0\.1|localhost|\[::1\]):\d+", "[HOST:PORT]");
    s.add_filter(r"\b\d+\.\d+\.\d+(-[A-Za-z0-9.]+)?\b", "[VERSION]");
    s.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?",
        "[TIMESTAMP]",
    );
    s.add_filter(
        r#"(Kafka cluster |kafka_cluster_id"?:? ?"?)[A-Za-z0-9_-]{22}"#,
        "$1[CLUSTER-ID]",
    );
    s
}
