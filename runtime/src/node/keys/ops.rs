//! What keys do: sign and verify (RSA PKCS#1 v1.5 and PSS, ECDSA in DER or IEEE P1363 form,
//! Ed25519), RSA encryption (`publicEncrypt` and friends, with OAEP, PKCS#1 v1.5 or no
//! padding), Diffie-Hellman agreement (ECDH, X25519) and key generation.

use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pkcs1v15Encrypt, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};

use super::asn1::{self, INTEGER};
use super::codec::{digest_name, digest_oid};
use super::material::{
    ec_public_of, ed25519_public_of, x25519_public_of, ErrorClass, KeyError, Material, PssParams,
};
use crate::web::crypto_key::Curve;
use crate::web::hash_sync::digest;
use crate::web::subtle::ec::on_curve;

pub const RSA_PKCS1_PADDING: i32 = 1;
pub const RSA_NO_PADDING: i32 = 3;
pub const RSA_PKCS1_OAEP_PADDING: i32 = 4;
pub const RSA_PKCS1_PSS_PADDING: i32 = 6;
pub const RSA_PSS_SALTLEN_DIGEST: i32 = -1;
/// Also RSA_PSS_SALTLEN_AUTO when verifying.
pub const RSA_PSS_SALTLEN_MAX_SIGN: i32 = -2;

fn not_for_key_type() -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_OSSL_EVP_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE",
        "error:1C8000A6:Provider routines::operation not supported for this keytype",
    )
}

fn bad_padding() -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_OSSL_RSA_ILLEGAL_OR_UNSUPPORTED_PADDING_MODE",
        "error:1C8000A5:Provider routines::illegal or unsupported padding mode",
    )
}

fn too_large() -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_KEY_SIZE",
        "error:0200006E:rsa routines::data too large for key size",
    )
}

fn invalid_digest(name: &str) -> KeyError {
    KeyError::new(
        ErrorClass::TypeError,
        "ERR_CRYPTO_INVALID_DIGEST",
        format!("Invalid digest: {name}"),
    )
}

fn hash(name: &str, data: &[u8]) -> Vec<u8> {
    digest(name, data).unwrap_or_default()
}

fn mgf1(name: &str, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut counter = 0u32;
    while out.len() < len {
        out.extend(hash(name, &[seed, &counter.to_be_bytes()].concat()));
        counter += 1;
    }
    out.truncate(len);
    out
}

fn random(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    let _ = getrandom::fill(&mut out);
    out
}

fn i2osp(n: &BigUint, len: usize) -> Option<Vec<u8>> {
    let bytes = n.to_bytes_be();
    if bytes.len() > len {
        return None;
    }
    let mut out = vec![0u8; len - bytes.len()];
    out.extend(bytes);
    Some(out)
}

fn rsa_private_op(key: &RsaPrivateKey, em: &[u8]) -> Result<Vec<u8>, KeyError> {
    let m = BigUint::from_bytes_be(em);
    if &m >= key.n() {
        return Err(KeyError::invalid("data too large for modulus"));
    }
    let s = rsa::hazmat::rsa_decrypt_and_check(key, Some(&mut rand_core::OsRng), &m)
        .map_err(|_| KeyError::invalid("RSA operation failed"))?;
    i2osp(&s, key.size()).ok_or_else(|| KeyError::invalid("RSA operation failed"))
}

fn rsa_public_op(key: &RsaPublicKey, data: &[u8]) -> Option<Vec<u8>> {
    let c = BigUint::from_bytes_be(data);
    if data.len() != key.size() || &c >= key.n() {
        return None;
    }
    let m = rsa::hazmat::rsa_encrypt(key, &c).ok()?;
    i2osp(&m, key.size())
}

/// How to sign or verify, from Node's options.
pub struct SignOptions {
    /// Canonical digest name; `None` for the key type's default (or none, for Ed25519).
    pub digest: Option<&'static str>,
    pub padding: Option<i32>,
    pub salt_length: Option<i32>,
    /// `dsaEncoding: 'ieee-p1363'` (else DER).
    pub p1363: bool,
}

