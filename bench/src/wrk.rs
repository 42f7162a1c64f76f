//! Runs wrk pinned to the client core and reads its figures.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::server::{pinned, CLIENT_CORE};

pub struct LoadResult {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

pub fn run(
    wrk: &Path,
    port: u16,
    path: &str,
    seconds: u64,
    connections: u32,
) -> Result<LoadResult> {
    let mut cmd = Command::new(wrk);
    cmd.args([
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ])
    .arg(format!("http://127.0.0.1:{port}{path}"));
    let out = pinned(&cmd, CLIENT_CORE).output().context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    if text.contains("Non-2xx") {
        // Error responses make the figure meaningless.
        bail!("wrk saw non-2xx responses:\n{text}");
    }
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .context("no Requests/sec in wrk output")?;
    Ok(LoadResult {
        requests_per_sec: rps,
        p50_ms: percentile(&text, "50%").unwrap_or(f64::NAN),
        p99_ms: percentile(&text, "99%").unwrap_or(f64::NAN),
    })
}

/// Reads a line like "     99%    1.23ms" from wrk's latency distribution.
fn percentile(text: &str, label: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.trim_start().starts_with(label))?;
    parse_duration_ms(line.split_whitespace().nth(1)?)
}

fn parse_duration_ms(v: &str) -> Option<f64> {
    let (num, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (v, 1.0)
    };
    num.parse::<f64>().ok().map(|n| n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wrk_units() {
        assert_eq!(parse_duration_ms("250.00us"), Some(0.25));
        assert_eq!(parse_duration_ms("1.50ms"), Some(1.5));
        assert_eq!(parse_duration_ms("2.00s"), Some(2000.0));
        let text = "  Latency Distribution\n     50%  420.00us\n     99%    1.20ms\n";
        assert_eq!(percentile(text, "50%"), Some(0.42));
        assert_eq!(percentile(text, "99%"), Some(1.2));
    }
}
