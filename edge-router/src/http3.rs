//! HTTP/3: a QUIC endpoint (quinn) with the node's certificates, whose connections are spread
//! over the host's workers; each request is an `h3` stream whose body is read as the app asks
//! and whose response is sent frame by frame as the app produces it.

use std::net::{SocketAddr, UdpSocket};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes};
use edge_isolates::{AppRequest, Body, WorkerPool};
use h3::server::RequestStream;
use http::{Response, StatusCode};
use http_body::{Body as HttpBody, Frame};
use http_body_util::BodyExt;

use crate::access_log::{Metered, Record};
use crate::dispatch::Dispatch;
use crate::errors::plain;
use crate::request::{request_url, TimedBody};
use crate::server::ServerConfig;
use crate::tls::CertStore;

/// Serves HTTP/3 on `socket`. The endpoint runs on the first worker; each connection runs on
/// a worker of its own, round robin. Stops taking connections when the drain begins.
pub fn serve_h3<D: Dispatch + Send + Sync>(
    socket: UdpSocket,
    certs: &Arc<CertStore>,
    dispatcher: Arc<D>,
    pool: Arc<WorkerPool>,
    config: Arc<ServerConfig>,
) -> Result<(), String> {
    let tls = certs.server_config(&[b"h3"]);
    let quic = quinn::crypto::rustls::QuicServerConfig::try_from(tls)
        .map_err(|e| format!("TLS configuration unusable for QUIC: {e}"))?;
    let mut server = quinn::ServerConfig::with_crypto(Arc::new(quic));
    let mut transport = quinn::TransportConfig::default();
    let limits = &config.limits;
    transport
        .max_concurrent_bidi_streams(limits.max_streams_per_connection.into())
        .max_concurrent_uni_streams(16u32.into())
        .max_idle_timeout(limits.idle_timeout().try_into().ok());
    server.transport_config(Arc::new(transport));
    let workers = pool.clone();
    pool.spawn_on(0, move || async move {
        let runtime = Arc::new(quinn::TokioRuntime);
        let endpoint = match quinn::Endpoint::new(
            quinn::EndpointConfig::default(),
            Some(server),
            socket,
            runtime,
        ) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("cannot start HTTP/3: {e}");
                return;
            }
        };
        accept_loop(endpoint, dispatcher, workers, config).await;
    });
    Ok(())
}

async fn accept_loop<D: Dispatch + Send + Sync>(
    endpoint: quinn::Endpoint,
    dispatcher: Arc<D>,
    pool: Arc<WorkerPool>,
    config: Arc<ServerConfig>,
) {
    let mut stop = config.drain.subscribe();
    let mut next = 0usize;
    loop {
        let incoming = tokio::select! {
            biased;
            _ = stop.wait_for(|d| *d) => break,
            incoming = endpoint.accept() => incoming,
        };
        let Some(incoming) = incoming else { break };
        let peer = incoming.remote_address();
        let busy = config.drain.busy();
        let dispatcher = dispatcher.clone();
        let config = config.clone();
        next = next.wrapping_add(1);
        pool.spawn_on(next % pool.len(), move || async move {
            let _busy = busy;
            connection(incoming, peer, dispatcher, config).await;
        });
    }
    // New connections are refused from now on; open ones finish on their workers.
    endpoint.set_server_config(None);
    let _ = tokio::time::timeout(config.limits.shutdown_grace(), endpoint.wait_idle()).await;
}

async fn connection<D: Dispatch>(
    incoming: quinn::Incoming,
    peer: SocketAddr,
    dispatcher: Arc<D>,
    config: Arc<ServerConfig>,
) {
    // The handshake proves the client's address (a spoofed one never completes it), so only
    // then does the connection take a place at the gate; a handshake gets the header timeout.
    let handshake = tokio::time::timeout(config.limits.header_read_timeout(), incoming);
    let conn = match handshake.await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            tracing::debug!(%peer, "QUIC handshake failed: {e}");
            return;
        }
        Err(_) => return,
    };
    let _pass = match config.gate.admit(peer.ip()) {
        Ok(p) => p,
        Err(why) => {
            tracing::debug!(%peer, ?why, "QUIC connection refused");
            // H3_EXCESSIVE_LOAD.
            conn.close(0x107u32.into(), b"too many connections");
            return;
        }
    };
    let local = None;
    let built = h3::server::builder()
        .max_field_section_size(config.limits.max_header_bytes as u64)
        .build::<_, Bytes>(h3_quinn::Connection::new(conn.clone()))
        .await;
    let mut h3 = match built {
        Ok(h) => h,
        Err(e) => {
            tracing::debug!(%peer, "HTTP/3 setup failed: {e}");
            return;
        }
    };
    let in_flight = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(tokio::sync::Notify::new());
    let mut stop = config.drain.subscribe();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|d| *d) => {
                // GOAWAY: the client sends nothing new (requests it sent past it are its to
                // retry); what is in flight finishes below.
                let _ = h3.shutdown(0).await;
                break;
            }
            accepted = h3.accept() => accepted,
        };
        let resolver = match accepted {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                tracing::debug!(%peer, "HTTP/3 connection ended: {e}");
                break;
            }
        };
        let guard = InFlight::enter(&in_flight, &done);
        let dispatcher = dispatcher.clone();
        let config = config.clone();
        tokio::task::spawn_local(async move {
            let _guard = guard;
            if let Ok((req, stream)) = resolver.resolve_request().await {
                request(req, stream, peer, local, &*dispatcher, &config).await;
            }
        });
    }
    // The connection stays open until its requests have finished streaming.
    loop {
        let notified = done.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if in_flight.load(Ordering::Acquire) == 0 {
            break;
        }
        notified.await;
    }
    // A QUIC close abandons stream data not yet delivered: give the last responses' data a
    // moment to be acknowledged (the client usually closes first once its requests are done).
    let _ = tokio::time::timeout(Duration::from_secs(1), conn.closed()).await;
    // H3_NO_ERROR.
    conn.close(0x100u32.into(), b"");
    drop(h3);
}

