//! The client commands — statements the shell runs itself that may end at the end of their
//! line without `;` — as one enum and one table (word, syntax, summary, example). The lexer asks
//! it which words may omit the `;`, the parser dispatches on it, the completer offers its words
//! and `HELP` prints its rows, so none of them can drift from what is accepted.
//! Depends on nothing: it sits below the language.

use std::fmt;
use std::str::FromStr;

/// A command handled by the shell itself that may be typed without a `;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCommand {
    Help,
    History,
    Clear,
    Server,
    Output,
    Run,
    Exit,
    Quit,
}

/// One row of the table.
struct Row {
    /// The first word, as the lexer sees it.
    word: &'static str,
    /// The words naming it in help (`RUN SCRIPT`).
    name: &'static str,
    syntax: &'static str,
    summary: &'static str,
    example: &'static str,
}

impl ClientCommand {
    pub const ALL: [ClientCommand; 8] = [
        ClientCommand::Help,
        ClientCommand::History,
        ClientCommand::Clear,
        ClientCommand::Server,
        ClientCommand::Output,
        ClientCommand::Run,
        ClientCommand::Exit,
        ClientCommand::Quit,
    ];

    fn row(self) -> Row {
        let row = |word, name, syntax, summary, example| Row {
            word,
            name,
            syntax,
            summary,
            example,
        };
        match self {
            ClientCommand::Help => row(
                "HELP",
                "HELP",
                "HELP [statement]",
                "list statements, or show one statement's syntax and an example",
                "HELP CREATE CONNECTOR",
            ),
            ClientCommand::History => row(
                "HISTORY",
                "HISTORY",
                "HISTORY",
                "list the statements entered in earlier sessions and this one",
                "HISTORY",
            ),
            ClientCommand::Clear => row("CLEAR", "CLEAR", "CLEAR", "clear the screen", "CLEAR"),
            ClientCommand::Server => row(
                "SERVER",
                "SERVER",
                "SERVER ['url']",
                "show the cluster in use, or switch to another worker URL",
                "SERVER 'http://connect-2:8083'",
            ),
            ClientCommand::Output => row(
                "OUTPUT",
                "OUTPUT",
                "OUTPUT [JSON|TABULAR]",
                "show the output format, or switch between tables and JSON",
                "OUTPUT JSON",
            ),
            ClientCommand::Run => row(
                "RUN",
                "RUN SCRIPT",
                "RUN SCRIPT 'path'",
                "run the statements of a file in this session, stopping at the first failure",
                "RUN SCRIPT 'connectors.sql'",
            ),
            ClientCommand::Exit => row("EXIT", "EXIT", "EXIT", "leave kcsh (also Ctrl-D)", "EXIT"),
            ClientCommand::Quit => row("QUIT", "QUIT", "QUIT", "leave kcsh (also Ctrl-D)", "QUIT"),
        }
    }

    /// The first word (`RUN` for `RUN SCRIPT`).
    pub fn word(self) -> &'static str {
        self.row().word
    }

    /// The words that name it (`RUN SCRIPT`).
    pub fn name(self) -> &'static str {
        self.row().name
    }

    pub fn syntax(self) -> &'static str {
        self.row().syntax
    }

    pub fn summary(self) -> &'static str {
        self.row().summary
    }

    pub fn example(self) -> &'static str {
        self.row().example
    }

    /// The command whose first word is `word` (case-insensitive).
    pub fn from_word(word: &str) -> Option<ClientCommand> {
        ClientCommand::ALL
            .into_iter()
            .find(|c| c.word().eq_ignore_ascii_case(word))
    }

    /// Every first word, for keyword lists.
    pub fn words() -> impl Iterator<Item = &'static str> {
        ClientCommand::ALL.into_iter().map(ClientCommand::word)
    }
}

impl FromStr for ClientCommand {
    type Err = String;

    /// The command named by the first word of `s` (case-insensitive, `;` ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let first = s
            .trim()
            .trim_end_matches(';')
            .split_whitespace()
            .next()
            .unwrap_or("");
        ClientCommand::from_word(first).ok_or_else(|| format!("not a client command: {first}"))
    }
}

impl fmt::Display for ClientCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_commands_parse_from_their_first_word() {
        assert_eq!("help".parse(), Ok(ClientCommand::Help));
        assert_eq!("  Output json;".parse(), Ok(ClientCommand::Output));
        assert_eq!("quit".parse(), Ok(ClientCommand::Quit));
        assert_eq!("run script 'a.sql'".parse(), Ok(ClientCommand::Run));
        assert!("SHOW CONNECTORS".parse::<ClientCommand>().is_err());
        for c in ClientCommand::ALL {
            assert_eq!(c.word().parse(), Ok(c));
            assert_eq!(c.example().parse(), Ok(c));
            assert!(c.syntax().starts_with(c.name()), "{c:?}");
            assert!(c.name().starts_with(c.word()), "{c:?}");
        }
    }

    /// The lexer lets exactly these omit the `;`, whatever the table says.
    #[test]
    fn the_lexer_asks_this_table() {
        for c in ClientCommand::ALL {
            assert!(crate::lang::lexer::statement_complete(c.example()), "{c:?}");
        }
        assert!(!crate::lang::lexer::statement_complete("SHOW CONNECTORS"));
    }
}
