//! Workers-style bindings: KV namespaces and SQL databases are the app's own (two apps binding
//! the same names see different data), and every write a node acknowledged is still there
//! after the node is killed with SIGKILL in the middle of a stream of writes and started
//! again; KV and D1 answer as under Miniflare (the real workerd); service bindings call other
//! apps in process.

mod common;
mod nodekit;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use nodekit::*;

const KV_APP: &str = r#"export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const key = url.searchParams.get("k");
    if (url.pathname === "/put") {
      await env.KV.put(key, url.searchParams.get("v"));
      return new Response("ok");
    }
    if (url.pathname === "/insert") {
      await env.DB.exec("CREATE TABLE IF NOT EXISTS notes (k TEXT PRIMARY KEY, v TEXT)");
      await env.DB.prepare("INSERT INTO notes (k, v) VALUES (?, ?)").bind(key, url.searchParams.get("v")).run();
      return new Response("ok");
    }
    if (url.pathname === "/select") {
      const row = await env.DB.prepare("SELECT v FROM notes WHERE k = ?").bind(key).first("v").catch(() => null);
      return Response.json(row);
    }
    if (url.pathname === "/get") return Response.json(await env.KV.get(key));
    if (url.pathname === "/count") {
      let count = 0;
      let cursor;
      for (;;) {
        const page = await env.KV.list({ cursor });
        count += page.keys.length;
        if (page.list_complete) break;
        cursor = page.cursor;
      }
      return Response.json(count);
    }
    return new Response("not found", { status: 404 });
  },
};
"#;

