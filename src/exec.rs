//! The session: runs one statement over a transport and returns its `Output`. Prints nothing
//! (except WAIT's progress line on a terminal, when asked); the shell renders the `Output`.
//!
//! Shape: statement code (config.rs, connectors.rs, lifecycle.rs, cluster.rs) builds requests
//! (build.rs) and sends every one through `Session::send` (transport.rs). The transport's
//! [`Mode`] decides what sending means: live; dry run (reads pass, writes recorded); EXPLAIN
//! (the same, and the output is the request log); offline (`--check`: every request fails with
//! "needs the cluster"). So EXPLAIN, `--dry-run` and `--check` are the statement's own code,
//! never a second description of it; the dry-run preview (preview.rs) describes the recorded
//! writes, keyed by the request alone. No statement code tests the mode, except WAIT FOR, which
//! under EXPLAIN polls once instead of waiting, and PRINT, which under EXPLAIN reads no records.
//!
//! To add a statement: parse it (src/lang), add its arm to `Session::dispatch` calling a method
//! in the family module it belongs to, send its requests with `self.send`/`self.send_json`
//! (building them in build.rs if they take more than a path), and, if it writes to an endpoint
//! no other statement writes to, give `describe_write` in preview.rs its words (otherwise the
//! dry run says "Would send:" and the request). EXPLAIN, dry run, `--check`, the catalog and
//! [`Session::changed_state`] then follow by themselves.
//!
//! For the shell: [`Session::catalog`] hands out a [`CatalogCache`] (connector names, plugins,
//! plugin keys, worker version) that the completer and banner read without touching the
//! session; the session refreshes it from the answers of its own requests.
//! [`Session::cancel_flag`] is the cancellation token: an `Arc<AtomicBool>` the shell keeps and
//! sets on Ctrl-C; a running WAIT FOR stops at its next poll (about half a second).

mod build;
mod bulk;
mod catalog;
mod cluster;
mod config;
mod connectors;
mod dead_letters;
mod guard;
mod health;
mod install;
mod kafka_link;
mod lag;
mod lifecycle;
mod moving;
mod preview;
mod print;
mod topics;
mod transport;

/// Requests and URL paths: the connect layer's, re-exported for the statement modules.
mod http {
    pub use crate::connect::request::{Method, Request, connector_path, logger_path, plugin_path};
}

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use catalog::{Catalog, CatalogCache};
pub use health::Failure;
pub use preview::{Basis, Change, Effect};
pub use transport::{Exchange, Fate, Mode, NEEDS_CLUSTER};

use crate::cli::ConnectionArgs;
use crate::connect::config::Settings;
use crate::connect::model::{ConfigKeyInfo, PluginInfo, ServerInfo};
use crate::connect::{ApiError, Client};
use crate::error::Error;
use crate::lang::ast::{Name, Statement};
use crate::lang::statement::*;
use crate::output::{Block, Output};
use crate::secrets::Masker;
use http::{Request, plugin_path};

/// Where a streaming statement (PRINT) hands each part of its output as it is produced.
pub type Sink<'a> = &'a mut dyn FnMut(Output) -> Result<(), Error>;

/// How the session behaves; the shell fills it from the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Upper-case unquoted names and keys, as ksqlDB does.
    pub ksql_compat: bool,
    /// Show secret config values instead of `[hidden]`.
    pub show_secrets: bool,
    /// Send no request that changes state; say what would change.
    pub dry_run: bool,
    /// Show progress (WAIT FOR) on standard error: only when it is a terminal.
    pub progress: bool,
    /// Requests a bulk statement keeps in flight (`--concurrency`); `None`: the default.
    pub concurrency: Option<usize>,
}

/// Default of `WAIT FOR CONNECTOR` without `TIMEOUT`.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// How long the list of connector names used for completion is trusted (also by the REPL's
/// [`crate::repl::catalog::Lookup`] for the shell session's snapshot).
pub const NAMES_TTL: Duration = Duration::from_secs(10);

/// A connection to one Connect cluster plus the session's settings and caches.
#[derive(Debug)]
pub struct Session {
    client: Client,
    opts: Options,
    /// The transport of the statement running now (see transport.rs).
    mode: Mode,
    /// `--check`: every statement runs offline.
    offline: bool,
    wait_timeout: Duration,
    defaults: (Duration, Duration),
    catalog: CatalogCache,
    /// The exchanges of the statement running now.
    log: Mutex<Vec<Exchange>>,
    /// The exchanges of the last statement.
    last: Vec<Exchange>,
    /// Set by the REPL's Ctrl-C: long waits (WAIT FOR) stop early instead of running on unseen;
    /// bulk statements stop sending.
    cancel: Arc<AtomicBool>,
    /// Requests a bulk statement keeps in flight (`bulk.concurrency`).
    concurrency: usize,
    /// What the statement running now would do outside the REST API (INSTALL PLUGIN's fetch
    /// and restart), recorded instead of done under EXPLAIN, dry run and `--check`.
    effects: Mutex<Vec<String>>,
    /// Set when the statement running now changed the cluster outside the REST API and that
    /// change was confirmed (INSTALL PLUGIN: the restarted worker lists the plugin).
    changed_outside: AtomicBool,
    /// Connectors a plan read, whose next live write must find them unchanged (guard.rs).
    guard: Mutex<std::collections::BTreeMap<String, Basis>>,
    /// The Kafka connection, made on first use ([`Session::kafka`]).
    kafka: kafka_link::KafkaLink,
}

/// The session settings exec owns (`SET 'name' = 'value'`), with their descriptions.
pub const PROPERTIES: &[(&str, &str)] = &[
    (
        "bulk.concurrency",
        "requests a bulk statement keeps in flight (1 to 64)",
    ),
    ("dry.run", "send no request that changes state (true/false)"),
    (
        "ksql.compat",
        "upper-case unquoted names and keys like ksqlDB (true/false)",
    ),
    (
        "retry.timeout",
        "seconds to retry requests refused during a rebalance",
    ),
    (
        "show.secrets",
        "show secret config values instead of [hidden] (true/false)",
    ),
    ("timeout", "HTTP timeout per request, in seconds"),
    (
        "wait.timeout",
        "default timeout of WAIT FOR CONNECTOR, in seconds",
    ),
];

/// Checks a statement without the network (`--check`): runs it over the offline transport.
/// It passes when it fails only because it reached the network ("needs the cluster"): every
/// check that comes before a request (names, paths, configs, clauses) has then been made.
/// Variables must be resolved and `--ksql-compat` applied by the caller.
pub fn check(stmt: &Statement) -> Result<(), Error> {
    if matches!(stmt, Statement::Client(_)) {
        return Ok(());
    }
    thread_local! {
        static OFFLINE: RefCell<Option<Session>> = const { RefCell::new(None) };
    }
    OFFLINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(Session::offline()?);
        }
        let session = slot.as_mut().expect("set above");
        match session.execute(stmt) {
            Ok(_) => Ok(()),
            Err(_) if Session::went_offline(&session.last) || session.kafka.take().1 => Ok(()),
            Err(e) => Err(e),
        }
    })
}

/// Whether running `stmt` live may change the cluster: before it runs (to know that an
/// abandoned run may have been applied). An upper bound: the statements that never write are
/// listed, all others may; a test checks it against the transport's log for every kind. After
/// a run, [`Session::changed_state`] says what actually happened.
pub fn may_write(stmt: &Statement) -> bool {
    if let Statement::Watch(w) = stmt {
        return w.restart_failed;
    }
    !matches!(
        stmt,
        Statement::DescribeConnector(_)
            | Statement::ShowConnectors(_)
            | Statement::ShowConnectorPlugins(_)
            | Statement::ShowPlugins(_)
            | Statement::DescribePlugin(_)
            | Statement::ValidateConnector(_)
            | Statement::ShowCreateConnector(_)
            | Statement::ShowConnectorOffsets(_)
            | Statement::WaitForConnector(_)
            | Statement::ShowConnectorErrors(_)
            | Statement::ShowCluster(_)
            | Statement::ShowLoggers(_)
            | Statement::ShowTopics(_)
            | Statement::Print(_)
            | Statement::Explain(_)
            | Statement::Client(_)
    )
}

impl Session {
    /// Resolves the connection settings (contexts file, flags, password prompt) and builds the
    /// client. Does not contact the cluster: the first request reports `Error::Unreachable`.
    pub fn connect(args: &ConnectionArgs, opts: Options) -> Result<Session, Error> {
        let settings = crate::connect::config::resolve(args, true)?;
        Session::with_settings(&settings, opts)
    }

