//! `edge build`: the app's bundle with a runtime for another platform. `--target lambda`: the
//! `edge-lambda` runtime and the bundle as one AWS Lambda deployment package (a zip with
//! `bootstrap` and `app/`) for a `provided.al2023` function. `--target image`: an OCI image
//! with `edge-cloudrun` for Google Cloud Run (see `image.rs`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::zip;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Target {
    /// An AWS Lambda deployment package (custom runtime, provided.al2023).
    Lambda,
    /// An OCI image for Google Cloud Run (a layout directory, or an archive if --out ends
    /// in .tar).
    Image,
}

impl Target {
    /// The runtime binary it packages, and the variable naming another one.
    fn runtime(self) -> (&'static str, &'static str) {
        match self {
            Target::Lambda => ("edge-lambda", "EDGE_LAMBDA_BIN"),
            Target::Image => ("edge-cloudrun", "EDGE_CLOUDRUN_BIN"),
        }
    }
}

#[derive(clap::Args)]
pub struct BuildArgs {
    /// What to build.
    #[arg(long)]
    target: Target,
    /// The project folder (holding edge.toml).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Where to write it (default: `.edge/lambda.zip` or `.edge/image/` in the project).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// The runtime binary to package: `edge-lambda` (as `bootstrap`) or `edge-cloudrun`
    /// (default: `EDGE_LAMBDA_BIN`/`EDGE_CLOUDRUN_BIN`, else the one beside this `edge`).
    #[arg(long, value_name = "PATH", alias = "bootstrap")]
    runtime_binary: Option<PathBuf>,
}

/// Where the package goes: `--out`, else `.edge/<default>` in the project; its folder made.
fn output(args: &BuildArgs, project: &crate::project::Project, default: &str) -> Result<PathBuf> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| project.dir.join(".edge").join(default));
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(out)
}

fn find_runtime(target: Target, given: Option<PathBuf>) -> Result<PathBuf> {
    let (name, var) = target.runtime();
    let candidate = given
        .or_else(|| std::env::var_os(var).map(PathBuf::from))
        .or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|d| d.join(name)))
        });
    match candidate {
        Some(path) if path.is_file() => Ok(path),
        Some(path) => bail!(
            "no {name} binary at {} (build it with `cargo build --release -p {name}`, or pass --runtime-binary)",
            path.display()
        ),
        None => bail!("cannot tell where {name} is: pass --runtime-binary"),
    }
}

pub fn main(args: BuildArgs) -> Result<std::process::ExitCode> {
    let (project, bundle) = crate::publish::make(&args.dir)?;
    match args.target {
        Target::Lambda => lambda(&args, &project, &bundle),
        Target::Image => image(&args, &project, &bundle),
    }
}

fn image(
    args: &BuildArgs,
    project: &crate::project::Project,
    bundle: &crate::bundle::Bundle,
) -> Result<std::process::ExitCode> {
    let runtime = find_runtime(Target::Image, args.runtime_binary.clone())?;
    let out = output(args, project, "image")?;
    let image = crate::image::write(&bundle.contents, &runtime, &project.name, &out)?;
    say!(
        "Wrote the OCI image {} to {} ({:.1} MiB; edge-cloudrun with {} shared libraries, user 65532, port 8080)",
        image.digest,
        out.display(),
        image.size as f64 / (1024.0 * 1024.0),
        image.libraries
    );
    let source = if out.extension().is_some_and(|e| e == "tar") {
        format!("oci-archive:{}", out.display())
    } else {
        format!("oci:{}:latest", out.display())
    };
    say!("Push it and deploy it:");
    say!(
        "  skopeo copy {source} docker://REGION-docker.pkg.dev/PROJECT/REPO/{}:latest",
        project.name
    );
    say!(
        "  gcloud run deploy {} --image REGION-docker.pkg.dev/PROJECT/REPO/{}:latest --port 8080",
        project.name,
        project.name
    );
    Ok(std::process::ExitCode::SUCCESS)
}

fn lambda(
    args: &BuildArgs,
    project: &crate::project::Project,
    bundle: &crate::bundle::Bundle,
) -> Result<std::process::ExitCode> {
    let bootstrap = find_runtime(Target::Lambda, args.runtime_binary.clone())?;
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
    let out = output(args, project, "lambda.zip")?;
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
