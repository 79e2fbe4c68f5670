//! Parser tests: at least one accepted and one rejected example per statement form, error
//! positions (`assert_parse_error!`), script splitting, `--ksql-compat`, and the round trip
//! `parse(s.to_string()) == s` (examples here, generated cases in `proptests.rs`).

use super::ast::*;
use super::*;

/// Options for single statements in tests: the final `;` may be omitted.
fn opts() -> ParseOptions {
    ParseOptions {
        allow_missing_semicolon: true,
        ..ParseOptions::default()
    }
}

fn parse(src: &str) -> Statement {
    match parse_statement(src, &opts()) {
        Ok(s) => s,
        Err(e) => panic!("{src:?} should parse:\n{}", e.render(src, None)),
    }
}

/// Parses `src`, checks its canonical text is `canonical` and that the text parses back to it.
#[track_caller]
fn accepts(src: &str, canonical: &str) {
    let stmt = parse(src);
    assert_eq!(stmt.to_string(), canonical, "canonical text of {src:?}");
    assert_eq!(parse(canonical), stmt, "round trip of {canonical:?}");
    // The multi-line form parses to the same statement too.
    let pretty = format!("{stmt:#}");
    assert_eq!(parse(&pretty), stmt, "round trip of {pretty:?}");
}

/// `assert_parse_error!(src, line, column, "expected ...")`: parsing `src` fails at that 1-based
/// line and column with a message containing the text.
macro_rules! assert_parse_error {
    ($src:expr, $line:expr, $col:expr, $msg:expr) => {{
        let src: &str = $src;
        match parse_script(src, &opts()) {
            Ok(stmts) => panic!("{src:?} should not parse, got {stmts:?}"),
            Err(e) => {
                assert!(
                    e.message.contains($msg),
                    "{src:?}: message {:?} lacks {:?}",
                    e.message,
                    $msg
                );
                assert_eq!(
                    (e.line, e.column),
                    ($line, $col),
                    "{src:?}: position of {:?}",
                    e.message
                );
                assert!(
                    !e.message.contains("Nom") && !e.message.contains("ErrorKind"),
                    "nom internals in {:?}",
                    e.message
                );
                e
            }
        }
    }};
}

fn plain(s: &str) -> Name {
    Name::Plain(s.into())
}

fn prop(k: Name, v: Literal) -> Property {
    Property::new(k, v)
}

// ---- CREATE ----

#[test]
fn create_connector() {
    let s = parse(
        "create source connector IF NOT EXISTS `jdbc-src` with (\n  \"connector.class\" = 'io.confluent.connect.jdbc.JdbcSourceConnector',\n  'tasks.max' = 1, flag = true, n = NULL, v = ${val}, neg = -1.5e3\n);",
    );
    assert_eq!(
        s,
        Statement::CreateConnector(CreateConnector {
            or_replace: false,
            if_not_exists: true,
            kind: Some(ConnectorType::Source),
            name: Name::Quoted("jdbc-src".into()),
            properties: vec![
                prop(
                    Name::Quoted("connector.class".into()),
                    Literal::String("io.confluent.connect.jdbc.JdbcSourceConnector".into())
                ),
                prop(
                    Name::Quoted("tasks.max".into()),
                    Literal::Number("1".into())
                ),
                prop(plain("flag"), Literal::Boolean(true)),
                prop(plain("n"), Literal::Null),
                prop(plain("v"), Literal::Var("val".into())),
                prop(plain("neg"), Literal::Number("-1.5e3".into())),
            ],
            initially: None,
            offsets: Vec::new(),
        })
    );
    accepts(
        "CREATE SINK CONNECTOR s WITH ('a'='b')",
        "CREATE SINK CONNECTOR s WITH ('a' = 'b')",
    );
    accepts(
        "CREATE SINK CONNECTOR s WITH (a = - 1, b = -2)",
        "CREATE SINK CONNECTOR s WITH (a = -1, b = -2)",
    );
    accepts(
        "create connector my-conn.v2 with (topics = 'it''s')",
        "CREATE CONNECTOR my-conn.v2 WITH (topics = 'it''s')",
    );
    accepts(
        "CREATE OR REPLACE SOURCE CONNECTOR \"a\"\"b\" WITH ('x' = 1)",
        "CREATE OR REPLACE SOURCE CONNECTOR \"a\"\"b\" WITH ('x' = 1)",
    );
    accepts(
        "CREATE CONNECTOR ${name} WITH (${k} = ${v})",
        "CREATE CONNECTOR ${name} WITH (${k} = ${v})",
    );
    // Keywords are not reserved.
    accepts(
        "CREATE CONNECTOR if WITH (with = 1)",
        "CREATE CONNECTOR if WITH (with = 1)",
    );
}

#[test]
fn create_connector_initially_and_with_offsets() {
    accepts(
        "create connector c with ('a' = 'b') initially stopped",
        "CREATE CONNECTOR c WITH ('a' = 'b') INITIALLY STOPPED",
    );
    accepts(
        "CREATE OR REPLACE SINK CONNECTOR c WITH ('a' = 'b') INITIALLY PAUSED",
        "CREATE OR REPLACE SINK CONNECTOR c WITH ('a' = 'b') INITIALLY PAUSED",
    );
    // Either order; one canonical text.
    accepts(
        "CREATE CONNECTOR IF NOT EXISTS c WITH ('a' = 'b') WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 3), PARTITION (q = 1) TO NULL) INITIALLY RUNNING",
        "CREATE CONNECTOR IF NOT EXISTS c WITH ('a' = 'b') INITIALLY RUNNING WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 3), PARTITION (q = 1) TO NULL)",
    );
    let Statement::CreateConnector(c) = parse(
        "CREATE CONNECTOR c WITH ('a' = 'b') WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 3))",
    ) else {
        panic!()
    };
    assert_eq!(c.initially, None);
    assert_eq!(c.offsets.len(), 1);
    assert_eq!(
        format!("{}", Statement::CreateConnector(c.clone())),
        "CREATE CONNECTOR c WITH ('a' = 'b') WITH OFFSETS (PARTITION ('f' = 'x') TO ('p' = 3))"
    );
    assert_parse_error!(
        "CREATE CONNECTOR c WITH ('a' = 'b') INITIALLY FAILED",
        1,
        47,
        "expected RUNNING, PAUSED or STOPPED after CREATE CONNECTOR c WITH (...) INITIALLY, found 'FAILED'"
    );
    assert_parse_error!(
        "CREATE CONNECTOR c WITH ('a' = 'b') INITIALLY",
        1,
        46,
        "expected RUNNING, PAUSED or STOPPED"
    );
    assert_parse_error!(
        "CREATE OR REPLACE CONNECTOR c WITH ('a' = 'b') WITH OFFSETS (PARTITION ('f' = 'x') TO NULL)",
        1,
        48,
        "WITH OFFSETS sets the offsets of a new connector"
    );
    assert_parse_error!(
        "CREATE CONNECTOR c WITH ('a' = 'b') WITH OFFSETS ('f' = 'x')",
        1,
        51,
        "expected PARTITION after CREATE CONNECTOR c WITH (...) WITH OFFSETS ("
    );
    assert_parse_error!(
        "CREATE CONNECTOR c WITH ('a' = 'b') INITIALLY RUNNING INITIALLY PAUSED",
        1,
        55,
        "expected ';'"
    );
}

