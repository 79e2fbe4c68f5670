//! Consumer lag and topic offsets: what DESCRIBE CONNECTOR shows of a sink (per partition end
//! offset, committed offset, lag, the total, its dead letter queue) and of a source (the end
//! offsets of the topics it writes), and WAIT FOR CONNECTOR ... CAUGHT UP. The arithmetic is
//! pure and works on plain data; the session code gathers it: committed offsets from Connect's
//! `GET /connectors/{c}/offsets` (3.5+; for a sink, its consumer group's offsets), end offsets
//! from Kafka through [`TopicReads`]. Reads only; never changes a connector or a group.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::{Request, connector_path};
use super::{Mode, Session, s};
use crate::connect::model::{ConnectorInfo, ConnectorOffsets, ConnectorState};
use crate::error::Error;
use crate::kafka::Record;
use crate::lang::ast::ConnectorType;
use crate::output::{Block, Column, Output};

/// The config key naming a sink's dead letter queue topic.
pub(super) const DLQ_TOPIC_KEY: &str = "errors.deadletterqueue.topic.name";

/// One partition's log start and end offsets (the end is the offset the next record gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watermark {
    pub partition: i32,
    pub start: i64,
    pub end: i64,
}

/// What lag and dead letters read from Kafka: one small interface, so the arithmetic and the
/// reading are tested without a broker. The Kafka client implements it.
pub trait TopicReads {
    /// Every partition of `topic` with its start and end offsets.
    fn watermarks(&self, topic: &str) -> Result<Vec<Watermark>, Error>;
    /// Some records of one partition from offset `from` on (one bounded fetch; empty at the end).
    fn records(&self, topic: &str, partition: i32, from: i64) -> Result<Vec<Record>, Error>;
}

/// Bytes one fetch asks for (the broker returns at least one record, however large).
const FETCH_BYTES: i32 = 1 << 20;
/// How long one fetch waits for records: never long, the records asked for exist already.
const FETCH_WAIT: Duration = Duration::from_millis(100);

impl TopicReads for crate::kafka::Client {
    fn watermarks(&self, topic: &str) -> Result<Vec<Watermark>, Error> {
        let starts: BTreeMap<i32, i64> = self.start_offsets(topic)?.into_iter().collect();
        Ok(self
            .end_offsets(topic)?
            .into_iter()
            .map(|(partition, end)| Watermark {
                partition,
                start: starts.get(&partition).copied().unwrap_or(0).min(end),
                end,
            })
            .collect())
    }

    fn records(&self, topic: &str, partition: i32, from: i64) -> Result<Vec<Record>, Error> {
        Ok(self
            .fetch(topic, partition, from, FETCH_BYTES, FETCH_WAIT)?
            .0)
    }
}

/// A sink's committed offsets, by (topic, partition): the offset of the next record to read.
pub type Committed = BTreeMap<(String, i32), i64>;

/// The committed offsets in Connect's answer for a sink: entries of the shape
/// `{"partition": {"kafka_topic": t, "kafka_partition": p}, "offset": {"kafka_offset": o}}`;
/// any other entry (a source's) is left out.
pub fn sink_committed(offsets: &ConnectorOffsets) -> Committed {
    offsets
        .offsets
        .iter()
        .filter_map(|o| {
            let topic = o.partition.get("kafka_topic")?.as_str()?;
            let partition = i32::try_from(o.partition.get("kafka_partition")?.as_i64()?).ok()?;
            let offset = o.offset.get("kafka_offset")?.as_i64()?;
            Some(((topic.to_string(), partition), offset))
        })
        .collect()
}

/// The lag of one partition of a sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    pub end: i64,
    /// `None` when the sink has committed nothing on this partition yet.
    pub committed: Option<i64>,
    /// Records between where the sink will read next and the end: a partition without a
    /// committed offset is read from its start (Connect's consumers default to `earliest`),
    /// records already deleted by retention are not counted, and a committed offset past the
    /// end (a recreated topic) is no lag.
    pub lag: i64,
}

