//! What EXPLAIN and `--dry-run` print, both from the transport's log of the statement's
//! requests (see transport.rs), never from a description of the statement:
//! [`explain_text`] lists requests; [`Session::preview`] describes each recorded write in words
//! (create with its config table, per-key diff of a config update against the live config,
//! drop, pause/resume/stop, restart, offsets, topics, loggers), keyed by the request alone.
//! Secret values are masked here for display only (the request log itself is never changed).
//! [`Session::effect`] adds what a write changes (create / update / unchanged / drop / other)
//! and the connector config its description was computed against: a fleet plan
//! (`crate::plan`) counts and guards by those, and prints the same words.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Session;
use super::http::{Method, Request};
use super::s;
use super::transport::{connector_segment, decode};
use crate::error::Error;
use crate::output::{Block, Output};
use crate::secrets::Masker;

/// What one recorded write would change, as a plan counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    /// A config write that leaves the config as it is.
    Unchanged,
    Drop,
    /// Any other write (pause, restart, offsets, loggers, ...).
    Other,
}

/// What the description of a write read about its connector: the state a later write must
/// still find for the description to hold (see `guard.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    Missing,
    Config(BTreeMap<String, String>),
}

/// One recorded write, described.
#[derive(Debug, Clone)]
pub struct Effect {
    /// The connector the write is about, if any.
    pub connector: Option<String>,
    pub change: Change,
    /// What the description was computed against (config writes and drops), else `None`.
    pub basis: Option<Basis>,
    /// The dry run's words (and tables) for it, secrets masked.
    pub blocks: Vec<Block>,
    /// The basis as a saved plan may keep it ([`Session::plan`] fills it in): `"missing"`, or
    /// the config with every secret value masked, whatever `show.secrets` says.
    pub read: Option<Value>,
}

impl Session {
    /// The dry-run result of a statement whose run recorded `writes`.
    pub(super) fn preview(&self, writes: &[Request]) -> Result<Output, Error> {
        let mut out = Output::new("dry_run");
        for req in writes {
            for block in self.effect(req)?.blocks {
                out = out.with(block);
            }
        }
        Ok(out)
    }

    /// One recorded write described: creates, config writes and drops here, every other
    /// write by [`Session::describe_write`]'s words.
    pub(super) fn effect(&self, req: &Request) -> Result<Effect, Error> {
        let effect = |connector: String, change, basis, blocks| Effect {
            connector: Some(connector),
            change,
            basis,
            blocks,
            read: None,
        };
        if req.method == Method::Post && req.path == "/connectors" {
            let body = req.body.clone().unwrap_or(Value::Null);
            let name = body["name"].as_str().unwrap_or_default().to_string();
            let blocks = self.create_preview(&name, &flat_config(&body["config"]));
            // The transport's dry-run probe found no connector of that name.
            return Ok(effect(name, Change::Create, Some(Basis::Missing), blocks));
        }
        let connector = connector_segment(&req.path).map(|(segment, rest)| (decode(segment), rest));
        match (req.method, &connector) {
            (Method::Delete, Some((name, ""))) => {
                let basis = match self.live_config(name)? {
                    Some(config) => Basis::Config(config),
                    None => Basis::Missing,
                };
                let blocks = self.describe_write(req)?;
                Ok(effect(name.clone(), Change::Drop, Some(basis), blocks))
            }
            (Method::Put | Method::Patch, Some((name, "/config"))) => {
                self.config_change(name, req.method == Method::Patch, req.body.as_ref())
            }
            _ => Ok(Effect {
                connector: connector.map(|(name, _)| name),
                change: Change::Other,
                basis: None,
                blocks: self.describe_write(req)?,
                read: None,
            }),
        }
    }

    /// EXPLAIN's text: every request, bodies masked.
    pub(super) fn explain_requests(&self, reqs: &[Request]) -> String {
        let masked: Vec<Request> = reqs
            .iter()
            .map(|r| {
                let mut r = r.clone();
                if let Some(body) = r.body.as_mut() {
                    let class = body
                        .get("connector.class")
                        .or_else(|| body.get("config").and_then(|c| c.get("connector.class")))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    self.masker_for(class.as_deref()).mask_json(body);
                }
                r
            })
            .collect();
        explain_text(&masked)
    }

