//! `CryptoKey`: a native class holding key material that JS never sees directly. Its
//! `algorithm` and `usages` are JS objects made once, so they are the same object on every
//! read, as the Web Crypto spec asks.

use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, JsLifetime, Object, Result, Value};

/// The hash of an HMAC key or an ECDSA/RSA operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    pub fn from_name(name: &str) -> Option<Hash> {
        match name.to_ascii_uppercase().as_str() {
            "SHA-1" => Some(Hash::Sha1),
            "SHA-256" => Some(Hash::Sha256),
            "SHA-384" => Some(Hash::Sha384),
            "SHA-512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let algo = match self {
            Hash::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &ring::digest::SHA256,
            Hash::Sha384 => &ring::digest::SHA384,
            Hash::Sha512 => &ring::digest::SHA512,
        };
        ring::digest::digest(algo, data).as_ref().to_vec()
    }

    /// The block size in bytes: the default HMAC key length.
    pub fn block_len(self) -> usize {
        match self {
            Hash::Sha1 | Hash::Sha256 => 64,
            Hash::Sha384 | Hash::Sha512 => 128,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    /// secp256k1: `node:crypto` only (Web Crypto does not name it).
    K256,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::K256 => "secp256k1",
        }
    }

    /// A Web Crypto `namedCurve` (never secp256k1).
    pub fn from_name(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }

    /// Bytes of a field element (a coordinate, a private scalar, half a signature).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 | Curve::K256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

/// The key material.
#[derive(Clone)]
pub enum KeyData {
    Hmac {
        key: Vec<u8>,
        hash: Hash,
    },
    /// A private scalar (big-endian, `field_len` bytes).
    EcPrivate {
        curve: Curve,
        scalar: Vec<u8>,
    },
    /// An uncompressed SEC1 point.
    EcPublic {
        curve: Curve,
        point: Vec<u8>,
    },
    Ed25519Private([u8; 32]),
    Ed25519Public([u8; 32]),
    /// The secret of a PBKDF2 key (a password).
    Pbkdf2(Vec<u8>),
    /// The input keying material of an HKDF key.
    Hkdf(Vec<u8>),
    /// An AES key (16, 24 or 32 bytes).
    Aes(Vec<u8>),
    /// A ChaCha20-Poly1305 key (32 bytes).
    Secret(Vec<u8>),
    /// A KMAC key (any length).
    Kmac(Vec<u8>),
    /// An ML-KEM or ML-DSA private key: its seed.
    PqPrivate(Vec<u8>),
    /// An ML-KEM or ML-DSA public key: its encoding.
    PqPublic(Vec<u8>),
    /// Boxed: an RSA private key (with its CRT values) is several times larger than the rest.
    RsaPrivate {
        key: Box<rsa::RsaPrivateKey>,
        hash: Hash,
    },
    RsaPublic {
        key: rsa::RsaPublicKey,
        hash: Hash,
    },
    X25519Private([u8; 32]),
    X25519Public([u8; 32]),
}

impl KeyData {
    pub fn kind(&self) -> &'static str {
        match self {
            KeyData::Hmac { .. }
            | KeyData::Pbkdf2(_)
            | KeyData::Hkdf(_)
            | KeyData::Aes(_)
            | KeyData::Secret(_)
            | KeyData::Kmac(_) => "secret",
            KeyData::EcPrivate { .. }
            | KeyData::Ed25519Private(_)
            | KeyData::RsaPrivate { .. }
            | KeyData::X25519Private(_)
            | KeyData::PqPrivate(_) => "private",
            KeyData::EcPublic { .. }
            | KeyData::Ed25519Public(_)
            | KeyData::RsaPublic { .. }
            | KeyData::X25519Public(_)
            | KeyData::PqPublic(_) => "public",
        }
    }
}

