//! Starting and stopping the JVMs of an embedded cluster. Each JVM runs in its own session
//! (so a Ctrl-C on kcsh's terminal reaches kcsh, which then stops them in order), writes to one
//! log file, and, unless detached, is killed by the kernel if kcsh dies without cleaning up
//! (`PR_SET_PDEATHSIG` on Linux). It inherits kcsh's environment minus kcsh's own settings
//! (no `KCSH_PASSWORD` or `KCSH_TOKEN`). Knows nothing of Kafka's configuration.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Whether a JVM is tied to this kcsh process or left running after it exits (`--detach`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Killed by the kernel when the thread that started it dies (Linux).
    WithKcsh,
    /// Survives kcsh; stopped later with `--stop RUN_DIR`.
    Detached,
}

/// What to run (`java <options> -cp <classpath> <main class> <args>`, see [`JvmSpec::java`]),
/// where its output goes and where it runs.
#[derive(Debug, Clone)]
pub struct JvmSpec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub log: PathBuf,
    pub cwd: PathBuf,
}

impl JvmSpec {
    pub fn java(
        java: &Path,
        options: &[String],
        classpath: &str,
        main_class: &str,
        args: &[String],
        log: PathBuf,
        cwd: PathBuf,
    ) -> JvmSpec {
        let mut all = options.to_vec();
        all.extend([
            "-cp".to_string(),
            classpath.to_string(),
            main_class.to_string(),
        ]);
        all.extend(args.iter().cloned());
        JvmSpec {
            program: java.to_path_buf(),
            args: all,
            log,
            cwd,
        }
    }
}

/// A started JVM and where it logs.
#[derive(Debug)]
pub struct Jvm {
    pub name: &'static str,
    pub child: Child,
    pub log: PathBuf,
}

impl Jvm {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(status)` once the JVM has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM (the JVM's shutdown hooks let Connect leave its group and the broker shut down
    /// cleanly), then SIGKILL after `grace`. Always reaps the child.
    pub fn stop(&mut self, grace: Duration) {
        if self.exited().is_some() {
            return;
        }
        signal_group(self.pid(), Signal::Term);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.exited().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal_group(self.pid(), Signal::Kill);
        let _ = self.child.wait();
    }
}

/// Start a JVM with stdin closed and stdout+stderr appended to `spec.log`.
pub fn spawn(name: &'static str, spec: &JvmSpec, lifetime: Lifetime) -> io::Result<Jvm> {
    let log = File::options().create(true).append(true).open(&spec.log)?;
    let mut cmd = Command::new(&spec.program);
    for key in kcsh_settings(std::env::vars_os().map(|(k, _)| k)) {
        cmd.env_remove(key);
    }
    cmd.args(&spec.args)
        .current_dir(&spec.cwd)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    detach_from_terminal(&mut cmd, lifetime);
    let child = cmd.spawn()?;
    Ok(Jvm {
        name,
        child,
        log: spec.log.clone(),
    })
}

/// The variables of kcsh's own environment that a JVM must not inherit: every `KCSH_*`
/// setting (`KCSH_PASSWORD`, `KCSH_TOKEN`, ...). A JVM may log or expose its environment, and
/// none of kcsh's settings is the JVMs' business. The one place that shapes their environment.
fn kcsh_settings(keys: impl Iterator<Item = OsString>) -> Vec<OsString> {
    keys.filter(|k| k.to_string_lossy().starts_with("KCSH_"))
        .collect()
}

#[cfg(unix)]
fn detach_from_terminal(cmd: &mut Command, lifetime: Lifetime) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs between fork and exec and calls only async-signal-safe
    // functions (setsid, prctl, getppid, _exit).
    unsafe {
        cmd.pre_exec(move || {
            // Own session and process group: the terminal's Ctrl-C goes to kcsh only.
            if libc::setsid() == -1 {
                return Err(io::Error::last_os_error());
            }
            #[cfg(target_os = "linux")]
            if lifetime == Lifetime::WithKcsh {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                // kcsh died between fork and prctl: the signal will never come.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
            }
            let _ = (lifetime, parent);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn detach_from_terminal(_cmd: &mut Command, _lifetime: Lifetime) {}

#[derive(Debug, Clone, Copy)]
pub enum Signal {
    Term,
    Kill,
}

/// Signal a JVM's process group (it leads its own session), falling back to the pid alone.
pub fn signal_group(pid: u32, signal: Signal) {
    #[cfg(unix)]
    {
        let sig = match signal {
            Signal::Term => libc::SIGTERM,
            Signal::Kill => libc::SIGKILL,
        };
        let pid = pid as libc::pid_t;
        // SAFETY: kill(2) with a pid we started; a stale group simply fails with ESRCH.
        unsafe {
            if libc::kill(-pid, sig) == -1 {
                libc::kill(pid, sig);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (pid, signal);
}

/// Whether the process `pid` is alive and is one of ours: its command line mentions `marker`
/// (the run dir), so a recycled pid is never signalled. Zombies count as gone.
pub fn is_ours(pid: u32, marker: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let marker = marker.to_string_lossy();
    String::from_utf8_lossy(&cmdline).contains(marker.as_ref())
}

/// Stop a JVM we did not start in this process (a detached cluster): SIGTERM, wait up to
/// `grace`, then SIGKILL.
pub fn stop_pid(pid: u32, marker: &Path, grace: Duration) {
    if !is_ours(pid, marker) {
        return;
    }
    signal_group(pid, Signal::Term);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if !is_ours(pid, marker) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    signal_group(pid, Signal::Kill);
    let deadline = Instant::now() + Duration::from_secs(5);
    while is_ours(pid, marker) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Run a short-lived JVM (the storage formatter) to completion within `timeout`.
pub fn run_to_end(spec: &JvmSpec, timeout: Duration) -> io::Result<ExitStatus> {
    let mut jvm = spawn("tool", spec, Lifetime::WithKcsh)?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = jvm.exited() {
            return Ok(status);
        }
        if Instant::now() > deadline {
            jvm.stop(Duration::from_secs(1));
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("did not finish within {} s", timeout.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnosis::tail_file;
    use super::*;

    #[test]
    fn no_kcsh_setting_reaches_a_jvm() {
        let keys = [
            "KCSH_PASSWORD",
            "KCSH_TOKEN",
            "KCSH_URL",
            "JAVA_HOME",
            "PATH",
            "XKCSH_A",
        ];
        let removed = kcsh_settings(keys.iter().map(OsString::from));
        assert_eq!(removed, ["KCSH_PASSWORD", "KCSH_TOKEN", "KCSH_URL"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_started_process_runs_in_its_own_session_and_stops_on_sigterm() {
        let dir = tempfile::tempdir().unwrap();
        let spec = JvmSpec {
            program: "sh".into(),
            args: vec!["-c".into(), "echo started; exec sleep 30".into()],
            log: dir.path().join("x.log"),
            cwd: dir.path().to_path_buf(),
        };
        let mut jvm = spawn("sleeper", &spec, Lifetime::WithKcsh).unwrap();
        let pid = jvm.pid();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !tail_file(&spec.log, 1).contains("started") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: getsid on a child we started.
        let sid = unsafe { libc::getsid(pid as libc::pid_t) };
        assert_eq!(sid, pid as libc::pid_t, "leads its own session");
        let started = Instant::now();
        jvm.stop(Duration::from_secs(5));
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "stopped by SIGTERM"
        );
        assert!(jvm.exited().is_some());
        assert!(!Path::new(&format!("/proc/{pid}")).exists(), "reaped");
    }
}
