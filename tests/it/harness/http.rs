//! Plain HTTP to a Connect worker (status and JSON body), polling until something holds,
//! names no other test uses, and a guard that deletes a connector when a test ends.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::cluster::{configured_url, test_url};

/// A blocking HTTP client with a timeout above Connect's own 90 s.
pub fn http() -> reqwest::blocking::Client {
    static CLIENT: OnceLock<reqwest::blocking::Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            kcsh::connect::client::install_crypto_provider();
            reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .expect("HTTP client")
        })
        .clone()
}

/// Status and JSON body (`Value::Null` when empty or not JSON) of a request to the test
/// cluster; `path` starts with `/`.
pub fn request(method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    request_to(&test_url(), method, path, body)
}

/// [`request`] against any worker URL. Connect's transient answers during a rebalance are
/// retried for up to 30 s, judged by kcsh's own rule (`is_transient_conflict`), so a test's
/// own checks do not fail on a rebalance that other tests caused.
pub fn request_to(url: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, text) = request_once(url, method, path, body);
        let transient = kcsh::connect::client::is_transient_conflict(
            &kcsh::connect::ApiError::from_response(status, "", &text),
        );
        if !transient || Instant::now() > deadline {
            return (status, serde_json::from_str(&text).unwrap_or(Value::Null));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn request_once(url: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("HTTP method");
    let mut req = http().request(method, format!("{url}{path}"));
    if let Some(body) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let resp = req
        .send()
        .unwrap_or_else(|e| panic!("request to {url}{path} failed: {e}"));
    let status = resp.status().as_u16();
    (status, resp.text().unwrap_or_default())
}

/// The status of `GET url+path`, or `None` while nothing answers (for polling a starting worker).
pub fn probe(url: &str, path: &str) -> Option<u16> {
    http()
        .get(format!("{url}{path}"))
        .timeout(Duration::from_secs(5))
        .send()
        .ok()
        .map(|r| r.status().as_u16())
}

pub fn get(path: &str) -> (u16, Value) {
    request("GET", path, None)
}

pub fn post(path: &str, body: &Value) -> (u16, Value) {
    request("POST", path, Some(body))
}

pub fn put(path: &str, body: &Value) -> (u16, Value) {
    request("PUT", path, Some(body))
}

pub fn delete(path: &str) -> (u16, Value) {
    request("DELETE", path, None)
}

/// Poll `check` every 200 ms until it returns `Some`, or panic after `timeout` naming `what`.
pub fn wait_until<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        if started.elapsed() > timeout {
            panic!("timed out after {} s waiting for {what}", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A name no other test (or earlier run against the same cluster) uses: `prefix-<pid>-<n>`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Deletes the connector when dropped, so a failing test leaves nothing running.
pub struct ConnectorGuard(pub String);

impl Drop for ConnectorGuard {
    fn drop(&mut self) {
        if let Some(url) = configured_url() {
            let path = format!("/connectors/{}", self.0);
            let _ = http().delete(format!("{url}{path}")).send();
        }
    }
}