/// The members of an RsaHashedKeyAlgorithm: `modulusLength`, `publicExponent`, `hash`.
fn rsa_algorithm<'js>(
    ctx: &Ctx<'js>,
    algorithm: &Object<'js>,
    n: &rsa::BigUint,
    e: &rsa::BigUint,
    hash: Hash,
) -> Result<()> {
    algorithm.set("modulusLength", n.bits())?;
    algorithm.set(
        "publicExponent",
        rquickjs::TypedArray::<u8>::new(ctx.clone(), e.to_bytes_be())?,
    )?;
    let h = Object::new(ctx.clone())?;
    h.set("name", hash.name())?;
    algorithm.set("hash", h)?;
    Ok(())
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct CryptoKey<'js> {
    /// The canonical algorithm name ("HMAC", "ECDSA", "Ed25519").
    #[qjs(skip_trace)]
    pub name: &'static str,
    #[qjs(skip_trace)]
    pub extractable: bool,
    #[qjs(skip_trace)]
    pub usages: Vec<&'static str>,
    #[qjs(skip_trace)]
    pub data: KeyData,
    algorithm_obj: Object<'js>,
    usages_obj: Array<'js>,
}

impl<'js> CryptoKey<'js> {
    pub fn new(
        ctx: &Ctx<'js>,
        name: &'static str,
        data: KeyData,
        extractable: bool,
        usages: Vec<&'static str>,
    ) -> Result<Self> {
        let algorithm = Object::new(ctx.clone())?;
        algorithm.set("name", name)?;
        match &data {
            KeyData::Hmac { key, hash } => {
                let h = Object::new(ctx.clone())?;
                h.set("name", hash.name())?;
                algorithm.set("hash", h)?;
                algorithm.set("length", key.len() * 8)?;
            }
            KeyData::EcPrivate { curve, .. } | KeyData::EcPublic { curve, .. } => {
                algorithm.set("namedCurve", curve.name())?;
            }
            KeyData::Aes(key) | KeyData::Kmac(key) => {
                algorithm.set("length", key.len() * 8)?;
            }
            KeyData::RsaPrivate { key, hash } => {
                use rsa::traits::PublicKeyParts;
                rsa_algorithm(ctx, &algorithm, key.n(), key.e(), *hash)?;
            }
            KeyData::RsaPublic { key, hash } => {
                use rsa::traits::PublicKeyParts;
                rsa_algorithm(ctx, &algorithm, key.n(), key.e(), *hash)?;
            }
            KeyData::Ed25519Private(_)
            | KeyData::Ed25519Public(_)
            | KeyData::X25519Private(_)
            | KeyData::X25519Public(_)
            | KeyData::Pbkdf2(_)
            | KeyData::Hkdf(_)
            | KeyData::Secret(_)
            | KeyData::PqPrivate(_)
            | KeyData::PqPublic(_) => {}
        }
        let list = Array::new(ctx.clone())?;
        for (i, usage) in usages.iter().enumerate() {
            list.set(i, *usage)?;
        }
        Ok(CryptoKey {
            name,
            extractable,
            usages,
            data,
            algorithm_obj: algorithm,
            usages_obj: list,
        })
    }

    pub fn allows(&self, usage: &str) -> bool {
        self.usages.contains(&usage)
    }
}

#[rquickjs::methods]
impl<'js> CryptoKey<'js> {
    /// Keys, the `crypto` object and `crypto.subtle` are made by the runtime only.
    #[qjs(constructor)]
    pub fn illegal(ctx: Ctx<'js>) -> Result<Self> {
        Err(rquickjs::Exception::throw_type(&ctx, "Illegal constructor"))
    }

    #[qjs(get, rename = "type", enumerable, configurable)]
    pub fn kind(&self) -> &'static str {
        self.data.kind()
    }

    #[qjs(get, rename = "extractable", enumerable, configurable)]
    pub fn is_extractable(&self) -> bool {
        self.extractable
    }

    #[qjs(get, enumerable, configurable)]
    pub fn algorithm(&self) -> Object<'js> {
        self.algorithm_obj.clone()
    }

    #[qjs(get, rename = "usages", enumerable, configurable)]
    pub fn usage_list(&self) -> Value<'js> {
        self.usages_obj.clone().into_value()
    }

    #[qjs(get, rename = PredefinedAtom::SymbolToStringTag)]
    pub fn to_string_tag(&self) -> &'static str {
        "CryptoKey"
    }
}
