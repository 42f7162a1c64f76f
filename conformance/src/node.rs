//! Node's own tests (`test/parallel/test-<module>*.js` of a Node checkout) run in Edge's
//! runtime: each file in a child process, in a scratch folder where `test/common` is Edge's
//! stand-in (`conformance/node/common`) and `test/fixtures` links to the checkout's. A file
//! passes when it runs to completion with no uncaught error and its `mustCall` checks hold
//! (checked as Node does on 'exit'); `common.skip()` counts as skipped, not passed. The files
//! expected to pass are listed in `conformance/expectations/node/<module>.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use edge_runtime::{Isolate, IsolateOptions};

/// The modules and the test-file prefixes that belong to each.
pub const MODULES: [(&str, &[&str]); 9] = [
    ("assert", &["assert"]),
    ("buffer", &["buffer"]),
    ("crypto", &["crypto"]),
    ("events", &["event-emitter", "events"]),
    ("path", &["path"]),
    ("querystring", &["querystring"]),
    ("string_decoder", &["string-decoder"]),
    ("url", &["url"]),
    ("util", &["util"]),
];

/// Edge's stand-in for `test/common`, written out next to each test.
const COMMON: [(&str, &str); 4] = [
    ("index.js", include_str!("../node/common/index.js")),
    ("index.mjs", include_str!("../node/common/index.mjs")),
    ("crypto.js", include_str!("../node/common/crypto.js")),
    ("fixtures.js", include_str!("../node/common/fixtures.js")),
];

#[derive(clap::Args)]
pub struct NodeArgs {
    /// The Node checkout (the folder holding `test/parallel`).
    #[arg(long)]
    root: PathBuf,
    /// Modules to run (default: all of them).
    modules: Vec<String>,
    /// Only files whose name contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Where the lists of passing files live.
    #[arg(long, default_value = "conformance/expectations/node")]
    expectations: PathBuf,
    /// Rewrite the lists from this run instead of comparing.
    #[arg(long)]
    update: bool,
    /// Seconds a test file may run.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Print why each file failed.
    #[arg(long)]
    verbose: bool,
}

/// One file's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Skip(String),
    Fail(String),
}

fn test_files(root: &Path, prefixes: &[&str]) -> Result<Vec<String>> {
    let dir = root.join("test/parallel");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            (name.ends_with(".js") || name.ends_with(".mjs"))
                && prefixes.iter().any(|p| {
                    name.strip_prefix("test-")
                        .and_then(|rest| rest.strip_prefix(p))
                        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('.'))
                })
        })
        .collect();
    files.sort();
    Ok(files)
}

fn load_list(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// The parent's side: every file of the chosen modules, a summary per module, and the
/// comparison with the lists of passing files.
pub fn run(args: NodeArgs) -> Result<ExitCode> {
    if !args.root.join("test/parallel").is_dir() {
        println!(
            "no Node checkout at {} (test/parallel is missing): nothing to run",
            args.root.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let root = std::fs::canonicalize(&args.root)?;
    let chosen: Vec<_> = MODULES
        .iter()
        .filter(|(m, _)| args.modules.is_empty() || args.modules.iter().any(|a| a == m))
        .collect();
    if chosen.is_empty() {
        anyhow::bail!("no such module; choose from {:?}", MODULES.map(|(m, _)| m));
    }
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    let (mut all_files, mut all_passed) = (0, 0);
    println!("| module | files | passed | skipped | failed | % passed |");
    println!("|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for (module, prefixes) in chosen {
        let list_path = args.expectations.join(format!("{module}.txt"));
        let expected = load_list(&list_path);
        let mut passing = BTreeSet::new();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let files = test_files(&root, prefixes)?;
        for file in &files {
            if args
                .filter
                .as_ref()
                .is_some_and(|f| !file.contains(f.as_str()))
            {
                continue;
            }
            let outcome = run_child(&root, file, Duration::from_secs(args.timeout));
            let label = match &outcome {
                Outcome::Pass => "passed",
                Outcome::Skip(_) => "skipped",
                Outcome::Fail(_) => "failed",
            };
            *counts.entry(label).or_default() += 1;
            if args.verbose {
                match &outcome {
                    Outcome::Pass => eprintln!("PASS {file}"),
                    Outcome::Skip(why) => eprintln!("SKIP {file}: {why}"),
                    Outcome::Fail(why) => eprintln!("FAIL {file}: {}", first_lines(why, 6)),
                }
            }
            if outcome == Outcome::Pass {
                passing.insert(file.clone());
                if !expected.contains(file) {
                    improvements.push(file.clone());
                }
            } else if expected.contains(file) {
                regressions.push(format!(
                    "{file}: {}",
                    first_lines(&format!("{outcome:?}"), 3)
                ));
            }
        }
        let n = files.len();
        let passed = counts.get("passed").copied().unwrap_or(0);
        all_files += n;
        all_passed += passed;
        rows.push(format!(
            "| {module} | {n} | {passed} | {} | {} | {:.0} |",
            counts.get("skipped").copied().unwrap_or(0),
            counts.get("failed").copied().unwrap_or(0),
            if n == 0 {
                0.0
            } else {
                100.0 * passed as f64 / n as f64
            }
        ));
        if args.update && args.filter.is_none() {
            std::fs::create_dir_all(&args.expectations)?;
            let mut text = format!(
                "# Node's test/parallel files for node:{module} that pass in Edge ({passed} of {n}).\n# Written by `edge-conformance node --update`.\n"
            );
            for f in &passing {
                text.push_str(f);
                text.push('\n');
            }
            std::fs::write(&list_path, text)?;
        }
    }
    for row in rows {
        println!("{row}");
    }
    println!(
        "| all | {all_files} | {all_passed} | | | {:.0} |",
        if all_files == 0 {
            0.0
        } else {
            100.0 * all_passed as f64 / all_files as f64
        }
    );
    if args.update {
        println!("pass lists updated in {}", args.expectations.display());
        return Ok(ExitCode::SUCCESS);
    }
    for f in &improvements {
        println!("newly passing: {f} (run with --update to add it to the list)");
    }
    for r in &regressions {
        println!("REGRESSION: {r}");
    }
    if regressions.is_empty() {
        println!("every listed file passes");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} listed file(s) no longer pass", regressions.len());
        Ok(ExitCode::FAILURE)
    }
}

fn first_lines(text: &str, n: usize) -> String {
    text.lines().take(n).collect::<Vec<_>>().join(" | ")
}

/// Runs one file in a child process, killed if it overstays.
fn run_child(root: &Path, file: &str, timeout: Duration) -> Outcome {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    let mut child = match std::process::Command::new(exe)
        .args(["node-file", "--root"])
        .arg(root)
        .args(["--file", file, "--timeout", &timeout.as_secs().to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    let reader = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut out = String::new();
            let _ = stdout.read_to_string(&mut out);
            out
        })
    });
    let deadline = std::time::Instant::now() + timeout + Duration::from_secs(5);
    match crate::harness::wait_or_kill(&mut child, deadline) {
        Ok(true) => {}
        Ok(false) => return Outcome::Fail("killed (hang or endless loop)".into()),
        Err(e) => return Outcome::Fail(e.to_string()),
    }
    let out = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(out.trim()) else {
        return Outcome::Fail("the test process crashed or printed no result".into());
    };
    let message = value["message"].as_str().unwrap_or_default().to_string();
    match value["status"].as_str() {
        Some("pass") => Outcome::Pass,
        Some("skip") => Outcome::Skip(message),
        _ => Outcome::Fail(message),
    }
}

