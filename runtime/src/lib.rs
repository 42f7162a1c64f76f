//! The JavaScript runtime of Edge: QuickJS-ng (through rquickjs) with the Web APIs a
//! fetch-handler app needs, ES module loading with TypeScript, and the streamed request /
//! response exchange with the host.
//!
//! The public surface is engine-neutral on purpose: [`Isolate`], [`AppRequest`],
//! [`AppResponse`], [`Body`] and the errors. Nothing of rquickjs leaks out, so another engine
//! could stand behind the same interface. The runtime knows nothing of tenants or sockets:
//! `fetch()` gets its connections from the embedder's [`Connector`].

mod async_context;
pub mod bindings;
mod body;
pub mod bundling;
mod error;
mod intl;
mod isolate;
mod limits;
mod loader;
mod module_cache;
mod net;
mod node;
mod packages;
mod source_maps;
mod temporal;
mod typescript;
mod wasm;
mod web;
pub mod websocket;
mod whatwg_url;
mod workers;

pub use body::{Body, BodyError, BodySender, CHANNEL_DEPTH};
pub use error::{JsError, RuntimeError, SourceLocation};
pub use isolate::{
    AppEvent, AppRequest, AppResponse, DispatchError, EventOutcome, EventSender, Isolate,
    IsolateOptions, ResponseSender,
};
pub use limits::Limit;
pub use net::{ConnectError, ConnectFuture, Connector, OutboundConfig, OutboundIo};
pub use typescript::{is_typescript, strip_types};
pub use wasm::set_cache_dir as set_wasm_cache_dir;
pub use web::console::{stdio_sink, LogLevel, LogSink};
pub use web::USER_AGENT;
pub use workers::WorkerLimits;
