//! An in-process `Session` on the test cluster, statements run from text, and readers for the
//! blocks of an `Output` (messages, tables, fields, texts); polling a connector's state or its
//! listing; config snippets of the connectors the tests create.

use std::time::{Duration, Instant};

use kcsh::connect::config::Settings;
use kcsh::error::Error;
use kcsh::exec::{Options, Session};
use kcsh::output::{Block, Output};
use serde_json::Value;

/// The cluster's REST URL and its Kafka, under the short names the exec tests use.
pub use super::cluster::{test_bootstrap as bootstrap, test_url as url};
/// A connector name unique to this test run and call site.
pub use super::http::unique_name as unique;

pub fn session_with(opts: Options) -> Session {
    let settings = Settings {
        urls: vec![url()],
        ..Default::default()
    };
    Session::with_settings(&settings, opts).expect("session")
}

pub fn session() -> Session {
    session_with(Options::default())
}

/// Parses one statement (kcsh syntax, `;` optional) and runs it.
pub fn run(s: &mut Session, text: &str) -> Result<Output, Error> {
    let opts = kcsh::lang::ParseOptions {
        ksql_compat: s.options().ksql_compat,
        allow_missing_semicolon: true,
    };
    let stmt = kcsh::lang::parse_statement(text, &opts)
        .unwrap_or_else(|e| panic!("test statement does not parse: {text}\n{e}"));
    s.execute(&stmt)
}

/// Runs a statement that must succeed.
pub fn ok(s: &mut Session, text: &str) -> Output {
    run(s, text).unwrap_or_else(|e| panic!("{text}\nfailed: {e}"))
}

/// Runs a statement that must fail, returning the error text.
pub fn err(s: &mut Session, text: &str) -> Error {
    match run(s, text) {
        Ok(out) => panic!("{text}\nshould fail but gave {out:?}"),
        Err(e) => e,
    }
}

pub fn messages(out: &Output) -> Vec<String> {
    out.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Message(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

pub fn warnings(out: &Output) -> Vec<String> {
    out.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Warning(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// The one message of an output.
pub fn message(out: &Output) -> String {
    let m = messages(out);
    assert_eq!(m.len(), 1, "expected one message in {out:?}");
    m[0].clone()
}

pub fn warning(out: &Output) -> String {
    let w = warnings(out);
    assert_eq!(w.len(), 1, "expected one warning in {out:?}");
    w[0].clone()
}

/// Column titles and rows of the table called `name`.
pub fn table(out: &Output, name: &str) -> (Vec<String>, Vec<Vec<Value>>) {
    for b in &out.blocks {
        if let Block::Table {
            name: n,
            columns,
            rows,
            ..
        } = b
            && n == name
        {
            let titles = columns.iter().map(|c| c.title.clone()).collect();
            return (titles, rows.clone());
        }
    }
    panic!("no table {name} in {out:?}")
}

/// The rows of table `name` as strings (JSON values rendered compactly, strings bare).
pub fn rows(out: &Output, name: &str) -> Vec<Vec<String>> {
    table(out, name)
        .1
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The value of field `label` of the Fields block.
pub fn field(out: &Output, label: &str) -> String {
    for b in &out.blocks {
        if let Block::Fields { fields, .. } = b {
            for (l, v) in fields {
                if l.title == label {
                    return match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                }
            }
        }
    }
    panic!("no field {label} in {out:?}")
}

pub fn text(out: &Output, name: &str) -> String {
    for b in &out.blocks {
        if let Block::Text { name: n, text } = b
            && n == name
        {
            return text.clone();
        }
    }
    panic!("no text {name} in {out:?}")
}

/// Polls DESCRIBE until the connector's State is `state` (status lags writes).
pub fn wait_state(s: &mut Session, name: &str, state: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = ok(s, &format!("DESCRIBE CONNECTOR \"{name}\""));
        let now = field(&out, "State");
        if now == state {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "connector {name} did not reach {state} (still {now})"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Drops the connectors on scope exit, so a failing test leaves nothing behind.
pub struct Cleanup(pub Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        // Without a cluster there is nothing to drop, and a panic here would abort the run.
        if super::cluster::configured_url().is_none() {
            return;
        }
        let mut s = session();
        for name in &self.0 {
            let _ = run(&mut s, &format!("DROP CONNECTOR IF EXISTS \"{name}\""));
        }
    }
}

/// A FileStreamSource config WITH list reading `file` into `topic`.
pub fn fs_source_with(file: &str, topic: &str) -> String {
    format!(
        "('connector.class' = 'FileStreamSource', 'file' = '{file}', 'topic' = '{topic}', 'tasks.max' = 1)"
    )
}

pub fn fs_sink_with(file: &str, topics: &str) -> String {
    format!(
        "('connector.class' = 'FileStreamSink', 'file' = '{file}', 'topics' = '{topics}', 'tasks.max' = 1)"
    )
}

pub fn heartbeat_with() -> String {
    let b = bootstrap();
    format!(
        "('connector.class' = 'org.apache.kafka.connect.mirror.MirrorHeartbeatConnector', \
         'source.cluster.alias' = 'a', 'target.cluster.alias' = 'b', \
         'source.cluster.bootstrap.servers' = '{b}', 'target.cluster.bootstrap.servers' = '{b}', \
         'heartbeats.topic.replication.factor' = '1', 'emit.heartbeats.interval.seconds' = '1')"
    )
}

/// The live config of a connector, via SHOW CREATE's source (`DESCRIBE ... EXTENDED`).
pub fn live_config(s: &mut Session, name: &str) -> Vec<(String, String)> {
    let out = ok(s, &format!("DESCRIBE CONNECTOR \"{name}\" EXTENDED"));
    rows(&out, "config")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

/// Polls SHOW CONNECTORS until `name` is listed (a connector without a status yet is left out
/// of `GET /connectors?expand=status`), returning its row.
pub fn wait_listed(s: &mut Session, name: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = ok(s, &format!("SHOW CONNECTORS LIKE '{name}'"));
        if let Some(row) = rows(&out, "connectors").into_iter().next() {
            return row;
        }
        assert!(Instant::now() < deadline, "connector {name} never listed");
        std::thread::sleep(Duration::from_millis(300));
    }
}
