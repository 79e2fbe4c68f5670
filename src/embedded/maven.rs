//! Running Maven (`mvn`, or `$MAVEN_HOME/bin/mvn`) for kcsh's fetches: quiet, batch, no colour,
//! output to a log file, bounded in time and stoppable (a flag the caller sets on Ctrl-C), and
//! what went wrong classified from Maven's output. Knows no artifact and writes no message for
//! the user: callers say what they were fetching.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The Maven plugin both fetches use (nothing is compiled).
pub const DEPENDENCY_PLUGIN: &str = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

/// Why a Maven run failed.
#[derive(Debug)]
pub enum Failure {
    /// No `mvn` on PATH.
    NotInstalled,
    /// It could not be started.
    Spawn(std::io::Error),
    /// It ran longer than allowed and was stopped.
    TimedOut(Duration),
    /// The caller's stop flag was set.
    Cancelled,
    /// It exited unsuccessfully.
    Failed {
        status: String,
        cause: Cause,
        /// Maven's own error lines (or its last lines).
        errors: String,
    },
}

/// What Maven's output says the failure was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The repository was reached and has no such artifact.
    MissingArtifact,
    /// Offline (`-o`, settings) or the repository was unreachable.
    Unreachable,
    Other,
}

/// The arguments every run starts with: batch, quiet, no colour, and `-f pom` when given (so a
/// pom in the current directory is never picked up).
pub fn common_args(pom: Option<&Path>) -> Vec<String> {
    let mut args = vec!["-B".into(), "-q".into(), "-Dstyle.color=never".into()];
    if let Some(pom) = pom {
        args.extend(["-f".into(), pom.display().to_string()]);
    }
    args
}

/// Run Maven with `args` in `cwd`, appending its output to `log`; stop it after `limit` or
/// when `stop` is set.
pub fn run(
    args: &[String],
    log: &Path,
    cwd: &Path,
    limit: Duration,
    stop: Option<&AtomicBool>,
) -> Result<(), Failure> {
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(Failure::Spawn)?;
    let mut child = match Command::new(command())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_err(Failure::Spawn)?)
        .stderr(log_file)
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Failure::NotInstalled),
        Err(e) => return Err(Failure::Spawn(e)),
    };
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        let cancelled = stop.is_some_and(|s| s.load(Ordering::SeqCst));
        if cancelled || started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(if cancelled {
                Failure::Cancelled
            } else {
                Failure::TimedOut(limit)
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if status.success() {
        return Ok(());
    }
    let output = std::fs::read_to_string(log).unwrap_or_default();
    Err(Failure::Failed {
        status: status.to_string(),
        cause: cause(&output),
        errors: errors(&output),
    })
}

/// Offline wins over "could not find": an offline Maven also names the artifact it lacks.
pub fn cause(output: &str) -> Cause {
    let unreachable = [
        "offline",
        "Could not transfer",
        "Unknown host",
        "UnknownHost",
        "Connect to",
        "Network is unreachable",
        "Connection refused",
        "timed out",
    ];
    if unreachable.iter().any(|s| output.contains(s)) {
        Cause::Unreachable
    } else if output.contains("Could not find artifact") || output.contains("was not found in") {
        Cause::MissingArtifact
    } else {
        Cause::Other
    }
}

/// Maven's own error lines without its boilerplate ("Re-run Maven using the -X switch", help
/// links), or its last lines when it printed no `[ERROR]`.
pub fn errors(output: &str) -> String {
    let errors: Vec<&str> = output
        .lines()
        .map(|l| l.trim_start_matches("\u{1b}[0m").trim_end())
        .filter_map(|l| l.strip_prefix("[ERROR]").map(str::trim))
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("To see the full stack trace")
                && !l.starts_with("Re-run Maven")
                && !l.starts_with("For more information")
                && !l.starts_with("[Help")
        })
        .collect();
    if errors.is_empty() {
        super::diagnosis::last_lines(output, 15)
    } else {
        errors.join("\n")
    }
}

/// `mvn`, or `$MAVEN_HOME/bin/mvn` when that exists.
fn command() -> PathBuf {
    std::env::var_os("MAVEN_HOME")
        .map(|h| PathBuf::from(h).join("bin").join("mvn"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("mvn"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_drop_the_boilerplate() {
        let out = "\u{1b}[0m\u{1b}[0m[ERROR] Plugin x could not be resolved: offline -> [Help 1]\n\
                   [ERROR] \n[ERROR] Re-run Maven using the -X switch.\n\
                   [ERROR] [Help 1] http://cwiki.apache.org/x\n";
        assert_eq!(
            errors(out),
            "Plugin x could not be resolved: offline -> [Help 1]"
        );
        assert_eq!(errors("a\nb"), "a\nb");
    }

    #[test]
    fn causes_are_told_apart() {
        assert_eq!(
            cause("[ERROR] Could not find artifact a:b:jar:1 in central (https://x)"),
            Cause::MissingArtifact
        );
        assert_eq!(
            cause(
                "[ERROR] Cannot access central in offline mode and the artifact a:b:1 has not \
                 been downloaded from it before. Could not find artifact"
            ),
            Cause::Unreachable
        );
        assert_eq!(
            cause("[ERROR] Could not transfer artifact: Unknown host"),
            Cause::Unreachable
        );
        assert_eq!(cause("[ERROR] something else"), Cause::Other);
    }
}
