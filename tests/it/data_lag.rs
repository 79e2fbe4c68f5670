//! Sink lag, WAIT FOR ... CAUGHT UP and dead letters against the real broker and worker: a
//! sink stopped while its source writes shows that lag, resumed it catches up to lag 0; a
//! JsonConverter sink fed plain strings puts them in its dead letter queue with decoded error
//! headers. Also DESCRIBE without a Kafka connection, and the refusals (a source, no DLQ).

use std::time::Duration;

use kcsh::connect::config::Settings;
use kcsh::exec::{Options, Session};
use serde_json::Value;

use crate::harness::*;

/// A session that also reaches the test cluster's Kafka.
fn kafka_session() -> Session {
    let servers = kcsh::kafka::config::parse_bootstrap(&bootstrap()).unwrap();
    let settings = Settings {
        urls: vec![url()],
        kafka: Some(kcsh::kafka::KafkaConfig::plain(servers)),
        ..Default::default()
    };
    Session::with_settings(&settings, Options::default()).expect("session")
}

/// The `lag` fields of DESCRIBE, by JSON key.
fn lag_fields(out: &kcsh::output::Output) -> serde_json::Map<String, Value> {
    let doc = kcsh::render::json::to_value(out);
    doc["lag"]
        .as_object()
        .unwrap_or_else(|| panic!("no lag block: {doc}"))
        .clone()
}

fn total_lag(s: &mut Session, name: &str) -> i64 {
    let out = ok(s, &format!("DESCRIBE CONNECTOR {name}"));
    lag_fields(&out)["total_lag"]
        .as_i64()
        .unwrap_or_else(|| panic!("no total: {:?}", lag_fields(&out)))
}

/// The sum of the end offsets DESCRIBE shows for a source's topics.
fn source_records(s: &mut Session, name: &str) -> i64 {
    let out = ok(s, &format!("DESCRIBE CONNECTOR {name}"));
    let doc = kcsh::render::json::to_value(&out);
    doc["topic_offsets"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["end_offset"].as_i64()).sum())
        .unwrap_or(0)
}

fn append_lines(path: &std::path::Path, from: usize, n: usize) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for i in from..from + n {
        writeln!(f, "line {i}").unwrap();
    }
}

#[test]
fn a_stopped_sink_shows_its_lag_and_catches_up_when_resumed() {
    require_cluster!();
    let mut s = kafka_session();
    let src = unique("lag-src");
    let sink = unique("lag-sink");
    let topic = unique("lag-t");
    let _g = Cleanup(vec![src.clone(), sink.clone()]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    append_lines(&input, 0, 3);
    let output = dir.path().join("out.txt");
    ok(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR {src} WITH {}",
            fs_source_with(input.to_str().unwrap(), &topic)
        ),
    );
    wait_until("3 records", Duration::from_secs(60), || {
        (source_records(&mut s, &src) == 3).then_some(())
    });
    ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR {sink} WITH {}",
            fs_sink_with(output.to_str().unwrap(), &topic)
        ),
    );
    let out = ok(
        &mut s,
        &format!("WAIT FOR CONNECTOR {sink} CAUGHT UP TIMEOUT 60 SECONDS"),
    );
    assert!(message(&out).contains("caught up"), "{out:?}");
    assert_eq!(total_lag(&mut s, &sink), 0);

    // Stopped, the sink falls behind by exactly what the source writes meanwhile.
    ok(&mut s, &format!("STOP CONNECTOR {sink}"));
    wait_state(&mut s, &sink, "STOPPED");
    const N: i64 = 25;
    append_lines(&input, 3, N as usize);
    wait_until("the new records", Duration::from_secs(60), || {
        (source_records(&mut s, &src) == 3 + N).then_some(())
    });
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR {sink}"));
    assert_eq!(lag_fields(&out)["total_lag"], Value::from(N), "{out:?}");
    let r = rows(&out, "lag_partitions");
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(
        r[0],
        vec![
            topic.clone(),
            "0".into(),
            (3 + N).to_string(),
            "3".into(),
            N.to_string()
        ]
    );

    // A stopped sink: CAUGHT UP says so (after the grace a RESUME needs) instead of waiting.
    let e = err(
        &mut s,
        &format!("WAIT FOR CONNECTOR {sink} CAUGHT UP TIMEOUT 30 SECONDS"),
    );
    let text = e.to_string();
    assert!(
        text.contains("is STOPPED: it commits nothing until it is resumed")
            && text.contains(&format!("{N} record(s) left")),
        "{text}"
    );
    // A timeout fails with what was left.
    let e = err(
        &mut s,
        &format!("WAIT FOR CONNECTOR {sink} CAUGHT UP TIMEOUT 1 SECONDS"),
    );
    assert!(
        e.to_string().starts_with("Timed out after 1 s")
            && e.to_string().contains(&format!("{topic}/0: {N}")),
        "{e}"
    );

    ok(&mut s, &format!("RESUME CONNECTOR {sink}"));
    let out = ok(
        &mut s,
        &format!("WAIT FOR CONNECTOR {sink} CAUGHT UP TIMEOUT 90 SECONDS"),
    );
    assert!(message(&out).contains("caught up"), "{out:?}");
    assert_eq!(total_lag(&mut s, &sink), 0);
    let written = std::fs::read_to_string(&output).unwrap();
    assert_eq!(written.lines().count() as i64, 3 + N, "{written}");

    // A source has no consumer: a clear message, at once.
    let e = err(&mut s, &format!("WAIT FOR CONNECTOR {src} CAUGHT UP"));
    assert!(e.to_string().contains("is a source"), "{e}");
    // Its DESCRIBE shows the end offsets of the topic it writes.
    assert_eq!(source_records(&mut s, &src), 3 + N);
}

