//! The embedder's connection hook and the hyper connector built on it: the embedder opens (or
//! refuses) the byte stream to `host:port`; the runtime adds TLS for `https:` and tells hyper
//! whether ALPN chose HTTP/2.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::OutboundConfig;

/// A byte stream to a peer, as the embedder opened it.
pub trait OutboundIo: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> OutboundIo for T {}

pub type ConnectFuture =
    Pin<Box<dyn Future<Output = Result<Box<dyn OutboundIo>, ConnectError>> + Send>>;

/// Why no connection was made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConnectError {
    /// The embedder's policy refused the destination.
    #[error("{0}")]
    Denied(String),
    /// Name resolution, the TCP connection or the TLS handshake failed.
    #[error("{0}")]
    Failed(String),
}

/// The embedder's hook through which every outbound connection of an isolate is opened.
pub trait Connector: Send + Sync + 'static {
    /// Opens a stream to `host` (a name, or an IP literal without brackets) on `port`, or
    /// refuses with [`ConnectError::Denied`].
    fn connect(&self, host: &str, port: u16) -> ConnectFuture;
}

/// What hyper's pooled client uses to open connections.
#[derive(Clone)]
pub(crate) struct HookConnector {
    pub config: OutboundConfig,
}

impl tower_service::Service<Uri> for HookConnector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let config = self.config.clone();
        Box::pin(async move {
            let https = match uri.scheme_str() {
                Some("https") => true,
                Some("http") => false,
                other => {
                    return Err(ConnectError::Failed(format!(
                        "unsupported scheme {}",
                        other.unwrap_or("(none)")
                    )))
                }
            };
            let host = uri
                .host()
                .ok_or_else(|| ConnectError::Failed("URL has no host".into()))?
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned();
            let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
            let io = config.connector.connect(&host, port).await?;
            if !https {
                return Ok(Conn {
                    io: TokioIo::new(Stream::Plain(io)),
                    h2: false,
                });
            }
            let name = ServerName::try_from(host.clone())
                .map_err(|_| ConnectError::Failed(format!("invalid TLS server name {host}")))?;
            let tls = tokio_rustls::TlsConnector::from(config.tls.clone())
                .connect(name, io)
                .await
                .map_err(|e| {
                    ConnectError::Failed(format!("TLS handshake with {host} failed: {e}"))
                })?;
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
            Ok(Conn {
                io: TokioIo::new(Stream::Tls(Box::new(tls))),
                h2,
            })
        })
    }
}

enum Stream {
    Plain(Box<dyn OutboundIo>),
    Tls(Box<tokio_rustls::client::TlsStream<Box<dyn OutboundIo>>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// One outbound connection, plain or TLS.
pub(crate) struct Conn {
    io: TokioIo<Stream>,
    h2: bool,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let connected = Connected::new();
        if self.h2 {
            connected.negotiated_h2()
        } else {
            connected
        }
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
