//! Synchronous, incremental hashing and HMAC for `node:crypto` (`createHash`, `createHmac`,
//! `hash`, key operations); Web Crypto's digest is asynchronous. MD5, SHA-1, RIPEMD-160,
//! Whirlpool, the SHA-2 and SHA-3 families, and the SHAKE extendable-output functions. State is bounded: a stream of
//! any length is hashed as it arrives.

use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Result, TypedArray, Value};
use sha2::digest::{DynDigest, ExtendableOutput, Update};

use super::util::buffer_source_bytes;

fn bytes_of<'js>(ctx: &Ctx<'js>, value: &Value<'js>, what: &str) -> Result<bytes::Bytes> {
    buffer_source_bytes(value).ok_or_else(|| {
        Exception::throw_type(
            ctx,
            &format!("{what} must be bytes (a Buffer or Uint8Array)"),
        )
    })
}

/// The digests by canonical name, with their HMAC block sizes.
pub const DIGEST_NAMES: [&str; 16] = [
    "md5",
    "ripemd160",
    "whirlpool",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha512-224",
    "sha512-256",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
    "shake128",
    "shake256",
];

/// A digest's canonical name: case-insensitive, `SHA-256` and `RSA-SHA256` are `sha256`.
pub fn canonical(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_prefix("rsa-").unwrap_or(&lower);
    let lower = match lower {
        "sha-1" | "sha-224" | "sha-256" | "sha-384" | "sha-512" => lower.replace('-', ""),
        "ripemd" | "rmd160" | "ripemd-160" => "ripemd160".to_string(),
        other => other.to_string(),
    };
    DIGEST_NAMES.iter().copied().find(|n| *n == lower)
}

fn fixed(name: &str) -> Option<(Box<dyn DynDigest>, usize)> {
    Some(match name {
        "md5" => (Box::new(md5::Md5::default()), 64),
        "sha1" => (Box::new(sha1::Sha1::default()), 64),
        "ripemd160" => (Box::new(ripemd::Ripemd160::default()), 64),
        "whirlpool" => (Box::new(whirlpool::Whirlpool::default()), 64),
        "sha224" => (Box::new(sha2::Sha224::default()), 64),
        "sha256" => (Box::new(sha2::Sha256::default()), 64),
        "sha384" => (Box::new(sha2::Sha384::default()), 128),
        "sha512" => (Box::new(sha2::Sha512::default()), 128),
        "sha512-224" => (Box::new(sha2::Sha512_224::default()), 128),
        "sha512-256" => (Box::new(sha2::Sha512_256::default()), 128),
        "sha3-224" => (Box::new(sha3::Sha3_224::default()), 144),
        "sha3-256" => (Box::new(sha3::Sha3_256::default()), 136),
        "sha3-384" => (Box::new(sha3::Sha3_384::default()), 104),
        "sha3-512" => (Box::new(sha3::Sha3_512::default()), 72),
        _ => return None,
    })
}

/// Why a hasher could not be made.
#[derive(Debug, PartialEq, Eq)]
pub enum HasherError {
    UnknownDigest,
    /// An output length on a fixed-size digest that is not its size.
    NotXof,
    /// HMAC over an extendable-output function.
    HmacOfXof,
}

/// An incremental digest or HMAC.
#[derive(Clone)]
pub enum Hasher {
    Fixed(Box<dyn DynDigest>),
    Hmac {
        inner: Box<dyn DynDigest>,
        /// Already fed the key XOR opad.
        outer: Box<dyn DynDigest>,
    },
    Shake128(sha3::Shake128, usize),
    Shake256(sha3::Shake256, usize),
}

impl Hasher {
    /// `name` canonical; `key` makes it an HMAC; `output_len` sizes a SHAKE output (or must
    /// match a fixed digest's size).
    pub fn new(
        name: &str,
        key: Option<&[u8]>,
        output_len: Option<usize>,
    ) -> std::result::Result<Hasher, HasherError> {
        let name = canonical(name).ok_or(HasherError::UnknownDigest)?;
        if let Some((mut digest, block)) = fixed(name) {
            if output_len.is_some_and(|n| n != digest.output_size()) {
                return Err(HasherError::NotXof);
            }
            let Some(key) = key else {
                return Ok(Hasher::Fixed(digest));
            };
            let mut k = if key.len() > block {
                let mut d = digest.box_clone();
                d.update(key);
                d.finalize().to_vec()
            } else {
                key.to_vec()
            };
            k.resize(block, 0);
            let mut outer = digest.box_clone();
            digest.update(&k.iter().map(|b| b ^ 0x36).collect::<Vec<_>>());
            outer.update(&k.iter().map(|b| b ^ 0x5c).collect::<Vec<_>>());
            return Ok(Hasher::Hmac {
                inner: digest,
                outer,
            });
        }
        if key.is_some() {
            return Err(HasherError::HmacOfXof);
        }
        Ok(match name {
            "shake128" => Hasher::Shake128(Default::default(), output_len.unwrap_or(16)),
            _ => Hasher::Shake256(Default::default(), output_len.unwrap_or(32)),
        })
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Fixed(d) | Hasher::Hmac { inner: d, .. } => d.update(data),
            Hasher::Shake128(x, _) => Update::update(x, data),
            Hasher::Shake256(x, _) => Update::update(x, data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Fixed(d) => d.finalize().to_vec(),
            Hasher::Hmac { inner, mut outer } => {
                outer.update(&inner.finalize());
                outer.finalize().to_vec()
            }
            Hasher::Shake128(x, n) => {
                let mut out = vec![0u8; n];
                x.finalize_xof_into(&mut out);
                out
            }
            Hasher::Shake256(x, n) => {
                let mut out = vec![0u8; n];
                x.finalize_xof_into(&mut out);
                out
            }
        }
    }
}

