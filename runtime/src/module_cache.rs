//! Compiled modules, shared by every isolate of the process: the bytecode of a module keyed by
//! its name, how it was imported and a hash of its source, so that a second isolate of the
//! same app version (after an eviction, a limit, a reload of unchanged files) loads bytecode
//! instead of parsing (and, for TypeScript, stripping types) again. A changed file has another
//! key. The cache drops everything when it passes its size cap.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

/// Bytecode kept at most, over all modules.
const CAP_BYTES: usize = 256 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    name: String,
    json: bool,
    source_hash: u64,
    source_len: usize,
}

impl Key {
    pub fn new(name: &str, json: bool, source: &str) -> Key {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        source.hash(&mut hasher);
        Key {
            name: name.to_owned(),
            json,
            source_hash: hasher.finish(),
            source_len: source.len(),
        }
    }
}

#[derive(Default)]
struct Cache {
    modules: HashMap<Key, Arc<[u8]>>,
    bytes: usize,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Cache::default()))
}

/// The bytecode compiled for `key`, if any.
pub fn get(key: &Key) -> Option<Arc<[u8]>> {
    let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    cache.modules.get(key).cloned()
}

/// Keeps the bytecode compiled for `key`.
pub fn put(key: Key, bytecode: Vec<u8>) -> Arc<[u8]> {
    let bytecode: Arc<[u8]> = bytecode.into();
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if cache.bytes + bytecode.len() > CAP_BYTES {
        cache.modules.clear();
        cache.bytes = 0;
    }
    cache.bytes += bytecode.len();
    cache.modules.insert(key, bytecode.clone());
    bytecode
}
