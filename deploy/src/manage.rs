//! The commands on a deployed app: `edge versions`, `edge rollback`, `edge secrets`,
//! `edge logs`. The app is the one named in `edge.toml` (or `--name`). A secret's value is
//! read from the terminal or stdin and sent to the node; it is never printed or logged.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Client;
use crate::credentials::{self, NodeArgs};
use crate::project::{self, Project};

/// Which app, on which node.
#[derive(clap::Args, Clone)]
pub struct AppArgs {
    /// The app (default: `name` in edge.toml).
    #[arg(long)]
    name: Option<String>,
    /// The project folder whose edge.toml names the app.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    node: NodeArgs,
}

#[derive(clap::Args)]
pub struct RollbackArgs {
    /// The version to make live (default: the one live before the current one).
    version: Option<u64>,
    #[command(flatten)]
    app: AppArgs,
}

#[derive(clap::Subcommand)]
pub enum SecretsCommand {
    /// Set a secret: the value is read from the terminal (not echoed) or from stdin.
    Put {
        /// The secret's name, as the app reads it (`env.NAME`).
        secret: String,
        #[command(flatten)]
        app: AppArgs,
    },
    /// List the secrets' names (values are never shown).
    List {
        #[command(flatten)]
        app: AppArgs,
    },
    /// Delete a secret.
    Delete {
        secret: String,
        #[command(flatten)]
        app: AppArgs,
    },
}

#[derive(clap::Args)]
pub struct LogsArgs {
    /// Keep printing the app's console output as it happens.
    #[arg(long, short = 'f', alias = "follow")]
    tail: bool,
    #[command(flatten)]
    app: AppArgs,
}

impl AppArgs {
    fn app_name(&self) -> Result<String> {
        let name = match &self.name {
            Some(n) => n.clone(),
            None => {
                Project::load(&self.dir)
                    .context("name the app with --name, or run this in the app's folder")?
                    .name
            }
        };
        if !project::valid_app_name(&name) {
            bail!("'{name}' is not an app name");
        }
        Ok(name)
    }

    fn connect(&self) -> Result<(String, Client, tokio::runtime::Runtime)> {
        let name = self.app_name()?;
        let client = Client::new(&credentials::resolve(&self.node)?)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok((name, client, runtime))
    }
}

/// Seconds since 1970 as `YYYY-MM-DD HH:MM:SS` UTC.
fn timestamp(secs: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
    edge_router::access_log::rfc3339(at)[..19].replace('T', " ")
}

