//! The natives of the JS API's classes: compile and validate, reflect on a module,
//! instantiate, and the operations of memories, tables, globals and tags. Argument shapes
//! were checked by the JS half; what is left here are the engine's errors, turned into the
//! spec's (CompileError, LinkError, RuntimeError, RangeError).

use std::sync::Arc;

use rquickjs::{
    Array, ArrayBuffer, Class, Ctx, Exception, Function, Object, Persistent, Promise, Result, Value,
};
use wasmtime::{Extern, ExternType, Mutability};

use super::convert::type_name;
use super::engine;
use super::exports::{exported_function, host_function};
use super::handles::{CompiledModule, Handle, WasmHandle};
use super::state::{init_state, state, ErrorClasses, WasmSlot, WasmState};
use super::store::StoreRef;
use crate::web::util::buffer_source_bytes;

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

pub(super) fn handle_of(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Handle> {
    let class = value
        .as_object()
        .and_then(Class::<WasmHandle>::from_object)
        .ok_or_else(|| Exception::throw_type(ctx, "not a WebAssembly object"))?;
    let handle = class.borrow().handle.clone();
    Ok(handle)
}

pub(super) fn wrap<'js>(ctx: &Ctx<'js>, handle: Handle) -> Result<Value<'js>> {
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
/// handle of a memory, table, global or tag. Gives `[name, kind, value, index]` per export,
/// `value` an exported function or a handle.
///
/// The instance goes into the store of the objects it imports (they must share one), else the
/// store of the first WebAssembly function it imports, else a store of its own.
pub fn instantiate<'js>(
    ctx: Ctx<'js>,
    module: Value<'js>,
    values: Array<'js>,
) -> Result<Array<'js>> {
    with_state!(ctx, state);
    let module = module_of(&ctx, &module)?;
    let imports: Vec<wasmtime::ImportType<'_>> = module.module.imports().collect();
    let mut given = Vec::with_capacity(imports.len());
    let mut home: Option<StoreRef> = None;
    let mut function_home: Option<StoreRef> = None;
    for (i, import) in imports.iter().enumerate() {
        let value: Value = values.get(i)?;
        let link_error = |message: String| state.throw(&ctx, &state.errors.link, &message);
        let entry = match import.ty() {
            ExternType::Func(_) => match state.function_of(&value) {
                Some((store, func)) => {
                    function_home.get_or_insert_with(|| store.clone());
                    Given::Wasm(store, func)
                }
                None => match value.as_function() {
                    Some(callable) => Given::Js(callable.clone()),
                    None => {
                        return Err(link_error(format!(
                            "import {}.{} must be a function",
                            import.module(),
                            import.name()
                        )))
                    }
                },
            },
            _ => {
                let handle = handle_of(&ctx, &value)?;
                if let Some(store) = handle.store() {
                    match &home {
                        Some(h) if h.id != store.id => {
                            return Err(link_error(format!(
                                "import {}.{} belongs to another instance's store than the module's other imports",
                                import.module(),
                                import.name()
                            )))
                        }
                        _ => home = Some(store.clone()),
                    }
                }
                Given::Object(handle)
            }
        };
        given.push(entry);
    }
    let store = match home.or(function_home) {
        Some(store) => store,
        None => state.fresh_store(&ctx),
    };
    let mut externs = Vec::with_capacity(given.len());
    for (entry, import) in given.into_iter().zip(&imports) {
        externs.push(match (entry, import.ty()) {
            (Given::Wasm(from, func), _) if from.id == store.id => Extern::Func(func),
            (Given::Wasm(..), _) => {
                return Err(state.throw(
                    &ctx,
                    &state.errors.link,
                    &format!(
                        "import {}.{} is a function of another instance's store than the module's other imports",
                        import.module(),
                        import.name()
                    ),
                ))
            }
            (Given::Js(callable), ExternType::Func(ty)) => {
                Extern::Func(host_function(&ctx, &store, callable, ty))
            }
            (Given::Js(_), _) => return Err(rquickjs::Error::Unknown),
            (Given::Object(handle), _) => match handle {
                Handle::Memory(_, m) => Extern::Memory(m),
                Handle::SharedMemory(m) => Extern::SharedMemory(m),
                Handle::Table(_, t) => Extern::Table(t),
                Handle::Global(_, g) => Extern::Global(g),
                Handle::Tag(_, t) => Extern::Tag(t),
                Handle::Module(_) => {
                    return Err(state.throw(&ctx, &state.errors.link, "a module cannot be imported"))
                }
            },
        });
    }
    let made = store.with(|mut cx| {
        let _running = engine::Running::start();
        let instance = wasmtime::Instance::new(&mut cx, &module.module, &externs)?;
        let exports: Vec<(String, Extern)> = instance
            .exports(&mut cx)
            .map(|e| (e.name().to_string(), e.into_extern()))
            .collect();
        cx.data_mut().limits.grew = false;
        wasmtime::Result::Ok(exports)
    });
    let exports = match made {
        Ok(made) => made,
        Err(error) => return Err(instantiate_error(&ctx, state, error)),
    };
    let out = Array::new(ctx.clone())?;
    for (i, (name, ext)) in exports.into_iter().enumerate() {
        let name = name.as_str();
        let index = module.sections.export_index(name);
        let s = store.clone();
        let (kind, value) = match ext {
            Extern::Func(f) => (
                "function",
                exported_function(&ctx, state, &store, f, index)?.into_value(),
            ),
            Extern::Memory(m) => ("memory", wrap(&ctx, Handle::Memory(s, m))?),
            Extern::SharedMemory(m) => ("memory", wrap(&ctx, Handle::SharedMemory(m))?),
            Extern::Table(t) => ("table", wrap(&ctx, Handle::Table(s, t))?),
            Extern::Global(g) => ("global", wrap(&ctx, Handle::Global(s, g))?),
            Extern::Tag(t) => ("tag", wrap(&ctx, Handle::Tag(s, t))?),
        };
        let entry = Array::new(ctx.clone())?;
        entry.set(0, name)?;
        entry.set(1, kind)?;
        entry.set(2, value)?;
        entry.set(3, index.unwrap_or(u32::MAX))?;
        out.set(i, entry)?;
    }
    Ok(out)
}

/// An import as JavaScript gave it.
enum Given<'js> {
    Wasm(StoreRef, wasmtime::Func),
    Js(Function<'js>),
    Object(Handle),
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
    Ok(value.is_function() && state.function_of(&value).is_some())
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
