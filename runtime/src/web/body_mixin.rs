//! The Fetch "body mixin" shared by `Request` and `Response`: what a body holds (nothing, bytes,
//! a native stream from the socket, or a JS ReadableStream), how it is built from a `BodyInit`,
//! and how `text()`, `json()`, `arrayBuffer()`, `bytes()`, `blob()` and `formData()` consume it. Native bodies are read
//! in Rust without creating a JS stream unless the app asks for `.body`.

use bytes::Bytes;
use rquickjs::class::{Trace, Tracer};
use rquickjs::function::This;
use rquickjs::prelude::Coerced;
use rquickjs::{
    ArrayBuffer, Class, Ctx, Exception, JsLifetime, Object, Promise, Result, TypedArray, Value,
};

use super::blob::Blob;
use super::body_sink::BodySink;
use super::intrinsics::Intrinsics;
use super::multipart;
use super::util::buffer_source_bytes;
use crate::body::Body;

/// The content of a body.
pub enum BodyInner<'js> {
    Null,
    Bytes(Bytes),
    Native(Body),
    Stream(Object<'js>),
}

/// A body and whether it was consumed.
pub struct BodySlot<'js> {
    pub inner: BodyInner<'js>,
    pub used: bool,
    /// A body was there and has been read: `body` stays a (drained) stream, not `null`.
    pub drained: bool,
}

impl<'js> Trace<'js> for BodySlot<'js> {
    fn trace<'a>(&self, tracer: Tracer<'a, 'js>) {
        if let BodyInner::Stream(obj) = &self.inner {
            obj.trace(tracer);
        }
    }
}

// SAFETY: `BodySlot<'js>` only holds JS values of lifetime `'js`, and `Changed` swaps exactly
// that lifetime.
unsafe impl<'js> JsLifetime<'js> for BodySlot<'js> {
    type Changed<'to> = BodySlot<'to>;
}

impl Default for BodySlot<'_> {
    fn default() -> Self {
        BodySlot {
            inner: BodyInner::Null,
            used: false,
            drained: false,
        }
    }
}

/// The content type a body implies: a constant for the common kinds, so that the header
/// value needs no parsing or allocation per request.
pub type ImpliedType = Option<std::borrow::Cow<'static, str>>;

/// `content-type` for an implied type, unless the headers already have one.
pub fn set_implied_type(
    ctx: &Ctx<'_>,
    headers: &mut http::HeaderMap,
    implied: ImpliedType,
) -> Result<()> {
    let Some(ct) = implied else { return Ok(()) };
    if headers.contains_key(http::header::CONTENT_TYPE) {
        return Ok(());
    }
    let value = match ct {
        std::borrow::Cow::Borrowed(s) => http::HeaderValue::from_static(s),
        std::borrow::Cow::Owned(s) => super::headers::header_value(ctx, &s)?,
    };
    headers.insert(http::header::CONTENT_TYPE, value);
    Ok(())
}

const TEXT_PLAIN: &str = "text/plain;charset=UTF-8";

/// What `Response`/`Request` constructors accept as a body, with the implied content type.
pub fn extract<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<(BodyInner<'js>, ImpliedType)> {
    if value.is_undefined() || value.is_null() {
        return Ok((BodyInner::Null, None));
    }
    if let Some(s) = value.as_string() {
        return Ok((
            BodyInner::Bytes(Bytes::from(super::util::usv_string(ctx, s.clone())?)),
            Some(TEXT_PLAIN.into()),
        ));
    }
    if let Some(obj) = value.as_object() {
        if let Ok(blob) = Class::<Blob>::from_value(&value) {
            let blob = blob.borrow();
            let mime = Some(blob.mime.clone())
                .filter(|m| !m.is_empty())
                .map(Into::into);
            return Ok((BodyInner::Bytes(blob.data.clone()), mime));
        }
        if let Some(bytes) = buffer_source_bytes(&value) {
            return Ok((BodyInner::Bytes(bytes), None));
        }
        let intrinsics = Intrinsics::get(ctx)?;
        if intrinsics
            .is_readable_stream
            .call::<_, bool>((value.clone(),))?
        {
            if intrinsics
                .is_stream_unusable
                .call::<_, bool>((value.clone(),))?
            {
                return Err(Exception::throw_type(
                    ctx,
                    "ReadableStream is locked or disturbed and cannot be used as a body",
                ));
            }
            return Ok((BodyInner::Stream(obj.clone()), None));
        }
        if let Ok(params) = Class::<super::url::URLSearchParams>::from_value(&value) {
            let text = params.borrow().serialize();
            return Ok((
                BodyInner::Bytes(Bytes::from(text)),
                Some("application/x-www-form-urlencoded;charset=UTF-8".into()),
            ));
        }
        // A FormData (a JS class): the last kind to try, as it costs a call into JS.
        let entries: Value = intrinsics.form_data_entries.call((value.clone(),))?;
        if let Some(list) = entries.as_array() {
            let boundary = multipart::boundary();
            let body = multipart::encode(&form_entries(ctx, list)?, &boundary);
            return Ok((
                BodyInner::Bytes(body),
                Some(format!("multipart/form-data; boundary={boundary}").into()),
            ));
        }
    }
    let text: Coerced<String> = value.get()?;
    Ok((
        BodyInner::Bytes(Bytes::from(text.0)),
        Some(TEXT_PLAIN.into()),
    ))
}

