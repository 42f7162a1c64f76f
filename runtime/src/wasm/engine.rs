//! The process's one wasmtime engine (Cranelift, epoch interruption for the CPU limit), the
//! thread that advances its epoch while WebAssembly runs, and the cache of compiled modules:
//! in memory by content hash, so a second isolate of an app never compiles its modules again,
//! and on disk when the embedder gives a directory, so a restarted node does not either.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::Thread;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::{Config, Engine, Module, OptLevel};

/// How often the epoch advances while WebAssembly runs: each advance runs the CPU check of
/// the isolate whose code is running (the meter charges only checks under 2 ms apart).
const TICK: Duration = Duration::from_millis(1);

/// Compiled modules kept in memory; beyond this the oldest are dropped from the cache (their
/// instances keep them alive).
const CACHE_ENTRIES: usize = 256;

static ENGINE: OnceLock<Engine> = OnceLock::new();
static TICKER: OnceLock<Thread> = OnceLock::new();
/// Calls into WebAssembly running now, over all threads.
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static CACHE_DIR: OnceLock<PathBuf> = OnceLock::new();
static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();

#[derive(Default)]
struct Cache {
    modules: HashMap<[u8; 32], Module>,
    order: std::collections::VecDeque<[u8; 32]>,
}

/// Edge's engine configuration: the proposals toolchains emit today, epoch interruption for
/// the CPU limit, linear memory that never moves.
/// (The legacy exception instructions, `try`/`catch`, are not supported by Cranelift.)
fn config() -> Config {
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .cranelift_opt_level(OptLevel::Speed)
        // Linear memory never moves, so an ArrayBuffer over it stays valid until detached.
        .memory_may_move(false)
        .wasm_reference_types(true)
        .wasm_function_references(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_simd(true)
        .wasm_relaxed_simd(true)
        .wasm_threads(true)
        .shared_memory(true)
        .wasm_tail_call(true)
        .wasm_extended_const(true)
        .wasm_exceptions(true)
        .wasm_gc(false);
    config
}

/// The engine every isolate's store belongs to (made on first use).
pub fn engine() -> &'static Engine {
    ENGINE.get_or_init(|| match Engine::new(&config()) {
        Ok(engine) => engine,
        Err(error) => {
            tracing::error!(%error, "the WebAssembly engine did not start with Edge's configuration; using the defaults");
            Engine::default()
        }
    })
}

/// Where compiled modules are written and looked up (the embedder's cache directory), if set.
/// Set once per process; later calls are ignored.
pub fn set_cache_dir(dir: PathBuf) {
    let _ = CACHE_DIR.set(dir);
}

/// A running call into WebAssembly: while any exists, the epoch advances.
pub struct Running;

impl Running {
    pub fn start() -> Running {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        // Only a parked ticker needs waking (one that ticks, or is about to notice this call,
        // does not): no wake-up, and no thread switch, per call.
        let ticker = ticker();
        if PARKED.load(Ordering::SeqCst) {
            ticker.unpark();
        }
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether the ticker is parked (or about to park).
static PARKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Ticks without any WebAssembly running before the ticker parks: it keeps ticking between
/// the calls of a busy app rather than being woken for each.
const IDLE_TICKS: u32 = 100;

fn ticker() -> &'static Thread {
    TICKER.get_or_init(|| {
        let engine = engine().clone();
        let spawned = std::thread::Builder::new()
            .name("edge-wasm-epoch".into())
            .spawn(move || {
                let mut idle = 0;
                loop {
                    if RUNNING.load(Ordering::SeqCst) > 0 {
                        idle = 0;
                    } else if idle >= IDLE_TICKS {
                        // Announce the park, then look again: a call that started meanwhile
                        // either is seen here or sees `PARKED` and unparks.
                        PARKED.store(true, Ordering::SeqCst);
                        if RUNNING.load(Ordering::SeqCst) == 0 {
                            std::thread::park();
                        }
                        PARKED.store(false, Ordering::SeqCst);
                        idle = 0;
                        continue;
                    } else {
                        idle += 1;
                    }
                    std::thread::sleep(TICK);
                    engine.increment_epoch();
                }
            });
        match spawned {
            Ok(handle) => handle.thread().clone(),
            // Without the thread the epoch never advances: wasm is then bounded only by the
            // isolate's own interrupt checks around it. Keep running.
            Err(_) => std::thread::current(),
        }
    })
}

/// What a module failed to compile with.
pub struct CompileFailure(pub String);

/// Compiles `bytes` (or takes the compiled module from the caches).
pub fn compile(bytes: &[u8]) -> Result<Module, CompileFailure> {
    let key: [u8; 32] = Sha256::digest(bytes).into();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(module) = cache.lock().ok().and_then(|c| c.modules.get(&key).cloned()) {
        return Ok(module);
    }
    let module = match load_compiled(&key) {
        Some(module) => module,
        None => {
            let module = Module::from_binary(engine(), bytes)
                .map_err(|e| CompileFailure(format!("{e:#}")))?;
            store_compiled(&key, &module);
            module
        }
    };
    if let Ok(mut cache) = cache.lock() {
        if cache.modules.insert(key, module.clone()).is_none() {
            cache.order.push_back(key);
        }
        while cache.order.len() > CACHE_ENTRIES {
            if let Some(old) = cache.order.pop_front() {
                cache.modules.remove(&old);
            }
        }
    }
    Ok(module)
}

/// Whether `bytes` is a valid module.
pub fn validate(bytes: &[u8]) -> bool {
    Module::validate(engine(), bytes).is_ok()
}

fn cache_path(key: &[u8; 32]) -> Option<PathBuf> {
    let dir = CACHE_DIR.get()?;
    let name: String = key.iter().map(|b| format!("{b:02x}")).collect();
    Some(dir.join(format!("{name}.cwasm")))
}

fn load_compiled(key: &[u8; 32]) -> Option<Module> {
    let path = cache_path(key)?;
    if !path.is_file() {
        return None;
    }
    // SAFETY: files in the cache directory are written only by `store_compiled` below, from
    // `Module::serialize` of this engine; wasmtime checks the version and configuration they
    // were made with and refuses a mismatch. The directory belongs to the node, not to apps.
    match unsafe { Module::deserialize_file(engine(), &path) } {
        Ok(module) => Some(module),
        Err(error) => {
            tracing::debug!(%error, path = %path.display(), "stale compiled module in the cache");
            let _ = std::fs::remove_file(&path);
            None
        }
    }
}

fn store_compiled(key: &[u8; 32], module: &Module) {
    let Some(path) = cache_path(key) else { return };
    let Ok(bytes) = module.serialize() else {
        return;
    };
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    // Written under a temporary name and renamed, so a reader never sees half a file.
    let temp = dir.join(format!(".{}.{}", std::process::id(), rand_suffix()));
    if std::fs::write(&temp, &bytes).is_ok() && std::fs::rename(&temp, &path).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

fn rand_suffix() -> u64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_starts_with_edges_configuration() {
        if let Err(e) = Engine::new(&config()) {
            panic!("{e:#}");
        }
    }
}
