//! WebAssembly (`edge-bench --wasm`): CPU-bound handlers running hash-wasm, argon2id
//! (m = 19 MiB, t = 2, p = 1: OWASP's minimum) and a SHA-256 kernel over 1 MiB, served by Edge
//! (`edge dev`) and Deno (`deno serve`) one after the other (server on core 0, wrk on core 1);
//! then what compiling sql.js's module (640 KB) costs: cold, from the process's cache (a
//! second isolate) and, for Edge, from the on-disk cache (a restarted `edge dev`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::peers::Tools;
use crate::runtimes::Runtime;
use crate::server::{free_port, Server};

const PACKAGES: [&str; 2] = ["hash-wasm@4.13.0", "sql.js@1.16.0"];

const APP: &str = r#"import { argon2id, createSHA256 } from "hash-wasm";

const salt = new Uint8Array(16).fill(7);
const block = new Uint8Array(1 << 20).map((_, i) => (i * 31 + 7) & 0xff);
const sha = await createSHA256();

export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/argon2") {
      const hash = await argon2id({ password: "correct horse battery staple", salt, parallelism: 1, iterations: 2, memorySize: 19456, hashLength: 32, outputType: "hex" });
      return new Response(hash);
    }
    if (path === "/sha256") {
      sha.init();
      sha.update(block);
      return new Response(sha.digest("hex"));
    }
    return new Response("ok");
  },
};
"#;

/// The compile-time probe: compiles the bytes twice in one process and prints both times.
fn compile_probe(wasm: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(wasm);
    format!(
        r#"const bytes = Uint8Array.from(atob("{b64}"), (c) => c.charCodeAt(0));
let t = performance.now();
new WebAssembly.Module(bytes);
const cold = performance.now() - t;
t = performance.now();
new WebAssembly.Module(bytes);
const again = performance.now() - t;
console.log(JSON.stringify({{ cold, again }}));
"#
    )
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Measures Edge and Deno; a markdown report.
pub fn run(edge: &Path, peers: &Path, tools: &Tools, seconds: u64, runs: usize) -> Result<String> {
    let peers = std::fs::canonicalize(peers)?;
    crate::peers::npm_add(&peers, &PACKAGES)?;
    let app = peers.join("wasm-bench.mjs");
    std::fs::write(&app, APP)?;
    let mut rows = Vec::new();
    let mut rates: Vec<(Runtime, &str, f64)> = Vec::new();
    for rt in [Runtime::Edge, Runtime::Deno] {
        let mut cells = Vec::new();
        for path in ["/argon2", "/sha256"] {
            let mut rps = Vec::new();
            for _ in 0..runs.max(1) {
                let port = free_port();
                let mut cmd = match rt {
                    Runtime::Edge => crate::server::edge_dev(edge, &app, port),
                    _ => {
                        let Some(deno) = &tools.deno else { break };
                        crate::server::deno_serve(deno, &app, port)
                    }
                };
                cmd.current_dir(&peers);
                let server = match Server::start(&cmd, port) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("bench: {} did not start: {e:#}", rt.name());
                        break;
                    }
                };
                crate::wrk::run(&tools.wrk, port, path, 1, 4)?; // warm-up
                let r = crate::wrk::run(&tools.wrk, port, path, seconds, 4)?;
                rps.push(r.requests_per_sec);
                drop(server);
            }
            if rps.is_empty() {
                cells.push("-".to_string());
                continue;
            }
            let m = median(&mut rps);
            rates.push((rt, path, m));
            cells.push(format!("{m:.1}"));
        }
        rows.push(format!("| {} | {} |", rt.name(), cells.join(" | ")));
    }
    let ratio = |path: &str| -> String {
        let of = |rt| {
            rates
                .iter()
                .find(|(r, p, _)| *r == rt && *p == path)
                .map(|(_, _, v)| *v)
        };
        match (of(Runtime::Edge), of(Runtime::Deno)) {
            (Some(e), Some(d)) if d > 0.0 => format!("{:.2}x", e / d),
            _ => "-".to_string(),
        }
    };
    rows.push(format!(
        "| Edge / Deno | {} | {} |",
        ratio("/argon2"),
        ratio("/sha256")
    ));
    let _ = std::fs::remove_file(&app);

    let compile = compile_times(edge, &peers, tools)?;
    Ok(format!(
        "hash-wasm in a handler (server on core 0, wrk -c4 on core 1, {seconds} s, median of \
         {runs} runs), requests/s:\n\n\
         | runtime | argon2id (19 MiB, t=2) | SHA-256 of 1 MiB |\n|---|---|---|\n{}\n\n\
         Compiling sql.js's module (sql-wasm.wasm), ms:\n\n{compile}",
        rows.join("\n")
    ))
}

