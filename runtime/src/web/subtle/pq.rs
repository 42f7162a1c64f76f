//! The post-quantum algorithms: ML-KEM-512/768/1024 (FIPS 203; encapsulate and decapsulate)
//! and ML-DSA-44/65/87 (FIPS 204; sign and verify with a context). A private key is kept as
//! its seed (64 bytes d‖z for ML-KEM, 32 bytes ξ for ML-DSA) and expanded per operation; a
//! public key as its encoding. Keys import and export as spki, raw-public, pkcs8 (the seed
//! form), raw-seed and, for ML-DSA, jwk (kty AKP). The arithmetic is RustCrypto's.

use kem::{Decapsulate, Encapsulate};
use ml_dsa::KeyGen;
use ml_kem::{EncodedSizeUser, KemCore};
use rand_core::OsRng;
use rquickjs::{ArrayBuffer, Ctx, Object, Result, Value};

use super::params::{buffer_member, bytes, check_usages, data_error, not_supported};
use super::{der, jwk, Format};
use crate::web::crypto_key::{CryptoKey, KeyData};
use crate::web::util::throw_dom;

const KEM_PUBLIC: [&str; 2] = ["encapsulateKey", "encapsulateBits"];
const KEM_PRIVATE: [&str; 2] = ["decapsulateKey", "decapsulateBits"];
const DSA_PUBLIC: [&str; 1] = ["verify"];
const DSA_PRIVATE: [&str; 1] = ["sign"];

fn is_kem(name: &str) -> bool {
    name.starts_with("ML-KEM")
}

/// The object identifier's DER content (2.16.840.1.101.3.4.4.x and 2.16.840.1.101.3.4.3.x).
fn oid(name: &str) -> [u8; 9] {
    let (arc, last) = match name {
        "ML-KEM-512" => (4, 1),
        "ML-KEM-768" => (4, 2),
        "ML-KEM-1024" => (4, 3),
        "ML-DSA-44" => (3, 17),
        "ML-DSA-65" => (3, 18),
        _ => (3, 19),
    };
    [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, arc, last]
}

fn seed_len(name: &str) -> usize {
    if is_kem(name) {
        64
    } else {
        32
    }
}

fn operation_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    throw_dom(ctx, "OperationError", message)
}

/// Runs `$body` with `$k` the ML-KEM type of `$name`.
macro_rules! with_kem {
    ($name:expr, $k:ident => $body:expr) => {
        match $name {
            "ML-KEM-512" => {
                type $k = ml_kem::MlKem512;
                $body
            }
            "ML-KEM-768" => {
                type $k = ml_kem::MlKem768;
                $body
            }
            _ => {
                type $k = ml_kem::MlKem1024;
                $body
            }
        }
    };
}

/// Runs `$body` with `$p` the ML-DSA parameter set of `$name`.
macro_rules! with_dsa {
    ($name:expr, $p:ident => $body:expr) => {
        match $name {
            "ML-DSA-44" => {
                type $p = ml_dsa::MlDsa44;
                $body
            }
            "ML-DSA-65" => {
                type $p = ml_dsa::MlDsa65;
                $body
            }
            _ => {
                type $p = ml_dsa::MlDsa87;
                $body
            }
        }
    };
}

/// The public key a seed expands to.
fn public_from_seed(name: &str, seed: &[u8]) -> Vec<u8> {
    if is_kem(name) {
        let d = ml_kem::B32::try_from(&seed[..32]).expect("32 bytes");
        let z = ml_kem::B32::try_from(&seed[32..64]).expect("32 bytes");
        with_kem!(name, K => K::generate_deterministic(&d, &z).1.as_bytes().to_vec())
    } else {
        let xi = ml_dsa::B32::try_from(seed).expect("32 bytes");
        with_dsa!(name, P => P::key_gen_internal(&xi).verifying_key().encode().to_vec())
    }
}

/// Checks a public key's encoding: its length and, for ML-KEM, that it re-encodes to itself
/// (the modulus check of FIPS 203 section 7.2).
fn valid_public(name: &str, key: &[u8]) -> bool {
    if is_kem(name) {
        with_kem!(name, K => {
            type Ek = <K as KemCore>::EncapsulationKey;
            match ml_kem::Encoded::<Ek>::try_from(key) {
                Ok(encoded) => Ek::from_bytes(&encoded).as_bytes().as_slice() == key,
                Err(_) => false,
            }
        })
    } else {
        with_dsa!(name, P => ml_dsa::EncodedVerifyingKey::<P>::try_from(key).is_ok())
    }
}

