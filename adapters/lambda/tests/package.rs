//! `edge build --target lambda` makes a zip that runs as a Lambda function: unpacked as Lambda
//! does (python's zipfile, modes kept), its `bootstrap` serves a TypeScript app through the
//! Runtime API, and a thrown error's stack names the TypeScript source.

mod mock_api;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use mock_api::MockApi;
use serde_json::Value;

fn edge_bin() -> PathBuf {
    let edge = Path::new(env!("CARGO_BIN_EXE_edge-lambda"))
        .parent()
        .unwrap()
        .join("edge");
    assert!(
        edge.is_file(),
        "{} is missing: build the workspace (cargo test --workspace builds it)",
        edge.display()
    );
    edge
}

#[test]
fn the_package_runs_a_typescript_app() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("edge.toml"),
        "name = \"orders\"\nmain = \"src/index.ts\"\n",
    )
    .unwrap();
    std::fs::write(
        project.join("src/index.ts"),
        "interface Env { REGION_LABEL: string }\n\nexport default {\n  async fetch(request: Request, env: Env): Promise<Response> {\n    const url = new URL(request.url);\n    if (url.pathname === \"/fail\") {\n      const reason: string = \"out of stock\";\n      throw new Error(reason);\n    }\n    return Response.json({ region: env.REGION_LABEL, path: url.pathname });\n  },\n};\n",
    )
    .unwrap();
    let zip = dir.path().join("fn.zip");
    let out = Command::new(edge_bin())
        .args(["build", "--target", "lambda", "--dir"])
        .arg(&project)
        .arg("--bootstrap")
        .arg(env!("CARGO_BIN_EXE_edge-lambda"))
        .arg("--out")
        .arg(&zip)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "aws lambda create-function --function-name orders --runtime provided.al2023"
        ),
        "{stdout}"
    );

    // Unpack as Lambda does, keeping the modes the zip records.
    let task = dir.path().join("task");
    let script = "import os, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n    p = z.extract(i, sys.argv[2])\n    os.chmod(p, i.external_attr >> 16 & 0o777)\nprint('\\n'.join(sorted(z.namelist())))";
    let listed = Command::new("python3")
        .args(["-c", script])
        .arg(&zip)
        .arg(&task)
        .output()
        .expect("python3 is installed (scripts/test.sh installs it)");
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let names = String::from_utf8_lossy(&listed.stdout).into_owned();
    for name in [
        "bootstrap",
        "app/manifest.json",
        "app/src/index.js",
        "app/src/index.js.map",
    ] {
        assert!(names.lines().any(|l| l == name), "{name} not in:\n{names}");
    }

    let api = MockApi::start();
    let started = Instant::now();
    let mut child = Command::new(task.join("bootstrap"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
        .env("LAMBDA_TASK_ROOT", &task)
        .env("REGION_LABEL", "eu-west-1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let event = |path: &str| {
        format!(
            r#"{{"version":"2.0","routeKey":"$default","rawPath":"{path}","rawQueryString":"","headers":{{"host":"fn.lambda-url.eu-west-1.on.aws"}},"requestContext":{{"accountId":"1","apiId":"fn","domainName":"fn.lambda-url.eu-west-1.on.aws","domainPrefix":"fn","http":{{"method":"GET","path":"{path}","protocol":"HTTP/1.1","sourceIp":"192.0.2.1","userAgent":"t"}},"requestId":"r","routeKey":"$default","stage":"$default","time":"27/Nov/2026:02:00:00 +0000","timeEpoch":1795744800000}},"isBase64Encoded":false}}"#
        )
    };
    api.push("p-1", &event("/orders"));
    let (path, _, body, _) = api.recv_whole();
    eprintln!(
        "cold start (process start to the first response posted): {:?}",
        started.elapsed()
    );
    assert_eq!(path, "/2018-06-01/runtime/invocation/p-1/response");
    let answer: Value = serde_json::from_slice(&body).unwrap();
    let inner: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(inner["region"], "eu-west-1");
    assert_eq!(inner["path"], "/orders");

    api.push("p-2", &event("/fail"));
    let (path, _, body, _) = api.recv_whole();
    assert_eq!(path, "/2018-06-01/runtime/invocation/p-2/error");
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["errorMessage"], "out of stock");
    let stack = error["stackTrace"].to_string();
    assert!(
        stack.contains("src/index.ts:8:"),
        "the stack should name the TypeScript line: {stack}"
    );
    let _ = child.kill();
    let _ = child.wait();
}
