//! The statements, one typed struct each, with its canonical text (`Display`) and the names,
//! literals and texts it holds (`Node::visit_mut`) written beside its fields, so that a
//! statement's shape is stated once. [`Statement`] and its dispatch are generated from one list.
//! Nothing here parses, resolves or runs: the parser builds these, `visit` walks them.

use std::fmt;

use super::ast::{
    ClientStatement, ConnectorType, Filter, InitialState, Key, Lifecycle, Name, Property,
    PropertyList, Target, write_like, write_where,
};
use super::ident::quote_string;
use super::visit::{Node, VisitMut, visit_properties};

/// Declares `Statement` with one variant per statement struct, `From` for each, and the
/// dispatch of `Display` and [`Node`] to the struct.
macro_rules! statements {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty), )*) => {
        /// Every statement kcsh accepts.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Statement {
            $( $(#[$doc])* $variant($ty), )*
        }

        impl Statement {
            fn node(&self) -> &dyn Node {
                match self { $( Statement::$variant(s) => s, )* }
            }
            fn node_mut(&mut self) -> &mut dyn Node {
                match self { $( Statement::$variant(s) => s, )* }
            }
        }

        $( impl From<$ty> for Statement {
            fn from(s: $ty) -> Statement {
                Statement::$variant(s)
            }
        } )*
    };
}

statements! {
    // ---- ksqlDB connector statements (and their kcsh extensions) ----
    /// `CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name WITH (...)
    /// [INITIALLY state] [WITH OFFSETS (...)]`
    CreateConnector(CreateConnector),
    /// `DROP CONNECTOR [IF EXISTS] name`
    DropConnector(DropConnector),
    /// `DESCRIBE CONNECTOR name [EXTENDED]`
    DescribeConnector(DescribeConnector),
    /// `DROP CONNECTORS [LIKE 'pattern'] [WHERE condition] [FORCE]`
    DropConnectors(DropConnectors),
    /// `SHOW|LIST [SOURCE|SINK] CONNECTORS [LIKE 'pattern'] [WHERE condition]`
    ShowConnectors(ShowConnectors),
    /// `SHOW|LIST CONNECTOR PLUGINS`
    ShowConnectorPlugins(ShowConnectorPlugins),
    // ---- kcsh extensions over the REST API ----
    /// `SHOW PLUGINS`: every plugin type.
    ShowPlugins(ShowPlugins),
    /// `DESCRIBE PLUGIN 'class-or-alias' [VERSION 'v']`
    DescribePlugin(DescribePlugin),
    /// `VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH (...)`
    ValidateConnector(ValidateConnector),
    /// `PAUSE|RESUME|STOP CONNECTOR name` and the bulk `... CONNECTORS [LIKE 'p']`.
    Lifecycle(LifecycleConnector),
    /// `RESTART CONNECTOR name [INCLUDE TASKS] [ONLY FAILED]` and the bulk form.
    RestartConnector(RestartConnector),
    /// `RESTART CONNECTOR name TASK n`
    RestartTask(RestartTask),
    /// `ALTER CONNECTOR name SET (k=v, ...)`
    AlterConnectorSet(AlterConnectorSet),
    /// `ALTER CONNECTOR name UNSET ('k', ...)`
    AlterConnectorUnset(AlterConnectorUnset),
    /// `SHOW CREATE CONNECTOR name [WITH OFFSETS]`
    ShowCreateConnector(ShowCreateConnector),
    /// `SHOW CONNECTOR OFFSETS name`
    ShowConnectorOffsets(ShowConnectorOffsets),
    /// `ALTER CONNECTOR name SET OFFSET PARTITION (k=v, ...) TO (k=v, ...)`; `TO NULL` resets it.
    AlterConnectorOffset(AlterConnectorOffset),
    /// `ALTER CONNECTOR name RESET OFFSETS`
    ResetConnectorOffsets(ResetConnectorOffsets),
    /// `ALTER CONNECTOR name RESET TOPICS`
    ResetConnectorTopics(ResetConnectorTopics),
    /// `WAIT FOR CONNECTOR name [CAUGHT UP] [TIMEOUT n SECONDS]`
    WaitForConnector(WaitForConnector),
    /// `SHOW CONNECTOR ERRORS name [LIMIT n]`: a sink's dead letters.
    ShowConnectorErrors(ShowConnectorErrors),
    /// `SHOW CLUSTER`
    ShowCluster(ShowCluster),
    /// `SHOW LOGGERS [LIKE 'pattern']`
    ShowLoggers(ShowLoggers),
    /// `SET LOGGER 'name' = 'LEVEL' [FOR CLUSTER]`
    SetLogger(SetLogger),
    // ---- the data side (Kafka) ----
    /// `SHOW|LIST [ALL] TOPICS [EXTENDED] [LIKE 'pattern']`
    ShowTopics(ShowTopics),
    /// `PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n]`
    Print(Print),
    /// `INSTALL PLUGIN 'group:artifact:version'` (into kcsh's own worker).
    InstallPlugin(InstallPlugin),
    /// `EXPLAIN statement`
    Explain(Explain),
    /// `WATCH statement [EVERY n SECONDS] [RESTART FAILED]`
    Watch(Watch),
    /// A statement kcsh handles itself, without the cluster.
    Client(ClientStatement),
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.node().fmt(f)
    }
}

