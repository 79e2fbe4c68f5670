//! The Kafka side: where the brokers are and how to log in ([`KafkaConfig`], resolved from
//! flags, environment and contexts in `config.rs`), and one small blocking [`Client`] for what
//! kcsh reads from Kafka: topics with their partitions and replicas, start and end offsets, and
//! records of one partition. Reads only: it never produces, creates or deletes anything.
//!
//! rskafka is async; `client.rs` hides a current-thread tokio runtime and bounds every call
//! with a timeout, so the rest of kcsh (synchronous) never sees async. Knows no statements,
//! no tables and no CLI advice (that is `hints.rs`).

mod client;
pub mod config;
mod error;
mod metadata;
mod tls;

pub use client::{Client, Record, TopicInfo};
pub use config::{KafkaConfig, Mechanism, Sasl, TlsFiles};
pub use error::Error;