#[test]
fn dead_letters_show_their_decoded_error_headers() {
    require_cluster!();
    let mut s = kafka_session();
    let src = unique("dlq-src");
    let sink = unique("dlq-sink");
    let topic = unique("dlq-t");
    let dlq = format!("{topic}-dlq");
    let _g = Cleanup(vec![src.clone(), sink.clone()]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    append_lines(&input, 0, 4);
    // Plain strings (StringConverter) that the sink's JsonConverter cannot read.
    ok(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR {src} WITH ('connector.class' = 'FileStreamSource', 'file' = '{}', \
             'topic' = '{topic}', 'value.converter' = 'org.apache.kafka.connect.storage.StringConverter')",
            input.display()
        ),
    );
    ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR {sink} WITH ('connector.class' = 'FileStreamSink', 'file' = '{}', \
             'topics' = '{topic}', 'errors.tolerance' = 'all', \
             'errors.deadletterqueue.topic.name' = '{dlq}', \
             'errors.deadletterqueue.topic.replication.factor' = 1, \
             'errors.deadletterqueue.context.headers.enable' = 'true')",
            dir.path().join("out.txt").display()
        ),
    );
    let dead = wait_until("4 dead letters", Duration::from_secs(90), || {
        let out = run(&mut s, &format!("DESCRIBE CONNECTOR {sink}")).ok()?;
        let lag = lag_fields(&out);
        (lag.get("dead_letters") == Some(&Value::from(4))).then_some(lag)
    });
    assert_eq!(dead["dead_letter_topic"], Value::from(dlq.clone()));

    let out = ok(&mut s, &format!("SHOW CONNECTOR ERRORS {sink}"));
    let doc = kcsh::render::json::to_value(&out);
    let letters = doc["dead_letters"].as_array().unwrap();
    assert_eq!(letters.len(), 4, "{doc}");
    // Newest first: the original offsets count down.
    let offsets: Vec<i64> = letters
        .iter()
        .map(|l| l["offset"].as_i64().unwrap())
        .collect();
    assert_eq!(offsets, [3, 2, 1, 0], "{doc}");
    let first = &letters[0];
    assert_eq!(first["topic"], Value::from(topic.clone()));
    assert_eq!(first["partition"], Value::from(0));
    assert_eq!(first["connector"], Value::from(sink.clone()));
    assert_eq!(first["task_id"], Value::from(0));
    assert_eq!(first["stage"], Value::from("VALUE_CONVERTER"));
    assert_eq!(
        first["class_name"],
        Value::from("org.apache.kafka.connect.json.JsonConverter")
    );
    assert_eq!(
        first["exception_class"],
        Value::from("org.apache.kafka.connect.errors.DataException")
    );
    assert!(
        first["exception_message"]
            .as_str()
            .unwrap()
            .contains("Converting byte[] to Kafka Connect data failed"),
        "{first}"
    );
    assert!(
        first["exception_stacktrace"]
            .as_str()
            .unwrap()
            .lines()
            .count()
            > 3,
        "{first}"
    );
    assert_eq!(first["value"], Value::from("line 3"));
    assert!(warnings(&out).is_empty(), "{out:?}");

    let out = ok(&mut s, &format!("SHOW CONNECTOR ERRORS {sink} LIMIT 1"));
    let doc = kcsh::render::json::to_value(&out);
    assert_eq!(doc["dead_letters"].as_array().unwrap().len(), 1);
    assert_eq!(doc["dead_letters"][0]["offset"], Value::from(3));

    // The sink itself keeps running and is caught up: errors tolerated are consumed.
    let out = ok(
        &mut s,
        &format!("WAIT FOR CONNECTOR {sink} CAUGHT UP TIMEOUT 60 SECONDS"),
    );
    assert!(message(&out).contains("caught up"), "{out:?}");

    // A source has no dead letter queue; a sink without one says how to configure it.
    let e = err(&mut s, &format!("SHOW CONNECTOR ERRORS {src}"));
    assert!(e.to_string().contains("is a source"), "{e}");
    let e = err(&mut s, "SHOW CONNECTOR ERRORS \"no such sink\"");
    assert!(e.to_string().contains("does not exist"), "{e}");
}

#[test]
fn describe_without_kafka_says_lag_needs_a_bootstrap_in_one_line() {
    require_cluster!();
    let mut s = session();
    let sink = unique("nolag-sink");
    let _g = Cleanup(vec![sink.clone()]);
    let dir = tempfile::tempdir().unwrap();
    ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR {sink} WITH {}",
            fs_sink_with(dir.path().join("o.txt").to_str().unwrap(), "nolag-topic")
        ),
    );
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR {sink}"));
    let lag = lag_fields(&out);
    assert_eq!(lag.len(), 1, "{lag:?}");
    assert!(
        lag["unavailable"].as_str().unwrap().contains("--bootstrap"),
        "{lag:?}"
    );
    let e = err(&mut s, &format!("WAIT FOR CONNECTOR {sink} CAUGHT UP"));
    assert_eq!(e.exit_code(), 2, "{e}");
    let e = err(&mut s, &format!("SHOW CONNECTOR ERRORS {sink}"));
    assert!(e.to_string().contains("no dead letter queue"), "{e}");
}
