//! A fleet's propagation (`edge-bench --fleet`): three `edge serve` nodes sharing a
//! PostgreSQL store (a throwaway cluster started here with the Debian server's `initdb` and
//! `pg_ctl`), one app deployed through the nodes' admin APIs in turn. For each deploy: the
//! time from the admin call to the moment every node answers with the new version; first
//! idle, then while 50 keep-alive clients (threads) load the three nodes, counting every
//! request that does not answer 200 with a version.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::postgres::Postgres;
use crate::server::{free_port, pinned, CLIENT_CORE, SERVER_CORE};

use crate::node::TOKEN;
const HOST: &str = "fleet.localhost";

struct Node {
    child: Child,
    http: u16,
    admin: u16,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_node(edge: &Path, dir: &Path, pg: &Postgres) -> Result<Node> {
    std::fs::create_dir_all(dir)?;
    let (http, admin) = (free_port(), free_port());
    let config = dir.join("edge-node.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"data\"\nworkers = 1\naccess_log = \"off\"\napp_domain = \"localhost\"\n\
             store = \"{}\"\nstore_key_file = \"../store.key\"\n\
             [http]\nlisten = [\"127.0.0.1:{http}\"]\n\
             [admin]\nlisten = \"127.0.0.1:{admin}\"\ntoken = \"{TOKEN}\"\n",
            pg.url()
        ),
    )?;
    let log = std::fs::File::create(dir.join("out.log"))?;
    let mut cmd = Command::new(edge);
    cmd.args(["serve", "--config"]).arg(&config).env(
        "RUST_LOG",
        std::env::var("EDGE_BENCH_LOG").unwrap_or_else(|_| "info".into()),
    );
    let child = pinned(&cmd, SERVER_CORE)
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting edge serve")?;
    let node = Node { child, http, admin };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", admin)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("edge serve did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(node)
}

fn bundle(text: &str) -> Result<Vec<u8>> {
    let source = format!("export default {{ fetch() {{ return new Response('{text}'); }} }};");
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("manifest.json", br#"{"main":"index.js"}"#.as_slice()),
        ("index.js", source.as_bytes()),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, name, data)?;
    }
    Ok(tar.into_inner()?)
}

fn deploy(admin: u16, body: &[u8]) -> Result<()> {
    crate::node::call(admin, "POST", "/v1/apps/fleet/versions?activate=true", body)
}

/// A keep-alive HTTP/1.1 connection to one node.
struct Conn {
    reader: BufReader<TcpStream>,
    port: u16,
}

impl Conn {
    fn open(port: u16) -> Result<Conn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        s.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(s),
            port,
        })
    }

    /// GET / on the app; the status and body.
    fn get(&mut self) -> Result<(u16, String)> {
        write!(
            self.reader.get_mut(),
            "GET / HTTP/1.1\r\nHost: {HOST}:{}\r\n\r\n",
            self.port
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                bail!("closed mid-head");
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// Deploys `text` through `via`; ms until every node answers it.
fn propagate(nodes: &[Node], via: usize, text: &str) -> Result<f64> {
    let body = bundle(text)?;
    let mut conns: Vec<Conn> = nodes
        .iter()
        .map(|n| Conn::open(n.http))
        .collect::<Result<_>>()?;
    let started = Instant::now();
    deploy(nodes[via].admin, &body)?;
    for conn in &mut conns {
        loop {
            let (status, body) = match conn.get() {
                Ok(answer) => answer,
                Err(_) => {
                    *conn = Conn::open(conn.port)?;
                    continue;
                }
            };
            if status == 200 && body == text {
                break;
            }
            if started.elapsed() > Duration::from_secs(20) {
                bail!("a node did not serve {text} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// Moves this thread (and the threads it starts) to the clients' core.
fn pin_to_client_core() -> Result<()> {
    let core: usize = CLIENT_CORE.parse()?;
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET writes within it; the call
    // reads it for the calling thread only.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    anyhow::ensure!(rc == 0, "sched_setaffinity failed");
    Ok(())
}

fn summary(samples: &mut [f64]) -> String {
    samples.sort_by(f64::total_cmp);
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        p(0.5),
        p(0.9),
        p(1.0)
    )
}

/// Runs the measurement; a markdown summary.
pub fn run(edge: &Path, work: &Path, deploys: usize) -> Result<String> {
    pin_to_client_core()?;
    std::fs::create_dir_all(work)?;
    let pg = Postgres::start(work)?;
    std::fs::write(
        work.join("store.key"),
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    )?;
    let nodes: Vec<Node> = (0..3)
        .map(|i| start_node(edge, &work.join(format!("node{i}")), &pg))
        .collect::<Result<_>>()?;
    propagate(&nodes, 0, "v0")?;

    let mut idle = Vec::new();
    for i in 1..=deploys {
        idle.push(propagate(&nodes, i % 3, &format!("v{i}"))?);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let (served, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let clients: Vec<_> = (0..50)
        .map(|c| {
            let (port, stop) = (nodes[c % 3].http, stop.clone());
            let (served, failed) = (served.clone(), failed.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::open(port).ok();
                while !stop.load(Ordering::Relaxed) {
                    let answer = conn.as_mut().map(|c| c.get());
                    match answer {
                        Some(Ok((200, body))) if body.starts_with(['v', 'w']) => {
                            served.fetch_add(1, Ordering::Relaxed);
                        }
                        other => {
                            if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                                eprintln!("bench: fleet request failed: {other:?}");
                            }
                            conn = Conn::open(port).ok();
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let load_start = Instant::now();
    let before = served.load(Ordering::Relaxed);
    let mut loaded = Vec::new();
    let rollouts = (1..=deploys).try_for_each(|i| {
        loaded.push(propagate(&nodes, i % 3, &format!("w{i}"))?);
        // Rollouts a moment apart, as a team makes them (and spanning the nodes' reconciles).
        std::thread::sleep(Duration::from_millis(250));
        Ok::<_, anyhow::Error>(())
    });
    let seconds = load_start.elapsed().as_secs_f64();
    let during = served.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.join();
    }
    rollouts?;
    let failures = failed.load(Ordering::Relaxed);
    Ok(format!(
        "Fleet of 3 nodes (1 worker each) and PostgreSQL on core {SERVER_CORE}, clients on core \
         {CLIENT_CORE}; {deploys} deploys each way, through the nodes in turn; time from the \
         admin call to every node serving it:\n\n\
         | | propagation |\n|---|---|\n\
         | idle | {} |\n\
         | under load (50 keep-alive clients) | {} |\n\n\
         Under load: {during} requests in {seconds:.1} s ({:.0}/s), {failures} failed.",
        summary(&mut idle),
        summary(&mut loaded),
        during as f64 / seconds,
    ))
}
