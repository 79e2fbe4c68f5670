//! The statement tree that the parser produces and everything downstream consumes.
//! It holds no HTTP and no rendering: only what the user wrote, with variables still unresolved
//! (see `vars.rs`). `Display` prints every node canonically, so `parse(s.to_string()) == s`.

use std::fmt;

use super::ident::{is_plain, quote_ident, quote_string};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectorType {
    Source,
    Sink,
}

/// Which connectors a lifecycle statement touches.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `... CONNECTOR name`
    One(Name),
    /// `... CONNECTORS [LIKE 'pattern']`: every connector, or those matching `%`/`_` wildcards.
    All { like: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Pause,
    Resume,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Tabular,
    Json,
}

/// Every statement kcsh accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    // ---- ksqlDB connector statements (and their kcsh extensions) ----
    /// `CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name WITH (...)`
    CreateConnector {
        or_replace: bool,
        if_not_exists: bool,
        kind: Option<ConnectorType>,
        name: Name,
        properties: Vec<Property>,
    },
    /// `DROP CONNECTOR [IF EXISTS] name`
    DropConnector { if_exists: bool, name: Name },
    /// `DESCRIBE CONNECTOR name [EXTENDED]`
    DescribeConnector { name: Name, extended: bool },
    /// `SHOW|LIST [SOURCE|SINK] CONNECTORS [LIKE 'pattern']`
    ShowConnectors {
        kind: Option<ConnectorType>,
        like: Option<String>,
    },
    /// `SHOW|LIST CONNECTOR PLUGINS`
    ShowConnectorPlugins,

    // ---- kcsh extensions over the REST API ----
    /// `SHOW PLUGINS`: every plugin type.
    ShowPlugins,
    /// `DESCRIBE PLUGIN 'class-or-alias'`
    DescribePlugin { plugin: String },
    /// `VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH (...)`
    ValidateConnector {
        kind: Option<ConnectorType>,
        name: Option<Name>,
        properties: Vec<Property>,
    },
    /// `PAUSE|RESUME|STOP CONNECTOR name` and the bulk `... CONNECTORS [LIKE 'p']`.
    Lifecycle { action: Lifecycle, target: Target },
    /// `RESTART CONNECTOR name [INCLUDE TASKS] [ONLY FAILED]` and the bulk form.
    RestartConnector {
        target: Target,
        include_tasks: bool,
        only_failed: bool,
    },
    /// `RESTART CONNECTOR name TASK n`
    RestartTask { name: Name, task: u32 },
    /// `ALTER CONNECTOR name SET (k=v, ...)`
    AlterConnectorSet {
        name: Name,
        properties: Vec<Property>,
    },
    /// `ALTER CONNECTOR name UNSET ('k', ...)`
    AlterConnectorUnset { name: Name, keys: Vec<Name> },
    /// `SHOW CREATE CONNECTOR name`
    ShowCreateConnector { name: Name },
    /// `SHOW CONNECTOR OFFSETS name`
    ShowConnectorOffsets { name: Name },
    /// `ALTER CONNECTOR name SET OFFSET PARTITION (k=v, ...) TO (k=v, ...)`; `TO NULL` resets it.
    AlterConnectorOffset {
        name: Name,
        partition: Vec<Property>,
        offset: Option<Vec<Property>>,
    },
    /// `ALTER CONNECTOR name RESET OFFSETS`
    ResetConnectorOffsets { name: Name },
    /// `ALTER CONNECTOR name RESET TOPICS`
    ResetConnectorTopics { name: Name },
    /// `WAIT FOR CONNECTOR name [TIMEOUT n SECONDS]`
    WaitForConnector {
        name: Name,
        timeout_secs: Option<u64>,
    },
    /// `SHOW CLUSTER`
    ShowCluster,
    /// `SHOW LOGGERS [LIKE 'pattern']`
    ShowLoggers { like: Option<String> },
    /// `SET LOGGER 'name' = 'LEVEL' [FOR CLUSTER]`
    SetLogger {
        logger: String,
        level: String,
        cluster: bool,
    },
    /// `EXPLAIN statement`
    Explain(Box<Statement>),

    /// A statement kcsh handles itself, without the cluster.
    Client(ClientStatement),
}

/// Client statements and commands: session properties, variables, scripts, output, help.
/// Kept apart from [`Statement`] so the executor, the planner and traversals treat them as one
/// case instead of listing every variant.
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

impl From<ClientStatement> for Statement {
    fn from(c: ClientStatement) -> Statement {
        Statement::Client(c)
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

impl fmt::Display for ConnectorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectorType::Source => "SOURCE",
            ConnectorType::Sink => "SINK",
        })
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

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Tabular => "TABULAR",
            OutputFormat::Json => "JSON",
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::One(name) => write!(f, "CONNECTOR {name}"),
            Target::All { like } => {
                f.write_str("CONNECTORS")?;
                write_like(f, like)
            }
        }
    }
}

fn write_like(f: &mut fmt::Formatter<'_>, like: &Option<String>) -> fmt::Result {
    match like {
        Some(p) => write!(f, " LIKE {}", quote_string(p)),
        None => Ok(()),
    }
}