/// The digest of `data` under `algorithm` (any spelling `canonical` accepts).
pub(crate) fn digest(algorithm: &str, data: &[u8]) -> Option<Vec<u8>> {
    let mut h = Hasher::new(algorithm, None, None).ok()?;
    h.update(data);
    Some(h.finish())
}

/// `hashSync(algorithm, data[, hmacKey])`: the digest (or the HMAC with `hmacKey`) of `data`.
pub fn hash_sync<'js>(
    ctx: Ctx<'js>,
    algorithm: String,
    data: Value<'js>,
    key: Opt<Value<'js>>,
) -> Result<TypedArray<'js, u8>> {
    let data = bytes_of(&ctx, &data, "data")?;
    let key = match key.0.filter(|k| !k.is_undefined()) {
        None => None,
        Some(key) => Some(bytes_of(&ctx, &key, "key")?),
    };
    let Ok(mut h) = Hasher::new(&algorithm, key.as_deref(), None) else {
        return Err(Exception::throw_type(
            &ctx,
            &format!("Digest method not supported: {algorithm}"),
        ));
    };
    h.update(&data);
    TypedArray::new(ctx, h.finish())
}

/// `new HashState(algorithm, hmacKey, outputLength)`: the state behind a node:crypto Hash or
/// Hmac. `digest()` ends it; `copy()` forks it.
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "HashState")]
pub struct HashState {
    #[qjs(skip_trace)]
    hasher: Option<Hasher>,
}

fn hash_error(ctx: &Ctx<'_>, code: &str, message: &str) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), message) {
        Ok(e) => {
            let _ = e.set("code", code);
            e.throw()
        }
        Err(e) => e,
    }
}

#[rquickjs::methods]
impl HashState {
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        algorithm: String,
        key: Opt<Value<'js>>,
        output_len: Opt<Option<usize>>,
    ) -> Result<Self> {
        let key = match key.0.filter(|k| !k.is_undefined() && !k.is_null()) {
            None => None,
            Some(key) => Some(bytes_of(&ctx, &key, "key")?),
        };
        match Hasher::new(&algorithm, key.as_deref(), output_len.0.flatten()) {
            Ok(h) => Ok(HashState { hasher: Some(h) }),
            Err(HasherError::NotXof) => Err(hash_error(
                &ctx,
                "ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH",
                "error:1C80009F:Provider routines::not XOF or invalid length",
            )),
            Err(HasherError::HmacOfXof) => Err(hash_error(
                &ctx,
                "ERR_CRYPTO_INVALID_DIGEST",
                &format!("Invalid digest: {algorithm}"),
            )),
            Err(HasherError::UnknownDigest) => Err(hash_error(
                &ctx,
                "ERR_OSSL_EVP_UNSUPPORTED",
                "Digest method not supported",
            )),
        }
    }

    pub fn update<'js>(&mut self, ctx: Ctx<'js>, data: Value<'js>) -> Result<()> {
        let data = bytes_of(&ctx, &data, "data")?;
        match &mut self.hasher {
            Some(h) => {
                h.update(&data);
                Ok(())
            }
            None => Err(hash_error(
                &ctx,
                "ERR_CRYPTO_HASH_FINALIZED",
                "Digest already called",
            )),
        }
    }

    pub fn digest<'js>(&mut self, ctx: Ctx<'js>) -> Result<TypedArray<'js, u8>> {
        match self.hasher.take() {
            Some(h) => TypedArray::new(ctx, h.finish()),
            None => Err(hash_error(
                &ctx,
                "ERR_CRYPTO_HASH_FINALIZED",
                "Digest already called",
            )),
        }
    }

    pub fn copy<'js>(&self, ctx: Ctx<'js>) -> Result<Class<'js, HashState>> {
        match &self.hasher {
            Some(h) => Class::instance(
                ctx,
                HashState {
                    hasher: Some(h.clone()),
                },
            ),
            None => Err(hash_error(
                &ctx,
                "ERR_CRYPTO_HASH_FINALIZED",
                "Digest already called",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            hex(&digest("SHA-256", b"abc").unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&digest("sha3-256", b"").unwrap()),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
        assert_eq!(
            hex(&digest("shake128", b"").unwrap()),
            "7f9c2ba4e88f827d616045507605853e"
        );
        // RFC 4231 test case 2.
        let mut h = Hasher::new("sha256", Some(b"Jefe"), None).unwrap();
        h.update(b"what do ya want ");
        h.update(b"for nothing?");
        assert_eq!(
            hex(&h.finish()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            Hasher::new("sha256", None, Some(28)).err(),
            Some(HasherError::NotXof)
        );
        assert_eq!(canonical("RSA-SHA512"), Some("sha512"));
        assert_eq!(canonical("sha512-256"), Some("sha512-256"));
    }
}
