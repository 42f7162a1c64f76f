//! X25519 keys (`x25519-dalek`): import and export in raw, spki, pkcs8 and jwk, generation,
//! and Diffie-Hellman shared secrets for `deriveBits`/`deriveKey`.

use super::params::not_supported;
use rquickjs::{ArrayBuffer, Ctx, Result, Value};
use x25519_dalek::{PublicKey, StaticSecret};

use super::jwk;
use super::params::{bytes, check_usages, data_error, invalid_access};
use super::Format;
use crate::web::crypto_key::{CryptoKey, KeyData};
use crate::web::util::throw_dom;

/// DER prefixes of the only encodings of an X25519 key (RFC 8410, OID 1.3.101.110).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
];
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];

fn usages_for(data: &KeyData) -> &'static [&'static str] {
    match data {
        KeyData::X25519Private(_) => &["deriveKey", "deriveBits"],
        _ => &[],
    }
}

fn array32(ctx: &Ctx<'_>, bytes: &[u8], what: &str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| data_error(ctx, &format!("an X25519 {what} is 32 bytes")))
}

fn der_body<'a>(ctx: &Ctx<'_>, der: &'a [u8], prefix: &[u8], what: &str) -> Result<&'a [u8]> {
    match der.strip_prefix(prefix) {
        Some(body) if body.len() == 32 => Ok(body),
        _ => Err(data_error(ctx, &format!("invalid X25519 {what}"))),
    }
}

fn public_of(secret: &[u8; 32]) -> [u8; 32] {
    PublicKey::from(&StaticSecret::from(*secret)).to_bytes()
}

/// The public key of a private key.
pub fn public_key(data: &KeyData) -> Option<KeyData> {
    let KeyData::X25519Private(secret) = data else {
        return None;
    };
    Some(KeyData::X25519Public(public_of(secret)))
}

pub fn import<'js>(
    ctx: &Ctx<'js>,
    format: Format,
    data: &Value<'js>,
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
            KeyData::X25519Public(array32(ctx, &bytes(ctx, data, "keyData")?, "public key")?)
        }
        Format::Spki => {
            let der = bytes(ctx, data, "keyData")?;
            let body = der_body(ctx, &der, &SPKI_PREFIX, "SubjectPublicKeyInfo")?;
            KeyData::X25519Public(array32(ctx, body, "public key")?)
        }
        Format::Pkcs8 => {
            let der = bytes(ctx, data, "keyData")?;
            let body = der_body(ctx, &der, &PKCS8_PREFIX, "PKCS #8 key")?;
            KeyData::X25519Private(array32(ctx, body, "private key")?)
        }
        Format::Jwk => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "OKP" {
                return Err(data_error(ctx, "an X25519 JWK must have kty \"OKP\""));
            }
            if jwk.crv.as_deref() != Some("X25519") {
                return Err(data_error(ctx, "JWK crv must be X25519"));
            }
            let x = array32(ctx, &jwk.x.unwrap_or_default(), "public key")?;
            match jwk.d {
                Some(d) => {
                    let d = array32(ctx, &d, "private key")?;
                    if public_of(&d) != x {
                        return Err(data_error(ctx, "JWK d does not match x"));
                    }
                    KeyData::X25519Private(d)
                }
                None => KeyData::X25519Public(x),
            }
        }
    };
    check_usages(ctx, usages, usages_for(&key))?;
    Ok(key)
}

/// A new key pair: (private, public).
pub fn generate<'js>(ctx: &Ctx<'js>, usages: &[&'static str]) -> Result<(KeyData, KeyData)> {
    check_usages(ctx, usages, &["deriveKey", "deriveBits"])?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| data_error(ctx, &e.to_string()))?;
    let public = public_of(&secret);
    Ok((
        KeyData::X25519Private(secret),
        KeyData::X25519Public(public),
    ))
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let buffer = |bytes: Vec<u8>| Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value());
    let der = |prefix: &[u8], body: &[u8; 32]| {
        let mut out = prefix.to_vec();
        out.extend_from_slice(body);
        out
    };
    match (&key.data, format) {
        (KeyData::X25519Public(x), Format::Raw) => buffer(x.to_vec()),
        (KeyData::X25519Public(x), Format::Spki) => buffer(der(&SPKI_PREFIX, x)),
        (KeyData::X25519Private(d), Format::Pkcs8) => buffer(der(&PKCS8_PREFIX, d)),
        (KeyData::X25519Public(x), Format::Jwk) => {
            let obj = jwk::start(ctx, "OKP", &key.usages, key.extractable)?;
            obj.set("crv", "X25519")?;
            obj.set("x", jwk::encode(x))?;
            Ok(obj.into_value())
        }
        (KeyData::X25519Private(d), Format::Jwk) => {
            let obj = jwk::start(ctx, "OKP", &key.usages, key.extractable)?;
            obj.set("crv", "X25519")?;
            obj.set("x", jwk::encode(&public_of(d)))?;
            obj.set("d", jwk::encode(d))?;
            Ok(obj.into_value())
        }
        _ => Err(invalid_access(
            ctx,
            &format!(
                "cannot export an X25519 {} key as {format:?}",
                key.data.kind()
            ),
        )),
    }
}

/// The shared secret of `private` and the peer's `public` key. An all-zero result (a
/// small-order public key) is an OperationError, as the spec requires.
pub fn shared_secret(ctx: &Ctx<'_>, private: &KeyData, public: &KeyData) -> Result<Vec<u8>> {
    let (KeyData::X25519Private(d), KeyData::X25519Public(x)) = (private, public) else {
        return Err(invalid_access(
            ctx,
            "X25519 needs a private key and a public key",
        ));
    };
    let shared = StaticSecret::from(*d).diffie_hellman(&PublicKey::from(*x));
    if !shared.was_contributory() {
        return Err(throw_dom(
            ctx,
            "OperationError",
            "X25519: the public key is of small order",
        ));
    }
    Ok(shared.as_bytes().to_vec())
}
