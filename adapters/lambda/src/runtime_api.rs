//! The Lambda Runtime API client, as AWS documents it for custom runtimes: `next` (long poll
//! for an invocation), `response` (buffered JSON, or streamed: `Lambda-Runtime-Function-
//! Response-Mode: streaming`, chunked, with an error after the first byte reported in the
//! `Lambda-Runtime-Function-Error-Type`/`-Body` trailers), `error` and `init/error`. One HTTP/1.1
//! connection, reopened if the other side closed it.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use anyhow::{anyhow, bail, Context as _, Result};
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request};
use http_body::{Body as HttpBody, Frame};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::json;

type ReqBody = UnsyncBoxBody<Bytes, Infallible>;

/// The trailer naming a mid-stream error's type.
pub const ERROR_TYPE_TRAILER: &str = "lambda-runtime-function-error-type";
/// The trailer carrying a mid-stream error's JSON, base64-encoded.
pub const ERROR_BODY_TRAILER: &str = "lambda-runtime-function-error-body";

/// One invocation.
pub struct Invocation {
    pub id: String,
    /// Milliseconds since the epoch by which the function must answer.
    pub deadline_ms: Option<u64>,
    pub event: Bytes,
}

/// A failure to report: `errorType` (a JS error's name, or `Runtime.<Reason>`), the message
/// and the stack lines.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: String,
    pub message: String,
    pub stack: Vec<String>,
}

impl Failure {
    pub fn new(kind: &str, message: impl Into<String>) -> Failure {
        Failure {
            kind: kind.to_owned(),
            message: message.into(),
            stack: Vec::new(),
        }
    }

    fn json(&self) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "errorType": self.kind,
            "errorMessage": self.message,
            "stackTrace": self.stack,
        }))
        .unwrap_or_default()
    }
}

/// The client.
pub struct RuntimeApi {
    /// `host:port`.
    authority: String,
    /// A path prefix (empty for AWS; emulators may add one).
    base: String,
    conn: Option<SendRequest<ReqBody>>,
}

impl RuntimeApi {
    /// From `AWS_LAMBDA_RUNTIME_API` (`host:port`, or a URL with a path prefix).
    pub fn from_env() -> Result<RuntimeApi> {
        let raw = std::env::var("AWS_LAMBDA_RUNTIME_API")
            .context("AWS_LAMBDA_RUNTIME_API is not set: this program runs inside AWS Lambda")?;
        RuntimeApi::new(&raw)
    }

    pub fn new(raw: &str) -> Result<RuntimeApi> {
        let rest = raw
            .strip_prefix("http://")
            .unwrap_or(raw)
            .trim_end_matches('/');
        if raw.starts_with("https://") {
            bail!("AWS_LAMBDA_RUNTIME_API must be plain HTTP: {raw}");
        }
        let (authority, base) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty() {
            bail!("AWS_LAMBDA_RUNTIME_API is not host:port: {raw}");
        }
        Ok(RuntimeApi {
            authority: authority.to_owned(),
            base: base.to_owned(),
            conn: None,
        })
    }

