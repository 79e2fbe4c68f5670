//! Connect 3.7+/4.1 features against the real worker: connectors created INITIALLY PAUSED or
//! STOPPED (KIP-980), plugin versions (KIP-891: SHOW CONNECTOR PLUGINS, DESCRIBE, DESCRIBE
//! PLUGIN ... VERSION, a pinned `connector.plugin.version`), and SHOW CREATE CONNECTOR ... WITH
//! OFFSETS: its statement re-run changes nothing, and run under a new name it moves a
//! FileStreamSource so that it resumes where the old one was (no line twice in the topic).

use std::time::{Duration, Instant};

use crate::harness::*;

/// `GET /`'s version of the test worker.
fn worker_version(s: &mut kcsh::exec::Session) -> String {
    field(&ok(s, "SHOW CLUSTER"), "Version")
}

#[test]
fn created_initially_paused_or_stopped_and_or_replace_leaves_the_state() {
    require_cluster!();
    let mut s = session();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "a\n").unwrap();
    let (stopped, paused) = (unique("it-mv-stopped"), unique("it-mv-paused"));
    let _c = Cleanup(vec![stopped.clone(), paused.clone()]);
    let with = fs_source_with(file.to_str().unwrap(), &unique("it-mv-topic"));

    let out = ok(
        &mut s,
        &format!("CREATE SOURCE CONNECTOR \"{stopped}\" WITH {with} INITIALLY STOPPED"),
    );
    assert_eq!(
        message(&out),
        format!("Created connector {stopped} (STOPPED)")
    );
    wait_state(&mut s, &stopped, "STOPPED");
    let out = ok(
        &mut s,
        &format!("CREATE OR REPLACE CONNECTOR \"{paused}\" WITH {with} INITIALLY PAUSED"),
    );
    assert_eq!(
        message(&out),
        format!("Created connector {paused} (PAUSED)")
    );
    wait_state(&mut s, &paused, "PAUSED");

    // OR REPLACE of an existing connector replaces its config and leaves its state.
    let out = ok(
        &mut s,
        &format!(
            "CREATE OR REPLACE CONNECTOR \"{stopped}\" WITH {} INITIALLY RUNNING",
            with.replace("'tasks.max' = 1", "'tasks.max' = 1, 'batch.size' = 7")
        ),
    );
    assert_eq!(
        message(&out),
        format!(
            "Updated connector {stopped} (INITIALLY RUNNING applies to a new connector only: its \
             state is left as it was)"
        )
    );
    std::thread::sleep(Duration::from_secs(2));
    let out = ok(
        &mut s,
        &format!("DESCRIBE CONNECTOR \"{stopped}\" EXTENDED"),
    );
    assert_eq!(field(&out, "State"), "STOPPED");
    assert!(
        rows(&out, "config").contains(&vec!["batch.size".to_string(), "7".to_string()]),
        "{out:?}"
    );
    // IF NOT EXISTS of an existing one: a warning, nothing changes.
    let out = ok(
        &mut s,
        &format!("CREATE CONNECTOR IF NOT EXISTS \"{paused}\" WITH {with} INITIALLY STOPPED"),
    );
    assert_eq!(
        warning(&out),
        format!(
            "Connector {paused} already exists: its config, state and offsets are left as they are"
        )
    );
    std::thread::sleep(Duration::from_secs(1));
    wait_state(&mut s, &paused, "PAUSED");
}

