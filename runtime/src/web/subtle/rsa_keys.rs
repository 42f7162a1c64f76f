//! RSA keys (RustCrypto `rsa`) for RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP: import and export
//! in spki, pkcs8 and jwk, generation, signatures, and OAEP encryption. OAEP's padding is done
//! here over the crate's raw primitives, because Web Crypto labels are arbitrary bytes.

use rquickjs::{ArrayBuffer, Ctx, Object, Result, TypedArray, Value};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};

use super::jwk;
use super::params::{
    bytes, check_usages, data_error, hash_member, invalid_access, not_supported, number_member,
};
use super::Format;
use crate::web::crypto_key::{CryptoKey, Hash, KeyData};
use crate::web::util::{buffer_source_bytes, throw_dom};

/// The largest modulus `generateKey` makes: generation time grows with the cube of the size,
/// and it runs on the isolate's thread.
const MAX_GENERATED_BITS: usize = 8192;
/// The largest modulus accepted on import (the crate's own ceiling for public keys is 4096).
const MAX_IMPORTED_BITS: usize = 16384;

fn operation_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    throw_dom(ctx, "OperationError", message)
}

/// What a key of algorithm `name` may be used for.
fn usages_for(name: &str, private: bool) -> &'static [&'static str] {
    match (name, private) {
        ("RSA-OAEP", true) => &["decrypt", "unwrapKey"],
        ("RSA-OAEP", false) => &["encrypt", "wrapKey"],
        (_, true) => &["sign"],
        (_, false) => &["verify"],
    }
}

/// The JWK `alg` for an algorithm and hash.
fn jwk_alg(name: &str, hash: Hash) -> &'static str {
    let bits = match hash {
        Hash::Sha1 => 1,
        Hash::Sha256 => 256,
        Hash::Sha384 => 384,
        Hash::Sha512 => 512,
    };
    match (name, bits) {
        ("RSASSA-PKCS1-v1_5", 1) => "RS1",
        ("RSASSA-PKCS1-v1_5", 256) => "RS256",
        ("RSASSA-PKCS1-v1_5", 384) => "RS384",
        ("RSASSA-PKCS1-v1_5", _) => "RS512",
        ("RSA-PSS", 1) => "PS1",
        ("RSA-PSS", 256) => "PS256",
        ("RSA-PSS", 384) => "PS384",
        ("RSA-PSS", _) => "PS512",
        (_, 1) => "RSA-OAEP",
        (_, 256) => "RSA-OAEP-256",
        (_, 384) => "RSA-OAEP-384",
        _ => "RSA-OAEP-512",
    }
}

fn uint(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

fn checked_public(ctx: &Ctx<'_>, key: RsaPublicKey) -> Result<RsaPublicKey> {
    if key.n().bits() > MAX_IMPORTED_BITS {
        return Err(data_error(ctx, "the RSA modulus is too large"));
    }
    Ok(key)
}

fn public_from_spki(ctx: &Ctx<'_>, der: &[u8]) -> Result<RsaPublicKey> {
    // The crate's decoder refuses moduli over 4096 bits; read the parts and allow more.
    let spki = rsa::pkcs8::SubjectPublicKeyInfoRef::try_from(der)
        .map_err(|_| data_error(ctx, "invalid RSA SubjectPublicKeyInfo"))?;
    if spki.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
        return Err(data_error(
            ctx,
            "the SubjectPublicKeyInfo is not an RSA key",
        ));
    }
    match RsaPublicKey::from_public_key_der(der) {
        Ok(key) => checked_public(ctx, key),
        Err(_) => {
            let bits = spki
                .subject_public_key
                .as_bytes()
                .ok_or_else(|| data_error(ctx, "invalid RSA public key"))?;
            let pk = rsa::pkcs1::RsaPublicKey::try_from(bits)
                .map_err(|_| data_error(ctx, "invalid RSA public key"))?;
            let key = RsaPublicKey::new_with_max_size(
                uint(pk.modulus.as_bytes()),
                uint(pk.public_exponent.as_bytes()),
                MAX_IMPORTED_BITS,
            )
            .map_err(|_| data_error(ctx, "invalid RSA public key"))?;
            checked_public(ctx, key)
        }
    }
}

