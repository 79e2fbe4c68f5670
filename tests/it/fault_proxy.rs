//! A small fault-injecting HTTP proxy for the fault tests: it sits between kcsh and the real
//! worker on loopback and, for the next requests, answers with a scripted fault instead of
//! forwarding. Std-only and deliberately simple: one thread per connection, `Connection: close`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the proxy does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
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
}

#[derive(Default)]
struct State {
    /// Queued faults, each for the next request whose request line starts with its prefix.
    faults: Mutex<VecDeque<(String, Fault)>>,
    /// When set, every request gets this fault (the queue is ignored).
    always: Mutex<Option<Fault>>,
    requests: Mutex<Vec<String>>,
    stop: AtomicBool,
    open: AtomicUsize,
}

/// A running proxy; stops accepting (and releases hung connections) when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<State>,
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port forwarding to `upstream` (`http://host:port`).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
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
                    let _ = serve(conn, &upstream, &state);
                    state.open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        FaultProxy { addr, state }
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
        self.state.requests.lock().unwrap().clone()
    }
}

impl Drop for FaultProxy {
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

fn serve(conn: TcpStream, upstream: &str, state: &State) -> std::io::Result<()> {
    if state.stop.load(Ordering::SeqCst) {
        return Ok(());
    }
    let mut reader = BufReader::new(conn.try_clone()?);
    let (request_line, headers, body) = read_request(&mut reader)?;
    state.requests.lock().unwrap().push(request_line.clone());
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
    match fault {
        None => forward(&conn, upstream, &request_line, &headers, &body),
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
        Some(Fault::ForwardThenDrop) => {
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
