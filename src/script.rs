//! Non-interactive runs: `-e` (repeatable), `-f FILE` and a script piped on stdin share one
//! path. No banner, prompt or echo; each statement's output in order; stop at the first failure
//! (unless `--on-error continue`), then say which statements were applied, failed, not run.
//! Also `--check`: parse, resolve variables and run every statement over the executor's offline
//! transport (no network).

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use crate::cli::{Cli, OnError};
use crate::error::Error;
use crate::lang::ast::{ClientStatement, Located, Statement};
use crate::lang::vars::{self, Variables};
use crate::lang::{self, ParseError, ParseOptions};
use crate::render::style;
use crate::shell::{Flow, MAX_SCRIPT_DEPTH, Shell};

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

/// The script the command line asks for: `-e`s, `-f FILE`, or stdin when it is not a terminal.
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
    if let Some(file) = &cli.file {
        return Source::file(file).map(|s| Some(vec![s]));
    }
    if !io::stdin().is_terminal() {
        return Source::stdin().map(|s| Some(vec![s]));
    }
    Ok(None)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Applied,
    Failed,
    NotRun,
}

struct Record {
    place: String,
    text: String,
    status: Status,
}

/// Run every statement of `sources` in order on `shell`; returns the exit code (0 all ok,
/// else the highest code among the failures). Everything is parsed before anything runs, so a
/// syntax error anywhere applies nothing. `Err` only when writing to `out`/`err` fails.
pub fn run_sources(
    shell: &mut Shell,
    sources: &[Source],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut parsed: Vec<(&Source, Vec<Located>)> = Vec::new();
    for source in sources {
        let opts = shell.parse_options(source.allow_missing_semicolon);
        match lang::parse_script(&source.text, &opts) {
            Ok(statements) => parsed.push((source, statements)),
            Err(e) => {
                let report = e.render(&source.text, source.origin.as_deref());
                style::print_error(err, &report, shell.err_color)?;
                return Ok(Error::syntax(String::new()).exit_code());
            }
        }
    }
    let total: usize = parsed.iter().map(|(_, s)| s.len()).sum();
    let mut records = Vec::with_capacity(total);
    let mut code = 0u8;
    let mut stopped = false;
    for (source, statements) in &parsed {
        for located in statements {
            let place = place(source, located);
            let text = first_line(&located.text);
            if stopped {
                records.push(Record {
                    place,
                    text,
                    status: Status::NotRun,
                });
                continue;
            }
            let status = match shell.run(&located.statement, out)? {
                Ok(Flow::Continue) => Status::Applied,
                Ok(Flow::Exit) => {
                    stopped = true;
                    Status::Applied
                }
                Err(e) => {
                    out.flush()?;
                    if total > 1 || source.origin.is_some() {
                        writeln!(err, "Statement at {place} failed: {text}")?;
                    }
                    shell.print_error(err, &e)?;
                    // 3 promises that the cluster was never reached; once a statement has
                    // been applied, losing the cluster mid-script is a failed statement (1).
                    let applied = records.iter().any(|r| r.status == Status::Applied);
                    code = code.max(match e.exit_code() {
                        3 if applied => 1,
                        c => c,
                    });
                    if e.is(crate::error::ErrorKind::Unreachable) || shell.on_error == OnError::Stop
                    {
                        stopped = true;
                    }
                    Status::Failed
                }
            };
            records.push(Record {
                place,
                text,
                status,
            });
        }
    }
    if code != 0 && total > 1 {
        summary(err, &records)?;
    }
    err.flush()?;
    Ok(code)
}

/// `-e` as one statement: `line 1`; in files: `conns.sql line 5`.
fn place(source: &Source, located: &Located) -> String {
    match &source.origin {
        Some(origin) => format!("{origin}, line {}", located.line),
        None => format!("line {}", located.line),
    }
}

fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim_end();
    let more = text.trim().lines().nth(1).is_some();
    let cut: String = line.chars().take(70).collect();
    if cut.len() < line.len() || more {
        format!("{cut} ...")
    } else {
        cut
    }
}

fn summary(err: &mut dyn Write, records: &[Record]) -> io::Result<()> {
    let count = |s: Status| records.iter().filter(|r| r.status == s).count();
    writeln!(
        err,
        "\n{} applied, {} failed, {} not run:",
        count(Status::Applied),
        count(Status::Failed),
        count(Status::NotRun)
    )?;
    let width = records.iter().map(|r| r.place.len()).max().unwrap_or(0);
    for r in records {
        let label = match r.status {
            Status::Applied => "applied",
            Status::Failed => "FAILED",
            Status::NotRun => "not run",
        };
        writeln!(err, "  {label:<7}  {:<width$}  {}", r.place, r.text)?;
    }
    Ok(())
}

/// The error a failed `RUN SCRIPT` reports to its caller (its own report is already printed).
pub fn nested_failure(path: &str, code: u8) -> Error {
    let message = format!("RUN SCRIPT '{path}' did not complete");
    match code {
        3 => Error::unreachable(message),
        2 => Error::usage(message),
        _ => Error::statement(message),
    }
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
