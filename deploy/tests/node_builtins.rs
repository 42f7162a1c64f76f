//! Node built-in modules: each fixture in `tests/fixtures/node_compat/` runs under Node and
//! under `edge run`, and both must print the same JSON. Node is installed by the test command
//! (`scripts/test.sh`).

mod common;

use std::process::Command;

use common::{fixture, run_edge};

fn same_as_node(name: &str) {
    let script = fixture("node_compat").join(name);
    let node = Command::new("node")
        .arg(&script)
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    assert!(node.status.success(), "node failed on {name}");
    let expected = String::from_utf8(node.stdout).unwrap();
    let (code, stdout, stderr) = run_edge(&["run", script.to_str().unwrap()]);
    assert_eq!(code, 0, "{name} failed under edge:\n{stdout}\n{stderr}");
    let parse = |text: &str| -> serde_json::Value {
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{name}: {e}: {text}"))
    };
    let (node, edge) = (parse(&expected), parse(&stdout));
    if node != edge {
        let (n, e) = (node.as_array().unwrap(), edge.as_array().unwrap());
        let first = n.iter().zip(e).position(|(a, b)| a != b);
        panic!(
            "{name}: Edge differs from Node at entry {first:?}: node {:?} edge {:?} ({} vs {} entries)",
            first.map(|i| &n[i]),
            first.map(|i| &e[i]),
            n.len(),
            e.len()
        );
    }
}

#[test]
fn node_path_matches_node() {
    same_as_node("path_cases.mjs");
}

#[test]
fn node_events_matches_node() {
    same_as_node("events_cases.mjs");
}

#[test]
fn node_buffer_matches_node() {
    same_as_node("buffer_cases.mjs");
}

#[test]
fn node_querystring_and_string_decoder_match_node() {
    same_as_node("text_cases.mjs");
}

#[test]
fn node_crypto_matches_node() {
    same_as_node("crypto_cases.mjs");
}

#[test]
fn node_util_matches_node() {
    same_as_node("util_cases.mjs");
}

#[test]
fn apps_cannot_import_the_bootstrap() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("app.mjs");
    std::fs::write(&script, "import { formatArgs } from \"edge:bootstrap\";\n").unwrap();
    let (code, _, stderr) = run_edge(&["run", script.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(stderr.contains("unsupported import scheme"), "{stderr}");
}

#[test]
fn unknown_node_builtins_fail_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("app.mjs");
    std::fs::write(&script, "import fs from \"node:nonesuch\";\n").unwrap();
    let (code, _, stderr) = run_edge(&["run", script.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("Edge has no such Node built-in module"),
        "{stderr}"
    );
}