#[test]
fn show_create_with_offsets_and_describe_plugin_version() {
    accepts(
        "show create connector c with offsets",
        "SHOW CREATE CONNECTOR c WITH OFFSETS",
    );
    accepts("SHOW CREATE CONNECTOR with", "SHOW CREATE CONNECTOR with");
    accepts(
        "DESCRIBE PLUGIN FileStreamSource VERSION '4.1.0'",
        "DESCRIBE PLUGIN 'FileStreamSource' VERSION '4.1.0'",
    );
    accepts(
        "DESCRIBE PLUGIN 'x' VERSION '[1.0,2.0)'",
        "DESCRIBE PLUGIN 'x' VERSION '[1.0,2.0)'",
    );
    assert_parse_error!(
        "DESCRIBE PLUGIN 'x' VERSION",
        1,
        28,
        "expected a 'version' (or version range) after DESCRIBE PLUGIN 'x' VERSION"
    );
}

#[test]
fn create_connector_errors() {
    assert_parse_error!(
        "CREATE CONNECTOR WITH ('a' = 'b')",
        1,
        18,
        "expected a connector name after CREATE CONNECTOR, found 'WITH'"
    );
    assert_parse_error!(
        "CREATE SOURCE x",
        1,
        15,
        "expected CONNECTOR after CREATE SOURCE, found 'x'"
    );
    assert_parse_error!(
        "CREATE TABLE x",
        1,
        8,
        "expected SOURCE, SINK, OR REPLACE or CONNECTOR after CREATE"
    );
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x",
        1,
        26,
        "expected WITH after CREATE SOURCE CONNECTOR x, found end of input"
    );
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH ()",
        1,
        33,
        "expected a property (key = value)"
    );
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH ('a' 'b')",
        1,
        37,
        "expected '=' after the key 'a', found string 'b'"
    );
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH ('a' = b)",
        1,
        39,
        "expected a value ('string', number, TRUE, FALSE, NULL or ${variable}) after 'a' ="
    );
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH ('a' = 'b' 'c' = 1)",
        1,
        43,
        "expected ',' or ')' after 'a' = 'b'"
    );
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH ('a' = 'b',",
        1,
        43,
        "expected a property key"
    );
    assert_parse_error!(
        "CREATE OR REPLACE CONNECTOR IF NOT EXISTS x WITH (a = 1)",
        1,
        42,
        "cannot be combined with IF NOT EXISTS"
    );
    assert_parse_error!(
        "CREATE CONNECTOR IF NOT x WITH (a = 1)",
        1,
        25,
        "expected EXISTS after CREATE CONNECTOR IF NOT"
    );
    assert_parse_error!("CREATE OR x", 1, 11, "expected REPLACE after CREATE OR");
}

#[test]
fn duplicate_keys_name_both_positions() {
    let e = assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH (\n  'tasks.max' = 1,\n  \"tasks.max\" = 2)",
        3,
        3,
        "property 'tasks.max' is given twice: at line 2, column 3 and at line 3, column 3"
    );
    assert_eq!(e.span.end - e.span.start, "\"tasks.max\"".len());
    // Long lists take another path.
    let many: Vec<String> = (0..40).map(|i| format!("k{i} = {i}")).collect();
    let src = format!("ALTER CONNECTOR x SET ({}, k35 = 0)", many.join(", "));
    let col = src.len() - "k35 = 0)".len() + 1;
    assert_parse_error!(&src, 1, col, "property 'k35' is given twice");
    let src = format!("ALTER CONNECTOR x SET ({}, k3 = 0)", many.join(", "));
    let col = src.len() - "k3 = 0)".len() + 1;
    assert_parse_error!(&src, 1, col, "property 'k3' is given twice");
    assert_eq!(
        parse(&format!("ALTER CONNECTOR x SET ({})", many.join(", ")))
            .to_string()
            .len(),
        format!("ALTER CONNECTOR x SET ({})", many.join(", ")).len()
    );
    assert_parse_error!(
        "ALTER CONNECTOR x SET (a = 1, a = 2)",
        1,
        31,
        "property 'a' is given twice"
    );
}

// ---- DROP / DESCRIBE / SHOW ----