/// Imports an RSA key for `name` ("RSASSA-PKCS1-v1_5", "RSA-PSS" or "RSA-OAEP").
pub fn import<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    format: Format,
    data: &Value<'js>,
    params: &Option<Object<'js>>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<KeyData> {
    let hash = hash_member(ctx, params)?;
    let key = match format {
        Format::RawSecret | Format::RawPublic | Format::RawSeed => {
            return Err(not_supported(
                ctx,
                "these keys do not import in this format",
            ))
        }
        Format::Raw => {
            return Err(not_supported(ctx, "RSA keys cannot be imported as raw"));
        }
        Format::Spki => {
            let public = public_from_spki(ctx, &bytes(ctx, data, "keyData")?)?;
            KeyData::RsaPublic { key: public, hash }
        }
        Format::Pkcs8 => {
            let der = bytes(ctx, data, "keyData")?;
            let private = RsaPrivateKey::from_pkcs8_der(&der)
                .map_err(|_| data_error(ctx, "invalid RSA PKCS #8 key"))?;
            if private.n().bits() > MAX_IMPORTED_BITS {
                return Err(data_error(ctx, "the RSA modulus is too large"));
            }
            KeyData::RsaPrivate {
                key: Box::new(private),
                hash,
            }
        }
        Format::Jwk => {
            let jwk = jwk::read(ctx, data, extractable, usages)?;
            if jwk.kty != "RSA" {
                return Err(data_error(ctx, "an RSA JWK must have kty \"RSA\""));
            }
            if let Some(alg) = &jwk.alg {
                if alg != jwk_alg(name, hash) {
                    return Err(data_error(
                        ctx,
                        &format!("JWK alg {alg} does not match {name} with {}", hash.name()),
                    ));
                }
            }
            let (Some(n), Some(e)) = (&jwk.n, &jwk.e) else {
                return Err(data_error(ctx, "an RSA JWK needs n and e"));
            };
            match &jwk.d {
                None => {
                    let public =
                        RsaPublicKey::new_with_max_size(uint(n), uint(e), MAX_IMPORTED_BITS)
                            .map_err(|_| data_error(ctx, "invalid RSA JWK public key"))?;
                    KeyData::RsaPublic { key: public, hash }
                }
                Some(d) => {
                    let (Some(p), Some(q)) = (&jwk.p, &jwk.q) else {
                        return Err(data_error(
                            ctx,
                            "an RSA private JWK needs p and q (and dp, dq, qi)",
                        ));
                    };
                    if jwk.dp.is_none() || jwk.dq.is_none() || jwk.qi.is_none() {
                        return Err(data_error(ctx, "an RSA private JWK needs dp, dq and qi"));
                    }
                    if uint(n).bits() > MAX_IMPORTED_BITS {
                        return Err(data_error(ctx, "the RSA modulus is too large"));
                    }
                    let private = RsaPrivateKey::from_components(
                        uint(n),
                        uint(e),
                        uint(d),
                        vec![uint(p), uint(q)],
                    )
                    .map_err(|_| data_error(ctx, "invalid RSA JWK private key"))?;
                    private
                        .validate()
                        .map_err(|_| data_error(ctx, "inconsistent RSA JWK private key"))?;
                    KeyData::RsaPrivate {
                        key: Box::new(private),
                        hash,
                    }
                }
            }
        }
    };
    let private = matches!(key, KeyData::RsaPrivate { .. });
    check_usages(ctx, usages, usages_for(name, private))?;
    Ok(key)
}

