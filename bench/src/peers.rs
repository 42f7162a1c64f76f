//! Installs the peer runtimes from the npm registry (their platform packages carry the real
//! binaries, so install scripts are skipped) and the load tools from Debian, then finds them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

pub struct Tools {
    pub workerd: Option<PathBuf>,
    pub deno: Option<PathBuf>,
    pub bun: Option<PathBuf>,
    pub node: Option<PathBuf>,
    pub wrk: PathBuf,
}

const PACKAGES: [&str; 6] = [
    "workerd",
    "@cloudflare/workerd-linux-64",
    "deno",
    "@deno/linux-x64-glibc",
    "bun",
    "@oven/bun-linux-x64",
];

fn which(name: &str) -> Option<PathBuf> {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

fn find_binary(root: &Path, package: &str, name: &str) -> Option<PathBuf> {
    let dir = root.join("node_modules").join(package);
    [dir.join("bin").join(name), dir.join(name)]
        .into_iter()
        .find(|p| p.is_file())
}

/// Installs what is missing and returns the paths of every tool.
pub fn ensure(dir: &Path, want_peers: bool) -> Result<Tools> {
    if which("wrk").is_none() || which("taskset").is_none() {
        eprintln!("bench: installing wrk from Debian");
        let status = Command::new("sh")
            .args([
                "-c",
                "apt-get update -qq && apt-get install -y -qq wrk util-linux >/dev/null",
            ])
            .status()?;
        if !status.success() {
            bail!("could not install wrk (apt-get failed)");
        }
    }
    let wrk = which("wrk").context("wrk is not installed")?;
    // Servers run with the work folder as their current directory: the peers' paths must be
    // absolute.
    std::fs::create_dir_all(dir)?;
    let dir = &std::fs::canonicalize(dir)?;
    if want_peers && find_binary(dir, "@deno/linux-x64-glibc", "deno").is_none() {
        eprintln!(
            "bench: installing workerd, deno and bun from npm into {}",
            dir.display()
        );
        let status = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(dir)
            .args(["--no-audit", "--no-fund", "--ignore-scripts", "--silent"])
            .args(PACKAGES)
            .status()
            .context("running npm")?;
        if !status.success() {
            eprintln!("bench: npm install failed; peers that are missing are skipped");
        }
    }
    Ok(Tools {
        workerd: find_binary(dir, "@cloudflare/workerd-linux-64", "workerd"),
        deno: find_binary(dir, "@deno/linux-x64-glibc", "deno"),
        bun: find_binary(dir, "@oven/bun-linux-x64", "bun"),
        node: which("node"),
        wrk,
    })
}

/// Installs npm packages (`name@version`) beside the peers unless `node_modules/<name>` is
/// there, for apps that import them (the benchmark apps live in that folder too). They are
/// saved in that folder's package.json, so a later install keeps them.
pub fn npm_add(peers: &Path, specs: &[&str]) -> Result<()> {
    let missing: Vec<&str> = specs
        .iter()
        .copied()
        .filter(|spec| {
            let name = spec.rsplit_once('@').map_or(*spec, |(n, _)| n);
            !peers
                .join("node_modules")
                .join(name)
                .join("package.json")
                .is_file()
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!(
        "bench: installing {} from npm into {}",
        missing.join(" "),
        peers.display()
    );
    let status = Command::new("npm")
        .args(["install", "--prefix"])
        .arg(peers)
        .args(["--no-audit", "--no-fund", "--silent"])
        .args(&missing)
        .status()
        .context("running npm")?;
    anyhow::ensure!(status.success(), "npm install {} failed", missing.join(" "));
    Ok(())
}
