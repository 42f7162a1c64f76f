//! Times `Isolate::new` and a new isolate's first response (median of many), for profiling.
use std::sync::Arc;
use std::time::Instant;

use edge_runtime::{AppRequest, Body, Isolate, IsolateOptions};

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&rt, async {
        let dir = std::env::temp_dir().join("edge-isolate-start");
        std::fs::create_dir_all(&dir).unwrap();
        let opts = || IsolateOptions { log: Arc::new(|_, _| {}), ..IsolateOptions::default() };
        let mut new_only = Vec::new();
        let mut full = Vec::new();
        for i in 0..300 {
            let path = dir.join(format!("app-{i}.js"));
            std::fs::write(&path, format!("const id = {i};\nexport default {{ fetch() {{ return new Response(`app ${{id}}`); }} }};\n")).unwrap();
            let t = Instant::now();
            let isolate = Isolate::new(opts()).await.unwrap();
            new_only.push(t.elapsed().as_secs_f64() * 1e3);
            tokio::task::spawn_local(isolate.driver());
            isolate.load_app(&path).await.unwrap();
            let res = isolate.dispatch(AppRequest { method: http::Method::GET, url: "http://x/".into(), headers: http::HeaderMap::new(), body: Body::empty(), client: None }).await.unwrap();
            let mut body = res.body;
            while body.chunk().await.is_some() {}
            full.push(t.elapsed().as_secs_f64() * 1e3);
        }
        new_only.sort_by(f64::total_cmp);
        full.sort_by(f64::total_cmp);
        println!("Isolate::new median {:.3} ms; to first response {:.3} ms", new_only[150], full[150]);
    });
}
