//! Serde types for Connect's JSON, tolerant of version differences: unknown fields are ignored,
//! optional ones (`trace`, `version`, `kafka_cluster_id`) may be missing, and the plugin config
//! order field is accepted as `order` (<= 4.1) or `order_in_group` (>= 4.2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::vocab::{ConnectorState, ConnectorType};

/// `GET /`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ServerInfo {
    pub version: String,
    pub commit: Option<String>,
    pub kafka_cluster_id: Option<String>,
}

impl ServerInfo {
    /// The Apache Kafka version the worker runs, as (major, minor); `None` if unparsable.
    pub fn kafka_version(&self) -> Option<(u32, u32)> {
        parse_version(&self.version)
    }

    /// True when the worker is at least `major.minor`, or when its version is unknown
    /// (then the request is tried and the worker's own answer decides).
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        match self.kafka_version() {
            Some(v) => v >= (major, minor),
            None => true,
        }
    }
}

/// Parses `4.1.0`, `3.9.0-SNAPSHOT`, and Confluent's `7.6.0-ccs` / `7.6.0-ce` (CP 6.x/7.x/8.x
/// ship AK 2.(x+6)... see below), returning the Apache Kafka (major, minor).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().split(['.', '-']);
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.parse().ok()?;
    let confluent = v.contains("-ccs") || v.contains("-ce");
    if confluent {
        // Confluent Platform numbering: CP 6.0/6.1/6.2 = AK 2.6/2.7/2.8, CP 7.x = AK 3.x,
        // CP 8.x = AK 4.x.
        return match major {
            6 => Some((2, minor + 6)),
            7 => Some((3, minor)),
            8 => Some((4, minor)),
            _ => None,
        };
    }
    Some((major, minor))
}

/// `GET /health` (3.9+)
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct WorkerStatus {
    pub status: String,
    pub message: Option<String>,
}

/// `ConnectorInfo`: `GET /connectors/{c}`, answers of create and config updates.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct ConnectorInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    #[serde(default)]
    pub tasks: Vec<TaskId>,
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::vocab::deserialize_type"
    )]
    pub kind: Option<ConnectorType>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct TaskId {
    pub connector: String,
    pub task: u32,
}

/// `ConnectorStateInfo`: `GET /connectors/{c}/status`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct ConnectorStatus {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub connector: State,
    #[serde(default)]
    pub tasks: Vec<TaskState>,
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::vocab::deserialize_type"
    )]
    pub kind: Option<ConnectorType>,
}

impl ConnectorStatus {
    /// `RUNNING (1/1 tasks RUNNING)`, `WARNING (0/2 tasks RUNNING)`, or the bare state.
    pub fn summary(&self) -> String {
        let state = &self.connector.state;
        let total = self.tasks.len();
        let running = self
            .tasks
            .iter()
            .filter(|t| t.state == ConnectorState::Running)
            .count();
        if *state == ConnectorState::Running && total > 0 {
            if running == 0 {
                format!("WARNING (0/{total} tasks RUNNING)")
            } else {
                format!("RUNNING ({running}/{total} tasks RUNNING)")
            }
        } else {
            state.to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct State {
    pub state: ConnectorState,
    pub worker_id: Option<String>,
    pub trace: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct TaskState {
    pub id: u32,
    pub state: ConnectorState,
    pub worker_id: Option<String>,
    pub trace: Option<String>,
    pub version: Option<String>,
}

/// One entry of `GET /connectors?expand=status&expand=info`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ExpandedConnector {
    pub status: Option<ConnectorStatus>,
    pub info: Option<ConnectorInfo>,
}

/// `TaskInfo`: `GET /connectors/{c}/tasks`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct TaskInfo {
    pub id: TaskId,
    pub config: BTreeMap<String, String>,
}

/// `GET /connectors/{c}/topics` answers `{name: {"topics": [...]}}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ActiveTopics {
    pub topics: Vec<String>,
}

/// `ConnectorOffsets` (3.5+); partitions and offsets are connector-defined JSON.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ConnectorOffsets {
    pub offsets: Vec<ConnectorOffset>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ConnectorOffset {
    pub partition: Value,
    pub offset: Value,
}

/// `{"message": ...}` answers (offset changes).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct MessageBody {
    pub message: String,
}

/// `PluginInfo`: `GET /connector-plugins`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct PluginInfo {
    #[serde(rename = "class", default)]
    pub class: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub version: Option<String>,
}

impl PluginInfo {
    /// Whether `name` addresses this plugin the way Connect resolves aliases: the full class
    /// name, the simple name, or the simple name without its type suffix (`FileStreamSource`).
    pub fn matches(&self, name: &str) -> bool {
        self.class == name || self.aliases().iter().any(|a| a == name)
    }

