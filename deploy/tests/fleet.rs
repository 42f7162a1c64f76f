//! A fleet: three `edge serve` nodes (child processes on loopback ports) sharing one control
//! store in a real PostgreSQL server the test starts. A change made through any node's admin
//! API is served by all three; with PostgreSQL stopped they keep serving (a restarted node
//! too, from its local copy) and refuse changes with a clear error; after it restarts, a new
//! deploy reaches all three; and a rollout under load from 50 clients fails no request.

mod nodekit;
mod pgkit;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nodekit::{write_config, NodeProc, WAIT};
use pgkit::Postgres;

const KEY: &str = "5f1c0ffee0ddba11deadbeefcafef00d0123456789abcdef0123456789abcdef";

/// Three nodes on one store, each in its own directory under `dir`.
fn start_fleet(dir: &Path, pg: &Postgres) -> Vec<NodeProc> {
    std::fs::write(dir.join("store.key"), KEY).unwrap();
    (0..3).map(|i| start_node(dir, i, pg)).collect()
}

fn start_node(dir: &Path, i: usize, pg: &Postgres) -> NodeProc {
    let home = dir.join(format!("node{i}"));
    std::fs::create_dir_all(&home).unwrap();
    let extra = format!(
        "store = \"{}\"\nstore_key_file = \"{}\"\n",
        pg.url(),
        dir.join("store.key").display()
    );
    NodeProc::start(&write_config(&home, &extra))
}

fn app(text: &str) -> String {
    format!(
        "export default {{ fetch(request, env) {{ \
           return new Response(`{text}` + (env.TOKEN ? ' ' + env.TOKEN : '')); }} }};"
    )
}

/// A client of one node that reaches `host` there.
fn client_for(node: &NodeProc, host: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .resolve(host, node.http)
        .timeout(WAIT)
        .build()
        .unwrap()
}

