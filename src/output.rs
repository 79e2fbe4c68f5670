//! What a statement produced, as data: the executor fills it, the renderers (tables or JSON)
//! turn it into bytes. Knows nothing of HTTP or terminals.
//!
//! JSON form (stable, documented in the README): one object per statement,
//! `{"type": kind, <block name>: <block value>, ...}` where a `Table` becomes an array of
//! objects keyed by each [`Column`]'s declared key (never derived from its title, so renaming a
//! title cannot change the schema), `Fields` an object keyed the same way by its fields, `Text`
//! a string, `Message` the key `"message"`, and every `Warning` an entry of `"warnings"`.
//! Also the one output [`Format`] that the `--output` flag, `OUTPUT` and `SET 'output'` parse.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::error::Error;

/// Longest first line of a trace shown where only its gist belongs (DESCRIBE's tables, WAIT
/// FOR's errors), in characters.
pub const TRACE_LINE_MAX: usize = 100;

/// The first line of `text` (trimmed) at most `max` characters long, and whether anything was
/// left out (further lines, or the rest of a longer line); a shortened line ends with ` ...`.
/// The one rule for shortening traces and echoed statements.
pub fn first_line(text: &str, max: usize) -> (String, bool) {
    let mut lines = text.trim().lines();
    let first = lines.next().unwrap_or("").trim_end();
    let mut short: String = first.chars().take(max).collect();
    let cut = short.len() < first.len() || lines.next().is_some();
    if cut {
        short.push_str(" ...");
    }
    (short, cut)
}

/// How results are printed. One `FromStr` serves the `--output` flag, the `OUTPUT` statement
/// and `SET 'output'`; help and completion list [`Format::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Tabular,
    Json,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Tabular, Format::Json];

    /// The name as typed (`--output tabular`, `SET 'output' = 'json'`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Tabular => "tabular",
            Format::Json => "json",
        }
    }

    /// The keyword as statements write it: `OUTPUT JSON`.
    pub fn keyword(self) -> &'static str {
        match self {
            Format::Tabular => "TABULAR",
            Format::Json => "JSON",
        }
    }

    /// Other spellings accepted for it.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Format::Tabular => &["table"],
            Format::Json => &[],
        }
    }
}

impl FromStr for Format {
    type Err = Error;

    /// A format by name or alias, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim();
        Format::ALL
            .into_iter()
            .find(|f| {
                f.name().eq_ignore_ascii_case(word)
                    || f.aliases().iter().any(|a| a.eq_ignore_ascii_case(word))
            })
            .ok_or_else(|| {
                Error::usage(format!(
                    "unknown output format '{word}': expected TABULAR or JSON"
                ))
            })
    }
}

impl fmt::Display for Format {
    /// Upper case, as the statements write it: `OUTPUT JSON`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A table column: the title people read and the JSON key programs read, declared together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    pub key: String,
}

impl Column {
    pub fn new(title: impl Into<String>, key: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            key: key.into(),
        }
    }

    /// Columns from `(title, key)` pairs: `Column::list(&[("Task ID", "task_id")])`.
    pub fn list(pairs: &[(&str, &str)]) -> Vec<Column> {
        pairs.iter().map(|(t, k)| Column::new(*t, *k)).collect()
    }
}

/// The result of one statement.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Output {
    /// Machine name of the result, e.g. `connector_list`, `connector_description`, `message`.
    pub kind: String,
    pub blocks: Vec<Block>,
}

/// One part of a result, rendered in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A success line such as `Created connector fs-src`.
    Message(String),
    /// A warning such as `Connector fs-src already exists`.
    Warning(String),
    /// Labelled values shown as a two-column list (DESCRIBE's Name/Class/Type/State/WorkerId).
    Fields {
        name: String,
        /// Each value with its label (the [`Column`]'s title) and its JSON key.
        fields: Vec<(Column, Value)>,
    },
    /// Rows under column headers. Cells are JSON values so numbers stay numbers in JSON output.
    Table {
        name: String,
        title: Option<String>,
        columns: Vec<Column>,
        rows: Vec<Vec<Value>>,
    },
    /// Preformatted text such as a `SHOW CREATE CONNECTOR` statement or `EXPLAIN`'s requests.
    Text { name: String, text: String },
    /// Rows too wide for columns (SHOW CONNECTOR ERRORS's dead letters): in JSON an array of
    /// objects exactly like a `Table`; in tables one labelled block per row, long values cut.
    Records {
        name: String,
        columns: Vec<Column>,
        rows: Vec<Vec<Value>>,
    },
    /// One Kafka record of PRINT (streamed one per output): a ksqlDB `rowtime: ...` line in
    /// tables, one compact JSON line (`"type": "record"`) in JSON (`render/record.rs`).
    Record(Box<crate::kafka::format::Printed>),
}

impl Output {
    pub fn new(kind: impl Into<String>) -> Self {
        Output {
            kind: kind.into(),
            blocks: Vec::new(),
        }
    }

    pub fn with(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    /// A result that is just one success message.
    pub fn message(text: impl Into<String>) -> Self {
        Output::new("message").with(Block::Message(text.into()))
    }

    /// A result that is just one warning.
    pub fn warning(text: impl Into<String>) -> Self {
        Output::new("warning").with(Block::Warning(text.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_format_parses_every_spelling() {
        assert_eq!("json".parse::<Format>().unwrap(), Format::Json);
        assert_eq!(" TABULAR ".parse::<Format>().unwrap(), Format::Tabular);
        assert_eq!("Table".parse::<Format>().unwrap(), Format::Tabular);
        let err = "xml".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("TABULAR or JSON"), "{err}");
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
        }
    }

    /// `OUTPUT TABLE` was refused while `SET 'output' = 'table'` was accepted: the statement
    /// now asks the same `FromStr`.
    #[test]
    fn the_output_statement_takes_every_spelling() {
        use crate::lang::ast::{ClientStatement, Statement};
        use crate::lang::{ParseOptions, parse_script};
        for (text, format) in [
            ("OUTPUT TABLE", Format::Tabular),
            ("output tabular", Format::Tabular),
            ("OUTPUT json;", Format::Json),
        ] {
            let parsed = parse_script(text, &ParseOptions::default()).unwrap();
            assert_eq!(
                parsed[0].statement,
                Statement::Client(ClientStatement::Output(Some(format))),
                "{text}"
            );
        }
    }
}
