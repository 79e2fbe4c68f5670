//! Statement -> the REST requests it sends. Pure: no I/O, so EXPLAIN, `--check` and `--dry-run`
//! can show exactly what exec would do. Turns property lists into configs; request paths are
//! built by `connect::request` (re-exported here).

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::lang::ast::{Lifecycle, Literal, Name, Property, Statement, Target};
use crate::lang::statement::*;

pub use crate::connect::request::{
    Method, Request, connector_path, encode_segment, logger_path, plugin_path,
};

/// Options that change how names are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Upper-case unquoted names and keys, as ksqlDB does.
    pub ksql_compat: bool,
}

/// The text of a name. Variables must have been resolved by the caller.
pub fn name_text(name: &Name, opts: &PlanOptions) -> Result<String, Error> {
    let mut name = name.clone();
    if opts.ksql_compat {
        crate::lang::ident::ksql_compat(&mut name);
    }
    match name {
        Name::Plain(s) | Name::Quoted(s) => Ok(s),
        Name::Var(v) => Err(Error::statement(format!("undefined variable ${{{v}}}"))),
    }
}

/// A literal as Connect wants config values: strings; numbers as written, booleans lower-case,
/// NULL as "null" (as ksqlDB does).
pub fn literal_text(lit: &Literal) -> Result<String, Error> {
    match lit {
        Literal::String(s) | Literal::Number(s) => Ok(s.clone()),
        Literal::Boolean(b) => Ok(b.to_string()),
        Literal::Null => Ok("null".into()),
        Literal::Var(v) => Err(Error::statement(format!("undefined variable ${{{v}}}"))),
    }
}

/// A literal keeping its JSON type (for offsets): numbers stay numbers.
pub fn literal_json(lit: &Literal) -> Result<Value, Error> {
    match lit {
        Literal::String(s) => Ok(Value::String(s.clone())),
        Literal::Number(n) => Ok(serde_json::from_str::<Value>(n)
            .ok()
            .filter(Value::is_number)
            .unwrap_or_else(|| Value::String(n.clone()))),
        Literal::Boolean(b) => Ok(Value::Bool(*b)),
        Literal::Null => Ok(Value::Null),
        Literal::Var(v) => Err(Error::statement(format!("undefined variable ${{{v}}}"))),
    }
}

/// Properties -> ordered (key, value) strings.
pub fn properties_text(
    props: &[Property],
    opts: &PlanOptions,
) -> Result<Vec<(String, String)>, Error> {
    props
        .iter()
        .map(|p| Ok((name_text(&p.key, opts)?, literal_text(&p.value)?)))
        .collect()
}

/// Properties -> a JSON object keeping value types (offset partitions and offsets).
pub fn properties_json(props: &[Property], opts: &PlanOptions) -> Result<Value, Error> {
    let mut map = Map::new();
    for p in props {
        map.insert(name_text(&p.key, opts)?, literal_json(&p.value)?);
    }
    Ok(Value::Object(map))
}

/// The config a CREATE / VALIDATE sends: the properties with templates applied, `name` forced
/// to the connector's name.
pub fn connector_config(
    name: Option<&str>,
    props: &[Property],
    opts: &PlanOptions,
) -> Result<Vec<(String, String)>, Error> {
    let mut config = properties_text(props, opts)?;
    // ksqlDB's "natively supported connectors" (the JDBC source's `key`, `tasks.max`).
    crate::lang::templates::apply(&mut config);
    if let Some(name) = name {
        config.retain(|(k, _)| k != "name");
        config.push(("name".into(), name.to_string()));
    }
    Ok(config)
}

/// `connector.class` of a config, or an error naming the statement.
pub fn connector_class(config: &[(String, String)], what: &str) -> Result<String, Error> {
    config
        .iter()
        .find(|(k, _)| k == "connector.class")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            Error::statement(format!(
                "{what} needs 'connector.class' in its WITH (...) list"
            ))
        })
}

