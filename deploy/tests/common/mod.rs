//! Test helpers: start `edge` as a real child process and talk HTTP/1.1 to it over real
//! sockets on 127.0.0.1.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Guards against a deadlock turning into a hung test: no single read waits longer.
pub const IO_TIMEOUT: Duration = Duration::from_secs(20);

pub fn edge_bin() -> &'static str {
    env!("CARGO_BIN_EXE_edge")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The npm fixtures folder (`deploy/tests/fixtures/npm`), checked to have `package` installed.
pub fn npm_fixtures(package: &str) -> PathBuf {
    let dir = repo_root().join("deploy/tests/fixtures/npm");
    assert!(
        dir.join("node_modules")
            .join(package)
            .join("package.json")
            .is_file(),
        "npm fixtures are not installed: run scripts/test.sh (or npm ci in {})",
        dir.display()
    );
    dir
}

/// Runs `node <script> <args>` in `dir` and parses what it prints as JSON (the cases a test
/// then asks Edge for).
pub fn node_json(dir: &Path, script: &str, args: &[&str]) -> serde_json::Value {
    let node = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("node is installed (scripts/test.sh installs it)");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    serde_json::from_slice(&node.stdout).unwrap()
}

/// Asks `server` for `/case/<name>` of every case in `expected` (what Node computed) and
/// checks each JSON answer equals it.
pub fn assert_cases_match_node(server: &DevServer, expected: &serde_json::Value) {
    for (name, want) in expected.as_object().expect("cases by name") {
        let res = server.get(&format!("/case/{name}"));
        assert_eq!(
            res.status,
            200,
            "{name}: {}\n{}",
            res.text(),
            server.output()
        );
        let got: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
        assert_eq!(&got, want, "{name} differs from Node");
    }
}

/// A running `edge dev`, killed on drop. Its output is collected for assertions.
pub struct DevServer {
    child: Child,
    pub port: u16,
    output: Arc<Mutex<String>>,
}

impl DevServer {
    pub fn start(entry: &Path, extra: &[&str]) -> DevServer {
        let entry = entry.to_str().unwrap();
        let mut args = vec!["dev", entry];
        args.extend_from_slice(extra);
        DevServer::spawn(&args)
    }

    /// Runs `edge <args> --port 0` from the repository root.
    pub fn spawn(args: &[&str]) -> DevServer {
        let mut child = Command::new(edge_bin())
            .args(args)
            .args(["--port", "0"])
            .current_dir(repo_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn edge dev");
        let output = Arc::new(Mutex::new(String::new()));
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    // edge dev's own line names the port; an app's log lines may name URLs too.
                    if let Some(rest) = line
                        .strip_prefix("edge dev: serving ")
                        .and_then(|l| l.split("http://127.0.0.1:").nth(1))
                    {
                        let digits: String =
                            rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                        if let Ok(port) = digits.parse::<u16>() {
                            let _ = port_tx.send(port);
                        }
                    }
                    output.lock().unwrap().push_str(&line);
                    output.lock().unwrap().push('\n');
                }
            });
        }
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    output.lock().unwrap().push_str(&line);
                    output.lock().unwrap().push('\n');
                }
            });
        }
        let port = match port_rx.recv_timeout(IO_TIMEOUT) {
            Ok(p) => p,
            Err(_) => {
                let _ = child.kill();
                panic!("edge dev did not start:\n{}", output.lock().unwrap());
            }
        };
        DevServer {
            child,
            port,
            output,
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// The output once it contains `text` (the server's log lines are read by a thread of
    /// their own, so one written just before a response may arrive after it); the output as
    /// it is if `text` never comes.
    pub fn output_with(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + IO_TIMEOUT;
        loop {
            let out = self.output();
            if out.contains(text) || std::time::Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        s
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        self.request("GET", path, &[], b"")
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResponse {
        let mut s = self.connect();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read response");
        HttpResponse::parse(&raw)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn parse(raw: &[u8]) -> HttpResponse {
        let split = find(raw, b"\r\n\r\n").expect("response head");
        let head = std::str::from_utf8(&raw[..split]).unwrap();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let rest = &raw[split + 4..];
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(rest)
        } else {
            rest.to_vec()
        };
        HttpResponse {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a complete chunked body.
pub fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(data, b"\r\n") {
        let size_text = std::str::from_utf8(&data[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[eol + 2..];
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
    out
}

/// Reads from `s` into `buf` until `marker` appears; panics (instead of hanging) when a read
/// times out, which is what a buffering server would cause.
pub fn read_until(s: &mut TcpStream, buf: &mut Vec<u8>, marker: &[u8]) {
    let mut chunk = [0u8; 4096];
    while find(buf, marker).is_none() {
        match s.read(&mut chunk) {
            Ok(0) => panic!(
                "connection closed before {:?} arrived; got {:?}",
                String::from_utf8_lossy(marker),
                String::from_utf8_lossy(buf)
            ),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => panic!(
                "no {:?} within the I/O timeout ({e}): the server buffered the stream; got {:?}",
                String::from_utf8_lossy(marker),
                String::from_utf8_lossy(buf)
            ),
        }
    }
}

/// Runs `edge` with arguments and returns (exit code, stdout, stderr).
pub fn run_edge(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(edge_bin())
        .args(args)
        .output()
        .expect("run edge");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Resident memory of a process, in bytes (0 if it is gone).
pub fn rss_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Samples a process's resident memory on a thread until stopped; reports the baseline (at
/// start) and the peak.
pub struct RssSampler {
    pub baseline: u64,
    peak: Arc<std::sync::atomic::AtomicU64>,
    done: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let baseline = rss_bytes(pid);
        let peak = Arc::new(AtomicU64::new(baseline));
        let done = Arc::new(AtomicBool::new(false));
        let thread = {
            let (peak, done) = (peak.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_bytes(pid), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        RssSampler {
            baseline,
            peak,
            done,
            thread: Some(thread),
        }
    }

    /// Stops sampling; returns how far the peak rose above the baseline, in bytes.
    pub fn stop(&mut self) -> u64 {
        use std::sync::atomic::Ordering;
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak
            .load(Ordering::Relaxed)
            .saturating_sub(self.baseline)
    }
}

/// A throwaway CA and a certificate for `names` it signs, written to `dir` as PEM files
/// (`ca.pem`, `server.pem`, `server.key`), with the leaf's DER forms for rustls servers.
pub struct TestCerts {
    pub ca_file: PathBuf,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub cert_der: Vec<u8>,
    pub key_der: Vec<u8>,
}

impl TestCerts {
    /// A TLS acceptor serving the leaf certificate, offering `alpn`.
    pub fn acceptor(&self, alpn: &[&[u8]]) -> tokio_rustls::TlsAcceptor {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(self.cert_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
            )
            .unwrap();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }
}

pub fn test_certs(dir: &Path, names: &[&str]) -> TestCerts {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Edge test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let leaf = CertificateParams::new(names)
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let certs = TestCerts {
        ca_file: dir.join("ca.pem"),
        cert_file: dir.join("server.pem"),
        key_file: dir.join("server.key"),
        cert_der: leaf.der().to_vec(),
        key_der: leaf_key.serialize_der(),
    };
    std::fs::write(&certs.ca_file, ca.pem()).unwrap();
    std::fs::write(&certs.cert_file, leaf.pem()).unwrap();
    std::fs::write(&certs.key_file, leaf_key.serialize_pem()).unwrap();
    certs
}
