//! Ed25519 keys (`ed25519-dalek`): import and export in raw, spki, pkcs8 and jwk, generation,
//! signing and verification.

use super::params::not_supported;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rquickjs::{ArrayBuffer, Ctx, Object, Result, Value};

use super::jwk;
use super::params::{bytes, check_usages, data_error, invalid_access};
use super::Format;
use crate::web::crypto_key::{CryptoKey, KeyData};

fn usages_for(data: &KeyData) -> &'static [&'static str] {
    match data {
        KeyData::Ed25519Private(_) => &["sign"],
        _ => &["verify"],
    }
}

fn array32<'js>(ctx: &Ctx<'js>, bytes: &[u8], what: &str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| data_error(ctx, &format!("an Ed25519 {what} is 32 bytes")))
}

fn public_checked<'js>(ctx: &Ctx<'js>, bytes: [u8; 32]) -> Result<[u8; 32]> {
    VerifyingKey::from_bytes(&bytes)
        .map(|_| bytes)
        .map_err(|_| data_error(ctx, "invalid Ed25519 public key"))
}

pub fn import<'js>(
    ctx: &Ctx<'js>,
    format: Format,
    data: &Value<'js>,
    _params: &Option<Object<'js>>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    let key = match format {
        Format::RawSecret | Format::RawPublic | Format::RawSeed => {
            return Err(not_supported(
                ctx,
                "these keys do not import in this format",
            ))
        }
        Format::Raw => {
            let raw = array32(ctx, &bytes(ctx, data, "keyData")?, "public key")?;
            KeyData::Ed25519Public(public_checked(ctx, raw)?)
        }
        Format::Spki => {
            let key = VerifyingKey::from_public_key_der(&bytes(ctx, data, "keyData")?)
                .map_err(|_| data_error(ctx, "invalid Ed25519 SubjectPublicKeyInfo"))?;
            KeyData::Ed25519Public(key.to_bytes())
        }
        Format::Pkcs8 => {
            let key = SigningKey::from_pkcs8_der(&bytes(ctx, data, "keyData")?)
                .map_err(|_| data_error(ctx, "invalid Ed25519 PKCS #8 key"))?;
            KeyData::Ed25519Private(key.to_bytes())
        }
        Format::Jwk => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "OKP" {
                return Err(data_error(ctx, "an Ed25519 JWK must have kty \"OKP\""));
            }
            if jwk.crv.as_deref() != Some("Ed25519") {
                return Err(data_error(ctx, "JWK crv must be Ed25519"));
            }
            if let Some(alg) = &jwk.alg {
                if alg != "EdDSA" && alg != "Ed25519" {
                    return Err(data_error(ctx, &format!("JWK alg {alg} is not EdDSA")));
                }
            }
            let x = array32(ctx, &jwk.x.unwrap_or_default(), "public key")?;
            let x = public_checked(ctx, x)?;
            match jwk.d {
                Some(d) => {
                    let d = array32(ctx, &d, "private key")?;
                    if SigningKey::from_bytes(&d).verifying_key().to_bytes() != x {
                        return Err(data_error(ctx, "JWK d does not match x"));
                    }
                    KeyData::Ed25519Private(d)
                }
                None => KeyData::Ed25519Public(x),
            }
        }
    };
    check_usages(ctx, usages, usages_for(&key))?;
    Ok(key)
}

/// A new key pair: (private, public).
/// The public key of a private key.
pub fn public_key(data: &KeyData) -> Option<KeyData> {
    let KeyData::Ed25519Private(seed) = data else {
        return None;
    };
    Some(KeyData::Ed25519Public(
        SigningKey::from_bytes(seed).verifying_key().to_bytes(),
    ))
}

pub fn generate<'js>(ctx: &Ctx<'js>, usages: &[&'static str]) -> Result<(KeyData, KeyData)> {
    check_usages(ctx, usages, &["sign", "verify"])?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| data_error(ctx, &e.to_string()))?;
    let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
    Ok((
        KeyData::Ed25519Private(seed),
        KeyData::Ed25519Public(public),
    ))
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let failed = || data_error(ctx, "the key could not be encoded");
    let buffer = |bytes: Vec<u8>| Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value());
    match (&key.data, format) {
        (KeyData::Ed25519Public(x), Format::Raw) => buffer(x.to_vec()),
        (KeyData::Ed25519Public(x), Format::Spki) => {
            let key = VerifyingKey::from_bytes(x).map_err(|_| failed())?;
            buffer(
                key.to_public_key_der()
                    .map_err(|_| failed())?
                    .as_bytes()
                    .to_vec(),
            )
        }
        (KeyData::Ed25519Private(d), Format::Pkcs8) => {
            let der = SigningKey::from_bytes(d)
                .to_pkcs8_der()
                .map_err(|_| failed())?;
            buffer(der.as_bytes().to_vec())
        }
        (KeyData::Ed25519Public(x), Format::Jwk) => {
            let obj = jwk::start(ctx, "OKP", &key.usages, key.extractable)?;
            obj.set("crv", "Ed25519")?;
            obj.set("x", jwk::encode(x))?;
            Ok(obj.into_value())
        }
        (KeyData::Ed25519Private(d), Format::Jwk) => {
            let obj = jwk::start(ctx, "OKP", &key.usages, key.extractable)?;
            obj.set("crv", "Ed25519")?;
            obj.set(
                "x",
                jwk::encode(&SigningKey::from_bytes(d).verifying_key().to_bytes()),
            )?;
            obj.set("d", jwk::encode(d))?;
            Ok(obj.into_value())
        }
        _ => Err(invalid_access(
            ctx,
            &format!("cannot export a {} key as {format:?}", key.data.kind()),
        )),
    }
}

pub fn sign<'js>(ctx: &Ctx<'js>, data: &KeyData, message: &[u8]) -> Result<Vec<u8>> {
    let KeyData::Ed25519Private(d) = data else {
        return Err(invalid_access(ctx, "Ed25519 signing needs a private key"));
    };
    Ok(SigningKey::from_bytes(d).sign(message).to_bytes().to_vec())
}

pub fn verify<'js>(
    ctx: &Ctx<'js>,
    data: &KeyData,
    signature: &[u8],
    message: &[u8],
) -> Result<bool> {
    let KeyData::Ed25519Public(x) = data else {
        return Err(invalid_access(
            ctx,
            "Ed25519 verification needs a public key",
        ));
    };
    let (Ok(key), Ok(sig)) = (
        VerifyingKey::from_bytes(x),
        Signature::from_slice(signature),
    ) else {
        return Ok(false);
    };
    Ok(key.verify(message, &sig).is_ok())
}
