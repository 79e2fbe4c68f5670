//! Statements that act on running connectors: PAUSE/RESUME/STOP (one or bulk), RESTART
//! (connector, tasks, bulk), offsets (show/alter/reset), RESET TOPICS, WAIT FOR CONNECTOR.

use std::io::Write;
use std::time::{Duration, Instant};

use super::build;
use super::http::{Method, Request, connector_path};
use super::{Mode, Session};
use crate::connect::ApiError;
use crate::connect::model::{ConnectorOffsets, ConnectorState, ConnectorStatus, MessageBody};
use crate::error::Error;
use crate::lang::ast::{Lifecycle, Name, Property, Target};
use crate::output::{Block, Output};

fn verb(action: Lifecycle) -> (&'static str, &'static str) {
    match action {
        Lifecycle::Pause => ("PAUSE", "Paused"),
        Lifecycle::Resume => ("RESUME", "Resumed"),
        Lifecycle::Stop => ("STOP", "Stopped"),
    }
}

impl Session {
    /// `PAUSE|RESUME|STOP CONNECTOR name` and `... CONNECTORS [LIKE 'p']`.
    pub(super) fn lifecycle(&self, action: Lifecycle, target: &Target) -> Result<Output, Error> {
        let (word, done) = verb(action);
        let one = self.one_target(target)?;
        if action == Lifecycle::Stop {
            self.require(3, 5, "STOP CONNECTOR")?;
        }
        self.for_targets(one, target, word, |name| {
            self.send(&build::lifecycle_request(name, action)?)
                .map_err(|e| self.connector_error(name, e))?;
            Ok(format!("{done} connector {name}"))
        })
    }

    /// `RESTART CONNECTOR name [INCLUDE TASKS] [ONLY FAILED]` and the bulk form.
    pub(super) fn restart(
        &self,
        target: &Target,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<Output, Error> {
        let one = self.one_target(target)?;
        if include_tasks || only_failed {
            self.require(3, 0, "RESTART ... INCLUDE TASKS / ONLY FAILED")?;
        }
        self.for_targets(one, target, "RESTART", |name| {
            let resp = self
                .send(&build::restart_request(name, include_tasks, only_failed)?)
                .map_err(|e| self.connector_error(name, e))?;
            // 202 carries the instances being restarted; 204 (plain restart) has no body.
            let restarting: Option<ConnectorStatus> = resp.json().ok().flatten();
            Ok(match restarting {
                Some(st) => {
                    let conn = st.connector.state == ConnectorState::Restarting;
                    let tasks = st
                        .tasks
                        .iter()
                        .filter(|t| t.state == ConnectorState::Restarting)
                        .count();
                    let what = match (conn, tasks) {
                        (true, 0) => "the connector".to_string(),
                        (true, n) => format!("the connector and {n} task(s)"),
                        (false, 0) => "nothing (no instance matched)".to_string(),
                        (false, n) => format!("{n} task(s)"),
                    };
                    format!("Restarted connector {name}: restarting {what}")
                }
                None => format!("Restarted connector {name}"),
            })
        })
    }

    /// `RESTART CONNECTOR name TASK n`
    pub(super) fn restart_task(&self, name: &Name, task: u32) -> Result<Output, Error> {
        let name = self.name(name)?;
        let req = Request::new(
            Method::Post,
            connector_path(&name, &format!("/tasks/{task}/restart"))?,
        );
        match self.send(&req) {
            Ok(_) => Ok(Output::message(format!(
                "Restarted task {task} of connector {name}"
            ))),
            Err(ApiError::Status {
                status: 404,
                message,
            }) if message.starts_with("Unknown task") => Err(Error::statement(format!(
                "Connector {name} has no task {task}"
            ))),
            Err(e) => Err(self.connector_error(&name, e)),
        }
    }

    /// The connector a single-connector statement names (its path checked), `None` for bulk.
    fn one_target(&self, target: &Target) -> Result<Option<String>, Error> {
        match target {
            Target::One(name) => {
                let name = self.name(name)?;
                connector_path(&name, "")?;
                Ok(Some(name))
            }
            Target::All { .. } => Ok(None),
        }
    }

    /// Runs `act` on one connector (`one`) or on each connector a bulk statement selects
    /// (see bulk.rs: concurrency, one row per connector in name order, partial failure).
    fn for_targets(
        &self,
        one: Option<String>,
        target: &Target,
        word: &str,
        act: impl Fn(&str) -> Result<String, Error> + Sync,
    ) -> Result<Output, Error> {
        if let Some(name) = one {
            return Ok(Output::message(act(&name)?));
        }
        let (like, filter) = match target {
            Target::All { like, filter } => (like.as_deref(), filter.as_ref()),
            Target::One(_) => (None, None),
        };
        let names = self.matching(like, filter)?;
        if names.is_empty() {
            return Ok(Output::warning(super::bulk::none_match(like, filter)));
        }
        self.for_each_connector(&names, word, act)
    }

    /// Fails with "does not exist" (and a did-you-mean) unless the connector exists.
    fn ensure_exists(&self, name: &str) -> Result<(), Error> {
        self.send(&Request::get(connector_path(name, "")?))
            .map(|_| ())
            .map_err(|e| self.connector_error(name, e))
    }

    /// `SHOW CONNECTOR OFFSETS name` (3.5+)
    pub(super) fn show_offsets(&self, name: &Name) -> Result<Output, Error> {
        let name = self.name(name)?;
        let req = Request::get(connector_path(&name, "/offsets")?);
        self.require(3, 5, "SHOW CONNECTOR OFFSETS")?;
        let offsets: ConnectorOffsets = self
            .send_json(&req)
            .map_err(|e| self.connector_error(&name, e))?;
        let rows = offsets
            .offsets
            .into_iter()
            .map(|o| vec![o.partition, o.offset])
            .collect();
        Ok(Output::new("connector_offsets").with(Block::Table {
            name: "offsets".into(),
            title: None,
            columns: crate::output::Column::list(&[
                ("Partition", "partition"),
                ("Offset", "offset"),
            ]),
            rows,
        }))
    }

    /// `ALTER CONNECTOR name SET OFFSET PARTITION (...) TO (...)` (3.6+)
    pub(super) fn alter_offset(
        &self,
        name: &Name,
        partition: &[Property],
        offset: Option<&[Property]>,
    ) -> Result<Output, Error> {
        let name = self.name(name)?;
        let body = build::offsets_body(partition, offset, self.opts.ksql_compat)?;
        let req = Request::new(Method::Patch, connector_path(&name, "/offsets")?).body(body);
        self.change_offsets(&name, req, "ALTER CONNECTOR ... SET OFFSET")
    }

    /// `ALTER CONNECTOR name RESET OFFSETS` (3.6+)
    pub(super) fn reset_offsets(&self, name: &Name) -> Result<Output, Error> {
        let name = self.name(name)?;
        let req = Request::new(Method::Delete, connector_path(&name, "/offsets")?);
        self.change_offsets(&name, req, "ALTER CONNECTOR ... RESET OFFSETS")
    }

    pub(super) fn change_offsets(
        &self,
        name: &str,
        req: Request,
        what: &str,
    ) -> Result<Output, Error> {
        self.require(3, 6, what)?;
        match self.send(&req) {
            Ok(resp) => {
                let msg: Option<MessageBody> = resp.json().ok().flatten();
                Ok(Output::message(
                    msg.map(|m| m.message)
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| format!("Changed the offsets of connector {name}")),
                ))
            }
            // Connect only changes offsets of STOPPED connectors (KIP-875).
            Err(ApiError::Status {
                status: 400,
                message,
            }) if message.contains("STOPPED state") => {
                let state = self
                    .status(name)
                    .map(|s| s.connector.state.to_string())
                    .unwrap_or_else(|_| "not STOPPED".into());
                Err(Error::statement(format!(
                    "Connector {name} must be STOPPED before its offsets can be changed (it is {state})\n\
                     hint: run STOP CONNECTOR {name}; first, and RESUME CONNECTOR {name}; afterwards"
                )))
            }
            Err(e) => Err(self.connector_error(name, e)),
        }
    }