async fn get(client: &reqwest::Client, port: u16, host: &str, path: &str) -> (u16, String) {
    let res = client
        .get(format!("http://{host}:{port}{path}"))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn client_for(node: &NodeProc, hosts: &[&str]) -> reqwest::Client {
    let mut builder = reqwest::Client::builder();
    for h in hosts {
        builder = builder.resolve(h, node.http);
    }
    builder.build().unwrap()
}

async fn deploy_kv_app(admin: &Admin, app: &str) {
    admin
        .serve(app, KV_APP, &[&format!("{app}.localhost")])
        .await;
    let (status, body) = admin
        .json(
            "PUT",
            &format!("/v1/apps/{app}"),
            serde_json::json!({
                "kv_namespaces": [{ "binding": "KV" }],
                "d1_databases": [{ "binding": "DB" }],
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bindings_are_per_app_and_keep_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let mut node = NodeProc::start(&config);
    let admin = node.admin();
    deploy_kv_app(&admin, "one").await;
    deploy_kv_app(&admin, "two").await;
    let client = client_for(&node, &["one.localhost", "two.localhost"]);
    let port = node.http.port();

    // Same binding name, different data.
    assert_eq!(
        get(&client, port, "one.localhost", "/put?k=a&v=1").await.0,
        200
    );
    assert_eq!(
        get(&client, port, "two.localhost", "/get?k=a").await.1,
        "null"
    );
    assert_eq!(
        get(&client, port, "two.localhost", "/put?k=a&v=2").await.0,
        200
    );
    assert_eq!(
        get(&client, port, "one.localhost", "/get?k=a").await.1,
        "\"1\""
    );
    assert_eq!(
        get(&client, port, "two.localhost", "/get?k=a").await.1,
        "\"2\""
    );
    assert_eq!(
        get(&client, port, "one.localhost", "/insert?k=a&v=1")
            .await
            .0,
        200
    );
    assert_eq!(
        get(&client, port, "two.localhost", "/select?k=a").await.1,
        "null"
    );
    assert_eq!(
        get(&client, port, "one.localhost", "/select?k=a").await.1,
        "\"1\""
    );

    // Four writers put keys k0..k999; the node is killed while they are at it.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, acknowledged, stop) = (client.clone(), acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            for i in (w..1000).step_by(4) {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                // Even keys go to KV, odd ones to the SQL database.
                let route = if i % 2 == 0 { "put" } else { "insert" };
                let url = format!("http://one.localhost:{port}/{route}?k=k{i}&v=v{i}");
                let Ok(res) = client.get(url).send().await else {
                    break;
                };
                let status = res.status();
                let ok = res.text().await.ok().as_deref() == Some("ok");
                if status != 200 || !ok {
                    break;
                }
                acknowledged.lock().unwrap().push(i);
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 300 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    node.signal(libc::SIGKILL);
    stop.store(true, Ordering::Relaxed);
    node.wait_exit();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 300 && acknowledged.len() < 1000);

    let node = NodeProc::start(&config);
    let client = client_for(&node, &["one.localhost", "two.localhost"]);
    let port = node.http.port();
    for i in &acknowledged {
        let route = if i % 2 == 0 { "get" } else { "select" };
        let (status, body) = get(&client, port, "one.localhost", &format!("/{route}?k=k{i}")).await;
        assert_eq!(
            (status, body),
            (200, format!("\"v{i}\"")),
            "k{i} was acknowledged"
        );
    }
    let (_, count) = get(&client, port, "one.localhost", "/count").await;
    let count: usize = count.parse().unwrap();
    // Every acknowledged KV key, plus "a", plus any write that landed unacknowledged.
    let kv_acknowledged = acknowledged.iter().filter(|i| *i % 2 == 0).count();
    assert!(count > kv_acknowledged, "{count}");
    assert_eq!(get(&client, port, "two.localhost", "/count").await.1, "1");
}

fn miniflare_dir() -> std::path::PathBuf {
    let dir = common::repo_root().join("deploy/tests/fixtures/miniflare");
    assert!(
        dir.join("node_modules/miniflare/package.json").is_file(),
        "Miniflare is not installed: run scripts/test.sh (or npm ci in {})",
        dir.display()
    );
    dir
}

/// What `run-with-miniflare.mjs <args>` prints: `{"status", "body"}` per request.
fn under_miniflare(args: &[&str]) -> Vec<serde_json::Value> {
    let out = std::process::Command::new("node")
        .arg("run-with-miniflare.mjs")
        .args(args)
        .current_dir(miniflare_dir())
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "Miniflare: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `{"status", "body"}` for each scripted request, as `run-with-miniflare.mjs` prints them.
async fn answers(port: u16, script: &[serde_json::Value]) -> Vec<serde_json::Value> {
    answers_at(port, "127.0.0.1", script).await
}

/// The same, sent to `host` (resolved to 127.0.0.1).
async fn answers_at(port: u16, host: &str, script: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let client = reqwest::Client::builder()
        .resolve(host, std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .build()
        .unwrap();
    let mut out = Vec::new();
    for step in script {
        let method = reqwest::Method::from_bytes(step[0].as_str().unwrap().as_bytes()).unwrap();
        let mut req = client.request(
            method,
            format!("http://{host}:{port}{}", step[1].as_str().unwrap()),
        );
        match &step[2] {
            serde_json::Value::Object(headers) => {
                for (k, v) in headers {
                    req = req.header(k.as_str(), v.as_str().unwrap());
                }
            }
            serde_json::Value::Array(pairs) => {
                for pair in pairs {
                    req = req.header(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
                }
            }
            _ => {}
        }
        if let Some(body) = step[3].as_str() {
            req = req.body(body.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        out.push(serde_json::json!({ "status": status, "body": body }));
    }
    out
}

/// One Workers app per binding kind (every KV call; every D1 call; every Cache API call), run
/// by Miniflare (the
/// real workerd) and by `edge dev` with the bindings declared in edge.toml: the same scripted
/// requests get the same statuses and JSON bodies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_d1_and_the_cache_answer_as_under_miniflare() {
    // reqwest's plain clients need a process-wide rustls provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let fixtures = miniflare_dir();
    for (app, requests, min) in [
        ("kv-app.mjs", "kv-requests.json", 60),
        ("d1-app.mjs", "d1-requests.json", 40),
        ("cache-app.mjs", "cache-requests.json", 100),
    ] {
        let script: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(fixtures.join(requests)).unwrap())
                .unwrap();
        assert!(script.len() >= min);
        let expected = under_miniflare(&[app, requests]);
        assert_eq!(expected.len(), script.len());

        let project = tempfile::tempdir().unwrap();
        std::fs::copy(fixtures.join(app), project.path().join(app)).unwrap();
        std::fs::write(
            project.path().join("edge.toml"),
            format!(
                "name = \"bindings\"\nmain = \"{app}\"\n\n[[kv_namespaces]]\nbinding = \"KV\"\n\n[[d1_databases]]\nbinding = \"DB\"\n"
            ),
        )
        .unwrap();
        let server = common::DevServer::start(project.path(), &[]);
        let got = answers(server.port, &script).await;
        assert_eq!(got.len(), expected.len());
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "{app}: request {i} {} {}", script[i][0], script[i][1]);
        }
    }
}

const AUTH_APP: &str = r#"export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/upper") {
      // Streams the request body back upper-cased, chunk by chunk.
      const upper = new TransformStream({
        transform(chunk, controller) {
          controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
        },
      });
      return new Response(request.body.pipeThrough(upper), { headers: { "x-served-by": "auth" } });
    }
    return Response.json({ user: request.headers.get("authorization") === "Bearer good" ? "ada" : null, path: url.pathname, method: request.method });
  },
};
"#;

const FRONT_APP: &str = r#"export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/who") {
      const res = await env.AUTH.fetch("https://auth/check", { headers: { authorization: request.headers.get("authorization") ?? "" } });
      return Response.json({ status: res.status, body: await res.json() });
    }
    if (url.pathname === "/upper") {
      // The body goes through as it comes, and comes back as the callee produces it.
      return env.AUTH.fetch("https://auth/upper", { method: "POST", body: request.body, duplex: "half" });
    }
    if (url.pathname === "/self") {
      const res = await env.SELF.fetch("https://front/who");
      return new Response(`self: ${res.status}`);
    }
    if (url.pathname === "/loop") {
      try {
        const res = await env.SELF.fetch("https://front/loop");
        return new Response(await res.text(), { status: res.status });
      } catch (err) {
        return new Response(`stopped: ${err.message}`, { status: 508 });
      }
    }
    if (url.pathname === "/nowhere") {
      try {
        await env.GHOST.fetch("https://ghost/");
        return new Response("reached");
      } catch (err) {
        return new Response(`${err.name}: ${err.message}`, { status: 502 });
      }
    }
    return new Response("front");
  },
};
"#;

