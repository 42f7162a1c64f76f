//! Runs one WPT file in another runtime (Deno, Node or Bun), with the same harness, reporter,
//! META scripts and fetch shim Edge gets, so the per-directory table can be put side by side
//! with a peer's. The file's scripts are loaded with `node:vm`'s `runInThisContext` (classic
//! scripts sharing one global scope, no microtask checkpoint between them, like
//! `importScripts`); the report is written to a file once the harness completes.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::harness::{self, FileResult};
use crate::meta::Meta;

/// A runtime to compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    Edge,
    Deno,
    Node,
    Bun,
}

/// The ES module the peer runs: every part as a string, evaluated in order.
fn script(root: &Path, file: &Path, meta: &Meta, variant: &str, out: &Path) -> Result<String> {
    let location = harness::location_of(file, variant);
    let dir = file.parent().unwrap_or(Path::new(""));
    let harness_path = root.join("resources/testharness.js");
    let mut parts = vec![
        ("prelude.js".to_string(), harness::prelude(&location)),
        (
            "fetch-shim.js".to_string(),
            harness::fetch_shim(root, file, meta)?,
        ),
        (
            harness_path.display().to_string(),
            harness::read(&harness_path)?,
        ),
        ("reporter.js".to_string(), harness::REPORTER.to_string()),
    ];
    for script in &meta.scripts {
        let path = harness::script_path(root, dir, script);
        let source =
            harness::read(&path).map_err(|e| anyhow::anyhow!("META script {script}: {e}"))?;
        parts.push((path.display().to_string(), source));
    }
    let test_path = root.join(file);
    parts.push((test_path.display().to_string(), harness::read(&test_path)?));
    let parts = serde_json::to_string(&parts)?;
    let out = serde_json::to_string(&out.to_string_lossy())?;
    Ok(format!(
        r#"import vm from "node:vm";
import fs from "node:fs";
const parts = {parts};
const out = {out};
// Node 20 has no `self`; testharness.js needs one to start at all.
globalThis.self ??= globalThis;
const quiet = () => {{}};
if (globalThis.process?.on) {{
  process.on("uncaughtException", quiet);
  process.on("unhandledRejection", quiet);
}}
if (globalThis.addEventListener) {{
  addEventListener("error", (e) => e.preventDefault?.());
  addEventListener("unhandledrejection", (e) => e.preventDefault?.());
}}
let error = null;
for (let i = 0; i < parts.length; i++) {{
  try {{
    vm.runInThisContext(parts[i][1], {{ filename: parts[i][0] }});
  }} catch (e) {{
    error = (i === parts.length - 1 ? "test file threw: " : "script " + parts[i][0] + " threw: ") + String(e);
    if (i < parts.length - 1) break;
  }}
}}
if (typeof done === "function") done();
const finish = () => {{
  const w = globalThis.__wpt ?? {{ results: [] }};
  const subtests = w.results.map(([name, status, message]) => [name, status === 0, message]);
  fs.writeFileSync(out, JSON.stringify({{ subtests, error }}));
  (globalThis.process?.exit ?? globalThis.Deno?.exit)(0);
}};
const poll = () => (globalThis.__wpt?.done || (error && !globalThis.__wpt) ? finish() : setTimeout(poll, 2));
poll();
"#
    ))
}

/// Runs `file` in `engine` (binary `bin`); killed after `timeout` (plus a grace period).
pub fn run(
    engine: Engine,
    bin: &Path,
    root: &Path,
    file: &Path,
    meta: &Meta,
    variant: &str,
    timeout: Duration,
) -> FileResult {
    let failed = |error: String| FileResult {
        subtests: Vec::new(),
        error: Some(error),
    };
    let dir = std::env::temp_dir().join(format!("edge-wpt-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return failed(e.to_string());
    }
    let entry = dir.join("wpt.mjs");
    let out = dir.join("result.json");
    let _ = std::fs::remove_file(&out);
    let source = match script(root, file, meta, variant, &out) {
        Ok(s) => s,
        Err(e) => return failed(e.to_string()),
    };
    if let Err(e) = std::fs::write(&entry, source) {
        return failed(e.to_string());
    }
    let mut command = std::process::Command::new(bin);
    match engine {
        Engine::Deno => {
            command.args(["run", "-A", "--quiet"]);
        }
        Engine::Bun => {
            command.arg("run");
        }
        Engine::Node | Engine::Edge => {}
    }
    command
        .arg(&entry)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot start {}: {e}", bin.display())),
    };
    let deadline = std::time::Instant::now() + timeout + Duration::from_secs(5);
    if let Err(e) = harness::wait_or_kill(&mut child, deadline) {
        return failed(e.to_string());
    }
    let Ok(text) = std::fs::read_to_string(&out) else {
        return failed("no result (crashed, or timed out)".into());
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return failed("unreadable result".into());
    };
    let _ = std::fs::remove_dir_all(&dir);
    harness::parse_report(&value)
}
