//! Reading the arguments of `crypto.subtle` methods: algorithm identifiers (a name or a
//! dictionary with `name`), hashes, key usages and buffers, with the spec's error names.

use rquickjs::prelude::Coerced;
use rquickjs::{Ctx, Error, Exception, Object, Result, Value};

use super::super::crypto_key::Hash;
use super::super::util::{buffer_source_bytes, throw_dom};

/// Every usage the spec knows, for validating `keyUsages`.
const USAGES: [&str; 12] = [
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "deriveKey",
    "deriveBits",
    "wrapKey",
    "unwrapKey",
    "encapsulateKey",
    "encapsulateBits",
    "decapsulateKey",
    "decapsulateBits",
];

/// An algorithm identifier: its canonical name and its dictionary (if it was one).
pub struct Algorithm<'js> {
    pub name: &'static str,
    pub params: Option<Object<'js>>,
}

/// Algorithm names as the spec spells them; matched without regard to case.
const NAMES: [&str; 33] = [
    "HMAC",
    "ECDSA",
    "Ed25519",
    "SHA-1",
    "SHA-256",
    "SHA-384",
    "SHA-512",
    "ECDH",
    "X25519",
    "PBKDF2",
    "HKDF",
    "AES-GCM",
    "AES-CBC",
    "AES-CTR",
    "AES-KW",
    "RSASSA-PKCS1-v1_5",
    "RSA-PSS",
    "RSA-OAEP",
    "AES-OCB",
    "ChaCha20-Poly1305",
    "KMAC128",
    "KMAC256",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "cSHAKE128",
    "cSHAKE256",
    "ML-KEM-512",
    "ML-KEM-768",
    "ML-KEM-1024",
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
];

pub fn algorithm<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Algorithm<'js>> {
    let (raw, params) = match value.as_object() {
        Some(obj) => {
            let name: Value = obj.get("name")?;
            if name.is_undefined() {
                return Err(Exception::throw_type(ctx, "Algorithm: name is required"));
            }
            let name: Coerced<String> = name.get()?;
            (name.0, Some(obj.clone()))
        }
        None => (value.get::<Coerced<String>>()?.0, None),
    };
    match NAMES.iter().find(|n| n.eq_ignore_ascii_case(&raw)) {
        Some(name) => Ok(Algorithm { name, params }),
        None => Err(not_supported(
            ctx,
            &format!("Unrecognized algorithm name: {raw}"),
        )),
    }
}

/// The `hash` member of an algorithm dictionary.
pub fn hash_member<'js>(ctx: &Ctx<'js>, params: &Option<Object<'js>>) -> Result<Hash> {
    let value: Value = match params {
        Some(p) => p.get("hash")?,
        None => return Err(Exception::throw_type(ctx, "Algorithm: hash is required")),
    };
    if value.is_undefined() {
        return Err(Exception::throw_type(ctx, "Algorithm: hash is required"));
    }
    let alg = algorithm(ctx, &value)?;
    Hash::from_name(alg.name)
        .ok_or_else(|| not_supported(ctx, &format!("{} is not a hash", alg.name)))
}

/// A string member of the dictionary, if present.
pub fn string_member(params: &Option<Object<'_>>, name: &str) -> Result<Option<String>> {
    match params {
        Some(p) => {
            let v: Value = p.get(name)?;
            if v.is_undefined() {
                Ok(None)
            } else {
                Ok(Some(v.get::<Coerced<String>>()?.0))
            }
        }
        None => Ok(None),
    }
}

/// A numeric member of the dictionary (ToNumber), if present.
pub fn number_member(params: &Option<Object<'_>>, name: &str) -> Result<Option<f64>> {
    match params {
        Some(p) => Ok(p.get::<_, Option<Coerced<f64>>>(name)?.map(|c| c.0)),
        None => Ok(None),
    }
}

/// `keyUsages`: a sequence of known usage strings.
pub fn usages(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Vec<&'static str>> {
    let Some(obj) = value.as_object() else {
        return Err(Exception::throw_type(ctx, "keyUsages must be a sequence"));
    };
    let len: usize = obj.get::<_, Option<usize>>("length")?.unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..len {
        let u: Coerced<String> = obj.get(i as u32)?;
        let Some(known) = USAGES.iter().find(|k| **k == u.0) else {
            return Err(Exception::throw_type(
                ctx,
                &format!("Invalid key usage: {}", u.0),
            ));
        };
        if !out.contains(known) {
            out.push(*known);
        }
    }
    Ok(out)
}

/// Fails with SyntaxError unless every usage is one of `allowed`.
pub fn check_usages(ctx: &Ctx<'_>, usages: &[&'static str], allowed: &[&str]) -> Result<()> {
    match usages.iter().find(|u| !allowed.contains(u)) {
        Some(bad) => Err(throw_dom(
            ctx,
            "SyntaxError",
            &format!("Unsupported key usage: {bad}"),
        )),
        None => Ok(()),
    }
}

/// An optional BufferSource member of a parameters dictionary.
pub fn buffer_member(
    ctx: &Ctx<'_>,
    params: &Option<Object<'_>>,
    name: &str,
) -> Result<Option<Vec<u8>>> {
    let v: Value = match params {
        Some(p) => p.get(name)?,
        None => return Ok(None),
    };
    if v.is_undefined() {
        return Ok(None);
    }
    bytes(ctx, &v, name).map(Some)
}

/// Whether a BufferSource lives in a SharedArrayBuffer (of any realm), which Web Crypto's
/// arguments (no `[AllowShared]`) refuse.
fn is_shared<'js>(value: &Value<'js>) -> bool {
    let check = || -> Result<bool> {
        let ctx = value.ctx();
        let Some(obj) = value.as_object() else {
            return Ok(false);
        };
        let globals = ctx.globals();
        let array_buffer: rquickjs::Object = globals.get("ArrayBuffer")?;
        let is_view: rquickjs::Function = array_buffer.get("isView")?;
        let target: Value = if is_view.call((value.clone(),))? {
            obj.get("buffer")?
        } else {
            value.clone()
        };
        let object: rquickjs::Object = globals.get("Object")?;
        let proto: rquickjs::Object = object.get("prototype")?;
        let to_string: rquickjs::Function = proto.get("toString")?;
        let tag: String = to_string.call((rquickjs::function::This(target),))?;
        Ok(tag == "[object SharedArrayBuffer]")
    };
    check().unwrap_or(false)
}

pub fn bytes(ctx: &Ctx<'_>, value: &Value<'_>, what: &str) -> Result<Vec<u8>> {
    if is_shared(value) {
        return Err(Exception::throw_type(
            ctx,
            &format!("{what} must not be backed by a SharedArrayBuffer"),
        ));
    }
    buffer_source_bytes(value)
        .map(|b| b.to_vec())
        .ok_or_else(|| Exception::throw_type(ctx, &format!("{what} must be a BufferSource")))
}

pub fn not_supported(ctx: &Ctx<'_>, message: &str) -> Error {
    throw_dom(ctx, "NotSupportedError", message)
}

pub fn data_error(ctx: &Ctx<'_>, message: &str) -> Error {
    throw_dom(ctx, "DataError", message)
}

pub fn invalid_access(ctx: &Ctx<'_>, message: &str) -> Error {
    throw_dom(ctx, "InvalidAccessError", message)
}
