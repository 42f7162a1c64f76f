//! Outbound TCP sockets for the Sockets API (`connect()` from `cloudflare:sockets` or
//! `edge:sockets`). The embedder's connector opens (or refuses) every connection, as for
//! `fetch()`; the runtime adds TLS (at once, or later by `startTls()`) with the isolate's trust
//! roots. A socket is driven by a task of the isolate's own executor: bytes read go to JS through
//! a channel body (the app's ReadableStream pulls it), bytes the app writes come through a
//! `BodySink` and its channel (backpressure both ways), and the task ends, closing the
//! connection, when the app closes the socket, both directions finish, or the isolate goes.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use bytes::BytesMut;
use rquickjs::class::Trace;
use rquickjs::prelude::Opt;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Promise, Result, Value};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{oneshot, watch};

use super::body_mixin::NativeSource;
use super::body_sink::BodySink;
use super::fetch::FetchState;
use crate::body::{Body, BodyError, BodySender};
use crate::net::{ConnectError, OutboundConfig, OutboundIo};

/// Bytes read from the socket at a time, at most.
const READ_CHUNK: usize = 64 * 1024;

/// Sockets one isolate may hold open at once (connection pools stay far below it; a leak hits
/// it instead of the host's file descriptors).
pub const MAX_OPEN_SOCKETS: usize = 128;

/// How many sockets the isolate holds open.
#[derive(Clone, Default)]
struct OpenSockets(Rc<std::cell::Cell<usize>>);

// SAFETY: `OpenSockets` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for OpenSockets {
    type Changed<'to> = OpenSockets;
}

fn open_sockets(ctx: &Ctx<'_>) -> OpenSockets {
    if let Some(open) = ctx.userdata::<OpenSockets>() {
        return open.clone();
    }
    let open = OpenSockets::default();
    let _ = ctx.store_userdata(open.clone());
    open
}

/// One socket's place in the isolate's count, from `connect()` (or `new WebSocket()`) until
/// its task ends.
pub(crate) struct Slot(OpenSockets);

impl Slot {
    /// Takes a place, or says why there is none.
    pub(crate) fn take(ctx: &Ctx<'_>) -> Result<Slot> {
        let open = open_sockets(ctx);
        if open.0.get() >= MAX_OPEN_SOCKETS {
            return Err(Exception::throw_type(
                ctx,
                &format!(
                    "this isolate already holds {MAX_OPEN_SOCKETS} open sockets; close some first"
                ),
            ));
        }
        open.0.set(open.0.get() + 1);
        Ok(Slot(open))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0 .0.set(self.0 .0.get().saturating_sub(1));
    }
}

/// How the app asked its socket to end.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Stop {
    Running,
    /// Close now (`close()`, or the isolate went).
    Close,
    /// Stop moving bytes and hand the connection back (`startTls()`).
    Release,
}

/// Where the task hands the connection back after a `Release` (`None` if it closed instead).
type Released = oneshot::Receiver<Option<Box<dyn OutboundIo>>>;

/// The app's handle on a socket's task.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct SocketControl {
    #[qjs(skip_trace)]
    stop: watch::Sender<Stop>,
    /// The connection, once the task has handed it back after a `Release`.
    #[qjs(skip_trace)]
    released: Rc<RefCell<Option<Released>>>,
    /// Settles when the task ends: `undefined`, or the error that ended it.
    #[qjs(skip_trace)]
    ended: Rc<RefCell<Option<oneshot::Receiver<Option<String>>>>>,
    #[qjs(skip_trace)]
    host: String,
    #[qjs(skip_trace)]
    tls: Arc<rustls::ClientConfig>,
}

#[rquickjs::methods]
impl SocketControl {
    /// Closes the connection (both directions, at once).
    pub fn close(&self) {
        let _ = self.stop.send(Stop::Close);
    }

