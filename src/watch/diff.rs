//! What changed between two results of the same statement: a pure diff of two [`Output`]s.
//! Labelled values (`Fields`) are compared by key; table rows are matched by their first cell
//! (a connector's name, a task's id, a topic) and compared column by column; a `Text` block is
//! compared whole. Messages and warnings are not state and are ignored. Knows nothing of time,
//! terminals or the network; linear in the size of the two results (rows are matched through
//! a map).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::output::{Block, Column, Output};

/// What happened to one thing in the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A row that was not there before (`to` holds it).
    Appeared,
    /// A row that is gone (`from` holds it as it was).
    Disappeared,
    /// One value of a row or a labelled value changed, or appeared, or went away.
    Changed,
}

impl Kind {
    /// The word in change lines and the `"change"` key of JSON documents.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Appeared => "appeared",
            Kind::Disappeared => "disappeared",
            Kind::Changed => "changed",
        }
    }
}

/// One change: where (`subject`, outermost first, e.g. `connector fs-src`, `task 0`), which
/// value (`field`, for [`Kind::Changed`]) and the values before and after (a whole row, as an
/// object keyed by the columns' keys, for appeared and disappeared rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: Kind,
    /// `(noun, id)` pairs: `("connector", "fs-src")`, `("task", "0")`.
    pub subject: Vec<(String, String)>,
    pub field: Option<Column>,
    pub from: Option<Value>,
    pub to: Option<Value>,
}

/// The changes from `old` to `new`, in the order of `new`'s blocks and rows (rows that
/// disappeared after those of their table that are still there).
pub fn diff(old: &Output, new: &Output) -> Vec<Change> {
    let context = subject_of(new).or_else(|| subject_of(old));
    let prefix: Vec<(String, String)> = context.into_iter().collect();
    let old_blocks: HashMap<(&str, u8), &Block> = old
        .blocks
        .iter()
        .filter_map(|b| block_id(b).map(|id| (id, b)))
        .collect();
    let mut changes = Vec::new();
    let mut seen = Vec::new();
    for block in &new.blocks {
        let Some(id) = block_id(block) else { continue };
        seen.push(id);
        let before = old_blocks.get(&id).copied();
        diff_block(&prefix, before, Some(block), &mut changes);
    }
    // A whole block that went away (a Trace-less result has fewer blocks, say).
    for block in &old.blocks {
        if let Some(id) = block_id(block)
            && !seen.contains(&id)
        {
            diff_block(&prefix, Some(block), None, &mut changes);
        }
    }
    changes
}