impl Node for Statement {
    fn visit_mut(&mut self, v: &mut dyn VisitMut) {
        self.node_mut().visit_mut(v)
    }
}

/// Implements [`Node`] for a struct by visiting the listed fields (see [`Visitable`]).
macro_rules! visits {
    ($ty:ty $(, $field:ident)*) => {
        impl Node for $ty {
            #[allow(unused_variables)]
            fn visit_mut(&mut self, v: &mut dyn VisitMut) {
                $( Visitable::visit(&mut self.$field, v); )*
            }
        }
    };
}

/// A field type a visitor looks into.
trait Visitable {
    fn visit(&mut self, v: &mut dyn VisitMut);
}

impl Visitable for Name {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        v.name(self)
    }
}

impl Visitable for Option<Name> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        if let Some(name) = self {
            v.name(name)
        }
    }
}

impl Visitable for Vec<Name> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        self.iter_mut().for_each(|name| v.name(name))
    }
}

impl Visitable for Vec<Property> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        visit_properties(self, v)
    }
}

impl Visitable for Option<Vec<Property>> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        if let Some(props) = self {
            visit_properties(props, v)
        }
    }
}

/// A LIKE pattern.
impl Visitable for Option<String> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        if let Some(text) = self {
            v.text(text)
        }
    }
}

impl Visitable for String {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        v.text(self)
    }
}

impl Visitable for Vec<PartitionOffset> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        for po in self.iter_mut() {
            visit_properties(&mut po.partition, v);
            po.offset.visit(v);
        }
    }
}

impl Visitable for Target {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        match self {
            Target::One(name) => v.name(name),
            Target::All { like, filter } => {
                like.visit(v);
                filter.visit(v);
            }
        }
    }
}

/// A WHERE condition: its texts and patterns.
impl Visitable for Option<Filter> {
    fn visit(&mut self, v: &mut dyn VisitMut) {
        if let Some(filter) = self {
            filter.texts_mut(&mut |t| v.text(t))
        }
    }
}

fn write_kind(f: &mut fmt::Formatter<'_>, kind: &Option<ConnectorType>) -> fmt::Result {
    match kind {
        Some(k) => write!(f, "{k} "),
        None => Ok(()),
    }
}

/// A property list, one property per line under `{:#}`.
fn write_list(f: &mut fmt::Formatter<'_>, props: &[Property]) -> fmt::Result {
    if f.alternate() {
        write!(f, "{:#}", PropertyList(props))
    } else {
        write!(f, "{}", PropertyList(props))
    }
}

// ---- the statements ----

/// `CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name WITH (...)
/// [INITIALLY RUNNING|PAUSED|STOPPED] [WITH OFFSETS (PARTITION (...) TO (...), ...)]`
#[derive(Debug, Clone, PartialEq)]
pub struct CreateConnector {
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub kind: Option<ConnectorType>,
    pub name: Name,
    pub properties: Vec<Property>,
    /// The state a new connector starts in (`INITIALLY ...`); `None`: Connect's default, RUNNING.
    pub initially: Option<InitialState>,
    /// The offsets a new connector starts from (`WITH OFFSETS (...)`); empty when not given.
    pub offsets: Vec<PartitionOffset>,
}
visits!(CreateConnector, name, properties, offsets);

