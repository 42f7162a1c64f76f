//! Bindings from a handler (`edge-bench --bindings`): requests/s of a KV `get` and of a D1
//! point query (one row by primary key of 10,000), each per request, on `edge dev` with the
//! bindings declared in the project's edge.toml (SQLite in WAL mode); server on core 0,
//! wrk -c50 on core 1.

use std::path::Path;

use anyhow::Result;

use crate::peers::Tools;
use crate::server::{free_port, get_status, Server};

const APP: &str = r#"export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/hello") return new Response("ok");
    if (pathname === "/seed") {
      await env.DB.exec("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT, price REAL)");
      const insert = env.DB.prepare("INSERT OR REPLACE INTO items (id, name, price) VALUES (?, ?, ?)");
      for (let start = 1; start <= 10000; start += 500) {
        const batch = [];
        for (let id = start; id < start + 500; id++) batch.push(insert.bind(id, `item ${id}`, id * 0.25));
        await env.DB.batch(batch);
      }
      for (let i = 0; i < 100; i++) await env.KV.put(`key-${i}`, JSON.stringify({ i, text: "x".repeat(100) }));
      return new Response("seeded");
    }
    if (pathname === "/kv") {
      const value = await env.KV.get(`key-${Math.floor(Math.random() * 100)}`, "json");
      return Response.json(value);
    }
    const id = 1 + Math.floor(Math.random() * 10000);
    return Response.json(await env.DB.prepare("SELECT id, name, price FROM items WHERE id = ?").bind(id).first());
  },
};
"#;

pub fn run(edge: &Path, tools: &Tools, work: &Path, seconds: u64) -> Result<String> {
    std::fs::create_dir_all(work)?;
    std::fs::write(work.join("index.js"), APP)?;
    std::fs::write(
        work.join("edge.toml"),
        "name = \"bench\"\nmain = \"index.js\"\n\n[[kv_namespaces]]\nbinding = \"KV\"\n\n[[d1_databases]]\nbinding = \"DB\"\n",
    )?;
    let port = free_port();
    let _server = Server::start(&crate::server::edge_dev(edge, work, port), port)?;
    anyhow::ensure!(get_status(port, "/seed") == Some(200), "seeding failed");
    let mut rows = Vec::new();
    for (label, path) in [
        ("KV get (JSON, 100 keys)", "/kv"),
        ("D1 point query (10,000 rows)", "/d1"),
    ] {
        crate::wrk::run(&tools.wrk, port, path, 1, 50)?; // warm-up
        let r = crate::wrk::run(&tools.wrk, port, path, seconds, 50)?;
        rows.push(format!(
            "| {label} | {:.0} | {:.2} | {:.2} |",
            r.requests_per_sec, r.p50_ms, r.p99_ms
        ));
    }
    Ok(format!(
        "Bindings from a handler (edge dev, SQLite in WAL mode; server on core 0, wrk -c50 on \
         core 1, {seconds} s):\n\n| per request | req/s | p50 ms | p99 ms |\n|---|---|---|---|\n{}",
        rows.join("\n")
    ))
}
