//! Bulk statements (`PAUSE | RESUME | STOP | RESTART | DROP CONNECTORS [LIKE] [WHERE]`): which
//! connectors they select (the one listing, LIKE, then the WHERE condition over each
//! connector's [`Facts`]), and acting on them with bounded concurrency: one result row per
//! connector in name order whatever the completion order, partial failure reported as such,
//! and a cancel (Ctrl-C) that stops sending and says what was sent. Every request still goes
//! through `Session::send`; outside live mode one at a time, so a recorded log (EXPLAIN, dry
//! run) is in name order.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::http::Request;
use super::s;
use super::{Mode, Session};
use crate::connect::model::{ConnectorState, ExpandedConnector};
use crate::error::Error;
use crate::lang::ast::Filter;
use crate::lang::filter::Facts;
use crate::output::{Block, Column, Output};

/// Default of `bulk.concurrency` / `--concurrency`: chosen by measurement (BENCHMARKS.md,
/// 1000 STOP requests on a real worker): beyond 8 in flight the worker, not kcsh, is the limit.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// The most requests in flight a session allows (a worker is one JVM; more only queues there).
pub const MAX_CONCURRENCY: usize = 64;

/// The state of a connector Connect has no status for yet.
static NO_STATUS: ConnectorState = ConnectorState::Unassigned;

/// What a condition knows about connector `name` from its expanded listing entry.
pub(super) fn facts<'a>(name: &'a str, c: &'a ExpandedConnector) -> Facts<'a> {
    let status = c.status.as_ref();
    let count = |state: ConnectorState| {
        status.map_or(0, |s| s.tasks.iter().filter(|t| t.state == state).count()) as u64
    };
    Facts {
        name,
        kind: c
            .info
            .as_ref()
            .and_then(|i| i.kind)
            .or_else(|| status.and_then(|s| s.kind)),
        class: c
            .info
            .as_ref()
            .and_then(|i| i.config.get("connector.class"))
            .map_or("", String::as_str),
        state: status.map_or(&NO_STATUS, |s| &s.connector.state),
        worker_id: status
            .and_then(|s| s.connector.worker_id.as_deref())
            .unwrap_or(""),
        tasks: match status {
            Some(s) => s.tasks.len(),
            None => c.info.as_ref().map_or(0, |i| i.tasks.len()),
        } as u64,
        failed_tasks: count(ConnectorState::Failed),
        running_tasks: count(ConnectorState::Running),
    }
}

/// What became of one connector of a bulk statement.
enum Outcome {
    Done(String),
    Failed(String),
    /// Cancelled before its request was sent.
    NotSent,
}

