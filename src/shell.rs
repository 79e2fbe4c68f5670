//! The shell's core, shared by scripts (`script.rs`) and the REPL (`repl/`): it owns the one
//! [`exec::Session`] (nobody else holds or locks it), resolves variables, hands client
//! statements to [`client`] and everything else to the session, and renders each result once.
//! It never reads input, never expands `RUN SCRIPT` (the script driver does) and never decides
//! how a failure ends the process: its callers do.
//!
//! While a statement runs, the session is lent to a thread ([`cancel`]) so that a signal
//! (Ctrl-C in the REPL; SIGINT/SIGTERM/SIGHUP in scripts) is answered at once, whatever the
//! network does: an abandoned request keeps the old session, the shell makes a new one.

pub mod cancel;
pub mod client;
pub mod properties;
mod watch;

use std::io::{self, Write};

use crate::cli::OnError;
use crate::connect::config::Settings;
use crate::error::Error;
use crate::exec::{self, Session};
use crate::lang::ast::{ClientStatement, DescribeConnector, Statement};
use crate::lang::vars::{self, Variables};
use crate::lang::{self, ParseOptions};
use crate::output::{Block, Format, Output};
use crate::render::{self, Renderer, style};
use cancel::Interrupts;

/// Whether the caller should go on reading statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// What a statement that did not fail did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub flow: Flow,
    /// Connect confirmed a write it sent (`Session::changed_state`, asked after the run):
    /// "applied". False for reads, dry runs, EXPLAIN, client statements and writes that found
    /// nothing to do (IF NOT EXISTS of an existing connector, DROP IF EXISTS of a missing one).
    pub changed: bool,
}

