//! The session: runs one statement = plan -> client -> output. Prints nothing (except WAIT's
//! progress line on a terminal, when asked); the shell renders the `Output`. Statement families
//! live in submodules; this file holds the session, its settings, caches and shared helpers.

mod cluster;
mod config;
mod connectors;
mod lifecycle;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cli::ConnectionArgs;
use crate::connect::config::Settings;
use crate::connect::model::{ConfigKeyInfo, PluginInfo, ServerInfo};
use crate::connect::{ApiError, Client};
use crate::error::Error;
use crate::lang::ast::{Name, Statement};
use crate::lang::statement::*;
use crate::output::Output;
use crate::plan::{self, PlanOptions, Request};
use crate::secrets::Masker;

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
}

/// Default of `WAIT FOR CONNECTOR` without `TIMEOUT`.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// How long the list of connector names used for completion is trusted.
const NAMES_TTL: Duration = Duration::from_secs(10);

/// A connection to one Connect cluster plus the session's settings and caches.
#[derive(Debug)]
pub struct Session {
    client: Client,
    opts: Options,
    wait_timeout: Duration,
    defaults: (Duration, Duration),
    server_info: Mutex<Option<ServerInfo>>,
    plugins: Mutex<Option<Vec<PluginInfo>>>,
    plugin_keys: Mutex<HashMap<String, Vec<ConfigKeyInfo>>>,
    names: Mutex<Option<(Instant, Vec<String>)>>,
    /// Set by the REPL's Ctrl-C: long waits (WAIT FOR) stop early instead of running on unseen.
    cancel: Arc<AtomicBool>,
}