#[test]
fn plugin_versions_from_a_4x_worker() {
    require_cluster!();
    let mut s = session();
    let version = worker_version(&mut s);
    let out = ok(&mut s, "SHOW CONNECTOR PLUGINS");
    assert_eq!(table(&out, "plugins").0, vec!["Class", "Type", "Version"]);
    assert!(
        rows(&out, "plugins").iter().any(|r| r[0]
            == "org.apache.kafka.connect.file.FileStreamSourceConnector"
            && r[2] == version),
        "{out:?}"
    );

    // DESCRIBE PLUGIN of an installed version, and of one the worker does not have.
    let out = ok(
        &mut s,
        &format!("DESCRIBE PLUGIN FileStreamSource VERSION '{version}'"),
    );
    assert!(
        rows(&out, "config_definitions")
            .iter()
            .any(|r| r[0] == "file"),
        "{out:?}"
    );
    let e = err(&mut s, "DESCRIBE PLUGIN FileStreamSource VERSION '0.0.1'");
    let text = e.to_string();
    assert!(
        text.contains("not found that matches the version range")
            && text.contains(&format!("available versions: [{version}]")),
        "{text}"
    );
    let e = err(&mut s, "DESCRIBE PLUGIN FileStreamSource VERSION '[1.0,'");
    assert!(e.to_string().contains("Invalid version"), "{e}");
    // Asking for a version did not replace the plugin's own definitions in the cache.
    ok(&mut s, "DESCRIBE PLUGIN FileStreamSource");

    // A connector pinned to a version: DESCRIBE shows the versions it and its task run.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "a\n").unwrap();
    let name = unique("it-mv-pinned");
    let _c = Cleanup(vec![name.clone()]);
    let with = fs_source_with(file.to_str().unwrap(), &unique("it-mv-topic"));
    let e = err(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{name}\" WITH {}",
            with.replace(")", ", 'connector.plugin.version' = '0.0.1')")
        ),
    );
    // Connect 4.3.0 answers this with a NullPointerException (500): kcsh says what it means.
    let text = e.to_string();
    assert!(
        text.starts_with(
            "Kafka Connect could not load the plugin version this config pins \
             ('connector.plugin.version' = '0.0.1')"
        ) || text.contains("connector.plugin.version"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "installed versions of FileStreamSource: {version}"
        )) || !text.contains("VersionedPluginLoadingException"),
        "{text}"
    );
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{name}\" WITH {}",
            with.replace(")", &format!(", 'connector.plugin.version' = '{version}')"))
        ),
    );
    ok(&mut s, &format!("WAIT FOR CONNECTOR \"{name}\""));
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR \"{name}\""));
    assert_eq!(field(&out, "Version"), version);
    let (columns, tasks) = table(&out, "tasks");
    assert_eq!(columns, vec!["Task ID", "State", "Version", "Error Trace"]);
    assert_eq!(tasks[0][2], serde_json::json!(version));
}

