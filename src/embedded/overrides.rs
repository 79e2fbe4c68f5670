//! `--worker-property KEY=VALUE`: one override of a property of the worker kcsh starts. Owns
//! the form (a plain Java property key; a value on one line), the keys kcsh itself must set
//! (where the worker listens and which Kafka it uses, its plugin path), and writing the pair as
//! a Java properties line. A value is never shown (`Debug` masks it): it may be a password.

use std::fmt;
use std::str::FromStr;

/// Keys kcsh sets itself, with what to do instead: the session's URL, the Kafka it talks to and
/// the plugin path are facts kcsh must know, not only the worker.
const OWNED: &[(&str, &str)] = &[
    (
        "bootstrap.servers",
        "the embedded worker uses the embedded Kafka; use --worker-config FILE for another Kafka",
    ),
    (
        "listeners",
        "kcsh picks a free loopback port and talks to it; use --worker-config FILE for a fixed listener",
    ),
    (
        "rest.advertised.host.name",
        "kcsh sets it to the listener it talks to",
    ),
    (
        "rest.advertised.port",
        "kcsh sets it to the listener it talks to",
    ),
    ("plugin.path", "use --plugin-path DIR[,DIR...]"),
];

/// One `--worker-property`.
#[derive(Clone, PartialEq, Eq)]
pub struct WorkerProperty {
    pub key: String,
    pub value: String,
}

impl fmt::Debug for WorkerProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=[hidden]", self.key)
    }
}

impl FromStr for WorkerProperty {
    type Err = String;

    /// `KEY=VALUE`; the error names the key at most, never the value.
    fn from_str(s: &str) -> Result<WorkerProperty, String> {
        let (key, value) = s.split_once('=').ok_or_else(|| {
            "expected KEY=VALUE, e.g. value.converter.schemas.enable=true".to_string()
        })?;
        let key = key.trim();
        let plain = !key.is_empty()
            && key.len() <= 256
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !plain {
            return Err(format!(
                "{:?} is not a worker property key (letters, digits, `.`, `_`, `-`)",
                crate::secrets::escape_control(&key.chars().take(64).collect::<String>())
            ));
        }
        if value.contains(['\n', '\r']) || value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(format!(
                "the value of {key} must be one line without control characters"
            ));
        }
        if let Some((_, instead)) = OWNED.iter().find(|(k, _)| *k == key) {
            return Err(format!("{key} is set by kcsh: {instead}"));
        }
        Ok(WorkerProperty {
            key: key.to_string(),
            value: value.to_string(),
        })
    }
}

/// The clap value parser of `--worker-property`: clap's own error would echo the argument,
/// value and all, so the message is ours (naming the key at most).
#[derive(Debug, Clone, Copy)]
pub struct ClapParser;

impl clap::builder::TypedValueParser for ClapParser {
    type Value = WorkerProperty;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<WorkerProperty, clap::Error> {
        let fail = |m: String| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("--worker-property: {m}\n"),
            )
        };
        value
            .to_str()
            .ok_or_else(|| fail("not valid UTF-8".into()))?
            .parse()
            .map_err(fail)
    }
}

impl WorkerProperty {
    /// The pair as one Java properties line: `\` doubled (else Java reads `C:\x` as `C:x`) and
    /// a leading blank escaped (else Java drops it).
    pub fn line(&self) -> String {
        let mut value = self.value.replace('\\', "\\\\");
        if value.starts_with([' ', '\t']) {
            value.insert(0, '\\');
        }
        format!("{}={value}", self.key)
    }
}

/// `base` with every override applied: a key already there takes the override's value in
/// place, a new key is added at the end, in the order given (the last of a repeated key wins).
pub fn apply(base: &mut Vec<(String, String)>, overrides: &[WorkerProperty]) {
    for o in overrides {
        match base.iter_mut().find(|(k, _)| *k == o.key) {
            Some(entry) => entry.1 = o.value.clone(),
            None => base.push((o.key.clone(), o.value.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::config::{get, parse_properties};

    fn parse(s: &str) -> Result<WorkerProperty, String> {
        s.parse()
    }

    #[test]
    fn the_form_is_checked_and_errors_never_show_the_value() {
        let p = parse("value.converter.schemas.enable=true").unwrap();
        assert_eq!(
            (p.key.as_str(), p.value.as_str()),
            ("value.converter.schemas.enable", "true")
        );
        assert_eq!(
            parse("a.b=x=y").unwrap().value,
            "x=y",
            "only the first = splits"
        );
        assert_eq!(parse("empty=").unwrap().value, "");
        for bad in [
            "novalue",
            "=v",
            "has space=s3cret",
            "a/b=s3cret",
            "k=s3cret\nlisteners=x",
            "k=s3\u{7}",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(
                !err.contains("s3cret") && !err.contains("s3"),
                "{bad:?}: {err}"
            );
        }
        let err = parse("listeners=http://0.0.0.0:1").unwrap_err();
        assert!(
            err.contains("set by kcsh") && err.contains("--worker-config"),
            "{err}"
        );
        assert!(
            parse("plugin.path=/x")
                .unwrap_err()
                .contains("--plugin-path")
        );
        let secret = parse("producer.override.sasl.jaas.config=s3cret").unwrap();
        assert!(!format!("{secret:?}").contains("s3cret"));
    }

    #[test]
    fn lines_read_back_as_the_same_value() {
        for value in [
            "C:\\dir\\x",
            "  leading",
            "trailing \\",
            "${file:/a:b}",
            "#not a comment",
        ] {
            let p = WorkerProperty {
                key: "k".into(),
                value: value.into(),
            };
            let read = parse_properties(&format!("{}\n", p.line()));
            // kcsh's reader keeps escapes; Java's reader resolves them like this.
            let raw = get(&read, "k").unwrap();
            let mut java = String::new();
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                java.push(if c == '\\' { chars.next().unwrap() } else { c });
            }
            assert_eq!(java, value, "{value:?}");
        }
    }

    #[test]
    fn overrides_replace_in_place_or_append() {
        let mut base = vec![
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ];
        apply(
            &mut base,
            &[
                parse("b=3").unwrap(),
                parse("c=4").unwrap(),
                parse("c=5").unwrap(),
            ],
        );
        assert_eq!(
            base,
            [
                ("a".into(), "1".into()),
                ("b".into(), "3".into()),
                ("c".into(), "5".into())
            ]
        );
    }
}
