//! Connectors moved with their state and offsets: `SHOW CREATE CONNECTOR name WITH OFFSETS`
//! (one `CREATE ... IF NOT EXISTS ... INITIALLY state WITH OFFSETS (...)` statement that
//! recreates the connector where it was), and the steps a `CREATE ... WITH OFFSETS` takes after
//! its POST created the connector STOPPED: set the offsets (the request ALTER ... SET OFFSET
//! sends), then bring it to its state. The statement is the unit that knows whether it created
//! the connector, so an existing one is never touched: re-running the export changes nothing.
//! Offsets are data here, never secrets: an offset that would print a secret is refused.

use serde_json::Value;

use super::Session;
use super::build;
use super::config::create_statement;
use super::http::{Method, Request, connector_path};
use crate::connect::model::{ConnectorInfo, ConnectorOffsets, ConnectorStatus};
use crate::error::Error;
use crate::lang::ast::{
    CreateConnector, InitialState, Lifecycle, Literal, Name, PartitionOffset, Property, Span,
    Statement,
};
use crate::output::{Block, Output};
use crate::secrets::Masker;

impl Session {
    /// After the POST of a `CREATE ... WITH OFFSETS` created `name` STOPPED: sets its offsets and
    /// brings it to `state`. Returns the success message. A failure says that the connector was
    /// created and is STOPPED (re-running the statement would now skip it), keeping the kind of
    /// the error (a lost answer stays "may have been applied").
    pub(super) fn start_from_offsets(
        &self,
        name: &str,
        offsets: &[PartitionOffset],
        state: InitialState,
    ) -> Result<String, Error> {
        let body = build::offsets_list_body(offsets, self.opts.ksql_compat)?;
        let req = Request::new(Method::Patch, connector_path(name, "/offsets")?).body(body);
        let created = |mut e: Error, step: &str| {
            e.message = format!(
                "Created connector {name} STOPPED, but {step} failed: {}",
                e.message
            );
            e.or_hint(format!(
                "it stays as it is; finish with ALTER CONNECTOR {q} SET OFFSET ... and \
                 RESUME CONNECTOR {q}, or DROP CONNECTOR {q} and run the statement again",
                q = crate::lang::ident::quote_name(name)
            ))
        };
        self.change_offsets(name, req, "CREATE ... WITH OFFSETS")
            .map_err(|e| created(e, "setting its offsets"))?;
        let action = match state {
            InitialState::Running => Some(Lifecycle::Resume),
            InitialState::Paused => Some(Lifecycle::Pause),
            InitialState::Stopped => None,
        };
        if let Some(action) = action {
            self.send(&build::lifecycle_request(name, action)?)
                .map_err(|e| created(self.connector_error(name, e), "starting it"))?;
        }
        let n = offsets.len();
        let partitions = if n == 1 { "partition" } else { "partitions" };
        Ok(format!(
            "Created connector {name} with the offsets of {n} {partitions} ({state})"
        ))
    }

    /// `SHOW CREATE CONNECTOR name WITH OFFSETS`: config, state and offsets read, one statement
    /// printed. Secrets are masked as SHOW CREATE masks them.
    pub(super) fn show_create_with_offsets(&self, name: &Name) -> Result<Output, Error> {
        let name = self.name(name)?;
        self.require(3, 7, "SHOW CREATE CONNECTOR ... WITH OFFSETS")?;
        let info: ConnectorInfo = self
            .send_json(&Request::get(connector_path(&name, "")?))
            .map_err(|e| self.connector_error(&name, e))?;
        let status: ConnectorStatus = self
            .send_json(&Request::get(connector_path(&name, "/status")?))
            .map_err(|e| self.connector_error(&name, e))?;
        let offsets: ConnectorOffsets = self
            .send_json(&Request::get(connector_path(&name, "/offsets")?))
            .map_err(|e| self.connector_error(&name, e))?;
        let class = info.config.get("connector.class").cloned();
        let masker = self.masker_for(class.as_deref());
        let stmt = export_statement(&name, &info, &status, &offsets, &masker, self.opts)?;
        Ok(Output::new("connector_definition").with(Block::Text {
            name: "statement".into(),
            text: format!("{stmt:#};"),
        }))
    }
}