    /// The blocks describing one recorded write.
    fn describe_write(&self, req: &Request) -> Result<Vec<Block>, Error> {
        let msg = |text: String| vec![Block::Message(text)];
        let query = |key: &str| req.query.iter().any(|(k, v)| k == key && v == "true");
        if req.method == Method::Post && req.path == "/connectors" {
            let body = req.body.clone().unwrap_or(Value::Null);
            let name = body["name"].as_str().unwrap_or_default().to_string();
            let config = flat_config(&body["config"]);
            return Ok(self.create_preview(&name, &config));
        }
        if let Some(logger) = req.path.strip_prefix("/admin/loggers/") {
            let level = req
                .body
                .as_ref()
                .and_then(|b| b["level"].as_str())
                .unwrap_or_default();
            let scope = if req
                .query
                .iter()
                .any(|(k, v)| k == "scope" && v == "cluster")
            {
                "every worker of the cluster".to_string()
            } else {
                crate::secrets::redact_url(self.client.url())
            };
            return Ok(msg(format!(
                "Would set logger {} to {level} on {scope}",
                decode(logger)
            )));
        }
        let Some((segment, rest)) = connector_segment(&req.path) else {
            return Ok(self.raw(req));
        };
        let name = decode(segment);
        Ok(match (req.method, rest) {
            (Method::Delete, "") => msg(format!("Would drop connector \"{name}\"")),
            (Method::Put, "/pause") => msg(format!("Would pause connector {name}")),
            (Method::Put, "/resume") => msg(format!("Would resume connector {name}")),
            (Method::Put, "/stop") => msg(format!("Would stop connector {name}")),
            (Method::Post, "/restart") => {
                let mut text = format!("Would restart connector {name}");
                if query("includeTasks") {
                    text.push_str(" and its tasks");
                }
                if query("onlyFailed") {
                    text.push_str(" (only the failed instances)");
                }
                msg(text)
            }
            (Method::Put, "/topics/reset") => {
                msg(format!("Would reset the active topics of connector {name}"))
            }
            (Method::Delete, "/offsets") => {
                msg(format!("Would reset the offsets of connector {name}"))
            }
            (Method::Patch, "/offsets") => {
                let mut blocks = msg(format!("Would change the offsets of connector {name}"));
                blocks.extend(self.raw(req).into_iter().skip(1));
                blocks
            }
            (Method::Put | Method::Patch, "/config") => {
                self.config_change(&name, req.method == Method::Patch, req.body.as_ref())?
                    .blocks
            }
            (Method::Post, rest) if rest.starts_with("/tasks/") => {
                let task = rest
                    .trim_start_matches("/tasks/")
                    .trim_end_matches("/restart");
                msg(format!("Would restart task {task} of connector {name}"))
            }
            _ => self.raw(req),
        })
    }

    /// A basis as a saved plan keeps it: `"missing"`, or the config with secrets masked.
    pub(super) fn shown_basis(&self, basis: &Basis) -> Value {
        match basis {
            Basis::Missing => s("missing"),
            Basis::Config(config) => {
                let mut masker = self.masker_for(config.get("connector.class").map(String::as_str));
                masker.show = false;
                Value::Object(
                    config
                        .iter()
                        .map(|(k, v)| (k.clone(), s(masker.show(k, v).into_owned())))
                        .collect(),
                )
            }
        }
    }

    /// A write without words of its own: "Would send:" and the request.
    fn raw(&self, req: &Request) -> Vec<Block> {
        vec![
            Block::Message("Would send:".into()),
            Block::Text {
                name: "requests".into(),
                text: self.explain_requests(std::slice::from_ref(req)),
            },
        ]
    }

    fn create_preview(&self, name: &str, config: &[(String, String)]) -> Vec<Block> {
        let class = config
            .iter()
            .find(|(k, _)| k == "connector.class")
            .map(|(_, v)| v.as_str());
        let masker = self.masker_for(class);
        vec![
            Block::Message(format!("Would create connector {name}")),
            config_table(config, &masker),
        ]
    }

