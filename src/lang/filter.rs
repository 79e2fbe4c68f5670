//! `WHERE condition` of SHOW CONNECTORS and the bulk statements: the one table of attributes
//! ([`ATTRIBUTES`], from which the parser, completion, HELP, the docs test and the evaluator
//! derive), the typed expression ([`Filter`], whose `Display` is the canonical text), its type
//! check and its evaluation over one connector's [`Facts`]. Pure logic: no HTTP, no parsing of
//! text (the parser's rule is `parser/filter.rs`). Work is bounded: the parser caps nesting at
//! [`MAX_DEPTH`], `AND`/`OR` chains are flat lists, so every walk here recurses at most that deep.

use std::borrow::Cow;
use std::fmt;

use super::ident::quote_string;
use crate::vocab::{ConnectorState, ConnectorType};

/// How deep parentheses and `NOT`s may nest in one condition (the parser refuses deeper).
pub const MAX_DEPTH: usize = 64;

/// A connector attribute a condition can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribute {
    Name,
    Type,
    Class,
    State,
    WorkerId,
    Tasks,
    FailedTasks,
    RunningTasks,
}

/// What values an attribute holds, which decides the operators and literals it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text: every operator, `'string'` values.
    Text,
    /// `SOURCE` / `SINK` (or `UNKNOWN`): `=`, `!=`, `IN`, `LIKE`, `'string'` values.
    Type,
    /// A connector state (`RUNNING`, ...): `=`, `!=`, `IN`, `LIKE`, `'string'` values.
    State,
    /// A count: comparisons and `IN`, whole-number values.
    Count,
}

/// One row of [`ATTRIBUTES`].
#[derive(Debug, Clone, Copy)]
pub struct AttributeDef {
    pub attr: Attribute,
    /// As written in a condition (any case) and printed (lower case).
    pub word: &'static str,
    pub kind: Kind,
    /// One line for HELP and the docs.
    pub doc: &'static str,
}

/// Every attribute, in the order HELP and completion list them: the one owner.
pub const ATTRIBUTES: &[AttributeDef] = &[
    AttributeDef {
        attr: Attribute::Name,
        word: "name",
        kind: Kind::Text,
        doc: "the connector's name",
    },
    AttributeDef {
        attr: Attribute::Type,
        word: "type",
        kind: Kind::Type,
        doc: "'SOURCE' or 'SINK' ('UNKNOWN' when its plugin is missing)",
    },
    AttributeDef {
        attr: Attribute::Class,
        word: "class",
        kind: Kind::Text,
        doc: "its connector.class",
    },
    AttributeDef {
        attr: Attribute::State,
        word: "state",
        kind: Kind::State,
        doc: "the connector's state ('UNASSIGNED' before it has a status)",
    },
    AttributeDef {
        attr: Attribute::WorkerId,
        word: "worker_id",
        kind: Kind::Text,
        doc: "the worker running the connector ('' before it has one)",
    },
    AttributeDef {
        attr: Attribute::Tasks,
        word: "tasks",
        kind: Kind::Count,
        doc: "how many tasks it has",
    },
    AttributeDef {
        attr: Attribute::FailedTasks,
        word: "failed_tasks",
        kind: Kind::Count,
        doc: "how many of its tasks are FAILED",
    },
    AttributeDef {
        attr: Attribute::RunningTasks,
        word: "running_tasks",
        kind: Kind::Count,
        doc: "how many of its tasks are RUNNING",
    },
];

