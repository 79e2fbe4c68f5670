//! Statements about the workers rather than connectors: SHOW CLUSTER, SHOW LOGGERS, SET LOGGER.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Session;
use super::build;
use super::http::Request;
use super::s;
use crate::connect::ApiError;
use crate::connect::model::{LoggerLevel, ServerInfo, WorkerStatus};
use crate::error::Error;
use crate::output::{Block, Output};

impl Session {
    /// `SHOW CLUSTER`: worker URL, version, commit, Kafka cluster id, health (3.9+).
    pub(super) fn show_cluster(&self) -> Result<Output, Error> {
        // Always ask afresh: this is what users run to check a worker.
        let info: ServerInfo = self.send_json(&Request::get("/"))?;
        let (health, detail) = if info.at_least(3, 9) {
            match self.send_json::<WorkerStatus>(&Request::get("/health")) {
                Ok(h) => (h.status, h.message.unwrap_or_default()),
                Err(ApiError::Status { status, message }) => {
                    let state = match status {
                        503 => "starting",
                        404 => "unknown",
                        _ => "unhealthy",
                    };
                    (state.to_string(), message)
                }
                Err(e) => return Err(e.into()),
            }
        } else {
            (
                "unknown".to_string(),
                "GET /health needs Kafka Connect 3.9 or later".to_string(),
            )
        };
        let fields = vec![
            (
                crate::output::Column::new("URL", "url"),
                s(crate::secrets::redact_url(self.client.url())),
            ),
            (
                crate::output::Column::new("Version", "version"),
                s(info.version.clone()),
            ),
            (
                crate::output::Column::new("Commit", "commit"),
                s(info.commit.clone().unwrap_or_default()),
            ),
            (
                crate::output::Column::new("Kafka Cluster ID", "kafka_cluster_id"),
                s(info.kafka_cluster_id.clone().unwrap_or_default()),
            ),
            (crate::output::Column::new("Health", "health"), s(health)),
            (
                crate::output::Column::new("Health Detail", "health_detail"),
                s(detail),
            ),
        ];
        Ok(Output::new("cluster").with(Block::Fields {
            name: "cluster".into(),
            fields,
        }))
    }

    /// `SHOW LOGGERS [LIKE 'p']`
    pub(super) fn show_loggers(&self, like: Option<&str>) -> Result<Output, Error> {
        let loggers: BTreeMap<String, LoggerLevel> = self
            .send_json(&Request::get("/admin/loggers"))
            .map_err(admin_error)?;
        let rows = loggers
            .into_iter()
            .filter(|(name, _)| like.is_none_or(|p| crate::lang::like::like(p, name)))
            .map(|(name, l)| {
                vec![
                    s(name),
                    s(l.level.unwrap_or_default()),
                    l.last_modified
                        .filter(|ms| *ms > 0)
                        .map(|ms| s(format_epoch_ms(ms)))
                        .unwrap_or(Value::Null),
                ]
            })
            .collect();
        Ok(Output::new("logger_list").with(Block::Table {
            name: "loggers".into(),
            title: None,
            columns: crate::output::Column::list(&[
                ("Logger", "logger"),
                ("Level", "level"),
                ("Last Modified", "last_modified"),
            ]),
            rows,
        }))
    }

    /// `SET LOGGER 'name' = 'LEVEL' [FOR CLUSTER]`
    pub(super) fn set_logger(
        &self,
        logger: &str,
        level: &str,
        cluster: bool,
    ) -> Result<Output, Error> {
        let req = build::logger_request(logger, level, cluster)?;
        if cluster {
            self.require(3, 7, "SET LOGGER ... FOR CLUSTER")?;
        }
        let level = level.to_uppercase();
        let resp = self.send(&req).map_err(admin_error)?;
        if cluster {
            return Ok(Output::message(format!(
                "Set logger {logger} to {level} on every worker of the cluster"
            )));
        }
        let changed: Vec<String> = resp.json::<Option<Vec<String>>>()?.unwrap_or_default();
        Ok(Output::message(format!(
            "Set logger {logger} to {level} on {} ({} logger(s) changed)",
            crate::secrets::redact_url(self.client.url()),
            changed.len()
        )))
    }
}

/// `/admin/loggers` may be disabled or on another listener (`admin.listeners`).
fn admin_error(e: ApiError) -> Error {
    match &e {
        ApiError::Status {
            status: 404,
            message,
        } if message.starts_with("HTTP 404") => Error::statement(
            "the logger endpoints (/admin/loggers) are not available on this worker: \
                 they may be disabled or on another listener (admin.listeners)",
        ),
        _ => e.into(),
    }
}

/// `2024-11-25T08:13:20Z` from epoch milliseconds (UTC; no time-zone database needed).
pub(super) fn format_epoch_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    crate::utc::iso_seconds(secs.div_euclid(86_400), secs.rem_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_formatting() {
        assert_eq!(format_epoch_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_epoch_ms(1_732_520_000_000), "2024-11-25T07:33:20Z");
        assert_eq!(format_epoch_ms(951_782_400_000), "2000-02-29T00:00:00Z");
    }
}
