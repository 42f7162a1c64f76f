//! Values that cross from one isolate to another (a worker's `postMessage`, its `workerData`):
//! serialized by the engine's object writer into bytes that only Rust holds, read back in the
//! receiving isolate. `SharedArrayBuffer`s cross as shared memory: their blocks come from the
//! allocator here, reference-counted across isolates and charged to the memory limit of the
//! isolate that made them.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rquickjs::{qjs, Ctx, Exception, Result, Value};

use crate::limits::{Meter, MeterRef, NativeCharge};

/// A serialized value, with the shared memory blocks it refers to (each holding a reference).
pub struct Payload {
    bytes: Vec<u8>,
    _shared: Vec<SharedBlock>,
    /// The bytes count against the sender's memory limit until delivered.
    _charge: Option<NativeCharge>,
}

/// One reference to a `SharedArrayBuffer`'s block.
struct SharedBlock(*mut u8);

// SAFETY: the block is reference-counted with atomics and freed only by its last reference;
// the memory itself is meant to be shared between threads (JS code uses Atomics on it).
unsafe impl Send for SharedBlock {}

impl Drop for SharedBlock {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `sab_alloc` and this value owns one reference.
        unsafe { sab_free(std::ptr::null_mut(), self.0 as *mut c_void) }
    }
}

/// What the flags allow: object graphs with shared references and SharedArrayBuffers, never
/// functions or bytecode (so the reader runs no code).
const WRITE_FLAGS: i32 = (qjs::JS_WRITE_OBJ_SAB | qjs::JS_WRITE_OBJ_REFERENCE) as i32;
const READ_FLAGS: i32 = (qjs::JS_READ_OBJ_SAB | qjs::JS_READ_OBJ_REFERENCE) as i32;

/// Serializes `value`; a value the engine cannot write (a function, a class instance of a
/// native type) is a `DataCloneError`.
pub fn serialize<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Payload> {
    let mut size: u64 = 0;
    let mut tab = qjs::JSSABTab {
        tab: std::ptr::null_mut(),
        len: 0,
    };
    // SAFETY: `ctx` is live and `value` belongs to it; on success the engine returns a buffer
    // of `size` bytes allocated with its allocator and a table of SAB pointers, both freed
    // below after copying.
    let raw = unsafe {
        qjs::JS_WriteObject2(
            ctx.as_raw().as_ptr(),
            &mut size,
            value.as_raw(),
            WRITE_FLAGS,
            &mut tab,
        )
    };
    if raw.is_null() {
        return Err(write_failed(ctx));
    }
    // SAFETY: `raw` points to `size` initialized bytes.
    let bytes = unsafe { std::slice::from_raw_parts(raw, size as usize) }.to_vec();
    let mut shared = Vec::with_capacity(tab.len as usize);
    for i in 0..tab.len as usize {
        // SAFETY: `tab.tab` holds `tab.len` block pointers from `sab_alloc`; each gets a
        // reference of its own for the payload.
        let block = unsafe { *tab.tab.add(i) };
        unsafe { sab_dup(std::ptr::null_mut(), block as *mut c_void) };
        shared.push(SharedBlock(block));
    }
    // SAFETY: both were allocated by the engine for this call.
    unsafe {
        qjs::js_free(ctx.as_raw().as_ptr(), raw as *mut c_void);
        qjs::js_free(ctx.as_raw().as_ptr(), tab.tab as *mut c_void);
    }
    let charge = ctx
        .userdata::<MeterRef>()
        .map(|m| m.0.clone())
        .and_then(|m| m.charge_native(bytes.len()));
    Ok(Payload {
        bytes,
        _shared: shared,
        _charge: charge,
    })
}

/// Reads a payload back in the receiving isolate.
pub fn deserialize<'js>(ctx: &Ctx<'js>, payload: &Payload) -> Result<Value<'js>> {
    let mut tab = qjs::JSSABTab {
        tab: std::ptr::null_mut(),
        len: 0,
    };
    // SAFETY: the bytes were written by `serialize` in this process (never by JS code), so the
    // SAB pointers in them are live blocks this payload holds references to; the engine takes
    // its own reference for each buffer it makes, and returns the table of pointers it read,
    // which is freed here.
    let raw = unsafe {
        let raw = qjs::JS_ReadObject2(
            ctx.as_raw().as_ptr(),
            payload.bytes.as_ptr(),
            payload.bytes.len() as u64,
            READ_FLAGS,
            &mut tab,
        );
        qjs::js_free(ctx.as_raw().as_ptr(), tab.tab as *mut c_void);
        raw
    };
    // SAFETY: `raw` is a new value (or the exception marker) owned by the returned Value.
    let value = unsafe { Value::from_raw(ctx.clone(), raw) };
    if value.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    Ok(value)
}