impl Attribute {
    fn def(self) -> &'static AttributeDef {
        ATTRIBUTES
            .iter()
            .find(|d| d.attr == self)
            .expect("every attribute has a row in ATTRIBUTES")
    }

    pub fn word(self) -> &'static str {
        self.def().word
    }

    pub fn kind(self) -> Kind {
        self.def().kind
    }

    /// The attribute a word names (any case).
    pub fn from_word(word: &str) -> Option<Attribute> {
        ATTRIBUTES
            .iter()
            .find(|d| d.word.eq_ignore_ascii_case(word))
            .map(|d| d.attr)
    }

    /// Every attribute's word (for did-you-mean and completion).
    pub fn words() -> impl Iterator<Item = &'static str> {
        ATTRIBUTES.iter().map(|d| d.word)
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// `= != < <= > >=` (`<>` is read as `!=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// Every operator with its spelling, two-character ones first (the parser tries them so).
    pub const ALL: [(CompareOp, &'static str); 7] = [
        (CompareOp::Ne, "!="),
        (CompareOp::Ne, "<>"),
        (CompareOp::Le, "<="),
        (CompareOp::Ge, ">="),
        (CompareOp::Eq, "="),
        (CompareOp::Lt, "<"),
        (CompareOp::Gt, ">"),
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    /// Ordering operators compare text or counts, never states or types.
    pub fn orders(self) -> bool {
        !matches!(self, CompareOp::Eq | CompareOp::Ne)
    }

    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Eq => ord == Equal,
            CompareOp::Ne => ord != Equal,
            CompareOp::Lt => ord == Less,
            CompareOp::Le => ord != Greater,
            CompareOp::Gt => ord == Greater,
            CompareOp::Ge => ord != Less,
        }
    }
}

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `'text'` (may hold `${var}` until resolved). States and types are kept upper-case.
    Text(String),
    /// A whole number.
    Number(u64),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(&quote_string(s)),
            Value::Number(n) => write!(f, "{n}"),
        }
    }
}

/// A condition. `And`/`Or` hold two or more parts and never a part of their own kind (the
/// constructors flatten), so that the canonical text parses back to the same tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Or(Vec<Filter>),
    And(Vec<Filter>),
    Not(Box<Filter>),
    Compare {
        attr: Attribute,
        op: CompareOp,
        value: Value,
    },
    Like {
        attr: Attribute,
        pattern: String,
    },
    In {
        attr: Attribute,
        values: Vec<Value>,
    },
}

impl Filter {
    /// `a AND b AND ...`, flattened; one part is itself.
    pub fn and(parts: Vec<Filter>) -> Filter {
        Filter::join(parts, true)
    }

    /// `a OR b OR ...`, flattened; one part is itself.
    pub fn or(parts: Vec<Filter>) -> Filter {
        Filter::join(parts, false)
    }

    fn join(parts: Vec<Filter>, and: bool) -> Filter {
        let mut flat = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Filter::And(inner) if and => flat.extend(inner),
                Filter::Or(inner) if !and => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 {
            return flat.pop().expect("one part");
        }
        if and {
            Filter::And(flat)
        } else {
            Filter::Or(flat)
        }
    }

    /// `name IN ('a', 'b', ...)`: exactly these connectors.
    pub fn names_in(names: &[String]) -> Filter {
        Filter::In {
            attr: Attribute::Name,
            values: names.iter().map(|n| Value::Text(n.clone())).collect(),
        }
    }

    /// Every text of the condition (values and patterns), for variable substitution.
    pub fn texts_mut(&mut self, f: &mut dyn FnMut(&mut String)) {
        match self {
            Filter::Or(parts) | Filter::And(parts) => {
                parts.iter_mut().for_each(|p| p.texts_mut(f));
            }
            Filter::Not(inner) => inner.texts_mut(f),
            Filter::Compare { value, .. } => {
                if let Value::Text(t) = value {
                    f(t)
                }
            }
            Filter::Like { pattern, .. } => f(pattern),
            Filter::In { values, .. } => values.iter_mut().for_each(|v| {
                if let Value::Text(t) = v {
                    f(t)
                }
            }),
        }
    }

    /// The type check once variables are resolved (the parser makes it for literals): every
    /// state and type value is one Connect has, upper-cased in the condition returned. A wrong
    /// value is an error, never a silent false.
    pub fn checked(&self) -> Result<Filter, String> {
        let mut f = self.clone();
        f.check_mut()?;
        Ok(f)
    }

    fn check_mut(&mut self) -> Result<(), String> {
        match self {
            Filter::Or(parts) | Filter::And(parts) => {
                parts.iter_mut().try_for_each(Filter::check_mut)
            }
            Filter::Not(inner) => inner.check_mut(),
            Filter::Compare { attr, value, .. } => {
                *value = check_value(*attr, value)?;
                Ok(())
            }
            Filter::Like { .. } => Ok(()),
            Filter::In { attr, values } => values.iter_mut().try_for_each(|v| {
                *v = check_value(*attr, v)?;
                Ok(())
            }),
        }
    }

