//! Functions across the boundary: a WebAssembly function seen from JavaScript (an "exported
//! function": a native JS function, one per WebAssembly function, named by its index) and a
//! JS function imported into WebAssembly (a host function that calls it).

use rquickjs::function::Rest;
use rquickjs::{Array, Ctx, Function, Persistent, Result, Value};
use wasmtime::{Caller, Func, FuncType, RootScope, Val, ValType};

use super::convert::{coerce, plain, to_js, Coerced, Plain};
use super::engine::Running;
use super::state::{object_key, state, WasmSlot, WasmState, WeakObjects};
use super::store::{StoreData, StoreRef};
use std::rc::Rc;

/// Removes a wrapper's entries from the weak maps when the wrapper is finalized.
struct WrapperEntry {
    weak: Rc<WeakObjects>,
    key: (u64, usize),
    object: std::cell::Cell<usize>,
}

impl Drop for WrapperEntry {
    fn drop(&mut self) {
        self.weak.functions.borrow_mut().remove(&self.key);
        self.weak
            .function_of
            .borrow_mut()
            .remove(&self.object.get());
    }
}

/// The exported function for `func` of `store` (the same JS function while it lives).
pub fn exported_function<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    store: &StoreRef,
    func: Func,
    name: Option<u32>,
) -> Result<Function<'js>> {
    let (raw, ty) = store.with(|mut cx| (func.to_raw(&mut cx) as usize, func.ty(&cx)));
    let key = (store.id, raw);
    // A trampoline stands for the function it calls.
    let key = state
        .weak
        .aliases
        .borrow()
        .get(&key)
        .copied()
        .unwrap_or(key);
    let known = state.weak.functions.borrow().get(&key).copied();
    if let Some(known) = known {
        return Function::from_value(WeakObjects::revive(ctx, known));
    }
    let params: Vec<ValType> = ty.params().collect();
    let results: Vec<ValType> = ty.results().collect();
    let arity = params.len();
    let entry = WrapperEntry {
        weak: state.weak.clone(),
        key,
        object: std::cell::Cell::new(0),
    };
    let object = std::rc::Rc::new(entry);
    let held = object.clone();
    let home = store.clone();
    let wrapper = Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
        let _entry = &held;
        call(&ctx, &home, func, &params, &results, args.0)
    })?;
    wrapper.set_name(name.unwrap_or(0).to_string())?;
    wrapper.set_length(arity)?;
    let address = object_key(wrapper.as_value());
    object.object.set(address);
    drop(object);
    state
        .weak
        .functions
        .borrow_mut()
        .insert(key, wrapper.as_value().as_raw());
    state
        .weak
        .function_of
        .borrow_mut()
        .insert(address, (std::rc::Rc::downgrade(store), func));
    Ok(wrapper)
}

/// Calls `func` with JS arguments, per the JS API's "call an exported function".
fn call<'js>(
    ctx: &Ctx<'js>,
    store: &StoreRef,
    func: Func,
    params: &[ValType],
    results: &[ValType],
    args: Vec<Value<'js>>,
) -> Result<Value<'js>> {
    let slot = ctx.userdata::<WasmSlot>().ok_or(rquickjs::Error::Unknown)?;
    let state = state(ctx, &slot)?;
    let mut coerced = Vec::with_capacity(params.len());
    for (i, ty) in params.iter().enumerate() {
        let arg = args
            .get(i)
            .cloned()
            .unwrap_or_else(|| Value::new_undefined(ctx.clone()));
        coerced.push(coerce(ctx, state, arg, ty, store)?);
    }
    let outcome = store.with(|mut cx| {
        let mut scope = RootScope::new(&mut cx);
        let mut vals = Vec::with_capacity(coerced.len());
        for (c, ty) in coerced.into_iter().zip(params) {
            let val = c
                .into_val(ctx, state, &mut scope.as_context_mut(), ty)
                .map_err(Failure::Engine)?;
            vals.push(val);
        }
        let mut out = vec![Val::I32(0); results.len()];
        let running = Running::start();
        let called = func.call(&mut scope, &vals, &mut out);
        drop(running);
        let mut cx = scope.as_context_mut();
        if let Err(error) = called {
            return Err(thrown(&mut cx, error));
        }
        let plains: Vec<Plain> = out.iter().map(|v| plain(&mut cx, v)).collect();
        let grew = std::mem::take(&mut cx.data_mut().limits.grew);
        Ok((plains, grew))
    });
    let (plains, grew) = match outcome {
        Ok(done) => done,
        Err(failure) => return Err(failure.into_js(ctx, state, store)),
    };
    if grew {
        super::memories::refresh_buffers(ctx, state);
    }
    let mut plains = plains.into_iter();
    match results.len() {
        0 => Ok(Value::new_undefined(ctx.clone())),
        1 => to_js(ctx, state, store, plains.next().unwrap_or(Plain::Null)),
        _ => {
            let array = Array::new(ctx.clone())?;
            for (i, p) in plains.enumerate() {
                array.set(i, to_js(ctx, state, store, p)?)?;
            }
            Ok(array.into_value())
        }
    }
}

