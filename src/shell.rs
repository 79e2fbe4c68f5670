//! The shell's core, shared by scripts (`script.rs`) and the REPL (`repl/`): one statement at a
//! time, variables resolved, client statements (SET, DEFINE, OUTPUT, SERVER, HELP, RUN SCRIPT...)
//! handled here, everything else handed to [`exec::Session`], the result rendered.
//! It never reads input and never decides how a failure ends the process: its callers do.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::Duration;

use serde_json::Value;

use crate::cli::OnError;
use crate::connect::config::{Settings, parse_urls};
use crate::error::Error;
use crate::exec::{self, Session};
use crate::lang::ast::{ClientStatement, DescribeConnector, Statement};
use crate::lang::vars::{self, Variables};
use crate::lang::{self, ParseOptions};
use crate::output::{Block, Output};
use crate::render::{self, Format, Renderer, style};

/// RUN SCRIPT may nest this deep (a script running itself would otherwise never end).
pub(crate) const MAX_SCRIPT_DEPTH: usize = 16;

/// Properties the shell itself owns (the session's are in [`exec::PROPERTIES`]).
pub const SHELL_PROPERTIES: &[(&str, &str)] = &[
    (
        "on.error",
        "what a script does when a statement fails: stop or continue",
    ),
    ("output", "output format: tabular or json"),
];

/// A client statement's outcome: something to print, or `None` for nothing (DEFINE, OUTPUT JSON).
type Handled = Result<Option<Output>, Error>;

/// Whether the caller should go on reading statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// A shared handle on the session, so the REPL's completer can ask it for names.
pub type SessionHandle = Arc<Mutex<Session>>;

/// Lock a session, even if a cancelled request's thread panicked while holding it.
pub fn lock(session: &SessionHandle) -> MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct Shell {
    settings: Settings,
    opts: exec::Options,
    session: SessionHandle,
    /// `SET` calls forwarded to the session, replayed on a new session (SERVER, Ctrl-C).
    session_props: Vec<(String, String)>,
    pub vars: Variables,
    pub renderer: Renderer,
    pub on_error: OnError,
    /// Set by Ctrl-C in the REPL: a running request is abandoned. `None` in scripts.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Colour on standard error (error messages).
    pub err_color: bool,
    /// Fit tables to the terminal's width as it is when each result is printed.
    pub fit_terminal: bool,
    /// The REPL: JSON output skips the `{"type":"ok"}` of statements that print nothing
    /// (programs reading a script's output get one document per statement).
    pub interactive: bool,
    pub(crate) script_depth: usize,
    /// Whether the last output printed was a block (table, fields, text): outputs of
    /// consecutive statements are spaced when either is. `None`: nothing printed yet.
    last_output: Option<bool>,
}

impl Shell {
    pub fn new(
        settings: Settings,
        opts: exec::Options,
        renderer: Renderer,
        vars: Variables,
        on_error: OnError,
    ) -> Result<Shell, Error> {
        let session = Session::with_settings(&settings, opts)?;
        Ok(Shell {
            settings,
            opts,
            session: Arc::new(Mutex::new(session)),
            session_props: Vec::new(),
            vars,
            renderer,
            on_error,
            interrupt: None,
            err_color: false,
            fit_terminal: false,
            interactive: false,
            script_depth: 0,
            last_output: None,
        })
    }

    /// The session (shared with the REPL's completer).
    pub fn session(&self) -> SessionHandle {
        Arc::clone(&self.session)
    }

    pub fn server_url(&self) -> String {
        lock(&self.session).server_url()
    }

    /// How statements are parsed now (`SET 'ksql.compat'` changes it).
    pub fn parse_options(&self, allow_missing_semicolon: bool) -> ParseOptions {
        ParseOptions {
            ksql_compat: lock(&self.session).options().ksql_compat,
            allow_missing_semicolon,
        }
    }

    /// A new input starts (the REPL's prompt): no spacing before its first output.
    pub fn start_input(&mut self) {
        self.last_output = None;
    }

