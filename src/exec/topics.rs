//! `SHOW | LIST [ALL] TOPICS [EXTENDED] [LIKE 'p']`: the Kafka topics as ksqlDB lists them
//! (`Kafka Topic | Partitions | Partition Replicas`); EXTENDED adds the records each holds (end
//! minus start offsets) and the connectors that read or write it (Connect's
//! `GET /connectors/{name}/topics`, through the session's transport like every request). Also
//! the topic look-up PRINT shares: the unknown-topic error with its did-you-mean.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Session;
use super::http::{Request, connector_path};
use crate::connect::model::ActiveTopics;
use crate::error::Error;
use crate::kafka::{Client, TopicInfo};
use crate::output::{Block, Column, Output};
use crate::vocab::ConnectorType;

/// Topic name -> the connectors (with their type, when known) that read or write it.
type Users = BTreeMap<String, Vec<(String, Option<ConnectorType>)>>;

/// At most this many `GET /connectors/{name}/topics` at a time (EXTENDED).
const CONCURRENT_TOPIC_REQUESTS: usize = 8;

impl Session {
    pub(super) fn show_topics(
        &self,
        all: bool,
        extended: bool,
        like: Option<&str>,
    ) -> Result<Output, Error> {
        let statement = if all {
            "SHOW ALL TOPICS"
        } else {
            "SHOW TOPICS"
        };
        let kafka = self.kafka(statement)?;
        self.note_kafka_read(format!(
            "Metadata (every topic) from {}",
            kafka.bootstrap().join(",")
        ));
        let topics = self.list_topics(&kafka)?;
        let shown: Vec<&TopicInfo> = topics
            .iter()
            .filter(|t| all || !t.internal)
            .filter(|t| like.is_none_or(|p| crate::lang::like::like(p, &t.name)))
            .collect();
        let mut columns = vec![
            Column::new("Kafka Topic", "topic"),
            Column::new("Partitions", "partitions"),
            Column::new("Partition Replicas", "replicas"),
        ];
        let mut warnings = Vec::new();
        let users = if extended {
            columns.push(Column::new("Records", "records"));
            columns.push(Column::new("Connectors", "connectors"));
            if !shown.is_empty() {
                self.note_kafka_read(format!("start and end offsets of {} topics", shown.len()));
            }
            self.topic_users(&mut warnings)?
        } else {
            BTreeMap::new()
        };
        let mut rows = Vec::new();
        for t in shown {
            let mut row = vec![json!(t.name), json!(t.partitions), json!(t.replicas)];
            if extended {
                row.push(json!(records(&kafka, &t.name)?));
                let names: Vec<String> = users
                    .get(&t.name)
                    .into_iter()
                    .flatten()
                    .map(|(name, kind)| match kind {
                        Some(k) => format!("{name} ({})", k.label()),
                        None => name.clone(),
                    })
                    .collect();
                row.push(Value::String(names.join(", ")));
            }
            rows.push(row);
        }
        let mut out = Output::new("topic_list").with(Block::Table {
            name: "topics".into(),
            title: None,
            columns,
            rows,
        });
        for w in warnings {
            out = out.with(Block::Warning(w));
        }
        Ok(out)
    }

    /// Topic names, sorted, for completion (cached for a few seconds).
    pub fn topic_names(&self) -> Result<Vec<String>, Error> {
        if let Some((at, names)) = &self.catalog.snapshot().topics
            && at.elapsed() < super::NAMES_TTL
        {
            return Ok(names.clone());
        }
        let kafka = self.kafka("completion")?;
        let mut names: Vec<String> = self
            .list_topics(&kafka)?
            .into_iter()
            .filter(|t| !t.internal)
            .map(|t| t.name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Every topic, remembered in the catalog for completion.
    pub(super) fn list_topics(&self, kafka: &Client) -> Result<Vec<TopicInfo>, Error> {
        let topics = kafka.topics()?;
        self.catalog.set_topics(
            topics
                .iter()
                .filter(|t| !t.internal)
                .map(|t| t.name.clone())
                .collect(),
        );
        Ok(topics)
    }

    /// Topic name -> the connectors (and their type) that use it, from each connector's
    /// `GET /connectors/{name}/topics`. A connector whose topics cannot be read (topic
    /// tracking off, dropped meanwhile) is named in a warning instead.
    fn topic_users(&self, warnings: &mut Vec<String>) -> Result<Users, Error> {
        let connectors = self.all_connectors()?;
        let named: Vec<(String, Option<ConnectorType>)> = connectors
            .iter()
            .map(|(name, c)| {
                let kind = c
                    .info
                    .as_ref()
                    .and_then(|i| i.kind)
                    .or_else(|| c.status.as_ref().and_then(|s| s.kind));
                (name.clone(), kind)
            })
            .collect();
        let mut requests = Vec::new();
        for (name, _) in &named {
            requests.push(Request::get(connector_path(name, "/topics")?));
        }
        let answers: Vec<Result<BTreeMap<String, ActiveTopics>, Error>> =
            if self.mode == super::Mode::Live {
                let mut answers = Vec::with_capacity(requests.len());
                for chunk in requests.chunks(CONCURRENT_TOPIC_REQUESTS) {
                    std::thread::scope(|scope| {
                        let handles: Vec<_> = chunk
                            .iter()
                            .map(|r| scope.spawn(|| self.send_json(r).map_err(Error::from)))
                            .collect();
                        for h in handles {
                            answers.push(h.join().expect("topics thread"));
                        }
                    });
                }
                answers
            } else {
                requests
                    .iter()
                    .map(|r| self.send_json(r).map_err(Error::from))
                    .collect()
            };
        let mut users = Users::new();
        for ((name, kind), answer) in named.into_iter().zip(answers) {
            match answer {
                Ok(map) => {
                    for topic in map.into_values().flat_map(|a| a.topics) {
                        users.entry(topic).or_default().push((name.clone(), kind));
                    }
                }
                Err(e) => warnings.push(format!("topics of connector {name} not known: {e}")),
            }
        }
        Ok(users)
    }

    /// `Could not find topic 'x'` (ksqlDB's words), with the closest existing name.
    pub(super) fn unknown_topic(&self, kafka: &Client, topic: &str) -> Error {
        let names: Vec<String> = self
            .list_topics(kafka)
            .map(|t| t.into_iter().map(|t| t.name).collect())
            .unwrap_or_default();
        let e = Error::statement(format!(
            "Could not find topic '{}', or the user does not have permissions to list the topic. \
             Topic names are case-sensitive.",
            crate::secrets::escape_control(topic)
        ));
        match crate::lang::ident::closest(topic, names.iter().map(String::as_str)) {
            Some(name) => e.with_hint(format!("did you mean '{name}'?")),
            None => e.with_hint("SHOW TOPICS lists them"),
        }
    }
}

/// Records a topic holds now: the sum over its partitions of end minus start offsets.
fn records(kafka: &Client, topic: &str) -> Result<i64, Error> {
    let start: BTreeMap<i32, i64> = kafka.start_offsets(topic)?.into_iter().collect();
    Ok(kafka
        .end_offsets(topic)?
        .into_iter()
        .map(|(p, end)| end - start.get(&p).copied().unwrap_or(0))
        .sum())
}
