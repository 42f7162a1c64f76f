//! `Response`: a native class. Its body goes to the client without passing through JS when it
//! is bytes or an untouched native stream; a JS ReadableStream body is pumped chunk by chunk.

use http::HeaderMap;
use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::prelude::Coerced;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Promise, Result, Value};

use super::body_mixin::{extract, BodyInner, BodySlot, Consume};
use super::headers::{header_value, Guard, Headers, LazyHeaders};

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct Response<'js> {
    #[qjs(skip_trace)]
    pub status: u16,
    #[qjs(skip_trace)]
    pub status_text: String,
    pub headers: LazyHeaders<'js>,
    pub body: BodySlot<'js>,
    #[qjs(skip_trace)]
    pub kind: &'static str,
    #[qjs(skip_trace)]
    pub url: String,
    /// Whether fetch() followed a redirect to get it.
    #[qjs(skip_trace)]
    pub redirected: bool,
    /// The client end of a `WebSocketPair` (a 101 answer accepting a WebSocket).
    pub web_socket: Option<Object<'js>>,
}

fn is_null_body_status(status: u16) -> bool {
    matches!(status, 101 | 103 | 204 | 205 | 304)
}

fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Reads `ResponseInit` and builds a response around an extracted body.
fn build<'js>(
    ctx: &Ctx<'js>,
    body: Option<(BodyInner<'js>, super::body_mixin::ImpliedType)>,
    init: Option<Value<'js>>,
) -> Result<Response<'js>> {
    let mut status = 200u16;
    let mut status_text = String::new();
    let mut map = HeaderMap::new();
    let mut web_socket = None;
    if let Some(init) = init.filter(|v| !v.is_undefined() && !v.is_null()) {
        let Some(init) = init.as_object() else {
            return Err(Exception::throw_type(ctx, "ResponseInit must be an object"));
        };
        let ws: Value = init.get("webSocket")?;
        if !ws.is_undefined() && !ws.is_null() {
            let Some(obj) = ws.as_object() else {
                return Err(Exception::throw_type(
                    ctx,
                    "Response: webSocket must be an end of a WebSocketPair",
                ));
            };
            let hooks = ctx.userdata::<super::intrinsics::Intrinsics>();
            if let Some(hooks) = hooks {
                hooks.transfer_web_socket.call::<_, ()>((obj.clone(),))?;
            }
            web_socket = Some(obj.clone());
        }
        let s: Value = init.get("status")?;
        if !s.is_undefined() {
            let n: Coerced<f64> = s.get()?;
            let upgrade = n.0 == 101.0 && web_socket.is_some();
            if !upgrade && (!(200.0..=599.0).contains(&n.0) || n.0.fract() != 0.0) {
                return Err(Exception::throw_range(
                    ctx,
                    &format!("Response status must be between 200 and 599, got {}", n.0),
                ));
            }
            status = n.0 as u16;
        }
        let t: Value = init.get("statusText")?;
        if !t.is_undefined() {
            let t: Coerced<String> = t.get()?;
            if t.0
                .chars()
                .any(|c| c == '\r' || c == '\n' || u32::from(c) > 0xFF)
            {
                return Err(Exception::throw_type(ctx, "Invalid statusText"));
            }
            status_text = t.0;
        }
        let h: Value = init.get("headers")?;
        Headers::fill(ctx, &mut map, h)?;
    }
    let mut slot = BodySlot::default();
    if let Some((inner, content_type)) = body {
        if !matches!(inner, BodyInner::Null) {
            if is_null_body_status(status) {
                return Err(Exception::throw_type(
                    ctx,
                    &format!("Response with status {status} cannot have a body"),
                ));
            }
            super::body_mixin::set_implied_type(ctx, &mut map, content_type)?;
        }
        slot = BodySlot::new(inner);
    }
    Ok(Response {
        status,
        status_text,
        headers: LazyHeaders::Map(map, Guard::None),
        body: slot,
        kind: "default",
        url: String::new(),
        redirected: false,
        web_socket,
    })
}

