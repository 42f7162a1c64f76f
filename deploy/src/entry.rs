//! Finds an app's entry module from what the user typed: a file, or a folder holding one of
//! the usual entry names.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

const CANDIDATES: [&str; 8] = [
    "index.ts",
    "index.js",
    "index.mjs",
    "src/index.ts",
    "src/index.js",
    "main.ts",
    "main.js",
    "worker.js",
];

pub fn resolve(path: &Path) -> Result<PathBuf> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if path.is_dir() {
        for c in CANDIDATES {
            let p = path.join(c);
            if p.is_file() {
                return Ok(p);
            }
        }
        bail!(
            "{} is a folder with no entry module (looked for {})",
            path.display(),
            CANDIDATES.join(", ")
        );
    }
    bail!("{}: no such file or folder", path.display())
}
