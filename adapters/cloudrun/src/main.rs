//! `edge-cloudrun`: one Edge app as a Google Cloud Run container. It follows the container
//! contract: listens on `$PORT` (all interfaces), serves requests concurrently on one worker
//! per core, drains on `SIGTERM` (new connections refused, requests and streams in flight
//! finish) and exits 0 before Cloud Run's 10 s are up, and logs one JSON object per line to
//! stdout in Cloud Logging's structured format: `severity`, `message`, and for requests the
//! `httpRequest` and the trace from `traceparent` or `X-Cloud-Trace-Context`.

mod logs;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use edge_isolates::{AppConfig, AppHost, IsolateOptions, NetPolicy, OutboundConfig, WorkerPool};
use edge_router::access_log::{AccessLog, LogFormat};
use edge_router::config::ServerLimits;
use edge_router::gate::Gate;
use edge_router::shutdown::Drain;
use edge_router::ServerConfig;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Cloud Run kills the container 10 s after `SIGTERM`; leave time to flush the logs.
const DRAIN: Duration = Duration::from_millis(9_000);

fn main() -> ExitCode {
    let started = Instant::now();
    match run(started) {
        Ok(code) => code,
        Err(e) => {
            logs::emit("ERROR", &format!("edge-cloudrun: {e:#}"));
            ExitCode::FAILURE
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn run(started: Instant) -> Result<ExitCode> {
    let port: u16 = match env("PORT") {
        Some(p) => p
            .parse()
            .with_context(|| format!("PORT={p} is not a port"))?,
        None => 8080,
    };
    let root = PathBuf::from(env("EDGE_APP_DIR").unwrap_or_else(|| "/app".into()));
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("manifest.json"))
            .with_context(|| format!("cannot read {}/manifest.json", root.display()))?,
    )
    .context("manifest.json is not JSON")?;
    let main = manifest
        .get("main")
        .and_then(|m| m.as_str())
        .ok_or_else(|| anyhow!("manifest.json names no `main`"))?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let entry = root.join(main);
    let workers = match env("EDGE_WORKERS") {
        Some(w) => w.parse().context("EDGE_WORKERS is not a number")?,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut open_ranges = Vec::new();
    for item in env("EDGE_OPEN_RANGES")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match edge_isolates::AddrRange::parse(item) {
            Some(r) => open_ranges.push(r),
            None => bail!("EDGE_OPEN_RANGES: '{item}' is not an address range"),
        }
    }
    let project = env("GOOGLE_CLOUD_PROJECT").or_else(|| env("EDGE_GCP_PROJECT"));

    let pool = Arc::new(WorkerPool::new(workers).context("cannot start the worker threads")?);
    let (access_log, log_thread) = AccessLog::to_writer(Box::new(std::io::stdout()), workers)
        .context("cannot start the log writer")?;
    let access_log = access_log.with_format(LogFormat::CloudLogging { project });
    let limits = ServerLimits::default();
    let server = Arc::new(ServerConfig {
        expose_errors: false,
        gate: Gate::new(limits.max_connections, limits.max_connections_per_ip),
        limits,
        access_log: access_log.clone(),
        drain: Drain::new(),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let code = runtime.block_on(async {
        let policy = NetPolicy::production().with_open_ranges(open_ranges);
        let outbound = OutboundConfig::new(Arc::new(policy), None).map_err(|e| anyhow!("{e}"))?;
        let config = AppConfig {
            entry: entry.clone(),
            isolate: IsolateOptions {
                // Variables that are not UTF-8 cannot be JS strings: they are left out.
                env: std::env::vars_os()
                    .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                    .filter(|(k, _)| !k.starts_with("EDGE_"))
                    .collect(),
                outbound: Some(outbound),
                log: logs::console_sink(),
                node_compat: env("EDGE_NODE_COMPAT").as_deref() != Some("false"),
                module_root: Some(root.clone()),
                ..IsolateOptions::default()
            },
            heap_gauge: None,
        };
        let host = AppHost::lazy(config, pool.clone(), 0).with_scale_out();
        host.reload()
            .await
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("cannot load {}", entry.display()))?;
        let addr = SocketAddr::from(([0, 0, 0, 0], port));
        let listener = std::net::TcpListener::bind(addr)
            .with_context(|| format!("cannot listen on {addr}"))?;
        edge_router::serve(listener, None, Arc::new(host), &pool, server.clone())?;
        logs::emit(
            "INFO",
            &format!(
                "edge-cloudrun: serving {} on port {port} with {workers} workers (service {}, revision {}), ready in {:.1} ms",
                entry.display(),
                env("K_SERVICE").unwrap_or_else(|| "-".into()),
                env("K_REVISION").unwrap_or_else(|| "-".into()),
                started.elapsed().as_secs_f64() * 1000.0
            ),
        );
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        let begun = Instant::now();
        logs::emit("INFO", "edge-cloudrun: SIGTERM: draining (new connections are refused)");
        server.drain.begin();
        let idle = server.drain.wait_idle(DRAIN).await;
        access_log.flush(Duration::from_millis(500));
        if idle {
            logs::emit(
                "INFO",
                &format!(
                    "edge-cloudrun: drained in {:.1} ms; exiting",
                    begun.elapsed().as_secs_f64() * 1000.0
                ),
            );
            Ok::<_, anyhow::Error>(ExitCode::SUCCESS)
        } else {
            logs::emit(
                "WARNING",
                &format!(
                    "edge-cloudrun: {} requests still open after {} s; exiting",
                    server.drain.active(),
                    DRAIN.as_secs()
                ),
            );
            Ok(ExitCode::SUCCESS)
        }
    })?;
    drop(server);
    drop(access_log);
    drop(log_thread);
    Ok(code)
}
