//! Real third-party connectors end to end (issue 12): Debezium's PostgreSQL source and its JDBC
//! sink, installed with INSTALL PLUGIN on the plugin test cluster, against the harness's throwaway PostgreSQL. Checks what
//! reaches the topic and the target table (with `psql`), and that kcsh's statements (DESCRIBE,
//! offsets, STOP / RESUME, SHOW CREATE) hold on connectors that are not Kafka's own. Each test
//! uses its own databases, slot and topic prefix; connectors are dropped when a test ends.

use std::io::Write;
use std::process::Command;
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use kcsh::connect::config::Settings;
use kcsh::exec::{Options, Session};
use serde_json::Value;

use crate::harness::postgres::{self, PASSWORD, Postgres, USER};
use crate::harness::*;

/// Debezium's PostgreSQL source, as the issue names it.
const DEBEZIUM_POSTGRES: &str = "io.debezium:debezium-connector-postgres:3.6.1.Final";
/// Debezium's JDBC sink: the newest whose dependencies all resolve.
const DEBEZIUM_JDBC: &str = "io.debezium:debezium-connector-jdbc:3.4.0.Final";
const POSTGRES_CLASS: &str = "io.debezium.connector.postgresql.PostgresConnector";
const JDBC_SINK_CLASS: &str = "io.debezium.connector.jdbc.JdbcSinkConnector";

/// How long a row may take from one database through Connect to the other.
const PIPELINE: Duration = Duration::from_secs(90);

/// The harness's PostgreSQL is what Debezium needs: logical decoding, loopback only, and a
/// password that is really checked over TCP.
#[test]
fn postgres_harness_is_logical_on_loopback_with_password_auth() {
    require_postgres!();
    let pg = postgres::shared();
    assert_eq!(pg.psql("postgres", "SHOW wal_level"), "logical");
    assert_eq!(pg.psql("postgres", "SHOW listen_addresses"), "127.0.0.1");
    assert_eq!(
        pg.psql(
            "postgres",
            "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' LIMIT 1"
        ),
        "scram-sha-256"
    );
}

