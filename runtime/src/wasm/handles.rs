//! The native objects behind the JS API's classes: a compiled module, a memory (of a store, or
//! shared between threads), a table, a global, a tag. The JS classes hold one each; a handle
//! holds no JS values, and keeps the store its object lives in.

use std::sync::Arc;

use rquickjs::class::Trace;
use rquickjs::JsLifetime;
use wasmtime::{Global, Memory, Module, SharedMemory, Table, Tag};

use super::sections::Sections;
use super::store::StoreRef;

/// A compiled module and what the JS API reads from its bytes.
pub struct CompiledModule {
    pub module: Module,
    pub sections: Sections,
}

/// An object and, for those in a store, the store (kept alive by the handle).
#[derive(Clone)]
pub enum Handle {
    Module(Arc<CompiledModule>),
    Memory(StoreRef, Memory),
    SharedMemory(SharedMemory),
    Table(StoreRef, Table),
    Global(StoreRef, Global),
    Tag(StoreRef, Tag),
}

impl Handle {
    /// The store the object lives in (a module or shared memory lives in none).
    pub fn store(&self) -> Option<&StoreRef> {
        match self {
            Handle::Memory(s, _)
            | Handle::Table(s, _)
            | Handle::Global(s, _)
            | Handle::Tag(s, _) => Some(s),
            Handle::Module(_) | Handle::SharedMemory(_) => None,
        }
    }
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
