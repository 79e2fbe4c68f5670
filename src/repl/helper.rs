//! The rustyline helper: completion by position in the grammar (keywords, live connector names
//! after CONNECTOR, plugin classes after `'connector.class' =`, config keys of the plugin named
//! in the statement being typed) and syntax highlighting, both from the lexer's tokens.
//! Knows the cluster only through [`CompletionSource`], so it is testable without one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Duration;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::lang::ident::{quote_name, unquote};
use crate::lang::lexer::{KEYWORDS, Token, TokenKind, tokenize};
use crate::lang::parser::STATEMENT_KEYWORDS;
use crate::render::style::{Colour, paint};
use crate::shell::SessionHandle;

/// Where completion gets live names from.
pub trait CompletionSource {
    fn connector_names(&self) -> Vec<String>;
    fn plugin_classes(&self) -> Vec<String>;
    fn plugin_config_keys(&self, class: &str) -> Vec<String>;
}

/// Keys offered inside `WITH (...)` before a plugin is named.
const COMMON_KEYS: &[&str] = &[
    "connector.class",
    "tasks.max",
    "topics",
    "topics.regex",
    "key.converter",
    "value.converter",
    "header.converter",
    "transforms",
    "predicates",
    "errors.tolerance",
    "errors.deadletterqueue.topic.name",
    "config.action.reload",
];

/// Completion against the live session. Each lookup gets a short deadline so a slow or
/// unreachable worker never freezes the prompt (the session caches what it fetched).
pub struct LiveSource {
    session: SessionHandle,
}

impl LiveSource {
    pub fn new(session: SessionHandle) -> Self {
        LiveSource { session }
    }

    pub fn set_session(&mut self, session: SessionHandle) {
        self.session = session;
    }

    fn ask<F>(&self, f: F) -> Vec<String>
    where
        F: FnOnce(&crate::exec::Session) -> Result<Vec<String>, crate::error::Error>
            + Send
            + 'static,
    {
        let session = SessionHandle::clone(&self.session);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let Ok(guard) = session.try_lock() else {
                return; // a request is running (or was abandoned): no completion now
            };
            let _ = tx.send(f(&guard).unwrap_or_default());
        });
        rx.recv_timeout(Duration::from_secs(3)).unwrap_or_default()
    }
}

impl CompletionSource for LiveSource {
    fn connector_names(&self) -> Vec<String> {
        self.ask(|s| s.connector_names())
    }

    fn plugin_classes(&self) -> Vec<String> {
        self.ask(|s| s.plugin_classes())
    }

    fn plugin_config_keys(&self, class: &str) -> Vec<String> {
        let class = class.to_string();
        self.ask(move |s| s.plugin_config_keys(&class))
    }
}

pub struct KcshHelper {
    pub color: bool,
    /// Earlier lines of the statement being typed (the continuation prompt is showing).
    pub pending: String,
    pub source: Box<dyn CompletionSource>,
    /// Config keys per plugin class, for the session (definitions do not change while running).
    keys_cache: std::cell::RefCell<HashMap<String, Vec<String>>>,
}

impl KcshHelper {
    pub fn new(color: bool, source: Box<dyn CompletionSource>) -> Self {
        KcshHelper {
            color,
            pending: String::new(),
            source,
            keys_cache: Default::default(),
        }
    }

    /// The worker's plugin classes as they are written in a statement: `'class'`.
    fn quoted_plugin_classes(&self) -> Vec<String> {
        self.source
            .plugin_classes()
            .iter()
            .map(|c| format!("'{c}'"))
            .collect()
    }

    fn config_keys(&self, class: &str) -> Vec<String> {
        if let Some(keys) = self.keys_cache.borrow().get(class) {
            return keys.clone();
        }
        let keys = self.source.plugin_config_keys(class);
        if !keys.is_empty() {
            self.keys_cache
                .borrow_mut()
                .insert(class.to_string(), keys.clone());
        }
        keys
    }

    /// Candidates for the cursor at `pos` of `line` (with `pending` lines before it).
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let context = format!("{}{}", self.pending, &line[..pos]);
        let offset = self.pending.len();
        let tokens: Vec<Token> = tokenize(&context)
            .into_iter()
            .filter(|t| t.kind != TokenKind::Comment)
            .collect();
        // Only the statement being typed.
        let start_index = tokens
            .iter()
            .rposition(|t| t.kind == TokenKind::Semicolon)
            .map_or(0, |i| i + 1);
        let mut statement: Vec<Token> = tokens[start_index..].to_vec();

