//! The process guard of an embedded cluster: which JVMs one start owns, stopping them in order
//! (worker, then broker, then the run dir) exactly once whoever asks first (`Drop`, a start
//! error, or SIGINT/SIGTERM/SIGHUP through the handler installed here), and restoring the
//! terminal on a signal exit. While a script runs ([`defer_signals`]) the script answers a
//! signal first (its report, then `Drop` stops the cluster); the handler only stops the JVMs
//! and exits if the process has not ended within a bound. Starts nothing itself and knows
//! nothing of Kafka's configuration.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, Weak};
use std::time::{Duration, Instant};

use super::note;
use super::process::Jvm;
use crate::error::Error;

/// How long a JVM gets between SIGTERM and SIGKILL.
pub(super) const STOP_GRACE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Worker,
    Broker,
}

pub(super) struct Procs {
    run_dir: PathBuf,
    worker: Option<Jvm>,
    broker: Option<Jvm>,
}

impl Procs {
    pub(super) fn get(&self, role: Role) -> Option<&Jvm> {
        match role {
            Role::Worker => self.worker.as_ref(),
            Role::Broker => self.broker.as_ref(),
        }
    }

    /// The worker first (a clean group leave needs the broker), then the broker, then files.
    fn stop(mut self, progress: bool) {
        let started = Instant::now();
        if progress && (self.worker.is_some() || self.broker.is_some()) {
            note("stopping the embedded cluster…");
        }
        for jvm in [self.worker.as_mut(), self.broker.as_mut()]
            .into_iter()
            .flatten()
        {
            jvm.stop(STOP_GRACE);
        }
        let _ = std::fs::remove_dir_all(&self.run_dir);
        if progress {
            note(&format!(
                "stopped in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
        }
    }
}

pub(super) struct Guard {
    state: Mutex<Option<Procs>>,
    progress: bool,
}

/// The last owner of a guard stops what it still owns: a start that unwinds (a panic anywhere
/// between spawning a JVM and handing the cluster over) never leaves a JVM behind. A released
/// (`--detach`) or already stopped guard owns nothing, so this stops nothing then.
impl Drop for Guard {
    fn drop(&mut self) {
        let procs = self
            .state
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(procs) = procs {
            procs.stop(self.progress);
        }
    }
}

static LIVE: Mutex<Vec<Weak<Guard>>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unregister(guard: &Arc<Guard>) {
    lock(&LIVE).retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), Arc::as_ptr(guard)));
}

impl Guard {
    pub(super) fn new(run_dir: PathBuf, progress: bool) -> Arc<Guard> {
        let guard = Arc::new(Guard {
            state: Mutex::new(Some(Procs {
                run_dir,
                worker: None,
                broker: None,
            })),
            progress,
        });
        lock(&LIVE).push(Arc::downgrade(&guard));
        guard
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Option<Procs>> {
        lock(&self.state)
    }

    /// Track a started JVM; if the cluster was stopped meanwhile (a signal), stop it too.
    pub(super) fn add(&self, role: Role, mut jvm: Jvm) -> Result<(), Error> {
        let mut state = self.lock();
        match state.as_mut() {
            Some(procs) => {
                match role {
                    Role::Worker => procs.worker = Some(jvm),
                    Role::Broker => procs.broker = Some(jvm),
                }
                Ok(())
            }
            None => {
                jvm.stop(Duration::from_secs(1));
                Err(Error::unreachable(
                    "the embedded cluster was stopped while starting",
                ))
            }
        }
    }

    /// The first JVM (worker, then broker) that has exited: its name, status and log.
    pub(super) fn first_exited(&self) -> Option<(&'static str, String, PathBuf)> {
        let mut state = self.lock();
        let procs = state.as_mut()?;
        for jvm in [procs.worker.as_mut(), procs.broker.as_mut()]
            .into_iter()
            .flatten()
        {
            if let Some(status) = jvm.exited() {
                return Some((jvm.name, status.to_string(), jvm.log.clone()));
            }
        }
        None
    }

    pub(super) fn logs(&self) -> Vec<PathBuf> {
        let state = self.lock();
        state
            .iter()
            .flat_map(|p| [p.worker.as_ref(), p.broker.as_ref()])
            .flatten()
            .map(|j| j.log.clone())
            .collect()
    }

    /// The live guard of this process that owns the cluster in `run_dir`, if any.
    pub(super) fn owning(run_dir: &std::path::Path) -> Option<Arc<Guard>> {
        lock(&LIVE)
            .iter()
            .filter_map(Weak::upgrade)
            .find(|g| g.lock().as_ref().is_some_and(|p| p.run_dir == run_dir))
    }

    /// Take the worker out of the guard (to restart it); `None` if stopped or absent.
    pub(super) fn take_worker(&self) -> Option<Jvm> {
        self.lock().as_mut().and_then(|p| p.worker.take())
    }

    /// Forget the JVMs without stopping them (`--detach`): neither `Drop` nor a signal stops
    /// them any more. Dropping a `Child` neither kills nor waits for it.
    pub(super) fn release(self: &Arc<Self>) {
        let procs = self.lock().take();
        unregister(self);
        drop(procs);
    }

    /// Stop everything once; callers that race (Drop and a signal) wait for the first.
    pub(super) fn stop(self: &Arc<Self>) {
        let mut state = self.lock();
        if let Some(procs) = state.take() {
            procs.stop(self.progress);
        }
        drop(state);
        unregister(self);
    }
}

static SIGINT_STOPS: AtomicBool = AtomicBool::new(true);

/// Whether Ctrl-C (SIGINT) stops the embedded cluster and exits kcsh (the default, also while
/// the cluster starts). The REPL turns this off while it uses Ctrl-C to cancel a request, and
/// leaves by EXIT/Ctrl-D instead; SIGTERM and SIGHUP always stop and exit.
pub fn set_sigint_stops(stops: bool) {
    SIGINT_STOPS.store(stops, Ordering::SeqCst);
}

/// Milliseconds the handler leaves a signal to the script before it stops the cluster and
/// exits itself; 0: it does at once (the default, also while the cluster starts).
static DEFER_MS: AtomicU64 = AtomicU64::new(0);

/// A script runs and answers SIGINT/SIGTERM/SIGHUP itself (report, exit 128+n, the cluster
/// stopped as it drops). The handler then waits `bound` after the first signal and only if
/// the process still runs (a report that cannot be written, a statement that will not let
/// go), stops every live cluster and exits 128+signal: the JVMs are stopped in every case.
pub fn defer_signals(bound: Duration) {
    let ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX).max(1);
    DEFER_MS.store(ms, Ordering::SeqCst);
}

