//! WebSockets (`edge-bench --websockets`): an echo app on Edge (`WebSocketPair`), Deno
//! (`Deno.upgradeWebSocket`) and Bun (`Bun.serve` with `websocket`), one after the other, the
//! server on core 0 and this process's client on core 1. Two figures per runtime:
//! - 10,000 idle connections (each opened, with one message echoed, then left quiet): the
//!   server's RSS growth per connection, and whether they all still answer;
//! - echoed messages per second: 64 connections, each sending a 32-byte text message and
//!   waiting for its echo, for the run's duration (median of the runs).
//!
//! Connections come from 40 loopback addresses (127.0.0.1 to .40), at most 250 from each: the
//! shape of many clients, under the per-address connection cap a server applies.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::peers::Tools;
use crate::runtimes::Runtime;
use crate::server::{free_port, Server};

const EDGE_APP: &str = r#"export default {
  fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("ok");
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => server.send(event.data));
    return new Response(null, { status: 101, webSocket: client });
  },
};
"#;

const DENO_APP: &str = r#"export default {
  fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("ok");
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  },
};
"#;

const BUN_APP: &str = r#"Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch(request, server) {
    if (server.upgrade(request)) return;
    return new Response("ok");
  },
  websocket: {
    message(ws, message) {
      ws.send(message);
    },
  },
});
"#;

const IDLE: usize = 10_000;
const PER_ADDRESS: usize = 250;
const ECHO_CONNECTIONS: usize = 64;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Opens connection `i` (from loopback address `i / 250 + 1`) and echoes one message on it.
async fn open(port: u16, i: usize) -> Result<Socket> {
    let local = Ipv4Addr::new(127, 0, 0, (i / PER_ADDRESS + 1) as u8);
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((local, 0)))?;
    let tcp = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await?;
    let (mut ws, _) =
        tokio_tungstenite::client_async(format!("ws://127.0.0.1:{port}/ws"), tcp).await?;
    ws.send(Message::text("hi")).await?;
    match ws.next().await {
        Some(Ok(Message::Text(t))) if t.as_str() == "hi" => Ok(ws),
        other => bail!("connection {i}: no echo ({other:?})"),
    }
}

struct Idle {
    opened_per_sec: f64,
    kib_per_connection: f64,
    alive: usize,
}

async fn idle(server: &Server, port: u16) -> Result<Idle> {
    let warm = open(port, 0).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = server.rss();
    let started = Instant::now();
    // The warm connection is the first of the 10,000 (a server's default cap).
    let results: Vec<Result<Socket>> = futures_util::stream::iter(1..IDLE)
        .map(|i| open(port, i))
        .buffer_unordered(200)
        .collect()
        .await;
    let opened_in = started.elapsed();
    let mut sockets = Vec::with_capacity(IDLE);
    sockets.push(warm);
    for r in results {
        sockets.push(r?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss();
    // Every 100th connection still answers.
    let mut alive = 0;
    for ws in sockets.iter_mut().step_by(100) {
        ws.send(Message::text("still")).await?;
        if let Ok(Some(Ok(Message::Text(t)))) =
            tokio::time::timeout(Duration::from_secs(10), ws.next()).await
        {
            alive += usize::from(t.as_str() == "still");
        }
    }
    let opened = (IDLE - 1) as f64;
    Ok(Idle {
        opened_per_sec: opened / opened_in.as_secs_f64(),
        kib_per_connection: after.saturating_sub(before) as f64 / opened / 1024.0,
        alive: alive * 100,
    })
}

/// Round trips per second over `ECHO_CONNECTIONS` connections for `seconds`.
async fn echo(port: u16, seconds: u64) -> Result<f64> {
    let mut sockets = Vec::new();
    for i in 0..ECHO_CONNECTIONS {
        sockets.push(open(port, i).await?);
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let message = "x".repeat(32);
    let tasks = sockets.into_iter().map(|mut ws| {
        let message = message.clone();
        async move {
            let mut n = 0u64;
            while Instant::now() < until {
                ws.send(Message::text(message.as_str())).await?;
                match ws.next().await {
                    Some(Ok(Message::Text(_))) => n += 1,
                    other => bail!("echo failed: {other:?}"),
                }
            }
            Ok::<u64, anyhow::Error>(n)
        }
    });
    let started = Instant::now();
    let counts = futures_util::future::join_all(tasks).await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut total = 0;
    for c in counts {
        total += c?;
    }
    Ok(total as f64 / elapsed)
}

/// Pins this process (the client) to the client core.
fn pin_client() {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET writes inside it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(1, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Raises the open-files limit to its maximum (10,000 connections need as many descriptors on
/// each side; servers started from here inherit it).
fn raise_fd_limit() {
    // SAFETY: getrlimit/setrlimit with a valid rlimit struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Measures Edge, Deno and Bun (those of `only`, if given); a markdown report.
pub fn run(
    edge: &Path,
    peers: &Path,
    tools: &Tools,
    seconds: u64,
    runs: usize,
    only: &[String],
) -> Result<String> {
    raise_fd_limit();
    let peers = std::fs::canonicalize(peers)?;
    let dir = peers.join("websocket-bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("edge.mjs"), EDGE_APP)?;
    std::fs::write(dir.join("deno.mjs"), DENO_APP)?;
    std::fs::write(dir.join("bun.mjs"), BUN_APP)?;
    let command = |rt: Runtime, port: u16| -> Option<Command> {
        let mut cmd = match rt {
            Runtime::Edge => crate::server::edge_dev(edge, &dir.join("edge.mjs"), port),
            Runtime::Deno => {
                crate::server::deno_serve(tools.deno.as_ref()?, &dir.join("deno.mjs"), port)
            }
            Runtime::Bun => {
                let mut c = Command::new(tools.bun.as_ref()?);
                c.arg(dir.join("bun.mjs")).env("PORT", port.to_string());
                c
            }
            _ => return None,
        };
        cmd.current_dir(&dir);
        Some(cmd)
    };
    pin_client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut rows = Vec::new();
    for runtime in [Runtime::Edge, Runtime::Deno, Runtime::Bun] {
        if !only.is_empty() && !only.iter().any(|n| n == runtime.name()) {
            continue;
        }
        let port = free_port();
        let Some(cmd) = command(runtime, port) else {
            eprintln!("bench: {} is not installed", runtime.name());
            continue;
        };
        eprintln!("bench: {}: 10,000 idle WebSockets", runtime.name());
        let idle = {
            let server = Server::start(&cmd, port).context("starting")?;
            rt.block_on(idle(&server, port))
                .with_context(|| format!("{}: idle connections", runtime.name()))?
        };
        let mut rates = Vec::new();
        for _ in 0..runs.max(1) {
            let port = free_port();
            let cmd = command(runtime, port).context("command")?;
            let _server = Server::start(&cmd, port).context("starting")?;
            rt.block_on(echo(port, 1))?; // warm-up
            rates.push(rt.block_on(echo(port, seconds))?);
        }
        rows.push(format!(
            "| {} | {:.1} | {}/{} | {:.0} | {:.0} |",
            runtime.name(),
            idle.kib_per_connection,
            idle.alive,
            IDLE,
            idle.opened_per_sec,
            median(&mut rates),
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(format!(
        "WebSocket echo (server on core 0, client on core 1; echo: {ECHO_CONNECTIONS} \
         connections, 32-byte text messages, {seconds} s, median of {runs} runs):\n\n\
         | runtime | KiB per idle connection (10,000 open) | still answering | connections opened/s | messages echoed/s |\n\
         |---|---|---|---|---|\n{}",
        rows.join("\n")
    ))
}
