//! `edge-conformance`: runs conformance suites from a checkout given on the command line, in
//! Edge's runtime, and compares the results with the known failures kept in this repository.
//!
//! `edge-conformance wpt --root <wpt checkout> [dir ...]` runs the `*.any.js` tests of those
//! directories and prints subtest pass counts per directory (and per file with `--json`).
//! `edge-conformance node --root <node checkout> [module ...]` runs Node's `test/parallel`
//! files for those built-in modules and prints pass counts per module.
//! `edge-conformance test262 --root <test262 checkout> [path ...]` runs test262 files and
//! prints pass counts per directory.

mod expectations;
mod harness;
mod meta;
mod node;
mod peer;
mod test262;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "edge-conformance",
    about = "Run conformance suites in Edge's runtime"
)]
struct Cli {
    #[command(subcommand)]
    suite: Suite,
}

#[derive(Subcommand)]
enum Suite {
    /// web-platform-tests: the `*.any.js` tests of a WPT checkout.
    Wpt(WptArgs),
    /// Node's own tests: the `test/parallel` files of a Node checkout, per built-in module.
    Node(node::NodeArgs),
    /// Runs one Node test file and prints its outcome as JSON (in a child process, as WPT
    /// files are).
    #[command(hide = true)]
    NodeFile {
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        file: String,
        #[arg(long)]
        timeout: u64,
    },
    /// tc39/test262: the files under the given paths of a test262 checkout.
    Test262(test262::Test262Args),
    /// Runs one test262 file in each of its modes and prints the outcome as JSON.
    #[command(hide = true)]
    Test262File {
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        timeout: u64,
    },
    /// Runs one WPT file and prints its result as JSON (each file runs in a child process, so
    /// that a hang or a crash costs only that file).
    #[command(hide = true)]
    WptFile {
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        file: PathBuf,
        #[arg(long, default_value = "")]
        variant: String,
        #[arg(long)]
        timeout: u64,
    },
}

#[derive(clap::Args)]
struct WptArgs {
    /// The WPT checkout (the folder holding `resources/testharness.js`).
    #[arg(long)]
    root: PathBuf,
    /// Directories under the root to run (default: all that hold `*.any.js` tests).
    dirs: Vec<String>,
    /// Only files whose path contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Where the known failures live.
    #[arg(long, default_value = "conformance/expectations/wpt")]
    expectations: PathBuf,
    #[command(flatten)]
    run: RunArgs,
}

/// What the WPT and test262 runs take alike.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Write per-file results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Rewrite the known failures from this run instead of comparing.
    #[arg(long)]
    update: bool,
    /// Seconds a test file may run (a WPT file with `timeout=long` three times as long; a
    /// test262 file this long per mode).
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Print every failure.
    #[arg(long)]
    verbose: bool,
    /// Run the tests in this runtime instead of Edge's, for a side-by-side table (expectations
    /// are not compared).
    #[arg(long, value_enum, default_value = "edge")]
    engine: peer::Engine,
    /// The peer's binary (default: its name, looked up on PATH).
    #[arg(long)]
    engine_bin: Option<PathBuf>,
}