pub struct Shell {
    settings: Settings,
    opts: exec::Options,
    /// `None` after a running request was abandoned; a new one is made when next needed.
    session: Option<Session>,
    /// Counts the sessions made (a new one after SERVER or an abandoned request), so that
    /// readers of the session's catalog know when to take the new one's.
    generation: u64,
    /// `SET` calls forwarded to the session, replayed on a new session (SERVER, Ctrl-C).
    session_props: Vec<(String, String)>,
    pub vars: Variables,
    pub renderer: Renderer,
    pub on_error: OnError,
    /// Signals that abandon a running statement (the REPL: Ctrl-C; scripts: INT, TERM, HUP).
    /// `None`: statements run on the caller's thread (tests, `--check`).
    pub interrupts: Option<Interrupts>,
    /// Colour on standard error (error messages).
    pub err_color: bool,
    /// Fit tables to the terminal's width as it is when each result is printed.
    pub fit_terminal: bool,
    /// The REPL: JSON output skips the `{"type":"ok"}` of statements that print nothing
    /// (programs reading a script's output get one document per statement).
    pub interactive: bool,
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
            session: Some(session),
            generation: 0,
            session_props: Vec::new(),
            vars,
            renderer,
            on_error,
            interrupts: None,
            err_color: false,
            fit_terminal: false,
            interactive: false,
            last_output: None,
        })
    }

    /// A second session on the same worker, for look-ups that must never wait on this one
    /// (the REPL's completion and banner): [`Session::reader`] of the session in use, so no
    /// client is built again (no certificate files read, no TLS set up) after each statement.
    pub fn reader(&mut self) -> Result<Session, Error> {
        Ok(self.session()?.reader())
    }

    /// The shell's session, a new one when the last was abandoned with a running request.
    fn session(&mut self) -> Result<&mut Session, Error> {
        if self.session.is_none() {
            let mut session = Session::with_settings(&self.settings, self.opts)?;
            for (k, v) in &self.session_props {
                session.set_property(k, v)?;
            }
            self.session = Some(session);
            self.generation += 1;
        }
        Ok(self.session.as_mut().expect("just set"))
    }

    /// The session's read-only catalog (completion, banner) and the session's generation:
    /// when the generation changes, the catalog is another session's. Makes the session when
    /// the last was abandoned (no request: a session contacts nobody until it runs something).
    pub fn catalog(&mut self) -> Result<(u64, exec::CatalogCache), Error> {
        let catalog = self.session()?.catalog();
        Ok((self.generation, catalog))
    }

    /// The worker URL in use (never waits: no request, no lock).
    pub fn server_url(&self) -> String {
        match &self.session {
            Some(session) => session.server_url(),
            None => {
                crate::secrets::redact_url(self.settings.urls.first().map_or("", String::as_str))
            }
        }
    }

    fn ksql_compat(&mut self) -> bool {
        self.session()
            .map(|s| s.options().ksql_compat)
            .unwrap_or(self.opts.ksql_compat)
    }

    /// How statements are parsed now (`SET 'ksql.compat'` changes it).
    pub fn parse_options(&mut self, allow_missing_semicolon: bool) -> ParseOptions {
        ParseOptions {
            ksql_compat: self.ksql_compat(),
            allow_missing_semicolon,
        }
    }

    /// A new input starts (the REPL's prompt): no spacing before its first output.
    pub fn start_input(&mut self) {
        self.last_output = None;
    }

    /// Render `output` and write it to `out` in one piece (one `write` for a whole table).
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
        let mut bytes = Vec::with_capacity(4096);
        if self.renderer.format == Format::Tabular {
            let block = output.blocks.iter().any(|b| {
                matches!(
                    b,
                    Block::Table { .. }
                        | Block::Fields { .. }
                        | Block::Text { .. }
                        | Block::Records { .. }
                )
            });
            if self.last_output.is_some_and(|prev| prev || block) {
                bytes.push(b'\n');
            }
            self.last_output = Some(block);
        }
        self.renderer.render(output, ctx, &mut bytes)?;
        out.write_all(&bytes)?;
        out.flush()
    }

    /// Run one statement and print its output on `out`. The outer `Result` is a failed write
    /// (stdout closed); the inner one the statement's own outcome. Errors are not printed here.
    pub fn run(
        &mut self,
        stmt: &Statement,
        out: &mut dyn Write,
    ) -> io::Result<Result<Done, Error>> {
        match self.resolve(stmt) {
            Ok(resolved) => self.run_resolved(&resolved, out),
            Err(e) => Ok(Err(e)),
        }
    }

    /// [`Shell::run`] for a statement whose variables are already resolved.
    pub fn run_resolved(
        &mut self,
        stmt: &Statement,
        out: &mut dyn Write,
    ) -> io::Result<Result<Done, Error>> {
        if let Statement::Watch(w) = stmt {
            return watch::run(self, w, out);
        }
        let ctx = render_context(stmt);
        let writes = self.may_write(stmt);
        let result = match stmt {
            Statement::Client(ClientStatement::RunScript { .. }) => Err(Error::usage(
                "RUN SCRIPT is run by the script driver, not by the shell",
            )),
            Statement::Client(client) => client::run(self, client),
            _ => {
                // A streaming statement's parts (PRINT's records) are written as they come.
                let owned = stmt.clone();
                let renderer = self.renderer;
                let mut write_error = None;
                let mut streamed = false;
                let mut drain = |piece: Output| match write_piece(&renderer, &ctx, &piece, out) {
                    Ok(()) => {
                        streamed = true;
                        true
                    }
                    Err(e) => {
                        write_error = Some(e);
                        false
                    }
                };
                let result = self
                    .on_session_streaming(
                        move |s, sink| s.execute_streaming(&owned, sink),
                        writes,
                        &mut drain,
                    )
                    .map(Some);
                if let Some(e) = write_error {
                    return Err(e);
                }
                if streamed {
                    self.last_output = Some(false);
                }
                result
            }
        };
        // What happened, not what might have: the session's log of this statement.
        let changed = !matches!(stmt, Statement::Client(_)) && self.changed_state();
        let done = Done {
            flow: flow_of(stmt),
            changed,
        };
        match result {
            Ok(Some(output)) => {
                self.print(&output, &ctx, out)?;
                Ok(Ok(done))
            }
            // One JSON document per statement, also for those that print nothing in tables.
            Ok(None) if self.renderer.format == Format::Json && !self.interactive => {
                self.print(&Output::new("ok"), &ctx, out)?;
                Ok(Ok(done))
            }
            Ok(None) => Ok(Ok(done)),
            Err(mut e) => {
                if let Some(output) = e.output.take() {
                    self.print(&output, &ctx, out)?;
                }
                Ok(Err(e))
            }
        }
    }

    /// Whether the last session statement had a write confirmed by Connect (also when it then
    /// failed: a bulk statement or a CREATE ... WITH OFFSETS can fail part-way).
    pub(crate) fn changed_state(&self) -> bool {
        self.session.as_ref().is_some_and(Session::changed_state)
    }

    /// Run `f` on the session: on this thread, or, when signals are watched, on a thread a
    /// signal abandons. `writes`: whether the work sends a request that changes state (an
    /// abandoned one may then have been applied).
    fn on_session<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<T, Error> + Send + 'static,
        writes: bool,
    ) -> Result<T, Error> {
        self.on_session_streaming(move |s, _| f(s), writes, &mut |_| true)
    }

    /// [`Shell::on_session`] for work that streams: the parts it hands its sink reach `drain`
    /// on this thread as they come; `drain` returning false (output closed) fails the sink.
    fn on_session_streaming<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut Session, exec::Sink<'_>) -> Result<T, Error> + Send + 'static,
        writes: bool,
        drain: &mut dyn FnMut(Output) -> bool,
    ) -> Result<T, Error> {
        let Some(interrupts) = self.interrupts.clone() else {
            let session = self.session()?;
            let mut sink = |piece: Output| {
                if drain(piece) {
                    Ok(())
                } else {
                    Err(Error::statement("the output was closed"))
                }
            };
            return f(session, &mut sink);
        };
        self.session()?;
        let session = self.session.take().expect("made above");
        let lent = cancel::lend_streaming(session, f, &interrupts, writes, drain);
        // `None`: abandoned with its thread; the next statement gets a new session.
        self.session = lent.session;
        lent.result
    }

    /// Whether `stmt` may change state on the worker when run now, asked before it runs: an
    /// abandoned run of it "may have been applied". Asked of the executor (`exec::may_write`);
    /// a dry run and client statements change nothing there. After a run, `Done::changed`.
    fn may_write(&mut self, stmt: &Statement) -> bool {
        if matches!(stmt, Statement::Client(_)) {
            return false;
        }
        let dry_run = self.session().map(|s| s.options().dry_run).unwrap_or(false);
        !dry_run && crate::exec::may_write(stmt)
    }

    /// A fleet plan's step (`crate::plan`): [`Session::plan`] of a resolved statement,
    /// abandoned on a signal like any statement (it writes nothing).
    pub fn plan(&mut self, stmt: &Statement) -> Result<Vec<exec::Effect>, Error> {
        let owned = stmt.clone();
        self.on_session(move |s| s.plan(&owned), false)
    }

    /// Every connector's name, read now (`--prune`).
    pub fn connector_names_now(&mut self) -> Result<Vec<String>, Error> {
        self.on_session(|s| s.connector_names_now(), false)
    }

    /// Applying a plan: the configs it read, which the next writes must find (`Session::guard`).
    pub fn guard(
        &mut self,
        bases: std::collections::BTreeMap<String, exec::Basis>,
    ) -> Result<(), Error> {
        self.session()?.guard(bases);
        Ok(())
    }

    /// Variables substituted (DEFINE, UNDEFINE and HELP stay as written), then ksqlDB's
    /// upper-casing when it is on (resolved names come back unquoted). Variables the statement
    /// uses as secret values are remembered as secrets (SHOW VARIABLES hides them).
    pub fn resolve(&mut self, stmt: &Statement) -> Result<Statement, Error> {
        self.vars.mark_secrets_used_by(&stmt.to_string());
        let mut resolved = vars::resolve(stmt, &self.vars).map_err(Error::usage)?;
        if self.ksql_compat() {
            lang::apply_ksql_compat(&mut resolved);
        }
        Ok(resolved)
    }

    /// Print an error (red on a terminal) on `err`.
    pub fn print_error(&self, err: &mut dyn Write, e: &Error) -> io::Result<()> {
        style::print_error(err, &e.to_string(), self.err_color)
    }

    /// Whether the session runs dry (`--dry-run`, `SET 'dry.run'`).
    pub fn dry_run(&mut self) -> bool {
        self.session().map(|s| s.options().dry_run).unwrap_or(false)
    }

    /// The connectors a bulk statement with `like` and `filter` selects now, in name order
    /// (abandoned on a signal like any statement). For the REPL's question before a bulk drop.
    pub fn matching_connectors(
        &mut self,
        like: Option<&str>,
        filter: Option<&crate::lang::ast::Filter>,
    ) -> Result<Vec<String>, Error> {
        let (like, filter) = (like.map(str::to_owned), filter.cloned());
        self.on_session(move |s| s.matching(like.as_deref(), filter.as_ref()), false)
    }

    // ---- what the client statements need ----

    /// `SET` of a session property (validated by the session first).
    fn set_session_property(&mut self, key: &str, value: &str) -> Result<(), Error> {
        self.session()?.set_property(key, value)?;
        self.session_props.retain(|(k, _)| k != key);
        self.session_props
            .push((key.to_string(), value.to_string()));
        Ok(())
    }

    fn unset_session_property(&mut self, key: &str) -> Result<(), Error> {
        self.session()?.unset_property(key)?;
        self.session_props.retain(|(k, _)| k != key);
        Ok(())
    }

    fn session_properties(&mut self) -> Result<Vec<(String, String)>, Error> {
        Ok(self.session()?.properties())
    }

    /// `GET /` on the session, abandoned on a signal like any statement.
    fn server_info(&mut self) -> Result<crate::connect::model::ServerInfo, Error> {
        self.on_session(|s| s.server_info(), false)
    }

    /// `SERVER 'url'`: a new session on that worker, with the same settings otherwise.
    fn switch_server(&mut self, settings: Settings) -> Result<(), Error> {
        let mut session = Session::with_settings(&settings, self.opts)?;
        for (k, v) in &self.session_props {
            session.set_property(k, v)?;
        }
        self.settings = settings;
        self.session = Some(session);
        self.generation += 1;
        Ok(())
    }

    fn settings(&self) -> &Settings {
        &self.settings
    }
}

/// One part of a streaming statement's output, rendered and written in one piece.
fn write_piece(
    renderer: &Renderer,
    ctx: &render::Context,
    piece: &Output,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    renderer.render(piece, ctx, &mut bytes)?;
    out.write_all(&bytes)?;
    out.flush()
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
