//! `edge serve`: run an edge node (many apps, HTTPS with HTTP/2 and HTTP/3, the admin API)
//! until SIGTERM or SIGINT, then drain and exit 0.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use edge_router::config::NodeConfig;

#[derive(Args)]
pub struct ServeArgs {
    /// The node's configuration (TOML). Without it the node runs on the embedded defaults:
    /// HTTP on 127.0.0.1:8787, the admin API on 127.0.0.1:8788, data under ~/.edge/node.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The data directory (overrides the configuration's `data_dir`).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

pub fn main(args: ServeArgs) -> Result<ExitCode> {
    crate::init_tracing("info");
    let mut config = match &args.config {
        Some(path) => NodeConfig::load(path).map_err(|e| anyhow!("{e}"))?,
        None => NodeConfig::default(),
    };
    if let Some(dir) = args.data_dir {
        config.data_dir = Some(dir);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        let running = edge_router::start(config)
            .await
            .context("the node did not start")?;
        for addr in &running.http {
            say!("edge serve: HTTP on http://{addr}");
        }
        if let Some(addr) = running.https {
            let h3 = if running.http3 { " and HTTP/3" } else { "" };
            say!("edge serve: HTTPS{h3} on https://{addr}");
        }
        say!("edge serve: admin API on http://{}", running.admin);
        if let Some(file) = &running.token_file {
            say!("edge serve: admin token in {}", file.display());
        }
        if let Some(store) = &running.store {
            say!("edge serve: fleet store {store} (local copy and bundles in the data directory)");
        }
        say!("edge serve: data in {}", running.data_dir.display());
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                _ = term.recv() => break,
                _ = hup.recv() => {
                    if let Some(certs) = &running.node_certs() {
                        match certs.reload() {
                            Ok(()) => say!("edge serve: certificates reloaded"),
                            Err(e) => eprintln!("edge serve: certificate reload failed: {e}"),
                        }
                    }
                }
            }
        }
        say!("edge serve: draining");
        let clean = running.shutdown().await;
        say!(
            "edge serve: stopped{}",
            if clean { "" } else { " (grace period over)" }
        );
        Ok(ExitCode::SUCCESS)
    })
}
