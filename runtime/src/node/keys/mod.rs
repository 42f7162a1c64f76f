//! The native side of `node:crypto`'s keys: `KeyHandle`, the opaque object a `KeyObject`
//! wraps, and the functions over it (parse, generate, export, sign, verify, RSA encryption,
//! Diffie-Hellman). Key bytes stay in Rust; JS sees only what it exports.

mod asn1;
mod codec;
mod dh;
mod encrypted;
mod material;
mod modp;
mod ops;
mod pem;

use std::rc::Rc;

use rquickjs::class::Trace;
use rquickjs::function::{Func, Opt};
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result, TypedArray, Value};

use crate::web::util::buffer_source_bytes;
use codec::Want;
use material::{curve_from_name, curve_name, ErrorClass, KeyError, Material};

/// Throws `err` as the Node error it describes.
fn throw(ctx: &Ctx<'_>, err: KeyError) -> rquickjs::Error {
    let ctor = match err.class {
        ErrorClass::Error => "Error",
        ErrorClass::TypeError => "TypeError",
    };
    let make = || -> Result<Value<'_>> {
        let ctor: rquickjs::Constructor = ctx.globals().get(ctor)?;
        let e: Object = ctor.construct((err.message.as_str(),))?;
        if let Some(code) = err.code {
            e.set("code", code)?;
        }
        Ok(e.into_value())
    };
    match make() {
        Ok(e) => ctx.throw(e),
        Err(e) => e,
    }
}

fn bytes(ctx: &Ctx<'_>, value: &Value<'_>, what: &str) -> Result<Vec<u8>> {
    if let Some(s) = value.as_string() {
        return Ok(s.to_string()?.into_bytes());
    }
    buffer_source_bytes(value)
        .map(|b| b.to_vec())
        .ok_or_else(|| Exception::throw_type(ctx, &format!("{what} must be a string or bytes")))
}

fn opt_bytes(ctx: &Ctx<'_>, value: &Opt<Value<'_>>, what: &str) -> Result<Option<Vec<u8>>> {
    match &value.0 {
        Some(v) if !v.is_undefined() && !v.is_null() => bytes(ctx, v, what).map(Some),
        _ => Ok(None),
    }
}

#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "KeyHandle")]
pub struct KeyHandle {
    #[qjs(skip_trace)]
    material: Rc<Material>,
}

impl KeyHandle {
    fn wrap<'js>(ctx: &Ctx<'js>, material: Material) -> Result<Class<'js, KeyHandle>> {
        Class::instance(
            ctx.clone(),
            KeyHandle {
                material: Rc::new(material),
            },
        )
    }
}

fn handle<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Rc<Material>> {
    Class::<KeyHandle>::from_value(value)
        .map(|c| c.borrow().material.clone())
        .map_err(|_| Exception::throw_type(ctx, "expected a key handle"))
}

#[rquickjs::methods]
impl KeyHandle {
    #[qjs(constructor)]
    pub fn illegal(ctx: Ctx<'_>) -> Result<Self> {
        Err(Exception::throw_type(&ctx, "Illegal constructor"))
    }

