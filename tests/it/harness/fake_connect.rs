//! The one in-process fake Connect, for what a real worker cannot show: an HTTP/1.1 server on
//! a free loopback port that answers each request with, in order, a queued or permanent
//! scripted [`Fault`], a canned answer for its method and path, a forward to a real worker (when
//! started with one, as a fault-injecting proxy), or Connect's JSON 404. It records every
//! request (line and body). Std-only and deliberately simple: one thread per connection,
//! `Connection: close`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the fake does with one request instead of answering it normally.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Any status, content type, headers and body.
    Answer(Answer),
    /// 409 with Connect's rebalance message.
    Rebalance,
    /// 500 with Connect's `Request timed out` message.
    RequestTimedOut,
    /// Read the request, then never answer (until the proxy is dropped).
    Hang,
    /// Read the request, then reset the connection.
    Reset,
    /// 200 with a JSON body cut in the middle.
    MalformedJson,
    /// 200 announcing more bytes than it sends, then close.
    Truncated,
    /// 502 with an HTML error page, as a load balancer would send.
    HtmlError,
    /// 200 with a syntactically valid JSON body of this many bytes.
    HugeBody(usize),
    /// A redirect with this status (`302 Found`) to `Location: {location}{request path}`.
    Redirect(&'static str, String),
    /// 200 with an HTML login page, as an SSO proxy in front of the worker sends.
    LoginPage,
    /// 200 whose JSON body comes one byte every 100 ms, for ever.
    Drip,
    /// Forward the request to the worker (so it is applied), then drop the client's connection
    /// without relaying the answer: a write whose answer is lost.
    ForwardThenDrop,
    /// Run the hook (say, another client changing the cluster), then handle the request as
    /// if no fault were queued: something happening at an exact point of kcsh's sequence.
    Before(Hook),
}

/// A closure a [`Fault::Before`] runs.
#[derive(Clone)]
pub struct Hook(pub Arc<dyn Fn() + Send + Sync>);

impl Hook {
    pub fn new(f: impl Fn() + Send + Sync + 'static) -> Hook {
        Hook(Arc::new(f))
    }
}

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hook")
    }
}

/// A canned HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status line's tail, e.g. `200 OK`.
    pub status: String,
    pub content_type: String,
    /// Extra header lines without the line end, e.g. `Location: http://...`.
    pub headers: Vec<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// `status` (e.g. `200 OK`) with a JSON body.
    pub fn json(status: &str, body: &serde_json::Value) -> Answer {
        Answer {
            status: status.to_string(),
            content_type: "application/json".into(),
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    /// `status` with any body and content type.
    pub fn raw(status: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status: status.to_string(),
            content_type: content_type.to_string(),
            headers: Vec::new(),
            body: body.into(),
        }
    }
}

/// One request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET /connectors?expand=status HTTP/1.1`
    pub line: String,
    pub body: String,
}

#[derive(Default)]
struct State {
    /// Canned answers by method and path (the query ignored), when nothing scripted applies.
    routes: Mutex<Vec<(String, String, Answer)>>,
    /// Queued faults, each for the next request whose request line starts with its prefix.
    faults: Mutex<VecDeque<(String, Fault)>>,
    /// When set, every request gets this fault (the queue is ignored).
    always: Mutex<Option<Fault>>,
    requests: Mutex<Vec<Recorded>>,
    stop: AtomicBool,
    open: AtomicUsize,
}

/// A running fake; stops accepting (and releases hung connections) when dropped.
pub struct FakeConnect {
    addr: SocketAddr,
    state: Arc<State>,
}

impl FakeConnect {
    /// A fault-injecting proxy: a fake on a free loopback port that forwards what nothing
    /// scripted or canned answers to the real worker at `upstream` (`http://host:port`).
    pub fn start(upstream: &str) -> FakeConnect {
        FakeConnect::spawn(Some(
            upstream
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string(),
        ))
    }

    /// A fake with no worker behind it: canned answers ([`FakeConnect::route`]) and faults
    /// only, Connect's JSON 404 for anything else.
    pub fn canned() -> FakeConnect {
        FakeConnect::spawn(None)
    }