#[test]
fn drop_connector() {
    accepts("drop connector x", "DROP CONNECTOR x");
    accepts("DRoP CONNEcTOR x;", "DROP CONNECTOR x");
    accepts(
        "DROP CONNECTOR IF EXISTS `a b`",
        "DROP CONNECTOR IF EXISTS \"a b\"",
    );
    accepts("DROP CONNECTOR if", "DROP CONNECTOR if");
    assert_parse_error!(
        "DROP CONNECTOR ;",
        1,
        16,
        "expected a connector name after DROP CONNECTOR, found ';'"
    );
    assert_parse_error!(
        "DROP CONNECTOR IF EXISTS",
        1,
        25,
        "expected a connector name after DROP CONNECTOR IF EXISTS, found end of input"
    );
    let e = assert_parse_error!(
        "DROP CONECTOR x",
        1,
        6,
        "expected CONNECTOR or CONNECTORS after DROP, found 'CONECTOR'"
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean CONNECTOR?"));
    assert_parse_error!(
        "DROP CONNECTOR x y",
        1,
        18,
        "expected ';' after DROP CONNECTOR x, found 'y'"
    );
}

#[test]
fn describe() {
    accepts("describe connector x", "DESCRIBE CONNECTOR x");
    accepts(
        "DESCRIBE CONNECTOR x extended",
        "DESCRIBE CONNECTOR x EXTENDED",
    );
    accepts(
        "DESCRIBE PLUGIN 'io.confluent.connect.jdbc.JdbcSourceConnector'",
        "DESCRIBE PLUGIN 'io.confluent.connect.jdbc.JdbcSourceConnector'",
    );
    accepts(
        "DESCRIBE PLUGIN FileStreamSource",
        "DESCRIBE PLUGIN 'FileStreamSource'",
    );
    assert_parse_error!(
        "DESCRIBE x",
        1,
        10,
        "expected CONNECTOR or PLUGIN after DESCRIBE"
    );
    assert_parse_error!(
        "DESCRIBE CONNECTOR",
        1,
        19,
        "expected a connector name after DESCRIBE CONNECTOR"
    );
    assert_parse_error!(
        "DESCRIBE PLUGIN ;",
        1,
        17,
        "expected a plugin class or alias after DESCRIBE PLUGIN"
    );
}

#[test]
fn show() {
    accepts("show connectors", "SHOW CONNECTORS");
    accepts("LIST CONNECTORS", "SHOW CONNECTORS");
    accepts("list source connectors", "SHOW SOURCE CONNECTORS");
    accepts("SHOW SINK CONNECTORS", "SHOW SINK CONNECTORS");
    accepts(
        "SHOW CONNECTORS LIKE 'jdbc%'",
        "SHOW CONNECTORS LIKE 'jdbc%'",
    );
    accepts("show connector plugins", "SHOW CONNECTOR PLUGINS");
    accepts("LIST CONNECTOR PLUGINS", "SHOW CONNECTOR PLUGINS");
    accepts("SHOW PLUGINS", "SHOW PLUGINS");
    accepts("SHOW CREATE CONNECTOR x", "SHOW CREATE CONNECTOR x");
    accepts("SHOW CONNECTOR OFFSETS x", "SHOW CONNECTOR OFFSETS x");
    accepts("SHOW CLUSTER", "SHOW CLUSTER");
    accepts("SHOW LOGGERS", "SHOW LOGGERS");
    accepts(
        "SHOW LOGGERS LIKE 'org.apache%'",
        "SHOW LOGGERS LIKE 'org.apache%'",
    );
    accepts("SHOW PROPERTIES", "SHOW PROPERTIES");
    accepts("LIST VARIABLES", "SHOW VARIABLES");
    assert_parse_error!("SHOW", 1, 5, "expected CONNECTORS, SOURCE, SINK");
    assert_parse_error!(
        "SHOW SOURCE PLUGINS",
        1,
        13,
        "expected CONNECTORS after SHOW SOURCE"
    );
    assert_parse_error!(
        "SHOW CONNECTOR x",
        1,
        16,
        "expected PLUGINS, OFFSETS or ERRORS after SHOW CONNECTOR"
    );
    let e = assert_parse_error!(
        "SHOW CONNECTORS LIKE jdbc",
        1,
        22,
        "expected a 'pattern' (% and _ are wildcards) after SHOW CONNECTORS LIKE"
    );
    assert!(e.hint.unwrap().contains("'single quoted'"));
    assert_parse_error!(
        "SHOW CREATE x",
        1,
        13,
        "expected CONNECTOR after SHOW CREATE"
    );
    assert_parse_error!(
        "SHOW CONNECTOR OFFSETS",
        1,
        23,
        "expected a connector name after SHOW CONNECTOR OFFSETS"
    );
    let e = assert_parse_error!("SHOW CONECTORS", 1, 6, "expected CONNECTORS");
    assert_eq!(e.hint.as_deref(), Some("did you mean CONNECTORS?"));
}

// ---- kcsh extensions ----

#[test]
fn validate() {
    accepts(
        "VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource')",
        "VALIDATE CONNECTOR WITH ('connector.class' = 'FileStreamSource')",
    );
    accepts(
        "validate sink connector x with (a = 1)",
        "VALIDATE SINK CONNECTOR x WITH (a = 1)",
    );
    accepts(
        "VALIDATE CONNECTOR with WITH (a = 1)",
        "VALIDATE CONNECTOR with WITH (a = 1)",
    );
    assert_parse_error!(
        "VALIDATE CONNECTOR x",
        1,
        21,
        "expected WITH after VALIDATE CONNECTOR x"
    );
    assert_parse_error!(
        "VALIDATE x",
        1,
        10,
        "expected SOURCE, SINK or CONNECTOR after VALIDATE"
    );
}

#[test]
fn lifecycle() {
    accepts("pause connector x", "PAUSE CONNECTOR x");
    accepts("RESUME CONNECTOR x", "RESUME CONNECTOR x");
    accepts("STOP CONNECTOR x", "STOP CONNECTOR x");
    accepts("PAUSE CONNECTORS", "PAUSE CONNECTORS");
    accepts(
        "resume connectors like 'fs-%'",
        "RESUME CONNECTORS LIKE 'fs-%'",
    );
    assert_parse_error!(
        "PAUSE x",
        1,
        7,
        "expected CONNECTOR or CONNECTORS after PAUSE"
    );
    assert_parse_error!(
        "STOP CONNECTOR",
        1,
        15,
        "expected a connector name after STOP CONNECTOR"
    );
    assert_parse_error!("RESUME CONNECTORS LIKE", 1, 23, "expected a 'pattern'");
}

#[test]
fn restart() {
    accepts("restart connector x", "RESTART CONNECTOR x");
    accepts(
        "RESTART CONNECTOR x ONLY FAILED INCLUDE TASKS",
        "RESTART CONNECTOR x INCLUDE TASKS ONLY FAILED",
    );
    accepts(
        "RESTART CONNECTORS LIKE 'a%' INCLUDE TASKS",
        "RESTART CONNECTORS LIKE 'a%' INCLUDE TASKS",
    );
    accepts("RESTART CONNECTOR x TASK 0", "RESTART CONNECTOR x TASK 0");
    assert_eq!(
        parse("RESTART CONNECTOR x TASK 3"),
        Statement::RestartTask(RestartTask {
            name: plain("x"),
            task: 3
        })
    );
    assert_parse_error!(
        "RESTART CONNECTOR x TASK -1",
        1,
        26,
        "it must be a whole number"
    );
    assert_parse_error!(
        "RESTART CONNECTOR x TASK",
        1,
        25,
        "expected a task number after RESTART CONNECTOR x TASK"
    );
    assert_parse_error!(
        "RESTART CONNECTOR x INCLUDE",
        1,
        28,
        "expected TASKS after RESTART CONNECTOR x INCLUDE"
    );
    assert_parse_error!(
        "RESTART CONNECTORS TASK 1",
        1,
        20,
        "expected ';' after RESTART CONNECTORS"
    );
}

#[test]
fn alter() {
    accepts(
        "alter connector x set ('tasks.max' = 2, b = 'c')",
        "ALTER CONNECTOR x SET ('tasks.max' = 2, b = 'c')",
    );
    accepts(
        "ALTER CONNECTOR x UNSET ('a', \"b\", c)",
        "ALTER CONNECTOR x UNSET ('a', 'b', c)",
    );
    accepts(
        "ALTER CONNECTOR x SET OFFSET PARTITION ('filename' = '/tmp/a') TO ('position' = 42)",
        "ALTER CONNECTOR x SET OFFSET PARTITION ('filename' = '/tmp/a') TO ('position' = 42)",
    );
    accepts(
        "ALTER CONNECTOR x SET OFFSET PARTITION (kafka_topic = 't', kafka_partition = 0) TO NULL",
        "ALTER CONNECTOR x SET OFFSET PARTITION (kafka_topic = 't', kafka_partition = 0) TO NULL",
    );
    accepts(
        "alter connector x reset offsets",
        "ALTER CONNECTOR x RESET OFFSETS",
    );
    accepts(
        "ALTER CONNECTOR x RESET TOPICS",
        "ALTER CONNECTOR x RESET TOPICS",
    );
    assert_parse_error!(
        "ALTER CONNECTOR x",
        1,
        18,
        "expected SET, UNSET or RESET after ALTER CONNECTOR x"
    );
    assert_parse_error!(
        "ALTER CONNECTOR x SET a = 1",
        1,
        23,
        "expected '(' or OFFSET after ALTER CONNECTOR x SET"
    );
    assert_parse_error!(
        "ALTER CONNECTOR x UNSET ('a' 'b')",
        1,
        30,
        "expected ',' or ')' after 'a'"
    );
    assert_parse_error!(
        "ALTER CONNECTOR x RESET",
        1,
        24,
        "expected OFFSETS or TOPICS after ALTER CONNECTOR x RESET"
    );
    assert_parse_error!(
        "ALTER CONNECTOR x SET OFFSET PARTITION (a = 1)",
        1,
        47,
        "expected TO after ALTER CONNECTOR x SET OFFSET PARTITION (...)"
    );
    assert_parse_error!("ALTER x", 1, 7, "expected CONNECTOR after ALTER");
}

#[test]
fn show_connector_errors() {
    accepts("show connector errors s", "SHOW CONNECTOR ERRORS s");
    accepts(
        "LIST CONNECTOR ERRORS s LIMIT 3",
        "SHOW CONNECTOR ERRORS s LIMIT 3",
    );
    assert_parse_error!(
        "SHOW CONNECTOR ERRORS",
        1,
        22,
        "expected a connector name after SHOW CONNECTOR ERRORS"
    );
    assert_parse_error!(
        "SHOW CONNECTOR ERRORS s LIMIT 0",
        1,
        31,
        "LIMIT must be 1 or more: LIMIT 0 would show nothing"
    );
    assert_parse_error!(
        "SHOW CONNECTOR ERRORS s LIMIT -1",
        1,
        31,
        "expected a number of records (1 or more) after SHOW CONNECTOR ERRORS s LIMIT"
    );
    assert_parse_error!(
        "SHOW CONNECTOR ERRORS s LIMIT 99999999999999999999999",
        1,
        31,
        "expected a number of records (1 or more) after SHOW CONNECTOR ERRORS s LIMIT, found 99999999999999999999999: it must be a whole number"
    );
}

#[test]
fn show_topics_and_print() {
    accepts("show topics", "SHOW TOPICS");
    accepts("list topics extended", "SHOW TOPICS EXTENDED");
    accepts("SHOW ALL TOPICS LIKE 'o%'", "SHOW ALL TOPICS LIKE 'o%'");
    accepts(
        "show topics extended like 'orders-%'",
        "SHOW TOPICS EXTENDED LIKE 'orders-%'",
    );
    assert_parse_error!(
        "SHOW ALL CONNECTORS",
        1,
        10,
        "expected TOPICS after SHOW ALL"
    );
    assert_parse_error!("SHOW TOPICS LIKE o", 1, 18, "expected a 'pattern'");

    accepts("print 'orders'", "PRINT 'orders'");
    accepts("PRINT orders.v1", "PRINT orders.v1");
    accepts("PRINT \"Orders\"", "PRINT 'Orders'");
    accepts(
        "print 't' from beginning interval 2 limit 10",
        "PRINT 't' FROM BEGINNING INTERVAL 2 LIMIT 10",
    );
    accepts("PRINT 't' SAMPLE 3", "PRINT 't' INTERVAL 3");
    accepts("PRINT ${topic} LIMIT 1", "PRINT ${topic} LIMIT 1");
    assert_parse_error!("PRINT", 1, 6, "expected a topic name after PRINT");
    assert_parse_error!(
        "PRINT 't' FROM",
        1,
        15,
        "expected BEGINNING after PRINT 't' FROM"
    );
    let e = assert_parse_error!(
        "PRINT 't' LIMIT 0",
        1,
        17,
        "PRINT 't' LIMIT takes a number from 1"
    );
    assert!(e.hint.is_some());
    assert_parse_error!(
        "PRINT 't' LIMIT -1",
        1,
        17,
        "expected a number of records after PRINT 't' LIMIT"
    );
    assert_parse_error!(
        "PRINT 't' INTERVAL 0",
        1,
        20,
        "PRINT 't' INTERVAL takes a number from 1"
    );
    assert_parse_error!(
        "PRINT 't' LIMIT 99999999999999999999999",
        1,
        17,
        "it must be a whole number"
    );
}

#[test]
fn wait_explain_cluster_loggers() {
    accepts("wait for connector x", "WAIT FOR CONNECTOR x");
    accepts(
        "WAIT FOR CONNECTOR x TIMEOUT 30 SECONDS",
        "WAIT FOR CONNECTOR x TIMEOUT 30 SECONDS",
    );
    accepts(
        "WAIT FOR CONNECTOR x TIMEOUT 1 second",
        "WAIT FOR CONNECTOR x TIMEOUT 1 SECONDS",
    );
    assert_parse_error!(
        "WAIT FOR CONNECTOR x TIMEOUT soon",
        1,
        30,
        "expected a number of seconds after WAIT FOR CONNECTOR x TIMEOUT"
    );
    assert_parse_error!("WAIT CONNECTOR x", 1, 6, "expected FOR after WAIT");
    accepts(
        "wait for connector x caught up",
        "WAIT FOR CONNECTOR x CAUGHT UP",
    );
    accepts(
        "WAIT FOR CONNECTOR \"a b\" CAUGHT UP TIMEOUT 5 SECONDS",
        "WAIT FOR CONNECTOR \"a b\" CAUGHT UP TIMEOUT 5 SECONDS",
    );
    assert_parse_error!(
        "WAIT FOR CONNECTOR x CAUGHT",
        1,
        28,
        "expected UP after WAIT FOR CONNECTOR x CAUGHT"
    );

    accepts("explain drop connector x", "EXPLAIN DROP CONNECTOR x");
    accepts(
        "EXPLAIN CREATE SOURCE CONNECTOR x WITH (a = 1)",
        "EXPLAIN CREATE SOURCE CONNECTOR x WITH (a = 1)",
    );
    assert_parse_error!("EXPLAIN", 1, 8, "expected a statement after EXPLAIN");
    assert_parse_error!(
        "EXPLAIN SET 'a' = 'b'",
        1,
        9,
        "EXPLAIN shows the REST calls of a connector statement; SET sends none"
    );
    assert_parse_error!(
        &format!("{}DROP CONNECTOR x", "EXPLAIN ".repeat(100_000)),
        1,
        9,
        "EXPLAIN cannot explain EXPLAIN"
    );
    assert_parse_error!(
        "EXPLAIN DROP CONNECTOR",
        1,
        23,
        "expected a connector name after DROP CONNECTOR"
    );

    accepts("show cluster", "SHOW CLUSTER");
    accepts(
        "SET LOGGER 'org.apache.kafka.connect' = 'DEBUG'",
        "SET LOGGER 'org.apache.kafka.connect' = 'DEBUG'",
    );
    accepts(
        "set logger org.apache.kafka = warn for cluster",
        "SET LOGGER 'org.apache.kafka' = 'warn' FOR CLUSTER",
    );
    assert_parse_error!(
        "SET LOGGER 'a' 'DEBUG'",
        1,
        16,
        "expected '=' after SET LOGGER 'a'"
    );
    assert_parse_error!(
        "SET LOGGER 'a' = 'DEBUG' FOR",
        1,
        29,
        "expected CLUSTER after SET LOGGER 'a' = 'DEBUG' FOR"
    );
}

// ---- client statements ----

#[test]
fn client_statements() {
    accepts("SET 'ksql.compat' = 'true'", "SET 'ksql.compat' = 'true'");
    accepts("set 'output'='json'", "SET 'output' = 'json'");
    accepts("SET ${p} = ${v}", "SET '${p}' = '${v}'");
    accepts("UNSET 'output'", "UNSET 'output'");
    accepts("show properties", "SHOW PROPERTIES");
    accepts("define host = 'db'", "DEFINE host = 'db'");
    accepts("UNDEFINE host", "UNDEFINE host");
    accepts("SHOW VARIABLES", "SHOW VARIABLES");
    accepts("RUN SCRIPT '/tmp/a b.sql'", "RUN SCRIPT '/tmp/a b.sql'");
    accepts("run script /tmp/x.sql", "RUN SCRIPT '/tmp/x.sql'");
    accepts("OUTPUT", "OUTPUT");
    accepts("output json", "OUTPUT JSON");
    accepts("OUTPUT TABULAR", "OUTPUT TABULAR");
    accepts("SERVER", "SERVER");
    accepts(
        "server http://localhost:8083",
        "SERVER 'http://localhost:8083'",
    );
    accepts("HELP", "HELP");
    accepts("help create connector", "HELP create connector");
    accepts("HELP 'x;y'", "HELP 'x;y'");
    accepts("history", "HISTORY");
    accepts("clear", "CLEAR");
    accepts("exit", "EXIT");
    assert_eq!(parse("QUIT"), Statement::Client(ClientStatement::Exit));

    assert_parse_error!("SET 'a'", 1, 8, "expected '=' after SET 'a'");
    assert_parse_error!(
        "SET ('a' = 1)",
        1,
        5,
        "expected a 'property' or LOGGER after SET"
    );
    assert_parse_error!("UNSET", 1, 6, "expected a 'property' after UNSET");
    let e = assert_parse_error!(
        "DEFINE host = db",
        1,
        15,
        "expected a 'string' value after DEFINE host ="
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("quote the value: DEFINE host = 'db'")
    );
    assert_parse_error!(
        "DEFINE my-var = 'x'",
        1,
        8,
        "invalid variable name 'my-var'"
    );
    assert_parse_error!("UNDEFINE", 1, 9, "expected a variable name after UNDEFINE");
    assert_parse_error!("RUN 'x'", 1, 5, "expected SCRIPT after RUN");
    assert_parse_error!("RUN SCRIPT", 1, 11, "expected a 'path' after RUN SCRIPT");
    assert_parse_error!("OUTPUT XML", 1, 8, "expected JSON or TABULAR after OUTPUT");
    assert_parse_error!(
        "HELP 'open",
        1,
        6,
        "unterminated string: the closing ' is missing"
    );
    assert_parse_error!("EXIT now", 1, 6, "expected ';' after EXIT");
}

// ---- scripts, positions, lexical rules ----

#[test]
fn scripts_split_on_unquoted_semicolons() {
    let src = "-- header ; comment\nSHOW CONNECTORS;\n/* ; */ CREATE SINK CONNECTOR x WITH (\n  'a' = 'b;c' -- ;\n);;\nhelp\nDROP CONNECTOR \"y;\"";
    let stmts = parse_script(src, &opts()).unwrap();
    let texts: Vec<&str> = stmts.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "SHOW CONNECTORS",
            "CREATE SINK CONNECTOR x WITH (\n  'a' = 'b;c' -- ;\n)",
            "help",
            "DROP CONNECTOR \"y;\"",
        ]
    );
    let positions: Vec<(usize, usize)> = stmts.iter().map(|l| (l.line, l.column)).collect();
    assert_eq!(positions, vec![(2, 1), (3, 9), (6, 1), (7, 1)]);
    assert_eq!(&src[stmts[1].span.start..stmts[1].span.end], stmts[1].text);
}

