//! `HELP` and `HELP <statement>`: one table of topics (syntax, summary, example for every
//! statement) plus the rows of [`ClientCommand`]'s own table, the one the lexer, parser and
//! completer use too, so what help shows can never drift from what the shell accepts.

use crate::commands::ClientCommand;
use crate::error::Error;
use crate::output::{Block, Output};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Connectors,
    Operations,
    Cluster,
    Data,
    Session,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Connectors => "Connectors (ksqlDB)",
            Group::Operations => "Operating connectors",
            Group::Cluster => "Plugins and the cluster",
            Group::Data => "Topics and records (Kafka)",
            Group::Session => "Session (properties, variables)",
        }
    }
}

/// One `HELP <name>` page.
#[derive(Debug, Clone, Copy)]
pub struct Topic {
    /// The words that name it, as typed after `HELP`.
    pub name: &'static str,
    pub group: Group,
    pub syntax: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
}

const fn topic(
    name: &'static str,
    group: Group,
    syntax: &'static str,
    summary: &'static str,
    example: &'static str,
) -> Topic {
    Topic {
        name,
        group,
        syntax,
        summary,
        example,
    }
}

/// Every statement of the language (LANGUAGE.md), in the order `HELP` lists them.
pub const TOPICS: &[Topic] = &[
    topic(
        "CREATE CONNECTOR",
        Group::Connectors,
        "CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name\n  WITH ('key' = value, ...)\n  [INITIALLY RUNNING|PAUSED|STOPPED]\n  [WITH OFFSETS (PARTITION (...) TO (...), ...)]",
        "create a connector; OR REPLACE updates it in place (keeping offsets and state); the type comes from the class when SOURCE/SINK is left out; INITIALLY and WITH OFFSETS (Connect 3.7+) set the state and offsets a new connector starts with",
        "CREATE SOURCE CONNECTOR fs-src WITH (\n  'connector.class' = 'FileStreamSource',\n  'file' = '/tmp/in.txt',\n  'topic' = 'lines');",
    ),
    topic(
        "DROP CONNECTOR",
        Group::Connectors,
        "DROP CONNECTOR [IF EXISTS] name",
        "delete a connector (its topics stay); IF EXISTS turns a missing connector into a warning",
        "DROP CONNECTOR IF EXISTS fs-src;",
    ),
    topic(
        "DROP CONNECTORS",
        Group::Connectors,
        "DROP CONNECTORS [LIKE 'pattern'] [WHERE condition] [FORCE]",
        "delete every connector that matches; the shell asks first, a script is refused unless FORCE",
        "DROP CONNECTORS LIKE 'tmp-%' WHERE state = 'FAILED' FORCE;",
    ),
    topic(
        "DESCRIBE CONNECTOR",
        Group::Connectors,
        "DESCRIBE CONNECTOR name [EXTENDED]",
        "state, worker, tasks and related topics; EXTENDED adds the config (secrets masked) and whole error traces",
        "DESCRIBE CONNECTOR fs-src EXTENDED;",
    ),
    topic(
        "SHOW CONNECTORS",
        Group::Connectors,
        "SHOW|LIST [SOURCE|SINK] CONNECTORS [LIKE 'pattern'] [WHERE condition]",
        "list connectors with type, class and status; LIKE filters with % and _ wildcards, WHERE by attribute (HELP WHERE)",
        "SHOW SINK CONNECTORS WHERE class LIKE '%Jdbc%';",
    ),
    topic(
        "WHERE",
        Group::Operations,
        "... CONNECTORS [LIKE 'pattern'] WHERE condition
  condition: attribute op value | attribute [NOT] LIKE 'p' | attribute [NOT] IN (v, ...)
             | NOT c | c AND c | c OR c | (c)
  op: = != <> < <= > >=
  attributes: name, type, class, state, worker_id (text); tasks, failed_tasks, running_tasks (numbers)",
        "filter SHOW CONNECTORS and bulk statements by type, class, state, worker and task counts",
        "RESTART CONNECTORS WHERE state = 'FAILED' OR failed_tasks > 0 INCLUDE TASKS ONLY FAILED;",
    ),
    topic(
        "SHOW CONNECTOR PLUGINS",
        Group::Connectors,
        "SHOW|LIST CONNECTOR PLUGINS",
        "list the connector plugins installed on the worker: class, type, version",
        "SHOW CONNECTOR PLUGINS;",
    ),
    topic(
        "VALIDATE CONNECTOR",
        Group::Connectors,
        "VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH ('key' = value, ...)",
        "check a config with the plugin without creating anything; lists the properties in error",
        "VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSink', 'topics' = 'lines');",
    ),
    topic(
        "SHOW CREATE CONNECTOR",
        Group::Connectors,
        "SHOW CREATE CONNECTOR name [WITH OFFSETS]",
        "print a CREATE OR REPLACE statement that recreates the live connector (secrets masked); WITH OFFSETS prints a CREATE ... IF NOT EXISTS with its state and offsets, to clone or move it",
        "SHOW CREATE CONNECTOR fs-src;",
    ),
    topic(
        "ALTER CONNECTOR SET",
        Group::Connectors,
        "ALTER CONNECTOR name SET ('key' = value, ...)\nALTER CONNECTOR name UNSET ('key', ...)",
        "change or remove some config properties of a connector, keeping the others",
        "ALTER CONNECTOR fs-src SET ('tasks.max' = 2);",
    ),
    topic(
        "PAUSE CONNECTOR",
        Group::Operations,
        "PAUSE CONNECTOR name\nPAUSE CONNECTORS [LIKE 'pattern'] [WHERE condition]",
        "pause a connector and its tasks (the bulk form pauses every match and reports each)",
        "PAUSE CONNECTORS LIKE 'fs-%';",
    ),
    topic(
        "RESUME CONNECTOR",
        Group::Operations,
        "RESUME CONNECTOR name\nRESUME CONNECTORS [LIKE 'pattern'] [WHERE condition]",
        "resume a paused or stopped connector",
        "RESUME CONNECTOR fs-src;",
    ),
    topic(
        "STOP CONNECTOR",
        Group::Operations,
        "STOP CONNECTOR name\nSTOP CONNECTORS [LIKE 'pattern'] [WHERE condition]",
        "stop a connector and shut its tasks down, keeping its config (needed before RESET OFFSETS)",
        "STOP CONNECTOR fs-src;",
    ),
    topic(
        "RESTART CONNECTOR",
        Group::Operations,
        "RESTART CONNECTOR name [INCLUDE TASKS] [ONLY FAILED]\nRESTART CONNECTORS [LIKE 'pattern'] [WHERE condition] [INCLUDE TASKS] [ONLY FAILED]\nRESTART CONNECTOR name TASK n",
        "restart a connector, optionally with its (failed) tasks, or one task",
        "RESTART CONNECTOR fs-src INCLUDE TASKS ONLY FAILED;",
    ),
    topic(
        "WAIT FOR CONNECTOR",
        Group::Operations,
        "WAIT FOR CONNECTOR name [CAUGHT UP] [TIMEOUT n SECONDS]",
        "wait until the connector and its tasks are RUNNING (fails at once on FAILED); CAUGHT UP: until a sink has committed every record its topics held when the wait began",
        "WAIT FOR CONNECTOR fs-sink CAUGHT UP TIMEOUT 60 SECONDS;",
    ),
    topic(
        "WATCH",
        Group::Operations,
        "WATCH SHOW [SOURCE|SINK] CONNECTORS ... [EVERY n SECONDS] [RESTART FAILED]\nWATCH DESCRIBE CONNECTOR name [EXTENDED] [EVERY n SECONDS] [RESTART FAILED]\nWATCH SHOW [ALL] TOPICS [EXTENDED] [LIKE 'pattern'] [EVERY n SECONDS]",
        "show what changes in SHOW CONNECTORS, DESCRIBE CONNECTOR or SHOW TOPICS, run every n seconds (default 5, at least 1): at a terminal redrawn in place, changes marked, until q or Ctrl-C; in a script or pipe the starting state, then one line (JSON: one document) per change; RESTART FAILED restarts failed connectors and tasks with a backoff, at most 5 times each",
        "WATCH SHOW CONNECTORS LIKE 'fs-%' EVERY 10 SECONDS RESTART FAILED;",
    ),
    topic(
        "SHOW CONNECTOR OFFSETS",
        Group::Operations,
        "SHOW CONNECTOR OFFSETS name",
        "show the offsets a connector has committed",
        "SHOW CONNECTOR OFFSETS fs-src;",
    ),
    topic(
        "SHOW CONNECTOR ERRORS",
        Group::Operations,
        "SHOW CONNECTOR ERRORS name [LIMIT n]",
        "show a sink's dead letters, newest first, with their error headers decoded; LIMIT 20 by default; reads errors.deadletterqueue.topic.name from Kafka (--bootstrap)",
        "SHOW CONNECTOR ERRORS fs-sink LIMIT 5;",
    ),
    topic(
        "ALTER CONNECTOR SET OFFSET",
        Group::Operations,
        "ALTER CONNECTOR name SET OFFSET PARTITION ('key' = value, ...) TO ('key' = value, ...)\nALTER CONNECTOR name SET OFFSET PARTITION (...) TO NULL",
        "change (or remove) the offset of one partition; the connector must be STOPPED",
        "ALTER CONNECTOR fs-src SET OFFSET PARTITION ('filename' = '/tmp/in.txt') TO ('position' = 0);",
    ),
    topic(
        "ALTER CONNECTOR RESET OFFSETS",
        Group::Operations,
        "ALTER CONNECTOR name RESET OFFSETS",
        "delete all offsets of a STOPPED connector so it starts over",
        "ALTER CONNECTOR fs-src RESET OFFSETS;",
    ),
    topic(
        "ALTER CONNECTOR RESET TOPICS",
        Group::Operations,
        "ALTER CONNECTOR name RESET TOPICS",
        "forget the set of topics the connector has used (its Related Topics)",
        "ALTER CONNECTOR fs-src RESET TOPICS;",
    ),
    topic(
        "EXPLAIN",
        Group::Operations,
        "EXPLAIN statement",
        "print the HTTP requests a statement would send, without sending any",
        "EXPLAIN PAUSE CONNECTORS LIKE 'fs-%';",
    ),
    topic(
        "SHOW PLUGINS",
        Group::Cluster,
        "SHOW PLUGINS",
        "list every plugin type on the worker: connectors, converters, transforms, predicates",
        "SHOW PLUGINS;",
    ),
    topic(
        "DESCRIBE PLUGIN",
        Group::Cluster,
        "DESCRIBE PLUGIN 'class-or-alias' [VERSION 'version']",
        "the config definitions of a plugin: name, type, default, importance, documentation; VERSION (Connect 4.1+) picks one of its installed versions",
        "DESCRIBE PLUGIN 'FileStreamSource';",
    ),
    topic(
        "INSTALL PLUGIN",
        Group::Cluster,
        "INSTALL PLUGIN 'group:artifact:version'",
        "fetch a plugin from Maven Central and restart kcsh's own worker until it lists it",
        "INSTALL PLUGIN 'io.debezium:debezium-connector-postgres:3.6.1.Final';",
    ),
    topic(
        "SHOW CLUSTER",
        Group::Cluster,
        "SHOW CLUSTER",
        "the worker URL, Connect version and commit, Kafka cluster id and health",
        "SHOW CLUSTER;",
    ),
    topic(
        "SHOW LOGGERS",
        Group::Cluster,
        "SHOW LOGGERS [LIKE 'pattern']",
        "list the worker's loggers and their levels",
        "SHOW LOGGERS LIKE 'org.apache.kafka.connect%';",
    ),
    topic(
        "SHOW TOPICS",
        Group::Data,
        "SHOW | LIST [ALL] TOPICS [EXTENDED] [LIKE 'pattern']",
        "list the Kafka topics with partitions and replicas; EXTENDED adds the records each holds and the connectors that use it; ALL adds Kafka's internal topics",
        "SHOW TOPICS EXTENDED LIKE 'orders%';",
    ),
    topic(
        "PRINT",
        Group::Data,
        "PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n]",
        "show a topic's records as they arrive (formats detected per record), from now on or FROM BEGINNING; every nth with INTERVAL (or SAMPLE); Ctrl-C or LIMIT ends it",
        "PRINT 'orders' FROM BEGINNING LIMIT 10;",
    ),
    topic(
        "SET LOGGER",
        Group::Cluster,
        "SET LOGGER 'name' = 'LEVEL' [FOR CLUSTER]",
        "change a logger's level on this worker, or on every worker with FOR CLUSTER",
        "SET LOGGER 'org.apache.kafka.connect' = 'DEBUG';",
    ),
    topic(
        "SET",
        Group::Session,
        "SET 'property' = 'value'",
        "set a session property (SHOW PROPERTIES lists them)",
        "SET 'output' = 'json';",
    ),
    topic(
        "UNSET",
        Group::Session,
        "UNSET 'property'",
        "return a session property to its default",
        "UNSET 'output';",
    ),
    topic(
        "SHOW PROPERTIES",
        Group::Session,
        "SHOW PROPERTIES",
        "list the session properties and their values",
        "SHOW PROPERTIES;",
    ),
    topic(
        "DEFINE",
        Group::Session,
        "DEFINE name = 'value'",
        "define a variable for ${name} references in later statements",
        "DEFINE topic = 'lines';",
    ),
    topic(
        "UNDEFINE",
        Group::Session,
        "UNDEFINE name",
        "remove a variable",
        "UNDEFINE topic;",
    ),
    topic(
        "SHOW VARIABLES",
        Group::Session,
        "SHOW|LIST VARIABLES",
        "list the defined variables",
        "SHOW VARIABLES;",
    ),
];

