//! The natives of the JS API's classes: compile and validate, reflect on a module,
//! instantiate, and the operations of memories, tables, globals and tags. Argument shapes
//! were checked by the JS half; what is left here are the engine's errors, turned into the
//! spec's (CompileError, LinkError, RuntimeError, RangeError).

use std::sync::Arc;

use rquickjs::{
    Array, ArrayBuffer, Class, Ctx, Exception, Function, Object, Persistent, Promise, Result, Value,
};
use wasmtime::{
    Extern, ExternType, FuncType, GlobalType, Memory, MemoryType, Mutability, RefType,
    SharedMemory, Table, TableType, TagType, ValType,
};

use super::convert::{coerce, default_for, plain, plain_ref, to_js, type_name, type_of_name};
use super::engine;
use super::exports::{exported_function, host_function};
use super::handles::{CompiledModule, Handle, WasmHandle};
use super::state::{init_state, state, ErrorClasses, WasmSlot, WasmState};
use crate::web::util::buffer_source_bytes;

macro_rules! with_state {
    ($ctx:expr, $state:ident) => {
        let slot = $ctx
            .userdata::<WasmSlot>()
            .ok_or(rquickjs::Error::Unknown)?;
        let $state = state(&$ctx, &slot)?;
    };
}

/// `init({CompileError, LinkError, RuntimeError, exceptionFromWasm})`: the namespace's error
/// classes, and how to make a `WebAssembly.Exception` from a tag's handle and values.
pub fn init<'js>(ctx: Ctx<'js>, classes: Object<'js>) -> Result<()> {
    let slot = ctx.userdata::<WasmSlot>().ok_or(rquickjs::Error::Unknown)?;
    let get = |name: &str| -> Result<Persistent<Function<'static>>> {
        Ok(Persistent::save(&ctx, classes.get::<_, Function>(name)?))
    };
    let errors = ErrorClasses {
        compile: get("CompileError")?,
        link: get("LinkError")?,
        runtime: get("RuntimeError")?,
        exception: get("exceptionFromWasm")?,
    };
    init_state(&ctx, &slot, errors);
    Ok(())
}

fn bytes_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<bytes::Bytes> {
    buffer_source_bytes(value).ok_or_else(|| {
        Exception::throw_type(
            ctx,
            "the argument must be an ArrayBuffer or an ArrayBufferView",
        )
    })
}

fn handle_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Handle> {
    let class = value
        .as_object()
        .and_then(|o| Class::<WasmHandle>::from_object(o))
        .ok_or_else(|| Exception::throw_type(ctx, "not a WebAssembly object"))?;
    let handle = class.borrow().handle.clone();
    Ok(handle)
}

fn wrap<'js>(ctx: &Ctx<'js>, handle: Handle) -> Result<Value<'js>> {
    Ok(Class::instance(ctx.clone(), WasmHandle::new(handle))?.into_value())
}

/// `validate(bytes)`.
pub fn validate(ctx: Ctx<'_>, bytes: Value<'_>) -> Result<bool> {
    let bytes = bytes_of(&ctx, &bytes)?;
    Ok(engine::validate(&bytes))
}

pub fn compiled(bytes: &[u8]) -> std::result::Result<CompiledModule, String> {
    let module = engine::compile(bytes).map_err(|e| e.0)?;
    Ok(CompiledModule {
        module,
        sections: super::sections::read(bytes),
    })
}

/// `compile(bytes)`: the module, compiled on this thread (`new WebAssembly.Module`).
pub fn compile<'js>(ctx: Ctx<'js>, bytes: Value<'js>) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let bytes = bytes_of(&ctx, &bytes)?;
    match compiled(&bytes) {
        Ok(module) => wrap(&ctx, Handle::Module(Arc::new(module))),
        Err(message) => Err(state.throw(&ctx, &state.errors.compile, &message)),
    }
}

