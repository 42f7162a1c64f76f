//! Which node the deploy commands talk to, and with what token: `--node`/`--token` flags,
//! then `EDGE_NODE`/`EDGE_TOKEN`, then the config file `edge login` writes
//! (`$XDG_CONFIG_HOME/edge/config.toml` or `~/.config/edge/config.toml`, mode 0600), then a
//! node on this machine with its default admin address and token file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// Where the default local node keeps its admin token (`edge serve` without a config).
const LOCAL_NODE: &str = "http://127.0.0.1:8788";

/// Flags shared by every command that talks to a node.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct NodeArgs {
    /// The node's admin API, e.g. https://node.example.com:8788 (default: from `edge login`,
    /// else a local node on 127.0.0.1:8788).
    #[arg(long, value_name = "URL")]
    pub node: Option<String>,
    /// The admin token (prefer `edge login`, which reads it from stdin: a flag shows in `ps`).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// A PEM file of CA certificates to trust for the node's HTTPS, besides the public roots.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

/// The saved login.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    pub node: Option<String>,
    pub token: Option<String>,
    pub ca_file: Option<PathBuf>,
}

/// A node to talk to.
#[derive(Debug, Clone)]
pub struct Target {
    pub node: String,
    pub token: String,
    pub ca_file: Option<PathBuf>,
    /// Where the token came from, for `edge whoami` (never the token itself).
    pub token_source: String,
}

/// The config file's path.
pub fn config_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("EDGE_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(dir).join("edge").join("config.toml"));
    }
    match std::env::var_os("HOME").filter(|p| !p.is_empty()) {
        Some(home) => Ok(PathBuf::from(home)
            .join(".config")
            .join("edge")
            .join("config.toml")),
        None => bail!("neither HOME nor XDG_CONFIG_HOME is set: cannot find the config file"),
    }
}

/// Reads the saved login, if any.
pub fn load_saved() -> Result<(Saved, PathBuf)> {
    let path = config_path()?;
    let saved = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("{} is not a valid edge config file", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Saved::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok((saved, path))
}

/// Writes the login with mode 0600 (in a 0700 folder), replacing the file whole.
pub fn save(saved: &Saved, path: &Path) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(toml::to_string(saved)?.as_bytes())?;
    file.sync_all()?;
    // The mode asked for is masked by the umask; make sure of it.
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The local node's token file (`~/.edge/node/admin-token`), for a node on this machine.
fn local_token() -> Option<(String, String)> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    let path = PathBuf::from(home).join(".edge/node/admin-token");
    let token = std::fs::read_to_string(&path).ok()?.trim().to_owned();
    (!token.is_empty()).then(|| (token, path.display().to_string()))
}

fn is_loopback(url: &str) -> bool {
    reqwest::Url::parse(url).ok().is_some_and(|u| {
        matches!(
            u.host(),
            Some(url::Host::Domain("localhost"))
                | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
        )
    })
}

/// Picks the node and token for a command.
pub fn resolve(args: &NodeArgs) -> Result<Target> {
    let (saved, path) = load_saved()?;
    let node = args
        .node
        .clone()
        .or_else(|| env("EDGE_NODE"))
        .or(saved.node.clone())
        .unwrap_or_else(|| LOCAL_NODE.to_owned());
    let parsed = reqwest::Url::parse(&node)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if parsed.is_none() {
        bail!("'{node}' is not a node URL such as https://node.example.com:8788");
    }
    let (token, token_source) = if let Some(t) = args.token.clone() {
        (t, "--token".to_owned())
    } else if let Some(t) = env("EDGE_TOKEN") {
        (t, "EDGE_TOKEN".to_owned())
    } else if let (Some(t), true) = (saved.token.clone(), saved.node.as_deref() == Some(&node)) {
        (t, path.display().to_string())
    } else if let Some(found) = is_loopback(&node).then(local_token).flatten() {
        found
    } else {
        bail!("no admin token for {node}: run `edge login --node {node}` (it reads the token from stdin), or set EDGE_TOKEN")
    };
    if node.starts_with("http://") && !is_loopback(&node) {
        eprintln!(
            "warning: {node} is plain HTTP: the admin token crosses the network unencrypted (use https:// unless this is a private network)"
        );
    }
    Ok(Target {
        node,
        token,
        ca_file: args
            .ca_file
            .clone()
            .or_else(|| env("EDGE_CA_FILE").map(PathBuf::from))
            .or(saved.ca_file),
        token_source,
    })
}
