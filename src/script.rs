//! Non-interactive runs: `-e` (repeatable), `-f FILE` and a script piped on stdin share one
//! path. No banner, prompt or echo; each statement's output in order; stop at the first failure
//! (unless `--on-error continue`) or signal, then say which statements were applied, may have
//! been applied, ran without changes, failed, were not run. `RUN SCRIPT` is expanded here (the
//! shell never runs scripts), into the same report and the caller's writers.
//! Also `--check`: parse, resolve variables and run every statement over the executor's offline
//! transport (no network).

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use crate::cli::{Cli, OnError};
use crate::error::{Error, ErrorKind};
use crate::lang::ast::{ClientStatement, Located, Statement};
use crate::lang::vars::{self, Variables};
use crate::lang::{self, ParseError, ParseOptions};
use crate::render::style;
use crate::shell::{Flow, Shell};

/// One script text and where it came from (for messages).
#[derive(Debug, Clone)]
pub struct Source {
    pub text: String,
    /// A file name, `<stdin>`, or `-e #2`; `None` for a lone `-e`.
    pub origin: Option<String>,
    /// `-e` may leave out the final `;`.
    pub allow_missing_semicolon: bool,
}

impl Source {
    /// A script file (`-` is standard input). Invalid UTF-8 is a syntax error with its position.
    pub fn file(path: impl AsRef<Path>) -> Result<Source, Error> {
        let path = path.as_ref();
        if path == Path::new("-") {
            return Source::stdin();
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
        let origin = path.display().to_string();
        Source::from_bytes(&bytes, origin)
    }

    /// The whole of standard input.
    pub fn stdin() -> Result<Source, Error> {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::usage(format!("cannot read standard input: {e}")))?;
        Source::from_bytes(&bytes, "<stdin>".into())
    }

    fn from_bytes(bytes: &[u8], origin: String) -> Result<Source, Error> {
        match lang::source_from_bytes(bytes) {
            Ok(text) => Ok(Source {
                text,
                origin: Some(origin),
                allow_missing_semicolon: false,
            }),
            Err(e) => Err(Error::syntax(
                e.render(&String::from_utf8_lossy(bytes), Some(&origin)),
            )),
        }
    }

    /// The `index`-th (0-based) of `total` `-e` arguments.
    pub fn inline(text: &str, index: usize, total: usize) -> Source {
        Source {
            text: text.to_string(),
            origin: (total > 1).then(|| format!("-e #{}", index + 1)),
            allow_missing_semicolon: true,
        }
    }
}

/// The script the command line asks for: `-e`s, `-f` files and directories (their `*.sql`
/// files in name order, see `plan::files`), or stdin when it is not a terminal.
/// `None` means interactive.
pub fn sources(cli: &Cli) -> Result<Option<Vec<Source>>, Error> {
    if !cli.execute.is_empty() {
        let total = cli.execute.len();
        return Ok(Some(
            cli.execute
                .iter()
                .enumerate()
                .map(|(i, e)| Source::inline(e, i, total))
                .collect(),
        ));
    }
    if !cli.file.is_empty() {
        let files = crate::plan::files::expand(&cli.file)?;
        return files
            .iter()
            .map(Source::file)
            .collect::<Result<Vec<_>, _>>()
            .map(Some);
    }
    if !io::stdin().is_terminal() {
        return Source::stdin().map(|s| Some(vec![s]));
    }
    Ok(None)
}

/// RUN SCRIPT may nest this deep (a script running itself would otherwise never end).
pub const MAX_SCRIPT_DEPTH: usize = 16;

/// At most this many RUN SCRIPT files per run: a script that runs itself twice would otherwise
/// run 2^16 times under `--on-error continue` before the depth limit stops it.
pub const MAX_SCRIPTS: usize = 1000;

