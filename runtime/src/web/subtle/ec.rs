//! ECDSA and ECDH keys on P-256, P-384 and P-521 (RustCrypto `p256`/`p384`/`p521`; secp256k1
//! through `k256` for `node:crypto` only): import and export in raw,
//! spki, pkcs8 and jwk, generation, signatures in the IEEE P1363 form (r || s) Web Crypto uses,
//! and ECDH shared secrets.

use rquickjs::{ArrayBuffer, Ctx, Object, Result, Value};

use super::jwk;
use super::params::{
    bytes, check_usages, data_error, invalid_access, not_supported, string_member,
};
use super::Format;
use crate::web::crypto_key::{CryptoKey, Curve, Hash, KeyData};

/// The same operations for each curve, over that curve's crate.
macro_rules! curve_ops {
    ($module:ident) => {
        pub(crate) mod $module {
            use ::$module::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
            use ::$module::ecdsa::{Signature, SigningKey, VerifyingKey};
            use ::$module::elliptic_curve::sec1::ToEncodedPoint;
            use ::$module::pkcs8::{
                DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey,
            };
            use ::$module::{PublicKey, SecretKey};

            pub fn public_from_sec1(bytes: &[u8]) -> Option<Vec<u8>> {
                let key = PublicKey::from_sec1_bytes(bytes).ok()?;
                Some(key.to_encoded_point(false).as_bytes().to_vec())
            }

            /// A point (compressed or not) re-encoded, compressed or not; `None` if invalid.
            pub fn point_encoding(bytes: &[u8], compressed: bool) -> Option<Vec<u8>> {
                let key = PublicKey::from_sec1_bytes(bytes).ok()?;
                Some(key.to_encoded_point(compressed).as_bytes().to_vec())
            }

            /// A fresh private scalar.
            pub fn random_scalar() -> Vec<u8> {
                SecretKey::random(&mut rand_core::OsRng).to_bytes().to_vec()
            }

            pub fn public_from_spki(der: &[u8]) -> Option<Vec<u8>> {
                let key = PublicKey::from_public_key_der(der).ok()?;
                Some(key.to_encoded_point(false).as_bytes().to_vec())
            }

            pub fn public_to_spki(point: &[u8]) -> Option<Vec<u8>> {
                let key = PublicKey::from_sec1_bytes(point).ok()?;
                Some(key.to_public_key_der().ok()?.as_bytes().to_vec())
            }

            pub fn secret_from_pkcs8(der: &[u8]) -> Option<Vec<u8>> {
                let key = SecretKey::from_pkcs8_der(der).ok()?;
                Some(key.to_bytes().to_vec())
            }

            pub fn secret_to_pkcs8(scalar: &[u8]) -> Option<Vec<u8>> {
                let key = SecretKey::from_slice(scalar).ok()?;
                Some(key.to_pkcs8_der().ok()?.as_bytes().to_vec())
            }

            pub fn public_of(scalar: &[u8]) -> Option<Vec<u8>> {
                let key = SecretKey::from_slice(scalar).ok()?;
                Some(key.public_key().to_encoded_point(false).as_bytes().to_vec())
            }

            pub fn sign_prehash(scalar: &[u8], prehash: &[u8]) -> Option<Vec<u8>> {
                let key = SigningKey::from_slice(scalar).ok()?;
                let sig: Signature = key.sign_prehash(prehash).ok()?;
                Some(sig.to_bytes().to_vec())
            }

            pub fn shared_secret(scalar: &[u8], point: &[u8]) -> Option<Vec<u8>> {
                let secret = SecretKey::from_slice(scalar).ok()?;
                let public = PublicKey::from_sec1_bytes(point).ok()?;
                let shared =
                    ::$module::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine());
                Some(shared.raw_secret_bytes().to_vec())
            }

            pub fn verify_prehash(point: &[u8], prehash: &[u8], sig: &[u8]) -> bool {
                let (Ok(key), Ok(sig)) = (
                    VerifyingKey::from_sec1_bytes(point),
                    Signature::from_slice(sig),
                ) else {
                    return false;
                };
                key.verify_prehash(prehash, &sig).is_ok()
            }
        }
    };
}

curve_ops!(p256);
curve_ops!(p384);
curve_ops!(p521);
curve_ops!(k256);

/// Runs one of the per-curve functions above for a `Curve`.
macro_rules! on_curve {
    ($curve:expr, $f:ident ( $($arg:expr),* )) => {
        match $curve {
            $crate::web::crypto_key::Curve::P256 => $crate::web::subtle::ec::p256::$f($($arg),*),
            $crate::web::crypto_key::Curve::P384 => $crate::web::subtle::ec::p384::$f($($arg),*),
            $crate::web::crypto_key::Curve::P521 => $crate::web::subtle::ec::p521::$f($($arg),*),
            $crate::web::crypto_key::Curve::K256 => $crate::web::subtle::ec::k256::$f($($arg),*),
        }
    };
}
pub(crate) use on_curve;

