//! Edge as a node: `edge serve` with the benchmark app deployed through its admin API, so
//! that hello world is also measured the way a node serves it (routing table, multi-tenant
//! host with its limits, access log written to a file).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::runtimes::Setup;
use crate::server::{free_port, pinned, SERVER_CORE};

/// The admin token of the nodes the benchmarks start.
pub const TOKEN: &str = "edge-bench-admin-token";

/// Requests per second of hello world through a one-worker node (after a warm-up).
pub fn hello_rps(setup: &Setup, seconds: u64) -> Result<f64> {
    let dir = setup.dir.join("node");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let (http, admin) = (free_port(), free_port());
    let config = dir.join("edge-node.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"data\"\nworkers = 1\naccess_log = \"access.log\"\n\
             [http]\nlisten = [\"127.0.0.1:{http}\"]\n\
             [admin]\nlisten = \"127.0.0.1:{admin}\"\ntoken = \"{TOKEN}\"\n"
        ),
    )?;
    let mut cmd = Command::new(&setup.edge);
    cmd.args(["serve", "--config"]).arg(&config);
    let mut child = pinned(&cmd, SERVER_CORE)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting edge serve")?;
    let result = (|| {
        wait_for(admin)?;
        let bundle = bundle(&setup.dir.join("app.js"))?;
        call(
            admin,
            "POST",
            "/v1/apps/bench/versions?activate=true",
            &bundle,
        )?;
        call(
            admin,
            "PUT",
            "/v1/apps/bench/routes",
            br#"{"routes":[{"host":"*"}]}"#,
        )?;
        crate::wrk::run(&setup.tools.wrk, http, "/hello", 1, 50)?;
        Ok(crate::wrk::run(&setup.tools.wrk, http, "/hello", seconds, 50)?.requests_per_sec)
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn wait_for(port: u16) -> Result<()> {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("edge serve did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// A bundle of the benchmark app: `manifest.json` and `app.js` in a tar archive.
fn bundle(app: &Path) -> Result<Vec<u8>> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| -> Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, name, data)?;
        Ok(())
    };
    add("manifest.json", br#"{"main":"app.js"}"#)?;
    add("app.js", &std::fs::read(app)?)?;
    Ok(tar.into_inner()?)
}

/// One admin API call; fails unless it answers 2xx.
pub fn call(port: u16, method: &str, path: &str, body: &[u8]) -> Result<()> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    s.write_all(body)?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    if !answer.starts_with("HTTP/1.1 2") {
        bail!("admin {method} {path}: {answer}");
    }
    Ok(())
}
