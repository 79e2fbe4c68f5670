//! Errors of one REST call, kept precise enough for exec to react (404 -> "does not exist",
//! 409 "already exists" -> IF NOT EXISTS warning), and their conversion to the crate's `Error`
//! with the user-facing text: Connect's own message, never its raw JSON.

use std::fmt;

use crate::error::Error;

/// How one REST call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Connect (or a proxy in front of it) answered with an error status.
    Status { status: u16, message: String },
    /// No worker accepted the connection. The text already names the URL(s) and a hint.
    Unreachable(String),
    /// Anything else: timeouts, TLS failures, an answer that is not what the API documents.
    Other(String),
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
fn excerpt(body: &str) -> String {
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
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 200 {
        let cut: String = collapsed.chars().take(200).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Status { status, message } => {
                f.write_str(message)?;
                match status {
                    401 => f.write_str(
                        "\nhint: the worker wants credentials: pass -u USER (password from KCSH_PASSWORD, \
                         --password-file or a prompt), --token, or a --context that holds them",
                    ),
                    403 => f.write_str("\nhint: the credentials given are not allowed to do this"),
                    _ => Ok(()),
                }
            }
            ApiError::Unreachable(m) | ApiError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        match e {
            ApiError::Unreachable(m) => Error::unreachable(m),
            other => Error::statement(other.to_string()),
        }
    }
}

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
    fn unauthorized_gets_a_hint() {
        let e = ApiError::from_response(401, "Unauthorized", "");
        assert!(e.to_string().contains("hint: the worker wants credentials"));
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(1000);
        let e = ApiError::from_response(500, "Server Error", &body);
        assert!(e.to_string().len() < 250);
    }
}
