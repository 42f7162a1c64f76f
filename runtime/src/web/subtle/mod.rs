//! `crypto.subtle`: the Web Crypto API, native. Every method returns a promise and reports
//! failures by rejecting it with the error the spec names (TypeError, NotSupportedError,
//! DataError, InvalidAccessError, SyntaxError, OperationError).
//!
//! Supported so far: `digest` (SHA-1/256/384/512); HMAC, ECDSA and ECDH (P-256, P-384, P-521), Ed25519
//! keys with `importKey`/`exportKey` (raw, spki, pkcs8, jwk), `generateKey`, `sign` and
//! `verify`; PBKDF2 and HKDF with `deriveBits` and `deriveKey`; AES-GCM, AES-CBC, AES-CTR
//! (`encrypt`/`decrypt`) and AES-KW, with `wrapKey`/`unwrapKey`; RSASSA-PKCS1-v1_5, RSA-PSS
//! and RSA-OAEP (spki, pkcs8, jwk); X25519 with `deriveBits`/`deriveKey`.

mod aead;
mod aes;
pub(crate) mod der;
pub(crate) mod ec;
mod ed25519;
mod hmac;
mod jwk;
mod kdf;
mod keccak;
mod params;
mod pq;
mod rsa_keys;
mod secret;
mod supports;
mod x25519;

use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::prelude::Coerced;
use rquickjs::{ArrayBuffer, Class, Ctx, Exception, JsLifetime, Object, Promise, Result, Value};

use super::crypto_key::{CryptoKey, Hash, KeyData};
use super::util::{buffer_source_bytes, throw_dom, thrown_value};
use params::{algorithm, bytes, hash_member, invalid_access, not_supported, usages};

/// A key format of `importKey`/`exportKey`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Raw,
    /// `raw-secret`: the bytes of a secret key (the modern algorithms' name for `raw`).
    RawSecret,
    /// `raw-public`: a public key's own encoding (the modern algorithms' name for `raw`).
    RawPublic,
    /// `raw-seed`: the seed a post-quantum private key expands from.
    RawSeed,
    Spki,
    Pkcs8,
    Jwk,
}

fn format(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Format> {
    let name: Coerced<String> = value.get()?;
    match name.0.as_str() {
        "raw" => Ok(Format::Raw),
        "raw-secret" => Ok(Format::RawSecret),
        "raw-public" => Ok(Format::RawPublic),
        "raw-seed" => Ok(Format::RawSeed),
        "spki" => Ok(Format::Spki),
        "pkcs8" => Ok(Format::Pkcs8),
        "jwk" => Ok(Format::Jwk),
        other => Err(Exception::throw_type(
            ctx,
            &format!("Invalid key format: {other}"),
        )),
    }
}

/// Settles a promise with the outcome of a synchronous computation.
fn settle<'js>(ctx: &Ctx<'js>, outcome: Result<Value<'js>>) -> Result<Promise<'js>> {
    let (promise, resolve, reject) = ctx.promise()?;
    match outcome {
        Ok(value) => resolve.call::<_, ()>((value,))?,
        Err(e) => reject.call::<_, ()>((thrown_value(ctx, e),))?,
    }
    Ok(promise)
}

fn key_arg<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Class<'js, CryptoKey<'js>>> {
    Class::<CryptoKey>::from_value(value)
        .map_err(|_| Exception::throw_type(ctx, "key must be a CryptoKey"))
}

/// Checks that `key` is for `name` and may be used for `usage`.
fn check_key(ctx: &Ctx<'_>, key: &CryptoKey<'_>, name: &str, usage: &str) -> Result<()> {
    if key.name != name {
        return Err(invalid_access(
            ctx,
            &format!("the key is for {}, not {name}", key.name),
        ));
    }
    if !key.allows(usage) {
        return Err(invalid_access(
            ctx,
            &format!("the key does not allow {usage}"),
        ));
    }
    Ok(())
}

/// The public key of a private key, for `getPublicKey`.
fn public_of(name: &str, data: &KeyData) -> Option<KeyData> {
    match data {
        KeyData::EcPrivate { .. } => ec::public_key(data),
        KeyData::Ed25519Private(_) => ed25519::public_key(data),
        KeyData::X25519Private(_) => x25519::public_key(data),
        KeyData::RsaPrivate { key, hash } => Some(KeyData::RsaPublic {
            key: key.to_public_key(),
            hash: *hash,
        }),
        KeyData::PqPrivate(_) => pq::public_key(name, data),
        _ => None,
    }
}

/// An `EncapsulatedBits`/`EncapsulatedKey` dictionary.
fn encapsulated<'js>(
    ctx: &Ctx<'js>,
    shared: Value<'js>,
    ciphertext: Vec<u8>,
) -> Result<Value<'js>> {
    let out = Object::new(ctx.clone())?;
    out.set("sharedKey", shared)?;
    out.set("ciphertext", ArrayBuffer::new(ctx.clone(), ciphertext)?)?;
    Ok(out.into_value())
}

