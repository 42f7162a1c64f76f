//! Runs one WPT test file (one variant) in a fresh isolate: the checkout's testharness.js, a
//! reporter that collects every subtest's result, the META scripts, then the test itself; the
//! event loop runs until the harness reports completion or the timeout passes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use edge_runtime::{Isolate, IsolateOptions};

use crate::meta::Meta;

/// The outcome of one subtest, as testharness.js names it.
#[derive(Debug, Clone)]
pub struct Subtest {
    pub name: String,
    pub passed: bool,
    pub message: Option<String>,
}

#[derive(Debug, Default)]
pub struct FileResult {
    pub subtests: Vec<Subtest>,
    /// Set when the file as a whole failed: a load error, a harness error or a timeout.
    pub error: Option<String>,
}

pub const REPORTER: &str = r#"
globalThis.__wpt = { results: [], done: false, status: null };
{
  // Names may hold lone surrogates; the report must be well-formed JSON.
  const text = (v) => (v == null ? null : String(v).toWellFormed());
  add_result_callback((t) => __wpt.results.push([text(t.name), t.status, text(t.message)]));
  add_completion_callback((tests, status) => {
    __wpt.done = true;
    __wpt.status = [status.status, text(status.message)];
  });
}
"#;

/// WPT runs `*.any.js` files in a dedicated worker; Edge's global is a plain object, so the
/// runner gives it the worker scope's prototype (which testharness.js and idlharness.js use to
/// decide what is exposed) and a `postMessage` for the harness's reports. Attributes WebIDL
/// puts on the worker scope's prototype (`performance`) move there as accessors.
const WORKER_SCOPE: &str = r#"{
  class WorkerGlobalScope extends EventTarget {}
  class DedicatedWorkerGlobalScope extends WorkerGlobalScope {}
  for (const [name, value] of Object.entries({ WorkerGlobalScope, DedicatedWorkerGlobalScope })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  }
  {
    const performance = globalThis.performance;
    delete globalThis.performance;
    const accessors = {
      get performance() {
        if (this !== globalThis) throw new TypeError("Illegal invocation");
        return performance;
      },
      set performance(value) {
        if (this !== globalThis) throw new TypeError("Illegal invocation");
        Object.defineProperty(this, "performance", { value, writable: true, enumerable: true, configurable: true });
      },
    };
    Object.defineProperty(WorkerGlobalScope.prototype, "performance", {
      ...Object.getOwnPropertyDescriptor(accessors, "performance"),
      enumerable: true,
    });
  }
  Object.setPrototypeOf(globalThis, DedicatedWorkerGlobalScope.prototype);
  globalThis.postMessage = () => {};
}"#;

/// The URL a test file runs at, as WPT's server would give it.
pub fn location_of(file: &Path, variant: &str) -> String {
    let rel = file.to_string_lossy().replace('\\', "/");
    format!("http://web-platform.test:8000/{rel}{variant}")
}

/// `location` and the `GLOBAL` scope probe that WPT's worker wrappers provide.
pub fn prelude(location: &str) -> String {
    format!(
        "{{ const u = new URL({location:?}); Object.defineProperty(globalThis, 'location', {{ configurable: true, writable: true, value: {{ href: u.href, origin: u.origin, protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search, hash: u.hash, toString() {{ return u.href; }} }} }}); }}
globalThis.GLOBAL = {{ isWindow: () => false, isWorker: () => true, isShadowRealm: () => false }};"
    )
}

