//! The native half of `WebSocket` and `WebSocketPair` (the JS half is
//! `node/internal_websocket.js`): a `WebSocketHandle` through which an app's socket sends and
//! closes, the task delivering a connection's events to the socket's callback (each event
//! starts a fresh CPU budget, as a request does), the outbound client's connection (through
//! the embedder's connector, so the network policy applies as for `fetch()`) and opening
//! handshake, and the server session a `Response` with a `webSocket` hands to the front.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::Empty;
use hyper_util::rt::TokioIo;
use rquickjs::class::Trace;
use rquickjs::prelude::Opt;
use rquickjs::{ArrayBuffer, Class, Ctx, Exception, Function, JsLifetime, Object, Result, Value};
use tokio::sync::mpsc;

use super::blob::Blob;
use super::fetch::FetchState;
use crate::limits::MeterRef;
use crate::net::ConnectError;
use crate::websocket::{self, Command, Event, Limits, Message, Role, Session};

/// Bytes an app may have waiting to be sent on one socket before `send()` refuses more.
const MAX_BUFFERED: usize = 64 << 20;

/// How long the outbound opening handshake may take.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(30);

/// The isolate's WebSocket settings and its count of open sockets (which the embedder reads to
/// keep the isolate while sockets are open).
#[derive(Clone)]
pub(crate) struct WsState {
    pub limits: Limits,
    pub open: Arc<AtomicUsize>,
}

// SAFETY: `WsState` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for WsState {
    type Changed<'to> = WsState;
}

fn state(ctx: &Ctx<'_>) -> WsState {
    match ctx.userdata::<WsState>() {
        Some(s) => s.clone(),
        None => WsState {
            limits: Limits::default(),
            open: Arc::new(AtomicUsize::new(0)),
        },
    }
}

/// One open socket in the isolate's count, until its events end.
pub(crate) struct OpenGuard(Arc<AtomicUsize>);

impl OpenGuard {
    fn new(open: &Arc<AtomicUsize>) -> Self {
        open.fetch_add(1, Ordering::AcqRel);
        OpenGuard(open.clone())
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The app's handle on one connection.
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "WebSocketHandle")]
pub struct WsHandle {
    #[qjs(skip_trace)]
    commands: mpsc::UnboundedSender<Box<Command>>,
    /// Taken by `start` (server sockets; a client's task delivers its own).
    #[qjs(skip_trace)]
    events: RefCell<Option<mpsc::Receiver<Box<Event>>>>,
    #[qjs(skip_trace)]
    buffered: Arc<AtomicUsize>,
    #[qjs(skip_trace)]
    max_message: usize,
    #[qjs(skip_trace)]
    open: RefCell<Option<OpenGuard>>,
}

