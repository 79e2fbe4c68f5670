//! Colour, decided once per stream: `--color`, whether the stream is a terminal, and `NO_COLOR`
//! (<https://no-color.org>: set and non-empty disables colour). Also the error printer.
//! The codes come from `colored`; nothing is written unless the caller passes a writer.

use std::io::{self, Write};

use crate::cli::ColorChoice;

/// Whether to colour a stream: `always`/`never` win; `auto` needs a terminal and no `NO_COLOR`.
pub fn use_color(choice: ColorChoice, is_terminal: bool, no_color: Option<&str>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(str::is_empty),
    }
}

/// [`use_color`] for the real process environment.
pub fn use_color_env(choice: ColorChoice, is_terminal: bool) -> bool {
    let no_color = std::env::var("NO_COLOR").ok();
    use_color(choice, is_terminal, no_color.as_deref())
}

/// The few colours kcsh uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    Dim,
    Bold,
}

/// `text` in the colour's escape codes when `enabled`, else unchanged. The codes come from
/// `colored`; whether to colour is kcsh's own decision ([`use_color`]), never `colored`'s.
pub fn paint(text: &str, colour: Colour, enabled: bool) -> String {
    use colored::Colorize;
    if !enabled || text.is_empty() {
        return text.to_string();
    }
    // `colored` would look at stdout and the environment itself; the caller already decided.
    colored::control::set_override(true);
    let styled = match colour {
        Colour::Red => text.red(),
        Colour::Green => text.green(),
        Colour::Yellow => text.yellow(),
        Colour::Blue => text.blue(),
        Colour::Magenta => text.magenta(),
        Colour::Cyan => text.cyan(),
        Colour::Dim => text.dimmed(),
        Colour::Bold => text.bold(),
    };
    styled.to_string()
}

/// The colour of a connector or task state (RUNNING green; PAUSED, STOPPED, UNASSIGNED and
/// RESTARTING yellow; FAILED red). Status texts such as `RUNNING (1/2 tasks RUNNING)` take
/// the colour of their first word; `WARNING (0/2 ...)` is yellow.
pub fn state_colour(state: &str) -> Option<Colour> {
    use crate::vocab::ConnectorState as S;
    let first = state.split_whitespace().next().unwrap_or("");
    match S::from(first) {
        S::Running => Some(Colour::Green),
        S::Paused | S::Stopped | S::Unassigned | S::Restarting => Some(Colour::Yellow),
        S::Failed | S::Destroyed => Some(Colour::Red),
        // The summary of a RUNNING connector none of whose tasks run (ConnectorStatus::summary).
        S::Other(word) if word == "WARNING" => Some(Colour::Yellow),
        S::Other(_) => None,
    }
}

/// Print an error message on `w` (stderr), red when `color`.
pub fn print_error(w: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    // Last line of defence: no URL password, no raw control character reaches the terminal.
    let message = crate::secrets::redact_url(message.trim_end());
    let message = crate::secrets::escape_control(&message);
    writeln!(w, "{}", paint(&message, Colour::Red, color))
}

/// Print a warning on `w`, yellow when `color`.
pub fn print_warning(w: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    let message = crate::secrets::escape_control(message.trim_end());
    writeln!(w, "{}", paint(&message, Colour::Yellow, color))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(use_color(ColorChoice::Auto, true, None));
        assert!(use_color(ColorChoice::Auto, true, Some("")));
        assert!(!use_color(ColorChoice::Auto, true, Some("1")));
        assert!(!use_color(ColorChoice::Auto, false, None));
        assert!(use_color(ColorChoice::Always, false, Some("1")));
        assert!(!use_color(ColorChoice::Never, true, None));
    }

    #[test]
    fn paint_is_a_no_op_when_disabled() {
        assert_eq!(paint("RUNNING", Colour::Green, false), "RUNNING");
        assert_eq!(
            paint("RUNNING", Colour::Green, true),
            "\x1b[32mRUNNING\x1b[0m"
        );
    }

    #[test]
    fn states_take_their_colours() {
        assert_eq!(state_colour("RUNNING"), Some(Colour::Green));
        assert_eq!(
            state_colour("RUNNING (1/1 tasks RUNNING)"),
            Some(Colour::Green)
        );
        assert_eq!(
            state_colour("WARNING (0/2 tasks RUNNING)"),
            Some(Colour::Yellow)
        );
        assert_eq!(state_colour("PAUSED"), Some(Colour::Yellow));
        assert_eq!(state_colour("UNASSIGNED"), Some(Colour::Yellow));
        assert_eq!(state_colour("FAILED"), Some(Colour::Red));
        assert_eq!(state_colour("source"), None);
    }
}
