//! Connect's vocabulary, typed once and shared by the language (the AST's `SOURCE` / `SINK`),
//! the REST model (what Connect answers) and the renderer (colours by state): connector types
//! and connector/task states. Code matches variants, never labels. No I/O, no statements.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A connector's type: `SOURCE` in statements, `"source"` in Connect's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectorType {
    Source,
    Sink,
}

impl ConnectorType {
    pub const ALL: [ConnectorType; 2] = [ConnectorType::Source, ConnectorType::Sink];

    /// Connect's label: `source`, `sink`.
    pub fn label(self) -> &'static str {
        match self {
            ConnectorType::Source => "source",
            ConnectorType::Sink => "sink",
        }
    }

    /// The keyword, as statements and ksqlDB's tables write it: `SOURCE`, `SINK`.
    pub fn keyword(self) -> &'static str {
        match self {
            ConnectorType::Source => "SOURCE",
            ConnectorType::Sink => "SINK",
        }
    }

    /// Connect's label (any case) as a type; `unknown` and plugin types such as `converter`
    /// are not connector types.
    pub fn from_label(label: &str) -> Option<ConnectorType> {
        if label.eq_ignore_ascii_case("source") {
            Some(ConnectorType::Source)
        } else if label.eq_ignore_ascii_case("sink") {
            Some(ConnectorType::Sink)
        } else {
            None
        }
    }
}

impl std::fmt::Display for ConnectorType {
    /// The keyword (`SOURCE`, `SINK`), as the canonical statement text writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.keyword())
    }
}

impl Serialize for ConnectorType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// Connect's `type` field: `"source"` / `"sink"` become the type; `"unknown"` (a connector
/// whose plugin is missing) or any other label decodes as `None` instead of failing the answer.
pub fn deserialize_type<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<ConnectorType>, D::Error> {
    let label: Option<String> = Option::deserialize(d)?;
    Ok(label.as_deref().and_then(ConnectorType::from_label))
}

/// A connector's or task's state as Connect reports it (`AbstractStatus.State`), typed so that
/// code matches variants, not labels; a state this version does not know is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub enum ConnectorState {
    Running,
    Paused,
    Stopped,
    Failed,
    Restarting,
    Destroyed,
    /// No status yet (a connector just created), or `UNASSIGNED`.
    #[default]
    Unassigned,
    Other(String),
}

impl ConnectorState {
    /// Every state this version knows (what `WHERE state = '...'` accepts and completes).
    pub const KNOWN: [ConnectorState; 7] = [
        ConnectorState::Running,
        ConnectorState::Paused,
        ConnectorState::Stopped,
        ConnectorState::Failed,
        ConnectorState::Restarting,
        ConnectorState::Unassigned,
        ConnectorState::Destroyed,
    ];

    /// Connect's label: `RUNNING`, `PAUSED`, ...
    pub fn as_str(&self) -> &str {
        match self {
            ConnectorState::Other(s) => s,
            known => known.as_static(),
        }
    }

    /// The label of a known state; `""` for [`ConnectorState::Other`] (see [`Self::as_str`]).
    pub fn as_static(&self) -> &'static str {
        match self {
            ConnectorState::Running => "RUNNING",
            ConnectorState::Paused => "PAUSED",
            ConnectorState::Stopped => "STOPPED",
            ConnectorState::Failed => "FAILED",
            ConnectorState::Restarting => "RESTARTING",
            ConnectorState::Destroyed => "DESTROYED",
            ConnectorState::Unassigned => "UNASSIGNED",
            ConnectorState::Other(_) => "",
        }
    }
}

impl From<String> for ConnectorState {
    fn from(label: String) -> Self {
        match label.as_str() {
            "RUNNING" => ConnectorState::Running,
            "PAUSED" => ConnectorState::Paused,
            "STOPPED" => ConnectorState::Stopped,
            "FAILED" => ConnectorState::Failed,
            "RESTARTING" => ConnectorState::Restarting,
            "DESTROYED" => ConnectorState::Destroyed,
            "UNASSIGNED" => ConnectorState::Unassigned,
            _ => ConnectorState::Other(label),
        }
    }
}

impl From<&str> for ConnectorState {
    fn from(label: &str) -> Self {
        ConnectorState::from(label.to_string())
    }
}

impl From<ConnectorState> for String {
    fn from(state: ConnectorState) -> String {
        state.as_str().to_string()
    }
}

impl std::fmt::Display for ConnectorState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state a connector is created in: `INITIALLY RUNNING|PAUSED|STOPPED` in statements, the
/// `initial_state` of `POST /connectors` (KIP-980, Connect 3.7+), spelt alike in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InitialState {
    Running,
    Paused,
    Stopped,
}

impl InitialState {
    pub const ALL: [InitialState; 3] = [
        InitialState::Running,
        InitialState::Paused,
        InitialState::Stopped,
    ];

    /// The keyword, which is also Connect's `initial_state` value: `RUNNING`, `PAUSED`, `STOPPED`.
    pub fn keyword(self) -> &'static str {
        match self {
            InitialState::Running => "RUNNING",
            InitialState::Paused => "PAUSED",
            InitialState::Stopped => "STOPPED",
        }
    }

    /// The keyword in any case.
    pub fn from_keyword(word: &str) -> Option<InitialState> {
        InitialState::ALL
            .into_iter()
            .find(|s| s.keyword().eq_ignore_ascii_case(word))
    }

    /// The state to create a connector in so that it comes back as it is now: a RUNNING, FAILED,
    /// RESTARTING or UNASSIGNED connector's target state is RUNNING; PAUSED and STOPPED are kept.
    pub fn of(state: &ConnectorState) -> InitialState {
        match state {
            ConnectorState::Paused => InitialState::Paused,
            ConnectorState::Stopped => InitialState::Stopped,
            _ => InitialState::Running,
        }
    }
}

impl std::fmt::Display for InitialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.keyword())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_states_decode_from_their_labels() {
        for state in ConnectorState::KNOWN {
            assert_eq!(ConnectorState::from(state.as_str()), state);
        }
    }

    #[test]
    fn types_decode_from_connect_labels_and_unknown_is_none() {
        #[derive(Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "deserialize_type")]
            kind: Option<ConnectorType>,
        }
        let t: T = serde_json::from_str(r#"{"kind":"sink"}"#).unwrap();
        assert_eq!(t.kind, Some(ConnectorType::Sink));
        let t: T = serde_json::from_str(r#"{"kind":"unknown"}"#).unwrap();
        assert_eq!(t.kind, None);
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(t.kind, None);
        assert_eq!(
            serde_json::to_string(&ConnectorType::Source).unwrap(),
            r#""source""#
        );
        assert_eq!(ConnectorType::Sink.to_string(), "SINK");
    }

    #[test]
    fn initial_states_are_keywords_and_follow_the_live_state() {
        assert_eq!(
            InitialState::from_keyword("stopped"),
            Some(InitialState::Stopped)
        );
        assert_eq!(InitialState::from_keyword("FAILED"), None);
        assert_eq!(
            InitialState::of(&ConnectorState::Failed),
            InitialState::Running
        );
        assert_eq!(
            InitialState::of(&ConnectorState::Paused),
            InitialState::Paused
        );
        assert_eq!(InitialState::Stopped.to_string(), "STOPPED");
    }
}
