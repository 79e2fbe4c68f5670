//! Reading connectors and plugins: SHOW CONNECTORS, DESCRIBE CONNECTOR [EXTENDED], DROP,
//! SHOW [CONNECTOR] PLUGINS, DESCRIBE PLUGIN; and the one listing of connector names that bulk
//! statements act on.

use std::collections::BTreeMap;

use serde_json::Value;

use super::build;
use super::http::{Method, Request, connector_path, plugin_path};
use super::s;
use super::{Mode, Session, not_found_text, plugin_error, type_upper};
use crate::connect::ApiError;
use crate::connect::model::{
    ActiveTopics, ConfigKeyInfo, ConnectorInfo, ConnectorStatus, ExpandedConnector, PluginInfo,
    TaskInfo,
};
use crate::error::Error;
use crate::lang::ast::{ConnectorType, Filter, Name};
use crate::output::{Block, Output};

/// The status shown for a connector that Connect has no status for yet.
const NO_STATUS: &str = "no status yet";

impl Session {
    /// Every connector: the expanded listing (status and info in one call) merged with the
    /// plain `GET /connectors`, because the expanded one leaves out a connector whose status
    /// does not exist yet (right after its CREATE); such a connector is fetched alone and has no
    /// status. One owner for "which connectors exist", for SHOW CONNECTORS and bulk statements.
    pub(super) fn all_connectors(&self) -> Result<BTreeMap<String, ExpandedConnector>, Error> {
        let expanded = build::list_request();
        let plain = Request::get("/connectors");
        let (all, names) = if self.mode == Mode::Live {
            // Concurrently: SHOW CONNECTORS costs one round trip, as with one request.
            std::thread::scope(|scope| {
                let names = scope.spawn(|| self.send_json::<Vec<String>>(&plain));
                let all = self.send_json::<BTreeMap<String, ExpandedConnector>>(&expanded);
                (all, names.join().expect("listing thread"))
            })
        } else {
            (self.send_json(&expanded), self.send_json(&plain))
        };
        let (mut all, names) = (all?, names?);
        for name in names {
            if all.contains_key(&name) {
                continue;
            }
            let info =
                match self.send_json::<ConnectorInfo>(&Request::get(connector_path(&name, "")?)) {
                    Ok(info) => Some(info),
                    // Dropped between the two listings.
                    Err(e) if e.is_not_found() => continue,
                    Err(e) => return Err(e.into()),
                };
            all.insert(name, ExpandedConnector { status: None, info });
        }
        Ok(all)
    }

    /// `SHOW [SOURCE|SINK] CONNECTORS [LIKE 'p'] [WHERE condition]`
    pub(super) fn show_connectors(
        &self,
        kind: Option<ConnectorType>,
        like: Option<&str>,
        filter: Option<&Filter>,
    ) -> Result<Output, Error> {
        let filter = filter
            .map(Filter::checked)
            .transpose()
            .map_err(Error::usage)?;
        let filter = filter.as_ref();
        let all = self.all_connectors()?;
        let mut rows = Vec::new();
        for (name, c) in &all {
            if let Some(p) = like
                && !crate::lang::like::like(p, name)
            {
                continue;
            }
            if let Some(f) = filter
                && !f.matches(&super::bulk::facts(name, c))
            {
                continue;
            }
            let ctype = c
                .info
                .as_ref()
                .and_then(|i| i.kind)
                .or_else(|| c.status.as_ref().and_then(|s| s.kind));
            if kind.is_some() && ctype != kind {
                continue;
            }
            let class = c
                .info
                .as_ref()
                .and_then(|i| i.config.get("connector.class").cloned())
                .unwrap_or_default();
            let status = c
                .status
                .as_ref()
                .map(ConnectorStatus::summary)
                .unwrap_or_else(|| NO_STATUS.into());
            rows.push(vec![
                s(name.clone()),
                s(ctype.map_or("UNKNOWN", ConnectorType::keyword)),
                s(class),
                s(status),
            ]);
        }
        Ok(Output::new("connector_list").with(Block::Table {
            name: "connectors".into(),
            title: None,
            columns: crate::output::Column::list(&[
                ("Connector Name", "connector_name"),
                ("Type", "type"),
                ("Class", "class"),
                ("Status", "status"),
            ]),
            rows,
        }))
    }