pub fn versions_main(args: AppArgs) -> Result<std::process::ExitCode> {
    let (name, client, runtime) = args.connect()?;
    let list =
        runtime.block_on(client.call(Method::GET, &format!("/v1/apps/{name}/versions"), None))?;
    let active = list["active"].as_i64();
    let previous = list["previous"].as_i64();
    say!(
        "{:<8} {:<20} {:<14} {:<24} ",
        "VERSION",
        "CREATED (UTC)",
        "BUNDLE",
        "MAIN"
    );
    let mut versions = list["versions"].as_array().cloned().unwrap_or_default();
    versions.sort_by_key(|v| std::cmp::Reverse(v["id"].as_i64()));
    for v in versions {
        let id = v["id"].as_i64().unwrap_or(0);
        let mark = if Some(id) == active {
            "live"
        } else if Some(id) == previous {
            "previous"
        } else {
            ""
        };
        let bundle = v["bundle"].as_str().unwrap_or("");
        say!(
            "{:<8} {:<20} {:<14} {:<24} {mark}",
            id,
            timestamp(v["created_at"].as_i64().unwrap_or(0)),
            &bundle[..bundle.len().min(12)],
            v["main"].as_str().unwrap_or("")
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn rollback_main(args: RollbackArgs) -> Result<std::process::ExitCode> {
    let (name, client, runtime) = args.app.connect()?;
    let body = match args.version {
        Some(v) => json!({ "version": v }),
        None => json!({}),
    };
    let answer = runtime.block_on(client.call(
        Method::POST,
        &format!("/v1/apps/{name}/rollback"),
        Some(&body),
    ))?;
    say!(
        "Rolled back {name}: version {} is live (was {}).",
        answer["active"],
        answer["previous"]
    );
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn secrets_main(command: SecretsCommand) -> Result<std::process::ExitCode> {
    match command {
        SecretsCommand::Put { secret, app } => {
            if !project::valid_var_name(&secret) {
                bail!("'{secret}' is not a secret name: use letters, digits and '_'");
            }
            let (name, client, runtime) = app.connect()?;
            let value = crate::prompt::read_secret(&format!("Value of {secret} for {name}: "))?;
            runtime.block_on(client.call(
                Method::PUT,
                &format!("/v1/apps/{name}/secrets/{secret}"),
                Some(&json!({ "value": value })),
            ))?;
            say!("Set secret {secret} of {name}.");
        }
        SecretsCommand::List { app } => {
            let (name, client, runtime) = app.connect()?;
            let list = runtime.block_on(client.call(
                Method::GET,
                &format!("/v1/apps/{name}/secrets"),
                None,
            ))?;
            for s in list["secrets"].as_array().into_iter().flatten() {
                say!("{}", s.as_str().unwrap_or(""));
            }
        }
        SecretsCommand::Delete { secret, app } => {
            if !project::valid_var_name(&secret) {
                bail!("'{secret}' is not a secret name: use letters, digits and '_'");
            }
            let (name, client, runtime) = app.connect()?;
            runtime.block_on(client.call(
                Method::DELETE,
                &format!("/v1/apps/{name}/secrets/{secret}"),
                None,
            ))?;
            say!("Deleted secret {secret} of {name}.");
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn logs_main(args: LogsArgs) -> Result<std::process::ExitCode> {
    let (name, client, runtime) = args.app.connect()?;
    let path = format!("/v1/apps/{name}/logs");
    if !args.tail {
        let logs = runtime.block_on(client.call(Method::GET, &path, None))?;
        for line in logs["lines"].as_array().into_iter().flatten() {
            say!("{}", line.as_str().unwrap_or(""));
        }
        return Ok(std::process::ExitCode::SUCCESS);
    }
    runtime.block_on(async {
        let req = client
            .builder(Method::GET, &path)
            .header("accept", "text/event-stream");
        let res = req
            .send()
            .await
            .with_context(|| format!("cannot reach the node at {}", client.base))?;
        if !res.status().is_success() {
            let status = res.status();
            let text = res.text().await.unwrap_or_default();
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            crate::client::ok(crate::client::Answer { status, body }, "the log tail")?;
            bail!("the node did not start the tail");
        }
        eprintln!("Tailing {name}'s console (Ctrl-C to stop)");
        let mut stream = res.bytes_stream();
        // Bytes until a whole line is in: a character may be split between chunks.
        let mut pending: Vec<u8> = Vec::new();
        let mut event = SseEvent::default();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.context("the node ended the tail")?;
            pending.extend_from_slice(&chunk);
            while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                event.feed(String::from_utf8_lossy(&line).trim_end_matches(['\n', '\r']));
            }
        }
        bail!("the node ended the tail")
    })
}

/// One Server-Sent Event being read.
#[derive(Default)]
struct SseEvent {
    name: String,
    data: Vec<String>,
}

impl SseEvent {
    fn feed(&mut self, line: &str) {
        if line.is_empty() {
            let text = self.data.join("\n");
            match self.name.as_str() {
                "lagged" => eprintln!("({text})"),
                _ if !self.data.is_empty() => say!("{text}"),
                _ => {}
            }
            *self = SseEvent::default();
        } else if let Some(v) = line.strip_prefix("event:") {
            self.name = v.trim_start().to_owned();
        } else if let Some(v) = line.strip_prefix("data:") {
            self.data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00");
        assert_eq!(timestamp(1_795_000_000), "2026-11-18 11:06:40");
    }
}
