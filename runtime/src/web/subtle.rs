//! `crypto.subtle`: the Web Crypto API, native over `ring`. For now `digest` (SHA-1, SHA-256,
//! SHA-384, SHA-512); keys, signatures and ciphers come with the WinterTC issue.

use rquickjs::prelude::Coerced;
use rquickjs::{ArrayBuffer, Ctx, Promise, Result, Value};

use super::blob::resolved;
use super::util::{buffer_source_bytes, throw_dom};

/// The algorithm name of an `AlgorithmIdentifier` (a string or `{ name }`).
fn algorithm_name(algorithm: &Value<'_>) -> Result<String> {
    let name: Coerced<String> = match algorithm.as_object() {
        Some(obj) => obj.get("name")?,
        None => algorithm.get()?,
    };
    Ok(name.0.to_ascii_uppercase())
}

pub fn digest<'js>(ctx: Ctx<'js>, algorithm: Value<'js>, data: Value<'js>) -> Result<Promise<'js>> {
    let outcome = (|| {
        let name = algorithm_name(&algorithm)?;
        let algo = match name.as_str() {
            "SHA-1" => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            "SHA-256" => &ring::digest::SHA256,
            "SHA-384" => &ring::digest::SHA384,
            "SHA-512" => &ring::digest::SHA512,
            _ => {
                return Err(throw_dom(
                    &ctx,
                    "NotSupportedError",
                    &format!("digest: unsupported algorithm {name}"),
                ))
            }
        };
        let bytes = buffer_source_bytes(&data).ok_or_else(|| {
            rquickjs::Exception::throw_type(&ctx, "digest: data must be a BufferSource")
        })?;
        let out = ring::digest::digest(algo, &bytes);
        ArrayBuffer::new_copy(ctx.clone(), out.as_ref())
    })();
    match outcome {
        Ok(buf) => resolved(&ctx, buf.into_value()),
        Err(_) => {
            // Errors of an async method reject its promise instead of throwing.
            let reason = ctx.catch();
            let (promise, _, reject) = ctx.promise()?;
            reject.call::<_, ()>((reason,))?;
            Ok(promise)
        }
    }
}
