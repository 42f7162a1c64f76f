//! `edge init [dir]`: a starter TypeScript app with its `edge.toml`, ready for `edge dev` and
//! `edge deploy`. It never overwrites a file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::project;

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to create the app in (default: the current folder).
    dir: Option<PathBuf>,
    /// The app's name (default: the folder's name).
    #[arg(long)]
    name: Option<String>,
}

/// An app name made from a folder name: lowercase, other characters as `-`.
fn name_from(dir: &Path) -> String {
    let raw = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut name: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').chars().take(63).collect();
    if name.is_empty() {
        "app".into()
    } else {
        name
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), for `compatibility_date`.
fn today() -> String {
    edge_router::access_log::rfc3339(std::time::SystemTime::now())[..10].to_owned()
}

fn edge_toml(name: &str) -> String {
    format!(
        r#"# The app's configuration for `edge dev` and `edge deploy`.
name = "{name}"
main = "src/index.ts"
compatibility_date = "{date}"

# Host names and paths the node serves the app on (it is also served at <name>.<the node's
# app domain>, e.g. http://{name}.localhost:8787/ on a local node).
# routes = ["{name}.example.com", "example.com/{name}"]

# Secrets the app reads from `env`; set each with `edge secrets put NAME` (for `edge dev`:
# NAME=value lines in .dev.vars, which stays out of git).
# secrets = ["API_KEY"]

[vars]
GREETING = "Hello from Edge"

[limits]
memory_mib = 128
cpu_ms = 50

[permissions]
# Hosts fetch() may reach, e.g. "api.example.com" or "*.example.com".
outbound = []
"#,
        date = today()
    )
}

const INDEX_TS: &str = r#"export interface Env {
  GREETING: string;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api/time") {
      return Response.json({ now: new Date().toISOString() });
    }
    return new Response(`${env.GREETING}! You asked for ${url.pathname}\n`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
} satisfies ExportedHandler<Env>;
"#;

/// The SDK's declarations (the execution context, bindings, `caches.default`), written into
/// the project so that the editor and `tsc` know them.
const EDGE_TYPES: &str = include_str!("../../sdk/index.d.ts");

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "lib": ["ES2022", "WebWorker"],
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["src"]
}
"#;

fn package_json(name: &str) -> String {
    format!(
        r#"{{
  "name": "{name}",
  "private": true,
  "type": "module",
  "scripts": {{
    "dev": "edge dev",
    "deploy": "edge deploy"
  }}
}}
"#
    )
}

const GITIGNORE: &str = "node_modules/\n.edge/\n.dev.vars\n";

pub fn main(args: InitArgs) -> Result<std::process::ExitCode> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let name = args.name.unwrap_or_else(|| name_from(&dir));
    if !project::valid_app_name(&name) {
        bail!("'{name}' is not an app name: use 1-63 of a-z, 0-9 and '-' (pass --name)");
    }
    let files = [
        (project::FILE, edge_toml(&name)),
        ("src/index.ts", INDEX_TS.to_owned()),
        ("src/edge.d.ts", EDGE_TYPES.to_owned()),
        ("tsconfig.json", TSCONFIG.to_owned()),
        ("package.json", package_json(&name)),
        (".gitignore", GITIGNORE.to_owned()),
    ];
    for (path, _) in &files {
        if dir.join(path).exists() {
            bail!(
                "{} already exists; edge init writes into a new or empty folder",
                dir.join(path).display()
            );
        }
    }
    for (path, text) in &files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    say!("Created {name} in {}", dir.display());
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    say!("  {cd}edge dev      # serve it locally, reloading on change");
    say!("  {cd}edge deploy   # deploy it to a node");
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_dates() {
        assert_eq!(name_from(Path::new("/tmp/My App_2")), "my-app-2");
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"), "{d}");
        let p = project::Project::parse(Path::new("/x"), "edge.toml", &edge_toml("demo")).unwrap();
        assert_eq!(p.main, "src/index.ts");
        assert_eq!(p.vars.unwrap()["GREETING"], "Hello from Edge");
    }
}