/// `compileAsync(bytes)`: the module, compiled off the isolate's thread.
pub fn compile_async<'js>(ctx: Ctx<'js>, bytes: Value<'js>) -> Result<Promise<'js>> {
    let bytes = bytes_of(&ctx, &bytes)?;
    let job = async move {
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => match handle.spawn_blocking(move || compiled(&bytes)).await {
                Ok(result) => result,
                Err(_) => Err("the compilation was cancelled".to_string()),
            },
            Err(_) => compiled(&bytes),
        }
    };
    let ctx2 = ctx.clone();
    Promise::wrap_future(&ctx, async move {
        let result = job.await;
        let ctx = ctx2;
        with_state!(ctx, state);
        match result {
            Ok(module) => wrap(&ctx, Handle::Module(Arc::new(module))),
            Err(message) => Err(state.throw(&ctx, &state.errors.compile, &message)),
        }
    })
}

fn module_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Arc<CompiledModule>> {
    match handle_of(ctx, value)? {
        Handle::Module(m) => Ok(m),
        _ => Err(Exception::throw_type(ctx, "not a WebAssembly.Module")),
    }
}

fn kind_name(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "function",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
        ExternType::Tag(_) => "tag",
    }
}

/// `moduleImports(module)`: `{module, name, kind}` per import, with `value` and `mutable`
/// for a global.
pub fn module_imports<'js>(ctx: Ctx<'js>, module: Value<'js>) -> Result<Array<'js>> {
    let module = module_of(&ctx, &module)?;
    let out = Array::new(ctx.clone())?;
    for (i, import) in module.module.imports().enumerate() {
        let o = Object::new(ctx.clone())?;
        o.set("module", import.module())?;
        o.set("name", import.name())?;
        let ty = import.ty();
        o.set("kind", kind_name(&ty))?;
        if let ExternType::Global(g) = &ty {
            o.set("value", type_name(g.content()))?;
            o.set("mutable", g.mutability() == Mutability::Var)?;
        }
        out.set(i, o)?;
    }
    Ok(out)
}

/// `moduleExports(module)`: `{name, kind}` per export.
pub fn module_exports<'js>(ctx: Ctx<'js>, module: Value<'js>) -> Result<Array<'js>> {
    let module = module_of(&ctx, &module)?;
    let out = Array::new(ctx.clone())?;
    for (i, export) in module.module.exports().enumerate() {
        let o = Object::new(ctx.clone())?;
        o.set("name", export.name())?;
        o.set("kind", kind_name(&export.ty()))?;
        out.set(i, o)?;
    }
    Ok(out)
}

/// `customSections(module)`: `[name, copy of the contents]` per custom section.
pub fn custom_sections<'js>(ctx: Ctx<'js>, module: Value<'js>) -> Result<Array<'js>> {
    let module = module_of(&ctx, &module)?;
    let out = Array::new(ctx.clone())?;
    for (i, (name, contents)) in module.sections.custom.iter().enumerate() {
        let entry = Array::new(ctx.clone())?;
        entry.set(0, name.as_str())?;
        entry.set(1, ArrayBuffer::new_copy(ctx.clone(), contents)?)?;
        out.set(i, entry)?;
    }
    Ok(out)
}