/// What became of one statement, as the report after a failure lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// It changed state on the worker.
    Applied,
    /// It succeeded and changed nothing (a read, a client statement, a dry run).
    Ran,
    /// Not sent: applying a plan that found nothing for it to change.
    Unchanged,
    /// A write whose answer was lost: it may have reached the worker.
    MaybeApplied,
    /// It failed after Connect had confirmed some of its writes (a bulk statement, the steps
    /// of CREATE ... WITH OFFSETS).
    PartlyApplied,
    Failed,
    NotRun,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Ran => "ran",
            Status::Unchanged => "unchanged",
            Status::MaybeApplied => "may have been applied",
            Status::PartlyApplied => "FAILED, partly applied",
            Status::Failed => "FAILED",
            Status::NotRun => "not run",
        }
    }
}

struct Record {
    place: String,
    text: String,
    status: Status,
}

/// One run of statements on a shell: the records for the report, where output and errors go,
/// and whether it stopped. `RUN SCRIPT` is expanded here, into the same records and writers.
pub struct Run<'a> {
    shell: &'a mut Shell,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    records: Vec<Record>,
    /// The highest exit code among the failures.
    code: u8,
    stopped: bool,
    /// Name each failing statement (`Statement at ... failed:`): more than one statement.
    name_failures: bool,
    /// RUN SCRIPT files started so far.
    scripts: usize,
}

