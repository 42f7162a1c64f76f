//! `Blob`: immutable bytes with a MIME type, native. A blob's bytes are shared (`Bytes`), so
//! slicing and using a blob as a body never copies.

use std::sync::Arc;

use bytes::Bytes;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::prelude::Coerced;
use rquickjs::{
    ArrayBuffer, Class, Ctx, Exception, Function, JsLifetime, Object, Promise, Result, TypedArray,
    Value,
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
    /// The bytes a constructed Blob holds outside the engine's heap, charged to the isolate's
    /// memory limit (slices share them and the charge).
    #[qjs(skip_trace)]
    charge: Option<Arc<crate::limits::NativeCharge>>,
}

/// The File API's type normalization: ASCII lower-case, or empty if it has odd characters.
fn normalize_type(t: &str) -> String {
    if t.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        t.to_ascii_lowercase()
    } else {
        String::new()
    }
}

/// Line breaks as this platform writes them (`endings: "native"`): LF.
fn native_line_endings(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// WebIDL `[Clamp] long long`: NaN is 0; otherwise clamped, rounding halves to even.
fn clamp_long_long(value: Option<Value<'_>>) -> Result<Option<f64>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_undefined() => Ok(None),
        Some(v) => {
            let n = v.get::<Coerced<f64>>()?.0;
            if n.is_nan() {
                return Ok(Some(0.0));
            }
            Ok(Some(
                n.clamp(-9007199254740991.0, 9007199254740991.0)
                    .round_ties_even(),
            ))
        }
    }
}

/// Resolves a relative slice index the way `Blob.slice` does.
fn relative(index: Option<f64>, len: usize, default: usize) -> usize {
    match index {
        None => default,
        Some(i) if i < 0.0 => (len as f64 + i).max(0.0) as usize,
        Some(i) => (i as usize).min(len),
    }
}

impl Blob {
    /// A Blob over bytes the runtime already holds (a body read with `.blob()`, a multipart
    /// part), charged to the isolate's memory limit like a constructed one.
    pub fn new_bytes(ctx: &Ctx<'_>, data: Bytes, mime: &str) -> Result<Self> {
        Ok(Blob {
            charge: charge(ctx, data.len())?,
            data,
            mime: normalize_type(mime),
        })
    }
}

/// Charges `len` bytes kept outside the engine's heap to the isolate's memory limit; past it,
/// an out-of-memory error (and the isolate is terminated).
fn charge(ctx: &Ctx<'_>, len: usize) -> Result<Option<Arc<crate::limits::NativeCharge>>> {
    let Some(meter) = ctx.userdata::<crate::limits::MeterRef>() else {
        return Ok(None);
    };
    match meter.0.charge_native(len) {
        Some(charge) => Ok(Some(Arc::new(charge))),
        None => Err(Exception::throw_internal(
            ctx,
            "out of memory: the Blob passes the app's memory limit",
        )),
    }
}

/// One converted `BlobPart`: bytes (of a Blob or BufferSource) or a string, whose line
/// endings the options may still change.
enum Part {
    Bytes(Bytes),
    Text(String),
}

/// Converts the `blobParts` sequence: iterated with the object's own iterator, each item
/// converted as it comes.
fn read_parts<'js>(ctx: &Ctx<'js>, parts: Option<Value<'js>>) -> Result<Vec<Part>> {
    let mut out = Vec::new();
    let Some(parts) = parts.filter(|v| !v.is_undefined()) else {
        return Ok(out);
    };
    let Some(obj) = parts.as_object() else {
        return Err(Exception::throw_type(ctx, "Blob parts must be a sequence"));
    };
    let iterator_fn: Value = obj.get(rquickjs::atom::PredefinedAtom::SymbolIterator)?;
    let Some(iterator_fn) = iterator_fn.as_function() else {
        return Err(Exception::throw_type(ctx, "Blob parts must be iterable"));
    };
    let iterator: Object = iterator_fn.call((rquickjs::function::This(parts.clone()),))?;
    let next: Function = iterator.get("next")?;
    loop {
        let step: Object = next.call((rquickjs::function::This(iterator.clone()),))?;
        if step.get::<_, Coerced<bool>>("done")?.0 {
            break;
        }
        let item: Value = step.get("value")?;
        if let Ok(blob) = Class::<Blob>::from_value(&item) {
            out.push(Part::Bytes(blob.borrow().data.clone()));
        } else if let Some(bytes) = buffer_source_bytes(&item) {
            out.push(Part::Bytes(bytes));
        } else {
            let s = match item.as_string() {
                Some(s) => s.clone(),
                None => item.get::<Coerced<rquickjs::String>>()?.0,
            };
            out.push(Part::Text(super::util::usv_string(ctx, s)?));
        }
    }
    Ok(out)
}

