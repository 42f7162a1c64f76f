//! `BodySink`: the native end of a streamed response body. The JS side (`pumpToSink` in the
//! bootstrap) reads the app's ReadableStream in a tight loop and writes each chunk here. Chunks
//! written in the same turn of the event loop are coalesced and sent as one `Bytes` once the
//! pending jobs have run, so a burst of small events becomes one socket write while a chunk
//! followed by a wait (a timer, a network read) still goes out at once. When the body channel
//! is full, `write` returns a promise that settles when the data moved on: that is how a slow
//! client slows the app's stream.

use std::cell::RefCell;
use std::rc::Rc;

use bytes::{Bytes, BytesMut};
use rquickjs::class::Trace;
use rquickjs::{Ctx, Exception, JsLifetime, Promise, Result, Value};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::Notify;

use super::console::{emit, LogLevel};
use super::util::{buffer_source_bytes, describe_exception};
use crate::body::{BodyError, BodySender};

/// Pending bytes beyond which `write` asks the stream to wait for the flush.
const HIGH_WATER: usize = 64 * 1024;

/// The message of the error `write` throws once the client has gone away.
const DISCONNECTED: &str = "the client disconnected";

struct State {
    sender: Option<BodySender>,
    pending: Vec<Bytes>,
    pending_len: usize,
    flushing: bool,
    close_requested: bool,
    disconnected: bool,
    /// Whether the first chunk was handed over.
    started: bool,
    /// Flushes completed so far; writers waiting for room watch it.
    flushed: u64,
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct BodySink {
    #[qjs(skip_trace)]
    state: Rc<RefCell<State>>,
    #[qjs(skip_trace)]
    notify: Rc<Notify>,
}

impl BodySink {
    pub fn new(sender: BodySender) -> Self {
        BodySink {
            state: Rc::new(RefCell::new(State {
                sender: Some(sender),
                pending: Vec::new(),
                pending_len: 0,
                flushing: false,
                close_requested: false,
                disconnected: false,
                started: false,
                flushed: 0,
            })),
            notify: Rc::new(Notify::new()),
        }
    }

    fn schedule_flush(&self, ctx: &Ctx<'_>) {
        let mut st = self.state.borrow_mut();
        if st.flushing {
            return;
        }
        st.flushing = true;
        drop(st);
        let state = self.state.clone();
        let notify = self.notify.clone();
        ctx.spawn(async move {
            // Let the pending jobs run first, so that every chunk the app produces in this
            // turn joins the same write.
            crate::isolate::YieldOnce::default().await;
            loop {
                let (data, sender) = {
                    let mut st = state.borrow_mut();
                    let data = take_pending(&mut st);
                    (data, st.sender.clone())
                };
                let (Some(data), Some(sender)) = (data, sender) else {
                    break;
                };
                if sender.send(Ok(data)).await.is_err() {
                    let mut st = state.borrow_mut();
                    st.disconnected = true;
                    st.pending.clear();
                    st.pending_len = 0;
                    break;
                }
            }
            let mut st = state.borrow_mut();
            st.flushing = false;
            st.flushed += 1;
            if st.close_requested {
                st.sender = None;
            }
            drop(st);
            notify.notify_waiters();
        });
    }
}

fn take_pending(st: &mut State) -> Option<Bytes> {
    st.pending_len = 0;
    match st.pending.len() {
        0 => None,
        1 => st.pending.pop(),
        _ => {
            let total = st.pending.iter().map(Bytes::len).sum();
            let mut buf = BytesMut::with_capacity(total);
            for b in st.pending.drain(..) {
                buf.extend_from_slice(&b);
            }
            Some(buf.freeze())
        }
    }
}

#[rquickjs::methods]
impl BodySink {
    /// Queues a chunk. Returns `undefined`, or a promise to await before writing more.
    pub fn write<'js>(&self, ctx: Ctx<'js>, chunk: Value<'js>) -> Result<Value<'js>> {
        if self.state.borrow().disconnected {
            return Err(Exception::throw_type(&ctx, DISCONNECTED));
        }
        let Some(bytes) = buffer_source_bytes(&chunk) else {
            return Err(Exception::throw_type(
                &ctx,
                &format!(
                    "response body chunks must be Uint8Array (or another ArrayBufferView), got {}",
                    chunk.type_name()
                ),
            ));
        };
        if bytes.is_empty() {
            return Ok(Value::new_undefined(ctx));
        }
        let over = {
            let mut st = self.state.borrow_mut();
            // Nothing waiting: hand the chunk over at once if the channel has room.
            let mut bytes = bytes;
            if st.pending.is_empty() && !st.flushing {
                if let Some(sender) = &st.sender {
                    match sender.try_send(Ok(bytes)) {
                        Ok(()) if st.started => return Ok(Value::new_undefined(ctx)),
                        Ok(()) => {
                            // The first chunk: let the connection (which may share this
                            // thread) write the head and this chunk before producing more.
                            st.started = true;
                            drop(st);
                            let promise = Promise::wrap_future(&ctx, async {
                                tokio::task::yield_now().await;
                            })?;
                            return Ok(promise.into_value());
                        }
                        Err(TrySendError::Full(Ok(b))) => bytes = b,
                        Err(_) => {
                            st.disconnected = true;
                            return Err(Exception::throw_type(&ctx, DISCONNECTED));
                        }
                    }
                }
            }
            st.pending_len += bytes.len();
            st.pending.push(bytes);
            st.pending_len >= HIGH_WATER
        };
        self.schedule_flush(&ctx);
        if !over {
            return Ok(Value::new_undefined(ctx));
        }
        let state = self.state.clone();
        let notify = self.notify.clone();
        let target = state.borrow().flushed + 1;
        let ctx2 = ctx.clone();
        let promise = Promise::wrap_future(&ctx, async move {
            loop {
                let notified = notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let (disconnected, flushed) = {
                    let st = state.borrow();
                    (st.disconnected, st.flushed)
                };
                if disconnected {
                    return Err(Exception::throw_type(&ctx2, DISCONNECTED));
                }
                if flushed >= target {
                    return Ok(());
                }
                notified.await;
            }
        })?;
        Ok(promise.into_value())
    }

    /// The stream ended: the body ends after the pending bytes.
    pub fn close(&self) {
        let mut st = self.state.borrow_mut();
        st.close_requested = true;
        if !st.flushing {
            st.sender = None;
        }
    }

    /// The stream failed: the response is cut short so the client sees it incomplete.
    pub fn abort<'js>(&self, ctx: Ctx<'js>, reason: Value<'js>) {
        let error = describe_exception(&reason);
        let mut st = self.state.borrow_mut();
        st.pending.clear();
        st.pending_len = 0;
        let sender = st.sender.take();
        let disconnected = st.disconnected;
        drop(st);
        if !disconnected && !error.message.ends_with(DISCONNECTED) {
            emit(
                &ctx,
                LogLevel::Error,
                &format!("Response body stream failed: {error}"),
            );
        }
        if let Some(sender) = sender {
            let message = error.message.clone();
            ctx.spawn(async move {
                let _ = sender.send(Err(BodyError::Aborted(message))).await;
            });
        }
    }
}