/// Serves the files a test fetches by a literal path (its data tables) from the checkout, as
/// WPT's own server would; anything else goes to the runtime's `fetch`, if it has one.
pub fn fetch_shim(root: &Path, file: &Path, meta: &Meta) -> Result<String> {
    let mut sources = vec![read(&root.join(file))?];
    let dir = file.parent().unwrap_or(Path::new(""));
    for script in &meta.scripts {
        sources.push(read(&script_path(root, dir, script)).unwrap_or_default());
    }
    let mut files = serde_json::Map::new();
    // idlharness fetches `/interfaces/<spec>.idl` by a computed path: serve them all.
    if meta.scripts.iter().any(|s| s.ends_with("idlharness.js")) {
        if let Ok(entries) = std::fs::read_dir(root.join("interfaces")) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    files.insert(
                        format!("/interfaces/{name}"),
                        serde_json::json!([BASE64.encode(bytes), ""]),
                    );
                }
            }
        }
    }
    for source in &sources {
        for literal in fetched_literals(source) {
            let path = match literal.strip_prefix('/') {
                Some(from_root) => normalize(Path::new(from_root)),
                None => normalize(&dir.join(&literal)),
            };
            let full = root.join(&path);
            if !full.is_file() || full.metadata().map_or(true, |m| m.len() > 8 << 20) {
                continue;
            }
            let Ok(bytes) = std::fs::read(&full) else {
                continue;
            };
            let key = format!("/{}", path.to_string_lossy().replace('\\', "/"));
            // wptserve's `<file>.headers` sidecar: response headers for that file.
            let sidecar = std::fs::read_to_string(root.join(format!("{}.headers", path.display())))
                .unwrap_or_default();
            files.insert(key, serde_json::json!([BASE64.encode(bytes), sidecar]));
        }
    }
    Ok(format!(
        r#"(function (files) {{
  const realFetch = globalThis.fetch;
  globalThis.fetch = function fetch(input, init) {{
    const url = new URL(String(input instanceof Request ? input.url : input), location.href);
    // WPT's echo endpoint: the request body comes back with its content type.
    if (url.origin === location.origin && url.pathname === "/fetch/api/resources/echo-content.py") {{
      const request = new Request(url.href, init);
      return request.arrayBuffer().then((body) => new Response(body, {{ headers: {{ "content-type": request.headers.get("content-type") ?? "" }} }}));
    }}
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (url.origin === location.origin && url.protocol === location.protocol) {{
      // As wptserve answers: the file (typed by its extension or its `.headers` sidecar,
      // with `?pipe=header(name,value)` applied), or 404; settled in a later task, so an
      // abort before then rejects.
      let response;
      if (Object.prototype.hasOwnProperty.call(files, url.pathname)) {{
        const [data, sidecar] = files[url.pathname];
        const path = url.pathname;
        const type = path.endsWith(".json") ? "application/json" : path.endsWith(".wasm") ? "application/wasm" : "text/plain";
        const headers = new Headers({{ "content-type": type }});
        for (const line of sidecar.split(/\r?\n/)) {{
          const colon = line.indexOf(":");
          if (colon > 0) headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }}
        const pipe = url.searchParams.get("pipe") ?? "";
        for (const [, name, value] of pipe.matchAll(/header\(([^,]*),([^)]*)\)/g)) {{
          headers.set(name, decodeURIComponent(value));
        }}
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        response = () => new Response(bytes, {{ headers }});
      }} else {{
        response = () => new Response("Not Found", {{ status: 404, headers: {{ "content-type": "text/plain" }} }});
      }}
      return new Promise((resolve, reject) => {{
        const onAbort = () => reject(signal.reason);
        signal?.addEventListener("abort", onAbort);
        setTimeout(() => {{
          signal?.removeEventListener("abort", onAbort);
          if (signal?.aborted) reject(signal.reason);
          else resolve(response());
        }}, 0);
      }});
    }}
    if (typeof realFetch === "function") return realFetch(input, init);
    return Promise.reject(new TypeError("fetch is not available for " + url.href));
  }};
}})({});"#,
        serde_json::Value::Object(files)
    ))
}

/// The string literals a test may fetch: those passed straight to `fetch(...)`, and quoted
/// root-relative paths (`"/media/foo.vtt"`) kept in constants.
fn fetched_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let mut parts = source.split(quote);
        parts.next();
        while let Some(inside) = parts.next() {
            let is_path = inside.starts_with('/')
                && !inside.starts_with("//")
                && inside.len() < 200
                && inside.contains('.')
                && inside
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c));
            if is_path {
                out.push(inside.to_string());
            }
            parts.next();
        }
    }
    let mut rest = source;
    while let Some(i) = rest.find("fetch(") {
        rest = &rest[i + 6..];
        let mut chars = rest.chars();
        let Some(quote) = chars.next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            out.push(rest[1..1 + end].to_string());
        }
    }
    out
}

/// Resolves `.` and `..` in a relative path.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where a META script lives in the checkout. `/resources/WebIDLParser.js` is an alias WPT's
/// server keeps for the vendored webidl2 parser.
pub fn script_path(root: &Path, dir: &Path, script: &str) -> PathBuf {
    match script.strip_prefix('/') {
        Some("resources/WebIDLParser.js") => root.join("resources/webidl2/lib/webidl2.js"),
        Some(abs) => root.join(abs),
        None => root.join(dir).join(script),
    }
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

/// Waits for a test process, killing it once `deadline` passes. `Ok(true)` when it exited by
/// itself, `Ok(false)` when it had to be killed.
pub fn wait_or_kill(child: &mut std::process::Child, deadline: Instant) -> std::io::Result<bool> {
    loop {
        match child.try_wait()? {
            Some(_) => return Ok(true),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(false);
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Runs this program again as a child (its arguments set by `args`: one file) that prints one
/// JSON report, killed if it is still running at `deadline`; its report, or the reason there
/// is none.
pub fn report_of_child(
    args: impl FnOnce(&mut std::process::Command),
    deadline: Instant,
) -> FileResult {
    let failed = |error: String| FileResult {
        subtests: Vec::new(),
        error: Some(error),
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return failed(e.to_string()),
    };
    let mut cmd = std::process::Command::new(exe);
    args(&mut cmd);
    let mut child = match cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return failed(e.to_string()),
    };
    // Drain stdout while the child runs: a large report would otherwise fill the pipe and
    // block the child forever.
    let reader = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut out = String::new();
            let _ = stdout.read_to_string(&mut out);
            out
        })
    });
    match wait_or_kill(&mut child, deadline) {
        Ok(true) => {}
        Ok(false) => return failed("killed after its time ran out (hang or endless loop)".into()),
        Err(e) => return failed(e.to_string()),
    }
    let out = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    match serde_json::from_str::<serde_json::Value>(out.trim()) {
        Ok(value) => parse_report(&value),
        Err(_) => failed("the test process crashed or printed no result".into()),
    }
}