/// `instantiate(module, values)`: `values` holds, per import in order, a JS function or the
/// handle of a memory, table, global or tag. Gives `[name, kind, value]` per export, `value`
/// an exported function or a handle.
pub fn instantiate<'js>(
    ctx: Ctx<'js>,
    module: Value<'js>,
    values: Array<'js>,
) -> Result<Array<'js>> {
    with_state!(ctx, state);
    let module = module_of(&ctx, &module)?;
    let mut externs = Vec::new();
    for (i, import) in module.module.imports().enumerate() {
        let value: Value = values.get(i)?;
        let ext: Extern = match import.ty() {
            ExternType::Func(ty) => {
                let known = value.as_object().and_then(|_| {
                    state
                        .function_of
                        .borrow()
                        .get(&super::state::object_key(&value))
                        .copied()
                });
                match known {
                    Some(func) => Extern::Func(func),
                    None => {
                        let Some(callable) = value.as_function().cloned() else {
                            return Err(state.throw(
                                &ctx,
                                &state.errors.link,
                                &format!(
                                    "import {}.{} must be a function",
                                    import.module(),
                                    import.name()
                                ),
                            ));
                        };
                        Extern::Func(host_function(&ctx, state, callable, ty))
                    }
                }
            }
            _ => match handle_of(&ctx, &value)? {
                Handle::Memory(m) => Extern::Memory(m),
                Handle::SharedMemory(m) => Extern::SharedMemory(m),
                Handle::Table(t) => Extern::Table(t),
                Handle::Global(g) => Extern::Global(g),
                Handle::Tag(t) => Extern::Tag(t),
                Handle::Module(_) => {
                    return Err(state.throw(
                        &ctx,
                        &state.errors.link,
                        "a module cannot be imported",
                    ))
                }
            },
        };
        externs.push(ext);
    }
    let made = state.with_store(|mut store| {
        let _running = engine::Running::start();
        let instance = wasmtime::Instance::new(&mut store, &module.module, &externs)?;
        let exports: Vec<(String, Extern)> = instance
            .exports(&mut store)
            .map(|e| (e.name().to_string(), e.into_extern()))
            .collect();
        let grew = std::mem::take(&mut store.data_mut().limits.grew);
        wasmtime::Result::Ok((exports, grew))
    });
    let (exports, _grew) = match made {
        Ok(made) => made,
        Err(error) => return Err(instantiate_error(&ctx, state, error)),
    };
    let out = Array::new(ctx.clone())?;
    for (i, (name, ext)) in exports.into_iter().enumerate() {
        let name = name.as_str();
        let (kind, value) = match ext {
            Extern::Func(f) => {
                let index = module.sections.export_index(name);
                (
                    "function",
                    exported_function(&ctx, state, f, index)?.into_value(),
                )
            }
            Extern::Memory(m) => ("memory", wrap(&ctx, Handle::Memory(m))?),
            Extern::SharedMemory(m) => ("memory", wrap(&ctx, Handle::SharedMemory(m))?),
            Extern::Table(t) => ("table", wrap(&ctx, Handle::Table(t))?),
            Extern::Global(g) => ("global", wrap(&ctx, Handle::Global(g))?),
            Extern::Tag(t) => ("tag", wrap(&ctx, Handle::Tag(t))?),
        };
        let entry = Array::new(ctx.clone())?;
        entry.set(0, name)?;
        entry.set(1, kind)?;
        entry.set(2, value)?;
        entry.set(3, module.sections.export_index(name).unwrap_or(u32::MAX))?;
        out.set(i, entry)?;
    }
    Ok(out)
}

fn instantiate_error(ctx: &Ctx<'_>, state: &WasmState, error: wasmtime::Error) -> rquickjs::Error {
    if state.pending.borrow().is_some() || error.downcast_ref::<wasmtime::Trap>().is_some() {
        return state.call_error(ctx, error);
    }
    let message = format!("{error:#}");
    let link = message.contains("incompatible import") || message.contains("unknown import");
    if !link && (message.contains("limit") || message.contains("allocat")) {
        return Exception::throw_range(ctx, &message);
    }
    state.throw(ctx, &state.errors.link, &message)
}

/// `functionOf(value)`: whether `value` is a function exported by WebAssembly.
pub fn function_type_of<'js>(ctx: Ctx<'js>, value: Value<'js>) -> Result<bool> {
    with_state!(ctx, state);
    Ok(value.is_function()
        && state
            .function_of
            .borrow()
            .contains_key(&super::state::object_key(&value)))
}