    /// `DESCRIBE CONNECTOR name [EXTENDED]`: info, status, topics (and task configs) fetched
    /// concurrently.
    pub(super) fn describe(&self, name: &Name, extended: bool) -> Result<Output, Error> {
        let name = self.name(name)?;
        let info_req = Request::get(connector_path(&name, "")?);
        let status_req = Request::get(connector_path(&name, "/status")?);
        let topics_req = Request::get(connector_path(&name, "/topics")?);
        let tasks_req = Request::get(connector_path(&name, "/tasks")?);
        let (info, status, topics, tasks) = if self.mode == Mode::Live {
            std::thread::scope(|scope| {
                let status = scope.spawn(|| self.send_json::<ConnectorStatus>(&status_req));
                let topics =
                    scope.spawn(|| self.send_json::<BTreeMap<String, ActiveTopics>>(&topics_req));
                let tasks =
                    extended.then(|| scope.spawn(|| self.send_json::<Vec<TaskInfo>>(&tasks_req)));
                let info = self.send_json::<ConnectorInfo>(&info_req);
                (
                    info,
                    status.join().expect("status thread"),
                    topics.join().expect("topics thread"),
                    tasks.map(|t| t.join().expect("tasks thread")),
                )
            })
        } else {
            // Recorded (EXPLAIN) in a stable order: the same requests, one after the other.
            (
                self.send_json::<ConnectorInfo>(&info_req),
                self.send_json::<ConnectorStatus>(&status_req),
                self.send_json::<BTreeMap<String, ActiveTopics>>(&topics_req),
                extended.then(|| self.send_json::<Vec<TaskInfo>>(&tasks_req)),
            )
        };
        let info = info.map_err(|e| self.connector_error(&name, e))?;
        // Right after creation the status may not exist yet: show the connector as UNASSIGNED.
        let status = match status {
            Ok(s) => s,
            Err(e) if e.is_not_found() => ConnectorStatus {
                name: name.clone(),
                connector: crate::connect::model::State {
                    state: crate::connect::model::ConnectorState::Unassigned,
                    ..Default::default()
                },
                ..Default::default()
            },
            Err(e) => return Err(e.into()),
        };
        let class = info
            .config
            .get("connector.class")
            .cloned()
            .unwrap_or_default();
        let kind = info
            .kind
            .or(status.kind)
            .map_or("unknown", ConnectorType::label);

        let mut fields = vec![
            (crate::output::Column::new("Name", "name"), s(name.clone())),
            (
                crate::output::Column::new("Class", "class"),
                s(class.clone()),
            ),
            (crate::output::Column::new("Type", "type"), s(kind)),
        ];
        // The plugin version the connector runs (KIP-891: in the status from Connect 4.1 on).
        if let Some(version) = status.connector.version.as_ref().filter(|v| !v.is_empty()) {
            fields.push((
                crate::output::Column::new("Version", "version"),
                s(version.clone()),
            ));
        }
        fields.extend([
            (
                crate::output::Column::new("State", "state"),
                s(status.connector.state.to_string()),
            ),
            (
                crate::output::Column::new("WorkerId", "worker_id"),
                s(status.connector.worker_id.clone().unwrap_or_default()),
            ),
        ]);
        if let Some(trace) = status.connector.trace.as_ref().filter(|t| !t.is_empty()) {
            fields.push((
                crate::output::Column::new("Trace", "trace"),
                s(trace.clone()),
            ));
        }
        let mut out = Output::new("connector_description").with(Block::Fields {
            name: "connector".into(),
            fields,
        });
        // Each task's plugin version, when the worker reports them (4.1+).
        let versions = status.tasks.iter().any(|t| t.version.is_some());
        let mut task_rows: Vec<Vec<Value>> = status
            .tasks
            .iter()
            .map(|t| {
                let mut row = vec![Value::from(t.id), s(t.state.to_string())];
                if versions {
                    row.push(s(t.version.clone().unwrap_or_default()));
                }
                row.push(s(t.trace.clone().unwrap_or_default()));
                row
            })
            .collect();
        task_rows.sort_by_key(|r| r[0].as_u64());
        let mut columns = vec![("Task ID", "task_id"), ("State", "state")];
        if versions {
            columns.push(("Version", "version"));
        }
        columns.push(("Error Trace", "error_trace"));
        out = out.with(Block::Table {
            name: "tasks".into(),
            title: None,
            columns: crate::output::Column::list(&columns),
            rows: task_rows,
        });
        let related: Vec<String> = match topics {
            Ok(map) => {
                let mut t: Vec<String> = map.into_values().flat_map(|a| a.topics).collect();
                t.sort();
                t
            }
            // 403 "Topic tracking is disabled." is not a failure of DESCRIBE.
            Err(ApiError::Status { status: 403, .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        out = out.with(Block::Table {
            name: "topics".into(),
            title: None,
            columns: crate::output::Column::list(&[("Related Topics", "related_topics")]),
            rows: related.iter().map(|t| vec![s(t.clone())]).collect(),
        });
        let data = self.describe_data(&name, info.kind.or(status.kind), &info.config, &related);
        out.blocks.extend(data);

        if extended {
            let masker = self.masker_for(Some(&class));
            let rows = info
                .config
                .iter()
                .map(|(k, v)| vec![s(k.clone()), s(masker.show(k, v))])
                .collect();
            out = out.with(Block::Table {
                name: "config".into(),
                title: Some("Config".into()),
                columns: crate::output::Column::list(&[("Key", "key"), ("Value", "value")]),
                rows,
            });
            let tasks = match tasks {
                Some(Ok(t)) => t,
                Some(Err(e)) if e.is_not_found() => Vec::new(),
                Some(Err(e)) => return Err(e.into()),
                None => Vec::new(),
            };
            let mut rows = Vec::new();
            for t in &tasks {
                for (k, v) in &t.config {
                    rows.push(vec![
                        Value::from(t.id.task),
                        s(k.clone()),
                        s(masker.show(k, v)),
                    ]);
                }
            }
            out = out.with(Block::Table {
                name: "task_configs".into(),
                title: Some("Task Configs".into()),
                columns: crate::output::Column::list(&[
                    ("Task ID", "task_id"),
                    ("Key", "key"),
                    ("Value", "value"),
                ]),
                rows,
            });
        }
        Ok(out)
    }

    /// `DROP CONNECTOR [IF EXISTS] name`
    pub(super) fn drop_connector(&self, name: &Name, if_exists: bool) -> Result<Output, Error> {
        let name = self.name(name)?;
        let path = connector_path(&name, "")?;
        match self.send(&Request::new(Method::Delete, path)) {
            Ok(_) => Ok(Output::message(format!("Dropped connector \"{name}\""))),
            Err(e) if super::is_connector_not_found(&e) && if_exists => {
                Ok(Output::warning(not_found_text(&name)))
            }
            Err(e) => Err(self.connector_error(&name, e)),
        }
    }

    /// `SHOW CONNECTOR PLUGINS` (connectors only) and `SHOW PLUGINS` (every type).
    pub(super) fn show_plugins(&self, connectors_only: bool) -> Result<Output, Error> {
        let mut list: Vec<PluginInfo> = if connectors_only {
            self.plugins()?
        } else {
            self.send_json(&Request::get("/connector-plugins").query("connectorsOnly", "false"))?
        };
        list.sort_by(|a, b| {
            (a.kind.as_str(), a.class.as_str()).cmp(&(b.kind.as_str(), b.class.as_str()))
        });
        if connectors_only {
            list.sort_by(|a, b| a.class.cmp(&b.class));
        }
        let rows = list
            .into_iter()
            .map(|p| {
                vec![
                    s(p.class),
                    s(type_upper(Some(&p.kind))),
                    s(p.version.unwrap_or_default()),
                ]
            })
            .collect();
        Ok(Output::new("plugin_list").with(Block::Table {
            name: "plugins".into(),
            title: None,
            columns: crate::output::Column::list(&[
                ("Class", "class"),
                ("Type", "type"),
                ("Version", "version"),
            ]),
            rows,
        }))
    }

    /// `DESCRIBE PLUGIN 'class-or-alias' [VERSION 'v']`: the plugin's config definitions, of
    /// one of its versions when asked (KIP-891); a version the worker lacks is Connect's error.
    pub(super) fn describe_plugin(
        &self,
        plugin: &str,
        version: Option<&str>,
    ) -> Result<Output, Error> {
        self.require(3, 2, "DESCRIBE PLUGIN")?;
        let mut req = Request::get(plugin_path(plugin, "/config")?);
        if let Some(v) = version {
            // A worker before 4.1 ignores `version` and would answer for the one it has.
            self.require(4, 1, "DESCRIBE PLUGIN ... VERSION")?;
            req = req.query("version", v);
        }
        let keys: Vec<ConfigKeyInfo> = self.send_json(&req).map_err(|e| plugin_error(plugin, e))?;
        let rows = keys
            .into_iter()
            .map(|k| {
                vec![
                    s(k.name),
                    s(k.kind),
                    k.default_value.map(Value::String).unwrap_or(Value::Null),
                    s(k.importance.unwrap_or_default()),
                    s(k.documentation.unwrap_or_default()),
                ]
            })
            .collect();
        Ok(Output::new("plugin_description").with(Block::Table {
            name: "config_definitions".into(),
            title: Some(match version {
                Some(v) => format!("{plugin} (version {v})"),
                None => plugin.to_string(),
            }),
            columns: crate::output::Column::list(&[
                ("Name", "name"),
                ("Type", "type"),
                ("Default", "default"),
                ("Importance", "importance"),
                ("Documentation", "documentation"),
            ]),
            rows,
        }))
    }
}
