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

/// The absolute URL the app sees: scheme + authority (`:authority`, an absolute-form target,
/// or the Host header, or the local address) + target. The `Host` header is set to that
/// authority, so what the app reads is what the request was routed by. `None` (a 400) for a
/// request that is ambiguous about where it goes: several Host headers, an authority that
/// would smuggle a path or userinfo into the URL, a target that is not a path (`*`), or a path
/// with dot segments or backslashes (which URL parsing would resolve to another path than the
/// one routed).
pub fn request_url(
    parts: &mut http::request::Parts,
    scheme: &str,
    local: Option<SocketAddr>,
) -> Option<String> {
    let mut hosts = parts.headers.get_all(header::HOST).iter();
    let host_header = hosts.next();
    if hosts.next().is_some() {
        return None;
    }
    let authority = match parts.uri.authority() {
        // HTTP/2 and HTTP/3 carry `:authority`; absolute-form HTTP/1.1 targets too.
        Some(a) => a.as_str().to_owned(),
        None => match host_header {
            Some(h) => h.to_str().ok()?.to_owned(),
            None => local?.to_string(),
        },
    };
    if authority.is_empty() || authority.contains(['/', '@', '?', '#', ' ', '\\']) {
        return None;
    }
    let path = parts.uri.path();
    if !path.starts_with('/') || path.contains('\\') || has_dot_segment(path) {
        return None;
    }
    if host_header.is_none_or(|h| h.as_bytes() != authority.as_bytes()) {
        parts
            .headers
            .insert(header::HOST, http::HeaderValue::from_str(&authority).ok()?);
    }
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut url = String::with_capacity(scheme.len() + 3 + authority.len() + target.len());
    url.push_str(scheme);
    url.push_str("://");
    url.push_str(&authority);
    url.push_str(target);
    Some(url)
}

/// Whether a path has a `.` or `..` segment, plain or percent-encoded (`%2e`).
fn has_dot_segment(path: &str) -> bool {
    if !path.bytes().any(|b| b == b'.' || b == b'%') {
        return false;
    }
    path.split('/').any(|seg| {
        let mut dots = 0;
        let mut rest = seg.as_bytes();
        while !rest.is_empty() {
            if rest[0] == b'.' {
                rest = &rest[1..];
            } else if rest.len() >= 3
                && rest[0] == b'%'
                && rest[1] == b'2'
                && rest[2] | 0x20 == b'e'
            {
                rest = &rest[3..];
            } else {
                return false;
            }
            dots += 1;
        }
        dots == 1 || dots == 2
    })
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

/// A request body that fails when no data arrives for `gap` while the app waits for it (a
/// client trickling a body to hold a connection and an isolate's request open). The clock
/// starts when the app first asks for data, not when the request arrived.
pub struct TimedBody<B> {
    inner: B,
    gap: Duration,
    timer: Option<Pin<Box<Sleep>>>,
    /// Whether the timer runs (it stops when data arrives and restarts on the next wait).
    armed: bool,
}

impl<B> TimedBody<B> {
    pub fn new(inner: B, gap: Duration) -> Self {
        TimedBody {
            inner,
            gap,
            timer: None,
            armed: false,
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
                self.armed = false;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.to_string()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let this = &mut *self;
                let deadline = Instant::now() + this.gap;
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if !this.armed {
                    timer.as_mut().reset(deadline);
                    this.armed = true;
                }
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(BodyStalled(this.gap).to_string()))),
                    Poll::Pending => Poll::Pending,
                }
            }
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
        let (mut parts, _) = req.into_parts();
        assert_eq!(request_url(&mut parts, "http", None), None);
        let req = http::Request::builder()
            .uri("/a?b")
            .header("host", "ok.com:8080")
            .body(())
            .unwrap();
        let (mut parts, _) = req.into_parts();
        assert_eq!(
            request_url(&mut parts, "https", None).as_deref(),
            Some("https://ok.com:8080/a?b")
        );
        // Several Host headers, dot segments, backslashes, `*`: refused.
        for (target, hosts) in [
            ("/a", &["a.com", "b.com"][..]),
            ("/api/../admin", &["a.com"][..]),
            ("/api/%2E%2e/admin", &["a.com"][..]),
            ("/./x", &["a.com"][..]),
            ("*", &["a.com"][..]),
        ] {
            let mut req = http::Request::builder().uri(target);
            for h in hosts {
                req = req.header("host", *h);
            }
            let (mut parts, _) = req.body(()).unwrap().into_parts();
            assert_eq!(request_url(&mut parts, "http", None), None, "{target}");
        }
        // The Host header follows the authority the request is routed by.
        let req = http::Request::builder()
            .uri("http://a.com/x")
            .header("host", "evil.com")
            .body(())
            .unwrap();
        let (mut parts, _) = req.into_parts();
        assert_eq!(
            request_url(&mut parts, "http", None).as_deref(),
            Some("http://a.com/x")
        );
        assert_eq!(parts.headers["host"], "a.com");
    }
}