fn pages(value: f64) -> u32 {
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
    if shared {
        let ty = MemoryType::shared(initial, maximum.unwrap_or(initial));
        let charged =
            state.with_store(|mut store| store.data_mut().limits.charge_pages(u64::from(initial)));
        if !charged {
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
    let ty = MemoryType::new(initial, maximum);
    let made = state.with_store(|mut store| Memory::new(&mut store, ty));
    match made {
        Ok(m) => wrap(&ctx, Handle::Memory(m)),
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
        Handle::Memory(m) => state
            .with_store(|mut store| m.grow(&mut store, delta))
            .map_err(|e| format!("{e:#}")),
        Handle::SharedMemory(m) => {
            let charged = state.with_store(|mut store| store.data_mut().limits.charge_pages(delta));
            if !charged {
                Err("the memory limit was reached".to_string())
            } else {
                m.grow(delta).map_err(|e| format!("{e:#}"))
            }
        }
        _ => return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory")),
    };
    match grown {
        Ok(previous) => {
            state.with_store(|mut store| store.data_mut().limits.grew = false);
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
fn memory_bytes(state: &WasmState, handle: &Handle) -> Option<(*mut u8, usize)> {
    match handle {
        Handle::Memory(m) => {
            Some(state.with_store(|store| (m.data_ptr(&store), m.data_size(&store))))
        }
        Handle::SharedMemory(m) => {
            let data = m.data();
            Some((data.as_ptr() as *mut u8, data.len()))
        }
        _ => None,
    }
}

fn buffer_key(state: &WasmState, handle: &Handle) -> u64 {
    match handle {
        Handle::Memory(m) => state.with_store(|store| m.data_ptr(&store) as u64),
        Handle::SharedMemory(m) => m.data().as_ptr() as u64,
        _ => u64::MAX,
    }
}

/// Linear memory seen as an ArrayBuffer's bytes.
struct MemoryView {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the bytes are those of a linear memory, which never moves (`memory_may_move` is
// off) and is unmapped only when its store drops (with the isolate's userdata, after which no
// JavaScript runs).
unsafe impl rquickjs::ArrayBufferSource for MemoryView {
    fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// `memoryBuffer(memory)`: the ArrayBuffer over it (the same one until it grows).
pub fn memory_buffer<'js>(ctx: Ctx<'js>, memory: Value<'js>) -> Result<Object<'js>> {
    with_state!(ctx, state);
    let handle = handle_of(&ctx, &memory)?;
    let Some((ptr, len)) = memory_bytes(state, &handle) else {
        return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory"));
    };
    let key = buffer_key(state, &handle);
    if let Some(cached) = state.buffers.borrow().get(&key) {
        if cached.len == len {
            return cached.buffer.clone().restore(&ctx);
        }
    }
    let ptr = if ptr.is_null() {
        std::ptr::NonNull::<u8>::dangling().as_ptr()
    } else {
        ptr
    };
    let object = match &handle {
        Handle::SharedMemory(m) => {
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
            value.into_object().ok_or(rquickjs::Error::Unknown)?
        }
        _ => ArrayBuffer::from_source(ctx.clone(), MemoryView { ptr, len })?
            .as_object()
            .clone(),
    };
    let previous = state.buffers.borrow_mut().insert(
        key,
        super::state::CachedBuffer {
            buffer: Persistent::save(&ctx, object.clone()),
            len,
            memory: handle,
        },
    );
    if let Some(previous) = previous {
        detach(&ctx, previous);
    }
    Ok(object)
}

fn detach(ctx: &Ctx<'_>, cached: super::state::CachedBuffer) {
    if matches!(cached.memory, Handle::SharedMemory(_)) {
        return;
    }
    if let Ok(object) = cached.buffer.restore(ctx) {
        if let Some(mut buffer) = ArrayBuffer::from_object(object) {
            buffer.detach();
        }
    }
}

/// After memories grew: detaches the buffers over them (a new one is made on next use).
pub fn refresh_buffers(ctx: &Ctx<'_>, state: &WasmState) {
    let stale: Vec<u64> = state
        .buffers
        .borrow()
        .iter()
        .filter(|(_, c)| memory_bytes(state, &c.memory).is_some_and(|(_, len)| len != c.len))
        .map(|(k, _)| *k)
        .collect();
    for key in stale {
        let removed = state.buffers.borrow_mut().remove(&key);
        if let Some(cached) = removed {
            detach(ctx, cached);
        }
    }
}

/// `memoryType(memory)`: `{minimum, maximum, shared}`.
pub fn memory_type<'js>(ctx: Ctx<'js>, memory: Value<'js>) -> Result<Object<'js>> {
    with_state!(ctx, state);
    let ty = match handle_of(&ctx, &memory)? {
        Handle::Memory(m) => state.with_store(|store| m.ty(&store)),
        Handle::SharedMemory(m) => m.ty(),
        _ => return Err(Exception::throw_type(&ctx, "not a WebAssembly.Memory")),
    };
    let size = match handle_of(&ctx, &memory)? {
        Handle::Memory(m) => state.with_store(|store| m.size(&store)),
        Handle::SharedMemory(m) => m.size(),
        _ => 0,
    };
    let o = Object::new(ctx.clone())?;
    o.set("minimum", size as f64)?;
    if let Some(max) = ty.maximum() {
        o.set("maximum", max as f64)?;
    }
    o.set("shared", ty.is_shared())?;
    Ok(o)
}

fn ref_type(ctx: &Ctx<'_>, element: &str) -> Result<RefType> {
    match type_of_name(element) {
        Some(ValType::Ref(r)) => Ok(r),
        _ => Err(Exception::throw_type(
            ctx,
            &format!("'{element}' is not a reference type"),
        )),
    }
}

fn element_value<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    ty: &ValType,
    value: Value<'js>,
    given: bool,
) -> Result<super::convert::Coerced<'js>> {
    if given {
        coerce(ctx, state, value, ty)
    } else {
        default_for(ctx, ty)
    }
}

fn into_ref<'js>(
    ctx: &Ctx<'js>,
    state: &WasmState,
    store: &mut wasmtime::StoreContextMut<'_, super::state::StoreData>,
    value: super::convert::Coerced<'js>,
    ty: &ValType,
) -> wasmtime::Result<wasmtime::Ref> {
    let val = value.into_val(ctx, state, store, ty)?;
    val.ref_()
        .ok_or_else(|| wasmtime::Error::msg("not a reference"))
}

/// `tableNew(element, initial, maximum, value, given)`.
pub fn table_new<'js>(
    ctx: Ctx<'js>,
    element: String,
    initial: f64,
    maximum: Option<f64>,
    value: Value<'js>,
    given: bool,
) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let rt = ref_type(&ctx, &element)?;
    let vt = ValType::Ref(rt.clone());
    let init = element_value(&ctx, state, &vt, value, given)?;
    let ty = TableType::new(rt, pages(initial), maximum.map(pages));
    let made = state.with_store(|mut store| {
        let init = into_ref(&ctx, state, &mut store, init, &vt)?;
        Table::new(&mut store, ty, init)
    });
    match made {
        Ok(t) => wrap(&ctx, Handle::Table(t)),
        Err(e) => Err(Exception::throw_range(
            &ctx,
            &format!("WebAssembly.Table(): could not allocate the table: {e:#}"),
        )),
    }
}

fn table_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Table> {
    match handle_of(ctx, value)? {
        Handle::Table(t) => Ok(t),
        _ => Err(Exception::throw_type(ctx, "not a WebAssembly.Table")),
    }
}

/// `tableGet(table, index)`.
pub fn table_get<'js>(ctx: Ctx<'js>, table: Value<'js>, index: f64) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let table = table_of(&ctx, &table)?;
    let got = state.with_store(|mut store| {
        let r = table.get(&mut store, index as u64)?;
        Some(plain_ref(&mut store, r))
    });
    match got {
        Some(p) => to_js(&ctx, state, p),
        None => Err(Exception::throw_range(
            &ctx,
            "WebAssembly.Table.get(): index out of bounds",
        )),
    }
}

/// `tableSet(table, index, value, given)`.
pub fn table_set<'js>(
    ctx: Ctx<'js>,
    table: Value<'js>,
    index: f64,
    value: Value<'js>,
    given: bool,
) -> Result<()> {
    with_state!(ctx, state);
    let table = table_of(&ctx, &table)?;
    let vt = state.with_store(|store| ValType::Ref(table.ty(&store).element().clone()));
    let length = state.with_store(|store| table.size(&store));
    if index as u64 >= length {
        return Err(Exception::throw_range(
            &ctx,
            "WebAssembly.Table.set(): index out of bounds",
        ));
    }
    let value = element_value(&ctx, state, &vt, value, given)?;
    let done = state.with_store(|mut store| {
        let r = into_ref(&ctx, state, &mut store, value, &vt)?;
        table.set(&mut store, index as u64, r)
    });
    done.map_err(|e| Exception::throw_range(&ctx, &format!("WebAssembly.Table.set(): {e:#}")))
}

/// `tableGrow(table, delta, value, given)`: the previous length.
pub fn table_grow<'js>(
    ctx: Ctx<'js>,
    table: Value<'js>,
    delta: f64,
    value: Value<'js>,
    given: bool,
) -> Result<f64> {
    with_state!(ctx, state);
    let table = table_of(&ctx, &table)?;
    let vt = state.with_store(|store| ValType::Ref(table.ty(&store).element().clone()));
    let value = element_value(&ctx, state, &vt, value, given)?;
    let grown = state.with_store(|mut store| {
        let r = into_ref(&ctx, state, &mut store, value, &vt)?;
        table.grow(&mut store, pages(delta) as u64, r)
    });
    grown.map(|p| p as f64).map_err(|e| {
        Exception::throw_range(
            &ctx,
            &format!("WebAssembly.Table.grow(): could not grow the table: {e:#}"),
        )
    })
}

