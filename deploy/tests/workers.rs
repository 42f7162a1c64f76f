//! Worker threads: `node:worker_threads` behaves as under Node 20 (workerData, messages both
//! ways with structured clone, a transfer list, SharedArrayBuffer + Atomics across four
//! workers, errors, exit codes, terminate); the Web `Worker` API works as in Deno; and on a
//! node, the fib example answers while the main isolate keeps serving, a worker that loops
//! forever is stopped by the app's CPU limit (its time counted in the app's metrics), and an
//! app cannot run more workers than its cap.

mod common;
mod nodekit;

use std::process::Command;

use common::{repo_root, run_edge};

fn fixture(name: &str) -> String {
    repo_root()
        .join("deploy/tests/fixtures/workers")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn worker_threads_behave_as_under_node() {
    let script = fixture("threads.mjs");
    let node = Command::new("node")
        .arg(&script)
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    assert!(node.status.success(), "{node:?}");
    let expected = String::from_utf8(node.stdout).unwrap();
    assert!(expected.contains("shared counter 4000"), "{expected}");
    let (code, out, err) = run_edge(&["run", &script]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected, "edge (left) against node (right)");
}

#[test]
fn web_workers_answer_messages_and_report_errors() {
    let (code, out, err) = run_edge(&["run", &fixture("web.mjs")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "onmessage: {\"answer\":42}\naddEventListener: 6\nerror event: true\n"
    );
}

/// The fib app deployed on a node as `name` (1 s of CPU, two workers), and a client for it.
#[derive(Clone)]
struct App {
    client: reqwest::Client,
    base: String,
}

impl App {
    async fn deploy(node: &nodekit::NodeProc, name: &str, source: &str) -> App {
        let admin = node.admin();
        let host = format!("{name}.localhost");
        admin.serve(name, source, &[host.as_str()]).await;
        let (status, body) = admin
            .json(
                "PUT",
                &format!("/v1/apps/{name}"),
                serde_json::json!({ "cpu_ms": 1000, "workers": 2 }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        App {
            client: reqwest::Client::builder()
                .resolve(&host, node.http)
                .build()
                .unwrap(),
            base: format!("http://{host}:{}", node.http.port()),
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_on_a_node_run_beside_requests_within_the_apps_limits() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let node = nodekit::NodeProc::start(&nodekit::write_config(dir.path(), ""));
    let admin = node.admin();
    let source = std::fs::read_to_string(fixture("fib-app.mjs")).unwrap();
    let fib_app = App::deploy(&node, "fib", &source).await;

    // fib(32) in a worker; the main isolate answers other requests meanwhile.
    let fib = {
        let app = fib_app.clone();
        tokio::spawn(async move { app.get("/fib?n=32").await })
    };
    let mut answered_meanwhile = 0;
    while !fib.is_finished() {
        assert_eq!(fib_app.get("/").await, (200, "pong".to_string()));
        answered_meanwhile += 1;
    }
    assert_eq!(fib.await.unwrap(), (200, "2178309".to_string()));
    assert!(answered_meanwhile > 0);

    // A worker that loops forever is stopped by the CPU limit; its time is the app's.
    let (status, body) = fib_app.get("/spin").await;
    assert_eq!(status, 200);
    let spin: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(spin["code"], 1, "{body}");
    assert!(
        spin["error"].as_str().unwrap().contains("CPU time"),
        "{body}"
    );
    let text = admin.text("/v1/metrics").await;
    let cpu: f64 = text
        .lines()
        .find(|l| l.starts_with("edge_app_cpu_seconds_total{app=\"fib\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no CPU metric for fib: {text}"));
    assert!(
        cpu >= 1.0,
        "the spinning worker's second is the app's: {cpu}"
    );
    assert!(
        text.contains("edge_app_workers{app=\"fib\"} 0"),
        "no worker left running: {text}"
    );

    // A worker runs a file of the app only: outside its directory is refused as missing is.
    let (status, outside) = fib_app.get("/outside").await;
    assert_eq!(status, 200);
    let outside: Vec<String> = serde_json::from_str(&outside).unwrap();
    assert_eq!(outside[0], outside[1], "{outside:?}");
    assert!(outside[0].contains("no module of the app"), "{outside:?}");

    // Two workers at most; a third is refused until one is gone. The workers held are state of
    // one isolate, so this runs on a copy of the app that was never busy: the fib app may have
    // gained an isolate per worker thread (scale-out), and `/release` must reach the isolate
    // that `/hold` did.
    let holder = App::deploy(&node, "holder", &source).await;
    assert_eq!(holder.get("/hold").await, (200, "holding 1".to_string()));
    assert_eq!(holder.get("/hold").await, (200, "holding 2".to_string()));
    let (status, refused) = holder.get("/hold").await;
    assert_eq!(status, 429);
    assert!(refused.contains("at most 2 workers"), "{refused}");
    assert_eq!(holder.get("/release").await, (200, "[1,1]".to_string()));
    let mut again = holder.get("/hold").await;
    for _ in 0..100 {
        if again.0 == 200 {
            break;
        }
        // The released workers' threads are still winding down.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        again = holder.get("/hold").await;
    }
    assert_eq!(again, (200, "holding 1".to_string()));
    assert_eq!(holder.get("/release").await, (200, "[1]".to_string()));
}
