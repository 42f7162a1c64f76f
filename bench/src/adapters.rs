//! Cold starts of the adapters (`edge-bench --adapters`): `edge-lambda` from process start to
//! its first answer posted to a minimal Lambda Runtime API served here, and `edge-cloudrun`
//! from process start to the first response on `$PORT`; both with `examples/hello`, or with
//! an unpacked bundle (`--adapter-app DIR`, the folder holding `manifest.json`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const EVENT: &str = r#"{"version":"2.0","routeKey":"$default","rawPath":"/","rawQueryString":"","headers":{"host":"fn.lambda-url.us-east-1.on.aws"},"requestContext":{"accountId":"1","apiId":"fn","domainName":"fn.lambda-url.us-east-1.on.aws","domainPrefix":"fn","http":{"method":"GET","path":"/","protocol":"HTTP/1.1","sourceIp":"192.0.2.1","userAgent":"bench"},"requestId":"r","routeKey":"$default","stage":"$default","time":"01/Jan/2026:00:00:00 +0000","timeEpoch":0},"isBase64Encoded":false}"#;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `examples/hello` as a bundle directory (manifest and module).
fn hello_app(work: &Path) -> Result<PathBuf> {
    let app = work.join("adapter-app");
    std::fs::create_dir_all(&app)?;
    std::fs::copy("examples/hello/index.js", app.join("index.js"))
        .context("run from the repository's root (examples/hello/index.js)")?;
    std::fs::write(app.join("manifest.json"), r#"{"main":"index.js"}"#)?;
    Ok(app)
}

/// Reads one request head; the value of `content-length`, if any.
fn read_head(reader: &mut BufReader<TcpStream>) -> Result<(String, usize)> {
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            bail!("the connection closed mid-head");
        }
        let line = line.trim_end();
        if line.is_empty() {
            return Ok((first, length));
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
}

/// One Lambda cold start, in ms: spawn to the answer's arrival at the Runtime API.
fn lambda_once(bin: &Path, app: &Path) -> Result<f64> {
    let api = TcpListener::bind("127.0.0.1:0")?;
    let started = Instant::now();
    let _child = Kill(
        Command::new(bin)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.local_addr()?.to_string())
            .env("EDGE_APP_DIR", app)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?,
    );
    // A runtime that never connects fails the measurement after 10 s instead of hanging it.
    api.set_nonblocking(true)?;
    let stream = loop {
        match api.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if started.elapsed() > Duration::from_secs(10) {
                    bail!("{} did not call the Runtime API within 10 s", bin.display());
                }
                std::thread::sleep(Duration::from_micros(100));
            }
            Err(e) => return Err(e.into()),
        }
    };
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let (next, _) = read_head(&mut reader)?;
    if !next.contains("/invocation/next") {
        bail!("expected a next request, got {next}");
    }
    write!(
        writer,
        "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: b\r\nLambda-Runtime-Deadline-Ms: 9999999999999\r\nContent-Length: {}\r\n\r\n{EVENT}",
        EVENT.len()
    )?;
    let (answer, length) = read_head(&mut reader)?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    if !answer.contains("/b/response") {
        bail!("expected the response, got {answer}");
    }
    let _ = writer.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
    Ok(elapsed)
}

/// One Cloud Run cold start, in ms: spawn to the first complete response on `$PORT` (whatever
/// its status: the app answers it).
fn cloudrun_once(bin: &Path, app: &Path) -> Result<f64> {
    let port = crate::server::free_port();
    let started = Instant::now();
    let _child = Kill(
        Command::new(bin)
            .env_clear()
            .env("PORT", port.to_string())
            .env("EDGE_APP_DIR", app)
            .env("EDGE_WORKERS", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?,
    );
    loop {
        if started.elapsed() > Duration::from_secs(10) {
            bail!("edge-cloudrun did not answer within 10 s");
        }
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
            std::thread::sleep(Duration::from_micros(200));
            continue;
        };
        write!(s, "GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")?;
        let mut answer = Vec::new();
        if s.read_to_end(&mut answer).is_ok() && answer.starts_with(b"HTTP/1.1 ") {
            return Ok(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
}

fn median_of(n: usize, mut once: impl FnMut() -> Result<f64>) -> Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        samples.push(once()?);
    }
    let min = samples.iter().cloned().fold(f64::INFINITY, f64::min);
    Ok((crate::report::median(&mut samples), min))
}

/// Measures both adapters `n` times each; a markdown table.
pub fn run(
    work: &Path,
    app: Option<&Path>,
    lambda: &Path,
    cloudrun: &Path,
    n: usize,
) -> Result<String> {
    std::fs::create_dir_all(work)?;
    let app = match app {
        Some(dir) => std::fs::canonicalize(dir)
            .with_context(|| format!("cannot use the app {}", dir.display()))?,
        None => hello_app(work)?,
    };
    let label = app.display();
    let (l_med, l_min) = median_of(n, || lambda_once(lambda, &app))?;
    let (c_med, c_min) = median_of(n, || cloudrun_once(cloudrun, &app))?;
    Ok(format!(
        "| adapter cold start, {label} ({n} starts) | median ms | min ms |\n|---|---|---|\n\
         | edge-lambda: process start to the answer at the Runtime API | {l_med:.1} | {l_min:.1} |\n\
         | edge-cloudrun: process start to the first response on $PORT | {c_med:.1} | {c_min:.1} |\n"
    ))
}
