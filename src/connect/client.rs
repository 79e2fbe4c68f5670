//! The HTTP side: one reqwest blocking client (rustls) with auth, TLS, per-request timeout,
//! failover across `--url a,b` on connection failure, and retries of Connect's transient 409s.
//! It sends `request::Request`s and returns raw responses; it never interprets what a call means.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use super::config::Settings;
use super::error::ApiError;
use super::request::{Method, Request};
use crate::error::Error;

/// How an answer came back: status and raw body (empty for 202/204).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    /// Decodes the body. An empty body decodes as JSON `null` (so `Option<T>` works).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let text = if self.body.trim().is_empty() {
            "null"
        } else {
            &self.body
        };
        serde_json::from_str(text).map_err(|e| {
            ApiError::Other(format!(
                "unexpected answer from Kafka Connect ({e}): {}",
                self.body.chars().take(200).collect::<String>()
            ))
        })
    }
}

/// A connection to one Connect cluster (one or more worker URLs).
#[derive(Debug)]
pub struct Client {
    http: Http,
    urls: Vec<String>,
    /// Index into `urls` of the worker that answered last.
    current: AtomicUsize,
    basic: Option<(String, String)>,
    token: Option<String>,
    timeout_ms: AtomicU64,
    retry_timeout_ms: AtomicU64,
}

/// Connect answers 409 while a rebalance or a concurrent config change is under way
/// ("Cannot complete request ...", rest/HerderRequestHandler.java); they clear by themselves.
/// The only final 409 is "Connector X already exists". Seen on 4.3: a 500 "Request cannot be
/// completed because a rebalance is expected" right after connectors are created, raised before
/// the request does anything, so retrying it is safe too.
fn is_transient_conflict(e: &ApiError) -> bool {
    match e {
        ApiError::Status {
            status: 409,
            message,
        } => !message.contains("already exists"),
        ApiError::Status {
            status: 500,
            message,
        } => message.contains("because a rebalance is expected"),
        _ => false,
    }
}

