//! Workers-style bindings on a node: a KV namespace is the app's own (two apps binding the
//! same name see different data), and every write a node acknowledged is still there after
//! the node is killed with SIGKILL in the middle of a stream of writes and started again.

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
            serde_json::json!({ "kv_namespaces": [{ "binding": "KV" }] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_namespaces_are_per_app_and_keep_every_acknowledged_write() {
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
                let url = format!("http://one.localhost:{port}/put?k=k{i}&v=v{i}");
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
        let (status, body) = get(&client, port, "one.localhost", &format!("/get?k=k{i}")).await;
        assert_eq!(
            (status, body),
            (200, format!("\"v{i}\"")),
            "k{i} was acknowledged"
        );
    }
    let (_, count) = get(&client, port, "one.localhost", "/count").await;
    let count: usize = count.parse().unwrap();
    // Every acknowledged key, plus "a", plus any write that landed but was not acknowledged.
    assert!(count > acknowledged.len(), "{count}");
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

/// `{"status", "body"}` for each scripted request, as `run-with-miniflare.mjs` prints them.
async fn answers(port: u16, script: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for step in script {
        let method = reqwest::Method::from_bytes(step[0].as_str().unwrap().as_bytes()).unwrap();
        let mut req = client.request(
            method,
            format!("http://127.0.0.1:{port}{}", step[1].as_str().unwrap()),
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

/// One Workers app per binding kind (every KV call; every D1 call), run by Miniflare (the
/// real workerd) and by `edge dev` with the bindings declared in edge.toml: the same scripted
/// requests get the same statuses and JSON bodies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_and_d1_answer_as_under_miniflare() {
    // reqwest's plain clients need a process-wide rustls provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let fixtures = miniflare_dir();
    for (app, requests, min) in [
        ("kv-app.mjs", "kv-requests.json", 60),
        ("d1-app.mjs", "d1-requests.json", 40),
    ] {
        let script: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(fixtures.join(requests)).unwrap())
                .unwrap();
        assert!(script.len() >= min);
        let out = std::process::Command::new("node")
            .arg("run-with-miniflare.mjs")
            .arg(app)
            .arg(requests)
            .current_dir(&fixtures)
            .output()
            .expect("node is installed (scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "Miniflare: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
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
