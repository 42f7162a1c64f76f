//! Reading keys from, and writing them to, the encodings Node supports: PEM and DER as
//! SubjectPublicKeyInfo (`spki`), PKCS#8 (`pkcs8`, optionally encrypted), PKCS#1 (`pkcs1`, RSA)
//! and SEC1 (`sec1`, EC); and JWK.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};

use super::asn1::{self, Reader, INTEGER, OCTET_STRING, OID, SEQUENCE};
use super::encrypted::{self, Cipher, OpenError};
use super::material::{
    curve_from_name, curve_from_oid, curve_oid, ec_point, ec_public_of, ed25519_public_of,
    x25519_public_of, ErrorClass, KeyError, Material, PssParams,
};
use super::pem;
use crate::web::crypto_key::Curve;

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const X25519: &[u8] = &[0x2b, 0x65, 0x6e];
/// dhKeyAgreement (PKCS #3), with `SEQUENCE { prime, generator [, privateValueLength] }` as
/// its parameters.
const DH_KEY_AGREEMENT: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01];
/// The largest RSA modulus accepted, in bits.
const MAX_RSA_BITS: usize = 16384;

/// Digest names and their OIDs, for RSA-PSS parameters.
const DIGESTS: [(&str, &[u8]); 5] = [
    ("sha1", &[0x2b, 0x0e, 0x03, 0x02, 0x1a]),
    (
        "sha224",
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04],
    ),
    (
        "sha256",
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
    ),
    (
        "sha384",
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02],
    ),
    (
        "sha512",
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03],
    ),
];

/// A digest's canonical name (`SHA256`, `RSA-SHA256`, `sha-256` are `sha256`), for the digests
/// keys sign with (the SHA-1 and SHA-2 family and MD5).
pub fn digest_name(name: &str) -> Option<&'static str> {
    crate::web::hash_sync::canonical(name).filter(|n| *n == "md5" || digest_oid(n).is_some())
}

fn unsupported() -> KeyError {
    KeyError::unsupported()
}

fn missing_passphrase() -> KeyError {
    KeyError::new(
        ErrorClass::TypeError,
        "ERR_MISSING_PASSPHRASE",
        "Passphrase required for encrypted key",
    )
}

fn opened(result: Result<Vec<u8>, OpenError>) -> Result<Vec<u8>, KeyError> {
    result.map_err(|e| match e {
        OpenError::Unsupported => unsupported(),
        OpenError::BadDecrypt => KeyError::new(
            ErrorClass::Error,
            "ERR_OSSL_BAD_DECRYPT",
            "error:1C800064:Provider routines::bad decrypt",
        ),
    })
}

fn uint(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

// ---- RSA ----

fn rsa_public_pkcs1(der: &[u8]) -> Result<RsaPublicKey, KeyError> {
    let mut r = asn1::sequence(der).ok_or_else(unsupported)?;
    let n = r.take(INTEGER).ok_or_else(unsupported)?;
    let e = r.take(INTEGER).ok_or_else(unsupported)?;
    RsaPublicKey::new_with_max_size(uint(n), uint(e), MAX_RSA_BITS).map_err(|_| unsupported())
}

fn rsa_private_pkcs1(der: &[u8]) -> Result<RsaPrivateKey, KeyError> {
    let mut r = asn1::sequence(der).ok_or_else(unsupported)?;
    r.take(INTEGER).ok_or_else(unsupported)?;
    let mut parts = Vec::new();
    for _ in 0..8 {
        parts.push(uint(r.take(INTEGER).ok_or_else(unsupported)?));
    }
    let (n, e, d) = (parts[0].clone(), parts[1].clone(), parts[2].clone());
    if n.bits() > MAX_RSA_BITS {
        return Err(unsupported());
    }
    let primes = vec![parts[3].clone(), parts[4].clone()];
    let key = RsaPrivateKey::from_components(n, e, d, primes).map_err(|_| unsupported())?;
    Ok(key)
}

fn pss_params(der: Option<&[u8]>) -> Result<PssParams, KeyError> {
    let Some(der) = der else {
        return Ok(PssParams::default());
    };
    let mut r = asn1::sequence(der).ok_or_else(unsupported)?;
    let digest_of = |alg: &[u8]| -> Result<&'static str, KeyError> {
        let (id, _) = asn1::read_algorithm(alg).ok_or_else(unsupported)?;
        DIGESTS
            .iter()
            .find(|(_, oid)| *oid == id)
            .map(|(n, _)| *n)
            .ok_or_else(unsupported)
    };
    let mut params = PssParams {
        hash: Some("sha1"),
        mgf1: Some("sha1"),
        salt: Some(20),
    };
    if let Some(hash) = r.take(0xa0) {
        params.hash = Some(digest_of(
            Reader(hash).take(SEQUENCE).ok_or_else(unsupported)?,
        )?);
    }
    if let Some(mgf) = r.take(0xa1) {
        let (id, inner) = asn1::read_algorithm(Reader(mgf).take(SEQUENCE).ok_or_else(unsupported)?)
            .ok_or_else(unsupported)?;
        if id != MGF1 {
            return Err(unsupported());
        }
        let inner = Reader(inner.ok_or_else(unsupported)?)
            .take(SEQUENCE)
            .ok_or_else(unsupported)?;
        params.mgf1 = Some(digest_of(inner)?);
    }
    if let Some(salt) = r.take(0xa2) {
        let n = Reader(salt)
            .take(INTEGER)
            .and_then(asn1::read_small_uint)
            .ok_or_else(unsupported)?;
        params.salt = Some(u32::try_from(n).map_err(|_| unsupported())?);
    }
    Ok(params)
}