/// `tableType(table)`: `{element, minimum, maximum, length}`.
pub fn table_type<'js>(ctx: Ctx<'js>, table: Value<'js>) -> Result<Object<'js>> {
    with_state!(ctx, state);
    let table = table_of(&ctx, &table)?;
    let (ty, length) = state.with_store(|store| (table.ty(&store), table.size(&store)));
    let o = Object::new(ctx.clone())?;
    o.set("element", type_name(&ValType::Ref(ty.element().clone())))?;
    o.set("minimum", length as f64)?;
    if let Some(max) = ty.maximum() {
        o.set("maximum", max as f64)?;
    }
    o.set("length", length as f64)?;
    Ok(o)
}

/// `globalNew(type, mutable, value, given)`.
pub fn global_new<'js>(
    ctx: Ctx<'js>,
    value_type: String,
    mutable: bool,
    value: Value<'js>,
    given: bool,
) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let Some(vt) = type_of_name(&value_type) else {
        return Err(Exception::throw_type(
            &ctx,
            &format!("'{value_type}' is not a value type"),
        ));
    };
    let init = element_value(&ctx, state, &vt, value, given)?;
    let mutability = if mutable {
        Mutability::Var
    } else {
        Mutability::Const
    };
    let made = state.with_store(|mut store| {
        let init = init.into_val(&ctx, state, &mut store, &vt)?;
        wasmtime::Global::new(&mut store, GlobalType::new(vt.clone(), mutability), init)
    });
    match made {
        Ok(g) => wrap(&ctx, Handle::Global(g)),
        Err(e) => Err(Exception::throw_type(
            &ctx,
            &format!("WebAssembly.Global(): {e:#}"),
        )),
    }
}