impl fmt::Display for CreateConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.or_replace {
            f.write_str("OR REPLACE ")?;
        }
        write_kind(f, &self.kind)?;
        f.write_str("CONNECTOR ")?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{} WITH ", self.name)?;
        write_list(f, &self.properties)?;
        if let Some(state) = self.initially {
            write!(f, " INITIALLY {state}")?;
        }
        if !self.offsets.is_empty() {
            f.write_str(" WITH OFFSETS (")?;
            for (i, po) in self.offsets.iter().enumerate() {
                match (f.alternate(), i) {
                    (true, _) => f.write_str("\n  ")?,
                    (false, 0) => {}
                    (false, _) => f.write_str(", ")?,
                }
                write!(f, "{po}")?;
                if f.alternate() && i + 1 < self.offsets.len() {
                    f.write_str(",")?;
                }
            }
            if f.alternate() {
                f.write_str("\n")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// `PARTITION (k = v, ...) TO (k = v, ...)`, or `TO NULL` (reset): one entry of `WITH OFFSETS`
/// and what `ALTER CONNECTOR ... SET OFFSET` takes. Property lists print on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionOffset {
    pub partition: Vec<Property>,
    pub offset: Option<Vec<Property>>,
}

impl fmt::Display for PartitionOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PARTITION {} TO ", PropertyList(&self.partition))?;
        match &self.offset {
            Some(props) => write!(f, "{}", PropertyList(props)),
            None => f.write_str("NULL"),
        }
    }
}

/// `DROP CONNECTOR [IF EXISTS] name`
#[derive(Debug, Clone, PartialEq)]
pub struct DropConnector {
    pub if_exists: bool,
    pub name: Name,
}
visits!(DropConnector, name);

impl fmt::Display for DropConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ie = if self.if_exists { "IF EXISTS " } else { "" };
        write!(f, "DROP CONNECTOR {ie}{}", self.name)
    }
}

/// `DESCRIBE CONNECTOR name [EXTENDED]`
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeConnector {
    pub name: Name,
    pub extended: bool,
}
visits!(DescribeConnector, name);

impl fmt::Display for DescribeConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ext = if self.extended { " EXTENDED" } else { "" };
        write!(f, "DESCRIBE CONNECTOR {}{ext}", self.name)
    }
}

/// `DROP CONNECTORS [LIKE 'pattern'] [WHERE condition] [FORCE]` (at least one of LIKE, WHERE).
/// Without FORCE, the interactive shell asks first and scripts are refused.
#[derive(Debug, Clone, PartialEq)]
pub struct DropConnectors {
    pub like: Option<String>,
    pub filter: Option<Filter>,
    pub force: bool,
}
visits!(DropConnectors, like, filter);

impl fmt::Display for DropConnectors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DROP CONNECTORS")?;
        write_like(f, &self.like)?;
        write_where(f, &self.filter)?;
        if self.force {
            f.write_str(" FORCE")?;
        }
        Ok(())
    }
}

/// `SHOW|LIST [SOURCE|SINK] CONNECTORS [LIKE 'pattern'] [WHERE condition]`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowConnectors {
    pub kind: Option<ConnectorType>,
    pub like: Option<String>,
    pub filter: Option<Filter>,
}
visits!(ShowConnectors, like, filter);

impl fmt::Display for ShowConnectors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW ")?;
        write_kind(f, &self.kind)?;
        f.write_str("CONNECTORS")?;
        write_like(f, &self.like)?;
        write_where(f, &self.filter)
    }
}

/// `SHOW|LIST CONNECTOR PLUGINS`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowConnectorPlugins;
visits!(ShowConnectorPlugins);

impl fmt::Display for ShowConnectorPlugins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW CONNECTOR PLUGINS")
    }
}

/// `SHOW PLUGINS`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowPlugins;
visits!(ShowPlugins);

impl fmt::Display for ShowPlugins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW PLUGINS")
    }
}