/// The OID of a digest (canonical name).
pub fn digest_oid(name: &str) -> Option<&'static [u8]> {
    DIGESTS.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
}

fn digest_algorithm(name: &str) -> Vec<u8> {
    asn1::algorithm(digest_oid(name).unwrap_or(DIGESTS[0].1), None)
}

/// The RSASSA-PSS-params of a key, `None` when it has no restrictions.
fn write_pss_params(params: &PssParams) -> Option<Vec<u8>> {
    if *params == PssParams::default() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(hash) = params.hash {
        parts.push(asn1::tagged(0xa0, &digest_algorithm(hash)));
    }
    if let Some(mgf1) = params.mgf1 {
        let mgf = asn1::algorithm(MGF1, Some(&digest_algorithm(mgf1)));
        parts.push(asn1::tagged(0xa1, &mgf));
    }
    if let Some(salt) = params.salt {
        parts.push(asn1::tagged(0xa2, &asn1::small_uint(salt as u64)));
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Some(asn1::seq(&refs))
}

// ---- EC ----

fn pad_scalar(curve: Curve, scalar: &[u8]) -> Option<Vec<u8>> {
    let n = curve.field_len();
    let start = scalar.iter().take_while(|b| **b == 0).count();
    let s = &scalar[start..];
    if s.len() > n {
        return None;
    }
    let mut out = vec![0u8; n - s.len()];
    out.extend_from_slice(s);
    Some(out)
}

/// A SEC1 ECPrivateKey; `curve` comes from the PKCS#8 wrapper when the key does not say.
fn ec_private_sec1(der: &[u8], curve: Option<Curve>) -> Result<Material, KeyError> {
    let mut r = asn1::sequence(der).ok_or_else(unsupported)?;
    if r.take(INTEGER) != Some(&[1][..]) {
        return Err(unsupported());
    }
    let d = r.take(OCTET_STRING).ok_or_else(unsupported)?;
    let named = match r.take(0xa0) {
        Some(p) => Some(
            curve_from_oid(Reader(p).take(OID).ok_or_else(unsupported)?).ok_or_else(unsupported)?,
        ),
        None => None,
    };
    let curve = named.or(curve).ok_or_else(unsupported)?;
    let scalar = pad_scalar(curve, d).ok_or_else(unsupported)?;
    let point = ec_public_of(curve, &scalar).ok_or_else(unsupported)?;
    Ok(Material::Ec {
        curve,
        point,
        scalar: Some(scalar),
    })
}

fn ec_sec1_der(curve: Curve, scalar: &[u8], point: &[u8], with_curve: bool) -> Vec<u8> {
    let version = asn1::small_uint(1);
    let d = asn1::octets(scalar);
    let params = asn1::tagged(0xa0, &asn1::oid(curve_oid(curve)));
    let public = asn1::tagged(0xa1, &asn1::bits(point));
    if with_curve {
        asn1::seq(&[&version, &d, &params, &public])
    } else {
        asn1::seq(&[&version, &d, &public])
    }
}

// ---- the key infos ----

fn array32(bytes: &[u8]) -> Result<[u8; 32], KeyError> {
    bytes.try_into().map_err(|_| unsupported())
}

/// The RSA-PSS restrictions of an RSA key info (`None` for plain RSA).
fn rsa_pss_of(info: &asn1::KeyInfo<'_>) -> Result<Option<PssParams>, KeyError> {
    if info.oid == RSASSA_PSS {
        Ok(Some(pss_params(info.params)?))
    } else {
        Ok(None)
    }
}

/// The named curve in an EC key info's algorithm parameters.
fn ec_curve_of(info: &asn1::KeyInfo<'_>) -> Result<Curve, KeyError> {
    let id = Reader(info.params.ok_or_else(unsupported)?)
        .take(OID)
        .ok_or_else(unsupported)?;
    curve_from_oid(id).ok_or_else(unsupported)
}

/// An unsigned INTEGER's bytes, without the sign byte DER may put in front.
fn uint_bytes(contents: &[u8]) -> Vec<u8> {
    let start = contents.iter().take_while(|b| **b == 0).count();
    contents[start.min(contents.len().saturating_sub(1))..].to_vec()
}

/// The prime and generator of DH parameters, bounded to what can be computed with.
fn dh_params(params: Option<&[u8]>) -> Result<(Vec<u8>, Vec<u8>), KeyError> {
    let mut r = asn1::sequence(params.ok_or_else(unsupported)?).ok_or_else(unsupported)?;
    let prime = uint_bytes(r.take(INTEGER).ok_or_else(unsupported)?);
    let generator = uint_bytes(r.take(INTEGER).ok_or_else(unsupported)?);
    super::dh::check_size(&prime)?;
    Ok((prime, generator))
}

fn dh_params_der(prime: &[u8], generator: &[u8]) -> Vec<u8> {
    asn1::seq(&[&asn1::uint(prime), &asn1::uint(generator)])
}

fn from_spki(der: &[u8]) -> Result<Material, KeyError> {
    let info = asn1::read_spki(der).ok_or_else(unsupported)?;
    match info.oid {
        RSA_ENCRYPTION | RSASSA_PSS => Ok(Material::Rsa {
            public: rsa_public_pkcs1(info.key)?,
            private: None,
            pss: rsa_pss_of(&info)?,
        }),
        EC_PUBLIC_KEY => {
            let curve = ec_curve_of(&info)?;
            Ok(Material::Ec {
                curve,
                point: ec_point(curve, info.key).ok_or_else(unsupported)?,
                scalar: None,
            })
        }
        ED25519 => {
            let public = array32(info.key)?;
            ed25519_dalek::VerifyingKey::from_bytes(&public).map_err(|_| unsupported())?;
            Ok(Material::Ed25519 {
                public,
                secret: None,
            })
        }
        X25519 => Ok(Material::X25519 {
            public: array32(info.key)?,
            secret: None,
        }),
        DH_KEY_AGREEMENT => {
            let (prime, generator) = dh_params(info.params)?;
            let public = uint_bytes(Reader(info.key).take(INTEGER).ok_or_else(unsupported)?);
            Ok(Material::Dh {
                prime,
                generator,
                public,
                private: None,
            })
        }
        _ => Err(unsupported()),
    }
}

fn from_pkcs8(der: &[u8]) -> Result<Material, KeyError> {
    let info = asn1::read_pkcs8(der).ok_or_else(unsupported)?;
    match info.oid {
        RSA_ENCRYPTION | RSASSA_PSS => {
            let private = rsa_private_pkcs1(info.key)?;
            Ok(Material::Rsa {
                public: private.to_public_key(),
                private: Some(Box::new(private)),
                pss: rsa_pss_of(&info)?,
            })
        }
        EC_PUBLIC_KEY => ec_private_sec1(info.key, Some(ec_curve_of(&info)?)),
        ED25519 | X25519 => {
            let secret = array32(
                Reader(info.key)
                    .take(OCTET_STRING)
                    .ok_or_else(unsupported)?,
            )?;
            Ok(if info.oid == ED25519 {
                Material::Ed25519 {
                    public: ed25519_public_of(&secret),
                    secret: Some(secret),
                }
            } else {
                Material::X25519 {
                    public: x25519_public_of(&secret),
                    secret: Some(secret),
                }
            })
        }
        DH_KEY_AGREEMENT => {
            let (prime, generator) = dh_params(info.params)?;
            let private = uint_bytes(Reader(info.key).take(INTEGER).ok_or_else(unsupported)?);
            super::dh::check_size(&private)?;
            Ok(Material::Dh {
                public: super::dh::public_key(&prime, &generator, &private),
                prime,
                generator,
                private: Some(private),
            })
        }
        _ => Err(unsupported()),
    }
}

/// The SubjectPublicKeyInfo inside an X.509 certificate.
fn spki_of_certificate(der: &[u8]) -> Option<Vec<u8>> {
    let mut cert = asn1::sequence(der)?;
    let mut tbs = Reader(cert.take(SEQUENCE)?);
    if tbs.peek_tag() == Some(0xa0) {
        tbs.take(0xa0)?;
    }
    tbs.take(INTEGER)?;
    for _ in 0..4 {
        tbs.take(SEQUENCE)?;
    }
    tbs.take_raw().map(<[u8]>::to_vec)
}

/// Whether a key is wanted as a public key (a private key input then gives its public half)
/// or as a private key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Public,
    Private,
}

