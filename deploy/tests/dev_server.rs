//! `edge dev` end to end: a real child process serving real sockets on 127.0.0.1.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{find, fixture, read_until, repo_root, run_edge, DevServer};

fn example(name: &str) -> std::path::PathBuf {
    repo_root().join("examples").join(name)
}

/// Acceptance 1: the README's run command serves examples/hello.
#[test]
fn readme_run_command_serves_hello() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|l| l.starts_with("cargo run ") && l.contains(" -- dev "))
        .expect("the README shows a `cargo run ... -- dev ...` command");
    let args: Vec<&str> = command
        .split(" -- ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(args.contains(&"examples/hello"), "{command}");
    let server = DevServer::spawn(&args);
    let res = server.get("/");
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), "Hello from Edge! You asked for /\n");
}

#[test]
fn hello_example_answers() {
    let server = DevServer::start(&example("hello"), &[]);
    let res = server.get("/greet");
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), "Hello from Edge! You asked for /greet\n");
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[test]
fn hello_ts_example_runs_unmodified() {
    let server = DevServer::start(&example("hello-ts"), &["--var", "NAME=tester"]);
    let res = server.get("/?curious");
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    let text = res.text();
    assert!(text.contains(r#""message":"Hello, tester!""#), "{text}");
    assert!(text.contains(r#""mood":"curious""#), "{text}");
}

/// Acceptance 2: the first chunk reaches the client while the app is still waiting for a
/// second request. Any buffering deadlocks this test (and the I/O timeout fails it).
#[test]
fn chunks_reach_the_client_as_they_are_enqueued() {
    let server = DevServer::start(&common::fixture("gate.js"), &[]);
    for path in ["/stream", "/pull"] {
        let mut s = server.connect();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        read_until(&mut s, &mut buf, b"first\n");
        assert!(find(&buf, b"second").is_none());
        assert_eq!(server.get("/release").text(), "released\n");
        read_until(&mut s, &mut buf, b"second\n");
        read_until(&mut s, &mut buf, b"0\r\n\r\n");
        let head = String::from_utf8_lossy(&buf);
        assert!(head.contains("transfer-encoding: chunked"), "{head}");
    }
}

/// The SSE example delivers each event as it is generated: with a delay far longer than the
/// test's I/O timeout between events, only per-event flushing lets the first one through.
#[test]
fn sse_events_are_not_buffered() {
    let server = DevServer::start(&example("sse-chat"), &[]);
    let mut s = server.connect();
    write!(s, "GET /chat?delay=600000 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    read_until(&mut s, &mut buf, b"data: {\"id\":0,");
    let text = String::from_utf8_lossy(&buf).to_string();
    assert!(text.contains("content-type: text/event-stream"), "{text}");
    assert!(!text.contains("\"id\":1,"), "{text}");
    drop(s);
    // The whole stream, without delays, ends with [DONE].
    let res = server.get("/chat?delay=0");
    assert!(res.text().ends_with("data: [DONE]\n\n"), "{}", res.text());
    let events: Vec<&str> = res
        .text()
        .leak()
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .collect();
    assert!(events.len() > 10, "{events:?}");
    for (i, event) in events[..events.len() - 1].iter().enumerate() {
        assert!(
            event.starts_with(&format!("data: {{\"id\":{i},")),
            "{event}"
        );
    }
    // The server survived the client that went away mid-stream.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn echo_streams_the_body_back() {
    let server = DevServer::start(&example("echo"), &[]);
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let res = server.request(
        "POST",
        "/",
        &[("content-type", "application/x-test")],
        &body,
    );
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/x-test"));
    assert!(
        res.body == body,
        "echoed body differs ({} bytes back)",
        res.body.len()
    );
}

/// The upload and the echo overlap: the client reads the first echoed bytes before it has sent
/// the rest of the body.
#[test]
fn echo_answers_before_the_upload_ends() {
    let server = DevServer::start(&example("echo"), &[]);
    let mut s = server.connect();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    write!(s, "6\r\nhello \r\n").unwrap();
    let mut buf = Vec::new();
    read_until(&mut s, &mut buf, b"hello ");
    write!(s, "5\r\nworld\r\n0\r\n\r\n").unwrap();
    read_until(&mut s, &mut buf, b"world");
}

/// Acceptance 4: a failing handler answers 500 with a readable body, the next request is fine.
#[test]
fn handler_errors_become_500_and_the_app_keeps_serving() {
    let server = DevServer::start(&common::fixture("errors.js"), &[]);
    for (path, needle) in [
        ("/throw", "sync failure in handler"),
        ("/reject", "async failure in handler"),
        ("/not-a-response", "must return a Response"),
    ] {
        let res = server.get(path);
        assert_eq!(res.status, 500, "{path}");
        let text = res.text();
        assert!(text.starts_with("Internal Server Error"), "{path}: {text}");
        assert!(text.contains(needle), "{path}: {text}");
        let ok = server.get("/");
        assert_eq!((ok.status, ok.text().as_str()), (200, "fine\n"));
    }
    // The stack is shown by the dev server.
    assert!(server.get("/throw").text().contains("errors.js:"));
    // A stream that fails mid-way cuts the response short instead of ending it cleanly.
    for path in ["/bad-chunk", "/error-mid-stream"] {
        let mut s = server.connect();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        assert!(
            find(&raw, b"0\r\n\r\n").is_none(),
            "{path} ended as if complete"
        );
        assert_eq!(server.get("/").status, 200);
    }
    let log = server.output();
    assert!(log.contains("sync failure in handler"), "{log}");
}

#[test]
fn service_worker_apps_and_wait_until() {
    let server = DevServer::start(&common::fixture("service-worker.js"), &[]);
    let res = server.request("PUT", "/x", &[], b"data");
    assert_eq!(res.text(), "sw PUT /x");
    // The background work finishes after the response was sent.
    let mut count = String::new();
    for _ in 0..200 {
        count = server.get("/count").text();
        if count == "1" {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(count, "1");
}

#[test]
fn env_vars_wait_until_and_request_bodies() {
    let server = DevServer::start(
        &common::fixture("context.js"),
        &["--var", "GREETING=hi there", "--var", "OTHER=a=b"],
    );
    assert_eq!(
        server.get("/env").text(),
        r#"{"greeting":"hi there","other":"a=b"}"#
    );
    assert_eq!(
        server.get("/wait").text(),
        "sent before the background work ends"
    );
    let mut finished = String::new();
    for _ in 0..200 {
        finished = server.get("/finished").text();
        if finished == "1" {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(finished, "1");
    let res = server.request(
        "POST",
        "/json",
        &[("content-type", "application/json")],
        br#"{"a":[1,2]}"#,
    );
    assert_eq!(
        res.text(),
        r#"{"got":{"a":[1,2]},"method":"POST","type":"application/json"}"#
    );
    let res = server.get("/headers");
    assert_eq!(res.status, 204);
    assert_eq!(res.header("x-one"), Some("1"));
    assert_eq!(
        res.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .count(),
        2
    );
    assert_eq!(server.get("/a/b?c=d").text(), "GET /a/b?c=d");
}

#[test]
fn malformed_http_gets_400_and_the_server_goes_on() {
    let server = DevServer::start(&example("hello"), &[]);
    let mut s = server.connect();
    s.write_all(b"THIS IS NOT HTTP\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: a/b\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 400"));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let server = DevServer::start(&example("hello"), &[]);
    let mut s = server.connect();
    for i in 0..20 {
        write!(s, "GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        read_until(&mut s, &mut buf, format!("for /{i}\n").as_bytes());
    }
}

#[test]
fn broken_entries_fail_with_a_location() {
    let dir = std::env::temp_dir().join(format!("edge-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.ts"),
        "export default {\n  fetch(r: Request) { return new Response(; }\n};\n",
    )
    .unwrap();
    let (code, _, stderr) = run_edge(&["dev", dir.join("bad.ts").to_str().unwrap(), "--port", "0"]);
    assert_ne!(code, 0);
    assert!(stderr.contains("bad.ts:2:"), "{stderr}");
    std::fs::write(dir.join("nohandler.js"), "export const x = 1;\n").unwrap();
    let (code, _, stderr) = run_edge(&[
        "dev",
        dir.join("nohandler.js").to_str().unwrap(),
        "--port",
        "0",
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("exports no fetch handler"), "{stderr}");
}

#[test]
fn edits_are_reloaded_and_broken_edits_keep_the_old_version() {
    let dir = std::env::temp_dir().join(format!("edge-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dep = dir.join("message.js");
    std::fs::write(&dep, "export const message = 'one';\n").unwrap();
    std::fs::write(
        dir.join("index.js"),
        "import { message } from './message.js';\nexport default { fetch() { return new Response(message); } };\n",
    )
    .unwrap();
    let server = DevServer::start(&dir, &[]);
    assert_eq!(server.get("/").text(), "one");
    let wait_for = |want: &str| {
        for _ in 0..400 {
            if server.get("/").text() == want {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("never saw {want:?}; log:\n{}", server.output());
    };
    // A file's mtime has a coarse resolution on some file systems: wait a little between edits.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&dep, "export const message = 'two';\n").unwrap();
    wait_for("two");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&dep, "export const message = ;\n").unwrap();
    for _ in 0..400 {
        if server.output().contains("reload failed") {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        server.output().contains("message.js:1:"),
        "{}",
        server.output()
    );
    assert_eq!(server.get("/").text(), "two");
}

/// A browser-style multipart upload (its own boundary, a binary file, a text field) reaches
/// `request.formData()` over a real socket intact; a body that is not a form gets the app's
/// 400, not a crash.
#[test]
fn multipart_uploads_reach_form_data_intact() {
    let server = DevServer::start(&fixture("forms.js"), &[]);
    let file: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello world\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"photo.bin\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let res = server.request("POST", "/", &[("Content-Type", &content_type)], &body);
    let text = res.text();
    assert_eq!(res.status, 200, "{text}\n{}", server.output());
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["title"], "hello world");
    assert_eq!(json["upload"]["name"], "photo.bin");
    assert_eq!(json["upload"]["type"], "image/png");
    assert_eq!(json["upload"]["size"], 70_000);
    let digest = ring::digest::digest(&ring::digest::SHA256, &file);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(json["upload"]["sha256"], hex.as_str());

    let res = server.request(
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"a=1&b=two+words",
    );
    assert_eq!(res.text(), r#"{"a":"1","b":"two words"}"#);

    let res = server.request(
        "POST",
        "/",
        &[("Content-Type", &content_type)],
        b"--not-the-boundary\r\n\r\n",
    );
    assert_eq!(res.status, 400);
    assert!(res.text().starts_with("not a form:"), "{}", res.text());
}
