//! Statements that write or check connector configs: CREATE [OR REPLACE], VALIDATE,
//! ALTER ... SET/UNSET, SHOW CREATE CONNECTOR, and their `--dry-run` previews (per-key diffs).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Session;
use crate::connect::ApiError;
use crate::connect::model::{ConfigInfos, ConnectorInfo};
use crate::error::Error;
use crate::lang::ast::{ConnectorType, CreateConnector, Literal, Name, Property, Span, Statement};
use crate::output::{Block, Output};
use crate::plan::{self, Method, Request};
use crate::secrets::{self, Masker};

fn s(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

fn kind_name(kind: ConnectorType) -> &'static str {
    match kind {
        ConnectorType::Source => "source",
        ConnectorType::Sink => "sink",
    }
}

impl Session {
    /// `CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name WITH (...)`
    pub(super) fn create(&self, stmt: &Statement) -> Result<Output, Error> {
        let Statement::CreateConnector(CreateConnector {
            or_replace,
            if_not_exists,
            kind,
            name,
            properties,
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
        plan::connector_path(&name, "")?;
        let mut config = plan::connector_config(Some(&name), properties, &self.plan_options())?;
        let class = plan::connector_class(&config, "CREATE CONNECTOR")?;
        if name.contains(['%', '\\']) && self.server_info()?.at_least(4, 0) {
            // Connect would create it (the name travels in the body) but never address it again.
            return Err(Error::statement(format!(
                "connector name \"{name}\" contains '%' or '\\', which Kafka Connect 4.x cannot \
                 address in a URL (its web server rejects them); choose another name"
            )));
        }
        let has_hidden = config.iter().any(|(_, v)| secrets::carries_mask(v));

        let live = if *if_not_exists || self.opts.dry_run || has_hidden {
            self.live_connector(&name)?
        } else {
            None
        };
        if let (Some(_), false) = (&live, or_replace) {
            let text = format!("Connector {name} already exists");
            return if *if_not_exists {
                Ok(Output::warning(text))
            } else {
                Err(Error::statement(text))
            };
        }
        if let Some(live) = &live {
            keep_hidden_secrets(&mut config, &live.config);
        }
        refuse_masks(&config)?;
        if let Some(kind) = kind {
            self.check_kind(&class, *kind)?;
        }
        self.check_valid(&class, &config, true)?;

        if self.opts.dry_run {
            return Ok(match live {
                None => {
                    let masker = self.masker_for(Some(&class));
                    Output::new("dry_run")
                        .with(Block::Message(format!("Would create connector {name}")))
                        .with(config_table(&config, &masker))
                }
                Some(live) => self.update_preview(&name, &class, &live.config, &config),
            });
        }

        let config_body = plan::config_json(&config);
        if *or_replace {
            let resp = self
                .client
                .send(&Request::put(plan::connector_path(&name, "/config")?).body(config_body))?;
            let verb = if resp.status == 201 {
                "Created"
            } else {
                "Updated"
            };
            Ok(Output::message(format!("{verb} connector {name}")))
        } else {
            let body = json!({"name": name, "config": config_body});
            match self.client.send(&Request::post("/connectors", body)) {
                Ok(_) => Ok(Output::message(format!("Created connector {name}"))),
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
        let config = plan::connector_config(name.as_deref(), properties, &self.plan_options())?;
        let class = plan::connector_class(&config, "VALIDATE CONNECTOR")?;
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
        let mut set = plan::properties_text(properties, &self.plan_options())?;
        if set.iter().any(|(k, v)| k == "name" && *v != name) {
            return Err(Error::statement(
                "ALTER CONNECTOR cannot change the connector's name",
            ));
        }
        set.retain(|(k, _)| k != "name");
        // The mask (from SHOW CREATE output) means "keep the current secret"; a mask with no
        // live value to stand for is refused before anything is sent.
        if set.iter().any(|(_, v)| secrets::carries_mask(v)) {
            let live: BTreeMap<String, String> = self
                .client
                .send_json(&Request::get(plan::connector_path(&name, "/config")?))
                .map_err(|e| self.connector_error(&name, e))?;
            keep_hidden_secrets(&mut set, &live);
            refuse_masks(&set)?;
        }
        let changes: Vec<(String, Option<String>)> =
            set.into_iter().map(|(k, v)| (k, Some(v))).collect();
        self.alter(&name, changes)
    }

    /// `ALTER CONNECTOR name UNSET ('k', ...)`
    pub(super) fn alter_unset(&self, name: &Name, keys: &[Name]) -> Result<Output, Error> {
        let name = self.name(name)?;
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
        let path = plan::connector_path(name, "/config")?;
        let patch_supported = self.server_info()?.at_least(3, 8);
        if self.opts.dry_run || !patch_supported {
            let live: BTreeMap<String, String> = self
                .client
                .send_json(&Request::get(path.clone()))
                .map_err(|e| self.connector_error(name, e))?;
            let mut merged: Vec<(String, String)> =
                live.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in &changes {
                merged.retain(|(mk, _)| mk != k);
                if let Some(v) = v {
                    merged.push((k.clone(), v.clone()));
                }
            }
            let class = live.get("connector.class").cloned().unwrap_or_default();
            if self.opts.dry_run {
                self.check_valid(&class, &merged, true)?;
                return Ok(self.update_preview(name, &class, &live, &merged));
            }
            // Kafka Connect before 3.8 has no PATCH .../config (KIP-477): replace the whole config.
            self.client
                .send(&Request::put(path).body(plan::config_json(&merged)))
                .map_err(|e| self.connector_error(name, e))?;
        } else {
            let body: serde_json::Map<String, Value> = changes
                .into_iter()
                .map(|(k, v)| (k, v.map(Value::String).unwrap_or(Value::Null)))
                .collect();
            self.client
                .send(&Request::new(Method::Patch, path).body(Value::Object(body)))
                .map_err(|e| self.connector_error(name, e))?;
        }
        Ok(Output::message(format!("Updated connector {name}")))
    }

    /// `SHOW CREATE CONNECTOR name`: a `CREATE OR REPLACE` statement that recreates it.
    pub(super) fn show_create(&self, name: &Name) -> Result<Output, Error> {
        let name = self.name(name)?;
        let info: ConnectorInfo = self
            .client
            .send_json(&Request::get(plan::connector_path(&name, "")?))
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

    /// `GET /connectors/{c}`, `None` when it does not exist.
    fn live_connector(&self, name: &str) -> Result<Option<ConnectorInfo>, Error> {
        match self
            .client
            .send_json::<ConnectorInfo>(&Request::get(plan::connector_path(name, "")?))
        {
            Ok(info) => Ok(Some(info)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The SOURCE/SINK keyword must match the plugin's type.
    fn check_kind(&self, class: &str, kind: ConnectorType) -> Result<(), Error> {
        let plugin = self
            .find_plugin(class)?
            .ok_or_else(|| self.unknown_class(class))?;
        let want = kind_name(kind);
        if plugin.kind != want {
            return Err(Error::statement(format!(
                "'{class}' is a {} connector, not a {want} connector\nhint: write {} CONNECTOR, \
                 or leave out SOURCE/SINK and kcsh takes the type from the class",
                plugin.kind,
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
        let req = Request::put(plan::plugin_path(class, "/config/validate")?)
            .body(plan::config_json(config));
        match self.client.send_json::<ConfigInfos>(&req) {
            Ok(infos) => Ok(infos),
            Err(ApiError::Status { status, message })
                if status == 404 || message.contains("Failed to find any class") =>
            {
                Err(self.unknown_class(class))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Validates and fails with one line per property error.
    fn check_valid(
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

    /// `--dry-run` of an update: the per-key diff, or "no change".
    fn update_preview(
        &self,
        name: &str,
        class: &str,
        old: &BTreeMap<String, String>,
        new: &[(String, String)],
    ) -> Output {
        let masker = self.masker_for(Some(class));
        let rows = config_diff(old, new, &masker);
        if rows.is_empty() {
            return Output::new("dry_run")
                .with(Block::Message(format!("Connector {name} would not change")));
        }
        Output::new("dry_run")
            .with(Block::Message(format!("Would update connector {name}")))
            .with(Block::Table {
                name: "changes".into(),
                title: None,
                columns: crate::output::Column::list(&[
                    ("Change", "change"),
                    ("Key", "key"),
                    ("Old", "old"),
                    ("New", "new"),
                ]),
                rows,
            })
    }
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
        for e in &value.errors {
            let e = crate::secrets::scrub(e, &secrets).into_owned();
            out.push((value.name.clone(), e));
        }
    }
    out
}

/// Replaces values that carry the mask (`[hidden]`, or a URL whose password shows it) by the
/// live values they stand for (so re-running a masked SHOW CREATE output keeps the secrets
/// instead of storing the text `[hidden]`). Keyed on the mask, so it can never know less than
/// the masking did. What cannot be resolved stays, for [`refuse_masks`].
fn keep_hidden_secrets(config: &mut [(String, String)], live: &BTreeMap<String, String>) {
    for (k, v) in config.iter_mut() {
        if let secrets::Unmask::Live(live_value) =
            secrets::unmask(v, live.get(k).map(String::as_str))
        {
            *v = live_value;
        }
    }
}

/// The mask is never sent: a statement still carrying it fails, naming the keys.
fn refuse_masks(config: &[(String, String)]) -> Result<(), Error> {
    let keys: Vec<String> = config
        .iter()
        .filter(|(_, v)| secrets::carries_mask(v))
        .map(|(k, _)| k.clone())
        .collect();
    if keys.is_empty() {
        Ok(())
    } else {
        Err(Error::statement(secrets::unresolved_mask_message(&keys)))
    }
}

fn config_table(config: &[(String, String)], masker: &Masker) -> Block {
    Block::Table {
        name: "config".into(),
        title: None,
        columns: crate::output::Column::list(&[("Key", "key"), ("Value", "value")]),
        rows: config
            .iter()
            .map(|(k, v)| vec![s(k.clone()), s(masker.show(k, v))])
            .collect(),
    }
}

/// Rows `[change, key, old, new]`: removed, added and changed keys, sorted by key.
pub(super) fn config_diff(
    old: &BTreeMap<String, String>,
    new: &[(String, String)],
    masker: &Masker,
) -> Vec<Vec<Value>> {
    let new_map: BTreeMap<&str, &str> = new.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut keys: Vec<&str> = old.keys().map(String::as_str).collect();
    keys.extend(new_map.keys().copied());
    keys.sort();
    keys.dedup();
    let mut rows = Vec::new();
    for key in keys {
        let (change, o, n) = match (old.get(key).map(String::as_str), new_map.get(key).copied()) {
            (Some(o), Some(n)) if o == n => continue,
            (Some(o), Some(n)) => ("changed", Some(o), Some(n)),
            (Some(o), None) => ("removed", Some(o), None),
            (None, Some(n)) => ("added", None, Some(n)),
            (None, None) => continue,
        };
        let show = |v: Option<&str>| v.map(|v| s(masker.show(key, v))).unwrap_or(Value::Null);
        rows.push(vec![s(change), s(key), show(o), show(n)]);
    }
    rows
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
    let kind = match info.kind.as_deref() {
        Some("source") => Some(ConnectorType::Source),
        Some("sink") => Some(ConnectorType::Sink),
        _ => None,
    };
    Statement::CreateConnector(CreateConnector {
        or_replace: true,
        if_not_exists: false,
        kind,
        name: ident(name),
        properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::HIDDEN;

    #[test]
    fn diff_reports_added_removed_changed_and_masks() {
        let old: BTreeMap<String, String> =
            [("a", "1"), ("b", "2"), ("db.password", "x"), ("same", "s")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let new: Vec<(String, String)> =
            [("a", "9"), ("c", "3"), ("db.password", "y"), ("same", "s")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let rows = config_diff(&old, &new, &Masker::new(false));
        assert_eq!(
            rows,
            vec![
                vec![s("changed"), s("a"), s("1"), s("9")],
                vec![s("removed"), s("b"), s("2"), Value::Null],
                vec![s("added"), s("c"), Value::Null, s("3")],
                vec![s("changed"), s("db.password"), s(HIDDEN), s(HIDDEN)],
            ]
        );
    }

    #[test]
    fn hidden_secrets_keep_live_values() {
        let live: BTreeMap<String, String> = [("db.password".to_string(), "pw".to_string())].into();
        let mut config = vec![
            ("db.password".to_string(), HIDDEN.to_string()),
            ("topic".to_string(), HIDDEN.to_string()),
        ];
        keep_hidden_secrets(&mut config, &live);
        assert_eq!(config[0].1, "pw");
        assert_eq!(config[1].1, HIDDEN);
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
            kind: Some("source".into()),
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
            kind: Some("source".into()),
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