/// `DESCRIBE PLUGIN 'class-or-alias' [VERSION 'v']`
#[derive(Debug, Clone, PartialEq)]
pub struct DescribePlugin {
    pub plugin: String,
    /// A version (or Maven version range) of the plugin (KIP-891, Connect 4.1+).
    pub version: Option<String>,
}
visits!(DescribePlugin, plugin, version);

impl fmt::Display for DescribePlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DESCRIBE PLUGIN {}", quote_string(&self.plugin))?;
        match &self.version {
            Some(v) => write!(f, " VERSION {}", quote_string(v)),
            None => Ok(()),
        }
    }
}

/// `INSTALL PLUGIN 'group:artifact:version'`: Maven coordinates, checked when run.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallPlugin {
    pub coordinates: String,
}
visits!(InstallPlugin, coordinates);

impl fmt::Display for InstallPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INSTALL PLUGIN {}", quote_string(&self.coordinates))
    }
}

/// `VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH (...)`
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateConnector {
    pub kind: Option<ConnectorType>,
    pub name: Option<Name>,
    pub properties: Vec<Property>,
}
visits!(ValidateConnector, name, properties);

impl fmt::Display for ValidateConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VALIDATE ")?;
        write_kind(f, &self.kind)?;
        f.write_str("CONNECTOR ")?;
        if let Some(name) = &self.name {
            write!(f, "{name} ")?;
        }
        f.write_str("WITH ")?;
        write_list(f, &self.properties)
    }
}

/// `PAUSE|RESUME|STOP CONNECTOR name` and the bulk `... CONNECTORS [LIKE 'p']`.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleConnector {
    pub action: Lifecycle,
    pub target: Target,
}
visits!(LifecycleConnector, target);

impl fmt::Display for LifecycleConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.action, self.target)
    }
}

/// `RESTART CONNECTOR name [INCLUDE TASKS] [ONLY FAILED]` and the bulk form.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartConnector {
    pub target: Target,
    pub include_tasks: bool,
    pub only_failed: bool,
}
visits!(RestartConnector, target);

impl fmt::Display for RestartConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RESTART {}", self.target)?;
        if self.include_tasks {
            f.write_str(" INCLUDE TASKS")?;
        }
        if self.only_failed {
            f.write_str(" ONLY FAILED")?;
        }
        Ok(())
    }
}

/// `RESTART CONNECTOR name TASK n`
#[derive(Debug, Clone, PartialEq)]
pub struct RestartTask {
    pub name: Name,
    pub task: u32,
}
visits!(RestartTask, name);

impl fmt::Display for RestartTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RESTART CONNECTOR {} TASK {}", self.name, self.task)
    }
}

/// `ALTER CONNECTOR name SET (k=v, ...)`
#[derive(Debug, Clone, PartialEq)]
pub struct AlterConnectorSet {
    pub name: Name,
    pub properties: Vec<Property>,
}
visits!(AlterConnectorSet, name, properties);

impl fmt::Display for AlterConnectorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER CONNECTOR {} SET ", self.name)?;
        write_list(f, &self.properties)
    }
}

/// `ALTER CONNECTOR name UNSET ('k', ...)`
#[derive(Debug, Clone, PartialEq)]
pub struct AlterConnectorUnset {
    pub name: Name,
    pub keys: Vec<Name>,
}
visits!(AlterConnectorUnset, name, keys);

impl fmt::Display for AlterConnectorUnset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER CONNECTOR {} UNSET (", self.name)?;
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Key(k))?;
        }
        f.write_str(")")
    }
}

/// `SHOW CREATE CONNECTOR name [WITH OFFSETS]`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowCreateConnector {
    pub name: Name,
    /// `WITH OFFSETS`: a statement that recreates the connector with its state and offsets.
    pub with_offsets: bool,
}
visits!(ShowCreateConnector, name);

impl fmt::Display for ShowCreateConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHOW CREATE CONNECTOR {}", self.name)?;
        if self.with_offsets {
            f.write_str(" WITH OFFSETS")?;
        }
        Ok(())
    }
}

/// `SHOW CONNECTOR OFFSETS name`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowConnectorOffsets {
    pub name: Name,
}
visits!(ShowConnectorOffsets, name);

impl fmt::Display for ShowConnectorOffsets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHOW CONNECTOR OFFSETS {}", self.name)
    }
}

