//! Where completion and the banner get names from. First the shell session's own
//! [`CatalogCache`] snapshot (what its statements learnt: names, plugins, plugin keys,
//! version): no lock, no request. Only what the snapshot lacks (or connector names older than
//! [`NAMES_TTL`]) is asked live, of a reader session of its own (never the shell's, which they
//! must not wait on), on a thread for at most a bound. One live look-up runs at a time; while
//! it runs (a worker that accepts and never answers), others answer at once from the snapshot
//! or with nothing, so Tab and the prompt never freeze. The REPL makes a new `Lookup` when the
//! shell replaces its session (SERVER, an abandoned request) or state changed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::helper::CompletionSource;
use crate::connect::model::{PluginInfo, ServerInfo};
use crate::error::Error;
use crate::exec::{CatalogCache, NAMES_TTL, Session};

/// How long Tab waits for live names before completing without them.
pub const COMPLETION_BOUND: Duration = Duration::from_secs(1);

/// A bounded, non-blocking view of the cluster for the REPL's helpers.
pub struct Lookup {
    /// The shell session's catalog: read first, never waited on.
    catalog: CatalogCache,
    reader: Arc<Session>,
    /// A look-up is running (possibly abandoned, still waiting on the network).
    busy: Arc<AtomicBool>,
}

/// Clears `busy` when the look-up's thread ends, however it ends.
struct Done(Arc<AtomicBool>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Lookup {
    /// `catalog`: the shell session's ([`crate::shell::Shell::catalog`]); `reader`: a session
    /// of its own for what the catalog lacks ([`crate::shell::Shell::reader`]).
    pub fn new(catalog: CatalogCache, reader: Session) -> Lookup {
        Lookup {
            catalog,
            reader: Arc::new(reader),
            busy: Arc::new(AtomicBool::new(false)),
        }
    }

    /// `f` on the reader, waiting at most `bound`: `None` when it did not answer in time, or
    /// an earlier look-up is still running.
    pub fn ask<T: Send + 'static>(
        &self,
        bound: Duration,
        f: impl FnOnce(&Session) -> Result<T, Error> + Send + 'static,
    ) -> Option<Result<T, Error>> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return None;
        }
        let done = Done(Arc::clone(&self.busy));
        let reader = Arc::clone(&self.reader);
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("kcsh-lookup".into())
            .spawn(move || {
                let _done = done;
                let _ = tx.send(f(&reader));
            });
        if spawned.is_err() {
            self.busy.store(false, Ordering::SeqCst);
            return None;
        }
        rx.recv_timeout(bound).ok()
    }

    /// The worker's `GET /`: the snapshot's, else asked live for at most `bound` (the banner).
    pub fn server_info(&self, bound: Duration) -> Option<Result<ServerInfo, Error>> {
        if let Some(info) = self.catalog.snapshot().server.clone() {
            return Some(Ok(info));
        }
        self.ask(bound, |s| s.server_info())
    }

    fn names(
        &self,
        f: impl FnOnce(&Session) -> Result<Vec<String>, Error> + Send + 'static,
    ) -> Vec<String> {
        match self.ask(COMPLETION_BOUND, f) {
            Some(Ok(names)) => names,
            _ => Vec::new(),
        }
    }
}

impl CompletionSource for Lookup {
    /// The snapshot's names while fresh; else live, or the stale snapshot when live fails.
    fn connector_names(&self) -> Vec<String> {
        let snapshot = self.catalog.snapshot();
        if let Some((at, names)) = &snapshot.connectors
            && at.elapsed() < NAMES_TTL
        {
            return names.clone();
        }
        match self.ask(COMPLETION_BOUND, |s| s.connector_names()) {
            Some(Ok(names)) => names,
            _ => snapshot.connector_names().to_vec(),
        }
    }

