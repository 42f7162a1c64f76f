//! `edge serve` end to end: a real node process with real certificates, apps deployed through
//! its admin API, and real HTTP/1.1, HTTP/2 and HTTP/3 clients on 127.0.0.1.

mod nodekit;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Buf;
use nodekit::*;

fn https_config(dir: &std::path::Path, pki: &Pki, extra: &str) -> std::path::PathBuf {
    let a = pki.leaf("a", &["a.test"]);
    // Served for its own names (a wildcard), with no `hosts` in the configuration.
    let b = pki.leaf("b", &["*.b.test"]);
    write_config(
        dir,
        &format!(
            "{extra}\n[https]\nlisten = \"127.0.0.1:0\"\n\
             [[https.certificates]]\ncert = \"{}\"\nkey = \"{}\"\nhosts = [\"a.test\"]\n\
             [[https.certificates]]\ncert = \"{}\"\nkey = \"{}\"\n",
            a.cert.display(),
            a.key.display(),
            b.cert.display(),
            b.key.display()
        ),
    )
}

fn der(path: &std::path::Path) -> Vec<u8> {
    use rustls_pki_types::pem::PemObject;
    let pem = std::fs::read(path).unwrap();
    rustls_pki_types::CertificateDer::from_pem_slice(&pem)
        .unwrap()
        .to_vec()
}

const APP_A: &str =
    "export default { fetch(req) { return new Response('app-a ' + new URL(req.url).host); } };";
