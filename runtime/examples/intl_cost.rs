//! What `Intl` costs an isolate: engine heap and time of the first request that uses it (the JS
//! half is loaded then), against a request that does not. Median of 50 isolates.
use std::sync::Arc;
use std::time::Instant;

use edge_runtime::{AppRequest, Body, Isolate, IsolateOptions};

const APP: &str = r#"export default {
  fetch(request) {
    if (new URL(request.url).pathname === "/plain") return new Response("ok");
    const n = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(1234.5);
    const d = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", dateStyle: "medium", timeStyle: "short" }).format(0);
    return new Response(`${n} ${d}`);
  },
};
"#;

async fn get(isolate: &Isolate, path: &str) -> f64 {
    let t = Instant::now();
    let res = isolate
        .dispatch(AppRequest {
            method: http::Method::GET,
            url: format!("http://x{path}"),
            headers: http::HeaderMap::new(),
            body: Body::empty(),
            client: None,
        })
        .await
        .unwrap();
    let mut body = res.body;
    while body.chunk().await.is_some() {}
    t.elapsed().as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&rt, async {
        let dir = std::env::temp_dir().join("edge-intl-cost");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.js");
        std::fs::write(&path, APP).unwrap();
        let (mut heap_plain, mut heap_intl, mut first, mut again) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..50 {
            let opts = IsolateOptions {
                log: Arc::new(|_, _| {}),
                ..IsolateOptions::default()
            };
            let isolate = Isolate::new(opts).await.unwrap();
            tokio::task::spawn_local(isolate.driver());
            isolate.load_app(&path).await.unwrap();
            get(&isolate, "/plain").await;
            heap_plain.push(isolate.heap_bytes().await as f64);
            first.push(get(&isolate, "/intl").await);
            heap_intl.push(isolate.heap_bytes().await as f64);
            again.push(get(&isolate, "/intl").await);
        }
        let plain = median(heap_plain);
        let intl = median(heap_intl);
        println!(
            "engine heap after a plain request {:.0} KiB, after Intl's first use {:.0} KiB (+{:.0} KiB); \
             first Intl request {:.2} ms, the next {:.3} ms",
            plain / 1024.0,
            intl / 1024.0,
            (intl - plain) / 1024.0,
            median(first),
            median(again)
        );
    });
}
