//! Plan and apply a directory of scripts against the real worker: create / update / unchanged /
//! drop / prune in the plan and its exit code, apply doing what the plan showed, prune never
//! outside its pattern, secrets (masked or provider references) never drift nor print, a
//! connector changed between plan and apply refused, every file's syntax error reported.

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::{
    self, ConnectorGuard, Env, FakeConnect, Fault, Hook, filters, transcript, unique_name,
};

fn sink(name: &str, tasks: u32, extra: &str) -> String {
    format!(
        "CREATE OR REPLACE CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSink', \
         'file' = '/dev/null', 'topics' = 'it-plan', 'tasks.max' = '{tasks}'{extra});\n"
    )
}

/// Creates `name` on the worker with `tasks.max` = `tasks` (and `extra` keys).
fn put_sink(name: &str, tasks: u32, extra: &[(&str, &str)]) {
    let mut config = json!({
        "connector.class": "FileStreamSink", "file": "/dev/null", "topics": "it-plan",
        "tasks.max": tasks.to_string(),
    });
    for (k, v) in extra {
        config[*k] = json!(v);
    }
    let (status, body) = harness::put(&format!("/connectors/{name}/config"), &config);
    assert!(status == 200 || status == 201, "{status} {body}");
}

fn config(name: &str) -> Option<Value> {
    let (status, body) = harness::get(&format!("/connectors/{name}/config"));
    (status == 200).then_some(body)
}

/// kcsh in `env` with `args`: its exit code and transcript.
fn run(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let out = env.kcsh().args(args).output().unwrap();
    (out.status.code(), transcript(&out))
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
}

/// The whole flow: a plan lists create / update / unchanged / prune and exits 4; applying it
/// does exactly that (and never drops outside the pattern); planning again finds nothing (0).
#[test]
fn plan_then_apply_a_directory_with_prune() {
    require_cluster!();
    let env = Env::new();
    // Fixed names, so that the snapshot's tables keep their width.
    let prefix = "plan-fleet";
    let [new, upd, same, old] = ["new", "upd", "same", "old"].map(|n| format!("{prefix}-{n}"));
    let outside = "plan-outside".to_string();
    for name in [&new, &upd, &same, &old, &outside] {
        harness::delete(&format!("/connectors/{name}"));
    }
    let _guards = [&new, &upd, &same, &old, &outside].map(|n| ConnectorGuard(n.clone()));
    put_sink(&upd, 2, &[]);
    put_sink(&same, 1, &[]);
    put_sink(&old, 1, &[]);
    put_sink(&outside, 1, &[]);
    let dir = env.path("fleet");
    write(&dir, "10-new.sql", &sink(&new, 1, ""));
    write(&dir, "20-upd.sql", &sink(&upd, 1, ""));
    write(
        &dir,
        "30-same.sql",
        &format!("-- kept\n{}", sink(&same, 1, "")),
    );
    write(&dir, "notes.txt", "DROP CONNECTOR nothing;");
    let pattern = format!("{prefix}-%");

    let (code, text) = run(&env, &["-f", "fleet", "--dry-run", "--prune", &pattern]);
    filters().bind(|| insta::assert_snapshot!("plan_directory_with_prune", text));
    assert_eq!(code, Some(4));
    assert!(config(&new).is_none(), "a plan created {new}");
    assert!(config(&old).is_some(), "a plan dropped {old}");

    let (code, text) = run(
        &env,
        &["-f", "fleet", "--prune", &pattern, "--output", "json"],
    );
    assert_eq!(code, Some(0), "{text}");
    let plan: Value = serde_json::from_str(text.lines().nth(2).unwrap()).unwrap();
    assert_eq!(plan["type"], "plan", "{text}");
    assert_eq!(
        plan["summary"],
        json!({"create": 1, "update": 1, "drop": 1, "other": 0, "unchanged": 1})
    );
    assert_eq!(plan["connectors"][1]["changes"][0]["key"], "tasks.max");
    assert!(config(&new).is_some(), "{text}");
    assert_eq!(config(&upd).unwrap()["tasks.max"], "1");
    assert!(config(&old).is_none(), "{text}");
    assert!(
        config(&outside).is_some(),
        "pruned outside the pattern: {text}"
    );

    let (code, text) = run(&env, &["-f", "fleet", "--dry-run", "--prune", &pattern]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("No changes. Plan: 0 to create, 0 to update, 0 to drop, 3 unchanged."),
        "{text}"
    );
}

