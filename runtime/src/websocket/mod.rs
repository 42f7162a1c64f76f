//! The WebSocket protocol (RFC 6455, with permessage-deflate from RFC 7692), free of any
//! engine: frames (`frame.rs`), message assembly and its checks (`decoder.rs`), compression
//! (`deflate.rs`), the opening handshake's keys and extension negotiation (`handshake.rs`), and
//! the task that runs one connection (`connection.rs`) for either end: the edge node's server
//! side over an upgraded HTTP connection, and the runtime's `WebSocket` client. `session.rs`
//! defines how one connection's messages reach an isolate and back.

mod connection;
mod decoder;
mod deflate;
mod frame;
mod handshake;
pub(crate) mod session;

pub use connection::{run, Role};
pub use deflate::DeflateConfig;
pub use handshake::{accept_key, client_offer, negotiate_client, negotiate_server, valid_key};
pub(crate) use session::pair;
pub use session::{Command, Event, Limits, Message, Session, SessionEnds, DEFAULT_MAX_MESSAGE};

/// Close codes this implementation sends.
pub mod close_code {
    pub const NORMAL: u16 = 1000;
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL_ERROR: u16 = 1002;
    pub const NO_STATUS: u16 = 1005;
    pub const ABNORMAL: u16 = 1006;
    pub const INVALID_DATA: u16 = 1007;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub const INTERNAL: u16 = 1011;
}
