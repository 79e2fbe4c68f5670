//! The JSON renderer: one document per statement, the schema described in `output.rs` and the
//! README (`{"type": kind, <block name>: value, ..., "warnings": [...]}`), rows keyed by their
//! columns' (and fields') declared keys. Pretty on a terminal, one line per document otherwise (for `jq`).

use std::io::{self, Write};

use serde_json::{Map, Value};

#[cfg(test)]
use crate::output::Column;
use crate::output::{Block, Output};

/// The JSON document for one statement's output.
pub fn to_value(out: &Output) -> Value {
    let mut doc = Map::new();
    doc.insert("type".into(), Value::String(out.kind.clone()));
    let mut messages = Vec::new();
    let mut warnings = Vec::new();
    for block in &out.blocks {
        match block {
            Block::Message(m) => messages.push(m.clone()),
            Block::Warning(m) => warnings.push(Value::String(m.clone())),
            Block::Fields { name, fields } => {
                let obj: Map<String, Value> = fields
                    .iter()
                    .map(|(c, v)| (c.key.clone(), v.clone()))
                    .collect();
                doc.insert(name.clone(), Value::Object(obj));
            }
            Block::Table {
                name,
                columns,
                rows,
                ..
            }
            | Block::Records {
                name,
                columns,
                rows,
            } => {
                let rows = rows
                    .iter()
                    .map(|row| {
                        let obj: Map<String, Value> = columns
                            .iter()
                            .map(|c| c.key.clone())
                            .zip(row.iter().cloned())
                            .collect();
                        Value::Object(obj)
                    })
                    .collect();
                doc.insert(name.clone(), Value::Array(rows));
            }
            Block::Text { name, text } => {
                doc.insert(name.clone(), Value::String(text.clone()));
            }
            // Written one line each by `render`.
            Block::Record(_) => {}
        }
    }
    if !messages.is_empty() {
        doc.insert("message".into(), Value::String(messages.join("\n")));
    }
    if !warnings.is_empty() {
        doc.insert("warnings".into(), Value::Array(warnings));
    }
    Value::Object(doc)
}

pub fn render(out: &Output, pretty: bool, w: &mut dyn Write) -> io::Result<()> {
    // PRINT's records: one compact line each, also on a terminal.
    if out.blocks.iter().any(|b| matches!(b, Block::Record(_))) {
        for block in &out.blocks {
            if let Block::Record(record) = block {
                let mut doc = Map::new();
                doc.insert("type".into(), Value::String("record".into()));
                super::record::to_json(record, &mut doc);
                let line = serde_json::to_string(&Value::Object(doc)).map_err(io::Error::other)?;
                writeln!(w, "{line}")?;
            }
        }
        return Ok(());
    }
    let doc = to_value(out);
    let text = if pretty {
        serde_json::to_string_pretty(&doc)
    } else {
        serde_json::to_string(&doc)
    }
    .map_err(io::Error::other)?;
    writeln!(w, "{text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_follow_the_schema() {
        let out = Output::new("connector_description")
            .with(Block::Fields {
                name: "connector".into(),
                fields: vec![
                    (Column::new("Name", "name"), json!("fs-src")),
                    (
                        Column::new("WorkerId", "worker_id"),
                        json!("127.0.0.1:8083"),
                    ),
                ],
            })
            .with(Block::Table {
                name: "tasks".into(),
                title: None,
                columns: Column::list(&[("Task ID", "task_id"), ("State", "state")]),
                rows: vec![vec![json!(0), json!("RUNNING")]],
            })
            .with(Block::Text {
                name: "statement".into(),
                text: "SHOW CONNECTORS".into(),
            })
            .with(Block::Warning("careful".into()));
        assert_eq!(
            to_value(&out),
            json!({
                "type": "connector_description",
                "connector": {"name": "fs-src", "worker_id": "127.0.0.1:8083"},
                "tasks": [{"task_id": 0, "state": "RUNNING"}],
                "statement": "SHOW CONNECTORS",
                "warnings": ["careful"],
            })
        );
    }

    /// Keys are what each column declares: renaming a title cannot change the schema.
    #[test]
    fn keys_are_declared_not_derived_from_titles() {
        let out = Output::new("connector_list").with(Block::Table {
            name: "connectors".into(),
            title: None,
            columns: vec![Column::new("Name (renamed)", "connector_name")],
            rows: vec![vec![json!("a")]],
        });
        assert_eq!(
            to_value(&out),
            json!({"type": "connector_list", "connectors": [{"connector_name": "a"}]})
        );
    }

    #[test]
    fn an_output_without_blocks_is_just_its_type() {
        assert_eq!(to_value(&Output::new("ok")), json!({"type": "ok"}));
    }

    #[test]
    fn one_line_per_document_unless_pretty() {
        let mut buf = Vec::new();
        render(&Output::message("Created connector a"), false, &mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"type\":\"message\",\"message\":\"Created connector a\"}\n"
        );
        let mut buf = Vec::new();
        render(&Output::message("x"), true, &mut buf).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap().lines().count(), 4);
    }
}
