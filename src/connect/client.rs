//! The HTTP side: one reqwest blocking client (rustls) with auth, TLS, failover across
//! `--url a,b` on connection failure, and retries of Connect's transient 409s. It sends
//! `request::Request`s and returns the raw answer only when it is the success Connect gives
//! for that request; it never interprets what a call means.
//!
//! Guarantees (each has a test below or in tests/it/faults.rs):
//! - **Bounded waits.** A connection attempt gives up after min(10 s, timeout / 2); a request,
//!   its answer's headers *and* body, after the timeout (an overall deadline, so a slow or
//!   endless body ends as "timed out"). Retries of 409s stop at the retry timeout. So one
//!   `send` lasts at most about retry timeout + timeout x number of URLs.
//! - **Redirects are never followed** ([`ApiError::Redirect`] names the `Location`).
//! - **Success is the expected status and body** ([`crate::connect::request::Expect`]): a 2xx
//!   HTML page, a non-JSON or empty body where Connect sends JSON, an unlisted 2xx are errors.
//! - **Bodies are capped** (`Settings::max_body`), read incrementally, stopped at the cap.
//! - **A write whose answer is lost is [`ApiError::MaybeApplied`]**: connection dropped after
//!   sending, body cut, timeout, a gateway timeout or Connect's own "Request timed out". It is
//!   never retried and never failed over. Reads that fail to connect fail over to the next URL.
//! - **No userinfo in errors**: URLs are masked before they enter an `ApiError`.
//!
//! Limit: the connect timeout is fixed when the client is built; after a lower `set_timeout`,
//! a connection attempt that hangs ends at the request timeout and, for a write, is reported as
//! "may have been applied" (cautious, never falsely "failed").

use std::io::Read;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION};
use serde::de::DeserializeOwned;

use super::config::Settings;
use super::error::{ApiError, Unreached, excerpt, mask_userinfo, seconds};
use super::request::{Body, Method, Request};
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
                excerpt(&self.body)
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
    max_body: usize,
}

