//! The Cache API's storage (`caches.default`, `caches.open(name)`): responses kept in memory
//! per app, keyed by cache name and URL, with the variants a `Vary` header asks for, up to a
//! byte budget beyond which the least recently used entries go. The HTTP rules (what may be
//! stored, freshness, conditional and range requests) are the JS side's
//! (`node/internal_bindings.js`); this holds bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, Exception, JsLifetime, Result, TypedArray, Value};

/// One stored response.
#[derive(Clone, Debug)]
pub struct Variant {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// Milliseconds since the epoch after which it is stale.
    pub expires_ms: f64,
    /// The request headers `Vary` names, with the values they had (lower-case names).
    pub vary: Vec<(String, String)>,
    used: u64,
}

impl Variant {
    fn size(&self) -> usize {
        self.body.len()
            + self
                .headers
                .iter()
                .chain(&self.vary)
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
            + 64
    }
}

#[derive(Default)]
struct Entries {
    map: HashMap<(String, String), Vec<Variant>>,
    bytes: usize,
    clock: u64,
}

/// An app's cache storage.
pub struct MemoryCache {
    budget: usize,
    entries: Mutex<Entries>,
}

impl MemoryCache {
    /// A cache storage holding at most `budget` bytes.
    pub fn new(budget: usize) -> Arc<MemoryCache> {
        Arc::new(MemoryCache {
            budget,
            entries: Mutex::new(Entries::default()),
        })
    }

    /// The bytes held.
    pub fn bytes(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    fn get(&self, cache: String, url: String) -> Vec<Variant> {
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        e.clock += 1;
        let now = e.clock;
        match e.map.get_mut(&(cache, url)) {
            Some(list) => {
                for v in list.iter_mut() {
                    v.used = now;
                }
                list.clone()
            }
            None => Vec::new(),
        }
    }

    fn put(&self, cache: String, url: String, mut variant: Variant) -> bool {
        let size = variant.size();
        if size > self.budget {
            return false;
        }
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        e.clock += 1;
        variant.used = e.clock;
        let key = (cache, url);
        let mut freed = 0;
        if let Some(list) = e.map.get_mut(&key) {
            list.retain(|v| {
                let same = v.vary == variant.vary;
                if same {
                    freed += v.size();
                }
                !same
            });
        }
        e.bytes -= freed;
        e.bytes += size;
        e.map.entry(key).or_default().push(variant);
        // The least recently used go until the budget holds.
        while e.bytes > self.budget {
            let Some((key, index, bytes)) = e
                .map
                .iter()
                .flat_map(|(k, list)| list.iter().enumerate().map(move |(i, v)| (k, i, v)))
                .min_by_key(|(_, _, v)| v.used)
                .map(|(k, i, v)| (k.clone(), i, v.size()))
            else {
                break;
            };
            if let Some(list) = e.map.get_mut(&key) {
                list.remove(index);
                if list.is_empty() {
                    e.map.remove(&key);
                }
            }
            e.bytes -= bytes;
        }
        true
    }

    fn delete(&self, cache: String, url: String) -> bool {
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match e.map.remove(&(cache, url)) {
            Some(list) => {
                let bytes: usize = list.iter().map(Variant::size).sum();
                e.bytes -= bytes;
                true
            }
            None => false,
        }
    }
}

/// The native side of `caches`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct CacheHandle {
    #[qjs(skip_trace)]
    store: Arc<MemoryCache>,
}

impl CacheHandle {
    pub fn new(store: Arc<MemoryCache>) -> Self {
        CacheHandle { store }
    }
}

fn pairs(list: &Array<'_>) -> Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(list.len());
    for pair in list.iter::<Array>() {
        let pair = pair?;
        out.push((pair.get(0)?, pair.get(1)?));
    }
    Ok(out)
}

fn to_pairs<'js>(ctx: &Ctx<'js>, list: &[(String, String)]) -> Result<Array<'js>> {
    let out = Array::new(ctx.clone())?;
    for (i, (k, v)) in list.iter().enumerate() {
        out.set(i, vec![k.clone(), v.clone()])?;
    }
    Ok(out)
}

