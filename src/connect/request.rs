//! One REST call as data: [`Method`], [`Request`] (path, query, body, and what a successful
//! answer looks like: [`Expect`]), and the one owner of how a name becomes exactly one URL path
//! segment ([`segment`], used by [`connector_path`], [`plugin_path`], [`logger_path`]): a name a
//! path cannot carry as one segment is refused here, before anything is sent.
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

/// What Connect sends with a success status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A JSON document (`Content-Type: application/json`), never empty.
    Json,
    /// Nothing (202 of pause/resume, 204). A body, if one comes anyway, must still be JSON.
    Empty,
}

/// The success statuses of one endpoint, each with the body Connect sends with it. Any other
/// answer is not a success: a 3xx, an HTML page, a cut or non-JSON body, an unlisted 2xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expect(pub &'static [(u16, Body)]);

impl Expect {
    pub const OK_JSON: Expect = Expect(&[(200, Body::Json)]);

    /// The body expected with `status`, or `None` when `status` is not a success here.
    pub fn body_for(&self, status: u16) -> Option<Body> {
        self.0.iter().find(|(s, _)| *s == status).map(|(_, b)| *b)
    }

    /// `201`, `200 or 201`: for messages.
    pub fn statuses(&self) -> String {
        let list: Vec<String> = self.0.iter().map(|(s, _)| s.to_string()).collect();
        list.join(" or ")
    }

    /// What Connect answers on success, by endpoint (`rest/resources/*.java`, checked against a
    /// 4.3 worker; see shared/reference/connect-rest.md A.1).
    pub fn for_endpoint(method: Method, path: &str) -> Expect {
        use Body::{Empty, Json};
        let connector_item = path.starts_with("/connectors/");
        match method {
            Method::Get => Expect::OK_JSON,
            Method::Post if path == "/connectors" => Expect(&[(201, Json)]),
            // Plain restarts answer 204; with includeTasks/onlyFailed 202 and the new states.
            Method::Post if path.ends_with("/restart") => Expect(&[(204, Empty), (202, Json)]),
            Method::Put if path.ends_with("/config/validate") => Expect::OK_JSON,
            Method::Put if connector_item && path.ends_with("/config") => {
                Expect(&[(200, Json), (201, Json)])
            }
            Method::Put
                if connector_item
                    && (path.ends_with("/pause")
                        || path.ends_with("/resume")
                        || path.ends_with("/topics/reset")) =>
            {
                Expect(&[(202, Empty)])
            }
            Method::Put if connector_item && path.ends_with("/stop") => Expect(&[(204, Empty)]),
            // scope=worker answers the changed loggers, scope=cluster nothing.
            Method::Put if path.starts_with("/admin/loggers/") => {
                Expect(&[(200, Json), (204, Empty)])
            }
            Method::Patch => Expect::OK_JSON,
            Method::Delete if connector_item && path.ends_with("/offsets") => Expect::OK_JSON,
            Method::Delete if connector_item => Expect(&[(204, Empty)]),
            // An endpoint this table does not know: any usual success, JSON when it has a body.
            _ => Expect(&[(200, Json), (201, Json), (202, Empty), (204, Empty)]),
        }
    }
}

/// One REST call. `path` is already percent-encoded; `query` pairs are raw. `expect` overrides
/// what a success looks like (default: [`Expect::for_endpoint`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub expect: Option<Expect>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            expect: None,
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

    /// Overrides what a successful answer looks like.
    pub fn expect(mut self, expect: Expect) -> Request {
        self.expect = Some(expect);
        self
    }

    /// What a successful answer to this request looks like.
    pub fn expectation(&self) -> Expect {
        self.expect
            .unwrap_or_else(|| Expect::for_endpoint(self.method, &self.path))
    }

    /// Whether sending this changes anything on the cluster (what `--dry-run` must not send,
    /// and whose lost answer means "may have been applied"). Validation is a `PUT` that changes
    /// nothing.
    pub fn changes_state(&self) -> bool {
        self.method != Method::Get && !self.path.ends_with("/config/validate")
    }

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

