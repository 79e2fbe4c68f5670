//! The plan as data: one [`Entry`] per write the scripts (and `--prune`) would make, from the
//! executor's own dry-run descriptions ([`Effect`]), plus the connectors the scripts declare
//! that need no write. Counts, the summary line, the table and JSON forms, and the comparison
//! with a saved plan. Pure: no I/O; every text in it is already masked by the executor.

use serde_json::{Map, Value, json};

use crate::exec::{Change, Effect};
use crate::output::{Block, Output};

/// One line of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The connector it is about (empty for writes about no connector, e.g. loggers).
    pub connector: String,
    pub change: Change,
    /// Where it comes from: `dir/a.sql, line 3` or `--prune 'app-%'`.
    pub place: String,
    /// The dry run's words for it (its first message is replaced by the plan's line).
    pub blocks: Vec<Block>,
    /// What the plan read about the connector, secrets masked (for the plan file).
    pub read: Option<Value>,
}

impl Entry {
    pub fn from_effect(effect: Effect, place: &str) -> Entry {
        Entry {
            connector: effect.connector.unwrap_or_default(),
            change: effect.change,
            place: place.to_string(),
            blocks: effect.blocks,
            read: effect.read,
        }
    }

    /// A declared connector that needs no write (CREATE ... IF NOT EXISTS of one that exists).
    pub fn unchanged(connector: &str, place: &str) -> Entry {
        Entry {
            connector: connector.to_string(),
            change: Change::Unchanged,
            place: place.to_string(),
            blocks: vec![Block::Message(format!(
                "Connector {connector} exists; the statement writes nothing"
            ))],
            read: None,
        }
    }

    /// The plan's line for it: `+ create  orders-src  (a.sql, line 3)`.
    fn headline(&self) -> String {
        let (sign, word) = words(self.change);
        let what = if self.connector.is_empty() {
            "-"
        } else {
            &self.connector
        };
        format!("{sign} {word:<9} {what}  ({})", self.place)
    }

    /// What the table form shows under the line: the config table of a create, the diff of
    /// an update (their first message says what the line says), all the words of any other
    /// write, nothing for an unchanged connector.
    fn details(&self) -> &[Block] {
        match (self.change, self.blocks.first()) {
            (Change::Unchanged, _) => &[],
            (Change::Other, _) => &self.blocks,
            (_, Some(Block::Message(_))) => &self.blocks[1..],
            _ => &self.blocks,
        }
    }

    /// The entry as JSON: `connector`, `action`, `source`, then its details by their own keys
    /// (`config`, `changes`, `requests`, `message`).
    fn to_json(&self, with_read: bool) -> Value {
        let mut doc = Map::new();
        doc.insert("connector".into(), Value::String(self.connector.clone()));
        doc.insert("action".into(), Value::String(action(self.change).into()));
        doc.insert("source".into(), Value::String(self.place.clone()));
        let details = Output {
            kind: String::new(),
            blocks: self.blocks.clone(),
        };
        if let Value::Object(map) = crate::render::json::to_value(&details) {
            for (k, v) in map {
                if k != "type" {
                    doc.insert(k, v);
                }
            }
        }
        if with_read && let Some(read) = &self.read {
            doc.insert("read".into(), read.clone());
        }
        Value::Object(doc)
    }
}

/// The JSON word of a change.
fn action(change: Change) -> &'static str {
    match change {
        Change::Create => "create",
        Change::Update => "update",
        Change::Unchanged => "unchanged",
        Change::Drop => "drop",
        Change::Other => "other",
    }
}

/// The sign and word of a change in the table form.
fn words(change: Change) -> (char, &'static str) {
    match change {
        Change::Create => ('+', "create"),
        Change::Update => ('~', "update"),
        Change::Unchanged => ('=', "unchanged"),
        Change::Drop => ('-', "drop"),
        Change::Other => ('*', "other"),
    }
}

/// The whole plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The script files read, in order.
    pub files: Vec<String>,
    pub prune: Option<String>,
    pub entries: Vec<Entry>,
}