/// A KEM's shared secret imported as a key of `alg` (as `raw-secret`).
fn shared_key<'js>(
    ctx: &Ctx<'js>,
    secret: Vec<u8>,
    alg: &Value<'js>,
    extractable: &Value<'js>,
    key_usages: &Value<'js>,
) -> Result<Value<'js>> {
    let secret = ArrayBuffer::new(ctx.clone(), secret)?.into_value();
    import_inner(
        ctx,
        Format::RawSecret,
        &secret,
        alg,
        boolean(extractable),
        key_usages,
    )
}

/// The ML-KEM key of an encapsulation or decapsulation, checked for `usage`.
fn kem_key<'js>(
    ctx: &Ctx<'js>,
    alg: &Value<'js>,
    key: &Value<'js>,
    usage: &str,
) -> Result<(&'static str, Class<'js, CryptoKey<'js>>)> {
    let alg = algorithm(ctx, alg)?;
    let key = key_arg(ctx, key)?;
    if !alg.name.starts_with("ML-KEM-") {
        return Err(not_supported(ctx, &format!("{} is not a KEM", alg.name)));
    }
    check_key(ctx, &key.borrow(), alg.name, usage)?;
    Ok((alg.name, key))
}

fn is_post_quantum(name: &str) -> bool {
    name.starts_with("ML-KEM-") || name.starts_with("ML-DSA-")
}

/// The `length` argument of `deriveBits`: `null`/absent, or a number of bits.
fn optional_length(value: &Option<Value<'_>>) -> Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_null() || v.is_undefined() => Ok(None),
        Some(v) => Ok(Some(v.get::<Coerced<f64>>()?.0 as usize)),
    }
}

/// WebIDL `boolean`: JS ToBoolean.
fn boolean(value: &Value<'_>) -> bool {
    value.get::<Coerced<bool>>().is_ok_and(|b| b.0)
}

