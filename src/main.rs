//! The `kcsh` binary: parse arguments, call [`kcsh::run`], turn the outcome into an exit code.
//! Everything else lives in the library so it can be tested without a process.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = kcsh::cli::Cli::parse_args();
    let color = kcsh::render::style::use_color_env(cli.color, std::io::stderr().is_terminal());
    match kcsh::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let _ = kcsh::render::style::print_error(
                &mut std::io::stderr().lock(),
                &err.to_string(),
                color,
            );
            ExitCode::from(err.exit_code())
        }
    }
}
