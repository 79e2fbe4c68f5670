//! The rustyline helper: completion by position in the grammar (keywords, live connector names
//! after CONNECTOR, plugin classes after `'connector.class' =`, config keys of the plugin named
//! in the statement being typed) and syntax highlighting, both from the lexer's tokens.
//! Knows the cluster only through [`CompletionSource`] (in the REPL a bounded
//! [`super::catalog::Lookup`]), so it is testable without one and never waits on the network.

use std::borrow::Cow;
use std::collections::HashMap;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::connect::model::PluginInfo;
use crate::lang::ast::ConnectorType;
use crate::lang::expect::{Expected, Slot};
use crate::lang::ident::{quote_name_compat, quote_string};
use crate::lang::lexer::{KEYWORDS, Token, TokenKind, tokenize};
use crate::lang::parser::statement_keywords;
use crate::lang::{ParseOptions, expected_after};
use crate::render::style::{Colour, paint};
use crate::shell::properties::Property;

/// Where completion gets live names from. Implementations answer within about a second,
/// with nothing when the cluster does not.
pub trait CompletionSource {
    fn connector_names(&self) -> Vec<String>;
    /// The worker's plugins with their type (`source`, `sink`, ...), for classes and aliases.
    fn plugins(&self) -> Vec<PluginInfo>;
    fn plugin_config_keys(&self, class: &str) -> Vec<String>;
    /// The config keys of an existing connector's plugin (for ALTER ... SET's keys), in one
    /// bounded look-up.
    fn connector_config_keys(&self, name: &str) -> Vec<String>;
    /// Kafka topic names (PRINT, SHOW TOPICS LIKE); none where Kafka is not known.
    fn topic_names(&self) -> Vec<String> {
        Vec::new()
    }
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

pub struct KcshHelper {
    pub color: bool,
    /// Earlier lines of the statement being typed (the continuation prompt is showing).
    pub pending: String,
    pub source: Box<dyn CompletionSource>,
    /// The session upper-cases bare names (`--ksql-compat`): names are inserted quoted unless
    /// already upper-case, so a completed name means the connector it names.
    pub ksql_compat: bool,
    /// Config keys per plugin class, for the session (definitions do not change while running).
    keys_cache: std::cell::RefCell<HashMap<String, Vec<String>>>,
}

impl KcshHelper {
    pub fn new(color: bool, source: Box<dyn CompletionSource>) -> Self {
        KcshHelper {
            color,
            pending: String::new(),
            source,
            ksql_compat: false,
            keys_cache: Default::default(),
        }
    }

