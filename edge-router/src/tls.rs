//! TLS termination: the node's certificates, picked per connection by SNI (exact names before
//! wildcards), re-read from their files when they change without a restart; TLS 1.2 and 1.3
//! on rustls with `ring`, ALPN for HTTP/2, HTTP/1.1 and (on QUIC) HTTP/3.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::config::CertificateConfig;

/// A certificate that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("certificate {path}: {message}")]
pub struct CertError {
    pub path: PathBuf,
    pub message: String,
}

struct Loaded {
    key: Arc<CertifiedKey>,
    /// Names from the configuration; empty means "the names the certificate is valid for".
    hosts: Vec<String>,
}

/// The certificates in use, indexed for SNI.
struct Table {
    exact: HashMap<String, Arc<CertifiedKey>>,
    /// Keyed by the part after `*.`.
    wildcard: HashMap<String, Arc<CertifiedKey>>,
    /// Certificates without configured names, asked in order.
    by_own_names: Vec<Arc<CertifiedKey>>,
    /// For clients that send no SNI: the first certificate.
    fallback: Option<Arc<CertifiedKey>>,
}

impl Table {
    fn build(loaded: Vec<Loaded>) -> Table {
        let mut table = Table {
            exact: HashMap::new(),
            wildcard: HashMap::new(),
            by_own_names: Vec::new(),
            fallback: loaded.first().map(|l| l.key.clone()),
        };
        for l in loaded {
            if l.hosts.is_empty() {
                table.by_own_names.push(l.key.clone());
            }
            for host in &l.hosts {
                let host = host.to_ascii_lowercase();
                match host.strip_prefix("*.") {
                    Some(suffix) => table.wildcard.insert(suffix.to_owned(), l.key.clone()),
                    None => table.exact.insert(host, l.key.clone()),
                };
            }
        }
        table
    }

    fn pick(&self, sni: Option<&str>) -> Option<Arc<CertifiedKey>> {
        let Some(name) = sni else {
            return self.fallback.clone();
        };
        let name = name.to_ascii_lowercase();
        if let Some(k) = self.exact.get(&name) {
            return Some(k.clone());
        }
        if let Some((_, parent)) = name.split_once('.') {
            if let Some(k) = self.wildcard.get(parent) {
                return Some(k.clone());
            }
        }
        let server_name = ServerName::try_from(name.as_str()).ok()?;
        self.by_own_names
            .iter()
            .find(|k| valid_for(k, &server_name))
            .cloned()
    }
}

/// Whether a certificate's own names cover `name` (its SANs, wildcards included).
fn valid_for(key: &CertifiedKey, name: &ServerName<'_>) -> bool {
    let Some(end) = key.cert.first() else {
        return false;
    };
    match webpki::EndEntityCert::try_from(end) {
        Ok(cert) => cert.verify_is_valid_for_subject_name(name).is_ok(),
        Err(_) => false,
    }
}

/// The node's certificates; cheap to read per handshake, replaced whole on reload.
pub struct CertStore {
    configs: Vec<CertificateConfig>,
    table: ArcSwap<Table>,
    /// The files' modification times at the last load.
    stamps: std::sync::Mutex<Vec<Option<SystemTime>>>,
}

impl std::fmt::Debug for CertStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertStore")
            .field("certificates", &self.configs.len())
            .finish()
    }
}

impl CertStore {
    /// Loads every configured certificate; any that fails is an error.
    pub fn load(configs: &[CertificateConfig]) -> Result<CertStore, CertError> {
        let loaded = configs.iter().map(load_one).collect::<Result<_, _>>()?;
        Ok(CertStore {
            configs: configs.to_vec(),
            table: ArcSwap::from_pointee(Table::build(loaded)),
            stamps: std::sync::Mutex::new(stamps(configs)),
        })
    }

    /// Re-reads the files. On any error the certificates in use stay.
    pub fn reload(&self) -> Result<(), CertError> {
        let now = stamps(&self.configs);
        let loaded = self
            .configs
            .iter()
            .map(load_one)
            .collect::<Result<_, _>>()?;
        self.table.store(Arc::new(Table::build(loaded)));
        *self.stamps.lock().unwrap_or_else(|e| e.into_inner()) = now;
        Ok(())
    }

    /// Reloads if a file changed since the last load; says whether it did.
    pub fn reload_if_changed(&self) -> Result<bool, CertError> {
        let now = stamps(&self.configs);
        let changed = *self.stamps.lock().unwrap_or_else(|e| e.into_inner()) != now;
        if changed {
            self.reload()?;
        }
        Ok(changed)
    }

    /// A rustls server configuration over this store, offering `alpn`.
    pub fn server_config(self: &Arc<Self>, alpn: &[&[u8]]) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .expect("ring supports TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.table.load().pick(hello.server_name())
    }
}

fn stamps(configs: &[CertificateConfig]) -> Vec<Option<SystemTime>> {
    configs
        .iter()
        .flat_map(|c| [&c.cert, &c.key])
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

fn load_one(config: &CertificateConfig) -> Result<Loaded, CertError> {
    let err = |path: &PathBuf, message: String| CertError {
        path: path.clone(),
        message,
    };
    let pem = std::fs::read(&config.cert).map_err(|e| err(&config.cert, e.to_string()))?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|e| err(&config.cert, format!("not a PEM certificate chain: {e}")))?;
    if chain.is_empty() {
        return Err(err(&config.cert, "holds no certificate".into()));
    }
    let key_pem = std::fs::read(&config.key).map_err(|e| err(&config.key, e.to_string()))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| err(&config.key, format!("not a PEM private key: {e}")))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key)
        .map_err(|e| err(&config.key, format!("unsupported private key: {e}")))?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        // A key type whose public half rustls cannot derive is taken on trust.
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(e) => {
            let message = format!("does not match {}: {e}", config.cert.display());
            return Err(err(&config.key, message));
        }
    }
    Ok(Loaded {
        key: Arc::new(certified),
        hosts: config.hosts.clone(),
    })
}
