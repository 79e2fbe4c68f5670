//! Connector templates: ksqlDB's "natively supported connectors", as data. A template is chosen by
//! the `connector.class` value (full class name or an alias) and rewrites the config a CREATE sends.
//! Adding a template means adding a row to [`TEMPLATES`]; [`apply`] needs no new code paths.
//! No HTTP here: the client calls [`apply`] (or [`apply_map`]) while building the request body.

use serde_json::{Map, Value};

/// A config rewrite rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Set `key` to `value` unless the user gave it.
    Default {
        key: &'static str,
        value: &'static str,
    },
    /// Remove the pseudo-property `key`. If it was given, append each transform's alias to the
    /// user's `transforms` list (comma-separated; created if absent) and set
    /// `transforms.<alias>.<property>` for each of its properties, `{}` standing for the value of
    /// the pseudo-property.
    PseudoPropertyToTransforms {
        key: &'static str,
        transforms: &'static [Transform],
    },
}

/// One single message transform added by a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transform {
    pub alias: &'static str,
    pub properties: &'static [(&'static str, &'static str)],
}

/// A template: the classes it applies to and its rules, applied in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub name: &'static str,
    /// `connector.class` values this template applies to (compared exactly, as Connect does).
    pub classes: &'static [&'static str],
    pub rules: &'static [Rule],
}

/// The config key holding the connector class.
pub const CLASS_KEY: &str = "connector.class";

/// Every template. As ksqlDB's `io.confluent.ksql.connect.supported.JdbcSource`.
pub const TEMPLATES: &[Template] = &[Template {
    name: "JDBC source",
    classes: &[
        "io.confluent.connect.jdbc.JdbcSourceConnector",
        "JdbcSourceConnector",
        "JdbcSource",
    ],
    rules: &[
        Rule::PseudoPropertyToTransforms {
            key: "key",
            transforms: &[
                Transform {
                    alias: "ksqlCreateKey",
                    properties: &[
                        ("type", "org.apache.kafka.connect.transforms.ValueToKey"),
                        ("fields", "{}"),
                    ],
                },
                Transform {
                    alias: "ksqlExtractString",
                    properties: &[
                        (
                            "type",
                            "org.apache.kafka.connect.transforms.ExtractField$Key",
                        ),
                        ("field", "{}"),
                    ],
                },
            ],
        },
        Rule::Default {
            key: "tasks.max",
            value: "1",
        },
    ],
}];

/// The template for a `connector.class` value, if any.
pub fn template_for(class: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.classes.contains(&class))
}

/// Applies the template matching `config`'s `connector.class` (if any) to `config`, an ordered
/// list of `(key, value)` as the user wrote it (values already as Connect strings). Removed keys
/// leave the order of the others intact; new keys are appended; an existing `transforms` entry
/// is changed in place. Returns the template applied.
pub fn apply(config: &mut Vec<(String, String)>) -> Option<&'static Template> {
    let class = config.iter().find(|(k, _)| k == CLASS_KEY)?.1.clone();
    let template = template_for(&class)?;
    for rule in template.rules {
        match *rule {
            Rule::Default { key, value } => {
                if !config.iter().any(|(k, _)| k == key) {
                    config.push((key.to_owned(), value.to_owned()));
                }
            }
            Rule::PseudoPropertyToTransforms { key, transforms } => {
                let Some(i) = config.iter().position(|(k, _)| k == key) else {
                    continue;
                };
                let (_, value) = config.remove(i);
                let aliases: Vec<&str> = transforms.iter().map(|t| t.alias).collect();
                let added = aliases.join(",");
                match config.iter_mut().find(|(k, _)| k == "transforms") {
                    // An empty user list is replaced, not joined (",a" would be an empty alias).
                    Some((_, list)) if !list.trim().is_empty() => {
                        list.push(',');
                        list.push_str(&added);
                    }
                    Some((_, list)) => *list = added,
                    None => config.push(("transforms".to_owned(), added)),
                }
                for t in transforms {
                    for (prop, template) in t.properties {
                        let k = format!("transforms.{}.{prop}", t.alias);
                        let v = template.replace("{}", &value);
                        match config.iter_mut().find(|(ck, _)| *ck == k) {
                            Some((_, existing)) => *existing = v,
                            None => config.push((k, v)),
                        }
                    }
                }
            }
        }
    }
    Some(template)
}

