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
pub mod format;
mod metadata;
mod tls;

pub use client::{Client, Record, TopicInfo};
pub use config::{KafkaConfig, Mechanism, Sasl, TlsFiles};
pub use error::Error;

/// Kafka's rule for topic names: 1 to 249 of `a-z A-Z 0-9 . _ -`, and not `.` or `..`.
/// Checked before anything is sent, so a name with `/`, `%`, quotes or spaces is refused with
/// the rule instead of an "unknown topic".
pub fn check_topic_name(name: &str) -> Result<(), String> {
    let legal = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty()
        || name.len() > 249
        || name == "."
        || name == ".."
        || !name.chars().all(legal)
    {
        let shown: String = name.chars().take(60).collect();
        let cut = if shown.len() < name.len() { "..." } else { "" };
        return Err(format!(
            "'{}{cut}' is not a Kafka topic name: topic names are 1 to 249 letters, digits, \
             '.', '_' and '-'",
            crate::secrets::escape_control(&shown)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn topic_names_follow_kafkas_rule() {
        for ok in ["a", "my-topic.v1_x", &"t".repeat(249)] {
            assert!(super::check_topic_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a%2F",
            "it's",
            "a b",
            &"t".repeat(250),
            "é",
        ] {
            assert!(super::check_topic_name(bad).is_err(), "{bad}");
        }
    }
}
