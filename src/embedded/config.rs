//! The files an embedded cluster runs from: the log4j2 configuration, the KRaft broker's
//! `server.properties`, the Connect worker's properties; plus reading a user's worker
//! properties (`--worker-config`). Pure text in, text out: writes no files itself.

use std::path::{Path, PathBuf};

use super::overrides::WorkerProperty;

/// log4j2 configuration (properties format, so no YAML jar is needed): everything to stdout,
/// which kcsh redirects to one log file per process.
pub const LOG4J2: &str = "\
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %X{connector.context}%m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.metadata.name = org.apache.kafka.metadata
logger.metadata.level = WARN
";

/// One combined broker+controller node on loopback with a static quorum (no `--standalone`
/// format needed), and the single-node replication settings plus test speed-ups.
pub fn broker_properties(data_dir: &Path, broker_port: u16, controller_port: u16) -> String {
    format!(
        "# Written by kcsh --embedded: one KRaft node (broker + controller) on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{broker_port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
",
        data = data_dir.display()
    )
}

/// A distributed worker on the embedded broker: JSON without schemas, one-partition internal
/// topics, fast offset flushes and no delayed rebalance (tests start and stop connectors fast);
/// `plugin_path` entries (none: no `plugin.path`), the `discovery` mode, then the user's
/// `--worker-property` overrides applied in place.
pub fn worker_properties(
    bootstrap: &str,
    rest_port: u16,
    plugin_path: &[PathBuf],
    discovery: &str,
    overrides: &[WorkerProperty],
) -> String {
    let mut props: Vec<(String, String)> = [
        ("bootstrap.servers", bootstrap.to_string()),
        ("group.id", "kcsh".into()),
        (
            "key.converter",
            "org.apache.kafka.connect.json.JsonConverter".into(),
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.json.JsonConverter".into(),
        ),
        ("key.converter.schemas.enable", "false".into()),
        ("value.converter.schemas.enable", "false".into()),
        ("config.storage.topic", "kcsh-configs".into()),
        ("offset.storage.topic", "kcsh-offsets".into()),
        ("status.storage.topic", "kcsh-status".into()),
        ("config.storage.replication.factor", "1".into()),
        ("offset.storage.replication.factor", "1".into()),
        ("status.storage.replication.factor", "1".into()),
        ("offset.storage.partitions", "1".into()),
        ("status.storage.partitions", "1".into()),
        ("offset.flush.interval.ms", "1000".into()),
        ("listeners", format!("http://127.0.0.1:{rest_port}")),
        ("rest.advertised.host.name", "127.0.0.1".into()),
        ("rest.advertised.port", rest_port.to_string()),
        (
            "plugin.path",
            super::plugins::plugin_path_value(plugin_path),
        ),
        ("plugin.discovery", discovery.to_string()),
        ("scheduled.rebalance.max.delay.ms", "0".into()),
    ]
    .into_iter()
    .filter(|(k, v)| *k != "plugin.path" || !v.is_empty())
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    super::overrides::apply(&mut props, overrides);
    let mut text = String::from("# Written by kcsh --embedded: one distributed Connect worker.\n");
    for (key, value) in props {
        text.push_str(&WorkerProperty { key, value }.line());
        text.push('\n');
    }
    text
}

/// Parse Java properties text: `key=value`, `key: value` or `key value`; `#` and `!` comments;
/// a trailing `\` continues the line. Enough for worker configs (no unicode escapes).
pub fn parse_properties(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut logical = String::new();
    for raw in text.lines() {
        let line = raw.trim_start();
        if logical.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with('!'))
        {
            continue;
        }
        let continued = line.ends_with('\\') && !line.ends_with("\\\\");
        logical.push_str(if continued {
            &line[..line.len() - 1]
        } else {
            line
        });
        if continued {
            continue;
        }
        let entry = std::mem::take(&mut logical);
        let split = entry
            .find(|c: char| c == '=' || c == ':' || c.is_whitespace())
            .unwrap_or(entry.len());
        let key = entry[..split].to_string();
        let mut value = entry[split..].trim_start();
        if let Some(v) = value.strip_prefix(['=', ':']) {
            value = v.trim_start();
        }
        out.push((key, value.trim_end().to_string()));
    }
    out
}

/// The last value of `key`, as Java's `Properties` would keep it.
pub fn get<'a>(props: &'a [(String, String)], key: &str) -> Option<&'a str> {
    props
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Where a worker's REST API listens, from its `listeners` (Connect's default `http://:8083`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The URL kcsh talks to: a wildcard or empty host becomes loopback.
    pub url: String,
    /// The host to test for "port already in use".
    pub bind_host: String,
    pub port: u16,
}

/// Read the first listener of a worker config.
pub fn worker_listener(props: &[(String, String)]) -> Result<Listener, String> {
    let listeners = get(props, "listeners").unwrap_or("http://:8083");
    let first = listeners
        .split(',')
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| "`listeners` is empty".to_string())?;
    let (scheme, rest) = first
        .split_once("://")
        .ok_or_else(|| format!("listener `{first}` has no scheme (expected http://HOST:PORT)"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "listener `{first}` is neither http:// nor https://"
        ));
    }
    let rest = rest.trim_end_matches('/');
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| format!("listener `{first}` has no port"))?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("listener `{first}` has an invalid port `{port}`"))?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let (url_host, bind_host) = match bare {
        "" | "0.0.0.0" => ("127.0.0.1".to_string(), "0.0.0.0".to_string()),
        "::" => ("[::1]".to_string(), "::".to_string()),
        h if h.contains(':') => (format!("[{h}]"), h.to_string()),
        h => (h.to_string(), h.to_string()),
    };
    Ok(Listener {
        url: format!("{scheme}://{url_host}:{port}"),
        bind_host,
        port,
    })
}

