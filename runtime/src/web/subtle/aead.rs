//! The AEAD ciphers of the modern Web Crypto algorithms: AES-OCB (RFC 7253; keys of 128, 192
//! or 256 bits, 96- or 120-bit nonces, 64/96/128-bit tags) and ChaCha20-Poly1305 (RFC 8439;
//! 256-bit keys, 96-bit nonces, 128-bit tags). Keys import and export as raw-secret or jwk.

use aes::{Aes128, Aes192, Aes256};
use chacha20poly1305::aead::generic_array::typenum::{Unsigned, U12, U15, U16, U8};
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use ocb3::Ocb3;
use rquickjs::{Ctx, Object, Result, Value};

use super::params::{buffer_member, check_usages, data_error, not_supported, number_member};
use super::{secret, Format};
use crate::web::crypto_key::{CryptoKey, KeyData};
use crate::web::util::throw_dom;

const USAGES: [&str; 4] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];

fn operation_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    throw_dom(ctx, "OperationError", message)
}

pub fn import(
    ctx: &Ctx<'_>,
    format: Format,
    data: &Value<'_>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, &USAGES)?;
    let key = secret::import(ctx, format, data, extractable, usages, false, |_| {
        "C20P".to_owned()
    })?;
    if key.len() != 32 {
        return Err(data_error(ctx, "a ChaCha20-Poly1305 key is 256 bits"));
    }
    Ok(KeyData::Secret(key))
}

pub fn generate(ctx: &Ctx<'_>, usages: &[&'static str]) -> Result<KeyData> {
    check_usages(ctx, usages, &USAGES)?;
    Ok(KeyData::Secret(secret::random(ctx, 256)?))
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let KeyData::Secret(bytes) = &key.data else {
        return Err(data_error(ctx, "not a ChaCha20-Poly1305 key"));
    };
    secret::export(ctx, key, bytes, format, false, "C20P".to_owned())
}

/// The `iv`, `additionalData` and `tagLength` (in bits) members of AEAD parameters.
fn aead_params(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
) -> Result<(Vec<u8>, Vec<u8>, usize)> {
    let iv = buffer_member(ctx, params, "iv")?
        .ok_or_else(|| rquickjs::Exception::throw_type(ctx, &format!("{name}: iv is required")))?;
    let aad = buffer_member(ctx, params, "additionalData")?.unwrap_or_default();
    let tag_bits = number_member(params, "tagLength")?.map_or(128, |n| n as usize);
    Ok((iv, aad, tag_bits))
}

/// Seals (tag appended) or opens `data` with an AEAD cipher and a nonce of its size.
// The `aead` 0.5 traits take the nonce as a `GenericArray`, which generic-array marks
// deprecated.
#[allow(deprecated)]
fn seal_or_open<A: AeadInPlace>(
    ctx: &Ctx<'_>,
    cipher: A,
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    if iv.len() != A::NonceSize::USIZE {
        return Err(operation_error(ctx, "the iv has the wrong length"));
    }
    let nonce = chacha20poly1305::aead::Nonce::<A>::from_slice(iv);
    let mut out = data.to_vec();
    if decrypt {
        cipher
            .decrypt_in_place(nonce, aad, &mut out)
            .map_err(|_| operation_error(ctx, "decryption failed: the data or tag is wrong"))?;
    } else {
        cipher
            .encrypt_in_place(nonce, aad, &mut out)
            .map_err(|_| operation_error(ctx, "encryption failed"))?;
    }
    Ok(out)
}

/// ChaCha20-Poly1305 encryption or decryption.
pub fn chacha(
    ctx: &Ctx<'_>,
    params: &Option<Object<'_>>,
    key: &KeyData,
    data: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    let KeyData::Secret(key) = key else {
        return Err(data_error(ctx, "not a ChaCha20-Poly1305 key"));
    };
    let (iv, aad, tag) = aead_params(ctx, "ChaCha20-Poly1305", params)?;
    if iv.len() != 12 {
        return Err(operation_error(
            ctx,
            "ChaCha20-Poly1305: iv must be 96 bits",
        ));
    }
    if tag != 128 {
        return Err(operation_error(
            ctx,
            "ChaCha20-Poly1305: tagLength must be 128",
        ));
    }
    let cipher = ChaCha20Poly1305::new_from_slice(key)
        .map_err(|_| data_error(ctx, "bad ChaCha20-Poly1305 key"))?;
    seal_or_open(ctx, cipher, &iv, &aad, data, decrypt)
}

/// AES-OCB encryption or decryption.
pub fn ocb(
    ctx: &Ctx<'_>,
    params: &Option<Object<'_>>,
    key: &KeyData,
    data: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    let KeyData::Aes(key) = key else {
        return Err(data_error(ctx, "not an AES key"));
    };
    let (iv, aad, tag) = aead_params(ctx, "AES-OCB", params)?;
    if iv.is_empty() || iv.len() > 15 {
        return Err(operation_error(ctx, "AES-OCB: iv must be 1 to 15 bytes"));
    }
    if !matches!(tag, 64 | 96 | 128) {
        return Err(operation_error(
            ctx,
            "AES-OCB: tagLength must be 64, 96 or 128",
        ));
    }
    macro_rules! run {
        ($aes:ty, $nonce:ty, $tag:ty) => {{
            let cipher = Ocb3::<$aes, $nonce, $tag>::new_from_slice(key)
                .map_err(|_| data_error(ctx, "bad AES-OCB key"))?;
            seal_or_open(ctx, cipher, &iv, &aad, data, decrypt)
        }};
    }
    macro_rules! by_tag {
        ($aes:ty, $nonce:ty) => {
            match tag {
                64 => run!($aes, $nonce, U8),
                96 => run!($aes, $nonce, U12),
                _ => run!($aes, $nonce, U16),
            }
        };
    }
    macro_rules! by_nonce {
        ($aes:ty) => {
            match iv.len() {
                12 => by_tag!($aes, U12),
                15 => by_tag!($aes, U15),
                _ => Err(not_supported(
                    ctx,
                    "AES-OCB: nonces other than 96 and 120 bits are not supported",
                )),
            }
        };
    }
    match key.len() {
        16 => by_nonce!(Aes128),
        24 => by_nonce!(Aes192),
        _ => by_nonce!(Aes256),
    }
}
