//! The runtimes under test and how each one serves the benchmark app in its own style.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::peers::Tools;

const FETCH_APP: &str = include_str!("../apps/fetch-app.js");
const NODE_APP: &str = include_str!("../apps/node-app.mjs");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    Edge,
    Deno,
    Bun,
    Node,
    Workerd,
}

impl Runtime {
    pub const ALL: [Runtime; 5] = [
        Runtime::Edge,
        Runtime::Deno,
        Runtime::Bun,
        Runtime::Node,
        Runtime::Workerd,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Runtime::Edge => "edge",
            Runtime::Deno => "deno",
            Runtime::Bun => "bun",
            Runtime::Node => "node",
            Runtime::Workerd => "workerd",
        }
    }
}

/// Where the apps are written and which binaries serve them.
pub struct Setup {
    pub dir: PathBuf,
    pub edge: PathBuf,
    pub tools: Tools,
}

impl Setup {
    pub fn new(dir: PathBuf, edge: PathBuf, tools: Tools) -> Result<Setup> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("app.js"), FETCH_APP)?;
        std::fs::write(dir.join("app.mjs"), NODE_APP)?;
        Ok(Setup { dir, edge, tools })
    }

    pub fn available(&self, rt: Runtime) -> bool {
        match rt {
            Runtime::Edge => self.edge.is_file(),
            Runtime::Deno => self.tools.deno.is_some(),
            Runtime::Bun => self.tools.bun.is_some(),
            Runtime::Node => self.tools.node.is_some(),
            Runtime::Workerd => self.tools.workerd.is_some(),
        }
    }

    /// The command that serves the benchmark app of `rt` on `port`.
    pub fn command(&self, rt: Runtime, port: u16) -> Result<Command> {
        let app = self.dir.join("app.js");
        let mut cmd;
        match rt {
            Runtime::Edge => {
                cmd = Command::new(&self.edge);
                cmd.arg("dev")
                    .arg(&app)
                    .args(["--no-watch", "--port", &port.to_string()]);
                cmd.env("RUST_LOG", "warn");
            }
            Runtime::Deno => {
                cmd = Command::new(self.tools.deno.as_ref().context("deno")?);
                cmd.args([
                    "serve",
                    "--quiet",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                ])
                .arg(&app);
                cmd.env("DENO_NO_UPDATE_CHECK", "1");
            }
            Runtime::Bun => {
                cmd = Command::new(self.tools.bun.as_ref().context("bun")?);
                cmd.arg(&app);
                cmd.env("PORT", port.to_string())
                    .env("HOSTNAME", "127.0.0.1");
            }
            Runtime::Node => {
                cmd = Command::new(self.tools.node.as_ref().context("node")?);
                cmd.arg(self.dir.join("app.mjs"));
                cmd.env("PORT", port.to_string());
            }
            Runtime::Workerd => {
                let config = self.dir.join(format!("workerd-{port}.capnp"));
                std::fs::write(&config, workerd_config(port))?;
                cmd = Command::new(self.tools.workerd.as_ref().context("workerd")?);
                cmd.arg("serve").arg(&config);
            }
        }
        cmd.current_dir(&self.dir);
        Ok(cmd)
    }
}

fn workerd_config(port: u16) -> String {
    format!(
        r#"using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:{port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "app.js", esModule = embed "app.js") ],
  compatibilityDate = "2025-01-01",
);
"#
    )
}