    #[qjs(get, rename = "type")]
    pub fn kind(&self) -> &'static str {
        self.material.kind()
    }

    #[qjs(get, rename = "asymmetricKeyType")]
    pub fn asymmetric_type(&self) -> Option<&'static str> {
        self.material.asymmetric_type()
    }

    #[qjs(get, rename = "symmetricKeySize")]
    pub fn symmetric_size(&self) -> Option<usize> {
        match &*self.material {
            Material::Secret(k) => Some(k.len()),
            _ => None,
        }
    }

    /// `asymmetricKeyDetails`; `publicExponent` is a decimal string (JS makes it a BigInt).
    pub fn details<'js>(&self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        use rsa::traits::PublicKeyParts;
        let out = Object::new(ctx)?;
        match &*self.material {
            Material::Rsa { public, pss, .. } => {
                out.set("modulusLength", public.n().bits())?;
                out.set("publicExponent", public.e().to_string())?;
                if let Some(p) = pss {
                    if let Some(h) = p.hash {
                        out.set("hashAlgorithm", h)?;
                    }
                    if let Some(m) = p.mgf1 {
                        out.set("mgf1HashAlgorithm", m)?;
                    }
                    if let Some(s) = p.salt {
                        out.set("saltLength", s)?;
                    }
                }
            }
            Material::Ec { curve, .. } => out.set("namedCurve", curve_name(*curve))?,
            _ => {}
        }
        Ok(out)
    }

    /// The key as DER of `kind`; `private` picks the private encoding of a private key.
    #[qjs(rename = "exportDer")]
    pub fn export_der<'js>(
        &self,
        ctx: Ctx<'js>,
        kind: String,
        private: bool,
    ) -> Result<TypedArray<'js, u8>> {
        let out = if private {
            codec::private_der(&self.material, &kind)
        } else {
            codec::public_der(&self.material, &kind)
        };
        let (_, der) = out.map_err(|e| throw(&ctx, e))?;
        TypedArray::new(ctx, der)
    }

    #[qjs(rename = "exportPem")]
    pub fn export_pem(&self, ctx: Ctx<'_>, kind: String, private: bool) -> Result<String> {
        let out = if private {
            codec::private_der(&self.material, &kind)
        } else {
            codec::public_der(&self.material, &kind)
        };
        let (label, der) = out.map_err(|e| throw(&ctx, e))?;
        Ok(pem::encode(label, &[], &der))
    }

    /// A private key encrypted under `passphrase` with `cipher` (PEM text as bytes, or DER).
    #[qjs(rename = "exportEncrypted")]
    pub fn export_encrypted<'js>(
        &self,
        ctx: Ctx<'js>,
        kind: String,
        pem_out: bool,
        cipher: String,
        passphrase: Value<'js>,
    ) -> Result<TypedArray<'js, u8>> {
        let pass = bytes(&ctx, &passphrase, "passphrase")?;
        let out = codec::encrypted_private(&self.material, &kind, pem_out, &cipher, &pass)
            .map_err(|e| throw(&ctx, e))?;
        TypedArray::new(ctx, out)
    }

    /// The key as JWK JSON text.
    #[qjs(rename = "exportJwk")]
    pub fn export_jwk(&self, ctx: Ctx<'_>) -> Result<String> {
        codec::to_jwk(&self.material).map_err(|e| throw(&ctx, e))
    }

    #[qjs(rename = "exportSecret")]
    pub fn export_secret<'js>(&self, ctx: Ctx<'js>) -> Result<TypedArray<'js, u8>> {
        match &*self.material {
            Material::Secret(k) => TypedArray::new(ctx, k.clone()),
            _ => Err(Exception::throw_type(&ctx, "not a secret key")),
        }
    }

    /// The public half, as its own handle.
    #[qjs(rename = "publicHandle")]
    pub fn public_handle<'js>(&self, ctx: Ctx<'js>) -> Result<Class<'js, KeyHandle>> {
        KeyHandle::wrap(&ctx, self.material.public_part())
    }

    pub fn equals<'js>(&self, ctx: Ctx<'js>, other: Value<'js>) -> Result<bool> {
        let other = handle(&ctx, &other)?;
        Ok(self.material.same_as(&other))
    }

    /// An EC key's public point (compressed or not) and, for ECDH, its private scalar.
    #[qjs(rename = "ecPoint")]
    pub fn ec_point<'js>(&self, ctx: Ctx<'js>, compressed: bool) -> Result<TypedArray<'js, u8>> {
        match &*self.material {
            Material::Ec { curve, point, .. } => {
                let p =
                    crate::web::subtle::ec::on_curve!(*curve, point_encoding(point, compressed))
                        .unwrap_or_default();
                TypedArray::new(ctx, p)
            }
            Material::X25519 { public, .. } | Material::Ed25519 { public, .. } => {
                TypedArray::new(ctx, public.to_vec())
            }
            _ => Err(Exception::throw_type(&ctx, "not an EC key")),
        }
    }

    #[qjs(rename = "ecScalar")]
    pub fn ec_scalar<'js>(&self, ctx: Ctx<'js>) -> Result<TypedArray<'js, u8>> {
        match &*self.material {
            Material::Ec {
                scalar: Some(s), ..
            } => TypedArray::new(ctx, s.clone()),
            Material::X25519 {
                secret: Some(s), ..
            }
            | Material::Ed25519 {
                secret: Some(s), ..
            } => TypedArray::new(ctx, s.to_vec()),
            _ => Err(Exception::throw_type(&ctx, "not a private EC key")),
        }
    }
}

