//! The statement tree that the parser produces and everything downstream consumes.
//! It holds no HTTP and no rendering: only what the user wrote, with variables still unresolved
//! (see `vars.rs`). `Display` prints every node canonically, so `parse(s.to_string()) == s`.

use std::fmt;

pub use super::filter::Filter;
use super::ident::{is_plain, quote_ident, quote_string};
pub use super::statement::*;

/// A byte range in the source text a statement was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// One statement of a script with where it stands in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub statement: Statement,
    /// Span of the statement text, without the trailing `;`.
    pub span: Span,
    /// 1-based line and column of the statement's first token.
    pub line: usize,
    pub column: usize,
    /// The statement's own source text (without the trailing `;`).
    pub text: String,
}

/// A connector name, property key or other identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Name {
    /// Written without quotes: `my-conn.v2`. Upper-cased under `--ksql-compat`.
    Plain(String),
    /// Written in `"double"` or `` `back` `` quotes, or (for keys) as a `'string'`: kept exactly.
    Quoted(String),
    /// `${name}`: resolved from the session's variables before execution.
    Var(String),
}

impl Name {
    /// The name's text. For an unresolved variable this is `${name}` as written.
    pub fn value(&self) -> String {
        self.text().into_owned()
    }

    /// [`Name::value`] without copying when there is no variable.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Name::Plain(s) | Name::Quoted(s) => std::borrow::Cow::Borrowed(s),
            Name::Var(v) => std::borrow::Cow::Owned(format!("${{{v}}}")),
        }
    }
}

/// A literal value in a property list or statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// String contents after un-escaping `''`; may still contain `${var}` references.
    String(String),
    /// A number exactly as written (`1`, `-1`, `123.000`, `1e3`).
    Number(String),
    Boolean(bool),
    Null,
    /// `${name}` standing for a whole literal.
    Var(String),
}

/// `key = value` in a `WITH (...)`, `SET (...)`, `PARTITION (...)` or `TO (...)` list.
///
/// Equality ignores `span`: two properties are equal when they say the same thing, wherever
/// they were written (what the `parse(s.to_string()) == s` round trip needs).
#[derive(Debug, Clone)]
pub struct Property {
    pub key: Name,
    pub value: Literal,
    /// Where the key stands (for "given twice" and per-property messages).
    pub span: Span,
}

impl PartialEq for Property {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.value == other.value
    }
}

impl Property {
    /// A property without a source position (for statements built in code).
    pub fn new(key: Name, value: Literal) -> Self {
        Property {
            key,
            value,
            span: Span::default(),
        }
    }
}

/// `SOURCE` / `SINK`: Connect's vocabulary, shared with the model and the renderer.
pub use crate::vocab::ConnectorType;

/// `INITIALLY RUNNING|PAUSED|STOPPED`: Connect's vocabulary, shared with the request body.
pub use crate::vocab::InitialState;

/// Which connectors a lifecycle statement touches.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `... CONNECTOR name`
    One(Name),
    /// `... CONNECTORS [LIKE 'pattern'] [WHERE condition]`: every connector, or those whose
    /// name matches the `%`/`_` wildcards and that satisfy the condition.
    All {
        like: Option<String>,
        filter: Option<Filter>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Pause,
    Resume,
    Stop,
}

/// The output format `OUTPUT` names: the one enum the flag and `SET 'output'` parse too.
pub use crate::output::Format as OutputFormat;

/// Client statements and commands: session properties, variables, scripts, output, help.
/// Kept apart from [`Statement`] so the executor treats them as one case.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientStatement {
    /// `SET 'prop' = 'value'`
    SetProperty {
        name: String,
        value: String,
    },
    /// `UNSET 'prop'`
    UnsetProperty {
        name: String,
    },
    /// `SHOW PROPERTIES`
    ShowProperties,
    /// `DEFINE name = 'value'`
    Define {
        name: String,
        value: String,
    },
    /// `UNDEFINE name`
    Undefine {
        name: String,
    },
    /// `SHOW|LIST VARIABLES`
    ShowVariables,
    /// `RUN SCRIPT 'path'`
    RunScript {
        path: String,
    },
    /// `OUTPUT [JSON|TABULAR]`
    Output(Option<OutputFormat>),
    /// `SERVER ['url']`
    Server(Option<String>),
    /// `HELP [topic]`
    Help(Option<String>),
    History,
    Clear,
    /// `EXIT` or `QUIT`
    Exit,
}

