//! Edge-only measurements inside one process, through the runtime's API: how long a new
//! isolate takes from creation to its first response, the same for a new app on the
//! multi-tenant host (whose warm pool has an isolate ready), and how much memory each loaded
//! app costs when many share a process.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, Result};
use edge_runtime::{AppRequest, Body, Isolate, IsolateOptions};

fn quiet() -> IsolateOptions {
    IsolateOptions {
        log: Arc::new(|_, _| {}),
        ..IsolateOptions::default()
    }
}

fn write_app(dir: &Path, i: usize) -> Result<std::path::PathBuf> {
    let path = dir.join(format!("app-{i}.js"));
    std::fs::write(
        &path,
        format!("const id = {i};\nexport default {{ fetch() {{ return new Response(`app ${{id}}`); }} }};\n"),
    )?;
    Ok(path)
}

async fn first_response(isolate: &Isolate) -> Result<()> {
    let res = isolate
        .dispatch(AppRequest {
            method: http::Method::GET,
            url: "http://bench.local/".into(),
            headers: http::HeaderMap::new(),
            body: Body::empty(),
            client: None,
        })
        .await
        .map_err(|e| anyhow!("{e}"))?;
    res.body.collect().await.map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

async fn start(path: &Path) -> Result<Isolate> {
    let isolate = Isolate::new(quiet()).await.map_err(|e| anyhow!("{e}"))?;
    tokio::task::spawn_local(isolate.driver());
    isolate.load_app(path).await.map_err(|e| anyhow!("{e}"))?;
    Ok(isolate)
}

fn on_local<F: std::future::Future<Output = Result<T>>, T>(f: F) -> Result<T> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    tokio::task::LocalSet::new().block_on(&rt, f)
}

/// Median milliseconds from `Isolate::new` to the end of the first response body.
pub fn isolate_cold_start(dir: &Path, runs: usize) -> Result<f64> {
    std::fs::create_dir_all(dir)?;
    on_local(async {
        // The first isolate of a process also compiles the JS glue; it is not counted.
        let warm = start(&write_app(dir, 0)?).await?;
        first_response(&warm).await?;
        let mut samples = Vec::new();
        for i in 1..=runs {
            let path = write_app(dir, i)?;
            let t = Instant::now();
            let isolate = start(&path).await?;
            first_response(&isolate).await?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        Ok(crate::report::median(&mut samples))
    })
}

/// Bytes of resident memory per app with `count` different apps loaded and warmed in one
/// process.
pub fn density(dir: &Path, count: usize) -> Result<f64> {
    std::fs::create_dir_all(dir)?;
    on_local(async {
        let warm = start(&write_app(dir, 0)?).await?;
        first_response(&warm).await?;
        let before = crate::server::rss_of(std::process::id());
        let mut isolates = Vec::with_capacity(count);
        for i in 1..=count {
            let isolate = start(&write_app(dir, i)?).await?;
            first_response(&isolate).await?;
            isolates.push(isolate);
        }
        let after = crate::server::rss_of(std::process::id());
        drop(isolates);
        Ok(after.saturating_sub(before) as f64 / count as f64)
    })
}

/// Median milliseconds from a new app's first request on the host to the end of its response,
/// with the host's warm pool refilled between apps (as on a node where cold starts are spread
/// out).
pub fn host_cold_start(dir: &Path, apps: usize) -> Result<f64> {
    use edge_isolates::{AppSpec, Host, HostOptions, Limits, WorkerPool};
    std::fs::create_dir_all(dir)?;
    let pool = Arc::new(WorkerPool::new(1)?);
    let host = Host::new(
        pool,
        HostOptions {
            log: Arc::new(|_| Arc::new(|_, _| {})),
            ..HostOptions::default()
        },
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut samples = Vec::new();
    rt.block_on(async {
        for i in 0..=apps {
            let root = dir.join(format!("app{i}"));
            std::fs::create_dir_all(&root)?;
            let entry = write_app(&root, i)?;
            let name = format!("app{i}");
            host.deploy(
                &name,
                AppSpec {
                    entry,
                    root,
                    env: Vec::new(),
                    allowed_hosts: Vec::new(),
                    limits: Limits::default(),
                    ..AppSpec::default()
                },
            )
            .map_err(|e| anyhow!("{e}"))?;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let t = Instant::now();
            let res = host
                .dispatch(
                    &name,
                    AppRequest {
                        method: http::Method::GET,
                        url: "http://bench.local/".into(),
                        headers: http::HeaderMap::new(),
                        body: Body::empty(),
                        client: None,
                    },
                )
                .await
                .map_err(|e| anyhow!("{e}"))?;
            res.body.collect().await.map_err(|e| anyhow!("{e}"))?;
            // The first app also compiles the JS glue of the process; it is not counted.
            if i > 0 {
                samples.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(crate::report::median(&mut samples))
}