#[test]
fn missing_final_semicolon() {
    let strict = ParseOptions::default();
    let e = parse_script("SHOW CONNECTORS; DROP CONNECTOR x", &strict).unwrap_err();
    assert_eq!((e.line, e.column), (1, 34));
    assert!(
        e.message
            .contains("expected ';' after DROP CONNECTOR x, found end of input")
    );
    assert_eq!(parse_script("DROP CONNECTOR x", &opts()).unwrap().len(), 1);
    // A forgotten `;` before the next statement is reported where it belongs.
    let e = parse_script("DROP CONNECTOR x\n\nshow connectors;", &strict).unwrap_err();
    assert_eq!((e.line, e.column), (1, 17));
    assert_eq!(
        e.message,
        "expected ';' after DROP CONNECTOR x, found 'show' on line 3"
    );
    assert_eq!(e.hint.as_deref(), Some("each statement ends with ';'"));
    // Client commands never need one.
    assert_eq!(
        parse_script("SHOW CONNECTORS;\nexit", &strict)
            .unwrap()
            .len(),
        2
    );
    assert_eq!(parse_script("", &strict).unwrap().len(), 0);
    assert_eq!(parse_script("  -- nothing\n", &strict).unwrap().len(), 0);
}

#[test]
fn unknown_statement_suggests_a_keyword() {
    let e = assert_parse_error!(
        "SHOW CONNECTORS;\nDORP CONNECTOR x;",
        2,
        1,
        "unknown statement 'DORP': did you mean DROP?"
    );
    assert!(e.hint.is_some());
    assert_parse_error!("selct * from t", 1, 1, "unknown statement 'selct'");
    assert_parse_error!("( x", 1, 1, "expected a statement, found '('");
    let e = assert_parse_error!("SELECT * FROM t", 1, 1, "unknown statement 'SELECT'");
    assert!(e.hint.unwrap().contains("connector statements only"));
    let e = assert_parse_error!("CREATE STREAM s", 1, 8, "found 'STREAM'");
    assert!(e.hint.unwrap().contains("connector statements only"));
    // The end of the input is reported right after the last token.
    assert_parse_error!("DROP CONNECTOR  -- name?\n\n", 1, 15, "found end of input");
}