fn pss_salt(
    opt: Option<i32>,
    em_len: usize,
    h_len: usize,
    signing: bool,
) -> Result<Option<usize>, KeyError> {
    let max = em_len
        .checked_sub(h_len + 2)
        .ok_or_else(|| KeyError::invalid("key too small"))?;
    let chosen = match opt {
        Some(RSA_PSS_SALTLEN_DIGEST) => Some(h_len),
        Some(RSA_PSS_SALTLEN_MAX_SIGN) | None if signing => Some(max),
        Some(RSA_PSS_SALTLEN_MAX_SIGN) | None => None,
        Some(n) if n >= 0 => Some(n as usize),
        Some(_) => return Err(KeyError::invalid("invalid salt length")),
    };
    if chosen.is_some_and(|s| s > max) {
        return Err(KeyError::invalid("data too large for key size"));
    }
    Ok(chosen)
}

fn pss_sign(
    key: &RsaPrivateKey,
    name: &str,
    mgf: &str,
    m_hash: &[u8],
    salt_len: usize,
) -> Result<Vec<u8>, KeyError> {
    let mod_bits = key.n().bits();
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let h_len = m_hash.len();
    let salt = random(salt_len);
    let h = hash(name, &[&[0u8; 8][..], m_hash, &salt].concat());
    let mut db = vec![0u8; em_len - salt_len - h_len - 2];
    db.push(1);
    db.extend_from_slice(&salt);
    let mask = mgf1(mgf, &h, db.len());
    for (b, m) in db.iter_mut().zip(mask) {
        *b ^= m;
    }
    db[0] &= 0xff >> (8 * em_len - em_bits);
    let mut em = db;
    em.extend(h);
    em.push(0xbc);
    rsa_private_op(key, &em)
}

fn pss_verify(
    key: &RsaPublicKey,
    name: &str,
    mgf: &str,
    m_hash: &[u8],
    sig: &[u8],
    salt_len: Option<usize>,
) -> bool {
    let Some(m) = rsa_public_op(key, sig) else {
        return false;
    };
    let em_bits = key.n().bits() - 1;
    let em_len = em_bits.div_ceil(8);
    let h_len = m_hash.len();
    let em = &m[m.len() - em_len..];
    if m.len() > em_len && m[0] != 0 {
        return false;
    }
    if em_len < h_len + 2 || em[em_len - 1] != 0xbc {
        return false;
    }
    let (masked, rest) = em.split_at(em_len - h_len - 1);
    let h = &rest[..h_len];
    let top = 0xffu8 >> (8 * em_len - em_bits);
    if masked[0] & !top != 0 {
        return false;
    }
    let mut db: Vec<u8> = masked
        .iter()
        .zip(mgf1(mgf, h, masked.len()))
        .map(|(a, b)| a ^ b)
        .collect();
    db[0] &= top;
    let Some(one) = db.iter().position(|b| *b != 0) else {
        return false;
    };
    if db[one] != 1 {
        return false;
    }
    let salt = &db[one + 1..];
    if salt_len.is_some_and(|s| s != salt.len()) {
        return false;
    }
    hash(name, &[&[0u8; 8][..], m_hash, salt].concat()) == h
}

const MD5_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05];

/// PKCS#1 v1.5 signature scheme for `name`: the DigestInfo prefix.
fn pkcs1_scheme(name: &str, h_len: usize) -> Pkcs1v15Sign {
    let oid = match name {
        "md5" => MD5_OID,
        _ => digest_oid(name).unwrap_or_default(),
    };
    let full = asn1::seq(&[
        &asn1::algorithm(oid, Some(&[0x05, 0x00])),
        &asn1::octets(&vec![0u8; h_len]),
    ]);
    Pkcs1v15Sign {
        hash_len: Some(h_len),
        prefix: full[..full.len() - h_len].to_vec().into_boxed_slice(),
    }
}

fn ec_prehash(curve: Curve, d: Vec<u8>) -> Vec<u8> {
    let n = curve.field_len();
    if d.len() >= n {
        return d;
    }
    let mut padded = vec![0u8; n - d.len()];
    padded.extend(d);
    padded
}

fn der_signature(raw: &[u8]) -> Vec<u8> {
    let (r, s) = raw.split_at(raw.len() / 2);
    asn1::seq(&[&asn1::uint(r), &asn1::uint(s)])
}

