//! The session's Kafka connection: made on first use by a statement that reads Kafka (bounded
//! by `kafka::Client::connect`), kept for the session, made again after a failed attempt. Also
//! the statement's log of Kafka reads, which EXPLAIN prints after the HTTP requests (the same
//! code runs; under EXPLAIN a PRINT reads metadata and offsets but no records). Under `--check`
//! nothing connects: every use fails with [`super::NEEDS_CLUSTER`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::Error;
use crate::kafka::{self, KafkaConfig};

#[derive(Debug, Default)]
pub(super) struct KafkaLink {
    config: Option<KafkaConfig>,
    client: Mutex<Option<Arc<kafka::Client>>>,
    /// What the statement running now read from Kafka, for EXPLAIN.
    reads: Mutex<Vec<String>>,
    /// The statement asked for Kafka in offline mode (`--check`).
    offline_use: AtomicBool,
}

impl KafkaLink {
    pub fn new(config: Option<KafkaConfig>) -> KafkaLink {
        KafkaLink {
            config,
            ..KafkaLink::default()
        }
    }

    /// Whether a bootstrap was given (so connecting is worth trying).
    pub fn configured(&self) -> bool {
        self.config.is_some()
    }

    /// The same settings, not connected (a reader session connects on its own).
    pub fn unconnected(&self) -> KafkaLink {
        KafkaLink::new(self.config.clone())
    }

    /// The connected client; `statement` names what needs it, for the "no bootstrap" error.
    pub fn client(&self, statement: &str, offline: bool) -> Result<Arc<kafka::Client>, Error> {
        if offline {
            self.offline_use.store(true, Ordering::SeqCst);
            return Err(Error::statement(super::NEEDS_CLUSTER));
        }
        let Some(config) = &self.config else {
            return Err(crate::hints::no_bootstrap(statement));
        };
        let mut slot = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = slot.as_ref() {
            return Ok(Arc::clone(client));
        }
        let client = Arc::new(kafka::Client::connect(config)?);
        *slot = Some(Arc::clone(&client));
        Ok(client)
    }

    /// Records one read for EXPLAIN.
    pub fn note(&self, read: String) {
        self.reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(read);
    }

    /// The reads noted since the last call, and whether Kafka was asked for offline.
    pub fn take(&self) -> (Vec<String>, bool) {
        let reads = std::mem::take(&mut *self.reads.lock().unwrap_or_else(|e| e.into_inner()));
        (reads, self.offline_use.swap(false, Ordering::SeqCst))
    }
}
