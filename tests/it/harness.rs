//! Helpers every integration test module may use: the cluster under test (from the
//! environment `scripts/test` sets), the built `kcsh` binary in a pinned environment, plain
//! HTTP to the worker, polling, unique names, and extra Connect workers on the same Kafka.
//! No assertions about kcsh's behaviour live here.

#![allow(dead_code)] // each test module uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

const HOW_TO_RUN: &str = "run the integration tests with `scripts/test` (it starts a cluster), or \
     point KCSH_TEST_URL (and KCSH_TEST_BOOTSTRAP, KCSH_TEST_KAFKA_HOME) at a running one, e.g. \
     from `kcsh --embedded --detach`";

fn required_env(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!("{name} is not set: {HOW_TO_RUN}"),
    }
}

/// The Connect REST URL of the shared test cluster, e.g. `http://127.0.0.1:41234`.
pub fn test_url() -> String {
    required_env("KCSH_TEST_URL")
        .trim_end_matches('/')
        .to_string()
}

/// The Kafka bootstrap servers of the shared test cluster.
pub fn test_bootstrap() -> String {
    required_env("KCSH_TEST_BOOTSTRAP")
}

/// A directory in Kafka's layout (`libs/`, and `plugins/` with connect-file) for starting
/// extra JVMs: the jars the shared cluster runs from.
pub fn kafka_home() -> PathBuf {
    PathBuf::from(required_env("KCSH_TEST_KAFKA_HOME"))
}

/// One temp HOME for the whole test process (no user config, history or contexts leak in).
fn temp_home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().expect("temp HOME"))
        .path()
}

/// The built kcsh with `NO_COLOR=1`, a temp HOME, no KCSH_* settings from the caller, and
/// `KCSH_URL` set to the test cluster.
pub fn kcsh() -> Command {
    let mut cmd = kcsh_without_cluster();
    cmd.env("KCSH_URL", test_url());
    cmd
}

/// The built kcsh in the same pinned environment but with no cluster URL (for `--check`,
/// usage errors, `--embedded` faults). `KAFKA_HOME` is the test cluster's jars when known, so
/// an `--embedded` started by a test fetches nothing.
pub fn kcsh_without_cluster() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kcsh"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("KCSH_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("NO_COLOR", "1")
        .env("HOME", temp_home())
        .env("XDG_CONFIG_HOME", temp_home().join(".config"))
        .env("XDG_DATA_HOME", temp_home().join(".local/share"))
        .env("XDG_STATE_HOME", temp_home().join(".local/state"))
        .env_remove("KAFKA_HOME");
    if let Ok(home) = std::env::var("KCSH_TEST_KAFKA_HOME") {
        cmd.env("KAFKA_HOME", home);
    }
    cmd
}

/// A blocking HTTP client with a timeout above Connect's own 90 s.
pub fn http() -> reqwest::blocking::Client {
    static CLIENT: OnceLock<reqwest::blocking::Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            kcsh::connect::client::install_crypto_provider();
            reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .expect("HTTP client")
        })
        .clone()
}

/// Status and JSON body (`Value::Null` when empty or not JSON) of a request to the test
/// cluster; `path` starts with `/`.
pub fn request(method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    request_to(&test_url(), method, path, body)
}

