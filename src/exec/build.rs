//! Statement values -> the parts of requests: names and literals as text, property lists as
//! configs (with ksqlDB's templates), offsets bodies and the request of each single-connector
//! action. Pure. What a statement *sends* is decided by the statement code running over the
//! transport, never here: these only build one request or body each.

use serde_json::{Map, Value, json};

use super::http::{Method, Request, connector_path, logger_path};
use crate::error::Error;
use crate::lang::ast::{Lifecycle, Literal, Name, PartitionOffset, Property};

/// The text of a name (`ksql_compat` upper-cases plain ones). Variables must be resolved.
pub fn name_text(name: &Name, ksql_compat: bool) -> Result<String, Error> {
    let mut name = name.clone();
    if ksql_compat {
        crate::lang::ident::ksql_compat(&mut name);
    }
    match name {
        Name::Plain(s) | Name::Quoted(s) => Ok(s),
        Name::Var(v) => Err(undefined(&v)),
    }
}

/// A variable still unresolved when its statement runs.
fn undefined(name: &str) -> Error {
    Error::statement(format!("undefined variable ${{{name}}}"))
}

/// A literal as Connect wants config values: strings; numbers as written, booleans lower-case,
/// NULL as "null" (as ksqlDB does).
pub fn literal_text(lit: &Literal) -> Result<String, Error> {
    match lit {
        Literal::String(s) | Literal::Number(s) => Ok(s.clone()),
        Literal::Boolean(b) => Ok(b.to_string()),
        Literal::Null => Ok("null".into()),
        Literal::Var(v) => Err(undefined(v)),
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
        Literal::Var(v) => Err(undefined(v)),
    }
}

/// Properties -> ordered (key, value) strings.
pub fn properties_text(
    props: &[Property],
    ksql_compat: bool,
) -> Result<Vec<(String, String)>, Error> {
    props
        .iter()
        .map(|p| Ok((name_text(&p.key, ksql_compat)?, literal_text(&p.value)?)))
        .collect()
}

/// Properties -> a JSON object keeping value types (offset partitions and offsets).
pub fn properties_json(props: &[Property], ksql_compat: bool) -> Result<Value, Error> {
    let mut map = Map::new();
    for p in props {
        map.insert(name_text(&p.key, ksql_compat)?, literal_json(&p.value)?);
    }
    Ok(Value::Object(map))
}

/// The config a CREATE / VALIDATE sends: the properties with templates applied, `name` forced
/// to the connector's name.
pub fn connector_config(
    name: Option<&str>,
    props: &[Property],
    ksql_compat: bool,
) -> Result<Vec<(String, String)>, Error> {
    let mut config = properties_text(props, ksql_compat)?;
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

/// The path suffix of PAUSE/RESUME/STOP.
pub fn lifecycle_suffix(action: Lifecycle) -> &'static str {
    match action {
        Lifecycle::Pause => "/pause",
        Lifecycle::Resume => "/resume",
        Lifecycle::Stop => "/stop",
    }
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

/// `{"offsets": [{"partition": {...}, "offset": {...} | null}]}`
pub fn offsets_body(
    partition: &[Property],
    offset: Option<&[Property]>,
    ksql_compat: bool,
) -> Result<Value, Error> {
    Ok(json!({"offsets": [offset_entry(partition, offset, ksql_compat)?]}))
}

/// The body of `WITH OFFSETS (...)`: every entry in one `PATCH .../offsets`, as
/// [`offsets_body`] writes one.
pub fn offsets_list_body(list: &[PartitionOffset], ksql_compat: bool) -> Result<Value, Error> {
    let entries = list
        .iter()
        .map(|po| offset_entry(&po.partition, po.offset.as_deref(), ksql_compat))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "offsets": entries }))
}

/// `{"partition": {...}, "offset": {...} | null}`
fn offset_entry(
    partition: &[Property],
    offset: Option<&[Property]>,
    ksql_compat: bool,
) -> Result<Value, Error> {
    let offset = match offset {
        Some(o) => properties_json(o, ksql_compat)?,
        None => Value::Null,
    };
    Ok(json!({"partition": properties_json(partition, ksql_compat)?, "offset": offset}))
}

/// `PUT /admin/loggers/{logger}` with `scope=cluster` when asked.
pub fn logger_request(logger: &str, level: &str, cluster: bool) -> Result<Request, Error> {
    let mut r = Request::put(logger_path(logger)?).body(json!({"level": level.to_uppercase()}));
    if cluster {
        r = r.query("scope", "cluster");
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ast::Span;

    fn prop(k: &str, v: Literal) -> Property {
        Property {
            key: Name::Quoted(k.into()),
            value: v,
            span: Span::default(),
        }
    }

    #[test]
    fn names_are_percent_encoded_per_segment() {
        let r = lifecycle_request("fs src", Lifecycle::Pause).unwrap();
        assert_eq!(r.to_string(), "PUT /connectors/fs%20src/pause");
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
    fn config_forces_the_name_and_keeps_literals_as_text() {
        let config = connector_config(
            Some("fs"),
            &[
                prop(
                    "connector.class",
                    Literal::String("FileStreamSource".into()),
                ),
                prop("name", Literal::String("other".into())),
                prop("tasks.max", Literal::Number("1".into())),
                prop("x", Literal::Boolean(true)),
                prop("y", Literal::Null),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            config_json(&config),
            json!({"connector.class": "FileStreamSource", "tasks.max": "1", "x": "true",
                "y": "null", "name": "fs"})
        );
        assert!(
            connector_class(&config[1..], "CREATE CONNECTOR")
                .unwrap_err()
                .to_string()
                .contains("connector.class")
        );
    }

    #[test]
    fn ksql_compat_uppercases_plain_names_only() {
        assert_eq!(name_text(&Name::Plain("ab".into()), true).unwrap(), "AB");
        assert_eq!(name_text(&Name::Quoted("ab".into()), true).unwrap(), "ab");
        assert!(name_text(&Name::Var("v".into()), true).is_err());
    }

    #[test]
    fn offsets_keep_json_types() {
        let body = offsets_body(
            &[prop("filename", Literal::String("/tmp/a".into()))],
            Some(&[prop("position", Literal::Number("42".into()))]),
            false,
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"offsets": [{"partition": {"filename": "/tmp/a"}, "offset": {"position": 42}}]})
        );
        let reset = offsets_body(&[prop("p", Literal::Number("1.5".into()))], None, false).unwrap();
        assert_eq!(
            reset,
            json!({"offsets": [{"partition": {"p": 1.5}, "offset": null}]})
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
}