#[test]
fn unterminated_tokens() {
    assert_parse_error!(
        "CREATE SOURCE CONNECTOR x WITH ('a' = 'b",
        1,
        39,
        "unterminated string"
    );
    assert_parse_error!(
        "DROP CONNECTOR \"x",
        1,
        16,
        "unterminated quoted identifier"
    );
    assert_parse_error!("SHOW CONNECTORS; /* x", 1, 18, "unterminated comment");
}

#[test]
fn positions_count_characters_not_bytes() {
    assert_parse_error!("DROP CONNECTOR \"ü\" é", 1, 20, "expected ';'");
    assert_parse_error!("\tDROP CONNECTOR ;", 1, 17, "expected a connector name");
}

#[test]
fn ksql_compat_upper_cases_unquoted_names_and_keys() {
    let compat = ParseOptions {
        ksql_compat: true,
        allow_missing_semicolon: true,
    };
    let s = parse_statement(
        "CREATE SOURCE CONNECTOR s WITH (key = 'v', \"q\" = 'w', 'str' = 'x')",
        &compat,
    )
    .unwrap();
    assert_eq!(
        s.to_string(),
        "CREATE SOURCE CONNECTOR S WITH (KEY = 'v', 'q' = 'w', 'str' = 'x')"
    );
    let mut kept = parse("DROP CONNECTOR s");
    assert_eq!(
        kept,
        Statement::DropConnector(DropConnector {
            if_exists: false,
            name: plain("s")
        })
    );
    apply_ksql_compat(&mut kept);
    assert_eq!(kept.to_string(), "DROP CONNECTOR S");
}

