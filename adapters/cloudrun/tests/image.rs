//! `edge build --target image` makes an OCI image that a standard tool (umoci, from Debian)
//! unpacks; its entrypoint, run from the unpacked root (chrooted as the image's user when
//! this test may chroot, else through the image's own dynamic loader and libraries), serves
//! the app on `$PORT`, finishes a streaming response after SIGTERM and exits 0 within Cloud
//! Run's 10 s, and logs JSON lines with severity and the request's trace.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

fn sibling(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_edge-cloudrun"))
        .parent()
        .unwrap()
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: build the workspace",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const APP: &str = r#"
export default {
  async fetch(request: Request, env: Record<string, string>): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/sse") {
      const enc = new TextEncoder();
      let n = 0;
      return new Response(new ReadableStream({
        async pull(c) {
          if (n === 5) return c.close();
          c.enqueue(enc.encode(`data: ${n++}\n\n`));
          await new Promise((r) => setTimeout(r, 200));
        },
      }), { headers: { "content-type": "text/event-stream" } });
    }
    console.warn("served", url.pathname);
    return new Response(`hello from ${env.K_SERVICE ?? "nowhere"}\n`);
  },
};
"#;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where `chroot` is looked for (the children's environment is cleared).
const PATH: &str = "/usr/sbin:/usr/bin:/sbin:/bin";

/// How to start the entrypoint of the unpacked root `rootfs`.
fn entrypoint(rootfs: &Path, port: u16) -> Command {
    // chroot, as the image's user, when this process may do it.
    let probe = Command::new("chroot")
        .args(["--userspec=65532:65532"])
        .arg(rootfs)
        .arg("/edge/edge-cloudrun")
        .env_clear()
        .env("PATH", PATH)
        .env("PORT", "not-a-port")
        .output();
    let chroot_works =
        probe.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("is not a port"));
    let mut cmd = if chroot_works {
        let mut c = Command::new("chroot");
        c.args(["--userspec=65532:65532"])
            .arg(rootfs)
            .arg("/edge/edge-cloudrun");
        c.env_clear().env("PATH", PATH).env("EDGE_APP_DIR", "/app");
        c
    } else {
        // The image's own loader and libraries, from outside.
        let loader = ["lib64/ld-linux-x86-64.so.2", "lib/ld-linux-aarch64.so.1"]
            .iter()
            .map(|l| rootfs.join(l))
            .find(|l| l.is_file())
            .expect("the image holds a dynamic loader");
        let mut c = Command::new(loader);
        let libs: Vec<String> = [
            "lib/x86_64-linux-gnu",
            "usr/lib/x86_64-linux-gnu",
            "lib/aarch64-linux-gnu",
            "usr/lib/aarch64-linux-gnu",
            "lib64",
        ]
        .iter()
        .map(|d| rootfs.join(d).display().to_string())
        .collect();
        c.arg("--library-path")
            .arg(libs.join(":"))
            .arg(rootfs.join("edge/edge-cloudrun"));
        c.env_clear().env("EDGE_APP_DIR", rootfs.join("app"));
        c
    };
    eprintln!(
        "running the entrypoint {}",
        if chroot_works {
            "chrooted"
        } else {
            "through the image's loader"
        }
    );
    cmd.env("PORT", port.to_string())
        .env("K_SERVICE", "orders")
        .env("K_REVISION", "orders-00001")
        .env("GOOGLE_CLOUD_PROJECT", "edge-test-project")
        .env("EDGE_WORKERS", "2");
    cmd
}

fn get(port: u16, path: &str, extra: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: orders.run.app\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    BufReader::new(s)
}

