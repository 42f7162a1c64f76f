//! KV namespaces: the store an embedder provides (`KvStore`: values with metadata and an
//! expiration, listed in key order a page at a time) and the native handle the JS
//! `KVNamespace` (`node/internal_bindings.js`) calls. Values cross as bytes; the JS side
//! does the Workers API's conversions and argument checks.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, Exception, JsLifetime, Promise, Result, TypedArray, Value};

/// A stored value.
#[derive(Clone, Debug, PartialEq)]
pub struct KvEntry {
    pub value: Vec<u8>,
    /// The metadata as JSON text.
    pub metadata: Option<String>,
    /// Seconds since the epoch after which the entry is gone.
    pub expiration: Option<u64>,
}

/// One key of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct KvKey {
    pub name: String,
    pub expiration: Option<u64>,
    pub metadata: Option<String>,
}

/// A page of a listing; `cursor` is set when more keys follow.
#[derive(Clone, Debug, PartialEq)]
pub struct KvPage {
    pub keys: Vec<KvKey>,
    pub cursor: Option<String>,
}

/// Why a store call failed (the app sees it as a rejected promise).
#[derive(Debug, thiserror::Error)]
#[error("KV storage error: {0}")]
pub struct KvError(pub String);

pub type KvFuture<T> = Pin<Box<dyn Future<Output = std::result::Result<T, KvError>> + Send>>;

/// A KV namespace's storage. Expired entries are never returned.
pub trait KvStore: Send + Sync {
    fn get(&self, key: String) -> KvFuture<Option<KvEntry>>;
    fn put(&self, key: String, entry: KvEntry) -> KvFuture<()>;
    fn delete(&self, key: String) -> KvFuture<()>;
    /// Keys starting with `prefix`, in order, at most `limit`, after the page `cursor` ended.
    fn list(&self, prefix: String, limit: usize, cursor: Option<String>) -> KvFuture<KvPage>;
}

/// A listing's cursor for stores to hand out: the last key of the page, hex-encoded (opaque to
/// apps).
pub fn encode_cursor(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The key an `encode_cursor` cursor names; `None` for anything else.
pub fn decode_cursor(cursor: &str) -> Option<String> {
    if !cursor.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// The native side of one `env.NAME` KV namespace.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct KvHandle {
    #[qjs(skip_trace)]
    store: Arc<dyn KvStore>,
}

impl KvHandle {
    pub fn new(store: Arc<dyn KvStore>) -> Self {
        KvHandle { store }
    }
}

fn failed(ctx: &Ctx<'_>, e: KvError) -> rquickjs::Error {
    Exception::throw_internal(ctx, &e.to_string())
}

#[rquickjs::methods]
impl KvHandle {
    /// `[bytes, metadataJson | null, expiration | null]`, or `null` when absent.
    pub fn get<'js>(&self, ctx: Ctx<'js>, key: String) -> Result<Promise<'js>> {
        let store = self.store.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let entry = store.get(key).await.map_err(|e| failed(&ctx2, e))?;
            let Some(entry) = entry else {
                return Ok::<_, rquickjs::Error>(Value::new_null(ctx2.clone()));
            };
            let out = Array::new(ctx2.clone())?;
            out.set(0, TypedArray::<u8>::new(ctx2.clone(), entry.value)?)?;
            out.set(1, entry.metadata)?;
            out.set(2, entry.expiration.map(|e| e as f64))?;
            Ok::<_, rquickjs::Error>(out.into_value())
        })
    }

    pub fn put<'js>(
        &self,
        ctx: Ctx<'js>,
        key: String,
        value: Value<'js>,
        expiration: Option<f64>,
        metadata: Option<String>,
    ) -> Result<Promise<'js>> {
        let bytes = crate::web::util::buffer_source_bytes(&value)
            .map(|b| b.to_vec())
            .ok_or_else(|| Exception::throw_type(&ctx, "a KV value crosses as bytes"))?;
        let entry = KvEntry {
            value: bytes,
            metadata,
            expiration: expiration.map(|e| e as u64),
        };
        let store = self.store.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            store.put(key, entry).await.map_err(|e| failed(&ctx2, e))
        })
    }

    pub fn delete<'js>(&self, ctx: Ctx<'js>, key: String) -> Result<Promise<'js>> {
        let store = self.store.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            store.delete(key).await.map_err(|e| failed(&ctx2, e))
        })
    }

    /// `[[name, expiration | null, metadataJson | null], ...]` and the next cursor (or null).
    pub fn list<'js>(
        &self,
        ctx: Ctx<'js>,
        prefix: String,
        limit: u32,
        cursor: Option<String>,
    ) -> Result<Promise<'js>> {
        let store = self.store.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let page = store
                .list(prefix, limit as usize, cursor)
                .await
                .map_err(|e| failed(&ctx2, e))?;
            let keys = Array::new(ctx2.clone())?;
            for (i, k) in page.keys.into_iter().enumerate() {
                let row = Array::new(ctx2.clone())?;
                row.set(0, k.name)?;
                row.set(1, k.expiration.map(|e| e as f64))?;
                row.set(2, k.metadata)?;
                keys.set(i, row)?;
            }
            let out = Array::new(ctx2.clone())?;
            out.set(0, keys)?;
            out.set(1, page.cursor)?;
            Ok::<_, rquickjs::Error>(out.into_value())
        })
    }
}
