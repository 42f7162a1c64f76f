//! The task that runs one WebSocket connection after its handshake, for either end: it reads
//! frames and hands messages to the session (answering pings itself), writes what the app sends
//! (compressed when negotiated), runs the close handshake, fails the connection with the right
//! close code on a protocol error, and closes it when it idles too long, when the embedder
//! stops it, or when the app's side goes away.
//!
//! An idle connection holds no read buffer: bytes are read into a per-thread scratch buffer
//! and kept only while a frame is incomplete.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::time::Instant;

use super::close_code;
use super::decoder::{Decoder, Failure, Incoming};
use super::deflate::{Deflate, DeflateConfig};
use super::frame::{self, write_frame};
use super::session::{Command, Event, Message, SessionEnds};

/// Which end of the connection this is: a client masks what it sends, a server expects masked
/// frames and closes the TCP connection first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
}

/// How long to wait for the peer's close frame (or, for a client, the end of the TCP
/// connection) once this end has sent its own.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// How long one frame may take to write (the peer reading nothing meanwhile).
const WRITE_LIMIT: Duration = Duration::from_secs(30);

/// How long a received message may wait for the app to take it (the app's queue full).
const APP_LIMIT: Duration = Duration::from_secs(60);

/// Bytes read from the socket at a time.
const SCRATCH: usize = 16 * 1024;

thread_local! {
    static SCRATCH_BUF: RefCell<Box<[u8]>> = RefCell::new(vec![0u8; SCRATCH].into_boxed_slice());
}

/// Reads what is available into `buf` (through the thread's scratch buffer); 0 at the end.
async fn read_some<IO: AsyncRead + Unpin>(
    io: &mut IO,
    buf: &mut BytesMut,
) -> std::io::Result<usize> {
    std::future::poll_fn(|cx| {
        SCRATCH_BUF.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let mut rb = ReadBuf::new(&mut scratch[..]);
            match Pin::new(&mut *io).poll_read(cx, &mut rb) {
                Poll::Ready(Ok(())) => {
                    buf.extend_from_slice(rb.filled());
                    Poll::Ready(Ok(rb.filled().len()))
                }
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            }
        })
    })
    .await
}

struct Conn<IO> {
    io: IO,
    mask: bool,
    out: BytesMut,
    deflate_out: Option<Deflate>,
}

impl<IO: AsyncWrite + Unpin> Conn<IO> {
    fn mask_key(&self) -> Option<[u8; 4]> {
        self.mask.then(|| {
            let mut key = [0u8; 4];
            let _ = getrandom::fill(&mut key);
            key
        })
    }

    async fn send_frame(&mut self, opcode: u8, rsv1: bool, payload: &[u8]) -> std::io::Result<()> {
        let key = self.mask_key();
        self.out.clear();
        write_frame(&mut self.out, opcode, rsv1, payload, key);
        // A peer that stops reading fails the connection instead of holding it forever.
        let written = tokio::time::timeout(WRITE_LIMIT, async {
            self.io.write_all(&self.out).await?;
            self.io.flush().await
        })
        .await;
        match written {
            Ok(result) => result?,
            Err(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the peer stopped reading",
                ))
            }
        }
        // A large message's buffer is not kept for the connection's life.
        if self.out.capacity() > 64 * 1024 {
            self.out = BytesMut::new();
        }
        Ok(())
    }

    async fn send_message(&mut self, message: &Message) -> std::io::Result<()> {
        let (opcode, bytes): (u8, &[u8]) = match message {
            Message::Text(s) => (frame::TEXT, s.as_bytes()),
            Message::Binary(b) => (frame::BINARY, b),
        };
        match self.deflate_out.as_mut().and_then(|d| d.deflate(bytes)) {
            Some(compressed) => self.send_frame(opcode, true, &compressed).await,
            None => self.send_frame(opcode, false, bytes).await,
        }
    }

    async fn send_close(&mut self, code: Option<u16>, reason: &str) -> std::io::Result<()> {
        let mut payload = Vec::with_capacity(2 + reason.len());
        if let Some(code) = code {
            payload.extend_from_slice(&code.to_be_bytes());
            // A close frame's payload is at most 125 bytes: the reason is cut on a character.
            let mut end = reason.len().min(123);
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            payload.extend_from_slice(&reason.as_bytes()[..end]);
        }
        self.send_frame(frame::CLOSE, false, &payload).await
    }
}