fn wanted(m: Material, want: Want) -> Result<Material, KeyError> {
    match want {
        Want::Public => Ok(m.public_part()),
        Want::Private if m.is_private() => Ok(m),
        Want::Private => Err(unsupported()),
    }
}

/// A key from PEM text.
pub fn from_pem(text: &str, passphrase: Option<&[u8]>, want: Want) -> Result<Material, KeyError> {
    let block = pem::decode(text).ok_or_else(unsupported)?;
    let encrypted = block
        .header("Proc-Type")
        .is_some_and(|v| v.contains("ENCRYPTED"));
    let der = if encrypted {
        let pass = passphrase.ok_or_else(missing_passphrase)?;
        let dek = block.header("DEK-Info").ok_or_else(unsupported)?;
        opened(encrypted::decrypt_legacy(dek, &block.der, pass))?
    } else {
        block.der.clone()
    };
    let material = match block.label.as_str() {
        "PUBLIC KEY" => {
            if want == Want::Private {
                return Err(unsupported());
            }
            from_spki(&der)?
        }
        "RSA PUBLIC KEY" => {
            if want == Want::Private {
                return Err(unsupported());
            }
            Material::Rsa {
                public: rsa_public_pkcs1(&der)?,
                private: None,
                pss: None,
            }
        }
        "CERTIFICATE" if want == Want::Public => {
            from_spki(&spki_of_certificate(&der).ok_or_else(unsupported)?)?
        }
        "PRIVATE KEY" => from_pkcs8(&der)?,
        "ENCRYPTED PRIVATE KEY" => {
            let pass = passphrase.ok_or_else(missing_passphrase)?;
            from_pkcs8(&opened(encrypted::decrypt_pkcs8(&der, pass))?)?
        }
        "RSA PRIVATE KEY" => {
            let private = rsa_private_pkcs1(&der)?;
            Material::Rsa {
                public: private.to_public_key(),
                private: Some(Box::new(private)),
                pss: None,
            }
        }
        "EC PRIVATE KEY" => ec_private_sec1(&der, None)?,
        _ => return Err(unsupported()),
    };
    wanted(material, want)
}

