//! What a statement produced, as data: the executor fills it, the renderers (tables or JSON)
//! turn it into bytes. Knows nothing of HTTP or terminals.
//!
//! JSON form (stable, documented in the README): one object per statement,
//! `{"type": kind, <block name>: <block value>, ...}` where a `Table` becomes an array of
//! objects keyed by the snake_case column names, `Fields` an object keyed by snake_case field
//! names, `Text` a string, `Message` the key `"message"`, and every `Warning` an entry of `"warnings"`.

use serde_json::Value;

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
        fields: Vec<(String, Value)>,
    },
    /// Rows under column headers. Cells are JSON values so numbers stay numbers in JSON output.
    Table {
        name: String,
        title: Option<String>,
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
    /// Preformatted text such as a `SHOW CREATE CONNECTOR` statement or `EXPLAIN`'s requests.
    Text { name: String, text: String },
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
