//! What every test262 run gets before the harness: `print` (collected, for async tests'
//! `$DONE`) and the `$262` host object, as far as a worker-like runtime can give it.

/// Defines `print`, `$262` and the collected output `__t262.out`.
pub const PRELUDE: &str = r#"
globalThis.__t262 = { out: [] };
globalThis.print = function print(...args) {
  __t262.out.push(args.map((a) => String(a)).join(" "));
};
globalThis.$262 = {
  global: globalThis,
  gc() {},
  evalScript(source) {
    return (0, eval)(source);
  },
  detachArrayBuffer(buffer) {
    structuredClone(buffer, { transfer: [buffer] });
    return null;
  },
  createRealm() {
    throw new Error("$262.createRealm is not available");
  },
  agent: {},
};
"#;

/// Evaluates to the async outcome so far: "" while running, else the `Test262:` line.
pub const ASYNC_POLL: &str = r#"__t262.out.find((l) => l.startsWith("Test262:AsyncTest")) ?? """#;

/// The harness files a test needs, in order (none for `raw` tests).
pub fn harness_files(fm: &super::frontmatter::Frontmatter) -> Vec<String> {
    if fm.has("raw") {
        return Vec::new();
    }
    let mut files = vec!["assert.js".to_string(), "sta.js".to_string()];
    if fm.has("async") {
        files.push("doneprintHandle.js".to_string());
    }
    for include in &fm.includes {
        if !files.contains(include) {
            files.push(include.clone());
        }
    }
    files
}

/// Whether an error (as `Name: message`, or a loader's text) is the negative test's type.
pub fn is_expected_error(error: &str, kind: &str) -> bool {
    let error = error.trim_start_matches("Uncaught ");
    error.starts_with(&format!("{kind}:")) || error == kind || error.contains(&format!("{kind}:"))
}
