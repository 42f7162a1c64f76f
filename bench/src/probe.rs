//! Measurements a load generator cannot make: time to first byte of a stream, and a large
//! upload echoed back while the server's memory is sampled.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::server::rss_of;

/// Median time from sending a request to the first bytes of `marker` in the response, over
/// `n` requests on fresh connections. Each response is read to its end, so that no request
/// starts while the server is still busy with the previous one.
pub fn time_to_first(port: u16, path: &str, marker: &[u8], n: usize) -> Result<f64> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        let started = Instant::now();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            let got = s.read(&mut chunk).context("reading the stream")?;
            if got == 0 {
                bail!("stream ended before its first event");
            }
            buf.extend_from_slice(&chunk[..got]);
            if buf.windows(marker.len()).any(|w| w == marker) {
                break;
            }
        }
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        while s.read(&mut chunk)? > 0 {}
    }
    Ok(crate::report::median(&mut samples))
}

pub struct EchoResult {
    pub mib_per_sec: f64,
    pub peak_rss: u64,
}

/// How long the echo may take before the runtime is reported as too slow for it.
const ECHO_DEADLINE: Duration = Duration::from_secs(90);

/// Streams `total` bytes to `/echo` while reading the echo back; samples the server's RSS.
pub fn echo(port: u16, pid: u32, total: u64) -> Result<EchoResult> {
    let peak = Arc::new(AtomicU64::new(rss_of(pid)));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_of(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
    )?;
    let mut writer = stream.try_clone()?;
    let started = Instant::now();
    let upload = std::thread::spawn(move || -> std::io::Result<()> {
        let chunk = vec![0x5au8; 1 << 16];
        let mut sent = 0u64;
        while sent < total {
            writer.write_all(&chunk)?;
            sent += chunk.len() as u64;
        }
        Ok(())
    });
    let mut received = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        if started.elapsed() > ECHO_DEADLINE {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            done.store(true, Ordering::Relaxed);
            let _ = sampler.join();
            let _ = upload.join();
            bail!(
                "echoed only {} MiB in {} s",
                received >> 20,
                ECHO_DEADLINE.as_secs()
            );
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        received += n as u64;
    }
    let elapsed = started.elapsed();
    upload
        .join()
        .map_err(|_| anyhow::anyhow!("upload thread panicked"))??;
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    if received < total {
        bail!("only {received} of {total} bytes came back");
    }
    Ok(EchoResult {
        mib_per_sec: total as f64 / (1 << 20) as f64 / elapsed.as_secs_f64(),
        peak_rss: peak.load(Ordering::Relaxed),
    })
}
