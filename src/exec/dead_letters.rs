//! SHOW CONNECTOR ERRORS: a sink's dead letters (the records Connect wrote to its
//! `errors.deadletterqueue.topic.name`), newest first, with the `__connect.errors.*` context
//! headers decoded. Reads the DLQ topic through [`TopicReads`]; the header decoding and the
//! newest-first merge are pure. Bounded: at most [`MAX_LIMIT`] records and [`BYTE_BUDGET`]
//! bytes are held, whatever the topic holds.

use serde_json::Value;

use super::http::{Request, connector_path};
use super::lag::{DLQ_TOPIC_KEY, TopicReads};
use super::{Mode, Session, s};
use crate::connect::model::ConnectorInfo;
use crate::error::Error;
use crate::kafka::Record;
use crate::lang::ast::{ConnectorType, Name};
use crate::output::{Block, Column, Output};

/// Records shown without LIMIT.
pub const DEFAULT_LIMIT: u64 = 20;
/// The most records one statement shows.
pub const MAX_LIMIT: u64 = 10_000;
/// The most key, value and header bytes one statement holds; past it, fewer records are shown.
pub const BYTE_BUDGET: usize = 64 << 20;

/// Key, value and header bytes of a record: what it costs to hold.
fn size(r: &Record) -> usize {
    let bytes = |b: &Option<Vec<u8>>| b.as_ref().map_or(0, Vec::len);
    bytes(&r.key)
        + bytes(&r.value)
        + r.headers
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
}

/// The prefix of the context headers Connect adds when
/// `errors.deadletterqueue.context.headers.enable` is true (`DeadLetterQueueReporter`).
pub const ERROR_HEADER_PREFIX: &str = "__connect.errors.";

/// Each context header (after the prefix) with its label and JSON key; numbers among them
/// become JSON numbers.
pub const ERROR_HEADERS: &[(&str, &str, &str)] = &[
    ("topic", "Topic", "topic"),
    ("partition", "Partition", "partition"),
    ("offset", "Offset", "offset"),
    ("connector.name", "Connector", "connector"),
    ("task.id", "Task", "task_id"),
    ("stage", "Stage", "stage"),
    ("class.name", "Class", "class_name"),
    ("exception.class.name", "Exception", "exception_class"),
    ("exception.message", "Message", "exception_message"),
    (
        "exception.stacktrace",
        "Stack Trace",
        "exception_stacktrace",
    ),
];

/// Bytes as text: UTF-8 as it is, anything else as `0x` and hex.
pub fn bytes_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let mut out = String::with_capacity(2 + bytes.len() * 2);
            out.push_str("0x");
            for b in bytes {
                out.push_str(&format!("{b:02x}"));
            }
            out
        }
    }
}

/// The decoded context headers of one dead letter, in [`ERROR_HEADERS`] order: the last
/// occurrence of each (a record that went through two dead letter queues carries both), null
/// when absent; `partition`, `offset` and `task.id` as numbers when they are.
pub fn decode_headers(headers: &[(String, Vec<u8>)]) -> Vec<Value> {
    ERROR_HEADERS
        .iter()
        .map(|(suffix, _, key)| {
            let found = headers
                .iter()
                .rev()
                .find(|(k, _)| {
                    k.strip_prefix(ERROR_HEADER_PREFIX)
                        .is_some_and(|rest| rest == *suffix)
                })
                .map(|(_, v)| bytes_text(v));
            match found {
                None => Value::Null,
                Some(text) if matches!(*key, "partition" | "offset" | "task_id") => text
                    .trim()
                    .parse::<i64>()
                    .map_or_else(|_| Value::String(text), Value::from),
                Some(text) => Value::String(text),
            }
        })
        .collect()
}

/// Records newest first (timestamp, then offset), at most `limit`.
pub fn newest_first(mut records: Vec<Record>, limit: usize) -> Vec<Record> {
    records.sort_by(|a, b| {
        (b.timestamp, b.offset, b.partition).cmp(&(a.timestamp, a.offset, a.partition))
    });
    records.truncate(limit);
    records
}

/// The columns of a dead letter: where it sits in the DLQ, the decoded headers, key and value.
fn columns() -> Vec<Column> {
    let mut cols = Column::list(&[
        ("Rowtime", "timestamp"),
        ("DLQ Partition", "dlq_partition"),
        ("DLQ Offset", "dlq_offset"),
    ]);
    cols.extend(
        ERROR_HEADERS
            .iter()
            .map(|(_, title, key)| Column::new(*title, *key)),
    );
    cols.extend(Column::list(&[("Key", "key"), ("Value", "value")]));
    cols
}

fn row(r: &Record) -> Vec<Value> {
    let mut row = vec![
        s(crate::render::record::rowtime(r.timestamp)),
        Value::from(r.partition),
        Value::from(r.offset),
    ];
    row.extend(decode_headers(&r.headers));
    // As PRINT's JSON shows them: JSON decoded, text, numbers, `0x` hex, null.
    let shown = |b: &Option<Vec<u8>>| crate::kafka::format::decode(b.as_deref()).json;
    row.push(shown(&r.key));
    row.push(shown(&r.value));
    row
}

