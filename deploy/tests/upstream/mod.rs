//! A real HTTPS test server for `fetch()` tests: a CA and a certificate for `localhost`
//! generated per run, HTTP/2 and HTTP/1.1 by ALPN, and routes that stream, redirect, compress,
//! echo and stall. It runs on its own thread until the test process ends.

use std::convert::Infallible;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};

type Error = Box<dyn std::error::Error + Send + Sync>;
type ResBody = BoxBody<Bytes, Error>;

pub struct Upstream {
    pub port: u16,
    /// A PEM file holding the CA that signed the server's certificate.
    pub ca_file: PathBuf,
}

impl Upstream {
    pub fn start() -> Upstream {
        let dir = std::env::temp_dir().join(format!(
            "edge-test-upstream-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let certs = crate::common::test_certs(&dir, &["localhost", "127.0.0.1"]);
        let ca_file = certs.ca_file.clone();

        let acceptor = certs.acceptor(&[b"h2", b"http/1.1"]);

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else {
                        continue;
                    };
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let Ok(tls) = acceptor.accept(tcp).await else {
                            return;
                        };
                        let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                            .serve_connection(TokioIo::new(tls), service_fn(route))
                            .await;
                    });
                }
            });
        });
        Upstream { port, ca_file }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }
}

fn full(text: impl Into<Bytes>) -> ResBody {
    Full::new(text.into())
        .map_err(|e: Infallible| match e {})
        .boxed()
}

async fn route(req: Request<Incoming>) -> Result<Response<ResBody>, Infallible> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let response = match path.as_str() {
        "/hello" => Response::builder()
            .header("x-http-version", format!("{:?}", req.version()))
            .body(full("hello over TLS")),
        "/big" => {
            let mib: usize = query
                .strip_prefix("mib=")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            Response::builder().body(
                Big {
                    left: mib * 16,
                    chunk: Bytes::from(vec![b'x'; 64 * 1024]),
                }
                .boxed(),
            )
        }
        "/gzip" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all("compressed hello ".repeat(1000).as_bytes())
                .unwrap();
            Response::builder()
                .header("content-encoding", "gzip")
                .body(full(enc.finish().unwrap()))
        }
        "/method" => Response::builder().body(full(req.method().to_string())),
        "/see-other" => Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header("location", "/method")
            .body(full("")),
        "/echo" => Response::builder().body(req.into_body().map_err(Error::from).boxed()),
        "/headers" => {
            let get = |name: &str| {
                req.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned()
            };
            let text = format!(
                "user-agent={}\naccept-encoding={}\nauthorization={}\n",
                get("user-agent"),
                get("accept-encoding"),
                get("authorization")
            );
            Response::builder().body(full(text))
        }
        "/stall" => Response::builder().body(Stall { sent: false }.boxed()),
        "/stall-head" => {
            std::future::pending::<()>().await;
            unreachable!()
        }
        p if p.starts_with("/redirect/") => {
            let n: u32 = p["/redirect/".len()..].parse().unwrap_or(0);
            if n == 0 {
                Response::builder().body(full("landed"))
            } else {
                Response::builder()
                    .status(StatusCode::FOUND)
                    .header("location", format!("/redirect/{}", n - 1))
                    .body(full(""))
            }
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(full("not found")),
    };
    Ok(response.unwrap())
}

/// `left` chunks of 64 KiB, made as they are sent.
struct Big {
    left: usize,
    chunk: Bytes,
}

impl http_body::Body for Big {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))))
    }
}

/// One chunk, then nothing, ever.
struct Stall {
    sent: bool,
}

impl http_body::Body for Stall {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        if self.sent {
            return Poll::Pending;
        }
        self.sent = true;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"first")))))
    }
}
