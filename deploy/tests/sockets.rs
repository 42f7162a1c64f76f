//! The Sockets API (`connect()` from `cloudflare:sockets` and `edge:sockets`) against real
//! servers on loopback, run with `edge run` (which, as `edge dev`, lets apps reach the
//! developer's own machine): a plain echo server, a TLS echo server whose certificate a test CA
//! signs, and a STARTTLS server that upgrades after a plain-text greeting. A wrong host name
//! fails with a certificate error; a refused port fails with a clear error. On a node
//! (`edge serve`, the production policy), a real PostgreSQL on loopback is out of reach until
//! the operator opens its address and port.

mod common;
mod nodekit;
mod pgkit;

use std::path::PathBuf;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

struct Servers {
    plain: u16,
    tls: u16,
    starttls: u16,
    ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

/// Echoes every byte back until the client half-closes, then says "bye" and closes.
async fn echo<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut s: S) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if s.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = s.write_all(b"bye").await;
    let _ = s.shutdown().await;
}

fn start_servers() -> Servers {
    let dir = tempfile::tempdir().unwrap();
    let certs = common::test_certs(dir.path(), &["localhost"]);
    let ca_file = certs.ca_file.clone();
    let acceptor = certs.acceptor(&[b"edge-echo"]);

    let bind = || {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        l
    };
    let (plain, tls, starttls) = (bind(), bind(), bind());
    let ports = (
        plain.local_addr().unwrap().port(),
        tls.local_addr().unwrap().port(),
        starttls.local_addr().unwrap().port(),
    );
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let plain = tokio::net::TcpListener::from_std(plain).unwrap();
            let tls = tokio::net::TcpListener::from_std(tls).unwrap();
            let starttls = tokio::net::TcpListener::from_std(starttls).unwrap();
            loop {
                let acceptor = acceptor.clone();
                tokio::select! {
                    Ok((s, _)) = plain.accept() => { tokio::spawn(echo(s)); }
                    Ok((s, _)) = tls.accept() => {
                        tokio::spawn(async move {
                            if let Ok(s) = acceptor.accept(s).await { echo(s).await }
                        });
                    }
                    Ok((s, _)) = starttls.accept() => {
                        // "220 ready", then the client says "STARTTLS", "220 go ahead", TLS.
                        tokio::spawn(async move {
                            let mut s = BufReader::new(s);
                            if s.get_mut().write_all(b"220 ready\r\n").await.is_err() { return; }
                            let mut line = String::new();
                            if s.read_line(&mut line).await.is_err() || line.trim() != "STARTTLS" {
                                let _ = s.get_mut().write_all(b"500 say STARTTLS\r\n").await;
                                return;
                            }
                            if s.get_mut().write_all(b"220 go ahead\r\n").await.is_err() { return; }
                            if let Ok(tls) = acceptor.accept(s.into_inner()).await { echo(tls).await }
                        });
                    }
                }
            }
        });
    });
    Servers {
        plain: ports.0,
        tls: ports.1,
        starttls: ports.2,
        ca_file,
        _dir: dir,
    }
}