#[rquickjs::methods]
impl WsHandle {
    /// Starts delivering the connection's events to `callback(kind, ...)`.
    pub fn start<'js>(&self, ctx: Ctx<'js>, callback: Function<'js>) -> Result<()> {
        let Some(events) = self.events.borrow_mut().take() else {
            return Ok(());
        };
        let guard = self.open.borrow_mut().take();
        let ctx2 = ctx.clone();
        ctx.spawn(deliver(
            ctx2,
            events,
            self.commands.clone(),
            callback,
            guard,
        ));
        Ok(())
    }

    /// Queues a message: a string is a text message; an ArrayBuffer, a view or a Blob a
    /// binary one.
    pub fn send<'js>(&self, ctx: Ctx<'js>, data: Value<'js>) -> Result<()> {
        let message = if let Some(s) = data.as_string() {
            Message::Text(s.to_string()?)
        } else if let Ok(blob) = Class::<Blob>::from_value(&data) {
            Message::Binary(blob.borrow().data.clone())
        } else if let Some(bytes) = super::util::buffer_source_bytes(&data) {
            Message::Binary(bytes)
        } else {
            return Err(Exception::throw_type(
                &ctx,
                "WebSocket.send: the data must be a string, an ArrayBuffer, a view or a Blob",
            ));
        };
        let len = message.len();
        if len > self.max_message {
            return Err(Exception::throw_range(
                &ctx,
                &format!(
                    "WebSocket.send: the message is {len} bytes, over the limit of {} bytes",
                    self.max_message
                ),
            ));
        }
        if self.buffered.load(Ordering::Relaxed) + len > MAX_BUFFERED {
            return Err(Exception::throw_range(
                &ctx,
                "WebSocket.send: too much data is waiting to be sent; wait for bufferedAmount to go down",
            ));
        }
        // Bytes waiting to be sent count against the isolate's memory limit until written.
        let meter = ctx.userdata::<MeterRef>().map(|m| m.0.clone());
        if let Some(meter) = &meter {
            if !meter.try_charge_native_bytes(len) {
                return Err(Exception::throw_range(
                    &ctx,
                    "WebSocket.send: the data waiting to be sent passes the app's memory limit",
                ));
            }
        }
        self.buffered.fetch_add(len, Ordering::Relaxed);
        if self
            .commands
            .send(Box::new(Command::Send(message)))
            .is_err()
        {
            // The connection is gone: nothing will be written.
            self.buffered.fetch_sub(len, Ordering::Relaxed);
            if let Some(meter) = &meter {
                meter.release_native_bytes(len);
            }
        }
        Ok(())
    }

    /// Starts the close handshake (`undefined` arguments count as absent).
    pub fn close<'js>(&self, code: Opt<Value<'js>>, reason: Opt<Value<'js>>) {
        let code = code.0.and_then(|c| c.as_number()).map(|c| c as u16);
        let reason = reason
            .0
            .and_then(|r| r.as_string().and_then(|s| s.to_string().ok()))
            .unwrap_or_default();
        let _ = self
            .commands
            .send(Box::new(Command::Close { code, reason }));
    }

    /// Bytes queued and not yet written to the connection.
    #[qjs(rename = "bufferedAmount")]
    pub fn buffered_amount(&self) -> f64 {
        self.buffered.load(Ordering::Relaxed) as f64
    }
}

/// Hands each event to `callback`: `("message", string | ArrayBuffer)`, then
/// `("close", code, reason, wasClean)`. Once the isolate has hit a limit (in this handler or
/// elsewhere) the connection is closed with 1011.
async fn deliver<'js>(
    ctx: Ctx<'js>,
    mut events: mpsc::Receiver<Box<Event>>,
    commands: mpsc::UnboundedSender<Box<Command>>,
    callback: Function<'js>,
    guard: Option<OpenGuard>,
) {
    let limit_hit = |ctx: &Ctx<'js>| {
        let hit = ctx.userdata::<MeterRef>().and_then(|m| m.0.hit());
        if let Some(limit) = hit {
            let _ = commands.send(Box::new(Command::Close {
                code: Some(websocket::close_code::INTERNAL),
                reason: limit.to_string(),
            }));
        }
        hit.is_some()
    };
    while let Some(event) = events.recv().await {
        if limit_hit(&ctx) {
            break;
        }
        if let Some(meter) = ctx.userdata::<MeterRef>() {
            meter.0.renew();
        }
        let last = matches!(*event, Event::Close { .. });
        let outcome = match *event {
            Event::Message(Message::Text(text)) => callback.call::<_, ()>(("message", text)),
            Event::Message(Message::Binary(bytes)) => {
                ArrayBuffer::new(ctx.clone(), Vec::from(bytes))
                    .and_then(|buffer| callback.call::<_, ()>(("message", buffer)))
            }
            Event::Close {
                code,
                reason,
                clean,
            } => callback.call::<_, ()>(("close", code, reason, clean)),
        };
        if limit_hit(&ctx) {
            break;
        }
        if let Err(e) = outcome {
            super::console::report_uncaught(&ctx, e);
        }
        while ctx.execute_pending_job() {}
        if last || limit_hit(&ctx) {
            break;
        }
    }
    drop(guard);
}

/// Releases sent bytes from the isolate's memory charge.
fn release(ctx: &Ctx<'_>) -> Option<websocket::session::Release> {
    let meter = ctx.userdata::<MeterRef>()?.0.clone();
    Some(Arc::new(move |bytes| meter.release_native_bytes(bytes)))
}