use wasmtime::AsContextMut;

/// Why a call into WebAssembly failed.
pub enum Failure {
    /// A trap, a limit, a JS exception thrown through it, ...
    Engine(wasmtime::Error),
    /// A WebAssembly exception nobody caught: its tag and values.
    Thrown(wasmtime::Tag, Vec<Plain>),
}

/// Takes a WebAssembly exception out of the store if that is what `error` is.
pub fn thrown(
    store: &mut wasmtime::StoreContextMut<'_, StoreData>,
    error: wasmtime::Error,
) -> Failure {
    if error.downcast_ref::<wasmtime::ThrownException>().is_none() {
        return Failure::Engine(error);
    }
    let Some(exception) = store.take_pending_exception() else {
        return Failure::Engine(error);
    };
    let Ok(tag) = exception.tag(&mut *store) else {
        return Failure::Engine(error);
    };
    let fields: Vec<Val> = match exception.fields(&mut *store) {
        Ok(fields) => fields.collect(),
        Err(_) => return Failure::Engine(error),
    };
    Failure::Thrown(tag, fields.iter().map(|v| plain(store, v)).collect())
}

impl Failure {
    /// The JS exception: a `WebAssembly.Exception` for an uncaught WebAssembly exception.
    pub fn into_js(self, ctx: &Ctx<'_>, state: &WasmState, store: &StoreRef) -> rquickjs::Error {
        match self {
            Failure::Engine(error) => state.call_error(ctx, error),
            Failure::Thrown(tag, values) => {
                let made = (|| -> Result<Value<'_>> {
                    let make = state.errors.exception.clone().restore(ctx)?;
                    let handle = rquickjs::Class::instance(
                        ctx.clone(),
                        super::handles::WasmHandle::new(super::handles::Handle::Tag(
                            store.clone(),
                            tag,
                        )),
                    )?;
                    let array = Array::new(ctx.clone())?;
                    for (i, v) in values.into_iter().enumerate() {
                        array.set(i, to_js(ctx, state, store, v)?)?;
                    }
                    make.call((handle, array))
                })();
                match made {
                    Ok(exception) => ctx.throw(exception),
                    Err(e) => e,
                }
            }
        }
    }
}

/// A host function of type `ty`, in `store`, that calls the JS function `callable`.
pub fn host_function<'js>(
    ctx: &Ctx<'js>,
    store: &StoreRef,
    callable: Function<'js>,
    ty: FuncType,
) -> Func {
    let saved = Persistent::save(ctx, callable);
    store.with(|mut cx| {
        let hosts = &mut cx.data_mut().hosts;
        hosts.push(saved);
        let index = hosts.len() - 1;
        Func::new(&mut cx, ty.clone(), move |caller, params, out| {
            host_call(caller, index, &ty, params, out)
        })
    })
}

