//! Connector statements against the real cluster: CREATE (all forms), SHOW, DESCRIBE, ALTER,
//! SHOW CREATE, DROP, VALIDATE, dry runs and the error paths. Through `Session` directly.

use kcsh::exec::Options;

use crate::harness::*;

#[test]
fn create_show_describe_drop_file_source() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-fs-src");
    let _c = Cleanup(vec![name.clone()]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "one\ntwo\n").unwrap();
    let topic = unique("it-lines");
    let out = ok(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{name}\" WITH {}",
            fs_source_with(file.to_str().unwrap(), &topic)
        ),
    );
    assert_eq!(message(&out), format!("Created connector {name}"));

    let out = ok(
        &mut s,
        &format!("WAIT FOR CONNECTOR \"{name}\" TIMEOUT 60 SECONDS"),
    );
    assert_eq!(
        message(&out),
        format!("Connector {name} is RUNNING (1/1 tasks RUNNING)")
    );

    // SHOW with filters: LIKE, SOURCE, SINK.
    let out = ok(&mut s, &format!("SHOW CONNECTORS LIKE '{name}'"));
    let (columns, _) = table(&out, "connectors");
    assert_eq!(columns, vec!["Connector Name", "Type", "Class", "Status"]);
    assert_eq!(
        rows(&out, "connectors"),
        vec![vec![
            name.clone(),
            "SOURCE".into(),
            "FileStreamSource".into(),
            "RUNNING (1/1 tasks RUNNING)".into()
        ]]
    );
    let out = ok(&mut s, &format!("LIST SOURCE CONNECTORS LIKE '{name}%'"));
    assert_eq!(rows(&out, "connectors").len(), 1);
    let out = ok(&mut s, &format!("SHOW SINK CONNECTORS LIKE '{name}'"));
    assert!(rows(&out, "connectors").is_empty());

    // DESCRIBE: fields, task table, related topics (once records flowed).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let out = loop {
        let out = ok(&mut s, &format!("DESCRIBE CONNECTOR \"{name}\""));
        if !rows(&out, "topics").is_empty() || std::time::Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    assert_eq!(field(&out, "Name"), name);
    assert_eq!(field(&out, "Class"), "FileStreamSource");
    assert_eq!(field(&out, "Type"), "source");
    assert_eq!(field(&out, "State"), "RUNNING");
    assert!(!field(&out, "WorkerId").is_empty());
    let (columns, task_rows) = table(&out, "tasks");
    // A 4.1+ worker reports the plugin version each task runs (KIP-891): shown before the trace.
    assert_eq!(columns, vec!["Task ID", "State", "Version", "Error Trace"]);
    assert!(!field(&out, "Version").is_empty());
    assert_eq!(task_rows.len(), 1);
    assert_eq!(
        rows(&out, "tasks")[0][..2],
        ["0".to_string(), "RUNNING".to_string()]
    );
    assert_eq!(table(&out, "topics").0, vec!["Related Topics"]);
    assert_eq!(rows(&out, "topics"), vec![vec![topic.clone()]]);

    // EXTENDED adds the config and task configs.
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR \"{name}\" EXTENDED"));
    let config = rows(&out, "config");
    assert!(config.contains(&vec!["topic".to_string(), topic.clone()]));
    assert!(config.contains(&vec!["name".to_string(), name.clone()]));
    assert!(
        rows(&out, "task_configs")
            .iter()
            .any(|r| r[1] == "task.class")
    );

    let out = ok(&mut s, &format!("DROP CONNECTOR \"{name}\""));
    assert_eq!(message(&out), format!("Dropped connector \"{name}\""));
    let e = err(&mut s, &format!("DROP CONNECTOR \"{name}\""));
    // The message; a did-you-mean hint may follow when other tests' connectors are close.
    assert_eq!(e.message, format!("Connector '{name}' does not exist."));
    let out = ok(&mut s, &format!("DROP CONNECTOR IF EXISTS \"{name}\""));
    assert_eq!(warning(&out), format!("Connector '{name}' does not exist."));
}

