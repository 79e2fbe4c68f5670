//! Where the Kafka brokers are and how to log in: [`KafkaConfig`], resolved from the command
//! line (`cli::KafkaArgs`, with `KCSH_BOOTSTRAP` / `KCSH_KAFKA_USER` env fallbacks), the
//! password's environment variable `KCSH_KAFKA_PASSWORD`, and the context's Kafka keys (the flag
//! wins, as for the REST settings). Reads the password file; connects to nothing.
//!
//! ```toml
//! [contexts.prod]
//! url = "https://connect-1:8083"
//! bootstrap = "kafka-1:9093,kafka-2:9093"
//! kafka_ca_cert = "/etc/ssl/kafka-ca.pem"
//! kafka_sasl_mechanism = "SCRAM-SHA-512"
//! kafka_user = "kcsh"
//! kafka_password_file = "/home/me/.kcsh-kafka-password"
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::cli::KafkaArgs;
use crate::connect::config::Context;
use crate::error::Error;

/// How long connecting to the brokers may take before it is reported unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one metadata, offsets or fetch exchange may take (a fetch's own wait included).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the Kafka client needs, resolved.
#[derive(Clone, PartialEq)]
pub struct KafkaConfig {
    /// `host:port` of each bootstrap broker, in the order given.
    pub bootstrap: Vec<String>,
    /// `None`: plaintext.
    pub tls: Option<TlsFiles>,
    pub sasl: Option<Sasl>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl KafkaConfig {
    /// Plaintext, no login, default timeouts.
    pub fn plain(bootstrap: Vec<String>) -> KafkaConfig {
        KafkaConfig {
            bootstrap,
            tls: None,
            sasl: None,
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

impl fmt::Debug for KafkaConfig {
    /// Never shows the SASL password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaConfig")
            .field("bootstrap", &self.bootstrap)
            .field("tls", &self.tls)
            .field("sasl", &self.sasl)
            .finish_non_exhaustive()
    }
}

/// TLS to the brokers: the CA to trust (else the platform's roots) and an optional client
/// certificate with its key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsFiles {
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
}

/// SASL login. `Debug` masks the password.
#[derive(Clone, PartialEq)]
pub struct Sasl {
    pub mechanism: Mechanism,
    pub user: String,
    pub password: String,
}

impl fmt::Debug for Sasl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sasl")
            .field("mechanism", &self.mechanism)
            .field("user", &self.user)
            .field("password", &crate::secrets::HIDDEN)
            .finish()
    }
}

/// The SASL mechanisms kcsh speaks. One `FromStr` for the flag and the context key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    Plain,
    ScramSha256,
    ScramSha512,
}

impl Mechanism {
    pub const ALL: [Mechanism; 3] = [
        Mechanism::Plain,
        Mechanism::ScramSha256,
        Mechanism::ScramSha512,
    ];

    /// Kafka's own spelling (`sasl.mechanism`).
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }
}

impl FromStr for Mechanism {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim();
        Mechanism::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(word))
            .ok_or_else(|| {
                format!(
                    "unknown SASL mechanism '{word}': expected {}",
                    Mechanism::ALL.map(Mechanism::name).join(", ")
                )
            })
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The Kafka settings of the command line over the context's; `None` when no bootstrap is
/// given anywhere (statements that need Kafka then say how to give one).
pub fn resolve(
    args: &KafkaArgs,
    context: &Context,
    password_from_env: Option<String>,
) -> Result<Option<KafkaConfig>, Error> {
    let Some(list) = args.bootstrap.clone().or_else(|| context.bootstrap.clone()) else {
        return Ok(None);
    };
    let bootstrap = parse_bootstrap(&list)?;

    let ca_cert = args
        .kafka_ca_cert
        .clone()
        .or_else(|| context.kafka_ca_cert.clone());
    let client_cert = args
        .kafka_client_cert
        .clone()
        .or_else(|| context.kafka_client_cert.clone());
    let client_key = args
        .kafka_client_key
        .clone()
        .or_else(|| context.kafka_client_key.clone());
    if client_cert.is_some() != client_key.is_some() {
        return Err(Error::usage(
            "a Kafka client certificate needs its key, and a key its certificate",
        ));
    }
    let wants_tls =
        args.kafka_tls || context.kafka_tls || ca_cert.is_some() || client_cert.is_some();
    let tls = wants_tls.then_some(TlsFiles {
        ca_cert,
        client_cert,
        client_key,
    });

    let mechanism = match (&args.kafka_sasl_mechanism, &context.kafka_sasl_mechanism) {
        (Some(m), _) => Some(*m),
        (None, Some(text)) => Some(text.parse::<Mechanism>().map_err(Error::usage)?),
        (None, None) => None,
    };
    let user = args
        .kafka_user
        .clone()
        .or_else(|| context.kafka_user.clone());
    let sasl = match user {
        None if mechanism.is_some() => {
            return Err(Error::usage(
                "a SASL mechanism for Kafka needs a user: --kafka-user USER (or kafka_user in the context)",
            ));
        }
        None => None,
        Some(user) => {
            let password = if let Some(file) = &args.kafka_password_file {
                read_password_file(file)?
            } else if let Some(p) = password_from_env {
                p
            } else if let Some(file) = &context.kafka_password_file {
                read_password_file(file)?
            } else {
                return Err(Error::usage(format!(
                    "no Kafka password for user \"{user}\": set KCSH_KAFKA_PASSWORD or \
                     --kafka-password-file (or kafka_password_file in the context)"
                )));
            };
            Some(Sasl {
                mechanism: mechanism.unwrap_or(Mechanism::Plain),
                user,
                password,
            })
        }
    };
    Ok(Some(KafkaConfig {
        bootstrap,
        tls,
        sasl,
        connect_timeout: CONNECT_TIMEOUT,
        request_timeout: REQUEST_TIMEOUT,
    }))
}