#[rquickjs::methods]
impl CacheHandle {
    /// Every stored variant of `url`: `[[status, [[name, value]...], bytes, expiresMs,
    /// [[varyName, value]...]], ...]`.
    pub fn get<'js>(&self, ctx: Ctx<'js>, cache: String, url: String) -> Result<Array<'js>> {
        let out = Array::new(ctx.clone())?;
        for (i, v) in self.store.get(cache, url).into_iter().enumerate() {
            let row = Array::new(ctx.clone())?;
            row.set(0, v.status)?;
            row.set(1, to_pairs(&ctx, &v.headers)?)?;
            row.set(2, TypedArray::<u8>::new(ctx.clone(), v.body.to_vec())?)?;
            row.set(3, v.expires_ms)?;
            row.set(4, to_pairs(&ctx, &v.vary)?)?;
            out.set(i, row)?;
        }
        Ok(out)
    }

    /// Stores a variant (replacing one with the same `Vary` values); false if it is larger
    /// than the whole budget.
    #[allow(clippy::too_many_arguments)]
    pub fn put<'js>(
        &self,
        ctx: Ctx<'js>,
        cache: String,
        url: String,
        status: u16,
        headers: Array<'js>,
        body: Value<'js>,
        expires_ms: f64,
        vary: Array<'js>,
    ) -> Result<bool> {
        let body = crate::web::util::buffer_source_bytes(&body)
            .ok_or_else(|| Exception::throw_type(&ctx, "a cached body crosses as bytes"))?;
        Ok(self.store.put(
            cache,
            url,
            Variant {
                status,
                headers: pairs(&headers)?,
                body,
                expires_ms,
                vary: pairs(&vary)?,
                used: 0,
            },
        ))
    }

    pub fn delete(&self, cache: String, url: String) -> bool {
        self.store.delete(cache, url)
    }
}

/// The isolate's cache storage, for the `caches` global.
pub(crate) struct IsolateCache(pub Arc<MemoryCache>);

// SAFETY: holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for IsolateCache {
    type Changed<'to> = IsolateCache;
}

/// `cacheStore()`: the handle over the isolate's cache storage.
pub fn cache_store<'js>(ctx: Ctx<'js>) -> Result<rquickjs::Class<'js, CacheHandle>> {
    let store = match ctx.userdata::<IsolateCache>() {
        Some(c) => c.0.clone(),
        None => {
            let store = MemoryCache::new(DEFAULT_BUDGET);
            let _ = ctx.store_userdata(IsolateCache(store.clone()));
            store
        }
    };
    rquickjs::Class::instance(ctx, CacheHandle::new(store))
}

/// What an isolate with no cache storage of its embedder's keeps: 32 MiB.
pub const DEFAULT_BUDGET: usize = 32 << 20;

/// `knownBodyLength(response)`: the length of a Response's body when it is known up front (a
/// string or bytes), `undefined` for a stream; a cached copy keeps its `content-length` then.
pub fn known_body_length(value: Value<'_>) -> Option<f64> {
    let response = rquickjs::Class::<crate::web::response::Response>::from_value(&value).ok()?;
    let response = response.borrow();
    match &response.body.inner {
        crate::web::body_mixin::BodyInner::Null => Some(0.0),
        crate::web::body_mixin::BodyInner::Bytes(b) => Some(b.len() as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(body: &str, vary: &[(&str, &str)]) -> Variant {
        Variant {
            status: 200,
            headers: Vec::new(),
            body: Bytes::copy_from_slice(body.as_bytes()),
            expires_ms: f64::INFINITY,
            vary: vary
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            used: 0,
        }
    }

    #[test]
    fn the_least_recently_used_go_beyond_the_budget() {
        let cache = MemoryCache::new(3 * (100 + 64));
        for name in ["a", "b", "c"] {
            assert!(cache.put("d".into(), name.into(), variant(&"x".repeat(100), &[])));
        }
        assert_eq!(cache.get("d".into(), "a".into()).len(), 1); // a is used again
        assert!(cache.put("d".into(), "e".into(), variant(&"x".repeat(100), &[])));
        assert!(cache.get("d".into(), "b".into()).is_empty());
        assert_eq!(cache.get("d".into(), "a".into()).len(), 1);
        assert!(cache.bytes() <= 3 * (100 + 64));
        assert!(!cache.put("d".into(), "huge".into(), variant(&"x".repeat(1000), &[])));
    }

    #[test]
    fn variants_are_kept_by_their_vary_values() {
        let cache = MemoryCache::new(1 << 20);
        cache.put("d".into(), "u".into(), variant("en", &[("x-lang", "en")]));
        cache.put("d".into(), "u".into(), variant("fr", &[("x-lang", "fr")]));
        cache.put("d".into(), "u".into(), variant("en2", &[("x-lang", "en")]));
        let all = cache.get("d".into(), "u".into());
        assert_eq!(all.len(), 2);
        assert!(cache.delete("d".into(), "u".into()));
        assert!(!cache.delete("d".into(), "u".into()));
        assert_eq!(cache.bytes(), 0);
    }
}
