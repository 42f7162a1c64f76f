//! The Keccak family (FIPS 202 and SP 800-185): SHA3-256/384/512 and cSHAKE128/256 digests,
//! and KMAC128/256 keys with `sign`/`verify`. KMAC is built here from cSHAKE as SP 800-185
//! defines it; the permutation is the `sha3` crate's.

use rquickjs::{Ctx, Object, Result, Value};
use sha3::digest::core_api::CoreWrapper;
use sha3::digest::{Digest, ExtendableOutput, Update, XofReader};

use super::params::{buffer_member, check_usages, data_error, number_member};
use super::{secret, Format};
use crate::web::crypto_key::{CryptoKey, KeyData};
use crate::web::util::throw_dom;

const KMAC_USAGES: [&str; 2] = ["sign", "verify"];

/// Output lengths are capped so that a hostile length cannot allocate without bound.
const MAX_OUTPUT_BITS: usize = 8 << 20;

fn operation_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    throw_dom(ctx, "OperationError", message)
}

/// `left_encode(x)`: the byte count, then `x` big-endian in as few bytes as it needs.
fn left_encode(x: usize) -> Vec<u8> {
    let be = (x as u64).to_be_bytes();
    let skip = be.iter().take_while(|b| **b == 0).count().min(7);
    let mut out = vec![(8 - skip) as u8];
    out.extend_from_slice(&be[skip..]);
    out
}

/// `right_encode(x)`: `x` big-endian in as few bytes as it needs, then the byte count.
fn right_encode(x: usize) -> Vec<u8> {
    let mut out = left_encode(x);
    let n = out.remove(0);
    out.push(n);
    out
}

/// cSHAKE with rate `rate`, function name `n` and customization `s`, `bits` long.
fn cshake(rate: usize, n: &[u8], s: &[u8], data: &[&[u8]], bits: usize) -> Vec<u8> {
    let mut out = vec![0u8; bits / 8];
    if rate == 168 {
        let mut h = CoreWrapper::from_core(sha3::CShake128Core::new_with_function_name(n, s));
        data.iter().for_each(|d| h.update(d));
        h.finalize_xof().read(&mut out);
    } else {
        let mut h = CoreWrapper::from_core(sha3::CShake256Core::new_with_function_name(n, s));
        data.iter().for_each(|d| h.update(d));
        h.finalize_xof().read(&mut out);
    }
    out
}

/// An output length in bits: required, a multiple of 8 and bounded.
fn output_bits(ctx: &Ctx<'_>, params: &Option<Object<'_>>, what: &str) -> Result<usize> {
    let bits = number_member(params, "length")?.ok_or_else(|| {
        rquickjs::Exception::throw_type(ctx, &format!("{what}: length is required"))
    })?;
    let bits = bits as usize;
    if !bits.is_multiple_of(8) || bits > MAX_OUTPUT_BITS {
        return Err(operation_error(
            ctx,
            &format!("{what}: length must be a multiple of 8, at most {MAX_OUTPUT_BITS}"),
        ));
    }
    Ok(bits)
}

/// `digest` for SHA3-256/384/512, cSHAKE128 and cSHAKE256; `None` for other names.
pub fn digest(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    data: &[u8],
) -> Result<Option<Vec<u8>>> {
    Ok(Some(match name {
        "SHA3-256" => sha3::Sha3_256::digest(data).to_vec(),
        "SHA3-384" => sha3::Sha3_384::digest(data).to_vec(),
        "SHA3-512" => sha3::Sha3_512::digest(data).to_vec(),
        "cSHAKE128" | "cSHAKE256" => {
            let bits = output_bits(ctx, params, name)?;
            let n = buffer_member(ctx, params, "functionName")?.unwrap_or_default();
            let s = buffer_member(ctx, params, "customization")?.unwrap_or_default();
            let rate = if name == "cSHAKE128" { 168 } else { 136 };
            cshake(rate, &n, &s, &[data], bits)
        }
        _ => return Ok(None),
    }))
}

fn kmac_jwk_alg(name: &str) -> String {
    format!("K{}", &name[4..])
}

fn default_bits(name: &str) -> usize {
    if name == "KMAC128" {
        128
    } else {
        256
    }
}

pub fn import(
    ctx: &Ctx<'_>,
    name: &str,
    format: Format,
    data: &Value<'_>,
    params: &Option<Object<'_>>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, &KMAC_USAGES)?;
    let key = secret::import(ctx, format, data, extractable, usages, false, |_| {
        kmac_jwk_alg(name)
    })?;
    if key.is_empty() {
        return Err(data_error(ctx, "a KMAC key cannot be empty"));
    }
    if let Some(bits) = number_member(params, "length")? {
        if bits as usize != key.len() * 8 {
            return Err(data_error(ctx, "length does not match the key"));
        }
    }
    Ok(KeyData::Kmac(key))
}

pub fn generate(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, &KMAC_USAGES)?;
    let bits = number_member(params, "length")?.map_or(default_bits(name), |n| n as usize);
    if bits == 0 || !bits.is_multiple_of(8) || bits > MAX_OUTPUT_BITS {
        return Err(operation_error(
            ctx,
            "KMAC: length must be a positive multiple of 8",
        ));
    }
    Ok(KeyData::Kmac(secret::random(ctx, bits)?))
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let KeyData::Kmac(bytes) = &key.data else {
        return Err(data_error(ctx, "not a KMAC key"));
    };
    secret::export(ctx, key, bytes, format, false, kmac_jwk_alg(key.name))
}

/// KMAC128/256 of `data` (SP 800-185 section 4.3).
pub fn kmac(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    key: &KeyData,
    data: &[u8],
) -> Result<Vec<u8>> {
    let KeyData::Kmac(key) = key else {
        return Err(data_error(ctx, "not a KMAC key"));
    };
    let bits = output_bits(ctx, params, name)?;
    let customization = buffer_member(ctx, params, "customization")?.unwrap_or_default();
    let rate = if name == "KMAC128" { 168 } else { 136 };
    // bytepad(encode_string(K), rate)
    let mut padded = left_encode(rate);
    padded.extend(left_encode(key.len() * 8));
    padded.extend_from_slice(key);
    padded.resize(padded.len().div_ceil(rate) * rate, 0);
    let tail = right_encode(bits);
    Ok(cshake(
        rate,
        b"KMAC",
        &customization,
        &[&padded, data, &tail],
        bits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_sp_800_185() {
        assert_eq!(left_encode(0), [1, 0]);
        assert_eq!(left_encode(168), [1, 168]);
        assert_eq!(left_encode(256), [2, 1, 0]);
        assert_eq!(right_encode(256), [1, 0, 2]);
    }
}