impl Plan {
    pub fn count(&self, change: Change) -> usize {
        self.entries.iter().filter(|e| e.change == change).count()
    }

    /// Whether applying it would change the cluster.
    pub fn pending(&self) -> bool {
        self.entries.iter().any(|e| e.change != Change::Unchanged)
    }

    /// `Plan: 1 to create, 2 to update, 1 to drop, 3 unchanged.` (`No changes.` first when
    /// nothing is pending.)
    pub fn summary(&self) -> String {
        let mut parts = vec![
            format!("{} to create", self.count(Change::Create)),
            format!("{} to update", self.count(Change::Update)),
            format!("{} to drop", self.count(Change::Drop)),
        ];
        let other = self.count(Change::Other);
        if other > 0 {
            parts.push(format!(
                "{other} other change{}",
                if other == 1 { "" } else { "s" }
            ));
        }
        parts.push(format!("{} unchanged", self.count(Change::Unchanged)));
        let lead = if self.pending() { "" } else { "No changes. " };
        format!("{lead}Plan: {}.", parts.join(", "))
    }

    fn header(&self) -> String {
        let n = self.files.len();
        let mut text = format!(
            "Plan for {n} file{}: {}",
            if n == 1 { "" } else { "s" },
            self.files.join(", ")
        );
        if let Some(pattern) = &self.prune {
            text.push_str(&format!("; pruning '{pattern}'"));
        }
        text
    }

    /// The table form: the header, each entry's line and details, the summary.
    pub fn to_output(&self) -> Output {
        let mut out = Output::new("plan").with(Block::Message(self.header()));
        if !self.entries.is_empty() {
            out = out.with(Block::Message(String::new()));
        }
        for entry in &self.entries {
            out = out.with(Block::Message(entry.headline()));
            for block in entry.details() {
                out = out.with(block.clone());
            }
        }
        out.with(Block::Message(String::new()))
            .with(Block::Message(self.summary()))
    }

    /// The JSON form (`--output json`): files, prune, connectors, summary, pending.
    pub fn to_json(&self) -> Value {
        self.document(false)
    }

    /// What `--plan-file` saves: the JSON form plus what the plan read of each connector.
    pub fn to_file(&self) -> Value {
        self.document(true)
    }

    fn document(&self, with_read: bool) -> Value {
        let connectors: Vec<Value> = self.entries.iter().map(|e| e.to_json(with_read)).collect();
        let mut summary = Map::new();
        for change in [
            Change::Create,
            Change::Update,
            Change::Drop,
            Change::Other,
            Change::Unchanged,
        ] {
            summary.insert(action(change).into(), json!(self.count(change)));
        }
        json!({
            "type": "plan",
            "files": self.files,
            "prune": self.prune,
            "connectors": connectors,
            "summary": summary,
            "pending": self.pending(),
        })
    }