    /// Resolves when the connection has ended: with `undefined`, or rejects with the error
    /// that ended it.
    pub fn ended<'js>(&self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let ended = self.ended.borrow_mut().take();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let outcome = match ended {
                Some(rx) => rx.await.unwrap_or(None),
                None => None,
            };
            match outcome {
                None => Ok(Value::new_undefined(ctx2)),
                Some(message) => Err(Exception::throw_message(&ctx2, &message)),
            }
        })
    }

    /// Upgrades the connection to TLS (`startTls()`): the old streams stop, and the promise
    /// resolves to the parts of a new socket over TLS.
    #[qjs(rename = "startTls")]
    pub fn start_tls<'js>(
        &self,
        ctx: Ctx<'js>,
        server_name: Opt<String>,
        alpn: Opt<Vec<String>>,
    ) -> Result<Promise<'js>> {
        let slot = Slot::take(&ctx)?;
        let released = self.released.borrow_mut().take();
        let _ = self.stop.send(Stop::Release);
        let host = server_name.0.unwrap_or_else(|| self.host.clone());
        let tls = with_alpn(&self.tls, alpn.0.unwrap_or_default());
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let Some(released) = released else {
                return Err(Exception::throw_type(
                    &ctx2,
                    "startTls() was already called",
                ));
            };
            let Some(stream) = released.await.ok().flatten() else {
                return Err(Exception::throw_type(
                    &ctx2,
                    "the socket closed before startTls() could upgrade it",
                ));
            };
            let (stream, protocol) = handshake(stream, &host, tls)
                .await
                .map_err(|e| Exception::throw_type(&ctx2, &e))?;
            parts(&ctx2, stream, host, None, slot, protocol)
        })
    }
}

/// A TLS client configuration for raw sockets: the isolate's roots, no ALPN.
fn socket_tls(config: &OutboundConfig) -> Arc<rustls::ClientConfig> {
    with_alpn(&config.tls, Vec::new())
}

/// The same configuration offering these ALPN protocols (`node:tls`'s `ALPNProtocols`).
pub(crate) fn with_alpn(
    tls: &Arc<rustls::ClientConfig>,
    alpn: Vec<String>,
) -> Arc<rustls::ClientConfig> {
    let mut tls = (**tls).clone();
    tls.alpn_protocols = alpn.into_iter().map(String::into_bytes).collect();
    Arc::new(tls)
}

/// A TLS handshake over `stream`; the TLS stream and the protocol ALPN chose, if any.
pub(crate) async fn handshake(
    stream: Box<dyn OutboundIo>,
    host: &str,
    tls: Arc<rustls::ClientConfig>,
) -> std::result::Result<(Box<dyn OutboundIo>, Option<String>), String> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| format!("'{host}' is not a valid TLS server name"))?;
    let stream = tokio_rustls::TlsConnector::from(tls)
        .connect(name, stream)
        .await
        .map_err(|e| format!("TLS handshake with {host} failed: {e}"))?;
    let protocol = stream
        .get_ref()
        .1
        .alpn_protocol()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    Ok((Box::new(stream), protocol))
}