/// A service binding calls another app on the node in process: headers and status through,
/// a request body streamed in and the answer streamed back, an app calling itself, a chain
/// that never ends stopped by the cap on calls in flight, and a binding to no app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_bindings_call_other_apps_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), ""));
    let admin = node.admin();
    admin.serve("auth", AUTH_APP, &["auth.localhost"]).await;
    admin.serve("front", FRONT_APP, &["front.localhost"]).await;
    let (status, body) = admin
        .json(
            "PUT",
            "/v1/apps/front",
            serde_json::json!({ "services": [
                { "binding": "AUTH", "service": "auth" },
                { "binding": "SELF", "service": "front" },
                { "binding": "GHOST", "service": "ghost" },
            ] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let client = client_for(&node, &["front.localhost"]);
    let port = node.http.port();
    let res = client
        .get(format!("http://front.localhost:{port}/who"))
        .header("authorization", "Bearer good")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.text().await.unwrap(),
        r#"{"status":200,"body":{"user":"ada","path":"/check","method":"GET"}}"#
    );

    // Streaming both ways: the callee's first chunk arrives before the second is sent.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(1);
    let body = reqwest::Body::wrap_stream(tokio_stream_from(rx));
    let response = client
        .post(format!("http://front.localhost:{port}/upper"))
        .body(body);
    let sending = tokio::spawn(response.send());
    tx.send(Ok(bytes::Bytes::from("first "))).await.unwrap();
    let mut res = sending.await.unwrap().unwrap();
    assert_eq!(res.headers()["x-served-by"], "auth");
    let chunk = res.chunk().await.unwrap().unwrap();
    assert_eq!(chunk, "FIRST ");
    tx.send(Ok(bytes::Bytes::from("second"))).await.unwrap();
    drop(tx);
    let mut rest = Vec::new();
    while let Some(c) = res.chunk().await.unwrap() {
        rest.extend_from_slice(&c);
    }
    assert_eq!(rest, b"SECOND");

    assert_eq!(
        get(&client, port, "front.localhost", "/self").await,
        (200, "self: 200".into())
    );
    let (status, text) = get(&client, port, "front.localhost", "/loop").await;
    assert_eq!(status, 508, "{text}");
    assert!(text.contains("too many service calls"), "{text}");
    let (status, text) = get(&client, port, "front.localhost", "/nowhere").await;
    assert_eq!(status, 502);
    assert!(text.contains("no app named ghost"), "{text}");
}

/// A receiver as a stream of body chunks.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

const CRON_APP: &str = r#"export default {
  async scheduled(controller, env, ctx) {
    if (controller.cron === "0 0 1 1 *") throw new Error("new year's job failed");
    const runs = JSON.parse((await env.KV.get("runs")) ?? "[]");
    runs.push({ cron: controller.cron, type: controller.type, time: typeof controller.scheduledTime });
    await env.KV.put("runs", JSON.stringify(runs));
  },
  async fetch(request, env) {
    return new Response((await env.KV.get("runs")) ?? "[]");
  },
};
"#;

