//! Key derivation: PBKDF2 and HKDF over `ring`. Their keys are raw secrets that can only be
//! imported (never exported) and used with `deriveBits`/`deriveKey`.

use std::num::NonZeroU32;

use rquickjs::{Ctx, Object, Result, Value};

use super::params::{bytes, check_usages, data_error, hash_member, not_supported, number_member};

/// The most bytes `deriveBits` hands out (HKDF's own limit is 255 hash lengths, under 16 KiB).
const MAX_DERIVED_BYTES: usize = 1 << 20;
use super::Format;
use crate::web::crypto_key::{Hash, KeyData};
use crate::web::util::throw_dom;

pub fn import(
    ctx: &Ctx<'_>,
    name: &str,
    format: Format,
    data: &Value<'_>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    if format != Format::Raw {
        return Err(not_supported(
            ctx,
            &format!("{name} keys import as raw only"),
        ));
    }
    check_usages(ctx, usages, &["deriveKey", "deriveBits"])?;
    if extractable {
        return Err(throw_dom(
            ctx,
            "SyntaxError",
            &format!("{name} keys cannot be extractable"),
        ));
    }
    let secret = bytes(ctx, data, "keyData")?;
    Ok(if name == "PBKDF2" {
        KeyData::Pbkdf2(secret)
    } else {
        KeyData::Hkdf(secret)
    })
}

fn buffer_member(ctx: &Ctx<'_>, params: &Option<Object<'_>>, name: &str) -> Result<Vec<u8>> {
    let value: Value = match params {
        Some(p) => p.get(name)?,
        None => {
            return Err(rquickjs::Exception::throw_type(
                ctx,
                &format!("{name} is required"),
            ))
        }
    };
    if value.is_undefined() {
        return Err(rquickjs::Exception::throw_type(
            ctx,
            &format!("{name} is required"),
        ));
    }
    bytes(ctx, &value, name)
}

fn operation_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    throw_dom(ctx, "OperationError", message)
}

/// Derives `length` bits (a multiple of 8) from `key` with `name`'s parameters.
pub fn derive_bits<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    params: &Option<Object<'js>>,
    key: &KeyData,
    length: Option<usize>,
) -> Result<Vec<u8>> {
    let Some(length) = length else {
        return Err(operation_error(ctx, &format!("{name}: length is required")));
    };
    if !length.is_multiple_of(8) {
        return Err(operation_error(
            ctx,
            &format!("{name}: length must be a multiple of 8"),
        ));
    }
    // Checked before allocating: a hostile length must be an error, not an abort.
    if length / 8 > MAX_DERIVED_BYTES {
        return Err(operation_error(
            ctx,
            &format!("{name}: length is too large"),
        ));
    }
    let hash = hash_member(ctx, params)?;
    let salt = buffer_member(ctx, params, "salt")?;
    let mut out = vec![0u8; length / 8];
    match key {
        KeyData::Pbkdf2(secret) => {
            let iterations = number_member(params, "iterations")?.unwrap_or(0.0);
            let iterations = NonZeroU32::new(iterations as u32)
                .ok_or_else(|| operation_error(ctx, "PBKDF2: iterations must not be zero"))?;
            if out.is_empty() {
                return Ok(out);
            }
            let algo = match hash {
                Hash::Sha1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
                Hash::Sha256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
                Hash::Sha384 => ring::pbkdf2::PBKDF2_HMAC_SHA384,
                Hash::Sha512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
            };
            ring::pbkdf2::derive(algo, iterations, &salt, secret, &mut out);
        }
        KeyData::Hkdf(secret) => {
            let info = buffer_member(ctx, params, "info")?;
            let algo = match hash {
                Hash::Sha1 => ring::hkdf::HKDF_SHA1_FOR_LEGACY_USE_ONLY,
                Hash::Sha256 => ring::hkdf::HKDF_SHA256,
                Hash::Sha384 => ring::hkdf::HKDF_SHA384,
                Hash::Sha512 => ring::hkdf::HKDF_SHA512,
            };
            if out.is_empty() {
                return Ok(out);
            }
            struct Len(usize);
            impl ring::hkdf::KeyType for Len {
                fn len(&self) -> usize {
                    self.0
                }
            }
            let prk = ring::hkdf::Salt::new(algo, &salt).extract(secret);
            let info = [info.as_slice()];
            let okm = prk
                .expand(&info, Len(out.len()))
                .map_err(|_| operation_error(ctx, "HKDF: length is too large for the hash"))?;
            okm.fill(&mut out)
                .map_err(|_| operation_error(ctx, "HKDF: derivation failed"))?;
        }
        _ => return Err(data_error(ctx, "not a key derivation key")),
    }
    Ok(out)
}
