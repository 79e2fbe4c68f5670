//! kcsh's Kafka client (`kcsh::kafka::Client`) against the test cluster's real broker: topics
//! with partitions and replicas, offsets, fetches, unknown topics, and a bound on unreachable
//! brokers (that one needs no cluster).

use std::time::{Duration, Instant};

use kcsh::kafka::{Client, Error, KafkaConfig};

use crate::harness::cluster::test_bootstrap;

fn client() -> Client {
    let servers = kcsh::kafka::config::parse_bootstrap(&test_bootstrap()).unwrap();
    Client::connect(&KafkaConfig::plain(servers)).expect("connect to the test broker")
}

#[test]
fn topics_offsets_and_records_of_the_workers_config_topic() {
    require_cluster!();
    let kafka = client();
    let topics = kafka.topics().unwrap();
    let configs = topics
        .iter()
        .find(|t| t.name == "kcsh-configs")
        .unwrap_or_else(|| panic!("no kcsh-configs in {topics:?}"));
    assert_eq!((configs.partitions, configs.replicas), (1, 1));
    assert!(!configs.internal);
    assert!(
        topics
            .iter()
            .any(|t| t.name == "__consumer_offsets" && t.internal)
    );

    let start = kafka.start_offsets("kcsh-configs").unwrap();
    let end = kafka.end_offsets("kcsh-configs").unwrap();
    assert_eq!(start.len(), 1);
    assert!(end[0].1 >= start[0].1, "{start:?} {end:?}");
    let (records, high) = kafka
        .fetch(
            "kcsh-configs",
            0,
            start[0].1,
            1 << 20,
            Duration::from_millis(100),
        )
        .unwrap();
    assert_eq!(high, end[0].1);
    if end[0].1 > start[0].1 {
        assert_eq!(records[0].offset, start[0].1);
        assert_eq!(records[0].partition, 0);
    }
}

#[test]
fn an_unknown_topic_is_named() {
    require_cluster!();
    let e = client().end_offsets("no-such-topic-kcsh").unwrap_err();
    assert_eq!(
        e,
        Error::UnknownTopic {
            topic: "no-such-topic-kcsh".into()
        }
    );
}

/// Nothing listens on the discard port: the connection fails within the bound, naming it.
#[test]
fn unreachable_brokers_fail_within_the_bound_naming_the_address() {
    let started = Instant::now();
    let mut config = KafkaConfig::plain(vec!["127.0.0.1:9".into()]);
    config.connect_timeout = Duration::from_secs(2);
    let e = Client::connect(&config).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(e, Error::Unreachable { .. }), "{e:?}");
    let text = kcsh::error::Error::from(e).to_string();
    assert!(text.contains("127.0.0.1:9"), "{text}");
    assert!(text.contains("--bootstrap"), "{text}");
}
