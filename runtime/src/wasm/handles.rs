//! The native objects behind the JS API's classes: a compiled module, a memory (of the
//! isolate's store, or shared between threads), a table, a global, a tag. The JS classes hold
//! one each; a handle holds no JS values.

use std::sync::Arc;

use rquickjs::class::Trace;
use rquickjs::JsLifetime;
use wasmtime::{Global, Memory, Module, SharedMemory, Table, Tag};

use super::sections::Sections;

/// A compiled module and what the JS API reads from its bytes.
pub struct CompiledModule {
    pub module: Module,
    pub sections: Sections,
}

#[derive(Clone)]
pub enum Handle {
    Module(Arc<CompiledModule>),
    Memory(Memory),
    SharedMemory(SharedMemory),
    Table(Table),
    Global(Global),
    Tag(Tag),
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "WasmHandle")]
pub struct WasmHandle {
    #[qjs(skip_trace)]
    pub handle: Handle,
}

#[rquickjs::methods]
impl WasmHandle {}

impl WasmHandle {
    pub fn new(handle: Handle) -> WasmHandle {
        WasmHandle { handle }
    }
}