/// What a result shows, by name: the one thing it is about (DESCRIBE CONNECTOR's connector),
/// else the keys of its first table's rows (SHOW CONNECTORS's names).
pub fn subjects(out: &Output) -> Vec<String> {
    if let Some((_, id)) = subject_of(out) {
        return vec![id];
    }
    out.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { rows, .. } => Some(
                keyed(rows, key_width(rows, &[]))
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

/// The thing a result is about, when it is about one thing: its first labelled block's first
/// value (`connector fs-src` for DESCRIBE CONNECTOR).
fn subject_of(out: &Output) -> Option<(String, String)> {
    out.blocks.iter().find_map(|b| match b {
        Block::Fields { name, fields } => fields
            .first()
            .map(|(_, v)| (name.clone(), crate::render::table::cell_text(v))),
        _ => None,
    })
}

/// Blocks are matched by name and kind.
fn block_id(block: &Block) -> Option<(&str, u8)> {
    match block {
        Block::Fields { name, .. } => Some((name, 0)),
        Block::Table { name, .. } => Some((name, 1)),
        Block::Text { name, .. } => Some((name, 2)),
        Block::Records { name, .. } => Some((name, 3)),
        Block::Message(_) | Block::Warning(_) | Block::Record(_) => None,
    }
}

fn fields(b: Option<&Block>) -> &[(Column, Value)] {
    match b {
        Some(Block::Fields { fields, .. }) => fields,
        _ => &[],
    }
}

fn table(b: Option<&Block>) -> Rows<'_> {
    match b {
        Some(Block::Table { columns, rows, .. } | Block::Records { columns, rows, .. }) => {
            (columns, rows)
        }
        _ => (&[], &[]),
    }
}

fn diff_block(
    prefix: &[(String, String)],
    old: Option<&Block>,
    new: Option<&Block>,
    out: &mut Vec<Change>,
) {
    match new.or(old) {
        Some(Block::Fields { .. }) => diff_fields(prefix, fields(old), fields(new), out),
        // Records (dead letters) are rows like a table's, laid out otherwise.
        Some(Block::Table { name, .. } | Block::Records { name, .. }) => {
            diff_rows(prefix, &noun(name), table(old), table(new), out)
        }
        Some(Block::Text { name, .. }) => {
            let text = |b: Option<&Block>| match b {
                Some(Block::Text { text, .. }) => Some(Value::String(text.clone())),
                _ => None,
            };
            let (from, to) = (text(old), text(new));
            if from != to {
                out.push(Change {
                    kind: Kind::Changed,
                    subject: prefix.to_vec(),
                    field: Some(Column::new(name.clone(), name.clone())),
                    from,
                    to,
                });
            }
        }
        Some(Block::Message(_) | Block::Warning(_) | Block::Record(_)) | None => {}
    }
}

/// A labelled value that changed (or appeared, or went: `from`/`to` is `None` then).
fn diff_fields(
    prefix: &[(String, String)],
    old: &[(Column, Value)],
    new: &[(Column, Value)],
    out: &mut Vec<Change>,
) {
    let before: HashMap<&str, &Value> = old.iter().map(|(c, v)| (c.key.as_str(), v)).collect();
    let after: HashMap<&str, &Value> = new.iter().map(|(c, v)| (c.key.as_str(), v)).collect();
    for (column, value) in new {
        let was = before.get(column.key.as_str()).copied();
        if was != Some(value) {
            out.push(Change {
                kind: Kind::Changed,
                subject: prefix.to_vec(),
                field: Some(column.clone()),
                from: was.cloned(),
                to: Some(value.clone()),
            });
        }
    }
    for (column, value) in old {
        if !after.contains_key(column.key.as_str()) {
            out.push(Change {
                kind: Kind::Changed,
                subject: prefix.to_vec(),
                field: Some(column.clone()),
                from: Some(value.clone()),
                to: None,
            });
        }
    }
}

type Rows<'a> = (&'a [Column], &'a [Vec<Value>]);

fn diff_rows(
    prefix: &[(String, String)],
    noun: &str,
    (old_cols, old_rows): Rows<'_>,
    (new_cols, new_rows): Rows<'_>,
    out: &mut Vec<Change>,
) {
    let width = key_width(old_rows, new_rows);
    let old_keyed = keyed(old_rows, width);
    let new_keyed = keyed(new_rows, width);
    let before: HashMap<&str, &Vec<Value>> =
        old_keyed.iter().map(|(k, r)| (k.as_str(), *r)).collect();
    let after: HashMap<&str, &Vec<Value>> =
        new_keyed.iter().map(|(k, r)| (k.as_str(), *r)).collect();
    let subject = |key: &str| {
        let mut s = prefix.to_vec();
        s.push((noun.to_string(), key.to_string()));
        s
    };
    for (key, row) in &new_keyed {
        match before.get(key.as_str()) {
            None => out.push(Change {
                kind: Kind::Appeared,
                subject: subject(key),
                field: None,
                from: None,
                to: Some(row_object(new_cols, row)),
            }),
            Some(was) => {
                let old_by_key: BTreeMap<&str, &Value> = old_cols
                    .iter()
                    .map(|c| c.key.as_str())
                    .zip(was.iter())
                    .collect();
                for (column, value) in new_cols.iter().zip(row.iter()).skip(width) {
                    let prev = old_by_key.get(column.key.as_str()).copied();
                    if prev != Some(value) {
                        out.push(Change {
                            kind: Kind::Changed,
                            subject: subject(key),
                            field: Some(column.clone()),
                            from: prev.cloned(),
                            to: Some(value.clone()),
                        });
                    }
                }
            }
        }
    }
    for (key, row) in &old_keyed {
        if !after.contains_key(key.as_str()) {
            out.push(Change {
                kind: Kind::Disappeared,
                subject: subject(key),
                field: None,
                from: Some(row_object(old_cols, row)),
                to: None,
            });
        }
    }
}

/// How many leading cells name a row: the first, or when it repeats in either result (a task
/// config table has a row per task and key) the first two.
fn key_width(a: &[Vec<Value>], b: &[Vec<Value>]) -> usize {
    let unique = |rows: &[Vec<Value>]| {
        let mut seen = std::collections::HashSet::new();
        rows.iter().all(|r| seen.insert(r.first()))
    };
    if unique(a) && unique(b) { 1 } else { 2 }
}

/// Rows by their first `width` cells as text (joined by a space); a key seen again gets `#2`,
/// `#3`, ... so that no row is lost.
fn keyed(rows: &[Vec<Value>], width: usize) -> Vec<(String, &Vec<Value>)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    rows.iter()
        .map(|row| {
            let key = row
                .iter()
                .take(width)
                .map(crate::render::table::cell_text)
                .collect::<Vec<_>>()
                .join(" ");
            let n = counts.entry(key.clone()).or_insert(0);
            *n += 1;
            let key = if *n == 1 { key } else { format!("{key}#{n}") };
            (key, row)
        })
        .collect()
}

