//! Where and how to connect: the contexts file (`<config dir>/kcsh/config.toml`) merged with the
//! command line (`cli::ConnectionArgs`, which wins). Produces `Settings` for the client; reads
//! files and the password prompt, sends nothing.
//!
//! ```toml
//! [contexts.prod]
//! url = "https://connect-1:8083,https://connect-2:8083"
//! user = "admin"
//! password_file = "/home/me/.kcsh-prod-password"
//! ca_cert = "/etc/ssl/prod-ca.pem"
//! headers = ["X-Team: data"]
//! ```

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cli::ConnectionArgs;
use crate::error::Error;

pub const DEFAULT_URL: &str = "http://localhost:8083";

/// The contexts file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

/// One named cluster: URL, auth and TLS settings. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub url: Option<String>,
    pub user: Option<String>,
    pub password_file: Option<PathBuf>,
    pub token: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    #[serde(default)]
    pub insecure: bool,
    #[serde(default)]
    pub headers: Vec<String>,
    /// Kafka: bootstrap servers, TLS and SASL (see `kafka::config`).
    pub bootstrap: Option<String>,
    #[serde(default)]
    pub kafka_tls: bool,
    pub kafka_ca_cert: Option<PathBuf>,
    pub kafka_client_cert: Option<PathBuf>,
    pub kafka_client_key: Option<PathBuf>,
    pub kafka_sasl_mechanism: Option<String>,
    pub kafka_user: Option<String>,
    pub kafka_password_file: Option<PathBuf>,
}

impl Context {
    /// A token, a URL password or a secret-named header (`Authorization: ...`) is written in it.
    fn holds_secret(&self) -> bool {
        self.token.is_some()
            || self
                .url
                .as_deref()
                .is_some_and(|u| !crate::secrets::embedded_spans(u).is_empty())
            || self.headers.iter().any(|h| {
                let name = h.split(':').next().unwrap_or("");
                crate::secrets::is_secret_name(name)
            })
    }
}

/// Everything the client needs, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub urls: Vec<String>,
    /// (user, password)
    pub basic: Option<(String, String)>,
    pub token: Option<String>,
    pub headers: Vec<(String, String)>,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: Duration,
    pub retry_timeout: Duration,
    /// Largest answer read, in bytes; a longer one is an error ([`DEFAULT_MAX_BODY`]).
    pub max_body: usize,
    /// The Kafka brokers, when a bootstrap is given (`kafka::config::resolve`).
    pub kafka: Option<crate::kafka::KafkaConfig>,
}

/// 64 MiB: `GET /connectors?expand=status&expand=info` of 10,000 connectors with 5 KiB configs
/// is about 50 MB.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            urls: vec![DEFAULT_URL.to_string()],
            basic: None,
            token: None,
            headers: Vec::new(),
            ca_cert: None,
            client_cert: None,
            client_key: None,
            insecure: false,
            timeout: Duration::from_secs(120),
            retry_timeout: Duration::from_secs(30),
            max_body: DEFAULT_MAX_BODY,
            kafka: None,
        }
    }
}

/// The default contexts file: `<config dir>/kcsh/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("kcsh").join("config.toml"))
}

/// Reads a contexts file; a missing file is an empty one.
pub fn load_config(path: &Path) -> Result<ConfigFile, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            // toml's own Display shows the offending line, which may hold a token.
            let file: ConfigFile = toml::from_str(&text).map_err(|e| {
                let why = crate::secrets::file_error_text(e.message(), e.span(), &text);
                Error::usage(format!("invalid config file {}: {why}", path.display()))
            })?;
            if file.contexts.values().any(Context::holds_secret) {
                crate::secrets::warn_if_exposed(path);
            }
            Ok(file)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(e) => Err(Error::usage(format!(
            "cannot read config file {}: {e}",
            path.display()
        ))),
    }
}

/// Resolves the command line (and its env fallbacks) over the named context.
/// `prompt` asks for a password on the terminal when a user has none; tests pass `false`.
pub fn resolve(args: &ConnectionArgs, prompt: bool) -> Result<Settings, Error> {
    let context = match &args.context {
        Some(name) => {
            let path = match &args.config {
                Some(p) => p.clone(),
                None => default_config_path().ok_or_else(|| {
                    Error::usage("no config directory on this system for --context")
                })?,
            };
            let file = load_config(&path)?;
            match file.contexts.get(name) {
                Some(c) => c.clone(),
                None => {
                    let known: Vec<&str> = file.contexts.keys().map(String::as_str).collect();
                    return Err(Error::usage(format!(
                        "no context \"{name}\" in {}{}",
                        path.display(),
                        if known.is_empty() {
                            String::new()
                        } else {
                            format!(" (known: {})", known.join(", "))
                        }
                    )));
                }
            }
        }
        None => Context::default(),
    };
    let password_from_env = std::env::var("KCSH_PASSWORD").ok();
    let mut settings = resolve_with(args, &context, password_from_env, prompt)?;
    let kafka_password = std::env::var("KCSH_KAFKA_PASSWORD").ok();
    settings.kafka = crate::kafka::config::resolve(&args.kafka, &context, kafka_password)?;
    Ok(settings)
}

