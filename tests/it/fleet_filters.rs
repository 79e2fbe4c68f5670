//! WHERE filters and bulk statements against the real worker: selection by state, class and
//! failed tasks; a bulk DROP refused in a script without FORCE (nothing dropped), shown by a dry
//! run, done with FORCE; partial failure of a parallel bulk statement (exit 1, rows in name
//! order, the report's "partly applied"), with the one failure injected by the fault proxy in
//! front of the real worker (a real worker fails no single PUT on demand).

use std::time::Duration;

use crate::harness::*;

fn names_of(out: &kcsh::output::Output, table: &str) -> Vec<String> {
    rows(out, table).into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn where_selects_by_state_class_and_failed_tasks() {
    require_cluster!();
    let mut s = session();
    let dir = tempfile::tempdir().unwrap();
    let p = unique("it-where");
    let (src, bad, stopped) = (format!("{p}-src"), format!("{p}-bad"), format!("{p}-stop"));
    let _c = Cleanup(vec![src.clone(), bad.clone(), stopped.clone()]);
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "a\n").unwrap();
    ok(
        &mut s,
        &format!(
            "CREATE SOURCE CONNECTOR \"{src}\" WITH {}",
            fs_source_with(file.to_str().unwrap(), &format!("{p}-t"))
        ),
    );
    // The sink task cannot open a file in a missing directory: it fails at start.
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{bad}\" WITH {}",
            fs_sink_with("/nonexistent-kcsh-dir/out.txt", &format!("{p}-t"))
        ),
    );
    let out_file = dir.path().join("out.txt");
    ok(
        &mut s,
        &format!(
            "CREATE CONNECTOR \"{stopped}\" WITH {}",
            fs_sink_with(out_file.to_str().unwrap(), &format!("{p}-t"))
        ),
    );
    ok(&mut s, &format!("WAIT FOR CONNECTOR \"{src}\""));
    wait_listed(&mut s, &stopped);
    ok(&mut s, &format!("STOP CONNECTOR \"{stopped}\""));
    wait_state(&mut s, &stopped, "STOPPED");
    let failing = format!("SHOW CONNECTORS LIKE '{p}-%' WHERE failed_tasks > 0");
    let shown = wait_until("a failed task", Duration::from_secs(60), || {
        let names = names_of(&ok(&mut s, &failing), "connectors");
        (!names.is_empty()).then_some(names)
    });
    assert_eq!(shown, vec![bad.clone()]);

    let show = |s: &mut kcsh::exec::Session, cond: &str| {
        names_of(
            &ok(s, &format!("SHOW CONNECTORS LIKE '{p}-%' WHERE {cond}")),
            "connectors",
        )
    };
    assert_eq!(show(&mut s, "class LIKE '%Source%'"), vec![src.clone()]);
    assert_eq!(show(&mut s, "state = 'stopped'"), vec![stopped.clone()]);
    assert_eq!(
        show(&mut s, "type = 'SINK' AND NOT state IN ('STOPPED')"),
        vec![bad.clone()]
    );
    assert_eq!(
        show(&mut s, "tasks = 0 OR running_tasks >= 1"),
        [src.clone(), stopped.clone()]
    );
    assert!(show(&mut s, "worker_id = 'nowhere:1'").is_empty());

    let out = ok(
        &mut s,
        &format!(
            "RESTART CONNECTORS LIKE '{p}-%' WHERE state = 'FAILED' OR failed_tasks > 0 \
             INCLUDE TASKS ONLY FAILED"
        ),
    );
    assert_eq!(names_of(&out, "results"), vec![bad.clone()]);
    let out = ok(
        &mut s,
        &format!("PAUSE CONNECTORS LIKE '{p}-%' WHERE type = 'SOURCE'"),
    );
    assert_eq!(
        rows(&out, "results"),
        [vec![src.clone(), format!("Paused connector {src}")]]
    );
    wait_state(&mut s, &src, "PAUSED");
    let out = ok(
        &mut s,
        &format!("RESUME CONNECTORS LIKE '{p}-%' WHERE tasks > 100"),
    );
    assert_eq!(
        warning(&out),
        format!("No connector matches '{p}-%' with tasks > 100")
    );
}

