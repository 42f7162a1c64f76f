//! `edge build --target lambda`: the app's bundle and the `edge-lambda` runtime as one AWS
//! Lambda deployment package (a zip with `bootstrap` and `app/`), for a `provided.al2023`
//! function.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::zip;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Target {
    /// An AWS Lambda deployment package (custom runtime, provided.al2023).
    Lambda,
}

#[derive(clap::Args)]
pub struct BuildArgs {
    /// What to build.
    #[arg(long)]
    target: Target,
    /// The project folder (holding edge.toml).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Where to write the package (default: `.edge/lambda.zip` in the project).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// The `edge-lambda` binary to package as `bootstrap` (default: `EDGE_LAMBDA_BIN`, else
    /// the one beside this `edge`).
    #[arg(long, value_name = "PATH")]
    bootstrap: Option<PathBuf>,
}

fn find_bootstrap(given: Option<PathBuf>) -> Result<PathBuf> {
    let candidate = given
        .or_else(|| std::env::var_os("EDGE_LAMBDA_BIN").map(PathBuf::from))
        .or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|d| d.join("edge-lambda")))
        });
    match candidate {
        Some(path) if path.is_file() => Ok(path),
        Some(path) => bail!(
            "no edge-lambda binary at {} (build it with `cargo build --release -p edge-lambda`, or pass --bootstrap)",
            path.display()
        ),
        None => bail!("cannot tell where edge-lambda is: pass --bootstrap"),
    }
}

pub fn main(args: BuildArgs) -> Result<std::process::ExitCode> {
    let (project, bundle) = crate::publish::make(&args.dir)?;
    match args.target {
        Target::Lambda => lambda(&args, &project, &bundle),
    }
}

fn lambda(
    args: &BuildArgs,
    project: &crate::project::Project,
    bundle: &crate::bundle::Bundle,
) -> Result<std::process::ExitCode> {
    let bootstrap = find_bootstrap(args.bootstrap.clone())?;
    let binary = std::fs::read(&bootstrap)
        .with_context(|| format!("cannot read {}", bootstrap.display()))?;
    if !binary.starts_with(b"\x7fELF") {
        bail!("{} is not a Linux executable", bootstrap.display());
    }
    let names: Vec<String> = bundle
        .contents
        .keys()
        .map(|name| format!("app/{name}"))
        .collect();
    let mut entries = vec![zip::Entry {
        name: "bootstrap",
        data: &binary,
        mode: 0o755,
    }];
    for (name, (_, data)) in names.iter().zip(bundle.contents.iter()) {
        entries.push(zip::Entry {
            name,
            data,
            mode: 0o644,
        });
    }
    let package = zip::write(&entries).context("cannot write the package")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| project.dir.join(".edge").join("lambda.zip"));
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&out, &package).with_context(|| format!("cannot write {}", out.display()))?;
    let arch = elf_arch(&binary);
    say!(
        "Wrote {} ({:.1} MiB: bootstrap for {arch}, {} app files)",
        out.display(),
        package.len() as f64 / (1024.0 * 1024.0),
        bundle.contents.len()
    );
    print_next_steps(&project.name, &out, arch);
    Ok(std::process::ExitCode::SUCCESS)
}

/// `x86_64` or `arm64`, as Lambda names architectures.
fn elf_arch(binary: &[u8]) -> &'static str {
    match binary.get(18..20) {
        Some([0x3e, 0x00]) => "x86_64",
        Some([0xb7, 0x00]) => "arm64",
        _ => "an unknown architecture",
    }
}

fn print_next_steps(name: &str, zip: &Path, arch: &str) {
    say!("Create the function and a streaming Function URL:");
    say!(
        "  aws lambda create-function --function-name {name} --runtime provided.al2023 --architectures {arch} \\\n    --handler bootstrap --zip-file fileb://{} --role <execution-role-arn> \\\n    --environment 'Variables={{EDGE_LAMBDA_INVOKE_MODE=response_stream}}'",
        zip.display()
    );
    say!("  aws lambda create-function-url-config --function-name {name} --auth-type NONE --invoke-mode RESPONSE_STREAM");
}
