//! The TCP front: accept loops on the host's worker threads, one local task per connection,
//! TLS (SNI, ALPN) when the listener has it, HTTP/1.1 and HTTP/2 (ALPN over TLS, prior
//! knowledge in clear text) with hyper, idle and header-read timeouts, and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use edge_isolates::{AppRequest, Body, WorkerPool};
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body::Body as _;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::access_log::{AccessLog, Metered, Record};
use crate::config::ServerLimits;
use crate::dispatch::Dispatch;
use crate::errors::plain;
use crate::gate::Gate;
use crate::request::{request_url, TimedBody};
use crate::shutdown::Drain;

/// How the front end behaves; shared by every listener of a node.
pub struct ServerConfig {
    /// Put error details (JS stacks) into 500 responses: for `edge dev` only.
    pub expose_errors: bool,
    pub limits: ServerLimits,
    pub access_log: AccessLog,
    pub drain: Arc<Drain>,
    pub gate: Arc<Gate>,
}

impl ServerConfig {
    /// The local development server: error details in responses, no access log.
    pub fn dev() -> ServerConfig {
        let limits = ServerLimits::default();
        ServerConfig {
            expose_errors: true,
            gate: Gate::new(limits.max_connections, limits.max_connections_per_ip),
            limits,
            access_log: AccessLog::off(),
            drain: Drain::new(),
        }
    }
}

/// TLS on a listener.
#[derive(Clone)]
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    /// Sent as `Alt-Svc` on every response (HTTP/3 on the same port).
    pub alt_svc: Option<HeaderValue>,
}

/// Serves HTTP on `listener` from every worker of `pool`: each worker accepts connections and
/// runs them itself, so a request for an isolate on that worker stays on its thread. Returns
/// once the accept loops are running; they stop when the drain begins.
pub fn serve<D: Dispatch + Send + Sync>(
    listener: std::net::TcpListener,
    tls: Option<Tls>,
    dispatcher: Arc<D>,
    pool: &WorkerPool,
    config: Arc<ServerConfig>,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    for index in 0..pool.len() {
        let listener = listener.try_clone()?;
        let front = Front {
            dispatcher: dispatcher.clone(),
            config: config.clone(),
            tls: tls.clone(),
        };
        pool.spawn_on(index, move || accept_loop(listener, front));
    }
    Ok(())
}

struct Front<D> {
    dispatcher: Arc<D>,
    config: Arc<ServerConfig>,
    tls: Option<Tls>,
}

async fn accept_loop<D: Dispatch>(listener: std::net::TcpListener, front: Front<D>) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("cannot listen on this worker: {e}");
            return;
        }
    };
    let front = Rc::new(front);
    let mut stop = front.config.drain.subscribe();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|draining| *draining) => {
                take_queued(listener, &front);
                return;
            }
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        start_connection(stream, peer, &front);
    }
}

/// Admits a connection and runs it on this worker.
fn start_connection<D: Dispatch>(stream: TcpStream, peer: SocketAddr, front: &Rc<Front<D>>) {
    let pass = match front.config.gate.admit(peer.ip()) {
        Ok(pass) => pass,
        Err(why) => {
            tracing::debug!(%peer, ?why, "connection refused");
            return;
        }
    };
    let front = front.clone();
    let busy = front.config.drain.busy();
    tokio::task::spawn_local(async move {
        let _busy = busy;
        connection(stream, peer, &front, pass).await;
    });
}

/// On drain: serves the connections already queued on the socket (they get
/// `Connection: close` answers), then drops this worker's copy of it. Once every copy is
/// dropped the socket closes and new connections are refused (or, in a hand-over, go to the
/// new node's socket).
fn take_queued<D: Dispatch>(listener: TcpListener, front: &Rc<Front<D>>) {
    let Ok(listener) = listener.into_std() else {
        return;
    };
    while let Ok((stream, peer)) = listener.accept() {
        match stream
            .set_nonblocking(true)
            .and_then(|()| TcpStream::from_std(stream))
        {
            Ok(stream) => start_connection(stream, peer, front),
            Err(e) => tracing::debug!(%peer, "cannot serve a queued connection: {e}"),
        }
    }
}

/// The protocol a connection speaks.
#[derive(Clone, Copy)]
enum Proto {
    Http1,
    Http2,
    /// Clear text: HTTP/1.1, or HTTP/2 with prior knowledge (the client's preface says).
    Detect,
}

