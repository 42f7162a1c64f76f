//! What a Node `KeyObject` holds: a secret, or an asymmetric key (RSA, RSA-PSS, EC on the NIST
//! curves, Ed25519, X25519) with its public half always present. Also the errors key handling
//! raises, shaped as Node's (class, `code`, message).

use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};

use crate::web::crypto_key::Curve;
use crate::web::subtle::ec::on_curve;

/// A Node error: its class, `code` and message.
#[derive(Debug)]
pub struct KeyError {
    pub class: ErrorClass,
    pub code: Option<&'static str>,
    pub message: String,
}

#[derive(Debug, Clone, Copy)]
pub enum ErrorClass {
    Error,
    TypeError,
}

impl KeyError {
    pub fn new(class: ErrorClass, code: &'static str, message: impl Into<String>) -> KeyError {
        KeyError {
            class,
            code: Some(code),
            message: message.into(),
        }
    }

    /// What OpenSSL says of input it cannot decode.
    pub fn unsupported() -> KeyError {
        KeyError::new(
            ErrorClass::Error,
            "ERR_OSSL_UNSUPPORTED",
            "error:1E08010C:DECODER routines::unsupported",
        )
    }

    pub fn invalid(message: impl Into<String>) -> KeyError {
        KeyError::new(ErrorClass::Error, "ERR_CRYPTO_OPERATION_FAILED", message)
    }
}

/// RSASSA-PSS parameters a key is restricted to (digest names as Node spells them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PssParams {
    pub hash: Option<&'static str>,
    pub mgf1: Option<&'static str>,
    pub salt: Option<u32>,
}

#[derive(Clone)]
pub enum Material {
    Secret(Vec<u8>),
    Rsa {
        public: RsaPublicKey,
        private: Option<Box<RsaPrivateKey>>,
        /// `Some` for an RSA-PSS key (`rsa-pss`).
        pss: Option<PssParams>,
    },
    Ec {
        curve: Curve,
        /// Uncompressed SEC1 point.
        point: Vec<u8>,
        /// Big-endian scalar, `field_len` bytes.
        scalar: Option<Vec<u8>>,
    },
    Ed25519 {
        public: [u8; 32],
        secret: Option<[u8; 32]>,
    },
    X25519 {
        public: [u8; 32],
        secret: Option<[u8; 32]>,
    },
    /// Finite-field Diffie-Hellman: the group (prime, generator) and the key's values, all
    /// unsigned big-endian.
    Dh {
        prime: Vec<u8>,
        generator: Vec<u8>,
        public: Vec<u8>,
        private: Option<Vec<u8>>,
    },
}

/// Node's name of a curve.
pub fn curve_name(curve: Curve) -> &'static str {
    match curve {
        Curve::P256 => "prime256v1",
        Curve::P384 => "secp384r1",
        Curve::P521 => "secp521r1",
        Curve::K256 => "secp256k1",
    }
}

/// A curve by any of the names Node accepts for it.
pub fn curve_from_name(name: &str) -> Option<Curve> {
    Some(match name {
        "prime256v1" | "P-256" | "secp256r1" => Curve::P256,
        "secp384r1" | "P-384" => Curve::P384,
        "secp521r1" | "P-521" => Curve::P521,
        "secp256k1" => Curve::K256,
        _ => return None,
    })
}

pub fn curve_oid(curve: Curve) -> &'static [u8] {
    match curve {
        Curve::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        Curve::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
        Curve::P521 => &[0x2b, 0x81, 0x04, 0x00, 0x23],
        Curve::K256 => &[0x2b, 0x81, 0x04, 0x00, 0x0a],
    }
}

pub fn curve_from_oid(oid: &[u8]) -> Option<Curve> {
    [Curve::P256, Curve::P384, Curve::P521, Curve::K256]
        .into_iter()
        .find(|c| curve_oid(*c) == oid)
}

/// The public point of an EC scalar; `None` for a scalar that is not a valid private key.
pub fn ec_public_of(curve: Curve, scalar: &[u8]) -> Option<Vec<u8>> {
    on_curve!(curve, public_of(scalar))
}