/// A new key pair: (private, public).
pub fn generate<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    params: &Option<Object<'js>>,
    usages: &[&'static str],
) -> Result<(KeyData, KeyData)> {
    let bits = number_member(params, "modulusLength")?.ok_or_else(|| {
        rquickjs::Exception::throw_type(ctx, "RsaHashedKeyGenParams: modulusLength is required")
    })?;
    let exponent: Value = match params {
        Some(p) => p.get("publicExponent")?,
        None => Value::new_undefined(ctx.clone()),
    };
    let Some(exponent) = TypedArray::<u8>::from_value(exponent.clone())
        .ok()
        .and_then(|a| buffer_source_bytes(&a.into_value()))
    else {
        return Err(rquickjs::Exception::throw_type(
            ctx,
            "RsaHashedKeyGenParams: publicExponent must be a Uint8Array",
        ));
    };
    let hash = hash_member(ctx, params)?;
    let mut allowed: Vec<&str> = usages_for(name, true).to_vec();
    allowed.extend_from_slice(usages_for(name, false));
    check_usages(ctx, usages, &allowed)?;
    let exponent = uint(&exponent[..]);
    // Like the browsers: 3 or 65537, and a modulus that is a whole number of bytes.
    if exponent != BigUint::from(3u32) && exponent != BigUint::from(65537u32) {
        return Err(operation_error(ctx, "publicExponent must be 3 or 65537"));
    }
    let bits = bits as usize;
    if !(256..=MAX_GENERATED_BITS).contains(&bits) || !bits.is_multiple_of(8) {
        return Err(operation_error(
            ctx,
            &format!("modulusLength must be a multiple of 8 from 256 to {MAX_GENERATED_BITS}"),
        ));
    }
    let private = RsaPrivateKey::new_with_exp(&mut rand_core::OsRng, bits, &exponent)
        .map_err(|e| operation_error(ctx, &format!("RSA key generation failed: {e}")))?;
    let public = private.to_public_key();
    Ok((
        KeyData::RsaPrivate {
            key: Box::new(private),
            hash,
        },
        KeyData::RsaPublic { key: public, hash },
    ))
}

pub fn export<'js>(ctx: &Ctx<'js>, key: &CryptoKey<'js>, format: Format) -> Result<Value<'js>> {
    let failed = || data_error(ctx, "the key could not be encoded");
    let buffer = |bytes: Vec<u8>| Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value());
    match (&key.data, format) {
        (KeyData::RsaPublic { key: public, .. }, Format::Spki) => {
            let der = public.to_public_key_der().map_err(|_| failed())?;
            buffer(der.as_bytes().to_vec())
        }
        (KeyData::RsaPrivate { key: private, .. }, Format::Pkcs8) => {
            let der = private.to_pkcs8_der().map_err(|_| failed())?;
            buffer(der.as_bytes().to_vec())
        }
        (KeyData::RsaPublic { key: public, hash }, Format::Jwk) => {
            let obj = jwk::start(ctx, "RSA", &key.usages, key.extractable)?;
            obj.set("alg", jwk_alg(key.name, *hash))?;
            obj.set("n", jwk::encode(&public.n().to_bytes_be()))?;
            obj.set("e", jwk::encode(&public.e().to_bytes_be()))?;
            Ok(obj.into_value())
        }
        (KeyData::RsaPrivate { key: private, hash }, Format::Jwk) => {
            let obj = jwk::start(ctx, "RSA", &key.usages, key.extractable)?;
            obj.set("alg", jwk_alg(key.name, *hash))?;
            obj.set("n", jwk::encode(&private.n().to_bytes_be()))?;
            obj.set("e", jwk::encode(&private.e().to_bytes_be()))?;
            obj.set("d", jwk::encode(&private.d().to_bytes_be()))?;
            let primes = private.primes();
            if primes.len() != 2 {
                return Err(not_supported(
                    ctx,
                    "multi-prime RSA keys cannot be exported",
                ));
            }
            obj.set("p", jwk::encode(&primes[0].to_bytes_be()))?;
            obj.set("q", jwk::encode(&primes[1].to_bytes_be()))?;
            let (Some(dp), Some(dq), Some(qi)) =
                (private.dp(), private.dq(), private.crt_coefficient())
            else {
                return Err(failed());
            };
            obj.set("dp", jwk::encode(&dp.to_bytes_be()))?;
            obj.set("dq", jwk::encode(&dq.to_bytes_be()))?;
            obj.set("qi", jwk::encode(&qi.to_bytes_be()))?;
            Ok(obj.into_value())
        }
        _ => Err(invalid_access(
            ctx,
            &format!("cannot export an RSA {} key as {format:?}", key.data.kind()),
        )),
    }
}