/// Marks a JS exception thrown inside a host call, for the JS caller of WebAssembly.
struct JsThrew;

impl std::fmt::Display for JsThrew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JavaScript exception was thrown")
    }
}

impl std::fmt::Debug for JsThrew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for JsThrew {}

fn host_call(
    mut caller: Caller<'_, StoreData>,
    index: usize,
    ty: &FuncType,
    params: &[Val],
    out: &mut [Val],
) -> wasmtime::Result<()> {
    let plains: Vec<Plain> = {
        let mut cx = caller.as_context_mut();
        params.iter().map(|v| plain(&mut cx, v)).collect()
    };
    let raw = caller.data().ctx;
    let callable = caller.data().hosts[index].clone();
    let store = caller.data().cell();
    // SAFETY: host functions run only inside calls into WebAssembly made by this isolate's
    // natives, on its thread with its runtime locked, so the context is alive and ours.
    let ctx = unsafe { Ctx::from_raw(raw) };
    let slot = ctx
        .userdata::<WasmSlot>()
        .ok_or_else(|| wasmtime::Error::msg("WebAssembly state is gone"))?;
    let Ok(state) = state(&ctx, &slot) else {
        return Err(wasmtime::Error::msg("WebAssembly state is gone"));
    };
    let loan = store.enter_host(&mut caller);
    let result = (|| -> Result<Vec<Coerced<'_>>> {
        let callable = callable.restore(&ctx)?;
        let mut args = rquickjs::function::Args::new(ctx.clone(), plains.len());
        for p in plains {
            args.push_arg(to_js(&ctx, state, &store, p)?)?;
        }
        let returned: Value = callable.call_arg(args)?;
        let results: Vec<ValType> = ty.results().collect();
        match results.len() {
            0 => Ok(Vec::new()),
            1 => Ok(vec![coerce(&ctx, state, returned, &results[0], &store)?]),
            n => {
                let values = iterate(&ctx, returned)?;
                if values.len() != n {
                    return Err(rquickjs::Exception::throw_type(
                        &ctx,
                        &format!(
                            "the function returned {} values where {n} were expected",
                            values.len()
                        ),
                    ));
                }
                values
                    .into_iter()
                    .zip(&results)
                    .map(|(v, t)| coerce(&ctx, state, v, t, &store))
                    .collect()
            }
        }
    })();
    let coerced = match result {
        Ok(c) => c,
        Err(_) => {
            let thrown = ctx.catch();
            *state.pending.borrow_mut() = Some(Persistent::save(&ctx, thrown));
            drop(loan);
            return Err(wasmtime::Error::new(JsThrew));
        }
    };
    let made = store.with(|mut cx| {
        let results: Vec<ValType> = ty.results().collect();
        coerced
            .into_iter()
            .zip(&results)
            .map(|(c, t)| c.into_val(&ctx, state, &mut cx, t))
            .collect::<wasmtime::Result<Vec<Val>>>()
    });
    drop(loan);
    for (slot, v) in out.iter_mut().zip(made?) {
        *slot = v;
    }
    Ok(())
}

/// The values of an iterable (a multi-value result from JavaScript), by the iterator protocol.
fn iterate<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<Vec<Value<'js>>> {
    let not_iterable = || {
        rquickjs::Exception::throw_type(
            ctx,
            "a function with several results must return an iterable",
        )
    };
    let Some(object) = value.as_object() else {
        return Err(not_iterable());
    };
    let method: Value = object.get(rquickjs::atom::PredefinedAtom::SymbolIterator)?;
    let Some(method) = method.as_function() else {
        return Err(not_iterable());
    };
    let iterator: rquickjs::Object = method.call((rquickjs::function::This(value.clone()),))?;
    let next: Function = iterator.get("next")?;
    let mut out = Vec::new();
    loop {
        let step: rquickjs::Object = next.call((rquickjs::function::This(iterator.clone()),))?;
        if step.get::<_, bool>("done")? {
            return Ok(out);
        }
        out.push(step.get("value")?);
    }
}