fn raw_signature(der: &[u8], n: usize) -> Option<Vec<u8>> {
    let mut seq = asn1::sequence(der)?;
    let mut out = Vec::with_capacity(2 * n);
    for _ in 0..2 {
        let int = seq.take(INTEGER)?;
        let start = int.iter().take_while(|b| **b == 0).count();
        let v = &int[start..];
        if v.len() > n {
            return None;
        }
        out.extend(std::iter::repeat_n(0u8, n - v.len()));
        out.extend_from_slice(v);
    }
    seq.is_empty().then_some(out)
}

fn rsa_padding(pss: &Option<PssParams>, padding: Option<i32>) -> Result<i32, KeyError> {
    match (pss, padding) {
        (Some(_), None | Some(RSA_PKCS1_PSS_PADDING)) => Ok(RSA_PKCS1_PSS_PADDING),
        (Some(_), Some(_)) => Err(bad_padding()),
        (None, None) => Ok(RSA_PKCS1_PADDING),
        (None, Some(p @ (RSA_PKCS1_PADDING | RSA_PKCS1_PSS_PADDING))) => Ok(p),
        (None, Some(_)) => Err(bad_padding()),
    }
}

/// A signature of `data` by the private key `key`.
pub fn sign(key: &Material, data: &[u8], opts: &SignOptions) -> Result<Vec<u8>, KeyError> {
    match key {
        Material::Rsa {
            private: Some(k),
            pss,
            ..
        } => {
            let name = opts
                .digest
                .or(pss.as_ref().and_then(|p| p.hash))
                .unwrap_or("sha256");
            let m_hash = hash(name, data);
            match rsa_padding(pss, opts.padding)? {
                RSA_PKCS1_PSS_PADDING => {
                    let mgf = pss.as_ref().and_then(|p| p.mgf1).unwrap_or(name);
                    let em_len = (k.n().bits() - 1).div_ceil(8);
                    let salt = pss_salt(opts.salt_length, em_len, m_hash.len(), true)?.unwrap_or(0);
                    pss_sign(k, name, mgf, &m_hash, salt)
                }
                _ => k
                    .sign(pkcs1_scheme(name, m_hash.len()), &m_hash)
                    .map_err(|_| KeyError::invalid("digest too big for rsa key")),
            }
        }
        Material::Ec {
            curve,
            scalar: Some(s),
            ..
        } => {
            let name = opts.digest.unwrap_or("sha256");
            let raw = on_curve!(
                *curve,
                sign_prehash(s, &ec_prehash(*curve, hash(name, data)))
            )
            .ok_or_else(|| KeyError::invalid("ECDSA signing failed"))?;
            Ok(if opts.p1363 { raw } else { der_signature(&raw) })
        }
        Material::Ed25519 {
            secret: Some(s), ..
        } => {
            if let Some(d) = opts.digest {
                return Err(invalid_digest(d));
            }
            use ed25519_dalek::Signer;
            Ok(ed25519_dalek::SigningKey::from_bytes(s)
                .sign(data)
                .to_bytes()
                .to_vec())
        }
        Material::Secret(_) => Err(KeyError::new(
            ErrorClass::TypeError,
            "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE",
            "Invalid key object type secret, expected private.",
        )),
        m if !m.is_private() => Err(KeyError::new(
            ErrorClass::TypeError,
            "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE",
            "Invalid key object type public, expected private.",
        )),
        _ => Err(not_for_key_type()),
    }
}

