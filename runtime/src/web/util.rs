//! Small conversions shared by the native Web API classes: buffer sources to bytes, iterators,
//! DOMExceptions, and caught exceptions to Rust errors.

use bytes::Bytes;
use rquickjs::atom::PredefinedAtom;
use rquickjs::{Array, ArrayBuffer, Ctx, Error, Function, Result, TypedArray, Value};

use crate::error::JsError;

/// Returns `array[Symbol.iterator]()`.
pub fn array_iterator<'js>(_ctx: &Ctx<'js>, array: Array<'js>) -> Result<Value<'js>> {
    let f: Function = array.as_object().get(PredefinedAtom::SymbolIterator)?;
    f.call((rquickjs::function::This(array),))
}

/// Copies the bytes of an ArrayBuffer or ArrayBufferView (none for a detached one, as WebIDL
/// says); `None` for anything else.
pub fn buffer_source_bytes(value: &Value<'_>) -> Option<Bytes> {
    let obj = value.as_object()?;
    if let Ok(u8s) = TypedArray::<u8>::from_object(obj.clone()) {
        let Some(raw) = u8s.as_raw() else {
            return Some(Bytes::new());
        };
        // SAFETY: the slice is copied at once, before any JavaScript can run.
        return Some(Bytes::copy_from_slice(unsafe { raw.as_ref() }));
    }
    if let Some(buffer) = ArrayBuffer::from_object(obj.clone()) {
        // SAFETY: copied at once, no JavaScript runs while the slice lives.
        let bytes = unsafe { buffer.as_bytes() };
        return Some(bytes.map(Bytes::copy_from_slice).unwrap_or_default());
    }
    // A detached ArrayBuffer no longer reads as one: it holds no bytes.
    let array_buffer: Option<Value> = obj.ctx().globals().get("ArrayBuffer").ok();
    if array_buffer.is_some_and(|ctor| obj.is_instance_of(&ctor))
        && obj.get::<_, Option<bool>>("detached").ok().flatten() == Some(true)
    {
        return Some(Bytes::new());
    }
    let buffer: ArrayBuffer = obj
        .get::<_, Value>("buffer")
        .ok()
        .and_then(|v| v.as_object().cloned().and_then(ArrayBuffer::from_object))?;
    let offset: usize = obj.get("byteOffset").ok()?;
    let len: usize = obj.get("byteLength").ok()?;
    // SAFETY: copied at once, no JavaScript runs while the slice lives.
    let Some(all) = (unsafe { buffer.as_bytes() }) else {
        return Some(Bytes::new());
    };
    let end = offset.checked_add(len)?.min(all.len());
    Some(Bytes::copy_from_slice(all.get(offset.min(end)..end)?))
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