/// The session settings exec owns (`SET 'name' = 'value'`), with their descriptions.
pub const PROPERTIES: &[(&str, &str)] = &[
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
            wait_timeout: DEFAULT_WAIT,
            defaults: (settings.timeout, settings.retry_timeout),
            server_info: Mutex::new(None),
            plugins: Mutex::new(None),
            plugin_keys: Mutex::new(HashMap::new()),
            names: Mutex::new(None),
            cancel: Arc::new(AtomicBool::new(false)),
        })
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

    pub fn set_progress(&mut self, progress: bool) {
        self.opts.progress = progress;
    }

    /// The worker URL in use.
    pub fn server_url(&self) -> String {
        crate::secrets::redact_url(self.client.url())
    }

    /// `GET /`, cached for the session.
    pub fn server_info(&self) -> Result<ServerInfo, Error> {
        let mut cache = self.server_info.lock().unwrap();
        if let Some(info) = cache.as_ref() {
            return Ok(info.clone());
        }
        let info: ServerInfo = self.client.send_json(&Request::get("/"))?;
        *cache = Some(info.clone());
        Ok(info)
    }

    /// Connector names for completion (cached for a few seconds, refreshed after changes).
    pub fn connector_names(&self) -> Result<Vec<String>, Error> {
        let mut cache = self.names.lock().unwrap();
        if let Some((at, names)) = cache.as_ref()
            && at.elapsed() < NAMES_TTL
        {
            return Ok(names.clone());
        }
        let mut names: Vec<String> = self.client.send_json(&Request::get("/connectors"))?;
        names.sort();
        *cache = Some((Instant::now(), names.clone()));
        Ok(names)
    }

    /// The `connector.class` of connector `name`, for completing its config keys.
    pub fn connector_class(&self, name: &str) -> Result<Option<String>, Error> {
        let config: HashMap<String, String> = self
            .client
            .send_json(&Request::get(plan::connector_path(name, "/config")?))?;
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
            _ => Err(unknown_property(&name)),
        }
    }

    /// Runs one statement. Variables must already be resolved (the shell does that).
    pub fn execute(&mut self, stmt: &Statement) -> Result<Output, Error> {
        let result = self.dispatch(stmt);
        if plan::plan_with(stmt, &self.plan_options())
            .map(|reqs| reqs.iter().any(Request::changes_state))
            .unwrap_or(false)
        {
            *self.names.lock().unwrap() = None;
        }
        result
    }

    fn dispatch(&self, stmt: &Statement) -> Result<Output, Error> {
        match stmt {
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
            Statement::ShowCreateConnector(ShowCreateConnector { name }) => self.show_create(name),
            Statement::DropConnector(DropConnector { if_exists, name }) => {
                self.drop_connector(name, *if_exists)
            }
            Statement::DescribeConnector(DescribeConnector { name, extended }) => {
                self.describe(name, *extended)
            }
            Statement::ShowConnectors(ShowConnectors { kind, like }) => {
                self.show_connectors(*kind, like.as_deref())
            }
            Statement::ShowConnectorPlugins(ShowConnectorPlugins) => self.show_plugins(true),
            Statement::ShowPlugins(ShowPlugins) => self.show_plugins(false),
            Statement::DescribePlugin(DescribePlugin { plugin }) => self.describe_plugin(plugin),
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
            Statement::WaitForConnector(WaitForConnector { name, timeout_secs }) => {
                self.wait_for(name, timeout_secs.map(Duration::from_secs))
            }
            Statement::ShowCluster(ShowCluster) => self.show_cluster(),
            Statement::ShowLoggers(ShowLoggers { like }) => self.show_loggers(like.as_deref()),
            Statement::SetLogger(SetLogger {
                logger,
                level,
                cluster,
            }) => self.set_logger(logger, level, *cluster),
            Statement::Explain(Explain(inner)) => self.explain(inner),
            Statement::Client(_) => Err(Error::usage(
                "this is a client command: the shell runs it, not the session",
            )),
        }
    }

    fn explain(&self, inner: &Statement) -> Result<Output, Error> {
        let mut reqs = plan::plan_with(inner, &self.plan_options())?;
        let masker = self.masker();
        for body in reqs.iter_mut().filter_map(|r| r.body.as_mut()) {
            masker.mask_json(body);
        }
        Ok(Output::new("explain").with(crate::output::Block::Text {
            name: "requests".into(),
            text: plan::explain_text(&reqs),
        }))
    }

    // ---- shared helpers for the statement modules ----

    fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            ksql_compat: self.opts.ksql_compat,
        }
    }

    fn name(&self, name: &Name) -> Result<String, Error> {
        plan::name_text(name, &self.plan_options())
    }

    fn masker(&self) -> Masker {
        Masker::new(self.opts.show_secrets)
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

    /// The worker's plugins (connectors only), cached.
    pub fn plugins(&self) -> Result<Vec<PluginInfo>, Error> {
        let mut cache = self.plugins.lock().unwrap();
        if let Some(p) = cache.as_ref() {
            return Ok(p.clone());
        }
        let mut list: Vec<PluginInfo> =
            self.client.send_json(&Request::get("/connector-plugins"))?;
        list.sort_by(|a, b| a.class.cmp(&b.class));
        *cache = Some(list.clone());
        Ok(list)
    }

    /// A plugin's config definitions (3.2+), cached per class.
    fn plugin_definitions(&self, class: &str) -> Result<Vec<ConfigKeyInfo>, Error> {
        if let Some(keys) = self.plugin_keys.lock().unwrap().get(class) {
            return Ok(keys.clone());
        }
        self.require(3, 2, "plugin config definitions")?;
        let keys: Vec<ConfigKeyInfo> = self
            .client
            .send_json(&Request::get(plan::plugin_path(class, "/config")?))
            .map_err(|e| plugin_error(class, e))?;
        self.plugin_keys
            .lock()
            .unwrap()
            .insert(class.to_string(), keys.clone());
        Ok(keys)
    }

    /// A masker that also hides the keys the plugin declares as PASSWORD (best effort).
    fn masker_for(&self, class: Option<&str>) -> Masker {
        let mut m = self.masker();
        if let (false, Some(class)) = (m.show, class)
            && let Ok(keys) = self.plugin_definitions(class)
        {
            m.rule = crate::secrets::SecretRule::from_definitions(
                keys.iter().map(|k| (&k.name, &k.kind)),
            );
        }
        m
    }

    /// Turns a failed call about connector `name` into the user's error: 404s become
    /// `Connector 'X' does not exist.` with a `did you mean` hint naming the closest connector.
    fn connector_error(&self, name: &str, e: ApiError) -> Error {
        if is_connector_not_found(&e) {
            return self.not_found(name);
        }
        match &e {
            // Jetty 12 (Kafka Connect 4.x) refuses `%2F`, `%25` and `%5C` in paths before Connect
            // sees the request ("Ambiguous URI path encoding").
            ApiError::Status {
                status: 400,
                message,
            } if message.contains("Ambiguous URI") => Error::statement(format!(
                "Kafka Connect cannot address connector \"{name}\" by URL: its web server \
                     rejects the encoded '%' or '\\' in the name"
            )),
            _ => e.into(),
        }
    }

    fn not_found(&self, name: &str) -> Error {
        let mut text = not_found_text(name);
        if let Some(similar) = self.similar_name(name) {
            text.push_str(&format!("\nhint: did you mean \"{similar}\"?"));
        }
        Error::statement(text)
    }

    /// The existing connector name closest to `name` (case, then edit distance).
    fn similar_name(&self, name: &str) -> Option<String> {
        let names: Vec<String> = self.client.send_json(&Request::get("/connectors")).ok()?;
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
        let props: HashMap<String, String> = s.properties().into_iter().collect();
        assert_eq!(props["show.secrets"], "true");
        assert_eq!(props["timeout"], "200");
        s.unset_property("timeout").unwrap();
        assert_eq!(s.property("timeout"), "120");
        let e = s.set_property("nope", "1").unwrap_err();
        assert!(e.to_string().contains("valid properties: dry.run"), "{e}");
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
    struct Fake {
        url: String,
        seen: std::sync::Arc<Mutex<Vec<String>>>,
    }

    impl Fake {
        fn start(routes: Vec<(&'static str, u16, &'static str)>) -> Fake {
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
                    let (status, reply) = routes
                        .iter()
                        .find(|(k, _, _)| *k == key)
                        .map(|(_, s, b)| (*s, *b))
                        .unwrap_or((404, r#"{"error_code":404,"message":"HTTP 404 Not Found"}"#));
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                        reply.len()
                    );
                }
            });
            Fake { url, seen }
        }

        fn session(&self) -> Session {
            let settings = Settings {
                urls: vec![self.url.clone()],
                ..Default::default()
            };
            Session::with_settings(&settings, Options::default()).unwrap()
        }

        fn seen(&self) -> Vec<String> {
            self.seen.lock().unwrap().clone()
        }
    }

    fn parse(text: &str) -> Statement {
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
                r#"{"name":"a","config":{"connector.class":"X"},"tasks":[]}"#,
            ),
            (
                "GET /connectors",
                200,
                r#"{"a":{"status":{"name":"a","connector":{"state":"RUNNING"},"tasks":[]}}}"#,
            ),
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
        assert_eq!(
            e.to_string(),
            "Connector bad FAILED:\njava.lang.Boom\n\tat x"
        );
    }

    #[test]
    fn unreachable_cluster_is_reported_on_first_request() {
        let mut s = session();
        let e = s
            .execute(&Statement::ShowConnectors(ShowConnectors {
                kind: None,
                like: None,
            }))
            .unwrap_err();
        assert!(e.is(crate::error::ErrorKind::Unreachable), "{e:?}");
    }
}
