//! The isolate host of Edge: owns the worker threads, the isolates living on them, and hands
//! them requests. `AppHost` serves one app (the `edge dev` case); `Host` serves many tenants
//! side by side, each with its own isolates, limits, env and outbound allow list. It knows
//! nothing of HTTP parsing or sockets: it takes an `AppRequest` and gives back an
//! `AppResponse` whose body streams from the isolate.

mod app;
mod error;
mod host;
mod kv;
mod outbound;
mod queue;
mod service;
mod sql;
mod sqlite;
mod warm;
mod worker;

pub use app::{AppConfig, AppHost};
pub use edge_runtime::bindings;
pub use edge_runtime::set_wasm_cache_dir;
pub use edge_runtime::websocket;
pub use edge_runtime::{
    AppEvent, AppRequest, AppResponse, Body, DispatchError, IsolateOptions, Limit, LogLevel,
    LogSink, OutboundConfig,
};
pub use error::HostError;
pub use host::{AppSpec, Host, HostOptions, KvBinding, Limits, ServiceBinding};
pub use kv::{KvBackend, KvFile};
pub use outbound::{is_public, AddrRange, HostRule, NetPolicy};
pub use queue::QueueFile;
pub use sql::SqlFile;
pub use warm::keep_warm;
pub use worker::{current_worker, WorkerPool};
