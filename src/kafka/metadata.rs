//! One Metadata request for every topic, on a connection of its own to a bootstrap broker:
//! rskafka's `list_topics` drops each partition's replicas (SHOW TOPICS' `Partition Replicas`),
//! so this speaks rskafka's wire protocol directly (its `unstable-fuzzing` feature; the version
//! is pinned in Cargo.toml). Same TLS and SASL as the main client. Bounded by the caller.

use std::sync::Arc;

use rskafka::messenger::Messenger;
use rskafka::protocol::messages::MetadataRequest;
use rskafka::protocol::primitives::Boolean;
use tokio::io::{AsyncRead, AsyncWrite, BufStream};

use super::error::Error;

/// What the broker said about one topic.
#[derive(Debug, Clone)]
pub struct TopicMeta {
    pub name: String,
    /// Kafka's own (`__consumer_offsets`, `__transaction_state`).
    pub internal: bool,
    /// `(partition, replicas)`, sorted by partition.
    pub partitions: Vec<(i32, usize)>,
}

/// A broker connection, plain or TLS.
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// Largest answer read (rskafka's own default).
const MAX_MESSAGE: usize = 100 * 1024 * 1024;

/// Every topic of the cluster, from the first bootstrap broker that answers.
pub async fn all_topics(
    bootstrap: &[String],
    tls: Option<Arc<rustls::ClientConfig>>,
    sasl: Option<rskafka::client::SaslConfig>,
) -> Result<Vec<TopicMeta>, String> {
    let mut failures = Vec::new();
    for broker in bootstrap {
        match one_broker(broker, tls.clone(), sasl.clone()).await {
            Ok(topics) => return Ok(topics),
            Err(e) => failures.push(format!("{broker}: {e}")),
        }
    }
    Err(failures.join("; "))
}

async fn one_broker(
    broker: &str,
    tls: Option<Arc<rustls::ClientConfig>>,
    sasl: Option<rskafka::client::SaslConfig>,
) -> Result<Vec<TopicMeta>, String> {
    let tcp = tokio::net::TcpStream::connect(broker)
        .await
        .map_err(|e| e.to_string())?;
    let stream: Box<dyn Stream> = match tls {
        None => Box::new(tcp),
        Some(config) => {
            let host = broker.rsplit_once(':').map_or(broker, |(h, _)| h);
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let name = rustls_pki_types::ServerName::try_from(host.to_string())
                .map_err(|e| e.to_string())?;
            let tls = tokio_rustls::TlsConnector::from(config)
                .connect(name, tcp)
                .await
                .map_err(|e| e.to_string())?;
            Box::new(tls)
        }
    };
    let mut messenger = Messenger::new(BufStream::new(stream), MAX_MESSAGE, Arc::from("kcsh"));
    messenger.sync_versions().await.map_err(|e| e.to_string())?;
    if let Some(sasl) = sasl {
        messenger.do_sasl(sasl).await.map_err(|e| e.to_string())?;
    }
    let response = messenger
        .request(MetadataRequest {
            topics: None,
            allow_auto_topic_creation: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut topics: Vec<TopicMeta> = response
        .topics
        .into_iter()
        .filter(|t| t.error.is_none())
        .map(|t| {
            let mut partitions: Vec<(i32, usize)> = t
                .partitions
                .into_iter()
                .map(|p| {
                    (
                        p.partition_index.0,
                        p.replica_nodes.0.map_or(0, |r| r.len()),
                    )
                })
                .collect();
            partitions.sort_unstable();
            TopicMeta {
                name: t.name.0,
                internal: matches!(t.is_internal, Some(Boolean(true))),
                partitions,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(topics)
}

/// Kept so that callers can tell an unknown topic from other failures in one place.
pub fn find<'a>(topics: &'a [TopicMeta], name: &str) -> Result<&'a TopicMeta, Error> {
    topics
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Error::UnknownTopic {
            topic: name.to_string(),
        })
}
