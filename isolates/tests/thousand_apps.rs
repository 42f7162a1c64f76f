//! 1,000 distinct apps on one host, each answering with its own text. Prints the process
//! memory per loaded app, the time from a request to a cold app's response (back to back,
//! faster than the warm pool refills), and the same with a warm isolate ready; run with
//! `--release --nocapture` for the figures.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{app, app_dir, runtime};
use edge_isolates::{AppRequest, Body, Host, HostOptions, WorkerPool};

const APPS: usize = 1000;

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn a_thousand_apps_each_answer_with_their_own_code() {
    let dir = app_dir("thousand");
    let host = Arc::new(Host::new(
        Arc::new(WorkerPool::new(2).unwrap()),
        HostOptions::default(),
    ));
    for i in 0..APPS {
        let name = format!("app{i}");
        let source = format!("export default {{ fetch() {{ return new Response('app {i}'); }} }};");
        host.deploy(&name, app(&dir, &name, &source)).unwrap();
    }
    let rt = runtime();
    let before = rss_bytes();
    let mut cold = Vec::with_capacity(APPS);
    rt.block_on(async {
        for i in 0..APPS {
            let name = format!("app{i}");
            let request = AppRequest {
                method: http::Method::GET,
                url: format!("http://{name}.test/"),
                headers: http::HeaderMap::new(),
                body: Body::empty(),
                client: None,
            };
            let started = Instant::now();
            let response = host.dispatch(&name, request).await.unwrap();
            let body = response.body.collect().await.unwrap();
            cold.push(started.elapsed());
            assert_eq!(body, format!("app {i}").as_bytes());
        }
    });
    assert_eq!(host.counts(), (APPS, APPS));
    let per_app = rss_bytes().saturating_sub(before) / APPS;
    cold.sort();
    println!(
        "{APPS} apps: {} KiB of RSS per loaded app; cold request (new isolate + load + answer): \
         median {:.2} ms, p99 {:.2} ms",
        per_app / 1024,
        cold[APPS / 2].as_secs_f64() * 1000.0,
        cold[APPS * 99 / 100].as_secs_f64() * 1000.0,
    );
    // Cold starts spaced out, so that the warm pool has refilled between them.
    let mut warm = Vec::new();
    rt.block_on(async {
        for i in 0..20 {
            let name = format!("app{i}");
            host.evict_idle(std::time::Duration::ZERO);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let request = AppRequest {
                method: http::Method::GET,
                url: format!("http://{name}.test/"),
                headers: http::HeaderMap::new(),
                body: Body::empty(),
                client: None,
            };
            let started = Instant::now();
            let response = host.dispatch(&name, request).await.unwrap();
            response.body.collect().await.unwrap();
            warm.push(started.elapsed());
        }
    });
    warm.sort();
    println!(
        "cold request with a warm isolate ready: median {:.2} ms",
        warm[warm.len() / 2].as_secs_f64() * 1000.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}