    fn spawn(upstream: Option<String>) -> FakeConnect {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        let accept_state = state.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if accept_state.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let state = accept_state.clone();
                let upstream = upstream.clone();
                thread::spawn(move || {
                    state.open.fetch_add(1, Ordering::SeqCst);
                    let _ = serve(conn, upstream.as_deref(), &state);
                    state.open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        FakeConnect { addr, state }
    }

    /// Answer `method` on `path` (the query is ignored) with `answer` from now on.
    pub fn route(&self, method: &str, path: &str, answer: Answer) -> &Self {
        self.state
            .routes
            .lock()
            .unwrap()
            .push((method.to_string(), path.to_string(), answer));
        self
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues faults for the next requests; later requests are forwarded.
    pub fn then(&self, fault: Fault) -> &Self {
        self.then_for("", fault)
    }

    /// Queues a fault for the next request whose request line starts with `prefix`
    /// (`"POST /connectors"`); other requests pass by it.
    pub fn then_for(&self, prefix: &str, fault: Fault) -> &Self {
        self.state
            .faults
            .lock()
            .unwrap()
            .push_back((prefix.to_string(), fault));
        self
    }

    /// Answers every request with `fault`.
    pub fn always(&self, fault: Fault) -> &Self {
        *self.state.always.lock().unwrap() = Some(fault);
        self
    }

    /// Request lines seen so far (`GET /connectors?expand=status HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.recorded().into_iter().map(|r| r.line).collect()
    }

    /// Requests seen so far, with their bodies.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }
}

impl Drop for FakeConnect {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Reads one HTTP/1.1 request: the head and a `Content-Length` body.
fn read_request(
    reader: &mut BufReader<TcpStream>,
) -> std::io::Result<(String, Vec<String>, Vec<u8>)> {
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            headers.push(line);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((request_line.trim_end().to_string(), headers, body))
}

fn respond(
    mut out: &TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

fn serve(conn: TcpStream, upstream: Option<&str>, state: &State) -> std::io::Result<()> {
    if state.stop.load(Ordering::SeqCst) {
        return Ok(());
    }
    let mut reader = BufReader::new(conn.try_clone()?);
    let (request_line, headers, body) = read_request(&mut reader)?;
    state.requests.lock().unwrap().push(Recorded {
        line: request_line.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let fault = match state.always.lock().unwrap().clone() {
        Some(f) => Some(f),
        None => {
            let mut queue = state.faults.lock().unwrap();
            queue
                .iter()
                .position(|(prefix, _)| request_line.starts_with(prefix.as_str()))
                .and_then(|i| queue.remove(i))
                .map(|(_, f)| f)
        }
    };
    if let Some(Fault::Before(hook)) = &fault {
        (hook.0)();
    }
    let fault = fault.filter(|f| !matches!(f, Fault::Before(_)));
    match fault {
        None => match (canned(state, &request_line), upstream) {
            (Some(answer), _) => answer_with(&conn, &answer),
            (None, Some(upstream)) => forward(&conn, upstream, &request_line, &headers, &body),
            (None, None) => respond(
                &conn,
                "404 Not Found",
                "application/json",
                br#"{"error_code":404,"message":"HTTP 404 Not Found"}"#,
            ),
        },
        Some(Fault::Answer(answer)) => answer_with(&conn, &answer),
        Some(Fault::Rebalance) => respond(
            &conn,
            "409 Conflict",
            "application/json",
            br#"{"error_code":409,"message":"Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."}"#,
        ),
        Some(Fault::RequestTimedOut) => respond(
            &conn,
            "500 Internal Server Error",
            "application/json",
            br#"{"error_code":500,"message":"Request timed out"}"#,
        ),
        Some(Fault::Hang) => {
            while !state.stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
        Some(Fault::Reset) => {
            // SO_LINGER 0 makes the close send a TCP RST instead of a FIN (not stable in std).
            socket2::SockRef::from(&conn).set_linger(Some(Duration::ZERO))?;
            drop(reader);
            drop(conn);
            Ok(())
        }
        Some(Fault::MalformedJson) => respond(&conn, "200 OK", "application/json", br#"{"fs-src": {"status": {"name": "#),
        Some(Fault::Truncated) => {
            let mut out = &conn;
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{{\"a\": ["
            )?;
            out.flush()?;
            conn.shutdown(Shutdown::Both)
        }
        Some(Fault::HtmlError) => respond(
            &conn,
            "502 Bad Gateway",
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        ),
        Some(Fault::HugeBody(size)) => {
            let mut out = &conn;
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
            )?;
            // A JSON array of strings padded to exactly `size` bytes: `["xxxx…"]`.
            out.write_all(b"[\"")?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = size.saturating_sub(4);
            while left > 0 {
                let n = left.min(chunk.len());
                if out.write_all(&chunk[..n]).is_err() {
                    return Ok(()); // the client gave up reading: that is allowed
                }
                left -= n;
            }
            let _ = out.write_all(b"\"]");
            out.flush()
        }
        Some(Fault::Redirect(status, location)) => {
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let mut out = &conn;
            write!(
                out,
                "HTTP/1.1 {status}\r\nLocation: {location}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
            out.flush()
        }
        Some(Fault::LoginPage) => respond(
            &conn,
            "200 OK",
            "text/html; charset=utf-8",
            b"<!DOCTYPE html><html><head><title>Sign in - Example SSO</title></head><body><form action=\"/login\"><input name=\"user\"></form></body></html>",
        ),
        Some(Fault::Drip) => {
            let mut out = &conn;
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n["
            )?;
            while !state.stop.load(Ordering::SeqCst) {
                if out.write_all(b" ").and_then(|()| out.flush()).is_err() {
                    return Ok(()); // the client gave up: that is what it should do
                }
                thread::sleep(Duration::from_millis(100));
            }
            Ok(())
        }
        Some(Fault::Before(_)) => unreachable!("handled above"),
        Some(Fault::ForwardThenDrop) => {
            let Some(upstream) = upstream else {
                return respond(&conn, "502 Bad Gateway", "text/plain", b"no worker behind");
            };
            let sink = TcpStream::connect(upstream)?;
            let mut up = sink.try_clone()?;
            write!(up, "{request_line}\r\n")?;
            for h in &headers {
                up.write_all(h.as_bytes())?;
            }
            write!(up, "Connection: close\r\n\r\n")?;
            up.write_all(&body)?;
            up.flush()?;
            // Wait for the worker's whole answer (the write is done), then lose it.
            let mut answer = Vec::new();
            (&sink).read_to_end(&mut answer)?;
            socket2::SockRef::from(&conn).set_linger(Some(Duration::ZERO))?;
            drop(reader);
            drop(conn);
            Ok(())
        }
    }
}

/// The canned answer for a request line's method and path, if any.
fn canned(state: &State, request_line: &str) -> Option<Answer> {
    let mut parts = request_line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let path = target.split('?').next().unwrap_or(target);
    state
        .routes
        .lock()
        .unwrap()
        .iter()
        .find(|(m, p, _)| m == method && p == path)
        .map(|(_, _, a)| a.clone())
}

fn answer_with(mut out: &TcpStream, answer: &Answer) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        answer.content_type,
        answer.body.len()
    )?;
    for h in &answer.headers {
        write!(out, "{h}\r\n")?;
    }
    out.write_all(b"\r\n")?;
    out.write_all(&answer.body)?;
    out.flush()
}

/// Passes one request to the real worker and relays its whole answer.
fn forward(
    client: &TcpStream,
    upstream: &str,
    request_line: &str,
    headers: &[String],
    body: &[u8],
) -> std::io::Result<()> {
    let mut up = TcpStream::connect(upstream)?;
    write!(up, "{request_line}\r\n")?;
    for h in headers {
        up.write_all(h.as_bytes())?;
    }
    write!(up, "Connection: close\r\n\r\n")?;
    up.write_all(body)?;
    up.flush()?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    let mut out = client;
    out.write_all(&answer)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fake itself, with no cluster: canned answers by method and path, scripted faults
    /// first, a JSON 404 for the rest, and every request recorded with its body.
    #[test]
    fn the_fake_answers_canned_scripted_and_unknown_requests() {
        let fake = FakeConnect::canned();
        fake.route(
            "GET",
            "/connectors",
            Answer::json("200 OK", &serde_json::json!(["a"])),
        );
        fake.then(Fault::Redirect("301 Moved Permanently", "http://x".into()));
        kcsh::connect::client::install_crypto_provider();
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let get = |path: &str| {
            let r = client.get(format!("{}{path}", fake.url())).send().unwrap();
            let location = r
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string());
            (r.status().as_u16(), location, r.text().unwrap())
        };
        assert_eq!(get("/connectors").0, 301, "the queued fault comes first");
        assert_eq!(
            get("/connectors?expand=status"),
            (200, None, r#"["a"]"#.into())
        );
        assert_eq!(get("/nope").0, 404);
        let posted = client
            .post(format!("{}/connectors", fake.url()))
            .body("{\"name\":\"x\"}")
            .send()
            .unwrap();
        assert_eq!(posted.status().as_u16(), 404, "no POST route");
        let seen = fake.recorded();
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[1].line, "GET /connectors?expand=status HTTP/1.1");
        assert_eq!(seen[3].body, "{\"name\":\"x\"}");
    }
}
