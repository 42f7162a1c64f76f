//! Node built-in modules: each fixture in `tests/fixtures/node_compat/` runs under Node and
//! under `edge run`, and both must print the same JSON. Node is installed by the test command
//! (`scripts/test.sh`).

mod common;

use std::process::Command;

use common::{fixture, run_edge, DevServer};

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
fn node_crypto_keys_match_node() {
    same_as_node("crypto_keys_cases.mjs");
}

#[test]
fn node_timers_and_net_helpers_match_node() {
    same_as_node("timers_net_cases.mjs");
}

#[test]
fn absent_modules_import_and_throw_a_clear_error_when_called() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("app.mjs");
    std::fs::write(
        &script,
        r#"import fs, { readFileSync, promises } from "node:fs";
import { readFile } from "fs/promises";
import cp from "child_process";
import { createSocket } from "node:dgram";
import net from "net";
import os from "node:os";
const codes = [];
for (const call of [() => readFileSync("/etc/passwd"), () => promises.readFile("/x"), () => readFile("/x"), () => cp.execSync("ls"), () => createSocket("udp4"), () => net.createServer()]) {
  try { call(); codes.push("no error"); } catch (e) { codes.push(e.code + ": " + e.message); }
}
console.log(JSON.stringify({ codes, fs: typeof fs.existsSync, platform: os.platform(), eol: os.EOL === String.fromCharCode(10) }));
"#,
    )
    .unwrap();
    let (code, stdout, stderr) = run_edge(&["run", script.to_str().unwrap()]);
    assert_eq!(
        code, 0,
        "{stdout}
{stderr}"
    );
    let out: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let codes = out["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 6);
    for c in codes {
        let c = c.as_str().unwrap();
        assert!(c.starts_with("ERR_NOT_AVAILABLE_ON_EDGE: "), "{c}");
        assert!(c.contains("is not available on Edge"), "{c}");
    }
    assert_eq!(out["fs"], "function");
    assert_eq!(out["platform"], "linux");
    assert_eq!(out["eol"], true);
}

#[test]
fn node_assert_matches_node() {
    same_as_node("assert_cases.mjs");
}

#[test]
fn node_url_matches_node() {
    same_as_node("url_cases.mjs");
}

#[test]
fn node_diagnostics_channel_and_perf_hooks_match_node() {
    same_as_node("channels_cases.mjs");
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

/// AsyncLocalStorage keeps each request's store across awaits, timers, intervals,
/// `Promise.all`, microtasks, listeners and a promise another request settles, with 100
/// requests in flight at once in one isolate; `enterWith` in one request does not leak into
/// the next.
#[test]
fn async_local_storage_follows_each_request_under_concurrency() {
    let server = DevServer::start(&fixture("node_compat").join("als-app.mjs"), &[]);
    let leak = server.get("/?id=leak");
    assert_eq!(leak.text(), "leaked", "{}", server.output());
    let server = std::sync::Arc::new(server);
    let threads: Vec<_> = (0..100)
        .map(|i| {
            let server = server.clone();
            std::thread::spawn(move || {
                let res = server.get(&format!("/?id={i}"));
                assert_eq!(res.status, 200, "{}", res.text());
                (
                    i,
                    serde_json::from_str::<serde_json::Value>(&res.text()).unwrap(),
                )
            })
        })
        .collect();
    for thread in threads {
        let (i, seen) = thread.join().unwrap();
        let id = i.to_string();
        let expect = serde_json::json!({
            "sync": id, "afterAwait": id, "afterTimer": id, "thenChain": id,
            "promiseAll": id, "interval": id, "listener": id,
            "nested": format!("{id}/inner-{id}"), "exit": "none", "sharedPromise": id,
            "resource": id, "boundOutside": "none", "before": "none", "after": "none",
        });
        assert_eq!(seen, expect, "request {i}");
    }
}

#[test]
fn node_stream_matches_node() {
    same_as_node("stream_cases.mjs");
}

#[test]
fn node_zlib_matches_node() {
    same_as_node("zlib_cases.mjs");
}

/// node:http's client inside a handler reaches a real server through fetch: a POST body
/// written in pieces arrives whole with its headers, a GET streams back, and a refused
/// connection is an 'error' event on the request. With the production network policy the
/// same request is refused, as fetch() would be.
#[test]
fn node_http_client_goes_through_fetch_and_its_policy() {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = Vec::new();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                head.push(line.trim_end().to_string());
                line.clear();
            }
            let len: usize = head
                .iter()
                .find_map(|h| {
                    h.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let test_header = head.iter().any(|h| h.eq_ignore_ascii_case("x-test: yes"));
            let reply = format!(
                "{} {} {}",
                head[0],
                String::from_utf8_lossy(&body),
                if test_header { "with x-test" } else { "" }
            );
            write!(
                stream,
                "HTTP/1.1 201 Created\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            )
            .unwrap();
        }
    });
    let app = fixture("node_compat").join("http-client-app.mjs");
    let upstream = format!("UPSTREAM=http://127.0.0.1:{port}");
    let server = DevServer::start(&app, &["--var", &upstream]);
    let res = server.get("/");
    assert_eq!(res.status, 200, "{}\n{}", res.text(), server.output());
    let got: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    assert_eq!(
        got,
        serde_json::json!({
            "posted": { "status": 201, "message": "Created", "type": "text/plain",
                "body": "POST /echo?x=1 HTTP/1.1 hello from node:http with x-test" },
            "got": { "status": 201, "body": "GET /hello HTTP/1.1  ", "raw": true },
            "refused": "error: true",
            "codes": "I'm a Teapot",
        })
    );
    let strict = DevServer::start(&app, &["--var", &upstream, "--deny-private-network"]);
    let res = strict.get("/");
    assert_eq!(res.status, 500, "{}", res.text());
}

#[test]
fn node_vm_matches_node() {
    same_as_node("vm_cases.mjs");
}

#[test]
fn error_stacks_begin_with_name_and_message_as_in_node() {
    same_as_node("stack_cases.mjs");
}