/// A key from DER of the given type (`spki`, `pkcs1`, `pkcs8`, `sec1`).
pub fn from_der(
    der: &[u8],
    kind: &str,
    passphrase: Option<&[u8]>,
    want: Want,
) -> Result<Material, KeyError> {
    let material = match kind {
        "spki" if want == Want::Public => from_spki(der)?,
        "pkcs1" => match rsa_private_pkcs1(der) {
            Ok(private) => Material::Rsa {
                public: private.to_public_key(),
                private: Some(Box::new(private)),
                pss: None,
            },
            Err(_) if want == Want::Public => Material::Rsa {
                public: rsa_public_pkcs1(der)?,
                private: None,
                pss: None,
            },
            Err(e) => return Err(e),
        },
        "pkcs8" if encrypted::is_encrypted_pkcs8(der) => {
            let pass = passphrase.ok_or_else(missing_passphrase)?;
            from_pkcs8(&opened(encrypted::decrypt_pkcs8(der, pass))?)?
        }
        "pkcs8" => from_pkcs8(der)?,
        "sec1" => ec_private_sec1(der, None)?,
        _ => return Err(unsupported()),
    };
    wanted(material, want)
}

// ---- export ----

fn incompatible(message: String) -> KeyError {
    KeyError::new(
        ErrorClass::Error,
        "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS",
        message,
    )
}