/// The engine's writer refused a value: a `DataCloneError` saying why.
fn write_failed(ctx: &Ctx<'_>) -> rquickjs::Error {
    let cause = ctx.catch();
    let message = cause
        .as_object()
        .and_then(|o| o.get::<_, String>("message").ok())
        .unwrap_or_else(|| "the value cannot be cloned".into());
    data_clone_error(ctx, &message)
}

fn data_clone_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    let make = || -> Result<Value<'_>> {
        let ctor: rquickjs::function::Constructor = ctx.globals().get("DOMException")?;
        let err: Value = ctor.construct((
            format!("could not clone the message: {message}"),
            "DataCloneError",
        ))?;
        Ok(err)
    };
    match make() {
        Ok(err) => ctx.throw(err),
        Err(_) => Exception::throw_type(ctx, message),
    }
}

/// The header before each shared block: its reference count, size, and the memory charge.
#[repr(C)]
struct BlockHeader {
    refs: AtomicUsize,
    size: usize,
    charge: Option<NativeCharge>,
}

const HEADER: usize = std::mem::size_of::<BlockHeader>().next_multiple_of(16);

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(HEADER.checked_add(size)?, 16).ok()
}

/// The engine's SharedArrayBuffer allocator: `opaque` is the allocating isolate's meter.
unsafe extern "C" fn sab_alloc(opaque: *mut c_void, size: u64) -> *mut c_void {
    let Ok(size) = usize::try_from(size) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `opaque` is the `Meter` pointer installed with these functions, alive as long as
    // the runtime.
    let meter = unsafe { &*(opaque as *const Meter) };
    // The block is charged to the isolate that makes it, for as long as any isolate holds it.
    // SAFETY: the meter lives in an Arc (see `install`); this makes a new strong reference.
    let meter = unsafe {
        Arc::increment_strong_count(meter as *const Meter);
        Arc::from_raw(meter as *const Meter)
    };
    let Some(charge) = meter.charge_native(size) else {
        return std::ptr::null_mut();
    };
    let Some(layout) = layout(size) else {
        return std::ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size (the header).
    let base = unsafe { alloc_zeroed(layout) };
    if base.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `base` is aligned for the header and large enough for it.
    unsafe {
        (base as *mut BlockHeader).write(BlockHeader {
            refs: AtomicUsize::new(1),
            size,
            charge: Some(charge),
        });
        base.add(HEADER) as *mut c_void
    }
}

/// Shared memory the allocator above did not make (a WebAssembly shared memory): counted by
/// address, its owner kept alive until the last buffer or payload over it goes.
static EXTERNAL: std::sync::LazyLock<Mutex<HashMap<usize, External>>> =
    std::sync::LazyLock::new(Default::default);

struct External {
    refs: usize,
    _owner: Box<dyn std::any::Any + Send>,
}

/// Adds `delta` to the references of external block `ptr`; false if it is not one.
fn external_refs(ptr: *mut c_void, delta: isize) -> bool {
    let Ok(mut map) = EXTERNAL.lock() else {
        return false;
    };
    let key = ptr as usize;
    let Some(entry) = map.get_mut(&key) else {
        return false;
    };
    entry.refs = entry.refs.saturating_add_signed(delta);
    if entry.refs == 0 {
        map.remove(&key);
    }
    true
}

/// A SharedArrayBuffer over `len` bytes at `ptr` that `owner` keeps alive (and that stays
/// alive while any isolate holds a buffer over it).
///
/// # Safety
/// `ptr` must stay valid for `len` bytes for as long as `owner` lives.
pub unsafe fn external_shared_buffer<'js>(
    ctx: &Ctx<'js>,
    ptr: *mut u8,
    len: usize,
    owner: Box<dyn std::any::Any + Send>,
) -> Result<Value<'js>> {
    if let Ok(mut map) = EXTERNAL.lock() {
        map.entry(ptr as usize).or_insert(External {
            refs: 0,
            _owner: owner,
        });
    }
    // SAFETY: the engine takes a reference through `sab_dup` (counted above) and releases it
    // through `sab_free`; the caller guarantees the bytes outlive the owner.
    unsafe {
        let raw = qjs::JS_NewArrayBuffer(
            ctx.as_raw().as_ptr(),
            ptr,
            len as _,
            0,
            None,
            std::ptr::null_mut(),
            true,
        );
        if qjs::JS_VALUE_GET_TAG(raw) == qjs::JS_TAG_EXCEPTION {
            external_refs(ptr as *mut c_void, 0);
            return Err(rquickjs::Error::Exception);
        }
        Ok(Value::from_raw(ctx.clone(), raw))
    }
}