fn row_object(columns: &[Column], row: &[Value]) -> Value {
    let obj: Map<String, Value> = columns
        .iter()
        .map(|c| c.key.clone())
        .zip(row.iter().cloned())
        .collect();
    Value::Object(obj)
}

/// What one row of a table is called: the table's name in the singular (`connectors` ->
/// `connector`, `tasks` -> `task`, `topics` -> `topic`).
fn noun(table: &str) -> String {
    table.strip_suffix('s').unwrap_or(table).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list(rows: &[(&str, &str)]) -> Output {
        Output::new("connector_list").with(Block::Table {
            name: "connectors".into(),
            title: None,
            columns: Column::list(&[
                ("Connector Name", "connector_name"),
                ("Type", "type"),
                ("Status", "status"),
            ]),
            rows: rows
                .iter()
                .map(|(n, s)| vec![json!(n), json!("SOURCE"), json!(s)])
                .collect(),
        })
    }

    fn describe(state: &str, tasks: &[(u32, &str)]) -> Output {
        Output::new("connector_description")
            .with(Block::Fields {
                name: "connector".into(),
                fields: vec![
                    (Column::new("Name", "name"), json!("fs-src")),
                    (Column::new("State", "state"), json!(state)),
                ],
            })
            .with(Block::Table {
                name: "tasks".into(),
                title: None,
                columns: Column::list(&[("Task ID", "task_id"), ("State", "state")]),
                rows: tasks
                    .iter()
                    .map(|(i, s)| vec![json!(i), json!(s)])
                    .collect(),
            })
    }

    fn subject(c: &Change) -> String {
        c.subject
            .iter()
            .map(|(n, i)| format!("{n} {i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_same_result_has_no_changes() {
        let a = list(&[("a", "RUNNING"), ("b", "PAUSED")]);
        assert!(diff(&a, &a).is_empty());
        let d = describe("RUNNING", &[(0, "RUNNING")]);
        assert!(diff(&d, &d).is_empty());
    }

    #[test]
    fn rows_appear_disappear_and_change_by_their_first_cell() {
        let a = list(&[("a", "RUNNING"), ("b", "PAUSED")]);
        let b = list(&[("b", "RUNNING"), ("c", "RUNNING")]);
        let changes = diff(&a, &b);
        let summary: Vec<(Kind, String, Option<String>)> = changes
            .iter()
            .map(|c| (c.kind, subject(c), c.field.as_ref().map(|f| f.key.clone())))
            .collect();
        assert_eq!(
            summary,
            vec![
                (Kind::Changed, "connector b".into(), Some("status".into())),
                (Kind::Appeared, "connector c".into(), None),
                (Kind::Disappeared, "connector a".into(), None),
            ]
        );
        assert_eq!(changes[0].from, Some(json!("PAUSED")));
        assert_eq!(changes[0].to, Some(json!("RUNNING")));
        assert_eq!(
            changes[1].to,
            Some(json!({"connector_name": "c", "type": "SOURCE", "status": "RUNNING"}))
        );
        assert_eq!(
            changes[2].from.as_ref().unwrap()["status"],
            json!("RUNNING")
        );
    }

    #[test]
    fn a_description_names_its_connector_and_its_tasks() {
        let a = describe("RUNNING", &[(0, "RUNNING"), (1, "RUNNING")]);
        let b = describe("RUNNING", &[(0, "FAILED")]);
        let changes = diff(&a, &b);
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("{} {}", subject(c), c.kind.word()))
            .collect();
        assert_eq!(
            lines,
            vec![
                "connector fs-src task 0 changed",
                "connector fs-src task 1 disappeared"
            ]
        );
        let c = diff(&b, &describe("PAUSED", &[(0, "FAILED")]));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].field.as_ref().unwrap().title, "State");
        assert_eq!(subject(&c[0]), "connector fs-src");
    }

    #[test]
    fn a_field_that_comes_or_goes_is_a_change() {
        let a = describe("RUNNING", &[]);
        let mut b = a.clone();
        if let Block::Fields { fields, .. } = &mut b.blocks[0] {
            fields.push((Column::new("Trace", "trace"), json!("boom")));
        }
        let c = diff(&a, &b);
        assert_eq!((c.len(), c[0].from.clone()), (1, None));
        let c = diff(&b, &a);
        assert_eq!((c.len(), c[0].to.clone()), (1, None));
    }

    #[test]
    fn duplicate_keys_and_empty_rows_lose_nothing() {
        let mut a = list(&[("x", "RUNNING"), ("x", "PAUSED")]);
        if let Block::Table { rows, .. } = &mut a.blocks[0] {
            rows.push(Vec::new());
        }
        assert!(diff(&a, &a).is_empty());
        let c = diff(&Output::new("connector_list"), &a);
        assert_eq!(c.len(), 3);
        assert_eq!(subject(&c[1]), "connector x SOURCE#2");
    }

    #[test]
    fn subjects_are_the_described_connector_or_the_listed_names() {
        assert_eq!(
            subjects(&describe("RUNNING", &[(0, "RUNNING")])),
            vec!["fs-src"]
        );
        assert_eq!(
            subjects(&list(&[("a", "RUNNING"), ("b", "FAILED")])),
            vec!["a", "b"]
        );
        assert!(subjects(&Output::warning("There are no connectors")).is_empty());
    }

    /// DESCRIBE ... EXTENDED's task configs have a row per task and key: the rows were matched
    /// by task id alone (`0#6`), so one key added shifted every later row into a "change".
    #[test]
    fn rows_whose_first_cell_repeats_are_named_by_two_cells() {
        let configs = |rows: &[(u32, &str, &str)]| {
            Output::new("connector_description").with(Block::Table {
                name: "task_configs".into(),
                title: None,
                columns: Column::list(&[("Task", "task_id"), ("Key", "key"), ("Value", "value")]),
                rows: rows
                    .iter()
                    .map(|(t, k, v)| vec![json!(t), json!(k), json!(v)])
                    .collect(),
            })
        };
        let a = configs(&[(0, "file", "/a"), (0, "topic", "t")]);
        let b = configs(&[(0, "file", "/a"), (0, "tasks.max", "2"), (0, "topic", "u")]);
        let c = diff(&a, &b);
        let lines: Vec<String> = c
            .iter()
            .map(|c| format!("{} {}", subject(c), c.kind.word()))
            .collect();
        assert_eq!(
            lines,
            vec![
                "task_config 0 tasks.max appeared",
                "task_config 0 topic changed"
            ]
        );
        assert_eq!(c[1].field.as_ref().unwrap().key, "value");
    }

    #[test]
    fn messages_and_warnings_are_not_state() {
        let a = Output::warning("There are no connectors");
        let b = Output::message("something else");
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn large_results_diff_in_linear_time() {
        let rows: Vec<(String, &str)> = (0..20_000).map(|i| (format!("c{i}"), "RUNNING")).collect();
        let refs: Vec<(&str, &str)> = rows.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let a = list(&refs);
        let mut flipped = refs.clone();
        flipped.reverse();
        let b = list(&flipped);
        let start = std::time::Instant::now();
        assert!(diff(&a, &b).is_empty());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