/// `connect(host, port, tls, allowHalfOpen, alpn)`: resolves to the parts of a socket (see
/// `parts`).
pub fn connect<'js>(
    ctx: Ctx<'js>,
    host: String,
    port: u16,
    secure: bool,
    allow_half_open: Opt<bool>,
    alpn: Opt<Vec<String>>,
) -> Result<Promise<'js>> {
    let config = {
        let Some(state) = ctx.userdata::<FetchState>() else {
            return Err(Exception::throw_type(
                &ctx,
                "connect() is not available here",
            ));
        };
        state.outbound().ok_or_else(|| {
            Exception::throw_type(
                &ctx,
                "connect() is not available: this isolate has no outbound network",
            )
        })?
    };
    let slot = Slot::take(&ctx)?;
    let budget = ctx
        .userdata::<crate::limits::MeterRef>()
        .map_or(Ok(()), |m| m.0.take_subrequest());
    if let Err(limit) = budget {
        return Err(Exception::throw_type(
            &ctx,
            &format!("Too many subrequests: a request may open {limit} connections"),
        ));
    }
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host)
        .to_owned();
    let tls = with_alpn(&config.tls, alpn.0.unwrap_or_default());
    let ctx2 = ctx.clone();
    let half_open = allow_half_open.0.unwrap_or(false);
    Promise::wrap_future(&ctx, async move {
        let opened = config.connector.connect(&host, port).await;
        let stream = match opened {
            Ok(stream) => stream,
            Err(ConnectError::Denied(why)) => {
                return Err(Exception::throw_type(
                    &ctx2,
                    &format!("connect() to {host}:{port} is not allowed: {why}"),
                ))
            }
            Err(ConnectError::Failed(why)) => {
                return Err(Exception::throw_type(
                    &ctx2,
                    &format!("connect() to {host}:{port} failed: {why}"),
                ))
            }
        };
        let (stream, protocol) = if secure {
            handshake(stream, &host, tls)
                .await
                .map_err(|e| Exception::throw_type(&ctx2, &e))?
        } else {
            (stream, None)
        };
        parts(&ctx2, stream, host, Some(half_open), slot, protocol)
    })
}

/// Starts the task driving `stream` and returns `{ source, sink, control, alpn }`: the
/// `NativeSource` of bytes read, the `BodySink` bytes are written to, the `SocketControl`, and
/// the protocol TLS's ALPN chose (`null` if none).
fn parts<'js>(
    ctx: &Ctx<'js>,
    stream: Box<dyn OutboundIo>,
    host: String,
    allow_half_open: Option<bool>,
    slot: Slot,
    alpn: Option<String>,
) -> Result<Value<'js>> {
    let tls = match ctx.userdata::<FetchState>().and_then(|s| s.outbound()) {
        Some(config) => socket_tls(&config),
        None => return Err(Exception::throw_type(ctx, "no outbound network")),
    };
    let (to_js, readable) = Body::channel();
    let (writer, from_js) = Body::channel();
    let (stop_tx, stop_rx) = watch::channel(Stop::Running);
    let (released_tx, released_rx) = oneshot::channel();
    let (ended_tx, ended_rx) = oneshot::channel();
    ctx.spawn(async move {
        drive(
            stream,
            to_js,
            from_js,
            stop_rx,
            released_tx,
            ended_tx,
            allow_half_open.unwrap_or(false),
        )
        .await;
        drop(slot);
    });
    let out = Object::new(ctx.clone())?;
    out.set("alpn", alpn)?;
    out.set(
        "source",
        Class::instance(
            ctx.clone(),
            NativeSource {
                body: Some(readable),
            },
        )?,
    )?;
    out.set("sink", Class::instance(ctx.clone(), BodySink::new(writer))?)?;
    out.set(
        "control",
        Class::instance(
            ctx.clone(),
            SocketControl {
                stop: stop_tx,
                released: Rc::new(RefCell::new(Some(released_rx))),
                ended: Rc::new(RefCell::new(Some(ended_rx))),
                host,
                tls,
            },
        )?,
    )?;
    Ok(out.into_value())
}

/// Why one direction's loop returned.
struct Finished<H> {
    half: H,
    error: Option<String>,
}

