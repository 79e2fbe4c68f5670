//! The executor's trust guarantees against the real worker: the mask `[hidden]` is never sent
//! (a PASSWORD-typed key survives a SHOW CREATE round trip; a masked CREATE of a new name is
//! refused and stores nothing), SHOW CREATE re-applies to exactly the live config (variable
//! syntax escaped), a just-created connector is seen by SHOW CONNECTORS and bulk statements,
//! and EXPLAIN shows the worker's version read and the write it would send.

use crate::harness;
use crate::harness::*;
use serde_json::json;

/// The live config by plain REST (test names only hold `-`, letters and digits), retried
/// while the worker answers 5xx/409 during a rebalance.
fn rest_config(name: &str) -> serde_json::Value {
    harness::wait_until(
        "the connector's config",
        std::time::Duration::from_secs(30),
        || {
            let (status, config) = harness::get(&format!("/connectors/{name}/config"));
            (status == 200).then_some(config)
        },
    )
}

#[test]
fn show_create_of_a_password_typed_key_reapplies_without_losing_it() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-trust-hb");
    let _c = Cleanup(vec![name.clone()]);
    let with = heartbeat_with().replace(
        "'emit.heartbeats.interval.seconds' = '1')",
        "'emit.heartbeats.interval.seconds' = '1', 'ssl.keystore.key' = 'KEY-MATERIAL')",
    );
    ok(
        &mut s,
        &format!("CREATE SOURCE CONNECTOR \"{name}\" WITH {with}"),
    );
    // `ssl.keystore.key` is secret by its PASSWORD type only (no name rule matches it).
    let out = ok(&mut s, &format!("SHOW CREATE CONNECTOR \"{name}\""));
    let stmt = text(&out, "statement");
    assert!(stmt.contains("'ssl.keystore.key' = '[hidden]'"), "{stmt}");
    assert!(!stmt.contains("KEY-MATERIAL"), "{stmt}");
    ok(&mut s, &stmt);
    let config = rest_config(&name);
    assert_eq!(config["ssl.keystore.key"], "KEY-MATERIAL", "{config}");
    // ALTER with the mask keeps it too.
    ok(
        &mut s,
        &format!("ALTER CONNECTOR \"{name}\" SET ('ssl.keystore.key' = '[hidden]', 'x.k' = 'v')"),
    );
    let config = rest_config(&name);
    assert_eq!(config["ssl.keystore.key"], "KEY-MATERIAL", "{config}");
    assert_eq!(config["x.k"], "v");
}

#[test]
fn a_masked_create_of_a_new_name_is_refused_and_stores_nothing() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-trust-new");
    let _c = Cleanup(vec![name.clone()]);
    let e = err(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSink', \
             'topics' = 't', 'db.password' = '[hidden]')"
        ),
    );
    let text = e.to_string();
    assert!(
        text.contains("'db.password'") && text.contains("nothing was sent"),
        "{text}"
    );
    assert!(text.contains("--show-secrets"), "{text}");
    assert_eq!(harness::get(&format!("/connectors/{name}")).0, 404);
}

#[test]
fn show_create_escapes_variable_syntax_so_it_reapplies_exactly() {
    require_cluster!();
    let name = unique("it-trust-vars");
    let _c = Cleanup(vec![name.clone()]);
    let config = json!({
        "connector.class": "FileStreamSink",
        "topics": "t",
        "file": "/tmp/${HOME}/x",
        "x.note": "${undefined} and $${kept}",
    });
    let (status, _) = harness::post("/connectors", &json!({"name": name, "config": config}));
    assert_eq!(status, 201);
    let mut s = session();
    let out = ok(&mut s, &format!("SHOW CREATE CONNECTOR \"{name}\""));
    let stmt = text(&out, "statement");
    assert!(stmt.contains("'/tmp/$${HOME}/x'"), "{stmt}");
    // Run it through the shell with HOME defined: nothing may change.
    let run = harness::kcsh()
        .args(["-d", "HOME=changed", "-d", "undefined=changed", "-e", &stmt])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let live = rest_config(&name);
    assert_eq!(live["file"], "/tmp/${HOME}/x", "{live}");
    assert_eq!(live["x.note"], "${undefined} and $${kept}", "{live}");
}

#[test]
fn a_just_created_connector_is_listed_and_acted_on_at_once() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-trust-fresh");
    let _c = Cleanup(vec![name.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{name}\" WITH {}",
            fs_sink_with("/tmp/kcsh-trust.out", "it-trust")
        ),
    );
    let out = ok(&mut s, &format!("SHOW CONNECTORS LIKE '{name}'"));
    assert_eq!(rows(&out, "connectors").len(), 1, "{out:?}");
    let out = ok(&mut s, &format!("PAUSE CONNECTORS LIKE '{name}'"));
    assert_eq!(rows(&out, "results").len(), 1, "{out:?}");
}

#[test]
fn explain_alter_reads_the_version_and_shows_the_write_it_would_send() {
    require_cluster!();
    let mut s = session();
    let name = unique("it-trust-explain");
    let _c = Cleanup(vec![name.clone()]);
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{name}\" WITH {}",
            fs_sink_with("/tmp/kcsh-trust.out", "it-trust")
        ),
    );
    let mut fresh = session();
    let out = ok(
        &mut fresh,
        &format!("EXPLAIN ALTER CONNECTOR \"{name}\" SET ('topics' = 'other')"),
    );
    assert_eq!(
        text(&out, "requests"),
        format!(
            "GET /\nPATCH /connectors/{name}/config\n    {{\n      \"topics\": \"other\"\n    }}"
        )
    );
    assert!(!fresh.changed_state());
    let live = rest_config(&name);
    assert_eq!(live["topics"], "it-trust", "EXPLAIN sent no write");
}