/// A public key as DER of `kind` (`spki`, or `pkcs1` for RSA), with its PEM label.
pub fn public_der(m: &Material, kind: &str) -> Result<(&'static str, Vec<u8>), KeyError> {
    match (kind, m) {
        (
            "pkcs1",
            Material::Rsa {
                public, pss: None, ..
            },
        ) => Ok((
            "RSA PUBLIC KEY",
            public
                .to_pkcs1_der()
                .map_err(|_| KeyError::invalid("RSA key encoding failed"))?
                .into_vec(),
        )),
        ("pkcs1", _) => Err(incompatible(
            "The selected key encoding pkcs1 can only be used for RSA keys.".into(),
        )),
        ("spki", _) => Ok(("PUBLIC KEY", spki(m)?)),
        _ => Err(KeyError::new(
            ErrorClass::TypeError,
            "ERR_INVALID_ARG_VALUE",
            format!("The property 'options.type' is invalid. Received '{kind}'"),
        )),
    }
}

fn spki(m: &Material) -> Result<Vec<u8>, KeyError> {
    Ok(match m {
        Material::Rsa { public, pss, .. } => {
            let key = public
                .to_pkcs1_der()
                .map_err(|_| KeyError::invalid("RSA key encoding failed"))?;
            match pss {
                None => asn1::write_spki(RSA_ENCRYPTION, Some(&[0x05, 0x00]), key.as_bytes()),
                Some(p) => {
                    asn1::write_spki(RSASSA_PSS, write_pss_params(p).as_deref(), key.as_bytes())
                }
            }
        }
        Material::Ec { curve, point, .. } => {
            asn1::write_spki(EC_PUBLIC_KEY, Some(&asn1::oid(curve_oid(*curve))), point)
        }
        Material::Ed25519 { public, .. } => asn1::write_spki(ED25519, None, public),
        Material::X25519 { public, .. } => asn1::write_spki(X25519, None, public),
        Material::Dh {
            prime,
            generator,
            public,
            ..
        } => asn1::write_spki(
            DH_KEY_AGREEMENT,
            Some(&dh_params_der(prime, generator)),
            &asn1::uint(public),
        ),
        Material::Secret(_) => return Err(unsupported()),
    })
}

