//! The statement tree that the parser produces and everything downstream consumes.
//! It holds no HTTP and no rendering: only what the user wrote, with variables still unresolved
//! (see `vars.rs`). `Display` prints every node canonically, so `parse(s.to_string()) == s`.

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
        match self {
            Name::Plain(s) | Name::Quoted(s) => s.clone(),
            Name::Var(v) => format!("${{{v}}}"),
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
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub key: Name,
    pub value: Literal,
    /// Where the key stands (for "given twice" and per-property messages).
    pub span: Span,
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
    DropConnector {
        if_exists: bool,
        name: Name,
    },
    /// `DESCRIBE CONNECTOR name [EXTENDED]`
    DescribeConnector {
        name: Name,
        extended: bool,
    },
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
    DescribePlugin {
        plugin: String,
    },
    /// `VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH (...)`
    ValidateConnector {
        kind: Option<ConnectorType>,
        name: Option<Name>,
        properties: Vec<Property>,
    },
    /// `PAUSE|RESUME|STOP CONNECTOR name` and the bulk `... CONNECTORS [LIKE 'p']`.
    Lifecycle {
        action: Lifecycle,
        target: Target,
    },
    /// `RESTART CONNECTOR name [INCLUDE TASKS] [ONLY FAILED]` and the bulk form.
    RestartConnector {
        target: Target,
        include_tasks: bool,
        only_failed: bool,
    },
    /// `RESTART CONNECTOR name TASK n`
    RestartTask {
        name: Name,
        task: u32,
    },
    /// `ALTER CONNECTOR name SET (k=v, ...)`
    AlterConnectorSet {
        name: Name,
        properties: Vec<Property>,
    },
    /// `ALTER CONNECTOR name UNSET ('k', ...)`
    AlterConnectorUnset {
        name: Name,
        keys: Vec<Name>,
    },
    /// `SHOW CREATE CONNECTOR name`
    ShowCreateConnector {
        name: Name,
    },
    /// `SHOW CONNECTOR OFFSETS name`
    ShowConnectorOffsets {
        name: Name,
    },
    /// `ALTER CONNECTOR name SET OFFSET PARTITION (k=v, ...) TO (k=v, ...)`; `TO NULL` resets it.
    AlterConnectorOffset {
        name: Name,
        partition: Vec<Property>,
        offset: Option<Vec<Property>>,
    },
    /// `ALTER CONNECTOR name RESET OFFSETS`
    ResetConnectorOffsets {
        name: Name,
    },
    /// `ALTER CONNECTOR name RESET TOPICS`
    ResetConnectorTopics {
        name: Name,
    },
    /// `WAIT FOR CONNECTOR name [TIMEOUT n SECONDS]`
    WaitForConnector {
        name: Name,
        timeout_secs: Option<u64>,
    },
    /// `SHOW CLUSTER`
    ShowCluster,
    /// `SHOW LOGGERS [LIKE 'pattern']`
    ShowLoggers {
        like: Option<String>,
    },
    /// `SET LOGGER 'name' = 'LEVEL' [FOR CLUSTER]`
    SetLogger {
        logger: String,
        level: String,
        cluster: bool,
    },
    /// `EXPLAIN statement`
    Explain(Box<Statement>),

    // ---- client statements and commands ----
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