/// A new server session for a `Response` carrying a `webSocket`: the session for the front,
/// and the handle the app's server socket is bound to.
pub(crate) fn server_session<'js>(
    ctx: &Ctx<'js>,
    protocol: Option<String>,
) -> Result<(Session, Class<'js, WsHandle>)> {
    let state = state(ctx);
    let (ends, app) = websocket::pair(state.limits, release(ctx));
    let handle = Class::instance(
        ctx.clone(),
        WsHandle {
            commands: app.commands,
            events: RefCell::new(Some(app.events)),
            buffered: app.buffered,
            max_message: state.limits.max_message,
            open: RefCell::new(Some(OpenGuard::new(&state.open))),
        },
    )?;
    Ok((Session { ends, protocol }, handle))
}

/// `connect({ host, port, secure, target, hostHeader }, protocols, callback)`: opens a client
/// connection; the callback gets `("open", protocol, extensions)` or `("error", message)`,
/// then the messages and `("close", ...)`.
pub fn connect<'js>(
    ctx: Ctx<'js>,
    to: Object<'js>,
    protocols: Vec<String>,
    callback: Function<'js>,
) -> Result<Class<'js, WsHandle>> {
    let host: String = to.get("host")?;
    let port: u16 = to.get("port")?;
    let secure: bool = to.get("secure")?;
    let target: String = to.get("target")?;
    let host_header: String = to.get("hostHeader")?;
    let Some(config) = ctx.userdata::<FetchState>().and_then(|s| s.outbound()) else {
        return Err(Exception::throw_type(
            &ctx,
            "WebSocket: this isolate has no outbound network",
        ));
    };
    let budget = ctx
        .userdata::<MeterRef>()
        .map_or(Ok(()), |m| m.0.take_subrequest());
    if let Err(limit) = budget {
        return Err(Exception::throw_type(
            &ctx,
            &format!("Too many subrequests: a request may open {limit} connections"),
        ));
    }
    // A client is one of the isolate's open sockets, as `connect()`'s are.
    let slot = super::sockets::Slot::take(&ctx)?;
    let state = state(&ctx);
    let (ends, app) = websocket::pair(state.limits, release(&ctx));
    let guard = OpenGuard::new(&state.open);
    let commands = app.commands.clone();
    let handle = Class::instance(
        ctx.clone(),
        WsHandle {
            commands: app.commands,
            events: RefCell::new(None),
            buffered: app.buffered,
            max_message: state.limits.max_message,
            open: RefCell::new(None),
        },
    )?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host)
        .to_owned();
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        let request = ClientRequest {
            host,
            port,
            secure,
            target,
            host_header,
            protocols,
        };
        let opened = tokio::time::timeout(HANDSHAKE_LIMIT, open(&config, &request)).await;
        let opened = opened.unwrap_or_else(|_| Err("the opening handshake timed out".into()));
        match opened {
            Err(why) => {
                let outcome = callback
                    .call::<_, ()>(("error", why))
                    .and_then(|_| callback.call::<_, ()>(("close", 1006, "", false)));
                if let Err(e) = outcome {
                    super::console::report_uncaught(&ctx2, e);
                }
                while ctx2.execute_pending_job() {}
                drop(guard);
            }
            Ok(opened) => {
                let outcome = callback.call::<_, ()>((
                    "open",
                    opened.protocol.unwrap_or_default(),
                    opened.extensions.unwrap_or_default(),
                ));
                if let Err(e) = outcome {
                    super::console::report_uncaught(&ctx2, e);
                }
                while ctx2.execute_pending_job() {}
                let connection = websocket::run(
                    opened.io,
                    Role::Client,
                    opened.deflate,
                    ends,
                    std::future::pending(),
                );
                let events = deliver(ctx2, app.events, commands, callback, Some(guard));
                tokio::join!(connection, events);
                drop(slot);
            }
        }
    });
    Ok(handle)
}

struct ClientRequest {
    host: String,
    port: u16,
    secure: bool,
    target: String,
    host_header: String,
    protocols: Vec<String>,
}

struct Opened {
    io: TokioIo<hyper::upgrade::Upgraded>,
    protocol: Option<String>,
    extensions: Option<String>,
    deflate: Option<websocket::DeflateConfig>,
}