/// One request of a connection in flight; the last one out wakes the connection's task,
/// even when the request's task ends by a panic.
struct InFlight {
    count: Arc<AtomicUsize>,
    done: Arc<tokio::sync::Notify>,
}

impl InFlight {
    fn enter(count: &Arc<AtomicUsize>, done: &Arc<tokio::sync::Notify>) -> InFlight {
        count.fetch_add(1, Ordering::AcqRel);
        InFlight {
            count: count.clone(),
            done: done.clone(),
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.done.notify_waiters();
        }
    }
}

type Stream = RequestStream<h3_quinn::BidiStream<Bytes>, Bytes>;

async fn request<D: Dispatch>(
    req: http::Request<()>,
    stream: Stream,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    dispatcher: &D,
    config: &ServerConfig,
) {
    let started = Instant::now();
    let (mut send, recv) = stream.split();
    let (mut parts, ()) = req.into_parts();
    let method = parts.method.clone();
    let url = request_url(&mut parts, "https", local);
    // The access log needs the URL after the app has taken the request: a copy only when on.
    let logged = url.as_ref().filter(|_| config.access_log.is_on()).cloned();
    let trace = config
        .access_log
        .wants_trace()
        .then(|| crate::access_log::trace_id(&parts.headers))
        .flatten();
    let (response, app, version) = match url {
        None => (
            plain(
                StatusCode::BAD_REQUEST,
                "Bad Request: invalid :authority or target",
            ),
            None,
            None,
        ),
        Some(url) => {
            let body = TimedBody::new(RecvBody(recv), config.limits.body_read_timeout());
            let request = AppRequest {
                method: parts.method,
                url,
                headers: parts.headers,
                body: Body::from_http(body),
                client: Some(peer.ip()),
            };
            let outcome = dispatcher.dispatch(request).await;
            outcome.into_response(config.expose_errors)
        }
    };
    let (mut head, body) = response.into_parts();
    // Connection-specific fields have no place in HTTP/3.
    for name in [
        http::header::CONNECTION,
        http::header::TRANSFER_ENCODING,
        http::header::UPGRADE,
        http::header::HeaderName::from_static("keep-alive"),
        http::header::HeaderName::from_static("proxy-connection"),
        http::header::TE,
    ] {
        head.headers.remove(name);
    }
    let status = head.status.as_u16();
    let mut body = Metered::new(
        body,
        &config.access_log,
        || {
            Record::new(
                peer,
                "HTTP/3",
                &method,
                logged.as_deref(),
                app,
                version,
                status,
                started,
                trace,
            )
        },
        None,
    );
    if send
        .send_response(Response::from_parts(head, ()))
        .await
        .is_err()
    {
        return;
    }
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            tracing::debug!(%peer, "HTTP/3 response body failed");
            // The app's stream failed: reset, so the client sees the response incomplete.
            send.stop_stream(h3::error::Code::H3_INTERNAL_ERROR);
            return;
        };
        match frame.into_data() {
            Ok(data) => {
                if let Err(e) = send.send_data(data).await {
                    tracing::debug!(%peer, "HTTP/3 response cut short: {e}");
                    return;
                }
            }
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    let _ = send.send_trailers(trailers).await;
                }
            }
        }
    }
    let _ = send.finish().await;
}

/// The request body of an HTTP/3 stream, read as the app asks for it.
struct RecvBody(RequestStream<h3_quinn::RecvStream, Bytes>);

impl HttpBody for RecvBody {
    type Data = Bytes;
    type Error = String;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, String>>> {
        match self.0.poll_recv_data(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(Some(mut buf))) => {
                let bytes = buf.copy_to_bytes(buf.remaining());
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(Ok(None)) => Poll::Ready(None),
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e.to_string()))),
        }
    }
}