pub fn config_json(config: &[(String, String)]) -> Value {
    Value::Object(
        config
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// Placeholder path segment used by EXPLAIN for "each matching connector".
const EACH: &str = "{name}";

fn lifecycle_suffix(action: Lifecycle) -> &'static str {
    match action {
        Lifecycle::Pause => "/pause",
        Lifecycle::Resume => "/resume",
        Lifecycle::Stop => "/stop",
    }
}

/// The restart request of one connector.
pub fn restart_request(
    name: &str,
    include_tasks: bool,
    only_failed: bool,
) -> Result<Request, Error> {
    let mut r = Request::new(Method::Post, connector_path(name, "/restart")?);
    if include_tasks {
        r = r.query("includeTasks", "true");
    }
    if only_failed {
        r = r.query("onlyFailed", "true");
    }
    Ok(r)
}

/// The request a PAUSE/RESUME/STOP of one connector sends.
pub fn lifecycle_request(name: &str, action: Lifecycle) -> Result<Request, Error> {
    Ok(Request::put(connector_path(
        name,
        lifecycle_suffix(action),
    )?))
}

/// `GET /connectors?expand=status&expand=info`: every connector with status and config, in one call.
pub fn list_request() -> Request {
    Request::get("/connectors")
        .query("expand", "status")
        .query("expand", "info")
}

/// The requests a statement sends, in order, with default options.
pub fn plan(stmt: &Statement) -> Result<Vec<Request>, Error> {
    plan_with(stmt, &PlanOptions::default())
}

/// The requests a statement sends, in order. Requests that depend on answers (the matches of a
/// bulk statement) use `{name}` as a placeholder. EXPLAIN itself and client commands send none.
pub fn plan_with(stmt: &Statement, opts: &PlanOptions) -> Result<Vec<Request>, Error> {
    let name = |n: &Name| name_text(n, opts);
    let each = |suffix: &str| format!("/connectors/{EACH}{suffix}");
    Ok(match stmt {
        Statement::CreateConnector(CreateConnector {
            or_replace,
            if_not_exists,
            kind,
            name: n,
            properties,
        }) => {
            let n = name(n)?;
            let config = connector_config(Some(&n), properties, opts)?;
            let class = connector_class(&config, "CREATE CONNECTOR")?;
            let mut reqs = Vec::new();
            if *if_not_exists {
                reqs.push(Request::get(connector_path(&n, "")?));
            }
            if kind.is_some() {
                reqs.push(Request::get("/connector-plugins"));
            }
            reqs.push(
                Request::put(plugin_path(&class, "/config/validate")?).body(config_json(&config)),
            );
            if *or_replace {
                reqs.push(Request::put(connector_path(&n, "/config")?).body(config_json(&config)));
            } else {
                reqs.push(Request::post(
                    "/connectors",
                    json!({"name": n, "config": config_json(&config)}),
                ));
            }
            reqs
        }
        Statement::DropConnector(DropConnector { name: n, .. }) => {
            vec![Request::new(Method::Delete, connector_path(&name(n)?, "")?)]
        }
        Statement::DescribeConnector(DescribeConnector { name: n, extended }) => {
            let n = name(n)?;
            let mut reqs = vec![
                Request::get(connector_path(&n, "")?),
                Request::get(connector_path(&n, "/status")?),
                Request::get(connector_path(&n, "/topics")?),
            ];
            if *extended {
                reqs.push(Request::get(connector_path(&n, "/tasks")?));
            }
            reqs
        }
        Statement::ShowConnectors(ShowConnectors { .. }) => vec![list_request()],
        Statement::ShowConnectorPlugins(ShowConnectorPlugins) => {
            vec![Request::get("/connector-plugins")]
        }
        Statement::ShowPlugins(ShowPlugins) => {
            vec![Request::get("/connector-plugins").query("connectorsOnly", "false")]
        }
        Statement::DescribePlugin(DescribePlugin { plugin }) => {
            vec![Request::get(plugin_path(plugin, "/config")?)]
        }
        Statement::ValidateConnector(ValidateConnector {
            name: n,
            properties,
            kind,
        }) => {
            let n = n.as_ref().map(name).transpose()?;
            let config = connector_config(n.as_deref(), properties, opts)?;
            let class = connector_class(&config, "VALIDATE CONNECTOR")?;
            let mut reqs = Vec::new();
            if kind.is_some() {
                reqs.push(Request::get("/connector-plugins"));
            }
            reqs.push(
                Request::put(plugin_path(&class, "/config/validate")?).body(config_json(&config)),
            );
            reqs
        }
        Statement::Lifecycle(LifecycleConnector { action, target }) => match target {
            Target::One(n) => vec![lifecycle_request(&name(n)?, *action)?],
            Target::All { .. } => vec![
                list_request(),
                Request::put(each(lifecycle_suffix(*action))),
            ],
        },
        Statement::RestartConnector(RestartConnector {
            target,
            include_tasks,
            only_failed,
        }) => match target {
            Target::One(n) => vec![restart_request(&name(n)?, *include_tasks, *only_failed)?],
            Target::All { .. } => {
                let mut r = Request::new(Method::Post, each("/restart"));
                if *include_tasks {
                    r = r.query("includeTasks", "true");
                }
                if *only_failed {
                    r = r.query("onlyFailed", "true");
                }
                vec![list_request(), r]
            }
        },
        Statement::RestartTask(RestartTask { name: n, task }) => vec![Request::new(
            Method::Post,
            connector_path(&name(n)?, &format!("/tasks/{task}/restart"))?,
        )],
        Statement::AlterConnectorSet(AlterConnectorSet {
            name: n,
            properties,
        }) => {
            let n = name(n)?;
            let mut config = properties_text(properties, opts)?;
            config.retain(|(k, _)| k != "name");
            vec![
                Request::new(Method::Patch, connector_path(&n, "/config")?)
                    .body(config_json(&config)),
            ]
        }
        Statement::AlterConnectorUnset(AlterConnectorUnset { name: n, keys }) => {
            let n = name(n)?;
            let mut body = Map::new();
            for k in keys {
                body.insert(name(k)?, Value::Null);
            }
            vec![
                Request::new(Method::Patch, connector_path(&n, "/config")?)
                    .body(Value::Object(body)),
            ]
        }
        Statement::ShowCreateConnector(ShowCreateConnector { name: n }) => {
            vec![Request::get(connector_path(&name(n)?, "")?)]
        }
        Statement::ShowConnectorOffsets(ShowConnectorOffsets { name: n }) => {
            vec![Request::get(connector_path(&name(n)?, "/offsets")?)]
        }
        Statement::AlterConnectorOffset(AlterConnectorOffset {
            name: n,
            partition,
            offset,
        }) => {
            let body = offsets_body(partition, offset.as_deref(), opts)?;
            vec![Request::new(Method::Patch, connector_path(&name(n)?, "/offsets")?).body(body)]
        }
        Statement::ResetConnectorOffsets(ResetConnectorOffsets { name: n }) => {
            vec![Request::new(
                Method::Delete,
                connector_path(&name(n)?, "/offsets")?,
            )]
        }
        Statement::ResetConnectorTopics(ResetConnectorTopics { name: n }) => {
            vec![Request::put(connector_path(&name(n)?, "/topics/reset")?)]
        }
        Statement::WaitForConnector(WaitForConnector { name: n, .. }) => {
            vec![Request::get(connector_path(&name(n)?, "/status")?)]
        }
        Statement::ShowCluster(ShowCluster) => vec![Request::get("/"), Request::get("/health")],
        Statement::ShowLoggers(ShowLoggers { .. }) => vec![Request::get("/admin/loggers")],
        Statement::SetLogger(SetLogger {
            logger,
            level,
            cluster,
        }) => vec![logger_request(logger, level, *cluster)?],
        Statement::Explain(Explain(inner)) => {
            // EXPLAIN sends nothing, but planning the inner statement checks it.
            plan_with(inner, opts)?;
            Vec::new()
        }
        Statement::Client(_) => Vec::new(),
    })
}

/// `{"offsets": [{"partition": {...}, "offset": {...} | null}]}`
pub fn offsets_body(
    partition: &[Property],
    offset: Option<&[Property]>,
    opts: &PlanOptions,
) -> Result<Value, Error> {
    let offset = match offset {
        Some(o) => properties_json(o, opts)?,
        None => Value::Null,
    };
    Ok(json!({"offsets": [{"partition": properties_json(partition, opts)?, "offset": offset}]}))
}

/// `PUT /admin/loggers/{logger}` with `scope=cluster` when asked.
pub fn logger_request(logger: &str, level: &str, cluster: bool) -> Result<Request, Error> {
    let mut r = Request::put(logger_path(logger)?).body(json!({"level": level.to_uppercase()}));
    if cluster {
        r = r.query("scope", "cluster");
    }
    Ok(r)
}

/// Renders requests for EXPLAIN: one line each, then the body, if any, indented.
pub fn explain_text(reqs: &[Request]) -> String {
    let mut out = String::new();
    for r in reqs {
        out.push_str(&r.to_string());
        out.push('\n');
        if let Some(body) = &r.body {
            let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
            for line in pretty.lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no requests)\n");
    }
    out.trim_end().to_string()
}

/// `LIKE` matching lives in the language; re-exported until callers name it there.
pub use crate::lang::like::like;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ast::{ClientStatement, ConnectorType, Span};

    fn prop(k: &str, v: Literal) -> Property {
        Property {
            key: Name::Quoted(k.into()),
            value: v,
            span: Span::default(),
        }
    }

    fn s(v: &str) -> Literal {
        Literal::String(v.into())
    }

    #[test]
    fn names_are_percent_encoded_per_segment() {
        let r = lifecycle_request("fs src", Lifecycle::Pause).unwrap();
        assert_eq!(r.to_string(), "PUT /connectors/fs%20src/pause");
        assert_eq!(
            connector_path("a%b;c?d#e+é", "").unwrap(),
            "/connectors/a%25b%3Bc%3Fd%23e%2B%C3%A9"
        );
        assert_eq!(
            connector_path("my-conn.v2_~", "").unwrap(),
            "/connectors/my-conn.v2_~"
        );
    }

    #[test]
    fn slash_in_a_name_is_refused_clearly() {
        let e = connector_path("a/b", "").unwrap_err();
        assert!(e.to_string().contains("cannot address"), "{e}");
    }

    #[test]
    fn query_strings_print_in_display() {
        let r = restart_request("x", true, true).unwrap();
        assert_eq!(
            r.to_string(),
            "POST /connectors/x/restart?includeTasks=true&onlyFailed=true"
        );
        assert_eq!(
            list_request().to_string(),
            "GET /connectors?expand=status&expand=info"
        );
    }

    #[test]
    fn create_validates_then_posts_with_name_forced() {
        let stmt = Statement::CreateConnector(CreateConnector {
            or_replace: false,
            if_not_exists: false,
            kind: Some(ConnectorType::Source),
            name: Name::Plain("fs".into()),
            properties: vec![
                prop("connector.class", s("FileStreamSource")),
                prop("name", s("other")),
                prop("tasks.max", Literal::Number("1".into())),
                prop("x", Literal::Boolean(true)),
                prop("y", Literal::Null),
            ],
        });
        let reqs = plan(&stmt).unwrap();
        let lines: Vec<String> = reqs.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "GET /connector-plugins",
                "PUT /connector-plugins/FileStreamSource/config/validate",
                "POST /connectors"
            ]
        );
        assert_eq!(
            reqs[2].body.as_ref().unwrap(),
            &json!({"name": "fs", "config": {"connector.class": "FileStreamSource",
                "tasks.max": "1", "x": "true", "y": "null", "name": "fs"}})
        );
        assert!(!reqs[1].changes_state());
        assert!(reqs[2].changes_state());
    }

    #[test]
    fn create_without_class_is_an_error() {
        let stmt = Statement::CreateConnector(CreateConnector {
            or_replace: true,
            if_not_exists: false,
            kind: None,
            name: Name::Plain("fs".into()),
            properties: vec![prop("topic", s("t"))],
        });
        assert!(
            plan(&stmt)
                .unwrap_err()
                .to_string()
                .contains("connector.class")
        );
    }

    #[test]
    fn ksql_compat_uppercases_plain_names_only() {
        let opts = PlanOptions { ksql_compat: true };
        assert_eq!(name_text(&Name::Plain("ab".into()), &opts).unwrap(), "AB");
        assert_eq!(name_text(&Name::Quoted("ab".into()), &opts).unwrap(), "ab");
        assert!(name_text(&Name::Var("v".into()), &opts).is_err());
    }

    #[test]
    fn offsets_keep_json_types() {
        let body = offsets_body(
            &[prop("filename", s("/tmp/a"))],
            Some(&[prop("position", Literal::Number("42".into()))]),
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"offsets": [{"partition": {"filename": "/tmp/a"}, "offset": {"position": 42}}]})
        );
        let reset = offsets_body(
            &[prop("p", Literal::Number("1.5".into()))],
            None,
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(
            reset,
            json!({"offsets": [{"partition": {"p": 1.5}, "offset": null}]})
        );
    }

    #[test]
    fn bulk_statements_plan_a_listing_and_a_placeholder() {
        let stmt = Statement::Lifecycle(LifecycleConnector {
            action: Lifecycle::Stop,
            target: Target::All {
                like: Some("fs%".into()),
            },
        });
        let lines: Vec<String> = plan(&stmt).unwrap().iter().map(|r| r.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "GET /connectors?expand=status&expand=info",
                "PUT /connectors/{name}/stop"
            ]
        );
    }

    #[test]
    fn explain_and_client_commands_send_nothing() {
        let inner = Statement::DropConnector(DropConnector {
            if_exists: false,
            name: Name::Plain("x".into()),
        });
        assert!(
            plan(&Statement::Explain(Explain(Box::new(inner))))
                .unwrap()
                .is_empty()
        );
        assert!(
            plan(&Statement::Client(ClientStatement::ShowProperties))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn logger_scope_and_level() {
        let r = logger_request("org.apache.kafka", "debug", true).unwrap();
        assert_eq!(
            r.to_string(),
            "PUT /admin/loggers/org.apache.kafka?scope=cluster"
        );
        assert_eq!(r.body, Some(json!({"level": "DEBUG"})));
    }

    #[test]
    fn explain_text_shows_bodies() {
        let text = explain_text(&[Request::put("/x").body(json!({"a": "b"}))]);
        assert_eq!(text, "PUT /x\n    {\n      \"a\": \"b\"\n    }");
        assert_eq!(explain_text(&[]), "(no requests)");
    }
}