impl<'a> Run<'a> {
    pub fn new(shell: &'a mut Shell, out: &'a mut dyn Write, err: &'a mut dyn Write) -> Run<'a> {
        Run {
            shell,
            out,
            err,
            records: Vec::new(),
            code: 0,
            stopped: false,
            name_failures: true,
            scripts: 0,
        }
    }

    /// Run parsed statements from `source` in order (after a stop, list them as not run).
    fn statements(
        &mut self,
        source: &Source,
        statements: &[Located],
        depth: usize,
    ) -> io::Result<()> {
        for located in statements {
            self.statement(source, located, depth, true)?;
        }
        Ok(())
    }

    /// Applying a plan: the statements of `source` in order, sending only those `pending`
    /// says the plan found changes for (the others are reported as unchanged).
    pub fn planned(
        &mut self,
        source: &Source,
        statements: &[Located],
        pending: &[bool],
    ) -> io::Result<()> {
        for (located, pending) in statements.iter().zip(pending) {
            self.statement(source, located, 0, *pending)?;
        }
        Ok(())
    }

    /// One statement of `source`: run (unless `send` is false: reported as unchanged).
    fn statement(
        &mut self,
        source: &Source,
        located: &Located,
        depth: usize,
        send: bool,
    ) -> io::Result<()> {
        let place = place(source, located);
        let masked = crate::secrets::MaskedText::within(&located.text, &source.text);
        let text = first_line(&masked.text);
        if self.stopped {
            self.record(place, text, Status::NotRun);
            return Ok(());
        }
        if !send {
            self.record(place, text, Status::Unchanged);
            return Ok(());
        }
        // Whether the session ran it (then its log says what Connect confirmed).
        let mut executed = false;
        let result = match self.shell.resolve(&located.statement) {
            Ok(Statement::Client(ClientStatement::RunScript { path })) => {
                match self.script(&path, depth + 1)? {
                    Ok(()) => return Ok(()), // its statements are in the report themselves
                    Err(e) => Err(e),
                }
            }
            Ok(resolved) => {
                executed = !matches!(resolved, Statement::Client(_));
                self.shell.run_resolved(&resolved, self.out)?
            }
            Err(e) => Err(e),
        };
        let status = match result {
            Ok(done) => {
                if done.flow == Flow::Exit {
                    self.stopped = true;
                }
                if done.changed {
                    Status::Applied
                } else {
                    Status::Ran
                }
            }
            Err(e) => {
                self.fail(&place, &text, &e)?;
                if e.is(ErrorKind::MaybeApplied) {
                    Status::MaybeApplied
                } else if executed && self.shell.changed_state() {
                    Status::PartlyApplied
                } else {
                    Status::Failed
                }
            }
        };
        self.record(place, text, status);
        if self.signal().is_some() {
            self.stopped = true;
        }
        Ok(())
    }

    /// `RUN SCRIPT 'path'`: read and parse the file, then run it as part of this run.
    /// `Err` when it cannot start (missing file, syntax error, nested too deep).
    fn script(&mut self, path: &str, depth: usize) -> io::Result<Result<(), Error>> {
        if depth > MAX_SCRIPT_DEPTH {
            return Ok(Err(Error::usage(format!(
                "RUN SCRIPT '{path}': scripts nested more than {MAX_SCRIPT_DEPTH} deep (does a script run itself?)"
            ))));
        }
        if self.scripts >= MAX_SCRIPTS {
            return Ok(Err(Error::usage(format!(
                "RUN SCRIPT '{path}': more than {MAX_SCRIPTS} scripts in one run"
            ))));
        }
        self.scripts += 1;
        let source = match Source::file(path) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let opts = self.shell.parse_options(source.allow_missing_semicolon);
        match lang::parse_script(&source.text, &opts) {
            Ok(statements) => {
                self.statements(&source, &statements, depth)?;
                Ok(Ok(()))
            }
            Err(e) => Ok(Err(Error::syntax(format!(
                "RUN SCRIPT '{path}' was not run:\n{}",
                e.render(&source.text, source.origin.as_deref())
            )))),
        }
    }

    fn fail(&mut self, place: &str, text: &str, e: &Error) -> io::Result<()> {
        self.out.flush()?;
        if self.name_failures {
            writeln!(self.err, "Statement at {place} failed: {text}")?;
        }
        self.shell.print_error(self.err, e)?;
        self.code = self.code.max(e.exit_code());
        if e.is(ErrorKind::Unreachable) || self.shell.on_error == OnError::Stop {
            self.stopped = true;
        }
        Ok(())
    }

    fn record(&mut self, place: String, text: String, status: Status) {
        self.records.push(Record {
            place,
            text,
            status,
        });
    }

    fn signal(&self) -> Option<i32> {
        self.shell.interrupts.as_ref().and_then(|i| i.peek())
    }

    /// The report (after a failure or a signal, when there was more than one statement) and
    /// the exit code: 0 all ok; 128+n after signal n; 1 once anything was (or may have been)
    /// applied, since 2 and 3 promise that nothing was; else the highest code of the failures.
    pub fn finish(self) -> io::Result<u8> {
        let signal = self.signal();
        let applied = self.records.iter().any(|r| {
            matches!(
                r.status,
                Status::Applied | Status::MaybeApplied | Status::PartlyApplied
            )
        });
        let code = match signal {
            Some(n) => 128u8.saturating_add(u8::try_from(n).unwrap_or(0)),
            None if self.code != 0 && applied => 1,
            None => self.code,
        };
        if let Some(n) = signal {
            writeln!(
                self.err,
                "Stopped by {}.",
                crate::shell::cancel::signal_name(n)
            )?;
        }
        if (code != 0 && self.records.len() > 1) || (signal.is_some() && !self.records.is_empty()) {
            summary(self.err, &self.records)?;
        }
        self.out.flush()?;
        self.err.flush()?;
        Ok(code)
    }
}

/// Run every statement of `sources` in order on `shell`; returns the exit code
/// ([`Run::finish`]). Everything is parsed before anything runs, so a syntax error anywhere
/// applies nothing (a `RUN SCRIPT` file is parsed when it is reached). `Err` only when writing
/// to `out`/`err` fails.
pub fn run_sources(
    shell: &mut Shell,
    sources: &[Source],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let parsed = match parse_sources(shell, sources, err)? {
        Ok(parsed) => parsed,
        Err(code) => return Ok(code),
    };
    let total: usize = parsed.iter().map(|(_, s)| s.len()).sum();
    let named = total > 1 || sources.iter().any(|s| s.origin.is_some());
    let mut run = Run::new(shell, out, err);
    run.name_failures = named;
    for (source, statements) in &parsed {
        run.statements(source, statements, 0)?;
    }
    run.finish()
}

/// Sources with their parsed statements, in order.
pub type Parsed<'s> = Vec<(&'s Source, Vec<Located>)>;

