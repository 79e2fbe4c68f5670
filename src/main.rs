//! The `kcsh` binary: parse arguments, call [`kcsh::run`], turn the outcome into an exit code.
//! Everything else lives in the library so it can be tested without a process.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    one_malloc_arena();
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

/// glibc gives each thread that allocates its own malloc arena. A statement runs on its own
/// thread (Ctrl-C abandons it) and decodes the whole listing there, so that arena grew from
/// nothing by `mprotect` steps and was freed chunk by chunk: on the 1000-connector canned bench
/// one arena took `SHOW CONNECTORS` from 14.2 ms to 11.1 ms (median of 80). kcsh has a handful of
/// threads that rarely allocate at the same time, so one arena costs no contention worth having.
/// Called before any thread starts.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