fn jwk_alg(curve: Curve) -> &'static str {
    match curve {
        Curve::P256 => "ES256",
        Curve::P384 => "ES384",
        Curve::P521 => "ES512",
        Curve::K256 => "ES256K",
    }
}

pub fn named_curve<'js>(ctx: &Ctx<'js>, params: &Option<Object<'js>>) -> Result<Curve> {
    let Some(name) = string_member(params, "namedCurve")? else {
        return Err(rquickjs::Exception::throw_type(
            ctx,
            "EcKeyParams: namedCurve is required",
        ));
    };
    Curve::from_name(&name).ok_or_else(|| not_supported(ctx, &format!("Unsupported curve: {name}")))
}

/// What a key of `name` ("ECDSA" or "ECDH") may be used for.
fn usages_for(name: &str, data: &KeyData) -> &'static [&'static str] {
    match (name, data) {
        ("ECDSA", KeyData::EcPrivate { .. }) => &["sign"],
        ("ECDSA", _) => &["verify"],
        (_, KeyData::EcPrivate { .. }) => &["deriveKey", "deriveBits"],
        _ => &[],
    }
}

pub fn import<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    format: Format,
    data: &Value<'js>,
    params: &Option<Object<'js>>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    let curve = named_curve(ctx, params)?;
    let bad = |what: &str| data_error(ctx, &format!("invalid {} {what}", curve.name()));
    let key = match format {
        Format::RawSecret | Format::RawPublic | Format::RawSeed => {
            return Err(not_supported(
                ctx,
                "these keys do not import in this format",
            ))
        }
        Format::Raw => {
            let point = on_curve!(curve, public_from_sec1(&bytes(ctx, data, "keyData")?))
                .ok_or_else(|| bad("public key"))?;
            KeyData::EcPublic { curve, point }
        }
        Format::Spki => {
            let point = on_curve!(curve, public_from_spki(&bytes(ctx, data, "keyData")?))
                .ok_or_else(|| bad("SubjectPublicKeyInfo"))?;
            KeyData::EcPublic { curve, point }
        }
        Format::Pkcs8 => {
            let scalar = on_curve!(curve, secret_from_pkcs8(&bytes(ctx, data, "keyData")?))
                .ok_or_else(|| bad("PKCS #8 key"))?;
            KeyData::EcPrivate { curve, scalar }
        }
        Format::Jwk => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "EC" {
                return Err(data_error(ctx, "an EC JWK must have kty \"EC\""));
            }
            if jwk.crv.as_deref() != Some(curve.name()) {
                return Err(data_error(ctx, "JWK crv does not match namedCurve"));
            }
            if let Some(alg) = &jwk.alg {
                if name == "ECDSA" && alg != jwk_alg(curve) {
                    return Err(data_error(
                        ctx,
                        &format!("JWK alg {alg} does not match the curve"),
                    ));
                }
            }
            let n = curve.field_len();
            let (Some(x), Some(y)) = (jwk.x, jwk.y) else {
                return Err(data_error(ctx, "an EC JWK needs x and y"));
            };
            if x.len() != n || y.len() != n {
                return Err(bad("JWK coordinates"));
            }
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let point =
                on_curve!(curve, public_from_sec1(&point)).ok_or_else(|| bad("JWK point"))?;
            match jwk.d {
                Some(d) => {
                    if d.len() != n
                        || on_curve!(curve, public_of(&d)).as_deref() != Some(&point[..])
                    {
                        return Err(bad("JWK private key"));
                    }
                    KeyData::EcPrivate { curve, scalar: d }
                }
                None => KeyData::EcPublic { curve, point },
            }
        }
    };
    check_usages(ctx, usages, usages_for(name, &key))?;
    Ok(key)
}

/// A new key pair: (private, public).
/// The public key of a private scalar.
pub fn public_key(data: &KeyData) -> Option<KeyData> {
    let KeyData::EcPrivate { curve, scalar } = data else {
        return None;
    };
    let point = on_curve!(*curve, public_of(scalar))?;
    Some(KeyData::EcPublic {
        curve: *curve,
        point,
    })
}