    /// The names Connect accepts besides the full class: the simple name and, for the usual
    /// type suffix, the simple name without it (`FileStreamSinkConnector`, `FileStreamSink`).
    pub fn aliases(&self) -> Vec<String> {
        let simple = self.class.rsplit('.').next().unwrap_or(&self.class);
        let suffix = match self.kind.as_str() {
            "source" | "sink" => "Connector",
            "converter" => "Converter",
            "header_converter" => "HeaderConverter",
            "transformation" => "Transformation",
            "predicate" => "Predicate",
            _ => "",
        };
        let mut aliases = Vec::new();
        if simple != self.class {
            aliases.push(simple.to_owned());
        }
        if let Some(pruned) = simple.strip_suffix(suffix)
            && !suffix.is_empty()
            && !pruned.is_empty()
        {
            aliases.push(pruned.to_owned());
        }
        aliases
    }
}

/// `ConfigKeyInfo`: one config definition of a plugin.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct ConfigKeyInfo {
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default_value: Option<String>,
    #[serde(default)]
    pub importance: Option<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    /// `order` up to 4.1, `order_in_group` from 4.2 on.
    #[serde(default, alias = "order_in_group")]
    pub order: Option<i64>,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `ConfigInfos`: the answer of `PUT /connector-plugins/{p}/config/validate`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ConfigInfos {
    pub name: String,
    pub error_count: u32,
    pub configs: Vec<ConfigInfo>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ConfigInfo {
    pub definition: Option<ConfigKeyInfo>,
    pub value: Option<ConfigValueInfo>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ConfigValueInfo {
    pub name: String,
    pub value: Option<String>,
    pub errors: Vec<String>,
}

/// `LoggerLevel`: `GET /admin/loggers`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct LoggerLevel {
    pub level: Option<String>,
    pub last_modified: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_including_confluent_numbering() {
        assert_eq!(parse_version("4.1.0"), Some((4, 1)));
        assert_eq!(parse_version("3.9.0-SNAPSHOT"), Some((3, 9)));
        assert_eq!(parse_version("7.6.0-ccs"), Some((3, 6)));
        assert_eq!(parse_version("8.0.1-ce"), Some((4, 0)));
        assert_eq!(parse_version("nonsense"), None);
        let info = ServerInfo {
            version: "3.7.1".into(),
            ..Default::default()
        };
        assert!(info.at_least(3, 5));
        assert!(!info.at_least(3, 8));
    }

    #[test]
    fn status_summary_follows_ksqldb() {
        let mut s: ConnectorStatus = serde_json::from_str(
            r#"{"name":"a","connector":{"state":"RUNNING","worker_id":"w"},
                "tasks":[{"id":0,"state":"RUNNING","worker_id":"w"},{"id":1,"state":"FAILED","trace":"x"}],
                "type":"source","future_field":1}"#,
        )
        .unwrap();
        assert_eq!(s.summary(), "RUNNING (1/2 tasks RUNNING)");
        s.tasks[0].state = "PAUSED".into();
        assert_eq!(s.summary(), "WARNING (0/2 tasks RUNNING)");
        s.connector.state = "PAUSED".into();
        assert_eq!(s.summary(), "PAUSED");
        assert_eq!(s.connector.state, ConnectorState::Paused);
        let odd: TaskState = serde_json::from_str(r#"{"id":0,"state":"NEW_STATE"}"#).unwrap();
        assert_eq!(odd.state.as_str(), "NEW_STATE");
        assert_eq!(
            serde_json::to_string(&ConnectorState::Failed).unwrap(),
            r#""FAILED""#
        );
    }

    #[test]
    fn config_key_accepts_both_order_names() {
        let old: ConfigKeyInfo =
            serde_json::from_str(r#"{"name":"topic","type":"STRING","order":3}"#).unwrap();
        let new: ConfigKeyInfo =
            serde_json::from_str(r#"{"name":"topic","type":"STRING","order_in_group":3}"#).unwrap();
        assert_eq!(old.order, Some(3));
        assert_eq!(new.order, Some(3));
    }

    #[test]
    fn plugin_aliases_match_like_connect() {
        let p = PluginInfo {
            class: "org.apache.kafka.connect.file.FileStreamSourceConnector".into(),
            kind: "source".into(),
            version: None,
        };
        assert!(p.matches("FileStreamSource"));
        assert!(p.matches("FileStreamSourceConnector"));
        assert!(p.matches("org.apache.kafka.connect.file.FileStreamSourceConnector"));
        assert!(!p.matches("FileStreamSink"));
    }
}
