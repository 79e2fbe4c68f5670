//! kcsh, the Kafka Connect shell, as a library: the binary in `main.rs` is a thin wrapper.
//!
//! Data flows one way: text -> tokens -> statements -> plan -> HTTP -> model -> output -> bytes.

pub mod cli;
pub mod embedded;
pub mod error;
pub mod lang;
pub mod output;

use std::process::ExitCode;

/// Entry point used by `main.rs`.
///
/// Minimal dispatch until the shell's `run` lands (the shell engineer folds this in): the
/// embedded-cluster flags go through [`embedded::prepare`], which must run first and whose
/// returned cluster must live until kcsh is done with it.
pub fn main_entry() -> ExitCode {
    use clap::Parser;
    let mut cli = cli::Cli::parse();
    match embedded::prepare(&mut cli) {
        Ok(embedded::Prepared::Done(code)) => code,
        Ok(embedded::Prepared::Continue(_cluster)) => {
            eprintln!("kcsh: running statements is not available in this build yet");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("kcsh: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