    /// The connectors whose entries (without their places) or reads differ between this plan
    /// and a saved one, and whether the prune pattern differs; empty when they are the same.
    pub fn differences(&self, saved: &Value) -> Vec<String> {
        let key = |v: &Value| {
            let mut v = v.clone();
            if let Some(map) = v.as_object_mut() {
                map.remove("source");
            }
            v
        };
        let group = |list: &[Value]| {
            let mut by: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
            for v in list {
                let name = v["connector"].as_str().unwrap_or_default().to_string();
                by.entry(name).or_default().push(key(v));
            }
            by
        };
        let now = self.to_file();
        let empty = Vec::new();
        let list = |doc: &Value| {
            doc["connectors"]
                .as_array()
                .cloned()
                .unwrap_or(empty.clone())
        };
        let (a, b) = (group(&list(saved)), group(&list(&now)));
        let mut names: Vec<String> = a
            .keys()
            .chain(b.keys())
            .filter(|n| a.get(*n) != b.get(*n))
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        let mut out: Vec<String> = names
            .into_iter()
            .map(|n| {
                if n.is_empty() {
                    "(writes about no connector)".into()
                } else {
                    n
                }
            })
            .collect();
        if saved["prune"] != now["prune"] || saved["type"] != now["type"] {
            out.push("the --prune pattern".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Column;

    fn entry(connector: &str, change: Change, blocks: Vec<Block>) -> Entry {
        Entry {
            connector: connector.into(),
            change,
            place: "a.sql, line 1".into(),
            blocks,
            read: Some(json!({"k": "v"})),
        }
    }

    fn sample() -> Plan {
        let diff = Block::Table {
            name: "changes".into(),
            title: None,
            columns: Column::list(&[
                ("Change", "change"),
                ("Key", "key"),
                ("Old", "old"),
                ("New", "new"),
            ]),
            rows: vec![vec![
                json!("changed"),
                json!("tasks.max"),
                json!("1"),
                json!("2"),
            ]],
        };
        Plan {
            files: vec!["fleet/a.sql".into(), "fleet/b.sql".into()],
            prune: Some("app-%".into()),
            entries: vec![
                entry(
                    "app-new",
                    Change::Create,
                    vec![Block::Message("Would create connector app-new".into())],
                ),
                entry(
                    "app-sink",
                    Change::Update,
                    vec![
                        Block::Message("Would update connector app-sink".into()),
                        diff,
                    ],
                ),
                entry(
                    "app-same",
                    Change::Unchanged,
                    vec![Block::Message("Connector app-same would not change".into())],
                ),
                entry(
                    "app-old",
                    Change::Drop,
                    vec![Block::Message("Would drop connector \"app-old\"".into())],
                ),
                entry(
                    "app-p",
                    Change::Other,
                    vec![Block::Message("Would pause connector app-p".into())],
                ),
            ],
        }
    }

    #[test]
    fn counts_summary_and_pending() {
        let plan = sample();
        assert!(plan.pending());
        assert_eq!(
            plan.summary(),
            "Plan: 1 to create, 1 to update, 1 to drop, 1 other change, 1 unchanged."
        );
        let same = Plan {
            entries: vec![entry("x", Change::Unchanged, vec![])],
            ..Plan::default()
        };
        assert!(!same.pending());
        assert_eq!(
            same.summary(),
            "No changes. Plan: 0 to create, 0 to update, 0 to drop, 1 unchanged."
        );
        assert!(!Plan::default().pending());
    }

    #[test]
    fn the_table_form_is_one_line_per_entry_with_details() {
        let mut text = Vec::new();
        let renderer = crate::render::Renderer::plain(crate::output::Format::Tabular);
        renderer
            .render(&sample().to_output(), &Default::default(), &mut text)
            .unwrap();
        insta::assert_snapshot!(String::from_utf8(text).unwrap());
    }

    #[test]
    fn the_json_form_keys_details_by_their_columns() {
        let doc = sample().to_json();
        assert_eq!(doc["type"], "plan");
        assert_eq!(doc["pending"], true);
        assert_eq!(doc["summary"]["update"], 1);
        let update = &doc["connectors"][1];
        assert_eq!(update["action"], "update");
        assert_eq!(update["changes"][0]["key"], "tasks.max");
        assert_eq!(update["message"], "Would update connector app-sink");
        assert!(
            update.get("read").is_none(),
            "reads only go to the plan file"
        );
        assert_eq!(sample().to_file()["connectors"][1]["read"]["k"], "v");
    }

    #[test]
    fn differences_name_the_connectors_that_changed() {
        let plan = sample();
        let saved = plan.to_file();
        assert!(plan.differences(&saved).is_empty());
        // Places do not count (a file renamed), reads and entries do.
        let mut moved = plan.clone();
        moved.entries[0].place = "b.sql, line 9".into();
        assert!(moved.differences(&saved).is_empty());
        let mut changed = plan.clone();
        changed.entries[2].read = Some(json!({"k": "other"}));
        changed.entries.remove(0);
        assert_eq!(changed.differences(&saved), ["app-new", "app-same"]);
        let mut pruned = plan.clone();
        pruned.prune = None;
        assert_eq!(pruned.differences(&saved), ["the --prune pattern"]);
    }
}
