//! Runs one test262 file in one mode in another runtime (Node, Deno or Bun), with the same
//! prelude and harness: a small ES module evaluates them with `node:vm`'s `runInThisContext`
//! (classic scripts in the global scope), then the test (as a script, or imported as a
//! module), waits for an async test's `$DONE`, and prints the outcome as JSON.

use std::path::Path;
use std::time::{Duration, Instant};

use super::frontmatter::Frontmatter;
use super::prelude::{harness_files, is_expected_error, PRELUDE};
use super::Mode;
use crate::peer::Engine;

fn runner(parts: &str, test: &str, mode: Mode, is_async: bool, timeout: Duration) -> String {
    let timeout_ms = timeout.as_millis();
    let module = mode == Mode::Module;
    let strict = mode == Mode::Strict;
    format!(
        r#"import vm from "node:vm";
import {{ pathToFileURL }} from "node:url";
const parts = {parts};
const test = {test};
const report = (passed, error) => {{
  console.log("T262RESULT " + JSON.stringify({{ passed, error }}));
  globalThis.process?.exit?.(0);
}};
const text = (e) => (e && e.name ? `${{e.name}}: ${{e.message}}` : String(e));
if (globalThis.process?.on) process.on("uncaughtException", (e) => report(false, text(e)));
try {{
  for (const [name, source] of parts) vm.runInThisContext(source, {{ filename: name }});
}} catch (e) {{
  report(false, "the harness failed to load: " + text(e));
}}
try {{
  if ({module}) await import(pathToFileURL(test).href);
  else {{
    const fs = await import("node:fs");
    const source = fs.readFileSync(test, "utf8");
    vm.runInThisContext(({strict} ? '"use strict";\n' : "") + source, {{ filename: test }});
  }}
}} catch (e) {{
  report(false, text(e));
}}
if (!{is_async}) report(true, null);
const started = Date.now();
const poll = () => {{
  const line = __t262.out.find((l) => l.startsWith("Test262:AsyncTest"));
  if (line) report(line.startsWith("Test262:AsyncTestComplete"), line);
  else if (Date.now() - started > {timeout_ms}) report(false, "the async test never called $DONE");
  else setTimeout(poll, 2);
}};
poll();
"#
    )
}

/// Where the runner module is written (one per run of the suite; see [`remove_scratch`]).
fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("edge-t262-{}", std::process::id()))
}

/// Removes the runner's scratch directory at the end of a peer's run.
pub fn remove_scratch() {
    let _ = std::fs::remove_dir_all(scratch_dir());
}

/// Whether the run passed, and why not.
pub fn run(
    engine: Engine,
    bin: &Path,
    root: &Path,
    file: &Path,
    fm: &Frontmatter,
    mode: Mode,
    timeout: Duration,
) -> (bool, Option<String>) {
    let mut parts = vec![("prelude.js".to_string(), PRELUDE.to_string())];
    for name in harness_files(fm) {
        let path = root.join("harness").join(&name);
        match std::fs::read_to_string(&path) {
            Ok(source) => parts.push((path.display().to_string(), source)),
            Err(e) => return (false, Some(format!("harness file {name}: {e}"))),
        }
    }
    let test = root.join(file);
    let script = runner(
        &serde_json::to_string(&parts).unwrap_or_default(),
        &serde_json::to_string(&test.to_string_lossy()).unwrap_or_default(),
        mode,
        fm.has("async"),
        timeout,
    );
    let dir = scratch_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("runner.mjs");
    if let Err(e) = std::fs::write(&path, script) {
        return (false, Some(e.to_string()));
    }
    let mut cmd = std::process::Command::new(bin);
    if engine == Engine::Deno {
        cmd.args(["run", "-A", "--quiet"]);
    }
    let child = cmd
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return (false, Some(format!("{}: {e}", bin.display()))),
    };
    let reader = child.stdout.take().map(|mut out| {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        })
    });
    let errors = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        })
    });
    let deadline = Instant::now() + timeout + Duration::from_secs(5);
    if !matches!(crate::harness::wait_or_kill(&mut child, deadline), Ok(true)) {
        return (false, Some("killed (hang)".into()));
    }
    let out = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    let err = errors.and_then(|r| r.join().ok()).unwrap_or_default();
    let result = out
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("T262RESULT "))
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
    let (passed, error) = match result {
        Some(v) => (
            v["passed"].as_bool().unwrap_or(false),
            v["error"].as_str().map(str::to_string),
        ),
        // A module that fails to parse never reaches the runner's catch: the peer says why
        // on stderr.
        None => (
            false,
            Some(
                err.lines()
                    .find(|l| l.contains("Error"))
                    .unwrap_or("no result")
                    .to_string(),
            ),
        ),
    };
    match &fm.negative {
        Some((_, kind)) => match error {
            Some(e) if !passed && is_expected_error(&e, kind) => (true, None),
            other => (
                false,
                Some(format!(
                    "expected {kind}, got {}",
                    other.unwrap_or_default()
                )),
            ),
        },
        None => (passed, error),
    }
}
