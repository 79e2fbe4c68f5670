//! WATCH's parts that need neither the session nor the terminal: the diff of two results
//! ([`diff`]), the change log's lines and JSON documents ([`log`]), the restart backoff of
//! `RESTART FAILED` ([`restart`]) and UTC timestamps ([`clock`]); plus the terminal screen
//! ([`screen`]: raw keys, the alternate screen, restored on every exit). The loop that runs
//! the statement every tick is the shell's (`shell/watch.rs`): the shell owns the session.

pub mod clock;
pub mod diff;
pub mod log;
pub mod restart;
pub mod screen;
