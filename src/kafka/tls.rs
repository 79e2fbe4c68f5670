//! The rustls configuration for Kafka TLS, on rustls's `ring` provider (the one the HTTP client
//! uses): the CA file given, else the platform's trust roots; an optional client certificate.
//! Reads the PEM files; connects to nothing. A bad file is a usage error naming the file.

use std::path::Path;
use std::sync::Arc;

use rustls::ClientConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::config::TlsFiles;
use super::error::Error;

/// The client configuration for `files`.
pub fn client_config(files: &TlsFiles) -> Result<Arc<ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("cannot set up Kafka TLS: {e}")))?;
    let builder = match &files.ca_cert {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in certificates(ca, "Kafka CA certificate")? {
                roots.add(cert).map_err(|e| {
                    Error::Config(format!(
                        "invalid Kafka CA certificate {}: {e}",
                        ca.display()
                    ))
                })?;
            }
            builder.with_root_certificates(roots)
        }
        None => {
            use rustls_platform_verifier::BuilderVerifierExt;
            builder
                .with_platform_verifier()
                .map_err(|e| Error::Config(format!("cannot load the system's trust roots: {e}")))?
        }
    };
    let config = match (&files.client_cert, &files.client_key) {
        (Some(cert), Some(key)) => {
            let chain = certificates(cert, "Kafka client certificate")?;
            let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| {
                Error::Config(format!(
                    "cannot read Kafka client key {}: {e}",
                    key.display()
                ))
            })?;
            builder.with_client_auth_cert(chain, key_der).map_err(|e| {
                Error::Config(format!(
                    "invalid Kafka client certificate/key ({}, {}): {e}",
                    cert.display(),
                    key.display()
                ))
            })?
        }
        _ => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// Every certificate in a PEM file; none is an error.
fn certificates(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Config(format!("cannot read {what} {}: {e}", path.display())))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| Error::Config(format!("invalid {what} {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "no PEM certificate in {what} {}",
            path.display()
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_certificates_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "not a certificate\n").unwrap();
        let files = TlsFiles {
            ca_cert: Some(ca),
            ..TlsFiles::default()
        };
        let e = client_config(&files).unwrap_err().to_string();
        assert!(e.contains("ca.pem"), "{e}");
        let files = TlsFiles {
            ca_cert: Some(dir.path().join("missing.pem")),
            ..TlsFiles::default()
        };
        assert!(client_config(&files).is_err());
    }
}
