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

#[rquickjs::methods]
impl ServiceHandle {
    /// `fetch(input, init)`, as the global `fetch()` takes them; resolves with the callee's
    /// Response, its body streaming.
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
        let body = match std::mem::take(&mut request.body).inner {
            BodyInner::Null => Body::empty(),
            BodyInner::Bytes(b) => Body::full(b),
            BodyInner::Native(body) => body,
            BodyInner::Stream(stream) => stream_to_body(&ctx, stream)?,
        };
        let app_request = AppRequest {
            method: method.clone(),
            url: request.url.clone(),
            headers: request.headers.to_map(),
            body,
            client: None,
        };
        let future = self.target.fetch(app_request);
        let ctx2 = ctx.clone();
        let url = request.url.clone();
        Promise::wrap_future(&ctx, async move {
            let answer = future
                .await
                .map_err(|why| Exception::throw_type(&ctx2, &why))?;
            let null_body =
                method == http::Method::HEAD || matches!(answer.status, 101 | 204 | 205 | 304);
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
                url,
                redirected: false,
            };
            Class::instance(ctx2.clone(), response)
        })
    }
}
