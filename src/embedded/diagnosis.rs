//! Failure diagnosis of an embedded start: turns a JVM that exited, a formatter that failed or a
//! worker that never became healthy into one message (cause, fix, log paths, the lines of the log
//! that explain it), and keeps copies of the logs of a failed start after its run dir is gone.
//! Reads logs; starts and stops nothing.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Which kind of start failed, for the fix in the error message.
pub(super) enum Mode<'a> {
    Embedded,
    WorkerOnly { file: &'a Path, bootstrap: &'a str },
}

/// One paragraph (cause, then fix), the log paths, and the last lines of the first log.
pub(super) fn start_failure(what: &str, logs: &[&Path], mode: &Mode) -> Error {
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
        let tail = excerpt(&tail_file(log, 200), 15);
        if !tail.trim().is_empty() {
            let name = log.file_name().unwrap_or_default().to_string_lossy();
            message.push_str(&format!("\nLast lines of {name}:\n{}", indent(&tail)));
        }
    }
    Error::unreachable(message)
}

/// The run dir is removed after a failed start; copy its logs to the cache dir first (the
/// last five failures are kept) and point the message at the copies.
pub(super) fn keep_logs_for(err: Error, run_dir: &Path) -> Error {
    if !err.is(crate::error::ErrorKind::Unreachable) {
        return err;
    }
    let message = err.message;
    let run = run_dir.display().to_string();
    if !message.contains(&run) {
        return Error::unreachable(message);
    }
    let Ok(root) = super::jars::cache_root().map(|c| c.join("failed-starts")) else {
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

/// The last `n` lines of `text`.
pub(super) fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The last `n` lines of a log file (empty when unreadable).
pub(super) fn tail_file(path: &Path, n: usize) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    // Only the end matters; a broker log can be large.
    let start = bytes.len().saturating_sub(64 * 1024);
    last_lines(&String::from_utf8_lossy(&bytes[start..]), n)
}

/// The part of a log that explains a failure: from a little before its last `ERROR` line, at
/// most `n` lines (a Java stack trace is cut after its first frames); else the last `n` lines.
pub(super) fn excerpt(log: &str, n: usize) -> String {
    // Keep two frames of each stack trace: the exception line says what went wrong.
    let mut lines: Vec<&str> = Vec::new();
    let mut frames = 0;
    for line in log.lines() {
        if line.trim_start().starts_with("at ") {
            frames += 1;
            if frames == 3 {
                lines.push("\t...");
            }
            if frames > 2 {
                continue;
            }
        } else {
            frames = 0;
        }
        lines.push(line);
    }
    match lines.iter().rposition(|l| l.contains("] ERROR ")) {
        Some(i) => {
            let start = i.saturating_sub(2);
            lines[start..(start + n).min(lines.len())].join("\n")
        }
        None => last_lines(&lines.join("\n"), n),
    }
}

/// Indent every line by two spaces (log excerpts inside an error message).
pub(super) fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails_and_indents() {
        assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc");
        assert_eq!(last_lines("a", 5), "a");
        assert_eq!(indent("x\ny"), "  x\n  y");
        let log = "a\nb\nc\n[t] ERROR boom (x)\nE: x\n\tat 1\n\tat 2\n\tat 3\n\tat 4\nz\n";
        assert_eq!(excerpt(log, 5), "b\nc\n[t] ERROR boom (x)\nE: x\n\tat 1");
        assert_eq!(
            excerpt(log, 20),
            "b\nc\n[t] ERROR boom (x)\nE: x\n\tat 1\n\tat 2\n\t...\nz"
        );
        assert_eq!(excerpt("a\nb\nc", 2), "b\nc");
    }

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
}
