//! WebAssembly on wasmtime: the native half of the `WebAssembly` namespace. The JS half
//! (`node/internal_wasm.js`) owns the spec's shapes (classes, argument checks, descriptors,
//! import resolution order); this side owns the engine, the isolate's store, the values that
//! cross between JavaScript and WebAssembly, and the limits.
//!
//! Instances live in stores (`store.rs`): one of their own unless they import objects of
//! another, so an instance JavaScript lets go of is freed; objects made by JavaScript share
//! the isolate's long-lived store. Memory growth is charged to the isolate's memory limit and
//! a running call is stopped by the same CPU meter as JavaScript (epoch checks).

/// Binds `$state` to the isolate's WebAssembly state (its guard kept in scope).
macro_rules! with_state {
    ($ctx:expr, $state:ident) => {
        let slot = $ctx
            .userdata::<WasmSlot>()
            .ok_or(rquickjs::Error::Unknown)?;
        let $state = state(&$ctx, &slot)?;
    };
}

mod convert;
mod engine;
mod exports;
mod handles;
mod memories;
mod natives;
mod objects;
mod sections;
mod state;
mod store;

pub use engine::set_cache_dir;

use rquickjs::prelude::Func;
use rquickjs::{Class, Ctx, Object, Result};

/// The natives the JS half is given (as `wasm` of the bootstrap's natives).
pub fn natives<'js>(ctx: &Ctx<'js>) -> Result<Object<'js>> {
    let _ = ctx.store_userdata(state::WasmSlot::default());
    let wasm = Object::new(ctx.clone())?;
    Class::<handles::WasmHandle>::define(&wasm)?;
    wasm.set("init", Func::from(natives::init))?;
    wasm.set("validate", Func::from(natives::validate))?;
    wasm.set("compile", Func::from(natives::compile))?;
    wasm.set("compileAsync", Func::from(natives::compile_async))?;
    wasm.set("moduleImports", Func::from(natives::module_imports))?;
    wasm.set("moduleExports", Func::from(natives::module_exports))?;
    wasm.set("customSections", Func::from(natives::custom_sections))?;
    wasm.set("instantiate", Func::from(natives::instantiate))?;
    wasm.set("functionOf", Func::from(natives::function_type_of))?;
    wasm.set("memoryNew", Func::from(memories::memory_new))?;
    wasm.set("memoryGrow", Func::from(memories::memory_grow))?;
    wasm.set("memoryBuffer", Func::from(memories::memory_buffer))?;
    wasm.set("memoryType", Func::from(memories::memory_type))?;
    wasm.set("tableNew", Func::from(objects::table_new))?;
    wasm.set("tableGet", Func::from(objects::table_get))?;
    wasm.set("tableSet", Func::from(objects::table_set))?;
    wasm.set("tableGrow", Func::from(objects::table_grow))?;
    wasm.set("tableType", Func::from(objects::table_type))?;
    wasm.set("globalNew", Func::from(objects::global_new))?;
    wasm.set("globalGet", Func::from(objects::global_get))?;
    wasm.set("globalSet", Func::from(objects::global_set))?;
    wasm.set("globalType", Func::from(objects::global_type))?;
    wasm.set("tagNew", Func::from(objects::tag_new))?;
    wasm.set("tagType", Func::from(objects::tag_type))?;
    wasm.set("tagEq", Func::from(objects::tag_eq))?;
    wasm.set("takeLoaded", Func::from(natives::take_loaded))?;
    Ok(wasm)
}

/// Compiles the bytes of `.wasm` module `name` for its JS module to take (`takeLoaded`).
pub fn preload(ctx: &Ctx<'_>, name: &str, bytes: &[u8]) -> std::result::Result<(), String> {
    let module = natives::compiled(bytes)?;
    let slot = ctx
        .userdata::<state::WasmSlot>()
        .ok_or_else(|| "WebAssembly is not available".to_string())?;
    slot.1
        .borrow_mut()
        .insert(name.to_owned(), std::sync::Arc::new(module));
    Ok(())
}

/// Why `bytes` is not a valid module, if it is not.
pub fn validation_error(bytes: &[u8]) -> Option<String> {
    wasmtime::Module::validate(engine::engine(), bytes)
        .err()
        .map(|e| format!("{e:#}"))
}
