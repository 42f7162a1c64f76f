//! `edge dev`: serve one app on a local port with error details in responses, and reload it
//! when one of its source files changes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use edge_isolates::{AppConfig, AppHost, IsolateOptions, WorkerPool};
use edge_router::ServerConfig;

use crate::outbound::OutboundArgs;
use crate::watch::Watcher;

#[derive(Args)]
pub struct DevArgs {
    /// The app: an entry file, or a folder holding edge.toml (its `main`, `[vars]` and
    /// `node_compat` are used) or index.ts / index.js. Default: the current folder.
    #[arg(default_value = ".")]
    entry: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// A variable for `env`, as KEY=VALUE (repeatable; overrides edge.toml's [vars]).
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Do not reload when files change.
    #[arg(long)]
    no_watch: bool,
    /// Turn Node compatibility off: no `node:` modules, no `process` or `Buffer` globals.
    #[arg(long)]
    no_node_compat: bool,
    #[command(flatten)]
    outbound: OutboundArgs,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got '{s}'")),
    }
}

pub fn main(args: DevArgs) -> Result<ExitCode> {
    crate::init_tracing("info");
    let mut args = args;
    let mut bindings = Vec::new();
    let entry = if args.entry.is_dir() && args.entry.join(crate::project::FILE).is_file() {
        let project = crate::project::Project::load(&args.entry)?;
        // Compiled WebAssembly is kept in the project's .edge/wasm-cache between runs.
        edge_runtime::set_wasm_cache_dir(project.dir.join(".edge").join("wasm-cache"));
        // KV namespaces live in the project's .edge/kv.sqlite, databases in .edge/d1/<id>.sqlite,
        // kept between runs.
        for (binding, id) in &project.d1_databases {
            let path = project
                .dir
                .join(".edge")
                .join("d1")
                .join(format!("{id}.sqlite"));
            let file = edge_isolates::SqlFile::open(&path).map_err(|e| anyhow!(e))?;
            bindings.push(edge_runtime::bindings::Binding {
                name: binding.clone(),
                kind: edge_runtime::bindings::BindingKind::Sql(file.database()),
            });
            say!("edge dev: database {binding} is kept in {}", path.display());
        }
        if !project.queue_producers.is_empty()
            || !project.queue_consumers.is_empty()
            || !project.services.is_empty()
            || !project.crons.is_empty()
        {
            say!(
                "edge dev: queues, service bindings and cron triggers run on a node (edge serve); they are not set up here"
            );
        }
        if !project.kv_namespaces.is_empty() {
            let path = project.dir.join(".edge").join("kv.sqlite");
            let file = edge_isolates::KvFile::open(&path).map_err(|e| anyhow!(e))?;
            for (binding, id) in &project.kv_namespaces {
                bindings.push(edge_runtime::bindings::Binding {
                    name: binding.clone(),
                    kind: edge_runtime::bindings::BindingKind::Kv(
                        file.namespace(format!("{}/{id}", project.name)),
                    ),
                });
            }
            say!(
                "edge dev: KV namespaces {} are kept in {}",
                project
                    .kv_namespaces
                    .iter()
                    .map(|(b, _)| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                path.display()
            );
        }
        let mut vars: Vec<(String, String)> = project
            .vars
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        // Secrets for development, as wrangler keeps them: `.dev.vars` beside edge.toml.
        let dev_vars = crate::project::read_dev_vars(&project.dir)?;
        for name in project.secrets.iter() {
            if !dev_vars.iter().any(|(k, _)| k == name) {
                eprintln!(
                    "edge dev: secret {name} (declared in edge.toml) has no value here: add {name}=... to .dev.vars"
                );
            }
        }
        for (k, v) in dev_vars.into_iter().chain(std::mem::take(&mut args.vars)) {
            vars.retain(|(name, _)| *name != k);
            vars.push((k, v));
        }
        args.vars = vars;
        args.no_node_compat |= !project.node_compat;
        let entry = project.dir.join(&project.main);
        if !entry.is_file() {
            anyhow::bail!(
                "main = \"{}\" in {}: there is no such file",
                project.main,
                crate::project::FILE
            );
        }
        entry
    } else {
        crate::entry::resolve(&args.entry)?
    };
    let outbound = args.outbound.config()?;
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .with_context(|| format!("invalid address {}:{}", args.host, args.port))?;
    // One worker runs the app's isolate and serves its connections on the same thread.
    let pool = Arc::new(WorkerPool::new(1).context("cannot start the worker thread")?);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let config = AppConfig {
            entry: entry.clone(),
            isolate: IsolateOptions {
                env: args.vars.clone(),
                outbound: Some(outbound),
                node_compat: !args.no_node_compat,
                bindings,
                ..IsolateOptions::default()
            },
            heap_gauge: None,
        };
        let host = AppHost::start(config, pool.clone())
            .await
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("cannot load {}", entry.display()))?;
        let host = Arc::new(host);
        let listener = std::net::TcpListener::bind(addr)
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        edge_router::serve(
            listener,
            None,
            host.clone(),
            &pool,
            Arc::new(ServerConfig::dev()),
        )?;
        say!("edge dev: serving {} on http://{bound}", entry.display());
        if args.outbound.policy().allows_private() {
            say!(
                "edge dev: fetch() may reach loopback and private addresses on this machine \
                 (--deny-private-network applies the production policy)"
            );
        }
        if !args.no_watch {
            tokio::spawn(watch_loop(host));
        }
        let _ = tokio::signal::ctrl_c().await;
        Ok(ExitCode::SUCCESS)
    })
}

async fn watch_loop(host: Arc<AppHost>) {
    let mut watcher = Watcher::new(host.files());
    let mut interval = tokio::time::interval(Duration::from_millis(250));
    loop {
        interval.tick().await;
        if !watcher.changed() {
            continue;
        }
        match host.reload().await {
            Ok(()) => {
                say!("edge dev: reloaded");
                watcher.reset(host.files());
            }
            Err(e) => {
                eprintln!("edge dev: reload failed, still serving the previous version:\n{e}")
            }
        }
    }
}
