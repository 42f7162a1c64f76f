//! The HTTP front of Edge: accepts TCP connections, parses HTTP/1.1 with hyper, turns each
//! request into an `AppRequest` for the isolate host, and writes the `AppResponse` back as the
//! app produces it. Errors become HTTP answers with readable bodies.

mod errors;
mod server;

pub use server::{serve, ServerConfig};