/// A FormData's entries as the encoder takes them: strings, and Files with their bytes.
fn form_entries<'js>(
    ctx: &Ctx<'js>,
    list: &rquickjs::Array<'js>,
) -> Result<Vec<(String, multipart::Value)>> {
    let mut out = Vec::with_capacity(list.len());
    for entry in list.iter::<rquickjs::Array>() {
        let entry = entry?;
        let name: String = entry.get(0)?;
        let value: Value = entry.get(1)?;
        let value = match Class::<Blob>::from_value(&value) {
            Ok(blob) => {
                let filename: Coerced<String> = value
                    .as_object()
                    .map(|o| o.get("name"))
                    .transpose()?
                    .unwrap_or(Coerced("blob".into()));
                let blob = blob.borrow();
                multipart::Value::File {
                    filename: filename.0,
                    content_type: blob.mime.clone(),
                    data: blob.data.clone(),
                }
            }
            Err(_) => multipart::Value::Text(super::util::usv_string(
                ctx,
                value.get::<rquickjs::String>()?,
            )?),
        };
        out.push((name, value));
    }
    Ok(out)
}

/// `formData()`: a multipart or urlencoded body as a new FormData.
fn parse_form_data<'js>(ctx: &Ctx<'js>, bytes: &Bytes, content_type: &str) -> Result<Value<'js>> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let items = rquickjs::Array::new(ctx.clone())?;
    match essence.as_str() {
        "multipart/form-data" => {
            let entries = multipart::boundary_of(content_type)
                .and_then(|b| multipart::parse(bytes, &b))
                .map_err(|e| {
                    Exception::throw_type(ctx, &format!("formData(): invalid multipart body: {e}"))
                })?;
            for (i, (name, value)) in entries.into_iter().enumerate() {
                let item = rquickjs::Array::new(ctx.clone())?;
                item.set(0, name)?;
                match value {
                    multipart::Value::Text(text) => item.set(1, text)?,
                    multipart::Value::File {
                        filename,
                        content_type,
                        data,
                    } => {
                        // A native Blob over the body's bytes: the File made from it in JS
                        // is the only copy.
                        let blob = Blob::new_bytes(ctx, data, &content_type)?;
                        item.set(1, Class::instance(ctx.clone(), blob)?)?;
                        item.set(2, filename)?;
                        item.set(3, content_type)?;
                    }
                }
                items.set(i, item)?;
            }
        }
        "application/x-www-form-urlencoded" => {
            for (i, (name, value)) in url::form_urlencoded::parse(bytes).enumerate() {
                let item = rquickjs::Array::new(ctx.clone())?;
                item.set(0, name.as_ref())?;
                item.set(1, value.as_ref())?;
                items.set(i, item)?;
            }
        }
        _ => {
            return Err(Exception::throw_type(
                ctx,
                &format!("formData(): cannot parse a body of type \"{content_type}\""),
            ))
        }
    }
    Intrinsics::get(ctx)?.make_form_data.call((items,))
}

impl<'js> BodySlot<'js> {
    pub fn new(inner: BodyInner<'js>) -> Self {
        BodySlot {
            inner,
            used: false,
            drained: false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.inner, BodyInner::Null)
    }

