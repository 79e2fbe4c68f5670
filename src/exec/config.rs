//! Statements that write or check connector configs: CREATE [OR REPLACE], VALIDATE,
//! ALTER ... SET/UNSET, SHOW CREATE CONNECTOR. Also the one place a value carrying the mask
//! `[hidden]` is resolved: back to the live value it masks, or the statement is refused before
//! anything is written — the mask is never sent.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Session;
use super::build;
use super::http::{Method, Request, connector_path, plugin_path};
use super::s;
use crate::connect::ApiError;
use crate::connect::model::{ConfigInfos, ConnectorInfo};
use crate::error::Error;
use crate::lang::ast::{
    ConnectorType, CreateConnector, InitialState, Literal, Name, Property, Span, Statement,
};
use crate::output::{Block, Output};
use crate::secrets::{self, Masker, Unmask};

/// Connect's answer to a config write that failed validation (it then lists the errors as text).
fn is_invalid_config(e: &ApiError) -> bool {
    matches!(e, ApiError::Status { status: 400, message }
        if message.starts_with("Connector configuration is invalid"))
}

impl Session {
    /// `CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name WITH (...)
    /// [INITIALLY state] [WITH OFFSETS (...)]`. INITIALLY and WITH OFFSETS shape only a
    /// connector this statement creates: OR REPLACE of an existing one replaces its config and
    /// leaves its state as it is (Connect's `PUT .../config` has no `initial_state`).
    pub(super) fn create(&self, stmt: &Statement) -> Result<Output, Error> {
        let Statement::CreateConnector(CreateConnector {
            or_replace,
            if_not_exists,
            kind,
            name,
            properties,
            initially,
            offsets,
        }) = stmt
        else {
            unreachable!("create() is only called for CREATE CONNECTOR")
        };
        if *or_replace && *if_not_exists {
            return Err(Error::statement(
                "CREATE OR REPLACE cannot be combined with IF NOT EXISTS",
            ));
        }
        let name = self.name(name)?;
        connector_path(&name, "")?;
        let mut config = build::connector_config(Some(&name), properties, self.opts.ksql_compat)?;
        let class = build::connector_class(&config, "CREATE CONNECTOR")?;
        if name.contains(['%', '\\']) && self.server_info()?.at_least(4, 0) {
            // Connect would create it (the name travels in the body) but never address it again.
            return Err(Error::statement(format!(
                "connector name \"{name}\" contains '%' or '\\', which Kafka Connect 4.x cannot \
                 address in a URL (its web server rejects them); choose another name"
            )));
        }
        if *or_replace && !offsets.is_empty() {
            return Err(Error::statement(
                "WITH OFFSETS sets the offsets of a new connector; CREATE OR REPLACE may update \
                 an existing one instead",
            ));
        }
        if initially.is_some() || !offsets.is_empty() {
            // Connect before 3.7 refuses the unknown `initial_state` field (500 "Unrecognized
            // field"): said here, before anything is sent.
            self.require(3, 7, "CREATE ... INITIALLY / WITH OFFSETS")?;
        }
        let masked = carries_mask(&config);
        let live = if *if_not_exists || masked || (*or_replace && initially.is_some()) {
            self.live_connector(&name)?
        } else {
            None
        };
        if let (Some(_), false) = (&live, or_replace) {
            let text = if initially.is_some() || !offsets.is_empty() {
                format!(
                    "Connector {name} already exists: its config, state and offsets are left as \
                     they are"
                )
            } else {
                format!("Connector {name} already exists")
            };
            return if *if_not_exists {
                Ok(Output::warning(text))
            } else {
                Err(Error::statement(text))
            };
        }
        if masked {
            self.unmask(&mut config, live.as_ref().map(|l| &l.config))?;
        }
        if let Some(kind) = kind {
            self.check_kind(&class, *kind)?;
        }
        self.check_valid(&class, &config, true)?;

        let config_body = build::config_json(&config);
        // OR REPLACE of a connector that exists, or without INITIALLY: PUT .../config.
        if *or_replace && (live.is_some() || initially.is_none()) {
            let resp =
                self.send(&Request::put(connector_path(&name, "/config")?).body(config_body))?;
            let verb = if resp.status == 201 {
                "Created"
            } else {
                "Updated"
            };
            let mut text = format!("{verb} connector {name}");
            if let Some(state) = initially {
                text.push_str(&format!(
                    " (INITIALLY {state} applies to a new connector only: its state is left as \
                     it was)"
                ));
            }
            Ok(Output::message(text))
        } else {
            let mut body = json!({"name": name, "config": config_body});
            // With offsets to set, it starts STOPPED (Connect changes only a stopped
            // connector's offsets) and reaches its state afterwards.
            let start = if offsets.is_empty() {
                *initially
            } else {
                Some(InitialState::Stopped)
            };
            if let Some(state) = start {
                body["initial_state"] = json!(state.keyword());
            }
            match self.send(&Request::post("/connectors", body)) {
                Ok(_) if !offsets.is_empty() => Ok(Output::message(self.start_from_offsets(
                    &name,
                    offsets,
                    initially.unwrap_or(InitialState::Running),
                )?)),
                Ok(_) => Ok(Output::message(match initially {
                    Some(state) => format!("Created connector {name} ({state})"),
                    None => format!("Created connector {name}"),
                })),
                // Created by someone else between our check and our POST.
                Err(ApiError::Status {
                    status: 409,
                    message,
                }) if *if_not_exists && message.contains("already exists") => {
                    Ok(Output::warning(format!("Connector {name} already exists")))
                }
                Err(e) => Err(e.into()),
            }
        }
    }

