//! The node's configuration file (`edge-node.toml`): listeners, certificates, the admin API,
//! connection limits, the outbound network policy. Every key has an embedded default, so an
//! empty file (or none) is a working local node; an unknown key or a bad value is an error that
//! names it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// A node's whole configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodeConfig {
    /// Where the store (SQLite) and the bundles live. Default: `~/.edge/node`, or `./.edge`
    /// without a home directory.
    pub data_dir: Option<PathBuf>,
    /// Worker threads (each runs isolates and connections). Default: one per core.
    pub workers: Option<usize>,
    /// Also bind the listeners with `SO_REUSEPORT`, so a new node process can take over the
    /// ports before the old one drains (zero-downtime restart).
    pub reuse_port: bool,
    pub http: HttpConfig,
    pub https: Option<HttpsConfig>,
    pub admin: AdminConfig,
    pub limits: ServerLimits,
    pub network: NetworkConfig,
    /// Where the access log goes: `"stdout"` (default), `"off"`, or a file path (appended).
    pub access_log: String,
    /// Every app is also served at `<app>.<app_domain>` (as workers.dev names each worker),
    /// so a new app answers before it has routes. On the embedded defaults (no configuration
    /// file) it is `localhost` (`demo.localhost` reaches a local node); in a configuration
    /// file it is off unless set, so a public node serves apps only on their routes.
    #[serde(default)]
    pub app_domain: String,
    /// The control store. Empty (the default): this node's own SQLite file in the data
    /// directory. `postgres://user@host:port/db`: a fleet of nodes sharing one PostgreSQL
    /// database, each serving from its local copy.
    pub store: String,
    /// The key that seals secrets in a shared store: a file of 64 hex digits
    /// (`openssl rand -hex 32`), the same on every node of the fleet. Required with a
    /// `postgres://` store.
    pub store_key_file: Option<PathBuf>,
    /// CA certificates (PEM) that the store's TLS certificate may chain to, besides the web's
    /// roots. TLS is used as the URL's `sslmode` says (`prefer` by default, `require`,
    /// `disable`), and always verifies the server.
    pub store_ca_file: Option<PathBuf>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            data_dir: None,
            workers: None,
            reuse_port: false,
            http: HttpConfig::default(),
            https: None,
            admin: AdminConfig::default(),
            limits: ServerLimits::default(),
            network: NetworkConfig::default(),
            access_log: "stdout".into(),
            app_domain: "localhost".into(),
            store: String::new(),
            store_key_file: None,
            store_ca_file: None,
        }
    }
}

/// Plain-text HTTP (HTTP/1.1 and prior-knowledge HTTP/2).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Addresses to listen on; empty turns plain HTTP off.
    pub listen: Vec<SocketAddr>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: vec![SocketAddr::from(([127, 0, 0, 1], 8787))],
        }
    }
}

/// HTTPS: HTTP/1.1 and HTTP/2 over TLS on TCP, HTTP/3 on QUIC on the same port.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpsConfig {
    pub listen: SocketAddr,
    /// Serve HTTP/3 on UDP at the same address and advertise it with `Alt-Svc`.
    #[serde(default = "yes")]
    pub http3: bool,
    /// One entry per certificate; SNI picks one per connection.
    #[serde(default)]
    pub certificates: Vec<CertificateConfig>,
}

fn yes() -> bool {
    true
}

/// A certificate chain and its key, in PEM files, re-read when they change.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// Host names this certificate serves (`*.example.com` allowed). Default: the names the
    /// certificate itself is valid for.
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// The admin API.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    pub listen: SocketAddr,
    /// The bearer token. Without it (and without `token_file`), the node makes one on first
    /// start and keeps it in `<data_dir>/admin-token` (mode 0600).
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
    /// Largest bundle upload, in MiB.
    pub max_bundle_mib: u64,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8788)),
            token: None,
            token_file: None,
            max_bundle_mib: 64,
        }
    }
}