#[test]
fn create_forms_if_not_exists_or_replace_and_inferred_type() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-forms");
    let _c = Cleanup(vec![name.clone()]);
    let with = fs_sink_with("/tmp/kcsh-it-forms.out", &unique("it-forms-topic"));
    // No SOURCE/SINK: the type comes from the class.
    let out = ok(&mut s, &format!("CREATE CONNECTOR \"{name}\" WITH {with}"));
    assert_eq!(message(&out), format!("Created connector {name}"));
    assert_eq!(wait_listed(&mut s, &name)[1], "SINK");

    let e = err(
        &mut s,
        &format!("CREATE SINK CONNECTOR \"{name}\" WITH {with}"),
    );
    assert_eq!(e.to_string(), format!("Connector {name} already exists"));
    let out = ok(
        &mut s,
        &format!("CREATE SINK CONNECTOR IF NOT EXISTS \"{name}\" WITH {with}"),
    );
    assert_eq!(warning(&out), format!("Connector {name} already exists"));

    let out = ok(
        &mut s,
        &format!("CREATE OR REPLACE SINK CONNECTOR \"{name}\" WITH {with}"),
    );
    assert_eq!(message(&out), format!("Updated connector {name}"));
    let other = unique("it-forms-new");
    let _c2 = Cleanup(vec![other.clone()]);
    let out = ok(
        &mut s,
        &format!("CREATE OR REPLACE CONNECTOR \"{other}\" WITH {with}"),
    );
    assert_eq!(message(&out), format!("Created connector {other}"));

    // `name` in WITH is forced to the statement's name.
    let forced = unique("it-forced");
    let _c3 = Cleanup(vec![forced.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{forced}\" WITH ('connector.class' = 'FileStreamSink', \
             'topics' = 'x', 'name' = 'something-else')"
        ),
    );
    let config = live_config(&mut s, &forced);
    assert!(config.contains(&("name".to_string(), forced.clone())));
}

#[test]
fn names_needing_percent_encoding_work_and_unaddressable_ones_are_refused() {
    require_cluster!();
    let mut s = session();
    let name = format!("{} with space;?#é+,:@", unique("it odd"));
    let _c = Cleanup(vec![name.clone()]);
    let with = fs_sink_with("/tmp/kcsh-it-odd.out", "it-odd-topic");
    ok(&mut s, &format!("CREATE CONNECTOR \"{name}\" WITH {with}"));
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR \"{name}\""));
    assert_eq!(field(&out, "Name"), name);
    ok(&mut s, &format!("PAUSE CONNECTOR \"{name}\""));
    ok(&mut s, &format!("DROP CONNECTOR \"{name}\""));

    let e = err(&mut s, "DROP CONNECTOR \"a/b\"");
    assert!(
        e.to_string()
            .contains("contains '/', which Kafka Connect cannot address in a URL"),
        "{e}"
    );
    let e = err(&mut s, &format!("CREATE CONNECTOR \"a/b\" WITH {with}"));
    assert!(
        e.to_string()
            .contains("contains '/', which Kafka Connect cannot address in a URL"),
        "{e}"
    );
    let version = ok(&mut s, "SHOW CLUSTER");
    if field(&version, "Version").starts_with('4') {
        let e = err(&mut s, &format!("CREATE CONNECTOR \"50%\" WITH {with}"));
        assert!(e.to_string().contains("cannot address in a URL"), "{e}");
        let e = err(&mut s, "DESCRIBE CONNECTOR \"50%\"");
        assert!(
            e.to_string()
                .starts_with("Kafka Connect cannot address connector \"50%\""),
            "{e}"
        );
        // Writes too (Jetty answers them with an empty 400, once shown as a bare
        // "HTTP 400 Bad Request"), and '\\' ("Suspicious Path Character"): refused before
        // anything is sent, with the same words.
        for stmt in [
            "ALTER CONNECTOR \"50%\" RESET OFFSETS",
            "PAUSE CONNECTOR \"50%\"",
            "DROP CONNECTOR \"a\\b\"",
            "DESCRIBE CONNECTOR \"a\\b\"",
        ] {
            let e = err(&mut s, stmt);
            assert!(
                e.to_string()
                    .starts_with("Kafka Connect cannot address connector"),
                "{stmt}: {e}"
            );
            assert!(e.to_string().contains("nothing was sent"), "{stmt}: {e}");
        }
    }
}

