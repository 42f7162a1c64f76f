//! `edge-lambda` behind cargo-lambda's Lambda emulator (PyPI `cargo-lambda` 1.9.2, installed
//! by scripts/test.sh; `EDGE_CARGO_LAMBDA` names its binary): requests to the emulator's
//! Function URL paths reach the app, buffered and streamed, with Server-Sent Events arriving
//! one by one.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cargo_lambda() -> PathBuf {
    let path = std::env::var_os("EDGE_CARGO_LAMBDA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/tools/cargo-lambda/bin/cargo-lambda")
        });
    assert!(
        path.is_file(),
        "cargo-lambda is not installed at {} (scripts/test.sh installs it from PyPI, or set EDGE_CARGO_LAMBDA)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const APP: &str = r#"
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/sse")) {
      const enc = new TextEncoder();
      return new Response(new ReadableStream({
        async start(c) {
          c.enqueue(enc.encode("data: one\n\n"));
          const gate = await fetch(env.GATE_URL);
          c.enqueue(enc.encode("data: " + (await gate.text()) + "\n\n"));
          c.close();
        },
      }), { headers: { "content-type": "text/event-stream" } });
    }
    return Response.json({ path: url.pathname, query: url.search, method: request.method, body: await request.text() }, { status: 202, headers: { "set-cookie": "k=v; Path=/" } });
  },
};
"#;

/// The emulator (in a scratch Cargo project, which it insists on) and `edge-lambda` under it.
fn start(dir: &Path, mode: &str, gate_url: &str) -> (u16, Kill, Kill, Instant) {
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"edgefn\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[bin]]\nname = \"edgefn\"\npath = \"main.rs\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("main.rs"), "fn main() {}\n").unwrap();
    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("manifest.json"), r#"{"main":"index.js"}"#).unwrap();
    std::fs::write(app.join("index.js"), APP).unwrap();
    let port = free_port();
    let emulator = Kill(
        Command::new(cargo_lambda())
            .args([
                "lambda",
                "watch",
                "--only-lambda-apis",
                "-A",
                "127.0.0.1",
                "-P",
            ])
            .arg(port.to_string())
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cargo-lambda"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "cargo-lambda did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let started = Instant::now();
    let function = Kill(
        Command::new(env!("CARGO_BIN_EXE_edge-lambda"))
            .env(
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://127.0.0.1:{port}/.rt"),
            )
            .env("AWS_LAMBDA_FUNCTION_NAME", "_")
            .env("EDGE_APP_DIR", &app)
            .env("EDGE_LAMBDA_INVOKE_MODE", mode)
            .env("EDGE_OPEN_RANGES", "127.0.0.1/32")
            .env("GATE_URL", gate_url)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start edge-lambda"),
    );
    (port, emulator, function, started)
}

fn request(port: u16, method: &str, path: &str, body: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    BufReader::new(s)
}

fn head(reader: &mut BufReader<TcpStream>) -> (u16, Vec<String>) {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let status = lines[0].split(' ').nth(1).unwrap().parse().unwrap();
    (status, lines)
}

#[test]
fn buffered_function_url_requests() {
    let dir = tempfile::tempdir().unwrap();
    let (port, _emulator, _function, started) =
        start(dir.path(), "buffered", "http://127.0.0.1:9/");
    // The function registers with the emulator when it asks for its first invocation.
    let mut reader = request(port, "POST", "/lambda-url/_/orders?x=1", "two teas");
    let (status, lines) = head(&mut reader);
    eprintln!(
        "cold start (process start to first response): {:?}",
        started.elapsed()
    );
    let mut body = String::new();
    reader.read_to_string(&mut body).unwrap();
    assert_eq!(status, 202, "{lines:?} {body}");
    assert!(
        lines
            .iter()
            .any(|l| l.eq_ignore_ascii_case("set-cookie: k=v; path=/")),
        "{lines:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["path"], "/orders");
    assert_eq!(json["query"], "?x=1");
    assert_eq!(json["method"], "POST");
    assert_eq!(json["body"], "two teas");
}

#[test]
fn streamed_events_arrive_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let gate = TcpListener::bind("127.0.0.1:0").unwrap();
    let gate_url = format!("http://{}/", gate.local_addr().unwrap());
    let (open, opened) = channel::<()>();
    std::thread::spawn(move || {
        let (mut s, _) = gate.accept().unwrap();
        let mut buf = [0u8; 2048];
        let _ = s.read(&mut buf);
        let _ = opened.recv();
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\ntwo");
    });
    let (port, _emulator, _function, _) = start(dir.path(), "response_stream", &gate_url);
    let mut reader = request(port, "GET", "/lambda-url/_/sse", "");
    let (status, lines) = head(&mut reader);
    assert_eq!(status, 200, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.eq_ignore_ascii_case("content-type: text/event-stream")),
        "{lines:?}"
    );
    // Chunked: read lines until the first event; the app cannot send the second until the
    // gate opens, and the gate opens only after the first has arrived here.
    let mut seen = String::new();
    while !seen.contains("data: one") {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
    }
    assert!(!seen.contains("data: two"));
    open.send(()).unwrap();
    while !seen.contains("data: two") {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
    }
}