/// Percent-encodes one path segment. Prefer [`segment`], which also refuses what cannot be one.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// `name` as exactly one encoded path segment, or why it cannot be one. `what` names the kind
/// of name in the error ("connector", "plugin", "logger"). Refused:
/// - empty names;
/// - `.` and `..`: URL parsers (reqwest's, Jetty's) resolve them as dot segments, so
///   `/connectors/./offsets` would reach `/connectors/offsets`, another connector's endpoint;
///   encoding does not help, `%2E` is a dot segment too;
/// - `/`: it splits the path, and Jetty 12 rejects the encoded `%2F`;
/// - control characters: Connect refuses them in names (`NonEmptyStringWithoutControlChars`),
///   and Jetty rejects them in paths.
///
/// `%` and `\` are encoded: Jetty 12 (Connect 4.x) answers them with a 400 of its own (never
/// another endpoint), 3.x workers accept them; exec refuses to create such names on 4.x.
pub fn segment(name: &str, what: &str) -> Result<String, Error> {
    let refuse = |why: &str, fix: &str| {
        Err(Error::statement(format!(
            "{what} name \"{}\" {why}, which Kafka Connect cannot address in a URL; {fix}",
            name.escape_default()
        )))
    };
    if name.is_empty() {
        return Err(Error::statement(format!("a {what} name cannot be empty")));
    }
    if name == "." || name == ".." {
        return refuse("is a relative path segment", "use another name");
    }
    if name.contains('/') {
        return refuse("contains '/'", "use a name without '/'");
    }
    if name.chars().any(char::is_control) {
        return refuse(
            "contains a control character",
            "use a name without control characters",
        );
    }
    Ok(encode_segment(name))
}

/// `/connectors/{name}{suffix}`, the name as one segment (see [`segment`]).
pub fn connector_path(name: &str, suffix: &str) -> Result<String, Error> {
    Ok(format!(
        "/connectors/{}{suffix}",
        segment(name, "connector")?
    ))
}

/// `/connector-plugins/{class}{suffix}`: class names and aliases (see [`segment`]).
pub fn plugin_path(class: &str, suffix: &str) -> Result<String, Error> {
    if class.trim().is_empty() {
        return Err(Error::statement(format!(
            "invalid plugin class \"{class}\""
        )));
    }
    Ok(format!(
        "/connector-plugins/{}{suffix}",
        segment(class, "plugin")?
    ))
}

/// `/admin/loggers/{logger}` (see [`segment`]).
pub fn logger_path(logger: &str) -> Result<String, Error> {
    Ok(format!("/admin/loggers/{}", segment(logger, "logger")?))
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
        // Dots are only dot segments alone: these are ordinary names.
        for name in ["...", ".x", "..x", "x.", " .", ". "] {
            assert!(connector_path(name, "").is_ok(), "{name:?}");
        }
        assert_eq!(
            plugin_path("FileStreamSource", "/config").unwrap(),
            "/connector-plugins/FileStreamSource/config"
        );
        assert_eq!(
            logger_path("org.apache.kafka").unwrap(),
            "/admin/loggers/org.apache.kafka"
        );
    }

    #[test]
    fn slash_in_a_name_is_refused_clearly() {
        let e = connector_path("a/b", "").unwrap_err();
        assert!(e.to_string().contains("cannot address"), "{e}");
    }

    #[test]
    fn names_that_cannot_be_one_segment_are_refused_for_every_kind() {
        type Path = fn(&str) -> Result<String, Error>;
        let paths: [Path; 3] = [
            |n| connector_path(n, "/offsets"),
            |n| plugin_path(n, "/config"),
            logger_path,
        ];
        for path in paths {
            for name in [
                "", ".", "..", "/", "a/b", "../x", "a\nb", "a\u{7f}", "\u{85}", "a\tb",
            ] {
                let e = path(name).unwrap_err();
                assert!(e.is(crate::error::ErrorKind::Statement), "{name:?}");
                assert!(
                    !e.message.contains('\n') && !e.message.contains('\u{7f}'),
                    "control characters are shown escaped: {e}"
                );
            }
        }
        let e = connector_path(".", "/offsets").unwrap_err();
        assert!(e.message.contains("relative path segment"), "{e}");
    }

    #[test]
    fn query_is_encoded_in_the_target() {
        let r = Request::get("/connectors").query("expand", "a b");
        assert_eq!(r.to_string(), "GET /connectors?expand=a%20b");
    }

    #[test]
    fn expectations_follow_the_endpoint_and_can_be_overridden() {
        let e = |m, p: &str| Request::new(m, p).expectation();
        assert_eq!(e(Method::Get, "/connectors"), Expect::OK_JSON);
        assert_eq!(e(Method::Post, "/connectors").statuses(), "201");
        assert_eq!(
            e(Method::Put, "/connectors/a/config").statuses(),
            "200 or 201"
        );
        assert_eq!(
            e(Method::Put, "/connector-plugins/X/config/validate"),
            Expect::OK_JSON
        );
        assert_eq!(
            e(Method::Put, "/connectors/a/pause").body_for(202),
            Some(Body::Empty)
        );
        assert_eq!(e(Method::Put, "/connectors/a/stop").body_for(202), None);
        assert_eq!(e(Method::Delete, "/connectors/a").statuses(), "204");
        assert_eq!(e(Method::Delete, "/connectors/a/offsets"), Expect::OK_JSON);
        assert_eq!(
            e(Method::Post, "/connectors/a/tasks/0/restart").body_for(204),
            Some(Body::Empty)
        );
        let custom = Expect(&[(200, Body::Empty)]);
        assert_eq!(Request::get("/x").expect(custom).expectation(), custom);
    }
}
