//! Synchronous hashing and HMAC over bytes, for `node:crypto`'s `createHash`/`createHmac`
//! (Web Crypto's digest is asynchronous). MD5, SHA-1 and the SHA-2 family.

use hmac::{Hmac, Mac};
use rquickjs::function::Opt;
use rquickjs::{Ctx, Exception, Result, TypedArray, Value};

use super::util::buffer_source_bytes;

fn bytes_of<'js>(ctx: &Ctx<'js>, value: &Value<'js>, what: &str) -> Result<bytes::Bytes> {
    buffer_source_bytes(value).ok_or_else(|| {
        Exception::throw_type(
            ctx,
            &format!("{what} must be bytes (a Buffer or Uint8Array)"),
        )
    })
}

pub(crate) fn digest(algorithm: &str, data: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    Some(match algorithm {
        "md5" => md5::Md5::digest(data).to_vec(),
        "sha1" => sha1::Sha1::digest(data).to_vec(),
        "sha224" => sha2::Sha224::digest(data).to_vec(),
        "sha256" => sha2::Sha256::digest(data).to_vec(),
        "sha384" => sha2::Sha384::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

fn hmac(algorithm: &str, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    macro_rules! run {
        ($d:ty) => {{
            let mut mac = Hmac::<$d>::new_from_slice(key).ok()?;
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }};
    }
    Some(match algorithm {
        "md5" => run!(md5::Md5),
        "sha1" => run!(sha1::Sha1),
        "sha224" => run!(sha2::Sha224),
        "sha256" => run!(sha2::Sha256),
        "sha384" => run!(sha2::Sha384),
        "sha512" => run!(sha2::Sha512),
        _ => return None,
    })
}

/// `hashSync(algorithm, data[, hmacKey])`: the digest (or the HMAC with `hmacKey`) of `data`.
pub fn hash_sync<'js>(
    ctx: Ctx<'js>,
    algorithm: String,
    data: Value<'js>,
    key: Opt<Value<'js>>,
) -> Result<TypedArray<'js, u8>> {
    let algorithm = algorithm.to_ascii_lowercase().replace('-', "");
    let data = bytes_of(&ctx, &data, "data")?;
    let out = match key.0.filter(|k| !k.is_undefined()) {
        None => digest(&algorithm, &data),
        Some(key) => hmac(&algorithm, &bytes_of(&ctx, &key, "key")?, &data),
    };
    let Some(out) = out else {
        return Err(Exception::throw_type(
            &ctx,
            &format!("Digest method not supported: {algorithm}"),
        ));
    };
    TypedArray::new(ctx, out)
}