async fn get(client: &reqwest::Client, node: &NodeProc, host: &str) -> (u16, String) {
    let url = format!("http://{host}:{}/", node.http.port());
    match client.get(url).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            (status, res.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

/// Waits until every node answers `want` at `host`; how long each took.
async fn until_all_serve(nodes: &[NodeProc], host: &str, want: &str) -> Vec<Duration> {
    let start = Instant::now();
    let mut took = Vec::new();
    for node in nodes {
        let client = client_for(node, host);
        loop {
            let (status, body) = get(&client, node, host).await;
            if status == 200 && body == want {
                took.push(start.elapsed());
                break;
            }
            assert!(
                start.elapsed() < WAIT,
                "node {} still answers {status} {body:?}, not {want:?}:\n{}",
                node.http,
                node.output()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    took
}

fn millis(took: &[Duration]) -> Vec<u128> {
    took.iter().map(|d| d.as_millis()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_one_store_and_ride_out_its_outage() {
    let dir = tempfile::tempdir().unwrap();
    let pg = Postgres::start_in(dir.path());
    let mut nodes = start_fleet(dir.path(), &pg);
    let host = "hello.localhost";

    // A deploy through one node is served by all three.
    nodes[0].admin().deploy("hello", &app("v1")).await;
    let took = until_all_serve(&nodes, host, "v1").await;
    println!(
        "v1 through node 0: served by all three after {:?} ms",
        millis(&took)
    );

    // A secret put through another node reaches every node's isolates, sealed in the store
    // and in each node's copy.
    let (status, body) = nodes[1]
        .admin()
        .json(
            "PUT",
            "/v1/apps/hello/secrets/TOKEN",
            serde_json::json!({ "value": "fleet-s3cret" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let took = until_all_serve(&nodes, host, "v1 fleet-s3cret").await;
    println!(
        "secret through node 1: served by all three after {:?} ms",
        millis(&took)
    );
    let stored = pg.query("SELECT value FROM edge_vars WHERE name = 'TOKEN'");
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(!stored.contains("fleet-s3cret"));
    for i in 0..3 {
        let copy = std::fs::read(dir.path().join(format!("node{i}/data/fleet.db"))).unwrap();
        assert!(
            !copy.windows(12).any(|w| w == b"fleet-s3cret"),
            "node {i}'s copy holds the secret in the clear"
        );
    }

    // Routes set through the third node.
    nodes[2].admin().route("hello", &["fleet.test"]).await;
    until_all_serve(&nodes, "fleet.test", "v1 fleet-s3cret").await;
    let (_, versions) = nodes[0].admin().call("GET", "/v1/apps/hello", None).await;
    assert_eq!(versions["routes"][0]["host"], "fleet.test", "{versions}");

    let (_, info) = nodes[0].admin().call("GET", "/v1/node", None).await;
    assert_eq!(info["store"]["kind"], "postgres", "{info}");
    assert_eq!(info["store"]["connected"], true, "{info}");

    // PostgreSQL stops: every node keeps serving, and refuses changes saying why.
    pg.stop();
    for node in &nodes {
        let client = client_for(node, host);
        for _ in 0..20 {
            assert_eq!(
                get(&client, node, host).await,
                (200, "v1 fleet-s3cret".into())
            );
        }
    }
    let (status, body) = nodes[2]
        .admin()
        .call(
            "POST",
            "/v1/apps/hello/versions?activate=true",
            Some(nodekit::bundle(&[("index.js", &app("v2"))])),
        )
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "store_unavailable", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    println!("refused: {message}");
    assert!(message.contains("nothing was changed"), "{message}");
    assert!(message.contains(&pg.url()), "{message}");
    let (status, _) = nodes[0]
        .admin()
        .json(
            "PUT",
            "/v1/apps/hello/vars",
            serde_json::json!({ "MODE": "x" }),
        )
        .await;
    assert_eq!(status, 503);
    // The refused deploy changed nothing anywhere.
    until_all_serve(&nodes, host, "v1 fleet-s3cret").await;
    // Each node reports the outage.
    for node in &nodes {
        let start = Instant::now();
        loop {
            let (_, info) = node.admin().call("GET", "/v1/node", None).await;
            if info["store"]["connected"] == false {
                assert_ne!(info["store"]["error"], "", "{info}");
                break;
            }
            assert!(start.elapsed() < WAIT, "{info}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // `edge whoami` says so too.
    let who = std::process::Command::new(env!("CARGO_BIN_EXE_edge"))
        .arg("whoami")
        .env("HOME", dir.path())
        .env("EDGE_NODE", format!("http://{}", nodes[0].admin))
        .env("EDGE_TOKEN", nodekit::TOKEN)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&who.stdout);
    assert!(
        said.contains("UNREACHABLE"),
        "{said}{}",
        String::from_utf8_lossy(&who.stderr)
    );

    // A node restarted during the outage serves its last known state from its copy.
    drop(nodes.remove(1));
    nodes.insert(1, start_node(dir.path(), 1, &pg));
    until_all_serve(&nodes, host, "v1 fleet-s3cret").await;
    assert!(
        nodes[1].output().contains("control store unreachable"),
        "{}",
        nodes[1].output()
    );

    // PostgreSQL is back: a new deploy (once the node has reconnected) reaches all three.
    pg.start();
    let back = Instant::now();
    let admin = nodes[2].admin();
    let v2 = nodekit::bundle(&[("index.js", &app("v2"))]);
    loop {
        let (status, body) = admin
            .call(
                "POST",
                "/v1/apps/hello/versions?activate=true",
                Some(v2.clone()),
            )
            .await;
        if status == 201 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(back.elapsed() < WAIT, "node 2 did not reconnect: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "node 2 took a deploy {} ms after PostgreSQL restarted",
        back.elapsed().as_millis()
    );
    let took = until_all_serve(&nodes, host, "v2 fleet-s3cret").await;
    println!(
        "v2 after the outage: served by all three after {:?} ms",
        millis(&took)
    );

    // Rollback and delete through the first node reach every node too.
    let (status, body) = nodes[0]
        .admin()
        .call("POST", "/v1/apps/hello/rollback", None)
        .await;
    assert_eq!(status, 200, "{body}");
    until_all_serve(&nodes, host, "v1 fleet-s3cret").await;
    let (status, body) = nodes[0]
        .admin()
        .call("DELETE", "/v1/apps/hello", None)
        .await;
    assert_eq!(status, 200, "{body}");
    for node in &nodes {
        let client = client_for(node, host);
        let start = Instant::now();
        while get(&client, node, host).await.0 != 404 {
            assert!(
                start.elapsed() < WAIT,
                "{} still serves a deleted app",
                node.http
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_under_load_fails_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let pg = Postgres::start_in(dir.path());
    let nodes = Arc::new(start_fleet(dir.path(), &pg));
    let host = "load.localhost";
    nodes[0].admin().deploy("load", &app("v1")).await;
    until_all_serve(&nodes, host, "v1").await;

    // 50 clients, spread over the three nodes, each on its own keep-alive connection.
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for c in 0..50 {
        let (nodes, stop, served) = (nodes.clone(), stop.clone(), served.clone());
        clients.push(tokio::spawn(async move {
            let node = &nodes[c % 3];
            let client = client_for(node, host);
            let mut failures = Vec::new();
            let mut last = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let (status, body) = get(&client, node, host).await;
                let version = body
                    .strip_prefix('v')
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0);
                if status != 200 || version == 0 {
                    failures.push(format!("{status} {body}"));
                } else if version < last {
                    failures.push(format!("v{version} after v{last}"));
                } else {
                    last = version;
                }
                served.fetch_add(1, Ordering::Relaxed);
            }
            (failures, last)
        }));
    }
    while served.load(Ordering::Relaxed) < 500 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Three rollouts, each through a different node.
    let start = Instant::now();
    let before = served.load(Ordering::Relaxed);
    for (n, version) in (2..=4).enumerate() {
        let text = format!("v{version}");
        nodes[n % 3].admin().deploy("load", &app(&text)).await;
        let took = until_all_serve(&nodes, host, &text).await;
        println!(
            "{text} through node {}: all three after {:?} ms",
            n % 3,
            millis(&took)
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    for c in clients {
        let (mut f, last) = c.await.unwrap();
        failures.append(&mut f);
        assert_eq!(last, 4, "a client never saw the last version");
    }
    let during = served.load(Ordering::Relaxed) - before;
    println!(
        "{during} requests during the rollouts ({:.0}/s), {} failed",
        during as f64 / start.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "failed requests: {:?}",
        &failures[..failures.len().min(10)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_is_reached_over_tls_that_verifies_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let pki = nodekit::Pki::new(dir.path());
    let leaf = pki.leaf("pg", &["127.0.0.1"]);
    let pg = Postgres::init_in(dir.path());
    pg.enable_tls(&leaf.cert, &leaf.key);
    pg.start();
    std::fs::write(dir.path().join("store.key"), KEY).unwrap();
    let node = |name: &str, ca: bool| {
        let home = dir.path().join(name);
        std::fs::create_dir_all(&home).unwrap();
        let mut extra = format!(
            "store = \"{}?sslmode=require\"\nstore_key_file = \"{}\"\n",
            pg.url(),
            dir.path().join("store.key").display()
        );
        if ca {
            extra += &format!("store_ca_file = \"{}\"\n", pki.ca_pem().display());
        }
        NodeProc::start(&write_config(&home, &extra))
    };

    // Trusting the store's CA: changes go through, over TLS.
    let trusting = node("trusting", true);
    trusting.admin().deploy("tls", &app("over tls")).await;
    until_all_serve(std::slice::from_ref(&trusting), "tls.localhost", "over tls").await;
    let ssl = pg.query(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid \
         WHERE a.application_name = 'edge-node'",
    );
    assert_eq!(ssl.trim(), "t", "the node's connection is not TLS");

    // Not trusting it: no connection, and changes are refused saying why.
    let doubting = node("doubting", false);
    let (status, body) = doubting
        .admin()
        .call(
            "POST",
            "/v1/apps/tls/versions?activate=true",
            Some(nodekit::bundle(&[("index.js", &app("x"))])),
        )
        .await;
    assert_eq!(status, 503, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    println!("refused: {message}");
    assert!(message.contains("certificate"), "{message}");
}

#[test]
fn a_node_refuses_a_bad_store_setting() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "store = \"postgres://edge@127.0.0.1:1/x\"\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_edge"))
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("store_key_file"), "{err}");

    std::fs::write(dir.path().join("short.key"), "abc").unwrap();
    let config = write_config(
        dir.path(),
        "store = \"postgres://edge@127.0.0.1:1/x\"\nstore_key_file = \"short.key\"\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_edge"))
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("64 hexadecimal digits"), "{err}");
}

/// A fleet's KV namespaces live in its store: a value put through one node is read through
/// another, and a key deleted through the second is gone for the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleets_kv_namespaces_are_shared_by_its_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let pg = Postgres::start_in(dir.path());
    std::fs::write(dir.path().join("store.key"), KEY).unwrap();
    let nodes: Vec<NodeProc> = (0..2).map(|i| start_node(dir.path(), i, &pg)).collect();
    let admin = nodes[0].admin();
    let source = r#"export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const key = url.searchParams.get("k");
    if (url.pathname === "/put") { await env.KV.put(key, url.searchParams.get("v"), { metadata: { by: "fleet" } }); return new Response("ok"); }
    if (url.pathname === "/delete") { await env.KV.delete(key); return new Response("ok"); }
    if (url.pathname === "/list") return Response.json((await env.KV.list({ prefix: "k" })).keys);
    return Response.json(await env.KV.get(key));
  },
};"#;
    admin.serve("shared", source, &["shared.localhost"]).await;
    let (status, body) = admin
        .json(
            "PUT",
            "/v1/apps/shared",
            serde_json::json!({ "kv_namespaces": [{ "binding": "KV" }] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let ask = |node: &NodeProc, path: &str| {
        let client = client_for(node, "shared.localhost");
        let url = format!("http://shared.localhost:{}{path}", node.http.port());
        async move {
            let res = client.get(url).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    // The second node has the app once the store told it.
    until_all_serve(&nodes[1..], "shared.localhost", "null").await;
    assert_eq!(ask(&nodes[0], "/put?k=k1&v=one").await, (200, "ok".into()));
    assert_eq!(ask(&nodes[1], "/?k=k1").await, (200, "\"one\"".into()));
    assert_eq!(
        ask(&nodes[1], "/list").await.1,
        r#"[{"name":"k1","metadata":{"by":"fleet"}}]"#
    );
    assert_eq!(ask(&nodes[1], "/delete?k=k1").await, (200, "ok".into()));
    assert_eq!(ask(&nodes[0], "/?k=k1").await, (200, "null".into()));
}
