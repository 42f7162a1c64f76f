//! `fetch()`: builds a `Request` from its arguments, sends it through the isolate's pooled
//! client (whose connections the embedder opens), follows redirects as the Fetch standard
//! says, decodes `gzip`/`deflate`/`br` bodies, and resolves with a `Response` whose body
//! streams from the connection. An `AbortSignal` cancels the request, or the body later.

use std::cell::OnceCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::task::AtomicWaker;
use http::{header, HeaderMap, HeaderValue, Method};
use http_body::{Frame, SizeHint};
use rquickjs::function::{Opt, This};
use rquickjs::{Class, Ctx, Exception, Function, JsLifetime, Object, Promise, Result, Value};

use super::body_mixin::{stream_to_body, BodyInner, BodySlot};
use super::headers::{Guard, LazyHeaders};
use super::request::Request;
use super::response::Response;
use super::util::thrown_value;
use crate::body::{Body, BodyError};
use crate::net::{decode_body, HttpClient, OutboundConfig};

/// Redirects followed before fetch() gives up, as the standard says.
const MAX_REDIRECTS: usize = 20;

/// The isolate's outbound configuration and its client, made on the first fetch().
pub struct FetchState {
    config: Option<OutboundConfig>,
    client: OnceCell<HttpClient>,
}

impl FetchState {
    pub fn new(config: Option<OutboundConfig>) -> Self {
        FetchState {
            config,
            client: OnceCell::new(),
        }
    }

    /// The isolate's outbound configuration (for `connect()`), if it may reach the network.
    pub fn outbound(&self) -> Option<OutboundConfig> {
        self.config.clone()
    }
}

// SAFETY: `FetchState` holds no JS values, so it is the same type for every lifetime.
unsafe impl<'js> JsLifetime<'js> for FetchState {
    type Changed<'to> = FetchState;
}

/// The global `fetch(input, init)`. Every failure rejects the returned promise.
pub fn fetch<'js>(ctx: Ctx<'js>, input: Value<'js>, init: Opt<Value<'js>>) -> Result<Promise<'js>> {
    let (promise, resolve, reject) = ctx.promise()?;
    let budget = ctx
        .userdata::<crate::limits::MeterRef>()
        .map_or(Ok(()), |m| m.0.take_subrequest());
    if let Err(limit) = budget {
        let reason = thrown_value(
            &ctx,
            rquickjs::Exception::throw_type(
                &ctx,
                &format!("Too many subrequests: a request may make {limit} fetch() calls"),
            ),
        );
        let _: Result<()> = reject.call((reason,));
        return Ok(promise);
    }
    match start(&ctx, input, init.0) {
        Ok(Started::Rejected(reason)) => {
            let _: Result<()> = reject.call((reason,));
        }
        Ok(Started::Running(outgoing)) => {
            let ctx2 = ctx.clone();
            ctx.spawn(async move {
                match run(&ctx2, *outgoing).await {
                    Ok(response) => {
                        let _: Result<()> = resolve.call((response,));
                    }
                    Err(reason) => {
                        let _: Result<()> = reject.call((reason,));
                    }
                }
            });
        }
        Err(e) => {
            let reason = thrown_value(&ctx, e);
            let _: Result<()> = reject.call((reason,));
        }
    }
    Ok(promise)
}