/// A private key as DER of `kind` (`pkcs8`, `pkcs1` for RSA, `sec1` for EC), with its label.
pub fn private_der(m: &Material, kind: &str) -> Result<(&'static str, Vec<u8>), KeyError> {
    let rsa_der = |k: &RsaPrivateKey| -> Result<Vec<u8>, KeyError> {
        Ok(k.to_pkcs1_der()
            .map_err(|_| KeyError::invalid("RSA key encoding failed"))?
            .as_bytes()
            .to_vec())
    };
    match (kind, m) {
        (
            "pkcs1",
            Material::Rsa {
                private: Some(k),
                pss: None,
                ..
            },
        ) => Ok(("RSA PRIVATE KEY", rsa_der(k)?)),
        ("pkcs1", _) => Err(incompatible(
            "The selected key encoding pkcs1 can only be used for RSA keys.".into(),
        )),
        (
            "sec1",
            Material::Ec {
                curve,
                point,
                scalar: Some(s),
            },
        ) => Ok(("EC PRIVATE KEY", ec_sec1_der(*curve, s, point, true))),
        ("sec1", _) => Err(incompatible(
            "The selected key encoding sec1 can only be used for EC keys.".into(),
        )),
        ("pkcs8", _) => {
            let der = match m {
                Material::Rsa {
                    private: Some(k),
                    pss,
                    ..
                } => match pss {
                    None => asn1::write_pkcs8(RSA_ENCRYPTION, Some(&[0x05, 0x00]), &rsa_der(k)?),
                    Some(p) => {
                        asn1::write_pkcs8(RSASSA_PSS, write_pss_params(p).as_deref(), &rsa_der(k)?)
                    }
                },
                Material::Ec {
                    curve,
                    point,
                    scalar: Some(s),
                } => asn1::write_pkcs8(
                    EC_PUBLIC_KEY,
                    Some(&asn1::oid(curve_oid(*curve))),
                    &ec_sec1_der(*curve, s, point, false),
                ),
                Material::Ed25519 {
                    secret: Some(s), ..
                } => asn1::write_pkcs8(ED25519, None, &asn1::octets(s)),
                Material::X25519 {
                    secret: Some(s), ..
                } => asn1::write_pkcs8(X25519, None, &asn1::octets(s)),
                Material::Dh {
                    prime,
                    generator,
                    private: Some(x),
                    ..
                } => asn1::write_pkcs8(
                    DH_KEY_AGREEMENT,
                    Some(&dh_params_der(prime, generator)),
                    &asn1::uint(x),
                ),
                _ => return Err(unsupported()),
            };
            Ok(("PRIVATE KEY", der))
        }
        _ => Err(KeyError::new(
            ErrorClass::TypeError,
            "ERR_INVALID_ARG_VALUE",
            format!("The property 'options.type' is invalid. Received '{kind}'"),
        )),
    }
}

/// A private key exported with a cipher and passphrase: PKCS#8 becomes an
/// EncryptedPrivateKeyInfo (PEM or DER); PKCS#1 and SEC1 take the traditional PEM encryption.
pub fn encrypted_private(
    m: &Material,
    kind: &str,
    pem_out: bool,
    cipher: &str,
    passphrase: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let Some(c) = Cipher::from_name(cipher) else {
        return Err(KeyError::new(
            ErrorClass::Error,
            "ERR_CRYPTO_UNKNOWN_CIPHER",
            "Unknown cipher",
        ));
    };
    let (label, der) = private_der(m, kind)?;
    if kind == "pkcs8" {
        let sealed = encrypted::encrypt_pkcs8(&der, c, passphrase);
        return Ok(if pem_out {
            pem::encode("ENCRYPTED PRIVATE KEY", &[], &sealed).into_bytes()
        } else {
            sealed
        });
    }
    let (dek, sealed) = encrypted::encrypt_legacy(&der, c, passphrase);
    Ok(pem::encode(
        label,
        &[("Proc-Type", "4,ENCRYPTED".into()), ("DEK-Info", dek)],
        &sealed,
    )
    .into_bytes())
}

// ---- JWK ----

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A key as JWK JSON text, members in the order Node writes them.
pub fn to_jwk(m: &Material) -> Result<String, KeyError> {
    let mut jwk: Vec<(&str, String)> = Vec::new();
    match m {
        Material::Secret(k) => {
            jwk.push(("kty", "oct".into()));
            jwk.push(("k", b64(k)));
        }
        Material::Rsa { pss: Some(_), .. } | Material::Dh { .. } => {
            return Err(KeyError::new(
                ErrorClass::Error,
                "ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE",
                "Unsupported JWK Key Type.",
            ))
        }
        Material::Rsa {
            public, private, ..
        } => {
            jwk.push(("kty", "RSA".into()));
            jwk.push(("n", b64(&public.n().to_bytes_be())));
            jwk.push(("e", b64(&public.e().to_bytes_be())));
            if let Some(k) = private {
                let primes = k.primes();
                jwk.push(("d", b64(&k.d().to_bytes_be())));
                jwk.push(("p", b64(&primes[0].to_bytes_be())));
                jwk.push(("q", b64(&primes[1].to_bytes_be())));
                if let (Some(dp), Some(dq), Some(qi)) = (k.dp(), k.dq(), k.qinv()) {
                    jwk.push(("dp", b64(&dp.to_bytes_be())));
                    jwk.push(("dq", b64(&dq.to_bytes_be())));
                    jwk.push(("qi", b64(&qi.to_bytes_be().1)));
                }
            }
        }
        Material::Ec {
            curve,
            point,
            scalar,
        } => {
            let n = curve.field_len();
            jwk.push(("kty", "EC".into()));
            jwk.push(("x", b64(&point[1..1 + n])));
            jwk.push(("y", b64(&point[1 + n..])));
            jwk.push(("crv", curve.name().into()));
            if let Some(s) = scalar {
                jwk.push(("d", b64(s)));
            }
        }
        Material::Ed25519 { public, secret } | Material::X25519 { public, secret } => {
            let crv = if matches!(m, Material::Ed25519 { .. }) {
                "Ed25519"
            } else {
                "X25519"
            };
            jwk.push(("crv", crv.into()));
            if let Some(s) = secret {
                jwk.push(("d", b64(s)));
            }
            jwk.push(("x", b64(public)));
            jwk.push(("kty", "OKP".into()));
        }
    }
    let members: Vec<String> = jwk
        .iter()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                serde_json::Value::from(*k),
                serde_json::Value::from(v.as_str())
            )
        })
        .collect();
    Ok(format!("{{{}}}", members.join(",")))
}