#[rquickjs::methods(rename_all = "camelCase")]
impl Blob {
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        this: rquickjs::function::This<Value<'js>>,
        parts: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<Self> {
        super::util::require_new(&ctx, &this.0, "Blob")?;
        // WebIDL converts arguments left to right: the parts (each converted as it comes,
        // so a throwing item stops there), then the options.
        let parts = read_parts(&ctx, parts.0)?;
        // The options dictionary: only an object, null or undefined, with members read in
        // lexicographic order.
        let options = options.0.filter(|v| !v.is_undefined() && !v.is_null());
        let mut mime = String::new();
        let mut native_endings = false;
        if let Some(opts) = options {
            let Some(opts) = opts.as_object() else {
                return Err(Exception::throw_type(
                    &ctx,
                    "Blob options must be an object",
                ));
            };
            let endings: Value = opts.get("endings")?;
            if !endings.is_undefined() {
                match endings.get::<Coerced<String>>()?.0.as_str() {
                    "transparent" => {}
                    "native" => native_endings = true,
                    other => {
                        return Err(Exception::throw_type(
                            &ctx,
                            &format!(
                            "Blob endings must be \"transparent\" or \"native\", not \"{other}\""
                        ),
                        ))
                    }
                }
            }
            let t: Value = opts.get("type")?;
            if !t.is_undefined() {
                mime = normalize_type(&t.get::<Coerced<String>>()?.0);
            }
        }
        let mut data = Vec::new();
        for part in parts {
            match part {
                Part::Bytes(bytes) => data.extend_from_slice(&bytes),
                Part::Text(text) if native_endings => {
                    data.extend_from_slice(native_line_endings(&text).as_bytes())
                }
                Part::Text(text) => data.extend_from_slice(text.as_bytes()),
            }
        }
        // The bytes now live outside the engine's heap: they count against the memory limit.
        let charge = charge(&ctx, data.len())?;
        Ok(Blob {
            data: Bytes::from(data),
            mime,
            charge,
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

    pub fn slice<'js>(
        &self,
        start: Opt<Value<'js>>,
        end: Opt<Value<'js>>,
        content_type: Opt<Value<'js>>,
    ) -> Result<Blob> {
        let len = self.data.len();
        let from = relative(clamp_long_long(start.0)?, len, 0);
        let to = relative(clamp_long_long(end.0)?, len, len).max(from);
        let mime = match content_type.0 {
            Some(v) if !v.is_undefined() => normalize_type(&v.get::<Coerced<String>>()?.0),
            _ => String::new(),
        };
        Ok(Blob {
            data: self.data.slice(from..to),
            mime,
            charge: self.charge.clone(),
        })
    }

    pub fn text<'js>(ctx: Ctx<'js>, this: This<Value<'js>>) -> Result<Promise<'js>> {
        read_as(&ctx, &this.0, |ctx, data| {
            let text = super::body_mixin::utf8_decode(data);
            Ok(rquickjs::String::from_str(ctx.clone(), &text)?.into_value())
        })
    }

    pub fn array_buffer<'js>(ctx: Ctx<'js>, this: This<Value<'js>>) -> Result<Promise<'js>> {
        read_as(&ctx, &this.0, |ctx, data| {
            Ok(ArrayBuffer::new(ctx.clone(), data.to_vec())?.into_value())
        })
    }

    pub fn bytes<'js>(ctx: Ctx<'js>, this: This<Value<'js>>) -> Result<Promise<'js>> {
        read_as(&ctx, &this.0, |ctx, data| {
            Ok(TypedArray::<u8>::new(ctx.clone(), data.to_vec())?.into_value())
        })
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

/// A promise for `read(blob's bytes)`; a `this` that is not a Blob rejects it with a
/// TypeError (promise-returning operations never throw, WebIDL says).
fn read_as<'js>(
    ctx: &Ctx<'js>,
    this: &Value<'js>,
    read: impl FnOnce(&Ctx<'js>, &[u8]) -> Result<Value<'js>>,
) -> Result<Promise<'js>> {
    let outcome = match Class::<Blob>::from_value(this) {
        Ok(blob) => read(ctx, &blob.borrow().data),
        Err(_) => Err(Exception::throw_type(ctx, "'this' is not a Blob")),
    };
    match outcome {
        Ok(value) => resolved(ctx, value),
        Err(err) => {
            let (promise, _, reject) = ctx.promise()?;
            reject.call::<_, ()>((super::util::thrown_value(ctx, err),))?;
            Ok(promise)
        }
    }
}

/// A copy of a Blob's bytes, for the bootstrap's synchronous readers (FileReaderSync).
pub fn bytes_of<'js>(ctx: Ctx<'js>, blob: Class<'js, Blob>) -> Result<TypedArray<'js, u8>> {
    TypedArray::<u8>::new(ctx, blob.borrow().data.to_vec())
}

/// A promise already resolved with `value`.
pub fn resolved<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<Promise<'js>> {
    let (promise, resolve, _) = ctx.promise()?;
    resolve.call::<_, ()>((value,))?;
    Ok(promise)
}
