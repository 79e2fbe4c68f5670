//! Errors of one REST call as data, precise enough for exec to react (404 -> "does not exist",
//! 409 "already exists" -> IF NOT EXISTS warning, a write that may have been applied) and for
//! `crate::hints` to advise the user. Their text states facts only (Connect's own message, the
//! URLs tried, a redirect's target); advice about flags (`--url`, `-u`, `--ca-cert`) is not
//! given here. URLs in errors never carry a userinfo password (see [`mask_userinfo`]).

use std::fmt;
use std::time::Duration;

/// How one REST call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Connect (or a proxy in front of it) answered with an error status (4xx, 5xx).
    Status { status: u16, message: String },
    /// A 3xx. Redirects are never followed: a 301/302/303 would turn a write into a GET whose
    /// 200 looks like success, a 307/308 would send the body and credentials to another host.
    Redirect {
        status: u16,
        /// `POST http://host:8083/connectors` (userinfo masked).
        request: String,
        /// The `Location` header as sent (userinfo masked), if any.
        location: Option<String>,
        /// The worker URL to use instead: the absolute location without the request's path.
        suggested_url: Option<String>,
    },
    /// No worker accepted a connection (refused, unknown host, TLS failure): one entry per URL.
    Unreachable { failures: Vec<Unreached> },
    /// A 2xx that is not Connect's answer: an HTML page (an SSO login page, a proxy), a body
    /// that is not JSON where Connect sends JSON, a status this endpoint never answers.
    Unexpected { request: String, message: String },
    /// A read got no complete answer within the timeout (headers and body).
    TimedOut { request: String, after: Duration },
    /// The answer was larger than the client's cap; reading stopped there.
    TooLarge { request: String, limit: usize },
    /// A write was sent but its answer was lost (connection dropped, body cut, timeout, a
    /// gateway timeout): it may have been applied. Never retried.
    MaybeApplied { request: String, cause: String },
    /// Anything else: a reset read, an answer that is not what the API documents.
    Other(String),
}

/// One worker URL that could not be reached, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreached {
    /// The URL tried, userinfo masked.
    pub url: String,
    /// The innermost cause ("Connection refused", the TLS alert).
    pub cause: String,
    /// Whether TLS failed (unknown CA, missing or rejected client certificate).
    pub tls: bool,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether this is a write whose outcome is unknown.
    pub fn maybe_applied(&self) -> bool {
        matches!(self, ApiError::MaybeApplied { .. })
    }

    /// Builds the error for a failed response from its status and raw body: Connect's
    /// `{"error_code", "message"}` becomes its message; anything else (an HTML page from Jetty
    /// or a proxy) becomes the status line and a short excerpt.
    pub fn from_response(status: u16, reason: &str, body: &str) -> ApiError {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
            && let Some(message) = value.get("message").and_then(|m| m.as_str())
        {
            // Config errors end with a pointer to the validate endpoint: noise for a shell
            // user, who has VALIDATE.
            let message = match message.find("\nYou can also find the above list of errors") {
                Some(i) => &message[..i],
                None => message,
            };
            return ApiError::Status {
                status,
                message: message.trim_end().to_string(),
            };
        }
        let excerpt = excerpt(body);
        let message = if excerpt.is_empty() {
            format!("HTTP {status} {reason}").trim_end().to_string()
        } else {
            format!("HTTP {status} {reason}: {excerpt}")
        };
        ApiError::Status { status, message }
    }
}

