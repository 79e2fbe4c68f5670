//! Which connectors have failed instances right now, for `WATCH ... RESTART FAILED`: one read
//! of `GET /connectors?expand=status`, typed, so that restarts are decided from Connect's
//! states and never from rendered text. Decides and sends nothing else: the restarts
//! themselves are ordinary `RESTART CONNECTOR` statements run by the shell.

use std::collections::BTreeMap;

use super::Session;
use super::http::Request;
use crate::connect::model::{ConnectorState, ExpandedConnector};
use crate::error::Error;

/// A connector whose connector instance or some task is FAILED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub connector: String,
    /// The connector instance itself is FAILED.
    pub connector_failed: bool,
    /// The ids of its FAILED tasks, ascending.
    pub failed_tasks: Vec<u32>,
    /// The first line of the first trace Connect gave (connector's, else a task's).
    pub trace: Option<String>,
}

impl Session {
    /// Every connector with a FAILED connector or task, by name.
    pub fn failures(&self) -> Result<Vec<Failure>, Error> {
        let all: BTreeMap<String, ExpandedConnector> =
            self.send_json(&Request::get("/connectors").query("expand", "status"))?;
        Ok(all
            .into_iter()
            .filter_map(|(name, c)| {
                let status = c.status?;
                let connector_failed = status.connector.state == ConnectorState::Failed;
                let mut failed_tasks: Vec<u32> = status
                    .tasks
                    .iter()
                    .filter(|t| t.state == ConnectorState::Failed)
                    .map(|t| t.id)
                    .collect();
                failed_tasks.sort_unstable();
                if !connector_failed && failed_tasks.is_empty() {
                    return None;
                }
                let trace = std::iter::once(&status.connector.trace)
                    .chain(status.tasks.iter().map(|t| &t.trace))
                    .flatten()
                    .find(|t| !t.trim().is_empty())
                    .map(|t| crate::output::first_line(t, crate::output::TRACE_LINE_MAX).0);
                Some(Failure {
                    connector: name,
                    connector_failed,
                    failed_tasks,
                    trace,
                })
            })
            .collect())
    }
}
