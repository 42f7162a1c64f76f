//! `WebAssembly.Memory`: made (in the isolate's long-lived store, or shared between threads),
//! grown (charged to the memory limit) and seen as an `ArrayBuffer` over its bytes, the same
//! one until the memory grows, when it is detached (a shared memory's is kept and a new one
//! made with the new length).

use std::rc::Rc;

use rquickjs::{ArrayBuffer, Ctx, Exception, Object, Result, Value};
use wasmtime::{Memory, MemoryType, SharedMemory};

use super::engine;
use super::handles::Handle;
use super::natives::{handle_of, wrap};
use super::state::{state, WasmSlot, WasmState, WeakObjects};
use super::store::StoreRef;

/// A page count from JavaScript (checked by the JS half).
pub fn pages(value: f64) -> u32 {
    value.clamp(0.0, u32::MAX as f64) as u32
}

/// `memoryNew(initial, maximum, shared)`.
pub fn memory_new<'js>(
    ctx: Ctx<'js>,
    initial: f64,
    maximum: Option<f64>,
    shared: bool,
) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let (initial, maximum) = (pages(initial), maximum.map(pages));
    let root = state.root();
    if shared {
        let ty = MemoryType::shared(initial, maximum.unwrap_or(initial));
        if !root.with(|mut cx| cx.data_mut().limits.charge_pages(u64::from(initial))) {
            return Err(Exception::throw_range(
                &ctx,
                "WebAssembly.Memory(): the memory limit was reached",
            ));
        }
        return match SharedMemory::new(engine::engine(), ty) {
            Ok(m) => wrap(&ctx, Handle::SharedMemory(m)),
            Err(e) => Err(Exception::throw_range(
                &ctx,
                &format!("WebAssembly.Memory(): {e:#}"),
            )),
        };
    }
    let made = root.with(|mut cx| Memory::new(&mut cx, MemoryType::new(initial, maximum)));
    match made {
        Ok(m) => wrap(&ctx, Handle::Memory(root, m)),
        Err(e) => Err(Exception::throw_range(
            &ctx,
            &format!("WebAssembly.Memory(): could not allocate memory: {e:#}"),
        )),
    }
}

/// `memoryGrow(memory, delta)`: the previous size in pages.
pub fn memory_grow<'js>(ctx: Ctx<'js>, memory: Value<'js>, delta: f64) -> Result<f64> {
    with_state!(ctx, state);
    let delta = u64::from(pages(delta));
    let grown = match handle_of(&ctx, &memory)? {
        Handle::Memory(store, m) => store
            .with(|mut cx| {
                let grown = m.grow(&mut cx, delta);
                cx.data_mut().limits.grew = false;
                grown
            })
            .map_err(|e| format!("{e:#}")),
        Handle::SharedMemory(m) => {
            let charged = state
                .root()
                .with(|mut cx| cx.data_mut().limits.charge_pages(delta));
            if charged {
                m.grow(delta).map_err(|e| format!("{e:#}"))
            } else {
                Err("the memory limit was reached".to_string())
            }
        }
        _ => return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory")),
    };
    match grown {
        Ok(previous) => {
            refresh_buffers(&ctx, state);
            Ok(previous as f64)
        }
        Err(message) => Err(Exception::throw_range(
            &ctx,
            &format!("WebAssembly.Memory.grow(): could not grow the memory: {message}"),
        )),
    }
}

/// The address and length of a memory's bytes now.
fn memory_bytes(handle: &Handle) -> Option<(*mut u8, usize)> {
    match handle {
        Handle::Memory(store, m) => Some(store.with(|cx| (m.data_ptr(&cx), m.data_size(&cx)))),
        Handle::SharedMemory(m) => {
            let data = m.data();
            Some((data.as_ptr() as *mut u8, data.len()))
        }
        _ => None,
    }
}

/// Linear memory seen as an ArrayBuffer's bytes; keeps the store (and so the memory) alive,
/// and takes the buffer out of the cache when the buffer goes.
struct MemoryView {
    ptr: *mut u8,
    len: usize,
    _store: StoreRef,
    weak: Rc<WeakObjects>,
    key: usize,
    generation: u64,
}

// SAFETY: the bytes are those of a linear memory of the store held here, which never moves
// (`memory_may_move` is off) and is not unmapped while the store lives; JavaScript sees at
// most `len` bytes, and a memory only grows.
unsafe impl rquickjs::ArrayBufferSource for MemoryView {
    fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    fn len(&self) -> usize {
        self.len
    }
}