/// `resolve` without the environment and files of the contexts lookup (testable).
pub fn resolve_with(
    args: &ConnectionArgs,
    context: &Context,
    password_from_env: Option<String>,
    prompt: bool,
) -> Result<Settings, Error> {
    let url = args
        .url
        .clone()
        .or_else(|| context.url.clone())
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let urls = parse_urls(&url)?;

    let user = args.user.clone().or_else(|| context.user.clone());
    let basic = match user {
        None => None,
        Some(user) => {
            // An explicit flag beats the environment, which beats the context.
            let password = if let Some(file) = &args.password_file {
                read_password_file(file)?
            } else if let Some(p) = password_from_env {
                p
            } else if let Some(file) = &context.password_file {
                read_password_file(file)?
            } else if prompt && std::io::stdin().is_terminal() {
                rpassword::prompt_password(format!("Password for {user}: "))
                    .map_err(|e| Error::usage(format!("cannot read the password: {e}")))?
            } else {
                return Err(Error::usage(format!(
                    "no password for user \"{user}\": set KCSH_PASSWORD or --password-file \
                     (a prompt needs a terminal)"
                )));
            };
            Some((user, password))
        }
    };

    let mut headers = Vec::new();
    for h in context.headers.iter().chain(args.headers.iter()) {
        headers.push(parse_header(h)?);
    }

    Ok(Settings {
        urls,
        basic,
        token: args.token.clone().or_else(|| context.token.clone()),
        headers,
        ca_cert: args.ca_cert.clone().or_else(|| context.ca_cert.clone()),
        client_cert: args
            .client_cert
            .clone()
            .or_else(|| context.client_cert.clone()),
        client_key: args
            .client_key
            .clone()
            .or_else(|| context.client_key.clone()),
        insecure: args.insecure || context.insecure,
        timeout: Duration::from_secs(args.timeout.max(1)),
        retry_timeout: Duration::from_secs(args.retry_timeout),
        max_body: DEFAULT_MAX_BODY,
        kafka: None,
    })
}

/// `a,b` -> each URL trimmed, without a trailing `/`; a missing scheme means `http://`.
pub fn parse_urls(list: &str) -> Result<Vec<String>, Error> {
    let mut urls = Vec::new();
    for part in list.split(',') {
        let part = part.trim().trim_end_matches('/');
        if part.is_empty() {
            continue;
        }
        let url = if part.contains("://") {
            part.to_string()
        } else {
            format!("http://{part}")
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::usage(format!(
                "unsupported URL \"{url}\": use http:// or https://"
            )));
        }
        urls.push(url);
    }
    if urls.is_empty() {
        return Err(Error::usage(format!("no URL in \"{list}\"")));
    }
    Ok(urls)
}

/// `Name: value` -> (name, value).
pub fn parse_header(h: &str) -> Result<(String, String), Error> {
    match h.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(Error::usage(format!(
            "invalid header \"{h}\": expected 'Name: value'"
        ))),
    }
}

fn read_password_file(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read password file {}: {e}", path.display())))?;
    crate::secrets::warn_if_exposed(path);
    Ok(text.lines().next().unwrap_or("").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> ConnectionArgs {
        ConnectionArgs {
            timeout: 120,
            retry_timeout: 30,
            ..Default::default()
        }
    }

    #[test]
    fn defaults_to_localhost() {
        let s = resolve_with(&args(), &Context::default(), None, false).unwrap();
        assert_eq!(s.urls, vec!["http://localhost:8083"]);
        assert_eq!(s.timeout, Duration::from_secs(120));
    }

    #[test]
    fn url_lists_are_split_and_normalised() {
        assert_eq!(
            parse_urls("http://a:8083/, b:8083").unwrap(),
            vec!["http://a:8083", "http://b:8083"]
        );
        assert!(parse_urls("ftp://x").is_err());
        assert!(parse_urls(" , ").is_err());
    }

    #[test]
    fn flags_override_the_context() {
        let file: ConfigFile = toml::from_str(
            r#"
            [contexts.prod]
            url = "https://prod:8083"
            user = "admin"
            token = "t0"
            headers = ["X-Team: data"]
            insecure = true
            "#,
        )
        .unwrap();
        let ctx = &file.contexts["prod"];
        let mut a = args();
        a.url = Some("https://other:8083".into());
        a.headers = vec!["X-Extra: 1".into()];
        let s = resolve_with(&a, ctx, Some("pw".into()), false).unwrap();
        assert_eq!(s.urls, vec!["https://other:8083"]);
        assert_eq!(s.basic, Some(("admin".into(), "pw".into())));
        assert_eq!(s.token.as_deref(), Some("t0"));
        assert!(s.insecure);
        assert_eq!(
            s.headers,
            vec![
                ("X-Team".to_string(), "data".to_string()),
                ("X-Extra".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn unknown_context_keys_are_rejected() {
        assert!(toml::from_str::<ConfigFile>("[contexts.a]\npassword = 'x'\n").is_err());
    }

    #[test]
    fn user_without_password_source_is_a_usage_error() {
        let mut a = args();
        a.user = Some("admin".into());
        let e = resolve_with(&a, &Context::default(), None, false).unwrap_err();
        assert!(e.to_string().contains("KCSH_PASSWORD"), "{e}");
    }

    #[test]
    fn password_file_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "s3cret\nignored\n").unwrap();
        let mut a = args();
        a.user = Some("admin".into());
        a.password_file = Some(p);
        let s = resolve_with(&a, &Context::default(), None, false).unwrap();
        assert_eq!(s.basic, Some(("admin".into(), "s3cret".into())));
    }

    #[test]
    fn headers_need_a_colon() {
        assert!(parse_header("nocolon").is_err());
        assert_eq!(
            parse_header("A: b: c").unwrap(),
            ("A".to_string(), "b: c".to_string())
        );
    }
}