/// `ALTER CONNECTOR name SET OFFSET PARTITION (k=v, ...) TO (k=v, ...)`; `TO NULL` resets it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterConnectorOffset {
    pub name: Name,
    pub partition: Vec<Property>,
    pub offset: Option<Vec<Property>>,
}
visits!(AlterConnectorOffset, name, partition, offset);

impl fmt::Display for AlterConnectorOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER CONNECTOR {} SET OFFSET PARTITION ", self.name)?;
        write_list(f, &self.partition)?;
        f.write_str(" TO ")?;
        match &self.offset {
            Some(props) => write_list(f, props),
            None => f.write_str("NULL"),
        }
    }
}

/// `ALTER CONNECTOR name RESET OFFSETS`
#[derive(Debug, Clone, PartialEq)]
pub struct ResetConnectorOffsets {
    pub name: Name,
}
visits!(ResetConnectorOffsets, name);

impl fmt::Display for ResetConnectorOffsets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER CONNECTOR {} RESET OFFSETS", self.name)
    }
}

/// `ALTER CONNECTOR name RESET TOPICS`
#[derive(Debug, Clone, PartialEq)]
pub struct ResetConnectorTopics {
    pub name: Name,
}
visits!(ResetConnectorTopics, name);

impl fmt::Display for ResetConnectorTopics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ALTER CONNECTOR {} RESET TOPICS", self.name)
    }
}

/// `WAIT FOR CONNECTOR name [CAUGHT UP] [TIMEOUT n SECONDS]`: until it runs, or (`CAUGHT
/// UP`) until a sink has committed every record its topics held when the wait began.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitForConnector {
    pub name: Name,
    pub caught_up: bool,
    pub timeout_secs: Option<u64>,
}
visits!(WaitForConnector, name);

impl fmt::Display for WaitForConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WAIT FOR CONNECTOR {}", self.name)?;
        if self.caught_up {
            f.write_str(" CAUGHT UP")?;
        }
        match self.timeout_secs {
            Some(t) => write!(f, " TIMEOUT {t} SECONDS"),
            None => Ok(()),
        }
    }
}

/// `SHOW CONNECTOR ERRORS name [LIMIT n]`: the newest records of a sink's dead letter queue.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowConnectorErrors {
    pub name: Name,
    pub limit: Option<u64>,
}
visits!(ShowConnectorErrors, name);

impl fmt::Display for ShowConnectorErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHOW CONNECTOR ERRORS {}", self.name)?;
        match self.limit {
            Some(n) => write!(f, " LIMIT {n}"),
            None => Ok(()),
        }
    }
}

/// `SHOW CLUSTER`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowCluster;
visits!(ShowCluster);

impl fmt::Display for ShowCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW CLUSTER")
    }
}

/// `SHOW LOGGERS [LIKE 'pattern']`
#[derive(Debug, Clone, PartialEq)]
pub struct ShowLoggers {
    pub like: Option<String>,
}
visits!(ShowLoggers, like);

impl fmt::Display for ShowLoggers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW LOGGERS")?;
        write_like(f, &self.like)
    }
}

/// `SET LOGGER 'name' = 'LEVEL' [FOR CLUSTER]`
#[derive(Debug, Clone, PartialEq)]
pub struct SetLogger {
    pub logger: String,
    pub level: String,
    pub cluster: bool,
}
visits!(SetLogger, logger, level);

impl fmt::Display for SetLogger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SET LOGGER {} = {}",
            quote_string(&self.logger),
            quote_string(&self.level)
        )?;
        if self.cluster {
            f.write_str(" FOR CLUSTER")?;
        }
        Ok(())
    }
}

/// `SHOW|LIST [ALL] TOPICS [EXTENDED] [LIKE 'pattern']`: ALL adds Kafka's internal topics.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowTopics {
    pub all: bool,
    pub extended: bool,
    pub like: Option<String>,
}
visits!(ShowTopics, like);

impl fmt::Display for ShowTopics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.all {
            "SHOW ALL TOPICS"
        } else {
            "SHOW TOPICS"
        })?;
        if self.extended {
            f.write_str(" EXTENDED")?;
        }
        write_like(f, &self.like)
    }
}

