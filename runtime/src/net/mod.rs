//! Outbound HTTP for `fetch()`. The runtime opens no sockets itself: every connection comes
//! from the embedder's [`Connector`] (where the host enforces its network policy), and the
//! runtime speaks TLS and HTTP/1.1 or HTTP/2 over it, pooling connections per isolate.

mod client;
mod connector;
mod decode;
mod tls;

pub use client::HttpClient;
pub use connector::{ConnectError, ConnectFuture, Connector, OutboundIo};
pub(crate) use decode::decode_body;

use std::sync::Arc;

use crate::error::RuntimeError;

/// How an isolate reaches the network: the embedder's connector and the TLS trust roots.
#[derive(Clone)]
pub struct OutboundConfig {
    pub(crate) connector: Arc<dyn Connector>,
    pub(crate) tls: Arc<rustls::ClientConfig>,
}

impl OutboundConfig {
    /// Trusts the bundled public roots plus the certificates of `extra_ca_pem` (PEM text of
    /// one or more CA certificates), if given.
    pub fn new(
        connector: Arc<dyn Connector>,
        extra_ca_pem: Option<&[u8]>,
    ) -> Result<Self, RuntimeError> {
        Ok(OutboundConfig {
            connector,
            tls: Arc::new(tls::client_config(extra_ca_pem)?),
        })
    }
}

impl std::fmt::Debug for OutboundConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundConfig").finish_non_exhaustive()
    }
}