    /// Kafka topics: the snapshot's while fresh; else live (a reader's own Kafka connection,
    /// bounded like every look-up), or the stale snapshot.
    fn topic_names(&self) -> Vec<String> {
        let snapshot = self.catalog.snapshot();
        if let Some((at, names)) = &snapshot.topics
            && at.elapsed() < NAMES_TTL
        {
            return names.clone();
        }
        match self.ask(COMPLETION_BOUND, |s| s.topic_names()) {
            Some(Ok(names)) => names,
            _ => snapshot.topic_names().to_vec(),
        }
    }

    fn plugins(&self) -> Vec<PluginInfo> {
        if let Some(plugins) = self.catalog.snapshot().plugins.clone() {
            return plugins;
        }
        match self.ask(COMPLETION_BOUND, |s| s.plugins()) {
            Some(Ok(plugins)) => plugins,
            _ => Vec::new(),
        }
    }

    fn plugin_config_keys(&self, class: &str) -> Vec<String> {
        if let Some(keys) = self.catalog.snapshot().plugin_config_keys(class) {
            return keys;
        }
        let class = class.to_string();
        self.names(move |s| s.plugin_config_keys(&class))
    }

    /// The connector's class is not in the catalog: asked live; its plugin's keys then come
    /// from the snapshot when it has them.
    fn connector_config_keys(&self, name: &str) -> Vec<String> {
        let name = name.to_string();
        let catalog = self.catalog.clone();
        self.names(move |s| match s.connector_class(&name)? {
            Some(class) => match catalog.snapshot().plugin_config_keys(&class) {
                Some(keys) => Ok(keys),
                None => s.plugin_config_keys(&class),
            },
            None => Ok(Vec::new()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::time::Instant;

    /// A worker that accepts connections and never answers.
    fn silent_worker() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        (listener, url)
    }

    fn reader(url: &str) -> Session {
        let settings = crate::connect::config::Settings {
            urls: vec![url.to_string()],
            ..crate::connect::config::Settings::default()
        };
        Session::with_settings(&settings, crate::exec::Options::default()).unwrap()
    }

    #[test]
    fn a_silent_worker_costs_one_bound_then_nothing() {
        let (_listener, url) = silent_worker();
        let lookup = Lookup::new(CatalogCache::default(), reader(&url));
        let start = Instant::now();
        assert!(lookup.connector_names().is_empty());
        let first = start.elapsed();
        assert!(first < COMPLETION_BOUND * 3, "{first:?}");
        // The first look-up still waits on the network: the next ones answer at once.
        let start = Instant::now();
        assert!(lookup.plugins().is_empty());
        assert!(lookup.connector_names().is_empty());
        assert!(
            start.elapsed() < Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
    }

    /// A worker that answers `GET /connectors` once, then never again.
    fn answers_names_once() -> String {
        use std::io::{Read, Write};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let body = r#"["shell-b","shell-a"]"#;
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            // Keep the listener alive and silent for any later connection.
            let _keep = listener;
            std::thread::sleep(Duration::from_secs(30));
        });
        url
    }

    /// What the shell session learnt answers Tab at once, even when the reader's worker never
    /// answers; what the session does not know is still bounded.
    #[test]
    fn the_shell_sessions_snapshot_answers_first() {
        let shell_session = reader(&answers_names_once());
        assert_eq!(
            shell_session.connector_names().unwrap(),
            ["shell-a", "shell-b"]
        );
        let (_listener, silent) = silent_worker();
        let lookup = Lookup::new(shell_session.catalog(), reader(&silent));
        let start = Instant::now();
        assert_eq!(lookup.connector_names(), ["shell-a", "shell-b"]);
        assert!(
            start.elapsed() < Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
        // Not in the snapshot: asked live, bounded.
        let start = Instant::now();
        assert!(lookup.plugins().is_empty());
        assert!(
            start.elapsed() < COMPLETION_BOUND * 3,
            "{:?}",
            start.elapsed()
        );
        assert!(lookup.server_info(Duration::from_millis(100)).is_none());
    }
}
