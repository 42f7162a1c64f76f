//! The deploy workflow end to end: a real `edge serve` node (child process, admin API on
//! 127.0.0.1), and the `edge` CLI run as child processes against it, each with its own
//! `HOME`: `init`, `login`, `whoami`, `bundle`, `deploy`, `versions`, `rollback`, `secrets`,
//! `logs`. The npm app uses Hono, zod and nanoid installed from the registry
//! (`deploy/tests/fixtures/npm`, installed by scripts/test.sh).

mod common;
mod nodekit;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{repo_root, HttpResponse};
use nodekit::{write_config, NodeProc, TOKEN};

/// A node and a CLI user (a home folder of their own) to drive it.
struct Setup {
    node: NodeProc,
    home: PathBuf,
    dir: tempfile::TempDir,
    /// Everything the CLI printed, to look for secrets in.
    printed: std::cell::RefCell<String>,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let node = NodeProc::start(&write_config(dir.path(), ""));
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        Setup {
            node,
            home,
            dir,
            printed: Default::default(),
        }
    }

    fn admin_url(&self) -> String {
        format!("http://{}", self.node.admin)
    }

    /// Runs `edge` in `cwd` with `stdin`; with `EDGE_NODE` unset unless `with_node`.
    fn edge_in(&self, cwd: &Path, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_edge"))
            .args(args)
            .current_dir(cwd)
            .env("HOME", &self.home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("EDGE_CONFIG")
            .env_remove("EDGE_NODE")
            .env_remove("EDGE_TOKEN")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run edge");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        self.printed
            .borrow_mut()
            .push_str(&format!("{}{}", run.stdout, run.stderr));
        run
    }

    fn ok(&self, cwd: &Path, args: &[&str]) -> String {
        let run = self.edge_in(cwd, args, "");
        assert_eq!(
            run.code,
            0,
            "edge {args:?} failed:\n{}\n{}\nnode:\n{}",
            run.stdout,
            run.stderr,
            self.node.output()
        );
        run.stdout
    }

    fn login(&self) {
        let run = self.edge_in(
            self.dir.path(),
            &["login", "--node", &self.admin_url()],
            &format!("{TOKEN}\n"),
        );
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    }

    /// Sends a request to the node's HTTP listener for `host`.
    fn request(&self, method: &str, host: &str, path: &str, body: &str) -> HttpResponse {
        let mut s = TcpStream::connect(self.node.http).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        HttpResponse::parse(&raw)
    }

    /// How many versions the node was sent (uploads or named bundles).
    fn version_posts(&self, app: &str) -> usize {
        self.node
            .output()
            .lines()
            .filter(|l| l.contains("POST") && l.contains(&format!("/v1/apps/{app}/versions")))
            .count()
    }
}