/// Reads `topic` the way a user without a Kafka client would: a FileStreamSink into a file.
/// Returns the lines once `want` arrived and nothing more came for a few seconds.
fn topic_lines(s: &mut kcsh::exec::Session, topic: &str, want: usize) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let reader = unique("it-mv-reader");
    let _c = Cleanup(vec![reader.clone()]);
    ok(
        s,
        &format!(
            "CREATE SINK CONNECTOR \"{reader}\" WITH {}",
            fs_sink_with(out.to_str().unwrap(), topic)
        ),
    );
    let read = || {
        std::fs::read_to_string(&out)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    while read().len() < want {
        assert!(
            Instant::now() < deadline,
            "{topic}: only {:?} of {want}",
            read()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // Anything extra (a duplicate) would come right behind.
    std::thread::sleep(Duration::from_secs(4));
    read()
}

/// The source's committed offsets, polled until they cover `position` bytes.
fn wait_position(s: &mut kcsh::exec::Session, name: &str, position: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = ok(s, &format!("SHOW CONNECTOR OFFSETS \"{name}\""));
        let (_, r) = table(&out, "offsets");
        if r.first().and_then(|r| r[1]["position"].as_u64()) == Some(position) {
            return;
        }
        assert!(Instant::now() < deadline, "{name}: offsets {r:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Config, state and offsets, as the REST API has them.
fn snapshot(name: &str) -> (serde_json::Value, String, serde_json::Value) {
    let (_, config) = get(&format!("/connectors/{name}/config"));
    let (_, status) = get(&format!("/connectors/{name}/status"));
    let (_, offsets) = get(&format!("/connectors/{name}/offsets"));
    let state = status["connector"]["state"]
        .as_str()
        .unwrap_or("")
        .to_string();
    (config, state, offsets)
}

#[test]
fn show_create_with_offsets_rerun_changes_nothing_and_moves_a_source() {
    require_cluster!();
    let mut s = session();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "a\nb\nc\n").unwrap();
    let (old, new) = (unique("it-mv-old"), unique("it-mv-new"));
    let _c = Cleanup(vec![old.clone(), new.clone()]);
    let topic = unique("it-mv-topic");
    ok(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{old}\" WITH {}",
            fs_source_with(file.to_str().unwrap(), &topic)
        ),
    );
    wait_position(&mut s, &old, 6);
    ok(&mut s, &format!("STOP CONNECTOR \"{old}\""));
    wait_state(&mut s, &old, "STOPPED");

    let script = text(
        &ok(
            &mut s,
            &format!("SHOW CREATE CONNECTOR \"{old}\" WITH OFFSETS"),
        ),
        "statement",
    );
    assert!(
        script.starts_with(&format!(
            "CREATE SOURCE CONNECTOR IF NOT EXISTS {old} WITH ("
        )),
        "{script}"
    );
    assert!(
        script.contains(") INITIALLY STOPPED WITH OFFSETS (\n  PARTITION ('filename' = "),
        "{script}"
    );
    assert!(script.contains("TO ('position' = 6)\n);"), "{script}");

    // Re-run against the same cluster: a warning, and config, state and offsets as they were.
    let before = snapshot(&old);
    for _ in 0..2 {
        let out = ok(&mut s, &script);
        assert!(warning(&out).contains("already exists"), "{out:?}");
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(snapshot(&old), before);

    // Moved to a new name (the old one dropped), running: it goes on after line c.
    ok(&mut s, &format!("DROP CONNECTOR \"{old}\""));
    std::fs::write(&file, "a\nb\nc\nd\ne\n").unwrap();
    let moved = script
        .replacen(
            &format!("IF NOT EXISTS {old} "),
            &format!("IF NOT EXISTS {new} "),
            1,
        )
        .replace(
            ") INITIALLY STOPPED WITH OFFSETS",
            ") INITIALLY RUNNING WITH OFFSETS",
        );
    let out = ok(&mut s, &moved);
    assert_eq!(
        message(&out),
        format!("Created connector {new} with the offsets of 1 partition (RUNNING)")
    );
    ok(&mut s, &format!("WAIT FOR CONNECTOR \"{new}\""));
    assert_eq!(topic_lines(&mut s, &topic, 5), ["a", "b", "c", "d", "e"]);
    wait_position(&mut s, &new, 10);
    // Its own export, re-run: nothing changes either.
    let again = text(
        &ok(
            &mut s,
            &format!("SHOW CREATE CONNECTOR \"{new}\" WITH OFFSETS"),
        ),
        "statement",
    );
    assert!(
        again.contains(") INITIALLY RUNNING WITH OFFSETS"),
        "{again}"
    );
    let before = snapshot(&new);
    ok(&mut s, &again);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(snapshot(&new), before);
}

#[test]
fn sink_offsets_move_with_the_connector() {
    require_cluster!();
    let mut s = session();
    let (old, new) = (unique("it-mv-sink-old"), unique("it-mv-sink-new"));
    let _c = Cleanup(vec![old.clone(), new.clone()]);
    let topic = unique("it-mv-sink-topic");
    // Run once, so that its topic exists (Kafka sets offsets of existing partitions only).
    ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR \"{old}\" WITH {}",
            fs_sink_with("/tmp/kcsh-mv-sink.out", &topic)
        ),
    );
    ok(&mut s, &format!("WAIT FOR CONNECTOR \"{old}\""));
    ok(&mut s, &format!("STOP CONNECTOR \"{old}\""));
    wait_state(&mut s, &old, "STOPPED");
    ok(
        &mut s,
        &format!(
            "ALTER CONNECTOR \"{old}\" SET OFFSET PARTITION ('kafka_topic' = '{topic}', \
             'kafka_partition' = 0) TO ('kafka_offset' = 5)"
        ),
    );
    let script = text(
        &ok(
            &mut s,
            &format!("SHOW CREATE CONNECTOR \"{old}\" WITH OFFSETS"),
        ),
        "statement",
    );
    assert!(
        script.starts_with("CREATE SINK CONNECTOR IF NOT EXISTS"),
        "{script}"
    );
    let moved = script.replacen(
        &format!("IF NOT EXISTS {old} "),
        &format!("IF NOT EXISTS {new} "),
        1,
    );
    let out = ok(&mut s, &moved);
    assert_eq!(
        message(&out),
        format!("Created connector {new} with the offsets of 1 partition (STOPPED)")
    );
    let (_, state, offsets) = snapshot(&new);
    assert_eq!(state, "STOPPED");
    assert_eq!(
        offsets,
        serde_json::json!({"offsets": [{
            "partition": {"kafka_topic": topic, "kafka_partition": 0},
            "offset": {"kafka_offset": 5}
        }]})
    );
}

/// A CREATE ... WITH OFFSETS whose offsets Connect refuses (a sink's topic that does not
/// exist) created the connector: the error says it exists STOPPED, and a script's report
/// counts the statement as failed after part of it was applied, never as plainly failed.
#[test]
fn a_create_with_offsets_that_fails_part_way_says_what_was_applied() {
    require_cluster!();
    let env = Env::new();
    let name = unique("it-mv-partway");
    let _c = Cleanup(vec![name.clone()]);
    let topic = unique("it-mv-no-such-topic");
    let out = env
        .kcsh()
        .arg("-e")
        .arg(format!(
            "CREATE SINK CONNECTOR \"{name}\" WITH {} WITH OFFSETS (PARTITION \
             ('kafka_topic' = '{topic}', 'kafka_partition' = 0) TO ('kafka_offset' = 3))",
            fs_sink_with("/tmp/kcsh-mv-partway.out", &topic)
        ))
        .arg("-e")
        .arg("SHOW CONNECTORS")
        .output()
        .expect("kcsh runs");
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "Created connector {name} STOPPED, but setting its offsets failed: "
        )),
        "{text}"
    );
    assert!(
        text.contains("0 applied, 1 failed after part of it was applied, 0 failed, 1 not run")
            && text.contains("FAILED, partly applied"),
        "{text}"
    );
    let mut s = session();
    wait_state(&mut s, &name, "STOPPED");
}