fn run_script(servers: &Servers, name: &str, body: &str) -> (i32, String, String) {
    let path = servers._dir.path().join(format!("{name}.mjs"));
    std::fs::write(&path, body).unwrap();
    // An open socket keeps `edge run` alive (as it keeps Node alive): bound the wait, so a
    // socket that is never closed fails the test instead of hanging it.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_edge"))
        .args(["run", "--ca-file"])
        .arg(&servers.ca_file)
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const HELPERS: &str = r#"
function check(cond, what) { if (!cond) throw new Error("failed: " + what); }
const enc = new TextEncoder(), dec = new TextDecoder();
async function readAll(readable) {
  let text = "";
  for await (const chunk of readable) text += dec.decode(chunk, { stream: true });
  return text;
}
async function readLine(reader, state) {
  while (!state.buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("closed before a line");
    state.buf += dec.decode(value);
  }
  const at = state.buf.indexOf("\n");
  const line = state.buf.slice(0, at + 1);
  state.buf = state.buf.slice(at + 1);
  return line.trim();
}
"#;

#[test]
fn plain_tls_and_starttls_sockets_talk_to_real_servers() {
    let s = start_servers();
    let script = format!(
        r#"{HELPERS}
import {{ connect }} from "cloudflare:sockets";
import {{ connect as edgeConnect }} from "edge:sockets";
check(connect === edgeConnect, "one connect() under both names");

// Plain TCP: write, half-close, read the echo and the server's goodbye.
const plain = connect("127.0.0.1:{plain}", {{ allowHalfOpen: true }});
const info = await plain.opened;
check(info.remoteAddress === "127.0.0.1:{plain}", JSON.stringify(info));
const w = plain.writable.getWriter();
const big = "x".repeat(200000);
const reading = readAll(plain.readable);
await w.write(enc.encode("hello "));
await w.write(enc.encode(big));
await w.close();
const echoed = await reading;
check(echoed === "hello " + big + "bye", "echo of " + echoed.length + " chars");
await plain.closed;

// TLS at once, verified against the test CA; close() ends it.
const tls = connect({{ hostname: "localhost", port: {tls} }}, {{ secureTransport: "on" }});
const tw = tls.writable.getWriter();
const tr = tls.readable.getReader();
await tw.write(enc.encode("over tls"));
const {{ value }} = await tr.read();
check(dec.decode(value) === "over tls", "tls echo");
await tls.close();

// STARTTLS: plain greeting, upgrade, then TLS.
const st = connect("localhost:{starttls}", {{ secureTransport: "starttls" }});
const state = {{ buf: "" }};
let reader = st.readable.getReader();
check(await readLine(reader, state) === "220 ready", "greeting");
let writer = st.writable.getWriter();
await writer.write(enc.encode("STARTTLS\r\n"));
check(await readLine(reader, state) === "220 go ahead", "go ahead");
reader.releaseLock(); writer.releaseLock();
const secure = st.startTls();
const sw = secure.writable.getWriter();
const sr = secure.readable.getReader();
await sw.write(enc.encode("secret"));
const got = await sr.read();
check(dec.decode(got.value) === "secret", "echo after STARTTLS");
await secure.close();

// startTls() only on starttls sockets.
let threw = false;
const notStartTls = connect("127.0.0.1:{plain}");
try {{ notStartTls.startTls(); }} catch (e) {{ threw = e instanceof TypeError; }}
check(threw, "startTls() on a plain socket throws");
await notStartTls.close();
// An isolate holds at most 128 sockets at once; closing one frees its place.
const many = [];
for (let i = 0; i < 128; i++) many.push(connect("127.0.0.1:{plain}"));
await Promise.all(many.map((s) => s.opened));
let capped = "";
try {{ connect("127.0.0.1:{plain}"); }} catch (e) {{ capped = e.message; }}
check(capped.includes("128 open sockets"), "the 129th: " + capped);
await many.pop().close();
const again = connect("127.0.0.1:{plain}");
await again.opened;
many.push(again);
await Promise.all(many.map((s) => s.close()));
// node:tls over the same sockets, with ALPN.
const nodeTls = await import("node:tls");
const {{ once }} = await import("node:events");
const t = nodeTls.connect({{ host: "localhost", port: {tls}, ALPNProtocols: ["nope", "edge-echo"] }});
await once(t, "secureConnect");
check(t.alpnProtocol === "edge-echo" && t.encrypted, "ALPN: " + t.alpnProtocol);
const data = once(t, "data");
t.write("via node:tls");
check(String((await data)[0]) === "via node:tls", "node:tls echo");
t.destroy();
console.log("sockets ok");
"#,
        plain = s.plain,
        tls = s.tls,
        starttls = s.starttls,
    );
    let (code, stdout, stderr) = run_script(&s, "talk", &script);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("sockets ok"), "{stdout}{stderr}");
}

#[test]
fn certificate_and_connection_errors_are_clear() {
    let s = start_servers();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused_port = closed.local_addr().unwrap().port();
    drop(closed);
    let script = format!(
        r#"{HELPERS}
import {{ connect }} from "cloudflare:sockets";
// The certificate names localhost, not 127.0.0.1.
const wrong = connect("127.0.0.1:{tls}", {{ secureTransport: "on" }});
let message = "";
try {{ await wrong.opened; }} catch (e) {{ message = String(e.message); }}
check(/certificate/i.test(message), "a certificate error: " + message);
console.log("wrong name: " + message);
const refused = connect("127.0.0.1:{refused_port}");
message = "";
try {{ await refused.opened; }} catch (e) {{ message = String(e.message); }}
check(message.includes("127.0.0.1:{refused_port}") && /refused|failed/i.test(message), message);
console.log("refused: " + message);
let bad = "";
try {{ connect("no-port-here"); }} catch (e) {{ bad = e.constructor.name + ": " + e.message; }}
check(bad.startsWith("TypeError"), bad);
console.log("errors ok");
"#,
        tls = s.tls,
    );
    let (code, stdout, stderr) = run_script(&s, "errors", &script);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("errors ok"), "{stdout}{stderr}");
    println!("{stdout}");
}