/// Connect answers 409 while a rebalance or a concurrent config change is under way
/// ("Cannot complete request ...", rest/HerderRequestHandler.java); they clear by themselves.
/// The only final 409 is "Connector X already exists". Seen on 4.3: a 500 "Request cannot be
/// completed because a rebalance is expected" right after connectors are created, raised before
/// the request does anything, so retrying it is safe too.
pub fn is_transient_conflict(e: &ApiError) -> bool {
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

/// Another handle on the same connection settings and HTTP stack (reqwest's client is a shared
/// handle: one connection pool, one runtime thread; a request that hangs on one handle never
/// blocks another's). Settings that change later (timeouts, the worker that answered) are copied
/// now, not shared. Cheap: no certificate files read, no TLS set up again.
impl Clone for Client {
    fn clone(&self) -> Client {
        Client {
            http: self.http.clone(),
            urls: self.urls.clone(),
            current: AtomicUsize::new(self.current.load(Ordering::Relaxed)),
            basic: self.basic.clone(),
            token: self.token.clone(),
            timeout_ms: AtomicU64::new(self.timeout_ms.load(Ordering::Relaxed)),
            retry_timeout_ms: AtomicU64::new(self.retry_timeout_ms.load(Ordering::Relaxed)),
            max_body: self.max_body,
        }
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
        let connect_timeout =
            (settings.timeout / 2).clamp(Duration::from_millis(100), Duration::from_secs(10));
        let mut builder = Http::builder()
            .user_agent(concat!("kcsh/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .timeout(settings.timeout)
            .connect_timeout(connect_timeout)
            // A 301/302/303 turns a POST into a GET whose 200 looks like success; a 307/308
            // re-sends the body (secrets) and headers to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
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
                return Err(Error::usage(
                    "a client certificate needs its key, and a key its certificate",
                )
                .with_hint("give both --client-cert and --client-key (or client_cert and client_key in the context)"));
            }
        }
        if settings.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        if !settings.urls.iter().any(|u| needs_tls(u)) {
            // Loading the platform's trust roots (hundreds of files under /etc/ssl/certs) is a
            // sixth of a one-statement run; a client whose every URL is plain http never opens a
            // TLS connection (fixed URLs, no redirects), so it gets an empty root store: were it
            // ever asked to, it would refuse every certificate (fails closed).
            builder = builder.tls_backend_preconfigured(no_trust_tls()?);
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
            max_body: settings.max_body,
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
        let timeout = self.timeout();
        for i in 0..n {
            let idx = (start + i) % n;
            let base = &self.urls[idx];
            let deadline = Instant::now() + timeout;
            match self.build(base, req).send() {
                Ok(resp) => {
                    self.current.store(idx, Ordering::Relaxed);
                    return self.answer(base, req, resp, deadline, timeout);
                }
                Err(e) => {
                    let cause = root_cause(&e);
                    let tls = is_tls_failure(&cause);
                    // Not connected (or the TLS handshake refused us): nothing was sent.
                    if e.is_connect() || tls {
                        failures.push(Unreached {
                            url: mask_userinfo(base),
                            cause,
                            tls,
                        });
                        continue;
                    }
                    return Err(lost(req, base, e.is_timeout(), cause, timeout));
                }
            }
        }
        Err(ApiError::Unreachable { failures })
    }

    /// Judges an answer that arrived: redirect, error status, or success with its body.
    fn answer(
        &self,
        base: &str,
        req: &Request,
        resp: reqwest::blocking::Response,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<Response, ApiError> {
        let status = resp.status();
        let head = Head {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or(""),
            content_type: header(&resp, CONTENT_TYPE),
        };
        if status.is_redirection() {
            return Err(redirect(base, req, head.status, header(&resp, LOCATION)));
        }
        let body = read_body(resp, self.max_body, deadline);
        judge(req, &head, body, timeout, self.max_body)
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
/// Whether a worker URL may need TLS: anything but a plain `http://` URL (so an unexpected
/// scheme keeps the trust roots rather than losing them).
fn needs_tls(url: &str) -> bool {
    !url.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}

/// A rustls configuration that trusts nothing, for clients that only speak plain http.
fn no_trust_tls() -> Result<rustls::ClientConfig, Error> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::usage(format!("cannot set up the HTTP client: {e}")))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Ok(config)
}

fn is_tls_failure(cause: &str) -> bool {
    let w = cause.to_lowercase();
    w.contains("certificate") || w.contains("tls") || w.contains("handshake") || w.contains("alert")
}

fn header(resp: &reqwest::blocking::Response, name: HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `GET /connectors?expand=status`: how errors name a request.
fn describe(req: &Request) -> String {
    format!("{} {}", req.method, req.target())
}

/// A request whose answer did not come: a write may have been applied; a read timed out or
/// was cut.
fn lost(req: &Request, base: &str, timed_out: bool, cause: String, timeout: Duration) -> ApiError {
    let request = describe(req);
    match (req.changes_state(), timed_out) {
        (true, true) => ApiError::MaybeApplied {
            request,
            cause: format!("no answer within {}", seconds(timeout)),
        },
        (true, false) => ApiError::MaybeApplied { request, cause },
        (false, true) => ApiError::TimedOut {
            request,
            after: timeout,
        },
        (false, false) => ApiError::Other(format!("{}: {cause}", mask_userinfo(base))),
    }
}

/// A 3xx, with the worker URL the `Location` suggests when it points at the same request
/// elsewhere (`http://h/connectors` -> `https://h/connectors` suggests `https://h`).
fn redirect(base: &str, req: &Request, status: u16, location: Option<String>) -> ApiError {
    let target = req.target();
    let url = format!("{base}{target}");
    let absolute = location.as_deref().and_then(|l| {
        reqwest::Url::parse(&url)
            .ok()?
            .join(l)
            .ok()
            .map(|u| u.to_string())
    });
    let suggested_url = absolute.as_deref().and_then(|abs| {
        let abs = abs.trim_end_matches('/');
        let target = target.trim_end_matches('/');
        abs.strip_suffix(target)
            .filter(|b| b.contains("://"))
            .map(|b| mask_userinfo(b.trim_end_matches('/')))
    });
    ApiError::Redirect {
        status,
        request: format!("{} {}", req.method, mask_userinfo(&url)),
        location: absolute.or(location).map(|l| mask_userinfo(&l)),
        suggested_url,
    }
}

/// Why a body could not be read whole.
#[derive(Debug, Clone, PartialEq)]
enum BodyError {
    TooLarge,
    TimedOut,
    Cut(String),
}

/// Reads a body incrementally until its end, the cap or the deadline.
fn read_body(
    mut resp: reqwest::blocking::Response,
    limit: usize,
    deadline: Instant,
) -> Result<String, BodyError> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let capacity = resp.content_length().unwrap_or(8192).min(limit as u64) as usize;
    read_limited(&mut resp, capacity, limit, deadline)
}

fn read_limited(
    r: &mut dyn Read,
    capacity: usize,
    limit: usize,
    deadline: Instant,
) -> Result<String, BodyError> {
    let mut body = Vec::with_capacity(capacity);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        if Instant::now() >= deadline {
            return Err(BodyError::TimedOut);
        }
        match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                if body.len() + n > limit {
                    return Err(BodyError::TooLarge);
                }
                body.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout_io(&e) || Instant::now() >= deadline => {
                return Err(BodyError::TimedOut);
            }
            Err(e) => return Err(BodyError::Cut(root_cause(&e))),
        }
    }
    Ok(match String::from_utf8(body) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// A read error that is a timeout: the I/O kind, or reqwest's timeout inside it.
fn is_timeout_io(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|inner| inner as _);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<reqwest::Error>()
            && r.is_timeout()
        {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The status line and the headers that decide how a body is judged.
struct Head {
    status: u16,
    reason: &'static str,
    content_type: Option<String>,
}

/// `application/json`, `application/problem+json; charset=utf-8`.
fn is_json_type(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || mime.ends_with("+json")
}

/// Whether an error status to a write means its outcome is unknown: a gateway that gave up
/// (502, 504) or Connect's own herder timeout, after which "a timed-out write may still
/// complete later" (rest/HerderRequestHandler.java).
fn outcome_unknown(status: u16, message: &str) -> bool {
    matches!(status, 502 | 504)
        || (status == 500
            && (message.starts_with("Request timed out")
                || message.starts_with("Request interrupted")))
}

/// Decides what an answer means: only the expected status with the expected body is a
/// success. Pure, so every rule is tested without a network.
fn judge(
    req: &Request,
    head: &Head,
    body: Result<String, BodyError>,
    timeout: Duration,
    limit: usize,
) -> Result<Response, ApiError> {
    let request = describe(req);
    let write = req.changes_state();
    let (code, reason) = (head.status, head.reason);
    let body = match body {
        Ok(body) => body,
        Err(why) => {
            let what = match &why {
                BodyError::TooLarge => format!("larger than {} MiB", limit / (1024 * 1024)),
                BodyError::TimedOut => format!("not complete within {}", seconds(timeout)),
                BodyError::Cut(cause) => format!("cut ({cause})"),
            };
            return Err(if code >= 400 {
                ApiError::Status {
                    status: code,
                    message: format!("HTTP {code} {reason} (the answer was {what})"),
                }
            } else if write {
                ApiError::MaybeApplied {
                    request,
                    cause: format!(
                        "Kafka Connect answered {code} {reason}, but the answer was {what}"
                    ),
                }
            } else {
                match why {
                    BodyError::TooLarge => ApiError::TooLarge { request, limit },
                    BodyError::TimedOut => ApiError::TimedOut {
                        request,
                        after: timeout,
                    },
                    BodyError::Cut(_) => {
                        ApiError::Other(format!("the answer to {request} was {what}"))
                    }
                }
            });
        }
    };
    if code >= 400 {
        let e = ApiError::from_response(code, reason, &body);
        return match e {
            ApiError::Status { message, .. } if write && outcome_unknown(code, &message) => {
                Err(ApiError::MaybeApplied {
                    request,
                    cause: message,
                })
            }
            e => Err(e),
        };
    }
    let empty = body.trim().is_empty();
    let page = head
        .content_type
        .as_deref()
        .is_some_and(|t| !is_json_type(t))
        || body.trim_start().starts_with('<');
    if !(200..300).contains(&code) || (!empty && page) {
        let kind = head.content_type.as_deref().unwrap_or("no content type");
        let shown = excerpt(&body);
        return Err(ApiError::Unexpected {
            request,
            message: format!(
                "the answer is not Kafka Connect's: HTTP {code} {reason} with {kind}{}",
                if shown.is_empty() {
                    String::new()
                } else {
                    format!(" (\"{shown}\")")
                }
            ),
        });
    }
    let expect = req.expectation();
    let problem = if !empty && serde_json::from_str::<serde::de::IgnoredAny>(&body).is_err() {
        Some(format!(
            "HTTP {code} {reason} with a body that is not valid JSON"
        ))
    } else {
        match expect.body_for(code) {
            None => Some(format!(
                "HTTP {code} {reason}, where Kafka Connect answers {}",
                expect.statuses()
            )),
            Some(Body::Json) if empty => Some(format!(
                "HTTP {code} {reason} with no body, where Kafka Connect sends JSON"
            )),
            Some(_) => None,
        }
    };
    match problem {
        None => Ok(Response { status: code, body }),
        // Connect (or something speaking JSON) accepted the write in a way we cannot read.
        Some(cause) if write => Err(ApiError::MaybeApplied { request, cause }),
        Some(problem) => Err(ApiError::Unexpected {
            request,
            message: format!("unexpected answer: {problem}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};

    /// Reads one request (head and `Content-Length` body) and returns its text.
    fn read_request(s: &TcpStream) -> String {
        let mut reader = BufReader::new(s.try_clone().unwrap());
        let mut text = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            text.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        text.push_str(&String::from_utf8_lossy(&body));
        text
    }

    /// A loopback server handling `n` connections with `handle`, returning the requests seen.
    fn serve_with(
        n: usize,
        handle: impl Fn(TcpStream) + Send + 'static,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for _ in 0..n {
                let (s, _) = listener.accept().unwrap();
                seen.push(read_request(&s));
                handle(s);
            }
            seen
        });
        (url, handle)
    }

    /// A one-shot HTTP server on loopback answering each connection with the next canned reply.
    fn serve(replies: Vec<&'static str>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let replies = std::sync::Mutex::new(replies.into_iter());
        let n = replies.lock().unwrap().len();
        serve_with(n, move |mut s| {
            let reply = replies.lock().unwrap().next().unwrap();
            let _ = s.write_all(reply.as_bytes());
        })
    }

    fn raw(status: &str, headers: &str, body: &str) -> &'static str {
        Box::leak(
            format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_boxed_str(),
        )
    }

    fn reply(status: &str, body: &str) -> &'static str {
        raw(status, "Content-Type: application/json\r\n", body)
    }

    fn settings(urls: Vec<String>) -> Settings {
        Settings {
            urls,
            retry_timeout: Duration::from_secs(5),
            ..Default::default()
        }
    }

    fn client(url: &str, timeout: Duration) -> Client {
        let mut s = settings(vec![url.to_string()]);
        s.timeout = timeout;
        Client::new(&s).unwrap()
    }

    fn free_port_url() -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    }

    fn pause() -> Request {
        Request::put("/connectors/a/pause")
    }

    fn create() -> Request {
        Request::post(
            "/connectors",
            serde_json::json!({"name": "a", "config": {}}),
        )
    }

    #[test]
    fn refused_connection_is_unreachable_with_the_url_and_no_advice() {
        let url = free_port_url();
        let c = Client::new(&settings(vec![url.clone()])).unwrap();
        let e = c.send(&Request::get("/")).unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(&e, ApiError::Unreachable { failures } if failures[0].url == url && !failures[0].tls),
            "{e:?}"
        );
        assert!(text.contains(&url), "{text}");
        assert!(!text.contains("--url"), "advice is the CLI's: {text}");
        // The advice is added where the error meets the user (crate::hints).
        let user = Error::from(e);
        assert!(user.to_string().contains("kcsh --embedded"), "{user}");
        assert!(user.is(crate::error::ErrorKind::Unreachable));
    }

    #[test]
    fn userinfo_never_reaches_an_error() {
        let url = free_port_url().replace("http://", "http://admin:s3cret@");
        let c = Client::new(&settings(vec![url])).unwrap();
        let e = c.send(&Request::get("/")).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("s3cret"), "{e:?}");
        assert!(
            e.to_string().contains("http://admin:[hidden]@127.0.0.1:"),
            "{e}"
        );
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

    #[test]
    fn redirects_are_never_followed_for_any_method() {
        // Where the redirects point: it must never see a connection.
        let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
        elsewhere.set_nonblocking(true).unwrap();
        let other = format!("http://{}", elsewhere.local_addr().unwrap());
        let statuses = [
            "301 Moved Permanently",
            "302 Found",
            "303 See Other",
            "307 Temporary Redirect",
            "308 Permanent Redirect",
        ];
        let requests = [
            Request::get("/connectors"),
            create(),
            Request::put("/connectors/a/config").body(serde_json::json!({"k": "secret"})),
            Request::new(Method::Patch, "/connectors/a/config").body(serde_json::json!({})),
            Request::new(Method::Delete, "/connectors/a"),
        ];
        let mut replies = Vec::new();
        for st in statuses {
            for req in &requests {
                let loc = format!("Location: {other}{}\r\n", req.target());
                replies.push(raw(st, &loc, ""));
            }
        }
        let (url, h) = serve(replies);
        let mut s = settings(vec![url.clone()]);
        s.token = Some("t0k".into());
        let c = Client::new(&s).unwrap();
        for st in statuses {
            for req in &requests {
                let e = c.send(req).unwrap_err();
                let ApiError::Redirect {
                    status,
                    location,
                    suggested_url,
                    ..
                } = &e
                else {
                    panic!("{st} to {req}: {e:?}");
                };
                assert!(st.starts_with(&status.to_string()));
                assert_eq!(
                    location.as_deref(),
                    Some(format!("{other}{}", req.target()).as_str())
                );
                assert_eq!(suggested_url.as_deref(), Some(other.as_str()));
                assert!(e.to_string().contains(&other), "{e}");
                let user = Error::from(e);
                assert!(
                    user.to_string()
                        .contains(&format!("point --url at {other}")),
                    "{user}"
                );
            }
        }
        assert_eq!(h.join().unwrap().len(), 25);
        assert!(elsewhere.accept().is_err(), "a redirect was followed");
    }

    #[test]
    fn a_relative_or_login_redirect_names_its_target() {
        let (url, h) = serve(vec![
            raw("302 Found", "Location: /sso/login?next=%2F\r\n", ""),
            raw("301 Moved Permanently", "", ""),
        ]);
        let c = client(&url, Duration::from_secs(5));
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(
            matches!(&e, ApiError::Redirect { location: Some(l), suggested_url: None, .. } if *l == format!("{url}/sso/login?next=%2F")),
            "{e:?}"
        );
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(e.to_string().contains("without a Location"), "{e}");
        h.join().unwrap();
    }

    #[test]
    fn a_2xx_html_page_is_not_a_success() {
        let page = "<html><head><title>Sign in - Corp SSO</title></head><body>form</body></html>";
        let (url, h) = serve(vec![
            raw("200 OK", "Content-Type: text/html\r\n", page),
            raw("200 OK", "Content-Type: text/html; charset=utf-8\r\n", page),
            raw("200 OK", "", page),
        ]);
        let c = client(&url, Duration::from_secs(5));
        for req in [
            Request::get("/connectors"),
            Request::new(Method::Delete, "/connectors/a"),
            create(),
        ] {
            let e = c.send(&req).unwrap_err();
            assert!(matches!(e, ApiError::Unexpected { .. }), "{req}: {e:?}");
            let text = e.to_string();
            assert!(text.contains("Sign in - Corp SSO"), "{text}");
            assert!(!text.contains("<html>"), "{text}");
        }
        h.join().unwrap();
    }

    #[test]
    fn success_is_the_expected_status_and_body() {
        let (url, h) = serve(vec![
            reply("204 No Content", ""),
            raw("202 Accepted", "", ""),
            reply("200 OK", r#"{"name":"a"}"#),
            reply("204 No Content", ""),
            reply("200 OK", ""),
            reply("200 OK", r#"{"a": ["#),
            reply("200 OK", r#"{"a": ["#),
        ]);
        let c = client(&url, Duration::from_secs(5));
        assert_eq!(
            c.send(&Request::new(Method::Delete, "/connectors/a"))
                .unwrap()
                .status,
            204
        );
        assert_eq!(c.send(&pause()).unwrap().status, 202);
        // A write answered with a status Connect does not give: it may have gone through.
        let e = c.send(&create()).unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        assert!(
            e.to_string().contains("where Kafka Connect answers 201"),
            "{e}"
        );
        // A read: plainly unexpected.
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(matches!(e, ApiError::Unexpected { .. }), "{e:?}");
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(e.to_string().contains("no body"), "{e}");
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let e = c
            .send(&Request::new(Method::Patch, "/connectors/a/config"))
            .unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        h.join().unwrap();
    }

    /// Reads the request, then resets the connection (SO_LINGER 0 would be a RST; a plain
    /// close before any answer is what a crashing worker or proxy does).
    fn drop_connection(s: TcpStream) {
        let _ = s.shutdown(std::net::Shutdown::Both);
    }

    #[test]
    fn a_write_whose_connection_drops_after_sending_may_have_been_applied() {
        let (url, h) = serve_with(3, drop_connection);
        let c = client(&url, Duration::from_secs(5));
        let e = c.send(&create()).unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        let user = Error::from(e);
        assert!(user.is(crate::error::ErrorKind::MaybeApplied));
        assert!(
            user.message.starts_with("POST /connectors was sent"),
            "{user}"
        );
        assert!(user.message.contains("may have been applied"), "{user}");
        let e = c.send(&pause()).unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        // A read is a plain failure.
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(matches!(e, ApiError::Other(_)), "{e:?}");
        // Each was sent once: a lost write is never retried.
        assert_eq!(h.join().unwrap().len(), 3);
    }

    #[test]
    fn a_cut_body_is_not_a_success() {
        let cut = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{\"name\":";
        let (url, h) = serve(vec![cut, cut]);
        let c = client(&url, Duration::from_secs(5));
        let e = c.send(&create()).unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        assert!(
            e.to_string()
                .contains("answered 201 Created, but the answer was cut"),
            "{e}"
        );
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(e.to_string().contains("was cut"), "{e}");
        h.join().unwrap();
    }

    #[test]
    fn connects_own_timeout_on_a_write_may_have_been_applied() {
        let timed_out = reply(
            "500 Internal Server Error",
            r#"{"error_code":500,"message":"Request timed out"}"#,
        );
        let (url, h) = serve(vec![
            timed_out,
            timed_out,
            reply("504 Gateway Time-out", ""),
        ]);
        let c = client(&url, Duration::from_secs(5));
        let e = c.send(&create()).unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        assert!(e.to_string().contains("Request timed out"), "{e}");
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert_eq!(e.status(), Some(500));
        assert!(c.send(&pause()).unwrap_err().maybe_applied());
        h.join().unwrap();
    }

    /// Sends the head, then one body byte every 50 ms for `for_ms`.
    fn drip(for_ms: u64) -> impl Fn(TcpStream) + Send + 'static {
        move |mut s| {
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
            );
            let start = Instant::now();
            while start.elapsed() < Duration::from_millis(for_ms) {
                if s.write_all(b" ").and_then(|_| s.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    #[test]
    fn a_slow_body_ends_as_timed_out_at_the_deadline() {
        let (url, h) = serve_with(2, drip(4000));
        let c = client(&url, Duration::from_secs(1));
        let started = Instant::now();
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_millis(2500),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(e, ApiError::TimedOut { .. }), "{e:?}");
        assert_eq!(e.to_string(), "GET /connectors timed out after 1 s");
        assert!(Error::from(e).to_string().contains("--timeout"));
        let e = c
            .send(&Request::new(Method::Patch, "/connectors/a/offsets"))
            .unwrap_err();
        assert!(e.maybe_applied(), "{e:?}");
        assert!(e.to_string().contains("not complete within 1 s"), "{e}");
        h.join().unwrap();
    }

    #[test]
    fn no_answer_at_all_ends_at_the_timeout() {
        let (url, h) = serve_with(2, |s| {
            std::thread::sleep(Duration::from_millis(2500));
            drop(s);
        });
        let c = client(&url, Duration::from_secs(1));
        let started = Instant::now();
        let e = c.send(&Request::get("/")).unwrap_err();
        assert!(matches!(e, ApiError::TimedOut { .. }), "{e:?}");
        let e = c.send(&create()).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_millis(4000),
            "{:?}",
            started.elapsed()
        );
        assert!(e.maybe_applied(), "{e:?}");
        assert!(e.to_string().contains("no answer within 1 s"), "{e}");
        h.join().unwrap();
    }

    #[test]
    fn bodies_are_capped() {
        let (url, h) = serve_with(2, |mut s| {
            // Announced as too large, or endless without a length.
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
            );
            let chunk = [b' '; 4096];
            while s.write_all(&chunk).is_ok() {}
        });
        let mut st = settings(vec![url]);
        st.max_body = 1000;
        let c = Client::new(&st).unwrap();
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(matches!(e, ApiError::TooLarge { limit: 1000, .. }), "{e:?}");
        let e = c.send(&Request::get("/connectors")).unwrap_err();
        assert!(matches!(e, ApiError::TooLarge { .. }), "{e:?}");
        h.join().unwrap();
    }

    #[test]
    fn read_limited_stops_at_the_cap_and_the_deadline() {
        let mut endless = std::io::repeat(b'x');
        let far = Instant::now() + Duration::from_secs(60);
        assert_eq!(
            read_limited(&mut endless, 0, 100_000, far),
            Err(BodyError::TooLarge)
        );
        let past = Instant::now();
        assert_eq!(
            read_limited(&mut endless, 0, 100_000, past),
            Err(BodyError::TimedOut)
        );
        let mut short: &[u8] = b"{\"a\":1}";
        assert_eq!(read_limited(&mut short, 0, 7, far).unwrap(), "{\"a\":1}");
    }

    #[test]
    fn only_plain_http_urls_go_without_trust_roots() {
        assert!(!needs_tls("http://localhost:8083"));
        assert!(!needs_tls("HTTP://worker:8083/"));
        assert!(needs_tls("https://worker:8443"));
        assert!(needs_tls("HTTPS://worker"));
        // Anything unexpected keeps the roots.
        assert!(needs_tls("worker:8083"));
        assert!(needs_tls("http:/x"));
        assert!(needs_tls(""));
        assert!(needs_tls("é"));
        no_trust_tls().unwrap();
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_type("application/json"));
        assert!(is_json_type("Application/JSON; charset=utf-8"));
        assert!(is_json_type("application/problem+json"));
        assert!(!is_json_type("text/html"));
        assert!(!is_json_type("text/plain; charset=utf-8"));
    }
}
