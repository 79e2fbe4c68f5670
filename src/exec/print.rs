//! `PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n]`: reads the topic's partitions
//! from their start (or end) offsets and hands each fetched batch to the statement's sink as
//! it arrives (one `Output` of `Block::Record`s), so records reach the screen while PRINT runs
//! and a long PRINT holds one batch at a time, never the whole topic. Ends at LIMIT, on the
//! session's cancel flag (Ctrl-C: "Topic printing ceased"), or on an error after what was
//! printed. Under EXPLAIN it reads metadata and offsets, notes what it would read, and stops.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Mode, Session, Sink};
use crate::error::Error;
use crate::kafka::format::{Printed, decode};
use crate::kafka::{self, Record};
use crate::lang::ast::Print;
use crate::output::{Block, Output};

/// How long one fetch waits for records on a quiet topic: also how soon a Ctrl-C is seen.
const FETCH_WAIT: Duration = Duration::from_millis(500);
/// Bytes asked per fetch round, shared by the partitions (each gets at least `MIN_PER_PARTITION`;
/// Kafka returns a larger record whole anyway).
const FETCH_BYTES: i32 = 256 * 1024;
const MIN_PER_PARTITION: i32 = 64 * 1024;

/// What ksqlDB says of a key format before any non-null key was seen.
const NO_DATA: &str = "¯\\_(ツ)_/¯ - no data processed";

/// The last message of every PRINT that ends without an error.
pub const CEASED: &str = "Topic printing ceased";

impl Session {
    pub(super) fn print(&self, stmt: &Print, sink: Sink<'_>) -> Result<Output, Error> {
        let topic = self.name(&stmt.topic)?;
        kafka::check_topic_name(&topic).map_err(Error::usage)?;
        let kafka = self.kafka("PRINT")?;
        let topics = self.list_topics(&kafka)?;
        let Some(info) = topics.iter().find(|t| t.name == topic) else {
            return Err(self.unknown_topic(&kafka, &topic));
        };
        let mut positions = if stmt.from_beginning {
            kafka.start_offsets(&topic)?
        } else {
            kafka.end_offsets(&topic)?
        };
        self.note_kafka_read(describe(stmt, &topic, info.partitions));
        if self.mode == Mode::Explain {
            return Ok(Output::new("print"));
        }
        let per_partition = (FETCH_BYTES / i32::try_from(positions.len().max(1)).unwrap_or(1))
            .max(MIN_PER_PARTITION);
        // Partitions behind their end are read without waiting; only when every partition has
        // caught up does a fetch wait for new records (so an empty partition never slows the
        // others down).
        let mut high: BTreeMap<i32, i64> = if stmt.from_beginning {
            kafka.end_offsets(&topic)?.into_iter().collect()
        } else {
            positions.iter().copied().collect()
        };
        let mut state = State::new(stmt.interval.unwrap_or(1), stmt.limit);
        while !state.done() && !self.cancelled() {
            let behind: Vec<(i32, i64)> = positions
                .iter()
                .filter(|(p, at)| high.get(p).is_some_and(|h| at < h))
                .copied()
                .collect();
            let (ask, wait) = if behind.is_empty() {
                (positions.clone(), FETCH_WAIT)
            } else {
                (behind, Duration::ZERO)
            };
            let fetched = kafka.fetch_many(&topic, &ask, per_partition, wait)?;
            let mut batch = Vec::new();
            for (partition, got) in fetched {
                let (records, end) = got?;
                let Some(pos) = positions.iter_mut().find(|(p, _)| *p == partition) else {
                    continue;
                };
                match records.last() {
                    Some(last) => pos.1 = last.offset + 1,
                    // Nothing readable below the end (transaction markers): count it caught up
                    // rather than asking again at once.
                    None => {
                        high.insert(partition, pos.1);
                        continue;
                    }
                }
                high.insert(partition, end);
                for record in records {
                    if let Some(printed) = state.take(&topic, record) {
                        batch.push(Block::Record(Box::new(printed)));
                    }
                    if state.done() {
                        break;
                    }
                }
                if state.done() {
                    break;
                }
            }
            if !batch.is_empty() {
                let mut out = Output::new("records");
                out.blocks = batch;
                sink(out)?;
            }
        }
        Ok(Output::message(CEASED))
    }
}