/// Reads a child's report: `{"subtests": [[name, passed, message], ...], "error": ...}`.
pub fn parse_report(value: &serde_json::Value) -> FileResult {
    let subtests = value["subtests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| Subtest {
            name: s[0].as_str().unwrap_or_default().to_string(),
            passed: s[1].as_bool().unwrap_or(false),
            message: s[2].as_str().map(str::to_string),
        })
        .collect();
    FileResult {
        subtests,
        error: value["error"].as_str().map(str::to_string),
    }
}

/// Runs `file` (relative to `root`) with the query `variant`.
pub async fn run(
    root: &Path,
    file: &Path,
    meta: &Meta,
    variant: &str,
    timeout: Duration,
) -> Result<FileResult> {
    let isolate = Isolate::new(IsolateOptions {
        log: Arc::new(|_, _| {}),
        ..IsolateOptions::default()
    })
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let _driver = tokio::task::spawn_local(isolate.driver());
    let location = location_of(file, variant);
    let eval = |name: String, src: String| {
        let isolate = &isolate;
        async move {
            isolate
                .eval_script(&name, &src)
                .await
                .map_err(|e| anyhow!("{e}"))
        }
    };
    eval("location.js".into(), prelude(&location)).await?;
    eval("worker-scope.js".into(), WORKER_SCOPE.into()).await?;
    eval("fetch-shim.js".into(), fetch_shim(root, file, meta)?).await?;
    // The harness, the META scripts, the test and `done()` load in one task, as WPT's worker
    // wrapper loads them with one `importScripts`: testharness.js treats the first microtask
    // checkpoint as "all scripts loaded", so a checkpoint between scripts would end the run
    // after the first synchronous test.
    let harness = root.join("resources/testharness.js");
    let mut batch = vec![
        (harness.display().to_string(), read(&harness)?),
        ("reporter.js".to_string(), REPORTER.to_string()),
    ];
    let dir = file.parent().unwrap_or(Path::new(""));
    let mut result = FileResult::default();
    for script in &meta.scripts {
        let path = script_path(root, dir, script);
        match read(&path) {
            Ok(src) => batch.push((path.display().to_string(), src)),
            Err(e) => {
                result.error = Some(format!("META script {script}: {e}"));
                return Ok(result);
            }
        }
    }
    let test_index = batch.len();
    let test_path = root.join(file);
    batch.push((test_path.display().to_string(), read(&test_path)?));
    let mut timeout = timeout;
    if let Err((index, e)) = isolate.eval_scripts(batch).await {
        if index < 2 {
            return Err(anyhow!("the harness failed to load: {e}"));
        }
        if index < test_index {
            result.error = Some(format!("META script {}: {e}", meta.scripts[index - 2]));
            return Ok(result);
        }
        result.error = Some(format!("test file threw: {e}"));
        // Tests it registered before throwing may still finish; nothing else will.
        timeout = timeout.min(Duration::from_secs(1));
    }
    // As WPT's generated worker wrappers do after the test's scripts: tests that asked for an
    // explicit end (`setup({explicit_done})`, or only `explicit_timeout`) finish once their
    // subtests have.
    eval(
        "done.js".into(),
        "if (typeof done === 'function') done();".into(),
    )
    .await?;
    let started = Instant::now();
    loop {
        let done = eval("poll.js".into(), "__wpt.done".into()).await?;
        if done.as_deref() == Some("true") {
            break;
        }
        if started.elapsed() > timeout {
            result
                .error
                .get_or_insert_with(|| format!("timed out after {} s", timeout.as_secs()));
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let json = eval("collect.js".into(), "__wpt".into())
        .await?
        .unwrap_or_else(|| "{}".into());
    let report: serde_json::Value = serde_json::from_str(&json)?;
    if let Some(items) = report["results"].as_array() {
        for item in items {
            result.subtests.push(Subtest {
                name: item[0].as_str().unwrap_or_default().to_string(),
                passed: item[1].as_i64() == Some(0),
                message: item[2].as_str().map(str::to_string),
            });
        }
    }
    if let Some(status) = report["status"].as_array() {
        if status[0].as_i64().unwrap_or(0) != 0 && result.error.is_none() {
            result.error = Some(format!(
                "harness status {}: {}",
                status[0],
                status[1].as_str().unwrap_or("")
            ));
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_fetches() {
        let src = r#"promise_test(() => fetch("resources/a.json").then(r => r.json()));
fetch('../b.txt'); fetch(url); fetch(`c`);"#;
        assert_eq!(fetched_literals(src), vec!["resources/a.json", "../b.txt"]);
        assert_eq!(
            normalize(Path::new("url/../x/./y.json")),
            PathBuf::from("x/y.json")
        );
    }
}
