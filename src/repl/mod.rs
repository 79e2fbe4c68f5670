//! The interactive shell: a one-line banner, a prompt naming the cluster, statements over
//! several lines (a continuation prompt until an unquoted `;`, asked of the lexer), history with
//! secrets masked, Ctrl-C to clear the line or abandon a running request, Ctrl-D to leave.
//! Statements themselves run through [`Shell`], exactly as in scripts.
//!
//! Lines are read one `readline` at a time and the lexer decides after each whether the statement
//! is complete (`lexer::statement_complete`), rather than through rustyline's `Validator`: only
//! a fresh `readline` can show the continuation prompt. A multi-line statement recalled from
//! history still comes back whole, in one buffer.

pub mod helper;
pub mod history;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, mpsc};
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
use crate::shell::{Flow, Shell, lock};
use helper::{KcshHelper, LiveSource};

const MAX_HISTORY: usize = 10_000;

/// Run the REPL until EXIT, QUIT or Ctrl-D.
pub fn run(mut shell: Shell) -> Result<ExitCode, Error> {
    let color = shell.renderer.color;
    // While a request runs the terminal is in cooked mode, so Ctrl-C is SIGINT: it sets this
    // flag and the shell stops waiting (instead of the process dying).
    let interrupt = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&interrupt))
        .map_err(|e| Error::usage(format!("cannot handle Ctrl-C: {e}")))?;
    shell.interrupt = Some(interrupt);
    shell.interactive = true;

    let mut stdout = io::stdout();
    writeln!(stdout, "{}", banner(&shell, color)).ok();

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
    let source = LiveSource::new(shell.session());
    editor.set_helper(Some(KcshHelper::new(color, Box::new(source))));

    let history_path = history::path();
    if let Some(path) = &history_path
        && history::prepare(path).is_ok()
    {
        let _ = editor.load_history(path);
    }

    let mut buffer = String::new();
    loop {
        let prompt = prompt(&shell.server_url(), !buffer.is_empty());
        if let Some(h) = editor.helper_mut() {
            h.pending = buffer.clone();
        }
        match editor.readline(&prompt) {
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
                let flow = run_text(&mut shell, &mut editor, &text);
                // SERVER or a cancelled request may have replaced the session.
                if let Some(h) = editor.helper_mut() {
                    h.source = Box::new(LiveSource::new(shell.session()));
                }
                if flow == Flow::Exit {
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

/// Parse and run what was entered; errors are printed, never fatal.
fn run_text(
    shell: &mut Shell,
    editor: &mut Editor<KcshHelper, DefaultHistory>,
    text: &str,
) -> Flow {
    let mut out = io::stdout();
    let mut err = io::stderr();
    let statements = match lang::parse_script(text, &shell.parse_options(false)) {
        Ok(s) => s,
        Err(e) => {
            let _ = shell.print_error(&mut err, &Error::syntax(e.render(text, None)));
            return Flow::Continue;
        }
    };
    for located in statements {
        let result = match &located.statement {
            Statement::Client(ClientStatement::History) => {
                let output = history_output(editor.history());
                shell
                    .renderer
                    .render(&output, &Default::default(), &mut out)
                    .map(|()| Ok(Flow::Continue))
            }
            Statement::Client(ClientStatement::Clear) => {
                let _ = editor.clear_screen();
                Ok(Ok(Flow::Continue))
            }
            Statement::Client(ClientStatement::Exit) => return Flow::Exit,
            stmt => shell.run(stmt, &mut out),
        };
        match result {
            Ok(Ok(Flow::Continue)) => {}
            Ok(Ok(Flow::Exit)) => return Flow::Exit,
            Ok(Err(e)) => {
                let _ = out.flush();
                let _ = shell.print_error(&mut err, &e);
                return Flow::Continue; // the rest of this input is not run
            }
            Err(_) => return Flow::Continue, // stdout trouble: nothing to show it on
        }
    }
    let _ = out.flush();
    Flow::Continue
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
fn banner(shell: &Shell, color: bool) -> String {
    let url = shell.server_url();
    let session = shell.session();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(lock(&session).server_info());
    });
    let server = match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(Ok(info)) => {
            let cluster = info
                .kafka_cluster_id
                .map(|id| format!(", Kafka cluster {id}"))
                .unwrap_or_default();
            format!("connected to {url} (Connect {}{cluster})", info.version)
        }
        Ok(Err(e)) => format!(
            "{url} is not reachable ({})",
            short_reason(&e.to_string(), &url)
        ),
        Err(_) => format!("{url} is not answering yet"),
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