    /// `body.bodyUsed`.
    pub fn body_used(&self, ctx: &Ctx<'js>) -> Result<bool> {
        if self.used {
            return Ok(true);
        }
        if let BodyInner::Stream(s) = &self.inner {
            return Intrinsics::get(ctx)?.is_stream_unusable.call((s.clone(),));
        }
        Ok(false)
    }

    /// `body.body`: the body as a ReadableStream, created on first access.
    pub fn stream(&mut self, ctx: &Ctx<'js>) -> Result<Value<'js>> {
        let intrinsics = Intrinsics::get(ctx)?;
        let stream: Object = match std::mem::replace(&mut self.inner, BodyInner::Null) {
            BodyInner::Null if self.drained => {
                let empty = TypedArray::<u8>::new(ctx.clone(), Vec::new())?;
                intrinsics.stream_from_bytes.call((empty,))?
            }
            BodyInner::Null => return Ok(Value::new_null(ctx.clone())),
            BodyInner::Stream(s) => s,
            BodyInner::Bytes(b) => {
                let arr = TypedArray::<u8>::new(ctx.clone(), b.to_vec())?;
                intrinsics.stream_from_bytes.call((arr,))?
            }
            BodyInner::Native(body) => {
                let source = Class::instance(ctx.clone(), NativeSource { body: Some(body) })?;
                intrinsics.stream_from_native.call((source,))?
            }
        };
        self.inner = BodyInner::Stream(stream.clone());
        Ok(stream.into_value())
    }

    /// Takes the body out for reading, failing if it was used.
    fn take(&mut self, ctx: &Ctx<'js>) -> Result<BodyInner<'js>> {
        if self.body_used(ctx)? {
            return Err(Exception::throw_type(ctx, "Body has already been used"));
        }
        self.used = true;
        let inner = std::mem::replace(&mut self.inner, BodyInner::Null);
        self.drained = !matches!(inner, BodyInner::Null);
        Ok(inner)
    }

    /// Duplicates the body for `clone()`.
    pub fn tee(&mut self, ctx: &Ctx<'js>) -> Result<BodySlot<'js>> {
        if self.body_used(ctx)? {
            return Err(Exception::throw_type(ctx, "Body has already been used"));
        }
        match &self.inner {
            BodyInner::Null => Ok(BodySlot::default()),
            BodyInner::Bytes(b) => Ok(BodySlot::new(BodyInner::Bytes(b.clone()))),
            _ => {
                let stream = self.stream(ctx)?;
                let pair: rquickjs::Array = Intrinsics::get(ctx)?.tee.call((stream,))?;
                self.inner = BodyInner::Stream(pair.get(0)?);
                Ok(BodySlot::new(BodyInner::Stream(pair.get(1)?)))
            }
        }
    }

    /// Starts reading the whole body: `text()`, `json()`, `arrayBuffer()`, `bytes()`.
    pub fn consume(&mut self, ctx: &Ctx<'js>, kind: Consume) -> Result<Promise<'js>> {
        // A body that cannot be read rejects the promise (WebIDL), it does not throw.
        let taken = match self.take(ctx) {
            Ok(taken) => taken,
            Err(rquickjs::Error::Exception) => {
                let reason = ctx.catch();
                let (promise, _, reject) = ctx.promise()?;
                reject.call::<_, ()>((reason,))?;
                return Ok(promise);
            }
            Err(e) => return Err(e),
        };
        let source = match taken {
            BodyInner::Null => Source::Ready(Bytes::new()),
            BodyInner::Bytes(b) => Source::Ready(b),
            BodyInner::Native(body) => Source::Native(body),
            BodyInner::Stream(s) => {
                let intrinsics = Intrinsics::get(ctx)?;
                let native: Value = intrinsics.take_native_source.call((s.clone(),))?;
                match Class::<NativeSource>::from_value(&native)
                    .ok()
                    .and_then(|n| n.borrow_mut().body.take())
                {
                    Some(body) => Source::Native(body),
                    None => Source::Stream(intrinsics.read_all.call((s,))?),
                }
            }
        };
        let ctx2 = ctx.clone();
        Promise::wrap_future(ctx, async move {
            let bytes = match source {
                Source::Ready(b) => b,
                Source::Native(body) => body.collect().await.map_err(|e| body_error(&ctx2, e))?,
                Source::Stream(p) => {
                    let arr: Value = p.into_future().await?;
                    buffer_source_bytes(&arr).unwrap_or_default()
                }
            };
            kind.convert(&ctx2, bytes)
        })
    }
}

enum Source<'js> {
    Ready(Bytes),
    Native(Body),
    Stream(Promise<'js>),
}

/// The ways to read a whole body.
#[derive(Clone)]
pub enum Consume {
    Text,
    Json,
    ArrayBuffer,
    Bytes,
    /// A Blob with this MIME type (the body's content type).
    Blob(String),
    /// A FormData, parsed by this content type.
    FormData(String),
}

impl Consume {
    fn convert<'js>(self, ctx: &Ctx<'js>, bytes: Bytes) -> Result<Value<'js>> {
        match self {
            Consume::Text => {
                let text = utf8_decode(&bytes);
                rquickjs::String::from_str(ctx.clone(), &text).map(|s| s.into_value())
            }
            Consume::Json => ctx.json_parse(utf8_decode(&bytes).into_owned()),
            Consume::ArrayBuffer => {
                ArrayBuffer::new(ctx.clone(), bytes.to_vec()).map(|b| b.into_value())
            }
            Consume::Bytes => {
                TypedArray::<u8>::new(ctx.clone(), bytes.to_vec()).map(|b| b.into_value())
            }
            Consume::Blob(mime) => {
                let blob = Blob::new_bytes(ctx, bytes, &mime)?;
                Class::instance(ctx.clone(), blob).map(|b| b.into_value())
            }
            Consume::FormData(content_type) => parse_form_data(ctx, &bytes, &content_type),
        }
    }
}

/// UTF-8 decode with BOM removal and replacement characters, as the Encoding standard's
/// "UTF-8 decode" does.
pub fn utf8_decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
}

/// A JS ReadableStream as a native body: an untouched native stream (a request body passed on
/// as is) is taken over without JS; any other stream is pumped by the bootstrap into a
/// `BodySink` feeding a bounded channel.
pub fn stream_to_body<'js>(ctx: &Ctx<'js>, stream: Object<'js>) -> Result<Body> {
    let intrinsics = Intrinsics::get(ctx)?;
    let native: Value = intrinsics.take_native_source.call((stream.clone(),))?;
    if let Some(body) = Class::<NativeSource>::from_value(&native)
        .ok()
        .and_then(|n| n.borrow_mut().body.take())
    {
        return Ok(body);
    }
    let (sender, body) = Body::channel();
    let sink = Class::instance(ctx.clone(), BodySink::new(sender))?;
    // The pump catches every error itself.
    let _: Value = intrinsics.pump_to_sink.call((stream, sink))?;
    Ok(body)
}