    fn print(
        &mut self,
        output: &Output,
        ctx: &render::Context,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if output.blocks.is_empty() && self.renderer.format == Format::Tabular {
            return Ok(());
        }
        if self.fit_terminal
            && let Some((width, _)) = terminal_size::terminal_size()
        {
            self.renderer.width = Some(width.0);
        }
        if self.renderer.format == Format::Tabular {
            let block = output.blocks.iter().any(|b| {
                matches!(
                    b,
                    Block::Table { .. } | Block::Fields { .. } | Block::Text { .. }
                )
            });
            if self.last_output.is_some_and(|prev| prev || block) {
                writeln!(out)?;
            }
            self.last_output = Some(block);
        }
        self.renderer.render(output, ctx, out)?;
        out.flush()
    }

    /// Run one statement and print its output on `out`. The outer `Result` is a failed write
    /// (stdout closed); the inner one the statement's own outcome. Errors are not printed here.
    pub fn run(
        &mut self,
        stmt: &Statement,
        out: &mut dyn Write,
    ) -> io::Result<Result<Flow, Error>> {
        let resolved = match self.resolve(stmt) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let ctx = render_context(&resolved);
        let result = match self.client_statement(&resolved, out)? {
            Some(result) => result,
            None => self.execute_remote(&resolved).map(Some),
        };
        match result {
            Ok(Some(output)) => {
                self.print(&output, &ctx, out)?;
                Ok(Ok(flow_of(&resolved)))
            }
            // One JSON document per statement, also for those that print nothing in tables.
            Ok(None) if self.renderer.format == Format::Json && !self.interactive => {
                self.print(&Output::new("ok"), &ctx, out)?;
                Ok(Ok(flow_of(&resolved)))
            }
            Ok(None) => Ok(Ok(flow_of(&resolved))),
            Err(mut e) if e.output.is_some() => {
                if let Some(output) = e.output.take() {
                    self.print(&output, &ctx, out)?;
                }
                Ok(Err(e))
            }
            Err(e) => Ok(Err(e)),
        }
    }

    /// Variables substituted (DEFINE, UNDEFINE and HELP stay as written), then ksqlDB's
    /// upper-casing when it is on (resolved names come back unquoted).
    pub fn resolve(&self, stmt: &Statement) -> Result<Statement, Error> {
        let mut resolved = vars::resolve(stmt, &self.vars).map_err(Error::usage)?;
        if lock(&self.session).options().ksql_compat {
            lang::apply_ksql_compat(&mut resolved);
        }
        Ok(resolved)
    }

    /// Client statements: `Ok(None)` when `stmt` is not one (the session runs it).
    fn client_statement(
        &mut self,
        stmt: &Statement,
        out: &mut dyn Write,
    ) -> io::Result<Option<Handled>> {
        let Statement::Client(client) = stmt else {
            return Ok(None);
        };
        let result = match client {
            ClientStatement::SetProperty { name, value } => self.set_property(name, value),
            ClientStatement::UnsetProperty { name } => self.unset_property(name),
            ClientStatement::ShowProperties => Ok(Some(self.show_properties())),
            ClientStatement::Define { name, value } => {
                // The value may itself use variables defined earlier (as in ksqlDB).
                let value = vars::substitute(value, &self.vars);
                self.vars.define(name, &value);
                Ok(None)
            }
            ClientStatement::Undefine { name } => {
                if self.vars.undefine(name) {
                    Ok(None)
                } else {
                    Ok(Some(Output::warning(format!(
                        "Variable '{name}' is not defined."
                    ))))
                }
            }
            ClientStatement::ShowVariables => Ok(Some(self.show_variables())),
            ClientStatement::Output(None) => Ok(Some(Output::message(format!(
                "Output format: {}",
                self.renderer.format
            )))),
            ClientStatement::Output(Some(format)) => {
                self.renderer.format = Format::from(*format);
                Ok(None)
            }
            ClientStatement::Server(None) => Ok(Some(self.server_message())),
            ClientStatement::Server(Some(url)) => self.switch_server(url).map(Some),
            ClientStatement::Help(topic) => crate::help::help(topic.as_deref()).map(Some),
            ClientStatement::RunScript { path } => {
                return self.run_script(path, out).map(|r| Some(r.map(|()| None)));
            }
            ClientStatement::History => Err(Error::usage(
                "HISTORY is only available in the interactive shell",
            )),
            // Nothing to clear in a script; the REPL clears the screen itself.
            ClientStatement::Clear | ClientStatement::Exit => Ok(None),
        };
        Ok(Some(result))
    }