/// Parses every source; on syntax errors prints every one of every source (caret and place,
/// see `plan::syntax`) on `err` and returns the exit code instead.
pub fn parse_sources<'s>(
    shell: &mut Shell,
    sources: &'s [Source],
    err: &mut dyn Write,
) -> io::Result<Result<Parsed<'s>, u8>> {
    let mut parsed = Vec::new();
    let mut failed = false;
    for source in sources {
        let opts = shell.parse_options(source.allow_missing_semicolon);
        match lang::parse_script(&source.text, &opts) {
            Ok(statements) => parsed.push((source, statements)),
            Err(_) => {
                let (errors, more) = crate::plan::syntax::all_errors(&source.text, &opts);
                for e in errors {
                    if failed {
                        writeln!(err)?;
                    }
                    let report = e.render(&source.text, source.origin.as_deref());
                    style::print_error(err, &report, shell.err_color)?;
                    failed = true;
                }
                if more {
                    let name = source.origin.as_deref().unwrap_or("the script");
                    writeln!(err, "\n(more syntax errors in {name} not shown)")?;
                }
            }
        }
    }
    if failed {
        return Ok(Err(Error::syntax(String::new()).exit_code()));
    }
    Ok(Ok(parsed))
}

/// `RUN SCRIPT 'path'` typed in the REPL: the script's statements run in this session, its
/// report (after a failure) goes to `err`. Returns the script's exit code.
pub fn run_file(
    shell: &mut Shell,
    path: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut run = Run::new(shell, out, err);
    if let Err(e) = run.script(path, 1)? {
        run.shell.print_error(run.err, &e)?;
        run.code = e.exit_code();
    }
    run.finish()
}

/// `-e` as one statement: `line 1`; in files: `conns.sql line 5`.
pub(crate) fn place(source: &Source, located: &Located) -> String {
    match &source.origin {
        Some(origin) => format!("{origin}, line {}", located.line),
        None => format!("line {}", located.line),
    }
}

/// A statement's text as the report echoes it: its first line, at most 70 characters.
pub(crate) fn first_line(text: &str) -> String {
    crate::output::first_line(text, 70).0
}

fn summary(err: &mut dyn Write, records: &[Record]) -> io::Result<()> {
    let count = |s: Status| records.iter().filter(|r| r.status == s).count();
    let mut parts = vec![format!("{} applied", count(Status::Applied))];
    if count(Status::MaybeApplied) > 0 {
        parts.push(format!(
            "{} may have been applied",
            count(Status::MaybeApplied)
        ));
    }
    if count(Status::PartlyApplied) > 0 {
        parts.push(format!(
            "{} failed after part of it was applied",
            count(Status::PartlyApplied)
        ));
    }
    if count(Status::Ran) > 0 {
        parts.push(format!("{} ran without changes", count(Status::Ran)));
    }
    if count(Status::Unchanged) > 0 {
        parts.push(format!("{} unchanged", count(Status::Unchanged)));
    }
    parts.push(format!("{} failed", count(Status::Failed)));
    parts.push(format!("{} not run", count(Status::NotRun)));
    writeln!(err, "\n{}:", parts.join(", "))?;
    let width = records.iter().map(|r| r.place.len()).max().unwrap_or(0);
    let label_width = records
        .iter()
        .map(|r| r.status.label().len())
        .max()
        .unwrap_or(0)
        .max(7);
    for r in records {
        writeln!(
            err,
            "  {:<label_width$}  {:<width$}  {}",
            r.status.label(),
            r.place,
            r.text
        )?;
    }
    Ok(())
}