    async fn connection(&mut self) -> Result<&mut SendRequest<ReqBody>> {
        let usable = self.conn.as_ref().is_some_and(|c| !c.is_closed());
        if !usable {
            let stream = tokio::net::TcpStream::connect(&self.authority)
                .await
                .with_context(|| {
                    format!("cannot connect to the Runtime API at {}", self.authority)
                })?;
            let _ = stream.set_nodelay(true);
            let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!("Runtime API connection ended: {e}");
                }
            });
            self.conn = Some(send);
        }
        let conn = self.conn.as_mut().ok_or_else(|| anyhow!("no connection"))?;
        conn.ready().await?;
        Ok(conn)
    }

    async fn send(
        &mut self,
        req: Request<ReqBody>,
    ) -> Result<(http::StatusCode, HeaderMap, Bytes)> {
        let conn = self.connection().await?;
        let res = conn.send_request(req).await?;
        let (parts, body) = res.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok((parts.status, parts.headers, body))
    }

    fn request(&self, method: Method, path: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(format!("{}/2018-06-01/runtime{path}", self.base))
            .header(http::header::HOST, &self.authority)
            .header(
                http::header::USER_AGENT,
                concat!("edge-lambda/", env!("CARGO_PKG_VERSION")),
            )
    }

    fn full(bytes: impl Into<Bytes>) -> ReqBody {
        Full::new(bytes.into()).boxed_unsync()
    }

    /// Waits for the next invocation. A connection the other side closed while idle is
    /// opened again once (asking for the next invocation is safe to repeat).
    pub async fn next(&mut self) -> Result<Invocation> {
        let attempt = |api: &Self| {
            api.request(Method::GET, "/invocation/next")
                .body(Self::full(Bytes::new()))
        };
        let (status, headers, event) = match self.send(attempt(self)?).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::debug!("next failed ({e}); reconnecting");
                self.conn = None;
                self.send(attempt(self)?).await?
            }
        };
        if !status.is_success() {
            bail!(
                "the Runtime API answered {status} to next: {}",
                String::from_utf8_lossy(&event)
            );
        }
        let id = headers
            .get("lambda-runtime-aws-request-id")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| anyhow!("the invocation has no Lambda-Runtime-Aws-Request-Id"))?
            .to_owned();
        let deadline_ms = headers
            .get("lambda-runtime-deadline-ms")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Ok(Invocation {
            id,
            deadline_ms,
            event,
        })
    }

    async fn expect_accepted(&mut self, req: Request<ReqBody>, what: &str) -> Result<()> {
        let (status, _, body) = self.send(req).await?;
        if !status.is_success() {
            bail!(
                "the Runtime API refused the {what} ({status}): {}",
                String::from_utf8_lossy(&body)
            );
        }
        Ok(())
    }

    /// A buffered response.
    pub async fn respond(&mut self, id: &str, json: Vec<u8>) -> Result<()> {
        let req = self
            .request(Method::POST, &format!("/invocation/{id}/response"))
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Self::full(json))?;
        self.expect_accepted(req, "response").await
    }

    /// A streamed HTTP response: `prelude` (see `response::prelude`), then `body` chunk by chunk
    /// as it is produced; an error of `body` ends the stream with the error trailers.
    pub async fn respond_streaming(
        &mut self,
        id: &str,
        prelude: Vec<u8>,
        body: edge_isolates::Body,
    ) -> Result<Option<Failure>> {
        let failed = std::sync::Arc::new(std::sync::Mutex::new(None));
        let (finished_tx, finished) = tokio::sync::oneshot::channel();
        let streamed = Streamed {
            prelude: Some(Bytes::from(prelude)),
            body,
            done: false,
            failed: failed.clone(),
            finished: Some(finished_tx),
        };
        let req = self
            .request(Method::POST, &format!("/invocation/{id}/response"))
            .header("lambda-runtime-function-response-mode", "streaming")
            .header(http::header::TRANSFER_ENCODING, "chunked")
            .header(
                http::header::CONTENT_TYPE,
                "application/vnd.awslambda.http-integration-response",
            )
            .header(
                http::header::TRAILER,
                format!(
                    "{}, {}",
                    title(ERROR_TYPE_TRAILER),
                    title(ERROR_BODY_TRAILER)
                ),
            )
            .body(streamed.boxed_unsync())?;
        self.expect_accepted(req, "streamed response").await?;
        // The Runtime API may accept before the body has all gone out (an emulator does): the
        // invocation is over only when the body has been sent whole, or dropped.
        let _ = finished.await;
        let failure = failed.lock().map(|mut f| f.take()).unwrap_or(None);
        Ok(failure)
    }

    /// An invocation that failed before anything was sent.
    pub async fn error(&mut self, id: &str, failure: &Failure) -> Result<()> {
        let req = self
            .request(Method::POST, &format!("/invocation/{id}/error"))
            .header(
                "lambda-runtime-function-error-type",
                header_value(&failure.kind),
            )
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Self::full(failure.json()))?;
        self.expect_accepted(req, "error report").await
    }

    /// The function could not start.
    pub async fn init_error(&mut self, failure: &Failure) -> Result<()> {
        let req = self
            .request(Method::POST, "/init/error")
            .header(
                "lambda-runtime-function-error-type",
                header_value(&failure.kind),
            )
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Self::full(failure.json()))?;
        self.expect_accepted(req, "init error report").await
    }
}

/// `Lambda-Runtime-Function-Error-Type` as AWS writes it.
fn title(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("Runtime.Unknown"))
}

/// The body of a streamed response: the prelude, the app's chunks, and on an error the
/// trailers that report it.
struct Streamed {
    /// The JSON prelude and then the 8 NUL bytes, each sent as a chunk of its own (AWS reads
    /// the byte stream; cargo-lambda's emulator finds the delimiter only as its own chunk).
    prelude: Option<Bytes>,
    body: edge_isolates::Body,
    done: bool,
    failed: std::sync::Arc<std::sync::Mutex<Option<Failure>>>,
    /// Fired when the body has ended (or when it is dropped unfinished).
    finished: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Streamed {
    fn finish(&mut self) {
        self.done = true;
        if let Some(tx) = self.finished.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Streamed {
    fn drop(&mut self) {
        self.finish();
    }
}

impl HttpBody for Streamed {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(mut prelude) = self.prelude.take() {
            if prelude.len() > 8 {
                let delimiter = prelude.split_off(prelude.len() - 8);
                self.prelude = Some(delimiter);
            }
            return Poll::Ready(Some(Ok(Frame::data(prelude))));
        }
        if self.done {
            return Poll::Ready(None);
        }
        loop {
            return match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(None) => {
                    self.finish();
                    Poll::Ready(None)
                }
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    // An empty chunk would end a chunked body early.
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => Poll::Ready(Some(Ok(Frame::data(data)))),
                    Err(_) => continue,
                },
                Poll::Ready(Some(Err(e))) => {
                    self.finish();
                    let failure = Failure::new("Runtime.StreamError", e.to_string());
                    let mut trailers = HeaderMap::new();
                    trailers.insert(ERROR_TYPE_TRAILER, header_value(&failure.kind));
                    let encoded = base64::engine::general_purpose::STANDARD.encode(failure.json());
                    trailers.insert(ERROR_BODY_TRAILER, header_value(&encoded));
                    if let Ok(mut slot) = self.failed.lock() {
                        *slot = Some(failure);
                    }
                    Poll::Ready(Some(Ok(Frame::trailers(trailers))))
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_api_address() {
        let a = RuntimeApi::new("127.0.0.1:9001").unwrap();
        assert_eq!(
            (a.authority.as_str(), a.base.as_str()),
            ("127.0.0.1:9001", "")
        );
        let b = RuntimeApi::new("http://127.0.0.1:9000/.rt").unwrap();
        assert_eq!(
            (b.authority.as_str(), b.base.as_str()),
            ("127.0.0.1:9000", "/.rt")
        );
        assert!(RuntimeApi::new("https://x").is_err());
        assert_eq!(
            title(ERROR_BODY_TRAILER),
            "Lambda-Runtime-Function-Error-Body"
        );
    }
}