/// CDC from a PostgreSQL table through Debezium into a topic, and from that topic through the
/// JDBC sink into another database: inserts and updates arrive. On the way, kcsh's statements
/// on these connectors: DESCRIBE (class, type, state, related topics), secrets masked
/// everywhere, the SHOW CREATE round trip (keeps the live password, the connector keeps
/// streaming), offsets shown, STOP, set back while STOPPED with their JSON types intact, RESUME
/// (streaming continues from there).
#[test]
fn debezium_cdc_into_jdbc_sink_with_kcsh_statements() {
    require_cluster!();
    require_postgres!();
    let mut p = Pipeline::new(
        "cdc",
        "CREATE TABLE customers (id int PRIMARY KEY, name text, email text);\
         INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Linus', 'linus@example.com')",
    );
    let (pg, s, worker) = (p.pg, &mut p.s, &p.worker);
    let (shop, warehouse, prefix) = (p.shop.as_str(), p.warehouse.as_str(), p.prefix.as_str());
    let (source, sink) = (p.source.as_str(), p.sink.as_str());
    let topic = format!("{prefix}.public.customers");

    let out = ok(
        s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{source}\" WITH ({})",
            debezium_source_with(pg, shop, prefix, &p.slot, &[])
        ),
    );
    assert_eq!(message(&out), format!("Created connector {source}"));
    ok(
        s,
        &format!("WAIT FOR CONNECTOR \"{source}\" TIMEOUT 90 SECONDS"),
    );
    ok(
        s,
        &format!(
            "CREATE SINK CONNECTOR \"{sink}\" WITH ({})",
            jdbc_sink_with(pg, warehouse, &topic, "customers")
        ),
    );
    ok(
        s,
        &format!("WAIT FOR CONNECTOR \"{sink}\" TIMEOUT 90 SECONDS"),
    );

    // The snapshot, then an insert and an update, reach the other database.
    wait_rows(
        pg,
        warehouse,
        "SELECT id, email FROM customers ORDER BY id",
        &["1|ada@example.com", "2|linus@example.com"],
    );
    pg.psql(
        shop,
        "INSERT INTO customers VALUES (3, 'Grace', 'grace@example.com');\
         UPDATE customers SET email = 'ada@lovelace.org' WHERE id = 1",
    );
    wait_rows(
        pg,
        warehouse,
        "SELECT id, email FROM customers ORDER BY id",
        &[
            "1|ada@lovelace.org",
            "2|linus@example.com",
            "3|grace@example.com",
        ],
    );

    // What the sink read is on the topic: Debezium's change events, snapshot reads first.
    let events: Vec<(String, Value, Value)> = topic_records(&p.bootstrap, &topic)
        .expect("the sink's topic")
        .iter()
        .map(|(_, value)| {
            let event = payload(value);
            let op = event["op"].as_str().unwrap_or_default().to_string();
            (
                op,
                event["after"]["id"].clone(),
                event["after"]["email"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, Value, Value)> = [
        ("r", 1, "ada@example.com"),
        ("r", 2, "linus@example.com"),
        ("c", 3, "grace@example.com"),
        ("u", 1, "ada@lovelace.org"),
    ]
    .iter()
    .map(|(op, id, email)| (op.to_string(), Value::from(*id), Value::from(*email)))
    .collect();
    assert_eq!(events, expected);

    // DESCRIBE on both ends.
    let out = ok(s, &format!("DESCRIBE CONNECTOR \"{source}\""));
    assert_eq!(field(&out, "Class"), POSTGRES_CLASS);
    assert_eq!(field(&out, "Type"), "source");
    assert_eq!(field(&out, "State"), "RUNNING");
    assert_eq!(rows(&out, "topics"), vec![vec![topic.clone()]]);
    let out = ok(s, &format!("DESCRIBE CONNECTOR \"{sink}\""));
    assert_eq!(field(&out, "Class"), JDBC_SINK_CLASS);
    assert_eq!(field(&out, "Type"), "sink");
    assert_eq!(rows(&out, "topics"), vec![vec![topic.clone()]]);

    // The password is masked wherever kcsh shows a config, through the binary as a user runs it.
    for stmt in [
        format!("DESCRIBE CONNECTOR \"{source}\" EXTENDED;"),
        format!("DESCRIBE CONNECTOR \"{sink}\" EXTENDED;"),
        format!("SHOW CREATE CONNECTOR \"{source}\";"),
        format!("SHOW CREATE CONNECTOR \"{sink}\";"),
    ] {
        let out = kcsh_at(worker.url()).args(["-e", &stmt]).output().unwrap();
        let text = transcript(&out);
        assert!(out.status.success(), "{stmt}\n{text}");
        assert!(text.contains("[hidden]"), "{stmt}\n{text}");
        assert!(
            !text.contains(PASSWORD),
            "{stmt} shows the password:\n{text}"
        );
    }

    // SHOW CREATE round trip: its text, run again, changes nothing and keeps the live password
    // (the mask is never sent), and the connector keeps streaming.
    let show = text(
        &ok(s, &format!("SHOW CREATE CONNECTOR \"{source}\"")),
        "statement",
    );
    let out = ok(s, &show);
    assert_eq!(message(&out), format!("Updated connector {source}"));
    let (status, config) = request_to(
        worker.url(),
        "GET",
        &format!("/connectors/{source}/config"),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(config["database.password"], PASSWORD, "{config}");
    ok(
        s,
        &format!("WAIT FOR CONNECTOR \"{source}\" TIMEOUT 90 SECONDS"),
    );
    pg.psql(
        shop,
        "INSERT INTO customers VALUES (4, 'Barbara', 'barbara@example.com')",
    );
    wait_rows(pg, warehouse, "SELECT count(*) FROM customers", &["4"]);

    // Offsets: Debezium's position in the WAL, per server (its topic prefix).
    let offset = wait_offset(s, source, prefix);
    assert!(offset["lsn"].is_u64(), "{offset}");
    ok(s, &format!("STOP CONNECTOR \"{source}\""));
    wait_state(s, source, "STOPPED");
    pg.psql(
        shop,
        "INSERT INTO customers VALUES (5, 'Edsger', 'edsger@example.com')",
    );
    let stopped = wait_offset(s, source, prefix);
    let out = ok(
        s,
        &format!(
            "ALTER CONNECTOR \"{source}\" SET OFFSET PARTITION ('server' = '{prefix}') TO ({})",
            property_list(&stopped)
        ),
    );
    assert!(message(&out).contains("altered successfully"), "{out:?}");
    // Numbers stay numbers, strings and booleans stay what they were: Debezium reads them back.
    assert_eq!(wait_offset(s, source, prefix), stopped);
    ok(s, &format!("RESUME CONNECTOR \"{source}\""));
    ok(
        s,
        &format!("WAIT FOR CONNECTOR \"{source}\" TIMEOUT 90 SECONDS"),
    );
    // The row written while it was stopped arrives: it resumed where it was.
    wait_rows(
        pg,
        warehouse,
        "SELECT id FROM customers WHERE id = 5",
        &["5"],
    );

    // Offsets as data: SHOW CREATE ... WITH OFFSETS of the STOPPED source, re-run where it
    // exists, changes nothing; run under a new name after the old one is dropped, it moves the
    // connector, which resumes from those offsets: the row written meanwhile arrives, and
    // nothing is snapshotted again.
    ok(s, &format!("STOP CONNECTOR \"{source}\""));
    wait_state(s, source, "STOPPED");
    let mut shown = session_at_with(
        worker.url(),
        Options {
            show_secrets: true,
            ..Options::default()
        },
    );
    let export = text(
        &ok(
            &mut shown,
            &format!("SHOW CREATE CONNECTOR \"{source}\" WITH OFFSETS"),
        ),
        "statement",
    );
    assert!(
        export.contains("INITIALLY STOPPED WITH OFFSETS"),
        "{export}"
    );
    let out = ok(s, &export);
    assert!(warning(&out).contains("left as they are"), "{out:?}");
    ok(s, &format!("DROP CONNECTOR \"{source}\""));
    pg.psql(
        shop,
        "INSERT INTO customers VALUES (6, 'Moved', 'moved@example.com')",
    );
    let moved = unique("it-cdc-moved");
    let _m = DropAt(worker.url().to_string(), vec![moved.clone()]);
    // The name as SHOW CREATE writes it (kcsh's one quoting rule), after IF NOT EXISTS.
    let named = |n: &str| format!("IF NOT EXISTS {} WITH", kcsh::lang::ident::quote_name(n));
    assert!(export.contains(&named(source)), "{export}");
    let out = ok(s, &export.replacen(&named(source), &named(&moved), 1));
    assert!(
        message(&out).contains("with the offsets of 1 partition (STOPPED)"),
        "{out:?}"
    );
    ok(s, &format!("RESUME CONNECTOR \"{moved}\""));
    ok(
        s,
        &format!("WAIT FOR CONNECTOR \"{moved}\" TIMEOUT 90 SECONDS"),
    );
    wait_rows(
        pg,
        warehouse,
        "SELECT id FROM customers WHERE id = 6",
        &["6"],
    );
    let ops: Vec<String> = topic_records(&p.bootstrap, &topic)
        .expect("the sink's topic")
        .iter()
        .map(|(_, value)| {
            payload(value)["op"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(ops.iter().filter(|op| *op == "r").count(), 2, "{ops:?}");
}

/// ksqlDB's `key` pseudo-property becomes transforms (ValueToKey + ExtractField$Key, kcsh's JDBC
/// source template). The very transforms the template writes, applied on a real worker to
/// Debezium's records after `ExtractNewRecordState`, give record keys equal to the column's
/// values, read from the topic with kcsh's Kafka client.
#[test]
fn jdbc_template_key_transforms_key_debezium_records_by_the_column() {
    require_cluster!();
    require_postgres!();
    let mut p = Pipeline::new(
        "key",
        "CREATE TABLE orders (id int PRIMARY KEY, item text);\
         INSERT INTO orders SELECT n, 'item ' || n FROM generate_series(101, 105) AS n",
    );
    let (pg, s) = (p.pg, &mut p.s);
    let (shop, prefix, source) = (p.shop.as_str(), p.prefix.as_str(), p.source.as_str());

    // What the template makes of `key = 'id'` (one owner: kcsh's own table of templates).
    let mut template = vec![
        ("connector.class".to_string(), "JdbcSource".to_string()),
        ("key".to_string(), "id".to_string()),
    ];
    kcsh::lang::templates::apply(&mut template);
    let chain = template
        .iter()
        .find(|(k, _)| k == "transforms")
        .map(|(_, v)| v.clone())
        .expect("the JDBC source template adds transforms for `key`");
    assert_eq!(chain, "ksqlCreateKey,ksqlExtractString");
    let mut transforms = vec![
        ("transforms".to_string(), format!("unwrap,{chain}")),
        (
            "transforms.unwrap.type".to_string(),
            "io.debezium.transforms.ExtractNewRecordState".to_string(),
        ),
    ];
    transforms.extend(
        template
            .into_iter()
            .filter(|(k, _)| k.starts_with("transforms.")),
    );
    let transforms: Vec<(&str, &str)> = transforms
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    ok(
        s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{source}\" WITH ({})",
            debezium_source_with(pg, shop, prefix, &p.slot, &transforms)
        ),
    );
    ok(
        s,
        &format!("WAIT FOR CONNECTOR \"{source}\" TIMEOUT 90 SECONDS"),
    );
    pg.psql(shop, "INSERT INTO orders VALUES (106, 'item 106')");
    let topic = format!("{prefix}.public.orders");
    let records = wait_until(&format!("six records on {topic}"), PIPELINE, || {
        let records = topic_records(&p.bootstrap, &topic).ok()?;
        (records.len() >= 6).then_some(records)
    });
    let pairs: Vec<(Value, Value)> = records
        .iter()
        .map(|(key, value)| (payload(key).clone(), payload(value)["id"].clone()))
        .collect();
    let ids: Vec<Value> = (101..=106).map(Value::from).collect();
    assert_eq!(
        pairs,
        ids.iter()
            .map(|id| (id.clone(), id.clone()))
            .collect::<Vec<_>>(),
        "each record's key is its row's id (records: {records:?})"
    );
}

// ---- fixtures of this module ---------------------------------------------------------------

/// What a pipeline test stands on: the shared PostgreSQL with two fresh databases (`<name>_shop`
/// holding `ddl`, `<name>_warehouse` empty), a Debezium worker and a session on it, and names of
/// its own for the connectors, replication slot and topic prefix. The connectors are dropped
/// and the worker stopped when it drops.
struct Pipeline {
    pg: &'static Postgres,
    s: Session,
    shop: String,
    warehouse: String,
    slot: String,
    /// Topics live on the test cluster's Kafka, which outlives this run: a prefix of its own.
    prefix: String,
    source: String,
    sink: String,
    /// The Kafka the worker writes to.
    bootstrap: String,
    _drop: DropAt,
    worker: DebeziumWorker,
}

impl Pipeline {
    fn new(name: &str, ddl: &str) -> Pipeline {
        let pg = postgres::shared();
        let (shop, warehouse) = (format!("{name}_shop"), format!("{name}_warehouse"));
        pg.create_database(&shop);
        pg.create_database(&warehouse);
        pg.psql(&shop, ddl);
        let worker = DebeziumWorker::start();
        let (source, sink) = (
            unique(&format!("it-{name}-src")),
            unique(&format!("it-{name}-sink")),
        );
        Pipeline {
            pg,
            s: session_at(worker.url()),
            shop,
            warehouse,
            slot: format!("{name}_slot"),
            prefix: unique(&format!("it-{name}")),
            _drop: DropAt(worker.url().to_string(), vec![source.clone(), sink.clone()]),
            source,
            sink,
            bootstrap: worker.bootstrap(),
            worker,
        }
    }
}

/// The plugin test cluster (`harness::plugin_cluster`: its own Kafka and worker, locked for as
/// long as this lives, so no other test restarts it meanwhile) with Debezium's PostgreSQL
/// source and JDBC sink installed by `INSTALL PLUGIN`, as a user installs them: the first run
/// fetches them into the fixture's plugin cache and restarts its worker; later runs find them
/// installed. How long each install took goes to stderr.
struct DebeziumWorker {
    cluster: MutexGuard<'static, PluginCluster>,
}

impl DebeziumWorker {
    fn start() -> DebeziumWorker {
        let cluster = plugin_cluster();
        for coords in [DEBEZIUM_POSTGRES, DEBEZIUM_JDBC] {
            let started = Instant::now();
            let out = cluster
                .kcsh()
                .args(["-e", &format!("INSTALL PLUGIN '{coords}';")])
                .output()
                .expect("run kcsh");
            assert!(
                out.status.success(),
                "INSTALL PLUGIN '{coords}'\n{}",
                transcript(&out)
            );
            let said = String::from_utf8_lossy(&out.stdout);
            let _ = writeln!(
                std::io::stderr(),
                "INSTALL PLUGIN '{coords}': {:.1} s: {}",
                started.elapsed().as_secs_f64(),
                said.lines().next().unwrap_or_default()
            );
        }
        DebeziumWorker { cluster }
    }

    fn url(&self) -> &str {
        &self.cluster.url
    }

    fn bootstrap(&self) -> String {
        self.cluster.bootstrap.clone()
    }
}

/// Every record of `topic` (all partitions, partition by partition) as (key, value) JSON; an
/// error while the topic does not exist yet.
fn topic_records(bootstrap: &str, topic: &str) -> Result<Vec<(Value, Value)>, kcsh::kafka::Error> {
    let servers = kcsh::kafka::config::parse_bootstrap(bootstrap).expect("bootstrap");
    let kafka = kcsh::kafka::Client::connect(&kcsh::kafka::KafkaConfig::plain(servers))
        .expect("connect to Kafka");
    let json = |bytes: &Option<Vec<u8>>| {
        bytes.as_deref().map_or(Value::Null, |b| {
            serde_json::from_slice(b).expect("JSON record")
        })
    };
    let mut out = Vec::new();
    let ends = kafka.end_offsets(topic)?;
    for (partition, start) in kafka.start_offsets(topic)? {
        let end = ends
            .iter()
            .find(|(p, _)| *p == partition)
            .map_or(0, |e| e.1);
        let mut next = start;
        while next < end {
            let (records, _) =
                kafka.fetch(topic, partition, next, 1 << 20, Duration::from_secs(1))?;
            // Nothing more below the end (e.g. only control records left): done.
            let Some(last) = records.last() else { break };
            next = last.offset + 1;
            out.extend(records.iter().map(|r| (json(&r.key), json(&r.value))));
        }
    }
    Ok(out)
}

/// The payload of a JSON record that carries its schema (`{"schema": ..., "payload": ...}`).
fn payload(record: &Value) -> &Value {
    &record["payload"]
}

/// An in-process session on the worker at `url`.
fn session_at(url: &str) -> Session {
    session_at_with(url, Options::default())
}

fn session_at_with(url: &str, opts: Options) -> Session {
    let settings = Settings {
        urls: vec![url.to_string()],
        ..Default::default()
    };
    Session::with_settings(&settings, opts).expect("session")
}

/// The pinned kcsh binary talking to the worker at `url`.
fn kcsh_at(url: &str) -> Command {
    let mut cmd = kcsh();
    cmd.env("KCSH_URL", url).stdin(std::process::Stdio::null());
    cmd
}

/// Drops these connectors on the worker at `.0` when the test ends, pass or fail.
struct DropAt(String, Vec<String>);

impl Drop for DropAt {
    fn drop(&mut self) {
        for name in &self.1 {
            let _ = http()
                .delete(format!("{}/connectors/{name}", self.0))
                .send();
        }
    }
}

/// The WITH list of a Debezium PostgreSQL source on `db` (every table of `public`), `prefix`
/// naming its topics and offsets' `server`, with JSON records that carry their schemas (the
/// JDBC sink needs them; the worker's own converters may not) plus `extra`.
fn debezium_source_with(
    pg: &Postgres,
    db: &str,
    prefix: &str,
    slot: &str,
    extra: &[(&str, &str)],
) -> String {
    let port = pg.port().to_string();
    let mut props = vec![
        ("connector.class", POSTGRES_CLASS),
        ("database.hostname", pg.host()),
        ("database.port", &port),
        ("database.user", USER),
        ("database.password", PASSWORD),
        ("database.dbname", db),
        ("topic.prefix", prefix),
        ("plugin.name", "pgoutput"),
        ("slot.name", slot),
        ("publication.name", slot),
        ("tasks.max", "1"),
    ];
    props.extend(schemaful_json());
    props.extend_from_slice(extra);
    with_list(&props)
}

/// The WITH list of Debezium's JDBC sink writing `topic` into table `table` of `db`, upserting
/// by the record key, creating the table itself.
fn jdbc_sink_with(pg: &Postgres, db: &str, topic: &str, table: &str) -> String {
    let url = pg.jdbc_url(db);
    let mut props = vec![
        ("connector.class", JDBC_SINK_CLASS),
        ("topics", topic),
        ("connection.url", &url),
        ("connection.username", USER),
        ("connection.password", PASSWORD),
        ("insert.mode", "upsert"),
        ("primary.key.mode", "record_key"),
        ("schema.evolution", "basic"),
        ("collection.name.format", table),
        ("tasks.max", "1"),
    ];
    props.extend(schemaful_json());
    with_list(&props)
}

/// Per-connector converters whose JSON carries the schema.
fn schemaful_json() -> [(&'static str, &'static str); 4] {
    [
        (
            "key.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("key.converter.schemas.enable", "true"),
        (
            "value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
        ("value.converter.schemas.enable", "true"),
    ]
}

/// `'k' = 'v', ...` with quotes doubled.
fn with_list(props: &[(&str, &str)]) -> String {
    props
        .iter()
        .map(|(k, v)| format!("'{}' = '{}'", k.replace('\'', "''"), v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON object as a kcsh property list keeping each value's type (`'k' = 1`, `'k' = true`,
/// `'k' = 'text'`), for `ALTER ... SET OFFSET ... TO (...)`.
fn property_list(object: &Value) -> String {
    object
        .as_object()
        .expect("an offset is a JSON object")
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => format!("'{}'", s.replace('\'', "''")),
                Value::Null => "NULL".to_string(),
                other => other.to_string(),
            };
            format!("'{k}' = {v}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Polls SHOW CONNECTOR OFFSETS until Debezium has committed an offset for `server`; returns it.
fn wait_offset(s: &mut Session, name: &str, server: &str) -> Value {
    let partition = serde_json::json!({ "server": server });
    wait_until(&format!("offsets of {name}"), PIPELINE, || {
        let out = ok(s, &format!("SHOW CONNECTOR OFFSETS \"{name}\""));
        let (_, rows) = table(&out, "offsets");
        rows.into_iter()
            .find(|r| r[0] == partition)
            .map(|r| r[1].clone())
    })
}

/// Polls `sql` in `db` until its rows are `expected` (psql's `a|b` lines).
fn wait_rows(pg: &Postgres, db: &str, sql: &str, expected: &[&str]) {
    let expected = expected.join("\n");
    let mut last = String::new();
    let started = std::time::Instant::now();
    while started.elapsed() < PIPELINE {
        // The sink creates its table with the first record: until then, psql fails.
        if let Ok(now) = pg.try_psql(db, sql) {
            if now == expected {
                return;
            }
            last = now;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("{db}: `{sql}` never gave\n{expected}\nlast:\n{last}");
}