    /// A session from already resolved settings (tests, `SERVER 'url'`).
    pub fn with_settings(settings: &Settings, opts: Options) -> Result<Session, Error> {
        Ok(Session {
            client: Client::new(settings)?,
            opts,
            mode: Mode::Live,
            offline: false,
            wait_timeout: DEFAULT_WAIT,
            defaults: (settings.timeout, settings.retry_timeout),
            catalog: CatalogCache::default(),
            log: Mutex::new(Vec::new()),
            last: Vec::new(),
            cancel: Arc::new(AtomicBool::new(false)),
            concurrency: default_concurrency(opts),
            effects: Mutex::new(Vec::new()),
            changed_outside: AtomicBool::new(false),
            guard: Mutex::default(),
            kafka: kafka_link::KafkaLink::new(settings.kafka.clone()),
        })
    }

    /// A second session on this one's client (cloned: same settings and HTTP stack, nothing
    /// locked or shared that could make one wait on the other) with a catalog of its own: for
    /// look-ups that must never wait on this session (the REPL's completion and banner).
    pub fn reader(&self) -> Session {
        Session {
            client: self.client.clone(),
            opts: self.opts,
            mode: Mode::Live,
            offline: self.offline,
            wait_timeout: self.wait_timeout,
            defaults: self.defaults,
            catalog: CatalogCache::default(),
            log: Mutex::new(Vec::new()),
            last: Vec::new(),
            cancel: Arc::new(AtomicBool::new(false)),
            concurrency: self.concurrency,
            effects: Mutex::new(Vec::new()),
            changed_outside: AtomicBool::new(false),
            guard: Mutex::default(),
            kafka: self.kafka.unconnected(),
        }
    }

    /// A session that never sends anything (see [`check`]).
    pub fn offline() -> Result<Session, Error> {
        let settings = Settings {
            urls: vec!["http://offline.invalid".into()],
            ..Default::default()
        };
        let mut session = Session::with_settings(&settings, Options::default())?;
        session.offline = true;
        Ok(session)
    }

    pub fn options(&self) -> Options {
        self.opts
    }

    /// A flag that, once set, makes a running WAIT FOR give up (the REPL sets it on Ctrl-C).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// The shared read-only catalog (see [`CatalogCache`]); clone it into the completer.
    pub fn catalog(&self) -> CatalogCache {
        self.catalog.clone()
    }

    /// Whether the last statement changed the cluster: some write of it was sent and Connect
    /// confirmed it, or a change outside the REST API was confirmed (INSTALL PLUGIN's worker
    /// restart). False for reads, dry runs, EXPLAIN, `--check` and refused writes. (A write
    /// whose answer was lost is an error of kind `MaybeApplied` instead.)
    pub fn changed_state(&self) -> bool {
        self.changed_outside.load(Ordering::SeqCst)
            || self
                .last
                .iter()
                .any(|e| e.request.changes_state() && e.fate == Fate::Sent { ok: true })
    }

    /// The requests of the last statement and what became of each.
    pub fn last_exchanges(&self) -> &[Exchange] {
        &self.last
    }

    pub fn set_progress(&mut self, progress: bool) {
        self.opts.progress = progress;
    }

    /// The worker URL in use.
    pub fn server_url(&self) -> String {
        crate::secrets::redact_url(self.client.url())
    }

    /// `GET /`, cached for the session.
    pub fn server_info(&self) -> Result<ServerInfo, Error> {
        if let Some(info) = self.catalog.snapshot().server.clone() {
            return Ok(info);
        }
        Ok(self.send_json(&Request::get("/"))?)
    }

    /// Connector names for completion (cached for a few seconds, kept current by the session's
    /// own creates and drops).
    pub fn connector_names(&self) -> Result<Vec<String>, Error> {
        if let Some((at, names)) = &self.catalog.snapshot().connectors
            && at.elapsed() < NAMES_TTL
        {
            return Ok(names.clone());
        }
        let mut names: Vec<String> = self.send_json(&Request::get("/connectors"))?;
        names.sort();
        Ok(names)
    }

    /// Every connector's name, read now (never the cache), sorted: what `--prune` compares.
    pub fn connector_names_now(&self) -> Result<Vec<String>, Error> {
        let mut names: Vec<String> = self.send_json(&Request::get("/connectors"))?;
        names.sort();
        Ok(names)
    }

    /// The `connector.class` of connector `name`, for completing its config keys.
    pub fn connector_class(&self, name: &str) -> Result<Option<String>, Error> {
        let config: std::collections::HashMap<String, String> =
            self.send_json(&Request::get(http::connector_path(name, "/config")?))?;
        Ok(config.get("connector.class").cloned())
    }

    /// The config keys a plugin defines, for completion (cached per class).
    pub fn plugin_config_keys(&self, class: &str) -> Result<Vec<String>, Error> {
        Ok(self
            .plugin_definitions(class)?
            .into_iter()
            .map(|k| k.name)
            .collect())
    }
    /// The session settings and their current values.
    pub fn properties(&self) -> Vec<(String, String)> {
        PROPERTIES
            .iter()
            .map(|(name, _)| (name.to_string(), self.property(name)))
            .collect()
    }

    fn property(&self, name: &str) -> String {
        match name {
            "dry.run" => self.opts.dry_run.to_string(),
            "ksql.compat" => self.opts.ksql_compat.to_string(),
            "show.secrets" => self.opts.show_secrets.to_string(),
            "timeout" => self.client.timeout().as_secs().to_string(),
            "retry.timeout" => self.client.retry_timeout().as_secs().to_string(),
            "wait.timeout" => self.wait_timeout.as_secs().to_string(),
            "bulk.concurrency" => self.concurrency().to_string(),
            _ => String::new(),
        }
    }