    /// `VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH (...)`: a table of the properties with
    /// errors; any error fails the statement (exit 1 in scripts) after showing the table.
    pub(super) fn validate(
        &self,
        kind: Option<ConnectorType>,
        name: Option<&Name>,
        properties: &[Property],
    ) -> Result<Output, Error> {
        let name = name.map(|n| self.name(n)).transpose()?;
        let config = build::connector_config(name.as_deref(), properties, self.opts.ksql_compat)?;
        let class = build::connector_class(&config, "VALIDATE CONNECTOR")?;
        if let Some(kind) = kind {
            self.check_kind(&class, kind)?;
        }
        let infos = self.validate_config(&class, &config)?;
        let errors = config_errors(&infos, name.is_some(), &config);
        if errors.is_empty() {
            return Ok(Output::message(format!(
                "Connector configuration is valid ({class})"
            )));
        }
        let masker = self.masker_for(Some(&class));
        // A value equal to a secret sent in the same config shows as the mask too.
        let sent_secrets = if masker.show {
            Vec::new()
        } else {
            masker.secret_values(config.iter().map(|(k, v)| (k, v)))
        };
        let given: BTreeMap<&str, &str> = config
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let rows = errors
            .iter()
            .map(|(key, err)| {
                let value = given
                    .get(key.as_str())
                    .map(|v| s(secrets::scrub(&masker.show(key, v), &sent_secrets).into_owned()))
                    .unwrap_or(Value::Null);
                vec![s(key.clone()), value, s(err.clone())]
            })
            .collect();
        let output = Output::new("validation").with(Block::Table {
            name: "errors".into(),
            title: None,
            columns: crate::output::Column::list(&[
                ("Property", "property"),
                ("Value", "value"),
                ("Error", "error"),
            ]),
            rows,
        });
        Err(Error::failed(
            format!(
                "Connector configuration is invalid: {} error(s)",
                errors.len()
            ),
            output,
        ))
    }