/// `keyParse(input, format, type, passphrase, private)`: a key from PEM, DER or JWK JSON.
fn key_parse<'js>(
    ctx: Ctx<'js>,
    input: Value<'js>,
    format: String,
    kind: Option<String>,
    passphrase: Opt<Value<'js>>,
    private: bool,
) -> Result<Class<'js, KeyHandle>> {
    let want = if private { Want::Private } else { Want::Public };
    let pass = opt_bytes(&ctx, &passphrase, "passphrase")?;
    let data = bytes(&ctx, &input, "key")?;
    let material = match format.as_str() {
        "jwk" => {
            let json: serde_json::Value = serde_json::from_slice(&data)
                .map_err(|_| Exception::throw_type(&ctx, "invalid JWK"))?;
            codec::from_jwk(&json, want)
        }
        "der" => codec::from_der(&data, kind.as_deref().unwrap_or(""), pass.as_deref(), want),
        _ => codec::from_pem(&String::from_utf8_lossy(&data), pass.as_deref(), want),
    }
    .map_err(|e| throw(&ctx, e))?;
    KeyHandle::wrap(&ctx, material)
}

fn key_secret<'js>(ctx: Ctx<'js>, key: Value<'js>) -> Result<Class<'js, KeyHandle>> {
    let k = bytes(&ctx, &key, "key")?;
    KeyHandle::wrap(&ctx, Material::Secret(k))
}

/// `keyGenerate(type, options)`: a new private key (options as Node's generateKeyPair takes).
fn key_generate<'js>(
    ctx: Ctx<'js>,
    kind: String,
    options: Object<'js>,
) -> Result<Class<'js, KeyHandle>> {
    let curve = match options.get::<_, Option<String>>("namedCurve")? {
        Some(name) => Some(curve_from_name(&name).ok_or_else(|| {
            throw(
                &ctx,
                KeyError::new(
                    ErrorClass::TypeError,
                    "ERR_CRYPTO_INVALID_CURVE",
                    "Invalid EC curve name",
                ),
            )
        })?),
        None => None,
    };
    let pss = if kind == "rsa-pss" {
        Some(
            codec::pss_from_options(
                options
                    .get::<_, Option<String>>("hashAlgorithm")?
                    .as_deref(),
                options
                    .get::<_, Option<String>>("mgf1HashAlgorithm")?
                    .as_deref(),
                options.get::<_, Option<u32>>("saltLength")?,
            )
            .map_err(|e| throw(&ctx, e))?,
        )
    } else {
        None
    };
    let opts = ops::GenerateOptions {
        modulus_length: options.get::<_, Option<usize>>("modulusLength")?,
        public_exponent: options
            .get::<_, Option<f64>>("publicExponent")?
            .map(|e| e as u64),
        curve,
        pss,
        prime: match options.get::<_, Option<String>>("group")? {
            Some(name) => Some(dh::group_prime(&name).ok_or_else(|| {
                throw(
                    &ctx,
                    KeyError::new(
                        ErrorClass::Error,
                        "ERR_CRYPTO_UNKNOWN_DH_GROUP",
                        "Unknown DH group",
                    ),
                )
            })?),
            None => match options.get::<_, Option<Value>>("prime")? {
                Some(p) => buffer_source_bytes(&p).map(|b| b.to_vec()),
                None => None,
            },
        },
        prime_length: options.get::<_, Option<usize>>("primeLength")?,
        generator: options
            .get::<_, Option<f64>>("generator")?
            .map(|g| asn1_uint_bytes(g as u64)),
    };
    let material = ops::generate(&kind, opts).map_err(|e| throw(&ctx, e))?;
    KeyHandle::wrap(&ctx, material)
}

