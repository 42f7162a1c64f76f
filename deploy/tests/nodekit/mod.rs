//! Test kit for `edge serve`: a real node as a child process with a generated configuration,
//! certificates from a throwaway CA, bundles built as tar archives, an admin client, and
//! HTTP/1.1, HTTP/2 (reqwest over rustls) and HTTP/3 (quinn + h3) clients.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, Bytes};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls_pki_types::CertificateDer;

/// No single wait in these tests is longer: a deadlock fails instead of hanging.
pub const WAIT: Duration = Duration::from_secs(20);

pub const TOKEN: &str = "test-admin-token-0123456789";

/// A CA and the leaf certificates it signs, as PEM files in a directory.
pub struct Pki {
    dir: PathBuf,
    ca: rcgen::Certificate,
    ca_key: KeyPair,
}

/// A leaf certificate on disk.
pub struct Leaf {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub der: Vec<u8>,
}

impl Pki {
    pub fn new(dir: &Path) -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Edge test CA");
        let ca = params.self_signed(&ca_key).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        Pki {
            dir: dir.to_owned(),
            ca,
            ca_key,
        }
    }

    pub fn ca_pem(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.ca.der().clone()
    }

    pub fn leaf(&self, stem: &str, names: &[&str]) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).unwrap();
        // A subject of its own: OpenSSL takes a leaf named like its issuer for self-signed.
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, names[0].as_str());
        let cert = params.signed_by(&key, &self.ca, &self.ca_key).unwrap();
        let leaf = Leaf {
            cert: self.dir.join(format!("{stem}.pem")),
            key: self.dir.join(format!("{stem}.key")),
            der: cert.der().to_vec(),
        };
        std::fs::write(&leaf.cert, cert.pem()).unwrap();
        std::fs::write(&leaf.key, key.serialize_pem()).unwrap();
        leaf
    }

    /// A rustls client configuration trusting this CA, offering `alpn`.
    pub fn client_tls(&self, alpn: &[&[u8]]) -> rustls::ClientConfig {
        self.client_tls_versions(alpn, rustls::DEFAULT_VERSIONS)
    }

    /// The same, speaking only the given TLS versions.
    pub fn client_tls_versions(
        &self,
        alpn: &[&[u8]],
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> rustls::ClientConfig {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.ca_der()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
    }
}

/// A running `edge serve`, killed on drop.
pub struct NodeProc {
    pub child: Child,
    pub http: SocketAddr,
    pub https: Option<SocketAddr>,
    pub admin: SocketAddr,
    pub output: Arc<Mutex<String>>,
}

/// Writes `edge-node.toml` into `dir`: listeners on free ports, the test token, the data
/// directory in `dir`, and `extra` appended.
pub fn write_config(dir: &Path, extra: &str) -> PathBuf {
    write_config_on(dir, extra, "127.0.0.1:0", "127.0.0.1:0")
}

