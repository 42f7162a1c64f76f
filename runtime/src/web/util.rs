//! Small conversions shared by the native Web API classes: buffer sources to bytes, iterators,
//! DOMExceptions, and caught exceptions to Rust errors.

use bytes::Bytes;
use rquickjs::atom::PredefinedAtom;
use rquickjs::{Array, ArrayBuffer, Ctx, Error, Function, Object, Result, TypedArray, Value};

use crate::error::JsError;

/// Returns `array[Symbol.iterator]()`.
pub fn array_iterator<'js>(_ctx: &Ctx<'js>, array: Array<'js>) -> Result<Value<'js>> {
    let f: Function = array.as_object().get(PredefinedAtom::SymbolIterator)?;
    f.call((rquickjs::function::This(array),))
}

/// Copies the bytes of an ArrayBuffer or ArrayBufferView (none for a detached one, as WebIDL
/// says); `None` for anything else. Every value is told apart by its class first, so nothing
/// here throws (the engine's buffer accessors do, on a mismatch or a detached buffer) and no
/// property of an unrelated object is read.
pub fn buffer_source_bytes(value: &Value<'_>) -> Option<Bytes> {
    let obj = value.as_object()?;
    let raw = obj.as_raw();
    // SAFETY: the value is alive for the calls; the engine only reads its class id.
    let (source, view) = unsafe {
        (
            rquickjs::qjs::JS_IsBufferSource(raw),
            rquickjs::qjs::JS_GetTypedArrayType(raw) >= 0 || rquickjs::qjs::JS_IsDataView(raw),
        )
    };
    if !source {
        return None;
    }
    if let Ok(u8s) = TypedArray::<u8>::from_object(obj.clone()) {
        let Some(raw) = u8s.as_raw() else {
            clear_exception(obj.ctx());
            return Some(Bytes::new());
        };
        // SAFETY: the slice is copied at once, before any JavaScript can run.
        return Some(Bytes::copy_from_slice(unsafe { raw.as_ref() }));
    }
    if !view {
        // An ArrayBuffer or a SharedArrayBuffer.
        return Some(array_buffer_window(obj, 0, usize::MAX).unwrap_or_default());
    }
    // Another view: its window of its buffer.
    let buffer: Object = obj.get("buffer").ok()?;
    let offset: usize = obj.get("byteOffset").ok()?;
    let len: usize = obj.get("byteLength").ok()?;
    Some(array_buffer_window(&buffer, offset, len).unwrap_or_default())
}

/// `len` bytes from `offset` of an ArrayBuffer (clamped to it), copied; `None` for a detached
/// buffer, whose exception is cleared.
fn array_buffer_window(buffer: &Object<'_>, offset: usize, len: usize) -> Option<Bytes> {
    let Some(buffer) = ArrayBuffer::from_object(buffer.clone()) else {
        clear_exception(buffer.ctx());
        return None;
    };
    // SAFETY: copied at once, no JavaScript runs while the slice lives.
    let all = unsafe { buffer.as_bytes() }?;
    let end = offset.saturating_add(len).min(all.len());
    Some(Bytes::copy_from_slice(all.get(offset.min(end)..end)?))
}

/// Drops the exception an engine accessor left pending for an expected outcome.
fn clear_exception(ctx: &Ctx<'_>) {
    // SAFETY: the context is alive for the call.
    if unsafe { rquickjs::qjs::JS_HasException(ctx.as_raw().as_ptr()) } {
        let _ = ctx.catch();
    }
}

/// Creates a `DOMException` (defined by the JS bootstrap) and returns it as a thrown error.
pub fn throw_dom<'js>(ctx: &Ctx<'js>, name: &str, message: &str) -> Error {
    let make = || -> Result<Value<'js>> {
        let ctor: rquickjs::Constructor = ctx.globals().get("DOMException")?;
        ctor.construct((message, name))
    };
    match make() {
        Ok(exc) => ctx.throw(exc),
        Err(e) => e,
    }
}

/// Describes a caught JS value (an Error or anything thrown) as message and stack.
pub fn describe_exception(value: &Value<'_>) -> JsError {
    if let Some(obj) = value.as_object() {
        let stack: Option<String> = obj.get("stack").ok();
        let message: Option<String> = obj.get("message").ok();
        let name: Option<String> = obj.get("name").ok();
        if message.is_some() || name.is_some() {
            let message = match (name, message) {
                (Some(n), Some(m)) if !m.is_empty() => format!("{n}: {m}"),
                (Some(n), _) => n,
                (None, Some(m)) => m,
                (None, None) => String::new(),
            };
            // The engine's stack begins with the same "Name: message" line: keep the frames.
            let stack = stack.map(|s| match s.strip_prefix(&message) {
                Some(rest) => rest.strip_prefix('\n').unwrap_or(rest).to_string(),
                None => s,
            });
            return JsError { message, stack };
        }
    }
    let text = value
        .clone()
        .try_into_string()
        .ok()
        .and_then(|s| s.to_string().ok())
        .or_else(|| {
            value
                .ctx()
                .json_stringify(value.clone())
                .ok()
                .flatten()
                .and_then(|s| s.to_string().ok())
        })
        .unwrap_or_else(|| format!("{:?}", value.type_of()));
    JsError {
        message: text,
        stack: None,
    }
}

