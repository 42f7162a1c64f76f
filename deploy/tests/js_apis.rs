//! Runs the runtime's JS API test scripts (`runtime/tests/js/*.js`) with `edge run`, and checks
//! how `edge run` reports broken and failing scripts.

mod common;

use common::{repo_root, run_edge};

fn run_script(name: &str) {
    let path = repo_root().join("runtime/tests/js").join(name);
    let (code, stdout, stderr) = run_edge(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{name} failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(" passed, 0 failed"),
        "{name}: no summary:\n{stdout}"
    );
}

#[test]
fn fetch_types() {
    run_script("fetch_types.js");
}

#[test]
fn url_and_encoding() {
    run_script("url_encoding.js");
}

#[test]
fn events_and_timers() {
    run_script("events_timers.js");
}

#[test]
fn globals_presence() {
    run_script("globals_presence.js");
}

#[test]
fn intl() {
    run_script("intl.js");
}

#[test]
fn temporal() {
    run_script("temporal.js");
}

#[test]
fn webassembly() {
    run_script("webassembly.js");
}

#[test]
fn websocket() {
    run_script("websocket.js");
}

#[test]
fn crypto_subtle() {
    run_script("crypto_subtle.js");
}

#[test]
fn file_reader_and_blob() {
    run_script("file_reader.js");
}

#[test]
fn crypto_modern_algorithms() {
    run_script("crypto_modern.js");
}

#[test]
fn messaging_and_xhr() {
    run_script("messaging_xhr.js");
}

#[test]
fn form_data() {
    run_script("form_data.js");
}

#[test]
fn streams() {
    run_script("streams.js");
}

#[test]
fn typescript_features() {
    let path = repo_root().join("runtime/tests/js/typescript_features.ts");
    let (code, stdout, stderr) = run_edge(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("ts ok 6 1"), "{stdout}");
}

fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("edge-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let js = write_temp("broken.js", "const a = 1;\nconst b = ;\n");
    let (code, _, stderr) = run_edge(&["run", js.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(stderr.contains("broken.js:2:"), "{stderr}");
    assert!(stderr.contains("SyntaxError"), "{stderr}");

    let ts = write_temp(
        "broken.ts",
        "let a: number = 1;\nfunction f(x: string, : number) {}\n",
    );
    let (code, _, stderr) = run_edge(&["run", ts.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(stderr.contains("broken.ts:2:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn uncaught_errors_exit_non_zero() {
    for (name, src) in [
        ("throws.js", "throw new TypeError('top level');"),
        (
            "timer.js",
            "setTimeout(() => { throw new Error('in a timer'); }, 1);",
        ),
        ("reject.js", "Promise.reject(new Error('unhandled'));"),
        ("import.js", "import './does-not-exist.js';"),
    ] {
        let path = write_temp(name, src);
        let (code, stdout, stderr) = run_edge(&["run", path.to_str().unwrap()]);
        assert_ne!(code, 0, "{name} should fail:\n{stdout}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let ok = write_temp(
        "handled.js",
        "const p = Promise.reject(new Error('x')); p.catch(() => {}); await new Promise(r => setTimeout(r, 1));",
    );
    let (code, _, stderr) = run_edge(&["run", ok.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn modules_top_level_await_dynamic_import_and_meta() {
    let dir = std::env::temp_dir().join(format!("edge-mod-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(
        dir.join("lib/value.ts"),
        "export const value: number = 41;\n",
    )
    .unwrap();
    std::fs::write(dir.join("data.json"), "{\"k\": [1, 2]}").unwrap();
    std::fs::write(
        dir.join("main.js"),
        r#"
import { value } from "./lib/value.js";
import data from "./data.json" with { type: "json" };
const later = await import("./lib/value.ts");
await new Promise((r) => setTimeout(r, 1));
if (value + 1 !== 42 || later.value !== 41) throw new Error("imports");
if (data.k[1] !== 2) throw new Error("json");
if (!import.meta.url.startsWith("file:///") || !import.meta.url.endsWith("/main.js")) throw new Error(import.meta.url);
console.log("modules ok");
"#,
    )
    .unwrap();
    let (code, stdout, stderr) = run_edge(&["run", dir.join("main.js").to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("modules ok"));
}

#[test]
fn help_and_version() {
    let (code, stdout, _) = run_edge(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("dev") && stdout.contains("run"));
    let (code, stdout, _) = run_edge(&["--version"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("edge "));
    let (code, _, stderr) = run_edge(&["dev", "/no/such/app"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn console_output_to_a_closed_pipe_is_not_a_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("loud.js");
    std::fs::write(
        &script,
        "for (let i = 0; i < 20000; i++) console.log('line ' + i + ' ' + 'x'.repeat(100));\n",
    )
    .unwrap();
    let mut child = Command::new(common::edge_bin())
        .args(["run", script.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("line 0"));
    // The reader is gone (as with `| head -1`): the rest of the output has nowhere to go.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}