/// [`request`] against any worker URL.
pub fn request_to(url: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("HTTP method");
    let mut req = http().request(method, format!("{url}{path}"));
    if let Some(body) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let resp = req
        .send()
        .unwrap_or_else(|e| panic!("request to {url}{path} failed: {e}"));
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The status of `GET url+path`, or `None` while nothing answers (for polling a starting worker).
pub fn probe(url: &str, path: &str) -> Option<u16> {
    http()
        .get(format!("{url}{path}"))
        .timeout(Duration::from_secs(5))
        .send()
        .ok()
        .map(|r| r.status().as_u16())
}

pub fn get(path: &str) -> (u16, Value) {
    request("GET", path, None)
}

pub fn post(path: &str, body: &Value) -> (u16, Value) {
    request("POST", path, Some(body))
}

pub fn put(path: &str, body: &Value) -> (u16, Value) {
    request("PUT", path, Some(body))
}

pub fn delete(path: &str) -> (u16, Value) {
    request("DELETE", path, None)
}

/// Poll `check` every 200 ms until it returns `Some`, or panic after `timeout` naming `what`.
pub fn wait_until<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        if started.elapsed() > timeout {
            panic!("timed out after {} s waiting for {what}", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A name no other test (or earlier run against the same cluster) uses: `prefix-<pid>-<n>`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Deletes the connector when dropped, so a failing test leaves nothing running.
pub struct ConnectorGuard(pub String);

impl Drop for ConnectorGuard {
    fn drop(&mut self) {
        if let Ok(url) = std::env::var("KCSH_TEST_URL") {
            let path = format!("/connectors/{}", self.0);
            let _ = http().delete(format!("{url}{path}")).send();
        }
    }
}

/// An extra Connect worker on the test cluster's Kafka, in its own group (unique group id and
/// internal topics), on a free loopback port, started with `kcsh`'s own `--worker-config`
/// code. `extra` adds or overrides worker properties (e.g. a REST extension). It stops when
/// dropped; keep it on the test's thread (the JVM is tied to the thread that started it).
pub struct ExtraWorker {
    pub cluster: kcsh::embedded::Cluster,
    _dir: tempfile::TempDir,
    auth_dir: Option<tempfile::TempDir>,
}

impl ExtraWorker {
    pub fn start(name: &str, extra: &[(&str, &str)]) -> ExtraWorker {
        ExtraWorker::start_with_jvm_options(name, extra, &[])
    }

    /// [`ExtraWorker::start`] with JVM options, e.g.
    /// `-Djava.security.auth.login.config=FILE` for the basic-auth REST extension.
    pub fn start_with_jvm_options(
        name: &str,
        extra: &[(&str, &str)],
        jvm_options: &[String],
    ) -> ExtraWorker {
        let dir = tempfile::tempdir().expect("temp dir");
        let group = unique_name(name);
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut props = vec![
            ("bootstrap.servers".to_string(), test_bootstrap()),
            ("group.id".to_string(), group.clone()),
            (
                "key.converter".to_string(),
                "org.apache.kafka.connect.json.JsonConverter".to_string(),
            ),
            (
                "value.converter".to_string(),
                "org.apache.kafka.connect.json.JsonConverter".to_string(),
            ),
            (
                "config.storage.topic".to_string(),
                format!("{group}-configs"),
            ),
            (
                "offset.storage.topic".to_string(),
                format!("{group}-offsets"),
            ),
            (
                "status.storage.topic".to_string(),
                format!("{group}-status"),
            ),
            ("config.storage.replication.factor".to_string(), "1".into()),
            ("offset.storage.replication.factor".to_string(), "1".into()),
            ("status.storage.replication.factor".to_string(), "1".into()),
            ("offset.storage.partitions".to_string(), "1".into()),
            ("status.storage.partitions".to_string(), "1".into()),
            ("listeners".to_string(), format!("http://127.0.0.1:{port}")),
            ("rest.advertised.host.name".to_string(), "127.0.0.1".into()),
            ("plugin.discovery".to_string(), "service_load".into()),
            ("scheduled.rebalance.max.delay.ms".to_string(), "0".into()),
        ];
        for (k, v) in extra {
            props.retain(|(key, _)| key != k);
            props.push((k.to_string(), v.to_string()));
        }
        let file = dir.path().join("worker.properties");
        let text: String = props.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        std::fs::write(&file, text).expect("write worker.properties");
        let args = kcsh::cli::EmbeddedArgs {
            worker_config: Some(file),
            kafka_home: Some(kafka_home()),
            ..Default::default()
        };
        let opts = kcsh::embedded::StartOptions {
            jvm_options: jvm_options.to_vec(),
            ..kcsh::embedded::StartOptions::new(false)
        };
        let cluster = kcsh::embedded::Cluster::start_opts(&args, &opts)
            .unwrap_or_else(|e| panic!("extra worker {name} did not start: {e}"));
        ExtraWorker {
            cluster,
            _dir: dir,
            auth_dir: None,
        }
    }

    pub fn url(&self) -> &str {
        self.cluster.url()
    }
}

/// An extra worker that requires HTTP basic auth (Connect's `BasicAuthSecurityRestExtension`
/// with a JAAS `PropertyFileLoginModule`) and accepts `user`/`password`.
pub fn basic_auth_worker(name: &str, user: &str, password: &str) -> ExtraWorker {
    let dir = tempfile::tempdir().expect("temp dir");
    let users = dir.path().join("users.properties");
    std::fs::write(&users, format!("{user}: {password}\n")).expect("write users");
    let jaas = dir.path().join("jaas.conf");
    std::fs::write(
        &jaas,
        format!(
            "KafkaConnect {{\n  org.apache.kafka.connect.rest.basic.auth.extension.\
             PropertyFileLoginModule required\n  file=\"{}\";\n}};\n",
            users.display()
        ),
    )
    .expect("write jaas.conf");
    let mut worker = ExtraWorker::start_with_jvm_options(
        name,
        &[(
            "rest.extension.classes",
            "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension",
        )],
        &[format!(
            "-Djava.security.auth.login.config={}",
            jaas.display()
        )],
    );
    worker.auth_dir = Some(dir);
    worker
}
