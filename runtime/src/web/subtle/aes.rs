//! AES keys and ciphers (RustCrypto): AES-GCM, AES-CBC (PKCS#7 padding), AES-CTR (with the
//! counter length Web Crypto defines) and AES-KW key wrapping; keys of 128, 192 or 256 bits,
//! imported and exported as raw or jwk.

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::{Aes128, Aes192, Aes256};
use rquickjs::{Ctx, Object, Result, Value};

use super::params::{buffer_member, check_usages, data_error, not_supported, number_member};
use super::secret;
use super::Format;
use crate::web::crypto_key::{CryptoKey, KeyData};
use crate::web::util::throw_dom;

fn usages_for(name: &str) -> &'static [&'static str] {
    if name == "AES-KW" {
        &["wrapKey", "unwrapKey"]
    } else {
        &["encrypt", "decrypt", "wrapKey", "unwrapKey"]
    }
}

fn jwk_alg(name: &str, len: usize) -> String {
    let mode = match name {
        "AES-GCM" => "GCM",
        "AES-CBC" => "CBC",
        "AES-CTR" => "CTR",
        "AES-OCB" => "OCB",
        _ => "KW",
    };
    format!("A{}{mode}", len * 8)
}

fn operation_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    throw_dom(ctx, "OperationError", message)
}

fn check_len(ctx: &Ctx<'_>, len: usize) -> Result<()> {
    if matches!(len, 16 | 24 | 32) {
        Ok(())
    } else {
        Err(data_error(ctx, "an AES key is 128, 192 or 256 bits"))
    }
}

pub fn import(
    ctx: &Ctx<'_>,
    name: &str,
    format: Format,
    data: &Value<'_>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, usages_for(name))?;
    // The AES modes of the first Web Crypto spec also take `raw`; AES-OCB only `raw-secret`.
    let legacy = name != "AES-OCB";
    let key = secret::import(ctx, format, data, extractable, usages, legacy, |len| {
        jwk_alg(name, len)
    })?;
    check_len(ctx, key.len())?;
    Ok(KeyData::Aes(key))
}

pub fn generate(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, usages_for(name))?;
    let bits = length_member(ctx, params)?;
    if !matches!(bits, 128 | 192 | 256) {
        return Err(operation_error(
            ctx,
            "AES key length must be 128, 192 or 256",
        ));
    }
    Ok(KeyData::Aes(secret::random(ctx, bits)?))
}

/// The `length` member of `AesKeyGenParams`/`AesDerivedKeyParams`, in bits.
pub fn length_member(ctx: &Ctx<'_>, params: &Option<Object<'_>>) -> Result<usize> {
    number_member(params, "length")?
        .map(|n| n as usize)
        .ok_or_else(|| rquickjs::Exception::throw_type(ctx, "AES: length is required"))
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let KeyData::Aes(secret) = &key.data else {
        unreachable!("an AES CryptoKey holds AES data")
    };
    let legacy = key.name != "AES-OCB";
    secret::export(
        ctx,
        key,
        secret,
        format,
        legacy,
        jwk_alg(key.name, secret.len()),
    )
}