/// The padding schemes, per hash, through the crate's generic constructors.
macro_rules! per_hash {
    ($hash:expr, $make:ident $(, $arg:expr)*) => {
        match $hash {
            Hash::Sha1 => $make::<sha1::Sha1>($($arg),*),
            Hash::Sha256 => $make::<sha2::Sha256>($($arg),*),
            Hash::Sha384 => $make::<sha2::Sha384>($($arg),*),
            Hash::Sha512 => $make::<sha2::Sha512>($($arg),*),
        }
    };
}

fn pkcs1<D: rsa::sha2::digest::Digest + rsa::pkcs8::AssociatedOid>() -> Pkcs1v15Sign {
    Pkcs1v15Sign::new::<D>()
}

fn pss<D: 'static + rsa::sha2::digest::Digest + rsa::sha2::digest::DynDigest + Send + Sync>(
    salt: usize,
) -> Pss {
    Pss::new_with_salt::<D>(salt)
}

/// The `saltLength` of RsaPssParams.
fn salt_length(ctx: &Ctx<'_>, params: &Option<Object<'_>>) -> Result<usize> {
    match number_member(params, "saltLength")? {
        Some(n) if n >= 0.0 && n.is_finite() => Ok(n as usize),
        Some(_) => Err(rquickjs::Exception::throw_type(
            ctx,
            "RsaPssParams: saltLength must be a non-negative integer",
        )),
        None => Err(rquickjs::Exception::throw_type(
            ctx,
            "RsaPssParams: saltLength is required",
        )),
    }
}

pub fn sign<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    params: &Option<Object<'js>>,
    data: &KeyData,
    message: &[u8],
) -> Result<Vec<u8>> {
    let KeyData::RsaPrivate { key, hash } = data else {
        return Err(invalid_access(ctx, "RSA signing needs a private key"));
    };
    let digest = hash.digest(message);
    let signed = if name == "RSA-PSS" {
        let salt = salt_length(ctx, params)?;
        let max = key.size().saturating_sub(digest.len() + 2);
        if salt > max {
            return Err(operation_error(
                ctx,
                "RSA-PSS: saltLength is too long for the key",
            ));
        }
        key.sign_with_rng(&mut rand_core::OsRng, per_hash!(*hash, pss, salt), &digest)
    } else {
        key.sign(per_hash!(*hash, pkcs1), &digest)
    };
    signed.map_err(|e| operation_error(ctx, &format!("RSA signing failed: {e}")))
}

pub fn verify<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    params: &Option<Object<'js>>,
    data: &KeyData,
    signature: &[u8],
    message: &[u8],
) -> Result<bool> {
    let KeyData::RsaPublic { key, hash } = data else {
        return Err(invalid_access(ctx, "RSA verification needs a public key"));
    };
    let digest = hash.digest(message);
    if name == "RSA-PSS" {
        let salt = salt_length(ctx, params)?;
        Ok(key
            .verify(per_hash!(*hash, pss, salt), &digest, signature)
            .is_ok())
    } else {
        Ok(key
            .verify(per_hash!(*hash, pkcs1), &digest, signature)
            .is_ok())
    }
}

/// MGF1 (RFC 8017 B.2.1) over `hash`.
fn mgf1(hash: Hash, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut counter = 0u32;
    while out.len() < len {
        let mut input = seed.to_vec();
        input.extend_from_slice(&counter.to_be_bytes());
        out.extend_from_slice(&hash.digest(&input));
        counter += 1;
    }
    out.truncate(len);
    out
}

/// The OAEP `label`, empty when absent.
fn label(ctx: &Ctx<'_>, params: &Option<Object<'_>>) -> Result<Vec<u8>> {
    let value: Value = match params {
        Some(p) => p.get("label")?,
        None => return Ok(Vec::new()),
    };
    if value.is_undefined() {
        return Ok(Vec::new());
    }
    bytes(ctx, &value, "RsaOaepParams.label")
}