/// Whether `signature` is `key`'s (public or private) signature of `data`.
pub fn verify(
    key: &Material,
    data: &[u8],
    signature: &[u8],
    opts: &SignOptions,
) -> Result<bool, KeyError> {
    match key {
        Material::Rsa { public, pss, .. } => {
            let name = opts
                .digest
                .or(pss.as_ref().and_then(|p| p.hash))
                .unwrap_or("sha256");
            let m_hash = hash(name, data);
            Ok(match rsa_padding(pss, opts.padding)? {
                RSA_PKCS1_PSS_PADDING => {
                    let mgf = pss.as_ref().and_then(|p| p.mgf1).unwrap_or(name);
                    let em_len = (public.n().bits() - 1).div_ceil(8);
                    let salt = pss_salt(opts.salt_length, em_len, m_hash.len(), false)?;
                    pss_verify(public, name, mgf, &m_hash, signature, salt)
                }
                _ => public
                    .verify(pkcs1_scheme(name, m_hash.len()), &m_hash, signature)
                    .is_ok(),
            })
        }
        Material::Ec { curve, point, .. } => {
            let name = opts.digest.unwrap_or("sha256");
            let raw = if opts.p1363 {
                Some(signature.to_vec()).filter(|s| s.len() == 2 * curve.field_len())
            } else {
                raw_signature(signature, curve.field_len())
            };
            let Some(raw) = raw else {
                return Ok(false);
            };
            Ok(on_curve!(
                *curve,
                verify_prehash(point, &ec_prehash(*curve, hash(name, data)), &raw)
            ))
        }
        Material::Ed25519 { public, .. } => {
            if let Some(d) = opts.digest {
                return Err(invalid_digest(d));
            }
            use ed25519_dalek::Verifier;
            let (Ok(key), Ok(sig)) = (
                ed25519_dalek::VerifyingKey::from_bytes(public),
                ed25519_dalek::Signature::from_slice(signature),
            ) else {
                return Ok(false);
            };
            Ok(key.verify(data, &sig).is_ok())
        }
        Material::Secret(_) => Err(KeyError::new(
            ErrorClass::TypeError,
            "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE",
            "Invalid key object type secret, expected public.",
        )),
        _ => Err(not_for_key_type()),
    }
}

/// The four RSA encryption operations.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RsaOp {
    PublicEncrypt,
    PrivateDecrypt,
    PrivateEncrypt,
    PublicDecrypt,
}

fn oaep_encrypt(
    key: &RsaPublicKey,
    name: &str,
    label: &[u8],
    msg: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let k = key.size();
    let l_hash = hash(name, label);
    let h_len = l_hash.len();
    if msg.len() + 2 * h_len + 2 > k {
        return Err(too_large());
    }
    let mut db = l_hash;
    db.extend(std::iter::repeat_n(0u8, k - msg.len() - 2 * h_len - 2));
    db.push(1);
    db.extend_from_slice(msg);
    let seed = random(h_len);
    for (b, m) in db.iter_mut().zip(mgf1(name, &seed, k - h_len - 1)) {
        *b ^= m;
    }
    let masked_seed: Vec<u8> = seed
        .iter()
        .zip(mgf1(name, &db, h_len))
        .map(|(a, b)| a ^ b)
        .collect();
    let em = [&[0u8][..], &masked_seed, &db].concat();
    rsa_public_op(key, &em).ok_or_else(|| KeyError::invalid("RSA encryption failed"))
}

fn oaep_decrypt(
    key: &RsaPrivateKey,
    name: &str,
    label: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let fail = || {
        KeyError::new(
            ErrorClass::Error,
            "ERR_OSSL_RSA_OAEP_DECODING_ERROR",
            "error:02000079:rsa routines::oaep decoding error",
        )
    };
    let k = key.size();
    let l_hash = hash(name, label);
    let h_len = l_hash.len();
    if data.len() != k || k < 2 * h_len + 2 {
        return Err(fail());
    }
    let em = rsa_private_op(key, data)?;
    let (masked_seed, masked_db) = em[1..].split_at(h_len);
    let seed: Vec<u8> = masked_seed
        .iter()
        .zip(mgf1(name, masked_db, h_len))
        .map(|(a, b)| a ^ b)
        .collect();
    let db: Vec<u8> = masked_db
        .iter()
        .zip(mgf1(name, &seed, k - h_len - 1))
        .map(|(a, b)| a ^ b)
        .collect();
    if em[0] != 0 || db[..h_len] != l_hash[..] {
        return Err(fail());
    }
    let rest = &db[h_len..];
    let one = rest.iter().position(|b| *b != 0).ok_or_else(fail)?;
    if rest[one] != 1 {
        return Err(fail());
    }
    Ok(rest[one + 1..].to_vec())
}