/// At most ~200 characters of a body, tags stripped and whitespace collapsed.
pub fn excerpt(body: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
        if text.len() > 4096 {
            break;
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let collapsed: String = collapsed
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if collapsed.chars().count() > 200 {
        let cut: String = collapsed.chars().take(200).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

/// A URL safe to print: its userinfo password masked, by the secrets module's one rule.
pub fn mask_userinfo(url: &str) -> String {
    crate::secrets::redact_url(url)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Status { message, .. } => f.write_str(message),
            ApiError::Redirect {
                status,
                request,
                location,
                ..
            } => {
                write!(f, "{request} answered HTTP {status} (a redirect")?;
                match location {
                    Some(l) => write!(f, " to {l}")?,
                    None => f.write_str(" without a Location")?,
                }
                f.write_str("); kcsh does not follow redirects")
            }
            ApiError::Unreachable { failures } => {
                for (i, u) in failures.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "cannot reach Kafka Connect at {}: {}", u.url, u.cause)?;
                }
                Ok(())
            }
            ApiError::Unexpected { request, message } => write!(f, "{request}: {message}"),
            ApiError::TimedOut { request, after } => {
                write!(f, "{request} timed out after {}", seconds(*after))
            }
            ApiError::TooLarge { request, limit } => write!(
                f,
                "the answer to {request} is larger than {} MiB; kcsh stopped reading it",
                limit / (1024 * 1024)
            ),
            ApiError::MaybeApplied { request, cause } => write!(
                f,
                "{request} was sent, but its answer was lost ({cause}): it may have been applied"
            ),
            ApiError::Other(m) => f.write_str(m),
        }
    }
}

/// `3 s`, `0.5 s`.
pub fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_error_body_becomes_its_message() {
        let e = ApiError::from_response(
            409,
            "Conflict",
            r#"{"error_code":409,"message":"Connector fs-src already exists"}"#,
        );
        assert_eq!(e.to_string(), "Connector fs-src already exists");
        assert_eq!(e.status(), Some(409));
    }

    #[test]
    fn config_errors_lose_the_validate_endpoint_pointer() {
        let body = r#"{"error_code":400,"message":"Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration \"topic\" which has no default value.\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"}"#;
        let e = ApiError::from_response(400, "Bad Request", body);
        assert_eq!(
            e.to_string(),
            "Connector configuration is invalid and contains the following 1 error(s):\n\
             Missing required configuration \"topic\" which has no default value."
        );
    }

    #[test]
    fn html_body_becomes_status_and_excerpt() {
        let e = ApiError::from_response(
            400,
            "Bad Request",
            "<html><body><h2>HTTP ERROR 400 Ambiguous URI path separator</h2></body></html>",
        );
        assert_eq!(
            e.to_string(),
            "HTTP 400 Bad Request: HTTP ERROR 400 Ambiguous URI path separator"
        );
    }

    #[test]
    fn empty_body_is_just_the_status() {
        let e = ApiError::from_response(502, "Bad Gateway", "");
        assert_eq!(e.to_string(), "HTTP 502 Bad Gateway");
    }

    #[test]
    fn connect_layer_text_gives_no_cli_advice() {
        let errors = [
            ApiError::from_response(401, "Unauthorized", ""),
            ApiError::Unreachable {
                failures: vec![Unreached {
                    url: "https://h:8083".into(),
                    cause: "invalid peer certificate: UnknownIssuer".into(),
                    tls: true,
                }],
            },
            ApiError::Redirect {
                status: 301,
                request: "GET http://h/connectors".into(),
                location: Some("https://h/connectors".into()),
                suggested_url: Some("https://h".into()),
            },
        ];
        for e in errors {
            let text = e.to_string();
            for advice in ["--url", "-u ", "--ca-cert", "--token", "hint"] {
                assert!(!text.contains(advice), "{text}");
            }
        }
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(1000);
        let e = ApiError::from_response(500, "Server Error", &body);
        assert!(e.to_string().len() < 250);
        let huge = "<p>".repeat(1_000_000);
        assert!(excerpt(&huge).len() < 250);
    }

    #[test]
    fn userinfo_is_masked_in_urls() {
        assert_eq!(
            mask_userinfo("http://admin:s3cret@host:8083/connectors"),
            "http://admin:[hidden]@host:8083/connectors"
        );
        assert_eq!(mask_userinfo("http://h:1/x"), "http://h:1/x");
    }
}
