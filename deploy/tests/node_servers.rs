//! Node-style servers on Edge: `http.createServer(handler).listen(port)` makes the handler the
//! app's request handler. A plain `node:http` app streams Server-Sent Events chunk by chunk; an
//! Express 5 app in the style of Node's guides (helmet, cors, express-rate-limit, express.json,
//! a router with params, zod validation, jsonwebtoken with roles, 404 and error handlers) gives
//! the same status, JSON body and headers as under Node 20 for a scripted list of requests.
//! A Fastify app (JSON schemas), a Koa app (router, body parser, error middleware) and a
//! GraphQL Yoga server on `createServer` answer their scripted requests as under Node too.
//! The event loop runs ticks, promise jobs, immediates and timers in Node's order;
//! `process.exit()` ends the isolate and not the node; errors nobody caught go to the app's
//! `process.on("uncaughtException" | "unhandledRejection")` listeners.

mod common;
mod nodekit;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{repo_root, run_edge, DevServer};

fn fixtures() -> std::path::PathBuf {
    let dir = repo_root().join("deploy/tests/fixtures/npm");
    assert!(
        dir.join("node_modules/express/package.json").is_file(),
        "npm fixtures are not installed: run scripts/test.sh (or npm ci in {})",
        dir.display()
    );
    dir
}

/// `node <app>` with `PORT`, killed on drop.
struct NodeServer {
    child: Child,
    port: u16,
}

impl NodeServer {
    fn start(app: &str) -> NodeServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("node")
            .arg(app)
            .env("PORT", port.to_string())
            .current_dir(fixtures())
            .stdout(Stdio::null())
            .spawn()
            .expect("node is installed (scripts/test.sh installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "node did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        NodeServer { child, port }
    }
}

impl Drop for NodeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One scripted request: method, path, headers, JSON body.
type Step<'a> = (&'a str, &'a str, Vec<(&'a str, String)>, Option<&'a str>);

/// What is compared of an answer.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    body: serde_json::Value,
    headers: Vec<(String, String)>,
}

const COMPARED_HEADERS: [&str; 14] = [
    "content-type",
    "content-security-policy",
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "x-powered-by",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "vary",
    "ratelimit-policy",
    "location",
];

async fn ask(
    client: &reqwest::Client,
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&str>,
) -> Answer {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let step = (
        method.into(),
        path.into(),
        headers,
        body.map(str::to_string),
    );
    send(client, port, &step, &COMPARED_HEADERS).await
}

