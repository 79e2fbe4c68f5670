//! kcsh, the Kafka Connect shell, as a library: the binary in `main.rs` is a thin wrapper.
//!
//! Data flows one way: text -> tokens -> statements -> executor over a transport -> HTTP -> model -> output -> bytes.
//! The shell ([`shell::Shell`]) owns the one session; scripts and the REPL drive it.

pub mod cli;
pub mod commands;
pub mod connect;
pub mod embedded;
pub mod error;
pub mod exec;
pub mod help;
pub mod hints;
pub mod kafka;
pub mod lang;
pub mod output;
pub mod plan;
pub mod render;
pub mod repl;
pub mod script;
pub mod secrets;
pub mod shell;
pub mod utc;
pub mod vocab;
pub mod watch;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::error::Error;
use crate::render::{Renderer, style};

/// How long, after a signal, a script under `--embedded` has to print its report and stop the
/// cluster before the cluster's guard does it and exits: well above `shell::cancel::GRACE`
/// (how long a running statement gets before it is abandoned).
#[cfg(unix)]
const SCRIPT_SIGNAL_BOUND: std::time::Duration = std::time::Duration::from_secs(10);

/// Run kcsh as the command line asks. An `Err` is printed by `main` and becomes its exit code
/// ([`Error::exit_code`]); statement failures inside a script come back as `Ok(code)` after
/// the script's own report. A closed stdout (`kcsh ... | head`) ends quietly with 0.
pub fn run(mut cli: cli::Cli) -> Result<ExitCode, Error> {
    if let Some(shell) = cli.generate {
        let mut out = Vec::new();
        cli::generate(shell, &mut out);
        return write_stdout(&out).map(|()| ExitCode::SUCCESS);
    }
    let err_color = style::use_color_env(cli.color, std::io::stderr().is_terminal());
    let mut vars = lang::vars::Variables::new();
    for arg in &cli.define {
        let (name, value) = lang::vars::parse_define_arg(arg).map_err(Error::usage)?;
        vars.define(&name, &value);
    }
    if cli.check {
        let Some(sources) = script::sources(&cli)? else {
            return Err(Error::usage(
                "--check needs statements: -e STATEMENT, -f FILE, or a script on standard input",
            ));
        };
        let code = exit_quietly_on_broken_pipe(script::check(
            &sources,
            &vars,
            cli.ksql_compat,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
            err_color,
        ))?;
        return Ok(ExitCode::from(code));
    }

    let planned = plan::Options::of(&cli)?;
    // --stop / --detach end here; --embedded / --worker-config start a cluster, point the URL
    // at it, and stop it when `_cluster` drops at the end of this function (or on a signal).
    let _cluster = match embedded::prepare(&mut cli)? {
        embedded::Prepared::Stopped => return Ok(ExitCode::SUCCESS),
        // The cluster already runs on its own: a closed stdout ends quietly and stops nothing.
        embedded::Prepared::Detached(cluster) => {
            let json = cli.output == Some(output::Format::Json);
            return write_stdout(cluster.to_text(json).as_bytes()).map(|()| ExitCode::SUCCESS);
        }
        embedded::Prepared::Continue(cluster) => cluster,
    };
    let sources = script::sources(&cli)?;

    let stdout_tty = std::io::stdout().is_terminal();
    let renderer = Renderer {
        format: cli.output.unwrap_or_default(),
        color: style::use_color_env(cli.color, stdout_tty),
        width: if stdout_tty { terminal_width() } else { None },
        pretty_json: stdout_tty,
    };
    let settings = connect::config::resolve(&cli.connection, std::io::stdin().is_terminal())?;
    let opts = exec::Options {
        ksql_compat: cli.ksql_compat,
        show_secrets: cli.show_secrets,
        dry_run: cli.dry_run,
        progress: std::io::stderr().is_terminal(),
        concurrency: cli.concurrency.map(usize::from),
    };
    let mut shell = shell::Shell::new(settings, opts, renderer, vars, cli.on_error)?;
    shell.err_color = err_color;
    shell.fit_terminal = stdout_tty;

    match sources {
        Some(sources) => {
            // A signal stops the script after (or abandons) the statement running, then the
            // report says what was applied; the exit code is 128+n.
            #[cfg(unix)]
            {
                use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
                shell.interrupts = Some(
                    shell::cancel::Interrupts::register(&[SIGINT, SIGTERM, SIGHUP])
                        .map_err(|e| Error::usage(format!("cannot handle signals: {e}")))?,
                );
                // Under --embedded the script answers first (report, then `_cluster` drops and
                // stops the JVMs); the guard steps in only if the process has not ended by then.
                embedded::defer_signals(SCRIPT_SIGNAL_BOUND);
            }
            let (out, err) = (&mut std::io::stdout().lock(), &mut std::io::stderr().lock());
            let code = exit_quietly_on_broken_pipe(match planned {
                // -f with --dry-run, --prune or --plan-file: the scripts as one plan.
                Some(opts) => plan::run(&mut shell, &sources, &opts, out, err),
                None => script::run_sources(&mut shell, &sources, out, err),
            })?;
            Ok(ExitCode::from(code))
        }
        None => {
            // The REPL uses Ctrl-C to abandon a request; EXIT/Ctrl-D stop the cluster.
            embedded::set_sigint_stops(false);
            repl::run(shell)
        }
    }
}

/// The terminal's width in columns, when stdout is one.
fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size().map(|(w, _)| w.0)
}

/// A write error ends the run: quietly with 0 for a closed pipe, else as a usage error.
fn exit_quietly_on_broken_pipe(result: std::io::Result<u8>) -> Result<u8, Error> {
    match result {
        Ok(code) => Ok(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(Error::usage(format!("cannot write output: {e}"))),
    }
}

/// Write to stdout; a broken pipe is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    exit_quietly_on_broken_pipe(out.write_all(bytes).and_then(|()| out.flush()).map(|()| 0))
        .map(|_| ())
}