const PROBE_APP: &str = r#"
import { connect } from "cloudflare:sockets";
export default {
  async fetch(request) {
    const to = new URL(request.url).searchParams.get("to");
    const socket = connect(to);
    try {
      await socket.opened;
      const writer = socket.writable.getWriter();
      // PostgreSQL's SSLRequest: it answers one byte, S or N.
      await writer.write(new Uint8Array([0, 0, 0, 8, 4, 210, 22, 47]));
      const { value } = await socket.readable.getReader().read();
      await socket.close();
      return new Response("postgres answered " + String.fromCharCode(value[0]));
    } catch (e) {
      return new Response("refused: " + e.message, { status: 502 });
    }
  },
};
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_reaches_a_loopback_database_only_where_the_operator_allows() {
    let dir = tempfile::tempdir().unwrap();
    let pg = pgkit::Postgres::start_in(dir.path());
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let other_port = other.local_addr().unwrap().port();
    let probe = |node: &nodekit::NodeProc, to: String| {
        let url = format!("http://{}/?to={to}", node.http);
        async move {
            let res = reqwest::Client::new()
                .get(url)
                .header("host", "probe.localhost")
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };

    // The app may reach the database's host names (its own allow list)...
    let allow_app = |node: &nodekit::NodeProc| {
        let admin = node.admin();
        let hosts = serde_json::json!({ "allowed_hosts": [
            format!("127.0.0.1:{}", pg.port),
            format!("localhost:{}", pg.port),
            format!("127.0.0.1:{other_port}"),
        ] });
        async move {
            let (status, body) = admin.json("PUT", "/v1/apps/probe", hosts).await;
            assert_eq!(status, 200, "{body}");
        }
    };
    // ...but under the production policy loopback is out of reach, by address or by name.
    let closed_dir = dir.path().join("closed");
    std::fs::create_dir_all(&closed_dir).unwrap();
    let closed = nodekit::NodeProc::start(&nodekit::write_config(&closed_dir, ""));
    closed.admin().deploy("probe", PROBE_APP).await;
    let (status, text) = probe(&closed, format!("127.0.0.1:{}", pg.port)).await;
    assert_eq!(status, 502, "{text}");
    assert!(
        text.contains("not in the app's list of allowed hosts"),
        "{text}"
    );
    allow_app(&closed).await;
    for to in [
        format!("127.0.0.1:{}", pg.port),
        format!("localhost:{}", pg.port),
    ] {
        let (status, text) = probe(&closed, to.clone()).await;
        assert_eq!(status, 502, "{to}: {text}");
        assert!(
            text.contains("is not allowed") && text.contains("outbound policy"),
            "{to}: {text}"
        );
        println!("{to} without an allow entry: {text}");
    }

    // The operator opens the database's address and port (only that port).
    let open_dir = dir.path().join("open");
    std::fs::create_dir_all(&open_dir).unwrap();
    let extra = format!("[network]\nopen_ranges = [\"127.0.0.1:{}\"]\n", pg.port);
    let open = nodekit::NodeProc::start(&nodekit::write_config(&open_dir, &extra));
    open.admin().deploy("probe", PROBE_APP).await;
    allow_app(&open).await;
    for to in [
        format!("127.0.0.1:{}", pg.port),
        format!("localhost:{}", pg.port),
    ] {
        let (status, text) = probe(&open, to.clone()).await;
        assert_eq!(
            (status, text.as_str()),
            (200, "postgres answered N"),
            "{to}"
        );
    }
    let (status, text) = probe(&open, format!("127.0.0.1:{other_port}")).await;
    assert_eq!(status, 502, "{text}");
    assert!(text.contains("outbound policy"), "{text}");
}