/// The statement that recreates a connector where it was: `CREATE [SOURCE|SINK] CONNECTOR
/// IF NOT EXISTS name WITH (...) INITIALLY state [WITH OFFSETS (...)]`.
fn export_statement(
    name: &str,
    info: &ConnectorInfo,
    status: &ConnectorStatus,
    offsets: &ConnectorOffsets,
    masker: &Masker,
    opts: super::Options,
) -> Result<Statement, Error> {
    let Statement::CreateConnector(create) = create_statement(name, info, masker, opts.ksql_compat)
    else {
        unreachable!("create_statement builds a CREATE")
    };
    let secrets = masker.secret_values(info.config.iter());
    let offsets = offsets
        .offsets
        .iter()
        .map(|o| partition_offset(&o.partition, &o.offset, masker, &secrets))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|why| {
            Error::statement(format!(
                "SHOW CREATE CONNECTOR {name} WITH OFFSETS cannot write the offsets: {why}"
            ))
        })?;
    Ok(Statement::CreateConnector(CreateConnector {
        or_replace: false,
        if_not_exists: true,
        initially: Some(InitialState::of(&status.connector.state)),
        offsets,
        ..create
    }))
}

/// One offset entry as `PARTITION (...) TO (...)`; `Err` says why it cannot be written.
fn partition_offset(
    partition: &Value,
    offset: &Value,
    masker: &Masker,
    secrets: &[String],
) -> Result<PartitionOffset, String> {
    Ok(PartitionOffset {
        partition: properties(partition, "a partition", masker, secrets)?,
        offset: match offset {
            Value::Null => None,
            other => Some(properties(other, "an offset", masker, secrets)?),
        },
    })
}

