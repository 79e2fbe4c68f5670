//! One REST call as data: [`Method`], [`Request`] (path, query, body), and the one owner of how
//! names become URL path segments ([`encode_segment`], [`connector_path`], [`plugin_path`]).
//! Pure: builds and prints requests, sends nothing.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::error::Error;

/// Everything outside RFC 3986's unreserved characters is encoded (spaces as `%20`, never `+`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Query strings are encoded the same way.
const QUERY: &AsciiSet = SEGMENT;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        })
    }
}

/// One REST call. `path` is already percent-encoded; `query` pairs are raw.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::Get, path)
    }

    pub fn put(path: impl Into<String>) -> Request {
        Request::new(Method::Put, path)
    }

    pub fn post(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::Post, path).body(body)
    }

    pub fn body(mut self, body: Value) -> Request {
        self.body = Some(body);
        self
    }

    pub fn query(mut self, key: &str, value: impl Into<String>) -> Request {
        self.query.push((key.to_string(), value.into()));
        self
    }

    /// Whether sending this changes anything on the cluster (what `--dry-run` must not send).
    /// Validation is a `PUT` that changes nothing.
    pub fn changes_state(&self) -> bool {
        self.method != Method::Get && !self.path.ends_with("/config/validate")
    }
}

impl Request {
    /// The path with its encoded query string: what goes after the worker's base URL. The one
    /// place a query is encoded, so what EXPLAIN prints is what is sent.
    pub fn target(&self) -> String {
        let mut target = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            target.push(if i == 0 { '?' } else { '&' });
            target.push_str(&utf8_percent_encode(k, QUERY).to_string());
            target.push('=');
            target.push_str(&utf8_percent_encode(v, QUERY).to_string());
        }
        target
    }
}

impl fmt::Display for Request {
    /// `PUT /connectors/fs%20src/pause`, with the query string if any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.target())
    }
}

/// Percent-encodes one path segment.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// `/connectors/{name}{suffix}`. A name with `/` is refused: Connect cannot address it by URL.
pub fn connector_path(name: &str, suffix: &str) -> Result<String, Error> {
    if name.is_empty() {
        return Err(Error::statement("a connector name cannot be empty"));
    }
    if name.contains('/') {
        return Err(Error::statement(format!(
            "connector name \"{name}\" contains '/', which Kafka Connect cannot address in a URL; \
             use a name without '/'"
        )));
    }
    Ok(format!("/connectors/{}{suffix}", encode_segment(name)))
}

/// Plugin paths accept class names and aliases; `/` never occurs in them.
pub fn plugin_path(class: &str, suffix: &str) -> Result<String, Error> {
    if class.trim().is_empty() || class.contains('/') {
        return Err(Error::statement(format!(
            "invalid plugin class \"{class}\""
        )));
    }
    Ok(format!(
        "/connector-plugins/{}{suffix}",
        encode_segment(class)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_percent_encoded_as_one_segment() {
        assert_eq!(
            connector_path("a%b;c?d#e+é", "").unwrap(),
            "/connectors/a%25b%3Bc%3Fd%23e%2B%C3%A9"
        );
        assert_eq!(
            connector_path("my-conn.v2_~", "/status").unwrap(),
            "/connectors/my-conn.v2_~/status"
        );
        assert_eq!(
            plugin_path("FileStreamSource", "/config").unwrap(),
            "/connector-plugins/FileStreamSource/config"
        );
    }

    #[test]
    fn slash_in_a_name_is_refused_clearly() {
        let e = connector_path("a/b", "").unwrap_err();
        assert!(e.to_string().contains("cannot address"), "{e}");
    }

    #[test]
    fn query_is_encoded_in_the_target() {
        let r = Request::get("/connectors").query("expand", "a b");
        assert_eq!(r.to_string(), "GET /connectors?expand=a%20b");
    }
}