/// Like [`write_config`], with the HTTP and admin addresses given.
pub fn write_config_on(dir: &Path, extra: &str, http: &str, admin: &str) -> PathBuf {
    let path = dir.join("edge-node.toml");
    let text = format!(
        "data_dir = \"data\"\nworkers = 2\naccess_log = \"access.log\"\napp_domain = \"localhost\"\n\
         {extra}\n\
         [http]\nlisten = [\"{http}\"]\n\
         [admin]\nlisten = \"{admin}\"\ntoken = \"{TOKEN}\"\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl NodeProc {
    pub fn start(config: &Path) -> NodeProc {
        // reqwest's plain clients need a process-wide rustls provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut child = Command::new(env!("CARGO_BIN_EXE_edge"))
            .args(["serve", "--config"])
            .arg(config)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn edge serve");
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let _ = tx.send(line.clone());
                    output.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    output.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        let (mut http, mut https, mut admin) = (None, None, None);
        loop {
            let Ok(line) = rx.recv_timeout(WAIT) else {
                let _ = child.kill();
                panic!("edge serve did not start:\n{}", output.lock().unwrap());
            };
            let addr = |prefix: &str| -> Option<SocketAddr> {
                line.split(prefix).nth(1).map(|a| a.trim().parse().unwrap())
            };
            if line.contains("HTTPS") {
                https = addr("https://");
            } else if line.contains("admin API") {
                admin = addr("http://");
            } else if line.contains("HTTP on") {
                http = addr("http://");
            } else if line.contains("data in") {
                break;
            }
        }
        NodeProc {
            child,
            http: http.expect("HTTP address"),
            https,
            admin: admin.expect("admin address"),
            output,
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on our own child's pid; no memory is involved.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill failed");
    }

    /// Waits for the process to exit; its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        for _ in 0..(WAIT.as_millis() / 50) {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("edge serve did not exit:\n{}", self.output());
    }

    pub fn admin(&self) -> Admin {
        Admin {
            base: format!("http://{}", self.admin),
            client: reqwest::Client::new(),
            token: Some(TOKEN.to_string()),
        }
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bundle: `manifest.json` naming `index.js`, and the given files.
pub fn bundle(files: &[(&str, &str)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, path, data).unwrap();
    };
    add("manifest.json", br#"{"main":"index.js"}"#);
    for (path, text) in files {
        add(path, text.as_bytes());
    }
    b.into_inner().unwrap()
}

/// A client of the admin API.
pub struct Admin {
    pub base: String,
    pub client: reqwest::Client,
    pub token: Option<String>,
}

impl Admin {
    pub fn with_token(&self, token: Option<&str>) -> Admin {
        Admin {
            base: self.base.clone(),
            client: self.client.clone(),
            token: token.map(str::to_string),
        }
    }

    /// Calls the API; the status and the JSON body (`Null` when it is not JSON).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> (u16, serde_json::Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(body) = body {
            req = req.body(body);
        }
        let res = req.send().await.expect("admin request");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// GETs `path` and returns the body as text (the metrics, say).
    pub async fn text(&self, path: &str) -> String {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().text().await.unwrap()
    }

    pub async fn json(
        &self,
        method: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.call(method, path, Some(serde_json::to_vec(&body).unwrap()))
            .await
    }

    /// Uploads `source` as a new version of `app` and activates it; the version number.
    pub async fn deploy(&self, app: &str, source: &str) -> i64 {
        let (status, body) = self
            .call(
                "POST",
                &format!("/v1/apps/{app}/versions?activate=true"),
                Some(bundle(&[("index.js", source)])),
            )
            .await;
        assert!(
            status == 201 || status == 200,
            "deploy failed: {status} {body}"
        );
        body["version"].as_i64().unwrap()
    }

    /// Deploys `source` as a new active version of `app` and routes `hosts` to it.
    pub async fn serve(&self, app: &str, source: &str, hosts: &[&str]) -> i64 {
        let version = self.deploy(app, source).await;
        self.route(app, hosts).await;
        version
    }

    pub async fn route(&self, app: &str, hosts: &[&str]) {
        let routes: Vec<_> = hosts
            .iter()
            .map(|h| serde_json::json!({ "host": h }))
            .collect();
        let (status, body) = self
            .json(
                "PUT",
                &format!("/v1/apps/{app}/routes"),
                serde_json::json!({ "routes": routes }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
}

/// An HTTP/3 connection to the node.
pub struct H3 {
    pub send: h3::client::SendRequest<h3_quinn::OpenStreams, Bytes>,
    pub conn: quinn::Connection,
    _endpoint: quinn::Endpoint,
}

impl H3 {
    pub async fn connect(pki: &Pki, addr: SocketAddr, server_name: &str) -> H3 {
        let tls = pki.client_tls(&[b"h3"]);
        let quic = quinn::crypto::rustls::QuicClientConfig::try_from(tls).unwrap();
        let mut endpoint = quinn::Endpoint::client("127.0.0.1:0".parse().unwrap()).unwrap();
        endpoint.set_default_client_config(quinn::ClientConfig::new(Arc::new(quic)));
        let conn = tokio::time::timeout(WAIT, endpoint.connect(addr, server_name).unwrap())
            .await
            .expect("QUIC handshake timed out")
            .expect("QUIC handshake");
        let (mut driver, send) = h3::client::new(h3_quinn::Connection::new(conn.clone()))
            .await
            .unwrap();
        tokio::spawn(async move {
            let _ = futures_util::future::poll_fn(|cx| driver.poll_close(cx)).await;
        });
        H3 {
            send,
            conn,
            _endpoint: endpoint,
        }
    }

    /// The certificate the server presented.
    pub fn peer_cert(&self) -> Vec<u8> {
        let identity = self.conn.peer_identity().unwrap();
        let chain = identity.downcast::<Vec<CertificateDer<'static>>>().unwrap();
        chain[0].to_vec()
    }

    /// Sends a GET; the open stream after the response head.
    pub async fn get(
        &mut self,
        url: &str,
    ) -> (
        http::Response<()>,
        h3::client::RequestStream<h3_quinn::BidiStream<Bytes>, Bytes>,
    ) {
        let req = http::Request::get(url).body(()).unwrap();
        let mut stream = self.send.send_request(req).await.unwrap();
        stream.finish().await.unwrap();
        let res = tokio::time::timeout(WAIT, stream.recv_response())
            .await
            .expect("HTTP/3 response timed out")
            .unwrap();
        (res, stream)
    }

    /// GET and the whole body as text.
    pub async fn get_text(&mut self, url: &str) -> (u16, String) {
        let (res, mut stream) = self.get(url).await;
        let mut body = Vec::new();
        while let Some(mut chunk) = stream.recv_data().await.unwrap() {
            body.extend_from_slice(&chunk.copy_to_bytes(chunk.remaining()));
        }
        (res.status().as_u16(), String::from_utf8(body).unwrap())
    }
}

/// A reqwest client over TLS trusting the test CA, resolving `names` to `addr`.
pub fn https_client(pki: &Pki, http2: bool, names: &[&str], addr: SocketAddr) -> reqwest::Client {
    let alpn: &[&[u8]] = if http2 {
        &[b"h2", b"http/1.1"]
    } else {
        &[b"http/1.1"]
    };
    let mut builder = reqwest::Client::builder()
        .use_preconfigured_tls(pki.client_tls(alpn))
        .tls_info(true)
        .timeout(WAIT);
    if !http2 {
        builder = builder.http1_only();
    }
    for name in names {
        builder = builder.resolve(name, addr);
    }
    builder.build().unwrap()
}

/// The leaf certificate a reqwest response came over.
pub fn peer_cert(res: &reqwest::Response) -> Vec<u8> {
    res.extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|t| t.peer_certificate())
        .expect("TLS info")
        .to_vec()
}
