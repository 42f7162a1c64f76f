//! `edge-bench`: measures Edge and its peers (workerd, Deno, Bun, Node) side by side on this
//! machine, in one run: requests per second and latency, streaming (SSE) throughput and time to
//! first event, JSON + SHA-256 work, cold start, memory per app, and a 1 GiB streaming echo;
//! with flags, a database-backed handler, an Express app, a fleet, the adapters.
//! Servers run pinned to core 0 and wrk to core 1. Prints a markdown table (each figure the
//! median of the runs, with its ratio to Edge) and writes it with the raw samples as JSON.

mod adapters;
mod bindings;
mod db;
mod express;
mod fleet;
mod inprocess;
mod intl;
mod node;
mod peers;
mod postgres;
mod probe;
mod report;
mod runtimes;
mod server;
mod wasm;
mod websocket;
mod wrk;

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};
use clap::Parser;

use report::Metric;
use runtimes::{Runtime, Setup};
use server::{free_port, Server};

#[derive(Parser)]
#[command(
    name = "edge-bench",
    about = "Benchmark Edge against workerd, Deno, Bun and Node"
)]
struct Args {
    /// Where the peers are installed from npm.
    #[arg(long, default_value = "bench/.peers")]
    peers: PathBuf,
    /// How many times each measurement is repeated (the report shows medians).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Seconds of load per wrk measurement.
    #[arg(long, default_value_t = 5)]
    duration: u64,
    /// Only these runtimes (edge,deno,bun,node,workerd).
    #[arg(long, value_delimiter = ',')]
    runtimes: Vec<String>,
    /// Bytes echoed in the streaming echo measurement.
    #[arg(long, default_value_t = 1 << 30)]
    echo_bytes: u64,
    /// How many apps the density measurement loads into one Edge process.
    #[arg(long, default_value_t = 1000)]
    apps: usize,
    /// Where the report is written.
    #[arg(long, default_value = "bench/results")]
    out: PathBuf,
    /// The edge binary; by default `cargo build --release -p edge-cli` builds it first.
    #[arg(long)]
    edge: Option<PathBuf>,
    /// Measure only the adapters' cold starts (edge-lambda, edge-cloudrun; built first with
    /// `cargo build --release` unless they exist), 10 starts per run.
    #[arg(long)]
    adapters: bool,
    /// With --adapters: the app, as an unpacked bundle (default: examples/hello).
    #[arg(long, value_name = "DIR")]
    adapter_app: Option<PathBuf>,
    /// Measure only a fleet's propagation: three nodes on a PostgreSQL store (the Debian
    /// server, started here), deploys through each in turn, idle and under load.
    #[arg(long)]
    fleet: bool,
    /// Measure only a database-backed handler: one row by primary key through a `pg` Pool,
    /// Edge against Node and Deno (PostgreSQL from Debian, started here).
    #[arg(long)]
    db: bool,
    /// Measure only bindings from a handler: a KV get and a D1 point query per request.
    #[arg(long)]
    bindings: bool,
    /// Measure only Node-style apps: the Express 5 hello route, Edge against Node and Bun
    /// (requests/s, latency, memory).
    #[arg(long)]
    express: bool,
    /// Measure only Intl: formatting 100,000 numbers and dates, Edge against Deno
    #[arg(long)]
    intl: bool,
    /// Measure only WebAssembly: hash-wasm's argon2id and SHA-256 in a handler, Edge against
    /// Deno, and the compile time of sql.js's module (cold, cached in process, cached on disk).
    #[arg(long)]
    wasm: bool,
    /// WebSockets: 10,000 idle connections and echo throughput, against Deno and Bun.
    #[arg(long)]
    websockets: bool,
    /// With --fleet: deploys measured idle, and again under load.
    #[arg(long, default_value_t = 20)]
    fleet_deploys: usize,
}

struct Metrics {
    hello_rps: Metric,
    hello_p50: Metric,
    hello_p99: Metric,
    node_hello_rps: Metric,
    sse_rps: Metric,
    sse_start_rps: Metric,
    sse_ttfb: Metric,
    json_rps: Metric,
    cold_start: Metric,
    isolate_start: Metric,
    host_cold_start: Metric,
    idle_rss: Metric,
    per_app: Metric,
    echo_rate: Metric,
    echo_rss: Metric,
}

impl Metrics {
    fn new() -> Self {
        Metrics {
            hello_rps: Metric::new("hello world", "req/s", true),
            hello_p50: Metric::new("hello world p50 latency", "ms", false),
            hello_p99: Metric::new("hello world p99 latency", "ms", false),
            node_hello_rps: Metric::new(
                "hello world through a node (edge serve: routing, tenant limits, access log)",
                "req/s",
                true,
            ),
            sse_rps: Metric::new("SSE 100 x 1 KiB, pull()", "req/s", true),
            sse_start_rps: Metric::new("SSE 100 x 1 KiB, enqueued in start()", "req/s", true),
            sse_ttfb: Metric::new("SSE time to first event", "ms", false),
            json_rps: Metric::new("JSON 1,000 items + SHA-256", "req/s", true),
            cold_start: Metric::new("process start to first response", "ms", false),
            isolate_start: Metric::new("new isolate to first response (in process)", "ms", false),
            host_cold_start: Metric::new(
                "new app to first response through the host (warm pool)",
                "ms",
                false,
            ),
            idle_rss: Metric::new("idle RSS of a server with one app", "MiB", false),
            per_app: Metric::new(
                "memory per loaded app (peers: a process per app)",
                "KiB",
                false,
            ),
            echo_rate: Metric::new("1 GiB streaming echo", "MiB/s", true),
            echo_rss: Metric::new("1 GiB streaming echo, peak RSS", "MiB", false),
        }
    }

