//! An isolate's WebAssembly state: its long-lived store (made on first use) and the making of
//! stores of their own for instances, the JS values WebAssembly holds as `externref`s, the
//! exported-function wrappers (one per function, for identity) and the `ArrayBuffer`s over
//! linear memories (both held weakly), and the error classes of the namespace.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::ptr::NonNull;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rquickjs::{qjs, Ctx, Exception, Function, JsLifetime, Persistent, Result, Value};
use wasmtime::Func;

use super::store::{StoreCell, StoreRef};
use crate::limits::{Meter, MeterRef};

/// A JS value held by WebAssembly as an `externref`: a slot of the isolate's table, freed
/// when wasmtime collects the reference.
pub struct JsRef {
    pub slot: u32,
    freed: Arc<Mutex<Vec<u32>>>,
}

impl Drop for JsRef {
    fn drop(&mut self) {
        if let Ok(mut freed) = self.freed.lock() {
            freed.push(self.slot);
        }
    }
}

/// The error classes of the namespace, given by the JS half.
pub struct ErrorClasses {
    pub compile: Persistent<Function<'static>>,
    pub link: Persistent<Function<'static>>,
    pub runtime: Persistent<Function<'static>>,
    /// `(tag handle, values)` to a `WebAssembly.Exception` (the JS half finds the tag's object).
    pub exception: Persistent<Function<'static>>,
}

/// The state, in the context's userdata from the start; filled on first use.
#[derive(Default)]
pub struct WasmSlot(pub OnceCell<WasmState>, pub Loaded);

/// Modules compiled for `.wasm` imports, by module name, until their JS module takes them.
#[derive(Default)]
pub struct Loaded(RefCell<HashMap<String, Arc<super::handles::CompiledModule>>>);

impl std::ops::Deref for Loaded {
    type Target = RefCell<HashMap<String, Arc<super::handles::CompiledModule>>>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

// SAFETY: holds JS values only as `Persistent<'static>`, so it is the same type for every
// lifetime; they are freed when the runtime drops its userdata, before the runtime itself.
unsafe impl<'js> JsLifetime<'js> for WasmSlot {
    type Changed<'to> = WasmSlot;
}

/// JS objects the state refers to without keeping them alive. Each entry is removed when its
/// object is finalized (by the wrapper's closure or the buffer's backing, which hold the
/// `Rc`), so a raw value found here always points at a live object.
#[derive(Default)]
pub struct WeakObjects {
    /// Exported-function wrappers by (store, function address in the store).
    pub functions: RefCell<HashMap<(u64, usize), qjs::JSValue>>,
    /// The store and function each wrapper stands for, by the wrapper object's address.
    pub function_of: RefCell<HashMap<usize, (Weak<StoreCell>, Func)>>,
    /// A trampoline (store, its address) to the function it calls (store, address).
    pub aliases: RefCell<HashMap<(u64, usize), (u64, usize)>>,
    /// The `ArrayBuffer` over each non-shared memory, by the memory's address.
    pub buffers: RefCell<HashMap<usize, CachedBuffer>>,
}

/// The `ArrayBuffer` over a memory, held weakly, and the length it was made with.
pub struct CachedBuffer {
    pub buffer: qjs::JSValue,
    pub len: usize,
    pub memory: super::handles::Handle,
    /// Which buffer of the memory this is (an old one's going does not remove a newer one).
    pub generation: u64,
}

impl WeakObjects {
    /// A live object from a raw value found here, with a reference of its own.
    pub fn revive<'js>(ctx: &Ctx<'js>, raw: qjs::JSValue) -> Value<'js> {
        // SAFETY: the entry is removed before its object is freed (see above), so `raw` is a
        // live value of this runtime; the dup gives the returned value its own reference.
        unsafe { Value::from_raw(ctx.clone(), qjs::JS_DupValue(ctx.as_raw().as_ptr(), raw)) }
    }
}

