//! The blocking Kafka client: rskafka on a current-thread tokio runtime that only this type
//! sees. Every call is bounded (connecting by `connect_timeout`, each exchange by
//! `request_timeout` plus the fetch's own wait), so nothing waits on the network without end.
//! Reads only: metadata, offsets, records. Partition clients are made once and reused.
//! Limits: rskafka keeps one value per header name (the last); lz4 and zstd batches are not
//! decoded (see Cargo.toml).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rskafka::BackoffConfig;
use rskafka::client::partition::{OffsetAt, PartitionClient, UnknownTopicHandling};
use rskafka::client::{ClientBuilder, Credentials, SaslConfig};

use super::config::{KafkaConfig, Mechanism};
use super::error::Error;
use super::metadata;

/// One topic as SHOW TOPICS lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    /// Partitions, numbered `0..partitions` (Kafka numbers them so).
    pub partitions: usize,
    /// Replicas of each partition (the most any partition has).
    pub replicas: usize,
    /// Kafka's own topics (`__consumer_offsets`, ...), which SHOW TOPICS leaves out.
    pub internal: bool,
}

/// One record as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub partition: i32,
    pub offset: i64,
    /// Milliseconds since the epoch (the record's create or log-append time).
    pub timestamp: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    /// By name; rskafka keeps the last value of a repeated header.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// One partition's fetch: its records and its high watermark (end offset), or why not.
pub type Fetched = Result<(Vec<Record>, i64), Error>;