/// A flat JSON object as a property list whose literals keep the JSON types (numbers stay
/// numbers, as `build::literal_json` reads them back). Nested values cannot be written; a
/// value that is, holds or names a secret is refused rather than printed or masked (a mask
/// here would be sent as the offset).
fn properties(
    value: &Value,
    what: &str,
    masker: &Masker,
    secrets: &[String],
) -> Result<Vec<Property>, String> {
    let Value::Object(map) = value else {
        return Err(format!("{what} is not a JSON object"));
    };
    let mut out = Vec::with_capacity(map.len());
    for (key, v) in map {
        let literal = match v {
            Value::String(text) => {
                let masked = masker.show(key, text);
                let scrubbed = crate::secrets::scrub(text, secrets);
                if !masker.show && (masked != *text || scrubbed != *text) {
                    return Err(format!(
                        "the value of '{key}' in {what} is secret; kcsh does not print it \
                         (SET 'show.secrets' = 'true' prints it)"
                    ));
                }
                // Escaped so that no variable changes the value when the statement is run.
                Literal::String(crate::lang::vars::escape(text))
            }
            Value::Number(n) => Literal::Number(n.to_string()),
            Value::Bool(b) => Literal::Boolean(*b),
            Value::Null => Literal::Null,
            Value::Array(_) | Value::Object(_) => {
                return Err(format!(
                    "'{key}' in {what} holds a nested JSON value, which a property list cannot \
                     write"
                ));
            }
        };
        out.push(Property {
            key: Name::Quoted(key.clone()),
            value: literal,
            span: Span::default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ast::ConnectorType;
    use serde_json::json;

    fn info() -> ConnectorInfo {
        ConnectorInfo {
            name: "fs a".into(),
            config: [
                ("name", "fs a"),
                ("connector.class", "FileStreamSource"),
                ("file", "/tmp/${x}.txt"),
                ("db.password", "s3cret"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            tasks: vec![],
            kind: Some(ConnectorType::Source),
        }
    }

    fn status(state: &str) -> ConnectorStatus {
        serde_json::from_value(json!({"name": "fs a", "connector": {"state": state}})).unwrap()
    }

    fn offsets(list: Value) -> ConnectorOffsets {
        serde_json::from_value(json!({ "offsets": list })).unwrap()
    }

    fn export(state: &str, list: Value, show: bool) -> Result<String, Error> {
        let stmt = export_statement(
            "fs a",
            &info(),
            &status(state),
            &offsets(list),
            &Masker::new(show),
            Default::default(),
        )?;
        Ok(format!("{stmt:#}"))
    }

    #[test]
    fn the_export_is_one_create_if_not_exists_that_parses_back() {
        let text = export(
            "FAILED",
            json!([
                {"partition": {"filename": "/tmp/${x}.txt"}, "offset": {"position": 42}},
                {"partition": {"kafka_topic": "t", "kafka_partition": 0},
                 "offset": {"kafka_offset": 18446744073709551615u64, "f": 1.5, "b": true}}
            ]),
            false,
        )
        .unwrap();
        insta::assert_snapshot!(text, @r#"
        CREATE SOURCE CONNECTOR IF NOT EXISTS "fs a" WITH (
          'connector.class' = 'FileStreamSource',
          'db.password' = '[hidden]',
          'file' = '/tmp/$${x}.txt'
        ) INITIALLY RUNNING WITH OFFSETS (
          PARTITION ('filename' = '/tmp/$${x}.txt') TO ('position' = 42),
          PARTITION ('kafka_topic' = 't', 'kafka_partition' = 0) TO ('kafka_offset' = 18446744073709551615, 'f' = 1.5, 'b' = TRUE)
        )
        "#);
        let parsed = crate::lang::parse_statement(&text, &Default::default()).unwrap();
        assert_eq!(format!("{parsed:#}"), text);
        // The offsets body it sends is the JSON it was read from (variables escaped).
        let resolved =
            crate::lang::vars::resolve(&parsed, &crate::lang::vars::Variables::new()).unwrap();
        let Statement::CreateConnector(c) = resolved else {
            panic!()
        };
        assert_eq!(
            build::offsets_list_body(&c.offsets, false).unwrap(),
            json!({"offsets": [
                {"partition": {"filename": "/tmp/${x}.txt"}, "offset": {"position": 42}},
                {"partition": {"kafka_topic": "t", "kafka_partition": 0},
                 "offset": {"kafka_offset": 18446744073709551615u64, "f": 1.5, "b": true}}
            ]})
        );
    }

    #[test]
    fn state_follows_the_live_connector_and_no_offsets_means_no_clause() {
        let text = export("STOPPED", json!([]), false).unwrap();
        assert!(text.ends_with(") INITIALLY STOPPED"), "{text}");
        let text = export("PAUSED", json!([]), false).unwrap();
        assert!(text.ends_with(") INITIALLY PAUSED"), "{text}");
    }

    #[test]
    fn secret_or_nested_offsets_are_refused_not_printed() {
        let e = export(
            "RUNNING",
            json!([{"partition": {"url": "s3cret-db"}, "offset": {"p": 1}}]),
            false,
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("'url' in a partition is secret"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        let e = export(
            "RUNNING",
            json!([{"partition": {"f": "x"}, "offset": {"password": "pw"}}]),
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'password' in an offset"), "{e}");
        let e = export(
            "RUNNING",
            json!([{"partition": {"f": "x"}, "offset": {"lsn": [1, 2]}}]),
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("nested JSON value"), "{e}");
        // Shown on request.
        let text = export(
            "RUNNING",
            json!([{"partition": {"url": "s3cret-db"}, "offset": {"p": 1}}]),
            true,
        )
        .unwrap();
        assert!(text.contains("'url' = 's3cret-db'"), "{text}");
    }
}
