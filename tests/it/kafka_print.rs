//! PRINT and SHOW TOPICS through the real binary, against the test cluster's broker: what a
//! FileStreamSource wrote comes back exactly (table and JSON), a JsonConverter topic is JSON,
//! the connector <-> topic graph, an unknown topic, bad LIMITs, a 10 MB record.

use std::process::Output;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{self, ConnectorGuard, test_bootstrap, unique_name};

/// kcsh on the test cluster, with its broker.
fn kcsh(args: &[&str]) -> Output {
    harness::kcsh()
        .env("KCSH_BOOTSTRAP", test_bootstrap())
        .args(args)
        .output()
        .expect("run kcsh")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The records `topic` holds now.
fn records(topic: &str) -> i64 {
    let servers = kcsh::kafka::config::parse_bootstrap(&test_bootstrap()).unwrap();
    let kafka = kcsh::kafka::Client::connect(&kcsh::kafka::KafkaConfig::plain(servers)).unwrap();
    match kafka.end_offsets(topic) {
        Ok(ends) => ends.iter().map(|(_, o)| o).sum(),
        Err(_) => 0,
    }
}

/// A FileStreamSource writing `lines` to a new topic with `converter` for values (and
/// `extra` config); returns its guard and the topic once all lines are in Kafka.
fn source_topic(
    prefix: &str,
    lines: &str,
    converter: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> (ConnectorGuard, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, lines).unwrap();
    let name = unique_name(prefix);
    let topic = unique_name(&format!("{prefix}-t"));
    let mut config = json!({
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        "file": input.display().to_string(),
        "topic": topic,
    });
    for (k, v) in converter.iter().chain(extra) {
        config[*k] = json!(v);
    }
    let guard = ConnectorGuard(name.clone());
    let (status, body) = harness::post("/connectors", &json!({"name": name, "config": config}));
    assert_eq!(status, 201, "{body}");
    let want = lines.lines().count() as i64;
    harness::wait_until(
        &format!("{want} records in {topic}"),
        Duration::from_secs(60),
        || (records(&topic) >= want).then_some(()),
    );
    (guard, topic, dir)
}

const STRING_VALUES: &[(&str, &str)] = &[(
    "value.converter",
    "org.apache.kafka.connect.storage.StringConverter",
)];

#[test]
fn print_shows_exactly_the_lines_a_source_wrote_in_table_and_json() {
    require_cluster!();
    let lines =
        "first line\nsecond, with a comma\n{\"not\": \"json to the converter\"}\nfourth\nfifth\n";
    let (_guard, topic, _dir) = source_topic("print-fs", lines, STRING_VALUES, &[]);

    let out = kcsh(&["-e", &format!("PRINT '{topic}' FROM BEGINNING LIMIT 5")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut settings = harness::filters();
    settings.add_filter(&regex_escape(&topic), "[TOPIC]");
    settings.add_filter(
        r"rowtime: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{3} Z",
        "rowtime: [ROWTIME]",
    );
    settings.bind(|| insta::assert_snapshot!("print_fs_source_table", stdout(&out)));

    let out = kcsh(&[
        "-o",
        "json",
        "-e",
        &format!("PRINT '{topic}' FROM BEGINNING LIMIT 5"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON document per line"))
        .collect();
    assert_eq!(docs.len(), 6, "{docs:?}");
    let values: Vec<&Value> = docs[..5].iter().map(|d| &d["value"]).collect();
    // Formats are detected per record: the third line is JSON text, so its value is decoded.
    let expected: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| json!(l)))
        .collect();
    assert_eq!(values, expected.iter().collect::<Vec<_>>());
    for (i, d) in docs[..5].iter().enumerate() {
        assert_eq!(d["type"], "record");
        assert_eq!(d["topic"], json!(topic));
        assert_eq!(d["offset"], json!(i));
        assert_eq!(d["key"], Value::Null);
        assert!(d["timestamp"].as_i64().unwrap() > 0);
    }
    assert_eq!(
        docs[5],
        json!({"type": "message", "message": "Topic printing ceased"})
    );

    // INTERVAL 2: the first, third and fifth.
    let out = kcsh(&[
        "-o",
        "json",
        "-e",
        &format!("PRINT '{topic}' FROM BEGINNING INTERVAL 2 LIMIT 3"),
    ]);
    let offsets: Vec<i64> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok()?["offset"].as_i64())
        .collect();
    assert_eq!(offsets, [0, 2, 4]);

    // The connector <-> topic graph.
    let out = kcsh(&[
        "-o",
        "json",
        "-e",
        &format!("SHOW TOPICS EXTENDED LIKE '{topic}'"),
    ]);
    let doc: Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(
        doc["topics"],
        json!([{
            "topic": topic,
            "partitions": 1,
            "replicas": 1,
            "records": 5,
            "connectors": format!("{} (source)", _guard.0),
        }]),
        "{doc}"
    );
}

#[test]
fn a_json_converter_topic_shows_value_format_json() {
    require_cluster!();
    let (_guard, topic, _dir) = source_topic(
        "print-json",
        "a\nb\n",
        &[
            (
                "value.converter",
                "org.apache.kafka.connect.json.JsonConverter",
            ),
            ("value.converter.schemas.enable", "true"),
        ],
        &[],
    );
    let out = kcsh(&["-e", &format!("PRINT '{topic}' FROM BEGINNING LIMIT 2")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Value format: JSON\n"), "{text}");
    assert!(
        text.contains(r#"value: {"schema":{"type":"string","optional":false},"payload":"a"}"#),
        "{text}"
    );
    let out = kcsh(&[
        "-o",
        "json",
        "-e",
        &format!("PRINT '{topic}' FROM BEGINNING LIMIT 1"),
    ]);
    let first: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["value"]["payload"], "a");
    assert_eq!(first["value_format"], "JSON");
}

#[test]
fn an_unknown_topic_is_ksqldbs_message_with_the_closest_name() {
    require_cluster!();
    let out = kcsh(&["-e", "PRINT 'kcsh-config' LIMIT 1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("Could not find topic 'kcsh-config'") && err.contains("case-sensitive"),
        "{err}"
    );
    assert!(err.contains("did you mean 'kcsh-configs'?"), "{err}");
}

/// Refused before anything is sent: no cluster needed.
#[test]
fn bad_limits_and_names_are_refused_before_kafka() {
    for (statement, words) in [
        ("PRINT 't' LIMIT 0", "takes a number from 1"),
        ("PRINT 't' LIMIT -1", "expected a number of records"),
        ("PRINT 't' INTERVAL 0", "takes a number from 1"),
        ("PRINT 'a/b%2F' LIMIT 1", "is not a Kafka topic name"),
    ] {
        let out = harness::kcsh_without_cluster()
            .args(["--bootstrap", "127.0.0.1:9", "-e", statement])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{statement}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(words),
            "{statement}: {}",
            stderr(&out)
        );
    }
    // Without a bootstrap: says how to give one.
    let out = harness::kcsh_without_cluster()
        .args(["-e", "SHOW TOPICS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--bootstrap HOST:PORT"),
        "{}",
        stderr(&out)
    );
    // --check passes a PRINT without Kafka, and catches a bad one.
    let out = harness::kcsh_without_cluster()
        .args([
            "--check",
            "-e",
            "PRINT 't' FROM BEGINNING LIMIT 3; SHOW TOPICS",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A 10 MB value (topic and producer allow it): cut in the table, whole in JSON.
#[test]
fn a_ten_megabyte_record_is_cut_in_tables_and_whole_in_json() {
    require_cluster!();
    let big = "x".repeat(10 * 1024 * 1024);
    let (_guard, topic, _dir) = source_topic(
        "print-big",
        &format!("{big}\nsmall\n"),
        STRING_VALUES,
        &[
            ("producer.override.max.request.size", "20000000"),
            ("topic.creation.default.replication.factor", "1"),
            ("topic.creation.default.partitions", "1"),
            ("topic.creation.default.max.message.bytes", "20000000"),
        ],
    );
    let out = kcsh(&["-e", &format!("PRINT '{topic}' FROM BEGINNING LIMIT 2")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.len() < 10_000, "{}", text.len());
    assert!(
        text.contains("more characters; --output json shows it whole"),
        "{text}"
    );
    assert!(text.contains("value: small, partition: 0"), "{text}");

    let out = kcsh(&[
        "-o",
        "json",
        "-e",
        &format!("PRINT '{topic}' FROM BEGINNING LIMIT 1"),
    ]);
    let first: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["value"].as_str().map(str::len), Some(big.len()));
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// A broker that goes away while PRINT follows a topic: PRINT ends by itself within a bound
/// (rskafka's retries end at the connect deadline), prints what it had, and fails naming
/// Kafka. A throwaway cluster of its own (the shared one stays up); a real broker, killed.
#[test]
fn a_broker_that_goes_away_mid_print_ends_it_with_the_cause() {
    require_cluster!();
    let tmp = tempfile::tempdir().unwrap();
    let detached = harness::kcsh_without_cluster()
        .args(["--embedded", "--detach"])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert!(detached.status.success(), "{}", stderr(&detached));
    let text = stdout(&detached);
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key}= in {text}"))
            .to_string()
    };
    let (url, bootstrap, run_dir) = (value("url"), value("bootstrap"), value("run_dir"));
    struct Stop(String);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = harness::kcsh_without_cluster()
                .args(["--stop", &self.0])
                .output();
        }
    }
    let _stop = Stop(run_dir.clone());

    let out_file = tmp.path().join("print.out");
    let err_file = tmp.path().join("print.err");
    let mut child = harness::kcsh_without_cluster()
        .args(["--url", &url, "--bootstrap", &bootstrap])
        .args(["-e", "PRINT 'kcsh-configs' FROM BEGINNING"])
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    harness::wait_until(
        "PRINT to show the first record",
        Duration::from_secs(60),
        || {
            std::fs::read_to_string(&out_file)
                .ok()
                .filter(|t| t.contains("rowtime:"))
        },
    );
    let state =
        std::fs::read_to_string(format!("{run_dir}/{}", kcsh::embedded::STATE_FILE)).unwrap();
    let broker = state
        .lines()
        .find_map(|l| l.strip_prefix("broker_pid="))
        .expect("broker_pid");
    let killed = std::process::Command::new("kill")
        .args(["-9", broker])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(40) {
            let _ = child.kill();
            panic!("PRINT still running 40 s after its broker died");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let err = std::fs::read_to_string(&err_file).unwrap();
    assert!(!status.success(), "{err}");
    assert!(err.contains("Kafka"), "{err}");
    assert!(
        std::fs::read_to_string(&out_file)
            .unwrap()
            .contains("rowtime:")
    );
}
