//! What may come next at the end of a statement being typed: the keywords and the kinds of
//! value the parser looked for there. The parser records it while parsing (the same functions
//! that parse, so completion cannot drift from the grammar); the REPL's completer turns it into
//! candidates. Pure data: no names from the cluster here.

use super::ast::ConnectorType;

/// A kind of value the grammar wants at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The name of an existing connector (DROP, DESCRIBE, ALTER, ...).
    ConnectorName,
    /// A name for a new connector (CREATE, VALIDATE): nothing to offer.
    NewConnectorName,
    /// A config key inside a property list.
    PropertyKey,
    /// The value of this key inside a property list.
    Value(String),
    /// A plugin class or alias (DESCRIBE PLUGIN).
    PluginClass,
    /// A session property (SET, UNSET).
    SessionProperty,
    /// A HELP topic.
    HelpTopic,
    /// One of these words, as they are offered (WHERE attributes, operators, 'STATES').
    Choice(Vec<String>),
    /// A Kafka topic (PRINT, SHOW TOPICS LIKE).
    TopicName,
}

/// The expected set at the end of the input, with what the statement said before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// Keywords (upper-case, in the order the grammar tries them, no repeats).
    pub keywords: Vec<String>,
    pub slots: Vec<Slot>,
    /// The connector the statement is about, once its name was read (ALTER CONNECTOR x ...).
    pub connector: Option<String>,
    /// `SOURCE` or `SINK` when the statement said which.
    pub connector_type: Option<ConnectorType>,
    /// Keys already given in the property list being typed, and its `connector.class`.
    pub present_keys: Vec<String>,
    pub class: Option<String>,
}

impl Expected {
    pub(crate) fn keyword(&mut self, kw: &str) {
        let kw = kw.to_ascii_uppercase();
        if !self.keywords.contains(&kw) {
            self.keywords.push(kw);
        }
    }

    pub(crate) fn slot(&mut self, slot: Slot) {
        if !self.slots.contains(&slot) {
            self.slots.push(slot);
        }
    }
}
