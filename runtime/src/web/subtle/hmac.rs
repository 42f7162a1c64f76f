//! HMAC keys: import (raw, jwk), export, generation, sign and verify over `ring`.

use rquickjs::{ArrayBuffer, Ctx, Object, Result, Value};

use super::jwk;
use super::params::{bytes, check_usages, data_error, hash_member, not_supported, number_member};
use super::Format;
use crate::web::crypto_key::{CryptoKey, Hash, KeyData};

const USAGES: [&str; 2] = ["sign", "verify"];

fn jwk_alg(hash: Hash) -> &'static str {
    match hash {
        Hash::Sha1 => "HS1",
        Hash::Sha256 => "HS256",
        Hash::Sha384 => "HS384",
        Hash::Sha512 => "HS512",
    }
}

/// Checks the optional `length` (bits) against the key's bytes.
fn check_length<'js>(ctx: &Ctx<'js>, params: &Option<Object<'js>>, len: usize) -> Result<()> {
    let Some(bits) = number_member(params, "length")? else {
        return Ok(());
    };
    let max = (len * 8) as f64;
    if bits == 0.0 || bits > max || bits <= max - 8.0 {
        return Err(data_error(ctx, "HMAC length does not match the key data"));
    }
    Ok(())
}

pub fn import<'js>(
    ctx: &Ctx<'js>,
    format: Format,
    data: &Value<'js>,
    params: &Option<Object<'js>>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    let hash = hash_member(ctx, params)?;
    check_usages(ctx, usages, &USAGES)?;
    let key = match format {
        Format::Raw | Format::RawSecret => bytes(ctx, data, "keyData")?,
        Format::Jwk => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "oct" {
                return Err(data_error(ctx, "an HMAC JWK must have kty \"oct\""));
            }
            if let Some(alg) = &jwk.alg {
                if alg != jwk_alg(hash) {
                    return Err(data_error(
                        ctx,
                        &format!("JWK alg {alg} does not match {}", hash.name()),
                    ));
                }
            }
            jwk.k
                .ok_or_else(|| data_error(ctx, "an HMAC JWK needs k"))?
        }
        Format::Spki | Format::Pkcs8 | Format::RawPublic | Format::RawSeed => {
            return Err(not_supported(ctx, "HMAC keys import as raw or jwk"))
        }
    };
    if key.is_empty() {
        return Err(data_error(ctx, "an HMAC key cannot be empty"));
    }
    check_length(ctx, params, key.len())?;
    Ok(KeyData::Hmac { key, hash })
}

pub fn generate<'js>(
    ctx: &Ctx<'js>,
    params: &Option<Object<'js>>,
    usages: &[&'static str],
) -> Result<KeyData> {
    let hash = hash_member(ctx, params)?;
    check_usages(ctx, usages, &USAGES)?;
    let bits = number_member(params, "length")?;
    let len = match bits {
        None => hash.block_len(),
        Some(b) if b > 0.0 && b <= 65536.0 => (b as usize).div_ceil(8),
        Some(_) => {
            return Err(super::super::util::throw_dom(
                ctx,
                "OperationError",
                "invalid HMAC key length",
            ))
        }
    };
    let mut key = vec![0u8; len];
    getrandom::fill(&mut key).map_err(|e| data_error(ctx, &e.to_string()))?;
    Ok(KeyData::Hmac { key, hash })
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let KeyData::Hmac { key: secret, hash } = &key.data else {
        unreachable!("an HMAC CryptoKey holds HMAC data")
    };
    match format {
        Format::Raw | Format::RawSecret => {
            Ok(ArrayBuffer::new_copy(ctx.clone(), secret)?.into_value())
        }
        Format::Jwk => {
            let obj = jwk::start(ctx, "oct", &key.usages, key.extractable)?;
            obj.set("k", jwk::encode(secret))?;
            obj.set("alg", jwk_alg(*hash))?;
            Ok(obj.into_value())
        }
        Format::Spki | Format::Pkcs8 | Format::RawPublic | Format::RawSeed => {
            Err(not_supported(ctx, "HMAC keys export as raw or jwk"))
        }
    }
}

fn ring_key(secret: &[u8], hash: Hash) -> ring::hmac::Key {
    let algo = match hash {
        Hash::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        Hash::Sha256 => ring::hmac::HMAC_SHA256,
        Hash::Sha384 => ring::hmac::HMAC_SHA384,
        Hash::Sha512 => ring::hmac::HMAC_SHA512,
    };
    ring::hmac::Key::new(algo, secret)
}

pub fn sign(data: &KeyData, message: &[u8]) -> Vec<u8> {
    let KeyData::Hmac { key, hash } = data else {
        return Vec::new();
    };
    ring::hmac::sign(&ring_key(key, *hash), message)
        .as_ref()
        .to_vec()
}

pub fn verify(data: &KeyData, signature: &[u8], message: &[u8]) -> bool {
    let KeyData::Hmac { key, hash } = data else {
        return false;
    };
    ring::hmac::verify(&ring_key(key, *hash), message, signature).is_ok()
}

/// Compares two MACs in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