const APP_B: &str =
    "export default { fetch(req) { return new Response('app-b ' + new URL(req.url).host); } };";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_apps_on_two_hostnames_over_http1_http2_and_http3_with_sni() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let node = NodeProc::start(&https_config(dir.path(), &pki, ""));
    let admin = node.admin();
    admin.serve("app-a", APP_A, &["a.test"]).await;
    admin.serve("app-b", APP_B, &["*.b.test"]).await;
    let addr = node.https.unwrap();
    let port = addr.port();
    let (cert_a, cert_b) = (
        der(&dir.path().join("a.pem")),
        der(&dir.path().join("b.pem")),
    );

    for http2 in [false, true] {
        let client = https_client(&pki, http2, &["a.test", "x.b.test"], addr);
        for (host, app, cert) in [("a.test", "app-a", &cert_a), ("x.b.test", "app-b", &cert_b)] {
            let res = client
                .get(format!("https://{host}:{port}/"))
                .send()
                .await
                .unwrap();
            let expected = if http2 {
                reqwest::Version::HTTP_2
            } else {
                reqwest::Version::HTTP_11
            };
            assert_eq!(res.version(), expected);
            assert_eq!(
                &peer_cert(&res),
                cert,
                "SNI picked the wrong certificate for {host}"
            );
            let alt = res.headers()["alt-svc"].to_str().unwrap().to_string();
            assert_eq!(alt, format!("h3=\":{port}\"; ma=86400"));
            assert_eq!(res.text().await.unwrap(), format!("{app} {host}:{port}"));
        }
    }

    for (host, app, cert) in [("a.test", "app-a", &cert_a), ("x.b.test", "app-b", &cert_b)] {
        let mut h3 = H3::connect(&pki, addr, host).await;
        assert_eq!(&h3.peer_cert(), cert);
        let (status, body) = h3.get_text(&format!("https://{host}:{port}/")).await;
        assert_eq!((status, body), (200, format!("{app} {host}:{port}")));
    }

    // curl, where it is built with HTTP/2.
    let curl = std::process::Command::new("curl").arg("--version").output();
    if curl.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("HTTP2")) {
        let out = std::process::Command::new("curl")
            .args(["-sS", "--http2", "--cacert"])
            .arg(pki.ca_pem())
            .arg("--resolve")
            .arg(format!("a.test:{port}:127.0.0.1"))
            .args(["-w", "\n%{http_version}"])
            .arg(format!("https://a.test:{port}/"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(text, format!("app-a a.test:{port}\n2"), "{out:?}");
    } else {
        eprintln!("curl with HTTP/2 is not installed here; the curl check was skipped");
    }

    // A host no route covers: a 404 with a body that says so.
    let res = reqwest::Client::new()
        .get(format!("http://{}/x", node.http))
        .header("host", "nowhere.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("no app on this node serves nowhere.test/x"));

    // The access log has a line per request, naming app and version (written within 100 ms).
    let has_line = |log: &str, proto: &str| {
        log.lines().any(|l| {
            let l: serde_json::Value = serde_json::from_str(l).unwrap();
            l["proto"] == proto
                && l["app"] == "app-b"
                && l["version"] == "1"
                && l["status"] == 200
                && l["complete"] == true
        })
    };
    let started = Instant::now();
    loop {
        let log = std::fs::read_to_string(dir.path().join("access.log")).unwrap_or_default();
        let missing: Vec<_> = ["HTTP/1.1", "HTTP/2", "HTTP/3"]
            .into_iter()
            .filter(|p| !has_line(&log, p))
            .collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < WAIT,
            "no {missing:?} line for app-b in:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Each event must reach the client before the app produces the next one: the second event
/// waits for a request the client sends only after it has read the first.
const SSE_APP: &str = r#"
let release;
let gate = new Promise((r) => (release = r));
export default {
  fetch(req) {
    if (new URL(req.url).pathname === "/next") {
      release();
      gate = new Promise((r) => (release = r));
      return new Response("released");
    }
    const enc = new TextEncoder();
    const waitFor = gate;
    const body = new ReadableStream({
      async start(c) {
        c.enqueue(enc.encode("data: one\n\n"));
        await waitFor;
        c.enqueue(enc.encode("data: two\n\n"));
        c.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  },
};
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_events_arrive_as_produced_over_http2_and_http3() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let node = NodeProc::start(&https_config(dir.path(), &pki, ""));
    let admin = node.admin();
    admin.serve("sse", SSE_APP, &["a.test"]).await;
    let addr = node.https.unwrap();
    let base = format!("https://a.test:{}", addr.port());

    // HTTP/2: both requests share one connection.
    let client = https_client(&pki, true, &["a.test"], addr);
    let mut res = client.get(format!("{base}/sse")).send().await.unwrap();
    assert_eq!(res.version(), reqwest::Version::HTTP_2);
    let first = tokio::time::timeout(WAIT, res.chunk())
        .await
        .expect("the first event did not arrive before the second was released")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"data: one\n\n");
    let released = client.get(format!("{base}/next")).send().await.unwrap();
    assert_eq!(released.text().await.unwrap(), "released");
    let mut rest = Vec::new();
    while let Some(chunk) = tokio::time::timeout(WAIT, res.chunk())
        .await
        .unwrap()
        .unwrap()
    {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(rest, b"data: two\n\n");

    // HTTP/3: the same, on one QUIC connection.
    let mut h3 = H3::connect(&pki, addr, "a.test").await;
    let (head, mut stream) = h3.get(&format!("{base}/sse")).await;
    assert_eq!(head.headers()["content-type"], "text/event-stream");
    let mut first = tokio::time::timeout(WAIT, stream.recv_data())
        .await
        .expect("the first HTTP/3 event did not arrive before the second was released")
        .unwrap()
        .unwrap();
    assert_eq!(
        first.copy_to_bytes(first.remaining()),
        &b"data: one\n\n"[..]
    );
    let (status, body) = h3.get_text(&format!("{base}/next")).await;
    assert_eq!((status, body.as_str()), (200, "released"));
    let mut rest = Vec::new();
    while let Some(mut chunk) = tokio::time::timeout(WAIT, stream.recv_data())
        .await
        .unwrap()
        .unwrap()
    {
        rest.extend_from_slice(&chunk.copy_to_bytes(chunk.remaining()));
    }
    assert_eq!(rest, b"data: two\n\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activating_a_version_under_load_fails_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), ""));
    let admin = node.admin();
    admin
        .serve(
            "live",
            "export default { fetch() { return new Response('v1'); } };",
            &["*"],
        )
        .await;
    let url = format!("http://{}/", node.http);

    let stop = Arc::new(AtomicBool::new(false));
    // (sent at, status, body) of every request.
    let seen = Arc::new(Mutex::new(Vec::<(Instant, u16, String)>::new()));
    let mut clients = Vec::new();
    for _ in 0..50 {
        let (stop, seen, url) = (stop.clone(), seen.clone(), url.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().timeout(WAIT).build().unwrap();
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                let (status, body) = match client.get(&url).send().await {
                    Ok(res) => (res.status().as_u16(), res.text().await.unwrap_or_default()),
                    Err(e) => (0, e.to_string()),
                };
                seen.lock().unwrap().push((sent, status, body));
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, body) = admin
        .call(
            "POST",
            "/v1/apps/live/versions?activate=true",
            Some(bundle(&[(
                "index.js",
                "export default { fetch() { return new Response('v2'); } };",
            )])),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let activated = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let seen = seen.lock().unwrap();
    let failed: Vec<_> = seen.iter().filter(|(_, s, _)| *s != 200).collect();
    assert!(
        failed.is_empty(),
        "{} of {} failed: {:?}",
        failed.len(),
        seen.len(),
        &failed[..failed.len().min(5)]
    );
    let after: Vec<_> = seen.iter().filter(|(t, _, _)| *t > activated).collect();
    assert!(!after.is_empty() && seen.iter().any(|(_, _, b)| b == "v1"));
    let stale: Vec<_> = after.iter().filter(|(_, _, b)| b != "v2").collect();
    assert!(
        stale.is_empty(),
        "{} responses after activation came from the old version",
        stale.len()
    );
    eprintln!(
        "{} requests, {} after activation, none failed",
        seen.len(),
        after.len()
    );
}

#[test]
fn sigterm_lets_a_streaming_response_finish_refuses_new_connections_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = NodeProc::start(&write_config(dir.path(), ""));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let admin = node.admin();
        admin
            .serve(
                "slow",
                r#"export default { fetch() {
                  let i = 0;
                  const enc = new TextEncoder();
                  return new Response(new ReadableStream({
                    async pull(c) {
                      if (i === 5) { c.close(); return; }
                      await new Promise((r) => setTimeout(r, 1000));
                      c.enqueue(enc.encode(`chunk ${i++}\n`));
                    },
                  }));
                } };"#,
                &["*"],
            )
            .await;
    });
    let mut s = TcpStream::connect(node.http).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: slow.test\r\n\r\n")
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("chunk 0") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    node.signal(libc::SIGTERM);
    // New connections are refused soon after, while the stream is still going.
    let mut refused = false;
    for _ in 0..100 {
        match TcpStream::connect(node.http) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = true;
                break;
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    assert!(refused, "new connections were still accepted after SIGTERM");
    loop {
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if got.ends_with(b"0\r\n\r\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&got);
    for i in 0..5 {
        assert!(
            text.contains(&format!("chunk {i}\n")),
            "missing chunk {i}: {text}"
        );
    }
    assert!(
        text.ends_with("0\r\n\r\n"),
        "the response did not complete: {text}"
    );
    assert_eq!(node.wait_exit(), Some(0), "{}", node.output());
    assert!(
        node.output().contains("edge serve: stopped\n"),
        "{}",
        node.output()
    );
}

fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_refuses_missing_and_wrong_tokens_and_malformed_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), ""));
    let admin = node.admin();
    admin
        .deploy(
            "keep",
            "export default { fetch() { return new Response('kept'); } };",
        )
        .await;
    let before = admin.call("GET", "/v1/apps/keep", None).await;
    let bundles_before = files_under(&dir.path().join("data/bundles"));
    let upload = Some(bundle(&[(
        "index.js",
        "export default { fetch() { return new Response('intruder'); } };",
    )]));

    for (token, why) in [
        (None, "no token"),
        (Some("wrong-token-0123456789"), "wrong token"),
    ] {
        let client = admin.with_token(token);
        let (status, body) = client
            .call(
                "POST",
                "/v1/apps/keep/versions?activate=true",
                upload.clone(),
            )
            .await;
        assert_eq!(status, 401, "{why}: {body}");
        assert_eq!(body["error"]["code"], "unauthorized", "{why}");
        let (status, _) = client
            .json(
                "PUT",
                "/v1/apps/keep/routes",
                serde_json::json!({"routes": [{"host": "*"}]}),
            )
            .await;
        assert_eq!(status, 401, "{why}");
        let (status, _) = client.call("GET", "/v1/apps", None).await;
        assert_eq!(status, 401, "{why}");
    }

    let escape = {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        let data = b"x";
        h.set_size(1);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.as_old_mut().name[..9].copy_from_slice(b"../evil.j");
        h.set_cksum();
        b.append(&h, &data[..]).unwrap();
        b.into_inner().unwrap()
    };
    let no_manifest = {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(1);
        h.set_mode(0o644);
        b.append_data(&mut h, "index.js", &b"x"[..]).unwrap();
        b.into_inner().unwrap()
    };
    for (bad, why) in [
        (b"this is not a bundle".repeat(40), "garbage"),
        (no_manifest, "no manifest"),
        (escape, "a path out of the bundle"),
        (Vec::new(), "empty"),
    ] {
        let (status, body) = admin
            .call("POST", "/v1/apps/keep/versions?activate=true", Some(bad))
            .await;
        assert_eq!(status, 400, "{why}: {body}");
        assert_eq!(body["error"]["code"], "invalid_bundle", "{why}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().len() > 10);
    }
    // A bundle whose code does not load is refused at activation; the old version serves on.
    let (status, body) = admin
        .call(
            "POST",
            "/v1/apps/keep/versions?activate=true",
            Some(bundle(&[(
                "index.js",
                "export default { fetch( { syntax error",
            )])),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (_, after_bad_code) = admin.call("GET", "/v1/apps/keep", None).await;
    assert_eq!(after_bad_code["active"], before.1["active"]);

    let after = admin.call("GET", "/v1/apps/keep", None).await;
    assert_eq!(before.0, 200);
    // Only the broken-code version was added (it was never active); nothing else changed.
    let mut versions = after.1["versions"].as_array().unwrap().clone();
    versions.truncate(before.1["versions"].as_array().unwrap().len());
    assert_eq!(versions, *before.1["versions"].as_array().unwrap());
    assert_eq!(after.1["routes"], before.1["routes"]);
    assert_eq!(after.1["active"], before.1["active"]);
    let bundles_after = files_under(&dir.path().join("data/bundles"));
    assert_eq!(
        bundles_after.len(),
        bundles_before.len() + 1,
        "only the valid upload is stored"
    );
    admin.route("keep", &["*"]).await;
    let text = reqwest::get(format!("http://{}/", node.http))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "kept");

    // A route to an app that has no active version: a 404 that says so.
    admin.route("ghost", &["ghost.test"]).await;
    let res = reqwest::Client::new()
        .get(format!("http://{}/", node.http))
        .header("host", "ghost.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let text = res.text().await.unwrap();
    assert!(text.contains("ghost.test/ (no active version)"), "{text}");
}

/// An app whose top-level await never settles would hold the node's change lock forever (no
/// other deploy could happen); its load is bounded instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_whose_top_level_await_never_settles_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), ""));
    let admin = node.admin();
    admin
        .serve(
            "stuck",
            "export default { fetch() { return new Response('v1'); } };",
            &["*"],
        )
        .await;
    let hanging = "await new Promise(() => {}); export default { fetch() { return new Response('never'); } };";
    let (status, body) = admin
        .call(
            "POST",
            "/v1/apps/stuck/versions?activate=true",
            Some(bundle(&[("index.js", hanging)])),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("did not finish within"), "{message}");
    // The node takes changes again, and the running version served throughout.
    admin
        .deploy(
            "stuck",
            "export default { fetch() { return new Response('v3'); } };",
        )
        .await;
    let text = reqwest::get(format!("http://{}/", node.http))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "v3");
}

const ENV_APP: &str = "export default { fetch(req, env) { return new Response(`${env.VERSION_NAME} ${env.GREETING} ${env.API_KEY}`); } };";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_keeps_apps_versions_routes_and_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let mut node = NodeProc::start(&config);
    let admin = node.admin();
    admin
        .deploy("kept", &ENV_APP.replace("${env.VERSION_NAME}", "one"))
        .await;
    admin
        .serve(
            "kept",
            &ENV_APP.replace("${env.VERSION_NAME}", "two"),
            &["kept.test", "*.kept.test"],
        )
        .await;
    let (s, _) = admin
        .json(
            "PUT",
            "/v1/apps/kept/vars",
            serde_json::json!({"GREETING": "hello"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, body) = admin
        .json(
            "PUT",
            "/v1/apps/kept/secrets/API_KEY",
            serde_json::json!({"value": "s3cret"}),
        )
        .await;
    assert_eq!(s, 200);
    assert!(!body.to_string().contains("s3cret"), "a secret was echoed");
    let get = |node_http: std::net::SocketAddr| async move {
        reqwest::Client::new()
            .get(format!("http://{node_http}/"))
            .header("host", "x.kept.test")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert_eq!(get(node.http).await, "two hello s3cret");
    let (_, mut state) = admin.call("GET", "/v1/apps/kept", None).await;
    assert_eq!(state["active"], 2);
    // The URLs name the node's port, which a restart on port 0 changes.
    let urls = state.as_object_mut().unwrap().remove("urls").unwrap();
    assert_eq!(
        urls,
        serde_json::json!([
            format!("http://kept.test:{}/", node.http.port()),
            format!("http://kept.localhost:{}/", node.http.port())
        ])
    );
    assert_eq!(state["secrets"], serde_json::json!(["API_KEY"]));

    node.signal(libc::SIGTERM);
    assert_eq!(node.wait_exit(), Some(0));
    assert!(
        !node.output().contains("s3cret"),
        "a secret reached the node's output"
    );
    drop(node);

    let node = NodeProc::start(&config);
    let admin = node.admin();
    let (_, mut restored) = admin.call("GET", "/v1/apps/kept", None).await;
    restored.as_object_mut().unwrap().remove("urls");
    assert_eq!(restored, state);
    assert_eq!(get(node.http).await, "two hello s3cret");
    // The rollback target survived too.
    let (s, body) = admin.call("POST", "/v1/apps/kept/rollback", None).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(get(node.http).await, "one hello s3cret");
}

#[test]
fn slow_headers_too_many_connections_and_bad_configs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(
        dir.path(),
        "[limits]\nheader_read_timeout_secs = 1\nbody_read_timeout_secs = 1\n\
         max_connections_per_ip = 2\nmax_headers = 20",
    ));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let admin = node.admin();
        admin
            .serve(
                "body",
                "export default { async fetch(req) { return new Response(await req.text()); } };",
                &["*"],
            )
            .await;
    });
    // A client that never finishes its request head is cut off (slowloris).
    let mut slow = TcpStream::connect(node.http).unwrap();
    slow.set_read_timeout(Some(WAIT)).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n").unwrap();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
    drop(slow);

    // Too many header fields: 431.
    let mut s = TcpStream::connect(node.http).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut head = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for i in 0..30 {
        head.push_str(&format!("x-h{i}: v\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 431"));
    drop(s);

    // A request head over the size limit: 431.
    let mut s = TcpStream::connect(node.http).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    let head = format!(
        "GET / HTTP/1.1\r\nHost: a\r\nx-big: {}\r\nConnection: close\r\n\r\n",
        "v".repeat(70 << 10)
    );
    let _ = s.write_all(head.as_bytes());
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 431"));
    drop(s);

    // A request body that stops arriving fails the request instead of holding it open.
    let mut s = TcpStream::connect(node.http).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly ten..")
        .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    assert!(
        text.starts_with("HTTP/1.1 500") || text.is_empty(),
        "{text}"
    );
    drop(s);

    // A configuration with an unknown key, or a certificate that is not there, is a clear
    // error and a non-zero exit.
    for (text, expect) in [
        ("[limits]\nmax_conections = 5\n", "max_conections"),
        (
            "[https]\nlisten = \"127.0.0.1:0\"\n[[https.certificates]]\ncert = \"none.pem\"\nkey = \"none.key\"\n",
            "none.pem",
        ),
        ("workers = \"many\"\n", "workers"),
        ("app_domain = \"apps example.com\"\n", "app_domain"),
    ] {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_edge"))
            .args(["serve", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{text}");
        assert!(stderr.contains(expect), "{text}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_reload_without_restart_and_h2c_and_pipelining_work() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let node = NodeProc::start(&https_config(dir.path(), &pki, ""));
    let admin = node.admin();
    admin.serve("app-a", APP_A, &["a.test", "*"]).await;
    let addr = node.https.unwrap();
    let url = format!("https://a.test:{}/", addr.port());
    let before = der(&dir.path().join("a.pem"));
    let res = https_client(&pki, true, &["a.test"], addr)
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(peer_cert(&res), before);

    // A renewed certificate replaces the file; the admin call (or the file watch) loads it.
    let renewed = pki.leaf("a", &["a.test"]);
    assert_ne!(renewed.der, before);
    let (status, body) = admin.call("POST", "/v1/tls/reload", None).await;
    assert_eq!(status, 200, "{body}");
    let res = https_client(&pki, true, &["a.test"], addr)
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(
        peer_cert(&res),
        renewed.der,
        "the renewed certificate is not served"
    );
    // A broken file is refused and the certificate in use stays.
    std::fs::write(dir.path().join("a.pem"), "not a certificate").unwrap();
    let (status, body) = admin.call("POST", "/v1/tls/reload", None).await;
    assert_eq!(status, 400, "{body}");
    let res = https_client(&pki, false, &["a.test"], addr)
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(peer_cert(&res), renewed.der);

    // TLS 1.2 and 1.3 both.
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(pki.client_tls_versions(&[b"h2"], &[version]))
            .resolve("a.test", addr)
            .build()
            .unwrap();
        let res = client.get(&url).send().await.unwrap();
        assert!(
            res.text().await.unwrap().starts_with("app-a"),
            "{version:?}"
        );
    }

    // HTTP/2 with prior knowledge on the clear-text port.
    let h2c = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let res = h2c
        .get(format!("http://{}/", node.http))
        .send()
        .await
        .unwrap();
    assert_eq!(res.version(), reqwest::Version::HTTP_2);
    assert!(res.text().await.unwrap().starts_with("app-a"));

    // Two pipelined requests in one write: two answers, in order.
    let mut s = TcpStream::connect(node.http).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(
        b"GET /one HTTP/1.1\r\nHost: p.test\r\n\r\nGET /two HTTP/1.1\r\nHost: q.test\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf);
    let first = text.find("app-a p.test").expect(&text);
    let second = text.find("app-a q.test").expect(&text);
    assert!(first < second, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_limits_log_tail_metrics_and_idle_connections() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), "[limits]\nidle_timeout_secs = 1"));
    let admin = node.admin();
    admin
        .serve(
            "tail",
            "export default { async fetch(req) { const t = await req.text(); console.log('got ' + t.length + ' bytes'); return new Response('ok'); } };",
            &["*"],
        )
        .await;
    let base = format!("http://{}", node.http);

    // A live tail sees each new console line.
    let mut tail = admin
        .client
        .get(format!("{}/v1/apps/tail/logs", admin.base))
        .bearer_auth(TOKEN)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.headers()["content-type"], "text/event-stream");
    let client = reqwest::Client::new();
    let res = client
        .post(&base)
        .body("x".repeat(3000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "ok");
    let event = tokio::time::timeout(WAIT, tail.chunk())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&event),
        "event: log\ndata: got 3000 bytes\n\n"
    );

    // A per-app body limit: 413 for a body over it.
    let (s, body) = admin
        .json("PUT", "/v1/apps/tail", serde_json::json!({"body_mib": 0}))
        .await;
    assert_eq!(s, 200, "{body}");
    let res = client
        .post(&base)
        .body("x".repeat(10))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let (s, body) = admin
        .json("PUT", "/v1/apps/tail", serde_json::json!({"cpu_ms": 0}))
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );

    // A settings change the active version cannot load with is refused and not stored.
    admin
        .deploy(
            "big",
            "const big = new Array(4e6).fill(1.5); export default { fetch() { return new Response(String(big.length)); } };",
        )
        .await;
    let (s, body) = admin
        .json("PUT", "/v1/apps/big", serde_json::json!({"memory_mib": 8}))
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (422, Some("load_failed")),
        "{body}"
    );
    let (_, big) = admin.call("GET", "/v1/apps/big", None).await;
    assert_eq!(
        big["settings"],
        serde_json::json!({"allowed_hosts": []}),
        "{}",
        node.output()
    );

    // Metrics count the app's requests and errors.
    let metrics = admin.text("/v1/metrics").await;
    assert!(
        metrics.contains("edge_app_requests_total{app=\"tail\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("edge_app_errors_total{app=\"tail\",kind=\"body_too_large\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("edge_connections_open "), "{metrics}");

    // An idle keep-alive connection is closed after the idle timeout.
    let mut s = TcpStream::connect(node.http).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let idle = Instant::now();
    assert_eq!(
        s.read(&mut buf).unwrap(),
        0,
        "the idle connection was not closed"
    );
    eprintln!("idle connection closed after {:?}", idle.elapsed());

    // Health and readiness need no token.
    let health = reqwest::get(format!("{}/healthz", admin.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = reqwest::get(format!("{}/readyz", admin.base))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_reuse_port_drops_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let (http, admin_port) = (free_port(), free_port());
    let config = write_config_on(
        dir.path(),
        "reuse_port = true",
        &format!("127.0.0.1:{http}"),
        &format!("127.0.0.1:{admin_port}"),
    );
    let mut old = NodeProc::start(&config);
    let admin = old.admin();
    admin
        .serve(
            "up",
            "export default { fetch() { return new Response('up'); } };",
            &["*"],
        )
        .await;

    let stop = Arc::new(AtomicBool::new(false));
    let results = Arc::new(Mutex::new((0usize, Vec::<String>::new())));
    let mut clients = Vec::new();
    for _ in 0..20 {
        let (stop, results) = (stop.clone(), results.clone());
        clients.push(tokio::spawn(async move {
            // Keep-alive connections, as browsers and API clients hold them.
            let client = reqwest::Client::builder().timeout(WAIT).build().unwrap();
            while !stop.load(Ordering::Relaxed) {
                let outcome = match client.get(format!("http://127.0.0.1:{http}/")).send().await {
                    Ok(res) if res.status() == 200 => match res.text().await {
                        Ok(t) if t == "up" => Ok(()),
                        other => Err(format!("{other:?}")),
                    },
                    Ok(res) => Err(format!("status {}", res.status())),
                    Err(e) => Err(format!("{e:?}")),
                };
                let mut r = results.lock().unwrap();
                match outcome {
                    Ok(()) => r.0 += 1,
                    Err(e) => r.1.push(e),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The new node binds the same ports, then the old one drains.
    let new = NodeProc::start(&config);
    old.signal(libc::SIGTERM);
    let code = tokio::task::spawn_blocking(move || old.wait_exit())
        .await
        .unwrap();
    assert_eq!(code, Some(0));
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let (ok, failed) = &*results.lock().unwrap();
    assert!(
        failed.is_empty(),
        "{} of {} requests failed: {:?}",
        failed.len(),
        ok + failed.len(),
        &failed[..failed.len().min(3)]
    );
    assert!(*ok > 100);
    eprintln!("{ok} requests across the restart, none failed");
    drop(new);
}

const TICKING_APP: &str = r#"export default { fetch() {
  let i = 0;
  const enc = new TextEncoder();
  return new Response(new ReadableStream({
    async pull(c) {
      if (i === 4) { c.close(); return; }
      if (i > 0) await new Promise((r) => setTimeout(r, 300));
      c.enqueue(enc.encode(`tick ${i++}\n`));
    },
  }));
} };"#;

#[test]
fn sigterm_lets_an_http3_stream_finish_and_closes_idle_http3_connections() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let mut node = NodeProc::start(&https_config(dir.path(), &pki, ""));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let addr = node.https.unwrap();
    let (idle, mut busy, mut stream) = rt.block_on(async {
        let admin = node.admin();
        admin.serve("tick", TICKING_APP, &["a.test"]).await;
        let url = format!("https://a.test:{}/", addr.port());
        let mut idle = H3::connect(&pki, addr, "a.test").await;
        let (status, _) = idle.get_text(&url).await;
        assert_eq!(status, 200);
        let mut busy = H3::connect(&pki, addr, "a.test").await;
        let (_, mut stream) = busy.get(&url).await;
        let mut first = stream.recv_data().await.unwrap().unwrap();
        assert_eq!(first.copy_to_bytes(first.remaining()), &b"tick 0\n"[..]);
        (idle, busy, stream)
    });
    node.signal(libc::SIGTERM);
    let rest = rt.block_on(async {
        let mut rest = Vec::new();
        loop {
            match tokio::time::timeout(WAIT, stream.recv_data())
                .await
                .unwrap()
            {
                Ok(Some(mut chunk)) => {
                    rest.extend_from_slice(&chunk.copy_to_bytes(chunk.remaining()))
                }
                Ok(None) => break,
                Err(e) => panic!(
                    "{e:?} after {:?}\n{}",
                    String::from_utf8_lossy(&rest),
                    node.output()
                ),
            }
        }
        let _ = &mut busy;
        rest
    });
    assert_eq!(String::from_utf8_lossy(&rest), "tick 1\ntick 2\ntick 3\n");
    // The idle connection got GOAWAY and did not hold the drain for the grace period (30 s,
    // longer than `wait_exit` waits).
    assert_eq!(node.wait_exit(), Some(0), "{}", node.output());
    drop((idle, busy));
}

/// Two connections from one address are held; a third is closed at once. (Its own node, with a
/// head timeout long enough that a loaded machine cannot time the held ones out first.)
#[test]
fn connections_per_address_are_limited() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(
        dir.path(),
        "[limits]\nheader_read_timeout_secs = 60\nmax_connections_per_ip = 2\n",
    ));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        node.admin()
            .serve(
                "body",
                "export default { async fetch(req) { return new Response(await req.text()); } };",
                &["*"],
            )
            .await;
    });
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(node.http).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut third = TcpStream::connect(node.http).unwrap();
    third.set_read_timeout(Some(WAIT)).unwrap();
    let _ = third.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    let mut buf = Vec::new();
    let _ = third.read_to_end(&mut buf);
    assert!(
        buf.is_empty(),
        "a third connection was served: {}",
        String::from_utf8_lossy(&buf)
    );
    for mut h in held {
        h.set_read_timeout(Some(WAIT)).unwrap();
        h.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        h.read_to_end(&mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    }
}