fn jwk_invalid(what: &str) -> KeyError {
    KeyError::new(
        ErrorClass::TypeError,
        "ERR_CRYPTO_INVALID_JWK",
        format!("Invalid JWK {what} key"),
    )
}

/// A key from a JWK object (`want` decides between the public and the private key).
pub fn from_jwk(jwk: &serde_json::Value, want: Want) -> Result<Material, KeyError> {
    let text = |name: &str| jwk.get(name).and_then(|v| v.as_str());
    let field = |name: &str, what: &str| -> Result<Vec<u8>, KeyError> {
        let v = text(name).ok_or_else(|| jwk_invalid(what))?;
        URL_SAFE_NO_PAD
            .decode(v.trim_end_matches('='))
            .map_err(|_| jwk_invalid(what))
    };
    let private = want == Want::Private;
    let material = match text("kty") {
        Some("RSA") => {
            let n = uint(&field("n", "RSA")?);
            let e = uint(&field("e", "RSA")?);
            if private {
                let d = uint(&field("d", "RSA")?);
                let p = uint(&field("p", "RSA")?);
                let q = uint(&field("q", "RSA")?);
                let key = RsaPrivateKey::from_components(n, e, d, vec![p, q])
                    .map_err(|_| jwk_invalid("RSA"))?;
                Material::Rsa {
                    public: key.to_public_key(),
                    private: Some(Box::new(key)),
                    pss: None,
                }
            } else {
                Material::Rsa {
                    public: RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
                        .map_err(|_| jwk_invalid("RSA"))?,
                    private: None,
                    pss: None,
                }
            }
        }
        Some("EC") => {
            let curve = text("crv").and_then(curve_from_name).ok_or_else(|| {
                KeyError::new(
                    ErrorClass::TypeError,
                    "ERR_CRYPTO_INVALID_JWK",
                    "Invalid JWK EC key",
                )
            })?;
            let x = field("x", "EC")?;
            let y = field("y", "EC")?;
            let n = curve.field_len();
            if x.len() != n || y.len() != n {
                return Err(jwk_invalid("EC"));
            }
            let point =
                ec_point(curve, &[&[4u8][..], &x, &y].concat()).ok_or_else(|| jwk_invalid("EC"))?;
            let scalar = if private {
                let d = pad_scalar(curve, &field("d", "EC")?).ok_or_else(|| jwk_invalid("EC"))?;
                if ec_public_of(curve, &d).as_deref() != Some(&point[..]) {
                    return Err(jwk_invalid("EC"));
                }
                Some(d)
            } else {
                None
            };
            Material::Ec {
                curve,
                point,
                scalar,
            }
        }
        Some("OKP") => {
            let crv = text("crv").unwrap_or_default();
            let okp = |bytes: Vec<u8>| array32(&bytes).map_err(|_| jwk_invalid("OKP"));
            // A private key's public half is derived from `d`, as OpenSSL does.
            let d = if private {
                Some(okp(field("d", "OKP")?)?)
            } else {
                None
            };
            let x = match d {
                Some(_) => [0u8; 32],
                None => okp(field("x", "OKP")?)?,
            };
            match crv {
                "Ed25519" => Material::Ed25519 {
                    public: d.as_ref().map(ed25519_public_of).unwrap_or(x),
                    secret: d,
                },
                "X25519" => Material::X25519 {
                    public: d.as_ref().map(x25519_public_of).unwrap_or(x),
                    secret: d,
                },
                _ => return Err(jwk_invalid("OKP")),
            }
        }
        Some("oct") => Material::Secret(field("k", "oct")?),
        _ => {
            return Err(KeyError::new(
                ErrorClass::TypeError,
                "ERR_CRYPTO_INVALID_JWK",
                "Invalid JWK data",
            ))
        }
    };
    Ok(material)
}