/// An EC point, validated and uncompressed.
pub fn ec_point(curve: Curve, bytes: &[u8]) -> Option<Vec<u8>> {
    on_curve!(curve, point_encoding(bytes, false))
}

pub fn ed25519_public_of(secret: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(secret)
        .verifying_key()
        .to_bytes()
}

pub fn x25519_public_of(secret: &[u8; 32]) -> [u8; 32] {
    x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(*secret)).to_bytes()
}

impl Material {
    pub fn kind(&self) -> &'static str {
        match self {
            Material::Secret(_) => "secret",
            m if m.is_private() => "private",
            _ => "public",
        }
    }

    pub fn is_private(&self) -> bool {
        match self {
            Material::Secret(_) => false,
            Material::Rsa { private, .. } => private.is_some(),
            Material::Ec { scalar, .. } => scalar.is_some(),
            Material::Ed25519 { secret, .. } | Material::X25519 { secret, .. } => secret.is_some(),
            Material::Dh { private, .. } => private.is_some(),
        }
    }

    /// Node's `asymmetricKeyType`.
    pub fn asymmetric_type(&self) -> Option<&'static str> {
        Some(match self {
            Material::Secret(_) => return None,
            Material::Rsa { pss: None, .. } => "rsa",
            Material::Rsa { pss: Some(_), .. } => "rsa-pss",
            Material::Ec { .. } => "ec",
            Material::Ed25519 { .. } => "ed25519",
            Material::X25519 { .. } => "x25519",
            Material::Dh { .. } => "dh",
        })
    }

    /// The same key without its private half.
    pub fn public_part(&self) -> Material {
        match self {
            Material::Secret(k) => Material::Secret(k.clone()),
            Material::Rsa { public, pss, .. } => Material::Rsa {
                public: public.clone(),
                private: None,
                pss: pss.clone(),
            },
            Material::Ec { curve, point, .. } => Material::Ec {
                curve: *curve,
                point: point.clone(),
                scalar: None,
            },
            Material::Ed25519 { public, .. } => Material::Ed25519 {
                public: *public,
                secret: None,
            },
            Material::X25519 { public, .. } => Material::X25519 {
                public: *public,
                secret: None,
            },
            Material::Dh {
                prime,
                generator,
                public,
                ..
            } => Material::Dh {
                prime: prime.clone(),
                generator: generator.clone(),
                public: public.clone(),
                private: None,
            },
        }
    }

    /// Whether two keys are the same key (type, parameters and material).
    pub fn same_as(&self, other: &Material) -> bool {
        match (self, other) {
            (Material::Secret(a), Material::Secret(b)) => {
                a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
            }
            (
                Material::Rsa {
                    public: a,
                    private: pa,
                    pss: sa,
                },
                Material::Rsa {
                    public: b,
                    private: pb,
                    pss: sb,
                },
            ) => {
                a.n() == b.n()
                    && a.e() == b.e()
                    && sa == sb
                    && pa.is_some() == pb.is_some()
                    && pa.as_ref().map(|k| {
                        use rsa::traits::PrivateKeyParts;
                        k.d().clone()
                    }) == pb.as_ref().map(|k| {
                        use rsa::traits::PrivateKeyParts;
                        k.d().clone()
                    })
            }
            (
                Material::Ec {
                    curve: a,
                    point: pa,
                    scalar: sa,
                },
                Material::Ec {
                    curve: b,
                    point: pb,
                    scalar: sb,
                },
            ) => a == b && pa == pb && sa == sb,
            (
                Material::Ed25519 {
                    public: a,
                    secret: sa,
                },
                Material::Ed25519 {
                    public: b,
                    secret: sb,
                },
            )
            | (
                Material::X25519 {
                    public: a,
                    secret: sa,
                },
                Material::X25519 {
                    public: b,
                    secret: sb,
                },
            ) => a == b && sa == sb,
            (
                Material::Dh {
                    prime: pa,
                    generator: ga,
                    public: a,
                    private: xa,
                },
                Material::Dh {
                    prime: pb,
                    generator: gb,
                    public: b,
                    private: xb,
                },
            ) => pa == pb && ga == gb && a == b && xa == xb,
            _ => false,
        }
    }
}
