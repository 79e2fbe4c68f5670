//! The Kafka Connect REST client: HTTP (reqwest, auth, TLS, retries, failover), the JSON model
//! tolerant of version differences, errors, and the contexts file. Knows nothing of statements
//! or tables: exec turns statements into these calls and their answers into output.

pub mod client;
pub mod config;
pub mod error;
pub mod model;
pub mod request;

pub use client::{Client, Response};
pub use error::ApiError;
pub use request::{Method, Request};