enum Started<'js> {
    Running(Box<Outgoing<'js>>),
    Rejected(Value<'js>),
}

/// A request body that can be sent again (for 307/308 redirects) or only once.
enum OutgoingBody {
    Empty,
    Bytes(Bytes),
    Once(Option<Body>),
}

struct Outgoing<'js> {
    client: HttpClient,
    method: Method,
    url: url::Url,
    headers: HeaderMap,
    body: OutgoingBody,
    redirect: String,
    signal: Option<(Object<'js>, Arc<AbortFlag>)>,
}

fn start<'js>(ctx: &Ctx<'js>, input: Value<'js>, init: Option<Value<'js>>) -> Result<Started<'js>> {
    let mut request = Request::construct(ctx.clone(), input, Opt(init))?;
    let client = {
        let Some(state) = ctx.userdata::<FetchState>() else {
            return Err(Exception::throw_type(ctx, "fetch() is not available here"));
        };
        let Some(config) = state.config.clone() else {
            return Err(Exception::throw_type(
                ctx,
                "fetch() is not available: this isolate has no outbound network",
            ));
        };
        state.client.get_or_init(|| HttpClient::new(config)).clone()
    };
    let url = url::Url::parse(&request.url)
        .map_err(|_| Exception::throw_type(ctx, &format!("Invalid URL: {}", request.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Exception::throw_type(
            ctx,
            &format!("fetch() cannot load {} URLs", url.scheme()),
        ));
    }
    let signal = match request.signal.clone() {
        Some(signal) => {
            if signal.get::<_, bool>("aborted")? {
                return Ok(Started::Rejected(signal.get("reason")?));
            }
            let flag = Arc::new(AbortFlag::default());
            let on_abort = {
                let flag = flag.clone();
                Function::new(ctx.clone(), move || flag.abort())?
            };
            let add: Function = signal.get("addEventListener")?;
            add.call::<_, ()>((This(signal.clone()), "abort", on_abort))?;
            Some((signal, flag))
        }
        None => None,
    };
    let method = Method::from_bytes(request.method.as_bytes())
        .map_err(|_| Exception::throw_type(ctx, "Invalid method"))?;
    let headers = request.headers.to_map();
    if request.body.body_used(ctx)? {
        return Err(Exception::throw_type(
            ctx,
            "Request body has already been used",
        ));
    }
    request.body.used = true;
    let body = match std::mem::take(&mut request.body).inner {
        BodyInner::Null => OutgoingBody::Empty,
        BodyInner::Bytes(b) => OutgoingBody::Bytes(b),
        BodyInner::Native(body) => OutgoingBody::Once(Some(body)),
        BodyInner::Stream(stream) => OutgoingBody::Once(Some(stream_to_body(ctx, stream)?)),
    };
    Ok(Started::Running(Box::new(Outgoing {
        client,
        method,
        url,
        headers,
        body,
        redirect: request.redirect.clone(),
        signal,
    })))
}

/// Sends the request and follows redirects; the error is the value to reject with.
async fn run<'js>(
    ctx: &Ctx<'js>,
    mut out: Outgoing<'js>,
) -> std::result::Result<Class<'js, Response<'js>>, Value<'js>> {
    let mut redirected = false;
    for _ in 0..=MAX_REDIRECTS {
        let request = build_request(&mut out).map_err(|m| type_error(ctx, &m))?;
        let sent = out.client.send(request);
        let response = match &out.signal {
            Some((signal, flag)) => {
                tokio::pin!(sent);
                let aborted = std::future::poll_fn(|cx| match flag.poll_aborted(cx) {
                    Poll::Ready(()) => Poll::Ready(None),
                    Poll::Pending => sent.as_mut().poll(cx).map(Some),
                })
                .await;
                match aborted {
                    Some(result) => result,
                    None => return Err(abort_reason(ctx, signal)),
                }
            }
            None => sent.await,
        }
        .map_err(|e| type_error(ctx, &format!("fetch failed: {e}")))?;

        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if status.is_redirection() && out.redirect != "manual" {
            if let Some(location) = location.filter(|_| is_redirect(status.as_u16())) {
                if out.redirect == "error" {
                    return Err(type_error(
                        ctx,
                        &format!(
                            "fetch failed: redirect to {location} with redirect mode \"error\""
                        ),
                    ));
                }
                follow(ctx, &mut out, status.as_u16(), &location)?;
                redirected = true;
                continue;
            }
        }
        return make_response(ctx, &out, response, redirected);
    }
    Err(type_error(
        ctx,
        &format!("fetch failed: more than {MAX_REDIRECTS} redirects"),
    ))
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Moves the request to the redirect's target (HTTP-redirect fetch, step by step).
fn follow<'js>(
    ctx: &Ctx<'js>,
    out: &mut Outgoing<'js>,
    status: u16,
    location: &str,
) -> std::result::Result<(), Value<'js>> {
    let next = out.url.join(location).map_err(|_| {
        type_error(
            ctx,
            &format!("fetch failed: invalid redirect location {location}"),
        )
    })?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(type_error(
            ctx,
            &format!("fetch failed: redirect to a {} URL", next.scheme()),
        ));
    }
    let to_get = (status == 303 && out.method != Method::GET && out.method != Method::HEAD)
        || (matches!(status, 301 | 302) && out.method == Method::POST);
    if to_get {
        out.method = Method::GET;
        out.body = OutgoingBody::Empty;
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::CONTENT_LANGUAGE,
            header::CONTENT_LOCATION,
        ] {
            out.headers.remove(name);
        }
    } else if matches!(out.body, OutgoingBody::Once(_)) {
        return Err(type_error(
            ctx,
            "fetch failed: cannot follow a redirect with a streamed request body",
        ));
    }
    if next.origin() != out.url.origin() {
        out.headers.remove(header::AUTHORIZATION);
    }
    out.url = next;
    Ok(())
}

