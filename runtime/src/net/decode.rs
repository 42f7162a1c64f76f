//! Content decoding of fetched bodies (`gzip`, `deflate`, `br`), streamed chunk by chunk.

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body::Frame;
use http_body_util::StreamBody;
use tokio::io::AsyncRead;
use tokio_util::io::{ReaderStream, StreamReader};

use crate::body::{Body, BodyError};

/// The body decoded from `encoding`, or `None` when the encoding is not one we decode.
pub(crate) fn decode_body(body: Body, encoding: &str) -> Option<Body> {
    let encoding = encoding.trim().to_ascii_lowercase();
    let chunks = futures_util::stream::unfold(body, |mut body| async move {
        let chunk = body.chunk().await?;
        Some((chunk.map_err(std::io::Error::other), body))
    });
    let reader = StreamReader::new(Box::pin(chunks));
    let decoder: Box<dyn AsyncRead + Send + Unpin> = match encoding.as_str() {
        "gzip" | "x-gzip" => {
            let mut d = GzipDecoder::new(reader);
            d.multiple_members(true);
            Box::new(d)
        }
        "deflate" => Box::new(ZlibDecoder::new(reader)),
        "br" => Box::new(BrotliDecoder::new(reader)),
        _ => return None,
    };
    let frames = ReaderStream::new(decoder).map(|r: std::io::Result<Bytes>| {
        r.map(Frame::data)
            .map_err(|e| BodyError::Transport(format!("decoding the response body failed: {e}")))
    });
    Some(Body::from_body(StreamBody::new(frames)))
}
