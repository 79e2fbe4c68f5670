//! Where a REST failure meets the user: turns `connect::ApiError` (facts: status, URLs tried,
//! TLS, a redirect's target, a write whose answer was lost) into the crate's `Error` with its
//! kind (and so its exit code) and the one piece of CLI advice (`--url`, `-u`, `--ca-cert`,
//! `--timeout`) that helps. The only module that knows both the connect layer and the flags.
//! Long messages are cut here, for display; the `ApiError` keeps Connect's whole text.

use crate::connect::ApiError;
use crate::error::{Error, ErrorKind};

/// Longest message shown, in characters and in lines; the rest is replaced by a note.
const MAX_CHARS: usize = 4000;
const MAX_LINES: usize = 60;

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        let kind = kind(&e);
        let mut error = Error::new(kind, cut_for_display(&e.to_string()));
        error.hint = hint(&e);
        error
    }
}

fn kind(e: &ApiError) -> ErrorKind {
    match e {
        // Nothing reached Connect, and nothing will until the URL changes.
        ApiError::Unreachable { .. } | ApiError::Redirect { .. } => ErrorKind::Unreachable,
        ApiError::MaybeApplied { .. } => ErrorKind::MaybeApplied,
        _ => ErrorKind::Statement,
    }
}

/// The advice for an error, if any.
pub fn hint(e: &ApiError) -> Option<String> {
    Some(match e {
        ApiError::Unreachable { failures } if failures.iter().any(|f| f.tls) => {
            "trust the server's CA with --ca-cert FILE, present a client certificate with \
             --client-cert/--client-key, or skip verification with --insecure"
                .to_string()
        }
        ApiError::Unreachable { .. } => "point kcsh at a worker with --url URL (or KCSH_URL, or \
             --context NAME), or start a local one with `kcsh --embedded`"
            .to_string(),
        ApiError::Status { status: 401, .. } => "the worker wants credentials: pass -u USER \
             (password from KCSH_PASSWORD, --password-file or a prompt), --token, or a --context \
             that holds them"
            .to_string(),
        ApiError::Status { status: 403, .. } => {
            "the credentials given are not allowed to do this".to_string()
        }
        ApiError::Redirect {
            suggested_url: Some(url),
            ..
        } => format!(
            "point --url at {url} (kcsh never follows a redirect: it could turn the statement \
             into another request or send its body and credentials to another host)"
        ),
        ApiError::Redirect { .. } => {
            "point --url at the Kafka Connect worker itself, not at a page that redirects"
                .to_string()
        }
        ApiError::Unexpected { .. } => "something other than Kafka Connect answered (a login \
             page or a proxy?): point --url at the worker's REST listener"
            .to_string(),
        ApiError::TimedOut { .. } => {
            "set a longer --timeout (or SET 'timeout' = 'SECONDS')".to_string()
        }
        ApiError::MaybeApplied { .. } => "check the connector's state (DESCRIBE CONNECTOR, SHOW \
             CONNECTORS) before running the statement again"
            .to_string(),
        _ => return None,
    })
}

/// A Kafka failure (facts from `kafka::Error`) with its kind and advice: unreachable brokers
/// exit with 3 and name the flags that say where they are; bad local files are usage errors.
impl From<crate::kafka::Error> for Error {
    fn from(e: crate::kafka::Error) -> Error {
        use crate::kafka::Error as K;
        let kind = match &e {
            K::Unreachable { .. } | K::TimedOut { .. } => ErrorKind::Unreachable,
            K::Config(_) => ErrorKind::Usage,
            K::UnknownTopic { .. } | K::Unsupported(_) | K::Broker(_) => ErrorKind::Statement,
        };
        let hint = match &e {
            K::Unreachable { tls: true, .. } => Some(
                "trust the brokers' CA with --kafka-ca-cert FILE, or present a client \
                 certificate with --kafka-client-cert/--kafka-client-key"
                    .to_string(),
            ),
            K::Unreachable { auth: true, .. } => Some(
                "check the SASL login: --kafka-user USER, --kafka-sasl-mechanism, and the \
                 password in KCSH_KAFKA_PASSWORD or --kafka-password-file"
                    .to_string(),
            ),
            K::Unreachable { .. } => Some(KAFKA_WHERE.to_string()),
            _ => None,
        };
        let mut error = Error::new(kind, cut_for_display(&e.to_string()));
        error.hint = hint;
        error
    }
}

/// How to say where the brokers are.
const KAFKA_WHERE: &str = "give the brokers with --bootstrap HOST:PORT[,...] (or KCSH_BOOTSTRAP, \
     or a context's bootstrap key; --kafka-tls, --kafka-user for TLS and SASL), or start a local \
     cluster with `kcsh --embedded`";

/// The one line DESCRIBE shows instead of lag in a session without a bootstrap.
pub const LAG_NEEDS_BOOTSTRAP: &str =
    "needs a Kafka connection: --bootstrap HOST:PORT, KCSH_BOOTSTRAP or a context's bootstrap key";

