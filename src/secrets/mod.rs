//! What is secret, and keeping secrets out of everything kcsh prints, writes or sends back.
//! [`SecretRule`] is the one rule (plugin/validation `PASSWORD` definitions, the framework's
//! `PASSWORD` keys under any prefix, name heuristics); [`Masker`] applies it for display;
//! [`unmask`] turns a value carrying the mask back into the live one (or says it cannot), so
//! the mask is never sent. Also URL passwords ([`redact_url`]), scrubbing echoed messages and
//! statements, and escaping control characters. Pure: no I/O except [`warn_if_exposed`].

mod embedded;
mod files;
mod rule;
mod statement;
mod text;

use std::borrow::Cow;

pub use embedded::{embedded_spans, embeds_mask, mask_embedded, redact_url};
pub use files::warn_if_exposed;
pub use rule::{FRAMEWORK_PASSWORD_KEYS, SecretRule, is_secret_name};
pub use statement::{
    MaskedText, mask_statement, mask_statement_with, scrub_statement_echo, secret_variables,
};
pub use text::{escape_control, file_error_text, scrub};

/// What a masked value shows.
pub const HIDDEN: &str = "[hidden]";

/// Masks config values for display: a secret key's whole value, and passwords embedded in any
/// value (URLs), unless `show` (`--show-secrets`).
#[derive(Debug, Clone, Default)]
pub struct Masker {
    pub rule: SecretRule,
    pub show: bool,
}

impl Masker {
    /// The name rule only (no plugin definitions known).
    pub fn new(show: bool) -> Masker {
        Masker {
            rule: SecretRule::new(),
            show,
        }
    }

    pub fn with_rule(rule: SecretRule, show: bool) -> Masker {
        Masker { rule, show }
    }

    pub fn is_secret(&self, key: &str) -> bool {
        self.rule.is_secret(key)
    }

    /// The value to show for `key`. Config-provider references (`${file:...}`) are not secret.
    pub fn show<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if self.show {
            Cow::Borrowed(value)
        } else {
            self.masked(key, value)
        }
    }

    /// The masked form of a value, whatever `show` says (what SHOW CREATE would print).
    fn masked<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if value.is_empty() || is_provider_reference(value) {
            Cow::Borrowed(value)
        } else if self.rule.is_secret(key) {
            Cow::Borrowed(HIDDEN)
        } else {
            mask_embedded(value)
        }
    }

    /// Masks, in place, every secret string value of every object inside `value` (a request
    /// body: a flat config, or `{"name", "config": {...}}`), e.g. for EXPLAIN and `--output json`.
    pub fn mask_json(&self, value: &mut serde_json::Value) {
        if self.show {
            return;
        }
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    match v {
                        serde_json::Value::String(text) => {
                            let masked = self.masked(key, text).into_owned();
                            if masked != *text {
                                *text = masked;
                            }
                        }
                        other => self.mask_json(other),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    match item {
                        serde_json::Value::String(text) => {
                            if let Cow::Owned(m) = mask_embedded(text) {
                                *text = m;
                            }
                        }
                        other => self.mask_json(other),
                    }
                }
            }
            _ => {}
        }
    }

    /// The secret values of `config` (values of secret keys, passwords embedded in any value),
    /// to [`scrub`] from a message that may echo them (Connect's validation errors do).
    pub fn secret_values<'a, K, V>(
        &self,
        config: impl IntoIterator<Item = (&'a K, &'a V)>,
    ) -> Vec<String>
    where
        K: AsRef<str> + ?Sized + 'a,
        V: AsRef<str> + ?Sized + 'a,
    {
        let mut out = Vec::new();
        for (k, v) in config {
            let (k, v) = (k.as_ref(), v.as_ref());
            if v.is_empty() || v == HIDDEN || is_provider_reference(v) {
                continue;
            }
            if self.rule.is_secret(k) {
                out.push(v.to_string());
            } else {
                out.extend(
                    embedded_spans(v)
                        .into_iter()
                        .map(|(s, e)| v[s..e].to_string()),
                );
            }
        }
        out
    }

    /// `message` without any secret value of `config` (a validation error, a Connect message
    /// about a config kcsh sent). Ignores `show`: errors are scrubbed regardless.
    pub fn scrub_message<'a, 'c, K, V>(
        &self,
        message: &'a str,
        config: impl IntoIterator<Item = (&'c K, &'c V)>,
    ) -> Cow<'a, str>
    where
        K: AsRef<str> + ?Sized + 'c,
        V: AsRef<str> + ?Sized + 'c,
    {
        scrub(message, &self.secret_values(config))
    }
}

/// Why a value carrying the mask cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmask {
    /// The value holds no mask: send it as it is.
    Plain,
    /// The mask stands for this live value (whole, or with the embedded passwords put back).
    Live(String),
    /// The value holds the mask and there is no live value it can stand for.
    Unresolved,
}