/// A connection to one Kafka cluster.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    inner: rskafka::client::Client,
    config: KafkaConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
    partitions: Mutex<HashMap<(String, i32), Arc<PartitionClient>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("kafka::Client")
            .field("bootstrap", &self.config.bootstrap)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects and reads the cluster's metadata, within `config.connect_timeout`: brokers
    /// that cannot be reached (or refuse TLS or the login) give [`Error::Unreachable`] naming
    /// the addresses tried.
    pub fn connect(config: &KafkaConfig) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the Kafka client: {e}")))?;
        let tls = match &config.tls {
            Some(files) => Some(super::tls::client_config(files)?),
            None => None,
        };
        let backoff = BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
            // rskafka retries a dead broker for ever by default; this ends its retries (and
            // so a PRINT whose broker went away) with the underlying cause.
            deadline: Some(config.connect_timeout),
        };
        let mut builder = ClientBuilder::new(config.bootstrap.clone())
            .client_id("kcsh")
            .backoff_config(backoff);
        if let Some(tls) = &tls {
            builder = builder.tls_config(Arc::clone(tls));
        }
        if let Some(sasl) = sasl_config(config) {
            builder = builder.sasl_config(sasl);
        }
        // A little above rskafka's own deadline, so its cause (refused, TLS, login) wins.
        let bound = config.connect_timeout + Duration::from_secs(2);
        let unreachable = |cause: String| {
            let lower = cause.to_lowercase();
            Error::Unreachable {
                bootstrap: config.bootstrap.clone(),
                tls: ["certificate", "tls", "handshake", "alert"]
                    .iter()
                    .any(|w| lower.contains(w)),
                auth: lower.contains("sasl") || lower.contains("authentication"),
                cause,
            }
        };
        let inner =
            match runtime.block_on(async { tokio::time::timeout(bound, builder.build()).await }) {
                Ok(Ok(client)) => client,
                Ok(Err(e)) => return Err(unreachable(root_cause(&e))),
                Err(_) => {
                    return Err(unreachable(format!(
                        "no answer within {} s",
                        bound.as_secs()
                    )));
                }
            };
        Ok(Client {
            runtime,
            inner,
            config: config.clone(),
            tls,
            partitions: Mutex::new(HashMap::new()),
        })
    }

    /// The bootstrap servers this client was made for.
    pub fn bootstrap(&self) -> &[String] {
        &self.config.bootstrap
    }

    /// Every topic, internal ones included (flagged), sorted by name.
    pub fn topics(&self) -> Result<Vec<TopicInfo>, Error> {
        let metas = self.metadata()?;
        Ok(metas
            .into_iter()
            .map(|t| TopicInfo {
                partitions: t.partitions.len(),
                replicas: t.partitions.iter().map(|p| p.1).max().unwrap_or(0),
                internal: t.internal,
                name: t.name,
            })
            .collect())
    }

    /// The topic's partitions, or [`Error::UnknownTopic`].
    pub fn partitions(&self, topic: &str) -> Result<Vec<i32>, Error> {
        let metas = self.metadata()?;
        let meta = metadata::find(&metas, topic)?;
        Ok(meta.partitions.iter().map(|p| p.0).collect())
    }

    fn metadata(&self) -> Result<Vec<metadata::TopicMeta>, Error> {
        let fut = metadata::all_topics(
            &self.config.bootstrap,
            self.tls.clone(),
            sasl_config(&self.config),
        );
        self.block("the topic list", self.config.request_timeout, fut)?
            .map_err(|cause| Error::Unreachable {
                bootstrap: self.config.bootstrap.clone(),
                tls: false,
                auth: false,
                cause,
            })
    }

    /// The end offset (the next offset to be written) of each partition of `topic`.
    pub fn end_offsets(&self, topic: &str) -> Result<Vec<(i32, i64)>, Error> {
        self.offsets(topic, OffsetAt::Latest)
    }

    /// The first offset still kept of each partition of `topic`.
    pub fn start_offsets(&self, topic: &str) -> Result<Vec<(i32, i64)>, Error> {
        self.offsets(topic, OffsetAt::Earliest)
    }

    fn offsets(&self, topic: &str, at: OffsetAt) -> Result<Vec<(i32, i64)>, Error> {
        let mut clients = Vec::new();
        for p in self.partitions(topic)? {
            clients.push((p, self.partition(topic, p)?));
        }
        let fut = async move {
            let mut set = tokio::task::JoinSet::new();
            for (p, client) in clients {
                set.spawn(async move { (p, client.get_offset(at).await) });
            }
            let mut out = Vec::new();
            while let Some(joined) = set.join_next().await {
                let (p, result) = joined.map_err(|e| Error::Broker(e.to_string()))?;
                out.push((p, result.map_err(|e| broker_error(topic, e))?));
            }
            out.sort_unstable();
            Ok(out)
        };
        self.block("the offsets", self.config.request_timeout, fut)?
    }

    /// Records of one partition from `from_offset` on: at most about `max_bytes` (at least one
    /// record, however large), waiting up to `max_wait` for records to arrive. Also returns the
    /// partition's high watermark (its end offset).
    pub fn fetch(
        &self,
        topic: &str,
        partition: i32,
        from_offset: i64,
        max_bytes: i32,
        max_wait: Duration,
    ) -> Result<(Vec<Record>, i64), Error> {
        let client = self.partition(topic, partition)?;
        let wait_ms = i32::try_from(max_wait.as_millis()).unwrap_or(i32::MAX);
        let fut = async move {
            client
                .fetch_records(from_offset, 1..max_bytes.max(1), wait_ms)
                .await
        };
        let (records, high) = self
            .block("a fetch", self.config.request_timeout + max_wait, fut)?
            .map_err(|e| broker_error(topic, e))?;
        Ok((convert(partition, records), high))
    }

    /// [`Client::fetch`] of several partitions at once (each from its own offset), so that a
    /// quiet partition's wait does not add to the others'. One result per partition asked.
    pub fn fetch_many(
        &self,
        topic: &str,
        positions: &[(i32, i64)],
        max_bytes: i32,
        max_wait: Duration,
    ) -> Result<Vec<(i32, Fetched)>, Error> {
        let mut clients = Vec::new();
        for &(p, offset) in positions {
            clients.push((p, offset, self.partition(topic, p)?));
        }
        let wait_ms = i32::try_from(max_wait.as_millis()).unwrap_or(i32::MAX);
        let fut = async move {
            let mut set = tokio::task::JoinSet::new();
            for (p, offset, client) in clients {
                set.spawn(async move {
                    let got = client
                        .fetch_records(offset, 1..max_bytes.max(1), wait_ms)
                        .await;
                    (p, got)
                });
            }
            let mut out = Vec::new();
            while let Some(joined) = set.join_next().await {
                match joined {
                    Ok(one) => out.push(one),
                    Err(e) => return Err(Error::Broker(e.to_string())),
                }
            }
            Ok(out)
        };
        let fetched = self.block("a fetch", self.config.request_timeout + max_wait, fut)??;
        let mut out: Vec<(i32, Fetched)> = fetched
            .into_iter()
            .map(|(p, got)| {
                let got = got
                    .map(|(records, high)| (convert(p, records), high))
                    .map_err(|e| broker_error(topic, e));
                (p, got)
            })
            .collect();
        out.sort_by_key(|(p, _)| *p);
        Ok(out)
    }

    /// The client for one partition, made once.
    fn partition(&self, topic: &str, partition: i32) -> Result<Arc<PartitionClient>, Error> {
        let key = (topic.to_string(), partition);
        if let Some(c) = self.lock().get(&key) {
            return Ok(Arc::clone(c));
        }
        let fut = self
            .inner
            .partition_client(topic, partition, UnknownTopicHandling::Error);
        let client = Arc::new(
            self.block("the partition's leader", self.config.request_timeout, fut)?
                .map_err(|e| broker_error(topic, e))?,
        );
        self.lock().insert(key, Arc::clone(&client));
        Ok(client)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, i32), Arc<PartitionClient>>> {
        self.partitions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `fut` on the runtime, at most `bound`.
    fn block<T>(
        &self,
        what: &str,
        bound: Duration,
        fut: impl Future<Output = T>,
    ) -> Result<T, Error> {
        self.runtime
            .block_on(async { tokio::time::timeout(bound, fut).await })
            .map_err(|_| Error::TimedOut {
                what: what.to_string(),
                after: bound,
            })
    }
}