/// The page for `HELP` alone.
pub fn overview() -> String {
    let mut text = String::from(
        "Statements end with `;` and may span lines. `HELP <statement>` shows its syntax and an example.\n",
    );
    let width = TOPICS
        .iter()
        .map(|t| t.name.len())
        .chain(ClientCommand::ALL.iter().map(|c| c.syntax().len()))
        .max()
        .unwrap_or(0);
    let groups = [
        Group::Connectors,
        Group::Operations,
        Group::Cluster,
        Group::Data,
        Group::Session,
    ];
    for group in groups {
        text.push_str(&format!("\n{}\n", group.title()));
        for t in TOPICS.iter().filter(|t| t.group == group) {
            text.push_str(&format!(
                "  {:<width$}  {}\n",
                t.name,
                first_clause(t.summary)
            ));
        }
    }
    text.push_str("\nClient commands (no `;` needed)\n");
    for c in ClientCommand::ALL {
        if c == ClientCommand::Quit {
            continue; // shown with EXIT
        }
        let syntax = if c == ClientCommand::Exit {
            "EXIT | QUIT"
        } else {
            c.syntax()
        };
        text.push_str(&format!("  {:<width$}  {}\n", syntax, c.summary()));
    }
    text.push_str(
        "\nKeys: Tab completes, Up/Down recall history, Ctrl-C clears the line or cancels a request, Ctrl-D exits.\n",
    );
    text
}