impl Client {
    /// Builds the HTTP client. Fails only on bad local settings (unreadable certificate files,
    /// invalid header names), never because the cluster is down.
    pub fn new(settings: &Settings) -> Result<Client, Error> {
        install_crypto_provider();
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &settings.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::usage(format!("invalid header name \"{name}\"")))?;
            let v = HeaderValue::from_str(value)
                .map_err(|_| Error::usage(format!("invalid value for header \"{name}\"")))?;
            headers.append(n, v);
        }
        let mut builder = Http::builder()
            .user_agent(concat!("kcsh/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .timeout(settings.timeout)
            .connect_timeout(Duration::from_secs(10))
            .tls_backend_rustls();
        if let Some(ca) = &settings.ca_cert {
            let pem = read_file(ca, "CA certificate")?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::usage(format!("invalid CA certificate {}: {e}", ca.display()))
            })?;
            if certs.is_empty() {
                return Err(Error::usage(format!(
                    "no PEM certificate in {}",
                    ca.display()
                )));
            }
            builder = builder.tls_certs_merge(certs);
        }
        match (&settings.client_cert, &settings.client_key) {
            (Some(cert), Some(key)) => {
                let mut pem = read_file(key, "client key")?;
                pem.push(b'\n');
                pem.extend(read_file(cert, "client certificate")?);
                let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                    Error::usage(format!(
                        "invalid client certificate/key ({}, {}): {e}",
                        cert.display(),
                        key.display()
                    ))
                })?;
                builder = builder.identity(identity);
            }
            (None, None) => {}
            _ => {
                return Err(Error::usage("--client-cert and --client-key go together"));
            }
        }
        if settings.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let http = builder
            .build()
            .map_err(|e| Error::usage(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            http,
            urls: settings.urls.clone(),
            current: AtomicUsize::new(0),
            basic: settings.basic.clone(),
            token: settings.token.clone(),
            timeout_ms: AtomicU64::new(settings.timeout.as_millis() as u64),
            retry_timeout_ms: AtomicU64::new(settings.retry_timeout.as_millis() as u64),
        })
    }

    /// The worker URL in use (the one that answered last).
    pub fn url(&self) -> &str {
        &self.urls[self.current.load(Ordering::Relaxed) % self.urls.len()]
    }

    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.load(Ordering::Relaxed))
    }

    pub fn set_timeout(&self, d: Duration) {
        self.timeout_ms
            .store(d.as_millis().max(1) as u64, Ordering::Relaxed);
    }

    pub fn retry_timeout(&self) -> Duration {
        Duration::from_millis(self.retry_timeout_ms.load(Ordering::Relaxed))
    }

    pub fn set_retry_timeout(&self, d: Duration) {
        self.retry_timeout_ms
            .store(d.as_millis() as u64, Ordering::Relaxed);
    }

    /// Sends a request; an error status becomes `ApiError::Status` with Connect's message.
    /// Transient 409s are retried with backoff (250 ms doubling to 4 s) until the retry timeout.
    pub fn send(&self, req: &Request) -> Result<Response, ApiError> {
        let deadline = Instant::now() + self.retry_timeout();
        let mut delay = Duration::from_millis(250);
        loop {
            match self.send_once(req) {
                Err(e) if is_transient_conflict(&e) && Instant::now() + delay < deadline => {
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(4));
                }
                other => return other,
            }
        }
    }

    /// `send`, then decode the body.
    pub fn send_json<T: DeserializeOwned>(&self, req: &Request) -> Result<T, ApiError> {
        self.send(req)?.json()
    }

    /// One attempt, trying each worker URL in turn while connections fail.
    fn send_once(&self, req: &Request) -> Result<Response, ApiError> {
        let n = self.urls.len();
        let start = self.current.load(Ordering::Relaxed);
        let mut failures = Vec::new();
        for i in 0..n {
            let idx = (start + i) % n;
            let base = &self.urls[idx];
            match self.build(base, req).send() {
                Ok(resp) => {
                    self.current.store(idx, Ordering::Relaxed);
                    let status = resp.status();
                    let body = resp.text().map_err(|e| {
                        ApiError::Other(format!("error reading the answer of {base}: {e}"))
                    })?;
                    if status.is_success() {
                        return Ok(Response {
                            status: status.as_u16(),
                            body,
                        });
                    }
                    return Err(ApiError::from_response(
                        status.as_u16(),
                        status.canonical_reason().unwrap_or(""),
                        &body,
                    ));
                }
                Err(e) if e.is_connect() || is_tls_failure(&root_cause(&e)) => {
                    failures.push((base.clone(), root_cause(&e)))
                }
                Err(e) if e.is_timeout() => {
                    return Err(ApiError::Other(format!(
                        "{} {} timed out after {} s (the request may still complete; \
                         set a longer --timeout)",
                        req.method,
                        req.path,
                        self.timeout().as_secs()
                    )));
                }
                Err(e) => return Err(ApiError::Other(format!("{base}: {}", root_cause(&e)))),
            }
        }
        Err(unreachable(&failures))
    }

    fn build(&self, base: &str, req: &Request) -> RequestBuilder {
        let url = format!("{base}{}", req.target());
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut b = self.http.request(method, url).timeout(self.timeout());
        if let Some(body) = &req.body {
            b = b
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        if let Some((user, password)) = &self.basic {
            b = b.basic_auth(user, Some(password));
        }
        if let Some(token) = &self.token {
            b = b.bearer_auth(token);
        }
        b
    }
}

/// reqwest is built without a crypto provider of its own (see Cargo.toml), and panics when it
/// builds a client without one: every reqwest client (this one, the embedded cluster's health
/// check, the tests' own) calls this first. Installs rustls's `ring` provider as the process
/// default once; an error only means one is already installed.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path)
        .map_err(|e| Error::usage(format!("cannot read {what} {}: {e}", path.display())))
}

/// The innermost cause of an error, which is where "Connection refused" or the TLS reason is.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// TLS trouble: an unknown CA, a rejected or missing client certificate (with TLS 1.3 the
/// server's alert arrives only after the handshake, when the answer is read).
fn is_tls_failure(cause: &str) -> bool {
    let w = cause.to_lowercase();
    w.contains("certificate") || w.contains("tls") || w.contains("handshake") || w.contains("alert")
}