/// Protection of the public listeners.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerLimits {
    /// Open client connections on the node; more are closed at once.
    pub max_connections: usize,
    /// Open connections from one client IP address.
    pub max_connections_per_ip: usize,
    /// Bytes of a request head (request line and headers).
    pub max_header_bytes: usize,
    /// Header fields of a request.
    pub max_headers: usize,
    /// Concurrent requests on one HTTP/2 or HTTP/3 connection.
    pub max_streams_per_connection: u32,
    /// Time for a client to send a whole request head.
    pub header_read_timeout_secs: u64,
    /// A connection with no request in flight and no bytes moving is closed after this.
    pub idle_timeout_secs: u64,
    /// A request body that sends nothing for this long fails.
    pub body_read_timeout_secs: u64,
    /// On SIGTERM, how long in-flight requests and streams may take to finish.
    pub shutdown_grace_secs: u64,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 10_000,
            max_connections_per_ip: 256,
            max_header_bytes: 64 << 10,
            max_headers: 100,
            max_streams_per_connection: 100,
            header_read_timeout_secs: 15,
            idle_timeout_secs: 60,
            body_read_timeout_secs: 30,
            shutdown_grace_secs: 30,
        }
    }
}

impl ServerLimits {
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs.max(1))
    }
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs.max(1))
    }
    pub fn body_read_timeout(&self) -> Duration {
        Duration::from_secs(self.body_read_timeout_secs.max(1))
    }
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

/// What apps' `fetch()` may reach, node-wide.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// Let apps reach loopback and private addresses (off in production).
    pub allow_private: bool,
    /// Private ranges (CIDR) apps may reach even so.
    pub open_ranges: Vec<String>,
    /// Extra CA certificates (PEM) for apps' outbound TLS.
    pub ca_file: Option<PathBuf>,
}