/// `--check`: parse, resolve variables (following DEFINE/UNDEFINE) and check every statement offline,
/// RUN SCRIPT files included, without contacting any cluster. Prints `OK: N statements` on
/// `out`, or the first error with a caret on `err`; returns 0 or 2.
pub fn check(
    sources: &[Source],
    vars: &Variables,
    ksql_compat: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> io::Result<u8> {
    let mut vars = vars.clone();
    let mut count = 0usize;
    for source in sources {
        if let Err(report) = check_source(source, &mut vars, ksql_compat, 0, &mut count) {
            style::print_error(err, &report, color)?;
            return Ok(2);
        }
    }
    let noun = if count == 1 {
        "statement"
    } else {
        "statements"
    };
    writeln!(out, "OK: {count} {noun}")?;
    Ok(0)
}

fn check_source(
    source: &Source,
    vars: &mut Variables,
    ksql_compat: bool,
    depth: usize,
    count: &mut usize,
) -> Result<(), String> {
    let opts = ParseOptions {
        ksql_compat,
        allow_missing_semicolon: source.allow_missing_semicolon,
    };
    let origin = source.origin.as_deref();
    let statements =
        lang::parse_script(&source.text, &opts).map_err(|e| e.render(&source.text, origin))?;
    let at = |located: &Located, message: String| {
        ParseError::at(&source.text, located.span, message).render(&source.text, origin)
    };
    for located in &statements {
        *count += 1;
        match &located.statement {
            Statement::Client(ClientStatement::Define { name, value }) => {
                let value = vars::substitute(value, vars);
                vars.define(name, &value);
            }
            Statement::Client(ClientStatement::Undefine { name }) => {
                vars.undefine(name);
            }
            Statement::Client(ClientStatement::RunScript { path }) => {
                if depth >= MAX_SCRIPT_DEPTH {
                    let message = format!("scripts nested more than {MAX_SCRIPT_DEPTH} deep");
                    return Err(at(located, message));
                }
                let nested = Source::file(path).map_err(|e| at(located, e.to_string()))?;
                check_source(&nested, vars, ksql_compat, depth + 1, count)?;
            }
            _ => {}
        }
        let mut resolved = vars::resolve(&located.statement, vars).map_err(|m| at(located, m))?;
        if ksql_compat {
            lang::apply_ksql_compat(&mut resolved);
        }
        crate::exec::check(&resolved).map_err(|e| at(located, e.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> (u8, String, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = check(
            &[Source::inline(text, 0, 1)],
            &Variables::new(),
            false,
            &mut out,
            &mut err,
            false,
        )
        .unwrap();
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn check_counts_statements() {
        let (code, out, _) =
            check_text("SHOW CONNECTORS; DROP CONNECTOR x; EXPLAIN PAUSE CONNECTOR y");
        assert_eq!((code, out.as_str()), (0, "OK: 3 statements\n"));
    }

    #[test]
    fn check_follows_defines() {
        let (code, out, err) = check_text("DEFINE n = 'a'; DROP CONNECTOR ${n};");
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, "OK: 2 statements\n");
        let (code, _, err) = check_text("DEFINE n = 'a'; UNDEFINE n; DROP CONNECTOR ${n};");
        assert_eq!(code, 2);
        assert!(err.contains('n'), "{err}");
    }

    #[test]
    fn check_reports_syntax_errors_with_a_caret() {
        let (code, out, err) = check_text("SHOW CONNECTORS;\nDROP CONNECTOR ;");
        assert_eq!(code, 2);
        assert!(out.is_empty());
        assert!(err.contains("line 2") && err.contains('^'), "{err}");
    }

    #[test]
    fn statement_text_is_shortened_to_one_line() {
        assert_eq!(first_line("DROP CONNECTOR a"), "DROP CONNECTOR a");
        assert_eq!(
            first_line("CREATE CONNECTOR a WITH (\n 'k' = 'v')"),
            "CREATE CONNECTOR a WITH ( ..."
        );
    }
}
