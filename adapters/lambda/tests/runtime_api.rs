//! `edge-lambda` against the in-repo Runtime API (`mock_api`), which checks the documented
//! wire protocol byte by byte: buffered answers for API Gateway (REST and HTTP APIs), Function
//! URLs and ALB; streamed answers (prelude, 8 NUL bytes, chunked body, error trailers); errors
//! before the first byte; init errors.

mod mock_api;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::Duration;

use base64::Engine as _;
use mock_api::{MockApi, Posted};
use serde_json::{json, Value};

const APP: &str = r#"
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/throw") throw new TypeError("no such order: " + url.searchParams.get("id"));
    if (url.pathname === "/png") {
      return new Response(new Uint8Array([137, 80, 78, 71, 0, 255]), { headers: { "content-type": "image/png" } });
    }
    if (url.pathname === "/sse") {
      const enc = new TextEncoder();
      const body = new ReadableStream({
        async start(c) {
          c.enqueue(enc.encode("data: one\n\n"));
          // The gate opens only once the test has seen "one" arrive at the Runtime API.
          const gate = await fetch(env.GATE_URL);
          c.enqueue(enc.encode("data: " + (await gate.text()) + "\n\n"));
          c.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
    }
    const headers = new Headers({ "content-type": "application/json", "x-app": "edge" });
    headers.append("set-cookie", "session=abc; Path=/; HttpOnly");
    headers.append("set-cookie", "theme=dark; Path=/");
    return new Response(JSON.stringify({
      method: request.method,
      url: request.url,
      cookie: request.headers.get("cookie"),
      body: await request.text(),
      greeting: env.GREETING,
      runtimeApiHidden: env.AWS_LAMBDA_RUNTIME_API === undefined,
    }), { status: 201, headers });
  },
};
"#;

fn app_dir(dir: &Path, source: &str) -> std::path::PathBuf {
    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("manifest.json"), r#"{"main":"index.js"}"#).unwrap();
    std::fs::write(app.join("index.js"), source).unwrap();
    app
}

struct Function {
    child: Child,
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(api: &MockApi, app: &Path, extra: &[(&str, &str)]) -> Function {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_edge-lambda"));
    cmd.env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "edge")
        .env("EDGE_APP_DIR", app)
        .env("GREETING", "hello from env")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    Function {
        child: cmd.spawn().expect("start edge-lambda"),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

const HTTP_API_EVENT: &str = r#"{
  "version": "2.0", "routeKey": "$default", "rawPath": "/orders", "rawQueryString": "page=2",
  "cookies": ["s=1", "t=2"],
  "headers": {"host": "fn.lambda-url.eu-west-1.on.aws", "content-type": "text/plain", "x-forwarded-proto": "https"},
  "requestContext": {"accountId": "123456789012", "apiId": "fn", "domainName": "fn.lambda-url.eu-west-1.on.aws",
    "domainPrefix": "fn", "http": {"method": "POST", "path": "/orders", "protocol": "HTTP/1.1",
    "sourceIp": "198.51.100.7", "userAgent": "curl/8"}, "requestId": "r1", "routeKey": "$default",
    "stage": "$default", "time": "27/Nov/2026:02:00:00 +0000", "timeEpoch": 1795744800000},
  "body": "dGVhIGZvciB0d28=", "isBase64Encoded": true
}"#;

fn http_api_event(path: &str) -> String {
    HTTP_API_EVENT
        .replace(
            "\"rawPath\": \"/orders\"",
            &format!("\"rawPath\": \"{}\"", path.split('?').next().unwrap()),
        )
        .replace(
            "\"rawQueryString\": \"page=2\"",
            &format!(
                "\"rawQueryString\": \"{}\"",
                path.split_once('?').map_or("", |p| p.1)
            ),
        )
        .replace(
            "\"path\": \"/orders\"",
            &format!("\"path\": \"{}\"", path.split('?').next().unwrap()),
        )
}

const ALB_EVENT: &str = r#"{
  "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/edge/1"}},
  "httpMethod": "GET", "path": "/lb", "queryStringParameters": {"q": "1"},
  "multiValueQueryStringParameters": {"q": ["1"]},
  "multiValueHeaders": {"host": ["lb.example.com"], "cookie": ["a=1"], "x-forwarded-proto": ["https"]},
  "body": "", "isBase64Encoded": false
}"#;