#[test]
fn error_paths_unknown_connector_bad_config_wrong_type_unknown_class() {
    require_cluster!();
    let mut s = session();
    // Unknown connector, with a did-you-mean when only the case differs.
    let name = unique("it-Case");
    let _c = Cleanup(vec![name.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{name}\" WITH {}",
            fs_sink_with("/tmp/kcsh-it-case.out", "it-case")
        ),
    );
    let lower = name.to_lowercase();
    for stmt in [
        format!("DESCRIBE CONNECTOR \"{lower}\""),
        format!("PAUSE CONNECTOR \"{lower}\""),
        format!("SHOW CREATE CONNECTOR \"{lower}\""),
        format!("ALTER CONNECTOR \"{lower}\" SET ('a' = 'b')"),
        format!("RESTART CONNECTOR \"{lower}\""),
    ] {
        let e = err(&mut s, &stmt);
        assert!(e.is(kcsh::error::ErrorKind::Statement), "{stmt}: {e:?}");
        assert_eq!(
            e.to_string(),
            format!("Connector '{lower}' does not exist.\nhint: did you mean \"{name}\"?"),
            "{stmt}"
        );
    }
    let e = err(&mut s, "DESCRIBE CONNECTOR it_surely_missing_connector");
    assert_eq!(
        e.to_string(),
        "Connector 'it_surely_missing_connector' does not exist."
    );

    // Bad config: one line per property.
    let bad = unique("it-bad");
    let _c2 = Cleanup(vec![bad.clone()]);
    let e = err(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{bad}\" WITH ('connector.class' = 'FileStreamSource', 'batch.size' = 'lots')"
        ),
    );
    let text = e.to_string();
    assert!(
        text.starts_with("Connector configuration is invalid: 2 error(s)"),
        "{text}"
    );
    assert!(text.contains("\n  topic: "), "{text}");
    assert!(text.contains("\n  batch.size: "), "{text}");
    let out = ok(&mut s, &format!("SHOW CONNECTORS LIKE '{bad}'"));
    assert!(rows(&out, "connectors").is_empty(), "nothing created");

    // Wrong SOURCE/SINK keyword.
    let e = err(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR \"{bad}\" WITH {}",
            fs_source_with("/tmp/x", "t")
        ),
    );
    assert!(
        e.to_string()
            .starts_with("'FileStreamSource' is a source connector, not a sink connector"),
        "{e}"
    );

    // Unknown class.
    let e = err(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{bad}\" WITH ('connector.class' = 'FileStreamSauce', 'topic' = 't')"
        ),
    );
    assert!(
        e.to_string()
            .starts_with("Unknown connector class 'FileStreamSauce'"),
        "{e}"
    );
    let e = err(
        &mut s,
        &format!("CREATE SOURCE CONNECTOR \"{bad}\" WITH ('connector.class' = 'com.example.Nope')"),
    );
    assert!(
        e.to_string()
            .starts_with("Unknown connector class 'com.example.Nope'"),
        "{e}"
    );

    // Missing class.
    let e = err(
        &mut s,
        &format!("CREATE CONNECTOR \"{bad}\" WITH ('topic' = 't')"),
    );
    assert!(e.to_string().contains("connector.class"), "{e}");
}