/// The lag of every partition of `ends` (topic -> its partitions), in topic and partition
/// order. With the end offsets taken when a wait began, the total is what is left to commit.
pub fn lag(ends: &BTreeMap<String, Vec<Watermark>>, committed: &Committed) -> Vec<PartitionLag> {
    let mut rows = Vec::new();
    for (topic, marks) in ends {
        let mut marks = marks.clone();
        marks.sort_by_key(|w| w.partition);
        for w in marks {
            let committed = committed.get(&(topic.clone(), w.partition)).copied();
            let next = committed.unwrap_or(w.start).max(w.start);
            rows.push(PartitionLag {
                topic: topic.clone(),
                partition: w.partition,
                end: w.end,
                committed,
                lag: w.end.saturating_sub(next).max(0),
            });
        }
    }
    rows
}

/// The sum of the partitions' lags.
pub fn total(rows: &[PartitionLag]) -> i64 {
    rows.iter().fold(0i64, |sum, r| sum.saturating_add(r.lag))
}

/// How many records the partitions hold now (end minus start).
pub fn records(marks: &[Watermark]) -> i64 {
    marks
        .iter()
        .fold(0i64, |sum, w| sum.saturating_add((w.end - w.start).max(0)))
}

/// The topics a sink reads: its `topics` list; with `topics.regex`, the topics Connect saw it
/// use (`active`) and those it has committed offsets on (kcsh matches no regex itself).
pub fn sink_topics(
    config: &BTreeMap<String, String>,
    active: &[String],
    committed: &Committed,
) -> BTreeSet<String> {
    let listed: BTreeSet<String> = config
        .get("topics")
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if !listed.is_empty() {
        return listed;
    }
    active
        .iter()
        .cloned()
        .chain(committed.keys().map(|(t, _)| t.clone()))
        .collect()
}

/// What DESCRIBE knows about a connector's data.
#[derive(Debug, Clone, PartialEq)]
pub enum DataView {
    /// Lag cannot be shown, and why (one line, not an error).
    Unavailable { kind: ConnectorType, why: String },
    Sink {
        rows: Vec<PartitionLag>,
        /// Why the committed offsets are unknown (then no lag is computed).
        committed_unknown: Option<String>,
        /// The dead letter queue topic and how many records it holds (or why not known).
        dlq: Option<(String, Result<i64, String>)>,
    },
    Source {
        /// Each topic's partitions, or why they could not be read.
        topics: Vec<(String, Result<Vec<Watermark>, String>)>,
    },
}

/// The blocks DESCRIBE adds for `view`: a `lag` field block (the total, the dead letter queue,
/// or why nothing is shown) and a per-partition table.
pub fn blocks(view: &DataView) -> Vec<Block> {
    match view {
        DataView::Unavailable { kind, why } => {
            let title = match kind {
                ConnectorType::Sink => "Consumer Lag",
                ConnectorType::Source => "Topic Offsets",
            };
            vec![Block::Fields {
                name: "lag".into(),
                fields: vec![(Column::new(title, "unavailable"), s(why.clone()))],
            }]
        }
        DataView::Sink {
            rows,
            committed_unknown,
            dlq,
        } => {
            let mut fields = vec![match committed_unknown {
                None => (
                    Column::new("Consumer Lag", "total_lag"),
                    Value::from(total(rows)),
                ),
                Some(why) => (Column::new("Consumer Lag", "unavailable"), s(why.clone())),
            }];
            if let Some((topic, count)) = dlq {
                fields.push((
                    Column::new("Dead Letter Topic", "dead_letter_topic"),
                    s(topic.clone()),
                ));
                fields.push(match count {
                    Ok(n) => (Column::new("Dead Letters", "dead_letters"), Value::from(*n)),
                    Err(why) => (
                        Column::new("Dead Letters", "dead_letters_unavailable"),
                        s(why.clone()),
                    ),
                });
            }
            let known = committed_unknown.is_none();
            let table_rows = rows
                .iter()
                .map(|r| {
                    vec![
                        s(r.topic.clone()),
                        Value::from(r.partition),
                        Value::from(r.end),
                        r.committed.map_or(Value::Null, Value::from),
                        if known {
                            Value::from(r.lag)
                        } else {
                            Value::Null
                        },
                    ]
                })
                .collect();
            vec![
                Block::Fields {
                    name: "lag".into(),
                    fields,
                },
                Block::Table {
                    name: "lag_partitions".into(),
                    title: None,
                    columns: Column::list(&[
                        ("Topic", "topic"),
                        ("Partition", "partition"),
                        ("End Offset", "end_offset"),
                        ("Committed Offset", "committed_offset"),
                        ("Lag", "lag"),
                    ]),
                    rows: table_rows,
                },
            ]
        }
        DataView::Source { topics } => {
            let mut rows = Vec::new();
            let mut failed = Vec::new();
            for (topic, marks) in topics {
                match marks {
                    Ok(marks) => {
                        let mut marks = marks.clone();
                        marks.sort_by_key(|w| w.partition);
                        rows.extend(marks.iter().map(|w| {
                            vec![
                                s(topic.clone()),
                                Value::from(w.partition),
                                Value::from(w.end),
                            ]
                        }))
                    }
                    Err(why) => failed.push(format!("{topic}: {why}")),
                }
            }
            let mut out = Vec::new();
            if !failed.is_empty() {
                out.push(Block::Fields {
                    name: "lag".into(),
                    fields: vec![(
                        Column::new("Topic Offsets", "unavailable"),
                        s(failed.join("; ")),
                    )],
                });
            }
            out.push(Block::Table {
                name: "topic_offsets".into(),
                title: None,
                columns: Column::list(&[
                    ("Topic", "topic"),
                    ("Partition", "partition"),
                    ("End Offset", "end_offset"),
                ]),
                rows,
            });
            out
        }
    }
}