/// Encrypts (or, with `decrypt`, decrypts) with an AES key under `name`'s parameters.
pub fn crypt(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    key: &KeyData,
    data: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    let KeyData::Aes(key) = key else {
        return Err(data_error(ctx, "not an AES key"));
    };
    match name {
        "AES-GCM" => {
            let iv = buffer_member(ctx, params, "iv")?
                .ok_or_else(|| rquickjs::Exception::throw_type(ctx, "AES-GCM: iv is required"))?;
            let aad = buffer_member(ctx, params, "additionalData")?.unwrap_or_default();
            let tag_bits = number_member(params, "tagLength")?.map_or(128, |n| n as usize);
            gcm(ctx, key, &iv, &aad, tag_bits, data, decrypt)
        }
        "AES-CBC" => {
            let iv = buffer_member(ctx, params, "iv")?
                .ok_or_else(|| rquickjs::Exception::throw_type(ctx, "AES-CBC: iv is required"))?;
            if iv.len() != 16 {
                return Err(operation_error(ctx, "AES-CBC: iv must be 16 bytes"));
            }
            cbc_crypt(ctx, key, &iv, data, decrypt)
        }
        "AES-CTR" => {
            let counter = buffer_member(ctx, params, "counter")?.ok_or_else(|| {
                rquickjs::Exception::throw_type(ctx, "AES-CTR: counter is required")
            })?;
            let length = number_member(params, "length")?.map_or(0, |n| n as usize);
            if counter.len() != 16 {
                return Err(operation_error(ctx, "AES-CTR: counter must be 16 bytes"));
            }
            if length == 0 || length > 128 {
                return Err(operation_error(ctx, "AES-CTR: length must be 1 to 128"));
            }
            ctr(ctx, key, &counter, length, data)
        }
        _ => Err(not_supported(
            ctx,
            &format!("{name} does not encrypt; use wrapKey"),
        )),
    }
}

macro_rules! with_cipher {
    ($key:expr, $ctx:expr, |$c:ident| $body:expr) => {
        match $key.len() {
            16 => {
                let $c = Aes128::new_from_slice($key).map_err(|_| data_error($ctx, "bad key"))?;
                $body
            }
            24 => {
                let $c = Aes192::new_from_slice($key).map_err(|_| data_error($ctx, "bad key"))?;
                $body
            }
            _ => {
                let $c = Aes256::new_from_slice($key).map_err(|_| data_error($ctx, "bad key"))?;
                $body
            }
        }
    };
}

/// CTR mode where only the low `length` bits of the counter block count up (and wrap).
fn ctr(ctx: &Ctx<'_>, key: &[u8], counter: &[u8], length: usize, data: &[u8]) -> Result<Vec<u8>> {
    let blocks = data.len().div_ceil(16) as u128;
    if length < 128 && blocks > (1u128 << length) {
        return Err(operation_error(ctx, "AES-CTR: the counter would wrap"));
    }
    let mask: u128 = if length == 128 {
        u128::MAX
    } else {
        (1u128 << length) - 1
    };
    let start = u128::from_be_bytes(counter.try_into().unwrap_or([0; 16]));
    let mut out = Vec::with_capacity(data.len());
    with_cipher!(key, ctx, |cipher| {
        for (i, chunk) in data.chunks(16).enumerate() {
            let low = (start & mask).wrapping_add(i as u128) & mask;
            let block_value = (start & !mask) | low;
            let mut block = aes::Block::from(block_value.to_be_bytes());
            cipher.encrypt_block(&mut block);
            out.extend(chunk.iter().zip(block.iter()).map(|(a, b)| a ^ b));
        }
    });
    Ok(out)
}

fn cbc_crypt(ctx: &Ctx<'_>, key: &[u8], iv: &[u8], data: &[u8], decrypt: bool) -> Result<Vec<u8>> {
    use cbc::cipher::block_padding::Pkcs7;
    use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
    macro_rules! run {
        ($aes:ty) => {{
            if decrypt {
                cbc::Decryptor::<$aes>::new_from_slices(key, iv)
                    .map_err(|_| data_error(ctx, "bad key or iv"))?
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .map_err(|_| operation_error(ctx, "AES-CBC: decryption failed (bad padding)"))
            } else {
                Ok(cbc::Encryptor::<$aes>::new_from_slices(key, iv)
                    .map_err(|_| data_error(ctx, "bad key or iv"))?
                    .encrypt_padded_vec_mut::<Pkcs7>(data))
            }
        }};
    }
    match key.len() {
        16 => run!(Aes128),
        24 => run!(Aes192),
        _ => run!(Aes256),
    }
}