/// `publicEncrypt` and the rest: `padding` is one of the RSA_* constants; OAEP uses `oaep_hash`
/// and `label`.
pub fn rsa_crypt(
    key: &Material,
    op: RsaOp,
    data: &[u8],
    padding: i32,
    oaep_hash: &str,
    label: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let Material::Rsa {
        public,
        private,
        pss: None,
    } = key
    else {
        return Err(not_for_key_type());
    };
    let private = || {
        private.as_deref().ok_or_else(|| {
            KeyError::new(
                ErrorClass::TypeError,
                "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE",
                "Invalid key object type public, expected private.",
            )
        })
    };
    let name = digest_name(oaep_hash).ok_or_else(|| invalid_digest(oaep_hash))?;
    let k = public.size();
    match (op, padding) {
        (RsaOp::PublicEncrypt, RSA_PKCS1_OAEP_PADDING) => oaep_encrypt(public, name, label, data),
        (RsaOp::PrivateDecrypt, RSA_PKCS1_OAEP_PADDING) => {
            oaep_decrypt(private()?, name, label, data)
        }
        (RsaOp::PublicEncrypt, RSA_PKCS1_PADDING) => public
            .encrypt(&mut rand_core::OsRng, Pkcs1v15Encrypt, data)
            .map_err(|_| too_large()),
        (RsaOp::PrivateDecrypt, RSA_PKCS1_PADDING) => {
            private()?.decrypt(Pkcs1v15Encrypt, data).map_err(|_| {
                KeyError::new(
                    ErrorClass::Error,
                    "ERR_OSSL_RSA_PADDING_CHECK_FAILED",
                    "error:02000072:rsa routines::padding check failed",
                )
            })
        }
        (RsaOp::PrivateEncrypt, RSA_PKCS1_PADDING) => {
            if data.len() + 11 > k {
                return Err(too_large());
            }
            let mut em = vec![0u8, 1];
            em.extend(std::iter::repeat_n(0xffu8, k - data.len() - 3));
            em.push(0);
            em.extend_from_slice(data);
            rsa_private_op(private()?, &em)
        }
        (RsaOp::PublicDecrypt, RSA_PKCS1_PADDING) => {
            let fail = || {
                KeyError::new(
                    ErrorClass::Error,
                    "ERR_OSSL_RSA_PADDING_CHECK_FAILED",
                    "error:02000072:rsa routines::padding check failed",
                )
            };
            let em = rsa_public_op(public, data).ok_or_else(fail)?;
            if em[0] != 0 || em[1] != 1 {
                return Err(fail());
            }
            let zero = em[2..].iter().position(|b| *b != 0xff).ok_or_else(fail)? + 2;
            if em[zero] != 0 || zero < 10 {
                return Err(fail());
            }
            Ok(em[zero + 1..].to_vec())
        }
        (_, RSA_NO_PADDING) => {
            if data.len() != k {
                return Err(too_large());
            }
            match op {
                RsaOp::PublicEncrypt | RsaOp::PublicDecrypt => rsa_public_op(public, data)
                    .ok_or_else(|| KeyError::invalid("data too large for modulus")),
                _ => rsa_private_op(private()?, data),
            }
        }
        _ => Err(bad_padding()),
    }
}

/// The Diffie-Hellman shared secret of a private and a public key of the same type.
/// Two keys of one type over different groups or curves, in OpenSSL's words.
fn different_parameters() -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_OSSL_EVP_DIFFERENT_PARAMETERS",
        "error:1C000078:Provider routines::different parameters",
    )
}

pub fn agree(private: &Material, public: &Material) -> Result<Vec<u8>, KeyError> {
    let incompatible = || {
        KeyError::new(
            ErrorClass::Error,
            "ERR_CRYPTO_INCOMPATIBLE_KEY",
            format!(
                "Incompatible key types for Diffie-Hellman: {} and {}",
                private.asymmetric_type().unwrap_or("secret"),
                public.asymmetric_type().unwrap_or("secret")
            ),
        )
    };
    match (private, public) {
        (
            Material::Ec {
                curve,
                scalar: Some(s),
                ..
            },
            Material::Ec {
                curve: c2, point, ..
            },
        ) => {
            if curve != c2 {
                return Err(different_parameters());
            }
            on_curve!(*curve, shared_secret(s, point))
                .ok_or_else(|| KeyError::invalid("ECDH failed"))
        }
        (
            Material::X25519 {
                secret: Some(s), ..
            },
            Material::X25519 { public: p, .. },
        ) => {
            let secret = x25519_dalek::StaticSecret::from(*s);
            let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(*p));
            if shared.as_bytes().iter().all(|b| *b == 0) {
                return Err(KeyError::invalid("X25519 agreement failed"));
            }
            Ok(shared.as_bytes().to_vec())
        }
        (
            Material::Dh {
                prime,
                generator,
                private: Some(x),
                ..
            },
            Material::Dh {
                prime: p2,
                generator: g2,
                public,
                ..
            },
        ) => {
            if prime != p2 || generator != g2 {
                return Err(different_parameters());
            }
            super::dh::shared_secret(prime, x, public)
        }
        _ => Err(incompatible()),
    }
}

