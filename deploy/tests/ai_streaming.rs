//! The `openai` and `@anthropic-ai/sdk` clients inside an Edge handler stream a chat
//! completion from a provider stand-in (a local server speaking each provider's documented
//! streaming format: OpenAI's `data:` chunks ending in `[DONE]`, Anthropic's typed
//! `message_start` … `message_stop` events) and the handler relays each token to its client as
//! Server-Sent Events. The stand-in sends token N+1 only after the test's client has received
//! token N through Edge: any buffering on the way (SDK, fetch, the handler's stream, the HTTP
//! server) stalls the exchange and fails the test instead of passing late.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use common::{find, repo_root, DevServer};

const TOKENS: [&str; 5] = ["Hel", "lo", ", ", "wor", "ld"];
/// How long the stand-in waits for the client to see a token before it gives up.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// One provider request: the path, the headers (lower-cased names) and the JSON body.
struct ProviderRequest {
    path: String,
    headers: Vec<(String, String)>,
    body: serde_json::Value,
}

fn read_request(stream: &TcpStream) -> ProviderRequest {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    ProviderRequest {
        path,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    }
}

/// The events of one streamed completion in the provider's format, as `(bytes, token)`.
fn events(path: &str) -> Vec<(String, Option<&'static str>)> {
    let mut out = Vec::new();
    if path.starts_with("/v1/chat/completions") {
        let chunk = |delta: serde_json::Value, finish: serde_json::Value| {
            let c = serde_json::json!({
                "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                "model": "gpt-test",
                "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
            });
            format!("data: {c}\n\n")
        };
        for t in TOKENS {
            out.push((
                chunk(serde_json::json!({ "content": t }), serde_json::Value::Null),
                Some(t),
            ));
        }
        out.push((chunk(serde_json::json!({}), "stop".into()), None));
        out.push(("data: [DONE]\n\n".into(), None));
    } else {
        let ev = |name: &str, data: serde_json::Value| format!("event: {name}\ndata: {data}\n\n");
        out.push((ev("message_start", serde_json::json!({
            "type": "message_start",
            "message": { "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
                "content": [], "stop_reason": null, "stop_sequence": null,
                "usage": { "input_tokens": 7, "output_tokens": 0 } }
        })), None));
        out.push((ev("content_block_start", serde_json::json!({
            "type": "content_block_start", "index": 0, "content_block": { "type": "text", "text": "" }
        })), None));
        out.push((ev("ping", serde_json::json!({ "type": "ping" })), None));
        for t in TOKENS {
            out.push((ev("content_block_delta", serde_json::json!({
                "type": "content_block_delta", "index": 0, "delta": { "type": "text_delta", "text": t }
            })), Some(t)));
        }
        out.push((
            ev(
                "content_block_stop",
                serde_json::json!({ "type": "content_block_stop", "index": 0 }),
            ),
            None,
        ));
        out.push((ev("message_delta", serde_json::json!({
            "type": "message_delta", "delta": { "stop_reason": "end_turn", "stop_sequence": null },
            "usage": { "output_tokens": 5 }
        })), None));
        out.push((
            ev(
                "message_stop",
                serde_json::json!({ "type": "message_stop" }),
            ),
            None,
        ));
    }
    out
}

/// Serves one streamed completion per connection; sends what it received on `requests` and
/// waits on `acks` after each token. Returns errors (a missing ack) on `failures`.
fn provider(
    acks: Receiver<()>,
    requests: Sender<ProviderRequest>,
    failures: Sender<String>,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let request = read_request(&stream);
            let path = request.path.clone();
            requests.send(request).unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n")
                .unwrap();
            for (bytes, token) in events(&path) {
                stream.write_all(bytes.as_bytes()).unwrap();
                stream.flush().unwrap();
                if let Some(token) = token {
                    if acks.recv_timeout(ACK_TIMEOUT).is_err() {
                        let _ = failures.send(format!(
                            "{path}: the client did not receive token {token:?} within {ACK_TIMEOUT:?} (buffered?)"
                        ));
                        return;
                    }
                }
            }
        }
    });
    port
}

/// Asks Edge for `path`, acknowledging each token as it arrives; returns the whole response.
/// Fails with the stand-in's complaint if a token did not arrive while it waited.
fn stream_through_edge(
    server: &DevServer,
    path: &str,
    acks: &Sender<()>,
    failures: &Receiver<String>,
) -> String {
    let mut s = server.connect();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let mut next = 0;
    loop {
        let n = s.read(&mut buf).expect("Edge's response stalled");
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        while next < TOKENS.len() {
            let needle = format!(
                "data: {{\"token\":{}}}",
                serde_json::to_string(TOKENS[next]).unwrap()
            );
            if find(&seen, needle.as_bytes()).is_none() {
                break;
            }
            let _ = acks.send(());
            next += 1;
        }
    }
    if let Ok(failure) = failures.try_recv() {
        panic!("{failure}\n{}", String::from_utf8_lossy(&seen));
    }
    assert_eq!(next, TOKENS.len(), "{}", String::from_utf8_lossy(&seen));
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn openai_and_anthropic_clients_stream_tokens_through_a_handler() {
    let app = repo_root().join("deploy/tests/fixtures/npm/ai-chat-app.mjs");
    assert!(
        repo_root()
            .join("deploy/tests/fixtures/npm/node_modules/openai/package.json")
            .is_file(),
        "npm fixtures are not installed: run scripts/test.sh"
    );
    let (ack_tx, ack_rx) = channel();
    let (req_tx, req_rx) = channel();
    let (fail_tx, fail_rx) = channel();
    let port = provider(ack_rx, req_tx, fail_tx);
    let upstream = format!("UPSTREAM=http://127.0.0.1:{port}");
    let server = DevServer::start(&app, &["--var", &upstream]);

    let openai = stream_through_edge(&server, "/openai", &ack_tx, &fail_rx);
    let request = req_rx.recv_timeout(ACK_TIMEOUT).unwrap();
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.body["stream"], true, "{}", request.body);
    assert_eq!(request.body["model"], "gpt-test");
    assert!(request
        .headers
        .iter()
        .any(|(k, v)| k == "authorization" && v == "Bearer test-key"));
    assert!(openai.contains("text/event-stream"), "{openai}");
    assert!(
        openai.contains("event: done"),
        "{openai}\n{}",
        server.output()
    );

    let anthropic = stream_through_edge(&server, "/anthropic", &ack_tx, &fail_rx);
    let request = req_rx.recv_timeout(ACK_TIMEOUT).unwrap();
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.body["stream"], true, "{}", request.body);
    assert_eq!(request.body["model"], "claude-test");
    assert!(request
        .headers
        .iter()
        .any(|(k, _)| k == "anthropic-version"));
    assert!(
        anthropic.contains("data: {\"input_tokens\":7,\"output_tokens\":5"),
        "{anthropic}\n{}",
        server.output()
    );
    assert!(anthropic.contains("event: done"), "{anthropic}");
}