/// An error as DESCRIBE's one line: its message's first line, without the hint.
fn gist(e: &Error) -> String {
    crate::output::first_line(&e.message, 300).0
}

/// Records left per partition, for WAIT's messages: `lines/0: 40, lines/1: 2` (at most a few).
fn left_text(rows: &[PartitionLag]) -> String {
    const SHOWN: usize = 5;
    let behind: Vec<&PartitionLag> = rows.iter().filter(|r| r.lag > 0).collect();
    let mut parts: Vec<String> = behind
        .iter()
        .take(SHOWN)
        .map(|r| format!("{}/{}: {}", r.topic, r.partition, r.lag))
        .collect();
    if behind.len() > SHOWN {
        parts.push(format!("{} more partitions", behind.len() - SHOWN));
    }
    parts.join(", ")
}

impl Session {
    /// The data blocks of DESCRIBE for a connector of `kind` (`related`: its active topics).
    /// Never fails DESCRIBE: whatever cannot be read is one line saying why.
    pub(super) fn describe_data(
        &self,
        name: &str,
        kind: Option<ConnectorType>,
        config: &BTreeMap<String, String>,
        related: &[String],
    ) -> Vec<Block> {
        let Some(kind) = kind else {
            return Vec::new();
        };
        let view = match kind {
            ConnectorType::Sink => self.sink_view(name, config, related),
            ConnectorType::Source => self.source_view(related),
        };
        blocks(&view)
    }

    /// The committed offsets of sink `name` from Connect, or why they are unknown.
    fn sink_offsets(&self, name: &str) -> Result<Result<Committed, String>, Error> {
        let info = self.server_info()?;
        if !info.at_least(3, 5) {
            // rskafka, kcsh's Kafka client, has no OffsetFetch: Connect is the only source.
            return Ok(Err(format!(
                "committed offsets need Kafka Connect 3.5 or later (GET /connectors/{{name}}/offsets); \
                 this worker runs {}, and kcsh's Kafka client cannot read a consumer group's offsets",
                info.version
            )));
        }
        let req = Request::get(connector_path(name, "/offsets")?);
        let offsets: ConnectorOffsets = self
            .send_json(&req)
            .map_err(|e| self.connector_error(name, e))?;
        Ok(Ok(sink_committed(&offsets)))
    }