/// The JS error for a failed native body: an `AbortError` DOMException when a signal aborted
/// it, a TypeError otherwise.
fn body_error(ctx: &Ctx<'_>, e: crate::body::BodyError) -> rquickjs::Error {
    match e {
        crate::body::BodyError::AbortedBySignal => {
            super::util::throw_dom(ctx, "AbortError", "The operation was aborted")
        }
        other => Exception::throw_type(ctx, &other.to_string()),
    }
}

/// A native body exposed to JS as the source of a ReadableStream.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct NativeSource {
    #[qjs(skip_trace)]
    pub body: Option<Body>,
}

#[rquickjs::methods]
impl NativeSource {
    /// Resolves to the next chunk as a Uint8Array, or `undefined` at the end.
    pub fn read<'js>(this: This<Class<'js, Self>>, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let this = this.0;
        let ctx2 = ctx.clone();
        Promise::wrap_future(&ctx, async move {
            let Some(mut body) = this.borrow_mut().body.take() else {
                return Ok(Value::new_undefined(ctx2));
            };
            let chunk = body.chunk().await;
            match chunk {
                None => Ok(Value::new_undefined(ctx2)),
                Some(Err(e)) => Err(body_error(&ctx2, e)),
                Some(Ok(bytes)) => {
                    this.borrow_mut().body = Some(body);
                    TypedArray::<u8>::new(ctx2, bytes.to_vec()).map(|a| a.into_value())
                }
            }
        })
    }

    /// Drops the native body (the stream was cancelled).
    pub fn cancel(&mut self) {
        self.body = None;
    }
}