pub struct WasmState {
    ctx: NonNull<qjs::JSContext>,
    meter: Option<Arc<Meter>>,
    /// The shared store: objects made by JavaScript and the instances importing them. Held
    /// weakly: once JavaScript holds nothing of it, it is freed, and the next object made
    /// starts another.
    root: RefCell<Weak<StoreCell>>,
    /// Bytes grown by the isolate's stores since its engine last collected garbage.
    grown: Arc<AtomicUsize>,
    externs: RefCell<Vec<Option<Persistent<Value<'static>>>>>,
    free_slots: RefCell<Vec<u32>>,
    freed: Arc<Mutex<Vec<u32>>>,
    pub weak: Rc<WeakObjects>,
    /// Trampolines by (calling store, called store, function address).
    pub trampolines: RefCell<HashMap<(u64, u64, usize), Func>>,
    /// Every store made, to let go of their JS functions when the isolate ends.
    stores: RefCell<Vec<Weak<StoreCell>>>,
    /// The SharedArrayBuffer over each shared memory (which no store holds), by address, and
    /// its length.
    pub shared_buffers: RefCell<HashMap<usize, (Persistent<rquickjs::Object<'static>>, usize)>>,
    pub errors: ErrorClasses,
    /// A JS exception thrown through WebAssembly, for the JS caller to rethrow.
    pub pending: RefCell<Option<Persistent<Value<'static>>>>,
}

/// Growth after which a new store first has the engine collect garbage, so stores nothing
/// holds any more are freed even when JavaScript allocates little.
const COLLECT_AFTER: usize = 32 << 20;

impl WasmState {
    fn new(ctx: &Ctx<'_>, errors: ErrorClasses) -> WasmState {
        WasmState {
            ctx: ctx.as_raw(),
            meter: ctx.userdata::<MeterRef>().map(|m| m.0.clone()),
            root: RefCell::new(Weak::new()),
            grown: Arc::new(AtomicUsize::new(0)),
            externs: RefCell::new(Vec::new()),
            free_slots: RefCell::new(Vec::new()),
            freed: Arc::new(Mutex::new(Vec::new())),
            weak: Rc::default(),
            stores: RefCell::new(Vec::new()),
            trampolines: RefCell::new(HashMap::new()),
            shared_buffers: RefCell::new(HashMap::new()),
            errors,
            pending: RefCell::new(None),
        }
    }

    /// The isolate's shared store.
    pub fn root(&self) -> StoreRef {
        if let Some(root) = self.root.borrow().upgrade() {
            return root;
        }
        let root = self.new_store();
        *self.root.borrow_mut() = Rc::downgrade(&root);
        root
    }

    fn new_store(&self) -> StoreRef {
        let store = StoreCell::new(self.ctx, self.meter.clone(), self.grown.clone());
        let mut stores = self.stores.borrow_mut();
        stores.retain(|s| s.strong_count() > 0);
        stores.push(Rc::downgrade(&store));
        store
    }

    /// A store of its own (for an instance that shares nothing); first has the engine collect
    /// garbage if stores grew a lot since it last did, so dead instances free their memory.
    pub fn fresh_store(&self, ctx: &Ctx<'_>) -> StoreRef {
        if self.grown.load(Ordering::Relaxed) > COLLECT_AFTER {
            self.grown.store(0, Ordering::Relaxed);
            // SAFETY: `ctx` is live; collecting garbage from a native call is allowed.
            unsafe { qjs::JS_RunGC(qjs::JS_GetRuntime(ctx.as_raw().as_ptr())) };
        }
        self.new_store()
    }

    /// The wasm function a JS value stands for, and its store, if it is an exported function.
    pub fn function_of(&self, value: &Value<'_>) -> Option<(StoreRef, Func)> {
        value.as_object()?;
        let (store, func) = self
            .weak
            .function_of
            .borrow()
            .get(&object_key(value))
            .cloned()?;
        Some((store.upgrade()?, func))
    }