#[test]
fn display_quotes_plain_names_that_need_it() {
    let s = Statement::DropConnector(DropConnector {
        if_exists: false,
        name: plain("my conn"),
    });
    assert_eq!(s.to_string(), "DROP CONNECTOR \"my conn\"");
    let s = Statement::CreateConnector(CreateConnector {
        or_replace: true,
        if_not_exists: false,
        kind: None,
        name: plain("x"),
        properties: vec![
            prop(Name::Quoted("a".into()), Literal::String("1".into())),
            prop(plain("b c"), Literal::Boolean(false)),
        ],
        initially: None,
        offsets: Vec::new(),
    });
    assert_eq!(
        format!("{s:#}"),
        "CREATE OR REPLACE CONNECTOR x WITH (\n  'a' = '1',\n  \"b c\" = FALSE\n)"
    );
}

#[test]
fn error_report_has_caret() {
    let src = "SHOW CONNECTORS;\n\nDROP CONNECTOR ;";
    let e = parse_script(src, &opts()).unwrap_err();
    assert_eq!(
        e.render(src, Some("script.sql")),
        "error: expected a connector name after DROP CONNECTOR, found ';'\n --> script.sql: line 3, column 16\n  |\n3 | DROP CONNECTOR ;\n  |                ^"
    );
}

// ---- the ksqlDB corpus ----

