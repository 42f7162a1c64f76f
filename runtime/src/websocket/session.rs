//! A WebSocket session between a connection's task and the app's socket object: the events the
//! app receives (through a bounded channel, so a slow app slows the reading of the socket), the
//! commands it sends (unbounded, counted in bytes as the socket's `bufferedAmount`), and the
//! limits the connection enforces.

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

/// Messages larger than this are refused with close code 1009 unless the embedder says
/// otherwise (as in Workers).
pub const DEFAULT_MAX_MESSAGE: usize = 1 << 20;

/// How many received messages may wait for the app before the connection stops reading.
const EVENT_DEPTH: usize = 4;

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Text(String),
    Binary(Bytes),
}

impl Message {
    pub fn len(&self) -> usize {
        match self {
            Message::Text(s) => s.len(),
            Message::Binary(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the app's socket receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Message(Message),
    /// The connection ended: the close code (1005 when the peer gave none, 1006 when the
    /// connection dropped without a close handshake), the reason, and whether the close
    /// handshake completed.
    Close {
        code: u16,
        reason: String,
        clean: bool,
    },
}

/// What the app's socket asks of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Send(Message),
    /// Starts the close handshake (no code: a close frame without one).
    Close {
        code: Option<u16>,
        reason: String,
    },
}

/// The limits one connection enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest message, in bytes, received or sent (after decompression).
    pub max_message: usize,
    /// A connection with no frame either way for this long is closed with 1001.
    pub idle_timeout: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: DEFAULT_MAX_MESSAGE,
            idle_timeout: None,
        }
    }
}

/// The connection's side of a session: where received messages go and where the app's
/// commands come from. (Both channels carry boxes: a channel allocates 32 slots at once, and
/// an idle connection should hold little.)
pub struct SessionEnds {
    events: mpsc::Sender<Box<Event>>,
    commands: mpsc::UnboundedReceiver<Box<Command>>,
    /// Bytes of messages sent by the app and not yet written.
    pub buffered: Arc<AtomicUsize>,
    pub limits: Limits,
    /// Kept until the connection ends (the embedder's counts of open sockets).
    guards: Vec<Box<dyn Any + Send>>,
    /// Told of bytes leaving the send buffer (the isolate charges them to its memory limit).
    released: Option<Release>,
}

/// What is told of bytes leaving a send buffer.
pub(crate) type Release = Arc<dyn Fn(usize) + Send + Sync>;

impl SessionEnds {
    /// Hands an event to the app, waiting while its queue is full; false if the app's side is
    /// gone.
    pub async fn send_event(&self, event: Event) -> bool {
        self.events.send(Box::new(event)).await.is_ok()
    }

    /// Hands an event to the app if its queue has room.
    pub fn try_send_event(&self, event: Event) {
        let _ = self.events.try_send(Box::new(event));
    }

    /// The app's next command; `None` once its side is gone.
    pub async fn next_command(&mut self) -> Option<Command> {
        self.commands.recv().await.map(|c| *c)
    }

    /// Keeps `guard` alive for as long as the connection runs.
    pub fn hold(&mut self, guard: impl Any + Send) {
        self.guards.push(Box::new(guard));
    }

    /// Notes that a message of `len` bytes left the send buffer.
    pub(crate) fn sent(&self, len: usize) {
        self.buffered.fetch_sub(len, Ordering::Relaxed);
        if let Some(release) = &self.released {
            release(len);
        }
    }
}

impl Drop for SessionEnds {
    /// Messages never sent leave the buffer too.
    fn drop(&mut self) {
        self.commands.close();
        while let Ok(command) = self.commands.try_recv() {
            if let Command::Send(message) = *command {
                self.sent(message.len());
            }
        }
    }
}

impl std::fmt::Debug for SessionEnds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionEnds")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A server-side WebSocket the app accepted: what an `AppResponse` carries for the front to
/// attach to the upgraded connection.
#[derive(Debug)]
pub struct Session {
    pub ends: SessionEnds,
    /// The subprotocol the app chose (its `Sec-WebSocket-Protocol` response header).
    pub protocol: Option<String>,
}

/// The app's side of a session.
pub(crate) struct AppEnds {
    pub events: mpsc::Receiver<Box<Event>>,
    pub commands: mpsc::UnboundedSender<Box<Command>>,
    pub buffered: Arc<AtomicUsize>,
}

/// A connected pair of session ends; `released` is told of sent bytes.
pub(crate) fn pair(limits: Limits, released: Option<Release>) -> (SessionEnds, AppEnds) {
    let (events_tx, events_rx) = mpsc::channel(EVENT_DEPTH);
    let (commands_tx, commands_rx) = mpsc::unbounded_channel();
    let buffered = Arc::new(AtomicUsize::new(0));
    (
        SessionEnds {
            events: events_tx,
            commands: commands_rx,
            buffered: buffered.clone(),
            limits,
            guards: Vec::new(),
            released,
        },
        AppEnds {
            events: events_rx,
            commands: commands_tx,
            buffered,
        },
    )
}