#[test]
fn the_image_unpacks_serves_drains_and_logs_json() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("edge.toml"),
        "name = \"orders\"\nmain = \"src/index.ts\"\n",
    )
    .unwrap();
    std::fs::write(project.join("src/index.ts"), APP).unwrap();
    // An --out that is some other folder is refused, and left as it was.
    let refused = Command::new(sibling("edge"))
        .args(["build", "--target", "image", "--dir"])
        .arg(&project)
        .arg("--runtime-binary")
        .arg(env!("CARGO_BIN_EXE_edge-cloudrun"))
        .arg("--out")
        .arg(project.join("src"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not an OCI image layout"));
    assert!(project.join("src/index.ts").is_file());
    let image = dir.path().join("image");
    let out = Command::new(sibling("edge"))
        .args(["build", "--target", "image", "--dir"])
        .arg(&project)
        .arg("--runtime-binary")
        .arg(env!("CARGO_BIN_EXE_edge-cloudrun"))
        .arg("--out")
        .arg(&image)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("gcloud run deploy"), "{stdout}");

    // A standard OCI tool unpacks it; its runtime config is the image's.
    let bundle = dir.path().join("bundle");
    let unpack = Command::new("umoci")
        .args(["unpack", "--rootless", "--image"])
        .arg(format!("{}:latest", image.display()))
        .arg(&bundle)
        .output()
        .expect("umoci is installed (scripts/test.sh installs it from Debian)");
    assert!(
        unpack.status.success(),
        "{}",
        String::from_utf8_lossy(&unpack.stderr)
    );
    let spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("config.json")).unwrap()).unwrap();
    assert_eq!(spec["process"]["user"]["uid"], 65532);
    assert_eq!(
        spec["process"]["args"],
        serde_json::json!(["/edge/edge-cloudrun"])
    );
    assert!(spec["process"]["env"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "PORT=8080"));
    let rootfs = bundle.join("rootfs");
    assert!(rootfs.join("app/manifest.json").is_file());

    let port = free_port();
    let mut child = entrypoint(&rootfs, port);
    let mut server = Kill(
        child
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let (lines_tx, lines) = channel::<String>();
    let stdout = server.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut logged = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("edge-cloudrun started");
        let ready = line.contains("serving");
        logged.push(line);
        if ready {
            break;
        }
    }

    let mut res = get(
        port,
        "/hi",
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n",
    );
    let mut text = String::new();
    res.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("hello from orders\n"), "{text}");
    let mut res = get(
        port,
        "/again",
        "X-Cloud-Trace-Context: 105445aa7843bc8bf206b12000100000/1;o=1\r\n",
    );
    res.read_to_string(&mut text).unwrap();

    // A stream in progress when SIGTERM comes finishes; then the process exits 0.
    let mut sse = get(port, "/sse", "");
    let mut seen = String::new();
    while !seen.contains("data: 0") {
        let mut line = String::new();
        assert!(sse.read_line(&mut line).unwrap() > 0);
        seen.push_str(&line);
    }
    // SAFETY: kill(2) on our own child; no memory is involved.
    assert_eq!(
        unsafe { libc::kill(server.0.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let signalled = Instant::now();
    sse.read_to_string(&mut seen).unwrap();
    for n in 0..5 {
        assert!(
            seen.contains(&format!("data: {n}\n")),
            "event {n} missing after SIGTERM: {seen}"
        );
    }
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still accepting after exit"
    );

    // Every line is a JSON object with a severity; requests carry their trace.
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(2)) {
        logged.push(line);
    }
    let entries: Vec<serde_json::Value> = logged
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    for e in &entries {
        assert!(e["severity"].is_string(), "no severity: {e}");
        assert!(e["message"].is_string(), "no message: {e}");
    }
    let trace = |id: &str| {
        entries.iter().any(|e| {
            e["logging.googleapis.com/trace"] == format!("projects/edge-test-project/traces/{id}")
                && e["httpRequest"]["status"] == 200
        })
    };
    assert!(trace("4bf92f3577b34da6a3ce929d0e0e4736"), "{logged:#?}");
    assert!(trace("105445aa7843bc8bf206b12000100000"), "{logged:#?}");
    assert!(
        entries
            .iter()
            .any(|e| e["severity"] == "WARNING" && e["message"] == "served /hi"),
        "the app's console.warn: {logged:#?}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("drained")),
        "{logged:#?}"
    );
}