#[test]
fn ksqldb_corpus_parses() {
    let src = include_str!("../../tests/ksqldb_corpus.sql");
    let stmts = match parse_script(src, &ParseOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("{}", e.render(src, Some("tests/ksqldb_corpus.sql"))),
    };
    assert!(stmts.len() >= 50, "only {} statements", stmts.len());
    // Every statement prints canonically and parses back to itself.
    for l in &stmts {
        let text = l.statement.to_string();
        assert_eq!(parse(&text), l.statement, "round trip of line {}", l.line);
    }
    let first = &stmts[0].statement;
    let Statement::CreateConnector(CreateConnector {
        kind,
        name,
        properties,
        ..
    }) = first
    else {
        panic!("{first:?}")
    };
    assert_eq!(*kind, Some(ConnectorType::Source));
    assert_eq!(*name, Name::Quoted("jdbc-connector".into()));
    assert_eq!(properties.len(), 6);
    assert_eq!(properties[5].key, Name::Quoted("key".into()));
    // Under --ksql-compat, unquoted names are upper-cased as ksqlDB does.
    let compat = parse_script(
        src,
        &ParseOptions {
            ksql_compat: true,
            ..ParseOptions::default()
        },
    )
    .unwrap();
    let names: Vec<String> = compat
        .iter()
        .filter_map(|l| match &l.statement {
            Statement::CreateConnector(CreateConnector { name, .. }) => Some(name.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        names.contains(&"LOWER_CASE_EVERYTHING".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"\"jdbc-connector\"".to_owned()),
        "{names:?}"
    );
}

/// Work is bounded on any input (issue 9 §5): long runs of hostile fragments lex, parse,
/// resolve and print in about linear time and without deep recursion. A quadratic step over
/// 200,000 characters would take minutes here.
#[test]
fn hostile_inputs_take_bounded_work() {
    use std::time::{Duration, Instant};
    let mut vars = vars::Variables::new();
    vars.define("x", "y");
    let fragments = [
        "${", "$", "${x", "'", "''", "\"", "/*", "--", "-1.", "-.", "1e", "a-", "a.", "(", "((",
        "EXPLAIN ", "%", "%a", ";", "a=", "'a'='b',", "${x}", "$${x}", "\u{e9}",
    ];
    for fragment in fragments {
        let body = fragment.repeat(200_000 / fragment.len());
        let scripts = [
            body.clone(),
            format!("SHOW CONNECTORS LIKE '{}';", body.replace('\'', "''")),
            format!(
                "CREATE SINK CONNECTOR c WITH ('k' = '{}');",
                body.replace('\'', "''")
            ),
            format!("DROP CONNECTOR {body}"),
        ];
        for src in scripts {
            let start = Instant::now();
            let _ = lexer::tokenize(&src);
            let _ = lexer::statement_complete(&src);
            if let Ok(statements) = parse_script(&src, &ParseOptions::default()) {
                for s in statements {
                    let _ = s.statement.to_string();
                    let _ = vars::resolve(&s.statement, &vars);
                }
            }
            let _ = vars::substitute(&src, &vars);
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{fragment:?}: {:?}",
                start.elapsed()
            );
        }
    }
}

/// Completion's expected set comes from the parsing functions: before every keyword of every
/// corpus statement, that keyword (or a slot that a keyword-like word may fill) is expected.
#[test]
fn the_expected_set_holds_each_next_keyword_of_the_corpus() {
    let src = include_str!("../../tests/ksqldb_corpus.sql");
    let extra = "RESTART CONNECTOR a INCLUDE TASKS ONLY FAILED; RESTART CONNECTORS LIKE 'x%' ONLY \
        FAILED; ALTER CONNECTOR a SET OFFSET PARTITION ('p' = 1) TO NULL; ALTER CONNECTOR a \
        RESET TOPICS; WAIT FOR CONNECTOR a TIMEOUT 3 SECONDS; SET LOGGER 'a' = 'INFO' FOR \
        CLUSTER; SHOW SINK CONNECTORS LIKE 'a'; VALIDATE SINK CONNECTOR WITH ('a' = 1); \
        EXPLAIN DROP CONNECTOR IF EXISTS a; CREATE OR REPLACE SINK CONNECTOR a WITH ('a'=1); \
        DESCRIBE CONNECTOR a EXTENDED; SHOW CONNECTOR OFFSETS a; OUTPUT JSON;";
    let mut checked = 0;
    for script in [src, extra] {
        for located in parse_script(script, &ParseOptions::default()).unwrap() {
            let text = &located.text;
            for t in lexer::tokenize(text) {
                if t.kind != lexer::TokenKind::Keyword {
                    continue;
                }
                let e = expected_after(&text[..t.span.start], &ParseOptions::default());
                let kw = t.text(text).to_ascii_uppercase();
                assert!(
                    e.keywords.contains(&kw) || !e.slots.is_empty(),
                    "{kw} not expected after {:?}: {e:?}",
                    &text[..t.span.start]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn the_expected_set_names_slots_and_context() {
    use super::expect::Slot;
    let e = |s: &str| expected_after(s, &ParseOptions::default());
    assert_eq!(e("").keywords.len(), parser::statement_keywords().len());
    assert_eq!(e("DROP CONNECTOR ").slots, vec![Slot::ConnectorName]);
    assert_eq!(
        e("CREATE SINK CONNECTOR ").slots,
        vec![Slot::NewConnectorName]
    );
    let alter = e("ALTER CONNECTOR \"My C\" SET ('a' = 1, ");
    assert_eq!(alter.slots, vec![Slot::PropertyKey]);
    assert_eq!(alter.connector.as_deref(), Some("My C"));
    assert_eq!(alter.present_keys, vec!["a"]);
    let create = e("CREATE SINK CONNECTOR x WITH ('connector.class' = 'Fs', 'topics' = ");
    assert_eq!(create.slots, vec![Slot::Value("topics".into())]);
    assert_eq!(create.connector_type, Some(ast::ConnectorType::Sink));
    assert_eq!(create.class.as_deref(), Some("Fs"));
    assert_eq!(e("SHOW CONNECTORS ").keywords, vec!["LIKE", "WHERE"]);
    assert!(e("SHOW CONNECTORS;").keywords.is_empty());
}

/// Issue 9 §6: a quote missing mid-statement is pointed at where the wrong pairing began, and
/// the hint names positions only (the text may be a secret).
#[test]
fn a_missing_quote_mid_statement_is_pointed_at() {
    let e = assert_parse_error!(
        "CREATE CONNECTOR x WITH ('a' = 'b, 'c' = 'd');",
        1,
        37,
        "expected ',' or ')'"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "a closing quote may be missing: the string that opens at line 1, column 32 runs on \
             into the next item"
        )
    );
    let e = assert_parse_error!(
        "ALTER CONNECTOR x SET (\n  'a' = 'b',\n  'c = 'd', 'e' = 'f');",
        3,
        9,
        "expected '='"
    );
    assert!(e.hint.unwrap().contains("opens at line 3, column 3"));
    let e = assert_parse_error!(
        "ALTER CONNECTOR x SET ('a' = 'it's', 'b' = 'c');",
        1,
        34,
        "expected ',' or ')'"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "the ' at line 1, column 33 closes the text; if it belongs to the text, write it twice ('')"
        )
    );
    let e = assert_parse_error!(
        "CREATE CONNECTOR x WITH ('connection.password' = 'hunter2, 'x' = 'y');",
        1,
        61,
        "expected"
    );
    assert!(!e.hint.unwrap().contains("hunter2"));
    // An earlier statement's strings do not count.
    let e = assert_parse_error!(
        "SHOW CONNECTORS LIKE 'a,'; DROP CONNECTOR ;",
        1,
        43,
        "expected a connector name"
    );
    assert_eq!(e.hint, None);
}

#[test]
fn show_connector_hints_show_connectors() {
    for src in [
        "SHOW CONNECTOR;",
        "SHOW CONNECTOR",
        "show connector like 'a%';",
    ] {
        let e = parse_script(src, &opts()).unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean SHOW CONNECTORS?"),
            "{src}"
        );
    }
    let e = assert_parse_error!(
        "LIST CONNECTOR;",
        1,
        15,
        "expected PLUGINS, OFFSETS or ERRORS"
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean LIST CONNECTORS?"));
    let e = assert_parse_error!(
        "SHOW CONNECTOR foo;",
        1,
        16,
        "expected PLUGINS, OFFSETS or ERRORS"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("to see one connector: DESCRIBE CONNECTOR foo; to list them: SHOW CONNECTORS")
    );
}

#[test]
fn install_plugin() {
    accepts(
        "install plugin 'io.debezium:debezium-connector-postgres:3.6.1.Final'",
        "INSTALL PLUGIN 'io.debezium:debezium-connector-postgres:3.6.1.Final'",
    );
    assert_parse_error!("INSTALL x", 1, 9, "expected PLUGIN after INSTALL");
    assert_parse_error!(
        "INSTALL PLUGIN ;",
        1,
        16,
        "expected Maven coordinates 'group:artifact:version' after INSTALL PLUGIN"
    );
}

#[test]
fn watch_wraps_a_watchable_statement() {
    accepts("watch show connectors", "WATCH SHOW CONNECTORS");
    accepts(
        "WATCH LIST SINK CONNECTORS LIKE 'fs-%' EVERY 10 SECONDS RESTART FAILED",
        "WATCH SHOW SINK CONNECTORS LIKE 'fs-%' EVERY 10 SECONDS RESTART FAILED",
    );
    accepts(
        "WATCH DESCRIBE CONNECTOR \"My C\" EXTENDED every 1 second",
        "WATCH DESCRIBE CONNECTOR \"My C\" EXTENDED EVERY 1 SECONDS",
    );
    accepts(
        "WATCH DESCRIBE CONNECTOR every EVERY 2 SECONDS",
        "WATCH DESCRIBE CONNECTOR every EVERY 2 SECONDS",
    );
    accepts(
        "WATCH LIST ALL TOPICS LIKE 'w%' EVERY 30 SECONDS",
        "WATCH SHOW ALL TOPICS LIKE 'w%' EVERY 30 SECONDS",
    );
    assert_parse_error!(
        "WATCH SHOW TOPICS RESTART FAILED",
        1,
        19,
        "RESTART FAILED needs a WATCH of connectors"
    );
    accepts(
        "EXPLAIN WATCH SHOW CONNECTORS",
        "EXPLAIN WATCH SHOW CONNECTORS",
    );
    let Statement::Watch(w) = parse("WATCH SHOW CONNECTORS") else {
        panic!()
    };
    assert_eq!(w.interval_secs(), Watch::DEFAULT_EVERY_SECS);
    assert!(!w.restart_failed);
}

#[test]
fn watch_refuses_what_it_cannot_watch() {
    assert_parse_error!(
        "WATCH",
        1,
        6,
        "expected SHOW CONNECTORS, DESCRIBE CONNECTOR or SHOW TOPICS after WATCH"
    );
    assert_parse_error!(
        "WATCH WATCH SHOW CONNECTORS",
        1,
        7,
        "expected SHOW CONNECTORS"
    );
    assert_parse_error!(
        "WATCH EXPLAIN SHOW CONNECTORS",
        1,
        7,
        "expected SHOW CONNECTORS"
    );
    assert_parse_error!("WATCH DROP CONNECTOR x", 1, 7, "expected SHOW CONNECTORS");
    assert_parse_error!(
        "WATCH SHOW PLUGINS",
        1,
        7,
        "WATCH cannot watch this statement"
    );
    assert_parse_error!(
        "WATCH SHOW VARIABLES",
        1,
        7,
        "WATCH cannot watch this statement"
    );
    assert_parse_error!(
        "WATCH SHOW CONNECTORS EVERY 0 SECONDS",
        1,
        29,
        "WATCH ... EVERY takes 1 to 86400 seconds, not 0"
    );
    assert_parse_error!(
        "WATCH SHOW CONNECTORS EVERY 99999999999999999999999 SECONDS",
        1,
        29,
        "it must be a whole number"
    );
    assert_parse_error!(
        "WATCH SHOW CONNECTORS EVERY 5",
        1,
        30,
        "expected SECONDS after WATCH SHOW CONNECTORS EVERY 5"
    );
    assert_parse_error!(
        "WATCH SHOW CONNECTORS RESTART",
        1,
        30,
        "expected FAILED after WATCH SHOW CONNECTORS RESTART"
    );
    assert_parse_error!(
        "WATCH SHOW CONNECTORS RESTART FAILED EVERY 5 SECONDS",
        1,
        38,
        "expected ';'"
    );
}

#[test]
fn watch_completes_its_clauses() {
    let e = |s: &str| expected_after(s, &ParseOptions::default());
    assert!(e("").keywords.iter().any(|k| k == "WATCH"));
    assert_eq!(e("WATCH ").keywords, vec!["DESCRIBE", "LIST", "SHOW"]);
    let after = e("WATCH SHOW CONNECTORS ").keywords;
    for kw in ["LIKE", "EVERY", "RESTART"] {
        assert!(after.iter().any(|k| k == kw), "{after:?}");
    }
    assert_eq!(
        e("WATCH SHOW CONNECTORS EVERY 5 ").keywords,
        vec!["SECONDS", "SECOND"]
    );
    assert_eq!(e("WATCH SHOW CONNECTORS RESTART ").keywords, vec!["FAILED"]);
}