/// Connects, speaks TLS if asked, and runs the opening handshake over HTTP/1.1.
async fn open(
    config: &crate::net::OutboundConfig,
    req: &ClientRequest,
) -> std::result::Result<Opened, String> {
    let (host, port) = (&req.host, req.port);
    let stream = match config.connector.connect(host, port).await {
        Ok(stream) => stream,
        Err(ConnectError::Denied(why)) => {
            return Err(format!(
                "a WebSocket to {host}:{port} is not allowed: {why}"
            ))
        }
        Err(ConnectError::Failed(why)) => {
            return Err(format!("a WebSocket to {host}:{port} failed: {why}"))
        }
    };
    let stream = if req.secure {
        let tls = super::sockets::with_alpn(&config.tls, vec!["http/1.1".into()]);
        super::sockets::handshake(stream, host, tls).await?.0
    } else {
        stream
    };
    let mut key = [0u8; 16];
    getrandom::fill(&mut key).map_err(|e| e.to_string())?;
    let key = base64::engine::general_purpose::STANDARD.encode(key);
    let mut builder = http::Request::get(&req.target)
        .header(http::header::HOST, &req.host_header)
        .header(http::header::UPGRADE, "websocket")
        .header(http::header::CONNECTION, "Upgrade")
        .header(http::header::SEC_WEBSOCKET_KEY, &key)
        .header(http::header::SEC_WEBSOCKET_VERSION, "13")
        .header(
            http::header::SEC_WEBSOCKET_EXTENSIONS,
            websocket::client_offer(),
        )
        .header(http::header::USER_AGENT, super::USER_AGENT);
    if !req.protocols.is_empty() {
        builder = builder.header(
            http::header::SEC_WEBSOCKET_PROTOCOL,
            req.protocols.join(", "),
        );
    }
    let request = builder
        .body(Empty::<Bytes>::new())
        .map_err(|e| format!("invalid WebSocket request: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("the WebSocket handshake failed: {e}"))?;
    let conn = conn.with_upgrades();
    tokio::pin!(conn);
    let send = sender.send_request(request);
    tokio::pin!(send);
    // The connection's future ends when it hands the stream over (after a 101), possibly before
    // the response is taken; it must be polled until then.
    let mut conn_done = false;
    let mut response = loop {
        tokio::select! {
            r = &mut send => break r.map_err(|e| format!("the WebSocket handshake failed: {e}"))?,
            c = &mut conn, if !conn_done => {
                conn_done = true;
                if let Err(e) = c {
                    return Err(format!("the WebSocket handshake failed: {e}"));
                }
            }
        }
    };
    if response.status() != http::StatusCode::SWITCHING_PROTOCOLS {
        return Err(format!(
            "the server did not accept the WebSocket (it answered {})",
            response.status()
        ));
    }
    let headers = response.headers();
    let header = |name: http::header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let upgrade_ok =
        header(http::header::UPGRADE).is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    let accept_ok = header(http::header::SEC_WEBSOCKET_ACCEPT)
        .is_some_and(|a| a == websocket::accept_key(key.as_bytes()));
    if !upgrade_ok || !accept_ok {
        return Err("the server's WebSocket handshake answer is invalid".into());
    }
    let protocol = header(http::header::SEC_WEBSOCKET_PROTOCOL);
    if let Some(p) = &protocol {
        if !req.protocols.iter().any(|offered| offered == p) {
            return Err(format!(
                "the server chose a subprotocol that was not offered: {p}"
            ));
        }
    }
    let extensions = header(http::header::SEC_WEBSOCKET_EXTENSIONS);
    let deflate = websocket::negotiate_client(extensions.as_deref())?;
    let upgraded = if conn_done {
        hyper::upgrade::on(&mut response).await
    } else {
        tokio::join!(hyper::upgrade::on(&mut response), conn).0
    };
    let upgraded = upgraded.map_err(|e| format!("the WebSocket upgrade failed: {e}"))?;
    Ok(Opened {
        io: TokioIo::new(upgraded),
        protocol,
        extensions,
        deflate,
    })
}
