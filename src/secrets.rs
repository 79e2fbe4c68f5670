//! Masking of secret config values: a key that names a password, secret, token or credential
//! (or that the plugin declares as type PASSWORD) shows `[hidden]` unless the user asked to see
//! secrets. Pure; used by DESCRIBE EXTENDED, SHOW CREATE and `--dry-run` diffs.

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

/// `${provider:path:key}` references are already indirections, safe to show.
fn is_provider_reference(value: &str) -> bool {
    value.starts_with("${") && value.ends_with('}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