/// The largest RSA modulus `generateKeyPair` makes.
pub const MAX_GENERATED_RSA_BITS: usize = 8192;

/// `generateKeyPair` options that matter to the key itself.
#[derive(Default)]
pub struct GenerateOptions {
    pub modulus_length: Option<usize>,
    pub public_exponent: Option<u64>,
    pub curve: Option<Curve>,
    pub pss: Option<PssParams>,
    /// DH: the group's prime (a MODP group's or the app's); absent, one of `prime_length`
    /// bits is generated.
    pub prime: Option<Vec<u8>>,
    pub prime_length: Option<usize>,
    pub generator: Option<Vec<u8>>,
}

/// A new key pair (the private key; its public half is `public_part`).
pub fn generate(kind: &str, opts: GenerateOptions) -> Result<Material, KeyError> {
    let mut secret = [0u8; 32];
    Ok(match kind {
        "rsa" | "rsa-pss" => {
            let bits = opts.modulus_length.unwrap_or(2048);
            // Key generation is native and cannot be interrupted by the CPU-time limit.
            if bits > MAX_GENERATED_RSA_BITS {
                return Err(KeyError::new(
                    ErrorClass::Error,
                    "ERR_OSSL_RSA_KEY_SIZE_TOO_LARGE",
                    format!("RSA keys of more than {MAX_GENERATED_RSA_BITS} bits are not generated on Edge"),
                ));
            }
            // An even exponent (or 1) has no primes to go with it: the search would never end,
            // in native code the CPU-time limit cannot stop. Refused as OpenSSL refuses it.
            let exponent = opts.public_exponent.unwrap_or(65537);
            if exponent < 3 || exponent.is_multiple_of(2) {
                return Err(KeyError::new(
                    ErrorClass::Error,
                    "ERR_OSSL_RSA_BAD_E_VALUE",
                    "error:0200007D:rsa routines::bad e value",
                ));
            }
            if bits < 512 {
                return Err(KeyError::new(
                    ErrorClass::Error,
                    "ERR_OSSL_RSA_KEY_SIZE_TOO_SMALL",
                    "error:1C80006F:Provider routines::key size too small",
                ));
            }
            let e = BigUint::from(exponent);
            let private = RsaPrivateKey::new_with_exp(&mut rand_core::OsRng, bits, &e)
                .map_err(|e| KeyError::invalid(format!("RSA key generation failed: {e}")))?;
            Material::Rsa {
                public: private.to_public_key(),
                private: Some(Box::new(private)),
                pss: if kind == "rsa-pss" {
                    Some(opts.pss.unwrap_or_default())
                } else {
                    None
                },
            }
        }
        "ec" => {
            let curve = opts
                .curve
                .ok_or_else(|| KeyError::invalid("Invalid EC curve name"))?;
            let scalar = on_curve!(curve, random_scalar());
            Material::Ec {
                curve,
                point: ec_public_of(curve, &scalar)
                    .ok_or_else(|| KeyError::invalid("EC key generation failed"))?,
                scalar: Some(scalar),
            }
        }
        "ed25519" => {
            getrandom::fill(&mut secret).map_err(|_| KeyError::invalid("no randomness"))?;
            Material::Ed25519 {
                public: ed25519_public_of(&secret),
                secret: Some(secret),
            }
        }
        "x25519" => {
            getrandom::fill(&mut secret).map_err(|_| KeyError::invalid("no randomness"))?;
            Material::X25519 {
                public: x25519_public_of(&secret),
                secret: Some(secret),
            }
        }
        "dh" => {
            let prime = match (opts.prime, opts.prime_length) {
                (Some(p), _) => p,
                (None, Some(bits)) => super::dh::generate_safe_prime(bits)?,
                (None, None) => return Err(KeyError::invalid("A DH group or prime is required")),
            };
            super::dh::check_size(&prime)?;
            let generator = opts.generator.unwrap_or_else(|| vec![2]);
            let private = super::dh::private_key(&prime)?;
            Material::Dh {
                public: super::dh::public_key(&prime, &generator, &private),
                prime,
                generator,
                private: Some(private),
            }
        }
        _ => return Err(KeyError::unsupported()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(digest: Option<&'static str>, padding: Option<i32>) -> SignOptions {
        SignOptions {
            digest,
            padding,
            salt_length: None,
            p1363: false,
        }
    }

    #[test]
    fn rsa_signs_and_encrypts_both_ways() {
        let key = generate(
            "rsa",
            GenerateOptions {
                modulus_length: Some(1024),
                ..Default::default()
            },
        )
        .unwrap();
        let public = key.public_part();
        for padding in [RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING] {
            let sig = sign(&key, b"hello", &opts(Some("sha256"), Some(padding))).unwrap();
            assert!(verify(
                &public,
                b"hello",
                &sig,
                &opts(Some("sha256"), Some(padding))
            )
            .unwrap());
            assert!(!verify(
                &public,
                b"hellO",
                &sig,
                &opts(Some("sha256"), Some(padding))
            )
            .unwrap());
        }
        for padding in [RSA_PKCS1_OAEP_PADDING, RSA_PKCS1_PADDING] {
            let c = rsa_crypt(&public, RsaOp::PublicEncrypt, b"msg", padding, "sha1", b"").unwrap();
            assert_eq!(
                rsa_crypt(&key, RsaOp::PrivateDecrypt, &c, padding, "sha1", b"").unwrap(),
                b"msg"
            );
        }
        let c = rsa_crypt(
            &key,
            RsaOp::PrivateEncrypt,
            b"msg",
            RSA_PKCS1_PADDING,
            "sha1",
            b"",
        )
        .unwrap();
        assert_eq!(
            rsa_crypt(
                &public,
                RsaOp::PublicDecrypt,
                &c,
                RSA_PKCS1_PADDING,
                "sha1",
                b""
            )
            .unwrap(),
            b"msg"
        );
    }

    #[test]
    fn ecdsa_and_ed25519_verify_their_own_signatures() {
        for (kind, digest) in [("ec", Some("sha384")), ("ed25519", None)] {
            let key = generate(
                kind,
                GenerateOptions {
                    curve: Some(Curve::P256),
                    ..Default::default()
                },
            )
            .unwrap();
            let sig = sign(&key, b"data", &opts(digest, None)).unwrap();
            assert!(verify(&key.public_part(), b"data", &sig, &opts(digest, None)).unwrap());
            assert!(!verify(&key.public_part(), b"date", &sig, &opts(digest, None)).unwrap());
        }
    }

    #[test]
    fn oversized_generation_is_refused_at_once() {
        let huge = GenerateOptions {
            modulus_length: Some(MAX_GENERATED_RSA_BITS + 8),
            ..Default::default()
        };
        let err = generate("rsa", huge).err().unwrap();
        assert_eq!(err.code, Some("ERR_OSSL_RSA_KEY_SIZE_TOO_LARGE"));
        // An even exponent has no primes: refused, not searched for forever.
        for exponent in [1, 2, 65538] {
            let even = GenerateOptions {
                modulus_length: Some(512),
                public_exponent: Some(exponent),
                ..Default::default()
            };
            let err = generate("rsa", even).err().unwrap();
            assert_eq!(err.code, Some("ERR_OSSL_RSA_BAD_E_VALUE"));
        }
    }

    #[test]
    fn x25519_agrees() {
        let a = generate("x25519", GenerateOptions::default()).unwrap();
        let b = generate("x25519", GenerateOptions::default()).unwrap();
        assert_eq!(
            agree(&a, &b.public_part()).unwrap(),
            agree(&b, &a.public_part()).unwrap()
        );
    }
}
