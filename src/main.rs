//! The `kcsh` binary: parse arguments, call [`kcsh::run`], turn the outcome into an exit code.
//! Everything else lives in the library so it can be tested without a process.

use std::process::ExitCode;

fn main() -> ExitCode {
    kcsh::main_entry()
}
