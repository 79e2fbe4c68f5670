//! Cluster-level statements against the real cluster: plugins, plugin config, loggers,
//! SHOW CLUSTER, EXPLAIN (sends nothing).

use crate::harness::*;

#[test]
fn plugins_and_plugin_config() {
    require_cluster!();
    let mut s = session();
    let out = ok(&mut s, "SHOW CONNECTOR PLUGINS");
    assert_eq!(table(&out, "plugins").0, vec!["Class", "Type", "Version"]);
    let r = rows(&out, "plugins");
    assert!(r.iter().any(
        |r| r[0] == "org.apache.kafka.connect.file.FileStreamSourceConnector" && r[1] == "SOURCE"
    ));
    assert!(r.iter().any(
        |r| r[0] == "org.apache.kafka.connect.file.FileStreamSinkConnector" && r[1] == "SINK"
    ));
    assert!(r.iter().all(|r| r[1] == "SOURCE" || r[1] == "SINK"));

    let out = ok(&mut s, "LIST CONNECTOR PLUGINS");
    assert!(!rows(&out, "plugins").is_empty());
    let out = ok(&mut s, "SHOW PLUGINS");
    let r = rows(&out, "plugins");
    assert!(r.iter().any(|r| r[1] == "TRANSFORMATION"), "{r:?}");
    assert!(r.iter().any(|r| r[1] == "CONVERTER"), "{r:?}");

    let out = ok(&mut s, "DESCRIBE PLUGIN 'FileStreamSource'");
    let (columns, _) = table(&out, "config_definitions");
    assert_eq!(
        columns,
        vec!["Name", "Type", "Default", "Importance", "Documentation"]
    );
    let r = rows(&out, "config_definitions");
    assert!(
        r.iter().any(|r| r[0] == "topic" && r[1] == "STRING"),
        "{r:?}"
    );
    let e = err(&mut s, "DESCRIBE PLUGIN 'NoSuchPlugin'");
    assert!(
        e.to_string().starts_with("Unknown plugin 'NoSuchPlugin'"),
        "{e}"
    );
}

#[test]
fn loggers_show_and_set() {
    require_cluster!();
    let mut s = session();
    let out = ok(&mut s, "SHOW LOGGERS");
    assert_eq!(
        table(&out, "loggers").0,
        vec!["Logger", "Level", "Last Modified"]
    );
    assert!(rows(&out, "loggers").iter().any(|r| r[0] == "root"));

    let logger = "org.apache.kafka.connect.file";
    let out = ok(&mut s, &format!("SET LOGGER '{logger}' = 'DEBUG'"));
    assert!(
        message(&out).starts_with(&format!("Set logger {logger} to DEBUG on ")),
        "{out:?}"
    );
    let out = ok(&mut s, &format!("SHOW LOGGERS LIKE '{logger}'"));
    let r = rows(&out, "loggers");
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0][1], "DEBUG");
    assert!(r[0][2].ends_with('Z'), "last modified shown: {r:?}");
    let out = ok(
        &mut s,
        &format!("SET LOGGER '{logger}' = 'info' FOR CLUSTER"),
    );
    assert_eq!(
        message(&out),
        format!("Set logger {logger} to INFO on every worker of the cluster")
    );
    let e = err(&mut s, &format!("SET LOGGER '{logger}' = 'LOUD'"));
    assert!(e.to_string().contains("LOUD"), "{e}");
}

#[test]
fn show_cluster() {
    require_cluster!();
    let mut s = session();
    let out = ok(&mut s, "SHOW CLUSTER");
    assert_eq!(field(&out, "URL"), url());
    assert!(field(&out, "Version").starts_with(|c: char| c.is_ascii_digit()));
    assert!(!field(&out, "Kafka Cluster ID").is_empty());
    assert_eq!(field(&out, "Health"), "healthy");
}

#[test]
fn explain_sends_nothing_that_changes_state() {
    require_cluster!();
    let mut s = session();
    let name = unique("it explain");
    let out = ok(
        &mut s,
        &format!(
            "EXPLAIN CREATE SOURCE CONNECTOR \"{name}\" WITH ('connector.class' = 'FileStreamSource', 'topic' = 't')"
        ),
    );
    let t = text(&out, "requests");
    let encoded = name.replace(' ', "%20");
    assert!(
        t.starts_with(
            "GET /connector-plugins\nPUT /connector-plugins/FileStreamSource/config/validate\n"
        ),
        "{t}"
    );
    assert!(t.contains("POST /connectors\n"), "{t}");
    let out = ok(&mut s, &format!("EXPLAIN PAUSE CONNECTOR \"{name}\""));
    assert_eq!(
        text(&out, "requests"),
        format!("PUT /connectors/{encoded}/pause")
    );
    let out = ok(&mut s, &format!("SHOW CONNECTORS LIKE '{name}'"));
    assert!(rows(&out, "connectors").is_empty());
}
