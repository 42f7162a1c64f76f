//! Secret keys as bytes: reading them from `raw`/`raw-secret` buffers and `oct` JWKs (with the
//! `alg` a JWK must carry for its algorithm), and writing them back. Shared by AES, AES-OCB,
//! ChaCha20-Poly1305 and KMAC.

use rquickjs::{ArrayBuffer, Ctx, Result, Value};

use super::jwk;
use super::params::{bytes, data_error, not_supported};
use super::Format;
use crate::web::crypto_key::CryptoKey;

/// The key bytes of an import. `raw` says whether the legacy `raw` format is accepted
/// beside `raw-secret`; `jwk_alg` gives the `alg` a JWK of `len` bytes must have.
pub fn import(
    ctx: &Ctx<'_>,
    format: Format,
    data: &Value<'_>,
    extractable: bool,
    usages: &[&'static str],
    raw: bool,
    jwk_alg: impl Fn(usize) -> String,
) -> Result<Vec<u8>> {
    match format {
        Format::RawSecret => bytes(ctx, data, "keyData"),
        Format::Raw if raw => bytes(ctx, data, "keyData"),
        Format::Jwk => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "oct" {
                return Err(data_error(ctx, "a secret key's JWK must have kty \"oct\""));
            }
            let k = jwk
                .k
                .ok_or_else(|| data_error(ctx, "a secret key's JWK needs k"))?;
            if let Some(alg) = &jwk.alg {
                if *alg != jwk_alg(k.len()) {
                    return Err(data_error(
                        ctx,
                        &format!("JWK alg {alg} does not match the key"),
                    ));
                }
            }
            Ok(k)
        }
        _ => Err(not_supported(
            ctx,
            "this key imports as raw-secret or jwk only",
        )),
    }
}

/// Exports `secret` in `format` (see [`import`] for `raw` and `jwk_alg`).
pub fn export<'js>(
    ctx: &Ctx<'js>,
    key: &CryptoKey<'js>,
    secret: &[u8],
    format: Format,
    raw: bool,
    jwk_alg: String,
) -> Result<Value<'js>> {
    match format {
        Format::RawSecret => Ok(ArrayBuffer::new_copy(ctx.clone(), secret)?.into_value()),
        Format::Raw if raw => Ok(ArrayBuffer::new_copy(ctx.clone(), secret)?.into_value()),
        Format::Jwk => {
            let obj = jwk::start(ctx, "oct", &key.usages, key.extractable)?;
            obj.set("k", jwk::encode(secret))?;
            obj.set("alg", jwk_alg)?;
            Ok(obj.into_value())
        }
        _ => Err(not_supported(
            ctx,
            "this key exports as raw-secret or jwk only",
        )),
    }
}

/// `bits` random bits, as bytes.
pub fn random(ctx: &Ctx<'_>, bits: usize) -> Result<Vec<u8>> {
    let mut key = vec![0u8; bits / 8];
    getrandom::fill(&mut key)
        .map_err(|e| crate::web::util::throw_dom(ctx, "OperationError", &e.to_string()))?;
    Ok(key)
}
