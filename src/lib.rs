//! kcsh, the Kafka Connect shell, as a library: the binary in `main.rs` is a thin wrapper.
//!
//! Data flows one way: text -> tokens -> statements -> plan -> HTTP -> model -> output -> bytes.

pub mod cli;
pub mod error;
pub mod lang;
pub mod output;

use std::process::ExitCode;

/// Entry point used by `main.rs`.
pub fn main_entry() -> ExitCode {
    ExitCode::SUCCESS
}