/// Turns an rquickjs error into a `JsError`, taking the pending exception if there is one.
pub fn caught<'js>(ctx: &Ctx<'js>, err: Error) -> JsError {
    if matches!(err, Error::Exception) {
        describe_exception(&ctx.catch())
    } else {
        JsError {
            message: err.to_string(),
            stack: None,
        }
    }
}

/// Refuses a WebIDL constructor called as a plain function: a native constructor called with
/// `new` receives `new.target` (a function) as its `this`.
pub fn require_new<'js>(ctx: &Ctx<'js>, this: &Value<'js>, name: &str) -> Result<()> {
    if this.is_function() {
        Ok(())
    } else {
        Err(rquickjs::Exception::throw_type(
            ctx,
            &format!("Failed to construct '{name}': use the 'new' operator"),
        ))
    }
}

/// A WebIDL `USVString` argument: any value converted to a string, with lone surrogates
/// replaced by U+FFFD (a plain Rust `String` conversion would refuse them).
pub struct UsvString(pub String);

impl<'js> rquickjs::FromJs<'js> for UsvString {
    fn from_js(ctx: &Ctx<'js>, value: Value<'js>) -> Result<Self> {
        let s: rquickjs::Coerced<rquickjs::String<'js>> = value.get()?;
        usv_string(ctx, s.0).map(UsvString)
    }
}

/// A JS string as UTF-8, lone surrogates replaced by U+FFFD.
pub fn usv_string<'js>(ctx: &Ctx<'js>, s: rquickjs::String<'js>) -> Result<String> {
    match s.to_string() {
        Ok(text) => Ok(text),
        Err(_) => {
            let well_formed: rquickjs::Function = ctx
                .globals()
                .get::<_, rquickjs::Object>("String")?
                .get::<_, rquickjs::Object>("prototype")?
                .get("toWellFormed")?;
            let fixed: rquickjs::String =
                well_formed.call((rquickjs::function::This(s.clone()),))?;
            fixed.to_string()
        }
    }
}

/// The JS value to reject a promise with for `err`: the thrown value, or a TypeError that
/// describes an engine error.
pub fn thrown_value<'js>(ctx: &Ctx<'js>, err: Error) -> Value<'js> {
    if !matches!(err, Error::Exception) {
        let _ = rquickjs::Exception::throw_type(ctx, &err.to_string());
    }
    ctx.catch()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rquickjs::qjs;

    fn has_exception(ctx: &Ctx<'_>) -> bool {
        // SAFETY: the context is alive for the call.
        unsafe { qjs::JS_HasException(ctx.as_raw().as_ptr()) }
    }

    /// Buffers and views are copied; anything else is refused by its class, without reading its
    /// properties and without leaving an exception behind.
    #[test]
    fn buffer_sources_are_told_apart_without_exceptions() {
        let rt = rquickjs::Runtime::new().unwrap();
        let ctx = rquickjs::Context::full(&rt).unwrap();
        ctx.with(|ctx| {
            let values: Array = ctx
                .eval(
                    r#"[
                        new Uint8Array([1, 2]),
                        new ArrayBuffer(3),
                        new DataView(new ArrayBuffer(4), 1, 2),
                        new Int16Array(2),
                        new SharedArrayBuffer(5),
                        { buffer: new ArrayBuffer(8), byteOffset: 0, byteLength: 8 },
                        new Map(),
                        { get buffer() { throw new Error("read"); } },
                        (() => { const b = new ArrayBuffer(6); b.transfer(); return b; })(),
                        (() => { const b = new ArrayBuffer(6); const v = new Int16Array(b); b.transfer(); return v; })(),
                        (() => { const b = new ArrayBuffer(6); const v = new Uint8Array(b); b.transfer(); return v; })(),
                        new Float32Array(new ArrayBuffer(16), 4, 2),
                    ]"#,
                )
                .unwrap();
            let lengths: Vec<Option<usize>> = values
                .iter::<Value>()
                .map(|v| buffer_source_bytes(&v.unwrap()).map(|b| b.len()))
                .collect();
            assert_eq!(
                lengths,
                [
                    Some(2),
                    Some(3),
                    Some(2),
                    Some(4),
                    Some(5),
                    None,
                    None,
                    None,
                    Some(0),
                    Some(0),
                    Some(0),
                    Some(8)
                ]
            );
            assert!(!has_exception(&ctx));
        });
    }

    /// rquickjs's class tests go through `JS_GetOpaque2`: a mismatch answers null and throws
    /// nothing (the engine's own version builds a TypeError for it).
    #[test]
    fn class_mismatch_throws_nothing() {
        let rt = rquickjs::Runtime::new().unwrap();
        let ctx = rquickjs::Context::full(&rt).unwrap();
        ctx.with(|ctx| {
            let map: Value = ctx.eval("new Map()").unwrap();
            let array: Value = ctx.eval("[]").unwrap();
            // SAFETY: both values are alive for the calls.
            let (class, opaque) = unsafe {
                let class = qjs::JS_GetClassID(map.as_raw());
                let opaque = qjs::JS_GetOpaque2(ctx.as_raw().as_ptr(), array.as_raw(), class);
                (class, opaque)
            };
            assert_ne!(class, 0);
            assert!(opaque.is_null());
            assert!(!has_exception(&ctx));
        });
    }
}
