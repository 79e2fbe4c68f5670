//! The crate-wide error, as data: a kind (what went wrong, which decides the exit code), the
//! message (Connect's own words or ours), an optional hint (advice for the user, added where the
//! program meets the user), and optional output worth showing before the message. The one place
//! that maps an error to a process exit code is [`ErrorKind::exit_code`].
//! Exit codes (documented in `--help` and the README): 0 all ok, 1 a statement failed (or may
//! have been applied), 2 usage or syntax error, 3 cluster unreachable or could not be started,
//! 4 a plan (`-f ... --dry-run`) with changes pending ([`EXIT_CHANGES_PENDING`]).

use std::fmt;

use crate::output::Output;

/// The exit code of a plan (`-f ... --dry-run`) that would change the cluster: not a failure,
/// so CI can tell "changes pending" (4) from "in sync" (0) and from every error (1, 2, 3,
/// 128+n).
pub const EXIT_CHANGES_PENDING: u8 = 4;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad command-line usage or an invalid client command argument.
    Usage,
    /// A syntax error, already rendered with line, column and caret.
    Syntax,
    /// A statement failed: Connect's own message, or a client-side check.
    Statement,
    /// A write was sent but its answer was lost (connection dropped, body cut, timeout): it may
    /// have been applied. Never reported as plain success or plain failure.
    MaybeApplied,
    /// No worker could be reached, or an embedded cluster could not be started.
    Unreachable,
}

impl ErrorKind {
    /// The process exit code of a run that ends with this kind of error.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Statement | ErrorKind::MaybeApplied => 1,
            ErrorKind::Usage | ErrorKind::Syntax => 2,
            ErrorKind::Unreachable => 3,
        }
    }
}

/// Why kcsh (or one statement) did not succeed.
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Advice shown after the message as `hint: ...`.
    pub hint: Option<String>,
    /// Output to render before the message (VALIDATE's table of errors, the per-connector
    /// results of a bulk PAUSE ... CONNECTORS).
    pub output: Option<Box<Output>>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hint: None,
            output: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage, message)
    }

    pub fn syntax(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Syntax, message)
    }

    pub fn statement(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Statement, message)
    }

    pub fn maybe_applied(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::MaybeApplied, message)
    }

    pub fn unreachable(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unreachable, message)
    }

    /// A statement that failed after producing output worth showing first. Exit code 1.
    pub fn failed(message: impl Into<String>, output: Output) -> Error {
        Error::statement(message).with_output(output)
    }

    /// Adds (or replaces) the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint only when the error has none yet (a more specific one wins).
    pub fn or_hint(mut self, hint: impl Into<String>) -> Error {
        if self.hint.is_none() {
            self.hint = Some(hint.into());
        }
        self
    }

    pub fn with_output(mut self, output: Output) -> Error {
        self.output = Some(Box::new(output));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    /// The message, then `hint: ...` on its own line when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_exit_codes_and_hints_print_after_the_message() {
        assert_eq!(Error::statement("x").exit_code(), 1);
        assert_eq!(Error::maybe_applied("x").exit_code(), 1);
        assert_eq!(Error::usage("x").exit_code(), 2);
        assert_eq!(Error::syntax("x").exit_code(), 2);
        assert_eq!(Error::unreachable("x").exit_code(), 3);
        let e = Error::statement("Connector 'a' does not exist.").with_hint("did you mean \"b\"?");
        assert_eq!(
            e.to_string(),
            "Connector 'a' does not exist.\nhint: did you mean \"b\"?"
        );
        let e = e.or_hint("ignored");
        assert_eq!(e.hint.as_deref(), Some("did you mean \"b\"?"));
    }
}
