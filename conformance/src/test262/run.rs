//! Runs one test262 file in one mode in a fresh Edge isolate (the child process's side): the
//! prelude, the harness files and the test as classic scripts in one task (strict mode by a
//! `"use strict";` line), or the harness as scripts and the test as a module; an async test
//! passes once it prints `Test262:AsyncTestComplete`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use edge_runtime::{Isolate, IsolateOptions};

use super::frontmatter::Frontmatter;
use super::prelude::{harness_files, is_expected_error, ASYNC_POLL, PRELUDE};
use super::Mode;

/// Whether the run passed, and why not.
pub async fn run(
    root: &Path,
    file: &Path,
    fm: &Frontmatter,
    mode: Mode,
    timeout: Duration,
) -> Result<(bool, Option<String>)> {
    let isolate = Isolate::new(IsolateOptions {
        log: Arc::new(|_, _| {}),
        ..IsolateOptions::default()
    })
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let _driver = tokio::task::spawn_local(isolate.driver());
    let mut scripts = vec![("prelude.js".to_string(), PRELUDE.to_string())];
    for name in harness_files(fm) {
        let path = root.join("harness").join(&name);
        let source =
            std::fs::read_to_string(&path).map_err(|e| anyhow!("harness file {name}: {e}"))?;
        scripts.push((path.display().to_string(), source));
    }
    let harness_len = scripts.len();
    let test_path = root.join(file);
    let source = std::fs::read_to_string(&test_path)?;
    let outcome: Result<(), String> = match mode {
        Mode::Module => match isolate.eval_scripts(scripts).await {
            Err((_, e)) => return Err(anyhow!("the harness failed to load: {e}")),
            Ok(()) => {
                let run = isolate.run_main(&test_path);
                match tokio::time::timeout(timeout, run).await {
                    Err(_) if fm.has("async") => Ok(()),
                    Err(_) => Err(format!("timed out after {} s", timeout.as_secs())),
                    Ok(r) => r.map_err(|e| e.to_string()),
                }
            }
        },
        _ => {
            let source = if mode == Mode::Strict {
                format!("\"use strict\";\n{source}")
            } else {
                source
            };
            scripts.push((test_path.display().to_string(), source));
            match isolate.eval_scripts(scripts).await {
                Ok(()) => Ok(()),
                Err((index, e)) if index < harness_len => {
                    return Err(anyhow!("the harness failed to load: {e}"))
                }
                Err((_, e)) => Err(e.to_string()),
            }
        }
    };
    if let Some((_, kind)) = &fm.negative {
        return Ok(match outcome {
            Err(e) if is_expected_error(&e, kind) => (true, None),
            Err(e) => (false, Some(format!("expected {kind}, got {e}"))),
            Ok(()) => (false, Some(format!("expected {kind}, nothing was thrown"))),
        });
    }
    if let Err(e) = outcome {
        return Ok((false, Some(e)));
    }
    if !fm.has("async") {
        return Ok((true, None));
    }
    let started = Instant::now();
    loop {
        let line = isolate
            .eval_script("poll.js", ASYNC_POLL)
            .await
            .map_err(|e| anyhow!("{e}"))?
            .unwrap_or_default();
        let line = line.trim_matches('"');
        if line.starts_with("Test262:AsyncTestComplete") {
            return Ok((true, None));
        }
        if !line.is_empty() {
            return Ok((false, Some(line.to_string())));
        }
        if started.elapsed() > timeout {
            return Ok((false, Some("the async test never called $DONE".into())));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