const REST_EVENT: &str = r#"{
  "resource": "/{proxy+}", "path": "/rest/items", "httpMethod": "PUT",
  "headers": {"Host": "api.example.com", "Content-Type": "application/json"},
  "multiValueHeaders": {"Host": ["api.example.com"], "Content-Type": ["application/json"]},
  "queryStringParameters": null, "multiValueQueryStringParameters": null,
  "pathParameters": {"proxy": "items"}, "stageVariables": null,
  "requestContext": {"accountId": "123456789012", "resourceId": "abc", "stage": "prod", "requestId": "r2",
    "identity": {"sourceIp": "203.0.113.1"}, "resourcePath": "/{proxy+}", "httpMethod": "PUT",
    "apiId": "api", "path": "/prod/rest/items", "protocol": "HTTP/1.1", "requestTimeEpoch": 1795744800000},
  "body": "{\"n\":1}", "isBase64Encoded": false
}"#;

#[test]
fn buffered_answers_fit_each_integration() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_dir(dir.path(), APP);
    let api = MockApi::start();
    let _f = start(&api, &app, &[]);

    // HTTP API / Function URL (payload 2.0): cookies apart, base64 request body decoded.
    api.push("id-1", HTTP_API_EVENT);
    let (path, headers, body, trailers) = api.recv_whole();
    assert_eq!(path, "/2018-06-01/runtime/invocation/id-1/response");
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert!(trailers.is_empty());
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["statusCode"], 201);
    assert_eq!(
        answer["cookies"],
        json!(["session=abc; Path=/; HttpOnly", "theme=dark; Path=/"])
    );
    assert_eq!(answer["headers"]["x-app"], "edge");
    assert!(answer["headers"].get("set-cookie").is_none());
    assert_eq!(answer["isBase64Encoded"], false);
    let echoed: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["method"], "POST");
    assert_eq!(
        echoed["url"],
        "https://fn.lambda-url.eu-west-1.on.aws/orders?page=2"
    );
    assert_eq!(echoed["cookie"], "s=1; t=2");
    assert_eq!(echoed["body"], "tea for two");
    assert_eq!(echoed["greeting"], "hello from env");
    assert_eq!(echoed["runtimeApiHidden"], true);

    // ALB with multi-value headers: the answer uses them too, with a status description.
    api.push("id-2", ALB_EVENT);
    let (_, _, body, _) = api.recv_whole();
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["statusDescription"], "201 Created");
    assert_eq!(
        answer["multiValueHeaders"]["set-cookie"],
        json!(["session=abc; Path=/; HttpOnly", "theme=dark; Path=/"])
    );
    let echoed: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["url"], "https://lb.example.com/lb?q=1");
    assert_eq!(echoed["cookie"], "a=1");

    // REST API (payload 1.0).
    api.push("id-3", REST_EVENT);
    let (_, _, body, _) = api.recv_whole();
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["statusCode"], 201);
    assert_eq!(answer["multiValueHeaders"]["x-app"], json!(["edge"]));
    let echoed: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["method"], "PUT");
    assert_eq!(echoed["body"], "{\"n\":1}");

    // A binary body goes base64.
    api.push("id-4", &http_api_event("/png"));
    let (_, _, body, _) = api.recv_whole();
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["isBase64Encoded"], true);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(answer["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, [137, 80, 78, 71, 0, 255]);

    // A handler error before any byte: the error endpoint, with the JS error's type.
    api.push("id-5", &http_api_event("/throw?id=42"));
    let (path, headers, body, _) = api.recv_whole();
    assert_eq!(path, "/2018-06-01/runtime/invocation/id-5/error");
    assert_eq!(
        header(&headers, "lambda-runtime-function-error-type"),
        Some("TypeError")
    );
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["errorType"], "TypeError");
    assert!(error["errorMessage"]
        .as_str()
        .unwrap()
        .contains("no such order: 42"));
    assert!(error["stackTrace"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().contains("index.js")));

    // Something that is not an HTTP event.
    api.push("id-6", r#"{"Records": [{"eventSource": "aws:sqs"}]}"#);
    let (path, headers, _, _) = api.recv_whole();
    assert_eq!(path, "/2018-06-01/runtime/invocation/id-6/error");
    assert_eq!(
        header(&headers, "lambda-runtime-function-error-type"),
        Some("Runtime.InvalidEvent")
    );
}

/// A gate: answers its one request with `text` once `open` receives.
fn gate(text: &'static str) -> (String, std::sync::mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/gate", listener.local_addr().unwrap());
    let (open, opened) = channel::<()>();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        let _ = opened.recv();
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
            text.len()
        );
        let _ = s.write_all(answer.as_bytes());
    });
    (url, open)
}