    /// `SET 'name' = 'value'` for exec's settings; unknown names list the valid ones.
    pub fn set_property(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let name = name.to_ascii_lowercase();
        let flag = |v: &str| match v.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Ok(true),
            "false" | "off" | "no" | "0" => Ok(false),
            _ => Err(Error::usage(format!(
                "'{name}' takes true or false, not '{v}'"
            ))),
        };
        let secs = |v: &str| {
            v.trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| Error::usage(format!("'{name}' takes a number of seconds, not '{v}'")))
        };
        match name.as_str() {
            "dry.run" => self.opts.dry_run = flag(value)?,
            "ksql.compat" => self.opts.ksql_compat = flag(value)?,
            "show.secrets" => self.opts.show_secrets = flag(value)?,
            "timeout" => self.client.set_timeout(secs(value)?),
            "retry.timeout" => self.client.set_retry_timeout(secs(value)?),
            "wait.timeout" => self.wait_timeout = secs(value)?,
            "bulk.concurrency" => self.set_concurrency(value)?,
            _ => return Err(unknown_property(&name)),
        }
        Ok(())
    }

    /// `UNSET 'name'`: back to the value the session started with.
    pub fn unset_property(&mut self, name: &str) -> Result<(), Error> {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "dry.run" | "ksql.compat" | "show.secrets" => self.set_property(&name, "false"),
            "timeout" => {
                self.client.set_timeout(self.defaults.0);
                Ok(())
            }
            "retry.timeout" => {
                self.client.set_retry_timeout(self.defaults.1);
                Ok(())
            }
            "wait.timeout" => {
                self.wait_timeout = DEFAULT_WAIT;
                Ok(())
            }
            "bulk.concurrency" => {
                self.concurrency = default_concurrency(self.opts);
                Ok(())
            }
            _ => Err(unknown_property(&name)),
        }
    }

    /// Runs one statement. Variables must already be resolved (the shell does that). What a
    /// streaming statement (PRINT) produced along the way comes first in the one `Output`;
    /// the shell uses [`Session::execute_streaming`] instead, to print it as it comes.
    pub fn execute(&mut self, stmt: &Statement) -> Result<Output, Error> {
        let mut streamed: Vec<Block> = Vec::new();
        let result = self.execute_streaming(stmt, &mut |piece: Output| {
            streamed.extend(piece.blocks);
            Ok(())
        });
        let prepend = |mut out: Output, streamed: Vec<Block>| {
            if !streamed.is_empty() {
                out.blocks.splice(0..0, streamed);
            }
            out
        };
        match result {
            Ok(out) => Ok(prepend(out, streamed)),
            Err(mut e) if !streamed.is_empty() => {
                let shown = e
                    .output
                    .take()
                    .map_or_else(|| Output::new("records"), |o| *o);
                Err(e.with_output(prepend(shown, streamed)))
            }
            Err(e) => Err(e),
        }
    }

    /// [`Session::execute`], handing what a streaming statement produces along the way (each
    /// batch of PRINT's records) to `sink` as soon as it is there; an error from `sink` (the
    /// output was closed) ends the statement with that error.
    pub fn execute_streaming(&mut self, stmt: &Statement, sink: Sink<'_>) -> Result<Output, Error> {
        let base = if self.offline {
            Mode::Offline
        } else if self.opts.dry_run {
            Mode::DryRun
        } else {
            Mode::Live
        };
        let (mode, stmt) = match stmt {
            Statement::Explain(Explain(inner)) if base != Mode::Offline => {
                (Mode::Explain, &**inner)
            }
            Statement::Explain(Explain(inner)) => (base, &**inner),
            other => (base, other),
        };
        let result = self.run_in(mode, stmt, sink);
        self.mode = base;
        match mode {
            Mode::Explain => {
                result?;
                let reqs: Vec<Request> = self.last.iter().map(|e| e.request.clone()).collect();
                let reads = self.kafka.take().0;
                let mut text = if reqs.is_empty() && !reads.is_empty() {
                    String::new()
                } else {
                    self.explain_requests(&reqs)
                };
                for read in reads {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str("Kafka: ");
                    text.push_str(&read);
                }
                install::append_effects(&mut text, &self.effects.lock().unwrap());
                Ok(Output::new("explain").with(crate::output::Block::Text {
                    name: "requests".into(),
                    text,
                }))
            }
            Mode::DryRun => {
                let out = result?;
                let writes = self.recorded_writes();
                if writes.is_empty() {
                    Ok(out)
                } else {
                    self.preview(&writes)
                }
            }
            Mode::Live | Mode::Offline => result,
        }
    }

    /// Runs `stmt` over the `mode` transport, keeping its exchanges as the last statement's.
    fn run_in(&mut self, mode: Mode, stmt: &Statement, sink: Sink<'_>) -> Result<Output, Error> {
        self.take_log();
        self.kafka.take();
        self.effects.lock().unwrap().clear();
        self.changed_outside.store(false, Ordering::SeqCst);
        self.mode = mode;
        let result = self.dispatch(stmt, sink);
        self.last = self.take_log();
        result
    }

    /// The writes the last statement recorded instead of sending.
    fn recorded_writes(&self) -> Vec<Request> {
        self.last
            .iter()
            .filter(|e| e.fate == Fate::Recorded)
            .map(|e| e.request.clone())
            .collect()
    }

    /// A fleet plan's step: runs `stmt` as `--dry-run` does (reads sent, writes checked and
    /// recorded) and describes each recorded write. Nothing changes state, whatever the
    /// session's options; EXPLAIN plans nothing. Variables must already be resolved.
    pub fn plan(&mut self, stmt: &Statement) -> Result<Vec<Effect>, Error> {
        if self.offline || matches!(stmt, Statement::Explain(_)) {
            return Ok(Vec::new());
        }
        let base = self.mode;
        // A plan prints nothing: what a streaming statement would stream is dropped.
        let result = self.run_in(Mode::DryRun, stmt, &mut |_| Ok(()));
        self.mode = base;
        result?;
        let mut effects = Vec::new();
        for req in self.recorded_writes() {
            let mut effect = self.effect(&req)?;
            effect.read = effect.basis.as_ref().map(|b| self.shown_basis(b));
            effects.push(effect);
        }
        Ok(effects)
    }

    fn dispatch(&self, stmt: &Statement, sink: Sink<'_>) -> Result<Output, Error> {
        match stmt {
            Statement::ShowTopics(ShowTopics {
                all,
                extended,
                like,
            }) => self.show_topics(*all, *extended, like.as_deref()),
            Statement::Print(print) => self.print(print, sink),
            Statement::CreateConnector(CreateConnector { .. }) => self.create(stmt),
            Statement::ValidateConnector(ValidateConnector {
                kind,
                name,
                properties,
            }) => self.validate(*kind, name.as_ref(), properties),
            Statement::AlterConnectorSet(AlterConnectorSet { name, properties }) => {
                self.alter_set(name, properties)
            }
            Statement::AlterConnectorUnset(AlterConnectorUnset { name, keys }) => {
                self.alter_unset(name, keys)
            }
            Statement::ShowCreateConnector(ShowCreateConnector { name, with_offsets }) => {
                if *with_offsets {
                    self.show_create_with_offsets(name)
                } else {
                    self.show_create(name)
                }
            }
            Statement::DropConnector(DropConnector { if_exists, name }) => {
                self.drop_connector(name, *if_exists)
            }
            Statement::DescribeConnector(DescribeConnector { name, extended }) => {
                self.describe(name, *extended)
            }
            Statement::ShowConnectors(ShowConnectors { kind, like, filter }) => {
                self.show_connectors(*kind, like.as_deref(), filter.as_ref())
            }
            Statement::DropConnectors(DropConnectors {
                like,
                filter,
                force,
            }) => self.drop_connectors(like.as_deref(), filter.as_ref(), *force),
            Statement::ShowConnectorPlugins(ShowConnectorPlugins) => self.show_plugins(true),
            Statement::ShowPlugins(ShowPlugins) => self.show_plugins(false),
            Statement::DescribePlugin(DescribePlugin { plugin, version }) => {
                self.describe_plugin(plugin, version.as_deref())
            }
            Statement::Lifecycle(LifecycleConnector { action, target }) => {
                self.lifecycle(*action, target)
            }
            Statement::RestartConnector(RestartConnector {
                target,
                include_tasks,
                only_failed,
            }) => self.restart(target, *include_tasks, *only_failed),
            Statement::RestartTask(RestartTask { name, task }) => self.restart_task(name, *task),
            Statement::ShowConnectorOffsets(ShowConnectorOffsets { name }) => {
                self.show_offsets(name)
            }
            Statement::AlterConnectorOffset(AlterConnectorOffset {
                name,
                partition,
                offset,
            }) => self.alter_offset(name, partition, offset.as_deref()),
            Statement::ResetConnectorOffsets(ResetConnectorOffsets { name }) => {
                self.reset_offsets(name)
            }
            Statement::ResetConnectorTopics(ResetConnectorTopics { name }) => {
                self.reset_topics(name)
            }
            Statement::WaitForConnector(WaitForConnector {
                name,
                caught_up: false,
                timeout_secs,
            }) => self.wait_for(name, timeout_secs.map(Duration::from_secs)),
            Statement::WaitForConnector(WaitForConnector {
                name,
                caught_up: true,
                timeout_secs,
            }) => self.wait_caught_up(
                &self.name(name)?,
                timeout_secs.map_or(self.wait_timeout, Duration::from_secs),
            ),
            Statement::ShowConnectorErrors(ShowConnectorErrors { name, limit }) => {
                self.show_errors(name, *limit)
            }
            Statement::ShowCluster(ShowCluster) => self.show_cluster(),
            Statement::ShowLoggers(ShowLoggers { like }) => self.show_loggers(like.as_deref()),
            Statement::SetLogger(SetLogger {
                logger,
                level,
                cluster,
            }) => self.set_logger(logger, level, *cluster),
            Statement::InstallPlugin(InstallPlugin { coordinates }) => {
                self.install_plugin(coordinates)
            }
            // The shell runs the loop (shell/watch.rs); run here (EXPLAIN, `--check`), a WATCH
            // is one tick: its statement. Its restarts are RESTART CONNECTOR statements.
            Statement::Watch(Watch { statement, .. }) => self.dispatch(statement, sink),
            Statement::Explain(_) => Err(Error::usage("EXPLAIN cannot explain an EXPLAIN")),
            Statement::Client(_) => Err(Error::usage(
                "this is a client command: the shell runs it, not the session",
            )),
        }
    }

    // ---- shared helpers for the statement modules ----

    /// The session's Kafka client, connected on first use (bounded: unreachable brokers fail
    /// within about 10 s, exit 3); without a bootstrap, a usage error saying how to give one.
    /// `statement` names what needs Kafka (`PRINT`, `SHOW TOPICS`).
    pub fn kafka(&self, statement: &str) -> Result<Arc<crate::kafka::Client>, Error> {
        self.kafka.client(statement, self.mode == Mode::Offline)
    }

    /// Notes a Kafka read of the running statement, for EXPLAIN ("Kafka: <what>").
    pub fn note_kafka_read(&self, what: impl Into<String>) {
        self.kafka.note(what.into());
    }

    fn name(&self, name: &Name) -> Result<String, Error> {
        build::name_text(name, self.opts.ksql_compat)
    }

    /// Fails with a message naming the version a feature needs, when the worker is older.
    fn require(&self, major: u32, minor: u32, what: &str) -> Result<(), Error> {
        let info = self.server_info()?;
        if info.at_least(major, minor) {
            Ok(())
        } else {
            Err(Error::statement(format!(
                "{what} needs Kafka Connect {major}.{minor} or later; this worker runs {}",
                info.version
            )))
        }
    }

    /// The worker's plugins (connectors only), cached in the catalog.
    pub fn plugins(&self) -> Result<Vec<PluginInfo>, Error> {
        if let Some(p) = self.catalog.snapshot().plugins.clone() {
            return Ok(p);
        }
        let mut list: Vec<PluginInfo> = self.send_json(&Request::get("/connector-plugins"))?;
        list.sort_by(|a, b| a.class.cmp(&b.class));
        Ok(list)
    }

    /// A plugin's config definitions (3.2+), cached in the catalog per class.
    fn plugin_definitions(&self, class: &str) -> Result<Vec<ConfigKeyInfo>, Error> {
        if let Some(keys) = self.catalog.snapshot().plugin_keys.get(class) {
            return Ok(keys.clone());
        }
        self.require(3, 2, "plugin config definitions")?;
        self.send_json(&Request::get(plugin_path(class, "/config")?))
            .map_err(|e| plugin_error(class, e))
    }

    /// The masker for a `class` connector: the one secret rule (`crate::secrets::SecretRule`)
    /// with the plugin's config definitions (best effort: without them, the rule's names and
    /// the framework's PASSWORD keys); `show` is the session's `show.secrets`.
    fn masker_for(&self, class: Option<&str>) -> Masker {
        let mut m = Masker::new(self.opts.show_secrets);
        if let Some(class) = class
            && let Ok(keys) = self.plugin_definitions(class)
        {
            m.rule = crate::secrets::SecretRule::from_definitions(
                keys.iter().map(|k| (&k.name, &k.kind)),
            );
        }
        m
    }

    /// Turns a failed call about connector `name` into the user's error: 404s become
    /// `Connector 'X' does not exist.` with a `did you mean` hint when only the case differs.
    fn connector_error(&self, name: &str, e: ApiError) -> Error {
        if is_connector_not_found(&e) {
            return self.not_found(name);
        }
        // A name Connect 4.x's web server would reject never gets here: the transport refuses
        // it before sending (`refuse_unaddressable`).
        e.into()
    }

    fn not_found(&self, name: &str) -> Error {
        let error = Error::statement(not_found_text(name));
        match self.similar_name(name) {
            Some(similar) => error.with_hint(format!("did you mean \"{similar}\"?")),
            None => error,
        }
    }

    /// The existing connector name closest to `name` (case, then edit distance).
    fn similar_name(&self, name: &str) -> Option<String> {
        let names: Vec<String> = self.send_json(&Request::get("/connectors")).ok()?;
        crate::lang::ident::closest(name, names.iter().map(String::as_str)).map(str::to_owned)
    }

    /// Finds the plugin a class name or alias refers to.
    fn find_plugin(&self, class: &str) -> Result<Option<PluginInfo>, Error> {
        Ok(self.plugins()?.into_iter().find(|p| p.matches(class)))
    }

    /// The error for an unknown connector class, with the closest known classes.
    fn unknown_class(&self, class: &str) -> Error {
        let mut text = format!("Unknown connector class '{class}'");
        if let Ok(plugins) = self.plugins() {
            let needle = class.to_ascii_lowercase();
            let close: Vec<String> = plugins
                .iter()
                .filter(|p| {
                    let simple = p
                        .class
                        .rsplit('.')
                        .next()
                        .unwrap_or(&p.class)
                        .to_ascii_lowercase();
                    simple.contains(&needle)
                        || needle.contains(simple.trim_end_matches("connector"))
                })
                .map(|p| p.class.clone())
                .collect();
            if !close.is_empty() {
                text.push_str(&format!("\nhint: did you mean {}?", close.join(" or ")));
            } else {
                text.push_str("\nhint: SHOW CONNECTOR PLUGINS lists the classes this worker has");
            }
        }
        Error::statement(text)
    }
}