/// What to send for `value` given the live value of the same key (None when creating, or when
/// the key is not set live). Keyed on the mask itself, not on the rule, so nothing masked for
/// display can ever be sent as `[hidden]`, whatever the rule knew when it was masked.
pub fn unmask(value: &str, live: Option<&str>) -> Unmask {
    if value == HIDDEN {
        return match live {
            Some(live) => Unmask::Live(live.to_string()),
            None => Unmask::Unresolved,
        };
    }
    if !embeds_mask(value) {
        return Unmask::Plain;
    }
    // Embedded: put the live passwords back where the value shows the mask, provided the value
    // has as many embedded passwords as the live one (same shape).
    let Some(live) = live else {
        return Unmask::Unresolved;
    };
    let ours = embedded_spans(value);
    let theirs = embedded_spans(live);
    if ours.len() != theirs.len() {
        return Unmask::Unresolved;
    }
    let mut out = String::with_capacity(value.len());
    let mut at = 0;
    for ((s, e), (ls, le)) in ours.into_iter().zip(theirs) {
        out.push_str(&value[at..s]);
        out.push_str(if &value[s..e] == HIDDEN {
            &live[ls..le]
        } else {
            &value[s..e]
        });
        at = e;
    }
    out.push_str(&value[at..]);
    Unmask::Live(out)
}

/// Whether `value` carries the mask (whole, or where an embedded password goes): such a value
/// must be resolved by [`unmask`] or refused, never sent.
pub fn carries_mask(value: &str) -> bool {
    value == HIDDEN || embeds_mask(value)
}

/// The error text for a statement that carries the mask where no live value exists.
pub fn unresolved_mask_message(keys: &[String]) -> String {
    let list = keys
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{list} {} the mask {HIDDEN} and there is no live value to keep; nothing was sent. \
         Give the real value, a config-provider reference such as '${{file:/path:key}}', or copy \
         the statement from SHOW CREATE CONNECTOR run with --show-secrets",
        if keys.len() == 1 { "holds" } else { "hold" }
    )
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
            "config": {
                "connection.password": "s3cret",
                "topic": "t",
                "oauth.token": "${file:/p:k}",
                "connection.url": "jdbc:pg://h/d?password=pw",
                "ssl.keystore.key": "-----BEGIN",
            },
            "list": ["http://u:pw@h"]
        });
        Masker::new(false).mask_json(&mut body);
        assert_eq!(body["config"]["connection.password"], HIDDEN);
        assert_eq!(body["config"]["topic"], "t");
        assert_eq!(body["config"]["oauth.token"], "${file:/p:k}");
        assert_eq!(
            body["config"]["connection.url"],
            "jdbc:pg://h/d?password=[hidden]"
        );
        assert_eq!(body["config"]["ssl.keystore.key"], HIDDEN);
        assert_eq!(body["list"][0], "http://u:[hidden]@h");
        let mut shown = serde_json::json!({"connection.password": "s3cret"});
        Masker::new(true).mask_json(&mut shown);
        assert_eq!(shown["connection.password"], "s3cret");
    }

    #[test]
    fn masking_respects_show_and_password_types() {
        let m = Masker::new(false);
        assert_eq!(m.show("db.password", "pw"), HIDDEN);
        assert_eq!(m.show("db.password", "${file:/s:pw}"), "${file:/s:pw}");
        assert_eq!(m.show("topic", "t"), "t");
        assert_eq!(m.show("url", "http://u:p@h"), "http://u:[hidden]@h");
        assert_eq!(m.show("magic", "x"), "x");
        let m = Masker::with_rule(SecretRule::from_definitions([("magic", "PASSWORD")]), false);
        assert_eq!(m.show("magic", "x"), HIDDEN);
        let shown = Masker::new(true);
        assert_eq!(shown.show("db.password", "pw"), "pw");
        assert_eq!(shown.show("url", "http://u:p@h"), "http://u:p@h");
    }

    #[test]
    fn the_mask_is_resolved_to_the_live_value_or_refused() {
        assert_eq!(unmask("x", None), Unmask::Plain);
        assert_eq!(unmask("x", Some("y")), Unmask::Plain);
        assert_eq!(unmask(HIDDEN, Some("real")), Unmask::Live("real".into()));
        assert_eq!(unmask(HIDDEN, None), Unmask::Unresolved);
        let live = "jdbc:pg://h/d?user=u&password=pw";
        let shown = Masker::new(false).show("connection.url", live).into_owned();
        assert_eq!(unmask(&shown, Some(live)), Unmask::Live(live.into()));
        assert_eq!(
            unmask("jdbc:pg://other/d?user=u&password=[hidden]", Some(live)),
            Unmask::Live("jdbc:pg://other/d?user=u&password=pw".into())
        );
        assert_eq!(unmask(&shown, None), Unmask::Unresolved);
        assert_eq!(unmask(&shown, Some("jdbc:pg://h/d")), Unmask::Unresolved);
        let msg = unresolved_mask_message(&["ssl.keystore.key".into()]);
        assert!(msg.contains("'ssl.keystore.key' holds the mask"), "{msg}");
        assert!(msg.contains("--show-secrets"), "{msg}");
    }

    #[test]
    fn messages_are_scrubbed_of_the_config_secrets() {
        let config = [
            ("connection.password".to_string(), "hunter2".to_string()),
            (
                "connection.url".to_string(),
                "jdbc:x://h?password=pw42".to_string(),
            ),
            ("topic".to_string(), "orders".to_string()),
        ];
        let m = Masker::new(true);
        let msg = "Invalid value hunter2; cannot connect to jdbc:x://h?password=pw42 for orders";
        assert_eq!(
            m.scrub_message(msg, config.iter().map(|(k, v)| (k, v))),
            "Invalid value [hidden]; cannot connect to jdbc:x://h?password=[hidden] for orders"
        );
    }
}