/// Stop every live cluster, restore the terminal, exit 128+signal: on SIGINT (see
/// [`set_sigint_stops`]), SIGTERM, SIGHUP; after a bound when a script answers them
/// ([`defer_signals`]).
pub(super) fn install_signal_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let terminal = saved_terminal();
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            let mut deadline_set = false;
            for signal in signals.forever() {
                let defer = DEFER_MS.load(Ordering::SeqCst);
                if defer > 0 {
                    if !deadline_set {
                        deadline_set = true;
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_millis(defer));
                            stop_all_and_exit(signal, terminal);
                        });
                    }
                    continue;
                }
                if signal == SIGINT && !SIGINT_STOPS.load(Ordering::SeqCst) {
                    continue;
                }
                stop_all_and_exit(signal, terminal);
            }
        });
    });
}

#[cfg(unix)]
type Terminal = Option<libc::termios>;
#[cfg(not(unix))]
type Terminal = Option<()>;

/// Stop every live cluster (waiting for a stop already under way), restore the terminal and
/// exit 128+signal.
fn stop_all_and_exit(signal: i32, terminal: Terminal) -> ! {
    let live: Vec<Arc<Guard>> = lock(&LIVE).iter().filter_map(Weak::upgrade).collect();
    for guard in live {
        guard.stop();
    }
    restore_terminal(terminal);
    std::process::exit(128 + signal);
}

/// The terminal mode before any line editor changed it, to restore on a signal exit.
#[cfg(unix)]
fn saved_terminal() -> Option<libc::termios> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    // SAFETY: tcgetattr fills a plain C struct for fd 0, which is a terminal.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        (libc::tcgetattr(0, &mut t) == 0).then_some(t)
    }
}

#[cfg(unix)]
fn restore_terminal(saved: Option<libc::termios>) {
    if let Some(t) = saved {
        // SAFETY: restores attributes read from the same fd earlier.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &t);
        }
    }
}

#[cfg(not(unix))]
fn saved_terminal() -> Option<()> {
    None
}

#[cfg(not(unix))]
fn restore_terminal(_: Option<()>) {}

#[cfg(test)]
mod drop_tests {
    use super::*;
    use std::process::Command;

    fn sleeper(log: PathBuf) -> Jvm {
        use std::os::unix::process::CommandExt;
        // Its own process group, as the JVMs are: stopping signals the group.
        let child = Command::new("sleep")
            .arg("60")
            .process_group(0)
            .spawn()
            .expect("spawn sleep");
        Jvm {
            name: "worker",
            child,
            log,
        }
    }

    fn alive(pid: u32) -> bool {
        // A zombie is not alive: stop() waits for the child, so it is reaped.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
    }

    #[test]
    fn a_guard_dropped_while_unwinding_stops_its_processes_and_a_released_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let run_dir = dir.path().join("run");
        std::fs::create_dir_all(&run_dir).unwrap();
        let guard = Guard::new(run_dir.clone(), false);
        guard
            .add(Role::Worker, sleeper(run_dir.join("w.log")))
            .unwrap();
        let pid = guard
            .lock()
            .as_ref()
            .unwrap()
            .get(Role::Worker)
            .unwrap()
            .pid();
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _owned = guard;
            panic!("a start that fails by panicking");
        }));
        assert!(unwound.is_err());
        assert!(!alive(pid), "the process outlived its guard");
        assert!(!run_dir.exists(), "the run dir outlived its guard");

        let run_dir = dir.path().join("run2");
        std::fs::create_dir_all(&run_dir).unwrap();
        let guard = Guard::new(run_dir.clone(), false);
        guard
            .add(Role::Worker, sleeper(run_dir.join("w.log")))
            .unwrap();
        let pid = guard
            .lock()
            .as_ref()
            .unwrap()
            .get(Role::Worker)
            .unwrap()
            .pid();
        guard.release();
        drop(guard);
        assert!(
            alive(pid),
            "a released (detached) process must keep running"
        );
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
}