/// [`apply`] over a JSON object (Connect's config body). Non-string values are read as their
/// JSON text; the result holds strings only. Key order is kept.
pub fn apply_map(config: &mut Map<String, Value>) -> Option<&'static Template> {
    let mut list: Vec<(String, String)> = config
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect();
    let applied = apply(&mut list)?;
    *config = list
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Some(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn jdbc_key_becomes_transforms_and_tasks_max_defaults() {
        let mut c = list(&[
            (
                "connector.class",
                "io.confluent.connect.jdbc.JdbcSourceConnector",
            ),
            ("connection.url", "jdbc:postgresql://localhost:5432/db"),
            ("key", "username"),
        ]);
        assert_eq!(apply(&mut c).map(|t| t.name), Some("JDBC source"));
        assert_eq!(
            c,
            list(&[
                (
                    "connector.class",
                    "io.confluent.connect.jdbc.JdbcSourceConnector"
                ),
                ("connection.url", "jdbc:postgresql://localhost:5432/db"),
                ("transforms", "ksqlCreateKey,ksqlExtractString"),
                (
                    "transforms.ksqlCreateKey.type",
                    "org.apache.kafka.connect.transforms.ValueToKey"
                ),
                ("transforms.ksqlCreateKey.fields", "username"),
                (
                    "transforms.ksqlExtractString.type",
                    "org.apache.kafka.connect.transforms.ExtractField$Key"
                ),
                ("transforms.ksqlExtractString.field", "username"),
                ("tasks.max", "1"),
            ])
        );
    }

    #[test]
    fn jdbc_appends_to_user_transforms_and_keeps_tasks_max() {
        let mut c = list(&[
            ("connector.class", "JdbcSource"),
            ("transforms", "mine"),
            ("transforms.mine.type", "x"),
            ("tasks.max", "4"),
            ("key", "id"),
        ]);
        apply(&mut c);
        assert_eq!(
            c[1],
            (
                "transforms".into(),
                "mine,ksqlCreateKey,ksqlExtractString".into()
            )
        );
        assert!(c.contains(&("tasks.max".into(), "4".into())));
        assert!(!c.iter().any(|(k, _)| k == "key"));
        assert_eq!(c.iter().filter(|(k, _)| k == "tasks.max").count(), 1);
    }

    #[test]
    fn jdbc_without_key_only_defaults_tasks_max() {
        let mut c = list(&[("connector.class", "JdbcSourceConnector")]);
        apply(&mut c);
        assert_eq!(
            c,
            list(&[
                ("connector.class", "JdbcSourceConnector"),
                ("tasks.max", "1")
            ])
        );
    }

    #[test]
    fn other_classes_pass_key_through() {
        let mut c = list(&[("connector.class", "FileStreamSource"), ("key", "id")]);
        assert_eq!(apply(&mut c), None);
        assert_eq!(
            c,
            list(&[("connector.class", "FileStreamSource"), ("key", "id")])
        );
        let mut none = list(&[("key", "id")]);
        assert_eq!(apply(&mut none), None);
    }

    #[test]
    fn map_form() {
        let mut m = Map::new();
        m.insert("connector.class".into(), Value::String("JdbcSource".into()));
        m.insert("key".into(), Value::String("id".into()));
        m.insert("poll.interval.ms".into(), Value::from(500));
        apply_map(&mut m);
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(keys[0], "connector.class");
        assert_eq!(keys[1], "poll.interval.ms");
        assert_eq!(m["poll.interval.ms"], Value::String("500".into()));
        assert_eq!(
            m["transforms.ksqlExtractString.field"],
            Value::String("id".into())
        );
        assert_eq!(m["tasks.max"], Value::String("1".into()));
    }
}
