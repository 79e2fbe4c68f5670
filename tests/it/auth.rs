//! Auth and TLS against real extra workers (started with kcsh's `--worker-config` code on the
//! test cluster's Kafka): an HTTPS listener with a CA made here with the JDK's keytool, the same
//! with client authentication required (mTLS), and Connect's basic-auth REST extension.
//! Also the contexts file (`--context`) through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use kcsh::connect::config::Settings;
use kcsh::exec::{Options, Session};

use crate::harness::{ExtraWorker, basic_auth_worker, field, kcsh, ok, run};

const PASS: &str = "changeit";

fn keytool(dir: &Path, args: &[&str]) {
    let out = Command::new("keytool")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("keytool (from the JDK) must be on PATH");
    assert!(
        out.status.success(),
        "keytool {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server key store signed by it (SAN 127.0.0.1), a trust store holding the CA, and a
/// client certificate + PEM key signed by it.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let keygen = |alias: &str, dname: &str, store: &str, ext: &[&str]| {
            let mut args = vec![
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                dname,
                "-keystore",
                store,
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS,
                "-keypass",
                PASS,
            ];
            args.extend_from_slice(ext);
            keytool(d, &args);
        };
        keygen("ca", "CN=kcsh-test-ca", "ca.p12", &["-ext", "bc:c"]);
        keytool(
            d,
            &[
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASS,
                "-file",
                "ca.pem",
            ],
        );
        for (who, eku, san) in [
            (
                "server",
                "serverAuth",
                Some("SAN=ip:127.0.0.1,dns:localhost"),
            ),
            ("client", "clientAuth", None),
        ] {
            let store = format!("{who}.p12");
            keygen(who, &format!("CN=kcsh-test-{who}"), &store, &[]);
            keytool(
                d,
                &[
                    "-certreq",
                    "-alias",
                    who,
                    "-keystore",
                    &store,
                    "-storepass",
                    PASS,
                    "-file",
                    &format!("{who}.csr"),
                ],
            );
            let mut sign = vec![
                "-gencert".to_string(),
                "-rfc".into(),
                "-alias".into(),
                "ca".into(),
                "-keystore".into(),
                "ca.p12".into(),
                "-storepass".into(),
                PASS.into(),
                "-validity".into(),
                "2".into(),
                "-infile".into(),
                format!("{who}.csr"),
                "-outfile".into(),
                format!("{who}.pem"),
                "-ext".into(),
                format!("eku={eku}"),
            ];
            if let Some(san) = san {
                sign.push("-ext".into());
                sign.push(san.into());
            }
            let sign: Vec<&str> = sign.iter().map(String::as_str).collect();
            keytool(d, &sign);
            keytool(
                d,
                &[
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    "ca.pem",
                    "-keystore",
                    &store,
                    "-storepass",
                    PASS,
                ],
            );
            keytool(
                d,
                &[
                    "-importcert",
                    "-alias",
                    who,
                    "-file",
                    &format!("{who}.pem"),
                    "-keystore",
                    &store,
                    "-storepass",
                    PASS,
                ],
            );
        }
        keytool(
            d,
            &[
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "trust.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS,
            ],
        );
        // keytool cannot write a private key as PEM: export it from the PKCS12 store.
        let out = Command::new("openssl")
            .current_dir(d)
            .args([
                "pkcs12",
                "-in",
                "client.p12",
                "-nocerts",
                "-nodes",
                "-passin",
                &format!("pass:{PASS}"),
                "-out",
                "client-key.pem",
            ])
            .output()
            .expect("openssl must be on PATH to export the client key");
        assert!(
            out.status.success(),
            "openssl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn session(settings: Settings) -> Session {
    Session::with_settings(&settings, Options::default()).expect("session")
}

fn settings(url: &str) -> Settings {
    Settings {
        urls: vec![url.to_string()],
        timeout: Duration::from_secs(30),
        ..Default::default()
    }
}

#[test]
fn https_listener_with_custom_ca_and_mtls() {
    require_cluster!();
    let pki = Pki::new();
    let port = free_port();
    let https = format!("https://127.0.0.1:{port}");
    let keystore = pki.s("server.p12");
    let truststore = pki.s("trust.p12");
    // The readiness probe uses the first (plain) listener; the https one requires a client
    // certificate.
    let http_port = free_port();
    let worker = ExtraWorker::start(
        "auth-tls",
        &[
            (
                "listeners",
                &format!("http://127.0.0.1:{http_port},{https}"),
            ),
            ("listeners.https.ssl.keystore.location", &keystore),
            ("listeners.https.ssl.keystore.type", "PKCS12"),
            ("listeners.https.ssl.keystore.password", PASS),
            ("listeners.https.ssl.key.password", PASS),
            ("listeners.https.ssl.truststore.location", &truststore),
            ("listeners.https.ssl.truststore.type", "PKCS12"),
            ("listeners.https.ssl.truststore.password", PASS),
            ("listeners.https.ssl.client.auth", "required"),
        ],
    );
    let _ = worker.url();

    // Verification is on by default: an unknown CA is refused, with a hint.
    let mut s = session(settings(&https));
    let e = run(&mut s, "SHOW CLUSTER").unwrap_err();
    assert!(e.is(kcsh::error::ErrorKind::Unreachable), "{e:?}");
    assert!(e.to_string().contains("--ca-cert"), "{e}");

    // The CA alone is not enough: the listener requires a client certificate.
    let mut st = settings(&https);
    st.ca_cert = Some(pki.path("ca.pem"));
    let mut s = session(st.clone());
    let e = run(&mut s, "SHOW CLUSTER").unwrap_err();
    assert!(e.is(kcsh::error::ErrorKind::Unreachable), "{e:?}");

    // CA + client certificate: mTLS works.
    st.client_cert = Some(pki.path("client.pem"));
    st.client_key = Some(pki.path("client-key.pem"));
    let mut s = session(st.clone());
    let out = ok(&mut s, "SHOW CLUSTER");
    assert_eq!(field(&out, "URL"), https);
    ok(&mut s, "SHOW CONNECTORS");

    // --insecure skips server verification (the client certificate is still needed).
    let mut insecure = settings(&https);
    insecure.insecure = true;
    insecure.client_cert = st.client_cert.clone();
    insecure.client_key = st.client_key.clone();
    let mut s = session(insecure);
    ok(&mut s, "SHOW CONNECTOR PLUGINS");

    // The same through the binary's flags.
    let out = kcsh()
        .args([
            "--url",
            &https,
            "--ca-cert",
            &pki.s("ca.pem"),
            "--client-cert",
            &pki.s("client.pem"),
            "--client-key",
            &pki.s("client-key.pem"),
            "-e",
            "SHOW CLUSTER",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("healthy"), "{stdout}");
}

#[test]
fn https_listener_server_auth_only() {
    require_cluster!();
    let pki = Pki::new();
    let port = free_port();
    let https = format!("https://127.0.0.1:{port}");
    let keystore = pki.s("server.p12");
    let _worker = ExtraWorker::start(
        "auth-https",
        &[
            ("listeners", &https),
            ("rest.advertised.listener", "https"),
            ("ssl.keystore.location", &keystore),
            ("ssl.keystore.type", "PKCS12"),
            ("ssl.keystore.password", PASS),
            ("ssl.key.password", PASS),
        ],
    );
    let mut st = settings(&https);
    st.ca_cert = Some(pki.path("ca.pem"));
    let mut s = session(st);
    ok(&mut s, "SHOW CONNECTORS");
    let mut insecure = settings(&https);
    insecure.insecure = true;
    ok(&mut session(insecure), "SHOW CLUSTER");
    let e = run(&mut session(settings(&https)), "SHOW CLUSTER").unwrap_err();
    assert!(e.to_string().contains("--ca-cert"), "{e}");
}

#[test]
fn basic_auth_extension_and_contexts() {
    require_cluster!();
    let worker = basic_auth_worker("auth-basic", "admin", "s3cret");
    let url = worker.url().to_string();

    let mut st = settings(&url);
    st.basic = Some(("admin".into(), "s3cret".into()));
    ok(&mut session(st.clone()), "SHOW CONNECTORS");

    // Missing or wrong credentials: 401 with a hint on how to pass them.
    let e = run(&mut session(settings(&url)), "SHOW CONNECTORS").unwrap_err();
    assert!(e.is(kcsh::error::ErrorKind::Statement), "{e:?}");
    assert!(
        e.to_string().contains("hint: the worker wants credentials"),
        "{e}"
    );
    st.basic = Some(("admin".into(), "wrong".into()));
    let e = run(&mut session(st), "SHOW CONNECTORS").unwrap_err();
    assert!(e.to_string().contains("credentials"), "{e}");

    // The binary: -u with KCSH_PASSWORD, -u with --password-file.
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "s3cret\n").unwrap();
    let out = kcsh()
        .args(["--url", &url, "-u", "admin", "-e", "SHOW CLUSTER"])
        .env("KCSH_PASSWORD", "s3cret")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kcsh()
        .args([
            "--url",
            &url,
            "-u",
            "admin",
            "--password-file",
            pw.to_str().unwrap(),
            "-e",
            "SHOW CONNECTORS",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No password source and no terminal: a usage error, never a hang.
    let out = kcsh()
        .args(["--url", &url, "-u", "admin", "-e", "SHOW CONNECTORS"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A context in the contexts file holds url and credentials; flags still override.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[contexts.secured]\nurl = \"{url}\"\nuser = \"admin\"\npassword_file = \"{}\"\n",
            pw.display()
        ),
    )
    .unwrap();
    let out = kcsh()
        .env_remove("KCSH_URL")
        .args([
            "--config",
            config.to_str().unwrap(),
            "--context",
            "secured",
            "-e",
            "SHOW CLUSTER",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&url), "{stdout}");
    let out = kcsh()
        .args([
            "--config",
            config.to_str().unwrap(),
            "--context",
            "nope",
            "-e",
            "SHOW CLUSTER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no context \"nope\""));
}