/// `importKey` after its arguments were read; shared with `deriveKey` and `unwrapKey`.
fn import_inner<'js>(
    ctx: &Ctx<'js>,
    format: Format,
    data: &Value<'js>,
    alg: &Value<'js>,
    extractable: bool,
    key_usages: &Value<'js>,
) -> Result<Value<'js>> {
    let alg = algorithm(ctx, alg)?;
    let usages = usages(ctx, key_usages)?;
    if format == Format::Jwk && !data.is_object() {
        return Err(Exception::throw_type(ctx, "a JWK must be an object"));
    }
    if format != Format::Jwk && buffer_source_bytes(data).is_none() {
        return Err(Exception::throw_type(ctx, "keyData must be a BufferSource"));
    }
    // The algorithms of the first Web Crypto spec take their secret bytes as `raw` and
    // `raw-secret` alike.
    let legacy_format = match format {
        Format::RawSecret if matches!(alg.name, "HMAC" | "PBKDF2" | "HKDF") => Format::Raw,
        Format::RawPublic if matches!(alg.name, "ECDSA" | "ECDH" | "Ed25519" | "X25519") => {
            Format::Raw
        }
        other => other,
    };
    let key = match alg.name {
        "HMAC" => hmac::import(ctx, legacy_format, data, &alg.params, extractable, &usages)?,
        "ECDSA" | "ECDH" => ec::import(
            ctx,
            alg.name,
            legacy_format,
            data,
            &alg.params,
            extractable,
            &usages,
        )?,
        "Ed25519" => ed25519::import(ctx, legacy_format, data, &alg.params, extractable, &usages)?,
        "X25519" => x25519::import(ctx, legacy_format, data, extractable, &usages)?,
        "ML-KEM-512" | "ML-KEM-768" | "ML-KEM-1024" | "ML-DSA-44" | "ML-DSA-65" | "ML-DSA-87" => {
            pq::import(ctx, alg.name, format, data, extractable, &usages)?
        }
        "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP" => rsa_keys::import(
            ctx,
            alg.name,
            format,
            data,
            &alg.params,
            extractable,
            &usages,
        )?,
        "PBKDF2" | "HKDF" => kdf::import(ctx, alg.name, legacy_format, data, extractable, &usages)?,
        "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" | "AES-OCB" => {
            aes::import(ctx, alg.name, format, data, extractable, &usages)?
        }
        "ChaCha20-Poly1305" => aead::import(ctx, format, data, extractable, &usages)?,
        "KMAC128" | "KMAC256" => keccak::import(
            ctx,
            alg.name,
            format,
            data,
            &alg.params,
            extractable,
            &usages,
        )?,
        other => {
            return Err(not_supported(
                ctx,
                &format!("importKey: {other} is not supported"),
            ))
        }
    };
    if key.kind() != "public" && usages.is_empty() {
        return Err(throw_dom(ctx, "SyntaxError", "keyUsages cannot be empty"));
    }
    let key = CryptoKey::new(ctx, alg.name, key, extractable, usages)?;
    Ok(Class::instance(ctx.clone(), key)?.into_value())
}

/// `exportKey` after its arguments were read; shared with `wrapKey`.
fn export_inner<'js>(ctx: &Ctx<'js>, format: Format, key: &CryptoKey<'js>) -> Result<Value<'js>> {
    if !key.extractable {
        return Err(invalid_access(ctx, "the key is not extractable"));
    }
    let format = match format {
        Format::RawPublic if matches!(key.name, "ECDSA" | "ECDH" | "Ed25519" | "X25519") => {
            Format::Raw
        }
        other => other,
    };
    match key.name {
        "HMAC" if format == Format::RawSecret => hmac::export(ctx, key, Format::Raw),
        "HMAC" => hmac::export(ctx, key, format),
        "ECDSA" | "ECDH" => ec::export(ctx, key, format),
        "Ed25519" => ed25519::export(ctx, key, format),
        "X25519" => x25519::export(ctx, key, format),
        "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP" => rsa_keys::export(ctx, key, format),
        "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" | "AES-OCB" => aes::export(ctx, key, format),
        "ChaCha20-Poly1305" => aead::export(ctx, key, format),
        "KMAC128" | "KMAC256" => keccak::export(ctx, key, format),
        name if is_post_quantum(name) => pq::export(ctx, key, format),
        other => Err(not_supported(
            ctx,
            &format!("exportKey: {other} is not supported"),
        )),
    }
}

/// The bits of `deriveBits`/`deriveKey`: a KDF's output, or an ECDH shared secret cut to
/// `length` bits.
fn derive<'js>(
    ctx: &Ctx<'js>,
    alg: &params::Algorithm<'js>,
    key: &CryptoKey<'js>,
    length: Option<usize>,
) -> Result<Vec<u8>> {
    if alg.name != "ECDH" && alg.name != "X25519" {
        return kdf::derive_bits(ctx, alg.name, &alg.params, &key.data, length);
    }
    let public: Value = match &alg.params {
        Some(p) => p.get("public")?,
        None => Value::new_undefined(ctx.clone()),
    };
    let public = key_arg(ctx, &public)?;
    let public = public.borrow();
    if public.data.kind() != "public" || public.name != key.name {
        return Err(invalid_access(
            ctx,
            "the public member must be the peer's public key of the same algorithm",
        ));
    }
    let mut secret = if alg.name == "X25519" {
        x25519::shared_secret(ctx, &key.data, &public.data)?
    } else {
        ec::shared_secret(ctx, &key.data, &public.data)?
    };
    if let Some(bits) = length {
        if bits > secret.len() * 8 {
            return Err(throw_dom(
                ctx,
                "OperationError",
                "length is longer than the shared secret",
            ));
        }
        secret.truncate(bits.div_ceil(8));
        if !bits.is_multiple_of(8) {
            if let Some(last) = secret.last_mut() {
                *last &= 0xffu8 << (8 - bits % 8);
            }
        }
    }
    Ok(secret)
}

