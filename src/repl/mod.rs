//! The interactive shell: a one-line banner, a prompt naming the cluster, statements over
//! several lines (a continuation prompt until an unquoted `;`, asked of the lexer), history with
//! secrets masked, Ctrl-C to clear the line or abandon a running request, Ctrl-D to leave.
//! Statements themselves run through [`Shell`], exactly as in scripts (RUN SCRIPT through the
//! script driver). Nothing here waits on the network without a bound: the banner and Tab ask a
//! [`catalog::Lookup`] (the shell session's catalog snapshot, then a bounded reader), the prompt's URL is a setting, a running statement is
//! abandoned on Ctrl-C; lines typed meanwhile are kept ([`typeahead`]) and run in order.
//!
//! Lines are read one `readline` at a time and the lexer decides after each whether the statement
//! is complete (`lexer::statement_complete`), rather than through rustyline's `Validator`: only
//! a fresh `readline` can show the continuation prompt. A multi-line statement recalled from
//! history still comes back whole, in one buffer.

pub mod catalog;
mod confirm;
pub mod helper;
pub mod history;
pub mod typeahead;

use std::collections::VecDeque;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use rustyline::config::{BellStyle, ColorMode, CompletionType};
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{Config, Editor};

use crate::error::Error;
use crate::lang::ast::{ClientStatement, Statement};
use crate::lang::{self, lexer};
use crate::output::{Block, Output};
use crate::render::style::{Colour, paint};
use crate::shell::cancel::Interrupts;
use crate::shell::{Flow, Shell};
use catalog::Lookup;
use helper::KcshHelper;

const MAX_HISTORY: usize = 10_000;

/// How long the banner waits for the worker's version before the prompt shows anyway.
const BANNER_BOUND: Duration = Duration::from_secs(2);