        let mut prefix = "";
        let mut start = pos;
        if let Some(last) = statement.last() {
            let typing = last.span.end == context.len()
                && last.span.start >= offset
                && matches!(
                    last.kind,
                    TokenKind::Keyword
                        | TokenKind::Ident
                        | TokenKind::String
                        | TokenKind::QuotedIdent
                        | TokenKind::Number
                        | TokenKind::Unterminated(_)
                );
            if typing {
                prefix = last.text(&context);
                start = last.span.start - offset;
                statement.pop();
            }
        }
        let words: Vec<String> = statement
            .iter()
            .map(|t| t.text(&context).to_string())
            .collect();
        let found = self.by_position(&statement, &words, &context, prefix);
        (start, found)
    }

    fn by_position(
        &self,
        statement: &[Token],
        words: &[String],
        context: &str,
        prefix: &str,
    ) -> Vec<String> {
        // Inside a property list?
        let mut depth = 0i32;
        let mut open = None;
        for (i, t) in statement.iter().enumerate().rev() {
            match t.text(context) {
                ")" => depth += 1,
                "(" if depth == 0 => {
                    open = Some(i);
                    break;
                }
                "(" => depth -= 1,
                _ => {}
            }
        }
        if let Some(open) = open {
            return self.in_list(&statement[open..], statement, context, prefix);
        }

        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let up: Vec<&str> = upper.iter().map(String::as_str).collect();
        match up.as_slice() {
            ["SET"] | ["UNSET"] => {
                let mut props: Vec<String> = crate::shell::SHELL_PROPERTIES
                    .iter()
                    .chain(crate::exec::PROPERTIES.iter())
                    .map(|(name, _)| format!("'{name}'"))
                    .collect();
                if up[0] == "SET" {
                    props.push("LOGGER".into());
                }
                return matching(&props, prefix, false);
            }
            ["DESCRIBE", "PLUGIN"] => {
                return matching(&self.quoted_plugin_classes(), prefix, false);
            }
            _ => {}
        }
        if wants_connector_name(&up) {
            let names = self.source.connector_names();
            let quoted: Vec<String> = names.iter().map(|n| quote_name(n).into_owned()).collect();
            return matching(&quoted, prefix, false);
        }
        let keywords = next_keywords(&up);
        let keywords: Vec<String> = if keywords.is_empty() && !prefix.is_empty() {
            KEYWORDS.iter().map(|k| k.to_string()).collect()
        } else {
            keywords.iter().map(|k| k.to_string()).collect()
        };
        matching(&keywords, prefix, true)
    }

    /// Completion inside `( ... )`: a key after `(` or `,`, a class after `connector.class =`.
    fn in_list(
        &self,
        list: &[Token],
        statement: &[Token],
        context: &str,
        prefix: &str,
    ) -> Vec<String> {
        let last = list.last().map(|t| t.text(context)).unwrap_or("(");
        match last {
            "(" | "," => {
                let class = connector_class(statement, context);
                let mut keys = match &class {
                    Some(class) => self.config_keys(class),
                    None => Vec::new(),
                };
                if keys.is_empty() {
                    keys = COMMON_KEYS.iter().map(|k| k.to_string()).collect();
                }
                let present = present_keys(list, context);
                let quoted: Vec<String> = keys
                    .iter()
                    .filter(|k| !present.contains(k))
                    .map(|k| format!("'{k}'"))
                    .collect();
                matching(&quoted, prefix, false)
            }
            "=" => {
                let key = list
                    .len()
                    .checked_sub(2)
                    .map(|i| unquote(list[i].text(context)));
                if key.as_deref() == Some("connector.class") {
                    matching(&self.quoted_plugin_classes(), prefix, false)
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    /// The line with ANSI colours from its tokens, read after the statement's earlier lines
    /// (so the second line of a string that spans lines is still a string).
    pub fn colour_line(&self, line: &str) -> String {
        let full = format!("{}{line}", self.pending);
        let offset = self.pending.len();
        let mut out = String::with_capacity(line.len() * 2);
        let mut at = 0;
        for t in tokenize(&full) {
            if t.span.end <= offset {
                continue;
            }
            let start = t.span.start.max(offset) - offset;
            let end = t.span.end - offset;
            out.push_str(&line[at..start]);
            let text = &line[start..end];
            let colour = match t.kind {
                TokenKind::Keyword => Some(Colour::Blue),
                TokenKind::String => Some(Colour::Green),
                TokenKind::QuotedIdent => Some(Colour::Cyan),
                TokenKind::Number => Some(Colour::Yellow),
                TokenKind::Variable => Some(Colour::Magenta),
                TokenKind::Comment => Some(Colour::Dim),
                TokenKind::Unterminated(_) => Some(Colour::Red),
                _ => None,
            };
            match colour {
                Some(c) => out.push_str(&paint(text, c, true)),
                None => out.push_str(text),
            }
            at = end;
        }
        out.push_str(&line[at..]);
        out
    }
}

/// After `CONNECTOR` in statements about an existing connector (not CREATE/VALIDATE).
fn wants_connector_name(up: &[&str]) -> bool {
    let up: &[&str] = match up.first() {
        Some(&"EXPLAIN") => &up[1..],
        _ => up,
    };
    matches!(
        up,
        ["DROP", "CONNECTOR"]
            | ["DROP", "CONNECTOR", "IF", "EXISTS"]
            | [
                "DESCRIBE" | "PAUSE" | "RESUME" | "STOP" | "RESTART" | "ALTER",
                "CONNECTOR"
            ]
            | ["SHOW", "CREATE", "CONNECTOR"]
            | ["SHOW", "CONNECTOR", "OFFSETS"]
            | ["WAIT", "FOR", "CONNECTOR"]
    )
}

/// Keywords that may follow the words typed so far (a small map of the grammar).
fn next_keywords(up: &[&str]) -> Vec<&'static str> {
    let up: &[&str] = match up.first() {
        Some(&"EXPLAIN") => &up[1..],
        _ => up,
    };
    let n = up.len();
    let last = up.last().copied().unwrap_or("");
    match up {
        [] => STATEMENT_KEYWORDS.to_vec(),
        ["CREATE"] => vec!["SOURCE", "SINK", "CONNECTOR", "OR"],
        ["CREATE", "OR"] => vec!["REPLACE"],
        ["CREATE", "OR", "REPLACE"] => vec!["SOURCE", "SINK", "CONNECTOR"],
        ["CREATE" | "VALIDATE", .., "SOURCE" | "SINK"] => vec!["CONNECTOR"],
        ["CREATE", .., "CONNECTOR"] => vec!["IF"],
        ["CREATE", .., "IF"] => vec!["NOT"],
        [.., "NOT"] => vec!["EXISTS"],
        ["CREATE", .., "CONNECTOR", _] | ["CREATE", .., "EXISTS", _] => vec!["WITH"],
        ["VALIDATE"] => vec!["SOURCE", "SINK", "CONNECTOR"],
        ["VALIDATE", .., "CONNECTOR"] | ["VALIDATE", .., "CONNECTOR", _] => vec!["WITH"],
        ["DROP"] => vec!["CONNECTOR"],
        ["DROP", "CONNECTOR"] => vec!["IF"],
        ["DROP", "CONNECTOR", "IF"] => vec!["EXISTS"],
        ["DESCRIBE"] => vec!["CONNECTOR", "PLUGIN"],
        ["DESCRIBE", "CONNECTOR", _] => vec!["EXTENDED"],
        ["SHOW" | "LIST"] => vec![
            "CONNECTORS",
            "SOURCE",
            "SINK",
            "CONNECTOR",
            "PLUGINS",
            "CREATE",
            "PROPERTIES",
            "VARIABLES",
            "CLUSTER",
            "LOGGERS",
        ],
        ["SHOW" | "LIST", "SOURCE" | "SINK"] => vec!["CONNECTORS"],
        ["SHOW" | "LIST", "CONNECTOR"] => vec!["PLUGINS", "OFFSETS"],
        ["SHOW", "CREATE"] => vec!["CONNECTOR"],
        ["SHOW" | "LIST", .., "CONNECTORS"] | ["SHOW", "LOGGERS"] => vec!["LIKE"],
        ["PAUSE" | "RESUME" | "STOP" | "RESTART"] => vec!["CONNECTOR", "CONNECTORS"],
        ["RESTART", "CONNECTOR", _] => vec!["INCLUDE", "ONLY", "TASK"],
        ["RESTART", "CONNECTORS", ..] if last != "LIKE" => vec!["LIKE", "INCLUDE", "ONLY"],
        ["RESTART", .., "INCLUDE"] => vec!["TASKS"],
        ["RESTART", .., "TASKS"] => vec!["ONLY"],
        ["RESTART", .., "ONLY"] => vec!["FAILED"],
        ["PAUSE" | "RESUME" | "STOP", "CONNECTORS"] => vec!["LIKE"],
        ["ALTER"] => vec!["CONNECTOR"],
        ["ALTER", "CONNECTOR", _] => vec!["SET", "UNSET", "RESET"],
        ["ALTER", "CONNECTOR", _, "RESET"] => vec!["OFFSETS", "TOPICS"],
        ["ALTER", "CONNECTOR", _, "SET"] => vec!["OFFSET"],
        ["ALTER", "CONNECTOR", _, "SET", "OFFSET"] => vec!["PARTITION"],
        ["ALTER", "CONNECTOR", _, "SET", "OFFSET", .., ")"] if n > 6 => vec!["TO"],
        ["WAIT"] => vec!["FOR"],
        ["WAIT", "FOR"] => vec!["CONNECTOR"],
        ["WAIT", "FOR", "CONNECTOR", _] => vec!["TIMEOUT"],
        ["WAIT", "FOR", "CONNECTOR", _, "TIMEOUT", _] => vec!["SECONDS"],
        ["SET", "LOGGER", _, "=", _] => vec!["FOR"],
        ["SET", "LOGGER", .., "FOR"] => vec!["CLUSTER"],
        ["OUTPUT"] => vec!["JSON", "TABULAR"],
        ["RUN"] => vec!["SCRIPT"],
        ["HELP"] => STATEMENT_KEYWORDS.to_vec(),
        _ => Vec::new(),
    }
}

/// The value of `'connector.class' = '...'` in the statement, if typed yet.
fn connector_class(statement: &[Token], context: &str) -> Option<String> {
    statement.windows(3).find_map(|w| {
        let key = unquote(w[0].text(context));
        (key == "connector.class" && w[1].text(context) == "=" && w[2].kind == TokenKind::String)
            .then(|| unquote(w[2].text(context)))
    })
}

/// Keys already given in a property list (so they are not offered again).
fn present_keys(list: &[Token], context: &str) -> Vec<String> {
    list.windows(2)
        .filter(|w| w[1].text(context) == "=")
        .map(|w| unquote(w[0].text(context)))
        .collect()
}

/// Candidates starting with `prefix` (case-insensitive; a quote typed or not). Keywords follow
/// the case of what was typed.
fn matching(candidates: &[String], prefix: &str, keyword: bool) -> Vec<String> {
    let bare = prefix.trim_start_matches(['\'', '"', '`']).to_lowercase();
    let lower = keyword && !prefix.is_empty() && prefix.chars().all(|c| !c.is_uppercase());
    let mut out: Vec<String> = candidates
        .iter()
        .filter(|c| {
            let c_bare = c.trim_start_matches(['\'', '"', '`']).to_lowercase();
            c_bare.starts_with(&bare)
        })
        .map(|c| if lower { c.to_lowercase() } else { c.clone() })
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Completer for KcshHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found) = self.candidates(line, pos);
        let pairs = found
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Highlighter for KcshHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(self.colour_line(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(paint(prompt, Colour::Bold, true))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

impl Hinter for KcshHelper {
    type Hint = String;
}

impl Validator for KcshHelper {}

impl Helper for KcshHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;

    impl CompletionSource for Fake {
        fn connector_names(&self) -> Vec<String> {
            vec!["fs-src".into(), "fs-sink".into(), "my conn".into()]
        }
        fn plugin_classes(&self) -> Vec<String> {
            vec![
                "org.apache.kafka.connect.file.FileStreamSourceConnector".into(),
                "org.apache.kafka.connect.file.FileStreamSinkConnector".into(),
            ]
        }
        fn plugin_config_keys(&self, class: &str) -> Vec<String> {
            if class.contains("FileStreamSource") {
                vec!["file".into(), "topic".into(), "batch.size".into()]
            } else {
                Vec::new()
            }
        }
    }

    fn helper() -> KcshHelper {
        KcshHelper::new(false, Box::new(Fake))
    }

    fn complete(line: &str) -> (usize, Vec<String>) {
        helper().candidates(line, line.len())
    }

    #[test]
    fn statement_keywords_at_the_start() {
        let (start, found) = complete("des");
        assert_eq!((start, found), (0, vec!["describe".to_string()]));
        let (_, found) = complete("SHOW S");
        assert_eq!(found, vec!["SINK", "SOURCE"]);
        let (_, found) = complete("CREATE SOURCE ");
        assert_eq!(found, vec!["CONNECTOR"]);
    }

    #[test]
    fn live_connector_names_after_connector() {
        let (start, found) = complete("DESCRIBE CONNECTOR fs-s");
        assert_eq!(start, 19);
        assert_eq!(found, vec!["fs-sink", "fs-src"]);
        let (_, found) = complete("DROP CONNECTOR IF EXISTS ");
        assert_eq!(found, vec!["\"my conn\"", "fs-sink", "fs-src"]);
        let (_, found) = complete("CREATE SOURCE CONNECTOR fs");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn plugin_classes_after_connector_class() {
        let (_, found) = complete(
            "CREATE CONNECTOR x WITH ('connector.class' = 'org.apache.kafka.connect.file.FileStreamSo",
        );
        assert_eq!(
            found,
            vec!["'org.apache.kafka.connect.file.FileStreamSourceConnector'"]
        );
    }

    #[test]
    fn config_keys_of_the_plugin_in_the_statement() {
        let line = "CREATE CONNECTOR x WITH ('connector.class' = 'FileStreamSource', 'to";
        let (start, found) = complete(line);
        assert_eq!(found, vec!["'topic'"]);
        assert_eq!(&line[start..], "'to");
        let (_, found) = complete(
            "CREATE CONNECTOR x WITH ('connector.class' = 'FileStreamSource', 'file' = 'a', ",
        );
        assert_eq!(found, vec!["'batch.size'", "'topic'"]);
        let (_, found) = complete("CREATE CONNECTOR x WITH (");
        assert!(found.contains(&"'connector.class'".to_string()));
    }

    #[test]
    fn keys_use_earlier_lines_of_the_statement() {
        let mut h = helper();
        h.pending =
            "CREATE SOURCE CONNECTOR x WITH (\n'connector.class' = 'FileStreamSource',\n".into();
        let (start, found) = h.candidates("  'fi", 5);
        assert_eq!((start, found), (2, vec!["'file'".to_string()]));
    }

    #[test]
    fn properties_after_set_and_classes_after_describe_plugin() {
        let (_, found) = complete("SET 'out");
        assert_eq!(found, vec!["'output'"]);
        let (_, found) = complete("UNSET ");
        assert!(found.contains(&"'dry.run'".to_string()) && !found.contains(&"LOGGER".to_string()));
        let (_, found) = complete("DESCRIBE PLUGIN 'org.apache.kafka.connect.file.FileStreamSi");
        assert_eq!(
            found,
            vec!["'org.apache.kafka.connect.file.FileStreamSinkConnector'"]
        );
    }

    #[test]
    fn highlighting_colours_tokens() {
        let mut h = helper();
        h.color = true;
        let out = h.colour_line("SHOW CONNECTORS LIKE 'a%'; -- c");
        assert!(out.contains("\x1b[34mSHOW\x1b[0m"));
        assert!(out.contains("\x1b[32m'a%'\x1b[0m"));
        assert!(out.contains("\x1b[2m-- c\x1b[0m"));
        h.color = false;
        assert_eq!(h.highlight("SHOW CONNECTORS;", 0), "SHOW CONNECTORS;");
    }

    #[test]
    fn highlighting_continues_a_string_from_earlier_lines() {
        let mut h = helper();
        h.color = true;
        h.pending = "CREATE CONNECTOR a WITH ('k' = 'first line\n".into();
        let out = h.colour_line("second line', 'n' = 1);");
        assert!(out.starts_with("\x1b[32msecond line'\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[33m1\x1b[0m"), "{out:?}");
    }
}