fn usage_sets(name: &str) -> (&'static [&'static str], &'static [&'static str]) {
    if is_kem(name) {
        (&KEM_PUBLIC, &KEM_PRIVATE)
    } else {
        (&DSA_PUBLIC, &DSA_PRIVATE)
    }
}

/// A new key pair: (private, public).
pub fn generate(ctx: &Ctx<'_>, name: &str, usages: &[&'static str]) -> Result<(KeyData, KeyData)> {
    let (public, private) = usage_sets(name);
    let allowed: Vec<&str> = public.iter().chain(private).copied().collect();
    check_usages(ctx, usages, &allowed)?;
    let seed = super::secret::random(ctx, seed_len(name) * 8)?;
    let public = public_from_seed(name, &seed);
    Ok((KeyData::PqPrivate(seed), KeyData::PqPublic(public)))
}

fn import_public(
    ctx: &Ctx<'_>,
    name: &str,
    key: Vec<u8>,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, usage_sets(name).0)?;
    if !valid_public(name, &key) {
        return Err(data_error(ctx, &format!("not a valid {name} public key")));
    }
    Ok(KeyData::PqPublic(key))
}

fn import_seed(
    ctx: &Ctx<'_>,
    name: &str,
    seed: Vec<u8>,
    usages: &[&'static str],
) -> Result<KeyData> {
    check_usages(ctx, usages, usage_sets(name).1)?;
    if seed.len() != seed_len(name) {
        return Err(data_error(
            ctx,
            &format!("an {name} seed is {} bytes", seed_len(name)),
        ));
    }
    Ok(KeyData::PqPrivate(seed))
}

pub fn import(
    ctx: &Ctx<'_>,
    name: &str,
    format: Format,
    data: &Value<'_>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    match format {
        Format::RawPublic => import_public(ctx, name, bytes(ctx, data, "keyData")?, usages),
        Format::RawSeed => import_seed(ctx, name, bytes(ctx, data, "keyData")?, usages),
        Format::Spki => {
            let der_bytes = bytes(ctx, data, "keyData")?;
            let key = der::read_spki(&der_bytes, &oid(name))
                .ok_or_else(|| data_error(ctx, &format!("not an {name} SubjectPublicKeyInfo")))?;
            import_public(ctx, name, key, usages)
        }
        Format::Pkcs8 => {
            let der_bytes = bytes(ctx, data, "keyData")?;
            let inner = der::read_pkcs8(&der_bytes, &oid(name))
                .ok_or_else(|| data_error(ctx, &format!("not an {name} PrivateKeyInfo")))?;
            let seed = der::read_seed_choice(&inner, seed_len(name)).ok_or_else(|| {
                data_error(ctx, "only the seed form of the private key is supported")
            })?;
            import_seed(ctx, name, seed, usages)
        }
        Format::Jwk if !is_kem(name) => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "AKP" || jwk.alg.as_deref() != Some(name) {
                return Err(data_error(
                    ctx,
                    &format!("an {name} JWK has kty AKP and alg {name}"),
                ));
            }
            let public = jwk
                .public
                .ok_or_else(|| data_error(ctx, "the JWK needs pub"))?;
            match jwk.private {
                Some(seed) => {
                    let key = import_seed(ctx, name, seed, usages)?;
                    if let KeyData::PqPrivate(seed) = &key {
                        if public_from_seed(name, seed) != public {
                            return Err(data_error(ctx, "the JWK's pub does not match its priv"));
                        }
                    }
                    Ok(key)
                }
                None => import_public(ctx, name, public, usages),
            }
        }
        _ => Err(not_supported(
            ctx,
            &format!("{name} keys do not import in this format"),
        )),
    }
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let name = key.name;
    let buffer = |b: Vec<u8>| Ok(ArrayBuffer::new(ctx.clone(), b)?.into_value());
    match (&key.data, format) {
        (KeyData::PqPublic(k), Format::RawPublic) => buffer(k.clone()),
        (KeyData::PqPublic(k), Format::Spki) => buffer(der::write_spki(&oid(name), k)),
        (KeyData::PqPrivate(seed), Format::RawSeed) => buffer(seed.clone()),
        (KeyData::PqPrivate(seed), Format::Pkcs8) => {
            buffer(der::write_pkcs8_seed(&oid(name), seed))
        }
        (data, Format::Jwk) if !is_kem(name) => {
            let obj = jwk::start(ctx, "AKP", &key.usages, key.extractable)?;
            obj.set("alg", name)?;
            match data {
                KeyData::PqPrivate(seed) => {
                    obj.set("pub", jwk::encode(&public_from_seed(name, seed)))?;
                    obj.set("priv", jwk::encode(seed))?;
                }
                KeyData::PqPublic(k) => obj.set("pub", jwk::encode(k))?,
                _ => {}
            }
            Ok(obj.into_value())
        }
        _ => Err(throw_dom(
            ctx,
            "InvalidAccessError",
            &format!(
                "this {} key does not export in that format",
                key.data.kind()
            ),
        )),
    }
}