/// `edge init demo && cd demo && edge deploy` serves the starter app at the URL it prints;
/// deploying again uploads nothing; a syntax error is refused locally with file:line:col.
#[test]
fn init_and_deploy_serve_the_starter_app() {
    let s = Setup::new();
    s.login();
    // The login is kept in a file only its owner can read, and never printed.
    let config = s.home.join(".config/edge/config.toml");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&config).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "config file mode {mode:o}");
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains(&s.admin_url()));
    let who = s.ok(s.dir.path(), &["whoami"]);
    assert!(
        who.contains(&s.admin_url()) && who.contains("config.toml"),
        "{who}"
    );

    s.ok(s.dir.path(), &["init", "demo"]);
    let demo = s.dir.path().join("demo");
    for file in ["edge.toml", "src/index.ts", "tsconfig.json", "package.json"] {
        assert!(demo.join(file).is_file(), "{file} was not written");
    }
    // Initialising again refuses to overwrite.
    let again = s.edge_in(s.dir.path(), &["init", "demo"], "");
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    // `edge dev` in the project folder serves it with edge.toml's main and [vars].
    {
        let dev = common::DevServer::start(&demo, &["--no-watch"]);
        let res = dev.get("/dev");
        assert_eq!(
            res.text(),
            "Hello from Edge! You asked for /dev\n",
            "{}",
            dev.output()
        );
    }
    // .dev.vars (development secrets) override [vars] under `edge dev`, and are not bundled.
    std::fs::write(demo.join(".dev.vars"), "GREETING=\"Hi from .dev.vars\"\n").unwrap();
    {
        let dev = common::DevServer::start(&demo, &["--no-watch"]);
        let res = dev.get("/dev");
        assert_eq!(
            res.text(),
            "Hi from .dev.vars! You asked for /dev\n",
            "{}",
            dev.output()
        );
    }
    std::fs::remove_file(demo.join(".dev.vars")).unwrap();

    let out = s.ok(&demo, &["deploy"]);
    assert!(out.contains("Deployed demo version 1"), "{out}");
    let port = s.node.http.port();
    let url = format!("http://demo.localhost:{port}/");
    assert!(out.contains(&url), "no URL {url} in:\n{out}");
    let res = s.request("GET", &format!("demo.localhost:{port}"), "/hello", "");
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.text(), "Hello from Edge! You asked for /hello\n");
    let time = s.request("GET", "demo.localhost", "/api/time", "");
    assert!(time.text().contains("\"now\":\"20"), "{}", time.text());
    assert_eq!(s.version_posts("demo"), 1);

    // Unchanged: nothing is sent, the same version stays live.
    let out = s.ok(&demo, &["deploy"]);
    assert!(
        out.contains("No changes: version 1 of demo is live"),
        "{out}"
    );
    assert_eq!(s.version_posts("demo"), 1, "{}", s.node.output());

    // A syntax error: refused before anything is sent, naming the file, line and column.
    let index = demo.join("src/index.ts");
    let good = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        good.replace(
            "const url = new URL(request.url);",
            "const url = new URL(request.url;",
        ),
    )
    .unwrap();
    let run = s.edge_in(&demo, &["deploy"], "");
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("src/index.ts:7:"), "{}", run.stderr);
    assert!(run.stderr.contains("syntax error"), "{}", run.stderr);
    let bundle = s.edge_in(&demo, &["bundle"], "");
    assert_ne!(bundle.code, 0);
    assert!(
        bundle.stderr.contains("src/index.ts:7:"),
        "{}",
        bundle.stderr
    );
    assert_eq!(s.version_posts("demo"), 1, "something was uploaded");
    assert_eq!(s.request("GET", "demo.localhost", "/", "").status, 200);

    // A version that throws while loading: the node refuses it with its reason, which the
    // CLI shows; version 1 keeps serving.
    std::fs::write(
        &index,
        format!("throw new Error(\"no config here\");\n{good}"),
    )
    .unwrap();
    let run = s.edge_in(&demo, &["deploy"], "");
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("the node refused") && run.stderr.contains("no config here"),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.request("GET", "demo.localhost", "/x", "").text(),
        "Hello from Edge! You asked for /x\n"
    );

    // A bad edge.toml names the key and the line.
    std::fs::write(&index, good).unwrap();
    let toml = std::fs::read_to_string(demo.join("edge.toml")).unwrap();
    std::fs::write(
        demo.join("edge.toml"),
        toml.replace("cpu_ms = 50", "cpu_ms = 0"),
    )
    .unwrap();
    let run = s.edge_in(&demo, &["deploy"], "");
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("edge.toml:") && run.stderr.contains("limits.cpu_ms"),
        "{}",
        run.stderr
    );
    // (The refused version above was the second one sent; nothing since.)
    assert_eq!(s.version_posts("demo"), 2);
}

