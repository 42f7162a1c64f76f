//! `edge login` (checks a node URL and token, then saves them in the config file with mode
//! 0600) and `edge whoami` (which node, which token source, what the node says of itself).

use anyhow::{Context, Result};
use reqwest::Method;

use crate::client::Client;
use crate::credentials::{self, NodeArgs, Saved, Target};

#[derive(clap::Args)]
pub struct LoginArgs {
    /// The node's admin API, e.g. https://node.example.com:8788.
    #[arg(long, value_name = "URL")]
    node: String,
    /// A PEM file of CA certificates to trust for the node's HTTPS, besides the public roots.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<std::path::PathBuf>,
}

pub fn login_main(args: LoginArgs) -> Result<std::process::ExitCode> {
    let token = crate::prompt::read_secret(&format!("Admin token for {}: ", args.node))?;
    let token = token.trim().to_owned();
    let target = Target {
        node: args.node.trim_end_matches('/').to_owned(),
        token,
        ca_file: args.ca_file.clone(),
        token_source: "login".into(),
    };
    let client = Client::new(&target)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let info = runtime
        .block_on(client.call(Method::GET, "/v1/node", None))
        .context("the node did not accept the login")?;
    let (_, path) = credentials::load_saved().unwrap_or_default();
    let path = if path.as_os_str().is_empty() {
        credentials::config_path()?
    } else {
        path
    };
    credentials::save(
        &Saved {
            node: Some(target.node.clone()),
            token: Some(target.token.clone()),
            ca_file: args.ca_file.and_then(|p| std::path::absolute(p).ok()),
        },
        &path,
    )?;
    say!(
        "Logged in to {} (edge {}); saved in {}",
        target.node,
        info["version"].as_str().unwrap_or("?"),
        path.display()
    );
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn whoami_main(args: NodeArgs) -> Result<std::process::ExitCode> {
    let target = credentials::resolve(&args)?;
    let client = Client::new(&target)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let info = runtime.block_on(client.call(Method::GET, "/v1/node", None))?;
    say!(
        "Node:   {} (edge {})",
        target.node,
        info["version"].as_str().unwrap_or("?")
    );
    say!("Token:  from {}", target.token_source);
    say!("Apps:   {}", info["apps"]);
    if info.pointer("/store/kind").and_then(|k| k.as_str()) == Some("postgres") {
        let url = info
            .pointer("/store/url")
            .and_then(|u| u.as_str())
            .unwrap_or("?");
        match info.pointer("/store/connected").and_then(|c| c.as_bool()) {
            Some(true) => say!("Store:  {url} (a fleet; connected)"),
            _ => {
                let why = info
                    .pointer("/store/error")
                    .and_then(|e| e.as_str())
                    .unwrap_or("");
                say!("Store:  {url} (a fleet; UNREACHABLE: {why}; serving the last known state)")
            }
        }
    }
    if let Some(domain) = info.pointer("/public/app_domain").and_then(|d| d.as_str()) {
        say!("Apps are served at <name>.{domain}");
    }
    Ok(std::process::ExitCode::SUCCESS)
}
