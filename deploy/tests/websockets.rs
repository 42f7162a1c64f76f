//! WebSockets end to end, on `edge dev` with real clients: the npm `ws` package and Python's
//! `websockets` against an echo app (text, binary, fragments, permessage-deflate, ping, close
//! handshakes, 1009 for 16 MiB, 1007 for invalid UTF-8), Hono's `upgradeWebSocket` unchanged,
//! the app's own `WebSocket` client relaying to a local `ws` server over ws: and wss: (and
//! refused by the production policy), and an echo over HTTP/2 extended CONNECT (RFC 8441)
//! with the `h2` crate's client.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{npm_fixtures, DevServer};

fn fixtures() -> PathBuf {
    npm_fixtures("ws")
}

fn app() -> PathBuf {
    fixtures().join("websocket-app.mjs")
}

/// Runs a client script and returns its stdout lines.
fn client(program: &str, script: &str, url: &str) -> Vec<String> {
    let out = Command::new(program)
        .arg(fixtures().join(script))
        .arg(url)
        .current_dir(fixtures())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/test.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {script} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_ws_package_talks_to_an_echo_app() {
    let server = DevServer::start(&app(), &[]);
    let lines = client(
        "node",
        "ws-client-cases.mjs",
        &format!("ws://127.0.0.1:{}", server.port),
    );
    let expected = [
        "protocol chat",
        "extensions permessage-deflate",
        "text text hello",
        "binary binary 0,1,2,255",
        "fragmented fragmented",
        "large 600000 true",
        "pong are you there",
        "close 1000 done",
        "server close 4000 asked",
        "server close 1005 ",
        "16 MiB 1009 message too big",
        "invalid utf-8 1007 invalid UTF-8 in a text message",
        "hono hono: hi",
    ];
    assert_eq!(lines, expected, "{}", server.output());
}

#[test]
fn python_websockets_talks_to_an_echo_app() {
    let server = DevServer::start(&app(), &[]);
    // Debian's python3-websockets (scripts/test.sh installs it), not a virtualenv's Python.
    let lines = client(
        "/usr/bin/python3",
        "ws-client-cases.py",
        &format!("ws://127.0.0.1:{}", server.port),
    );
    let expected = [
        "extensions permessage-deflate",
        "text hello",
        "binary [0, 1, 2, 255]",
        "fragmented fragmented",
        "pong ok",
        "close 1000 done",
        "server close 4000 asked",
        "16 MiB 1009 message too big",
        "invalid utf-8 1007 invalid UTF-8 in a text message",
    ];
    assert_eq!(lines, expected, "{}", server.output());
}

/// A `ws` server on a free port (TLS with `tls`); the child and the port.
fn upstream(tls: Option<(&Path, &Path)>) -> (Child, u16) {
    let mut cmd = Command::new("node");
    cmd.arg(fixtures().join("ws-upstream.mjs"));
    if let Some((cert, key)) = tls {
        cmd.arg(cert).arg(key);
    }
    let mut child = cmd
        .current_dir(fixtures())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the upstream prints its port");
    (child, port)
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_websocket_client_relays_to_a_local_server_within_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let certs = common::test_certs(dir.path(), &["localhost"]);
    let (plain, plain_port) = upstream(None);
    let _plain = Killed(plain);
    let (tls, tls_port) = upstream(Some((&certs.cert_file, &certs.key_file)));
    let _tls = Killed(tls);
    let ca = certs.ca_file.to_str().unwrap();

    let server = DevServer::start(&app(), &["--ca-file", ca]);
    let relayed = [
        "text upstream: abc".to_string(),
        "binary 7,8,9".to_string(),
        "close 1000 ".to_string(),
    ];
    for target in [
        format!("ws://127.0.0.1:{plain_port}"),
        format!("wss://localhost:{tls_port}"),
    ] {
        let url = format!("ws://127.0.0.1:{}/relay?to={target}", server.port);
        let lines = client("node", "ws-relay-case.mjs", &url);
        assert_eq!(lines, relayed, "through {target}: {}", server.output());
    }

    // The production policy refuses loopback, as it does for fetch().
    let strict = DevServer::start(&app(), &["--deny-private-network"]);
    let url = format!(
        "ws://127.0.0.1:{}/relay?to=ws://127.0.0.1:{plain_port}",
        strict.port
    );
    let lines = client("node", "ws-relay-case.mjs", &url);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("text upstream error: a WebSocket to 127.0.0.1")
            && lines[0].contains("not allowed"),
        "{lines:?}"
    );
    assert_eq!(lines[1], "close 4001 upstream failed");
}

/// One masked text frame (a client's).
fn client_frame(text: &str) -> bytes::Bytes {
    let key = [0x12, 0x34, 0x56, 0x78];
    let mut frame = vec![0x81, 0x80 | text.len() as u8];
    frame.extend_from_slice(&key);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ key[i % 4]));
    frame.into()
}

#[tokio::test]
async fn an_echo_round_trip_works_over_http2_extended_connect() {
    let server = DevServer::start(&app(), &[]);
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let mut client = client.ready().await.unwrap();
    // The server's SETTINGS enable extended CONNECT (RFC 8441 §3).
    for _ in 0..100 {
        if client.is_extended_connect_protocol_enabled() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        client = client.ready().await.unwrap();
    }
    assert!(client.is_extended_connect_protocol_enabled());
    let mut request = http::Request::builder()
        .method(http::Method::CONNECT)
        .uri(format!("http://127.0.0.1:{}/echo", server.port))
        .header("sec-websocket-version", "13")
        .body(())
        .unwrap();
    request
        .extensions_mut()
        .insert(h2::ext::Protocol::from_static("websocket"));
    let (response, mut send) = client.send_request(request, false).unwrap();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200, "{}", server.output());
    let mut recv = response.into_body();
    let mut got = Vec::new();
    for text in ["over h2", "and again"] {
        send.send_data(client_frame(text), false).unwrap();
        // The server's frame: unmasked, short.
        while got.len() < 2 || got.len() < 2 + got[1] as usize {
            let chunk = recv.data().await.expect("an answer").unwrap();
            let _ = recv.flow_control().release_capacity(chunk.len());
            got.extend_from_slice(&chunk);
        }
        assert_eq!(got[0], 0x81);
        let len = got[1] as usize;
        assert_eq!(&got[2..2 + len], text.as_bytes());
        got.drain(..2 + len);
    }
    // A close frame ends the stream.
    let close = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8];
    send.send_data(bytes::Bytes::copy_from_slice(&close), false)
        .unwrap();
    let chunk = recv.data().await.expect("the close answer").unwrap();
    assert_eq!(&chunk[..4], &[0x88, 0x02, 0x03, 0xe8]);
}
