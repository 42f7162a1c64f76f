//! `Blob`: immutable bytes with a MIME type, native. A blob's bytes are shared (`Bytes`), so
//! slicing and using a blob as a body never copies.

use bytes::Bytes;
use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::prelude::Coerced;
use rquickjs::{
    Array, ArrayBuffer, Class, Ctx, Exception, Function, JsLifetime, Object, Promise, Result,
    TypedArray, Value,
};

use super::intrinsics::Intrinsics;
use super::util::buffer_source_bytes;

#[derive(Trace, JsLifetime, Clone)]
#[rquickjs::class]
pub struct Blob {
    #[qjs(skip_trace)]
    pub data: Bytes,
    #[qjs(skip_trace)]
    pub mime: String,
}

/// The File API's type normalization: ASCII lower-case, or empty if it has odd characters.
fn normalize_type(t: &str) -> String {
    if t.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        t.to_ascii_lowercase()
    } else {
        String::new()
    }
}

/// Resolves a relative slice index the way `Blob.slice` does.
fn relative(index: Option<f64>, len: usize, default: usize) -> usize {
    match index {
        None => default,
        Some(i) if i.is_nan() => 0,
        Some(i) if i < 0.0 => (len as f64 + i).max(0.0) as usize,
        Some(i) => (i as usize).min(len),
    }
}

impl Blob {
    pub fn new_bytes(data: Bytes, mime: &str) -> Self {
        Blob {
            data,
            mime: normalize_type(mime),
        }
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl Blob {
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        parts: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<Self> {
        let mut data = Vec::new();
        if let Some(parts) = parts.0.filter(|v| !v.is_undefined()) {
            if !parts.is_object() {
                return Err(Exception::throw_type(&ctx, "Blob parts must be a sequence"));
            }
            let items: Array = ctx
                .globals()
                .get::<_, Object>("Array")?
                .get::<_, Function>("from")?
                .call((parts,))?;
            for item in items.iter::<Value>() {
                let item = item?;
                if let Ok(blob) = Class::<Blob>::from_value(&item) {
                    data.extend_from_slice(&blob.borrow().data);
                } else if let Some(bytes) = buffer_source_bytes(&item) {
                    data.extend_from_slice(&bytes);
                } else {
                    let s: Coerced<String> = item.get()?;
                    data.extend_from_slice(s.0.as_bytes());
                }
            }
        }
        let mut mime = String::new();
        if let Some(opts) = options.0.as_ref().and_then(|o| o.as_object()) {
            let t: Value = opts.get("type")?;
            if !t.is_undefined() {
                mime = normalize_type(&t.get::<Coerced<String>>()?.0);
            }
        }
        Ok(Blob {
            data: Bytes::from(data),
            mime,
        })
    }

    #[qjs(get, enumerable, configurable)]
    pub fn size(&self) -> usize {
        self.data.len()
    }

    #[qjs(get, rename = "type", enumerable, configurable)]
    pub fn mime_type(&self) -> String {
        self.mime.clone()
    }

    pub fn slice(
        &self,
        start: Opt<f64>,
        end: Opt<f64>,
        content_type: Opt<Value<'_>>,
    ) -> Result<Blob> {
        let len = self.data.len();
        let from = relative(start.0, len, 0);
        let to = relative(end.0, len, len).max(from);
        let mime = match content_type.0 {
            Some(v) if !v.is_undefined() => normalize_type(&v.get::<Coerced<String>>()?.0),
            _ => String::new(),
        };
        Ok(Blob {
            data: self.data.slice(from..to),
            mime,
        })
    }

    pub fn text<'js>(&self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let text = super::body_mixin::utf8_decode(&self.data).into_owned();
        resolved(
            &ctx,
            rquickjs::String::from_str(ctx.clone(), &text)?.into_value(),
        )
    }

    pub fn array_buffer<'js>(&self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let buf = ArrayBuffer::new(ctx.clone(), self.data.to_vec())?;
        resolved(&ctx, buf.into_value())
    }

    pub fn bytes<'js>(&self, ctx: Ctx<'js>) -> Result<Promise<'js>> {
        let arr = TypedArray::<u8>::new(ctx.clone(), self.data.to_vec())?;
        resolved(&ctx, arr.into_value())
    }

    pub fn stream<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let arr = TypedArray::<u8>::new(ctx.clone(), self.data.to_vec())?;
        Intrinsics::get(&ctx)?.stream_from_bytes.call((arr,))
    }

    #[qjs(rename = rquickjs::atom::PredefinedAtom::SymbolToStringTag, get)]
    pub fn to_string_tag(&self) -> &'static str {
        "Blob"
    }
}

/// A promise already resolved with `value`.
pub fn resolved<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<Promise<'js>> {
    let (promise, resolve, _) = ctx.promise()?;
    resolve.call::<_, ()>((value,))?;
    Ok(promise)
}