/// A small number as minimal big-endian bytes.
fn asn1_uint_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let start = bytes.iter().take_while(|b| **b == 0).count().min(7);
    bytes[start..].to_vec()
}

fn sign_options(
    ctx: &Ctx<'_>,
    digest: Option<String>,
    options: &Object<'_>,
) -> Result<ops::SignOptions> {
    let digest = match digest {
        Some(d) => Some(codec::digest_name(&d).ok_or_else(|| {
            throw(
                ctx,
                KeyError::new(
                    ErrorClass::TypeError,
                    "ERR_CRYPTO_INVALID_DIGEST",
                    format!("Invalid digest: {d}"),
                ),
            )
        })?),
        None => None,
    };
    Ok(ops::SignOptions {
        digest,
        padding: options.get::<_, Option<i32>>("padding")?,
        salt_length: options.get::<_, Option<i32>>("saltLength")?,
        p1363: options.get::<_, Option<String>>("dsaEncoding")?.as_deref() == Some("ieee-p1363"),
    })
}

/// `keySign(key, data, digest, options)`.
fn key_sign<'js>(
    ctx: Ctx<'js>,
    key: Value<'js>,
    data: Value<'js>,
    digest: Option<String>,
    options: Object<'js>,
) -> Result<TypedArray<'js, u8>> {
    let key = handle(&ctx, &key)?;
    let data = bytes(&ctx, &data, "data")?;
    let opts = sign_options(&ctx, digest, &options)?;
    let sig = ops::sign(&key, &data, &opts).map_err(|e| throw(&ctx, e))?;
    TypedArray::new(ctx, sig)
}

/// `keyVerify(key, data, signature, digest, options)`.
fn key_verify<'js>(
    ctx: Ctx<'js>,
    key: Value<'js>,
    data: Value<'js>,
    signature: Value<'js>,
    digest: Option<String>,
    options: Object<'js>,
) -> Result<bool> {
    let key = handle(&ctx, &key)?;
    let data = bytes(&ctx, &data, "data")?;
    let signature = bytes(&ctx, &signature, "signature")?;
    let opts = sign_options(&ctx, digest, &options)?;
    ops::verify(&key, &data, &signature, &opts).map_err(|e| throw(&ctx, e))
}

/// `keyRsa(op, key, data, padding, oaepHash, label)`: op 0-3 is publicEncrypt,
/// privateDecrypt, privateEncrypt, publicDecrypt.
fn key_rsa<'js>(
    ctx: Ctx<'js>,
    op: u32,
    key: Value<'js>,
    data: Value<'js>,
    padding: i32,
    oaep_hash: String,
    label: Opt<Value<'js>>,
) -> Result<TypedArray<'js, u8>> {
    let key = handle(&ctx, &key)?;
    let data = bytes(&ctx, &data, "buffer")?;
    let label = opt_bytes(&ctx, &label, "oaepLabel")?.unwrap_or_default();
    let op = match op {
        0 => ops::RsaOp::PublicEncrypt,
        1 => ops::RsaOp::PrivateDecrypt,
        2 => ops::RsaOp::PrivateEncrypt,
        _ => ops::RsaOp::PublicDecrypt,
    };
    let out =
        ops::rsa_crypt(&key, op, &data, padding, &oaep_hash, &label).map_err(|e| throw(&ctx, e))?;
    TypedArray::new(ctx, out)
}

fn key_agree<'js>(
    ctx: Ctx<'js>,
    private: Value<'js>,
    public: Value<'js>,
) -> Result<TypedArray<'js, u8>> {
    let private = handle(&ctx, &private)?;
    let public = handle(&ctx, &public)?;
    let out = ops::agree(&private, &public).map_err(|e| throw(&ctx, e))?;
    TypedArray::new(ctx, out)
}