    /// Whether the connector described by `facts` satisfies the condition.
    pub fn matches(&self, facts: &Facts<'_>) -> bool {
        match self {
            Filter::Or(parts) => parts.iter().any(|p| p.matches(facts)),
            Filter::And(parts) => parts.iter().all(|p| p.matches(facts)),
            Filter::Not(inner) => !inner.matches(facts),
            Filter::Compare { attr, op, value } => op.holds(facts.compare(*attr, value)),
            Filter::Like { attr, pattern } => super::like::like(pattern, &facts.text(*attr)),
            Filter::In { attr, values } => values
                .iter()
                .any(|v| facts.compare(*attr, v) == std::cmp::Ordering::Equal),
        }
    }

    /// Binding strength for printing: OR 0, AND 1, NOT and predicates 2.
    fn precedence(&self) -> u8 {
        match self {
            Filter::Or(_) => 0,
            Filter::And(_) => 1,
            _ => 2,
        }
    }

    /// Prints `self`, in parentheses when it binds more loosely than `min`.
    fn write_at(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Or(parts) | Filter::And(parts) => {
                let (word, min) = match self {
                    Filter::Or(_) => (" OR ", 1),
                    _ => (" AND ", 2),
                };
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    p.write_at(f, min)?;
                }
                Ok(())
            }
            Filter::Not(inner) => {
                f.write_str("NOT ")?;
                inner.write_at(f, 2)
            }
            Filter::Compare { attr, op, value } => write!(f, "{attr} {} {value}", op.symbol()),
            Filter::Like { attr, pattern } => write!(f, "{attr} LIKE {}", quote_string(pattern)),
            Filter::In { attr, values } => {
                write!(f, "{attr} IN (")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// The values a `Kind::Type` attribute takes.
pub const TYPE_VALUES: [&str; 3] = ["SOURCE", "SINK", "UNKNOWN"];

/// The values an attribute of `kind` takes, when they are a closed set (for completion,
/// did-you-mean and the type check).
pub fn closed_values(kind: Kind) -> Option<Vec<&'static str>> {
    match kind {
        Kind::Type => Some(TYPE_VALUES.to_vec()),
        Kind::State => Some(
            ConnectorState::KNOWN
                .iter()
                .map(|s| s.as_static())
                .collect(),
        ),
        Kind::Text | Kind::Count => None,
    }
}

/// Checks a value against its attribute's kind; for states and types, returns it upper-cased
/// (their canonical form). A text holding `${` is left for the check after resolution.
pub fn check_value(attr: Attribute, value: &Value) -> Result<Value, String> {
    let kind = attr.kind();
    match (kind, value) {
        (Kind::Count, Value::Number(_)) | (Kind::Text, Value::Text(_)) => Ok(value.clone()),
        (Kind::Count, Value::Text(t)) => Err(format!(
            "{attr} is a number: compare it with a whole number, not {}",
            quote_string(t)
        )),
        (Kind::Text | Kind::Type | Kind::State, Value::Number(n)) => Err(format!(
            "{attr} is text: compare it with a 'string', not the number {n}{}",
            match closed_values(kind) {
                Some(v) => format!(" (one of {})", quoted_list(&v)),
                None => String::new(),
            }
        )),
        (Kind::Type | Kind::State, Value::Text(t)) => {
            if t.contains("${") {
                return Ok(value.clone());
            }
            let upper = t.to_ascii_uppercase();
            let values = closed_values(kind).unwrap_or_default();
            if values.contains(&upper.as_str()) {
                return Ok(Value::Text(upper));
            }
            let hint = match super::ident::closest(&upper, values.iter().copied()) {
                Some(c) => format!("; did you mean '{c}'?"),
                None => String::new(),
            };
            Err(format!(
                "unknown {attr} {}: {attr} is one of {}{hint}",
                quote_string(t),
                quoted_list(&values)
            ))
        }
    }
}

/// `'A', 'B' or 'C'`.
fn quoted_list(values: &[&str]) -> String {
    let q: Vec<String> = values.iter().map(|v| quote_string(v)).collect();
    match q.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} or {last}", init.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// What a condition can know about one connector (exec fills it from the expanded listing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub name: &'a str,
    pub kind: Option<ConnectorType>,
    pub class: &'a str,
    /// `Unassigned` when Connect has no status for it yet.
    pub state: &'a ConnectorState,
    /// `""` when no worker runs it.
    pub worker_id: &'a str,
    pub tasks: u64,
    pub failed_tasks: u64,
    pub running_tasks: u64,
}