fn unreachable(failures: &[(String, String)]) -> ApiError {
    let mut text = String::new();
    for (url, why) in failures {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&format!("cannot reach Kafka Connect at {url}: {why}"));
    }
    let tls = failures.iter().any(|(_, why)| is_tls_failure(why));
    if tls {
        text.push_str(
            "\nhint: trust the server's CA with --ca-cert FILE, present a client certificate with \
             --client-cert/--client-key, or skip verification with --insecure",
        );
    } else {
        text.push_str(
            "\nhint: point kcsh at a worker with --url URL (or KCSH_URL, or --context NAME), \
             or start a local one with `kcsh --embedded`",
        );
    }
    ApiError::Unreachable(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A one-shot HTTP server on loopback answering each connection with the next canned reply.
    fn serve(replies: Vec<&'static str>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for reply in replies {
                let (mut s, _) = listener.accept().unwrap();
                let mut buf = [0u8; 8192];
                let n = s.read(&mut buf).unwrap();
                seen.push(String::from_utf8_lossy(&buf[..n]).to_string());
                s.write_all(reply.as_bytes()).unwrap();
            }
            seen
        });
        (url, handle)
    }

    fn reply(status: &str, body: &str) -> &'static str {
        Box::leak(
            format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_boxed_str(),
        )
    }

    fn settings(urls: Vec<String>) -> Settings {
        Settings {
            urls,
            retry_timeout: Duration::from_secs(5),
            ..Default::default()
        }
    }

    fn free_port_url() -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    }

    #[test]
    fn refused_connection_is_unreachable_with_a_hint() {
        let url = free_port_url();
        let c = Client::new(&settings(vec![url.clone()])).unwrap();
        let e = c.send(&Request::get("/")).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, ApiError::Unreachable(_)));
        assert!(text.contains(&url), "{text}");
        assert!(text.contains("kcsh --embedded"), "{text}");
    }

    #[test]
    fn fails_over_to_the_next_url() {
        let (good, h) = serve(vec![reply("200 OK", r#"{"version":"4.1.0"}"#)]);
        let c = Client::new(&settings(vec![free_port_url(), good.clone()])).unwrap();
        let r = c.send(&Request::get("/")).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(c.url(), good);
        h.join().unwrap();
    }

    #[test]
    fn rebalance_conflicts_are_retried_but_already_exists_is_not() {
        let (url, h) = serve(vec![
            reply(
                "409 Conflict",
                r#"{"error_code":409,"message":"Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."}"#,
            ),
            reply("201 Created", r#"{"name":"a","config":{},"tasks":[]}"#),
            reply(
                "409 Conflict",
                r#"{"error_code":409,"message":"Connector a already exists"}"#,
            ),
        ]);
        let c = Client::new(&settings(vec![url])).unwrap();
        let req = Request::post("/connectors", serde_json::json!({"name": "a"}));
        assert_eq!(c.send(&req).unwrap().status, 201);
        let e = c.send(&req).unwrap_err();
        assert_eq!(e.to_string(), "Connector a already exists");
        let seen = h.join().unwrap();
        assert_eq!(seen.len(), 3);
        assert!(seen[0].contains("content-type: application/json"));
    }

    #[test]
    fn auth_and_headers_are_sent() {
        let (url, h) = serve(vec![reply("200 OK", "{}")]);
        let mut s = settings(vec![url]);
        s.basic = Some(("admin".into(), "pw".into()));
        s.headers = vec![("X-Team".into(), "data".into())];
        let c = Client::new(&s).unwrap();
        c.send(&Request::get("/")).unwrap();
        let seen = h.join().unwrap();
        assert!(
            seen[0].contains("authorization: Basic YWRtaW46cHc="),
            "{}",
            seen[0]
        );
        assert!(seen[0].contains("x-team: data"), "{}", seen[0]);
    }

    #[test]
    fn bearer_token_is_sent() {
        let (url, h) = serve(vec![reply("200 OK", "{}")]);
        let mut s = settings(vec![url]);
        s.token = Some("t0k".into());
        Client::new(&s).unwrap().send(&Request::get("/")).unwrap();
        let seen = h.join().unwrap();
        assert!(seen[0].contains("authorization: Bearer t0k"), "{}", seen[0]);
    }

    #[test]
    fn bad_header_name_is_a_usage_error() {
        let mut s = settings(vec!["http://x".into()]);
        s.headers = vec![("bad name".into(), "v".into())];
        assert!(matches!(Client::new(&s), Err(e) if e.is(crate::error::ErrorKind::Usage)));
    }
}
