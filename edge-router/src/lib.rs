//! The HTTP front of Edge and its node: accepts TCP and QUIC connections, terminates TLS (SNI),
//! speaks HTTP/1.1, HTTP/2 and HTTP/3, routes each request by host and path to a tenant app on
//! the isolate host and streams the answer back; serves the node's admin API over its store.
//! Errors become HTTP answers with readable bodies.

pub mod access_log;
pub mod admin;
pub mod config;
pub mod cron;
mod dispatch;
mod errors;
mod fleet;
pub mod gate;
mod http3;
mod listen;
mod node;
mod request;
pub mod routes;
mod server;
pub mod shutdown;
pub mod store;
pub mod tls;
mod websocket;

pub use dispatch::{Dispatch, Outcome, Routed};
pub use http3::serve_h3;
pub use node::{start, NodeError, Running};
pub use server::{serve, ServerConfig, Tls};