/// RSA-OAEP encryption (RSAES-OAEP-ENCRYPT, RFC 8017 7.1.1) or decryption (7.1.2).
pub fn crypt<'js>(
    ctx: &Ctx<'js>,
    params: &Option<Object<'js>>,
    data: &KeyData,
    input: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    let label = label(ctx, params)?;
    match (data, decrypt) {
        (KeyData::RsaPublic { key, hash }, false) => oaep_encrypt(ctx, key, *hash, &label, input),
        (KeyData::RsaPrivate { key, hash }, true) => oaep_decrypt(ctx, key, *hash, &label, input),
        _ => Err(invalid_access(
            ctx,
            "RSA-OAEP encrypts with a public key and decrypts with a private key",
        )),
    }
}

fn oaep_encrypt(
    ctx: &Ctx<'_>,
    key: &RsaPublicKey,
    hash: Hash,
    label: &[u8],
    message: &[u8],
) -> Result<Vec<u8>> {
    let k = key.size();
    let h_len = hash.digest(b"").len();
    if k < 2 * h_len + 2 || message.len() > k - 2 * h_len - 2 {
        return Err(operation_error(
            ctx,
            "RSA-OAEP: the message is too long for the key",
        ));
    }
    let mut db = hash.digest(label);
    db.resize(k - message.len() - h_len - 2, 0);
    db.push(1);
    db.extend_from_slice(message);
    let mut seed = vec![0u8; h_len];
    getrandom::fill(&mut seed).map_err(|e| operation_error(ctx, &e.to_string()))?;
    for (b, m) in db.iter_mut().zip(mgf1(hash, &seed, k - h_len - 1)) {
        *b ^= m;
    }
    for (b, m) in seed.iter_mut().zip(mgf1(hash, &db, h_len)) {
        *b ^= m;
    }
    let mut em = Vec::with_capacity(k);
    em.push(0);
    em.extend_from_slice(&seed);
    em.extend_from_slice(&db);
    let c = rsa::hazmat::rsa_encrypt(key, &uint(&em))
        .map_err(|e| operation_error(ctx, &format!("RSA-OAEP: {e}")))?;
    Ok(left_pad(c.to_bytes_be(), k))
}

fn left_pad(bytes: Vec<u8>, len: usize) -> Vec<u8> {
    if bytes.len() >= len {
        return bytes;
    }
    let mut out = vec![0u8; len - bytes.len()];
    out.extend_from_slice(&bytes);
    out
}

fn oaep_decrypt(
    ctx: &Ctx<'_>,
    key: &RsaPrivateKey,
    hash: Hash,
    label: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>> {
    // One error for every way decryption can fail, so that failures do not tell them apart.
    let failed = || operation_error(ctx, "RSA-OAEP decryption failed");
    let k = key.size();
    let h_len = hash.digest(b"").len();
    if ciphertext.len() != k || k < 2 * h_len + 2 {
        return Err(failed());
    }
    let c = uint(ciphertext);
    if &c >= key.n() {
        return Err(failed());
    }
    let m = rsa::hazmat::rsa_decrypt_and_check(key, Some(&mut rand_core::OsRng), &c)
        .map_err(|_| failed())?;
    let em = left_pad(m.to_bytes_be(), k);
    let (masked_seed, masked_db) = em[1..].split_at(h_len);
    let mut seed = masked_seed.to_vec();
    for (b, m) in seed.iter_mut().zip(mgf1(hash, masked_db, h_len)) {
        *b ^= m;
    }
    let mut db = masked_db.to_vec();
    for (b, m) in db.iter_mut().zip(mgf1(hash, &seed, k - h_len - 1)) {
        *b ^= m;
    }
    // Check everything before deciding, without an early exit on the secret-dependent parts.
    let l_hash = hash.digest(label);
    let mut bad = em[0] as usize;
    for (a, b) in db[..h_len].iter().zip(&l_hash) {
        bad |= (a ^ b) as usize;
    }
    let mut separator = None;
    let mut nonzero_before = 0usize;
    for (i, byte) in db[h_len..].iter().enumerate() {
        if separator.is_none() {
            match byte {
                0 => {}
                1 => separator = Some(h_len + i),
                _ => nonzero_before = 1,
            }
        }
    }
    bad |= nonzero_before;
    match separator {
        Some(at) if bad == 0 => Ok(db[at + 1..].to_vec()),
        _ => Err(failed()),
    }
}