    /// The worker's plugins of `kinds` (all when empty) as a statement may name them: the
    /// class and its aliases (`'FileStreamSink'`), quoted as strings.
    fn quoted_plugin_classes(&self, kinds: &[&str]) -> Vec<String> {
        self.source
            .plugins()
            .iter()
            .filter(|p| kinds.is_empty() || kinds.contains(&p.kind.as_str()))
            .flat_map(|p| std::iter::once(p.class.clone()).chain(p.aliases()))
            .map(|c| quote_string(&c))
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

    /// Candidates for the cursor at `pos` of `line` (with `pending` lines before it): what
    /// the parser expects after the statement typed so far (see `lang::expect`), filled with
    /// live names.
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
        let statement = &tokens[start_index..];
        let statement_start = statement.first().map_or(context.len(), |t| t.span.start);

        let mut prefix = "";
        let mut start = pos;
        let mut typed_end = context.len();
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
                typed_end = last.span.start;
            }
        }
        let typed = &context[statement_start.min(typed_end)..typed_end];
        let expected = expected_after(typed, &ParseOptions::default());
        (start, self.fill_expected(&expected, prefix))
    }

    /// Candidates for what the parser expects, starting with `prefix`.
    fn fill_expected(&self, e: &Expected, prefix: &str) -> Vec<String> {
        let mut found = Vec::new();
        for slot in &e.slots {
            let candidates = match slot {
                Slot::ConnectorName => self
                    .source
                    .connector_names()
                    .iter()
                    .map(|n| quote_name_compat(n, self.ksql_compat))
                    .collect(),
                Slot::NewConnectorName => Vec::new(),
                Slot::PropertyKey => self.keys_for(e),
                Slot::Value(key) if key == "connector.class" => {
                    let kinds: Vec<&str> = match e.connector_type {
                        Some(t) => vec![t.label()],
                        None => ConnectorType::ALL.iter().map(|t| t.label()).collect(),
                    };
                    self.quoted_plugin_classes(&kinds)
                }
                // A pinned plugin version (KIP-891): the versions of the statement's class.
                Slot::Value(key) if key == "connector.plugin.version" => match &e.class {
                    Some(class) => self
                        .source
                        .plugins()
                        .into_iter()
                        .filter(|p| p.matches(class))
                        .filter_map(|p| p.version)
                        .map(|v| quote_string(&v))
                        .collect(),
                    None => Vec::new(),
                },
                Slot::Value(_) => Vec::new(),
                Slot::PluginClass => self.quoted_plugin_classes(&[]),
                Slot::Choice(words) => words.clone(),
                Slot::TopicName => self
                    .source
                    .topic_names()
                    .iter()
                    .map(|t| quote_string(t))
                    .collect(),
                Slot::SessionProperty => Property::all()
                    .iter()
                    .map(|p| quote_string(&p.to_string()))
                    .collect(),
                Slot::HelpTopic => {
                    let words: Vec<String> =
                        statement_keywords().iter().map(|k| k.to_string()).collect();
                    found.extend(matching(&words, prefix, true));
                    continue;
                }
            };
            found.extend(matching(&candidates, prefix, false));
        }
        let keywords: Vec<String> = if e.keywords.is_empty() && e.slots.is_empty() {
            // Somewhere the grammar has no word for (after an error): any keyword may help.
            if prefix.is_empty() {
                Vec::new()
            } else {
                KEYWORDS.iter().map(|k| k.to_string()).collect()
            }
        } else {
            e.keywords.clone()
        };
        found.extend(matching(&keywords, prefix, true));
        found.dedup();
        found
    }

    /// Config keys for a property list: the plugin's (named in the list, or that of the
    /// connector being altered), else the common ones; keys already given are left out.
    fn keys_for(&self, e: &Expected) -> Vec<String> {
        let mut keys = match (&e.class, &e.connector) {
            (Some(class), _) => self.config_keys(class),
            (None, Some(name)) => self.source.connector_config_keys(name),
            (None, None) => Vec::new(),
        };
        if keys.is_empty() {
            keys = COMMON_KEYS.iter().map(|k| k.to_string()).collect();
        }
        keys.iter()
            .filter(|k| !e.present_keys.contains(k))
            .map(|k| quote_string(k))
            .collect()
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
        fn plugins(&self) -> Vec<PluginInfo> {
            let plugin = |class: &str, kind: &str| PluginInfo {
                class: class.into(),
                kind: kind.into(),
                version: Some("4.3.0".into()),
            };
            vec![
                plugin(
                    "org.apache.kafka.connect.file.FileStreamSourceConnector",
                    "source",
                ),
                plugin(
                    "org.apache.kafka.connect.file.FileStreamSinkConnector",
                    "sink",
                ),
                plugin(
                    "org.apache.kafka.connect.transforms.Flatten",
                    "transformation",
                ),
            ]
        }
        fn connector_config_keys(&self, name: &str) -> Vec<String> {
            match name {
                "fs-src" => self.plugin_config_keys("FileStreamSource"),
                _ => Vec::new(),
            }
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
    fn initial_states_and_plugin_versions_are_offered() {
        let (_, found) = complete("CREATE CONNECTOR x WITH ('a' = 'b') ");
        assert_eq!(found, vec!["INITIALLY", "WITH"]);
        let (_, found) = complete("CREATE CONNECTOR x WITH ('a' = 'b') INITIALLY ");
        assert_eq!(found, vec!["PAUSED", "RUNNING", "STOPPED"]);
        let (_, found) = complete("CREATE CONNECTOR x WITH ('a' = 'b') INITIALLY STOPPED WITH ");
        assert_eq!(found, vec!["OFFSETS"]);
        let (_, found) = complete("SHOW CREATE CONNECTOR fs-src ");
        assert_eq!(found, vec!["WITH"]);
        let (_, found) = complete(
            "CREATE CONNECTOR x WITH ('connector.class' = 'FileStreamSource', 'connector.plugin.version' = ",
        );
        assert_eq!(found, vec!["'4.3.0'"]);
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
    fn class_aliases_complete_and_create_sink_offers_only_sinks() {
        let (_, found) = complete("CREATE CONNECTOR x WITH ('connector.class' = 'FileStreamS");
        assert_eq!(
            found,
            vec![
                "'FileStreamSink'",
                "'FileStreamSinkConnector'",
                "'FileStreamSource'",
                "'FileStreamSourceConnector'"
            ]
        );
        let (_, found) = complete("CREATE SINK CONNECTOR x WITH ('connector.class' = '");
        assert_eq!(
            found,
            vec![
                "'FileStreamSink'",
                "'FileStreamSinkConnector'",
                "'org.apache.kafka.connect.file.FileStreamSinkConnector'"
            ]
        );
        let (_, found) = complete("CREATE OR REPLACE SOURCE CONNECTOR x WITH ('connector.class'=");
        assert!(found.iter().all(|c| c.contains("Source")), "{found:?}");
        let (_, found) = complete("DESCRIBE PLUGIN 'Fla");
        assert_eq!(found, vec!["'Flatten'"]);
    }

    #[test]
    fn alter_set_completes_the_connectors_own_plugin_keys() {
        let (_, found) = complete("ALTER CONNECTOR fs-src SET ('");
        assert_eq!(found, vec!["'batch.size'", "'file'", "'topic'"]);
        let (_, found) = complete("ALTER CONNECTOR fs-src SET ('file' = 'x', 't");
        assert_eq!(found, vec!["'topic'"]);
        // Unknown class: the common keys.
        let (_, found) = complete("ALTER CONNECTOR other SET ('tasks");
        assert_eq!(found, vec!["'tasks.max'"]);
    }

    #[test]
    fn keywords_come_from_the_parser() {
        let (_, found) = complete("RESTART CONNECTOR fs-src ");
        assert_eq!(found, vec!["INCLUDE", "ONLY", "TASK"]);
        let (_, found) = complete("RESTART CONNECTOR fs-src INCLUDE TASKS ");
        assert_eq!(found, vec!["ONLY"]);
        let (_, found) = complete("explain dr");
        assert_eq!(found, vec!["drop"]);
        let (_, found) = complete("SHOW CONNECTORS; DROP CONNECTOR fs-s");
        assert_eq!(found, vec!["fs-sink", "fs-src"]);
        let (_, found) = complete("DROP CONNECTOR ");
        assert_eq!(found, vec!["\"my conn\"", "fs-sink", "fs-src", "IF"]);
        let (_, found) = complete("WAIT FOR CONNECTOR fs-src TIMEOUT 5 ");
        assert_eq!(found, vec!["SECOND", "SECONDS"]);
        let (_, found) = complete("WAIT FOR CONNECTOR fs-sink ");
        assert_eq!(found, vec!["CAUGHT", "TIMEOUT"]);
        let (_, found) = complete("WAIT FOR CONNECTOR fs-sink CAUGHT ");
        assert_eq!(found, vec!["UP"]);
        let (_, found) = complete("SHOW CONNECTOR E");
        assert_eq!(found, vec!["ERRORS"]);
        let (_, found) = complete("SHOW CONNECTOR ERRORS fs-si");
        assert_eq!(found, vec!["fs-sink"]);
        let (_, found) = complete("SHOW CONNECTOR ERRORS fs-sink ");
        assert_eq!(found, vec!["LIMIT"]);
        let (_, found) = complete("SET ");
        assert!(found.contains(&"LOGGER".to_string()) && found.contains(&"'output'".to_string()));
    }

    #[test]
    fn under_ksql_compat_completed_names_keep_their_case() {
        let mut h = helper();
        h.ksql_compat = true;
        let (_, found) = h.candidates("DROP CONNECTOR fs-s", 19);
        assert_eq!(found, vec!["\"fs-sink\"", "\"fs-src\""]);
    }

    /// Tab on a long statement costs one linear parse (no rescans per property or token).
    #[test]
    fn completion_is_bounded_on_long_input() {
        let start = std::time::Instant::now();
        let props: String = (0..20_000).map(|i| format!("'k{i}' = 'v', ")).collect();
        let long = format!("CREATE CONNECTOR x WITH ({props}'");
        let (_, found) = complete(&long);
        assert!(found.contains(&"'connector.class'".to_string()));
        let _ = complete(&"EXPLAIN ".repeat(50_000));
        let _ = complete(&"(".repeat(100_000));
        let _ = complete(&format!("SHOW CONNECTORS LIKE '{}", "%a".repeat(50_000)));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            start.elapsed()
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