/// `PRINT 'topic' | name [FROM BEGINNING] [INTERVAL n] [LIMIT n]` (`SAMPLE n` is INTERVAL).
/// `interval` and `limit` are at least 1 (the parser refuses 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Print {
    pub topic: Name,
    pub from_beginning: bool,
    pub interval: Option<u64>,
    pub limit: Option<u64>,
}
visits!(Print, topic);

impl fmt::Display for Print {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PRINT {}", Key(&self.topic))?;
        if self.from_beginning {
            f.write_str(" FROM BEGINNING")?;
        }
        if let Some(n) = self.interval {
            write!(f, " INTERVAL {n}")?;
        }
        if let Some(n) = self.limit {
            write!(f, " LIMIT {n}")?;
        }
        Ok(())
    }
}

/// `EXPLAIN statement` (never of EXPLAIN or a client statement: the parser refuses those).
#[derive(Debug, Clone, PartialEq)]
pub struct Explain(pub Box<Statement>);

impl Node for Explain {
    fn visit_mut(&mut self, v: &mut dyn VisitMut) {
        self.0.visit_mut(v)
    }
}

impl fmt::Display for Explain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "EXPLAIN {:#}", self.0)
        } else {
            write!(f, "EXPLAIN {}", self.0)
        }
    }
}

/// `WATCH statement [EVERY n SECONDS] [RESTART FAILED]`: `statement` is one that
/// [`Watch::can_watch`] accepts (the parser refuses others, and a WATCH inside a WATCH).
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    pub statement: Box<Statement>,
    /// `EVERY n SECONDS`; `None`: the shell's default interval.
    pub every_secs: Option<u64>,
    /// `RESTART FAILED`: restart failed connectors and tasks (with a backoff and a cap).
    pub restart_failed: bool,
}

impl Watch {
    /// The interval without `EVERY`: Connect's status is itself a few seconds behind.
    pub const DEFAULT_EVERY_SECS: u64 = 5;
    /// Smallest `EVERY n SECONDS` (a WATCH must not hammer a worker).
    pub const MIN_EVERY_SECS: u64 = 1;
    /// Largest `EVERY n SECONDS` (a day).
    pub const MAX_EVERY_SECS: u64 = 86_400;

    /// The interval in seconds.
    pub fn interval_secs(&self) -> u64 {
        self.every_secs.unwrap_or(Watch::DEFAULT_EVERY_SECS)
    }

    /// The statements WATCH can run on every tick: reads whose result changes over time.
    pub fn can_watch(s: &Statement) -> bool {
        matches!(
            s,
            Statement::ShowConnectors(_)
                | Statement::DescribeConnector(_)
                | Statement::ShowTopics(_)
        )
    }

    /// Whether `RESTART FAILED` makes sense on `s` (its result is about connectors).
    pub fn can_restart(s: &Statement) -> bool {
        matches!(
            s,
            Statement::ShowConnectors(_) | Statement::DescribeConnector(_)
        )
    }
}

impl Node for Watch {
    fn visit_mut(&mut self, v: &mut dyn VisitMut) {
        self.statement.visit_mut(v)
    }
}

impl fmt::Display for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WATCH {}", self.statement)?;
        if let Some(n) = self.every_secs {
            write!(f, " EVERY {n} SECONDS")?;
        }
        if self.restart_failed {
            f.write_str(" RESTART FAILED")?;
        }
        Ok(())
    }
}

/// Client statements hold plain strings: their settings, paths and URLs are texts.
/// (DEFINE, UNDEFINE and HELP are left as written; OUTPUT holds no text.)
impl Node for ClientStatement {
    fn visit_mut(&mut self, v: &mut dyn VisitMut) {
        match self {
            ClientStatement::SetProperty { name, value } => {
                v.text(name);
                v.text(value);
            }
            ClientStatement::UnsetProperty { name } => v.text(name),
            ClientStatement::RunScript { path } => v.text(path),
            ClientStatement::Server(url) => url.visit(v),
            ClientStatement::ShowProperties
            | ClientStatement::Define { .. }
            | ClientStatement::Undefine { .. }
            | ClientStatement::ShowVariables
            | ClientStatement::Output(_)
            | ClientStatement::Help(_)
            | ClientStatement::History
            | ClientStatement::Clear
            | ClientStatement::Exit => {}
        }
    }
}