/// Run the REPL until EXIT, QUIT or Ctrl-D.
pub fn run(mut shell: Shell) -> Result<ExitCode, Error> {
    let color = shell.renderer.color;
    // While a request runs the terminal is in cooked mode, so Ctrl-C is SIGINT: it sets the
    // latch and the shell stops waiting (instead of the process dying).
    #[cfg(unix)]
    {
        shell.interrupts = Some(
            Interrupts::register(&[signal_hook::consts::SIGINT])
                .map_err(|e| Error::usage(format!("cannot handle Ctrl-C: {e}")))?,
        );
    }
    shell.interactive = true;

    let (mut generation, catalog) = shell.catalog()?;
    let lookup = Lookup::new(catalog, shell.reader()?);
    let mut stdout = io::stdout();
    writeln!(stdout, "{}", banner(&shell.server_url(), &lookup, color)).ok();

    let config = Config::builder()
        .max_history_size(MAX_HISTORY)
        .and_then(|b| b.history_ignore_dups(true))
        .map_err(|e| Error::usage(format!("cannot set up the line editor: {e}")))?
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .bell_style(BellStyle::None)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut editor: Editor<KcshHelper, DefaultHistory> = Editor::with_config(config)
        .map_err(|e| Error::usage(format!("cannot start the line editor: {e}")))?;
    editor.set_helper(Some(KcshHelper::new(color, Box::new(lookup))));

    let history_path = history::path();
    if let Some(path) = &history_path
        && history::prepare(path).is_ok()
    {
        let _ = editor.load_history(path);
    }

    let mut buffer = String::new();
    // Lines typed while a statement ran, to run before the editor reads more.
    let mut typed: VecDeque<String> = VecDeque::new();
    let mut eof_typed = false;
    loop {
        let prompt = prompt(&shell.server_url(), !buffer.is_empty());
        let ahead = typeahead::take();
        typed.extend(ahead.lines);
        eof_typed |= ahead.eof;
        let read = match typed.pop_front() {
            Some(line) => {
                // Shown as if typed at this prompt, so each output follows its statement.
                writeln!(stdout, "{prompt}{line}").ok();
                Ok(line)
            }
            None if eof_typed => Err(ReadlineError::Eof),
            None => {
                let ksql_compat = shell.parse_options(false).ksql_compat;
                if let Some(h) = editor.helper_mut() {
                    h.pending = buffer.clone();
                    h.ksql_compat = ksql_compat;
                }
                editor.readline(&prompt)
            }
        };
        match read {
            Ok(line) => {
                buffer.push_str(&line);
                buffer.push('\n');
                if !lexer::statement_complete(&buffer) {
                    continue;
                }
                let text = std::mem::take(&mut buffer);
                if text.trim().is_empty() {
                    continue;
                }
                let entry = history::mask_secrets(text.trim_end());
                if editor.add_history_entry(entry).unwrap_or(false)
                    && let Some(path) = &history_path
                    && editor.append_history(path).is_ok()
                {
                    let _ = history::restrict(path);
                }
                shell.start_input();
                if let Some(i) = &shell.interrupts {
                    i.take(); // a Ctrl-C from before this input is not for it
                }
                let ran = run_text(&mut shell, &mut editor, &text);
                // What completion knows may have changed (a new connector, another worker, a
                // new session after an abandoned request): read the session now in use.
                if let Ok((now, catalog)) = shell.catalog()
                    && (ran.refresh || now != generation)
                    && let Ok(reader) = shell.reader()
                    && let Some(h) = editor.helper_mut()
                {
                    generation = now;
                    h.source = Box::new(Lookup::new(catalog, reader));
                }
                if ran.flow == Flow::Exit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C: drop what was typed, statement lines included.
                buffer.clear();
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(Error::usage(format!("cannot read input: {e}"))),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What one input did.
struct Ran {
    flow: Flow,
    /// Something changed what completion should offer (state, the worker).
    refresh: bool,
}

/// Parse and run what was entered; errors are printed, never fatal.
fn run_text(shell: &mut Shell, editor: &mut Editor<KcshHelper, DefaultHistory>, text: &str) -> Ran {
    let mut out = io::stdout().lock();
    let mut err = io::stderr();
    let mut ran = Ran {
        flow: Flow::Continue,
        refresh: false,
    };
    let statements = match lang::parse_script(text, &shell.parse_options(false)) {
        Ok(s) => s,
        Err(e) => {
            let _ = shell.print_error(&mut err, &Error::syntax(e.render(text, None)));
            return ran;
        }
    };
    for located in statements {
        let result = match shell.resolve(&located.statement) {
            Ok(Statement::Client(ClientStatement::History)) => {
                let output = history_output(editor.history());
                let mut bytes = Vec::new();
                let _ = shell
                    .renderer
                    .render(&output, &Default::default(), &mut bytes);
                out.write_all(&bytes).map(|()| Ok(None))
            }
            Ok(Statement::Client(ClientStatement::Clear)) => {
                let _ = editor.clear_screen();
                Ok(Ok(None))
            }
            Ok(Statement::Client(ClientStatement::Exit)) => {
                ran.flow = Flow::Exit;
                return ran;
            }
            Ok(Statement::Client(ClientStatement::RunScript { path })) => {
                ran.refresh = true;
                // The script prints its own failures and report.
                let _ = crate::script::run_file(shell, &path, &mut out, &mut err);
                Ok(Ok(None))
            }
            Ok(Statement::DropConnectors(drop)) => {
                match confirm::drop_connectors(shell, editor, &drop, &mut out) {
                    Ok(Some(stmt)) => shell
                        .run_resolved(&stmt, &mut out)
                        .map(|r| r.map(|done| Some(done.changed))),
                    Ok(None) => Ok(Ok(None)),
                    Err(e) => Ok(Err(e)),
                }
            }
            Ok(resolved) => {
                ran.refresh |= matches!(resolved, Statement::Client(ClientStatement::Server(_)));
                shell
                    .run_resolved(&resolved, &mut out)
                    .map(|r| r.map(|done| Some(done.changed)))
            }
            Err(e) => Ok(Err(e)),
        };
        match result {
            Ok(Ok(changed)) => ran.refresh |= changed.unwrap_or(false),
            Ok(Err(e)) => {
                let _ = out.flush();
                let _ = shell.print_error(&mut err, &e);
                return ran; // the rest of this input is not run
            }
            Err(_) => return ran, // stdout trouble: nothing to show it on
        }
    }
    let _ = out.flush();
    ran
}

fn history_output(history: &DefaultHistory) -> Output {
    let width = history.len().to_string().len();
    let text: String = history
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let mut lines = entry.lines();
            let first = lines.next().unwrap_or("");
            let mut s = format!("{:>width$}  {first}\n", i + 1);
            for l in lines {
                s.push_str(&format!("{:>width$}  {l}\n", ""));
            }
            s
        })
        .collect();
    Output::new("history").with(Block::Text {
        name: "history".into(),
        text,
    })
}

/// `kcsh localhost:8083> `, and for later lines of a statement `                  -> `.
pub fn prompt(url: &str, continuation: bool) -> String {
    let main = format!("kcsh {}> ", host_port(url));
    if continuation {
        format!("{:>width$}", "-> ", width = main.chars().count())
    } else {
        main
    }
}

/// `http://localhost:8083/` -> `localhost:8083`.
pub fn host_port(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// One line: kcsh version, the worker URL, Connect version, Kafka cluster id, a `HELP` hint.
/// Waits at most [`BANNER_BOUND`] for the worker.
fn banner(url: &str, lookup: &Lookup, color: bool) -> String {
    let server = match lookup.server_info(BANNER_BOUND) {
        Some(Ok(info)) => {
            let cluster = info
                .kafka_cluster_id
                .map(|id| format!(", Kafka cluster {id}"))
                .unwrap_or_default();
            format!("connected to {url} (Connect {}{cluster})", info.version)
        }
        Some(Err(e)) => format!(
            "{url} is not reachable ({})",
            short_reason(&e.to_string(), url)
        ),
        None => format!("{url} is not answering yet"),
    };
    let text = format!(
        "kcsh {} · {server} · type HELP for help",
        env!("CARGO_PKG_VERSION")
    );
    paint(&text, Colour::Dim, color)
}

/// The gist of a connection error for the banner: `Connection refused`, not the whole story
/// (the full message and its hint come with the first statement that fails).
fn short_reason(message: &str, url: &str) -> String {
    let first = message.lines().next().unwrap_or("");
    let after_url = first
        .split_once(&format!("{url}: "))
        .map_or(first, |(_, rest)| rest);
    let trimmed = match after_url.find(" (os error") {
        Some(i) => &after_url[..i],
        None => after_url,
    };
    trimmed.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_reasons_are_short() {
        assert_eq!(
            short_reason(
                "cannot reach Kafka Connect at http://h:9: Connection refused (os error 111)\nhint: ...",
                "http://h:9"
            ),
            "Connection refused"
        );
        assert_eq!(
            short_reason("HTTP 401 Unauthorized.", "http://h:9"),
            "HTTP 401 Unauthorized"
        );
    }

    #[test]
    fn prompts_name_the_cluster_and_align() {
        assert_eq!(
            prompt("http://localhost:8083", false),
            "kcsh localhost:8083> "
        );
        let cont = prompt("http://localhost:8083", true);
        assert_eq!(cont.len(), "kcsh localhost:8083> ".len());
        assert!(cont.ends_with("-> "));
        assert_eq!(
            host_port("https://connect.example.com/api"),
            "connect.example.com"
        );
    }

    #[test]
    fn history_lists_entries_numbered() {
        let mut h = DefaultHistory::new();
        h.add("SHOW CONNECTORS;").unwrap();
        h.add("CREATE CONNECTOR a WITH (\n'k' = 'v');").unwrap();
        let out = history_output(&h);
        let Block::Text { text, .. } = &out.blocks[0] else {
            panic!()
        };
        assert_eq!(
            text,
            "1  SHOW CONNECTORS;\n2  CREATE CONNECTOR a WITH (\n   'k' = 'v');\n"
        );
    }
}