    /// `ALTER CONNECTOR name RESET TOPICS`
    pub(super) fn reset_topics(&self, name: &Name) -> Result<Output, Error> {
        let name = self.name(name)?;
        let req = Request::put(connector_path(&name, "/topics/reset")?);
        // `PUT .../topics/reset` does not check that the connector exists: check first.
        self.ensure_exists(&name)?;
        self.send(&req)
            .map_err(|e| self.connector_error(&name, e))?;
        Ok(Output::message(format!(
            "Reset the active topics of connector {name}"
        )))
    }

    pub(super) fn status(&self, name: &str) -> Result<ConnectorStatus, ApiError> {
        let req = Request::get(
            connector_path(name, "/status").map_err(|e| ApiError::Other(e.to_string()))?,
        );
        self.send_json(&req)
    }

    /// `WAIT FOR CONNECTOR name [TIMEOUT n SECONDS]`: until the connector and all its tasks
    /// are RUNNING; fails at once on FAILED (with the trace); times out with the last state.
    pub(super) fn wait_for(&self, name: &Name, timeout: Option<Duration>) -> Result<Output, Error> {
        let name = self.name(name)?;
        connector_path(&name, "")?;
        let timeout = timeout.unwrap_or(self.wait_timeout);
        let start = Instant::now();
        let mut last = "no status yet".to_string();
        let mut progress = Progress::new(self.opts.progress);
        let mut idle_polls = 0;
        let mut held_since: Option<Instant> = None;
        loop {
            let polled = self.status(&name);
            if self.mode == Mode::Explain {
                // EXPLAIN shows one poll; it does not wait.
                return Ok(Output::new("message"));
            }
            match polled {
                Ok(st) => {
                    if let Some(e) = failure(&name, &st) {
                        progress.clear();
                        return Err(e);
                    }
                    // A paused or stopped connector does not start by itself: once it has
                    // stayed so past the moment a RESUME just sent takes to show, say so
                    // instead of waiting out the timeout.
                    let held = matches!(
                        st.connector.state,
                        ConnectorState::Paused | ConnectorState::Stopped
                    );
                    let since = *held_since.get_or_insert_with(Instant::now);
                    if !held {
                        held_since = None;
                    } else if since.elapsed() >= HELD_GRACE {
                        progress.clear();
                        return Err(Error::statement(format!(
                            "Connector {name} is {}: it will not run until it is resumed",
                            st.connector.state
                        ))
                        .with_hint(format!("resume it: RESUME CONNECTOR {};", quoted(&name))));
                    }
                    last = st.summary();
                    if st.connector.state == ConnectorState::Running
                        && !st.tasks.is_empty()
                        && st.tasks.iter().all(|t| t.state == ConnectorState::Running)
                    {
                        progress.clear();
                        return Ok(Output::message(format!("Connector {name} is {last}")));
                    }
                    // Some connectors legitimately run without tasks (nothing to do yet): once
                    // the status has said so for a few polls and the connector has no task
                    // configs, that is as running as it gets.
                    if st.connector.state == ConnectorState::Running && st.tasks.is_empty() {
                        idle_polls += 1;
                        if idle_polls >= 4 && self.has_no_tasks(&name) {
                            progress.clear();
                            return Ok(Output::message(format!(
                                "Connector {name} is RUNNING (no tasks)"
                            )));
                        }
                    } else {
                        idle_polls = 0;
                    }
                }
                // Status appears shortly after creation; a connector that does not exist fails.
                Err(e) if e.is_not_found() => {
                    if let Err(e) = self.ensure_exists(&name) {
                        progress.clear();
                        return Err(e);
                    }
                }
                Err(e) => {
                    progress.clear();
                    return Err(e.into());
                }
            }
            let elapsed = start.elapsed();
            if self.cancelled() {
                progress.clear();
                return Err(Error::statement(format!("Cancelled waiting for {name}")));
            }
            if elapsed >= timeout {
                progress.clear();
                let error = Error::statement(format!(
                    "Timed out after {} s waiting for connector {name} to run; last state: {last}",
                    timeout.as_secs()
                ));
                return Err(if held_since.is_some() {
                    error.with_hint(format!("resume it: RESUME CONNECTOR {};", quoted(&name)))
                } else {
                    error
                });
            }
            progress.show(&format!(
                "waiting for {name}: {last} ({} s)",
                elapsed.as_secs()
            ));
            std::thread::sleep(Duration::from_millis(500).min(timeout - elapsed));
        }
    }
}