/// The newest `limit` records of `topic` (every partition read from `limit` before its end),
/// and whether [`BYTE_BUDGET`] cut them short.
fn read_newest(
    kafka: &dyn TopicReads,
    topic: &str,
    limit: u64,
) -> Result<(Vec<Record>, bool), Error> {
    let mut records = Vec::new();
    let mut held = 0usize;
    let limit_i = i64::try_from(limit).unwrap_or(i64::MAX);
    for w in kafka.watermarks(topic)? {
        let mut next = w.start.max(w.end.saturating_sub(limit_i));
        while next < w.end {
            let batch = kafka.records(topic, w.partition, next)?;
            let Some(last) = batch.last().map(|r| r.offset) else {
                break;
            };
            for r in batch
                .into_iter()
                .filter(|r| r.offset >= next && r.offset < w.end)
            {
                held += size(&r);
                records.push(r);
                if held > BYTE_BUDGET {
                    let n = records.len();
                    return Ok((newest_first(records, n), true));
                }
            }
            if last < next {
                break;
            }
            next = last + 1;
        }
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok((newest_first(records, limit), false))
}

impl Session {
    /// `SHOW CONNECTOR ERRORS name [LIMIT n]`
    pub(super) fn show_errors(&self, name: &Name, limit: Option<u64>) -> Result<Output, Error> {
        let name = self.name(name)?;
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit > MAX_LIMIT {
            return Err(Error::usage(format!(
                "LIMIT {limit} is too many: SHOW CONNECTOR ERRORS shows at most {MAX_LIMIT} records"
            )));
        }
        let info: ConnectorInfo = self
            .send_json(&Request::get(connector_path(&name, "")?))
            .map_err(|e| self.connector_error(&name, e))?;
        let quoted = crate::lang::ident::quote_name(&name);
        if info.kind == Some(ConnectorType::Source) {
            return Err(Error::statement(format!(
                "Connector {name} is a source: dead letter queues belong to sinks"
            )));
        }
        let Some(topic) = info
            .config
            .get(DLQ_TOPIC_KEY)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        else {
            return Err(Error::statement(format!(
                "Connector {name} has no dead letter queue ({DLQ_TOPIC_KEY} is not set)"
            ))
            .with_hint(format!(
                "ALTER CONNECTOR {quoted} SET ('errors.tolerance' = 'all', '{DLQ_TOPIC_KEY}' = '{name}-dlq', \
                 'errors.deadletterqueue.context.headers.enable' = 'true');"
            )));
        };
        let kafka = self.kafka("SHOW CONNECTOR ERRORS")?;
        self.note_kafka_read(format!("start and end offsets of topic {topic}"));
        self.note_kafka_read(format!(
            "the last {limit} record(s) of each partition of topic {topic}"
        ));
        if self.mode == Mode::Explain {
            return Ok(Output::new("dead_letters"));
        }
        let (records, cut) = read_newest(&*kafka, topic, limit)?;
        let mut out = Output::new("dead_letters").with(Block::Records {
            name: "dead_letters".into(),
            columns: columns(),
            rows: records.iter().map(row).collect(),
        });
        let headers_on = info
            .config
            .get("errors.deadletterqueue.context.headers.enable")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if !headers_on {
            out = out.with(Block::Warning(format!(
                "errors.deadletterqueue.context.headers.enable is not true for {name}: its dead letters carry no error headers"
            )));
        }
        if cut {
            out = out.with(Block::Warning(format!(
                "stopped reading at {} MiB: {} record(s) shown, not necessarily the newest; a smaller LIMIT shows the newest",
                BYTE_BUDGET >> 20,
                records.len()
            )));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn header(k: &str, v: &str) -> (String, Vec<u8>) {
        (k.to_string(), v.as_bytes().to_vec())
    }

    fn record(partition: i32, offset: i64, timestamp: i64) -> Record {
        Record {
            partition,
            offset,
            timestamp,
            key: None,
            value: None,
            headers: Vec::new(),
        }
    }

    #[test]
    fn context_headers_are_decoded_in_order_last_one_winning() {
        let headers = vec![
            header("__connect.errors.topic", "old"),
            header("__connect.errors.topic", "lines"),
            header("__connect.errors.partition", "0"),
            header("__connect.errors.offset", "41"),
            header("__connect.errors.connector.name", "sink"),
            header("__connect.errors.task.id", "x"),
            header("__connect.errors.stage", "VALUE_CONVERTER"),
            header(
                "__connect.errors.exception.class.name",
                "org.apache.kafka.connect.errors.DataException",
            ),
            header("user-header", "kept out"),
            ("__connect.errors.class.name".into(), vec![0xff, 0x00]),
        ];
        assert_eq!(
            decode_headers(&headers),
            vec![
                json!("lines"),
                json!(0),
                json!(41),
                json!("sink"),
                json!("x"),
                json!("VALUE_CONVERTER"),
                json!("0xff00"),
                json!("org.apache.kafka.connect.errors.DataException"),
                Value::Null,
                Value::Null,
            ]
        );
    }

    #[test]
    fn newest_first_orders_by_time_then_offset() {
        let r = record;
        let got = newest_first(vec![r(0, 1, 10), r(1, 5, 30), r(0, 2, 30), r(1, 6, 5)], 3);
        let got: Vec<(i32, i64)> = got.iter().map(|r| (r.partition, r.offset)).collect();
        assert_eq!(got, [(1, 5), (0, 2), (0, 1)]);
    }

    /// A topic in memory: partitions of records, fetches return at most two records.
    struct Topic(Vec<Vec<Record>>);

    impl TopicReads for Topic {
        fn watermarks(&self, _: &str) -> Result<Vec<super::super::lag::Watermark>, Error> {
            Ok(self
                .0
                .iter()
                .enumerate()
                .map(|(p, recs)| super::super::lag::Watermark {
                    partition: p as i32,
                    start: recs.first().map_or(0, |r| r.offset),
                    end: recs.last().map_or(0, |r| r.offset + 1),
                })
                .collect())
        }
        fn records(&self, _: &str, partition: i32, from: i64) -> Result<Vec<Record>, Error> {
            Ok(self.0[partition as usize]
                .iter()
                .filter(|r| r.offset >= from)
                .take(2)
                .cloned()
                .collect())
        }
    }

    #[test]
    fn reads_only_the_newest_of_each_partition() {
        let part = |p: i32, n: i64| {
            (0..n)
                .map(|o| Record {
                    value: Some(vec![b'x'; 10]),
                    ..record(p, o, o * 10 + i64::from(p))
                })
                .collect::<Vec<_>>()
        };
        let topic = Topic(vec![part(0, 7), part(1, 2), Vec::new()]);
        let (got, cut) = read_newest(&topic, "t", 3).unwrap();
        assert!(!cut);
        let got: Vec<(i32, i64)> = got.iter().map(|r| (r.partition, r.offset)).collect();
        assert_eq!(got, [(0, 6), (0, 5), (0, 4)]);
        let (got, _) = read_newest(&topic, "t", u64::MAX).unwrap();
        assert_eq!(got.len(), 9);
    }

    #[test]
    fn big_records_stop_at_the_byte_budget() {
        let big = |o| Record {
            value: Some(vec![0; BYTE_BUDGET / 3]),
            ..record(0, o, 0)
        };
        let topic = Topic(vec![(0..10).map(big).collect()]);
        let (got, cut) = read_newest(&topic, "t", 10).unwrap();
        assert!(cut);
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn rendered_dead_letters() {
        let record = Record {
            partition: 0,
            offset: 3,
            timestamp: 1_796_119_200_000,
            key: None,
            value: Some(b"not json".to_vec()),
            headers: vec![
                header("__connect.errors.topic", "lines"),
                header("__connect.errors.partition", "0"),
                header("__connect.errors.offset", "7"),
                header("__connect.errors.connector.name", "sink"),
                header("__connect.errors.task.id", "0"),
                header("__connect.errors.stage", "VALUE_CONVERTER"),
                header(
                    "__connect.errors.class.name",
                    "org.apache.kafka.connect.json.JsonConverter",
                ),
                header(
                    "__connect.errors.exception.class.name",
                    "org.apache.kafka.connect.errors.DataException",
                ),
                header(
                    "__connect.errors.exception.message",
                    "Converting byte[] to Kafka Connect data failed due to serialization error: ",
                ),
                header(
                    "__connect.errors.exception.stacktrace",
                    "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed\n\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:333)",
                ),
            ],
        };
        let out = Output::new("dead_letters").with(Block::Records {
            name: "dead_letters".into(),
            columns: columns(),
            rows: vec![row(&record)],
        });
        let mut buf = Vec::new();
        crate::render::Renderer::plain(crate::render::Format::Tabular)
            .render(&out, &Default::default(), &mut buf)
            .unwrap();
        insta::assert_snapshot!("dead_letters", String::from_utf8(buf).unwrap());
        let doc = crate::render::json::to_value(&out);
        assert_eq!(
            doc["dead_letters"][0]["exception_stacktrace"]
                .as_str()
                .unwrap()
                .lines()
                .count(),
            2
        );
        assert_eq!(doc["dead_letters"][0]["offset"], json!(7));
        assert_eq!(doc["dead_letters"][0]["key"], Value::Null);
        let empty = Output::new("dead_letters").with(Block::Records {
            name: "dead_letters".into(),
            columns: columns(),
            rows: Vec::new(),
        });
        let mut buf = Vec::new();
        crate::render::Renderer::plain(crate::render::Format::Tabular)
            .render(&empty, &Default::default(), &mut buf)
            .unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "No dead letters.\n");
    }
}
