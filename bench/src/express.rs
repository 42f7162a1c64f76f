//! The Express hello route (`edge-bench --express`): one Express 5 app, the "Hello World"
//! of Express's own guide started with `app.listen(port)`, served unchanged by Edge
//! (`edge dev`), Node 20 and Bun, one after the other (server on core 0, wrk -c50 on core 1).
//! Requests/s and latency are medians over the runs; memory is the server's RSS once started
//! and its peak under load.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::peers::Tools;
use crate::runtimes::Runtime;
use crate::server::{free_port, Server};

const EXPRESS_VERSION: &str = "express@5.3.0";

const APP: &str = r#"import express from "express";

const app = express();
app.get("/", (req, res) => res.send("Hello World!"));
app.get("/hello", (req, res) => res.send("ok"));
app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
"#;

struct Row {
    rps: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
    idle_rss: Vec<u64>,
    peak_rss: Vec<u64>,
}

/// The highest RSS of a process, sampled every 10 ms until stopped.
struct RssPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssPeak {
    fn start(pid: u32) -> RssPeak {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(crate::server::rss_of(pid));
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            peak
        });
        RssPeak { stop, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Measures each available runtime; a markdown table.
pub fn run(edge: &Path, peers: &Path, tools: &Tools, seconds: u64, runs: usize) -> Result<String> {
    let peers = std::fs::canonicalize(peers)?;
    crate::peers::npm_add(&peers, &[EXPRESS_VERSION])?;
    // The app lives beside node_modules, so every runtime resolves `express` the same way.
    let app = peers.join("express-hello.mjs");
    std::fs::write(&app, APP)?;
    let mut table = Vec::new();
    for rt in [Runtime::Edge, Runtime::Node, Runtime::Bun] {
        let mut row = Row {
            rps: Vec::new(),
            p50: Vec::new(),
            p99: Vec::new(),
            idle_rss: Vec::new(),
            peak_rss: Vec::new(),
        };
        for _ in 0..runs.max(1) {
            let port = free_port();
            let mut cmd = match rt {
                Runtime::Edge => crate::server::edge_dev(edge, &app, port),
                Runtime::Node => {
                    let Some(node) = &tools.node else { break };
                    Command::new(node)
                }
                _ => {
                    let Some(bun) = &tools.bun else { break };
                    Command::new(bun)
                }
            };
            if rt != Runtime::Edge {
                cmd.arg(&app).env("PORT", port.to_string());
            }
            cmd.current_dir(&peers);
            let server = match Server::start(&cmd, port) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("bench: {} did not start: {e:#}", rt.name());
                    break;
                }
            };
            row.idle_rss.push(server.rss());
            crate::wrk::run(&tools.wrk, port, "/", 1, 50)?; // warm-up
            let sampler = RssPeak::start(server.pid());
            let r = crate::wrk::run(&tools.wrk, port, "/", seconds, 50)?;
            row.peak_rss.push(sampler.stop());
            row.rps.push(r.requests_per_sec);
            row.p50.push(r.p50_ms);
            row.p99.push(r.p99_ms);
        }
        if row.rps.is_empty() {
            continue;
        }
        let mib = |v: &[u64]| {
            let mut f: Vec<f64> = v.iter().map(|b| *b as f64 / (1 << 20) as f64).collect();
            median(&mut f)
        };
        table.push(format!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.1} | {:.1} |",
            rt.name(),
            median(&mut row.rps),
            median(&mut row.p50),
            median(&mut row.p99),
            mib(&row.idle_rss),
            mib(&row.peak_rss),
        ));
    }
    let _ = std::fs::remove_file(&app);
    Ok(format!(
        "Express 5 hello route (`app.get(\"/\", (req, res) => res.send(\"Hello World!\"))`, \
         `app.listen(port)`; server on core 0, wrk -c50 on core 1, {seconds} s, median of \
         {runs} runs):\n\n\
         | runtime | req/s | p50 ms | p99 ms | RSS started MiB | RSS peak under load MiB |\n\
         |---|---|---|---|---|---|\n{}",
        table.join("\n")
    ))
}