/// The session's `bulk.concurrency` when nobody set it: `--concurrency`, else the default.
fn default_concurrency(opts: Options) -> usize {
    opts.concurrency
        .unwrap_or(bulk::DEFAULT_CONCURRENCY)
        .clamp(1, bulk::MAX_CONCURRENCY)
}

fn unknown_property(name: &str) -> Error {
    let valid: Vec<&str> = PROPERTIES.iter().map(|(n, _)| *n).collect();
    Error::usage(format!(
        "unknown property '{name}'; valid properties: {}",
        valid.join(", ")
    ))
}

/// ksqlDB's text for a missing connector.
pub fn not_found_text(name: &str) -> String {
    format!("Connector '{name}' does not exist.")
}

/// Connect's 404s about a connector ("Connector x not found", "Unknown connector x",
/// "No status found for connector x"); a bare "HTTP 404 Not Found" is a missing route instead.
fn is_connector_not_found(e: &ApiError) -> bool {
    match e {
        ApiError::Status {
            status: 404,
            message,
        } => !message.starts_with("HTTP 404"),
        _ => false,
    }
}

/// Errors of plugin endpoints: 404 "Unknown plugin" or 400 "Invalid plugin class".
fn plugin_error(class: &str, e: ApiError) -> Error {
    match &e {
        ApiError::Status { status: 404, .. } => Error::statement(format!(
            "Unknown plugin '{class}'\nhint: SHOW PLUGINS lists them"
        )),
        _ => e.into(),
    }
}

/// A string cell or field value (the statement families build many).
fn s(text: impl Into<String>) -> serde_json::Value {
    serde_json::Value::String(text.into())
}

