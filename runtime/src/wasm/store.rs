//! A store: where a group of instances and the memories, tables, globals and tags they share
//! live. A module instantiated without imports of such objects gets a store of its own, freed
//! when JavaScript no longer holds anything of it (an app that instantiates per request does
//! not accumulate instances); objects made by JavaScript (`new WebAssembly.Memory`, ...) and
//! the instances that import them share one store, freed in turn once JavaScript holds nothing
//! of it. A function of one store reaches another through a trampoline (a host function there
//! calling it; numbers only). Every store charges
//! growth to the isolate's memory limit and checks its CPU budget on each epoch tick.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rquickjs::{qjs, Function, Persistent};
use wasmtime::{
    AsContextMut, Caller, Func, FuncType, ResourceLimiter, Store, StoreContextMut, UpdateDeadline,
    ValType,
};

use super::state::WasmState;

use crate::limits::{Meter, NativeCharge};

/// What a store carries.
pub struct StoreData {
    /// The isolate's context, for host functions (which get only the store).
    pub ctx: NonNull<qjs::JSContext>,
    /// The JS functions imported into instances, by the index their host function carries.
    pub hosts: Vec<Persistent<Function<'static>>>,
    pub limits: Limits,
    /// The cell holding this store (set once it is made; the store lives inside it).
    cell: *const StoreCell,
    /// Stores whose functions this one calls through trampolines.
    keep: Vec<StoreRef>,
}

impl StoreData {
    /// The store's cell, shared, for the host function running in it.
    pub fn cell(&self) -> StoreRef {
        // SAFETY: `cell` points at the `Rc` allocation holding this very store (set in
        // `StoreCell::new`), which is alive while the store is; a new strong count is taken
        // for the returned reference.
        unsafe {
            Rc::increment_strong_count(self.cell);
            Rc::from_raw(self.cell)
        }
    }
}

/// The store's resource limiter: growth charged to the isolate's memory limit.
pub struct Limits {
    meter: Option<Arc<Meter>>,
    charges: Vec<NativeCharge>,
    /// Bytes grown by any store of the isolate since its engine last collected garbage.
    grown: Arc<AtomicUsize>,
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
        self.grown.fetch_add(bytes, Ordering::Relaxed);
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

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A store and the host calls borrowing it.
pub struct StoreCell {
    pub id: u64,
    store: UnsafeCell<Store<StoreData>>,
    /// Host calls in progress, innermost last: each lends the store (borrowed by the call
    /// into WebAssembly that reached it) to the JavaScript it runs.
    stack: RefCell<Vec<*mut Caller<'static, StoreData>>>,
    /// Calls into this store's WebAssembly in progress (for `with`'s checks).
    depth: Cell<usize>,
}

/// A store, shared by the JS objects of its instances; dropped with the last.
pub type StoreRef = Rc<StoreCell>;

impl StoreCell {
    pub fn new(
        ctx: NonNull<qjs::JSContext>,
        meter: Option<Arc<Meter>>,
        grown: Arc<AtomicUsize>,
    ) -> StoreRef {
        let data = StoreData {
            ctx,
            hosts: Vec::new(),
            limits: Limits {
                meter: meter.clone(),
                charges: Vec::new(),
                grown,
                grew: false,
            },
            cell: std::ptr::null(),
            keep: Vec::new(),
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
        let cell = Rc::new(StoreCell {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            store: UnsafeCell::new(store),
            stack: RefCell::new(Vec::new()),
            depth: Cell::new(0),
        });
        cell.with(|mut store| store.data_mut().cell = Rc::as_ptr(&cell));
        cell
    }

    /// Runs `f` with the store: the innermost host call's, or the store itself. `f` must not
    /// run JavaScript (which could reach this store again) except by calling into WebAssembly.
    pub fn with<R>(&self, f: impl FnOnce(StoreContextMut<'_, StoreData>) -> R) -> R {
        let top = self.stack.borrow().last().copied();
        match top {
            // SAFETY: the pointer is to the `Caller` of a host call that is still running (it
            // is popped before that call returns, see `HostCall`); the store it stands for is
            // lent to us by wasmtime for the duration of that call, and only the innermost
            // lender is ever used, so there is one live mutable path to the store at a time.
            Some(caller) => f(unsafe { &mut *caller }.as_context_mut()),
            None => {
                // SAFETY: no host call of this store is running, so nothing else borrows it:
                // the only other borrows are made here, by callers up the stack that are
                // inside wasmtime (and then a host call is on the stack, handled above). The
                // depth guards against a nested use that is neither.
                assert_eq!(self.depth.get(), 0, "a store was borrowed twice");
                self.depth.set(1);
                let out = f(unsafe { &mut *self.store.get() }.as_context_mut());
                self.depth.set(0);
                out
            }
        }
    }

    /// Lends `caller`'s store to the JavaScript a host function runs, until the guard drops.
    pub fn enter_host<'a>(&'a self, caller: &mut Caller<'_, StoreData>) -> HostCall<'a> {
        let ptr: *mut Caller<'static, StoreData> = (caller as *mut Caller<'_, StoreData>).cast();
        self.stack.borrow_mut().push(ptr);
        let depth = self.depth.replace(0);
        HostCall { store: self, depth }
    }
}

/// A host call's loan of the store, returned when dropped.
pub struct HostCall<'a> {
    store: &'a StoreCell,
    depth: usize,
}

impl Drop for HostCall<'_> {
    fn drop(&mut self) {
        self.store.stack.borrow_mut().pop();
        self.store.depth.set(self.depth);
    }
}

/// Whether a function of this type can be called from another store: only numbers cross
/// (references belong to one store).
pub fn can_cross(ty: &FuncType) -> bool {
    ty.params()
        .chain(ty.results())
        .all(|t| !matches!(t, ValType::Ref(_)))
}

/// A pointer to a store's cell that a host function (which must be `Send`) may carry; the
/// store it is used from keeps the cell alive (`keep`) and runs on the isolate's thread.
struct CellPtr(*const StoreCell);

// SAFETY: the pointer is only dereferenced by the trampoline, which runs on the isolate's
// thread (stores never leave it) while the store holding the trampoline keeps the cell alive.
unsafe impl Send for CellPtr {}
// SAFETY: as above.
unsafe impl Sync for CellPtr {}

impl CellPtr {
    fn cell(&self) -> &StoreCell {
        // SAFETY: see the type.
        unsafe { &*self.0 }
    }
}

/// `func` of store `home`, callable from the store `cx` (for a table or global of another
/// store, or an argument): a host function there that calls it; the same one each time.
pub fn trampoline(
    state: &WasmState,
    cx: &mut StoreContextMut<'_, StoreData>,
    home: &StoreRef,
    func: Func,
    ty: FuncType,
) -> Func {
    let target = cx.data().cell().id;
    let raw = home.with(|mut from| func.to_raw(&mut from) as usize);
    let key = (target, home.id, raw);
    if let Some(known) = state.trampolines.borrow().get(&key) {
        return *known;
    }
    cx.data_mut().keep.push(home.clone());
    let from = CellPtr(Rc::as_ptr(home));
    let made = Func::new(&mut *cx, ty, move |mut caller, params, results| {
        let here = caller.data().cell();
        let _loan = here.enter_host(&mut caller);
        from.cell()
            .with(|mut cx| func.call(&mut cx, params, results))
    });
    let made_raw = made.to_raw(&mut *cx) as usize;
    state.trampolines.borrow_mut().insert(key, made);
    state
        .weak
        .aliases
        .borrow_mut()
        .insert((target, made_raw), (home.id, raw));
    made
}