fn shop_project(s: &Setup) -> PathBuf {
    let npm = repo_root().join("deploy/tests/fixtures/npm/node_modules");
    assert!(
        npm.join("hono/package.json").is_file(),
        "npm fixtures are not installed: run scripts/test.sh"
    );
    let dir = s.dir.path().join("shop");
    let src = repo_root().join("deploy/tests/fixtures/deploy/shop");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    for file in [
        "edge.toml",
        "src/index.ts",
        "src/money.ts",
        "src/catalog.json",
    ] {
        std::fs::copy(src.join(file), dir.join(file)).unwrap();
    }
    std::os::unix::fs::symlink(&npm, dir.join("node_modules")).unwrap();
    dir
}

/// An app with Hono, zod and nanoid deploys and answers; v1, v2, rollback; a secret reaches
/// `env` and is printed nowhere; stack traces point at the TypeScript; logs tail live.
#[test]
fn npm_app_versions_rollback_secrets_and_logs() {
    let s = Setup::new();
    s.login();
    let shop = shop_project(&s);
    let out = s.ok(&shop, &["deploy"]);
    assert!(out.contains("Deployed shop version 1"), "{out}");
    assert!(
        out.contains(&format!("http://shop.test:{}/", s.node.http.port())),
        "{out}"
    );

    let order = r#"{"item":"tea","quantity":3,"unitCents":250}"#;
    let res = s.request("POST", "shop.test", "/orders", order);
    assert_eq!(res.status, 201, "{}\n{}", res.text(), s.node.output());
    let body: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(body["total"], "7.50 EUR");
    assert_eq!(body["id"].as_str().unwrap().len(), 21);
    // A CommonJS package (cookie) and a JSON module, bundled and loaded on the node.
    let mut stream = TcpStream::connect(s.node.http).unwrap();
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: shop.test\r\nCookie: name=Ada; theme=dark\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    assert_eq!(
        HttpResponse::parse(&raw).text(),
        "Welcome to the Edge shop, Ada"
    );
    let res = s.request(
        "POST",
        "api.test",
        "/orders",
        r#"{"item":"","quantity":-1}"#,
    );
    assert_eq!(res.status, 400, "{}", res.text());
    let issues: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(
        issues["error"],
        serde_json::json!(["item", "quantity", "unitCents"])
    );

    // A secret: read from stdin, visible to the app as env.API_KEY, printed nowhere.
    let secret = "sk-live-7f3a9c1e5b2d4a6f8e0c";
    let run = s.edge_in(
        &shop,
        &["secrets", "put", "API_KEY"],
        &format!("{secret}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed = s.ok(&shop, &["secrets", "list"]);
    assert_eq!(listed.trim(), "API_KEY");
    let digest = s.request("GET", "shop.test", "/secret-digest", "");
    let expected: String = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest.text(), expected);

    // Version 2, then a rollback to version 1.
    let money = shop.join("src/money.ts");
    let v1 = std::fs::read_to_string(&money).unwrap();
    std::fs::write(&money, v1.replace("${currency}`", "${currency} (v2)`")).unwrap();
    let out = s.ok(&shop, &["deploy"]);
    assert!(out.contains("Deployed shop version 2"), "{out}");
    let total = |s: &Setup| {
        let res = s.request("POST", "shop.test", "/orders", order);
        serde_json::from_slice::<serde_json::Value>(&res.body).unwrap()["total"].clone()
    };
    assert_eq!(total(&s), "7.50 EUR (v2)");
    let versions = s.ok(&shop, &["versions"]);
    let rows: Vec<&str> = versions.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{versions}");
    assert!(
        rows[0].starts_with("2 ") && rows[0].ends_with("live"),
        "{versions}"
    );
    assert!(
        rows[1].starts_with("1 ") && rows[1].ends_with("previous"),
        "{versions}"
    );
    let out = s.ok(&shop, &["rollback"]);
    assert!(out.contains("version 1 is live"), "{out}");
    assert_eq!(total(&s), "7.50 EUR");
    let versions = s.ok(&shop, &["versions"]);
    assert!(
        versions
            .lines()
            .any(|l| l.starts_with("1 ") && l.ends_with("live")),
        "{versions}"
    );
    // The secret survives versions.
    assert_eq!(
        s.request("GET", "shop.test", "/secret-digest", "").text(),
        expected
    );

    // An uncaught error's stack, in the app's logs, names the TypeScript file and line.
    assert_eq!(s.request("GET", "shop.test", "/boom", "").status, 500);
    let logs = s.ok(&shop, &["logs"]);
    let line = std::fs::read_to_string(shop.join("src/index.ts"))
        .unwrap()
        .lines()
        .position(|l| l.contains("throw new Error(detail)"))
        .unwrap()
        + 1;
    assert!(
        logs.contains(&format!("src/index.ts:{line}:")),
        "line {line} not in:\n{logs}"
    );

    // A live tail shows a line logged after it started.
    let mut tail = Command::new(env!("CARGO_BIN_EXE_edge"))
        .args(["logs", "--tail"])
        .current_dir(&shop)
        .env("HOME", &s.home)
        .env_remove("EDGE_NODE")
        .env_remove("EDGE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(tail.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(first.contains("Tailing shop"), "{first}");
    let lines = std::sync::mpsc::channel();
    let stdout = tail.stdout.take().unwrap();
    let sender = lines.0;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let res = s.request(
        "POST",
        "shop.test",
        "/orders",
        r#"{"item":"tail-marker","quantity":1,"unitCents":1}"#,
    );
    assert_eq!(res.status, 201);
    let seen = loop {
        let line = lines
            .1
            .recv_timeout(Duration::from_secs(20))
            .expect("the tail printed the new line");
        if line.contains("tail-marker") {
            break line;
        }
    };
    assert!(seen.contains("order"), "{seen}");
    let _ = tail.kill();
    let _ = tail.wait();

    // The secret's value appears in no CLI output, no node log, no access log.
    let access = std::fs::read_to_string(s.dir.path().join("access.log")).unwrap_or_default();
    for (what, text) in [
        ("CLI output", s.printed.borrow().clone()),
        ("node output", s.node.output()),
        ("access log", access),
    ] {
        assert!(!text.contains(secret), "the secret appears in the {what}");
    }
}

/// A project importing a `.wasm` file (Workers style, and with `?module`) bundles, deploys
/// and answers from the node, which keeps the compiled module in its cache directory.
#[test]
fn a_project_importing_webassembly_deploys_and_serves() {
    let s = Setup::new();
    s.login();
    let dir = s.dir.path().join("adder");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("edge.toml"),
        "name = \"adder\"\nmain = \"src/index.js\"\nroutes = [\"adder.test\"]\n",
    )
    .unwrap();
    // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
    std::fs::write(
        dir.join("src/add.wasm"),
        [
            0u8, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1,
            3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
        ],
    )
    .unwrap();
    std::fs::write(
        dir.join("src/index.js"),
        r#"import add from "./add.wasm";
import same from "./add.wasm?module";
const { exports } = new WebAssembly.Instance(add);
export default {
  fetch(request) {
    const q = new URL(request.url).searchParams;
    return Response.json({
      sum: exports.add(Number(q.get("a")), Number(q.get("b"))),
      module: add instanceof WebAssembly.Module,
      same: add === same,
    });
  },
};
"#,
    )
    .unwrap();
    let out = s.ok(&dir, &["deploy"]);
    assert!(out.contains("Deployed adder version 1"), "{out}");
    let res = s.request("GET", "adder.test", "/?a=40&b=2", "");
    assert_eq!(res.status, 200, "{}\n{}", res.text(), s.node.output());
    let body: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "sum": 42, "module": true, "same": true })
    );
    let cache = s.dir.path().join("data/wasm-cache");
    let compiled = std::fs::read_dir(&cache)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(compiled, 1, "one compiled module in {}", cache.display());
}