    fn set_property(&mut self, name: &str, value: &str) -> Result<Option<Output>, Error> {
        let key = name.to_ascii_lowercase();
        match key.as_str() {
            "output" => {
                self.renderer.format = value.parse::<Format>().map_err(Error::usage)?;
            }
            "on.error" => {
                self.on_error = match value.to_ascii_lowercase().as_str() {
                    "stop" => OnError::Stop,
                    "continue" => OnError::Continue,
                    _ => {
                        return Err(Error::usage(format!(
                            "'on.error' takes stop or continue, not '{value}'"
                        )));
                    }
                };
            }
            _ if is_session_property(&key) => {
                lock(&self.session).set_property(&key, value)?;
                self.session_props.retain(|(k, _)| *k != key);
                self.session_props.push((key.clone(), value.to_string()));
            }
            _ => return Err(unknown_property(name)),
        }
        Ok(Some(Output::message(format!(
            "Property '{key}' set to '{value}'."
        ))))
    }

    fn unset_property(&mut self, name: &str) -> Result<Option<Output>, Error> {
        let key = name.to_ascii_lowercase();
        match key.as_str() {
            "output" => self.renderer.format = Format::Tabular,
            "on.error" => self.on_error = OnError::Stop,
            _ if is_session_property(&key) => {
                lock(&self.session).unset_property(&key)?;
                self.session_props.retain(|(k, _)| *k != key);
            }
            _ => return Err(unknown_property(name)),
        }
        Ok(Some(Output::message(format!(
            "Property '{key}' is back to its default."
        ))))
    }

    fn show_properties(&self) -> Output {
        let session = lock(&self.session);
        let values = session.properties();
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let on_error = match self.on_error {
            OnError::Stop => "stop",
            OnError::Continue => "continue",
        };
        for (name, about) in SHELL_PROPERTIES {
            let value = match *name {
                "output" => self.renderer.format.to_string().to_ascii_lowercase(),
                _ => on_error.to_string(),
            };
            rows.push(vec![(*name).into(), value.into(), (*about).into()]);
        }
        for (name, about) in exec::PROPERTIES {
            let value = values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            rows.push(vec![(*name).into(), value.into(), (*about).into()]);
        }
        rows.sort_by(|a, b| a[0].as_str().cmp(&b[0].as_str()));
        Output::new("properties").with(Block::Table {
            name: "properties".into(),
            title: None,
            columns: vec!["Property".into(), "Value".into(), "Description".into()],
            rows,
        })
    }

    fn show_variables(&self) -> Output {
        let rows = self
            .vars
            .iter()
            .map(|(n, v)| vec![Value::from(n), Value::from(v)])
            .collect();
        Output::new("variables").with(Block::Table {
            name: "variables".into(),
            title: None,
            columns: vec!["Variable Name".into(), "Value".into()],
            rows,
        })
    }

    fn server_message(&self) -> Output {
        let session = lock(&self.session);
        let url = session.server_url();
        match session.server_info() {
            Ok(info) => Output::new("server").with(Block::Fields {
                name: "server".into(),
                fields: vec![
                    ("Server".into(), url.into()),
                    ("Version".into(), info.version.into()),
                    (
                        "Kafka Cluster".into(),
                        info.kafka_cluster_id.unwrap_or_default().into(),
                    ),
                ],
            }),
            Err(e) => Output::new("server")
                .with(Block::Fields {
                    name: "server".into(),
                    fields: vec![("Server".into(), url.into())],
                })
                .with(Block::Warning(first_line(&e.to_string()).to_string())),
        }
    }

    /// `SERVER 'url'`: a new session on that worker, with the same settings otherwise.
    fn switch_server(&mut self, url: &str) -> Result<Output, Error> {
        let urls = parse_urls(url)?;
        let mut settings = self.settings.clone();
        settings.urls = urls;
        let session = self.new_session(&settings)?;
        self.settings = settings;
        self.session = Arc::new(Mutex::new(session));
        Ok(self.server_message())
    }