/// The child's side: lays out the scratch folder, runs the file, prints the outcome as JSON.
pub fn run_file(root: &Path, file: &str, timeout: u64) -> Result<ExitCode> {
    let scratch = std::env::temp_dir().join(format!("edge-node-test-{}", std::process::id()));
    let outcome = (|| -> Result<Outcome> {
        let common = scratch.join("test/common");
        std::fs::create_dir_all(&common)?;
        std::fs::create_dir_all(scratch.join("test/parallel"))?;
        for (name, text) in COMMON {
            std::fs::write(common.join(name), text)?;
        }
        let fixtures = scratch.join("test/fixtures");
        if !fixtures.exists() {
            std::os::unix::fs::symlink(root.join("test/fixtures"), &fixtures)?;
        }
        let entry = scratch.join("test/parallel").join(file);
        std::fs::copy(root.join("test/parallel").join(file), &entry)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, run_in_isolate(&entry, Duration::from_secs(timeout)))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    let (status, message) = match outcome {
        Ok(Outcome::Pass) => ("pass", String::new()),
        Ok(Outcome::Skip(m)) => ("skip", m),
        Ok(Outcome::Fail(m)) => ("fail", m),
        Err(e) => ("fail", format!("{e:#}")),
    };
    println!(
        "{}",
        serde_json::json!({ "status": status, "message": message })
    );
    Ok(ExitCode::SUCCESS)
}

async fn run_in_isolate(entry: &Path, timeout: Duration) -> Result<Outcome> {
    let output = Arc::new(Mutex::new(String::new()));
    let sink = output.clone();
    let isolate = Isolate::new(IsolateOptions {
        log: Arc::new(move |_, line: &str| {
            let mut out = sink.lock().unwrap();
            if out.len() < 16 * 1024 {
                out.push_str(line);
                out.push('\n');
            }
        }),
        ..IsolateOptions::default()
    })
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let _driver = tokio::task::spawn_local(isolate.driver());
    let ran = tokio::time::timeout(timeout, isolate.run_main(entry)).await;
    let skipped = isolate
        .eval_script("skipped.js", "globalThis.__edgeNodeTestSkipped?.() ?? null")
        .await
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str::<Option<String>>(&json).ok().flatten());
    if let Some(why) = skipped {
        return Ok(Outcome::Skip(why));
    }
    let log = output.lock().unwrap().clone();
    match ran {
        Err(_) => return Ok(Outcome::Fail(format!("timed out after {timeout:?}\n{log}"))),
        Ok(Err(e)) => return Ok(Outcome::Fail(format!("{e}\n{log}"))),
        Ok(Ok(())) => {}
    }
    match isolate
        .eval_script(
            "exit.js",
            "globalThis.__edgeNodeTestExit?.(process.exitCode)",
        )
        .await
    {
        Ok(_) => Ok(Outcome::Pass),
        Err(e) => Ok(Outcome::Fail(format!("on exit: {e}\n{log}"))),
    }
}