/// Upper-case plugin/connector type as ksqlDB shows it (`SOURCE`, `SINK`).
fn type_upper(kind: Option<&str>) -> String {
    kind.unwrap_or("unknown").to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let settings = Settings {
            urls: vec!["http://127.0.0.1:9".into()],
            ..Default::default()
        };
        Session::with_settings(&settings, Options::default()).unwrap()
    }

    #[test]
    fn properties_set_unset_and_reject_unknown() {
        let mut s = session();
        s.set_property("show.secrets", "true").unwrap();
        s.set_property("TIMEOUT", "200").unwrap();
        let props: std::collections::HashMap<String, String> = s.properties().into_iter().collect();
        assert_eq!(props["show.secrets"], "true");
        assert_eq!(props["timeout"], "200");
        s.unset_property("timeout").unwrap();
        assert_eq!(s.property("timeout"), "120");
        let e = s.set_property("nope", "1").unwrap_err();
        assert!(
            e.to_string()
                .contains("valid properties: bulk.concurrency, dry.run"),
            "{e}"
        );
        assert!(s.set_property("dry.run", "maybe").is_err());
    }

    #[test]
    fn explain_sends_nothing() {
        let mut s = session();
        let out = s
            .execute(&Statement::Explain(Explain(Box::new(
                Statement::DropConnector(DropConnector {
                    if_exists: false,
                    name: Name::Plain("fs src".into()),
                }),
            ))))
            .unwrap();
        assert_eq!(
            out.blocks,
            vec![crate::output::Block::Text {
                name: "requests".into(),
                text: "DELETE /connectors/fs%20src".into()
            }]
        );
    }

    /// A fake worker on loopback: answers each request from `routes` ("METHOD /path" ->
    /// status, body; unknown routes 404) and records "METHOD /path?query body".
    pub(super) struct Fake {
        url: String,
        seen: std::sync::Arc<Mutex<Vec<String>>>,
    }

    impl Fake {
        pub(super) fn start(routes: Vec<(&'static str, u16, &'static str)>) -> Fake {
            use std::io::{BufRead, BufReader, Read, Write};
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
            let log = seen.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(mut stream) = stream else { return };
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or("").to_string();
                    let target = parts.next().unwrap_or("").to_string();
                    let mut length = 0;
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let path = target.split('?').next().unwrap().to_string();
                    log.lock().unwrap().push(
                        format!("{method} {target} {}", String::from_utf8_lossy(&body))
                            .trim_end()
                            .to_string(),
                    );
                    let key = format!("{method} {path}");
                    let full = format!("{method} {target}");
                    let (status, reply) = routes
                        .iter()
                        .find(|(k, _, _)| *k == full)
                        .or_else(|| routes.iter().find(|(k, _, _)| *k == key))
                        .map(|(_, s, b)| (*s, *b))
                        .unwrap_or((404, r#"{"error_code":404,"message":"HTTP 404 Not Found"}"#));
                    let reply = if status == 204 { "" } else { reply };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                        reply.len()
                    );
                }
            });
            Fake { url, seen }
        }

        pub(super) fn session(&self) -> Session {
            let settings = Settings {
                urls: vec![self.url.clone()],
                ..Default::default()
            };
            Session::with_settings(&settings, Options::default()).unwrap()
        }

        pub(super) fn seen(&self) -> Vec<String> {
            self.seen.lock().unwrap().clone()
        }

        /// The requests seen so far, forgetting them.
        fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.seen.lock().unwrap())
        }

        pub(super) fn session_with(&self, opts: Options) -> Session {
            let settings = Settings {
                urls: vec![self.url.clone()],
                ..Default::default()
            };
            Session::with_settings(&settings, opts).unwrap()
        }
    }

    pub(super) fn parse(text: &str) -> Statement {
        crate::lang::parse_statement(
            text,
            &crate::lang::ParseOptions {
                allow_missing_semicolon: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn alter_falls_back_to_get_merge_put_before_3_8() {
        let fake = Fake::start(vec![
            (
                "GET /",
                200,
                r#"{"version":"3.7.1","commit":"c","kafka_cluster_id":"k"}"#,
            ),
            (
                "GET /connectors/a/config",
                200,
                r#"{"connector.class":"FileStreamSink","topics":"t","name":"a","x":"1"}"#,
            ),
            (
                "PUT /connectors/a/config",
                200,
                r#"{"name":"a","config":{},"tasks":[]}"#,
            ),
        ]);
        let mut s = fake.session();
        let out = s
            .execute(&parse("ALTER CONNECTOR a SET ('topics' = 'u') "))
            .unwrap();
        assert_eq!(out, Output::message("Updated connector a"));
        s.execute(&parse("ALTER CONNECTOR a UNSET ('x')")).unwrap();
        let seen = fake.seen();
        assert_eq!(seen[0], "GET /");
        assert_eq!(seen[1], "GET /connectors/a/config");
        assert_eq!(
            seen[2],
            r#"PUT /connectors/a/config {"connector.class":"FileStreamSink","name":"a","x":"1","topics":"u"}"#
        );
        assert_eq!(
            seen[4],
            r#"PUT /connectors/a/config {"connector.class":"FileStreamSink","name":"a","topics":"t"}"#
        );
        assert_eq!(seen.len(), 5, "GET / is cached: {seen:?}");
    }

    /// Applying a plan: a connector whose config is not what the plan read is not written
    /// (the guard re-reads it before the first write and refuses, sending nothing); one that
    /// is what the plan read is written, and only its first write is checked.
    #[test]
    fn the_guard_refuses_a_write_over_a_connector_changed_since_the_plan() {
        let fake = Fake::start(vec![
            ("GET /", 200, r#"{"version":"4.1.0"}"#),
            (
                "GET /connectors/a/config",
                200,
                r#"{"connector.class":"FileStreamSink","name":"a","tasks.max":"3"}"#,
            ),
            (
                "PATCH /connectors/a/config",
                200,
                r#"{"name":"a","config":{},"tasks":[]}"#,
            ),
        ]);
        let mut s = fake.session();
        let read = |tasks: &str| {
            Basis::Config(
                [
                    ("connector.class", "FileStreamSink"),
                    ("name", "a"),
                    ("tasks.max", tasks),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            )
        };
        s.guard([("a".to_string(), read("1"))].into());
        let e = s
            .execute(&parse("ALTER CONNECTOR a SET ('tasks.max' = '2')"))
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("changed after the plan read it (keys changed: tasks.max)"),
            "{text}"
        );
        assert!(!text.contains('3'), "a value in the message: {text}");
        assert!(!s.changed_state());
        assert!(
            !fake.seen().iter().any(|r| r.starts_with("PATCH")),
            "{:?}",
            fake.seen()
        );
        s.guard([("a".to_string(), read("3"))].into());
        s.execute(&parse("ALTER CONNECTOR a SET ('tasks.max' = '2')"))
            .unwrap();
        s.execute(&parse("ALTER CONNECTOR a SET ('tasks.max' = '4')"))
            .unwrap();
        let seen = fake.seen();
        let patches = seen.iter().filter(|r| r.starts_with("PATCH")).count();
        let reads = seen
            .iter()
            .filter(|r| r.starts_with("GET /connectors/a/config"))
            .count();
        assert_eq!((patches, reads), (2, 2), "{seen:?}");
    }

    #[test]
    fn alter_uses_patch_from_3_8() {
        let fake = Fake::start(vec![
            ("GET /", 200, r#"{"version":"4.1.0"}"#),
            (
                "PATCH /connectors/a/config",
                200,
                r#"{"name":"a","config":{},"tasks":[]}"#,
            ),
        ]);
        let mut s = fake.session();
        s.execute(&parse("ALTER CONNECTOR a UNSET ('x', 'y')"))
            .unwrap();
        assert_eq!(
            fake.seen()[1],
            r#"PATCH /connectors/a/config {"x":null,"y":null}"#
        );
    }

    #[test]
    fn old_workers_get_messages_naming_the_version() {
        let fake = Fake::start(vec![("GET /", 200, r#"{"version":"3.4.0"}"#)]);
        let mut s = fake.session();
        let e = s.execute(&parse("STOP CONNECTOR a")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "STOP CONNECTOR needs Kafka Connect 3.5 or later; this worker runs 3.4.0"
        );
        let e = s
            .execute(&parse("ALTER CONNECTOR a RESET OFFSETS"))
            .unwrap_err();
        assert!(e.to_string().contains("needs Kafka Connect 3.6"), "{e}");
        let e = s
            .execute(&parse("SET LOGGER 'x' = 'DEBUG' FOR CLUSTER"))
            .unwrap_err();
        assert!(e.to_string().contains("needs Kafka Connect 3.7"), "{e}");
        // SHOW CLUSTER on a worker without /health says so instead of failing.
        let out = s.execute(&parse("SHOW CLUSTER")).unwrap();
        let crate::output::Block::Fields { fields, .. } = &out.blocks[0] else {
            panic!()
        };
        assert!(fields.iter().any(|(k, v)| k.title == "Health Detail"
            && v.as_str().unwrap().contains("needs Kafka Connect 3.9")));
        assert!(!fake.seen().iter().any(|r| r.starts_with("GET /health")));
    }

    #[test]
    fn not_found_suggests_a_name_differing_in_case() {
        let fake = Fake::start(vec![
            ("GET /connectors", 200, r#"["My-Conn","other"]"#),
            (
                "DELETE /connectors/my-conn",
                404,
                r#"{"error_code":404,"message":"Connector my-conn not found"}"#,
            ),
        ]);
        let mut s = fake.session();
        let e = s.execute(&parse("DROP CONNECTOR \"my-conn\"")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Connector 'my-conn' does not exist.\nhint: did you mean \"My-Conn\"?"
        );
        let out = s
            .execute(&parse("DROP CONNECTOR IF EXISTS \"my-conn\""))
            .unwrap();
        assert_eq!(out, Output::warning("Connector 'my-conn' does not exist."));
    }

    #[test]
    fn not_found_suggests_a_name_within_a_typo() {
        let fake = Fake::start(vec![
            ("GET /connectors", 200, r#"["orders-sink","orders-source"]"#),
            (
                "DELETE /connectors/order-sink",
                404,
                r#"{"error_code":404,"message":"Connector order-sink not found"}"#,
            ),
        ]);
        let mut s = fake.session();
        let e = s.execute(&parse("DROP CONNECTOR order-sink")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Connector 'order-sink' does not exist.\nhint: did you mean \"orders-sink\"?"
        );
    }

    #[test]
    fn dry_run_sends_nothing_that_changes_state() {
        let fake = Fake::start(vec![
            ("GET /", 200, r#"{"version":"4.1.0"}"#),
            (
                "GET /connectors/a",
                200,
                r#"{"name":"a","config":{"connector.class":"X"},"tasks":[{"connector":"a","task":0}]}"#,
            ),
            ("GET /connectors", 200, r#"["a"]"#),
        ]);
        let settings = Settings {
            urls: vec![fake.url.clone()],
            ..Default::default()
        };
        let mut s = Session::with_settings(
            &settings,
            Options {
                dry_run: true,
                ..Default::default()
            },
        )
        .unwrap();
        for stmt in [
            "DROP CONNECTOR a",
            "PAUSE CONNECTOR a",
            "STOP CONNECTORS",
            "RESTART CONNECTOR a INCLUDE TASKS",
            "RESTART CONNECTOR a TASK 0",
            "ALTER CONNECTOR a RESET OFFSETS",
            "ALTER CONNECTOR a RESET TOPICS",
            "SET LOGGER 'x' = 'DEBUG'",
        ] {
            s.execute(&parse(stmt))
                .unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
        let seen = fake.seen();
        assert!(
            seen.iter().all(|r| r.starts_with("GET ")),
            "only reads: {seen:?}"
        );
    }

    #[test]
    fn wait_accepts_a_running_connector_without_tasks_and_fails_on_a_failed_one() {
        let fake = Fake::start(vec![
            (
                "GET /connectors/idle/status",
                200,
                r#"{"name":"idle","connector":{"state":"RUNNING","worker_id":"w"},"tasks":[],"type":"source"}"#,
            ),
            (
                "GET /connectors/idle",
                200,
                r#"{"name":"idle","config":{},"tasks":[],"type":"source"}"#,
            ),
            (
                "GET /connectors/bad/status",
                200,
                r#"{"name":"bad","connector":{"state":"FAILED","worker_id":"w","trace":"java.lang.Boom\n\tat x"},"tasks":[]}"#,
            ),
        ]);
        let mut s = fake.session();
        let out = s
            .execute(&parse("WAIT FOR CONNECTOR idle TIMEOUT 10 SECONDS"))
            .unwrap();
        assert_eq!(out, Output::message("Connector idle is RUNNING (no tasks)"));
        let e = s
            .execute(&parse("WAIT FOR CONNECTOR bad TIMEOUT 10 SECONDS"))
            .unwrap_err();
        // The trace is cut to its first line, as DESCRIBE shows it (the whole trace was printed).
        assert_eq!(
            e.to_string(),
            "Connector bad FAILED:\njava.lang.Boom ...\nhint: DESCRIBE CONNECTOR bad EXTENDED shows the whole trace"
        );
    }

    #[test]
    fn unreachable_cluster_is_reported_on_first_request() {
        let mut s = session();
        let e = s
            .execute(&Statement::ShowConnectors(ShowConnectors {
                kind: None,
                like: None,
                filter: None,
            }))
            .unwrap_err();
        assert!(e.is(crate::error::ErrorKind::Unreachable), "{e:?}");
    }

    const PLUGINS: &str = r#"[{"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"4.1.0"}]"#;
    const INFO_A: &str = r#"{"name":"a","config":{"connector.class":"FileStreamSource","topic":"t","name":"a","db.password":"pw"},"tasks":[{"connector":"a","task":0}],"type":"source"}"#;
    const STATUS_A: &str = r#"{"name":"a","connector":{"state":"RUNNING","worker_id":"w"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"w"}],"type":"source"}"#;

    /// A worker that answers every statement kind about connector `a`.
    fn worker(version: &'static str) -> Fake {
        Fake::start(vec![
            ("GET /", 200, version),
            ("GET /health", 200, r#"{"status":"healthy","message":"ok"}"#),
            ("GET /connector-plugins", 200, PLUGINS),
            (
                "PUT /connector-plugins/FileStreamSource/config/validate",
                200,
                r#"{"name":"x","error_count":0,"groups":[],"configs":[]}"#,
            ),
            ("GET /connector-plugins/FileStreamSource/config", 200, "[]"),
            ("POST /connectors", 201, INFO_A),
            (
                "GET /connectors?expand=status&expand=info",
                200,
                r#"{"a":{"status":{"name":"a","connector":{"state":"RUNNING"},"tasks":[]},"info":{"name":"a","config":{"connector.class":"FileStreamSource"},"tasks":[],"type":"source"}}}"#,
            ),
            ("GET /connectors", 200, r#"["a"]"#),
            ("GET /connectors/a", 200, INFO_A),
            (
                "GET /connectors/nope",
                404,
                r#"{"error_code":404,"message":"Connector nope not found"}"#,
            ),
            (
                "PUT /connectors/nope/pause",
                404,
                r#"{"error_code":404,"message":"Connector nope not found"}"#,
            ),
            (
                "GET /connectors/a/config",
                200,
                r#"{"connector.class":"FileStreamSource","topic":"t","name":"a","db.password":"pw"}"#,
            ),
            ("PUT /connectors/a/config", 200, INFO_A),
            ("PATCH /connectors/a/config", 200, INFO_A),
            ("DELETE /connectors/a", 204, ""),
            ("GET /connectors/a/status", 200, STATUS_A),
            ("GET /connectors/a/topics", 200, r#"{"a":{"topics":["t"]}}"#),
            (
                "GET /connectors/a/tasks",
                200,
                r#"[{"id":{"connector":"a","task":0},"config":{"k":"v"}}]"#,
            ),
            ("PUT /connectors/a/pause", 202, ""),
            ("PUT /connectors/a/resume", 202, ""),
            ("PUT /connectors/a/stop", 204, ""),
            ("POST /connectors/a/restart", 202, STATUS_A),
            ("POST /connectors/a/tasks/0/restart", 204, ""),
            ("GET /connectors/a/offsets", 200, r#"{"offsets":[]}"#),
            ("PATCH /connectors/a/offsets", 200, r#"{"message":"done"}"#),
            ("DELETE /connectors/a/offsets", 200, r#"{"message":"done"}"#),
            ("PUT /connectors/a/topics/reset", 202, ""),
            ("GET /admin/loggers", 200, r#"{"root":{"level":"INFO"}}"#),
            ("PUT /admin/loggers/x", 200, r#"["x"]"#),
        ])
    }

    /// A request as the fake logs it.
    fn line(r: &Request) -> String {
        let body = r.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
        format!("{} {} {body}", r.method, r.target())
            .trim_end()
            .to_string()
    }

    /// EXPLAIN's requests are the live run's requests, for every statement kind, including the
    /// version-gated ALTER (PATCH on 3.8+, GET+PUT before).
    #[test]
    fn explain_lists_exactly_what_the_live_run_sends() {
        let statements = [
            "CREATE SOURCE CONNECTOR a WITH ('connector.class' = 'FileStreamSource', 'topic' = 't')",
            "CREATE OR REPLACE CONNECTOR a WITH ('connector.class' = 'FileStreamSource', 'topic' = 't')",
            "CREATE CONNECTOR IF NOT EXISTS b WITH ('connector.class' = 'FileStreamSource')",
            "CREATE CONNECTOR a WITH ('connector.class' = 'FileStreamSource') INITIALLY STOPPED",
            "CREATE CONNECTOR a WITH ('connector.class' = 'FileStreamSource') INITIALLY PAUSED WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 1))",
            "CREATE OR REPLACE CONNECTOR a WITH ('connector.class' = 'FileStreamSource') INITIALLY STOPPED",
            "SHOW CREATE CONNECTOR a WITH OFFSETS",
            "CREATE OR REPLACE CONNECTOR a WITH ('connector.class' = 'FileStreamSource', 'db.password' = '[hidden]')",
            "VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource')",
            "ALTER CONNECTOR a SET ('topic' = 'u')",
            "ALTER CONNECTOR a SET ('db.password' = '[hidden]', 'topic' = 'v')",
            "ALTER CONNECTOR a UNSET ('x')",
            "SHOW CREATE CONNECTOR a",
            "DROP CONNECTOR a",
            "DESCRIBE CONNECTOR a",
            "DESCRIBE CONNECTOR a EXTENDED",
            "SHOW CONNECTORS",
            "SHOW CONNECTOR PLUGINS",
            "SHOW PLUGINS",
            "DESCRIBE PLUGIN 'FileStreamSource'",
            "PAUSE CONNECTOR a",
            "RESUME CONNECTOR a",
            "STOP CONNECTOR a",
            "PAUSE CONNECTORS LIKE 'a%'",
            "RESTART CONNECTOR a INCLUDE TASKS ONLY FAILED",
            "RESTART CONNECTORS",
            "RESTART CONNECTOR a TASK 0",
            "SHOW CONNECTOR OFFSETS a",
            "ALTER CONNECTOR a SET OFFSET PARTITION ('f' = 'x') TO ('p' = 1)",
            "ALTER CONNECTOR a RESET OFFSETS",
            "ALTER CONNECTOR a RESET TOPICS",
            "WAIT FOR CONNECTOR a",
            "SHOW CLUSTER",
            "SHOW LOGGERS",
            "SET LOGGER 'x' = 'DEBUG'",
            "SET LOGGER 'x' = 'DEBUG' FOR CLUSTER",
        ];
        for version in [r#"{"version":"4.1.0"}"#, r#"{"version":"3.7.1"}"#] {
            let fake = worker(version);
            for text in statements {
                let stmt = parse(text);
                fake.session()
                    .execute(&stmt)
                    .unwrap_or_else(|e| panic!("{text}: {e}"));
                let mut live = fake.take();
                let mut s = fake.session();
                let out = s
                    .execute(&Statement::Explain(Explain(Box::new(stmt))))
                    .unwrap_or_else(|e| panic!("EXPLAIN {text}: {e}"));
                let mut explained: Vec<String> = s
                    .last_exchanges()
                    .iter()
                    .map(|e| line(&e.request))
                    .collect();
                // EXPLAIN sent only its reads.
                let sent = fake.take();
                assert!(
                    sent.iter()
                        .all(|r| r.starts_with("GET ") || r.contains("/config/validate")),
                    "{text}: {sent:?}"
                );
                let crate::output::Block::Text { text: shown, .. } = &out.blocks[0] else {
                    panic!()
                };
                let shown_lines: Vec<&str> =
                    shown.lines().filter(|l| !l.starts_with(' ')).collect();
                let explained_lines: Vec<String> = s
                    .last_exchanges()
                    .iter()
                    .map(|e| e.request.to_string())
                    .collect();
                assert_eq!(shown_lines, explained_lines, "{text}");
                if text.starts_with("DESCRIBE CONNECTOR") || text == "SHOW CONNECTORS" {
                    // Sent concurrently live: compare as sets.
                    live.sort();
                    explained.sort();
                }
                assert_eq!(explained, live, "{text} on {version}");
                let wrote = s.last_exchanges().iter().any(|e| e.fate == Fate::Recorded);
                assert_eq!(may_write(&parse(text)), wrote, "may_write of {text}");
                if text.starts_with("ALTER CONNECTOR a SET ('topic'") {
                    let write = live.iter().find(|r| !r.starts_with("GET")).unwrap();
                    let want = if version.contains("3.7") {
                        "PUT "
                    } else {
                        "PATCH "
                    };
                    assert!(write.starts_with(want), "{version}: {live:?}");
                }
            }
        }
    }

    #[test]
    fn initially_and_offsets_are_sent_as_connect_takes_them_and_refused_on_old_workers() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session();
        let out = s
            .execute(&parse(
                "CREATE CONNECTOR a WITH ('connector.class' = 'FileStreamSource') INITIALLY STOPPED",
            ))
            .unwrap();
        assert_eq!(out, Output::message("Created connector a (STOPPED)"));
        let sent = fake.take();
        assert!(
            sent.iter().any(|r| r.starts_with("POST /connectors ")
                && r.contains(r#""initial_state":"STOPPED""#)),
            "{sent:?}"
        );
        // With offsets: created STOPPED, offsets set in one PATCH, then its state.
        let out = s
            .execute(&parse(
                "CREATE CONNECTOR a WITH ('connector.class' = 'FileStreamSource') WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 1), PARTITION ('f' = 'y') TO ('p' = 2))",
            ))
            .unwrap();
        assert_eq!(
            out,
            Output::message("Created connector a with the offsets of 2 partitions (RUNNING)")
        );
        let writes: Vec<String> = fake
            .take()
            .into_iter()
            .filter(|r| !r.starts_with("GET ") && !r.contains("/validate"))
            .collect();
        assert_eq!(writes.len(), 3, "{writes:?}");
        assert!(
            writes[0].contains(r#""initial_state":"STOPPED""#),
            "{writes:?}"
        );
        assert_eq!(
            writes[1],
            r#"PATCH /connectors/a/offsets {"offsets":[{"partition":{"f":"x"},"offset":{"p":1}},{"partition":{"f":"y"},"offset":{"p":2}}]}"#
        );
        assert_eq!(writes[2], "PUT /connectors/a/resume");
        // An existing connector is left alone under IF NOT EXISTS: no write at all.
        let out = s
            .execute(&parse(
                "CREATE CONNECTOR IF NOT EXISTS a WITH ('connector.class' = 'FileStreamSource') INITIALLY STOPPED WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 1))",
            ))
            .unwrap();
        assert_eq!(
            out,
            Output::warning(
                "Connector a already exists: its config, state and offsets are left as they are"
            )
        );
        assert!(fake.take().iter().all(|r| r.starts_with("GET ")));
        // OR REPLACE of an existing connector: its config is replaced, its state left.
        let out = s
            .execute(&parse(
                "CREATE OR REPLACE CONNECTOR a WITH ('connector.class' = 'FileStreamSource') INITIALLY STOPPED",
            ))
            .unwrap();
        assert_eq!(
            out,
            Output::message(
                "Updated connector a (INITIALLY STOPPED applies to a new connector only: its state is left as it was)"
            )
        );
        assert!(
            !fake
                .take()
                .iter()
                .any(|r| r.contains("initial_state") || r.contains("/stop"))
        );
        // A worker that does not know the field: refused before anything is sent.
        for (version, text, needs) in [
            (
                r#"{"version":"3.6.2"}"#,
                "CREATE CONNECTOR n WITH ('connector.class' = 'FileStreamSource') INITIALLY PAUSED",
                "CREATE ... INITIALLY / WITH OFFSETS needs Kafka Connect 3.7 or later; this worker runs 3.6.2",
            ),
            (
                r#"{"version":"3.6.2"}"#,
                "SHOW CREATE CONNECTOR a WITH OFFSETS",
                "needs Kafka Connect 3.7 or later",
            ),
            (
                r#"{"version":"4.0.1"}"#,
                "DESCRIBE PLUGIN FileStreamSource VERSION '4.0.1'",
                "DESCRIBE PLUGIN ... VERSION needs Kafka Connect 4.1 or later; this worker runs 4.0.1",
            ),
        ] {
            let old = worker(version);
            let e = old.session().execute(&parse(text)).unwrap_err();
            assert!(e.to_string().contains(needs), "{text}: {e}");
            assert!(
                old.seen().iter().all(|r| r.starts_with("GET ")),
                "{text}: {:?}",
                old.seen()
            );
        }
    }

    #[test]
    fn describe_shows_the_plugin_versions_a_4x_worker_reports() {
        let fake = Fake::start(vec![
            (
                "GET /connectors/v",
                200,
                r#"{"name":"v","config":{"connector.class":"FileStreamSource","name":"v"},"tasks":[{"connector":"v","task":0}],"type":"source"}"#,
            ),
            (
                "GET /connectors/v/status",
                200,
                r#"{"name":"v","connector":{"state":"RUNNING","worker_id":"w:8083","version":"4.3.0"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"w:8083","version":"4.3.0"},{"id":1,"state":"FAILED","worker_id":"w:8083","version":"4.2.1","trace":"boom"}],"type":"source"}"#,
            ),
            ("GET /connectors/v/topics", 200, r#"{"v":{"topics":["t"]}}"#),
        ]);
        let out = fake
            .session()
            .execute(&parse("DESCRIBE CONNECTOR v"))
            .unwrap();
        let mut text = Vec::new();
        crate::render::Renderer::plain(crate::render::Format::Tabular)
            .render(&out, &Default::default(), &mut text)
            .unwrap();
        insta::assert_snapshot!(
            "describe_with_plugin_versions",
            String::from_utf8(text).unwrap()
        );
    }

    #[test]
    fn a_dry_run_of_create_with_offsets_previews_every_step() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session_with(Options {
            dry_run: true,
            ..Default::default()
        });
        let out = s
            .execute(&parse(
                "CREATE CONNECTOR nope WITH ('connector.class' = 'FileStreamSource') INITIALLY PAUSED WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 1))",
            ))
            .unwrap();
        let messages: Vec<&String> = out
            .blocks
            .iter()
            .filter_map(|b| match b {
                crate::output::Block::Message(m) => Some(m),
                _ => None,
            })
            .collect();
        assert_eq!(
            messages,
            [
                "Would create connector nope",
                "Would change the offsets of connector nope",
                "Would pause connector nope"
            ]
        );
        assert!(
            fake.seen()
                .iter()
                .all(|r| r.starts_with("GET ") || r.contains("/config/validate")),
            "{:?}",
            fake.seen()
        );
    }

    #[test]
    fn describe_plugin_of_a_version_asks_for_it_and_is_not_cached_as_the_plugin() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session();
        let out = s
            .execute(&parse("DESCRIBE PLUGIN FileStreamSource VERSION '4.1.0'"))
            .unwrap();
        let crate::output::Block::Table { title, .. } = &out.blocks[0] else {
            panic!()
        };
        assert_eq!(title.as_deref(), Some("FileStreamSource (version 4.1.0)"));
        assert!(
            fake.seen()
                .contains(&"GET /connector-plugins/FileStreamSource/config?version=4.1.0".into())
        );
        assert!(s.catalog().snapshot().plugin_keys.is_empty());
    }

    #[test]
    fn explain_masks_secrets_in_bodies() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let out = fake
            .session()
            .execute(&parse(
                "EXPLAIN CREATE CONNECTOR n WITH ('connector.class' = 'FileStreamSource', 'db.password' = 's3cret')",
            ))
            .unwrap();
        let crate::output::Block::Text { text, .. } = &out.blocks[0] else {
            panic!()
        };
        assert!(
            text.contains("[hidden]") && !text.contains("s3cret"),
            "{text}"
        );
        assert!(!fake.seen().iter().any(|r| r.starts_with("POST")));
    }

    #[test]
    fn dry_run_describes_each_recorded_write() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session_with(Options {
            dry_run: true,
            ..Default::default()
        });
        let messages = |out: &Output| -> Vec<String> {
            out.blocks
                .iter()
                .filter_map(|b| match b {
                    crate::output::Block::Message(m) => Some(m.clone()),
                    _ => None,
                })
                .collect()
        };
        let cases = [
            ("DROP CONNECTOR a", "Would drop connector \"a\""),
            ("PAUSE CONNECTOR a", "Would pause connector a"),
            ("STOP CONNECTORS", "Would stop connector a"),
            (
                "RESTART CONNECTOR a INCLUDE TASKS",
                "Would restart connector a and its tasks",
            ),
            (
                "RESTART CONNECTOR a TASK 0",
                "Would restart task 0 of connector a",
            ),
            (
                "ALTER CONNECTOR a RESET OFFSETS",
                "Would reset the offsets of connector a",
            ),
            (
                "ALTER CONNECTOR a RESET TOPICS",
                "Would reset the active topics of connector a",
            ),
            (
                "SET LOGGER 'x' = 'debug' FOR CLUSTER",
                "Would set logger x to DEBUG on every worker of the cluster",
            ),
            (
                "CREATE CONNECTOR b WITH ('connector.class' = 'FileStreamSource')",
                "Would create connector b",
            ),
            (
                "ALTER CONNECTOR a SET ('topic' = 'u')",
                "Would update connector a",
            ),
            (
                "ALTER CONNECTOR a SET ('topic' = 't', 'db.password' = '[hidden]')",
                "Connector a would not change",
            ),
        ];
        for (text, want) in cases {
            let out = s
                .execute(&parse(text))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(messages(&out), vec![want.to_string()], "{text}");
            assert!(!s.changed_state(), "{text}");
        }
        let out = s
            .execute(&parse("ALTER CONNECTOR a SET ('topic' = 'u')"))
            .unwrap();
        assert_eq!(
            out.blocks[1],
            crate::output::Block::Table {
                name: "changes".into(),
                title: None,
                columns: crate::output::Column::list(&[
                    ("Change", "change"),
                    ("Key", "key"),
                    ("Old", "old"),
                    ("New", "new")
                ]),
                rows: vec![vec![
                    "changed".into(),
                    "topic".into(),
                    "t".into(),
                    "u".into()
                ]],
            }
        );
        // Writes refused as Connect would refuse them: nothing exists, task 7, a taken name.
        let e = s.execute(&parse("DROP CONNECTOR nope")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Connector 'nope' does not exist."),
            "{e}"
        );
        let out = s.execute(&parse("DROP CONNECTOR IF EXISTS nope")).unwrap();
        assert_eq!(out, Output::warning("Connector 'nope' does not exist."));
        let e = s.execute(&parse("RESTART CONNECTOR a TASK 7")).unwrap_err();
        assert_eq!(e.to_string(), "Connector a has no task 7");
        let e = s
            .execute(&parse(
                "CREATE CONNECTOR a WITH ('connector.class' = 'FileStreamSource')",
            ))
            .unwrap_err();
        assert_eq!(e.to_string(), "Connector a already exists");
        assert!(
            fake.seen()
                .iter()
                .all(|r| r.starts_with("GET ") || r.contains("/config/validate")),
            "only reads: {:?}",
            fake.seen()
        );
    }

    #[test]
    fn changed_state_is_true_only_after_a_confirmed_write() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session();
        s.execute(&parse("SHOW CONNECTORS")).unwrap();
        assert!(!s.changed_state());
        s.execute(&parse("PAUSE CONNECTOR a")).unwrap();
        assert!(s.changed_state());
        s.execute(&parse("EXPLAIN PAUSE CONNECTOR a")).unwrap();
        assert!(!s.changed_state());
        assert!(s.execute(&parse("PAUSE CONNECTOR nope")).is_err());
        assert!(!s.changed_state());
    }

    #[test]
    fn check_runs_offline_and_keeps_the_client_side_checks() {
        for ok in [
            "DROP CONNECTOR a",
            "SHOW CONNECTORS",
            "STOP CONNECTOR a",
            "EXPLAIN ALTER CONNECTOR a SET ('x' = 'y')",
            "CREATE CONNECTOR a WITH ('connector.class' = 'X')",
            "WAIT FOR CONNECTOR a",
        ] {
            check(&parse(ok)).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for (bad, why) in [
            ("CREATE CONNECTOR a WITH ('topic' = 't')", "connector.class"),
            ("STOP CONNECTOR \"a/b\"", "cannot address"),
            ("RESTART CONNECTOR \"a/b\" INCLUDE TASKS", "cannot address"),
            ("SET LOGGER 'a/b' = 'DEBUG' FOR CLUSTER", "contains '/'"),
            (
                "CREATE OR REPLACE CONNECTOR a WITH ('connector.class' = 'X') IF NOT EXISTS",
                "",
            ),
        ] {
            let Ok(stmt) = crate::lang::parse_statement(
                bad,
                &crate::lang::ParseOptions {
                    allow_missing_semicolon: true,
                    ..Default::default()
                },
            ) else {
                continue;
            };
            let e = check(&stmt).unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn a_mask_without_a_live_value_is_refused_and_nothing_is_written() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session();
        let e = s
            .execute(&parse(
                "CREATE CONNECTOR fresh WITH ('connector.class' = 'FileStreamSource', 'db.password' = '[hidden]', 'url' = 'jdbc:x?password=[hidden]')",
            ))
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("'db.password', 'url'"), "{text}");
        assert!(text.contains("nothing was sent"), "{text}");
        assert!(
            text.contains("--show-secrets") && text.contains("${file:"),
            "{text}"
        );
        // ALTER: a mask of a key without a live value, too.
        let e = s
            .execute(&parse(
                "ALTER CONNECTOR a SET ('other.password' = '[hidden]')",
            ))
            .unwrap_err();
        assert!(e.to_string().contains("'other.password'"), "{e}");
        // A mask of the live value keeps it: left out of the PATCH.
        s.execute(&parse(
            "ALTER CONNECTOR a SET ('db.password' = '[hidden]', 'topic' = 'u')",
        ))
        .unwrap();
        let seen = fake.seen();
        assert!(
            seen.iter().all(|r| !r.contains("[hidden]")),
            "the mask is never sent: {seen:?}"
        );
        assert!(seen.contains(&r#"PATCH /connectors/a/config {"topic":"u"}"#.to_string()));
        // CREATE OR REPLACE sends the live value in its place.
        s.execute(&parse(
            "CREATE OR REPLACE CONNECTOR a WITH ('connector.class' = 'FileStreamSource', 'db.password' = '[hidden]')",
        ))
        .unwrap();
        assert!(
            fake.seen()
                .iter()
                .any(|r| r.starts_with("PUT /connectors/a/config")
                    && r.contains(r#""db.password":"pw""#))
        );
    }

    #[test]
    fn show_connectors_and_bulk_statements_see_a_connector_without_status() {
        let fake = Fake::start(vec![
            ("GET /connectors?expand=status&expand=info", 200, "{}"),
            ("GET /connectors", 200, r#"["new"]"#),
            (
                "GET /connectors/new",
                200,
                r#"{"name":"new","config":{"connector.class":"FileStreamSource"},"tasks":[],"type":"source"}"#,
            ),
            ("PUT /connectors/new/pause", 202, ""),
        ]);
        let mut s = fake.session();
        let out = s.execute(&parse("SHOW CONNECTORS")).unwrap();
        let crate::output::Block::Table { rows, .. } = &out.blocks[0] else {
            panic!()
        };
        assert_eq!(
            rows,
            &vec![vec![
                serde_json::Value::from("new"),
                "SOURCE".into(),
                "FileStreamSource".into(),
                "no status yet".into()
            ]]
        );
        let out = s.execute(&parse("PAUSE CONNECTORS")).unwrap();
        assert_eq!(out.kind, "bulk_result");
        assert!(
            fake.seen()
                .contains(&"PUT /connectors/new/pause".to_string())
        );
    }

    #[test]
    fn alter_config_errors_are_one_line_per_property() {
        let fake = Fake::start(vec![
            ("GET /", 200, r#"{"version":"4.1.0"}"#),
            (
                "PATCH /connectors/a/config",
                400,
                r#"{"error_code":400,"message":"Connector configuration is invalid and contains the following 1 error(s):\nInvalid value null for configuration topics\nInvalid value null for configuration topics\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"}"#,
            ),
            (
                "GET /connectors/a/config",
                200,
                r#"{"connector.class":"FileStreamSink","topics":"t","name":"a"}"#,
            ),
            (
                "PUT /connector-plugins/FileStreamSink/config/validate",
                200,
                r#"{"name":"x","error_count":1,"groups":[],"configs":[{"definition":{"name":"topics"},"value":{"name":"topics","value":null,"recommended_values":[],"errors":["Must configure one of topics or topics.regex"],"visible":true}}]}"#,
            ),
        ]);
        let e = fake
            .session()
            .execute(&parse("ALTER CONNECTOR a UNSET ('topics')"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Connector configuration is invalid: 1 error(s)\n  topics: Must configure one of topics or topics.regex"
        );
    }

    #[test]
    fn wait_for_a_paused_connector_says_resume_it_at_once() {
        let fake = Fake::start(vec![(
            "GET /connectors/p/status",
            200,
            r#"{"name":"p","connector":{"state":"PAUSED","worker_id":"w"},"tasks":[{"id":0,"state":"PAUSED"}]}"#,
        )]);
        let start = std::time::Instant::now();
        let e = fake
            .session()
            .execute(&parse("WAIT FOR CONNECTOR p TIMEOUT 30 SECONDS"))
            .unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(
            e.to_string(),
            "Connector p is PAUSED: it will not run until it is resumed\nhint: resume it: RESUME CONNECTOR p;"
        );
    }

    #[test]
    fn the_catalog_follows_the_sessions_own_answers() {
        let fake = worker(r#"{"version":"4.1.0"}"#);
        let mut s = fake.session();
        let catalog = s.catalog();
        assert!(catalog.snapshot().connector_names().is_empty());
        s.execute(&parse("SHOW CONNECTORS")).unwrap();
        assert_eq!(catalog.snapshot().connector_names(), ["a"]);
        s.execute(&parse("DROP CONNECTOR a")).unwrap();
        assert!(catalog.snapshot().connector_names().is_empty());
        s.execute(&parse(
            "CREATE SOURCE CONNECTOR b WITH ('connector.class' = 'FileStreamSource')",
        ))
        .unwrap();
        assert_eq!(catalog.snapshot().connector_names(), ["b"]);
        assert_eq!(
            catalog.snapshot().plugin_classes(),
            ["org.apache.kafka.connect.file.FileStreamSourceConnector"]
        );
        // Cached: completion asks again without a request.
        let before = fake.seen().len();
        assert_eq!(s.connector_names().unwrap(), ["b"]);
        assert_eq!(fake.seen().len(), before);
    }
}