#[test]
fn alter_set_unset_and_dry_run_diffs() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-alter");
    let _c = Cleanup(vec![name.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR \"{name}\" WITH {}",
            fs_sink_with("/tmp/kcsh-it-alter.out", "it-alter-a")
        ),
    );
    let out = ok(
        &mut s,
        &format!("ALTER CONNECTOR \"{name}\" SET ('topics' = 'it-alter-b', 'x.custom' = 1)"),
    );
    assert_eq!(message(&out), format!("Updated connector {name}"));
    let config = live_config(&mut s, &name);
    assert!(config.contains(&("topics".into(), "it-alter-b".into())));
    assert!(config.contains(&("x.custom".into(), "1".into())));

    ok(
        &mut s,
        &format!("ALTER CONNECTOR \"{name}\" UNSET ('x.custom')"),
    );
    let config = live_config(&mut s, &name);
    assert!(!config.iter().any(|(k, _)| k == "x.custom"));

    // Config errors one line per property, as CREATE reports them (Connect's own text, which
    // this used to pass on, names no property and repeats lines).
    let e = err(
        &mut s,
        &format!("ALTER CONNECTOR \"{name}\" SET ('tasks.max' = 'many')"),
    );
    let text = e.to_string();
    assert!(
        text.starts_with("Connector configuration is invalid: 1 error(s)\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  tasks.max: Invalid value many for configuration tasks.max"),
        "{text}"
    );
    assert!(!text.contains("You can also find"), "{text}");

    // Dry runs: diff, no change, and nothing sent.
    let mut dry = session_with(Options {
        dry_run: true,
        ..Default::default()
    });
    let out = ok(
        &mut dry,
        &format!(
            "ALTER CONNECTOR \"{name}\" SET ('topics' = 'it-alter-c', 'y.password' = 'pw', 'new.key' = 'v')"
        ),
    );
    assert_eq!(
        messages(&out),
        vec![format!("Would update connector {name}")]
    );
    assert_eq!(
        rows(&out, "changes"),
        vec![
            vec!["added".to_string(), "new.key".into(), "".into(), "v".into()],
            vec![
                "changed".to_string(),
                "topics".into(),
                "it-alter-b".into(),
                "it-alter-c".into()
            ],
            vec![
                "added".to_string(),
                "y.password".into(),
                "".into(),
                "[hidden]".into()
            ],
        ]
    );
    let out = ok(
        &mut dry,
        &format!("ALTER CONNECTOR \"{name}\" UNSET ('file')"),
    );
    assert_eq!(
        rows(&out, "changes"),
        vec![vec![
            "removed".to_string(),
            "file".into(),
            "/tmp/kcsh-it-alter.out".into(),
            "".into()
        ]]
    );
    let out = ok(
        &mut dry,
        &format!("ALTER CONNECTOR \"{name}\" SET ('topics' = 'it-alter-b')"),
    );
    assert_eq!(message(&out), format!("Connector {name} would not change"));
    let config = live_config(&mut s, &name);
    assert!(
        config.contains(&("topics".into(), "it-alter-b".into())),
        "dry run sent nothing"
    );

    let fresh = unique("it-dry");
    let out = ok(
        &mut dry,
        &format!(
            "CREATE CONNECTOR \"{fresh}\" WITH {}",
            fs_sink_with("/tmp/x", "t")
        ),
    );
    assert_eq!(
        messages(&out),
        vec![format!("Would create connector {fresh}")]
    );
    let out = ok(&mut s, &format!("SHOW CONNECTORS LIKE '{fresh}'"));
    assert!(
        rows(&out, "connectors").is_empty(),
        "dry run created nothing"
    );
    let out = ok(&mut dry, &format!("DROP CONNECTOR \"{name}\""));
    assert_eq!(message(&out), format!("Would drop connector \"{name}\""));
    ok(&mut s, &format!("DESCRIBE CONNECTOR \"{name}\""));
}

