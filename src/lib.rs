//! kcsh, the Kafka Connect shell, as a library: the binary in `main.rs` is a thin wrapper.
//!
//! Data flows one way: text -> tokens -> statements -> plan -> HTTP -> model -> output -> bytes.

pub mod cli;
pub mod connect;
pub mod error;
pub mod exec;
pub mod lang;
pub mod output;
pub mod plan;
pub mod secrets;

use std::process::ExitCode;

/// Entry point used by `main.rs`.
pub fn main_entry() -> ExitCode {
    ExitCode::SUCCESS
}
