//! Helpers the host's integration tests share: a directory per test, apps written into it,
//! and a runtime to drive the host from.

use std::path::{Path, PathBuf};

use edge_isolates::{AppSpec, Limits};

/// A fresh directory for one test's apps.
pub fn app_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edge-tenancy-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `source` as app `name` (in a directory of its own) and returns its spec.
pub fn app(dir: &Path, name: &str, source: &str) -> AppSpec {
    let root = dir.join(name);
    std::fs::create_dir_all(&root).unwrap();
    let entry = root.join("app.js");
    std::fs::write(&entry, source).unwrap();
    AppSpec {
        entry,
        root,
        env: Vec::new(),
        allowed_hosts: Vec::new(),
        limits: Limits::default(),
        ..AppSpec::default()
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
