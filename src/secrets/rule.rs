//! The one rule that decides whether a config key holds a secret: the plugin's (or a validation
//! answer's) `PASSWORD` definitions, the keys Kafka itself declares `PASSWORD` (under any prefix),
//! and name heuristics. Pure; masking and the script/caret/history scrubbers all ask this.

use std::collections::BTreeSet;

/// Keys that Kafka's own config definitions (`SslConfigs`, `SaslConfigs`) declare as
/// `ConfigDef.Type.PASSWORD`. Connect passes them to clients under prefixes
/// (`producer.override.`, `consumer.override.`, `admin.override.`, MirrorMaker's
/// `source.cluster.` / `target.cluster.` / `source.admin.` ..., converters'
/// `key.converter.schema.registry.`), so a key is matched by its dotted suffix.
pub const FRAMEWORK_PASSWORD_KEYS: &[&str] = &[
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.keystore.key",
    "ssl.keystore.certificate.chain",
    "ssl.truststore.password",
    "ssl.truststore.certificates",
    "sasl.jaas.config",
    // KIP-1139 (Kafka 4.1): OAuth client-credentials and JWT-assertion secrets.
    "sasl.oauthbearer.client.credentials.client.secret",
    "sasl.oauthbearer.assertion.private.key.passphrase",
];

/// Words that make a key (or a URL parameter) secret wherever they appear in its name, compared
/// without case and without `.`, `_`, `-` (so `connectionPassword`, `DB_PASSWORD` and
/// `db-password` all match `password`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "privatekey",
    "accountkey",
    "sharedaccesskey",
    // Schema Registry's `basic.auth.user.info` (`user:password`).
    "userinfo",
    "jaasconfig",
    // `http.headers.authorization` and friends carry a bearer token or basic credentials.
    "authorization",
];

/// Which keys are secret. `SecretRule::default()` knows the names and the framework's keys;
/// [`SecretRule::with_definitions`] adds a plugin's or a validation answer's `PASSWORD` keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretRule {
    /// Exact key names defined as `PASSWORD` by the plugin (or by a validation answer, which
    /// also carries the framework's, transforms' and converters' definitions).
    password_keys: BTreeSet<String>,
}

impl SecretRule {
    /// Names and framework keys only (no plugin definitions known).
    pub fn new() -> SecretRule {
        SecretRule::default()
    }

    /// The rule for a config whose definitions are `(name, type)` pairs, as Connect gives them
    /// in `GET /connector-plugins/{class}/config` or in a validation answer.
    pub fn from_definitions<N, T>(definitions: impl IntoIterator<Item = (N, T)>) -> SecretRule
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        SecretRule::new().with_definitions(definitions)
    }

    /// This rule plus the `PASSWORD` keys among `definitions`.
    pub fn with_definitions<N, T>(mut self, definitions: impl IntoIterator<Item = (N, T)>) -> Self
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        self.password_keys.extend(
            definitions
                .into_iter()
                .filter(|(_, kind)| kind.as_ref().eq_ignore_ascii_case("PASSWORD"))
                .map(|(name, _)| name.as_ref().to_string()),
        );
        self
    }

    /// Whether the value of `key` is a secret.
    pub fn is_secret(&self, key: &str) -> bool {
        self.password_keys.contains(key) || is_secret_name(key)
    }
}

/// Whether a key is secret by its name alone (heuristics and the framework's `PASSWORD` keys,
/// under any prefix). Without plugin definitions this is all a rule can know.
pub fn is_secret_name(key: &str) -> bool {
    let compact = compact(key);
    SECRET_WORDS.iter().any(|w| compact.contains(w))
        || FRAMEWORK_PASSWORD_KEYS
            .iter()
            .any(|k| compact.ends_with(&self::compact(k)))
}

/// Lower case without the separators `.`, `_`, `-` (and spaces).
fn compact(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '.' | '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_every_spelling() {
        for k in [
            "connection.password",
            "CONNECTION_PASSWORD",
            "connectionPassword",
            "db-passwd",
            "ssl.keystore.password",
            "aws.secret.access.key",
            "oauth.token",
            "gcp.credentials.json",
            "azure.account.key",
            "sftp.private.key",
            "basic.auth.user.info",
            "value.converter.basic.auth.user.info",
            "http.headers.authorization",
            "sasl.jaas.config",
            "producer.override.sasl.jaas.config",
            "key.passphrase",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "topic",
            "connection.user",
            "key.converter",
            "tasks.max",
            "ssl.keystore.location",
            "ssl.keystore.type",
            "name",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn framework_password_keys_under_any_prefix() {
        for k in [
            "ssl.keystore.key",
            "ssl.keystore.certificate.chain",
            "ssl.truststore.certificates",
            "producer.override.ssl.keystore.key",
            "consumer.override.ssl.key.password",
            "admin.override.ssl.truststore.password",
            "source.cluster.ssl.keystore.key",
            "target.cluster.sasl.jaas.config",
            "source.admin.ssl.keystore.key",
            "SSL_KEYSTORE_KEY",
            "sasl.oauthbearer.client.credentials.client.secret",
        ] {
            assert!(SecretRule::new().is_secret(k), "{k}");
        }
    }

    #[test]
    fn plugin_definitions_add_exact_keys() {
        let rule = SecretRule::from_definitions([
            ("magic", "PASSWORD"),
            ("topic", "STRING"),
            ("other", "password"),
        ]);
        assert!(rule.is_secret("magic"));
        assert!(rule.is_secret("other"));
        assert!(!rule.is_secret("topic"));
        assert!(!rule.is_secret("magic.suffix"));
        assert!(!SecretRule::new().is_secret("magic"));
    }
}