/// Sends one request and keeps what is compared of the answer: status, body (JSON when it
/// parses) and the `compared` headers. A body without a content-type is sent as JSON.
async fn send(client: &reqwest::Client, port: u16, step: &Scripted, compared: &[&str]) -> Answer {
    let (method, path, headers, body) = step;
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method, format!("http://127.0.0.1:{port}{path}"));
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if let Some(body) = body {
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            req = req.header("content-type", "application/json");
        }
        req = req.body(body.clone());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = compared
        .iter()
        .filter_map(|h| {
            res.headers()
                .get(*h)
                .map(|v| (h.to_string(), v.to_str().unwrap().to_string()))
        })
        .collect();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    Answer {
        status,
        body,
        headers,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_express_app_answers_as_under_node() {
    // reqwest's plain clients need a process-wide rustls provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let node = NodeServer::start("express-app.mjs");
    let edge = DevServer::start(&fixtures().join("express-app.mjs"), &[]);
    let client = reqwest::Client::new();
    let token = |port: u16, role: &'static str| {
        let client = client.clone();
        async move {
            let a = ask(&client, port, "GET", &format!("/token/{role}"), &[], None).await;
            a.body["token"].as_str().unwrap().to_string()
        }
    };
    let (admin, user) = (
        token(node.port, "admin").await,
        token(node.port, "user").await,
    );
    assert_eq!(
        admin,
        token(edge.port, "admin").await,
        "the same token from both"
    );
    assert_eq!(user, token(edge.port, "user").await);
    let bearer = |t: &str| vec![("authorization", format!("Bearer {t}"))];
    let origin = vec![("origin", "https://app.example.com".to_string())];
    let preflight = vec![
        ("origin", "https://app.example.com".to_string()),
        ("access-control-request-method", "PATCH".to_string()),
    ];
    let big = format!(r#"{{"name":"{}","email":"a@b.co"}}"#, "x".repeat(20_000));
    let script: Vec<Step> = vec![
        ("GET", "/health", vec![], None),
        ("GET", "/users", vec![], None),
        ("GET", "/users?limit=1", vec![], None),
        ("GET", "/users/1", vec![], None),
        ("GET", "/users/2", origin.clone(), None),
        ("GET", "/users/99", vec![], None),
        ("GET", "/users/abc", vec![], None),
        ("PATCH", "/users/1", vec![], Some(r#"{"name":"Ada L"}"#)),
        (
            "PATCH",
            "/users/1",
            bearer("not-a-jwt"),
            Some(r#"{"name":"Ada L"}"#),
        ),
        (
            "PATCH",
            "/users/1",
            bearer(&user),
            Some(r#"{"name":"Ada L"}"#),
        ),
        (
            "PATCH",
            "/users/1",
            bearer(&user),
            Some(r#"{"email":"nope"}"#),
        ),
        (
            "PATCH",
            "/users/1",
            bearer(&user),
            Some(r#"{"role":"admin"}"#),
        ),
        (
            "PATCH",
            "/users/99",
            bearer(&user),
            Some(r#"{"name":"Nobody"}"#),
        ),
        (
            "PATCH",
            "/users/2",
            bearer(&user),
            Some(r#"{"name":"Linus T","email":"lt@example.com"}"#),
        ),
        (
            "POST",
            "/users",
            vec![],
            Some(r#"{"name":"Grace","email":"grace@example.com"}"#),
        ),
        (
            "POST",
            "/users",
            bearer(&user),
            Some(r#"{"name":"Grace","email":"grace@example.com"}"#),
        ),
        (
            "POST",
            "/users",
            bearer(&admin),
            Some(r#"{"name":"G","email":"grace@example.com"}"#),
        ),
        (
            "POST",
            "/users",
            bearer(&admin),
            Some(r#"{"name":"Grace","email":"grace@example.com"}"#),
        ),
        (
            "POST",
            "/users",
            bearer(&admin),
            Some(r#"{"name": "broken"#),
        ),
        ("POST", "/users", bearer(&admin), Some(&big)),
        ("GET", "/users/3", vec![], None),
        ("GET", "/users", vec![], None),
        ("GET", "/boom", vec![], None),
        ("GET", "/reject", vec![], None),
        ("GET", "/nowhere", vec![], None),
        ("DELETE", "/users/1", vec![], None),
        ("OPTIONS", "/users/1", preflight, None),
        ("GET", "/health", origin.clone(), None),
        ("GET", "/token/guest", vec![], None),
        ("GET", "/users/1", vec![], None),
        ("PUT", "/health", vec![], Some("{}")),
    ];
    assert!(script.len() >= 30);
    let mut statuses = std::collections::BTreeSet::new();
    for (method, path, headers, body) in &script {
        let want = ask(&client, node.port, method, path, headers, *body).await;
        let got = ask(&client, edge.port, method, path, headers, *body).await;
        assert_eq!(got, want, "{method} {path}: Edge and Node differ");
        statuses.insert(want.status);
    }
    // The script reaches every kind of answer the app gives.
    for status in [200, 201, 204, 400, 401, 403, 404, 413, 418, 500] {
        assert!(statuses.contains(&status), "no {status} in {statuses:?}");
    }
}

#[test]
fn a_node_http_server_streams_each_write_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.mjs");
    std::fs::write(
        &app,
        r#"import http from "node:http";
let release;
const released = new Promise((resolve) => { release = resolve; });
http.createServer(async (req, res) => {
  if (req.url === "/release") { release(); res.end("released"); return; }
  if (req.url === "/events") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: first\n\n");
    await released;              // the second event waits for a request the client
    res.write("data: second\n\n"); // makes only after it has read the first
    res.end();
    return;
  }
  let body = "";
  for await (const chunk of req) body += chunk;
  res.setHeader("x-method", req.method);
  res.end(JSON.stringify({ url: req.url, body, agent: req.headers["user-agent"], remote: req.socket.remoteAddress }));
}).listen(8080);
"#,
    )
    .unwrap();
    let server = DevServer::start(&app, &[]);
    assert!(
        server.output().contains("listen(8080)"),
        "{}",
        server.output()
    );
    let mut events = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(events, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(events);
    let mut seen = String::new();
    while !seen.contains("data: first") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "closed: {seen}");
        seen.push_str(&line);
    }
    assert!(!seen.contains("second"));
    assert_eq!(server.get("/release").text(), "released");
    while !seen.contains("data: second") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "closed: {seen}");
        seen.push_str(&line);
    }
    let res = server.request("POST", "/echo?x=1", &[("user-agent", "t")], b"hello");
    assert_eq!(res.status, 200);
    assert_eq!(
        res.text(),
        r#"{"url":"/echo?x=1","body":"hello","agent":"t","remote":"127.0.0.1"}"#
    );
}

/// `edge deploy` bundles the Express app (CommonJS packages, JSON, `exports` maps) and a node
/// serves it like any other app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_express_app_deploys_to_a_node() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let node = nodekit::NodeProc::start(&nodekit::write_config(dir.path(), ""));
    let project = dir.path().join("api");
    std::fs::create_dir_all(&project).unwrap();
    let fixtures = fixtures();
    for file in ["express-app.mjs", "package.json"] {
        std::fs::copy(fixtures.join(file), project.join(file)).unwrap();
    }
    std::os::unix::fs::symlink(fixtures.join("node_modules"), project.join("node_modules"))
        .unwrap();
    std::fs::write(
        project.join("edge.toml"),
        "name = \"api\"\nmain = \"express-app.mjs\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_edge"))
        .arg("deploy")
        .current_dir(&project)
        .env("HOME", dir.path())
        .env("EDGE_NODE", format!("http://{}", node.admin))
        .env("EDGE_TOKEN", nodekit::TOKEN)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("Deployed api version 1"), "{said}");
    let client = reqwest::Client::builder()
        .resolve("api.localhost", node.http)
        .build()
        .unwrap();
    let base = format!("http://api.localhost:{}", node.http.port());
    let user = client.get(format!("{base}/users/1")).send().await.unwrap();
    assert_eq!(user.status(), 200);
    assert!(user.headers().contains_key("content-security-policy"));
    assert_eq!(
        user.text().await.unwrap(),
        r#"{"id":"1","name":"Ada","email":"ada@example.com"}"#
    );
    let boom = client.get(format!("{base}/boom")).send().await.unwrap();
    assert_eq!(boom.status(), 418);
}

fn event_loop_fixture(name: &str) -> String {
    repo_root()
        .join("deploy/tests/fixtures/event-loop")
        .join(name)
        .display()
        .to_string()
}

/// The output of `node <script>`.
fn node_output(script: &str) -> String {
    let out = Command::new("node")
        .arg(script)
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Synchronous code, setTimeout(0), setImmediate, promise jobs, queueMicrotask, await and
/// process.nextTick, each queueing more of the same, run in the order Node 20 runs them: at a
/// CommonJS entry's top level (ticks first), at an ES module's (promise jobs first), inside a
/// timer callback, and inside a node:http request handler.
#[test]
fn the_event_loop_runs_in_nodes_order() {
    for script in ["order.cjs", "order.mjs"] {
        let path = event_loop_fixture(script);
        let expected = node_output(&path);
        assert!(expected.lines().count() >= 30, "{expected}");
        let (code, out, err) = run_edge(&["run", &path]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, expected, "{script}: edge (left) against node (right)");
    }
    let server = event_loop_fixture("server.cjs");
    let node = NodeServer::start(&server);
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", node.port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        conn,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut conn, &mut raw).unwrap();
    let expected = common::HttpResponse::parse(&raw).text();
    assert!(expected.lines().count() >= 15, "{expected}");
    let edge = DevServer::start(std::path::Path::new(&server), &[]);
    assert_eq!(edge.get("/").text(), expected);
}

/// `process.exit()` from a script ends `edge run` with its status at once (a pending long
/// timer does not hold it); from an app it ends that isolate with a log line saying so, the
/// request gets an error answer, and the next request is served by a fresh isolate.
#[test]
fn process_exit_ends_the_isolate_not_the_node() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script.cjs");
    std::fs::write(
        &script,
        "setTimeout(() => console.log('never'), 600000);\n\
         setTimeout(() => { console.log('exiting'); process.exit(3); console.log('after exit'); }, 5);\n",
    )
    .unwrap();
    let (code, out, _) = run_edge(&["run", script.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert_eq!(out, "exiting\n");

    let app = dir.path().join("app.mjs");
    std::fs::write(
        &app,
        r#"let served = 0;
export default {
  fetch(request) {
    served += 1;
    if (new URL(request.url).pathname === "/exit") {
      try { process.exit(7); } catch { return new Response("caught the exit"); }
      return new Response("still running");
    }
    return new Response(`served ${served}`);
  },
};
"#,
    )
    .unwrap();
    let server = DevServer::start(&app, &[]);
    assert_eq!(server.get("/").text(), "served 1");
    assert_eq!(server.get("/").text(), "served 2");
    let exited = server.get("/exit");
    assert!(exited.status >= 500, "{}", exited.text());
    assert!(!exited.text().contains("caught") && !exited.text().contains("still"));
    let output = server.output_with("process.exit(7) called");
    assert!(output.contains("process.exit(7) called"), "{output}");
    // A fresh isolate: the module's state starts again.
    assert_eq!(server.get("/").text(), "served 1");
}

/// An error thrown by a timer, a tick or a microtask, and a rejection nobody handles, go to the
/// app's own `process.on(...)` listeners when it has them (and are not logged as uncaught).
#[test]
fn uncaught_errors_reach_the_apps_process_listeners() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.mjs");
    std::fs::write(
        &app,
        r#"const seen = [];
process.on("uncaughtException", (err, origin) => seen.push(`${origin}: ${err.message}`));
process.on("unhandledRejection", (reason) => seen.push(`rejection: ${reason.message}`));
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === "/seen") return Response.json(seen);
    setTimeout(() => { throw new Error("from a timer"); }, 0);
    process.nextTick(() => { throw new Error("from a tick"); });
    queueMicrotask(() => { throw new Error("from a microtask"); });
    Promise.reject(new Error("nobody handles this"));
    return new Response("scheduled");
  },
};
"#,
    )
    .unwrap();
    let server = DevServer::start(&app, &[]);
    assert_eq!(server.get("/").text(), "scheduled");
    let mut seen = serde_json::Value::Null;
    for _ in 0..100 {
        seen = serde_json::from_str(&server.get("/seen").text()).unwrap();
        if seen.as_array().unwrap().len() >= 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut seen: Vec<String> = serde_json::from_value(seen).unwrap();
    seen.sort();
    assert_eq!(
        seen,
        [
            "rejection: nobody handles this",
            "uncaughtException: from a microtask",
            "uncaughtException: from a tick",
            "uncaughtException: from a timer",
        ]
    );
    assert!(!server.output().contains("Uncaught"), "{}", server.output());
}

/// One recorded request of a framework's script (`<app>-requests.json`): method, path,
/// headers, body.
type Scripted = (String, String, Vec<(String, String)>, Option<String>);

const FRAMEWORK_HEADERS: [&str; 6] = [
    "content-type",
    "location",
    "allow",
    "x-served-by",
    "x-request-path",
    "content-length",
];

/// Runs `<app>.mjs` under Node and under `edge dev`, sends both the app's scripted requests in
/// order, and compares status, JSON body and headers.
async fn differential(app: &str, min_steps: usize) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let script: Vec<Scripted> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join(format!("{app}-requests.json"))).unwrap(),
    )
    .unwrap();
    assert!(script.len() >= min_steps);
    let node = NodeServer::start(&format!("{app}.mjs"));
    let edge = DevServer::start(&fixtures().join(format!("{app}.mjs")), &[]);
    let client = reqwest::Client::new();
    let mut statuses = std::collections::BTreeSet::new();
    for step in &script {
        let expected = send(&client, node.port, step, &FRAMEWORK_HEADERS).await;
        let got = send(&client, edge.port, step, &FRAMEWORK_HEADERS).await;
        assert_eq!(got, expected, "{app}: {} {}", step.0, step.1);
        statuses.insert(expected.status);
    }
    // The script covers successes and failures alike.
    assert!(statuses.iter().any(|s| *s < 300) && statuses.iter().any(|s| *s >= 400));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fastify_app_answers_as_under_node() {
    differential("fastify-app", 25).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_koa_app_answers_as_under_node() {
    differential("koa-app", 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graphql_yoga_server_answers_as_under_node() {
    differential("yoga-app", 15).await;
}

/// An Express app exported as the module's default (ES module) or as `module.exports`
/// (CommonJS), with no `listen()`, is the app's request handler.
#[test]
fn an_exported_express_app_serves_without_listen() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        fixtures().join("node_modules"),
        dir.path().join("node_modules"),
    )
    .unwrap();
    let esm = dir.path().join("app.mjs");
    std::fs::write(
        &esm,
        r#"import express from "express";
const app = express();
app.get("/users/:id", (req, res) => res.json({ id: req.params.id, from: "esm" }));
export default app;
"#,
    )
    .unwrap();
    let cjs = dir.path().join("app.cjs");
    std::fs::write(
        &cjs,
        r#"const express = require("express");
const app = express();
app.get("/users/:id", (req, res) => res.status(201).json({ id: req.params.id, from: "cjs" }));
module.exports = app;
"#,
    )
    .unwrap();
    for (file, status, from) in [(&esm, 200, "esm"), (&cjs, 201, "cjs")] {
        let server = DevServer::start(file, &[]);
        let res = server.get("/users/7");
        assert_eq!(res.status, status, "{}", server.output());
        assert_eq!(res.text(), format!(r#"{{"id":"7","from":"{from}"}}"#));
        assert_eq!(server.get("/nope").status, 404);
    }
}
