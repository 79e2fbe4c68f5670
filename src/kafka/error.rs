//! What can go wrong on the Kafka side, as facts (addresses tried, the broker's own words);
//! `hints.rs` turns them into the crate's `Error` with an exit code and CLI advice.

use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// No bootstrap broker answered (or TLS/SASL failed with every one of them).
    Unreachable {
        bootstrap: Vec<String>,
        cause: String,
        /// The failure looks like TLS (certificate, handshake).
        tls: bool,
        /// The broker refused the SASL login.
        auth: bool,
    },
    /// The topic (or partition) does not exist.
    UnknownTopic { topic: String },
    /// A request had no answer within its bound.
    TimedOut { what: String, after: Duration },
    /// A local setting is wrong (unreadable certificate, bad key).
    Config(String),
    /// A record batch kcsh cannot decode (lz4 or zstd compression).
    Unsupported(String),
    /// Any other answer of the broker or failure of the connection.
    Broker(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unreachable {
                bootstrap, cause, ..
            } => write!(f, "cannot reach Kafka at {}: {cause}", bootstrap.join(",")),
            Error::UnknownTopic { topic } => write!(f, "Kafka topic '{topic}' does not exist"),
            Error::TimedOut { what, after } => {
                write!(
                    f,
                    "Kafka did not answer {what} within {} s",
                    after.as_secs()
                )
            }
            Error::Config(m) | Error::Unsupported(m) | Error::Broker(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}