impl Facts<'_> {
    /// A text attribute's value (counts as decimal text).
    fn text(&self, attr: Attribute) -> Cow<'_, str> {
        match attr {
            Attribute::Name => Cow::Borrowed(self.name),
            Attribute::Type => Cow::Borrowed(self.kind.map_or("UNKNOWN", ConnectorType::keyword)),
            Attribute::Class => Cow::Borrowed(self.class),
            Attribute::State => Cow::Borrowed(self.state.as_str()),
            Attribute::WorkerId => Cow::Borrowed(self.worker_id),
            Attribute::Tasks | Attribute::FailedTasks | Attribute::RunningTasks => {
                Cow::Owned(self.count(attr).to_string())
            }
        }
    }

    fn count(&self, attr: Attribute) -> u64 {
        match attr {
            Attribute::Tasks => self.tasks,
            Attribute::FailedTasks => self.failed_tasks,
            Attribute::RunningTasks => self.running_tasks,
            _ => 0,
        }
    }

    /// The attribute's value against a literal of its kind (the type check made sure).
    fn compare(&self, attr: Attribute, value: &Value) -> std::cmp::Ordering {
        match value {
            Value::Number(n) => self.count(attr).cmp(n),
            Value::Text(t) => self.text(attr).as_ref().cmp(t.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(state: &'a ConnectorState) -> Facts<'a> {
        Facts {
            name: "jdbc-orders",
            kind: Some(ConnectorType::Sink),
            class: "io.confluent.connect.jdbc.JdbcSinkConnector",
            state,
            worker_id: "10.0.0.1:8083",
            tasks: 3,
            failed_tasks: 1,
            running_tasks: 2,
        }
    }

    fn cmp(attr: Attribute, op: CompareOp, value: Value) -> Filter {
        Filter::Compare { attr, op, value }
    }

    #[test]
    fn every_attribute_has_one_row_and_round_trips_its_word() {
        for d in ATTRIBUTES {
            assert_eq!(Attribute::from_word(d.word), Some(d.attr));
            assert_eq!(Attribute::from_word(&d.word.to_uppercase()), Some(d.attr));
            assert_eq!(d.attr.word(), d.word);
            assert_eq!(ATTRIBUTES.iter().filter(|x| x.attr == d.attr).count(), 1);
        }
        assert_eq!(Attribute::from_word("status"), None);
    }

    /// The docs and HELP derive from the table: LANGUAGE.md has a row per attribute with its
    /// doc and closed values, and the HELP page names every attribute.
    #[test]
    fn docs_and_help_list_every_attribute() {
        let doc = include_str!("../../docs/LANGUAGE.md");
        for d in ATTRIBUTES {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", d.word)))
                .unwrap_or_else(|| panic!("LANGUAGE.md has no row for {}", d.word));
            assert!(row.contains(d.doc), "{row}");
            for v in closed_values(d.kind).unwrap_or_default() {
                assert!(row.contains(&format!("`'{v}'`")), "{v} in {row}");
            }
        }
        let help = crate::help::lookup("WHERE").unwrap();
        for w in Attribute::words() {
            assert!(help.contains(w), "HELP WHERE names {w}");
        }
    }

    #[test]
    fn evaluates_comparisons_like_in_and_logic() {
        let running = ConnectorState::Running;
        let f = facts(&running);
        use Attribute::*;
        use CompareOp::*;
        let t = |s: &str| Value::Text(s.to_owned());
        assert!(cmp(State, Eq, t("RUNNING")).matches(&f));
        assert!(!cmp(State, Ne, t("RUNNING")).matches(&f));
        assert!(cmp(FailedTasks, Gt, Value::Number(0)).matches(&f));
        assert!(cmp(Tasks, Ge, Value::Number(3)).matches(&f));
        assert!(!cmp(Tasks, Lt, Value::Number(3)).matches(&f));
        assert!(cmp(RunningTasks, Le, Value::Number(2)).matches(&f));
        assert!(cmp(Type, Eq, t("SINK")).matches(&f));
        assert!(cmp(Name, Lt, t("k")).matches(&f), "text orders bytewise");
        let like = Filter::Like {
            attr: Class,
            pattern: "%Jdbc%".into(),
        };
        assert!(like.matches(&f));
        let within = Filter::In {
            attr: State,
            values: vec![t("FAILED"), t("RUNNING")],
        };
        assert!(within.matches(&f));
        let failed = cmp(State, Eq, t("FAILED"));
        let some_failed = cmp(FailedTasks, Gt, Value::Number(0));
        assert!(Filter::or(vec![failed.clone(), some_failed.clone()]).matches(&f));
        assert!(!Filter::and(vec![failed.clone(), some_failed.clone()]).matches(&f));
        assert!(Filter::Not(Box::new(failed)).matches(&f));
        // A connector without a status is UNASSIGNED, on no worker, with no tasks.
        let none = ConnectorState::Unassigned;
        let bare = Facts {
            kind: None,
            worker_id: "",
            tasks: 0,
            failed_tasks: 0,
            running_tasks: 0,
            ..facts(&none)
        };
        assert!(cmp(State, Eq, t("UNASSIGNED")).matches(&bare));
        assert!(cmp(Type, Ne, t("SOURCE")).matches(&bare));
        assert!(cmp(Type, Eq, t("UNKNOWN")).matches(&bare));
        assert!(cmp(WorkerId, Eq, t("")).matches(&bare));
    }

    #[test]
    fn constructors_flatten_and_display_parenthesizes_by_precedence() {
        let a = cmp(Attribute::Tasks, CompareOp::Eq, Value::Number(1));
        let b = cmp(Attribute::Name, CompareOp::Eq, Value::Text("x".into()));
        let c = Filter::Like {
            attr: Attribute::Class,
            pattern: "it's".into(),
        };
        let and = Filter::and(vec![a.clone(), Filter::and(vec![b.clone(), c.clone()])]);
        assert_eq!(and, Filter::And(vec![a.clone(), b.clone(), c.clone()]));
        assert_eq!(
            and.to_string(),
            "tasks = 1 AND name = 'x' AND class LIKE 'it''s'"
        );
        let mixed = Filter::and(vec![Filter::or(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(
            mixed.to_string(),
            "(tasks = 1 OR name = 'x') AND class LIKE 'it''s'"
        );
        let or = Filter::or(vec![Filter::and(vec![a.clone(), b.clone()]), c]);
        assert_eq!(
            or.to_string(),
            "tasks = 1 AND name = 'x' OR class LIKE 'it''s'"
        );
        let not = Filter::Not(Box::new(Filter::and(vec![a.clone(), b])));
        assert_eq!(not.to_string(), "NOT (tasks = 1 AND name = 'x')");
        assert_eq!(Filter::and(vec![a.clone()]), a);
        assert_eq!(
            Filter::names_in(&["a".into(), "b c".into()]).to_string(),
            "name IN ('a', 'b c')"
        );
    }

    #[test]
    fn values_are_checked_against_their_attribute() {
        let e = check_value(Attribute::Tasks, &Value::Text("x".into())).unwrap_err();
        assert_eq!(
            e,
            "tasks is a number: compare it with a whole number, not 'x'"
        );
        let e = check_value(Attribute::State, &Value::Number(3)).unwrap_err();
        assert!(e.starts_with("state is text"), "{e}");
        let e = check_value(Attribute::State, &Value::Text("runing".into())).unwrap_err();
        assert!(e.contains("did you mean 'RUNNING'?"), "{e}");
        assert_eq!(
            check_value(Attribute::Type, &Value::Text("sink".into())),
            Ok(Value::Text("SINK".into()))
        );
        assert!(check_value(Attribute::State, &Value::Text("${s}".into())).is_ok());
        let f = Filter::In {
            attr: Attribute::State,
            values: vec![Value::Text("RUNNING".into()), Value::Text("nope".into())],
        };
        assert!(f.checked().unwrap_err().contains("unknown state 'nope'"));
    }
}
