//! Intl (`edge-bench --intl`): formatting 100,000 numbers and 100,000 dates, Edge (`edge run`)
//! against Deno (`deno run`) on the same script, median of the runs; and Intl's first use in
//! a fresh process (loading its JS half, in Edge).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::peers::Tools;

const PROBE: &str = r#"const N = 100000;
let t = performance.now();
const nf = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const first = performance.now() - t;
let chars = 0;
t = performance.now();
for (let i = 0; i < N; i++) chars += nf.format(i * 1.25).length;
const numbers = performance.now() - t;
const dtf = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", dateStyle: "medium", timeStyle: "short" });
t = performance.now();
for (let i = 0; i < N; i++) chars += dtf.format(1.7e12 + i * 3600e3).length;
const dates = performance.now() - t;
t = performance.now();
for (let i = 0; i < N; i++) chars += (i * 1.5).toLocaleString("de-DE").length;
const toLocale = performance.now() - t;
console.log(JSON.stringify({ first, numbers, dates, toLocale, chars }));
"#;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Edge against Deno; a markdown report.
pub fn run(edge: &Path, work: &Path, tools: &Tools, runs: usize) -> Result<String> {
    std::fs::create_dir_all(work)?;
    let probe = work.join("intl-probe.mjs");
    std::fs::write(&probe, PROBE)?;
    let keys = ["numbers", "dates", "toLocale", "first"];
    let mut table = vec![
        "| runtime | 100,000 NumberFormat.format (currency) | 100,000 DateTimeFormat.format (New York, medium/short) | 100,000 toLocaleString(\"de-DE\") | first NumberFormat in a process |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    let mut medians: Vec<(&str, Vec<f64>)> = Vec::new();
    for name in ["edge", "deno"] {
        let cmd = if name == "edge" {
            let mut c = Command::new(edge);
            c.arg("run").arg(&probe);
            c
        } else {
            let Some(deno) = &tools.deno else { continue };
            let mut c = Command::new(deno);
            c.args(["run", "--quiet"])
                .arg(&probe)
                .env("DENO_NO_UPDATE_CHECK", "1");
            c
        };
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); keys.len()];
        for _ in 0..runs.max(1) {
            let out = crate::server::pinned(&cmd, crate::server::SERVER_CORE)
                .output()
                .with_context(|| format!("running {name}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let v: serde_json::Value = serde_json::from_str(text.trim()).with_context(|| {
                format!(
                    "{name} printed {text} {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })?;
            for (i, k) in keys.iter().enumerate() {
                samples[i].push(v[*k].as_f64().unwrap_or(f64::NAN));
            }
        }
        let m: Vec<f64> = samples.into_iter().map(median).collect();
        table.push(format!(
            "| {name} | {:.0} ms | {:.0} ms | {:.0} ms | {:.2} ms |",
            m[0], m[1], m[2], m[3]
        ));
        medians.push((name, m));
    }
    if let (Some((_, e)), Some((_, d))) = (medians.first(), medians.get(1)) {
        table.push(format!(
            "| Deno / Edge (time) | {:.2}x | {:.2}x | {:.2}x | {:.2}x |",
            d[0] / e[0],
            d[1] / e[1],
            d[2] / e[2],
            d[3] / e[3]
        ));
    }
    let _ = std::fs::remove_file(&probe);
    Ok(format!(
        "Intl formatting, one process per run pinned to one core, median of {} runs (lower is faster):\n\n{}",
        runs.max(1),
        table.join("\n")
    ))
}
