//! The SDK's TypeScript declarations (`sdk/index.d.ts`): `tsc` (from npm) accepts every
//! example, the `edge init` template and a file using each binding type, and rejects a file
//! that misuses them; and the runtime has every method the declarations promise, so the two
//! cannot drift apart. The SDK's admin client (`sdk/admin.mjs`) drives a real node from Node.

mod common;
mod nodekit;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repo_root, DevServer};

fn tsc() -> PathBuf {
    let tsc = repo_root().join("deploy/tests/fixtures/npm/node_modules/.bin/tsc");
    assert!(
        tsc.is_file(),
        "TypeScript is not installed: run scripts/test.sh (or npm ci in deploy/tests/fixtures/npm)"
    );
    tsc
}

/// Type-checks `files` with the SDK, as an app's tsconfig would; (success, output).
fn check(files: &[&Path], js: bool) -> (bool, String) {
    let mut cmd = Command::new("node");
    cmd.arg(tsc()).args([
        "--noEmit",
        "--target",
        "ES2022",
        "--module",
        "ESNext",
        "--moduleResolution",
        "Bundler",
        "--lib",
        "ES2022,WebWorker",
    ]);
    // TypeScript strictly; JavaScript as checkJs reads it (untyped parameters allowed).
    if js {
        cmd.args(["--allowJs", "--checkJs"]);
    } else {
        cmd.arg("--strict");
    }
    cmd.arg(repo_root().join("sdk/index.d.ts")).args(files);
    let out = cmd
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn fixture(name: &str) -> PathBuf {
    repo_root().join("deploy/tests/fixtures/types").join(name)
}

#[test]
fn the_types_accept_correct_use_and_catch_misuse() {
    let (ok, out) = check(&[&fixture("good.ts")], false);
    assert!(ok, "{out}");
    let (ok, out) = check(&[&fixture("bad.ts")], false);
    assert!(!ok);
    // Each misuse is an error on its line (a handler's wrong return type on the handler's).
    let mut lines: Vec<u32> = out
        .lines()
        .filter_map(|l| l.split("bad.ts(").nth(1))
        .filter_map(|rest| rest.split(',').next()?.parse().ok())
        .collect();
    lines.dedup();
    assert_eq!(lines, [9, 10, 11, 12, 13, 14, 15, 16, 20], "{out}");
}

#[test]
fn the_examples_and_the_init_template_type_check() {
    let root = repo_root();
    let (ok, out) = check(&[&root.join("examples/hello-ts/index.ts")], false);
    assert!(ok, "{out}");
    let js: Vec<PathBuf> = ["hello", "echo", "sse-chat", "chat"]
        .iter()
        .map(|e| root.join("examples").join(e).join("index.js"))
        .collect();
    let js: Vec<&Path> = js.iter().map(PathBuf::as_path).collect();
    let (ok, out) = check(&js, true);
    assert!(ok, "{out}");

    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo");
    let init = Command::new(common::edge_bin())
        .args(["init"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    let out = Command::new("node")
        .arg(tsc())
        .arg("-p")
        .arg(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The members each declared interface lists: `name(`, `name<`, `name?(` and `readonly name:`.
fn declared(interface: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("sdk/index.d.ts")).unwrap();
    let start = text
        .find(&format!("interface {interface} {{"))
        .unwrap_or_else(|| panic!("no interface {interface}"));
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    let mut names: Vec<String> = body
        .lines()
        .filter(|l| {
            l.starts_with("  ") && !l.starts_with("   ") && !l.trim_start().starts_with("/")
        })
        .filter_map(|l| {
            let l = l.trim().trim_start_matches("readonly ");
            let end = l.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            Some(l[..end].to_string())
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_runtime_has_what_the_types_declare() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("edge.toml"),
        "name = \"shapes\"\nmain = \"index.js\"\n\n[[kv_namespaces]]\nbinding = \"KV\"\n\n[[d1_databases]]\nbinding = \"DB\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("index.js"),
        r#"const names = (o) => {
  const out = new Set();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) if (k !== "constructor") out.add(k);
  }
  return [...out].sort();
};
export default {
  fetch(request, env, ctx) {
    return Response.json({
      KVNamespace: names(env.KV),
      D1Database: names(env.DB),
      D1PreparedStatement: names(env.DB.prepare("SELECT 1")),
      ExecutionContext: names(ctx),
      CacheStorage: names(caches),
      WebSocket: names(new WebSocketPair()[1]),
      Response: names(new Response(null)),
    });
  },
};
"#,
    )
    .unwrap();
    let server = DevServer::start(dir.path(), &[]);
    let shapes: serde_json::Value = serde_json::from_str(&server.get("/").text()).unwrap();
    for interface in [
        "KVNamespace",
        "D1Database",
        "D1PreparedStatement",
        "ExecutionContext",
        "CacheStorage",
        "WebSocket",
        "Response",
    ] {
        let runtime: Vec<String> = serde_json::from_value(shapes[interface].clone()).unwrap();
        for member in declared(interface) {
            assert!(
                runtime.contains(&member),
                "{interface}.{member} is declared but the runtime has only {runtime:?}"
            );
        }
    }
}

/// The admin client deploys an app, sets its variables and routes, lists it, and turns the
/// node's error answers into `AdminError`s, against a real `edge serve`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_client_drives_a_node() {
    let dir = tempfile::tempdir().unwrap();
    let node = nodekit::NodeProc::start(&nodekit::write_config(dir.path(), ""));
    let bundle = nodekit::bundle(&[(
        "index.js",
        "export default { fetch(request, env) { return new Response(`hi ${env.WHO}`); } };",
    )]);
    std::fs::write(dir.path().join("app.tar"), bundle).unwrap();
    let script = dir.path().join("drive.mjs");
    std::fs::write(
        &script,
        format!(
            r#"import {{ readFile }} from "node:fs/promises";
import {{ createAdminClient, AdminError }} from {admin};
const client = createAdminClient({{ url: "http://{addr}", token: "{token}" }});
const deployed = await client.deploy("greeter", await readFile({tar}));
await client.putVars("greeter", {{ WHO: "sdk" }});
await client.putRoutes("greeter", [{{ host: "greeter.localhost" }}]);
const apps = (await client.apps()).apps.map((a) => a.name);
let refused;
try {{ await client.putSettings("greeter", {{ cpu_ms: 0 }}); }} catch (e) {{ refused = e instanceof AdminError ? [e.status, e.code] : String(e); }}
let unauthorized;
try {{ await createAdminClient({{ url: "http://{addr}", token: "wrong" }}).apps(); }} catch (e) {{ unauthorized = e.status; }}
console.log(JSON.stringify({{ version: deployed.version, apps, refused, unauthorized }}));
"#,
            admin = serde_json::to_string(&repo_root().join("sdk/admin.mjs").display().to_string()).unwrap(),
            tar = serde_json::to_string(&dir.path().join("app.tar").display().to_string()).unwrap(),
            addr = node.admin,
            token = nodekit::TOKEN,
        ),
    )
    .unwrap();
    let out = Command::new("node").arg(&script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report,
        serde_json::json!({ "version": 1, "apps": ["greeter"], "refused": [400, "bad_request"], "unauthorized": 401 })
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .resolve("greeter.localhost", node.http)
        .build()
        .unwrap();
    let text = client
        .get(format!("http://greeter.localhost:{}/", node.http.port()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "hi sdk");
}
