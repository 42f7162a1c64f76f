//! Service bindings: `env.NAME.fetch(request)` hands a request to another app, which the
//! embedder reaches (`ServiceTarget`: on a node, in process, through the callee's own
//! isolate and limits). Bodies stream both ways; nothing is buffered.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Promise, Result, Value};

use crate::body::Body;
use crate::isolate::{AppRequest, AppResponse};
use crate::web::body_mixin::{stream_to_body, BodyInner, BodySlot};
use crate::web::headers::{Guard, LazyHeaders};
use crate::web::request::Request;
use crate::web::response::Response;

pub type ServiceFuture = Pin<Box<dyn Future<Output = std::result::Result<AppResponse, String>>>>;

/// Another app an app may call.
pub trait ServiceTarget: Send + Sync {
    /// Runs the request through the callee; the error says why it got no answer.
    fn fetch(&self, request: AppRequest) -> ServiceFuture;
}

/// The native side of one `env.NAME` service binding.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct ServiceHandle {
    #[qjs(skip_trace)]
    target: Arc<dyn ServiceTarget>,
}

impl ServiceHandle {
    pub fn new(target: Arc<dyn ServiceTarget>) -> Self {
        ServiceHandle { target }
    }
}

/// The error to reject with: the callee's own error class when `why` is `Name: message` of
/// a standard one, else a TypeError.
fn rejection<'js>(ctx: &Ctx<'js>, why: &str) -> rquickjs::Error {
    const NAMES: [&str; 7] = [
        "Error",
        "TypeError",
        "RangeError",
        "SyntaxError",
        "ReferenceError",
        "EvalError",
        "URIError",
    ];
    if let Some((name, message)) = why.split_once(": ") {
        if NAMES.contains(&name) {
            let make = || -> Result<Value<'js>> {
                let ctor: rquickjs::function::Constructor = ctx.globals().get(name)?;
                ctor.construct((message,))
            };
            if let Ok(err) = make() {
                return ctx.throw(err);
            }
        }
    }
    Exception::throw_type(ctx, why)
}

/// How many redirects a call follows.
const MAX_REDIRECTS: usize = 20;

struct Call {
    method: http::Method,
    url: String,
    headers: http::HeaderMap,
    /// Kept when it can be sent again (after a 307 or 308).
    replay: Option<bytes::Bytes>,
}

impl Call {
    fn request(&self, body: Body) -> AppRequest {
        AppRequest {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body,
            client: None,
        }
    }
}

fn location(answer: &AppResponse, base: &str) -> Option<String> {
    let to = answer.headers.get(http::header::LOCATION)?.to_str().ok()?;
    url::Url::parse(base)
        .ok()?
        .join(to)
        .ok()
        .map(|u| u.to_string())
}

#[rquickjs::methods]
impl ServiceHandle {
    /// `fetch(input, init)`, as the global `fetch()` takes them (redirects followed unless
    /// `redirect` says otherwise); resolves with the callee's Response, its body streaming.
    pub fn fetch<'js>(
        &self,
        ctx: Ctx<'js>,
        input: Value<'js>,
        init: Opt<Value<'js>>,
    ) -> Result<Promise<'js>> {
        let mut request = Request::construct(ctx.clone(), input, init)?;
        let method = http::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| Exception::throw_type(&ctx, "Invalid method"))?;
        if request.body.body_used(&ctx)? {
            return Err(Exception::throw_type(
                &ctx,
                "Request body has already been used",
            ));
        }
        request.body.used = true;
        let mut headers = request.headers.to_map();
        // As a request over the wire would carry them: a known length, else chunked.
        let (body, replay) = match std::mem::take(&mut request.body).inner {
            BodyInner::Null => (Body::empty(), Some(bytes::Bytes::new())),
            BodyInner::Bytes(b) => {
                headers
                    .entry(http::header::CONTENT_LENGTH)
                    .or_insert_with(|| http::HeaderValue::from(b.len()));
                (Body::full(b.clone()), Some(b))
            }
            BodyInner::Native(body) => (body, None),
            BodyInner::Stream(stream) => {
                if !headers.contains_key(http::header::CONTENT_LENGTH) {
                    headers.insert(
                        http::header::TRANSFER_ENCODING,
                        http::HeaderValue::from_static("chunked"),
                    );
                }
                (stream_to_body(&ctx, stream)?, None)
            }
        };
        let follow = request.redirect == "follow";
        let manual_error = request.redirect == "error";
        let mut call = Call {
            method,
            url: request.url.clone(),
            headers,
            replay,
        };
        let target = self.target.clone();
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let mut answer = target
                .fetch(call.request(body))
                .await
                .map_err(|why| rejection(&ctx2, &why))?;
            let mut redirected = false;
            for _ in 0..MAX_REDIRECTS {
                if !matches!(answer.status, 301 | 302 | 303 | 307 | 308) {
                    break;
                }
                if manual_error {
                    return Err(Exception::throw_type(
                        &ctx2,
                        "fetch failed: redirect mode is \"error\"",
                    ));
                }
                let Some(next) = location(&answer, &call.url).filter(|_| follow) else {
                    break;
                };
                let keeps_method = matches!(answer.status, 307 | 308)
                    || !(answer.status == 303 && call.method != http::Method::HEAD
                        || matches!(answer.status, 301 | 302) && call.method == http::Method::POST);
                let body = if keeps_method {
                    match &call.replay {
                        Some(b) => Body::full(b.clone()),
                        None => return Err(Exception::throw_type(
                            &ctx2,
                            "fetch failed: cannot follow a redirect with a streamed request body",
                        )),
                    }
                } else {
                    call.method = http::Method::GET;
                    call.replay = Some(bytes::Bytes::new());
                    for h in [
                        http::header::CONTENT_TYPE,
                        http::header::CONTENT_LENGTH,
                        http::header::TRANSFER_ENCODING,
                    ] {
                        call.headers.remove(h);
                    }
                    Body::empty()
                };
                call.url = next;
                redirected = true;
                answer = target
                    .fetch(call.request(body))
                    .await
                    .map_err(|why| rejection(&ctx2, &why))?;
            }
            let null_body =
                call.method == http::Method::HEAD || matches!(answer.status, 101 | 204 | 205 | 304);
            let status_text = http::StatusCode::from_u16(answer.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
                .to_owned();
            let response = Response {
                status: answer.status,
                status_text,
                headers: LazyHeaders::Map(answer.headers, Guard::Immutable),
                body: if null_body {
                    BodySlot::default()
                } else {
                    BodySlot::new(BodyInner::Native(answer.body))
                },
                kind: "basic",
                url: call.url,
                redirected,
                web_socket: None,
            };
            Class::instance(ctx2.clone(), response)
        })
    }
}
