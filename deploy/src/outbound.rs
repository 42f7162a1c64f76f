//! The outbound-network options shared by `edge dev` and `edge run`: which policy `fetch()`
//! runs under and which extra CA certificates it trusts.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use edge_isolates::{NetPolicy, OutboundConfig};

#[derive(Args, Clone, Debug)]
pub struct OutboundArgs {
    /// Refuse outbound connections to loopback, private and link-local addresses, as
    /// production nodes do (by default a local command may reach them).
    #[arg(long)]
    deny_private_network: bool,
    /// Also trust the CA certificates in this PEM file for outbound TLS.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
}

impl OutboundArgs {
    pub fn policy(&self) -> NetPolicy {
        if self.deny_private_network {
            NetPolicy::production()
        } else {
            NetPolicy::local_development()
        }
    }

    pub fn config(&self) -> Result<OutboundConfig> {
        let pem = match &self.ca_file {
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("cannot read the CA file {}", path.display()))?,
            ),
            None => None,
        };
        OutboundConfig::new(Arc::new(self.policy()), pem.as_deref())
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
}
