//! `Request`: a native class. Incoming requests are built from the HTTP head without copying
//! headers into JS; the body stays a native stream until the app reads it.

use http::HeaderMap;
use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::prelude::Coerced;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Promise, Result, Value};

use super::body_mixin::{extract, BodyInner, BodySlot, Consume};
use super::headers::{Guard, Headers, LazyHeaders};
use super::util::UsvString;

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct Request<'js> {
    #[qjs(skip_trace)]
    pub method: String,
    #[qjs(skip_trace)]
    pub url: String,
    pub headers: LazyHeaders<'js>,
    pub body: BodySlot<'js>,
    pub signal: Option<Object<'js>>,
    #[qjs(skip_trace)]
    pub redirect: String,
    /// The client's address, for requests the host hands in.
    #[qjs(skip_trace)]
    pub client: Option<std::net::IpAddr>,
}

/// Normalizes a method name: the standard ones are upper-cased, forbidden ones rejected.
fn normalize_method(ctx: &Ctx<'_>, method: &str) -> Result<String> {
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        return Err(Exception::throw_type(
            ctx,
            &format!("Invalid method: {method}"),
        ));
    }
    let upper = method.to_ascii_uppercase();
    match upper.as_str() {
        "CONNECT" | "TRACE" | "TRACK" => Err(Exception::throw_type(
            ctx,
            &format!("Forbidden method: {method}"),
        )),
        "DELETE" | "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" => Ok(upper),
        _ => Ok(method.to_owned()),
    }
}

impl<'js> Request<'js> {
    /// A request as it arrives from the host, with immutable headers.
    pub fn incoming(
        method: &str,
        url: String,
        headers: HeaderMap,
        body: crate::body::Body,
    ) -> Self {
        let body = if body.is_empty() || method == "GET" || method == "HEAD" {
            BodySlot::default()
        } else {
            BodySlot::new(BodyInner::Native(body))
        };
        Request {
            method: method.to_owned(),
            url,
            headers: LazyHeaders::Map(headers, Guard::Immutable),
            body,
            signal: None,
            redirect: "follow".into(),
            client: None,
        }
    }

    /// `new Request(input, init)` without the `new` check, for `fetch()`.
    pub fn construct(ctx: Ctx<'js>, input: Value<'js>, init: Opt<Value<'js>>) -> Result<Self> {
        let mut method = "GET".to_owned();
        let mut headers = HeaderMap::new();
        let mut body = BodySlot::default();
        let mut signal = None;
        let mut redirect = "follow".to_owned();
        let url = if let Ok(other) = Class::<Request>::from_value(&input) {
            let mut other = other.borrow_mut();
            method = other.method.clone();
            headers = other.headers.to_map();
            signal = other.signal.clone();
            redirect = other.redirect.clone();
            let init_has_body = init
                .0
                .as_ref()
                .and_then(|i| i.as_object())
                .map(|o| o.contains_key("body"))
                .transpose()?
                .unwrap_or(false);
            if !other.body.is_null() && !init_has_body {
                if other.body.body_used(&ctx)? {
                    return Err(Exception::throw_type(
                        &ctx,
                        "Request body has already been used",
                    ));
                }
                body = std::mem::take(&mut other.body);
                other.body.used = true;
            }
            other.url.clone()
        } else {
            let text: UsvString = input.get()?;
            let parsed = crate::whatwg_url::Url::parse(&text.0, None)
                .map_err(|_| Exception::throw_type(&ctx, &format!("Invalid URL: {}", text.0)))?;
            if parsed.includes_credentials() {
                return Err(Exception::throw_type(
                    &ctx,
                    "Request URL must not include credentials",
                ));
            }
            parsed.href()
        };
        let mut content_type = None;
        if let Some(init) = init.0.filter(|v| !v.is_undefined() && !v.is_null()) {
            let Some(init) = init.as_object() else {
                return Err(Exception::throw_type(&ctx, "RequestInit must be an object"));
            };
            let m: Value = init.get("method")?;
            if !m.is_undefined() {
                let m: Coerced<String> = m.get()?;
                method = normalize_method(&ctx, &m.0)?;
            }
            let h: Value = init.get("headers")?;
            if !h.is_undefined() {
                headers = HeaderMap::new();
                Headers::fill(&ctx, &mut headers, h)?;
            }
            let r: Value = init.get("redirect")?;
            if !r.is_undefined() {
                let r: Coerced<String> = r.get()?;
                if !matches!(r.0.as_str(), "follow" | "error" | "manual") {
                    return Err(Exception::throw_type(
                        &ctx,
                        &format!("Invalid redirect mode: {}", r.0),
                    ));
                }
                redirect = r.0;
            }
            let s: Value = init.get("signal")?;
            if let Some(s) = s.as_object() {
                signal = Some(s.clone());
            }
            let b: Value = init.get("body")?;
            if !b.is_undefined() && !b.is_null() {
                let (inner, ct) = extract(&ctx, b)?;
                body = BodySlot::new(inner);
                content_type = ct;
            }
        }
        if !body.is_null() && (method == "GET" || method == "HEAD") {
            return Err(Exception::throw_type(
                &ctx,
                "Request with GET/HEAD method cannot have a body",
            ));
        }
        super::body_mixin::set_implied_type(&ctx, &mut headers, content_type)?;
        Ok(Request {
            method,
            url,
            headers: LazyHeaders::Map(headers, Guard::None),
            body,
            signal,
            redirect,
            client: None,
        })
    }
}

/// `clientAddress(request)`: the address of the client that sent a request the host handed
/// in (`undefined` for requests the app made).
pub fn client_address<'js>(request: Value<'js>) -> Option<String> {
    let request = Class::<Request>::from_value(&request).ok()?;
    let client = request.borrow().client;
    client.map(|ip| ip.to_string())
}

#[rquickjs::methods]
impl<'js> Request<'js> {
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'js>,
        this: rquickjs::function::This<Value<'js>>,
        input: Value<'js>,
        init: Opt<Value<'js>>,
    ) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "Request")?;
        Self::construct(ctx, input, init)
    }

    #[qjs(get, enumerable, configurable)]
    pub fn method(&self) -> String {
        self.method.clone()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn headers(&mut self, ctx: Ctx<'js>) -> Result<Class<'js, Headers>> {
        self.headers.object(&ctx)
    }

    #[qjs(get, enumerable, configurable)]
    pub fn redirect(&self) -> String {
        self.redirect.clone()
    }

    #[qjs(get, enumerable, configurable)]
    pub fn signal(&mut self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        if let Some(s) = &self.signal {
            return Ok(s.clone());
        }
        let controller: Object = ctx
            .globals()
            .get::<_, rquickjs::Constructor>("AbortController")?
            .construct(())?;
        let signal: Object = controller.get("signal")?;
        self.signal = Some(signal.clone());
        Ok(signal)
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

    pub fn json(&mut self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
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
    pub fn clone_request(&mut self, ctx: Ctx<'js>) -> Result<Request<'js>> {
        let body = self.body.tee(&ctx)?;
        let headers = LazyHeaders::Map(self.headers.to_map(), Guard::None);
        Ok(Request {
            method: self.method.clone(),
            url: self.url.clone(),
            headers,
            body,
            signal: self.signal.clone(),
            redirect: self.redirect.clone(),
            client: self.client,
        })
    }
}