impl Drop for MemoryView {
    fn drop(&mut self) {
        let mut buffers = self.weak.buffers.borrow_mut();
        if buffers
            .get(&self.key)
            .is_some_and(|e| e.generation == self.generation)
        {
            buffers.remove(&self.key);
        }
    }
}

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// `memoryBuffer(memory)`: the ArrayBuffer over it (the same one until it grows).
pub fn memory_buffer<'js>(ctx: Ctx<'js>, memory: Value<'js>) -> Result<Object<'js>> {
    with_state!(ctx, state);
    let handle = handle_of(&ctx, &memory)?;
    let Some((ptr, len)) = memory_bytes(&handle) else {
        return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory"));
    };
    let ptr = if ptr.is_null() {
        std::ptr::NonNull::<u8>::dangling().as_ptr()
    } else {
        ptr
    };
    let key = ptr as usize;
    let cached = state
        .weak
        .buffers
        .borrow()
        .get(&key)
        .map(|e| (e.buffer, e.len));
    if let Some((raw, cached_len)) = cached {
        if cached_len == len {
            return WeakObjects::revive(&ctx, raw)
                .into_object()
                .ok_or(rquickjs::Error::Unknown);
        }
    }
    refresh_buffers(&ctx, state);
    let object = match &handle {
        Handle::SharedMemory(m) => {
            let known = state.shared_buffers.borrow().get(&key).cloned();
            if let Some((buffer, known_len)) = known {
                if known_len == len {
                    return buffer.restore(&ctx);
                }
            }
            // SAFETY: the bytes are the shared memory's, which the owner (a handle to it)
            // keeps mapped; a shared memory never moves or shrinks.
            let value = unsafe {
                crate::workers::message::external_shared_buffer(
                    &ctx,
                    ptr,
                    len,
                    Box::new(m.clone()),
                )?
            };
            let object = value.into_object().ok_or(rquickjs::Error::Unknown)?;
            state
                .shared_buffers
                .borrow_mut()
                .insert(key, (rquickjs::Persistent::save(&ctx, object.clone()), len));
            object
        }
        Handle::Memory(store, _) => {
            let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let view = MemoryView {
                ptr,
                len,
                _store: store.clone(),
                weak: state.weak.clone(),
                key,
                generation,
            };
            let object = ArrayBuffer::from_source(ctx.clone(), view)?
                .as_object()
                .clone();
            state.weak.buffers.borrow_mut().insert(
                key,
                super::state::CachedBuffer {
                    buffer: object.as_raw(),
                    len,
                    memory: handle.clone(),
                    generation,
                },
            );
            return Ok(object);
        }
        _ => return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory")),
    };
    Ok(object)
}

/// After memories grew: detaches the buffers over them (a new one is made on next use).
pub fn refresh_buffers(ctx: &Ctx<'_>, state: &WasmState) {
    let stale: Vec<usize> = state
        .weak
        .buffers
        .borrow()
        .iter()
        .filter(|(_, c)| memory_bytes(&c.memory).is_some_and(|(_, len)| len != c.len))
        .map(|(k, _)| *k)
        .collect();
    for key in stale {
        let removed = state.weak.buffers.borrow_mut().remove(&key);
        if let Some(cached) = removed {
            let buffer = WeakObjects::revive(ctx, cached.buffer);
            if let Some(mut buffer) = buffer.into_object().and_then(ArrayBuffer::from_object) {
                buffer.detach();
            }
        }
    }
}

/// `memoryType(memory)`: `{minimum, maximum, shared}`.
pub fn memory_type<'js>(ctx: Ctx<'js>, memory: Value<'js>) -> Result<Object<'js>> {
    let (ty, size) = match handle_of(&ctx, &memory)? {
        Handle::Memory(store, m) => store.with(|cx| (m.ty(&cx), m.size(&cx))),
        Handle::SharedMemory(m) => (m.ty(), m.size()),
        _ => return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory")),
    };
    let o = Object::new(ctx.clone())?;
    o.set("minimum", size as f64)?;
    if let Some(max) = ty.maximum() {
        o.set("maximum", max as f64)?;
    }
    o.set("shared", ty.is_shared())?;
    Ok(o)
}