/// The arguments of Kafka's storage tool that format a KRaft node's storage. Every value is
/// joined to its option with `=` (`--cluster-id=<id>`): a random id starts with `-` about once
/// in 64, and as a separate argument the tool's parser reads it as an option and fails.
pub fn storage_format_args(cluster_id: &str, server_properties: &Path) -> Vec<String> {
    vec![
        "format".into(),
        format!("--cluster-id={cluster_id}"),
        format!("--config={}", server_properties.display()),
        "--ignore-formatted".into(),
    ]
}

/// A random KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what
/// `kafka-storage random-uuid` prints), without starting a JVM for it.
pub fn random_cluster_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .is_ok();
    if !filled {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            ^ u128::from(std::process::id()) << 64;
        bytes = seed.to_le_bytes();
    }
    // Kafka rejects the all-zero id and reserves a few low ids; a random id never hits them.
    base64_url(&bytes)
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(text: &str) -> Vec<(String, String)> {
        parse_properties(text)
    }

    #[test]
    fn parses_java_properties_forms() {
        let p = props(
            "# comment\n! also\nbootstrap.servers = a:1,b:2\ngroup.id:g\nkey value here\n\
             plugin.path=/a,\\\n   /b\nempty=\nlisteners=http://x:1\nlisteners=http://y:2\n",
        );
        assert_eq!(get(&p, "bootstrap.servers"), Some("a:1,b:2"));
        assert_eq!(get(&p, "group.id"), Some("g"));
        assert_eq!(get(&p, "key"), Some("value here"));
        assert_eq!(get(&p, "plugin.path"), Some("/a,/b"));
        assert_eq!(get(&p, "empty"), Some(""));
        assert_eq!(get(&p, "listeners"), Some("http://y:2"), "last value wins");
        assert_eq!(get(&p, "missing"), None);
    }

    #[test]
    fn finds_the_worker_listener() {
        let l = worker_listener(&[]).unwrap();
        assert_eq!(l.url, "http://127.0.0.1:8083");
        assert_eq!(l.bind_host, "0.0.0.0");
        let l = worker_listener(&props("listeners=HTTP://localhost:9000, https://:9443")).unwrap();
        assert_eq!((l.url.as_str(), l.port), ("http://localhost:9000", 9000));
        let l = worker_listener(&props("listeners=https://[::]:8443/")).unwrap();
        assert_eq!(l.url, "https://[::1]:8443");
        assert!(
            worker_listener(&props("listeners=localhost:80"))
                .unwrap_err()
                .contains("no scheme")
        );
        assert!(
            worker_listener(&props("listeners=http://h:port"))
                .unwrap_err()
                .contains("invalid port")
        );
    }

    #[test]
    fn cluster_ids_look_like_kafka_uuids() {
        let id = random_cluster_id();
        assert_eq!(id.len(), 22);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(id, random_cluster_id());
        assert_eq!(base64_url(b"\xff\xfe\xfd\x00"), "__79AA");
    }

    #[test]
    fn storage_format_values_cannot_be_read_as_options() {
        let args =
            storage_format_args("-AbCdEfGhIjKlMnOpQrStA", Path::new("/r/-server.properties"));
        assert_eq!(
            args,
            [
                "format",
                "--cluster-id=-AbCdEfGhIjKlMnOpQrStA",
                "--config=/r/-server.properties",
                "--ignore-formatted"
            ]
        );
        // No argument but the subcommand is a bare value the parser could take for an option.
        assert!(args[1..].iter().all(|a| a.starts_with("--")));
    }

    #[test]
    fn generated_files_name_the_ports() {
        let b = broker_properties(Path::new("/r/kraft"), 1, 2);
        assert!(b.contains("listeners=PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2"));
        assert!(b.contains("log.dirs=/r/kraft"));
        let w = worker_properties(
            "127.0.0.1:1",
            3,
            &[PathBuf::from("/p"), PathBuf::from("/q")],
            "service_load",
            &[],
        );
        assert!(w.contains("listeners=http://127.0.0.1:3\n"));
        assert!(w.contains("plugin.path=/p,/q\n"));
        assert!(w.contains("plugin.discovery=service_load\n"));
        assert!(!worker_properties("x", 3, &[], "service_load", &[]).contains("plugin.path"));
    }

    #[test]
    fn worker_property_overrides_replace_kcshs_values_in_place() {
        let overrides: Vec<WorkerProperty> = [
            "value.converter.schemas.enable=true",
            "plugin.discovery=hybrid_warn",
            "x.y=C:\\dir",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let w = worker_properties("b:1", 3, &[], "service_load", &overrides);
        let p = parse_properties(&w);
        assert_eq!(get(&p, "value.converter.schemas.enable"), Some("true"));
        assert_eq!(get(&p, "plugin.discovery"), Some("hybrid_warn"));
        assert_eq!(
            p.iter().filter(|(k, _)| k == "plugin.discovery").count(),
            1,
            "replaced in place"
        );
        assert_eq!(get(&p, "x.y"), Some("C:\\\\dir"), "escaped for Java");
    }
}