/// Moves bytes both ways until the socket ends: the app closes it; the peer finishes sending
/// (and, unless `allowHalfOpen`, that ends the socket); the app closes its writable and the
/// peer finishes; or an error. Hands the connection back on `Release`.
async fn drive(
    stream: Box<dyn OutboundIo>,
    to_js: BodySender,
    from_js: Body,
    stop: watch::Receiver<Stop>,
    released: oneshot::Sender<Option<Box<dyn OutboundIo>>>,
    ended: oneshot::Sender<Option<String>>,
    allow_half_open: bool,
) {
    let (rd, wr) = tokio::io::split(stream);
    let (end_tx, end_rx) = watch::channel(false);
    let reading = read_loop(rd, to_js, stop.clone(), end_rx.clone());
    let writing = write_loop(wr, from_js, stop.clone(), end_rx);
    tokio::pin!(reading, writing);
    let (mut read, mut write) = (None, None);
    while read.is_none() || write.is_none() {
        tokio::select! {
            r = &mut reading, if read.is_none() => {
                if !allow_half_open || write.is_some() || r.error.is_some() {
                    let _ = end_tx.send(true);
                }
                read = Some(r);
            }
            w = &mut writing, if write.is_none() => {
                if read.is_some() || w.error.is_some() {
                    let _ = end_tx.send(true);
                }
                write = Some(w);
            }
        }
    }
    let (Some(read), Some(write)) = (read, write) else {
        return;
    };
    let error = read.error.or(write.error);
    let stream = read.half.unsplit(write.half);
    if *stop.borrow() == Stop::Release && error.is_none() {
        let _ = released.send(Some(stream));
    } else {
        let _ = released.send(None);
        let mut stream = stream;
        let _ = stream.shutdown().await;
    }
    let _ = ended.send(error);
}

/// Resolves when the app asks the socket to stop (or drops its handle), or the socket ends.
async fn stopped(stop: &mut watch::Receiver<Stop>, end: &mut watch::Receiver<bool>) {
    let app = async {
        loop {
            if *stop.borrow_and_update() != Stop::Running {
                return;
            }
            if stop.changed().await.is_err() {
                return;
            }
        }
    };
    let ending = async {
        loop {
            if *end.borrow_and_update() {
                return;
            }
            if end.changed().await.is_err() {
                // The socket's task holds the sender for as long as it runs.
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = app => {}
        _ = ending => {}
    }
}

async fn read_loop(
    mut rd: ReadHalf<Box<dyn OutboundIo>>,
    to_js: BodySender,
    mut stop: watch::Receiver<Stop>,
    mut end: watch::Receiver<bool>,
) -> Finished<ReadHalf<Box<dyn OutboundIo>>> {
    let done = |half, error| Finished { half, error };
    let mut buf = BytesMut::with_capacity(READ_CHUNK);
    loop {
        buf.reserve(READ_CHUNK);
        let read = tokio::select! {
            _ = stopped(&mut stop, &mut end) => return done(rd, None),
            read = rd.read_buf(&mut buf) => read,
        };
        match read {
            // The peer finished sending: the readable ends.
            Ok(0) => return done(rd, None),
            Ok(_) => {
                let chunk = buf.split().freeze();
                tokio::select! {
                    _ = stopped(&mut stop, &mut end) => return done(rd, None),
                    sent = to_js.send(Ok(chunk)) => {
                        // The app cancelled its readable: nothing more is read.
                        if sent.is_err() {
                            return done(rd, None);
                        }
                    }
                }
            }
            Err(e) => {
                let message = format!("the connection failed: {e}");
                let _ = to_js.try_send(Err(BodyError::Transport(message.clone())));
                return done(rd, Some(message));
            }
        }
    }
}

async fn write_loop(
    mut wr: WriteHalf<Box<dyn OutboundIo>>,
    mut from_js: Body,
    mut stop: watch::Receiver<Stop>,
    mut end: watch::Receiver<bool>,
) -> Finished<WriteHalf<Box<dyn OutboundIo>>> {
    let done = |half, error| Finished { half, error };
    loop {
        let chunk = tokio::select! {
            _ = stopped(&mut stop, &mut end) => return done(wr, None),
            chunk = from_js.chunk() => chunk,
        };
        match chunk {
            Some(Ok(bytes)) => {
                let written = tokio::select! {
                    _ = stopped(&mut stop, &mut end) => return done(wr, None),
                    written = wr.write_all(&bytes) => written,
                };
                if let Err(e) = written {
                    return done(wr, Some(format!("the connection failed: {e}")));
                }
            }
            // The app closed its writable: half-close.
            None => {
                let _ = wr.shutdown().await;
                return done(wr, None);
            }
            // The app aborted its writable.
            Some(Err(_)) => return done(wr, None),
        }
    }
}
