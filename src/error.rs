//! The crate-wide error and the one place that maps an error to a process exit code.
//! Exit codes (documented in `--help` and the README): 0 all ok, 1 a statement failed,
//! 2 usage or syntax error, 3 cluster unreachable or could not be started.

use std::fmt;

use crate::output::Output;

/// Why kcsh (or one statement) did not succeed.
#[derive(Debug)]
pub enum Error {
    /// Bad command-line usage or an invalid client command argument.
    Usage(String),
    /// A syntax error, already rendered with line, column and caret.
    Syntax(String),
    /// A statement failed: Connect's own message, or a client-side check.
    Statement(String),
    /// No worker could be reached, or an embedded cluster could not be started.
    Unreachable(String),
    /// A statement failed but produced output worth showing first (VALIDATE's table of errors,
    /// the per-connector results of a bulk PAUSE ... CONNECTORS): render `output`, then report
    /// `message` like `Statement`. Exit code 1.
    Failed {
        message: String,
        output: Box<Output>,
    },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Statement(_) | Error::Failed { .. } => 1,
            Error::Usage(_) | Error::Syntax(_) => 2,
            Error::Unreachable(_) => 3,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Syntax(m) | Error::Statement(m) | Error::Unreachable(m) => {
                f.write_str(m)
            }
            Error::Failed { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
