//! Run dirs of embedded clusters: a private temp dir per start (`kcsh-run-*`, mode 0700) for
//! configs, data and logs, its state file (what runs there, for `--stop` and for finding stale
//! dirs), and removing the dirs a kcsh that died hard left behind. Starts and stops nothing.

use std::path::{Path, PathBuf};

use super::{config, process};
use crate::error::Error;

/// The file in a run dir that says what runs there (`key=value` lines); `--stop` requires it.
pub const STATE_FILE: &str = "kcsh-cluster.state";
pub(super) const RUN_DIR_PREFIX: &str = "kcsh-run-";

pub(super) fn create() -> Result<PathBuf, Error> {
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

pub(super) fn read_state(dir: &Path) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(dir.join(STATE_FILE)).ok()?;
    Some(config::parse_properties(&text))
}

pub(super) fn state_value<'a>(state: &'a [(String, String)], key: &str) -> Option<&'a str> {
    config::get(state, key).filter(|v| !v.is_empty())
}

/// Remove run dirs left by a kcsh that died hard (its JVMs died with it; see `process.rs`).
/// Detached clusters and run dirs of live kcsh processes are left alone.
pub(super) fn remove_stale() {
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

/// Write the state file: one `key=value` line per entry, in order.
pub(super) fn write_state(dir: &Path, entries: &[(&str, String)]) -> Result<(), Error> {
    let text: String = entries.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    write(&dir.join(STATE_FILE), &text)
}

/// Write a file of the run dir; failing is a start failure that says where to look.
pub(super) fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| {
        Error::unreachable(format!(
            "cannot start the embedded cluster: cannot write {} ({e}). Fix: check free space \
             and permissions of the temp directory (TMPDIR).",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_file_reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        write_state(
            dir.path(),
            &[
                ("url", "http://127.0.0.1:1".into()),
                ("broker_pid", String::new()),
            ],
        )
        .unwrap();
        let state = read_state(dir.path()).unwrap();
        assert_eq!(state_value(&state, "url"), Some("http://127.0.0.1:1"));
        assert_eq!(state_value(&state, "broker_pid"), None, "empty is absent");
    }
}