impl Session {
    /// Bulk statements' concurrency (`SET 'bulk.concurrency'`, `--concurrency`).
    pub(super) fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// `SET 'bulk.concurrency' = 'n'`: 1 to [`MAX_CONCURRENCY`].
    pub(super) fn set_concurrency(&mut self, value: &str) -> Result<(), Error> {
        match value.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => {
                self.concurrency = n;
                Ok(())
            }
            _ => Err(Error::usage(format!(
                "'bulk.concurrency' takes a number of requests from 1 to {MAX_CONCURRENCY}, not '{value}'"
            ))),
        }
    }

    /// The connectors a bulk statement selects, in name order: every connector whose name
    /// matches `like` and that satisfies `filter`. The condition's values are checked first
    /// (variables are resolved by now), so a wrong state is an error, not an empty selection.
    pub fn matching(
        &self,
        like: Option<&str>,
        filter: Option<&Filter>,
    ) -> Result<Vec<String>, Error> {
        let by_name = |n: &str| like.is_none_or(|p| crate::lang::like::like(p, n));
        let Some(filter) = filter else {
            // The plain listing: it has every connector, even one without a status yet.
            let mut names: Vec<String> = self.send_json(&Request::get("/connectors"))?;
            names.retain(|n| by_name(n));
            names.sort();
            return Ok(names);
        };
        let filter = filter.checked().map_err(Error::usage)?;
        Ok(self
            .all_connectors()?
            .iter()
            .filter(|(name, c)| by_name(name) && filter.matches(&facts(name, c)))
            .map(|(name, _)| name.clone())
            .collect())
    }

    /// Runs `act` on each of `names` (a bulk statement's selection, in name order), at most
    /// [`Session::concurrency`] at a time, and reports one row per connector in that order.
    /// Fails (after showing every row) when any failed or the statement was cancelled.
    pub(super) fn for_each_connector(
        &self,
        names: &[String],
        word: &str,
        act: impl Fn(&str) -> Result<String, Error> + Sync,
    ) -> Result<Output, Error> {
        let outcomes = self.run_each(names, &act);
        let (mut failed, mut not_sent) = (0, 0);
        let rows = names
            .iter()
            .zip(&outcomes)
            .map(|(name, outcome)| {
                let result = match outcome {
                    Outcome::Done(msg) => msg.clone(),
                    Outcome::Failed(e) => {
                        failed += 1;
                        format!("FAILED: {e}")
                    }
                    Outcome::NotSent => {
                        not_sent += 1;
                        "not sent (cancelled)".to_owned()
                    }
                };
                vec![s(name.clone()), s(result)]
            })
            .collect();
        let total = names.len();
        let output = Output::new("bulk_result").with(Block::Table {
            name: "results".into(),
            title: None,
            columns: Column::list(&[("Connector", "connector"), ("Result", "result")]),
            rows,
        });
        if not_sent > 0 {
            let sent = total - not_sent;
            let also = if failed > 0 {
                format!(" ({failed} of them failed)")
            } else {
                String::new()
            };
            return Err(Error::failed(
                format!(
                    "Cancelled: {word} was sent for {sent} of {total} connector(s){also}; \
                     {not_sent} were not sent"
                ),
                output,
            ));
        }
        if failed > 0 {
            return Err(Error::failed(
                format!("{word} failed for {failed} of {total} connector(s)"),
                output,
            ));
        }
        Ok(output)
    }

    /// The outcome of `act` for each name, in the names' order. Workers take the next name
    /// until none is left or the statement is cancelled.
    fn run_each(
        &self,
        names: &[String],
        act: &(impl Fn(&str) -> Result<String, Error> + Sync),
    ) -> Vec<Outcome> {
        let run = |name: &str| match act(name) {
            Ok(msg) => Outcome::Done(msg),
            Err(e) => Outcome::Failed(e.to_string()),
        };
        // Recorded runs (EXPLAIN, dry run) one by one: their log is then in name order.
        let workers = if self.mode == Mode::Live {
            self.concurrency()
                .clamp(1, MAX_CONCURRENCY)
                .min(names.len())
        } else {
            1
        };
        if workers <= 1 {
            return names
                .iter()
                .map(|n| {
                    if self.cancelled() {
                        Outcome::NotSent
                    } else {
                        run(n)
                    }
                })
                .collect();
        }
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<Outcome>>> = names.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    while !self.cancelled() {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(name) = names.get(i) else { break };
                        let outcome = run(name);
                        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                    }
                });
            }
        });
        slots
            .into_iter()
            .map(|m| {
                m.into_inner()
                    .unwrap_or_else(|p| p.into_inner())
                    .unwrap_or(Outcome::NotSent)
            })
            .collect()
    }

    /// `DROP CONNECTORS [LIKE 'p'] [WHERE c] [FORCE]`. Live and without FORCE it is refused,
    /// listing what it would drop (the interactive shell asks, then runs it with FORCE and the
    /// names it showed); a dry run and EXPLAIN show the drops.
    pub(super) fn drop_connectors(
        &self,
        like: Option<&str>,
        filter: Option<&Filter>,
        force: bool,
    ) -> Result<Output, Error> {
        let names = self.matching(like, filter)?;
        if names.is_empty() {
            return Ok(Output::warning(none_match(like, filter)));
        }
        if !force && self.mode == Mode::Live {
            let rows = names
                .iter()
                .map(|n| vec![s(n.clone()), s("not dropped")])
                .collect();
            let output = Output::new("bulk_result").with(Block::Table {
                name: "results".into(),
                title: None,
                columns: Column::list(&[("Connector", "connector"), ("Result", "result")]),
                rows,
            });
            return Err(Error::failed(
                format!(
                    "DROP CONNECTORS would drop {} connector(s); nothing was dropped without FORCE",
                    names.len()
                ),
                output,
            )
            .with_hint(
                "add FORCE to drop them (in a script), or run it in the interactive shell to \
                 be asked; --dry-run shows what it would drop",
            ));
        }
        self.for_each_connector(&names, "DROP", |name| {
            self.drop_connector(&crate::lang::ast::Name::Quoted(name.to_owned()), false)
                .map(|_| format!("Dropped connector \"{name}\""))
        })
    }
}