/// `a:9092, b:9092` -> each `host:port` trimmed; a missing or bad port, a scheme, a path or an
/// empty list is refused (rskafka would only fail later, with a vaguer message).
pub fn parse_bootstrap(list: &str) -> Result<Vec<String>, Error> {
    let mut servers = Vec::new();
    for part in list.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let bad = |why: &str| {
            Error::usage(format!(
                "invalid bootstrap server \"{part}\": {why} (expected HOST:PORT)"
            ))
        };
        if part.contains("://") || part.contains('/') {
            return Err(bad("no scheme or path"));
        }
        let Some((host, port)) = part.rsplit_once(':') else {
            return Err(bad("no port"));
        };
        if host.is_empty() || host.chars().any(char::is_whitespace) {
            return Err(bad("no host"));
        }
        match port.parse::<u16>() {
            Ok(p) if p > 0 => {}
            _ => return Err(bad("the port is not a number from 1 to 65535")),
        }
        servers.push(part.to_string());
    }
    if servers.is_empty() {
        return Err(Error::usage(format!(
            "no bootstrap server in \"{list}\" (expected HOST:PORT[,HOST:PORT...])"
        )));
    }
    Ok(servers)
}

fn read_password_file(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!(
            "cannot read Kafka password file {}: {e}",
            path.display()
        ))
    })?;
    crate::secrets::warn_if_exposed(path);
    Ok(text.lines().next().unwrap_or("").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_lists_are_checked_and_trimmed() {
        assert_eq!(
            parse_bootstrap(" a:9092 ,b:1,").unwrap(),
            vec!["a:9092", "b:1"]
        );
        assert_eq!(parse_bootstrap("[::1]:9092").unwrap(), vec!["[::1]:9092"]);
        for bad in [
            "",
            " , ",
            "a",
            "a:",
            ":9092",
            "a:0",
            "a:70000",
            "a:x",
            "PLAINTEXT://a:9092",
            "a:9092/x",
        ] {
            assert!(parse_bootstrap(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn one_spelling_of_each_mechanism() {
        for m in Mechanism::ALL {
            assert_eq!(m.name().parse::<Mechanism>().unwrap(), m);
            assert_eq!(m.name().to_lowercase().parse::<Mechanism>().unwrap(), m);
        }
        let e = "GSSAPI".parse::<Mechanism>().unwrap_err();
        assert!(e.contains("SCRAM-SHA-512"), "{e}");
    }

    #[test]
    fn no_bootstrap_is_no_kafka() {
        let r = resolve(&KafkaArgs::default(), &Context::default(), None).unwrap();
        assert_eq!(r, None);
    }

    #[test]
    fn flags_override_the_context_and_tls_follows_a_ca() {
        let ctx = Context {
            bootstrap: Some("ctx:9092".into()),
            kafka_ca_cert: Some("/ca.pem".into()),
            kafka_sasl_mechanism: Some("scram-sha-256".into()),
            kafka_user: Some("ctx-user".into()),
            ..Context::default()
        };
        let args = KafkaArgs {
            bootstrap: Some("flag:9093".into()),
            ..KafkaArgs::default()
        };
        let c = resolve(&args, &ctx, Some("pw".into())).unwrap().unwrap();
        assert_eq!(c.bootstrap, vec!["flag:9093"]);
        assert_eq!(c.tls.unwrap().ca_cert, Some(PathBuf::from("/ca.pem")));
        let sasl = c.sasl.unwrap();
        assert_eq!(sasl.mechanism, Mechanism::ScramSha256);
        assert_eq!(sasl.user, "ctx-user");
        assert!(!format!("{sasl:?}").contains("pw"));
    }

    #[test]
    fn a_user_needs_a_password_and_a_mechanism_a_user() {
        let args = KafkaArgs {
            bootstrap: Some("a:1".into()),
            kafka_user: Some("u".into()),
            ..KafkaArgs::default()
        };
        let e = resolve(&args, &Context::default(), None).unwrap_err();
        assert!(e.to_string().contains("KCSH_KAFKA_PASSWORD"), "{e}");
        let args = KafkaArgs {
            bootstrap: Some("a:1".into()),
            kafka_sasl_mechanism: Some(Mechanism::Plain),
            ..KafkaArgs::default()
        };
        assert!(resolve(&args, &Context::default(), None).is_err());
        let args = KafkaArgs {
            bootstrap: Some("a:1".into()),
            kafka_client_cert: Some("/c.pem".into()),
            ..KafkaArgs::default()
        };
        assert!(resolve(&args, &Context::default(), None).is_err());
    }
}