    /// `ALTER CONNECTOR name SET (k = v, ...)`: PATCH on 3.8+, else read, merge, PUT.
    pub(super) fn alter_set(&self, name: &Name, properties: &[Property]) -> Result<Output, Error> {
        let name = self.name(name)?;
        connector_path(&name, "")?;
        let mut set = build::properties_text(properties, self.opts.ksql_compat)?;
        if set.iter().any(|(k, v)| k == "name" && *v != name) {
            return Err(Error::statement(
                "ALTER CONNECTOR cannot change the connector's name",
            ));
        }
        set.retain(|(k, _)| k != "name");
        if carries_mask(&set) {
            // `[hidden]` (from SHOW CREATE output) means "keep the current secret": resolved
            // from the live config, and left out of the change when that leaves it as it is.
            let live = self
                .live_config(&name)?
                .ok_or_else(|| self.not_found(&name))?;
            let masked: Vec<String> = set
                .iter()
                .filter(|(_, v)| secrets::carries_mask(v))
                .map(|(k, _)| k.clone())
                .collect();
            self.unmask(&mut set, Some(&live))?;
            set.retain(|(k, v)| !(masked.contains(k) && live.get(k) == Some(v)));
        }
        let changes: Vec<(String, Option<String>)> =
            set.into_iter().map(|(k, v)| (k, Some(v))).collect();
        self.alter(&name, changes)
    }

    /// `ALTER CONNECTOR name UNSET ('k', ...)`
    pub(super) fn alter_unset(&self, name: &Name, keys: &[Name]) -> Result<Output, Error> {
        let name = self.name(name)?;
        connector_path(&name, "")?;
        let mut changes = Vec::new();
        for k in keys {
            let k = self.name(k)?;
            if k == "name" || k == "connector.class" {
                return Err(Error::statement(format!(
                    "ALTER CONNECTOR cannot unset '{k}'"
                )));
            }
            changes.push((k, None));
        }
        self.alter(&name, changes)
    }

