//! Known failures, per top-level WPT directory (`expectations/wpt/<dir>.json`): for each test
//! file (with its variant) the subtests known to fail and the file-level error, if any. A run
//! is compared with them: a new failure is a regression, a listed failure that now passes is
//! an unexpected pass, and either fails the run until the file is updated.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{json, Value};

use crate::harness::FileResult;

#[derive(Default, Debug, PartialEq)]
pub struct Known {
    pub failing: BTreeSet<String>,
    pub error: bool,
}

pub type DirExpectations = BTreeMap<String, Known>;

pub fn load(path: &Path) -> Result<DirExpectations> {
    if !path.exists() {
        return Ok(DirExpectations::new());
    }
    let text = std::fs::read_to_string(path)?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let mut out = DirExpectations::new();
    for (file, entry) in value.as_object().into_iter().flatten() {
        let failing = entry["failing"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        out.insert(
            file.clone(),
            Known {
                failing,
                error: entry["error"].as_bool().unwrap_or(false),
            },
        );
    }
    Ok(out)
}

pub fn known_of(result: &FileResult) -> Known {
    Known {
        failing: result
            .subtests
            .iter()
            .filter(|s| !s.passed)
            .map(|s| s.name.clone())
            .collect(),
        error: result.error.is_some(),
    }
}

pub fn save(path: &Path, exp: &DirExpectations) -> Result<()> {
    let mut obj = serde_json::Map::new();
    for (file, known) in exp {
        if known.failing.is_empty() && !known.error {
            continue;
        }
        let mut entry = serde_json::Map::new();
        entry.insert("failing".into(), json!(known.failing));
        if known.error {
            entry.insert("error".into(), json!(true));
        }
        obj.insert(file.clone(), Value::Object(entry));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(
        path,
        serde_json::to_string_pretty(&Value::Object(obj))? + "\n",
    )?;
    Ok(())
}

/// Differences between what was expected and what happened, as readable lines.
pub fn compare(file: &str, expected: Option<&Known>, actual: &Known) -> Vec<String> {
    let empty = Known::default();
    let expected = expected.unwrap_or(&empty);
    let mut out = Vec::new();
    for name in actual.failing.difference(&expected.failing) {
        out.push(format!("REGRESSION {file}: {name}"));
    }
    for name in expected.failing.difference(&actual.failing) {
        out.push(format!("UNEXPECTED PASS {file}: {name}"));
    }
    if actual.error && !expected.error {
        out.push(format!("REGRESSION {file}: the file failed as a whole"));
    }
    if expected.error && !actual.error {
        out.push(format!("UNEXPECTED PASS {file}: the file now completes"));
    }
    out
}

/// Takes a file's result in: with `update` as its known failures, else compared with them
/// (the differences added to `differences`).
pub fn record(
    exp: &mut DirExpectations,
    id: String,
    result: &FileResult,
    update: bool,
    differences: &mut Vec<String>,
) {
    let actual = known_of(result);
    if update {
        exp.insert(id, actual);
    } else {
        differences.extend(compare(&id, exp.get(&id), &actual));
    }
}

/// Writes the per-file results as JSON, if a path was given.
pub fn write_json(path: Option<&Path>, per_file: serde_json::Map<String, Value>) -> Result<()> {
    if let Some(path) = path {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&Value::Object(per_file))?,
        )?;
    }
    Ok(())
}

/// Ends a run: with `update`, writes each directory's known failures; for a peer's run, says
/// that nothing was compared; otherwise prints the differences and fails if there are any.
pub fn conclude<'a>(
    dir: &Path,
    update: bool,
    peer: Option<&Path>,
    saved: impl Iterator<Item = (&'a String, &'a DirExpectations)>,
    differences: &[String],
) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    if update {
        for (top, exp) in saved {
            save(&dir.join(format!("{top}.json")), exp)?;
        }
        println!("expectations updated in {}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(bin) = peer {
        println!("(run in {}; expectations not compared)", bin.display());
        return Ok(ExitCode::SUCCESS);
    }
    for d in differences {
        println!("{d}");
    }
    if differences.is_empty() {
        println!("matches the expectations");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} difference(s) from the expectations (run with --update to accept)",
            differences.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(failing: &[&str], error: bool) -> Known {
        Known {
            failing: failing.iter().map(|s| s.to_string()).collect(),
            error,
        }
    }

    #[test]
    fn regressions_and_unexpected_passes() {
        let expected = known(&["a", "b"], false);
        assert!(compare("f", Some(&expected), &known(&["a", "b"], false)).is_empty());
        let diff = compare("f", Some(&expected), &known(&["a", "c"], true));
        assert_eq!(
            diff,
            vec![
                "REGRESSION f: c",
                "UNEXPECTED PASS f: b",
                "REGRESSION f: the file failed as a whole"
            ]
        );
        assert_eq!(
            compare("g", None, &known(&["x"], false)),
            vec!["REGRESSION g: x"]
        );
    }
}