// `aes-gcm` 0.10 takes its nonce as a `GenericArray`, which generic-array marks deprecated.
#[allow(deprecated)]
fn gcm(
    ctx: &Ctx<'_>,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    tag_bits: usize,
    data: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    use aes_gcm::aead::consts::{U12, U16, U32};
    use aes_gcm::aead::AeadInPlace;
    use aes_gcm::AesGcm;
    if iv.is_empty() {
        return Err(operation_error(ctx, "AES-GCM: iv must not be empty"));
    }
    if !matches!(tag_bits, 32 | 64 | 96 | 104 | 112 | 120 | 128) {
        return Err(operation_error(ctx, "AES-GCM: invalid tagLength"));
    }
    let tag_len = tag_bits / 8;
    if decrypt && data.len() < tag_len {
        return Err(operation_error(
            ctx,
            "The provided data is too small: AES-GCM data is shorter than its tag",
        ));
    }
    // The cipher always computes the full 128-bit tag; a shorter tag is its leading bytes
    // (NIST SP 800-38D 5.2.1.2). CTR mode is its own inverse, so "encrypting" the ciphertext
    // recovers the plaintext, whose encryption then gives the tag to check.
    macro_rules! run {
        ($aes:ty, $nonce:ty) => {{
            let cipher = AesGcm::<$aes, $nonce, U16>::new_from_slice(key)
                .map_err(|_| data_error(ctx, "bad key"))?;
            let nonce = aes_gcm::aead::generic_array::GenericArray::from_slice(iv);
            let failed = || operation_error(ctx, "AES-GCM: the operation failed");
            if decrypt {
                let (body, tag) = data.split_at(data.len() - tag_len);
                let mut plain = body.to_vec();
                cipher
                    .encrypt_in_place_detached(nonce, aad, &mut plain)
                    .map_err(|_| failed())?;
                let mut again = plain.clone();
                let full = cipher
                    .encrypt_in_place_detached(nonce, aad, &mut again)
                    .map_err(|_| failed())?;
                let diff = full[..tag_len]
                    .iter()
                    .zip(tag)
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b));
                if diff != 0 {
                    return Err(operation_error(ctx, "AES-GCM: decryption failed"));
                }
                Ok(plain)
            } else {
                let mut out = data.to_vec();
                let full = cipher
                    .encrypt_in_place_detached(nonce, aad, &mut out)
                    .map_err(|_| failed())?;
                out.extend_from_slice(&full[..tag_len]);
                Ok(out)
            }
        }};
    }
    macro_rules! by_nonce {
        ($aes:ty) => {
            match iv.len() {
                12 => run!($aes, U12),
                16 => run!($aes, U16),
                32 => run!($aes, U32),
                _ => Err(not_supported(
                    ctx,
                    "AES-GCM: iv lengths other than 12, 16 and 32 bytes are not supported",
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

/// AES-KW (RFC 3394) wrapping and unwrapping.
pub fn key_wrap(ctx: &Ctx<'_>, key: &KeyData, data: &[u8], unwrap: bool) -> Result<Vec<u8>> {
    let KeyData::Aes(key) = key else {
        return Err(data_error(ctx, "not an AES key"));
    };
    let min = if unwrap { 24 } else { 16 };
    if !data.len().is_multiple_of(8) || data.len() < min {
        return Err(operation_error(
            ctx,
            "AES-KW: the data must be a multiple of 8 bytes, at least 16",
        ));
    }
    macro_rules! run {
        ($kek:ty) => {{
            let kek =
                <$kek>::try_from(key.as_slice()).map_err(|_| data_error(ctx, "bad AES-KW key"))?;
            if unwrap {
                kek.unwrap_vec(data)
                    .map_err(|_| operation_error(ctx, "AES-KW: unwrapping failed"))
            } else {
                kek.wrap_vec(data)
                    .map_err(|_| operation_error(ctx, "AES-KW: wrapping failed"))
            }
        }};
    }
    match key.len() {
        16 => run!(aes_kw::KekAes128),
        24 => run!(aes_kw::KekAes192),
        _ => run!(aes_kw::KekAes256),
    }
}
