//! `edge-conformance test262 --root <tc39/test262 checkout> [path ...]`: runs test262 files
//! (each in a child process; every mode the file asks for: sloppy and strict by default,
//! `onlyStrict`, `noStrict`, `raw`, `module`; `async` and negative tests), prints pass counts
//! per directory, writes per-file JSON with `--json`, and compares with the known failures in
//! `conformance/expectations/test262/` when a file for that directory is kept there.
//! `--engine node|deno|bun` runs the same files in a peer for a side-by-side table.

mod frontmatter;
mod peer;
mod prelude;
mod run;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use crate::expectations;
use crate::harness::{FileResult, Subtest};

/// How a file is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sloppy,
    Strict,
    Module,
    Raw,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Sloppy => "sloppy",
            Mode::Strict => "strict",
            Mode::Module => "module",
            Mode::Raw => "raw",
        }
    }
}

fn modes(fm: &frontmatter::Frontmatter) -> Vec<Mode> {
    if fm.has("module") {
        vec![Mode::Module]
    } else if fm.has("raw") {
        vec![Mode::Raw]
    } else if fm.has("onlyStrict") {
        vec![Mode::Strict]
    } else if fm.has("noStrict") {
        vec![Mode::Sloppy]
    } else {
        vec![Mode::Sloppy, Mode::Strict]
    }
}

#[derive(clap::Args)]
pub struct Test262Args {
    /// The test262 checkout (the folder holding `harness/` and `test/`).
    #[arg(long)]
    root: PathBuf,
    /// Paths under the root to run (`test/intl402`, `test/built-ins/Temporal`, ...).
    paths: Vec<String>,
    /// Only files whose path contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Where the known failures live (one file per top directory under `test/`).
    #[arg(long, default_value = "conformance/expectations/test262")]
    expectations: PathBuf,
    #[command(flatten)]
    run: crate::RunArgs,
}