/// A statement that reads Kafka, in a session without a bootstrap (exit 2).
pub fn no_bootstrap(statement: &str) -> Error {
    Error::usage(format!(
        "{statement} reads Kafka, and no Kafka bootstrap servers are configured"
    ))
    .with_hint(KAFKA_WHERE)
}

/// At most `MAX_LINES` lines and `MAX_CHARS` characters, with a note saying how much was cut.
pub fn cut_for_display(text: &str) -> String {
    let total_chars = text.chars().count();
    let total_lines = text.lines().count();
    if total_chars <= MAX_CHARS && total_lines <= MAX_LINES {
        return text.to_string();
    }
    let mut out = String::new();
    let mut chars = 0;
    for (i, line) in text.lines().enumerate() {
        if i == MAX_LINES {
            break;
        }
        if i > 0 {
            out.push('\n');
            chars += 1;
        }
        let room = MAX_CHARS.saturating_sub(chars);
        if line.chars().count() > room {
            out.extend(line.chars().take(room));
            chars = MAX_CHARS;
            break;
        }
        out.push_str(line);
        chars += line.chars().count();
    }
    let shown = chars.min(total_chars);
    out.push_str(&format!(
        "\n... ({} more characters not shown)",
        total_chars.saturating_sub(shown)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::error::Unreached;

    /// Advice is prose: a run of spaces inside a line of this file is a line break lost from a
    /// string literal (a `\` continuation that was joined), which users would see as a gap.
    #[test]
    fn no_advice_holds_a_gap_of_spaces() {
        for (n, line) in include_str!("hints.rs").lines().enumerate() {
            let text = line.trim_start();
            assert!(
                !text.contains(&" ".repeat(3)),
                "src/hints.rs line {}: a run of spaces inside a line: {text}",
                n + 1
            );
        }
    }

    fn unreachable(tls: bool) -> ApiError {
        ApiError::Unreachable {
            failures: vec![Unreached {
                url: "http://127.0.0.1:9".into(),
                cause: "Connection refused".into(),
                tls,
            }],
        }
    }

    #[test]
    fn facts_become_errors_with_kind_and_hint() {
        let e = Error::from(unreachable(false));
        assert!(e.is(ErrorKind::Unreachable));
        assert!(e.to_string().contains("kcsh --embedded"), "{e}");
        assert!(e.message.contains("http://127.0.0.1:9"));
        let e = Error::from(unreachable(true));
        assert!(e.hint.as_deref().unwrap().contains("--ca-cert"));

        let e = Error::from(ApiError::from_response(401, "Unauthorized", ""));
        assert!(e.is(ErrorKind::Statement));
        assert!(e.to_string().contains("hint: the worker wants credentials"));
        let e = Error::from(ApiError::from_response(403, "Forbidden", ""));
        assert!(e.to_string().contains("not allowed"));
        let e = Error::from(ApiError::from_response(404, "Not Found", ""));
        assert_eq!(e.hint, None);

        let e = Error::from(ApiError::MaybeApplied {
            request: "POST /connectors".into(),
            cause: "connection reset".into(),
        });
        assert!(e.is(ErrorKind::MaybeApplied));
        assert!(e.message.contains("may have been applied"), "{e}");

        let e = Error::from(ApiError::Redirect {
            status: 301,
            request: "GET http://h/".into(),
            location: Some("https://h/".into()),
            suggested_url: Some("https://h".into()),
        });
        assert!(e.is(ErrorKind::Unreachable));
        assert!(e.message.contains("https://h/"), "{e}");
        assert!(
            e.hint
                .as_deref()
                .unwrap()
                .starts_with("point --url at https://h ")
        );
    }

    #[test]
    fn kafka_facts_become_errors_with_kind_and_hint() {
        let e = Error::from(crate::kafka::Error::Unreachable {
            bootstrap: vec!["127.0.0.1:9".into()],
            cause: "Connection refused (os error 111)".into(),
            tls: false,
            auth: false,
        });
        assert_eq!(e.exit_code(), 3);
        assert!(e.message.contains("127.0.0.1:9"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("--bootstrap"));
        let e = no_bootstrap("PRINT");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("KCSH_BOOTSTRAP"), "{e}");
        let e = Error::from(crate::kafka::Error::Config("bad file".into()));
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn long_messages_are_cut_for_display() {
        let long = "x".repeat(10_000);
        let e = Error::from(ApiError::from_response(
            500,
            "Server Error",
            &format!(r#"{{"error_code":500,"message":"{long}"}}"#),
        ));
        assert!(
            e.message.chars().count() < MAX_CHARS + 100,
            "{}",
            e.message.len()
        );
        assert!(
            e.message.ends_with("(6000 more characters not shown)"),
            "{}",
            &e.message[3990..]
        );
        let many = "line\n".repeat(500);
        let cut = cut_for_display(&many);
        assert_eq!(cut.lines().count(), MAX_LINES + 1);
        assert_eq!(cut_for_display("short\ntext"), "short\ntext");
    }
}