/// `No connector matches ...`: the selection was empty.
pub(super) fn none_match(like: Option<&str>, filter: Option<&Filter>) -> String {
    match (like, filter) {
        (Some(p), Some(f)) => format!("No connector matches '{p}' with {f}"),
        (Some(p), None) => format!("No connector matches '{p}'"),
        (None, Some(f)) => format!("No connector matches {f}"),
        (None, None) => "There are no connectors".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Fake, parse};
    use super::super::{Options, Session};
    use crate::error::ErrorKind;
    use crate::output::{Block, Output};

    const LISTING: &str = r#"{
        "b-failed": {"status": {"name": "b-failed", "connector": {"state": "FAILED", "worker_id": "w1"}, "tasks": [], "type": "sink"},
                     "info": {"name": "b-failed", "config": {"connector.class": "io.x.JdbcSinkConnector"}, "tasks": [], "type": "sink"}},
        "a-ok": {"status": {"name": "a-ok", "connector": {"state": "RUNNING", "worker_id": "w1"}, "tasks": [{"id": 0, "state": "RUNNING"}], "type": "source"},
                 "info": {"name": "a-ok", "config": {"connector.class": "FileStreamSource"}, "tasks": [{"connector": "a-ok", "task": 0}], "type": "source"}},
        "c-task": {"status": {"name": "c-task", "connector": {"state": "RUNNING", "worker_id": "w2"}, "tasks": [{"id": 0, "state": "RUNNING"}, {"id": 1, "state": "FAILED"}], "type": "sink"},
                   "info": {"name": "c-task", "config": {"connector.class": "io.x.JdbcSinkConnector"}, "tasks": [], "type": "sink"}}
    }"#;

    fn worker(extra: Vec<(&'static str, u16, &'static str)>) -> Fake {
        let mut routes = vec![
            ("GET /", 200, r#"{"version":"4.1.0"}"#),
            ("GET /connectors?expand=status&expand=info", 200, LISTING),
            ("GET /connectors", 200, r#"["c-task","a-ok","b-failed"]"#),
            (
                "GET /connectors/a-ok",
                200,
                r#"{"name":"a-ok","config":{},"tasks":[]}"#,
            ),
            (
                "GET /connectors/b-failed",
                200,
                r#"{"name":"b-failed","config":{},"tasks":[]}"#,
            ),
            (
                "GET /connectors/c-task",
                200,
                r#"{"name":"c-task","config":{},"tasks":[]}"#,
            ),
        ];
        routes.extend(extra);
        Fake::start(routes)
    }

    fn rows(out: &Output) -> Vec<(String, String)> {
        let Some(Block::Table { rows, .. }) = out.blocks.first() else {
            panic!("{out:?}")
        };
        rows.iter()
            .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
            .collect()
    }

    fn writes(fake: &Fake) -> Vec<String> {
        fake.seen()
            .into_iter()
            .filter(|r| !r.starts_with("GET "))
            .collect()
    }

    #[test]
    fn a_condition_selects_by_state_and_failed_tasks() {
        let fake = worker(vec![
            ("PUT /connectors/b-failed/pause", 202, ""),
            ("PUT /connectors/c-task/pause", 202, ""),
        ]);
        let mut s = fake.session();
        let out = s
            .execute(&parse(
                "PAUSE CONNECTORS WHERE state = 'FAILED' OR failed_tasks > 0",
            ))
            .unwrap();
        assert_eq!(
            rows(&out),
            [
                ("b-failed".into(), "Paused connector b-failed".into()),
                ("c-task".into(), "Paused connector c-task".into())
            ]
        );
        let mut w = writes(&fake);
        w.sort();
        assert_eq!(
            w,
            [
                "PUT /connectors/b-failed/pause",
                "PUT /connectors/c-task/pause"
            ]
        );
        // SHOW CONNECTORS filters the same way; class LIKE and type.
        let out = s
            .execute(&parse(
                "SHOW SINK CONNECTORS WHERE class LIKE '%Jdbc%' AND worker_id = 'w2'",
            ))
            .unwrap();
        let Block::Table { rows, .. } = &out.blocks[0] else {
            panic!()
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], "c-task");
        // Nothing matches: said so, nothing sent.
        let before = writes(&fake).len();
        let out = s
            .execute(&parse("STOP CONNECTORS WHERE tasks > 5"))
            .unwrap();
        assert_eq!(out, Output::warning("No connector matches tasks > 5"));
        assert_eq!(writes(&fake).len(), before);
    }

    #[test]
    fn partial_failure_names_each_failure_in_name_order_and_still_changed_state() {
        let fake = worker(vec![
            ("PUT /connectors/a-ok/stop", 204, ""),
            (
                "PUT /connectors/b-failed/stop",
                500,
                r#"{"error_code":500,"message":"Boom from Connect"}"#,
            ),
            ("PUT /connectors/c-task/stop", 204, ""),
        ]);
        let mut s = fake.session();
        s.set_property("bulk.concurrency", "3").unwrap();
        let e = s.execute(&parse("STOP CONNECTORS LIKE '%'")).unwrap_err();
        assert!(e.is(ErrorKind::Statement));
        assert_eq!(e.message, "STOP failed for 1 of 3 connector(s)");
        let out = e.output.unwrap();
        let r = rows(&out);
        assert_eq!(
            r.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["a-ok", "b-failed", "c-task"]
        );
        assert!(
            r[1].1.starts_with("FAILED: ") && r[1].1.contains("Boom from Connect"),
            "{r:?}"
        );
        assert!(s.changed_state(), "two stops were confirmed");
    }

    #[test]
    fn bulk_drop_is_refused_without_force_and_shown_by_a_dry_run() {
        let fake = worker(vec![
            ("DELETE /connectors/b-failed", 204, ""),
            ("DELETE /connectors/c-task", 204, ""),
        ]);
        let mut s = fake.session();
        let e = s
            .execute(&parse("DROP CONNECTORS WHERE type = 'SINK'"))
            .unwrap_err();
        assert_eq!(
            e.message,
            "DROP CONNECTORS would drop 2 connector(s); nothing was dropped without FORCE"
        );
        assert!(e.hint.as_deref().unwrap().contains("FORCE"));
        assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
        assert!(!s.changed_state());
        // EXPLAIN and the dry run show the drops, in name order.
        let out = s
            .execute(&parse("EXPLAIN DROP CONNECTORS WHERE type = 'SINK'"))
            .unwrap();
        let Block::Text { text, .. } = &out.blocks[0] else {
            panic!()
        };
        let deletes: Vec<&str> = text.lines().filter(|l| l.starts_with("DELETE")).collect();
        assert_eq!(
            deletes,
            ["DELETE /connectors/b-failed", "DELETE /connectors/c-task"]
        );
        let mut dry = fake.session_with(Options {
            dry_run: true,
            ..Default::default()
        });
        let out = dry
            .execute(&parse("DROP CONNECTORS WHERE type = 'SINK'"))
            .unwrap();
        let messages: Vec<&Block> = out
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Message(_)))
            .collect();
        assert_eq!(
            messages,
            [
                &Block::Message("Would drop connector \"b-failed\"".into()),
                &Block::Message("Would drop connector \"c-task\"".into())
            ]
        );
        assert!(writes(&fake).is_empty());
        // FORCE drops them.
        let out = s
            .execute(&parse("DROP CONNECTORS WHERE type = 'SINK' FORCE"))
            .unwrap();
        assert_eq!(rows(&out).len(), 2);
        let mut w = writes(&fake);
        w.sort();
        assert_eq!(
            w,
            ["DELETE /connectors/b-failed", "DELETE /connectors/c-task"]
        );
    }

    #[test]
    fn a_cancelled_bulk_statement_sends_nothing_more_and_says_so() {
        let fake = worker(vec![("PUT /connectors/a-ok/pause", 202, "")]);
        let mut s = fake.session();
        s.cancel_flag()
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let e = s.execute(&parse("PAUSE CONNECTORS")).unwrap_err();
        assert_eq!(
            e.message,
            "Cancelled: PAUSE was sent for 0 of 3 connector(s); 3 were not sent"
        );
        let out = e.output.unwrap();
        assert!(rows(&out).iter().all(|(_, r)| r == "not sent (cancelled)"));
        assert!(writes(&fake).is_empty());
    }

    #[test]
    fn wrong_values_from_variables_fail_before_anything_is_sent() {
        let fake = worker(vec![]);
        let mut s = fake.session();
        let stmt = parse("PAUSE CONNECTORS WHERE state = '${s}'");
        let mut vars = crate::lang::vars::Variables::new();
        vars.define("s", "sleepy");
        let stmt = crate::lang::vars::resolve(&stmt, &vars).unwrap();
        let e = s.execute(&stmt).unwrap_err();
        assert!(e.is(ErrorKind::Usage), "{e:?}");
        assert!(e.message.contains("unknown state 'sleepy'"), "{e}");
        assert!(fake.seen().is_empty(), "{:?}", fake.seen());
    }

    #[test]
    fn concurrency_is_a_bounded_session_property() {
        let mut s = Session::offline().unwrap();
        assert_eq!(s.concurrency(), super::DEFAULT_CONCURRENCY);
        s.set_property("bulk.concurrency", "16").unwrap();
        assert_eq!(s.concurrency(), 16);
        for bad in ["0", "65", "x", "-1"] {
            assert!(s.set_property("bulk.concurrency", bad).is_err(), "{bad}");
        }
        s.unset_property("bulk.concurrency").unwrap();
        assert_eq!(s.concurrency(), super::DEFAULT_CONCURRENCY);
        let flagged = Session::with_settings(
            &crate::connect::config::Settings {
                urls: vec!["http://127.0.0.1:9".into()],
                ..Default::default()
            },
            Options {
                concurrency: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(flagged.concurrency(), 2);
    }
}
