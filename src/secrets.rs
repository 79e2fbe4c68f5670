//! Masking of secret config values: a key that names a password, secret, token or credential
//! (or that the plugin declares as type PASSWORD) shows `[hidden]` unless the user asked to see
//! secrets. Pure; used by DESCRIBE EXTENDED, SHOW CREATE, EXPLAIN and `--dry-run` diffs.

use std::collections::BTreeSet;

pub const HIDDEN: &str = "[hidden]";

/// Whether a config key looks like it holds a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "api.key",
        "apikey",
        "private.key",
    ]
    .iter()
    .any(|w| k.contains(w))
        || k.ends_with("sasl.jaas.config")
}

/// Masks secret values: by key name, and keys in `password_keys` (PASSWORD-typed definitions).
#[derive(Debug, Clone, Default)]
pub struct Masker {
    pub show: bool,
    pub password_keys: BTreeSet<String>,
}

impl Masker {
    pub fn new(show: bool) -> Masker {
        Masker {
            show,
            password_keys: BTreeSet::new(),
        }
    }

    pub fn is_secret(&self, key: &str) -> bool {
        is_secret_key(key) || self.password_keys.contains(key)
    }

    /// The value to show for `key`. Config-provider placeholders (`${file:...}`) are not secret.
    pub fn show<'a>(&self, key: &str, value: &'a str) -> &'a str {
        if self.show || !self.is_secret(key) || value.is_empty() || is_provider_reference(value) {
            value
        } else {
            HIDDEN
        }
    }
}

impl Masker {
    /// Masks, in place, every secret string value of every object inside `value` (a request
    /// body: a flat config, or `{"name", "config": {...}}`), e.g. for EXPLAIN.
    pub fn mask_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    match v {
                        serde_json::Value::String(text) => {
                            if self.show(key, text) == HIDDEN {
                                *text = HIDDEN.to_string();
                            }
                        }
                        other => self.mask_json(other),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.mask_json(v)),
            _ => {}
        }
    }
}

/// `${provider:path:key}` references are already indirections, safe to show.
fn is_provider_reference(value: &str) -> bool {
    value.starts_with("${") && value.ends_with('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_are_masked_at_any_depth() {
        let mut body = serde_json::json!({
            "name": "jdbc",
            "config": {"connection.password": "s3cret", "topic": "t", "oauth.token": "${file:/p:k}"}
        });
        Masker::new(false).mask_json(&mut body);
        assert_eq!(body["config"]["connection.password"], HIDDEN);
        assert_eq!(body["config"]["topic"], "t");
        assert_eq!(body["config"]["oauth.token"], "${file:/p:k}");
        let mut shown = serde_json::json!({"connection.password": "s3cret"});
        Masker::new(true).mask_json(&mut shown);
        assert_eq!(shown["connection.password"], "s3cret");
    }

    #[test]
    fn secret_keys_by_name() {
        for k in [
            "connection.password",
            "ssl.keystore.password",
            "aws.secret.access.key",
            "oauth.token",
            "gcp.credentials.json",
            "producer.override.sasl.jaas.config",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["topic", "connection.user", "key.converter", "tasks.max"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn masking_respects_show_and_password_types() {
        let mut m = Masker::new(false);
        assert_eq!(m.show("db.password", "pw"), HIDDEN);
        assert_eq!(m.show("db.password", "${file:/s:pw}"), "${file:/s:pw}");
        assert_eq!(m.show("topic", "t"), "t");
        m.password_keys.insert("magic".into());
        assert_eq!(m.show("magic", "x"), HIDDEN);
        let shown = Masker::new(true);
        assert_eq!(shown.show("db.password", "pw"), "pw");
    }
}