async fn connection<D: Dispatch>(
    stream: TcpStream,
    peer: SocketAddr,
    front: &Rc<Front<D>>,
    pass: crate::gate::Pass,
) {
    let _ = stream.set_nodelay(true);
    let local = stream.local_addr().ok();
    let state = Arc::new(ConnState::new(pass));
    match &front.tls {
        None => {
            let io = Activity::new(stream, state.clone());
            serve_io(io, Proto::Detect, peer, local, state, front).await
        }
        Some(tls) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls.config.clone());
            let handshake = acceptor.accept(stream);
            let timeout = front.config.limits.header_read_timeout();
            let stream = match tokio::time::timeout(timeout, handshake).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, "TLS handshake failed: {e}");
                    return;
                }
                Err(_) => return,
            };
            let proto = match stream.get_ref().1.alpn_protocol() {
                Some(b"h2") => Proto::Http2,
                _ => Proto::Http1,
            };
            let io = Activity::new(stream, state.clone());
            serve_io(io, proto, peer, local, state, front).await
        }
    }
}

/// Runs hyper on one connection until it closes, shutting it down gracefully when the node
/// drains or when it has been idle too long.
async fn serve_io<D, S>(
    io: S,
    proto: Proto,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    state: Arc<ConnState>,
    front: &Rc<Front<D>>,
) where
    D: Dispatch,
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = &front.config.limits;
    let mut builder = auto::Builder::new(LocalExec);
    builder
        .http1()
        .timer(TokioTimer::new())
        // hyper's own header timer also runs while a keep-alive connection waits for its next
        // request, which would cut idle connections at the header timeout: the watch below
        // times request heads instead, and idleness separately.
        .header_read_timeout(None)
        .max_headers(limits.max_headers)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .writev(false);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.max_streams_per_connection)
        // WebSockets over HTTP/2 (RFC 8441).
        .enable_connect_protocol()
        .max_header_list_size(limits.max_header_bytes as u32);
    let builder = match proto {
        Proto::Http1 => builder.http1_only(),
        Proto::Http2 => builder.http2_only(),
        Proto::Detect => builder,
    };
    let scheme = if front.tls.is_some() { "https" } else { "http" };
    let service = {
        let front = front.clone();
        let state = state.clone();
        service_fn(move |req: Request<Incoming>| {
            let front = front.clone();
            // Counted from here: a request whose future hyper drops (a reset stream) uncounts
            // itself.
            let in_flight = InFlight::enter(&state);
            if req.version() == http::Version::HTTP_2 {
                state.spoke_h2.store(true, Ordering::Relaxed);
            }
            async move {
                let conn = ConnInfo {
                    peer,
                    local,
                    scheme,
                    in_flight,
                };
                Ok::<_, Infallible>(handle(req, &front, conn).await)
            }
        })
    };
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::pin!(conn);
    let mut stop = front.config.drain.subscribe();
    let mut draining = false;
    let mut closing = false;
    let idle = limits.idle_timeout();
    let head = limits.header_read_timeout();
    let period = idle.min(head) / 4;
    let mut ticker = watch_ticker(period);
    let mut idle_ticks = 0u32;
    // Quiet ticks before an idle connection is closed: the idle timeout, or half a second
    // once the node drains.
    let mut idle_limit = idle.as_millis().div_ceil(period.as_millis().max(1)) as u32;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, "connection ended: {e}");
                }
                break;
            }
            _ = stop.wait_for(|draining| *draining), if !draining => {
                draining = true;
                if matches!(proto, Proto::Http2) || state.spoke_h2.load(Ordering::Relaxed) {
                    // GOAWAY: the client opens no new streams; open ones finish.
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                } else {
                    // HTTP/1.1: closing a connection the client may be sending on would lose
                    // that request. Answers now carry `Connection: close`; a connection that
                    // stays quiet for half a second is closed.
                    ticker = watch_ticker(Duration::from_millis(100));
                    idle_ticks = 0;
                    idle_limit = 5;
                }
            }
            _ = ticker.tick() => {
                if state.head_overdue(head) {
                    // A request head still incomplete after the header timeout (slowloris):
                    // drop the connection.
                    tracing::debug!(%peer, "request head too slow; connection dropped");
                    break;
                }
                if closing {
                    continue;
                }
                let busy = state.moved.swap(false, Ordering::Relaxed)
                    || state.in_flight.load(Ordering::Acquire) > 0;
                idle_ticks = if busy { 0 } else { idle_ticks + 1 };
                if idle_ticks >= idle_limit {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

fn watch_ticker(period: Duration) -> tokio::time::Interval {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    // A worker busy for a while must not make up for missed ticks in a burst.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker
}

/// What a connection's watch needs to know: requests in flight, whether bytes moved, and
/// since when a request head has been arriving.
struct ConnState {
    in_flight: AtomicUsize,
    moved: AtomicBool,
    /// Milliseconds after `opened` when bytes of a new request head began to arrive (0: none).
    head_since: AtomicU64,
    opened: Instant,
    /// Whether a clear-text connection turned out to speak HTTP/2.
    spoke_h2: AtomicBool,
    /// The connection's place under the caps; a WebSocket the connection becomes takes it.
    pass: std::sync::Mutex<Option<crate::gate::Pass>>,
}

impl ConnState {
    fn new(pass: crate::gate::Pass) -> Self {
        ConnState {
            pass: std::sync::Mutex::new(Some(pass)),
            in_flight: AtomicUsize::new(0),
            moved: AtomicBool::new(false),
            head_since: AtomicU64::new(0),
            opened: Instant::now(),
            spoke_h2: AtomicBool::new(false),
        }
    }

    /// Hands the connection's place under the caps to what the connection became.
    fn take_pass(&self) -> Option<crate::gate::Pass> {
        self.pass.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Notes bytes read; with nothing in flight they are the start of a request head.
    fn read(&self) {
        self.moved.store(true, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Relaxed) == 0
            && self.head_since.load(Ordering::Relaxed) == 0
            && !self.spoke_h2.load(Ordering::Relaxed)
        {
            let now = self.opened.elapsed().as_millis() as u64;
            self.head_since.store(now.max(1), Ordering::Relaxed);
        }
    }

    /// Whether an HTTP/1 request head has been arriving for longer than `limit`.
    fn head_overdue(&self, limit: Duration) -> bool {
        let since = self.head_since.load(Ordering::Relaxed);
        since != 0
            && self.in_flight.load(Ordering::Relaxed) == 0
            && self.opened.elapsed().as_millis() as u64 >= since + limit.as_millis() as u64
    }
}

/// A request in flight on a connection; dropping it (when its response body ends, or when
/// hyper drops a cancelled request) uncounts it.
pub(crate) struct InFlight(Arc<ConnState>);

impl InFlight {
    fn enter(state: &Arc<ConnState>) -> InFlight {
        state.in_flight.fetch_add(1, Ordering::AcqRel);
        // The head has arrived whole.
        state.head_since.store(0, Ordering::Relaxed);
        InFlight(state.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The facts of a connection a request needs.
struct ConnInfo {
    peer: SocketAddr,
    local: Option<SocketAddr>,
    scheme: &'static str,
    in_flight: InFlight,
}

async fn handle<D: Dispatch>(
    req: Request<Incoming>,
    front: &Front<D>,
    conn: ConnInfo,
) -> Response<Metered<Body>> {
    let started = Instant::now();
    let (mut parts, body) = req.into_parts();
    let handshake = crate::websocket::take(&mut parts);
    let protocol = match parts.version {
        http::Version::HTTP_2 => "HTTP/2",
        http::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let config = &front.config;
    let method = parts.method.clone();
    let mut trace = None;
    let (response, app, version, url) = match request_url(&mut parts, conn.scheme, conn.local) {
        None => {
            let res = plain(
                StatusCode::BAD_REQUEST,
                "Bad Request: invalid Host header or target",
            );
            (res, None, None, None)
        }
        Some(url) => {
            let body = if body.is_end_stream() {
                Body::empty()
            } else {
                Body::from_http(TimedBody::new(body, config.limits.body_read_timeout()))
            };
            // The access log needs the URL after the app has taken the request: a copy only
            // when the log is on.
            let logged = config.access_log.is_on().then(|| url.clone());
            trace = if config.access_log.wants_trace() {
                crate::access_log::trace_id(&parts.headers)
            } else {
                None
            };
            let request = AppRequest {
                method: parts.method,
                url,
                headers: parts.headers,
                body,
                client: Some(conn.peer.ip()),
            };
            let mut outcome = front.dispatcher.dispatch(request).await;
            if let Ok(response) = outcome.result {
                let state = &conn.in_flight.0;
                outcome.result = Ok(crate::websocket::attach(
                    response,
                    handshake,
                    &config.drain,
                    || state.take_pass(),
                ));
            }
            let (response, app, version) = outcome.into_response(config.expose_errors);
            (response, app, version, logged)
        }
    };
    let (mut head, body) = response.into_parts();
    if let Some(alt) = front.tls.as_ref().and_then(|t| t.alt_svc.as_ref()) {
        head.headers
            .entry(header::ALT_SVC)
            .or_insert_with(|| alt.clone());
    }
    if config.drain.is_draining() && protocol != "HTTP/2" {
        head.headers
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let status = head.status.as_u16();
    let body = Metered::new(
        body,
        &config.access_log,
        || {
            Record::new(
                conn.peer,
                protocol,
                &method,
                url.as_deref(),
                app,
                version,
                status,
                started,
                trace,
            )
        },
        Some(conn.in_flight),
    );
    Response::from_parts(head, body)
}

/// Runs hyper's HTTP/2 stream tasks on the connection's worker.
#[derive(Clone, Copy)]
struct LocalExec;

impl<F> hyper::rt::Executor<F> for LocalExec
where
    F: Future + 'static,
{
    fn execute(&self, fut: F) {
        tokio::task::spawn_local(fut);
    }
}

/// A stream that notes when bytes move, for the idle and header timeouts.
struct Activity<S> {
    inner: S,
    state: Arc<ConnState>,
}

impl<S> Activity<S> {
    fn new(inner: S, state: Arc<ConnState>) -> Self {
        Activity { inner, state }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Activity<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.state.read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Activity<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.state.moved.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