/// A `scheduled` handler runs for its cron trigger: on demand through the admin API (as the
/// node's minute scheduler calls it, without waiting for the clock), with the controller's
/// `cron`, `type` and `scheduledTime`; a handler that throws is reported; a settings change
/// with a malformed expression is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_handlers_run_for_their_cron_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), ""));
    let admin = node.admin();
    admin.serve("jobs", CRON_APP, &["jobs.localhost"]).await;
    let (status, body) = admin
        .json(
            "PUT",
            "/v1/apps/jobs",
            serde_json::json!({
                "kv_namespaces": [{ "binding": "KV" }],
                "crons": ["*/5 * * * *", "0 0 1 1 *"],
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin.call("POST", "/v1/apps/jobs/scheduled", None).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("ok")),
        "{body}"
    );
    let (status, body) = admin
        .json(
            "POST",
            "/v1/apps/jobs/scheduled",
            serde_json::json!({ "cron": "30 8 * * MON-FRI" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let client = client_for(&node, &["jobs.localhost"]);
    let (_, runs) = get(&client, node.http.port(), "jobs.localhost", "/").await;
    assert_eq!(
        runs,
        r#"[{"cron":"*/5 * * * *","type":"scheduled","time":"number"},{"cron":"30 8 * * MON-FRI","type":"scheduled","time":"number"}]"#
    );
    let (status, body) = admin
        .json(
            "POST",
            "/v1/apps/jobs/scheduled",
            serde_json::json!({ "cron": "0 0 1 1 *" }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("new year's job failed"), "{body}");
    let (status, body) = admin
        .json(
            "PUT",
            "/v1/apps/jobs",
            serde_json::json!({ "crons": ["61 * * * *"] }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

/// Two Workers apps, one calling the other (and itself) through service bindings, run by
/// Miniflare and by a node: the same scripted requests get the same statuses and JSON bodies
/// (headers and methods through, bodies both ways, streamed bodies, status codes, redirects
/// followed or not, the callee's errors rejecting the caller's fetch with their class).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_bindings_answer_as_under_miniflare() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let fixtures = miniflare_dir();
    let script: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("services-requests.json")).unwrap(),
    )
    .unwrap();
    assert!(script.len() >= 20);
    let expected = under_miniflare(&[
        "services-front.mjs",
        "services-requests.json",
        "--service",
        "AUTH=services-auth.mjs",
        "--self",
        "SELF",
    ]);
    assert_eq!(expected.len(), script.len());

    let dir = tempfile::tempdir().unwrap();
    let node = NodeProc::start(&write_config(dir.path(), ""));
    let admin = node.admin();
    let source = |f: &str| std::fs::read_to_string(fixtures.join(f)).unwrap();
    admin.deploy("auth", &source("services-auth.mjs")).await;
    admin
        .serve("front", &source("services-front.mjs"), &["localhost"])
        .await;
    let (status, body) = admin
        .json(
            "PUT",
            "/v1/apps/front",
            serde_json::json!({ "services": [
                { "binding": "AUTH", "service": "auth" },
                { "binding": "SELF", "service": "front" },
            ] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let got = answers_at(node.http.port(), "localhost", &script).await;
    assert_eq!(got.len(), expected.len());
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "request {i} {} {}", script[i][0], script[i][1]);
    }
}

const QUEUE_APP: &str = r#"export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/send") {
      const to = url.searchParams.get("to") === "later" ? env.LATER : env.JOBS;
      const from = Number(url.searchParams.get("from"));
      const count = Number(url.searchParams.get("count"));
      const batch = [];
      for (let n = from; n < from + count; n++) batch.push({ body: { n, at: new Date(0), tags: new Set(["x"]) } });
      await to.sendBatch(batch);
      return new Response("sent");
    }
    if (url.pathname === "/seen") return new Response((await env.KV.get("seen")) ?? "{}");
    return new Response("not found", { status: 404 });
  },
  async queue(batch, env) {
    for (const message of batch.messages) {
      const { n, at, tags } = message.body;
      if (!(at instanceof Date) || !tags.has("x")) throw new Error("the body lost its types");
      if (n === 3 && message.attempts === 1) {
        message.retry();
        continue;
      }
      if (n === 5 && message.attempts === 1) throw new Error("first delivery of 5 fails");
      const seen = JSON.parse((await env.KV.get("seen")) ?? "{}");
      seen[`${batch.queue}:${n}`] = { times: (seen[`${batch.queue}:${n}`]?.times ?? 0) + 1, attempts: message.attempts };
      await env.KV.put("seen", JSON.stringify(seen));
      message.ack();
    }
  },
};
"#;

async fn seen(client: &reqwest::Client, port: u16, want: usize) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..1000 {
        let (_, text) = get(client, port, "queues.localhost", "/seen").await;
        last = serde_json::from_str(&text).unwrap();
        if last.as_object().is_some_and(|o| o.len() >= want) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the consumer saw only {last}");
}

/// Queues: messages sent with `sendBatch` (structured-clone bodies) reach the app's `queue`
/// handler once each; a message it retries and one whose delivery throws come back with their
/// attempt counted; messages sent before a SIGKILL are delivered after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_messages_reach_the_consumer_once_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let mut node = NodeProc::start(&config);
    let admin = node.admin();
    admin
        .serve("queues", QUEUE_APP, &["queues.localhost"])
        .await;
    let settings = |consumers: &[&str]| {
        serde_json::json!({
            "kv_namespaces": [{ "binding": "KV" }],
            "queue_producers": [
                { "binding": "JOBS", "queue": "jobs" },
                { "binding": "LATER", "queue": "later" },
            ],
            "queue_consumers": consumers
                .iter()
                .map(|q| serde_json::json!({ "queue": q, "max_batch_size": 1 }))
                .collect::<Vec<_>>(),
        })
    };
    let (status, body) = admin
        .json("PUT", "/v1/apps/queues", settings(&["jobs"]))
        .await;
    assert_eq!(status, 200, "{body}");
    let client = client_for(&node, &["queues.localhost"]);
    let port = node.http.port();
    assert_eq!(
        get(&client, port, "queues.localhost", "/send?from=0&count=8")
            .await
            .1,
        "sent"
    );
    let got = seen(&client, port, 8).await;
    for n in 0..8 {
        let entry = &got[format!("jobs:{n}")];
        let attempts = if n == 3 || n == 5 { 2 } else { 1 };
        assert_eq!(entry["times"], 1, "{got}");
        assert_eq!(entry["attempts"], attempts, "{got}");
    }

    // Sent to a queue nobody consumes yet, then the node is killed and started again.
    assert_eq!(
        get(
            &client,
            port,
            "queues.localhost",
            "/send?from=100&count=5&to=later"
        )
        .await
        .1,
        "sent"
    );
    node.signal(libc::SIGKILL);
    node.wait_exit();
    let node = NodeProc::start(&config);
    let admin = node.admin();
    let (status, body) = admin
        .json("PUT", "/v1/apps/queues", settings(&["jobs", "later"]))
        .await;
    assert_eq!(status, 200, "{body}");
    let client = client_for(&node, &["queues.localhost"]);
    let got = seen(&client, node.http.port(), 13).await;
    for n in 100..105 {
        assert_eq!(got[format!("later:{n}")]["times"], 1, "{got}");
    }
    assert_eq!(got.as_object().unwrap().len(), 13, "{got}");
}
