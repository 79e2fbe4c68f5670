//! WATCH's log: one line (or one JSON document) per event, for scripts, pipes and `tail -f`.
//! Events: the start (its statement and interval; the starting result is rendered by the
//! caller as any result is), each [`Change`], a failed fetch and the recovery from it, each
//! restart of `RESTART FAILED` with Connect's answer, and giving up on a connector. Pure: the
//! caller passes the time; values are shortened to one line and control characters escaped,
//! so a line is always one line.

use serde_json::{Map, Value, json};

use super::diff::{Change, Kind};
use crate::output::{TRACE_LINE_MAX, first_line};
use crate::render::table::cell_text;
use crate::secrets::escape_control;

/// Something a WATCH reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// WATCH began; `statement` is its canonical text.
    Start {
        statement: String,
        every_secs: u64,
    },
    Change(Change),
    /// A fetch failed (`repeats`: how many in a row so far, this one included).
    FetchFailed {
        message: String,
        repeats: u32,
    },
    /// A fetch worked again after `failures` failed ones.
    Recovered {
        failures: u32,
    },
    /// `RESTART FAILED` restarted `connector` (restart `attempt` of `max`) because of `why`;
    /// `answer` is what Connect said (`Ok`) or the error (`Err`).
    Restart {
        connector: String,
        attempt: u32,
        max: u32,
        why: String,
        answer: Result<String, String>,
    },
    /// `RESTART FAILED` leaves `connector` alone after `restarts` restarts.
    GiveUp {
        connector: String,
        restarts: u32,
    },
}

/// One line of text (no newline) for `event` at `time`.
pub fn line(time: &str, event: &Event) -> String {
    let body = match event {
        Event::Start {
            statement,
            every_secs,
        } => format!("watching {} every {every_secs}s", one_line(statement)),
        Event::Change(c) => change_text(c),
        Event::FetchFailed { message, repeats } => match repeats {
            1 => format!("fetch failed: {}", one_line(message)),
            n => format!("fetch failed ({n} in a row): {}", one_line(message)),
        },
        Event::Recovered { failures } => {
            format!("fetch works again after {failures} failed")
        }
        Event::Restart {
            connector,
            attempt,
            max,
            why,
            answer,
        } => {
            let answer = match answer {
                Ok(text) => one_line(text),
                Err(text) => format!("failed: {}", one_line(text)),
            };
            format!(
                "restart connector {} (restart {attempt} of {max}; {}): {answer}",
                escape_control(connector),
                escape_control(&first_line(why, 2 * TRACE_LINE_MAX).0)
            )
        }
        Event::GiveUp {
            connector,
            restarts,
        } => format!(
            "connector {} still failing after {restarts} restarts: RESTART FAILED leaves it alone",
            escape_control(connector)
        ),
    };
    format!("{time} {body}")
}

/// One JSON document for `event` at `time`: `{"type": "watch_...", "time": ..., ...}`.
pub fn json(time: &str, event: &Event) -> Value {
    let doc = match event {
        Event::Start {
            statement,
            every_secs,
        } => json!({"type": "watch_start", "statement": statement, "every_seconds": every_secs}),
        Event::Change(c) => {
            let subject: Map<String, Value> = c
                .subject
                .iter()
                .map(|(noun, id)| (noun.clone(), Value::String(id.clone())))
                .collect();
            let mut doc = json!({
                "type": "watch_change",
                "change": c.kind.word(),
                "subject": subject,
            });
            if let Some(field) = &c.field {
                doc["field"] = Value::String(field.key.clone());
            }
            doc["from"] = c.from.clone().unwrap_or(Value::Null);
            doc["to"] = c.to.clone().unwrap_or(Value::Null);
            doc
        }
        Event::FetchFailed { message, repeats } => {
            json!({"type": "watch_error", "message": message, "repeats": repeats})
        }
        Event::Recovered { failures } => json!({"type": "watch_recovered", "failures": failures}),
        Event::Restart {
            connector,
            attempt,
            max,
            why,
            answer,
        } => {
            let mut doc = json!({
                "type": "watch_restart",
                "connector": connector,
                "attempt": attempt,
                "max_restarts": max,
                "reason": why,
                "ok": answer.is_ok(),
            });
            match answer {
                Ok(text) => doc["answer"] = Value::String(text.clone()),
                Err(text) => doc["error"] = Value::String(text.clone()),
            }
            doc
        }
        Event::GiveUp {
            connector,
            restarts,
        } => json!({"type": "watch_give_up", "connector": connector, "restarts": restarts}),
    };
    // "type" first, then "time": the order a reader scans.
    let mut ordered = Map::new();
    if let Value::Object(map) = doc {
        let kind = map.get("type").cloned().unwrap_or(Value::Null);
        ordered.insert("type".into(), kind);
        ordered.insert("time".into(), Value::String(time.to_string()));
        ordered.extend(map.into_iter().filter(|(k, _)| k != "type"));
    }
    Value::Object(ordered)
}