/// The gist of a summary for the overview: up to the first `;` or `: `, without a trailing
/// parenthetical (one inside the clause, as in "its (failed) tasks", stays).
fn first_clause(summary: &str) -> &str {
    let clause = [";", ": "]
        .iter()
        .filter_map(|sep| summary.find(sep))
        .min()
        .map_or(summary, |i| &summary[..i]);
    match clause.rfind(" (") {
        Some(i) if clause.ends_with(')') => &clause[..i],
        _ => clause,
    }
}

fn page(name: &str, syntax: &str, summary: &str, example: &str) -> String {
    format!(
        "{name}\n\n  {summary}\n\nSyntax\n{}\n\nExample\n{}\n",
        indent(syntax),
        indent(example)
    )
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words of a topic query, upper-cased, without `;` and noise such as `SOURCE`/`LIST`.
fn words(query: &str) -> Vec<String> {
    query
        .trim()
        .trim_end_matches(';')
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c| c == '\'' || c == '"')
                .to_ascii_uppercase()
        })
        .filter(|w| !w.is_empty())
        .map(|w| match w.as_str() {
            "LIST" => "SHOW".to_string(),
            "CONNECTORS" => "CONNECTOR".to_string(),
            "PLUGINS" => "PLUGIN".to_string(),
            _ => w,
        })
        .filter(|w| !matches!(w.as_str(), "SOURCE" | "SINK" | "OR" | "REPLACE"))
        .collect()
}

