//! The app a function runs: the bundle unpacked in the deployment package (`app/` beside the
//! `bootstrap`, or `EDGE_APP_DIR`), its entry from `manifest.json`, the function's environment
//! as `env` (without the runtime's own variables), and the production outbound policy (no
//! loopback: the Runtime API itself is on 127.0.0.1) plus the ranges in `EDGE_OPEN_RANGES`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use edge_isolates::{
    AddrRange, AppConfig, AppHost, HostError, IsolateOptions, NetPolicy, OutboundConfig, WorkerPool,
};

/// What `app::load` needs.
pub struct Settings {
    pub root: PathBuf,
    pub entry: PathBuf,
    pub env: Vec<(String, String)>,
    pub open_ranges: Vec<AddrRange>,
    pub node_compat: bool,
}

/// Variables that belong to the runtime, not to the app.
fn reserved(name: &str) -> bool {
    name.starts_with("AWS_LAMBDA_")
        || name.starts_with("EDGE_")
        || name.starts_with('_')
        || matches!(
            name,
            "LAMBDA_TASK_ROOT" | "LAMBDA_RUNTIME_DIR" | "LD_LIBRARY_PATH" | "PATH"
        )
}

/// Reads where the app is and how it runs from the environment.
pub fn settings() -> Result<Settings> {
    let root = match std::env::var_os("EDGE_APP_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("LAMBDA_TASK_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
            .join("app"),
    };
    let manifest_path = root.join("manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).with_context(|| {
            format!(
                "cannot read {} (build the package with `edge build --target lambda`)",
                manifest_path.display()
            )
        })?)
        .with_context(|| format!("{} is not JSON", manifest_path.display()))?;
    let Some(main) = manifest.get("main").and_then(|m| m.as_str()) else {
        bail!("{} names no `main`", manifest_path.display());
    };
    let entry = root.join(main);
    if !entry.is_file() {
        bail!("the entry {} is not in the package", entry.display());
    }
    let mut open_ranges = Vec::new();
    if let Ok(list) = std::env::var("EDGE_OPEN_RANGES") {
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match AddrRange::parse(item) {
                Some(r) => open_ranges.push(r),
                None => {
                    bail!("EDGE_OPEN_RANGES: '{item}' is not an address range such as 10.1.0.0/16")
                }
            }
        }
    }
    // Variables that are not UTF-8 cannot be JS strings: they are left out.
    let env = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| !reserved(k))
        .collect();
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let entry = root.join(main);
    Ok(Settings {
        root,
        entry,
        env,
        open_ranges,
        node_compat: std::env::var("EDGE_NODE_COMPAT").as_deref() != Ok("false"),
    })
}

/// Loads the app on one JS worker thread.
pub async fn load(settings: &Settings) -> Result<AppHost, HostError> {
    let pool = Arc::new(WorkerPool::new(1).map_err(|e| HostError::Unavailable(e.to_string()))?);
    let policy = NetPolicy::production().with_open_ranges(settings.open_ranges.clone());
    let outbound = OutboundConfig::new(Arc::new(policy), None)?;
    let config = AppConfig {
        entry: settings.entry.clone(),
        isolate: IsolateOptions {
            env: settings.env.clone(),
            outbound: Some(outbound),
            node_compat: settings.node_compat,
            module_root: Some(settings.root.clone()),
            ..IsolateOptions::default()
        },
        heap_gauge: None,
    };
    AppHost::start(config, pool).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_runtime_variables_from_the_app() {
        for name in [
            "AWS_LAMBDA_RUNTIME_API",
            "_HANDLER",
            "LAMBDA_TASK_ROOT",
            "EDGE_APP_DIR",
        ] {
            assert!(reserved(name), "{name}");
        }
        for name in ["API_KEY", "AWS_REGION", "AWS_ACCESS_KEY_ID", "TZ"] {
            assert!(!reserved(name), "{name}");
        }
    }
}
