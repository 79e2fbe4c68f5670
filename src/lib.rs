//! kcsh, the Kafka Connect shell, as a library: the binary in `main.rs` is a thin wrapper.
//!
//! Data flows one way: text -> tokens -> statements -> plan -> HTTP -> model -> output -> bytes.

pub mod cli;
pub mod error;
pub mod help;
pub mod lang;
pub mod output;
pub mod render;

use std::io::Write;
use std::process::ExitCode;

use crate::error::Error;

/// Run kcsh as the command line asks. An `Err` is printed by `main` and becomes its exit code
/// ([`Error::exit_code`]); statement failures inside a script come back as `Ok(code)` after
/// the script's own report. A closed stdout (`kcsh ... | head`) ends quietly with 0.
pub fn run(cli: cli::Cli) -> Result<ExitCode, Error> {
    if let Some(shell) = cli.generate {
        let mut out = Vec::new();
        cli::generate(shell, &mut out);
        return write_stdout(&out).map(|()| ExitCode::SUCCESS);
    }
    Err(Error::Usage(
        "running statements is not available in this build yet".into(),
    ))
}

/// Write to stdout; a broken pipe is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Usage(format!(
            "cannot write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}