fn global_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<wasmtime::Global> {
    match handle_of(ctx, value)? {
        Handle::Global(g) => Ok(g),
        _ => Err(Exception::throw_type(ctx, "not a WebAssembly.Global")),
    }
}

/// `globalGet(global)`.
pub fn global_get<'js>(ctx: Ctx<'js>, global: Value<'js>) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let global = global_of(&ctx, &global)?;
    let p = state.with_store(|mut store| {
        let v = global.get(&mut store);
        plain(&mut store, &v)
    });
    to_js(&ctx, state, p)
}

/// `globalSet(global, value)` (the JS half checked that it is mutable).
pub fn global_set<'js>(ctx: Ctx<'js>, global: Value<'js>, value: Value<'js>) -> Result<()> {
    with_state!(ctx, state);
    let global = global_of(&ctx, &global)?;
    let vt = state.with_store(|store| global.ty(&store).content().clone());
    let value = coerce(&ctx, state, value, &vt)?;
    let done = state.with_store(|mut store| {
        let v = value.into_val(&ctx, state, &mut store, &vt)?;
        global.set(&mut store, v)
    });
    done.map_err(|e| Exception::throw_type(&ctx, &format!("WebAssembly.Global: {e:#}")))
}

/// `globalType(global)`: `{value, mutable}`.
pub fn global_type<'js>(ctx: Ctx<'js>, global: Value<'js>) -> Result<Object<'js>> {
    with_state!(ctx, state);
    let global = global_of(&ctx, &global)?;
    let ty = state.with_store(|store| global.ty(&store));
    let o = Object::new(ctx.clone())?;
    o.set("value", type_name(ty.content()))?;
    o.set("mutable", ty.mutability() == Mutability::Var)?;
    Ok(o)
}

