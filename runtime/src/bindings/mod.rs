//! Workers-style bindings: what an app finds on `env` besides its variables (a KV namespace
//! as `env.NAME`, a D1-style SQL database, another app). The embedder provides the storage behind small
//! traits (`kv::KvStore`, `sql::SqlDatabase`, `service::ServiceTarget`); the
//! runtime gives the JS objects over them their Workers shapes and limits, and knows nothing
//! of where the data lives or whose it is.

pub mod cache;
pub mod kv;
pub mod queue;
pub mod service;
pub mod sql;

use std::sync::Arc;

use rquickjs::{Class, Ctx, Function, Module, Object, Result};

/// One binding: the name on `env`, and what it is.
#[derive(Clone)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
}

/// The kinds of binding.
#[derive(Clone)]
pub enum BindingKind {
    /// A KV namespace.
    Kv(Arc<dyn kv::KvStore>),
    /// A SQL database (D1-style).
    Sql(Arc<dyn sql::SqlDatabase>),
    /// Another app, called with `fetch()`.
    Service(Arc<dyn service::ServiceTarget>),
    /// A queue's producer side.
    Queue(Arc<dyn queue::QueueProducer>),
}

impl std::fmt::Debug for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            BindingKind::Kv(_) => "kv",
            BindingKind::Sql(_) => "sql",
            BindingKind::Service(_) => "service",
            BindingKind::Queue(_) => "queue",
        };
        write!(f, "{}: {kind}", self.name)
    }
}

/// Adds the bindings to an app's `env`: each a JS object (`node/internal_bindings.js`) over a
/// native handle.
pub fn install<'js>(ctx: &Ctx<'js>, env: &Object<'js>, bindings: &[Binding]) -> Result<()> {
    if bindings.is_empty() {
        return Ok(());
    }
    let glue: Object = Module::import(ctx, "edge:bindings")?.finish()?;
    for binding in bindings {
        match &binding.kind {
            BindingKind::Kv(store) => {
                let make: Function = glue.get("kvNamespace")?;
                let handle = Class::instance(ctx.clone(), kv::KvHandle::new(store.clone()))?;
                let namespace: Object = make.call((handle,))?;
                env.set(binding.name.as_str(), namespace)?;
            }
            BindingKind::Sql(db) => {
                let make: Function = glue.get("sqlDatabase")?;
                let handle = Class::instance(ctx.clone(), sql::SqlHandle::new(db.clone()))?;
                let database: Object = make.call((handle,))?;
                env.set(binding.name.as_str(), database)?;
            }
            BindingKind::Service(target) => {
                let make: Function = glue.get("serviceBinding")?;
                let handle =
                    Class::instance(ctx.clone(), service::ServiceHandle::new(target.clone()))?;
                let fetcher: Object = make.call((handle,))?;
                env.set(binding.name.as_str(), fetcher)?;
            }
            BindingKind::Queue(producer) => {
                let make: Function = glue.get("queueProducer")?;
                let handle =
                    Class::instance(ctx.clone(), queue::QueueHandle::new(producer.clone()))?;
                let queue: Object = make.call((handle,))?;
                env.set(binding.name.as_str(), queue)?;
            }
        }
    }
    Ok(())
}