fn build_request(out: &mut Outgoing<'_>) -> std::result::Result<http::Request<Body>, String> {
    let uri: http::Uri = out
        .url
        .as_str()
        .parse()
        .map_err(|_| format!("Invalid URL: {}", out.url))?;
    let body = match &mut out.body {
        OutgoingBody::Empty => Body::empty(),
        OutgoingBody::Bytes(b) => Body::full(b.clone()),
        OutgoingBody::Once(b) => b.take().unwrap_or_default(),
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = out.method.clone();
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    *headers = out.headers.clone();
    for (name, value) in [
        (header::ACCEPT, "*/*"),
        (header::ACCEPT_ENCODING, "gzip, deflate, br"),
        (header::USER_AGENT, super::USER_AGENT),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    // hyper sets Host from the URI.
    headers.remove(header::HOST);
    Ok(request)
}

fn make_response<'js>(
    ctx: &Ctx<'js>,
    out: &Outgoing<'js>,
    response: http::Response<hyper::body::Incoming>,
    redirected: bool,
) -> std::result::Result<Class<'js, Response<'js>>, Value<'js>> {
    let (parts, incoming) = response.into_parts();
    let status = parts.status.as_u16();
    let status_text = parts
        .extensions
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
        .or_else(|| parts.status.canonical_reason().map(str::to_owned))
        .unwrap_or_default();
    let mut headers = parts.headers;
    let null_body = out.method == Method::HEAD || matches!(status, 101 | 103 | 204 | 205 | 304);
    let body = if null_body {
        BodySlot::default()
    } else {
        let mut body = Body::from_http(incoming);
        let encoding = headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(decoded) = encoding.and_then(|e| decode_body(std::mem::take(&mut body), &e)) {
            // The body is handed on decoded: the headers must not claim otherwise, or an app
            // that returns this response would send decoded bytes labelled as compressed.
            headers.remove(header::CONTENT_ENCODING);
            headers.remove(header::CONTENT_LENGTH);
            body = decoded;
        }
        if let Some((_, flag)) = &out.signal {
            body = Body::from_body(Abortable {
                inner: body,
                flag: flag.clone(),
            });
        }
        BodySlot::new(BodyInner::Native(body))
    };
    let response = Response {
        status,
        status_text,
        headers: LazyHeaders::Map(headers, Guard::Immutable),
        body,
        kind: "basic",
        url: out.url.to_string(),
        redirected,
        web_socket: None,
    };
    Class::instance(ctx.clone(), response).map_err(|e| thrown_value(ctx, e))
}

/// Set by the signal's "abort" listener; wakes whatever waits on the request or its body.
#[derive(Default)]
struct AbortFlag {
    aborted: AtomicBool,
    waker: AtomicWaker,
}

impl AbortFlag {
    fn abort(&self) {
        self.aborted.store(true, Ordering::SeqCst);
        self.waker.wake();
    }

    fn poll_aborted(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.aborted.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        self.waker.register(cx.waker());
        if self.aborted.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A response body that fails once the request's signal aborts.
struct Abortable {
    inner: Body,
    flag: Arc<AbortFlag>,
}

impl http_body::Body for Abortable {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, BodyError>>> {
        if self.flag.poll_aborted(cx).is_ready() {
            return Poll::Ready(Some(Err(BodyError::AbortedBySignal)));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn abort_reason<'js>(ctx: &Ctx<'js>, signal: &Object<'js>) -> Value<'js> {
    signal
        .get("reason")
        .unwrap_or_else(|_| type_error(ctx, "The operation was aborted"))
}

fn type_error<'js>(ctx: &Ctx<'js>, message: &str) -> Value<'js> {
    thrown_value(ctx, Exception::throw_type(ctx, message))
}