fn sinks(s: &mut kcsh::exec::Session, names: &[String], dir: &std::path::Path) {
    for n in names {
        let file = dir.join(format!("{n}.out"));
        ok(
            s,
            &format!(
                "CREATE CONNECTOR \"{n}\" WITH {}",
                fs_sink_with(file.to_str().unwrap(), "it-fleet")
            ),
        );
    }
    for n in names {
        wait_listed(s, n);
    }
}

#[test]
fn bulk_drop_in_a_script_needs_force() {
    require_cluster!();
    let mut s = session();
    let dir = tempfile::tempdir().unwrap();
    let p = unique("it-bdrop");
    let names: Vec<String> = (0..3).map(|i| format!("{p}-{i}")).collect();
    let _c = Cleanup(names.clone());
    sinks(&mut s, &names, dir.path());
    let env = Env::new();
    let drop = format!("DROP CONNECTORS LIKE '{p}-%'");

    let out = env.kcsh().arg("-e").arg(&drop).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    // The table's widths follow the unique prefix's length: normalized away.
    let text: String = transcript(&out)
        .replace(&p, "[P]")
        .lines()
        .map(|l| {
            if !l.is_empty() && l.chars().all(|c| c == '-') {
                "---".to_owned()
            } else {
                l.split_whitespace().collect::<Vec<_>>().join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    filters().bind(|| insta::assert_snapshot!("bulk_drop_refused", text));
    let listed = names_of(
        &ok(&mut s, &format!("SHOW CONNECTORS LIKE '{p}-%'")),
        "connectors",
    );
    assert_eq!(listed, names, "nothing was dropped");

    let out = env
        .kcsh()
        .args(["--dry-run", "-e", &drop])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for n in &names {
        assert!(
            stdout.contains(&format!("Would drop connector \"{n}\"")),
            "{stdout}"
        );
    }

    let out = env
        .kcsh()
        .args(["-e", &format!("{drop} FORCE")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let out = ok(&mut s, &format!("SHOW CONNECTORS LIKE '{p}-%'"));
    assert!(rows(&out, "connectors").is_empty());
    let out = env
        .kcsh()
        .args(["-e", &format!("{drop} FORCE")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("No connector matches '{p}-%'")),
        "{}",
        transcript(&out)
    );
}

#[test]
fn partial_failure_exits_1_with_rows_in_name_order() {
    require_cluster!();
    let mut s = session();
    let dir = tempfile::tempdir().unwrap();
    let p = unique("it-bpart");
    let names: Vec<String> = (0..6).map(|i| format!("{p}-{i}")).collect();
    let _c = Cleanup(names.clone());
    sinks(&mut s, &names, dir.path());
    let proxy = FakeConnect::start(&test_url());
    proxy.then_for(
        &format!("PUT /connectors/{p}-2/pause"),
        Fault::Answer(Answer::json(
            "500 Internal Server Error",
            &serde_json::json!({"error_code": 500, "message": "injected failure"}),
        )),
    );
    let env = Env::new();
    let out = env
        .kcsh()
        .env("KCSH_URL", proxy.url())
        .args([
            "--concurrency",
            "4",
            "-e",
            &format!("PAUSE CONNECTORS LIKE '{p}-%'"),
            "-e",
            "SHOW CLUSTER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let order: Vec<&str> = stdout
        .lines()
        .filter_map(|l| names.iter().find(|n| l.contains(n.as_str())))
        .map(String::as_str)
        .collect();
    assert_eq!(order, names, "{stdout}");
    assert!(stdout.contains("FAILED: injected failure"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PAUSE failed for 1 of 6 connector(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("FAILED, partly applied"), "{stderr}");
    for n in names.iter().filter(|n| !n.ends_with("-2")) {
        wait_state(&mut s, n, "PAUSED");
    }
}
