//! A database-backed handler (`edge-bench --db`): each request reads one row by primary key
//! through a `pg` Pool of 10 connections (the npm package, installed beside the peers), from a
//! PostgreSQL table of 10,000 rows. Edge (`edge dev`), Node 20 (`node:http`) and Deno
//! (`deno serve`) serve the same query, one after the other; servers and PostgreSQL on core 0,
//! wrk on core 1.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::peers::Tools;
use crate::postgres::Postgres;
use crate::runtimes::Runtime;
use crate::server::{free_port, Server};

const PG_VERSION: &str = "pg@8.23.1";

fn fetch_app(url: &str) -> String {
    format!(
        r#"import pg from "pg";
const pool = new pg.Pool({{ connectionString: "{url}", max: 10 }});
export default {{
  async fetch(request) {{
    const {{ pathname }} = new URL(request.url);
    if (pathname === "/hello") return new Response("ok");
    const id = 1 + Math.floor(Math.random() * 10000);
    const {{ rows }} = await pool.query("SELECT id, name, price FROM items WHERE id = $1", [id]);
    return Response.json(rows[0]);
  }},
}};
"#
    )
}

fn node_app(url: &str) -> String {
    format!(
        r#"import http from "node:http";
import pg from "pg";
const pool = new pg.Pool({{ connectionString: "{url}", max: 10 }});
http
  .createServer(async (req, res) => {{
    if (req.url === "/hello") {{ res.end("ok"); return; }}
    const id = 1 + Math.floor(Math.random() * 10000);
    const {{ rows }} = await pool.query("SELECT id, name, price FROM items WHERE id = $1", [id]);
    res.writeHead(200, {{ "content-type": "application/json" }});
    res.end(JSON.stringify(rows[0]));
  }})
  .listen(Number(process.env.PORT), "127.0.0.1");
"#
    )
}

/// Measures each available runtime; a markdown table.
pub fn run(edge: &Path, peers: &Path, tools: &Tools, work: &Path, seconds: u64) -> Result<String> {
    std::fs::create_dir_all(work)?;
    let pg = Postgres::start(work)?;
    pg.sql(
        "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL);
         INSERT INTO items SELECT g, 'item ' || g, g * 0.25 FROM generate_series(1, 10000) g;
         ANALYZE items;",
    )?;
    let peers = std::fs::canonicalize(peers)?;
    crate::peers::npm_add(&peers, &[PG_VERSION])?;
    // The apps live beside node_modules, so every runtime resolves `pg` the same way.
    let app = peers.join("db-app.js");
    let node_entry = peers.join("db-node-app.mjs");
    std::fs::write(&app, fetch_app(&pg.url()))?;
    std::fs::write(&node_entry, node_app(&pg.url()))?;

    let mut rows = Vec::new();
    for rt in [Runtime::Edge, Runtime::Node, Runtime::Deno] {
        let port = free_port();
        let mut cmd = match rt {
            Runtime::Edge => crate::server::edge_dev(edge, &app, port),
            Runtime::Node => {
                let Some(node) = &tools.node else { continue };
                let mut c = Command::new(node);
                c.arg(&node_entry).env("PORT", port.to_string());
                c
            }
            _ => {
                let Some(deno) = &tools.deno else { continue };
                crate::server::deno_serve(deno, &app, port)
            }
        };
        cmd.current_dir(&peers);
        let server = match Server::start(&cmd, port) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("bench: {} did not start: {e:#}", rt.name());
                continue;
            }
        };
        crate::wrk::run(&tools.wrk, port, "/item", 1, 50)?; // warm-up: the pool fills
        let r = crate::wrk::run(&tools.wrk, port, "/item", seconds, 50)?;
        drop(server);
        rows.push(format!(
            "| {} | {:.0} | {:.2} | {:.2} |",
            rt.name(),
            r.requests_per_sec,
            r.p50_ms,
            r.p99_ms
        ));
    }
    let _ = std::fs::remove_file(&app);
    let _ = std::fs::remove_file(&node_entry);
    Ok(format!(
        "One row by primary key through a pg Pool of 10 (10,000 rows; PostgreSQL and the server \
         on core 0, wrk -c50 on core 1, {seconds} s):\n\n\
         | runtime | req/s | p50 ms | p99 ms |\n|---|---|---|---|\n{}",
        rows.join("\n")
    ))
}