    fn all(self) -> Vec<Metric> {
        vec![
            self.hello_rps,
            self.hello_p50,
            self.hello_p99,
            self.node_hello_rps,
            self.sse_rps,
            self.sse_start_rps,
            self.sse_ttfb,
            self.json_rps,
            self.cold_start,
            self.isolate_start,
            self.host_cold_start,
            self.idle_rss,
            self.per_app,
            self.echo_rate,
            self.echo_rss,
        ]
    }
}

const MIB: f64 = (1 << 20) as f64;

/// Fresh server starts per run for the cold-start figure (the median is kept).
const COLD_STARTS: usize = 5;

fn main() -> Result<()> {
    let args = Args::parse();
    if args.adapters {
        let status = Command::new("cargo")
            .args([
                "build",
                "--release",
                "-p",
                "edge-lambda",
                "-p",
                "edge-cloudrun",
            ])
            .status()?;
        anyhow::ensure!(status.success(), "cargo build failed");
        let work = std::env::temp_dir().join(format!("edge-bench-{}", std::process::id()));
        let table = adapters::run(
            &work,
            args.adapter_app.as_deref(),
            std::path::Path::new("target/release/edge-lambda"),
            std::path::Path::new("target/release/edge-cloudrun"),
            10 * args.runs.max(1),
        )?;
        println!("{table}");
        let _ = std::fs::remove_dir_all(&work);
        return Ok(());
    }
    let edge = match &args.edge {
        Some(path) => path.clone(),
        None => {
            eprintln!("bench: building the edge binary (release)");
            let status = Command::new("cargo")
                .args(["build", "--release", "-p", "edge-cli"])
                .status()?;
            anyhow::ensure!(status.success(), "cargo build failed");
            PathBuf::from("target/release/edge")
        }
    };
    if args.db {
        let tools = peers::ensure(&args.peers, true)?;
        let work = std::env::temp_dir().join(format!("edge-bench-db-{}", std::process::id()));
        let table = db::run(
            &std::fs::canonicalize(&edge)?,
            &args.peers,
            &tools,
            &work,
            args.duration,
        );
        let _ = std::fs::remove_dir_all(&work);
        println!("{}", table?);
        return Ok(());
    }
    if args.bindings {
        let tools = peers::ensure(&args.peers, false)?;
        let work = std::env::temp_dir().join(format!("edge-bench-bindings-{}", std::process::id()));
        let table = bindings::run(&std::fs::canonicalize(&edge)?, &tools, &work, args.duration);
        let _ = std::fs::remove_dir_all(&work);
        println!("{}", table?);
        return Ok(());
    }
    if args.websockets {
        let tools = peers::ensure(&args.peers, true)?;
        let table = websocket::run(
            &std::fs::canonicalize(&edge)?,
            &args.peers,
            &tools,
            args.duration,
            args.runs,
            &args.runtimes,
        )?;
        println!("{table}");
        return Ok(());
    }
    if args.intl {
        let tools = peers::ensure(&args.peers, true)?;
        let work = std::env::temp_dir().join(format!("edge-bench-intl-{}", std::process::id()));
        let table = intl::run(&std::fs::canonicalize(&edge)?, &work, &tools, args.runs);
        let _ = std::fs::remove_dir_all(&work);
        println!("{}", table?);
        return Ok(());
    }
    if args.express || args.wasm {
        let tools = peers::ensure(&args.peers, true)?;
        let run = if args.express {
            express::run
        } else {
            wasm::run
        };
        let table = run(
            &std::fs::canonicalize(&edge)?,
            &args.peers,
            &tools,
            args.duration,
            args.runs,
        )?;
        println!("{table}");
        return Ok(());
    }
    if args.fleet {
        let work = std::env::temp_dir().join(format!("edge-bench-fleet-{}", std::process::id()));
        let table = fleet::run(
            &std::fs::canonicalize(&edge)?,
            &work,
            args.fleet_deploys.max(1),
        )
        .with_context(|| format!("the nodes' logs are in {}", work.display()))?;
        let _ = std::fs::remove_dir_all(&work);
        println!("{table}");
        return Ok(());
    }
    let wanted: Vec<Runtime> = Runtime::ALL
        .into_iter()
        .filter(|rt| args.runtimes.is_empty() || args.runtimes.iter().any(|n| n == rt.name()))
        .collect();
    let want_peers = wanted.iter().any(|rt| *rt != Runtime::Edge);
    let tools = peers::ensure(&args.peers, want_peers)?;
    let work = std::env::temp_dir().join(format!("edge-bench-{}", std::process::id()));
    let setup = Setup::new(work.clone(), std::fs::canonicalize(&edge)?, tools)?;
    let runtimes: Vec<Runtime> = wanted
        .into_iter()
        .filter(|rt| setup.available(*rt))
        .collect();
    let mut m = Metrics::new();

    for run in 1..=args.runs {
        for &rt in &runtimes {
            eprintln!("bench: run {run}/{}: {}", args.runs, rt.name());
            if let Err(e) = measure_server(&setup, rt, &args, &mut m) {
                eprintln!("bench: {} failed: {e:#}", rt.name());
            }
        }
    }
    eprintln!(
        "bench: edge in-process isolate start and density ({} apps)",
        args.apps
    );
    let mut samples = Vec::new();
    for _ in 0..args.runs {
        samples.push(inprocess::isolate_cold_start(&work.join("isolates"), 50)?);
    }
    for s in samples {
        m.isolate_start.add(Runtime::Edge, s);
    }
    for _ in 0..args.runs {
        let s = inprocess::host_cold_start(&work.join("host"), 20)?;
        m.host_cold_start.add(Runtime::Edge, s);
    }
    let per_app = inprocess::density(&work.join("density"), args.apps)?;
    m.per_app.add(Runtime::Edge, per_app / 1024.0);

    let metrics = m.all();
    let header = format!(
        "Measured {} on {} ({} runs, {} s of load each; ratio = runtime / Edge).",
        today(),
        machine(),
        args.runs,
        args.duration
    );
    let table = report::markdown(&metrics, &runtimes, &header);
    println!("{table}");
    std::fs::create_dir_all(&args.out)?;
    std::fs::write(args.out.join("latest.md"), &table)?;
    std::fs::write(
        args.out.join("latest.json"),
        serde_json::to_string_pretty(&report::json(&metrics))?,
    )?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Starts `rt`'s server once and takes every per-server measurement of one run.
fn measure_server(setup: &Setup, rt: Runtime, args: &Args, m: &mut Metrics) -> Result<()> {
    // Cold start: the median of a few fresh starts, so that one start slowed by the previous
    // server's teardown (or a cold page cache) does not stand for the runtime.
    let mut starts = Vec::new();
    for _ in 0..COLD_STARTS {
        let port = free_port();
        let server = Server::start(&setup.command(rt, port)?, port).context("starting")?;
        starts.push(server.started_in.as_secs_f64() * 1000.0);
    }
    starts.sort_by(f64::total_cmp);
    m.cold_start.add(rt, starts[starts.len() / 2]);
    let port = free_port();
    let cmd = setup.command(rt, port)?;
    let server = Server::start(&cmd, port).context("starting")?;
    std::thread::sleep(std::time::Duration::from_millis(200));
    m.idle_rss.add(rt, server.rss() as f64 / MIB);
    if rt != Runtime::Edge {
        m.per_app.add(rt, server.rss() as f64 / 1024.0);
    }
    let wrk = &setup.tools.wrk;
    let load = |path: &str| -> Result<wrk::LoadResult> {
        wrk::run(wrk, port, path, 1, 50)?; // warm-up (JITs, caches)
        wrk::run(wrk, port, path, args.duration, 50)
    };
    // Each scenario stands alone: one that fails is reported and the others still run.
    let report = |name: &str, r: Result<()>| {
        if let Err(e) = r {
            eprintln!("bench: {} {name} failed: {e:#}", rt.name());
        }
    };
    report(
        "hello",
        load("/hello").map(|r| {
            m.hello_rps.add(rt, r.requests_per_sec);
            m.hello_p50.add(rt, r.p50_ms);
            m.hello_p99.add(rt, r.p99_ms);
        }),
    );
    if rt == Runtime::Edge {
        report(
            "hello through a node",
            node::hello_rps(setup, args.duration).map(|v| m.node_hello_rps.add(rt, v)),
        );
    }
    report(
        "sse",
        load("/sse").map(|r| m.sse_rps.add(rt, r.requests_per_sec)),
    );
    report(
        "sse-start",
        load("/sse-start").map(|r| m.sse_start_rps.add(rt, r.requests_per_sec)),
    );
    report(
        "sse ttfb",
        probe::time_to_first(port, "/sse", b"data: ", 200).map(|v| m.sse_ttfb.add(rt, v)),
    );
    report(
        "json",
        load("/json").map(|r| m.json_rps.add(rt, r.requests_per_sec)),
    );
    report(
        "echo",
        probe::echo(port, server.pid(), args.echo_bytes).map(|e| {
            m.echo_rate.add(rt, e.mib_per_sec);
            m.echo_rss.add(rt, e.peak_rss as f64 / MIB);
        }),
    );
    Ok(())
}

fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores; servers pinned to core 0, wrk to core 1")
}
