//! `Body`: the byte stream of a request or response as it crosses between the HTTP front and an
//! isolate. It is either empty, one buffer, a bounded channel fed by the isolate (backpressure
//! reaches the producer when the channel is full), or any boxed `http_body::Body` (the socket).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::mpsc;

/// Why a body stream stopped before its end.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BodyError {
    /// The producer (usually the app's ReadableStream) errored or was cancelled.
    #[error("body stream aborted: {0}")]
    Aborted(String),
    /// The reader's AbortSignal fired (a fetch() whose signal aborted while its body streamed).
    #[error("the operation was aborted")]
    AbortedBySignal,
    /// The peer or the transport failed while the body was read.
    #[error("body transport error: {0}")]
    Transport(String),
}

type BoxedBody = Pin<Box<dyn http_body::Body<Data = Bytes, Error = BodyError> + Send + 'static>>;

/// A streamed HTTP body.
pub struct Body {
    inner: Inner,
}

enum Inner {
    Empty,
    Full(Option<Bytes>),
    Channel(mpsc::Receiver<Result<Bytes, BodyError>>),
    Boxed(BoxedBody),
}

/// The producing end of a channel body.
pub type BodySender = mpsc::Sender<Result<Bytes, BodyError>>;

/// How many chunks may wait between producer and consumer of a channel body.
pub const CHANNEL_DEPTH: usize = 4;

impl Body {
    pub fn empty() -> Self {
        Body {
            inner: Inner::Empty,
        }
    }

    pub fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Body::empty();
        }
        Body {
            inner: Inner::Full(Some(bytes)),
        }
    }

    /// A body fed through a bounded channel; returns the sender and the body.
    pub fn channel() -> (BodySender, Self) {
        let (tx, rx) = mpsc::channel(CHANNEL_DEPTH);
        (
            tx,
            Body {
                inner: Inner::Channel(rx),
            },
        )
    }

    /// Wraps any `http_body::Body`, such as the body of an incoming hyper request.
    pub fn from_http<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: std::fmt::Display,
    {
        Body {
            inner: Inner::Boxed(Box::pin(MapErr(body))),
        }
    }

    /// Wraps a body that already speaks `BodyError`, keeping its errors as they are.
    pub fn from_body<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes, Error = BodyError> + Send + 'static,
    {
        Body {
            inner: Inner::Boxed(Box::pin(body)),
        }
    }

    /// True when the body is known to hold no bytes.
    pub fn is_empty(&self) -> bool {
        matches!(self.inner, Inner::Empty | Inner::Full(None))
    }

    /// The next chunk of data; `None` at the end. Trailers are skipped.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, BodyError>> {
        loop {
            let frame =
                std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut *self), cx))
                    .await?;
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        return Some(Ok(data));
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Reads the whole body into one buffer.
    pub async fn collect(mut self) -> Result<Bytes, BodyError> {
        if let Inner::Full(bytes) = &mut self.inner {
            return Ok(bytes.take().unwrap_or_default());
        }
        let mut buf = Vec::new();
        while let Some(chunk) = self.chunk().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(buf))
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            Inner::Empty => "empty",
            Inner::Full(_) => "full",
            Inner::Channel(_) => "channel",
            Inner::Boxed(_) => "stream",
        };
        f.debug_struct("Body").field("kind", &kind).finish()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        match &mut self.inner {
            Inner::Empty => Poll::Ready(None),
            Inner::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Inner::Channel(rx) => rx
                .poll_recv(cx)
                .map(|item| item.map(|res| res.map(Frame::data))),
            Inner::Boxed(body) => body.as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Empty | Inner::Full(None) => true,
            Inner::Full(Some(_)) | Inner::Channel(_) => false,
            Inner::Boxed(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Empty | Inner::Full(None) => SizeHint::with_exact(0),
            Inner::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Inner::Channel(_) => SizeHint::default(),
            Inner::Boxed(body) => body.size_hint(),
        }
    }
}

/// Adapts a foreign body's error type to `BodyError::Transport`.
struct MapErr<B>(B);

impl<B> http_body::Body for MapErr<B>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        // SAFETY: `MapErr` is a transparent wrapper; `self.0` is never moved out of the pin.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.0) };
        inner
            .poll_frame(cx)
            .map(|o| o.map(|r| r.map_err(|e| BodyError::Transport(e.to_string()))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}
