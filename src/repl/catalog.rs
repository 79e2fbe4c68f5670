//! Where completion and the banner get live names from: a reader session of their own (never
//! the shell's, which they must not wait on), asked on a thread for at most a bound. One
//! look-up runs at a time; while it runs (a worker that accepts and never answers), others
//! answer at once with nothing, so Tab and the prompt never freeze. The reader's caches make
//! later asks instant; the REPL replaces the reader after statements that change state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::helper::CompletionSource;
use crate::connect::model::PluginInfo;
use crate::error::Error;
use crate::exec::Session;

/// How long Tab waits for live names before completing without them.
pub const COMPLETION_BOUND: Duration = Duration::from_secs(1);

/// A bounded, non-blocking view of the cluster for the REPL's helpers.
pub struct Lookup {
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
    pub fn new(reader: Session) -> Lookup {
        Lookup {
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
    fn connector_names(&self) -> Vec<String> {
        self.names(|s| s.connector_names())
    }

    fn plugins(&self) -> Vec<PluginInfo> {
        match self.ask(COMPLETION_BOUND, |s| s.plugins()) {
            Some(Ok(plugins)) => plugins,
            _ => Vec::new(),
        }
    }

    fn plugin_config_keys(&self, class: &str) -> Vec<String> {
        let class = class.to_string();
        self.names(move |s| s.plugin_config_keys(&class))
    }

    fn connector_config_keys(&self, name: &str) -> Vec<String> {
        let name = name.to_string();
        self.names(move |s| match s.connector_class(&name)? {
            Some(class) => s.plugin_config_keys(&class),
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
        let lookup = Lookup::new(reader(&url));
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
}