/// Reads the streamed body's chunks until `needle` has arrived; returns all bytes so far.
fn until(api: &MockApi, so_far: &mut Vec<u8>, needle: &[u8]) {
    while !so_far.windows(needle.len()).any(|w| w == needle) {
        match api.recv() {
            Posted::Chunk(c) => so_far.extend_from_slice(&c),
            other => panic!("expected more of the body, got {other:?}"),
        }
    }
}

#[test]
fn streamed_answers_arrive_chunk_by_chunk_and_errors_go_in_trailers() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_dir(dir.path(), APP);
    let api = MockApi::start();
    let (gate_url, open) = gate("two");
    let _f = start(
        &api,
        &app,
        &[
            ("EDGE_LAMBDA_INVOKE_MODE", "response_stream"),
            ("EDGE_OPEN_RANGES", "127.0.0.1/32"),
            ("GATE_URL", &gate_url),
        ],
    );
    api.push("s-1", &http_api_event("/sse"));
    let Posted::Head { path, headers } = api.recv() else {
        panic!("expected the response head")
    };
    assert_eq!(path, "/2018-06-01/runtime/invocation/s-1/response");
    assert_eq!(
        header(&headers, "lambda-runtime-function-response-mode"),
        Some("streaming")
    );
    assert_eq!(header(&headers, "transfer-encoding"), Some("chunked"));
    assert_eq!(
        header(&headers, "content-type"),
        Some("application/vnd.awslambda.http-integration-response")
    );
    let trailer = header(&headers, "trailer").unwrap().to_ascii_lowercase();
    assert!(
        trailer.contains("lambda-runtime-function-error-type")
            && trailer.contains("lambda-runtime-function-error-body")
    );

    // The prelude, 8 NUL bytes, then the first event, all before the app can go on: the gate
    // opens only now. A runtime that buffered would never get here.
    let mut body = Vec::new();
    until(&api, &mut body, b"data: one\n\n");
    let nuls = body
        .windows(8)
        .position(|w| w == [0; 8])
        .expect("8 NUL bytes after the prelude");
    let prelude: Value = serde_json::from_slice(&body[..nuls]).unwrap();
    assert_eq!(prelude["statusCode"], 200);
    assert_eq!(prelude["headers"]["content-type"], "text/event-stream");
    assert_eq!(prelude["headers"]["cache-control"], "no-cache");
    assert_eq!(&body[nuls + 8..], b"data: one\n\n");
    open.send(()).unwrap();
    until(&api, &mut body, b"data: two\n\n");
    match api.recv() {
        Posted::End { trailers } => assert!(trailers.is_empty(), "{trailers:?}"),
        other => panic!("expected the end, got {other:?}"),
    }

    // A failure after the first byte: the documented trailers, with the error as base64 JSON.
    api.push("s-2", &http_api_event("/sse"));
    let Posted::Head { .. } = api.recv() else {
        panic!("expected a head")
    };
    // The gate took its one request, so the app's fetch fails now and its stream errors
    // after the first event.
    let mut body = Vec::new();
    until(&api, &mut body, b"data: one\n\n");
    let trailers = loop {
        match api.recv() {
            Posted::Chunk(c) => body.extend_from_slice(&c),
            Posted::End { trailers } => break trailers,
            other => panic!("{other:?}"),
        }
    };
    let kind = header(&trailers, "lambda-runtime-function-error-type").expect("error type trailer");
    assert!(!kind.is_empty());
    let encoded =
        header(&trailers, "lambda-runtime-function-error-body").expect("error body trailer");
    let error: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(error["errorType"], kind);
    assert!(
        !error["errorMessage"].as_str().unwrap().is_empty(),
        "{error}"
    );
}

#[test]
fn an_app_that_does_not_load_is_an_init_error() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_dir(
        dir.path(),
        "export default { fetch() { return new Response(; } };",
    );
    let api = MockApi::start();
    let mut f = start(&api, &app, &[]);
    let (path, headers, body, _) = api.recv_whole();
    assert_eq!(path, "/2018-06-01/runtime/init/error");
    assert_eq!(
        header(&headers, "lambda-runtime-function-error-type"),
        Some("Runtime.AppLoadFailed")
    );
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        error["errorMessage"].as_str().unwrap().contains("index.js"),
        "{error}"
    );
    let status = (0..200)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(50));
            f.child.try_wait().unwrap()
        })
        .expect("edge-lambda exits after an init error");
    assert!(!status.success());
}
