//! The TLS client configuration of outbound connections: bundled public roots (no system
//! files needed) plus the extra CAs the embedder trusts, ALPN for HTTP/2 and HTTP/1.1.

use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::error::RuntimeError;

pub fn client_config(extra_ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, RuntimeError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_ca_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| RuntimeError::Config(format!("CA file: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| RuntimeError::Config(format!("CA file: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(RuntimeError::Config(
                "CA file: no PEM certificate found".into(),
            ));
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| RuntimeError::Config(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