/// `encrypt`/`decrypt`.
fn crypt<'js>(
    ctx: &Ctx<'js>,
    alg: &Value<'js>,
    key: &Value<'js>,
    data: &Value<'js>,
    decrypt: bool,
) -> Result<Value<'js>> {
    let alg = algorithm(ctx, alg)?;
    let key = key_arg(ctx, key)?;
    let data = bytes(ctx, data, "data")?;
    let key = key.borrow();
    check_key(
        ctx,
        &key,
        alg.name,
        if decrypt { "decrypt" } else { "encrypt" },
    )?;
    if alg.name == "AES-KW" {
        return Err(not_supported(ctx, "AES-KW only wraps keys"));
    }
    let out = cipher(ctx, &alg, &key, &data, decrypt)?;
    Ok(ArrayBuffer::new(ctx.clone(), out)?.into_value())
}

/// Runs the cipher of `alg` with `key` on `data`: the one dispatch behind `encrypt`,
/// `decrypt`, `wrapKey` and `unwrapKey`.
fn cipher<'js>(
    ctx: &Ctx<'js>,
    alg: &params::Algorithm<'js>,
    key: &CryptoKey<'js>,
    data: &[u8],
    decrypt: bool,
) -> Result<Vec<u8>> {
    match alg.name {
        "AES-KW" => aes::key_wrap(ctx, &key.data, data, decrypt),
        "AES-GCM" | "AES-CBC" | "AES-CTR" => {
            aes::crypt(ctx, alg.name, &alg.params, &key.data, data, decrypt)
        }
        "RSA-OAEP" => rsa_keys::crypt(ctx, &alg.params, &key.data, data, decrypt),
        "AES-OCB" => aead::ocb(ctx, &alg.params, &key.data, data, decrypt),
        "ChaCha20-Poly1305" => aead::chacha(ctx, &alg.params, &key.data, data, decrypt),
        other => Err(not_supported(ctx, &format!("{other} is not a cipher"))),
    }
}

#[derive(Trace, JsLifetime, Default)]
#[rquickjs::class]
pub struct SubtleCrypto {}

#[rquickjs::methods]
impl SubtleCrypto {
    /// Only the runtime makes the one instance, `crypto.subtle`.
    #[qjs(constructor)]
    pub fn illegal(ctx: Ctx<'_>) -> Result<Self> {
        Err(Exception::throw_type(&ctx, "Illegal constructor"))
    }