unsafe extern "C" fn sab_dup(_opaque: *mut c_void, ptr: *mut c_void) {
    if external_refs(ptr, 1) {
        return;
    }
    // SAFETY: `ptr` came from `sab_alloc`; the header sits `HEADER` bytes before it.
    let header = unsafe { &*((ptr as *mut u8).sub(HEADER) as *const BlockHeader) };
    header.refs.fetch_add(1, Ordering::Relaxed);
}

unsafe extern "C" fn sab_free(_opaque: *mut c_void, ptr: *mut c_void) {
    if external_refs(ptr, -1) {
        return;
    }
    // SAFETY: as in `sab_dup`.
    let base = unsafe { (ptr as *mut u8).sub(HEADER) };
    let header = base as *mut BlockHeader;
    // SAFETY: the header is live until its last reference goes, which is this thread's alone.
    if unsafe { &*header }.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
        return;
    }
    // SAFETY: last reference: read the header out (dropping the charge) and free the block
    // with the layout it was allocated with.
    unsafe {
        let header = header.read();
        if let Some(layout) = layout(header.size) {
            dealloc(base, layout);
        }
    }
}

/// Makes the runtime allocate SharedArrayBuffers from the shared allocator, charged to
/// `meter` (which must outlive the runtime: the isolate holds it).
pub fn install(ctx: &Ctx<'_>, meter: &Arc<Meter>) {
    let funcs = qjs::JSSharedArrayBufferFunctions {
        sab_alloc: Some(sab_alloc),
        sab_free: Some(sab_free),
        sab_dup: Some(sab_dup),
        sab_opaque: Arc::as_ptr(meter) as *mut c_void,
    };
    // SAFETY: `ctx` is live; the engine copies the table; the opaque pointer stays valid
    // because the isolate keeps the meter alive longer than its runtime.
    unsafe {
        let rt = qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
        qjs::JS_SetSharedArrayBufferFunctions(rt, &funcs);
    }
}

/// Lets `Atomics.wait` block (a worker's own thread may; a shared request thread must not).
pub fn allow_blocking(ctx: &Ctx<'_>) {
    // SAFETY: `ctx` is live.
    unsafe { qjs::JS_SetCanBlock(qjs::JS_GetRuntime(ctx.as_raw().as_ptr()), true) }
}

/// `serializeValue(value)`: a value as bytes to keep (a queue message's `v8` body): the
/// engine's serialization of plain data, with no shared memory and no code.
pub fn serialize_value<'js>(
    ctx: Ctx<'js>,
    value: Value<'js>,
) -> Result<rquickjs::TypedArray<'js, u8>> {
    let mut size: u64 = 0;
    // SAFETY: `ctx` is live and `value` belongs to it; the buffer the engine returns is copied
    // and freed here.
    let raw = unsafe {
        qjs::JS_WriteObject(
            ctx.as_raw().as_ptr(),
            &mut size,
            value.as_raw(),
            qjs::JS_WRITE_OBJ_REFERENCE as i32,
        )
    };
    if raw.is_null() {
        return Err(write_failed(&ctx));
    }
    // SAFETY: `raw` points to `size` initialized bytes allocated by the engine.
    let bytes = unsafe { std::slice::from_raw_parts(raw, size as usize) }.to_vec();
    // SAFETY: allocated by the engine for this call.
    unsafe { qjs::js_free(ctx.as_raw().as_ptr(), raw as *mut c_void) };
    rquickjs::TypedArray::new(ctx, bytes)
}

/// `deserializeValue(bytes)`: the value `serializeValue` kept.
pub fn deserialize_value<'js>(ctx: Ctx<'js>, bytes: Value<'js>) -> Result<Value<'js>> {
    let bytes = crate::web::util::buffer_source_bytes(&bytes)
        .ok_or_else(|| Exception::throw_type(&ctx, "expected bytes"))?;
    // SAFETY: objects only (no bytecode, no shared memory), from bytes this runtime wrote.
    let raw = unsafe {
        qjs::JS_ReadObject(
            ctx.as_raw().as_ptr(),
            bytes.as_ptr(),
            bytes.len() as u64,
            qjs::JS_READ_OBJ_REFERENCE as i32,
        )
    };
    // SAFETY: a new value (or the exception marker) owned by the returned Value.
    let value = unsafe { Value::from_raw(ctx.clone(), raw) };
    if value.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    Ok(value)
}