#[test]
fn show_create_recreates_the_connector_unchanged_and_masks_secrets() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-showcreate");
    let _c = Cleanup(vec![name.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSink', \
             'topics' = 'it-sc', 'file' = '/tmp/kcsh it''s.out', 'db.password' = 's3cret', 'tasks.max' = 1)"
        ),
    );
    let before = {
        let mut shown = session_with(Options {
            show_secrets: true,
            ..Default::default()
        });
        live_config(&mut shown, &name)
    };
    let out = ok(&mut s, &format!("SHOW CREATE CONNECTOR \"{name}\""));
    let stmt = text(&out, "statement");
    assert!(
        stmt.starts_with(&format!(
            "CREATE OR REPLACE SINK CONNECTOR {name} WITH (\n  'connector.class' = 'FileStreamSink',\n"
        )),
        "{stmt}"
    );
    assert!(stmt.contains("'db.password' = '[hidden]'"), "{stmt}");
    assert!(!stmt.contains("s3cret"));

    // Executed again (even masked), it changes nothing.
    let mut dry = session_with(Options {
        dry_run: true,
        ..Default::default()
    });
    let out = ok(&mut dry, &stmt);
    assert_eq!(message(&out), format!("Connector {name} would not change"));
    let out = ok(&mut s, &stmt);
    assert_eq!(message(&out), format!("Updated connector {name}"));
    let mut shown = session_with(Options {
        show_secrets: true,
        ..Default::default()
    });
    assert_eq!(live_config(&mut shown, &name), before);

    // DESCRIBE EXTENDED masks too, unless secrets are shown.
    let config = live_config(&mut s, &name);
    assert!(config.contains(&("db.password".into(), "[hidden]".into())));
    assert!(before.contains(&("db.password".into(), "s3cret".into())));
    let out = ok(&mut shown, &format!("SHOW CREATE CONNECTOR \"{name}\""));
    assert!(text(&out, "statement").contains("'db.password' = 's3cret'"));
}

#[test]
fn validate_reports_a_table_and_fails_on_errors() {
    require_cluster!();
    let mut s = session();
    let e = err(
        &mut s,
        "VALIDATE SOURCE CONNECTOR WITH ('connector.class' = 'FileStreamSource', 'batch.size' = 'x')",
    );
    let Some(output) = e.output else {
        panic!("expected a failure with output, got {e:?}")
    };
    let msg = e.message;
    assert_eq!(msg, "Connector configuration is invalid: 2 error(s)");
    assert_eq!(
        table(&output, "errors").0,
        vec!["Property", "Value", "Error"]
    );
    let r = rows(&output, "errors");
    let keys: Vec<&str> = r.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(keys, vec!["topic", "batch.size"]);
    assert_eq!(r[1][1], "x");

    let out = ok(
        &mut s,
        "VALIDATE CONNECTOR named WITH ('connector.class' = 'FileStreamSource', 'topic' = 't')",
    );
    assert_eq!(
        message(&out),
        "Connector configuration is valid (FileStreamSource)"
    );
    let e = err(
        &mut s,
        "VALIDATE SINK CONNECTOR WITH ('connector.class' = 'FileStreamSource', 'topic' = 't')",
    );
    assert!(e.to_string().contains("is a source connector"), "{e}");
}

#[test]
fn mirror_heartbeat_connector_runs() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-hb");
    let _c = Cleanup(vec![name.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{name}\" WITH {}",
            heartbeat_with()
        ),
    );
    let out = ok(
        &mut s,
        &format!("WAIT FOR CONNECTOR \"{name}\" TIMEOUT 90 SECONDS"),
    );
    assert!(
        message(&out).contains("RUNNING (1/1 tasks RUNNING)"),
        "{out:?}"
    );
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR \"{name}\""));
    assert_eq!(
        field(&out, "Class"),
        "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector"
    );
    ok(&mut s, &format!("DROP CONNECTOR \"{name}\""));
}

#[test]
fn ksql_compat_upper_cases_unquoted_names() {
    require_cluster!();
    let mut s = session_with(Options {
        ksql_compat: true,
        ..Default::default()
    });
    let base = unique("it_compat").replace('-', "_");
    let upper = base.to_uppercase();
    let _c = Cleanup(vec![upper.clone()]);
    let out = ok(
        &mut s,
        &format!(
            "CREATE SINK CONNECTOR {base} WITH {}",
            fs_sink_with("/tmp/x", "t")
        ),
    );
    assert_eq!(message(&out), format!("Created connector {upper}"));
    let out = ok(&mut s, &format!("DESCRIBE CONNECTOR {base}"));
    assert_eq!(field(&out, "Name"), upper);
}
