//! The synchronous key derivations `node:crypto` needs: PBKDF2 over any HMAC digest, and
//! scrypt. (The streaming ciphers are in `cipher.rs`.)

use hmac::{Hmac, Mac};
use rquickjs::{Ctx, Exception, Result, TypedArray, Value};

use crate::web::hash_sync::Hasher;
use crate::web::util::buffer_source_bytes;

fn bytes_of(ctx: &Ctx<'_>, value: &Value<'_>, what: &str) -> Result<Vec<u8>> {
    buffer_source_bytes(value)
        .map(|b| b.to_vec())
        .ok_or_else(|| {
            Exception::throw_type(ctx, &format!("{what} must be a Buffer or Uint8Array"))
        })
}

/// PBKDF2 with HMAC over digest `$d`: fills `$out`; false for an unusable password.
macro_rules! pbkdf2_with {
    ($d:ty, $password:expr, $salt:expr, $iterations:expr, $out:expr) => {{
        match <Hmac<$d> as Mac>::new_from_slice($password) {
            Err(_) => false,
            Ok(keyed) => {
                let size = <$d as sha2::Digest>::output_size();
                for (i, chunk) in $out.chunks_mut(size).enumerate() {
                    let mut mac = keyed.clone();
                    mac.update($salt);
                    mac.update(&(i as u32 + 1).to_be_bytes());
                    let mut u = mac.finalize().into_bytes();
                    let mut t = u.clone();
                    for _ in 1..$iterations {
                        let mut mac = keyed.clone();
                        mac.update(&u);
                        u = mac.finalize().into_bytes();
                        for (a, b) in t.iter_mut().zip(u.iter()) {
                            *a ^= b;
                        }
                    }
                    chunk.copy_from_slice(&t[..chunk.len()]);
                }
                true
            }
        }
    }};
}

/// PBKDF2 with HMAC over `digest` into `out`: `None` for an unknown digest, `Some(false)` for
/// an unusable password.
pub fn derive_pbkdf2(
    digest: &str,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) -> Option<bool> {
    Some(
        match digest.to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => pbkdf2_with!(md5::Md5, password, salt, iterations, out),
            "sha1" => pbkdf2_with!(sha1::Sha1, password, salt, iterations, out),
            "sha224" => pbkdf2_with!(sha2::Sha224, password, salt, iterations, out),
            "sha256" => pbkdf2_with!(sha2::Sha256, password, salt, iterations, out),
            "sha384" => pbkdf2_with!(sha2::Sha384, password, salt, iterations, out),
            "sha512" => pbkdf2_with!(sha2::Sha512, password, salt, iterations, out),
            _ => return pbkdf2_any(digest, password, salt, iterations, out),
        },
    )
}

/// PBKDF2 over any other digest `hash_sync` knows, through its dynamic HMAC.
fn pbkdf2_any(
    digest: &str,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) -> Option<bool> {
    let keyed = Hasher::new(digest, Some(password), None).ok()?;
    let size = keyed.clone().finish().len().max(1);
    for (block, chunk) in (1u32..).zip(out.chunks_mut(size)) {
        let mut mac = keyed.clone();
        mac.update(salt);
        mac.update(&block.to_be_bytes());
        let mut u = mac.finish();
        let mut t = u.clone();
        for _ in 1..iterations {
            let mut mac = keyed.clone();
            mac.update(&u);
            u = mac.finish();
            for (a, b) in t.iter_mut().zip(u.iter()) {
                *a ^= b;
            }
        }
        chunk.copy_from_slice(&t[..chunk.len()]);
    }
    Some(true)
}

/// `pbkdf2(password, salt, iterations, keylen, digest)`: the derived key's bytes.
pub fn pbkdf2<'js>(
    ctx: Ctx<'js>,
    password: Value<'js>,
    salt: Value<'js>,
    iterations: u32,
    keylen: usize,
    digest: String,
) -> Result<TypedArray<'js, u8>> {
    let password = bytes_of(&ctx, &password, "password")?;
    let salt = bytes_of(&ctx, &salt, "salt")?;
    let mut out = vec![0u8; keylen];
    match derive_pbkdf2(&digest, &password, &salt, iterations, &mut out) {
        None => Err(Exception::throw_type(
            &ctx,
            &format!("Invalid digest: {digest}"),
        )),
        Some(false) => Err(Exception::throw_type(&ctx, "invalid password")),
        Some(true) => TypedArray::new(ctx, out),
    }
}

/// `scrypt(password, salt, keylen, N, r, p)`: the derived key's bytes.
pub fn scrypt<'js>(
    ctx: Ctx<'js>,
    password: Value<'js>,
    salt: Value<'js>,
    keylen: usize,
    cost: f64,
    block_size: u32,
    parallelization: u32,
) -> Result<TypedArray<'js, u8>> {
    let password = bytes_of(&ctx, &password, "password")?;
    let salt = bytes_of(&ctx, &salt, "salt")?;
    let invalid = || {
        Exception::throw_range(
            &ctx,
            "Invalid scrypt params: N must be a power of two greater than 1, r and p positive",
        )
    };
    if !(cost >= 2.0 && cost.log2().fract() == 0.0 && cost < 2f64.powi(63)) {
        return Err(invalid());
    }
    let params = scrypt::Params::new(
        cost.log2() as u8,
        block_size,
        parallelization,
        keylen.max(10),
    )
    .map_err(|_| invalid())?;
    let mut out = vec![0u8; keylen];
    if keylen == 0 {
        // The parameters are checked; there is nothing to derive.
        return TypedArray::new(ctx, out);
    }
    scrypt::scrypt(&password, &salt, &params, &mut out).map_err(|_| invalid())?;
    TypedArray::new(ctx, out)
}