fn write_kind(f: &mut fmt::Formatter<'_>, kind: &Option<ConnectorType>) -> fmt::Result {
    match kind {
        Some(k) => write!(f, "{k} "),
        None => Ok(()),
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, props: &[Property]) -> fmt::Result {
    if f.alternate() {
        write!(f, "{:#}", PropertyList(props))
    } else {
        write!(f, "{}", PropertyList(props))
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

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::CreateConnector {
                or_replace,
                if_not_exists,
                kind,
                name,
                properties,
            } => {
                f.write_str("CREATE ")?;
                if *or_replace {
                    f.write_str("OR REPLACE ")?;
                }
                write_kind(f, kind)?;
                f.write_str("CONNECTOR ")?;
                if *if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "{name} WITH ")?;
                write_list(f, properties)
            }
            Statement::DropConnector { if_exists, name } => {
                let ie = if *if_exists { "IF EXISTS " } else { "" };
                write!(f, "DROP CONNECTOR {ie}{name}")
            }
            Statement::DescribeConnector { name, extended } => {
                let ext = if *extended { " EXTENDED" } else { "" };
                write!(f, "DESCRIBE CONNECTOR {name}{ext}")
            }
            Statement::ShowConnectors { kind, like } => {
                f.write_str("SHOW ")?;
                write_kind(f, kind)?;
                f.write_str("CONNECTORS")?;
                write_like(f, like)
            }
            Statement::ShowConnectorPlugins => f.write_str("SHOW CONNECTOR PLUGINS"),
            Statement::ShowPlugins => f.write_str("SHOW PLUGINS"),
            Statement::DescribePlugin { plugin } => {
                write!(f, "DESCRIBE PLUGIN {}", quote_string(plugin))
            }
            Statement::ValidateConnector {
                kind,
                name,
                properties,
            } => {
                f.write_str("VALIDATE ")?;
                write_kind(f, kind)?;
                f.write_str("CONNECTOR ")?;
                if let Some(name) = name {
                    write!(f, "{name} ")?;
                }
                f.write_str("WITH ")?;
                write_list(f, properties)
            }
            Statement::Lifecycle { action, target } => write!(f, "{action} {target}"),
            Statement::RestartConnector {
                target,
                include_tasks,
                only_failed,
            } => {
                write!(f, "RESTART {target}")?;
                if *include_tasks {
                    f.write_str(" INCLUDE TASKS")?;
                }
                if *only_failed {
                    f.write_str(" ONLY FAILED")?;
                }
                Ok(())
            }
            Statement::RestartTask { name, task } => {
                write!(f, "RESTART CONNECTOR {name} TASK {task}")
            }
            Statement::AlterConnectorSet { name, properties } => {
                write!(f, "ALTER CONNECTOR {name} SET ")?;
                write_list(f, properties)
            }
            Statement::AlterConnectorUnset { name, keys } => {
                write!(f, "ALTER CONNECTOR {name} UNSET (")?;
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Key(k))?;
                }
                f.write_str(")")
            }
            Statement::ShowCreateConnector { name } => write!(f, "SHOW CREATE CONNECTOR {name}"),
            Statement::ShowConnectorOffsets { name } => {
                write!(f, "SHOW CONNECTOR OFFSETS {name}")
            }
            Statement::AlterConnectorOffset {
                name,
                partition,
                offset,
            } => {
                write!(f, "ALTER CONNECTOR {name} SET OFFSET PARTITION ")?;
                write_list(f, partition)?;
                f.write_str(" TO ")?;
                match offset {
                    Some(props) => write_list(f, props),
                    None => f.write_str("NULL"),
                }
            }
            Statement::ResetConnectorOffsets { name } => {
                write!(f, "ALTER CONNECTOR {name} RESET OFFSETS")
            }
            Statement::ResetConnectorTopics { name } => {
                write!(f, "ALTER CONNECTOR {name} RESET TOPICS")
            }
            Statement::WaitForConnector { name, timeout_secs } => {
                write!(f, "WAIT FOR CONNECTOR {name}")?;
                match timeout_secs {
                    Some(t) => write!(f, " TIMEOUT {t} SECONDS"),
                    None => Ok(()),
                }
            }
            Statement::ShowCluster => f.write_str("SHOW CLUSTER"),
            Statement::ShowLoggers { like } => {
                f.write_str("SHOW LOGGERS")?;
                write_like(f, like)
            }
            Statement::SetLogger {
                logger,
                level,
                cluster,
            } => {
                write!(
                    f,
                    "SET LOGGER {} = {}",
                    quote_string(logger),
                    quote_string(level)
                )?;
                if *cluster {
                    f.write_str(" FOR CLUSTER")?;
                }
                Ok(())
            }
            Statement::Explain(inner) => {
                if f.alternate() {
                    write!(f, "EXPLAIN {inner:#}")
                } else {
                    write!(f, "EXPLAIN {inner}")
                }
            }
            Statement::Client(c) => c.fmt(f),
        }
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
