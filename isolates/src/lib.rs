//! The isolate host of Edge: owns the worker threads, the isolates living on them, and hands
//! them requests. For now it serves one app (the `edge dev` case); the multi-tenant host with
//! pools, limits and permissions grows from here. It knows nothing of HTTP parsing or sockets:
//! it takes an `AppRequest` and gives back an `AppResponse` whose body streams from the
//! isolate.

mod app;
mod error;
mod outbound;
mod worker;

pub use app::{AppConfig, AppHost};
pub use edge_runtime::{
    AppRequest, AppResponse, Body, DispatchError, IsolateOptions, LogLevel, LogSink, OutboundConfig,
};
pub use error::HostError;
pub use outbound::{is_public, NetPolicy};
pub use worker::{current_worker, WorkerPool};