/// The `hashAlgorithm`/`mgf1HashAlgorithm` of an RSA-PSS key as given to generateKeyPair.
pub fn pss_from_options(
    hash: Option<&str>,
    mgf1: Option<&str>,
    salt: Option<u32>,
) -> Result<PssParams, KeyError> {
    let digest = |name: &str| {
        digest_name(name).filter(|n| *n != "md5").ok_or_else(|| {
            KeyError::new(
                ErrorClass::TypeError,
                "ERR_CRYPTO_INVALID_DIGEST",
                format!("Invalid MGF1 digest: {name}"),
            )
        })
    };
    let hash = match hash {
        Some(h) => Some(digest_name(h).filter(|n| *n != "md5").ok_or_else(|| {
            KeyError::new(
                ErrorClass::TypeError,
                "ERR_CRYPTO_INVALID_DIGEST",
                format!("Invalid digest: {h}"),
            )
        })?),
        None => None,
    };
    let mgf1 = match mgf1 {
        Some(m) => Some(digest(m)?),
        None => hash,
    };
    // With a digest and no salt length, the salt is as long as the digest.
    let salt = salt.or_else(|| {
        hash.map(|h| match h {
            "sha1" => 20,
            "sha224" => 28,
            "sha256" => 32,
            "sha384" => 48,
            _ => 64,
        })
    });
    Ok(PssParams { hash, mgf1, salt })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ec_key() -> Material {
        let scalar = crate::web::subtle::ec::p256::random_scalar();
        Material::Ec {
            curve: Curve::P256,
            point: ec_public_of(Curve::P256, &scalar).unwrap(),
            scalar: Some(scalar),
        }
    }

    #[test]
    fn ec_keys_round_trip_through_every_encoding() {
        let key = ec_key();
        for kind in ["pkcs8", "sec1"] {
            let (_, der) = private_der(&key, kind).unwrap();
            assert!(from_der(&der, kind, None, Want::Private)
                .unwrap()
                .same_as(&key));
        }
        let (label, der) = public_der(&key, "spki").unwrap();
        let text = pem::encode(label, &[], &der);
        assert!(from_pem(&text, None, Want::Public)
            .unwrap()
            .same_as(&key.public_part()));
        let jwk: serde_json::Value = serde_json::from_str(&to_jwk(&key).unwrap()).unwrap();
        assert!(from_jwk(&jwk, Want::Private).unwrap().same_as(&key));
        assert!(public_der(&key, "pkcs1").is_err());
    }

    #[test]
    fn encrypted_keys_need_their_passphrase() {
        let key = ec_key();
        for kind in ["pkcs8", "sec1"] {
            let text = encrypted_private(&key, kind, true, "aes-128-cbc", b"pw").unwrap();
            let text = String::from_utf8(text).unwrap();
            let err = from_pem(&text, None, Want::Private).err().unwrap();
            assert_eq!(err.code, Some("ERR_MISSING_PASSPHRASE"));
            assert!(from_pem(&text, Some(b"pw"), Want::Private)
                .unwrap()
                .same_as(&key));
        }
        let err = encrypted_private(&key, "pkcs8", true, "foo", b"pw")
            .err()
            .unwrap();
        assert_eq!(err.code, Some("ERR_CRYPTO_UNKNOWN_CIPHER"));
    }

    #[test]
    fn pss_parameters_round_trip() {
        let params = pss_from_options(Some("SHA256"), None, Some(16)).unwrap();
        let der = write_pss_params(&params).unwrap();
        assert_eq!(pss_params(Some(&der)).unwrap(), params);
        assert_eq!(digest_name("RSA-SHA512"), Some("sha512"));
    }
}