/// What EXPLAIN says PRINT reads.
fn describe(stmt: &Print, topic: &str, partitions: usize) -> String {
    let mut text = format!(
        "records of '{topic}' ({partitions} partition{}) from {}",
        if partitions == 1 { "" } else { "s" },
        if stmt.from_beginning {
            "the beginning"
        } else {
            "the end (new records only)"
        }
    );
    if let Some(n) = stmt.interval {
        text.push_str(&format!(", every {n}th record"));
    }
    match stmt.limit {
        Some(n) => text.push_str(&format!(", at most {n}")),
        None => text.push_str(", until Ctrl-C"),
    }
    text
}

/// Counting (INTERVAL, LIMIT) and the formats last announced.
struct State {
    interval: u64,
    limit: Option<u64>,
    seen: u64,
    printed: u64,
    formats: Option<(String, String)>,
}

impl State {
    fn new(interval: u64, limit: Option<u64>) -> State {
        State {
            interval: interval.max(1),
            limit,
            seen: 0,
            printed: 0,
            formats: None,
        }
    }

    fn done(&self) -> bool {
        self.limit.is_some_and(|n| self.printed >= n)
    }

    /// The record as printed, when INTERVAL lets it through; the `Key format:` / `Value
    /// format:` lines ride on the first record and on every record whose formats differ.
    fn take(&mut self, topic: &str, r: Record) -> Option<Printed> {
        let due = self.seen.is_multiple_of(self.interval);
        self.seen += 1;
        if !due {
            return None;
        }
        self.printed += 1;
        let key = decode(r.key.as_deref());
        let value = decode(r.value.as_deref());
        let previous = self.formats.clone();
        let label = |d: &crate::kafka::format::Decoded, before: Option<String>| match d.format {
            Some(f) => f.label(),
            None => before.unwrap_or_else(|| NO_DATA.to_string()),
        };
        let now = (
            label(&key, previous.as_ref().map(|p| p.0.clone())),
            label(&value, previous.as_ref().map(|p| p.1.clone())),
        );
        let announce = (previous.as_ref() != Some(&now)).then(|| now.clone());
        self.formats = Some(now);
        Some(Printed {
            topic: topic.to_string(),
            partition: r.partition,
            offset: r.offset,
            timestamp: r.timestamp,
            key,
            value,
            headers: r
                .headers
                .into_iter()
                .map(|(k, v)| (k, decode(Some(&v))))
                .collect(),
            formats: announce,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(offset: i64, key: Option<&str>, value: &str) -> Record {
        Record {
            partition: 0,
            offset,
            timestamp: 0,
            key: key.map(|k| k.as_bytes().to_vec()),
            value: Some(value.as_bytes().to_vec()),
            headers: Vec::new(),
        }
    }

    #[test]
    fn interval_limit_and_format_announcements() {
        let mut s = State::new(2, Some(3));
        let mut shown = Vec::new();
        for (i, (k, v)) in [
            (None, "a"),
            (None, "b"),
            (Some("k"), "{\"x\":1}"),
            (None, "d"),
            (Some("k"), "{\"x\":2}"),
            (None, "f"),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(p) = s.take("t", record(i as i64, k, v)) {
                shown.push((p.offset, p.formats));
            }
            if s.done() {
                break;
            }
        }
        assert_eq!(
            shown,
            vec![
                (0, Some((NO_DATA.to_string(), "KAFKA_STRING".to_string()))),
                (2, Some(("KAFKA_STRING".to_string(), "JSON".to_string()))),
                (4, None),
            ]
        );
        assert!(s.done());
    }

    #[test]
    fn explain_says_what_is_read() {
        let stmt = Print {
            topic: crate::lang::ast::Name::Plain("t".into()),
            from_beginning: true,
            interval: None,
            limit: Some(5),
        };
        assert_eq!(
            describe(&stmt, "t", 3),
            "records of 't' (3 partitions) from the beginning, at most 5"
        );
    }
}