/// A configuration that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl NodeConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<NodeConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let mut config: NodeConfig = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        // Relative paths in the file are relative to the file.
        let base = path.parent().unwrap_or(Path::new("."));
        config.resolve_paths(base);
        config.check().map_err(invalid)?;
        Ok(config)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(d) = &mut self.data_dir {
            fix(d);
        }
        if let Some(f) = &mut self.admin.token_file {
            fix(f);
        }
        if let Some(f) = &mut self.network.ca_file {
            fix(f);
        }
        if let Some(f) = &mut self.store_key_file {
            fix(f);
        }
        if let Some(f) = &mut self.store_ca_file {
            fix(f);
        }
        if let Some(https) = &mut self.https {
            for c in &mut https.certificates {
                fix(&mut c.cert);
                fix(&mut c.key);
            }
        }
        if !matches!(self.access_log.as_str(), "stdout" | "off") {
            let mut p = PathBuf::from(&self.access_log);
            fix(&mut p);
            self.access_log = p.to_string_lossy().into_owned();
        }
    }

    /// Checks what the types cannot.
    pub fn check(&self) -> Result<(), String> {
        if let Some(https) = &self.https {
            if https.certificates.is_empty() {
                return Err("[https] needs at least one [[https.certificates]] entry".into());
            }
        }
        if !self.app_domain.is_empty()
            && !crate::routes::valid_host(&format!("x.{}", self.app_domain.to_ascii_lowercase()))
        {
            return Err(format!(
                "app_domain: '{}' is not a domain name such as apps.example.com",
                self.app_domain
            ));
        }
        if !self.store.is_empty() {
            if !(self.store.starts_with("postgres://") || self.store.starts_with("postgresql://")) {
                return Err(
                    "store: use a postgres://user@host:port/database URL, or leave it out for \
                     the node's own SQLite store"
                        .into(),
                );
            }
            if self.store.parse::<tokio_postgres::Config>().is_err() {
                return Err("store: not a valid PostgreSQL URL".into());
            }
            if self.store_key_file.is_none() {
                return Err(
                    "store_key_file: a postgres:// store needs the fleet's key file \
                            (64 hex digits, `openssl rand -hex 32`), the same on every node"
                        .into(),
                );
            }
        }
        if self.workers == Some(0) {
            return Err("workers: must be at least 1".into());
        }
        if self.admin.token.as_deref().is_some_and(|t| t.len() < 16) {
            return Err("admin.token: use at least 16 characters".into());
        }
        let l = &self.limits;
        if l.max_header_bytes < 8192 {
            return Err("limits.max_header_bytes: must be at least 8192".into());
        }
        if l.max_connections == 0 || l.max_connections_per_ip == 0 || l.max_headers == 0 {
            return Err("limits: connection and header limits must be at least 1".into());
        }
        if l.max_header_bytes > 1 << 20 {
            return Err("limits.max_header_bytes: at most 1048576".into());
        }
        if l.max_headers > 10_000 || l.max_streams_per_connection > 10_000 {
            return Err("limits: max_headers and max_streams_per_connection: at most 10000".into());
        }
        const DAY: u64 = 86_400;
        for (name, secs) in [
            ("header_read_timeout_secs", l.header_read_timeout_secs),
            ("idle_timeout_secs", l.idle_timeout_secs),
            ("body_read_timeout_secs", l.body_read_timeout_secs),
            ("shutdown_grace_secs", l.shutdown_grace_secs),
        ] {
            if secs > DAY {
                return Err(format!("limits.{name}: at most {DAY} (a day)"));
            }
        }
        if self.admin.max_bundle_mib == 0 || self.admin.max_bundle_mib > 4096 {
            return Err("admin.max_bundle_mib: between 1 and 4096".into());
        }
        for range in &self.network.open_ranges {
            if edge_isolates::AddrRange::parse(range).is_none() {
                return Err(format!(
                    "network.open_ranges: '{range}' is not an address range such as 10.1.0.0/16 \
                     (or one port of it: 10.1.0.5:5432, [fd00::/64]:5432)"
                ));
            }
        }
        Ok(())
    }

    /// The data directory: configured, or `~/.edge/node`, or `./.edge`.
    pub fn data_dir(&self) -> PathBuf {
        if let Some(d) = &self.data_dir {
            return d.clone();
        }
        match std::env::var_os("HOME") {
            Some(home) if !home.is_empty() => PathBuf::from(home).join(".edge").join("node"),
            _ => PathBuf::from(".edge"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_domain_is_on_for_the_embedded_defaults_only() {
        assert_eq!(NodeConfig::default().app_domain, "localhost");
        let from_file: NodeConfig = toml::from_str("workers = 1\n").unwrap();
        assert_eq!(from_file.app_domain, "");
        let set: NodeConfig = toml::from_str("app_domain = \"apps.example.com\"\n").unwrap();
        assert!(set.check().is_ok());
        let bad: NodeConfig = toml::from_str("app_domain = \"apps example.com\"\n").unwrap();
        assert!(bad.check().unwrap_err().contains("app_domain"));
    }

    #[test]
    fn the_fleet_example_configuration_is_valid() {
        let text = include_str!("../../adapters/selfhosted/edge-node.toml");
        let config: NodeConfig = toml::from_str(text).unwrap();
        config.check().unwrap();
        assert!(config.store.starts_with("postgres://"));
        assert!(config.reuse_port && config.https.is_some());
    }

    #[test]
    fn a_shared_store_is_a_postgres_url_with_a_key_file() {
        let ok: NodeConfig =
            toml::from_str("store = \"postgres://edge@db:5432/edge\"\nstore_key_file = \"k\"\n")
                .unwrap();
        assert!(ok.check().is_ok());
        let no_key: NodeConfig = toml::from_str("store = \"postgres://edge@db/edge\"\n").unwrap();
        assert!(no_key.check().unwrap_err().contains("store_key_file"));
        let mysql: NodeConfig =
            toml::from_str("store = \"mysql://db/edge\"\nstore_key_file = \"k\"\n").unwrap();
        assert!(mysql.check().unwrap_err().starts_with("store:"));
    }
}