#[rquickjs::methods]
impl<'js> Response<'js> {
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'js>,
        this: rquickjs::function::This<Value<'js>>,
        body: Opt<Value<'js>>,
        init: Opt<Value<'js>>,
    ) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "Response")?;
        let body = match body.0 {
            Some(v) => Some(extract(&ctx, v)?),
            None => None,
        };
        build(&ctx, body, init.0)
    }

    #[qjs(static)]
    pub fn json(ctx: Ctx<'js>, data: Value<'js>, init: Opt<Value<'js>>) -> Result<Self> {
        let Some(text) = ctx.json_stringify(data)? else {
            return Err(Exception::throw_type(
                &ctx,
                "Response.json: value is not JSON-serializable",
            ));
        };
        let bytes = bytes::Bytes::from(text.to_string()?);
        build(
            &ctx,
            Some((BodyInner::Bytes(bytes), Some("application/json".into()))),
            init.0,
        )
    }

    #[qjs(static)]
    pub fn redirect(ctx: Ctx<'js>, url: Coerced<String>, status: Opt<u16>) -> Result<Self> {
        let status = status.0.unwrap_or(302);
        if !is_redirect_status(status) {
            return Err(Exception::throw_range(
                &ctx,
                &format!("Invalid redirect status: {status}"),
            ));
        }
        let parsed = crate::whatwg_url::Url::parse(&url.0, None)
            .map_err(|_| Exception::throw_type(&ctx, &format!("Invalid URL: {}", url.0)))?;
        let mut map = HeaderMap::new();
        map.insert(http::header::LOCATION, header_value(&ctx, &parsed.href())?);
        Ok(Response {
            status,
            status_text: String::new(),
            headers: LazyHeaders::Map(map, Guard::Immutable),
            body: BodySlot::default(),
            kind: "default",
            url: String::new(),
            redirected: false,
            web_socket: None,
        })
    }

    #[qjs(static)]
    pub fn error() -> Result<Self> {
        Ok(Response {
            status: 0,
            status_text: String::new(),
            headers: LazyHeaders::Map(HeaderMap::new(), Guard::Immutable),
            body: BodySlot::default(),
            kind: "error",
            url: String::new(),
            redirected: false,
            web_socket: None,
        })
    }

    /// The `WebSocketPair` end this response accepts a WebSocket with, or `null`.
    #[qjs(get, rename = "webSocket", enumerable, configurable)]
    pub fn web_socket(&self, ctx: Ctx<'js>) -> Value<'js> {
        match &self.web_socket {
            Some(ws) => ws.clone().into_value(),
            None => Value::new_null(ctx),
        }
    }

    #[qjs(get, enumerable, configurable)]
    pub fn status(&self) -> u16 {
        self.status
    }

    #[qjs(get, rename = "statusText", enumerable, configurable)]
    pub fn status_text(&self) -> String {
        self.status_text.clone()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    #[qjs(get, enumerable, configurable)]
    pub fn headers(&mut self, ctx: Ctx<'js>) -> Result<Class<'js, Headers>> {
        self.headers.object(&ctx)
    }

    #[qjs(get, rename = "type", enumerable, configurable)]
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    #[qjs(get, enumerable, configurable)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn redirected(&self) -> bool {
        self.redirected
    }

    #[qjs(get, enumerable, configurable)]
    pub fn body(&mut self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.body.stream(&ctx)
    }

    #[qjs(get, rename = "bodyUsed", enumerable, configurable)]
    pub fn body_used(&self, ctx: Ctx<'js>) -> Result<bool> {
        self.body.body_used(&ctx)
    }

    pub fn text(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        self.body.consume(&ctx, Consume::Text)
    }

    pub fn json_body(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        self.body.consume(&ctx, Consume::Json)
    }

    #[qjs(rename = "arrayBuffer")]
    pub fn array_buffer(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        self.body.consume(&ctx, Consume::ArrayBuffer)
    }

    pub fn bytes(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        self.body.consume(&ctx, Consume::Bytes)
    }

    pub fn blob(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let mime = self.headers.get_text(http::header::CONTENT_TYPE);
        self.body
            .consume(&ctx, Consume::Blob(mime.unwrap_or_default()))
    }

    #[qjs(rename = "formData")]
    pub fn form_data(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let content_type = self.headers.get_text(http::header::CONTENT_TYPE);
        self.body
            .consume(&ctx, Consume::FormData(content_type.unwrap_or_default()))
    }

    #[qjs(rename = "clone")]
    pub fn clone_response(&mut self, ctx: Ctx<'js>) -> Result<Response<'js>> {
        let body = self.body.tee(&ctx)?;
        let headers = LazyHeaders::Map(self.headers.to_map(), Guard::None);
        Ok(Response {
            status: self.status,
            status_text: self.status_text.clone(),
            headers,
            body,
            kind: self.kind,
            url: self.url.clone(),
            redirected: self.redirected,
            web_socket: None,
        })
    }
}

/// Installs `Response.prototype.json` (the instance method shares its name with the static one).
pub fn install_json_method(ctx: &Ctx<'_>) -> Result<()> {
    let ctor: Object = ctx.globals().get("Response")?;
    let proto: Object = ctor.get("prototype")?;
    let f: Value = proto.get("json_body")?;
    proto.set("json", f)?;
    proto.remove("json_body")?;
    Ok(())
}