impl ClientStatement {
    /// Client commands may end at the end of their line without `;` (LANGUAGE.md).
    pub fn may_omit_semicolon(&self) -> bool {
        matches!(
            self,
            ClientStatement::RunScript { .. }
                | ClientStatement::Output(_)
                | ClientStatement::Server(_)
                | ClientStatement::Help(_)
                | ClientStatement::History
                | ClientStatement::Clear
                | ClientStatement::Exit
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical text. Keywords upper-case, names quoted only when they would not lex back as the
// same `Name`, strings with `''` escapes, no trailing `;`. `{:#}` puts each property of a list
// on its own line (for SHOW CREATE CONNECTOR).

impl fmt::Display for Name {
    /// As a name: `plain`, `"quoted"` or `${var}`. A `Plain` name that would not lex as one word
    /// (built in code, e.g. from a live connector) is quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Plain(s) if is_plain(s) => f.write_str(s),
            Name::Plain(s) | Name::Quoted(s) => f.write_str(&quote_ident(s)),
            Name::Var(v) => write!(f, "${{{v}}}"),
        }
    }
}

/// A property key prints like a name, except that a quoted key prints as a `'string'`
/// (which parses back to the same `Name::Quoted`).
pub struct Key<'a>(pub &'a Name);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Name::Quoted(s) => f.write_str(&quote_string(s)),
            other => other.fmt(f),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => f.write_str(&quote_string(s)),
            Literal::Number(n) => f.write_str(n),
            Literal::Boolean(true) => f.write_str("TRUE"),
            Literal::Boolean(false) => f.write_str("FALSE"),
            Literal::Null => f.write_str("NULL"),
            Literal::Var(v) => write!(f, "${{{v}}}"),
        }
    }
}

impl Literal {
    /// The value as Connect receives it: strings as they are, numbers as written, booleans
    /// lower-case, `NULL` as `null` (as ksqlDB does). A variable prints as `${name}`.
    pub fn to_config_string(&self) -> String {
        match self {
            Literal::String(s) | Literal::Number(s) => s.clone(),
            Literal::Boolean(b) => b.to_string(),
            Literal::Null => "null".to_owned(),
            Literal::Var(v) => format!("${{{v}}}"),
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", Key(&self.key), self.value)
    }
}

/// `(a = 1, b = 2)`, or one property per line with `{:#}`.
pub struct PropertyList<'a>(pub &'a [Property]);

impl fmt::Display for PropertyList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.write_str("(\n")?;
            for (i, p) in self.0.iter().enumerate() {
                let sep = if i + 1 < self.0.len() { "," } else { "" };
                writeln!(f, "  {p}{sep}")?;
            }
            f.write_str(")")
        } else {
            f.write_str("(")?;
            for (i, p) in self.0.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{p}")?;
            }
            f.write_str(")")
        }
    }
}

impl fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lifecycle::Pause => "PAUSE",
            Lifecycle::Resume => "RESUME",
            Lifecycle::Stop => "STOP",
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::One(name) => write!(f, "CONNECTOR {name}"),
            Target::All { like, filter } => {
                f.write_str("CONNECTORS")?;
                write_like(f, like)?;
                write_where(f, filter)
            }
        }
    }
}

pub(super) fn write_like(f: &mut fmt::Formatter<'_>, like: &Option<String>) -> fmt::Result {
    match like {
        Some(p) => write!(f, " LIKE {}", quote_string(p)),
        None => Ok(()),
    }
}

pub(super) fn write_where(f: &mut fmt::Formatter<'_>, filter: &Option<Filter>) -> fmt::Result {
    match filter {
        Some(c) => write!(f, " WHERE {c}"),
        None => Ok(()),
    }
}

/// A HELP topic prints bare when it re-parses to the same text, else as a string.
fn help_topic(topic: &str) -> String {
    let bare = !topic.is_empty()
        && topic
            .split(' ')
            .all(|w| is_plain(w) && !w.eq_ignore_ascii_case("--"));
    if bare {
        topic.to_owned()
    } else {
        quote_string(topic)
    }
}

impl fmt::Display for ClientStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientStatement::SetProperty { name, value } => {
                write!(f, "SET {} = {}", quote_string(name), quote_string(value))
            }
            ClientStatement::UnsetProperty { name } => write!(f, "UNSET {}", quote_string(name)),
            ClientStatement::ShowProperties => f.write_str("SHOW PROPERTIES"),
            ClientStatement::Define { name, value } => {
                write!(f, "DEFINE {name} = {}", quote_string(value))
            }
            ClientStatement::Undefine { name } => write!(f, "UNDEFINE {name}"),
            ClientStatement::ShowVariables => f.write_str("SHOW VARIABLES"),
            ClientStatement::RunScript { path } => write!(f, "RUN SCRIPT {}", quote_string(path)),
            ClientStatement::Output(None) => f.write_str("OUTPUT"),
            ClientStatement::Output(Some(format)) => write!(f, "OUTPUT {format}"),
            ClientStatement::Server(None) => f.write_str("SERVER"),
            ClientStatement::Server(Some(url)) => write!(f, "SERVER {}", quote_string(url)),
            ClientStatement::Help(None) => f.write_str("HELP"),
            ClientStatement::Help(Some(topic)) => write!(f, "HELP {}", help_topic(topic)),
            ClientStatement::History => f.write_str("HISTORY"),
            ClientStatement::Clear => f.write_str("CLEAR"),
            ClientStatement::Exit => f.write_str("EXIT"),
        }
    }
}