/// Runs the connection over `io` (whatever bytes follow the handshake) until it ends; `stop`
/// resolving closes it with 1001 (the node is shutting down). The session learns how it ended
/// through a last [`Event::Close`].
pub async fn run<IO, S>(
    io: IO,
    role: Role,
    deflate: Option<DeflateConfig>,
    mut session: SessionEnds,
    stop: S,
) where
    IO: AsyncRead + AsyncWrite + Unpin,
    S: Future<Output = ()>,
{
    let limits = session.limits;
    // One compressor for sending, one decompressor for receiving: the two directions are
    // independent streams.
    let mut decoder = Decoder::new(
        role == Role::Server,
        limits.max_message,
        deflate.map(Deflate::new),
    );
    let mut conn = Conn {
        io,
        mask: role == Role::Client,
        out: BytesMut::new(),
        deflate_out: deflate.map(Deflate::new),
    };
    let mut buf = BytesMut::new();
    tokio::pin!(stop);
    let idle = limits
        .idle_timeout
        .unwrap_or(Duration::from_secs(365 * 24 * 3600));
    let idle_timer = tokio::time::sleep(idle);
    tokio::pin!(idle_timer);
    // Set once this end has sent its close frame: until when it waits for the peer's.
    let mut closing: Option<Instant> = None;
    let mut stopped = false;
    let mut app_gone = false;
    let end: Event = 'conn: loop {
        let close_deadline = closing.unwrap_or_else(|| Instant::now() + idle);
        tokio::select! {
            read = read_some(&mut conn.io, &mut buf) => {
                let n: usize = read.unwrap_or_default();
                if n == 0 {
                    break 'conn abnormal();
                }
                idle_timer.as_mut().reset(Instant::now() + idle);
                loop {
                    match decoder.decode(&mut buf) {
                        Ok(None) => break,
                        Ok(Some(Incoming::Message(message))) => {
                            if closing.is_some() || app_gone {
                                continue;
                            }
                            let taken = tokio::time::timeout(
                                APP_LIMIT,
                                session.send_event(Event::Message(message)),
                            )
                            .await;
                            match taken {
                                Ok(true) => {}
                                Ok(false) => {
                                    // Nobody listens any more.
                                    app_gone = true;
                                    if conn.send_close(Some(close_code::GOING_AWAY), "").await.is_err() {
                                        break 'conn abnormal();
                                    }
                                    closing = Some(Instant::now() + CLOSE_WAIT);
                                }
                                Err(_) => {
                                    // The app takes no messages (it never accepted the socket,
                                    // or is stuck): the connection fails.
                                    let _ = conn
                                        .send_close(Some(close_code::INTERNAL), "the app is not taking messages")
                                        .await;
                                    break 'conn abnormal();
                                }
                            }
                        }
                        Ok(Some(Incoming::Ping(payload))) => {
                            if closing.is_none()
                                && conn.send_frame(frame::PONG, false, &payload).await.is_err()
                            {
                                break 'conn abnormal();
                            }
                        }
                        Ok(Some(Incoming::Pong)) => {}
                        Ok(Some(Incoming::Close(code))) => {
                            let (code, reason) = code.unwrap_or((close_code::NO_STATUS, String::new()));
                            if closing.is_none() {
                                // Echo the peer's code and reason (RFC 6455 §5.5.1).
                                let echo = (code != close_code::NO_STATUS).then_some(code);
                                let _ = conn.send_close(echo, &reason).await;
                            }
                            if role == Role::Client {
                                // The server closes the TCP connection first.
                                let _ = tokio::time::timeout(CLOSE_WAIT, drain(&mut conn.io)).await;
                            }
                            break 'conn Event::Close { code, reason, clean: true };
                        }
                        Err(Failure { code, reason }) => {
                            let _ = conn.send_close(Some(code), reason).await;
                            // The peer may still be sending (the rest of a message too big):
                            // skip what it sends until its close frame, so that it reads ours
                            // rather than a reset connection.
                            let _ = tokio::time::timeout(
                                CLOSE_WAIT,
                                skip_to_close(&mut conn.io, &mut buf, role == Role::Client),
                            )
                            .await;
                            // The app sees 1006: no close frame was received (RFC 6455 §7.1.5).
                            tracing::debug!(code, reason, "WebSocket connection failed");
                            break 'conn abnormal();
                        }
                    }
                }
                // Nothing held for an idle connection.
                if buf.is_empty() && buf.capacity() > 0 {
                    buf = BytesMut::new();
                }
            }
            command = session.next_command(), if closing.is_none() => {
                idle_timer.as_mut().reset(Instant::now() + idle);
                let sent = match command {
                    Some(Command::Send(message)) => {
                        let len = message.len();
                        let sent = conn.send_message(&message).await;
                        session.sent(len);
                        sent
                    }
                    Some(Command::Close { code, reason }) => {
                        closing = Some(Instant::now() + CLOSE_WAIT);
                        conn.send_close(code, &reason).await
                    }
                    None => {
                        // The app's socket is gone (its isolate ended, or it was collected).
                        app_gone = true;
                        closing = Some(Instant::now() + CLOSE_WAIT);
                        conn.send_close(Some(close_code::GOING_AWAY), "").await
                    }
                };
                if sent.is_err() {
                    break 'conn abnormal();
                }
            }
            _ = &mut stop, if !stopped && closing.is_none() => {
                stopped = true;
                closing = Some(Instant::now() + CLOSE_WAIT);
                if conn.send_close(Some(close_code::GOING_AWAY), "the server is shutting down").await.is_err() {
                    break 'conn abnormal();
                }
            }
            _ = &mut idle_timer, if closing.is_none() => {
                closing = Some(Instant::now() + CLOSE_WAIT);
                if conn.send_close(Some(close_code::GOING_AWAY), "idle timeout").await.is_err() {
                    break 'conn abnormal();
                }
            }
            _ = tokio::time::sleep_until(close_deadline), if closing.is_some() => {
                break 'conn abnormal();
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_WAIT, conn.io.shutdown()).await;
    if !app_gone {
        let _ = tokio::time::timeout(CLOSE_WAIT, session.send_event(end)).await;
    }
}

fn abnormal() -> Event {
    Event::Close {
        code: close_code::ABNORMAL,
        reason: String::new(),
        clean: false,
    }
}

/// Reads and drops frames (without looking into them) until a close frame or the end.
async fn skip_to_close<IO: AsyncRead + Unpin>(io: &mut IO, buf: &mut BytesMut, then_drain: bool) {
    use bytes::Buf;
    // Bytes of the current frame's payload still to skip; the failing frame's header is still
    // at the front of `buf`.
    let mut skip = 0u64;
    loop {
        loop {
            if skip > 0 {
                let n = skip.min(buf.len() as u64) as usize;
                if n == 0 {
                    break;
                }
                buf.advance(n);
                skip -= n as u64;
                continue;
            }
            let Some(h) = frame::parse_header(buf) else {
                break;
            };
            if h.opcode == frame::CLOSE {
                if then_drain {
                    drain(io).await;
                }
                return;
            }
            buf.advance(h.len);
            skip = h.payload_len;
        }
        // What is left is the start of a header: kept for the next read.
        match read_some(io, buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Reads until the peer closes.
async fn drain<IO: AsyncRead + Unpin>(io: &mut IO) {
    let mut sink = BytesMut::new();
    while let Ok(n) = read_some(io, &mut sink).await {
        if n == 0 {
            return;
        }
        sink.clear();
    }
}