    fn new_session(&self, settings: &Settings) -> Result<Session, Error> {
        let mut session = Session::with_settings(settings, self.opts)?;
        for (k, v) in &self.session_props {
            session.set_property(k, v)?;
        }
        Ok(session)
    }

    /// Run a connector/REST statement; in the REPL on a thread that Ctrl-C abandons.
    fn execute_remote(&mut self, stmt: &Statement) -> Result<Output, Error> {
        let Some(flag) = self.interrupt.clone() else {
            return lock(&self.session).execute(stmt);
        };
        flag.store(false, Ordering::SeqCst);
        let session = Arc::clone(&self.session);
        let cancel = lock(&session).cancel_flag();
        let owned = stmt.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let result = lock(&session).execute(&owned);
            let _ = tx.send(result);
        });
        loop {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(result) => return result,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if flag.swap(false, Ordering::SeqCst) {
                        return Err(self.cancel(&cancel, &rx));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::statement(
                        "internal error: the request's thread ended without an answer",
                    ));
                }
            }
        }
    }

    /// Ctrl-C during a request: a WAIT stops at its next poll; an HTTP request in flight is
    /// abandoned (its thread keeps the old session until it ends; a new session takes over).
    fn cancel(&mut self, cancel: &AtomicBool, rx: &mpsc::Receiver<Result<Output, Error>>) -> Error {
        cancel.store(true, Ordering::SeqCst);
        if rx.recv_timeout(Duration::from_millis(1500)).is_ok() {
            cancel.store(false, Ordering::SeqCst); // the session is free again: keep it
        } else {
            match self.new_session(&self.settings) {
                Ok(session) => self.session = Arc::new(Mutex::new(session)),
                Err(e) => return e,
            }
        }
        Error::statement("Cancelled. A request already sent may still take effect on the worker.")
    }

    fn run_script(&mut self, path: &str, out: &mut dyn Write) -> io::Result<Result<(), Error>> {
        if self.script_depth >= MAX_SCRIPT_DEPTH {
            return Ok(Err(Error::usage(format!(
                "RUN SCRIPT '{path}': scripts nested more than {MAX_SCRIPT_DEPTH} deep (does a script run itself?)"
            ))));
        }
        let source = match crate::script::Source::file(path) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        self.script_depth += 1;
        let mut err = io::stderr().lock();
        let result = crate::script::run_sources(self, &[source], out, &mut err);
        self.script_depth -= 1;
        match result? {
            0 => Ok(Ok(())),
            code => Ok(Err(crate::script::nested_failure(path, code))),
        }
    }

    /// Print an error (red on a terminal) on `err`, and `Failed`'s message only (its output
    /// was already rendered).
    pub fn print_error(&self, err: &mut dyn Write, e: &Error) -> io::Result<()> {
        style::print_error(err, &e.to_string(), self.err_color)
    }
}

fn flow_of(stmt: &Statement) -> Flow {
    if matches!(stmt, Statement::Client(ClientStatement::Exit)) {
        Flow::Exit
    } else {
        Flow::Continue
    }
}

/// DESCRIBE ... EXTENDED shows whole traces; others cut them with a hint naming the connector.
fn render_context(stmt: &Statement) -> render::Context {
    match stmt {
        Statement::DescribeConnector(DescribeConnector { name, extended }) => render::Context {
            full_traces: *extended,
            connector: Some(name.value()),
        },
        _ => render::Context::default(),
    }
}

fn is_session_property(key: &str) -> bool {
    exec::PROPERTIES.iter().any(|(n, _)| *n == key)
}

fn unknown_property(name: &str) -> Error {
    let mut names: Vec<&str> = SHELL_PROPERTIES
        .iter()
        .chain(exec::PROPERTIES.iter())
        .map(|(n, _)| *n)
        .collect();
    names.sort_unstable();
    Error::usage(format!(
        "unknown property '{name}'; valid properties: {}",
        names.join(", ")
    ))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