    /// A config update (PUT replaces, PATCH merges; `null` removes): the per-key diff against
    /// the live config, after checking the result the way CREATE does.
    fn config_change(
        &self,
        name: &str,
        patch: bool,
        body: Option<&Value>,
    ) -> Result<Effect, Error> {
        let body = body.cloned().unwrap_or(Value::Null);
        let effect = |change, basis, blocks| Effect {
            connector: Some(name.to_string()),
            change,
            basis: Some(basis),
            blocks,
            read: None,
        };
        let live = match self.live_config(name)? {
            Some(live) => live,
            None if !patch => {
                let blocks = self.create_preview(name, &flat_config(&body));
                return Ok(effect(Change::Create, Basis::Missing, blocks));
            }
            None => return Err(self.not_found(name)),
        };
        let mut new: Vec<(String, String)> = if patch {
            live.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        } else {
            Vec::new()
        };
        if let Value::Object(map) = &body {
            for (k, v) in map {
                new.retain(|(nk, _)| nk != k);
                if let Some(v) = v.as_str() {
                    new.push((k.clone(), v.to_string()));
                }
            }
        }
        let class = new
            .iter()
            .find(|(k, _)| k == "connector.class")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        self.check_valid(&class, &new, true)?;
        let masker = self.masker_for(Some(&class));
        let rows = config_diff(&live, &new, &masker);
        if rows.is_empty() {
            let blocks = vec![Block::Message(format!("Connector {name} would not change"))];
            return Ok(effect(Change::Unchanged, Basis::Config(live), blocks));
        }
        let blocks = vec![
            Block::Message(format!("Would update connector {name}")),
            Block::Table {
                name: "changes".into(),
                title: None,
                columns: crate::output::Column::list(&[
                    ("Change", "change"),
                    ("Key", "key"),
                    ("Old", "old"),
                    ("New", "new"),
                ]),
                rows,
            },
        ];
        Ok(effect(Change::Update, Basis::Config(live), blocks))
    }
}

/// A JSON config object as (key, value) strings, in order.
fn flat_config(config: &Value) -> Vec<(String, String)> {
    config
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn config_table(config: &[(String, String)], masker: &Masker) -> Block {
    Block::Table {
        name: "config".into(),
        title: None,
        columns: crate::output::Column::list(&[("Key", "key"), ("Value", "value")]),
        rows: config
            .iter()
            .map(|(k, v)| vec![s(k.clone()), s(masker.show(k, v))])
            .collect(),
    }
}

/// Rows `[change, key, old, new]`: removed, added and changed keys, sorted by key.
pub(super) fn config_diff(
    old: &BTreeMap<String, String>,
    new: &[(String, String)],
    masker: &Masker,
) -> Vec<Vec<Value>> {
    let new_map: BTreeMap<&str, &str> = new.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut keys: Vec<&str> = old.keys().map(String::as_str).collect();
    keys.extend(new_map.keys().copied());
    keys.sort();
    keys.dedup();
    let mut rows = Vec::new();
    for key in keys {
        let (change, o, n) = match (old.get(key).map(String::as_str), new_map.get(key).copied()) {
            (Some(o), Some(n)) if o == n => continue,
            (Some(o), Some(n)) => ("changed", Some(o), Some(n)),
            (Some(o), None) => ("removed", Some(o), None),
            (None, Some(n)) => ("added", None, Some(n)),
            (None, None) => continue,
        };
        let show = |v: Option<&str>| v.map(|v| s(masker.show(key, v))).unwrap_or(Value::Null);
        rows.push(vec![s(change), s(key), show(o), show(n)]);
    }
    rows
}

/// Renders requests for EXPLAIN: one line each, then the body, if any, indented.
pub fn explain_text(reqs: &[Request]) -> String {
    let mut out = String::new();
    for r in reqs {
        out.push_str(&r.to_string());
        out.push('\n');
        if let Some(body) = &r.body {
            let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
            for line in pretty.lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no requests)\n");
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::HIDDEN;

    #[test]
    fn diff_reports_added_removed_changed_and_masks() {
        let old: BTreeMap<String, String> =
            [("a", "1"), ("b", "2"), ("db.password", "x"), ("same", "s")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let new: Vec<(String, String)> =
            [("a", "9"), ("c", "3"), ("db.password", "y"), ("same", "s")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let rows = config_diff(&old, &new, &Masker::new(false));
        assert_eq!(
            rows,
            vec![
                vec![s("changed"), s("a"), s("1"), s("9")],
                vec![s("removed"), s("b"), s("2"), Value::Null],
                vec![s("added"), s("c"), Value::Null, s("3")],
                vec![s("changed"), s("db.password"), s(HIDDEN), s(HIDDEN)],
            ]
        );
    }

    #[test]
    fn explain_text_shows_bodies() {
        let text = explain_text(&[Request::put("/x").body(serde_json::json!({"a": "b"}))]);
        assert_eq!(text, "PUT /x\n    {\n      \"a\": \"b\"\n    }");
        assert_eq!(explain_text(&[]), "(no requests)");
    }
}
