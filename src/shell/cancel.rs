//! Signals answer at once: a latch that signals set (instead of killing the process), and
//! [`lend`], which runs work on the session on its own thread while the caller watches the
//! latch. On a signal the session's cancel flag is raised (a WAIT stops at its next poll); work
//! that has not ended within [`GRACE`] is abandoned with its session, whatever the network does.
//! [`lend_streaming`] also carries a streaming statement's parts (PRINT's records) to the
//! caller's thread through a bounded channel, as they come. Knows nothing of statements and
//! never renders.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::Error;
use crate::exec::Session;
use crate::output::Output;

/// How long abandoned work gets to end by itself (a WAIT's poll, a quick answer) before its
/// session is given up.
pub const GRACE: Duration = Duration::from_millis(1500);

/// How often the latch is looked at while work runs.
const TICK: Duration = Duration::from_millis(50);

/// The number of the last signal received, 0 for none. Cloned handles share the latch.
#[derive(Debug, Clone, Default)]
pub struct Interrupts(Arc<AtomicUsize>);

impl Interrupts {
    /// A latch that `signals` set to their number instead of their default action.
    #[cfg(unix)]
    pub fn register(signals: &[i32]) -> std::io::Result<Interrupts> {
        let latch = Interrupts::default();
        for &signal in signals {
            let number = usize::try_from(signal).unwrap_or(0);
            signal_hook::flag::register_usize(signal, Arc::clone(&latch.0), number)?;
        }
        Ok(latch)
    }

    /// As if `signal` had been received (tests).
    pub fn raise(&self, signal: i32) {
        self.0
            .store(usize::try_from(signal).unwrap_or(0), Ordering::SeqCst);
    }

    /// The signal received, if any, left set.
    pub fn peek(&self) -> Option<i32> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }

    /// The signal received, if any, cleared.
    pub fn take(&self) -> Option<i32> {
        match self.0.swap(0, Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }
}

/// The outcome of [`lend`]: the session back (or `None` when it was abandoned with its
/// thread), the work's result, and the signal that interrupted it.
pub struct Lent<T> {
    pub session: Option<Session>,
    pub result: Result<T, Error>,
    pub signal: Option<i32>,
}

/// Run `f` on `session` on a thread, until it ends or a signal arrives. A signal already
/// received before the call interrupts it at once (scripts stop before the next statement).
pub fn lend<T: Send + 'static>(
    session: Session,
    f: impl FnOnce(&mut Session) -> Result<T, Error> + Send + 'static,
    interrupts: &Interrupts,
    writes: bool,
) -> Lent<T> {
    lend_streaming(session, |s, _| f(s), interrupts, writes, &mut |_| true)
}

/// Parts of a streaming statement's output waiting for the caller's thread: a bound, so a
/// PRINT of a whole topic holds a few batches, never the topic.
const STREAM_BACKLOG: usize = 4;

/// What the statement's thread sends back.
enum Msg<T> {
    /// A part of a streaming statement's output (PRINT's records), to write now.
    Piece(Output),
    Done(Box<Session>, Result<T, Error>),
}

/// [`lend`] for a statement that streams: `f` gets a sink whose parts reach `drain` on the
/// caller's thread as they come (while it also watches for signals). `drain` returning false
/// (the output was closed) makes the sink fail, which ends the statement.
pub fn lend_streaming<T: Send + 'static>(
    session: Session,
    f: impl FnOnce(&mut Session, crate::exec::Sink<'_>) -> Result<T, Error> + Send + 'static,
    interrupts: &Interrupts,
    writes: bool,
    drain: &mut dyn FnMut(Output) -> bool,
) -> Lent<T> {
    if let Some(signal) = interrupts.peek() {
        return Lent {
            session: Some(session),
            result: Err(interrupted(signal, false)),
            signal: Some(signal),
        };
    }
    let cancel = session.cancel_flag();
    let closed = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::sync_channel::<Msg<T>>(STREAM_BACKLOG);
    let seen_closed = Arc::clone(&closed);
    let spawned = std::thread::Builder::new()
        .name("kcsh-statement".into())
        .spawn(move || {
            let mut session = session;
            let pieces = tx.clone();
            let mut sink = move |piece: Output| {
                if seen_closed.load(Ordering::SeqCst) || pieces.send(Msg::Piece(piece)).is_err() {
                    return Err(Error::statement("the output was closed"));
                }
                Ok(())
            };
            let result = f(&mut session, &mut sink);
            let _ = tx.send(Msg::Done(Box::new(session), result));
        });
    if let Err(e) = spawned {
        return Lent {
            session: None,
            result: Err(Error::statement(format!("cannot start the request: {e}"))),
            signal: None,
        };
    }
    let mut deliver = |piece: Output| {
        if !closed.load(Ordering::SeqCst) && !drain(piece) {
            closed.store(true, Ordering::SeqCst);
        }
    };
    loop {
        match rx.recv_timeout(TICK) {
            Ok(Msg::Piece(piece)) => {
                deliver(piece);
                // Output keeps the thread busy: look at the latch between parts too.
                if interrupts.peek().is_none() {
                    continue;
                }
            }
            Ok(Msg::Done(session, result)) => {
                return Lent {
                    session: Some(*session),
                    result,
                    signal: None,
                };
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Lent {
                    session: None,
                    result: Err(Error::statement(
                        "internal error: the request's thread ended without an answer",
                    )),
                    signal: None,
                };
            }
        }
        let Some(signal) = interrupts.peek() else {
            continue;
        };
        cancel.store(true, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + GRACE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(Msg::Piece(piece)) => deliver(piece),
                // It ended by itself: its own result is the truth (a WAIT says it was
                // cancelled; a write that completed was applied; a PRINT ceased).
                Ok(Msg::Done(session, result)) => {
                    cancel.store(false, Ordering::SeqCst);
                    return Lent {
                        session: Some(*session),
                        result,
                        signal: Some(signal),
                    };
                }
                Err(_) => {
                    return Lent {
                        session: None,
                        result: Err(interrupted(signal, writes)),
                        signal: Some(signal),
                    };
                }
            }
        }
    }
}

/// The error of work abandoned on `signal`; a write may have reached the worker.
pub fn interrupted(signal: i32, writes: bool) -> Error {
    let what = match signal_name(signal) {
        "SIGINT" => "Cancelled.".to_string(),
        name => format!("Interrupted by {name}."),
    };
    if writes {
        Error::maybe_applied(format!(
            "{what} The request was sent and may have been applied: check the connector before retrying."
        ))
    } else {
        Error::statement(format!(
            "{what} A request already sent may still take effect on the worker."
        ))
    }
}

/// `SIGINT`, `SIGTERM`, `SIGHUP`, else `a signal`.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        2 => "SIGINT",
        15 => "SIGTERM",
        1 => "SIGHUP",
        _ => "a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latch_keeps_the_last_signal_until_taken() {
        let i = Interrupts::default();
        assert_eq!(i.peek(), None);
        i.raise(15);
        assert_eq!(i.peek(), Some(15));
        assert_eq!(i.take(), Some(15));
        assert_eq!(i.take(), None);
    }

    #[test]
    fn interrupted_writes_may_have_been_applied() {
        use crate::error::ErrorKind;
        assert!(interrupted(15, true).is(ErrorKind::MaybeApplied));
        let e = interrupted(2, false);
        assert!(e.is(ErrorKind::Statement));
        assert!(e.message.starts_with("Cancelled."), "{}", e.message);
        assert!(interrupted(1, false).message.contains("SIGHUP"));
    }
}