pub fn generate<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    params: &Option<Object<'js>>,
    usages: &[&'static str],
) -> Result<(KeyData, KeyData)> {
    let curve = named_curve(ctx, params)?;
    let allowed: &[&str] = if name == "ECDSA" {
        &["sign", "verify"]
    } else {
        &["deriveKey", "deriveBits"]
    };
    check_usages(ctx, usages, allowed)?;
    loop {
        let mut scalar = vec![0u8; curve.field_len()];
        getrandom::fill(&mut scalar).map_err(|e| data_error(ctx, &e.to_string()))?;
        // A few scalars (zero, or at least the group order) are not keys: draw again.
        if let Some(point) = on_curve!(curve, public_of(&scalar)) {
            return Ok((
                KeyData::EcPrivate { curve, scalar },
                KeyData::EcPublic { curve, point },
            ));
        }
    }
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let failed = || data_error(ctx, "the key could not be encoded");
    let buffer = |bytes: Vec<u8>| Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value());
    match (&key.data, format) {
        (KeyData::EcPublic { point, .. }, Format::Raw) => buffer(point.clone()),
        (KeyData::EcPublic { curve, point }, Format::Spki) => {
            buffer(on_curve!(*curve, public_to_spki(point)).ok_or_else(failed)?)
        }
        (KeyData::EcPrivate { curve, scalar }, Format::Pkcs8) => {
            buffer(on_curve!(*curve, secret_to_pkcs8(scalar)).ok_or_else(failed)?)
        }
        (KeyData::EcPublic { curve, point }, Format::Jwk) => {
            let obj = jwk::start(ctx, "EC", &key.usages, key.extractable)?;
            set_coordinates(&obj, *curve, point)?;
            Ok(obj.into_value())
        }
        (KeyData::EcPrivate { curve, scalar }, Format::Jwk) => {
            let obj = jwk::start(ctx, "EC", &key.usages, key.extractable)?;
            let point = on_curve!(*curve, public_of(scalar)).ok_or_else(failed)?;
            set_coordinates(&obj, *curve, &point)?;
            obj.set("d", jwk::encode(scalar))?;
            Ok(obj.into_value())
        }
        _ => Err(invalid_access(
            ctx,
            &format!("cannot export a {} key as {format:?}", key.data.kind()),
        )),
    }
}

fn set_coordinates<'js>(obj: &Object<'js>, curve: Curve, point: &[u8]) -> Result<()> {
    let n = curve.field_len();
    obj.set("crv", curve.name())?;
    obj.set("x", jwk::encode(&point[1..1 + n]))?;
    obj.set("y", jwk::encode(&point[1 + n..1 + 2 * n]))?;
    Ok(())
}

/// The message digest as ECDSA's integer input. A digest shorter than the curve's order (SHA-1
/// on P-384) is the same integer with leading zero bytes, which the curve crates accept.
fn prehash(curve: Curve, hash: Hash, message: &[u8]) -> Vec<u8> {
    let digest = hash.digest(message);
    let n = curve.field_len();
    if digest.len() >= n {
        return digest;
    }
    let mut padded = vec![0u8; n - digest.len()];
    padded.extend_from_slice(&digest);
    padded
}

pub fn sign<'js>(ctx: &Ctx<'js>, data: &KeyData, hash: Hash, message: &[u8]) -> Result<Vec<u8>> {
    let KeyData::EcPrivate { curve, scalar } = data else {
        return Err(invalid_access(ctx, "ECDSA signing needs a private key"));
    };
    on_curve!(
        *curve,
        sign_prehash(scalar, &prehash(*curve, hash, message))
    )
    .ok_or_else(|| super::super::util::throw_dom(ctx, "OperationError", "ECDSA signing failed"))
}

pub fn verify<'js>(
    ctx: &Ctx<'js>,
    data: &KeyData,
    hash: Hash,
    signature: &[u8],
    message: &[u8],
) -> Result<bool> {
    let KeyData::EcPublic { curve, point } = data else {
        return Err(invalid_access(ctx, "ECDSA verification needs a public key"));
    };
    if signature.len() != 2 * curve.field_len() {
        return Ok(false);
    }
    Ok(on_curve!(
        *curve,
        verify_prehash(point, &prehash(*curve, hash, message), signature)
    ))
}

/// ECDH: the shared secret of `private` and the peer's `public` key (same curve).
pub fn shared_secret(ctx: &Ctx<'_>, private: &KeyData, public: &KeyData) -> Result<Vec<u8>> {
    let (KeyData::EcPrivate { curve, scalar }, KeyData::EcPublic { curve: peer, point }) =
        (private, public)
    else {
        return Err(invalid_access(
            ctx,
            "ECDH needs a private key and a public key",
        ));
    };
    if curve != peer {
        return Err(invalid_access(ctx, "ECDH keys must be on the same curve"));
    }
    on_curve!(*curve, shared_secret(scalar, point))
        .ok_or_else(|| super::super::util::throw_dom(ctx, "OperationError", "ECDH failed"))
}
