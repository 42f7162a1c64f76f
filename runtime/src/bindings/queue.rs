//! Queues: the producer side an embedder provides (`QueueProducer`: messages stored for the
//! queue's consumer, each with a content type and an optional delay), the native handle the JS
//! `Queue` (`send`, `sendBatch`) calls, and the messages a consumer's `queue(batch, env, ctx)`
//! handler gets. Bodies cross as bytes: JSON, text, raw bytes, or the engine's serialization
//! of a value (`v8`, as Workers names it).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, Exception, JsLifetime, Promise, Result, Value};

/// A message to enqueue.
#[derive(Clone, Debug)]
pub struct QueueSend {
    pub body: Vec<u8>,
    pub content_type: String,
    pub delay_seconds: u32,
}

/// A message delivered to a consumer.
#[derive(Clone, Debug)]
pub struct QueueMessage {
    pub id: String,
    /// When it was sent, in ms since the epoch.
    pub timestamp_ms: f64,
    pub body: Vec<u8>,
    pub content_type: String,
    /// Deliveries so far, this one included.
    pub attempts: u32,
}

/// What the consumer decided for one message.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Ack,
    /// Deliver again after this many seconds.
    Retry(u32),
}

#[derive(Debug, thiserror::Error)]
#[error("Queue send failed: {0}")]
pub struct QueueError(pub String);

pub type QueueFuture = Pin<Box<dyn Future<Output = std::result::Result<(), QueueError>> + Send>>;

/// A queue's producer side.
pub trait QueueProducer: Send + Sync {
    fn send(&self, messages: Vec<QueueSend>) -> QueueFuture;
}

/// The native side of one `env.NAME` queue binding.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct QueueHandle {
    #[qjs(skip_trace)]
    producer: Arc<dyn QueueProducer>,
}

impl QueueHandle {
    pub fn new(producer: Arc<dyn QueueProducer>) -> Self {
        QueueHandle { producer }
    }
}

/// At most this many bytes per message, and messages per batch.
pub const MAX_MESSAGE_BYTES: usize = 128 * 1024;
pub const MAX_BATCH: usize = 100;

#[rquickjs::methods]
impl QueueHandle {
    /// `messages`: `[[bytes, contentType, delaySeconds], ...]`.
    pub fn send<'js>(&self, ctx: Ctx<'js>, messages: Array<'js>) -> Result<Promise<'js>> {
        if messages.len() > MAX_BATCH {
            return Err(Exception::throw_range(
                &ctx,
                &format!("a batch holds at most {MAX_BATCH} messages"),
            ));
        }
        let mut list = Vec::with_capacity(messages.len());
        for item in messages.iter::<Array>() {
            let item = item?;
            let bytes: Value = item.get(0)?;
            let body = crate::web::util::buffer_source_bytes(&bytes)
                .ok_or_else(|| Exception::throw_type(&ctx, "a message crosses as bytes"))?;
            if body.len() > MAX_MESSAGE_BYTES {
                return Err(Exception::throw_range(
                    &ctx,
                    &format!(
                        "a message is at most {} KiB, this one is {} bytes",
                        MAX_MESSAGE_BYTES / 1024,
                        body.len()
                    ),
                ));
            }
            list.push(QueueSend {
                body: body.to_vec(),
                content_type: item.get(1)?,
                delay_seconds: item.get::<Option<u32>>(2)?.unwrap_or(0),
            });
        }
        let producer = self.producer.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            producer
                .send(list)
                .await
                .map_err(|e| Exception::throw_internal(&ctx2, &e.to_string()))
        })
    }
}

/// The messages as the JS side builds the batch from them:
/// `[[id, timestampMs, bytes, contentType, attempts], ...]`.
pub fn to_js<'js>(ctx: &Ctx<'js>, messages: &[QueueMessage]) -> Result<Array<'js>> {
    let out = Array::new(ctx.clone())?;
    for (i, m) in messages.iter().enumerate() {
        let row = Array::new(ctx.clone())?;
        row.set(0, m.id.as_str())?;
        row.set(1, m.timestamp_ms)?;
        row.set(
            2,
            rquickjs::TypedArray::<u8>::new(ctx.clone(), m.body.clone())?,
        )?;
        row.set(3, m.content_type.as_str())?;
        row.set(4, m.attempts)?;
        out.set(i, row)?;
    }
    Ok(out)
}