/// rskafka's records as kcsh's.
fn convert(partition: i32, records: Vec<rskafka::record::RecordAndOffset>) -> Vec<Record> {
    records
        .into_iter()
        .map(|r| Record {
            partition,
            offset: r.offset,
            timestamp: r.record.timestamp.timestamp_millis(),
            key: r.record.key,
            value: r.record.value,
            headers: r.record.headers.into_iter().collect(),
        })
        .collect()
}

fn sasl_config(config: &KafkaConfig) -> Option<SaslConfig> {
    config.sasl.as_ref().map(|s| {
        let credentials = Credentials::new(s.user.clone(), s.password.clone());
        match s.mechanism {
            Mechanism::Plain => SaslConfig::Plain(credentials),
            Mechanism::ScramSha256 => SaslConfig::ScramSha256(credentials),
            Mechanism::ScramSha512 => SaslConfig::ScramSha512(credentials),
        }
    })
}

/// An rskafka failure about `topic`, as a fact.
fn broker_error(topic: &str, e: rskafka::client::error::Error) -> Error {
    use rskafka::client::error::{Error as E, ProtocolError};
    match &e {
        E::ServerError {
            protocol_error: ProtocolError::UnknownTopicOrPartition,
            ..
        } => Error::UnknownTopic {
            topic: topic.to_string(),
        },
        E::Connection(_) | E::RetryFailed(_) => {
            Error::Broker(format!("lost the connection to Kafka: {}", root_cause(&e)))
        }
        _ => {
            let cause = root_cause(&e);
            if cause.to_lowercase().contains("compression") {
                Error::Unsupported(format!(
                    "cannot decode a record batch of '{topic}': {cause} (kcsh reads \
                     uncompressed, gzip and snappy batches)"
                ))
            } else {
                Error::Broker(format!("Kafka: {cause}"))
            }
        }
    }
}

/// The innermost cause of an error (where "Connection refused" is), without rskafka's layers
/// (its retry errors carry the cause in their text: `... Source: <cause>`).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    match text.rsplit_once("Source: ") {
        Some((_, cause)) => cause.to_string(),
        None => text,
    }
}
