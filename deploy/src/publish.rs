//! `edge bundle` and `edge deploy`: read `edge.toml`, bundle the app (every error is found
//! here, before anything is sent), then bring the node in step: settings, variables, the
//! bundle (uploaded only if the node lacks it, with a progress bar), the new version made
//! live once it has loaded, routes; and print the version and its URLs.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use crate::bundle::{self, Bundle};
use crate::client::{ok, Client};
use crate::credentials::{self, NodeArgs};
use crate::project::Project;

#[derive(clap::Args)]
pub struct BundleArgs {
    /// The project folder (holding edge.toml).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Where to write the bundle (default: `.edge/bundle.tar.gz` in the project).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct DeployArgs {
    /// The project folder (holding edge.toml).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    node: NodeArgs,
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// Reads the project and bundles it, printing what was made.
pub fn make(dir: &std::path::Path) -> Result<(Project, Bundle)> {
    let project = Project::load(dir)?;
    let bundle = bundle::build(
        &project.dir,
        &project.main,
        &bundle::Options {
            name: &project.name,
            compatibility_date: project.compatibility_date.as_deref(),
            node_compat: project.node_compat,
        },
    )?;
    for w in &bundle.warnings {
        eprintln!("warning: {w}");
    }
    say!(
        "Bundled {} from {}: {} modules, {} files, {} (sha256 {})",
        project.name,
        bundle.main,
        bundle.modules.len(),
        bundle.files.len(),
        size(bundle.bytes.len()),
        &bundle.hash[..12]
    );
    Ok((project, bundle))
}

pub fn bundle_main(args: BundleArgs) -> Result<std::process::ExitCode> {
    let (project, bundle) = make(&args.dir)?;
    let out = args
        .out
        .unwrap_or_else(|| project.dir.join(".edge").join("bundle.tar.gz"));
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&out, &bundle.bytes)
        .with_context(|| format!("cannot write {}", out.display()))?;
    say!("Wrote {}", out.display());
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn deploy_main(args: DeployArgs) -> Result<std::process::ExitCode> {
    // Everything that can fail locally fails before the network is touched.
    let (project, bundle) = make(&args.dir)?;
    let target = credentials::resolve(&args.node)?;
    let client = Client::new(&target)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(deploy(&client, &project, &bundle))?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// The node's settings with its defaults filled in, to compare with the project's.
fn normalized_settings(settings: &Value) -> Value {
    let mut s = settings.as_object().cloned().unwrap_or_default();
    s.retain(|_, v| !v.is_null());
    s.entry("node_compat").or_insert(json!(true));
    s.entry("allowed_hosts").or_insert(json!([]));
    Value::Object(s)
}

async fn deploy(client: &Client, project: &Project, bundle: &Bundle) -> Result<()> {
    let name = &project.name;
    let app_path = format!("/v1/apps/{name}");
    let current = client.get_optional(&app_path).await?;
    let mut changed = Vec::new();

    let settings = project.settings();
    let settings_differ = current
        .as_ref()
        .is_none_or(|a| normalized_settings(&a["settings"]) != normalized_settings(&settings));
    if settings_differ {
        client.call(Method::PUT, &app_path, Some(&settings)).await?;
        changed.push(if current.is_none() {
            "created the app"
        } else {
            "settings"
        });
    }

    if let Some(vars) = &project.vars {
        let now = client
            .call(Method::GET, &format!("{app_path}/vars"), None)
            .await?;
        if now["vars"] != json!(vars) {
            client
                .call(Method::PUT, &format!("{app_path}/vars"), Some(&json!(vars)))
                .await?;
            changed.push("variables");
        }
    }

    let live = current.as_ref().and_then(|a| {
        let active = a["active"].as_i64()?;
        a["versions"]
            .as_array()?
            .iter()
            .find(|v| v["id"].as_i64() == Some(active))
            .cloned()
    });
    let version = match live.filter(|v| v["bundle"] == json!(bundle.hash)) {
        Some(v) => v["id"].as_i64().unwrap_or(0),
        None => {
            let answer = if client.has_bundle(&bundle.hash).await? {
                say!("The node has this bundle already; not uploading it.");
                let req = crate::client::with_json(
                    client.builder(Method::POST, &format!("{app_path}/versions?activate=true")),
                    &json!({ "bundle": bundle.hash }),
                );
                client.send(req).await?
            } else {
                upload(client, &app_path, bundle).await?
            };
            let body = ok(answer, "the upload")?;
            changed.push("version");
            body["version"].as_i64().unwrap_or(0)
        }
    };

    if let Some(routes) = &project.routes {
        let now: Vec<Value> = current
            .as_ref()
            .and_then(|a| a["routes"].as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|r| json!({ "host": r["host"], "path": r["path"] }))
            .collect();
        let wanted: Vec<Value> = routes
            .iter()
            .map(|r| json!({ "host": r.host, "path": r.path }))
            .collect();
        if now != wanted {
            client
                .call(
                    Method::PUT,
                    &format!("{app_path}/routes"),
                    Some(&json!({ "routes": wanted })),
                )
                .await?;
            changed.push("routes");
        }
    }

    let app = client.call(Method::GET, &app_path, None).await?;
    if changed.is_empty() {
        say!("No changes: version {version} of {name} is live.");
    } else {
        say!(
            "Deployed {name} version {version} ({}).",
            changed.join(", ")
        );
    }
    let have: Vec<&str> = app["secrets"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for missing in project
        .secrets
        .iter()
        .filter(|s| !have.contains(&s.as_str()))
    {
        eprintln!(
            "warning: secret {missing} is declared in edge.toml but not set: run `edge secrets put {missing}`"
        );
    }
    for url in app["urls"].as_array().into_iter().flatten() {
        if let Some(url) = url.as_str() {
            say!("  {url}");
        }
    }
    Ok(())
}

/// Uploads the bundle as the app's new version, made live once it loads.
async fn upload(client: &Client, app_path: &str, bundle: &Bundle) -> Result<crate::client::Answer> {
    use std::io::IsTerminal;
    let total = bundle.bytes.len() as u64;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "Uploading {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    say!("Uploading {} ...", size(bundle.bytes.len()));
    let chunks: Vec<bytes::Bytes> = bytes::Bytes::from(bundle.bytes.clone())
        .chunks(64 << 10)
        .map(bytes::Bytes::copy_from_slice)
        .collect();
    let progress = bar.clone();
    let stream = futures_util::stream::iter(chunks.into_iter().map(move |c| {
        progress.inc(c.len() as u64);
        Ok::<_, std::io::Error>(c)
    }));
    let req = client
        .builder(Method::POST, &format!("{app_path}/versions?activate=true"))
        .header("content-type", "application/gzip")
        .header("content-length", total)
        .body(reqwest::Body::wrap_stream(stream));
    let answer = client.send(req).await;
    bar.finish_and_clear();
    let answer = answer?;
    if answer.status == reqwest::StatusCode::PAYLOAD_TOO_LARGE {
        bail!(
            "the node refused the bundle as too large ({}): {}",
            size(bundle.bytes.len()),
            answer
                .body
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or("")
        );
    }
    Ok(answer)
}
