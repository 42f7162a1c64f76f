//! A server process under test: started pinned to one core, ready when it answers, measured
//! through /proc, killed on drop.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

/// The core servers run on; load generators use the other one.
pub const SERVER_CORE: &str = "0";
pub const CLIENT_CORE: &str = "1";

pub struct Server {
    child: Child,
    /// Time from spawn to the first successful response.
    pub started_in: Duration,
}

/// Wraps a command so that it runs pinned to `core` (taskset execs it: same pid).
pub fn pinned(cmd: &Command, core: &str) -> Command {
    let mut pinned = Command::new("taskset");
    pinned
        .args(["-c", core])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => pinned.env(k, v),
            None => pinned.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        pinned.current_dir(dir);
    }
    pinned
}

/// `edge dev <target> --no-watch --port <port>`, quiet: how the benchmarks serve an app.
pub fn edge_dev(edge: &std::path::Path, target: &std::path::Path, port: u16) -> Command {
    let mut c = Command::new(edge);
    c.arg("dev")
        .arg(target)
        .args(["--no-watch", "--port", &port.to_string()])
        .env("RUST_LOG", "warn");
    c
}

/// `deno serve -A <app>` on `port`, quiet: how the benchmarks serve an app with Deno.
pub fn deno_serve(deno: &std::path::Path, app: &std::path::Path, port: u16) -> Command {
    let mut c = Command::new(deno);
    c.args(["serve", "-A", "--quiet", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .arg(app)
        .env("DENO_NO_UPDATE_CHECK", "1");
    c
}

/// One GET on a fresh connection; the status if a whole response head arrived.
pub fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    let head = std::str::from_utf8(&buf[..n]).ok()?;
    head.split(' ').nth(1)?.parse().ok()
}

impl Server {
    pub fn start(cmd: &Command, port: u16) -> Result<Server> {
        let mut cmd = pinned(cmd, SERVER_CORE);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let started = Instant::now();
        let mut child = cmd.spawn()?;
        loop {
            if get_status(port, "/hello") == Some(200) {
                return Ok(Server {
                    child,
                    started_in: started.elapsed(),
                });
            }
            if let Some(status) = child.try_wait()? {
                bail!("server exited early ({status})");
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                bail!("server did not answer within 30 s");
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the server process (and its threads), in bytes.
    pub fn rss(&self) -> u64 {
        rss_of(self.pid())
    }
}

pub fn rss_of(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18999)
}