/// `ecKey(curve, scalar | null, point | null)`: an EC key from raw parts (ECDH's setters).
fn ec_key<'js>(
    ctx: Ctx<'js>,
    curve: String,
    scalar: Opt<Value<'js>>,
    point: Opt<Value<'js>>,
) -> Result<Class<'js, KeyHandle>> {
    let invalid = |what: &str| {
        throw(
            &ctx,
            KeyError::new(
                ErrorClass::Error,
                "ERR_CRYPTO_INVALID_KEYTYPE",
                format!("Invalid {what}"),
            ),
        )
    };
    let material = match curve.as_str() {
        "x25519" | "X25519" => {
            let s = opt_bytes(&ctx, &scalar, "key")?.ok_or_else(|| invalid("key"))?;
            let s: [u8; 32] = s.try_into().map_err(|_| invalid("key"))?;
            Material::X25519 {
                public: material::x25519_public_of(&s),
                secret: Some(s),
            }
        }
        name => {
            let c = curve_from_name(name).ok_or_else(|| {
                throw(
                    &ctx,
                    KeyError::new(
                        ErrorClass::TypeError,
                        "ERR_CRYPTO_INVALID_CURVE",
                        "Invalid EC curve name",
                    ),
                )
            })?;
            match (
                opt_bytes(&ctx, &scalar, "key")?,
                opt_bytes(&ctx, &point, "key")?,
            ) {
                (Some(s), _) => {
                    let n = c.field_len();
                    let start = s.iter().take_while(|b| **b == 0).count();
                    if s.len() - start > n {
                        return Err(invalid("private key"));
                    }
                    let mut scalar = vec![0u8; n - (s.len() - start)];
                    scalar.extend_from_slice(&s[start..]);
                    let point =
                        material::ec_public_of(c, &scalar).ok_or_else(|| invalid("private key"))?;
                    Material::Ec {
                        curve: c,
                        point,
                        scalar: Some(scalar),
                    }
                }
                (None, Some(p)) => Material::Ec {
                    curve: c,
                    point: material::ec_point(c, &p).ok_or_else(|| invalid("public key"))?,
                    scalar: None,
                },
                (None, None) => return Err(invalid("key")),
            }
        }
    };
    KeyHandle::wrap(&ctx, material)
}

/// `keyFromCryptoKey(cryptoKey)`: the same key material as a KeyObject's handle.
fn key_from_crypto_key<'js>(ctx: Ctx<'js>, key: Value<'js>) -> Result<Class<'js, KeyHandle>> {
    use crate::web::crypto_key::{CryptoKey, KeyData};
    let key = Class::<CryptoKey>::from_value(&key)
        .map_err(|_| Exception::throw_type(&ctx, "expected a CryptoKey"))?;
    let key = key.borrow();
    let unsupported = || throw(&ctx, KeyError::unsupported());
    let material = match &key.data {
        KeyData::Hmac { key, .. }
        | KeyData::Aes(key)
        | KeyData::Secret(key)
        | KeyData::Kmac(key)
        | KeyData::Pbkdf2(key)
        | KeyData::Hkdf(key) => Material::Secret(key.clone()),
        KeyData::EcPrivate { curve, scalar } => Material::Ec {
            curve: *curve,
            point: material::ec_public_of(*curve, scalar).ok_or_else(unsupported)?,
            scalar: Some(scalar.clone()),
        },
        KeyData::EcPublic { curve, point } => Material::Ec {
            curve: *curve,
            point: point.clone(),
            scalar: None,
        },
        KeyData::Ed25519Private(s) => Material::Ed25519 {
            public: material::ed25519_public_of(s),
            secret: Some(*s),
        },
        KeyData::Ed25519Public(p) => Material::Ed25519 {
            public: *p,
            secret: None,
        },
        KeyData::X25519Private(s) => Material::X25519 {
            public: material::x25519_public_of(s),
            secret: Some(*s),
        },
        KeyData::X25519Public(p) => Material::X25519 {
            public: *p,
            secret: None,
        },
        KeyData::RsaPrivate { key: k, .. } => Material::Rsa {
            public: k.to_public_key(),
            private: Some(k.clone()),
            pss: (key.name == "RSA-PSS").then(Default::default),
        },
        KeyData::RsaPublic { key: k, .. } => Material::Rsa {
            public: k.clone(),
            private: None,
            pss: (key.name == "RSA-PSS").then(Default::default),
        },
        KeyData::PqPrivate(_) | KeyData::PqPublic(_) => return Err(unsupported()),
    };
    KeyHandle::wrap(&ctx, material)
}