impl Session {
    /// Whether the connector has no task configs (`GET /connectors/{c}` lists none).
    fn has_no_tasks(&self, name: &str) -> bool {
        let Ok(path) = connector_path(name, "") else {
            return false;
        };
        self.send_json::<crate::connect::model::ConnectorInfo>(&Request::get(path))
            .map(|info| info.tasks.is_empty())
            .unwrap_or(false)
    }
}

/// The error WAIT FOR stops with when the connector or one of its tasks has FAILED (the
/// trace's first line, and where the whole trace is), or `None`.
pub(super) fn failure(name: &str, st: &ConnectorStatus) -> Option<Error> {
    let what = if st.connector.state == ConnectorState::Failed {
        Error::statement(format!(
            "Connector {name} FAILED{}",
            trace_suffix(st.connector.trace.as_deref())
        ))
    } else {
        let t = st
            .tasks
            .iter()
            .find(|t| t.state == ConnectorState::Failed)?;
        Error::statement(format!(
            "Task {} of connector {name} FAILED{}",
            t.id,
            trace_suffix(t.trace.as_deref())
        ))
    };
    Some(what.with_hint(format!(
        "DESCRIBE CONNECTOR {} EXTENDED shows the whole trace",
        quoted(name)
    )))
}

/// How long WAIT FOR sees PAUSED or STOPPED before it says "resume it" (a RESUME sent just
/// before takes a moment to show in the status).
pub(super) const HELD_GRACE: Duration = Duration::from_secs(3);

/// `:` and the trace's first line (cut as DESCRIBE cuts it), or nothing.
fn trace_suffix(trace: Option<&str>) -> String {
    let Some(trace) = trace.map(str::trim).filter(|t| !t.is_empty()) else {
        return String::new();
    };
    let (short, _) = crate::output::first_line(trace, crate::output::TRACE_LINE_MAX);
    format!(":\n{short}")
}

/// A connector name as it is typed in a statement.
fn quoted(name: &str) -> std::borrow::Cow<'_, str> {
    crate::lang::ident::quote_name(name)
}

/// One self-overwriting status line on standard error (only when enabled).
pub(super) struct Progress {
    on: bool,
    shown: bool,
}

impl Progress {
    pub(super) fn new(on: bool) -> Progress {
        Progress { on, shown: false }
    }

    pub(super) fn show(&mut self, text: &str) {
        if self.on {
            let mut err = std::io::stderr();
            let _ = write!(err, "\r\x1b[2K{}", crate::secrets::escape_control(text));
            let _ = err.flush();
            self.shown = true;
        }
    }

    pub(super) fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}