/// A plan saved with --plan-file is applied only against the cluster it was made from: a
/// connector changed in between (here by another client, between the two steps) stops the
/// apply before anything is written; an unchanged cluster applies.
#[test]
fn apply_refuses_a_cluster_changed_since_the_plan() {
    require_cluster!();
    let env = Env::new();
    let a = unique_name("plan-changed-a");
    let b = unique_name("plan-changed-b");
    let _guards = [ConnectorGuard(a.clone()), ConnectorGuard(b.clone())];
    put_sink(&a, 1, &[]);
    write(&env.path("fleet"), "a.sql", &sink(&a, 2, ""));
    write(&env.path("fleet"), "b.sql", &sink(&b, 1, ""));
    let plan = |env: &Env| {
        let (code, text) = run(
            env,
            &["-f", "fleet", "--dry-run", "--plan-file", "plan.json"],
        );
        assert_eq!(code, Some(4), "{text}");
    };
    plan(&env);
    // Someone changes a after the plan was reviewed.
    put_sink(&a, 3, &[]);
    let (code, text) = run(&env, &["-f", "fleet", "--plan-file", "plan.json"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("changed since the plan in plan.json was made"),
        "{text}"
    );
    assert!(text.contains(&format!("Differs: {a}")), "{text}");
    assert_eq!(config(&a).unwrap()["tasks.max"], "3", "overwritten: {text}");
    assert!(config(&b).is_none(), "applied part of a stale plan: {text}");

    // Planned again against the cluster as it is now, the same apply goes through.
    plan(&env);
    let (code, text) = run(&env, &["-f", "fleet", "--plan-file", "plan.json"]);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(config(&a).unwrap()["tasks.max"], "2");
    assert!(config(&b).is_some(), "{text}");
}

/// A secret written as the mask or as a config-provider reference is no drift; neither the
/// plan, its JSON, nor the saved plan file holds the secret value.
#[test]
fn secrets_are_not_drift_and_never_printed() {
    require_cluster!();
    let env = Env::new();
    let name = unique_name("plan-secret");
    let _guard = ConnectorGuard(name.clone());
    let secret = "mkPlanPW77";
    put_sink(
        &name,
        1,
        &[
            ("connection.password", secret),
            ("db.password", "${file:/etc/kcsh-it.properties:pw}"),
        ],
    );
    let extra = ", 'connection.password' = '[hidden]', \
                 'db.password' = '${file:/etc/kcsh-it.properties:pw}'";
    write(&env.path("fleet"), "s.sql", &sink(&name, 1, extra));
    for format in ["tabular", "json"] {
        let (code, text) = run(
            &env,
            &[
                "-f",
                "fleet",
                "--dry-run",
                "--output",
                format,
                "--plan-file",
                "p.json",
            ],
        );
        assert_eq!(code, Some(0), "drift reported: {text}");
        assert!(!text.contains(secret), "{text}");
        let file = std::fs::read_to_string(env.path("p.json")).unwrap();
        assert!(!file.contains(secret), "{file}");
        assert!(file.contains("[hidden]"), "{file}");
    }
    // A real change of the secret is a change, shown masked.
    write(
        &env.path("fleet"),
        "s.sql",
        &sink(&name, 1, ", 'connection.password' = 'mkOtherPW88'"),
    );
    let (code, text) = run(&env, &["-f", "fleet", "--dry-run"]);
    assert_eq!(code, Some(4), "{text}");
    assert!(
        !text.contains(secret) && !text.contains("mkOtherPW88"),
        "{text}"
    );
    assert!(text.contains("connection.password"), "{text}");
}

/// Every file's syntax error is reported, with place and caret, and nothing runs; a connector
/// declared twice, or a statement that fails to plan, applies nothing either.
#[test]
fn a_plan_that_fails_applies_nothing() {
    require_cluster!();
    let env = Env::new();
    let name = unique_name("plan-fails");
    let _guard = ConnectorGuard(name.clone());
    let dir = env.path("fleet");
    write(
        &dir,
        "a.sql",
        &format!("{}DROP CONNECTOR ;\n", sink(&name, 1, "")),
    );
    let b = "SHOW CONNECTORS;\nCREATE CONNECTOR WITH;\nSHOW PLUGINS;\nDROP CONNECTOR ;\n";
    write(&dir, "b.sql", b);
    let (code, text) = run(&env, &["-f", "fleet"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("a.sql") && text.contains("line 2"), "{text}");
    assert!(
        text.contains("b.sql: line 2"),
        "only the first file's error: {text}"
    );
    assert!(
        text.contains("b.sql: line 4"),
        "only the first error of b.sql: {text}"
    );
    assert_eq!(text.matches("error: ").count(), 3, "{text}");
    assert!(config(&name).is_none(), "{text}");

    std::fs::remove_dir_all(&dir).unwrap();
    write(&dir, "a.sql", &sink(&name, 1, ""));
    write(&dir, "b.sql", &sink(&name, 2, ""));
    let (code, text) = run(&env, &["-f", "fleet", "--dry-run"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("declared twice"), "{text}");

    write(
        &dir,
        "b.sql",
        "CREATE OR REPLACE CONNECTOR \"plan-fails-bad\" WITH ('connector.class' = 'NoSuchClass');\n",
    );
    let (code, text) = run(&env, &["-f", "fleet", "--prune", "plan-fails-%"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("b.sql, line 1 failed to plan"), "{text}");
    assert!(text.contains("nothing was applied"), "{text}");
    assert!(
        config(&name).is_none(),
        "applied part of a failed plan: {text}"
    );
}

/// Prune is opt-in and bounded: it needs -f, and a pattern that matches every name is refused.
#[test]
fn prune_refuses_what_would_drop_everything() {
    let env = Env::new();
    write(&env.path("fleet"), "a.sql", "SHOW CONNECTORS;\n");
    for pattern in ["%", "", "%_%"] {
        let (code, text) = run(&env, &["-f", "fleet", "--prune", pattern]);
        assert_eq!(code, Some(2), "{text}");
        assert!(text.contains("matches every connector name"), "{text}");
    }
    for args in [
        &["--prune", "app-%"][..],
        &["-e", "SHOW CONNECTORS", "--prune", "app-%"],
        &["-e", "SHOW CONNECTORS", "--plan-file", "p.json"],
    ] {
        let (code, text) = run(&env, args);
        assert_eq!(code, Some(2), "{args:?}: {text}");
    }
}

/// Applying without a plan file: the cluster changes between the apply's own plan and its
/// first write about the connector (another client writes it just before kcsh's guard reads
/// it, through a forwarding proxy in front of the real worker): the write is refused unsent,
/// the report says so, and the other client's change stays.
#[test]
fn the_apply_stops_before_overwriting_a_change_made_after_its_plan() {
    require_cluster!();
    let env = Env::new();
    let a = unique_name("plan-race");
    let _guard = ConnectorGuard(a.clone());
    put_sink(&a, 1, &[]);
    write(&env.path("fleet"), "a.sql", &sink(&a, 2, ""));
    let proxy = FakeConnect::start(&harness::test_url());
    let read = format!("GET /connectors/{a}/config");
    let name = a.clone();
    // The plan reads the config once; the guard's read is the second.
    proxy.then_for(&read, Fault::Before(Hook::new(|| {})));
    proxy.then_for(
        &read,
        Fault::Before(Hook::new(move || put_sink(&name, 5, &[]))),
    );
    let out = env
        .kcsh()
        .env("KCSH_URL", proxy.url())
        .args(["-f", "fleet", "--prune", "plan-race-none-%"])
        .output()
        .unwrap();
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "connector {a} changed after the plan read it (keys changed: tasks.max)"
        )),
        "{text}"
    );
    assert!(text.contains("FAILED") || text.contains("failed"), "{text}");
    assert_eq!(config(&a).unwrap()["tasks.max"], "5", "overwritten: {text}");
    let puts = proxy
        .requests()
        .into_iter()
        .filter(|r| r.starts_with(&format!("PUT /connectors/{a}/config ")))
        .count();
    assert_eq!(puts, 0, "{:?}", proxy.requests());
}