/// `tagNew(parameters)`.
pub fn tag_new<'js>(ctx: Ctx<'js>, parameters: Vec<String>) -> Result<Value<'js>> {
    with_state!(ctx, state);
    let mut params = Vec::new();
    for p in &parameters {
        match type_of_name(p) {
            Some(t) => params.push(t),
            None => {
                return Err(Exception::throw_type(
                    &ctx,
                    &format!("'{p}' is not a value type"),
                ))
            }
        }
    }
    let ty = TagType::new(FuncType::new(engine::engine(), params, []));
    let made = state.with_store(|mut store| wasmtime::Tag::new(&mut store, &ty));
    match made {
        Ok(t) => wrap(&ctx, Handle::Tag(t)),
        Err(e) => Err(Exception::throw_type(
            &ctx,
            &format!("WebAssembly.Tag(): {e:#}"),
        )),
    }
}

/// `tagType(tag)`: `{parameters}`.
pub fn tag_type<'js>(ctx: Ctx<'js>, tag: Value<'js>) -> Result<Object<'js>> {
    with_state!(ctx, state);
    let Handle::Tag(tag) = handle_of(&ctx, &tag)? else {
        return Err(Exception::throw_type(&ctx, "not a WebAssembly.Tag"));
    };
    let ty = state.with_store(|store| tag.ty(&store));
    let names: Vec<&str> = ty.ty().params().map(|p| type_name(&p)).collect();
    let o = Object::new(ctx.clone())?;
    o.set("parameters", names)?;
    Ok(o)
}

/// `takeLoaded(name)`: the module compiled for the `.wasm` import `name`.
pub fn take_loaded<'js>(ctx: Ctx<'js>, name: String) -> Result<Value<'js>> {
    let slot = ctx.userdata::<WasmSlot>().ok_or(rquickjs::Error::Unknown)?;
    let module = slot.1.borrow_mut().remove(&name);
    match module {
        Some(module) => wrap(&ctx, Handle::Module(module)),
        None => Err(Exception::throw_reference(
            &ctx,
            &format!("no WebAssembly module was loaded as {name}"),
        )),
    }
}

/// `tagEq(a, b)`: whether two tag handles are the same tag.
pub fn tag_eq<'js>(ctx: Ctx<'js>, a: Value<'js>, b: Value<'js>) -> Result<bool> {
    with_state!(ctx, state);
    match (handle_of(&ctx, &a)?, handle_of(&ctx, &b)?) {
        (Handle::Tag(a), Handle::Tag(b)) => {
            Ok(state.with_store(|store| wasmtime::Tag::eq(&a, &b, &store)))
        }
        _ => Ok(false),
    }
}