impl RunArgs {
    /// The peer's binary, for a run in a peer.
    fn engine_bin(&self) -> PathBuf {
        self.engine_bin
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{:?}", self.engine).to_lowercase()))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.suite {
        Suite::Wpt(args) => run_wpt(args),
        Suite::WptFile {
            root,
            file,
            variant,
            timeout,
        } => run_one(&root, &file, &variant, timeout),
        Suite::Node(args) => node::run(args),
        Suite::Test262(args) => test262::run(args),
        Suite::Test262File {
            root,
            file,
            timeout,
        } => test262::run_file(&root, &file, timeout),
        Suite::NodeFile {
            root,
            file,
            timeout,
        } => node::run_file(&root, &file, timeout),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The child's side: run one file, print the result.
fn run_one(root: &Path, file: &Path, variant: &str, timeout: u64) -> Result<ExitCode> {
    let source = std::fs::read_to_string(root.join(file))?;
    let meta = meta::parse(&source);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let result = local.block_on(
        &rt,
        harness::run(root, file, &meta, variant, Duration::from_secs(timeout)),
    )?;
    let subtests: Vec<_> = result
        .subtests
        .iter()
        .map(|s| serde_json::json!([s.name, s.passed, s.message]))
        .collect();
    println!(
        "{}",
        serde_json::json!({ "subtests": subtests, "error": result.error })
    );
    Ok(ExitCode::SUCCESS)
}

/// The parent's side: run one file in a child process, killed if it overstays.
fn run_child(root: &Path, file: &Path, variant: &str, timeout: Duration) -> harness::FileResult {
    let deadline = std::time::Instant::now() + timeout + Duration::from_secs(5);
    harness::report_of_child(
        |cmd| {
            cmd.args(["wpt-file", "--root"])
                .arg(root)
                .arg("--file")
                .arg(file)
                .args(["--variant", variant])
                .args(["--timeout", &timeout.as_secs().to_string()]);
        },
        deadline,
    )
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.to_string_lossy().ends_with(".any.js") {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
}

#[derive(Default)]
struct DirTotals {
    files: usize,
    passed: usize,
    total: usize,
    file_errors: usize,
}

fn run_wpt(args: WptArgs) -> Result<ExitCode> {
    if !args.root.join("resources/testharness.js").is_file() {
        println!(
            "no WPT checkout at {} (resources/testharness.js is missing): nothing to run",
            args.root.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let root = std::fs::canonicalize(&args.root)?;
    let peer_run = args.run.engine != peer::Engine::Edge;
    if peer_run && args.run.update {
        anyhow::bail!("--update records Edge's known failures; it cannot be used with --engine");
    }
    let engine_bin = args.run.engine_bin();
    let dirs: Vec<String> = if args.dirs.is_empty() {
        let mut all: Vec<String> = std::fs::read_dir(&root)?
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        all.sort();
        all
    } else {
        args.dirs.clone()
    };
    let mut totals: BTreeMap<String, DirTotals> = BTreeMap::new();
    let mut per_file = serde_json::Map::new();
    let mut differences = Vec::new();
    let mut by_top: BTreeMap<String, expectations::DirExpectations> = BTreeMap::new();
    for dir in &dirs {
        let mut files = Vec::new();
        collect(&root.join(dir), &root, &mut files);
        for file in files {
            let rel = file.to_string_lossy().replace('\\', "/");
            if args
                .filter
                .as_ref()
                .is_some_and(|f| !rel.contains(f.as_str()))
            {
                continue;
            }
            let top = rel.split('/').next().unwrap_or_default().to_string();
            let source = std::fs::read_to_string(root.join(&file))?;
            let meta = meta::parse(&source);
            if !meta.runs_in_worker_scope() {
                continue;
            }
            let variants = if meta.variants.is_empty() {
                vec![String::new()]
            } else {
                meta.variants.clone()
            };
            let timeout = Duration::from_secs(args.run.timeout * if meta.long { 3 } else { 1 });
            for variant in variants {
                let id = format!("{rel}{variant}");
                let result = match args.run.engine {
                    peer::Engine::Edge => run_child(&root, &file, &variant, timeout),
                    engine => {
                        peer::run(engine, &engine_bin, &root, &file, &meta, &variant, timeout)
                    }
                };
                let passed = result.subtests.iter().filter(|s| s.passed).count();
                eprintln!(
                    "{id}: {passed}/{}{}",
                    result.subtests.len(),
                    result
                        .error
                        .as_ref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                );
                let t = totals.entry(top.clone()).or_default();
                t.files += 1;
                t.passed += passed;
                t.total += result.subtests.len();
                t.file_errors += usize::from(result.error.is_some());
                if args.run.verbose {
                    for s in result.subtests.iter().filter(|s| !s.passed) {
                        println!(
                            "FAIL {id}: {} ({})",
                            s.name,
                            s.message.as_deref().unwrap_or("")
                        );
                    }
                    if let Some(e) = &result.error {
                        println!("ERROR {id}: {e}");
                    }
                }
                per_file.insert(
                    id.clone(),
                    serde_json::json!({
                        "passed": passed,
                        "total": result.subtests.len(),
                        "error": result.error,
                    }),
                );
                let exp = match by_top.get(&top) {
                    Some(_) => by_top.get_mut(&top).unwrap(),
                    None => {
                        let loaded =
                            expectations::load(&args.expectations.join(format!("{top}.json")))?;
                        by_top.entry(top.clone()).or_insert(loaded)
                    }
                };
                if peer_run {
                    continue;
                }
                expectations::record(exp, id, &result, args.run.update, &mut differences);
            }
        }
    }
    println!("| directory | files | files failed as a whole | subtests passed | % |");
    println!("|---|---|---|---|---|");
    for (dir, t) in &totals {
        let pct = if t.total == 0 {
            0.0
        } else {
            100.0 * t.passed as f64 / t.total as f64
        };
        println!(
            "| {dir} | {} | {} | {} / {} | {pct:.1} |",
            t.files, t.file_errors, t.passed, t.total
        );
    }
    expectations::write_json(args.run.json.as_deref(), per_file)?;
    expectations::conclude(
        &args.expectations,
        args.run.update,
        peer_run.then_some(engine_bin.as_path()),
        by_top.iter(),
        &differences,
    )
}
