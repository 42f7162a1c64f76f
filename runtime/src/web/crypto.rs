//! The `crypto` global (class `Crypto`): `getRandomValues` and `randomUUID` from the operating
//! system's generator, and `subtle`.

use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result, Value};

use super::subtle::SubtleCrypto;

use super::util::throw_dom;

fn fill(ctx: &Ctx<'_>, buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf)
        .map_err(|e| Exception::throw_internal(ctx, &format!("random source failed: {e}")))
}

/// A `QuotaExceededError` for an over-long request (the Web Crypto spec leaves its `requested`
/// and `quota` null).
fn quota_exceeded(ctx: &Ctx<'_>, requested: usize) -> rquickjs::Error {
    let make = || -> Result<Value<'_>> {
        let ctor: rquickjs::Constructor = ctx.globals().get("QuotaExceededError")?;
        ctor.construct((format!(
            "getRandomValues: {requested} bytes requested, at most 65536 allowed"
        ),))
    };
    match make() {
        Ok(exc) => ctx.throw(exc),
        Err(e) => e,
    }
}

pub fn get_random_values<'js>(ctx: Ctx<'js>, array: Value<'js>) -> Result<Value<'js>> {
    let obj = array.as_object().ok_or_else(|| {
        throw_dom(
            &ctx,
            "TypeMismatchError",
            "getRandomValues: argument must be an integer typed array",
        )
    })?;
    // The integer typed arrays, subclasses included: walk up to the built-in constructor.
    let mut integer = false;
    let mut proto = obj.get_prototype();
    for _ in 0..16 {
        let Some(p) = proto else { break };
        let name: Option<String> = p
            .get::<_, Object>("constructor")
            .ok()
            .and_then(|c| c.get("name").ok());
        if matches!(
            name.as_deref(),
            Some(
                "Int8Array"
                    | "Uint8Array"
                    | "Uint8ClampedArray"
                    | "Int16Array"
                    | "Uint16Array"
                    | "Int32Array"
                    | "Uint32Array"
                    | "BigInt64Array"
                    | "BigUint64Array"
            )
        ) && p.get_prototype().is_some_and(|pp| {
            pp.get::<_, Object>("constructor")
                .ok()
                .and_then(|c| c.get::<_, String>("name").ok())
                .as_deref()
                == Some("TypedArray")
        }) {
            integer = true;
            break;
        }
        proto = p.get_prototype();
    }
    if !integer {
        return Err(throw_dom(
            &ctx,
            "TypeMismatchError",
            "getRandomValues: argument must be an integer typed array",
        ));
    }
    let buffer: rquickjs::ArrayBuffer = obj.get("buffer")?;
    let offset: usize = obj.get("byteOffset")?;
    let len: usize = obj.get("byteLength")?;
    if len > 65536 {
        return Err(quota_exceeded(&ctx, len));
    }
    let raw = buffer
        .as_raw()
        .ok_or_else(|| Exception::throw_type(&ctx, "getRandomValues: buffer is detached"))?;
    if offset + len > raw.len() {
        return Err(Exception::throw_range(
            &ctx,
            "getRandomValues: view out of bounds",
        ));
    }
    // SAFETY: the range was checked against the buffer's length; the engine owns the memory
    // and keeps it alive while `buffer` is held; no JavaScript runs while the slice is used.
    let slice =
        unsafe { std::slice::from_raw_parts_mut((raw.as_ptr() as *mut u8).add(offset), len) };
    fill(&ctx, slice)?;
    Ok(array)
}

pub fn random_uuid(ctx: Ctx<'_>) -> Result<String> {
    let mut b = [0u8; 16];
    fill(&ctx, &mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// The `crypto` global: randomness and `crypto.subtle`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct Crypto<'js> {
    subtle: Class<'js, SubtleCrypto>,
}

impl<'js> Crypto<'js> {
    pub fn new(ctx: &Ctx<'js>) -> Result<Self> {
        Ok(Crypto {
            subtle: Class::instance(ctx.clone(), SubtleCrypto::default())?,
        })
    }
}

#[rquickjs::methods]
impl<'js> Crypto<'js> {
    /// Keys, the `crypto` object and `crypto.subtle` are made by the runtime only.
    #[qjs(constructor)]
    pub fn illegal(ctx: Ctx<'js>) -> Result<Self> {
        Err(rquickjs::Exception::throw_type(&ctx, "Illegal constructor"))
    }

    #[qjs(get, enumerable, configurable)]
    pub fn subtle(&self) -> Class<'js, SubtleCrypto> {
        self.subtle.clone()
    }

    #[qjs(rename = "getRandomValues")]
    pub fn get_random_values_method(&self, ctx: Ctx<'js>, array: Value<'js>) -> Result<Value<'js>> {
        get_random_values(ctx, array)
    }

    #[qjs(rename = "randomUUID")]
    pub fn random_uuid_method(&self, ctx: Ctx<'js>) -> Result<String> {
        random_uuid(ctx)
    }

    #[qjs(get, rename = rquickjs::atom::PredefinedAtom::SymbolToStringTag)]
    pub fn to_string_tag(&self) -> &'static str {
        "Crypto"
    }
}
