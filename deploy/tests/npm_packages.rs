//! Real npm packages (installed from the registry into `deploy/tests/fixtures/npm` by
//! `scripts/test.sh`) imported by bare specifier inside fetch handlers.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{repo_root, DevServer};

fn fixtures() -> std::path::PathBuf {
    let dir = repo_root().join("deploy/tests/fixtures/npm");
    assert!(
        dir.join("node_modules/jose/package.json").is_file(),
        "npm fixtures are not installed: run scripts/test.sh (or npm ci in {})",
        dir.display()
    );
    dir
}

/// jose signs and verifies ES256 and EdDSA JWTs in a handler; Node's jose accepts the tokens.
#[test]
fn jose_signs_and_verifies_es256_and_eddsa() {
    let dir = fixtures();
    let server = DevServer::start(&dir.join("jose-app.js"), &[]);
    let res = server.get("/");
    let body = res.text();
    assert_eq!(res.status, 200, "{body}\n{}", server.output());
    assert_eq!(
        body.matches("\"tamperedRejected\":true").count(),
        2,
        "{body}"
    );
    assert_eq!(body.matches("\"sub\":\"user-1\"").count(), 2, "{body}");

    let mut node = Command::new("node")
        .arg("verify-with-node.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node is installed (scripts/test.sh installs it)");
    node.stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = node.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ES256 ok user-1"), "{stdout}");
    assert!(stdout.contains("EdDSA ok user-1"), "{stdout}");
}

/// A missing package is a clear load error naming the package, not a crash.
#[test]
fn a_missing_package_is_reported() {
    let dir = std::env::temp_dir().join(format!("edge-missing-pkg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let entry = dir.join("app.js");
    std::fs::write(
        &entry,
        "import x from 'no-such-package-here';\nexport default { fetch() { return new Response(x); } };\n",
    )
    .unwrap();
    let (code, _, stderr) = common::run_edge(&["dev", entry.to_str().unwrap(), "--port", "0"]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("no-such-package-here") && stderr.contains("node_modules"),
        "{stderr}"
    );
}
