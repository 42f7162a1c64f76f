//! An isolate's WebAssembly state: its store (made on first use), the stack of host calls
//! that lends the store to JavaScript running inside WebAssembly, the JS values WebAssembly
//! holds as `externref`s, the exported-function wrappers (one per function, for identity),
//! the `ArrayBuffer`s over linear memories, and the error classes of the namespace.

use std::cell::{OnceCell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use rquickjs::{qjs, Ctx, Exception, Function, JsLifetime, Object, Persistent, Result, Value};
use wasmtime::{
    AsContextMut, Caller, Func, ResourceLimiter, Store, StoreContextMut, UpdateDeadline,
};

use crate::limits::{Meter, MeterRef, NativeCharge};

/// What the store of an isolate carries.
pub struct StoreData {
    /// The isolate's context, for host functions (which get only the store).
    pub ctx: NonNull<qjs::JSContext>,
    /// The JS functions imported into instances, by the index their host function carries.
    pub hosts: Vec<Persistent<Function<'static>>>,
    pub limits: Limits,
}

/// The store's resource limiter: growth charged to the isolate's memory limit.
pub struct Limits {
    meter: Option<Arc<Meter>>,
    charges: Vec<NativeCharge>,
    /// A memory grew (from WebAssembly or JavaScript): buffers over it must be replaced.
    pub grew: bool,
}

impl Limits {
    /// Charges growth; past the isolate's limit the growth traps (the isolate is being
    /// terminated, as when JavaScript runs out of memory), rather than failing quietly.
    fn charged(&mut self, bytes: usize) -> wasmtime::Result<bool> {
        if self.charge(bytes) {
            Ok(true)
        } else {
            Err(wasmtime::Error::msg(
                crate::limits::Limit::Memory.to_string(),
            ))
        }
    }

    fn charge(&mut self, bytes: usize) -> bool {
        match &self.meter {
            None => true,
            Some(meter) => match meter.charge_native(bytes) {
                Some(charge) => {
                    self.charges.push(charge);
                    true
                }
                None => false,
            },
        }
    }
}

impl Limits {
    /// Charges `pages` of a shared memory (which lives outside the store) to the limit.
    pub fn charge_pages(&mut self, pages: u64) -> bool {
        self.charge((pages as usize).saturating_mul(65536))
    }
}

impl ResourceLimiter for Limits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        self.grew = true;
        self.charged(desired.saturating_sub(current))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        // A table slot is a pointer.
        self.charged(desired.saturating_sub(current).saturating_mul(8))
    }

    fn instances(&self) -> usize {
        100_000
    }

    fn tables(&self) -> usize {
        100_000
    }

    fn memories(&self) -> usize {
        100_000
    }
}

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

/// The `ArrayBuffer` over a memory and the length it was made with.
pub struct CachedBuffer {
    pub buffer: Persistent<Object<'static>>,
    pub len: usize,
    pub memory: super::handles::Handle,
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

pub struct WasmState {
    store: Box<UnsafeCell<Store<StoreData>>>,
    /// Host calls in progress, innermost last: each lends the store (borrowed by the call
    /// into WebAssembly that reached it) to the JavaScript it runs.
    stack: RefCell<Vec<*mut Caller<'static, StoreData>>>,
    externs: RefCell<Vec<Option<Persistent<Value<'static>>>>>,
    free_slots: RefCell<Vec<u32>>,
    freed: Arc<Mutex<Vec<u32>>>,
    /// Exported-function wrappers by the function's address in the store.
    pub functions: RefCell<HashMap<usize, Persistent<Function<'static>>>>,
    /// The function each wrapper stands for, by the wrapper object's address (wrappers live
    /// as long as the store, so an address is never reused for another object).
    pub function_of: RefCell<HashMap<usize, Func>>,
    /// The `ArrayBuffer` over each memory, with the length it was made with.
    pub buffers: RefCell<HashMap<u64, CachedBuffer>>,
    pub errors: ErrorClasses,
    /// A JS exception thrown through WebAssembly, for the JS caller to rethrow.
    pub pending: RefCell<Option<Persistent<Value<'static>>>>,
}

impl WasmState {
    fn new(ctx: &Ctx<'_>, errors: ErrorClasses) -> WasmState {
        let meter = ctx.userdata::<MeterRef>().map(|m| m.0.clone());
        let data = StoreData {
            ctx: ctx.as_raw(),
            hosts: Vec::new(),
            limits: Limits {
                meter: meter.clone(),
                charges: Vec::new(),
                grew: false,
            },
        };
        let mut store = Store::new(super::engine::engine(), data);
        store.limiter(|data| &mut data.limits as &mut dyn ResourceLimiter);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if meter.as_ref().is_some_and(|m| m.check()) {
                Ok(UpdateDeadline::Interrupt)
            } else {
                Ok(UpdateDeadline::Continue(1))
            }
        });
        WasmState {
            store: Box::new(UnsafeCell::new(store)),
            stack: RefCell::new(Vec::new()),
            externs: RefCell::new(Vec::new()),
            free_slots: RefCell::new(Vec::new()),
            freed: Arc::new(Mutex::new(Vec::new())),
            functions: RefCell::new(HashMap::new()),
            function_of: RefCell::new(HashMap::new()),
            buffers: RefCell::new(HashMap::new()),
            errors,
            pending: RefCell::new(None),
        }
    }

    /// Runs `f` with the store: the innermost host call's, or the isolate's own. `f` must not
    /// run JavaScript (which could reach the store again) except by calling into WebAssembly.
    pub fn with_store<R>(&self, f: impl FnOnce(StoreContextMut<'_, StoreData>) -> R) -> R {
        let top = self.stack.borrow().last().copied();
        match top {
            // SAFETY: the pointer is to the `Caller` of a host call that is still running (it
            // is popped before that call returns, see `HostCall`); the store it stands for is
            // lent to us by wasmtime for the duration of that call, and only the innermost
            // lender is ever used, so there is one live mutable path to the store at a time.
            Some(caller) => f(unsafe { &mut *caller }.as_context_mut()),
            // SAFETY: no host call is running, so nothing else borrows the store: the only
            // other borrows are made here, by callers up the stack that are inside wasmtime
            // (and then a host call is on the stack, handled above).
            None => f(unsafe { &mut *self.store.get() }.as_context_mut()),
        }
    }

    /// Lends `caller`'s store to the JavaScript a host function runs, until the guard drops.
    pub fn enter_host<'a>(&'a self, caller: &mut Caller<'_, StoreData>) -> HostCall<'a> {
        let ptr = caller as *mut Caller<'_, StoreData> as *mut Caller<'static, StoreData>;
        self.stack.borrow_mut().push(ptr);
        HostCall { state: self }
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

/// A host call's loan of the store, returned when dropped.
pub struct HostCall<'a> {
    state: &'a WasmState,
}

impl Drop for HostCall<'_> {
    fn drop(&mut self) {
        self.state.stack.borrow_mut().pop();
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