    fn alter(&self, name: &str, changes: Vec<(String, Option<String>)>) -> Result<Output, Error> {
        let path = connector_path(name, "/config")?;
        let sent = if self.server_info()?.at_least(3, 8) {
            let body: serde_json::Map<String, Value> = changes
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.clone().map(Value::String).unwrap_or(Value::Null),
                    )
                })
                .collect();
            self.send(&Request::new(Method::Patch, path).body(Value::Object(body)))
        } else {
            // Kafka Connect before 3.8 has no PATCH .../config (KIP-477): replace the whole config.
            let live = self
                .live_config(name)?
                .ok_or_else(|| self.not_found(name))?;
            let merged = merge(&live, &changes);
            self.send(&Request::put(path).body(build::config_json(&merged)))
        };
        match sent {
            Ok(_) => Ok(Output::message(format!("Updated connector {name}"))),
            Err(e) if is_invalid_config(&e) => {
                Err(self.alter_errors(name, &changes).unwrap_or(e.into()))
            }
            Err(e) => Err(self.connector_error(name, e)),
        }
    }

    /// Connect refused an ALTER's config: its text lists errors without their keys (and an
    /// UNSET of a required key reads `Invalid value null`), so validate the merged config and
    /// report one line per property, as CREATE does. `None` when that finds nothing.
    fn alter_errors(&self, name: &str, changes: &[(String, Option<String>)]) -> Option<Error> {
        let live = self.live_config(name).ok()??;
        let merged = merge(&live, changes);
        let class = live.get("connector.class").cloned().unwrap_or_default();
        self.check_valid(&class, &merged, true).err()
    }

    /// `SHOW CREATE CONNECTOR name`: a `CREATE OR REPLACE` statement that recreates it.
    pub(super) fn show_create(&self, name: &Name) -> Result<Output, Error> {
        let name = self.name(name)?;
        let info: ConnectorInfo = self
            .send_json(&Request::get(connector_path(&name, "")?))
            .map_err(|e| self.connector_error(&name, e))?;
        let class = info.config.get("connector.class").cloned();
        let masker = self.masker_for(class.as_deref());
        let stmt = create_statement(&name, &info, &masker, self.opts.ksql_compat);
        Ok(Output::new("connector_definition").with(Block::Text {
            name: "statement".into(),
            text: format!("{stmt:#};"),
        }))
    }

    // ---- helpers ----

    /// Resolves every value carrying the mask `[hidden]` (whole, or inside a URL) back to the
    /// live value it stands for (`crate::secrets::unmask`, the one rule); any it cannot resolve
    /// refuses the statement, naming the keys, before anything is written.
    fn unmask(
        &self,
        config: &mut [(String, String)],
        live: Option<&BTreeMap<String, String>>,
    ) -> Result<(), Error> {
        let refused = unmask_with(config, live);
        if refused.is_empty() {
            Ok(())
        } else {
            Err(Error::statement(crate::secrets::unresolved_mask_message(
                &refused,
            )))
        }
    }

    /// `GET /connectors/{c}`, `None` when it does not exist.
    fn live_connector(&self, name: &str) -> Result<Option<ConnectorInfo>, Error> {
        match self.send_json::<ConnectorInfo>(&Request::get(connector_path(name, "")?)) {
            Ok(info) => Ok(Some(info)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// `GET /connectors/{c}/config`, `None` when it does not exist.
    pub(super) fn live_config(
        &self,
        name: &str,
    ) -> Result<Option<BTreeMap<String, String>>, Error> {
        match self.send_json(&Request::get(connector_path(name, "/config")?)) {
            Ok(config) => Ok(Some(config)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(self.connector_error(name, e)),
        }
    }

    /// The SOURCE/SINK keyword must match the plugin's type.
    fn check_kind(&self, class: &str, kind: ConnectorType) -> Result<(), Error> {
        let plugin = self
            .find_plugin(class)?
            .ok_or_else(|| self.unknown_class(class))?;
        let want = kind.label();
        if plugin.kind != want {
            return Err(Error::statement(format!(
                "'{class}' is a {} connector, not a {want} connector",
                plugin.kind,
            ))
            .with_hint(format!(
                "write {} CONNECTOR, or leave out SOURCE/SINK and kcsh takes the type from the class",
                plugin.kind.to_uppercase()
            )));
        }
        Ok(())
    }

    fn validate_config(
        &self,
        class: &str,
        config: &[(String, String)],
    ) -> Result<ConfigInfos, Error> {
        let req =
            Request::put(plugin_path(class, "/config/validate")?).body(build::config_json(config));
        match self.send_json::<ConfigInfos>(&req) {
            Ok(infos) => Ok(infos),
            Err(ApiError::Status { status, message })
                if status == 404 || message.contains("Failed to find any class") =>
            {
                Err(self.unknown_class(class))
            }
            // Connect 4.1+ answers a pinned version it does not have with a 500 (a
            // NullPointerException about `VersionedPluginLoadingException`, seen on 4.3.0).
            Err(e @ ApiError::Status { status: 500, .. })
                if e.to_string().contains("VersionedPluginLoadingException") =>
            {
                Err(self.unknown_version(class, config, e))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The error for a config pinning a plugin version (`*.plugin.version`, KIP-891) that the
    /// worker failed to load: which keys pin what, Connect's own words, the installed versions.
    fn unknown_version(&self, class: &str, config: &[(String, String)], e: ApiError) -> Error {
        let pins: Vec<String> = config
            .iter()
            .filter(|(k, _)| k.ends_with(".plugin.version"))
            .map(|(k, v)| format!("'{k}' = '{v}'"))
            .collect();
        let installed: Vec<String> = self
            .plugins()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.matches(class))
            .filter_map(|p| p.version)
            .collect();
        let error = Error::statement(format!(
            "Kafka Connect could not load the plugin version this config pins ({}); it answered: {e}",
            pins.join(", ")
        ));
        if installed.is_empty() {
            error.with_hint("SHOW PLUGINS lists the installed plugins and their versions")
        } else {
            error.with_hint(format!(
                "installed versions of {class}: {}; DESCRIBE PLUGIN '{class}' VERSION 'v' checks one",
                installed.join(", ")
            ))
        }
    }

    /// Validates and fails with one line per property error.
    pub(super) fn check_valid(
        &self,
        class: &str,
        config: &[(String, String)],
        named: bool,
    ) -> Result<(), Error> {
        let infos = self.validate_config(class, config)?;
        let errors = config_errors(&infos, named, config);
        if errors.is_empty() {
            return Ok(());
        }
        let mut text = format!(
            "Connector configuration is invalid: {} error(s)",
            errors.len()
        );
        for (key, err) in errors {
            text.push_str(&format!("\n  {key}: {err}"));
        }
        Err(Error::statement(text))
    }
}

/// Puts back the live value of each value carrying the mask; returns the keys it could not
/// resolve.
fn unmask_with(
    config: &mut [(String, String)],
    live: Option<&BTreeMap<String, String>>,
) -> Vec<String> {
    let mut refused = Vec::new();
    for (k, v) in config.iter_mut() {
        match crate::secrets::unmask(v, live.and_then(|l| l.get(k.as_str())).map(String::as_str)) {
            Unmask::Plain => {}
            Unmask::Live(value) => *v = value,
            Unmask::Unresolved => refused.push(k.clone()),
        }
    }
    refused
}

/// Whether any value carries the mask (`crate::secrets::carries_mask`).
fn carries_mask(config: &[(String, String)]) -> bool {
    config.iter().any(|(_, v)| secrets::carries_mask(v))
}

/// The live config with `changes` applied (`None` removes the key).
fn merge(
    live: &BTreeMap<String, String>,
    changes: &[(String, Option<String>)],
) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> =
        live.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in changes {
        merged.retain(|(mk, _)| mk != k);
        if let Some(v) = v {
            merged.push((k.clone(), v.clone()));
        }
    }
    merged
}

/// (key, message) for each validation error; without a connector name, errors about `name`
/// are noise and dropped. Connect echoes values in its messages ("Invalid value x for ..."):
/// the secret values of the `sent` config are scrubbed from them, by the rule the validation
/// answer's own PASSWORD definitions (plugin, framework, transforms) extend.
fn config_errors(
    infos: &ConfigInfos,
    named: bool,
    sent: &[(String, String)],
) -> Vec<(String, String)> {
    let rule = crate::secrets::SecretRule::from_definitions(
        infos
            .configs
            .iter()
            .filter_map(|c| c.definition.as_ref())
            .map(|d| (&d.name, &d.kind)),
    );
    let secrets = Masker::with_rule(rule, false).secret_values(sent.iter().map(|(k, v)| (k, v)));
    let mut out = Vec::new();
    for c in &infos.configs {
        let Some(value) = &c.value else { continue };
        if !named && value.name == "name" {
            continue;
        }
        // A value that does not parse is reported twice: as itself, then as `null` to the
        // key's validator ("Invalid value null ... must be non-null"). Keep the first.
        let echo = |e: &String| {
            value.errors.len() > 1 && e.starts_with("Invalid value null for configuration")
        };
        for e in value.errors.iter().filter(|e| !echo(e)) {
            let e = crate::secrets::scrub(e, &secrets).into_owned();
            out.push((value.name.clone(), e));
        }
    }
    out
}

/// The `CREATE OR REPLACE` statement that recreates a live connector: `connector.class`
/// first, then the other keys sorted; `name` is implied by the statement.
pub(super) fn create_statement(
    name: &str,
    info: &ConnectorInfo,
    masker: &Masker,
    ksql_compat: bool,
) -> Statement {
    let ident = |text: &str| crate::lang::ident::exact_name(text, ksql_compat);
    let mut keys: Vec<&String> = info.config.keys().filter(|k| *k != "name").collect();
    keys.sort_by_key(|k| (*k != "connector.class", k.to_string()));
    let properties = keys
        .into_iter()
        .map(|k| Property {
            key: Name::Quoted(k.clone()),
            // Escaped so that no variable, defined or not, changes the value when re-run.
            value: Literal::String(crate::lang::vars::escape(&masker.show(k, &info.config[k]))),
            span: Span::default(),
        })
        .collect();
    let kind = info.kind;
    Statement::CreateConnector(CreateConnector {
        or_replace: true,
        if_not_exists: false,
        kind,
        name: ident(name),
        properties,
        initially: None,
        offsets: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::HIDDEN;

    #[test]
    fn hidden_secrets_keep_live_values() {
        let live: BTreeMap<String, String> = [("db.password".to_string(), "pw".to_string())].into();
        let mut config = vec![
            ("db.password".to_string(), HIDDEN.to_string()),
            ("topic".to_string(), HIDDEN.to_string()),
        ];
        // The mask without a live value is refused (it used to be sent as is, storing the text
        // `[hidden]`).
        let refused = unmask_with(&mut config, Some(&live));
        assert_eq!(config[0].1, "pw");
        assert_eq!(refused, vec!["topic"]);
        let mut fresh = vec![("db.password".to_string(), HIDDEN.to_string())];
        assert_eq!(unmask_with(&mut fresh, None), vec!["db.password"]);
        // A key secret only by the plugin's PASSWORD type resolves too.
        let live: BTreeMap<String, String> =
            [("ssl.keystore.key".to_string(), "PEM".to_string())].into();
        let mut config = vec![("ssl.keystore.key".to_string(), HIDDEN.to_string())];
        assert!(unmask_with(&mut config, Some(&live)).is_empty());
        assert_eq!(config[0].1, "PEM");
    }

    #[test]
    fn show_create_statement_puts_class_first_and_drops_name() {
        let info = ConnectorInfo {
            name: "fs src".into(),
            config: [
                ("name", "fs src"),
                ("topic", "t"),
                ("connector.class", "FileStreamSource"),
                ("a.password", "pw"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            tasks: vec![],
            kind: Some(ConnectorType::Source),
        };
        let Statement::CreateConnector(CreateConnector {
            name,
            properties,
            kind,
            or_replace,
            ..
        }) = create_statement("fs src", &info, &Masker::new(false), false)
        else {
            panic!()
        };
        assert!(or_replace);
        assert_eq!(kind, Some(ConnectorType::Source));
        assert_eq!(name, Name::Quoted("fs src".into()));
        let keys: Vec<String> = properties.iter().map(|p| p.key.value()).collect();
        assert_eq!(keys, vec!["connector.class", "a.password", "topic"]);
        assert_eq!(properties[1].value, Literal::String(HIDDEN.into()));
    }

    #[test]
    fn show_create_text_parses_back_to_the_same_statement() {
        let info = ConnectorInfo {
            name: "fs src".into(),
            config: [
                ("name", "fs src"),
                ("topic", "it's"),
                ("connector.class", "FileStreamSource"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            tasks: vec![],
            kind: Some(ConnectorType::Source),
        };
        for compat in [false, true] {
            let stmt = create_statement("fs src", &info, &Masker::new(false), compat);
            let text = format!("{stmt:#}");
            let opts = crate::lang::ParseOptions {
                ksql_compat: compat,
                ..Default::default()
            };
            let parsed = crate::lang::parse_statement(&text, &opts).unwrap();
            assert_eq!(parsed, stmt, "{text}");
        }
        let lower = create_statement("lower", &info, &Masker::new(false), true);
        let opts = crate::lang::ParseOptions {
            ksql_compat: true,
            ..Default::default()
        };
        let text = lower.to_string();
        assert_eq!(
            crate::lang::parse_statement(&text, &opts).unwrap(),
            lower,
            "{text}"
        );
    }
}