    /// Keeps `value` for an `externref`; the slot is released when the reference is collected.
    pub fn hold<'js>(&self, ctx: &Ctx<'js>, value: Value<'js>) -> JsRef {
        let freed: Vec<u32> = self
            .freed
            .lock()
            .map(|mut f| std::mem::take(&mut *f))
            .unwrap_or_default();
        let mut externs = self.externs.borrow_mut();
        let mut free_slots = self.free_slots.borrow_mut();
        for slot in freed {
            if let Some(entry) = externs.get_mut(slot as usize) {
                *entry = None;
                free_slots.push(slot);
            }
        }
        let saved = Persistent::save(ctx, value);
        let slot = match free_slots.pop() {
            Some(slot) => {
                externs[slot as usize] = Some(saved);
                slot
            }
            None => {
                externs.push(Some(saved));
                (externs.len() - 1) as u32
            }
        };
        JsRef {
            slot,
            freed: self.freed.clone(),
        }
    }

    /// The JS value of an `externref` slot.
    pub fn held<'js>(&self, ctx: &Ctx<'js>, slot: u32) -> Result<Value<'js>> {
        let value = self.externs.borrow().get(slot as usize).cloned().flatten();
        match value {
            Some(value) => value.restore(ctx),
            None => Ok(Value::new_undefined(ctx.clone())),
        }
    }

    /// Throws a new error of one of the namespace's classes.
    pub fn throw<'js>(
        &self,
        ctx: &Ctx<'js>,
        class: &Persistent<Function<'static>>,
        message: &str,
    ) -> rquickjs::Error {
        let made = class
            .clone()
            .restore(ctx)
            .and_then(|c| c.as_constructor().ok_or(rquickjs::Error::Unknown).cloned())
            .and_then(|c| c.construct::<_, Value>((message,)));
        match made {
            Ok(error) => ctx.throw(error),
            Err(e) => e,
        }
    }

    /// Turns a failed call into WebAssembly into the JS exception it stands for.
    pub fn call_error<'js>(&self, ctx: &Ctx<'js>, error: wasmtime::Error) -> rquickjs::Error {
        if let Some(thrown) = self.pending.borrow_mut().take() {
            return match thrown.restore(ctx) {
                Ok(value) => ctx.throw(value),
                Err(e) => e,
            };
        }
        let meter_hit = ctx
            .userdata::<MeterRef>()
            .and_then(|m| m.0.hit())
            .map(|limit| limit.to_string());
        if let Some(limit) = meter_hit {
            return self.throw(ctx, &self.errors.runtime, &limit);
        }
        match error.downcast_ref::<wasmtime::Trap>() {
            Some(wasmtime::Trap::StackOverflow) => {
                Exception::throw_range(ctx, "Maximum call stack size exceeded")
            }
            Some(trap) => self.throw(ctx, &self.errors.runtime, &trap.to_string()),
            None => self.throw(ctx, &self.errors.runtime, &format!("{error:#}")),
        }
    }
}

impl Drop for WasmState {
    /// The isolate ends: stores still held by JS objects let go of the JS functions they
    /// import, so no cycle through Rust keeps objects alive past the runtime's last collection.
    fn drop(&mut self) {
        for store in self.stores.borrow().iter().filter_map(Weak::upgrade) {
            store.with(|mut cx| cx.data_mut().hosts.clear());
        }
    }
}

/// The isolate's state, made on first use (`init` gave the error classes).
pub fn state<'a>(ctx: &Ctx<'_>, slot: &'a WasmSlot) -> Result<&'a WasmState> {
    slot.0
        .get()
        .ok_or_else(|| Exception::throw_internal(ctx, "WebAssembly is not initialized"))
}

/// Sets up the state with the namespace's error classes.
pub fn init_state(ctx: &Ctx<'_>, slot: &WasmSlot, errors: ErrorClasses) {
    let _ = slot.0.get_or_init(|| WasmState::new(ctx, errors));
}

/// The address of a JS object, as the key of a wrapper.
pub fn object_key(value: &Value<'_>) -> usize {
    // SAFETY: reading the pointer of an object value does not touch the object.
    unsafe { qjs::JS_VALUE_GET_PTR(value.as_raw()) as usize }
}