    fn sink_view(
        &self,
        name: &str,
        config: &BTreeMap<String, String>,
        related: &[String],
    ) -> DataView {
        let unavailable = |why: String| DataView::Unavailable {
            kind: ConnectorType::Sink,
            why,
        };
        let kafka = match self.topic_reads("DESCRIBE CONNECTOR") {
            Ok(k) => k,
            Err(why) => return unavailable(why),
        };
        let (committed, committed_unknown) = match self.sink_offsets(name) {
            Ok(Ok(c)) => (c, None),
            Ok(Err(why)) => (Committed::new(), Some(why)),
            Err(e) => (Committed::new(), Some(gist(&e))),
        };
        let mut ends = BTreeMap::new();
        for topic in sink_topics(config, related, &committed) {
            self.note_kafka_read(format!("start and end offsets of topic {topic}"));
            match kafka.watermarks(&topic) {
                Ok(marks) => {
                    ends.insert(topic, marks);
                }
                Err(e) => return unavailable(format!("{topic}: {}", gist(&e))),
            }
        }
        let dlq = config
            .get(DLQ_TOPIC_KEY)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|topic| {
                self.note_kafka_read(format!("start and end offsets of topic {topic}"));
                let count = kafka
                    .watermarks(topic)
                    .map(|m| records(&m))
                    .map_err(|e| gist(&e));
                (topic.to_string(), count)
            });
        DataView::Sink {
            rows: lag(&ends, &committed),
            committed_unknown,
            dlq,
        }
    }

    fn source_view(&self, related: &[String]) -> DataView {
        let kafka = match self.topic_reads("DESCRIBE CONNECTOR") {
            Ok(k) => k,
            Err(why) => {
                return DataView::Unavailable {
                    kind: ConnectorType::Source,
                    why,
                };
            }
        };
        let topics = related
            .iter()
            .map(|t| {
                self.note_kafka_read(format!("start and end offsets of topic {t}"));
                (t.clone(), kafka.watermarks(t).map_err(|e| gist(&e)))
            })
            .collect();
        DataView::Source { topics }
    }

    /// `WAIT FOR CONNECTOR name CAUGHT UP [TIMEOUT n SECONDS]`: until sink `name` has committed
    /// every record its topics held when the wait began. A source, or a sink that stays paused
    /// or stopped, fails at once with a message saying so; a timeout fails with what was left.
    pub(super) fn wait_caught_up(&self, name: &str, timeout: Duration) -> Result<Output, Error> {
        let path = connector_path(name, "")?;
        let info: ConnectorInfo = self
            .send_json(&Request::get(path))
            .map_err(|e| self.connector_error(name, e))?;
        let quoted = crate::lang::ident::quote_name(name);
        match info.kind {
            Some(ConnectorType::Sink) => {}
            Some(ConnectorType::Source) => {
                return Err(Error::statement(format!(
                    "Connector {name} is a source: it has no consumer to catch up (CAUGHT UP waits for a sink)"
                ))
                .with_hint(format!(
                    "to wait until it runs: WAIT FOR CONNECTOR {quoted}; the end offsets of its topics: DESCRIBE CONNECTOR {quoted};"
                )));
            }
            None => {
                return Err(Error::statement(format!(
                    "Connector {name} has no type yet: CAUGHT UP waits for a sink"
                )));
            }
        }
        let committed = match self.sink_offsets(name)? {
            Ok(c) => c,
            Err(why) => return Err(Error::statement(why)),
        };
        let kafka = self.kafka("WAIT FOR CONNECTOR ... CAUGHT UP")?;
        let related = self.active_topics(name);
        let mut targets = BTreeMap::new();
        for topic in sink_topics(&info.config, &related, &committed) {
            self.note_kafka_read(format!("start and end offsets of topic {topic}"));
            targets.insert(topic.clone(), kafka.watermarks(&topic)?);
        }
        if self.mode == Mode::Explain {
            // EXPLAIN shows one poll; it does not wait.
            return Ok(Output::new("message"));
        }
        let start = Instant::now();
        let mut progress = super::lifecycle::Progress::new(self.opts.progress);
        let mut held_since: Option<Instant> = None;
        let mut committed = committed;
        loop {
            let rows = lag(&targets, &committed);
            let left = total(&rows);
            if left == 0 {
                progress.clear();
                let partitions = rows.len();
                return Ok(Output::message(format!(
                    "Connector {name} caught up: it committed every record its {partitions} partition(s) held when the wait began"
                )));
            }
            let status = self
                .status(name)
                .map_err(|e| self.connector_error(name, e))?;
            let state = status.connector.state.clone();
            if let Some(e) = super::lifecycle::failure(name, &status) {
                progress.clear();
                return Err(e);
            }
            if matches!(state, ConnectorState::Paused | ConnectorState::Stopped) {
                let since = *held_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= super::lifecycle::HELD_GRACE {
                    progress.clear();
                    return Err(Error::statement(format!(
                        "Connector {name} is {state}: it commits nothing until it is resumed; {left} record(s) left ({})",
                        left_text(&rows)
                    ))
                    .with_hint(format!("resume it: RESUME CONNECTOR {quoted};")));
                }
            } else {
                held_since = None;
            }
            let elapsed = start.elapsed();
            if self.cancelled() {
                progress.clear();
                return Err(Error::statement(format!(
                    "Cancelled waiting for {name} to catch up; {left} record(s) left"
                )));
            }
            if elapsed >= timeout {
                progress.clear();
                return Err(Error::statement(format!(
                    "Timed out after {} s waiting for connector {name} to catch up: {left} record(s) left ({}); it is {state}",
                    timeout.as_secs(),
                    left_text(&rows)
                )));
            }
            progress.show(&format!(
                "waiting for {name} to catch up: {left} record(s) left ({} s)",
                elapsed.as_secs()
            ));
            std::thread::sleep(Duration::from_millis(500).min(timeout - elapsed));
            committed = match self.sink_offsets(name)? {
                Ok(c) => c,
                Err(why) => return Err(Error::statement(why)),
            };
        }
    }

    /// The topics Connect saw connector `name` use (empty when topic tracking is off).
    pub(super) fn active_topics(&self, name: &str) -> Vec<String> {
        let Ok(path) = connector_path(name, "/topics") else {
            return Vec::new();
        };
        self.send_json::<BTreeMap<String, crate::connect::model::ActiveTopics>>(&Request::get(path))
            .map(|m| m.into_values().flat_map(|a| a.topics).collect())
            .unwrap_or_default()
    }

    /// The Kafka side for DESCRIBE, or the one line saying why there is none: how to give a
    /// bootstrap, or what connecting said (unreachable brokers, bounded by the client).
    fn topic_reads(&self, statement: &str) -> Result<Arc<crate::kafka::Client>, String> {
        if !self.kafka.configured() && self.mode != Mode::Offline {
            return Err(crate::hints::LAG_NEEDS_BOOTSTRAP.to_string());
        }
        self.kafka(statement).map_err(|e| gist(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::model::ConnectorOffset;
    use serde_json::json;

    fn wm(partition: i32, start: i64, end: i64) -> Watermark {
        Watermark {
            partition,
            start,
            end,
        }
    }

    fn committed(entries: &[(&str, i32, i64)]) -> Committed {
        entries
            .iter()
            .map(|(t, p, o)| ((t.to_string(), *p), *o))
            .collect()
    }

    #[test]
    fn sink_offsets_are_read_from_connects_shape_and_others_left_out() {
        let offsets = ConnectorOffsets {
            offsets: vec![
                ConnectorOffset {
                    partition: json!({"kafka_topic": "lines", "kafka_partition": 1}),
                    offset: json!({"kafka_offset": 42}),
                },
                ConnectorOffset {
                    partition: json!({"filename": "/tmp/in"}),
                    offset: json!({"position": 7}),
                },
                ConnectorOffset {
                    partition: json!({"kafka_topic": "lines", "kafka_partition": 99999999999i64}),
                    offset: json!({"kafka_offset": 1}),
                },
            ],
        };
        assert_eq!(sink_committed(&offsets), committed(&[("lines", 1, 42)]));
    }

    #[test]
    fn lag_is_end_minus_the_next_offset_to_read() {
        let ends = BTreeMap::from([
            ("a".to_string(), vec![wm(1, 0, 10), wm(0, 0, 5)]),
            ("b".to_string(), vec![wm(0, 4, 9)]),
        ]);
        let rows = lag(&ends, &committed(&[("a", 0, 5), ("a", 1, 3), ("b", 0, 2)]));
        let got: Vec<(&str, i32, Option<i64>, i64)> = rows
            .iter()
            .map(|r| (r.topic.as_str(), r.partition, r.committed, r.lag))
            .collect();
        // b/0: committed 2 but records before 4 are gone: 5 left, not 7.
        assert_eq!(
            got,
            [
                ("a", 0, Some(5), 0),
                ("a", 1, Some(3), 7),
                ("b", 0, Some(2), 5)
            ]
        );
        assert_eq!(total(&rows), 12);
    }

    #[test]
    fn nothing_committed_counts_from_the_start_and_past_the_end_is_no_lag() {
        let ends = BTreeMap::from([("a".to_string(), vec![wm(0, 3, 10), wm(1, 0, 4)])]);
        let rows = lag(&ends, &committed(&[("a", 1, 9)]));
        assert_eq!(rows[0].committed, None);
        assert_eq!(rows[0].lag, 7);
        assert_eq!(rows[1].lag, 0);
        // Huge offsets do not overflow.
        let ends = BTreeMap::from([(
            "a".to_string(),
            vec![wm(0, 0, i64::MAX), wm(1, 0, i64::MAX)],
        )]);
        assert_eq!(total(&lag(&ends, &Committed::new())), i64::MAX);
        assert_eq!(records(&[wm(0, 2, 5), wm(1, 0, 0)]), 3);
    }

    #[test]
    fn the_sink_reads_its_topic_list_or_what_it_was_seen_reading() {
        let config = BTreeMap::from([("topics".to_string(), " a, b ,,".to_string())]);
        let got = sink_topics(&config, &["x".into()], &committed(&[("y", 0, 1)]));
        assert_eq!(got, BTreeSet::from(["a".to_string(), "b".to_string()]));
        let regex = BTreeMap::from([("topics.regex".to_string(), "a.*".to_string())]);
        let got = sink_topics(&regex, &["ab".into()], &committed(&[("ac", 0, 1)]));
        assert_eq!(got, BTreeSet::from(["ab".to_string(), "ac".to_string()]));
    }

    #[test]
    fn left_text_names_the_partitions_behind() {
        let ends = BTreeMap::from([("t".to_string(), (0..8).map(|p| wm(p, 0, 2)).collect())]);
        let rows = lag(&ends, &committed(&[("t", 0, 2)]));
        assert_eq!(
            left_text(&rows),
            "t/1: 2, t/2: 2, t/3: 2, t/4: 2, t/5: 2, 2 more partitions"
        );
    }

    fn sink_view() -> DataView {
        let ends = BTreeMap::from([("lines".to_string(), vec![wm(0, 0, 10), wm(1, 0, 3)])]);
        DataView::Sink {
            rows: lag(&ends, &committed(&[("lines", 0, 4)])),
            committed_unknown: None,
            dlq: Some(("lines-dlq".into(), Ok(2))),
        }
    }

    #[test]
    fn json_keys_of_the_sink_blocks() {
        let doc = crate::render::json::to_value(&Output {
            kind: "connector_description".into(),
            blocks: blocks(&sink_view()),
        });
        assert_eq!(
            doc,
            json!({
                "type": "connector_description",
                "lag": {"total_lag": 9, "dead_letter_topic": "lines-dlq", "dead_letters": 2},
                "lag_partitions": [
                    {"topic": "lines", "partition": 0, "end_offset": 10, "committed_offset": 4, "lag": 6},
                    {"topic": "lines", "partition": 1, "end_offset": 3, "committed_offset": null, "lag": 3},
                ],
            })
        );
        let doc = crate::render::json::to_value(&Output {
            kind: "connector_description".into(),
            blocks: blocks(&DataView::Unavailable {
                kind: ConnectorType::Sink,
                why: crate::hints::LAG_NEEDS_BOOTSTRAP.into(),
            }),
        });
        assert_eq!(
            doc["lag"],
            json!({"unavailable": crate::hints::LAG_NEEDS_BOOTSTRAP})
        );
    }

    fn plain(blocks: Vec<Block>) -> String {
        let out = Output {
            kind: "connector_description".into(),
            blocks,
        };
        let mut buf = Vec::new();
        crate::render::Renderer::plain(crate::render::Format::Tabular)
            .render(&out, &Default::default(), &mut buf)
            .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn rendered_sink_lag() {
        insta::assert_snapshot!("sink_lag", plain(blocks(&sink_view())));
        let unknown = DataView::Sink {
            rows: lag(
                &BTreeMap::from([("lines".to_string(), vec![wm(0, 0, 10)])]),
                &Committed::new(),
            ),
            committed_unknown: Some("committed offsets need Kafka Connect 3.5 or later".into()),
            dlq: None,
        };
        insta::assert_snapshot!("sink_lag_committed_unknown", plain(blocks(&unknown)));
        insta::assert_snapshot!(
            "sink_lag_without_bootstrap",
            plain(blocks(&DataView::Unavailable {
                kind: ConnectorType::Sink,
                why: crate::hints::LAG_NEEDS_BOOTSTRAP.into(),
            }))
        );
    }

    #[test]
    fn rendered_source_offsets() {
        let view = DataView::Source {
            topics: vec![
                ("lines".into(), Ok(vec![wm(1, 0, 4), wm(0, 0, 6)])),
                ("gone".into(), Err("Unknown topic".into())),
            ],
        };
        insta::assert_snapshot!("source_offsets", plain(blocks(&view)));
    }
}
