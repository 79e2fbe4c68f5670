//! Helpers of the shell's integration tests: the binary with a pinned environment (no colour,
//! a temp HOME, no history, the test cluster's URL) and insta filters for what varies between
//! runs (ports, worker ids, versions, timestamps).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The Connect cluster under test; fails loudly when it is not set.
pub fn cluster_url() -> String {
    std::env::var("KCSH_TEST_URL").unwrap_or_else(|_| {
        panic!(
            "KCSH_TEST_URL is not set: integration tests need a Connect cluster \
             (start one with `kcsh --embedded --detach` and export its url)"
        )
    })
}

/// A temp dir standing in for HOME and the data dir, kept for the test's lifetime.
pub struct Env {
    pub home: tempfile::TempDir,
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

    /// `kcsh` pointed at the test cluster, no colour, nothing from the user's environment,
    /// standard input empty.
    pub fn kcsh(&self) -> Command {
        let mut cmd = self.kcsh_tty();
        cmd.stdin(Stdio::null());
        cmd
    }

    /// The same, with standard input left for a pseudo-terminal to set.
    pub fn kcsh_tty(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kcsh"));
        for var in [
            "KCSH_OUTPUT",
            "KCSH_CONTEXT",
            "KCSH_CONFIG",
            "KCSH_USER",
            "KCSH_TOKEN",
            "KCSH_PASSWORD",
            "CLICOLOR_FORCE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_COLOR", "1")
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("KCSH_HISTORY", "")
            .env("KCSH_URL", cluster_url())
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