/// Compile times of sql-wasm.wasm: in one process (cold, then the same bytes again), and for
/// Edge the start of `edge dev` on a project importing it, with an empty and a filled cache.
fn compile_times(edge: &Path, peers: &Path, tools: &Tools) -> Result<String> {
    let wasm = std::fs::read(peers.join("node_modules/sql.js/dist/sql-wasm.wasm"))
        .context("sql.js is installed")?;
    let probe = peers.join("wasm-compile-probe.mjs");
    std::fs::write(&probe, compile_probe(&wasm))?;
    let mut table = vec![
        "| runtime | cold | same bytes again (second isolate) | restart, from the disk cache |"
            .to_string(),
        "|---|---|---|---|".to_string(),
    ];
    for rt in [Runtime::Edge, Runtime::Deno] {
        let mut cmd = match rt {
            Runtime::Edge => {
                let mut c = Command::new(edge);
                c.arg("run").arg(&probe);
                c
            }
            _ => {
                let Some(deno) = &tools.deno else { continue };
                let mut c = Command::new(deno);
                c.args(["run", "-A", "--quiet"])
                    .arg(&probe)
                    .env("DENO_NO_UPDATE_CHECK", "1");
                c
            }
        };
        let out = cmd.current_dir(peers).output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let figures: serde_json::Value = serde_json::from_str(text.trim())
            .with_context(|| format!("{} printed {text}", rt.name()))?;
        let disk = if rt == Runtime::Edge {
            format!("{:.1}", edge_restart_saving(edge, peers)?)
        } else {
            "-".to_string()
        };
        table.push(format!(
            "| {} | {:.1} | {:.2} | {disk} |",
            rt.name(),
            figures["cold"].as_f64().unwrap_or(0.0),
            figures["again"].as_f64().unwrap_or(0.0),
        ));
    }
    let _ = std::fs::remove_file(&probe);
    Ok(table.join("\n")
        + "\n\n(Edge compiles with Cranelift ahead of time; V8 starts with its baseline compiler, \
           Liftoff, and optimizes hot functions later. The disk-cache column is how much sooner a \
           restarted `edge dev` of a project importing the module answers with its cache filled \
           than with it empty.)")
}

/// How much sooner `edge dev` on a project importing sql-wasm.wasm answers with its
/// `.edge/wasm-cache` filled than empty, in ms (median of 5 starts each).
fn edge_restart_saving(edge: &Path, peers: &Path) -> Result<f64> {
    let project = peers.join("wasm-cache-project");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(&project)?;
    std::fs::write(
        project.join("edge.toml"),
        "name = \"wasm-cache\"\nmain = \"app.mjs\"\n",
    )?;
    std::fs::write(
        project.join("app.mjs"),
        "import sql from \"../node_modules/sql.js/dist/sql-wasm.wasm\";\nexport default { fetch() { return new Response(String(WebAssembly.Module.exports(sql).length)); } };\n",
    )?;
    let start = |clear: bool| -> Result<Duration> {
        if clear {
            let _ = std::fs::remove_dir_all(project.join(".edge/wasm-cache"));
        }
        let port = free_port();
        let cmd = crate::server::edge_dev(edge, &project, port);
        let began = Instant::now();
        let server = Server::start(&cmd, port)?;
        let took = began.elapsed();
        drop(server);
        Ok(took)
    };
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for _ in 0..5 {
        cold.push(start(true)?.as_secs_f64() * 1000.0);
        warm.push(start(false)?.as_secs_f64() * 1000.0);
    }
    let _ = std::fs::remove_dir_all(&project);
    Ok(median(&mut cold) - median(&mut warm))
}