    pub fn digest<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        data: Opt<Value<'js>>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let alg = algorithm(&ctx, &alg)?;
            let data = data.0.unwrap_or_else(|| Value::new_undefined(ctx.clone()));
            let data = bytes(&ctx, &data, "data")?;
            let out = match Hash::from_name(alg.name) {
                Some(hash) => hash.digest(&data),
                None => keccak::digest(&ctx, alg.name, &alg.params, &data)?
                    .ok_or_else(|| not_supported(&ctx, &format!("{} is not a digest", alg.name)))?,
            };
            Ok(ArrayBuffer::new(ctx.clone(), out)?.into_value())
        })();
        settle(&ctx, outcome)
    }

    /// Whether `operation` would accept `algorithm` (and the length of a `deriveBits`).
    #[qjs(static)]
    pub fn supports<'js>(
        ctx: Ctx<'js>,
        operation: Coerced<String>,
        alg: Value<'js>,
        length: Opt<Value<'js>>,
    ) -> Result<bool> {
        let length = match length.0 {
            Some(v) if v.is_number() => v.as_number(),
            _ => None,
        };
        Ok(supports::supports(&ctx, &operation.0, &alg, length))
    }

    #[qjs(rename = "encapsulateBits")]
    pub fn encapsulate_bits<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let (name, key) = kem_key(&ctx, &alg, &key, "encapsulateBits")?;
            let (shared, ciphertext) = pq::encapsulate(&ctx, name, &key.borrow().data)?;
            let shared = ArrayBuffer::new(ctx.clone(), shared)?.into_value();
            encapsulated(&ctx, shared, ciphertext)
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "encapsulateKey")]
    pub fn encapsulate_key<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        shared_alg: Value<'js>,
        extractable: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let (name, key) = kem_key(&ctx, &alg, &key, "encapsulateKey")?;
            let (shared, ciphertext) = pq::encapsulate(&ctx, name, &key.borrow().data)?;
            let shared = shared_key(&ctx, shared, &shared_alg, &extractable, &key_usages)?;
            encapsulated(&ctx, shared, ciphertext)
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "decapsulateBits")]
    pub fn decapsulate_bits<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        ciphertext: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let (name, key) = kem_key(&ctx, &alg, &key, "decapsulateBits")?;
            let ciphertext = bytes(&ctx, &ciphertext, "ciphertext")?;
            let shared = pq::decapsulate(&ctx, name, &key.borrow().data, &ciphertext)?;
            Ok(ArrayBuffer::new(ctx.clone(), shared)?.into_value())
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "decapsulateKey")]
    #[allow(clippy::too_many_arguments)]
    pub fn decapsulate_key<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        ciphertext: Value<'js>,
        shared_alg: Value<'js>,
        extractable: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let (name, key) = kem_key(&ctx, &alg, &key, "decapsulateKey")?;
            let ciphertext = bytes(&ctx, &ciphertext, "ciphertext")?;
            let shared = pq::decapsulate(&ctx, name, &key.borrow().data, &ciphertext)?;
            shared_key(&ctx, shared, &shared_alg, &extractable, &key_usages)
        })();
        settle(&ctx, outcome)
    }

    /// The public key of a private key, with the given usages.
    #[qjs(rename = "getPublicKey")]
    pub fn get_public_key<'js>(
        &self,
        ctx: Ctx<'js>,
        key: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let key = key_arg(&ctx, &key)?;
            let usages = usages(&ctx, &key_usages)?;
            let key = key.borrow();
            // A symmetric algorithm has no public keys at all; a public key has none of its own.
            if key.data.kind() == "secret" {
                return Err(not_supported(
                    &ctx,
                    &format!("{} keys have no public key", key.name),
                ));
            }
            let public = public_of(key.name, &key.data)
                .ok_or_else(|| invalid_access(&ctx, "getPublicKey needs a private key"))?;
            let allowed: &[&str] = match key.name {
                "ECDSA" | "Ed25519" | "RSASSA-PKCS1-v1_5" | "RSA-PSS" => &["verify"],
                "ML-DSA-44" | "ML-DSA-65" | "ML-DSA-87" => &["verify"],
                "RSA-OAEP" => &["encrypt", "wrapKey"],
                "ML-KEM-512" | "ML-KEM-768" | "ML-KEM-1024" => {
                    &["encapsulateKey", "encapsulateBits"]
                }
                _ => &[],
            };
            params::check_usages(&ctx, &usages, allowed)?;
            let public = CryptoKey::new(&ctx, key.name, public, true, usages)?;
            Ok(Class::instance(ctx.clone(), public)?.into_value())
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "importKey")]
    pub fn import_key<'js>(
        &self,
        ctx: Ctx<'js>,
        fmt: Value<'js>,
        data: Value<'js>,
        alg: Value<'js>,
        extractable: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let format = format(&ctx, &fmt)?;
            let extractable = boolean(&extractable);
            import_inner(&ctx, format, &data, &alg, extractable, &key_usages)
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "exportKey")]
    pub fn export_key<'js>(
        &self,
        ctx: Ctx<'js>,
        fmt: Value<'js>,
        key: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let format = format(&ctx, &fmt)?;
            let key = key_arg(&ctx, &key)?;
            let key = key.borrow();
            export_inner(&ctx, format, &key)
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "generateKey")]
    pub fn generate_key<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        extractable: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let alg = algorithm(&ctx, &alg)?;
            let extractable = boolean(&extractable);
            let usages = usages(&ctx, &key_usages)?;
            let pair = match alg.name {
                "HMAC" => {
                    let data = hmac::generate(&ctx, &alg.params, &usages)?;
                    if usages.is_empty() {
                        return Err(throw_dom(&ctx, "SyntaxError", "keyUsages cannot be empty"));
                    }
                    let key = CryptoKey::new(&ctx, "HMAC", data, extractable, usages)?;
                    return Ok(Class::instance(ctx.clone(), key)?.into_value());
                }
                "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" | "AES-OCB" | "ChaCha20-Poly1305"
                | "KMAC128" | "KMAC256" => {
                    let data = match alg.name {
                        "ChaCha20-Poly1305" => aead::generate(&ctx, &usages)?,
                        "KMAC128" | "KMAC256" => {
                            keccak::generate(&ctx, alg.name, &alg.params, &usages)?
                        }
                        _ => aes::generate(&ctx, alg.name, &alg.params, &usages)?,
                    };
                    if usages.is_empty() {
                        return Err(throw_dom(&ctx, "SyntaxError", "keyUsages cannot be empty"));
                    }
                    let key = CryptoKey::new(&ctx, alg.name, data, extractable, usages)?;
                    return Ok(Class::instance(ctx.clone(), key)?.into_value());
                }
                "ECDSA" | "ECDH" => ec::generate(&ctx, alg.name, &alg.params, &usages)?,
                "Ed25519" => ed25519::generate(&ctx, &usages)?,
                "X25519" => x25519::generate(&ctx, &usages)?,
                "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP" => {
                    rsa_keys::generate(&ctx, alg.name, &alg.params, &usages)?
                }
                name if is_post_quantum(name) => pq::generate(&ctx, name, &usages)?,
                other => {
                    return Err(not_supported(
                        &ctx,
                        &format!("generateKey: {other} is not supported"),
                    ))
                }
            };
            let private_usages: Vec<_> = usages
                .iter()
                .copied()
                .filter(|u| {
                    matches!(
                        *u,
                        "sign"
                            | "deriveKey"
                            | "deriveBits"
                            | "decrypt"
                            | "unwrapKey"
                            | "decapsulateKey"
                            | "decapsulateBits"
                    )
                })
                .collect();
            let public_usages: Vec<_> = usages
                .iter()
                .copied()
                .filter(|u| {
                    matches!(
                        *u,
                        "verify" | "encrypt" | "wrapKey" | "encapsulateKey" | "encapsulateBits"
                    )
                })
                .collect();
            if private_usages.is_empty() {
                return Err(throw_dom(
                    &ctx,
                    "SyntaxError",
                    "keyUsages must include a private key usage",
                ));
            }
            let (private, public) = pair;
            let out = Object::new(ctx.clone())?;
            let public = CryptoKey::new(&ctx, alg.name, public, true, public_usages)?;
            let private = CryptoKey::new(&ctx, alg.name, private, extractable, private_usages)?;
            out.set("publicKey", Class::instance(ctx.clone(), public)?)?;
            out.set("privateKey", Class::instance(ctx.clone(), private)?)?;
            Ok(out.into_value())
        })();
        settle(&ctx, outcome)
    }

    pub fn sign<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        data: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let alg = algorithm(&ctx, &alg)?;
            let key = key_arg(&ctx, &key)?;
            let data = bytes(&ctx, &data, "data")?;
            let key = key.borrow();
            check_key(&ctx, &key, alg.name, "sign")?;
            let signature = match alg.name {
                "HMAC" => hmac::sign(&key.data, &data),
                "ECDSA" => ec::sign(&ctx, &key.data, hash_member(&ctx, &alg.params)?, &data)?,
                "Ed25519" => ed25519::sign(&ctx, &key.data, &data)?,
                "KMAC128" | "KMAC256" => {
                    keccak::kmac(&ctx, alg.name, &alg.params, &key.data, &data)?
                }
                "ML-DSA-44" | "ML-DSA-65" | "ML-DSA-87" => {
                    pq::sign(&ctx, alg.name, &alg.params, &key.data, &data)?
                }
                "RSASSA-PKCS1-v1_5" | "RSA-PSS" => {
                    rsa_keys::sign(&ctx, alg.name, &alg.params, &key.data, &data)?
                }
                other => {
                    return Err(not_supported(
                        &ctx,
                        &format!("sign: {other} is not supported"),
                    ))
                }
            };
            Ok(ArrayBuffer::new(ctx.clone(), signature)?.into_value())
        })();
        settle(&ctx, outcome)
    }

    pub fn verify<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        signature: Value<'js>,
        data: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let alg = algorithm(&ctx, &alg)?;
            let key = key_arg(&ctx, &key)?;
            let signature = bytes(&ctx, &signature, "signature")?;
            let data = bytes(&ctx, &data, "data")?;
            let key = key.borrow();
            check_key(&ctx, &key, alg.name, "verify")?;
            let ok = match alg.name {
                "HMAC" => hmac::verify(&key.data, &signature, &data),
                "ECDSA" => ec::verify(
                    &ctx,
                    &key.data,
                    hash_member(&ctx, &alg.params)?,
                    &signature,
                    &data,
                )?,
                "Ed25519" => ed25519::verify(&ctx, &key.data, &signature, &data)?,
                "KMAC128" | "KMAC256" => {
                    let mac = keccak::kmac(&ctx, alg.name, &alg.params, &key.data, &data)?;
                    hmac::constant_time_eq(&mac, &signature)
                }
                "ML-DSA-44" | "ML-DSA-65" | "ML-DSA-87" => {
                    pq::verify(&ctx, alg.name, &alg.params, &key.data, &signature, &data)?
                }
                "RSASSA-PKCS1-v1_5" | "RSA-PSS" => {
                    rsa_keys::verify(&ctx, alg.name, &alg.params, &key.data, &signature, &data)?
                }
                other => {
                    return Err(not_supported(
                        &ctx,
                        &format!("verify: {other} is not supported"),
                    ))
                }
            };
            Ok(Value::new_bool(ctx.clone(), ok))
        })();
        settle(&ctx, outcome)
    }

    pub fn encrypt<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        data: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = crypt(&ctx, &alg, &key, &data, false);
        settle(&ctx, outcome)
    }

    pub fn decrypt<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        data: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = crypt(&ctx, &alg, &key, &data, true);
        settle(&ctx, outcome)
    }

    #[qjs(rename = "deriveBits")]
    pub fn derive_bits<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        length: Opt<Value<'js>>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let alg = algorithm(&ctx, &alg)?;
            let key = key_arg(&ctx, &key)?;
            let length = optional_length(&length.0)?;
            let key = key.borrow();
            if !matches!(alg.name, "PBKDF2" | "HKDF" | "ECDH" | "X25519") {
                return Err(not_supported(
                    &ctx,
                    &format!("deriveBits: {} is not supported", alg.name),
                ));
            }
            check_key(&ctx, &key, alg.name, "deriveBits")?;
            let bits = derive(&ctx, &alg, &key, length)?;
            Ok(ArrayBuffer::new(ctx.clone(), bits)?.into_value())
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "deriveKey")]
    pub fn derive_key<'js>(
        &self,
        ctx: Ctx<'js>,
        alg: Value<'js>,
        key: Value<'js>,
        derived: Value<'js>,
        extractable: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let alg = algorithm(&ctx, &alg)?;
            let base = key_arg(&ctx, &key)?;
            let target = algorithm(&ctx, &derived)?;
            let extractable = boolean(&extractable);
            // Read now for the error order; `import_inner` reads them again.
            usages(&ctx, &key_usages)?;
            if !matches!(alg.name, "PBKDF2" | "HKDF" | "ECDH" | "X25519") {
                return Err(not_supported(
                    &ctx,
                    &format!("deriveKey: {} is not supported", alg.name),
                ));
            }
            // The length of the key to make, from the derived key's algorithm.
            let length = match target.name {
                "HMAC" => {
                    let hash = hash_member(&ctx, &target.params)?;
                    Some(
                        params::number_member(&target.params, "length")?
                            .map_or(hash.block_len() * 8, |n| n as usize),
                    )
                }
                "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" => {
                    let bits = aes::length_member(&ctx, &target.params)?;
                    if !matches!(bits, 128 | 192 | 256) {
                        return Err(throw_dom(
                            &ctx,
                            "OperationError",
                            "AES key length must be 128, 192 or 256",
                        ));
                    }
                    Some(bits)
                }
                other => {
                    return Err(not_supported(
                        &ctx,
                        &format!("deriveKey: cannot make {other} keys"),
                    ))
                }
            };
            let base = base.borrow();
            check_key(&ctx, &base, alg.name, "deriveKey")?;
            let bits = derive(&ctx, &alg, &base, length)?;
            let raw = ArrayBuffer::new(ctx.clone(), bits)?.into_value();
            import_inner(&ctx, Format::Raw, &raw, &derived, extractable, &key_usages)
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "wrapKey")]
    pub fn wrap_key<'js>(
        &self,
        ctx: Ctx<'js>,
        fmt: Value<'js>,
        key: Value<'js>,
        wrapping_key: Value<'js>,
        wrap_alg: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let format = format(&ctx, &fmt)?;
            let alg = algorithm(&ctx, &wrap_alg)?;
            let key = key_arg(&ctx, &key)?;
            let wrapping = key_arg(&ctx, &wrapping_key)?;
            let wrapping = wrapping.borrow();
            check_key(&ctx, &wrapping, alg.name, "wrapKey")?;
            let key = key.borrow();
            let exported = export_inner(&ctx, format, &key)?;
            let plain = if format == Format::Jwk {
                ctx.json_stringify(exported)?
                    .map(|s| s.to_string())
                    .transpose()?
                    .unwrap_or_default()
                    .into_bytes()
            } else {
                bytes(&ctx, &exported, "key")?
            };
            let wrapped = cipher(&ctx, &alg, &wrapping, &plain, false)?;
            Ok(ArrayBuffer::new(ctx.clone(), wrapped)?.into_value())
        })();
        settle(&ctx, outcome)
    }

    #[qjs(rename = "unwrapKey")]
    #[allow(clippy::too_many_arguments)]
    pub fn unwrap_key<'js>(
        &self,
        ctx: Ctx<'js>,
        fmt: Value<'js>,
        wrapped: Value<'js>,
        unwrapping_key: Value<'js>,
        unwrap_alg: Value<'js>,
        key_alg: Value<'js>,
        extractable: Value<'js>,
        key_usages: Value<'js>,
    ) -> Result<Promise<'js>> {
        let outcome = (|| {
            let format = format(&ctx, &fmt)?;
            let alg = algorithm(&ctx, &unwrap_alg)?;
            let wrapped = bytes(&ctx, &wrapped, "wrappedKey")?;
            let unwrapping = key_arg(&ctx, &unwrapping_key)?;
            let unwrapping = unwrapping.borrow();
            check_key(&ctx, &unwrapping, alg.name, "unwrapKey")?;
            let plain = cipher(&ctx, &alg, &unwrapping, &wrapped, true)?;
            let data = if format == Format::Jwk {
                let text = String::from_utf8(plain)
                    .map_err(|_| params::data_error(&ctx, "the unwrapped JWK is not UTF-8"))?;
                ctx.json_parse(text)
                    .map_err(|_| params::data_error(&ctx, "the unwrapped JWK is not JSON"))?
            } else {
                ArrayBuffer::new(ctx.clone(), plain)?.into_value()
            };
            import_inner(
                &ctx,
                format,
                &data,
                &key_alg,
                boolean(&extractable),
                &key_usages,
            )
        })();
        settle(&ctx, outcome)
    }

    #[qjs(get, rename = rquickjs::atom::PredefinedAtom::SymbolToStringTag)]
    pub fn to_string_tag(&self) -> &'static str {
        "SubtleCrypto"
    }
}