/// The page for `HELP <query>`: the topic named exactly, else every topic starting with the
/// words (`HELP ALTER` lists the ALTER forms), else an error with the closest topic.
pub fn lookup(query: &str) -> Result<String, Error> {
    let wanted = words(query);
    if wanted.is_empty() {
        return Ok(overview());
    }
    let name_words = |name: &str| words(name);
    if let Some(c) = ClientCommand::ALL
        .into_iter()
        .find(|c| name_words(c.name()) == wanted)
    {
        return Ok(page(c.name(), c.syntax(), c.summary(), c.example()));
    }
    if let Some(t) = TOPICS.iter().find(|t| name_words(t.name) == wanted) {
        return Ok(page(t.name, t.syntax, t.summary, t.example));
    }
    let matches: Vec<&Topic> = TOPICS
        .iter()
        .filter(|t| name_words(t.name).starts_with(&wanted))
        .collect();
    match matches.as_slice() {
        [one] => Ok(page(one.name, one.syntax, one.summary, one.example)),
        [] => {
            let hint = closest(&wanted.join(" "))
                .map(|n| format!(" Did you mean HELP {n}?"))
                .unwrap_or_default();
            Err(Error::usage(format!(
                "No help for '{}'.{hint} HELP lists every statement.",
                query.trim()
            )))
        }
        many => Ok(many
            .iter()
            .map(|t| page(t.name, t.syntax, t.summary, t.example))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// The topic closest to `query` by edit distance, if reasonably close.
fn closest(query: &str) -> Option<&'static str> {
    crate::lang::ident::closest(
        query,
        TOPICS
            .iter()
            .map(|t| t.name)
            .chain(ClientCommand::ALL.iter().map(|c| c.name())),
    )
}

/// `HELP [topic]` as a statement result.
pub fn help(topic: Option<&str>) -> Result<Output, Error> {
    let text = match topic {
        None => overview(),
        Some(q) => lookup(q)?,
    };
    Ok(Output::new("help").with(Block::Text {
        name: "help".into(),
        text,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overview_keeps_the_whole_first_clause() {
        assert_eq!(
            first_clause("restart a connector, optionally with its (failed) tasks, or one task"),
            "restart a connector, optionally with its (failed) tasks, or one task"
        );
        assert_eq!(
            first_clause(
                "change (or remove) the offset of one partition; the connector must be STOPPED"
            ),
            "change (or remove) the offset of one partition"
        );
        assert_eq!(
            first_clause("forget the set of topics the connector has used (its Related Topics)"),
            "forget the set of topics the connector has used"
        );
    }

    #[test]
    fn overview_lists_every_topic_and_command() {
        let text = overview();
        for t in TOPICS {
            assert!(text.contains(t.name), "{} missing", t.name);
        }
        for c in ClientCommand::ALL {
            assert!(text.contains(c.name()), "{} missing", c.name());
        }
    }

    #[test]
    fn lookup_finds_topics_by_their_words() {
        assert!(
            lookup("CREATE CONNECTOR")
                .unwrap()
                .starts_with("CREATE CONNECTOR")
        );
        assert!(lookup("create").unwrap().starts_with("CREATE CONNECTOR"));
        assert!(
            lookup("list connectors;")
                .unwrap()
                .starts_with("SHOW CONNECTORS")
        );
        assert!(
            lookup("create source connector")
                .unwrap()
                .starts_with("CREATE CONNECTOR")
        );
        assert!(lookup("output").unwrap().contains("OUTPUT [JSON|TABULAR]"));
        let alter = lookup("ALTER").unwrap();
        assert!(alter.contains("RESET OFFSETS") && alter.contains("SET OFFSET"));
    }

    #[test]
    fn unknown_topics_suggest_the_closest() {
        let err = lookup("DESCRIBE CONECTOR").unwrap_err().to_string();
        assert!(
            err.contains("Did you mean HELP DESCRIBE CONNECTOR?"),
            "{err}"
        );
    }

    #[test]
    fn every_page_has_syntax_and_example() {
        for t in TOPICS {
            let p = lookup(t.name).unwrap();
            assert!(p.contains("Syntax") && p.contains("Example"), "{}", t.name);
            assert!(!t.example.is_empty());
        }
    }

    /// Help can never show an example the parser rejects, nor miss a statement kind.
    #[test]
    fn every_example_parses() {
        use crate::lang::{ParseOptions, parse_script};
        let opts = ParseOptions {
            allow_missing_semicolon: true,
            ..Default::default()
        };
        for t in TOPICS {
            let parsed = parse_script(t.example, &opts);
            assert!(parsed.is_ok(), "HELP {}: {:?}", t.name, parsed.err());
        }
        for c in ClientCommand::ALL {
            assert!(
                parse_script(c.example(), &opts).is_ok(),
                "HELP {}",
                c.name()
            );
        }
    }

    #[test]
    fn overview_snapshot() {
        insta::assert_snapshot!("help_overview", overview());
    }

    #[test]
    fn create_page_snapshot() {
        insta::assert_snapshot!("help_create_connector", lookup("CREATE CONNECTOR").unwrap());
    }
}