fn typed<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> Result<TypedArray<'js, u8>> {
    TypedArray::new(ctx.clone(), bytes)
}

/// `dhGroup(name)`: a MODP group's prime, or undefined.
fn dh_group<'js>(ctx: Ctx<'js>, name: String) -> Result<Option<TypedArray<'js, u8>>> {
    dh::group_prime(&name).map(|p| typed(&ctx, p)).transpose()
}

fn dh_generate_prime<'js>(ctx: Ctx<'js>, bits: i64) -> Result<TypedArray<'js, u8>> {
    let p = dh::generate_safe_prime(bits.max(0) as usize).map_err(|e| throw(&ctx, e))?;
    typed(&ctx, p)
}

fn dh_check<'js>(ctx: Ctx<'js>, prime: Value<'js>, generator: Value<'js>) -> Result<u32> {
    dh::check(
        &bytes(&ctx, &prime, "prime")?,
        &bytes(&ctx, &generator, "generator")?,
    )
    .map_err(|e| throw(&ctx, e))
}

/// `dhKeys(prime, generator, private?)`: [private, public], a new private key when none.
fn dh_keys<'js>(
    ctx: Ctx<'js>,
    prime: Value<'js>,
    generator: Value<'js>,
    private: Opt<Value<'js>>,
) -> Result<rquickjs::Array<'js>> {
    let p = bytes(&ctx, &prime, "prime")?;
    let g = bytes(&ctx, &generator, "generator")?;
    let x = match opt_bytes(&ctx, &private, "privateKey")? {
        Some(x) => {
            dh::check_size(&x).map_err(|e| throw(&ctx, e))?;
            x
        }
        None => dh::private_key(&p).map_err(|e| throw(&ctx, e))?,
    };
    let y = dh::public_key(&p, &g, &x);
    let out = rquickjs::Array::new(ctx.clone())?;
    out.set(0, typed(&ctx, x)?)?;
    out.set(1, typed(&ctx, y)?)?;
    Ok(out)
}

fn dh_secret<'js>(
    ctx: Ctx<'js>,
    prime: Value<'js>,
    private: Value<'js>,
    peer: Value<'js>,
) -> Result<TypedArray<'js, u8>> {
    let out = dh::shared_secret(
        &bytes(&ctx, &prime, "prime")?,
        &bytes(&ctx, &private, "privateKey")?,
        &bytes(&ctx, &peer, "otherPublicKey")?,
    )
    .map_err(|e| throw(&ctx, e))?;
    typed(&ctx, out)
}

/// Installs the key natives on `node_crypto` (the `nodeCrypto` bootstrap object).
pub fn install<'js>(node_crypto: &Object<'js>) -> Result<()> {
    Class::<KeyHandle>::define(node_crypto)?;
    node_crypto.set("keyParse", Func::from(key_parse))?;
    node_crypto.set("keySecret", Func::from(key_secret))?;
    node_crypto.set("keyGenerate", Func::from(key_generate))?;
    node_crypto.set("keySign", Func::from(key_sign))?;
    node_crypto.set("keyVerify", Func::from(key_verify))?;
    node_crypto.set("keyRsa", Func::from(key_rsa))?;
    node_crypto.set("keyAgree", Func::from(key_agree))?;
    node_crypto.set("ecKey", Func::from(ec_key))?;
    node_crypto.set("keyFromCryptoKey", Func::from(key_from_crypto_key))?;
    node_crypto.set("dhGroup", Func::from(dh_group))?;
    node_crypto.set("dhGeneratePrime", Func::from(dh_generate_prime))?;
    node_crypto.set("dhCheck", Func::from(dh_check))?;
    node_crypto.set("dhKeys", Func::from(dh_keys))?;
    node_crypto.set("dhSecret", Func::from(dh_secret))?;
    Ok(())
}
