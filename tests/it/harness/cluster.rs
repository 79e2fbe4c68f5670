//! The cluster under test: its URL, Kafka bootstrap, jars and run dir from the environment that
//! `scripts/test` sets (`KCSH_TEST_URL`, `KCSH_TEST_BOOTSTRAP`, `KCSH_TEST_KAFKA_HOME`,
//! `KCSH_TEST_RUN_DIR`); whether a test that needs it runs, is skipped, or fails; and extra
//! Connect workers on the same Kafka, started with kcsh's own `--worker-config` code.

use std::io::Write;
use std::path::PathBuf;

use super::http::unique_name;

const HOW_TO_RUN: &str = "run the integration tests with `scripts/test` (it starts a cluster), or \
     point KCSH_TEST_URL (and KCSH_TEST_BOOTSTRAP, KCSH_TEST_KAFKA_HOME) at a running one, e.g. \
     from `kcsh --embedded --detach`";

/// Set (to anything but empty or `0`) by `scripts/test`: a test that needs a cluster and finds
/// none fails instead of being skipped, so CI never passes by skipping.
pub const REQUIRE_CLUSTER: &str = "KCSH_TEST_REQUIRE_CLUSTER";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether a test that needs the cluster may run. Without `KCSH_TEST_URL` it prints a `skipped`
/// line naming the test on stderr (past the test harness's capture) and returns false, or
/// panics under [`REQUIRE_CLUSTER`]. Use it through `require_cluster!()`.
pub fn available() -> bool {
    if var("KCSH_TEST_URL").is_some() {
        return true;
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    if var(REQUIRE_CLUSTER).is_some_and(|v| v != "0") {
        panic!("{test} needs a cluster and KCSH_TEST_URL is not set: {HOW_TO_RUN}");
    }
    // Written to the stream itself, not through `eprintln!`, which libtest captures.
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: needs a Connect cluster (KCSH_TEST_URL is not set; scripts/test starts one)"
    );
    false
}

fn required_env(name: &str) -> String {
    var(name).unwrap_or_else(|| panic!("{name} is not set: {HOW_TO_RUN}"))
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

/// The cluster's URL when one is configured (for helpers that work with or without one).
pub fn configured_url() -> Option<String> {
    var("KCSH_TEST_URL").map(|u| u.trim_end_matches('/').to_string())
}

/// The test cluster's jars when known (so an `--embedded` started by a test fetches nothing).
pub fn configured_kafka_home() -> Option<PathBuf> {
    var("KCSH_TEST_KAFKA_HOME").map(PathBuf::from)
}

/// A directory in Kafka's layout (`libs/`, and `plugins/` with connect-file) for starting
/// extra JVMs: the jars the shared cluster runs from.
pub fn kafka_home() -> PathBuf {
    PathBuf::from(required_env("KCSH_TEST_KAFKA_HOME"))
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
