//! From a parsed request head to the `AppRequest` the host takes: the absolute URL the app
//! sees, and a request body that fails when the client stops sending.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// The absolute URL the app sees: scheme + Host header (or `:authority`, or the local address)
/// + target. `None` when the authority would smuggle a path or userinfo into the URL.
pub fn request_url(
    parts: &http::request::Parts,
    scheme: &str,
    local: Option<SocketAddr>,
) -> Option<String> {
    let authority = match parts.uri.authority() {
        // HTTP/2 and HTTP/3 carry `:authority`; absolute-form HTTP/1.1 targets too.
        Some(a) => a.as_str().to_owned(),
        None => match parts.headers.get(header::HOST) {
            Some(h) => h.to_str().ok()?.to_owned(),
            None => local?.to_string(),
        },
    };
    if authority.is_empty() || authority.contains(['/', '@', '?', '#', ' ', '\\']) {
        return None;
    }
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    Some(format!("{scheme}://{authority}{path}"))
}

/// The host name of a URL made by [`request_url`], lowercased, without port or brackets'
/// content's port, and its path without the query.
pub fn host_and_path(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        authority
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(authority)
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    (host.trim_end_matches('.'), path)
}

/// A request body that fails when no data arrives for `gap` (a client trickling a body to
/// hold a connection and an isolate's request open).
pub struct TimedBody<B> {
    inner: B,
    gap: Duration,
    timer: Pin<Box<Sleep>>,
}

impl<B> TimedBody<B> {
    pub fn new(inner: B, gap: Duration) -> Self {
        TimedBody {
            inner,
            gap,
            timer: Box::pin(tokio::time::sleep(gap)),
        }
    }
}

/// The error a stalled body fails with.
#[derive(Debug, thiserror::Error)]
#[error("the client sent no request body data for {0:?}")]
pub struct BodyStalled(Duration);

impl<B> HttpBody for TimedBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    type Data = Bytes;
    type Error = String;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, String>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let next = Instant::now() + self.gap;
                self.timer.as_mut().reset(next);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.to_string()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(BodyStalled(self.gap).to_string()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_host_and_path() {
        assert_eq!(
            host_and_path("https://A.example.com:8443/x/y?q=1"),
            ("A.example.com", "/x/y")
        );
        assert_eq!(host_and_path("http://[::1]:80/p#f"), ("::1", "/p"));
        assert_eq!(host_and_path("http://example.com."), ("example.com", "/"));
    }

    #[test]
    fn refuses_authorities_that_smuggle_paths() {
        let req = http::Request::builder()
            .uri("/a")
            .header("host", "evil.com/x")
            .body(())
            .unwrap();
        let (parts, _) = req.into_parts();
        assert_eq!(request_url(&parts, "http", None), None);
        let req = http::Request::builder()
            .uri("/a?b")
            .header("host", "ok.com:8080")
            .body(())
            .unwrap();
        let (parts, _) = req.into_parts();
        assert_eq!(
            request_url(&parts, "https", None).as_deref(),
            Some("https://ok.com:8080/a?b")
        );
    }
}
