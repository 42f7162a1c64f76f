//! Results: medians of runs, ratios to Edge, and the markdown and JSON reports.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::runtimes::Runtime;

pub fn median(samples: &mut [f64]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let mid = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2.0
    }
}

/// One figure measured for several runtimes.
pub struct Metric {
    pub label: &'static str,
    pub unit: &'static str,
    pub higher_is_better: bool,
    /// Samples per runtime (one per run).
    pub samples: BTreeMap<&'static str, Vec<f64>>,
}

impl Metric {
    pub fn new(label: &'static str, unit: &'static str, higher_is_better: bool) -> Self {
        Metric {
            label,
            unit,
            higher_is_better,
            samples: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, rt: Runtime, value: f64) {
        if value.is_finite() {
            self.samples.entry(rt.name()).or_default().push(value);
        }
    }

    pub fn value(&self, rt: &str) -> Option<f64> {
        let mut s = self.samples.get(rt)?.clone();
        Some(median(&mut s))
    }
}

fn format_value(v: f64, unit: &str) -> String {
    match unit {
        "req/s" => format!("{:.0}", v),
        "MiB" | "MiB/s" => format!("{:.1}", v),
        "KiB" => format!("{:.0}", v),
        _ => format!("{:.2}", v),
    }
}

pub fn markdown(metrics: &[Metric], runtimes: &[Runtime], header: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}\n");
    let _ = write!(out, "| metric |");
    for rt in runtimes {
        let _ = write!(out, " {} |", rt.name());
    }
    let _ = write!(out, "\n|---|");
    for _ in runtimes {
        let _ = write!(out, "---|");
    }
    out.push('\n');
    for m in metrics {
        let edge = m.value("edge");
        let better = if m.higher_is_better {
            "higher is better"
        } else {
            "lower is better"
        };
        let _ = write!(out, "| {} ({}, {}) |", m.label, m.unit, better);
        for rt in runtimes {
            let cell = match (m.value(rt.name()), edge) {
                (Some(v), Some(e)) if *rt != Runtime::Edge && e != 0.0 => {
                    format!("{} ({:.2}x)", format_value(v, m.unit), v / e)
                }
                (Some(v), _) => format_value(v, m.unit),
                (None, _) => "n/a".into(),
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out
}

pub fn json(metrics: &[Metric]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for m in metrics {
        let mut by_rt = serde_json::Map::new();
        for (rt, samples) in &m.samples {
            by_rt.insert(
                rt.to_string(),
                serde_json::json!({ "median": m.value(rt), "samples": samples }),
            );
        }
        out.insert(
            m.label.to_string(),
            serde_json::json!({ "unit": m.unit, "higher_is_better": m.higher_is_better, "runtimes": by_rt }),
        );
    }
    serde_json::Value::Object(out)
}