/// The child's side: runs one file in each of its modes and prints the result as JSON.
pub fn run_file(root: &Path, file: &Path, timeout: u64) -> Result<ExitCode> {
    let source = std::fs::read_to_string(root.join(file))?;
    let fm = frontmatter::parse(&source);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut subtests = Vec::new();
    let mut error = None;
    for mode in modes(&fm) {
        let local = tokio::task::LocalSet::new();
        let outcome = local.block_on(
            &rt,
            run::run(root, file, &fm, mode, Duration::from_secs(timeout)),
        );
        match outcome {
            Ok((passed, message)) => {
                subtests.push(serde_json::json!([mode.name(), passed, message]))
            }
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    println!(
        "{}",
        serde_json::json!({ "subtests": subtests, "error": error })
    );
    Ok(ExitCode::SUCCESS)
}

/// The parent's side: one file in a child process, killed if it overstays.
fn run_child(root: &Path, file: &Path, timeout: Duration, modes: usize) -> FileResult {
    let deadline = std::time::Instant::now() + timeout * modes as u32 + Duration::from_secs(5);
    crate::harness::report_of_child(
        |cmd| {
            cmd.args(["test262-file", "--root"])
                .arg(root)
                .arg("--file")
                .arg(file)
                .args(["--timeout", &timeout.as_secs().to_string()]);
        },
        deadline,
    )
}

/// Test files under `dir` (fixtures, which other tests import, are not tests).
fn collect(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        if let Ok(rel) = dir.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
            continue;
        }
        let name = path.to_string_lossy();
        if name.ends_with(".js") && !name.contains("_FIXTURE") {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
}

/// The directory a file is counted under: two levels below `test/`.
fn group_of(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    let end = parts.len().saturating_sub(1).min(3);
    parts[1.min(end)..end].join("/")
}

#[derive(Default)]
struct Totals {
    files: usize,
    passed: usize,
}

pub fn run(args: Test262Args) -> Result<ExitCode> {
    if !args.root.join("harness/assert.js").is_file() {
        println!(
            "no test262 checkout at {} (harness/assert.js is missing): nothing to run",
            args.root.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let root = std::fs::canonicalize(&args.root)?;
    let peer_run = args.run.engine != crate::peer::Engine::Edge;
    if peer_run && args.run.update {
        anyhow::bail!("--update records Edge's known failures; it cannot be used with --engine");
    }
    let engine_bin = args.run.engine_bin();
    let paths = if args.paths.is_empty() {
        vec!["test".to_string()]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        collect(&root.join(p), &root, &mut files);
    }
    let timeout = Duration::from_secs(args.run.timeout);
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    let mut per_file = serde_json::Map::new();
    let mut differences = Vec::new();
    let mut by_top: BTreeMap<String, Option<expectations::DirExpectations>> = BTreeMap::new();
    for file in files {
        let rel = file.to_string_lossy().replace('\\', "/");
        if args
            .filter
            .as_ref()
            .is_some_and(|f| !rel.contains(f.as_str()))
        {
            continue;
        }
        let source = std::fs::read_to_string(root.join(&file))?;
        let fm = frontmatter::parse(&source);
        let n = modes(&fm).len();
        let result = if peer_run {
            let mut result = FileResult::default();
            for mode in modes(&fm) {
                let (passed, message) = peer::run(
                    args.run.engine,
                    &engine_bin,
                    &root,
                    &file,
                    &fm,
                    mode,
                    timeout,
                );
                result.subtests.push(Subtest {
                    name: mode.name().to_string(),
                    passed,
                    message,
                });
            }
            result
        } else {
            run_child(&root, &file, timeout, n)
        };
        let passed = result.error.is_none()
            && !result.subtests.is_empty()
            && result.subtests.iter().all(|s| s.passed);
        let group = group_of(&rel);
        let t = totals.entry(group).or_default();
        t.files += 1;
        t.passed += usize::from(passed);
        if args.run.verbose && !passed {
            let why: Vec<String> = result
                .subtests
                .iter()
                .filter(|s| !s.passed)
                .map(|s| format!("{}: {}", s.name, s.message.as_deref().unwrap_or("")))
                .chain(result.error.clone())
                .collect();
            println!("FAIL {rel}: {}", why.join("; "));
        }
        per_file.insert(rel.clone(), serde_json::json!({ "passed": passed }));
        if peer_run {
            continue;
        }
        let top = rel.split('/').nth(1).unwrap_or_default().to_string();
        let exp = by_top.entry(top.clone()).or_insert_with(|| {
            let path = args.expectations.join(format!("{top}.json"));
            (args.run.update || path.exists())
                .then(|| expectations::load(&path).ok())
                .flatten()
        });
        if let Some(exp) = exp {
            expectations::record(exp, rel, &result, args.run.update, &mut differences);
        }
    }
    println!("| directory | files | passed | % |");
    println!("|---|---|---|---|");
    let (mut all_files, mut all_passed) = (0, 0);
    for (dir, t) in &totals {
        all_files += t.files;
        all_passed += t.passed;
        let pct = 100.0 * t.passed as f64 / t.files.max(1) as f64;
        println!("| {dir} | {} | {} | {pct:.1} |", t.files, t.passed);
    }
    let pct = 100.0 * all_passed as f64 / all_files.max(1) as f64;
    println!("| all | {all_files} | {all_passed} | {pct:.1} |");
    if peer_run {
        peer::remove_scratch();
    }
    expectations::write_json(args.run.json.as_deref(), per_file)?;
    expectations::conclude(
        &args.expectations,
        args.run.update,
        peer_run.then_some(engine_bin.as_path()),
        by_top
            .iter()
            .filter_map(|(top, exp)| exp.as_ref().map(|e| (top, e))),
        &differences,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_grouped_two_levels_below_test() {
        assert_eq!(
            group_of("test/intl402/DateTimeFormat/prototype/x.js"),
            "intl402/DateTimeFormat"
        );
        assert_eq!(group_of("test/intl402/x.js"), "intl402");
        assert_eq!(
            group_of("test/built-ins/Temporal/Duration/x.js"),
            "built-ins/Temporal"
        );
    }
}