/// `connector fs-src task 0: state RUNNING -> FAILED`, `connector c appeared: SOURCE, RUNNING`.
fn change_text(c: &Change) -> String {
    let subject = c
        .subject
        .iter()
        .map(|(noun, id)| format!("{noun} {}", escape_control(id)))
        .collect::<Vec<_>>()
        .join(" ");
    match c.kind {
        Kind::Appeared => match c.to.as_ref().map(row_summary) {
            Some(summary) if !summary.is_empty() => format!("{subject} appeared: {summary}"),
            _ => format!("{subject} appeared"),
        },
        Kind::Disappeared => format!("{subject} disappeared"),
        Kind::Changed => {
            let field = c
                .field
                .as_ref()
                .map_or(String::new(), |f| f.title.to_lowercase());
            format!(
                "{subject}: {field} {} -> {}",
                value_text(c.from.as_ref()),
                value_text(c.to.as_ref())
            )
        }
    }
}

/// The values of a row after its first (the key, already in the subject).
fn row_summary(row: &Value) -> String {
    match row {
        Value::Object(map) => map
            .values()
            .skip(1)
            .map(|v| one_line(&cell_text(v)))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        other => one_line(&cell_text(other)),
    }
}

/// A value as one short line; absent and empty values as `(none)`.
fn value_text(v: Option<&Value>) -> String {
    match v.map(cell_text) {
        Some(t) if !t.trim().is_empty() => one_line(&t),
        _ => "(none)".into(),
    }
}

/// The first line, at most [`TRACE_LINE_MAX`] characters, control characters escaped.
fn one_line(text: &str) -> String {
    escape_control(&first_line(text, TRACE_LINE_MAX).0).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Column;

    const T: &str = "2026-12-01T12:00:05Z";

    fn change(kind: Kind, subject: &[(&str, &str)], field: Option<(&str, &str)>) -> Change {
        Change {
            kind,
            subject: subject
                .iter()
                .map(|(n, i)| (n.to_string(), i.to_string()))
                .collect(),
            field: field.map(|(t, k)| Column::new(t, k)),
            from: None,
            to: None,
        }
    }

    fn events() -> Vec<Event> {
        let mut state = change(
            Kind::Changed,
            &[("connector", "fs-src")],
            Some(("Status", "status")),
        );
        state.from = Some(json!("RUNNING (1/1 tasks RUNNING)"));
        state.to = Some(json!("PAUSED"));
        let mut task = change(
            Kind::Changed,
            &[("connector", "fs-src"), ("task", "0")],
            Some(("Error Trace", "error_trace")),
        );
        task.to = Some(json!(
            "org.apache.kafka.connect.errors.ConnectException: boom\n\tat x.y(Z.java:1)"
        ));
        let mut appeared = change(Kind::Appeared, &[("connector", "new\u{1b}[31m")], None);
        appeared.to = Some(json!({"connector_name": "new", "type": "SINK", "status": "RUNNING"}));
        vec![
            Event::Start {
                statement: "SHOW CONNECTORS LIKE 'fs-%'".into(),
                every_secs: 5,
            },
            Event::Change(state),
            Event::Change(task),
            Event::Change(appeared),
            Event::Change(change(Kind::Disappeared, &[("connector", "old")], None)),
            Event::FetchFailed {
                message: "cannot reach Kafka Connect at http://localhost:8083\nhint: ...".into(),
                repeats: 1,
            },
            Event::FetchFailed {
                message: "cannot reach Kafka Connect at http://localhost:8083".into(),
                repeats: 3,
            },
            Event::Recovered { failures: 3 },
            Event::Restart {
                connector: "fs-src".into(),
                attempt: 2,
                max: 5,
                why:
                    "connector FAILED, task 0 FAILED: java.nio.file.AccessDeniedException: /tmp/in"
                        .into(),
                answer: Ok(
                    "Restarted connector fs-src: restarting the connector and 1 task(s)".into(),
                ),
            },
            Event::Restart {
                connector: "fs-src".into(),
                attempt: 3,
                max: 5,
                why: "task 1 FAILED".into(),
                answer: Err("Connector 'fs-src' does not exist.".into()),
            },
            Event::GiveUp {
                connector: "fs-src".into(),
                restarts: 5,
            },
        ]
    }

    #[test]
    fn change_lines() {
        let text: String = events().iter().map(|e| line(T, e) + "\n").collect();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn change_documents() {
        let text: String = events()
            .iter()
            .map(|e| serde_json::to_string(&json(T, e)).unwrap() + "\n")
            .collect();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn every_line_is_one_line() {
        for e in events() {
            assert!(!line(T, &e).contains('\n'), "{e:?}");
            assert!(!line(T, &e).contains('\u{1b}'), "{e:?}");
        }
    }
}