/// The public key of a private key (for `getPublicKey`).
pub fn public_key(name: &str, data: &KeyData) -> Option<KeyData> {
    match data {
        KeyData::PqPrivate(seed) => Some(KeyData::PqPublic(public_from_seed(name, seed))),
        _ => None,
    }
}

/// ML-KEM encapsulation: (shared secret, ciphertext).
pub fn encapsulate(ctx: &Ctx<'_>, name: &str, key: &KeyData) -> Result<(Vec<u8>, Vec<u8>)> {
    let KeyData::PqPublic(key) = key else {
        return Err(data_error(ctx, "not an ML-KEM public key"));
    };
    with_kem!(name, K => {
        type Ek = <K as KemCore>::EncapsulationKey;
        let encoded = ml_kem::Encoded::<Ek>::try_from(key.as_slice())
            .map_err(|_| data_error(ctx, "bad ML-KEM public key"))?;
        let (ct, shared) = Ek::from_bytes(&encoded)
            .encapsulate(&mut OsRng)
            .map_err(|_| operation_error(ctx, "encapsulation failed"))?;
        Ok((shared.to_vec(), ct.to_vec()))
    })
}

/// ML-KEM decapsulation: the shared secret.
pub fn decapsulate(ctx: &Ctx<'_>, name: &str, key: &KeyData, ciphertext: &[u8]) -> Result<Vec<u8>> {
    let KeyData::PqPrivate(seed) = key else {
        return Err(data_error(ctx, "not an ML-KEM private key"));
    };
    let d = ml_kem::B32::try_from(&seed[..32]).expect("32 bytes");
    let z = ml_kem::B32::try_from(&seed[32..64]).expect("32 bytes");
    with_kem!(name, K => {
        let ct = ml_kem::Ciphertext::<K>::try_from(ciphertext)
            .map_err(|_| operation_error(ctx, &format!("an {name} ciphertext has the wrong length")))?;
        let (dk, _) = K::generate_deterministic(&d, &z);
        let shared = dk
            .decapsulate(&ct)
            .map_err(|_| operation_error(ctx, "decapsulation failed"))?;
        Ok(shared.to_vec())
    })
}

/// The `context` member of ML-DSA parameters (at most 255 bytes).
fn context(ctx: &Ctx<'_>, params: &Option<Object<'_>>) -> Result<Vec<u8>> {
    let context = buffer_member(ctx, params, "context")?.unwrap_or_default();
    if context.len() > 255 {
        return Err(operation_error(ctx, "ML-DSA: context is at most 255 bytes"));
    }
    Ok(context)
}

/// An ML-DSA signature (hedged: FIPS 204's randomized signing).
pub fn sign(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    key: &KeyData,
    data: &[u8],
) -> Result<Vec<u8>> {
    let KeyData::PqPrivate(seed) = key else {
        return Err(data_error(ctx, "not an ML-DSA private key"));
    };
    let context = context(ctx, params)?;
    let xi = ml_dsa::B32::try_from(seed.as_slice()).expect("32 bytes");
    with_dsa!(name, P => {
        let pair = P::key_gen_internal(&xi);
        let signature = pair
            .signing_key()
            .sign_randomized(data, &context, &mut OsRng)
            .map_err(|_| operation_error(ctx, "signing failed"))?;
        Ok(signature.encode().to_vec())
    })
}

pub fn verify(
    ctx: &Ctx<'_>,
    name: &str,
    params: &Option<Object<'_>>,
    key: &KeyData,
    signature: &[u8],
    data: &[u8],
) -> Result<bool> {
    let KeyData::PqPublic(key) = key else {
        return Err(data_error(ctx, "not an ML-DSA public key"));
    };
    let context = context(ctx, params)?;
    with_dsa!(name, P => {
        let Ok(encoded) = ml_dsa::EncodedVerifyingKey::<P>::try_from(key.as_slice()) else {
            return Ok(false);
        };
        let Ok(signature) = ml_dsa::Signature::<P>::try_from(signature) else {
            return Ok(false);
        };
        Ok(ml_dsa::VerifyingKey::<P>::decode(&encoded).verify_with_context(data, &context, &signature))
    })
}
