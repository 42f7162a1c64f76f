//! The synchronous primitives `node:crypto` needs beyond hashing: PBKDF2 over any HMAC
//! digest, scrypt, and streaming AES ciphers for `createCipheriv`/`createDecipheriv` (CBC with
//! PKCS#7 padding, CTR, and GCM with additional data and authentication tags). Node's API is
//! synchronous and streaming (`update` returns output as input arrives), which Web Crypto's
//! one-shot promises are not.

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, KeyIvInit, StreamCipher};
use ghash::universal_hash::UniversalHash;
use hmac::{Hmac, Mac};
use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::{Ctx, Exception, JsLifetime, Result, TypedArray, Value};

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
            _ => return None,
        },
    )
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

/// AES with the key size chosen at run time.
enum Aes {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl Aes {
    fn new(key: &[u8]) -> Option<Aes> {
        Some(match key.len() {
            16 => Aes::A128(aes::Aes128::new_from_slice(key).ok()?),
            24 => Aes::A192(aes::Aes192::new_from_slice(key).ok()?),
            32 => Aes::A256(aes::Aes256::new_from_slice(key).ok()?),
            _ => return None,
        })
    }

    // `aes::Block` is a generic-array 0.14 array, which that crate marks deprecated.
    #[allow(deprecated)]
    fn encrypt(&self, block: &mut [u8; 16]) {
        let mut b = aes::Block::from(*block);
        match self {
            Aes::A128(c) => c.encrypt_block(&mut b),
            Aes::A192(c) => c.encrypt_block(&mut b),
            Aes::A256(c) => c.encrypt_block(&mut b),
        }
        *block = b.into();
    }

    #[allow(deprecated)]
    fn decrypt(&self, block: &mut [u8; 16]) {
        let mut b = aes::Block::from(*block);
        match self {
            Aes::A128(c) => c.decrypt_block(&mut b),
            Aes::A192(c) => c.decrypt_block(&mut b),
            Aes::A256(c) => c.decrypt_block(&mut b),
        }
        *block = b.into();
    }
}

/// A counter-mode keystream (128-bit counter for CTR, 32-bit for GCM).
struct Keystream(Box<dyn StreamCipher>);

impl Keystream {
    fn new(key: &[u8], iv: &[u8; 16], counter32: bool) -> Option<Keystream> {
        macro_rules! make {
            ($aes:ty) => {
                if counter32 {
                    Box::new(ctr::Ctr32BE::<$aes>::new_from_slices(key, iv).ok()?)
                        as Box<dyn StreamCipher>
                } else {
                    Box::new(ctr::Ctr128BE::<$aes>::new_from_slices(key, iv).ok()?)
                        as Box<dyn StreamCipher>
                }
            };
        }
        Some(Keystream(match key.len() {
            16 => make!(aes::Aes128),
            24 => make!(aes::Aes192),
            32 => make!(aes::Aes256),
            _ => return None,
        }))
    }

    fn apply(&mut self, data: &mut [u8]) {
        self.0.apply_keystream(data);
    }
}

struct Gcm {
    keystream: Keystream,
    ghash: ghash::GHash,
    /// E(K, J0), which masks the tag.
    mask: [u8; 16],
    aad: Vec<u8>,
    aad_len: u64,
    started: bool,
    partial: Vec<u8>,
    text_len: u64,
    expected_tag: Option<Vec<u8>>,
    tag_len: usize,
    /// `authTagLength` was given: a tag set for decryption must have that length.
    explicit_tag_len: bool,
}

impl Gcm {
    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.aad_len = self.aad.len() as u64;
            if !self.aad.is_empty() {
                self.ghash.update_padded(&self.aad);
            }
        }
    }

    /// Adds ciphertext to the hash.
    fn hash(&mut self, ciphertext: &[u8]) {
        self.partial.extend_from_slice(ciphertext);
        let full = self.partial.len() / 16 * 16;
        if full > 0 {
            self.ghash.update_padded(&self.partial[..full]);
            self.partial.drain(..full);
        }
        self.text_len += ciphertext.len() as u64;
    }

    fn tag(&mut self) -> Vec<u8> {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            self.ghash.update_padded(&rest);
        }
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(self.text_len * 8).to_be_bytes());
        self.ghash.update_padded(&lengths);
        let mut tag: [u8; 16] = self.ghash.clone().finalize().into();
        for (t, m) in tag.iter_mut().zip(self.mask.iter()) {
            *t ^= m;
        }
        tag[..self.tag_len].to_vec()
    }
}

enum Mode {
    /// CBC, or ECB when `chained` is false (no IV, blocks independent).
    Cbc {
        aes: Box<Aes>,
        prev: [u8; 16],
        pending: Vec<u8>,
        padding: bool,
        chained: bool,
    },
    Ctr(Keystream),
    Gcm(Box<Gcm>),
    Done,
}

/// A cipher or decipher in progress (`createCipheriv` / `createDecipheriv`).
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "NodeCipherState")]
pub struct NodeCipher {
    #[qjs(skip_trace)]
    mode: Mode,
    #[qjs(skip_trace)]
    decrypt: bool,
    #[qjs(skip_trace)]
    final_tag: Option<Vec<u8>>,
}

/// The tag lengths GCM allows (NIST SP 800-38D).
const GCM_TAG_LENGTHS: [usize; 7] = [4, 8, 12, 13, 14, 15, 16];

fn auth_tag_error(ctx: &Ctx<'_>, len: usize) -> rquickjs::Error {
    let message = format!("Invalid authentication tag length: {len}");
    let make = || -> Result<Value<'_>> {
        let ctor: rquickjs::Constructor = ctx.globals().get("TypeError")?;
        let e: rquickjs::Object = ctor.construct((message.as_str(),))?;
        e.set("code", "ERR_CRYPTO_INVALID_AUTH_TAG")?;
        Ok(e.into_value())
    };
    match make() {
        Ok(e) => ctx.throw(e),
        Err(e) => e,
    }
}

/// An error as OpenSSL's EVP layer reports it: `code`, `library`, `reason` and the message.
fn evp_error(ctx: &Ctx<'_>, function: &str, reason: &str) -> rquickjs::Error {
    let code = format!(
        "ERR_OSSL_EVP_{}",
        reason.to_ascii_uppercase().replace(' ', "_")
    );
    let message = format!("error:06000000:digital envelope routines:{function}:{reason}");
    match Exception::from_message(ctx.clone(), &message) {
        Ok(e) => {
            let _ = e.set("code", code);
            let _ = e.set("library", "digital envelope routines");
            let _ = e.set("reason", reason);
            e.throw()
        }
        Err(e) => e,
    }
}

fn state_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), message) {
        Ok(e) => {
            let _ = e.set("code", "ERR_CRYPTO_INVALID_STATE");
            e.throw()
        }
        Err(e) => e,
    }
}

#[rquickjs::methods]
impl NodeCipher {
    #[qjs(constructor)]
    pub fn new(
        ctx: Ctx<'_>,
        algorithm: String,
        key: Value<'_>,
        iv: Value<'_>,
        decrypt: bool,
        tag_len: Opt<usize>,
    ) -> Result<Self> {
        let key = bytes_of(&ctx, &key, "key")?;
        let iv = if iv.is_null() || iv.is_undefined() {
            Vec::new()
        } else {
            bytes_of(&ctx, &iv, "iv")?
        };
        let name = algorithm.to_ascii_lowercase();
        let (bits, mode) = parse_algorithm(&name)
            .ok_or_else(|| Exception::throw_type(&ctx, &format!("Invalid cipher: {algorithm}")))?;
        if key.len() * 8 != bits {
            return Err(Exception::throw_range(&ctx, "Invalid key length"));
        }
        let bad_iv = || Exception::throw_type(&ctx, "Invalid initialization vector");
        let mode = match mode {
            "cbc" | "ecb" => {
                let chained = mode == "cbc";
                let prev: [u8; 16] = if chained {
                    iv.as_slice().try_into().map_err(|_| bad_iv())?
                } else if iv.is_empty() {
                    [0; 16]
                } else {
                    return Err(bad_iv());
                };
                Mode::Cbc {
                    aes: Box::new(Aes::new(&key).ok_or_else(bad_iv)?),
                    prev,
                    pending: Vec::new(),
                    padding: true,
                    chained,
                }
            }
            "ctr" => {
                let counter: [u8; 16] = iv.as_slice().try_into().map_err(|_| bad_iv())?;
                Mode::Ctr(Keystream::new(&key, &counter, false).ok_or_else(bad_iv)?)
            }
            _ => {
                if iv.is_empty() {
                    return Err(bad_iv());
                }
                let aes = Aes::new(&key).ok_or_else(bad_iv)?;
                let mut h = [0u8; 16];
                aes.encrypt(&mut h);
                let ghash_key = ghash::Key::from(h);
                let mut j0 = [0u8; 16];
                if iv.len() == 12 {
                    j0[..12].copy_from_slice(&iv);
                    j0[15] = 1;
                } else {
                    let mut g = ghash::GHash::new(&ghash_key);
                    g.update_padded(&iv);
                    let mut lengths = [0u8; 16];
                    lengths[8..].copy_from_slice(&((iv.len() as u64) * 8).to_be_bytes());
                    g.update_padded(&lengths);
                    j0 = g.finalize().into();
                }
                let mut mask = j0;
                aes.encrypt(&mut mask);
                let mut counter = j0;
                let c = u32::from_be_bytes([counter[12], counter[13], counter[14], counter[15]])
                    .wrapping_add(1);
                counter[12..].copy_from_slice(&c.to_be_bytes());
                let explicit_tag_len = tag_len.0.is_some();
                let tag_len = tag_len.0.unwrap_or(16);
                if !GCM_TAG_LENGTHS.contains(&tag_len) {
                    return Err(auth_tag_error(&ctx, tag_len));
                }
                Mode::Gcm(Box::new(Gcm {
                    keystream: Keystream::new(&key, &counter, true).ok_or_else(bad_iv)?,
                    ghash: ghash::GHash::new(&ghash_key),
                    mask,
                    aad: Vec::new(),
                    aad_len: 0,
                    started: false,
                    partial: Vec::new(),
                    text_len: 0,
                    expected_tag: None,
                    tag_len,
                    explicit_tag_len,
                }))
            }
        };
        Ok(NodeCipher {
            mode,
            decrypt,
            final_tag: None,
        })
    }

    pub fn update<'js>(&mut self, ctx: Ctx<'js>, data: Value<'js>) -> Result<TypedArray<'js, u8>> {
        let data = bytes_of(&ctx, &data, "data")?;
        let decrypt = self.decrypt;
        let out = match &mut self.mode {
            Mode::Cbc {
                aes,
                prev,
                pending,
                padding,
                chained,
            } => {
                pending.extend_from_slice(&data);
                // A decipher with padding keeps the last block for `final` to unpad.
                let keep = if decrypt && *padding && pending.len() % 16 == 0 {
                    16
                } else {
                    pending.len() % 16
                };
                let take = pending.len().saturating_sub(keep) / 16 * 16;
                let mut out = Vec::with_capacity(take);
                for chunk in pending[..take].chunks(16) {
                    let mut block: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
                    cbc_block(aes, prev, &mut block, decrypt, *chained);
                    out.extend_from_slice(&block);
                }
                pending.drain(..take);
                out
            }
            Mode::Ctr(ks) => {
                let mut out = data;
                ks.apply(&mut out);
                out
            }
            Mode::Gcm(gcm) => {
                gcm.start();
                let mut out = data;
                if decrypt {
                    gcm.hash(&out);
                    gcm.keystream.apply(&mut out);
                } else {
                    gcm.keystream.apply(&mut out);
                    gcm.hash(&out);
                }
                out
            }
            Mode::Done => return Err(state_error(&ctx, "Unsupported state")),
        };
        TypedArray::new(ctx, out)
    }

    #[qjs(rename = "final")]
    pub fn finish<'js>(&mut self, ctx: Ctx<'js>) -> Result<TypedArray<'js, u8>> {
        let decrypt = self.decrypt;
        let mode = std::mem::replace(&mut self.mode, Mode::Done);
        let out = match mode {
            Mode::Cbc {
                aes,
                mut prev,
                pending,
                padding,
                chained,
            } => {
                if !decrypt {
                    let mut data = pending;
                    if padding {
                        let n = 16 - data.len() % 16;
                        data.extend(std::iter::repeat_n(n as u8, n));
                    } else if !data.is_empty() {
                        return Err(evp_error(
                            &ctx,
                            "EVP_EncryptFinal_ex",
                            "data not multiple of block length",
                        ));
                    }
                    let mut out = Vec::with_capacity(data.len());
                    for chunk in data.chunks(16) {
                        let mut block: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
                        cbc_block(&aes, &mut prev, &mut block, false, chained);
                        out.extend_from_slice(&block);
                    }
                    out
                } else if padding {
                    let Ok(mut block) = <[u8; 16]>::try_from(pending.as_slice()) else {
                        return Err(evp_error(
                            &ctx,
                            "EVP_DecryptFinal_ex",
                            "wrong final block length",
                        ));
                    };
                    cbc_block(&aes, &mut prev, &mut block, true, chained);
                    let n = block[15] as usize;
                    if n == 0 || n > 16 || block[16 - n..].iter().any(|&b| b as usize != n) {
                        return Err(evp_error(&ctx, "EVP_DecryptFinal_ex", "bad decrypt"));
                    }
                    block[..16 - n].to_vec()
                } else if !pending.is_empty() {
                    return Err(evp_error(
                        &ctx,
                        "EVP_DecryptFinal_ex",
                        "wrong final block length",
                    ));
                } else {
                    Vec::new()
                }
            }
            Mode::Ctr(_) => Vec::new(),
            Mode::Gcm(mut gcm) => {
                gcm.start();
                let tag = gcm.tag();
                if decrypt {
                    let ok = gcm.expected_tag.as_ref().is_some_and(|want| {
                        want.len() <= tag.len()
                            && want
                                .iter()
                                .zip(tag.iter())
                                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                                == 0
                    });
                    if !ok {
                        return Err(Exception::throw_message(
                            &ctx,
                            "Unsupported state or unable to authenticate data",
                        ));
                    }
                } else {
                    self.final_tag = Some(tag);
                }
                Vec::new()
            }
            Mode::Done => return Err(state_error(&ctx, "Unsupported state")),
        };
        TypedArray::new(ctx, out)
    }

    #[qjs(rename = "setAAD")]
    pub fn set_aad(&mut self, ctx: Ctx<'_>, data: Value<'_>) -> Result<()> {
        let data = bytes_of(&ctx, &data, "buffer")?;
        match &mut self.mode {
            Mode::Gcm(gcm) if !gcm.started => {
                gcm.aad.extend_from_slice(&data);
                Ok(())
            }
            _ => Err(state_error(&ctx, "Invalid state for operation setAAD")),
        }
    }

    #[qjs(rename = "getAuthTag")]
    pub fn get_auth_tag<'js>(&self, ctx: Ctx<'js>) -> Result<TypedArray<'js, u8>> {
        match &self.final_tag {
            Some(tag) => TypedArray::new(ctx, tag.clone()),
            None => Err(state_error(&ctx, "Invalid state for operation getAuthTag")),
        }
    }

    #[qjs(rename = "setAuthTag")]
    pub fn set_auth_tag(&mut self, ctx: Ctx<'_>, tag: Value<'_>) -> Result<()> {
        let tag = bytes_of(&ctx, &tag, "buffer")?;
        match &mut self.mode {
            Mode::Gcm(gcm) if self.decrypt && gcm.expected_tag.is_none() => {
                let wrong_len = gcm.explicit_tag_len && tag.len() != gcm.tag_len;
                if wrong_len || !GCM_TAG_LENGTHS.contains(&tag.len()) {
                    return Err(auth_tag_error(&ctx, tag.len()));
                }
                gcm.expected_tag = Some(tag);
                Ok(())
            }
            _ => Err(state_error(&ctx, "Invalid state for operation setAuthTag")),
        }
    }

    #[qjs(rename = "setAutoPadding")]
    pub fn set_auto_padding(&mut self, on: bool) -> bool {
        if let Mode::Cbc { padding, .. } = &mut self.mode {
            *padding = on;
            return true;
        }
        false
    }
}

/// One block of CBC (`chained`) or ECB.
fn cbc_block(aes: &Aes, prev: &mut [u8; 16], block: &mut [u8; 16], decrypt: bool, chained: bool) {
    if !chained {
        if decrypt {
            aes.decrypt(block);
        } else {
            aes.encrypt(block);
        }
        return;
    }
    if decrypt {
        let input = *block;
        aes.decrypt(block);
        for (b, p) in block.iter_mut().zip(prev.iter()) {
            *b ^= p;
        }
        *prev = input;
    } else {
        for (b, p) in block.iter_mut().zip(prev.iter()) {
            *b ^= p;
        }
        aes.encrypt(block);
        *prev = *block;
    }
}

/// `aes-256-gcm` → (256, "gcm"); the short names Node accepts too.
fn parse_algorithm(name: &str) -> Option<(usize, &'static str)> {
    let name = match name {
        "aes128" => "aes-128-cbc",
        "aes192" => "aes-192-cbc",
        "aes256" => "aes-256-cbc",
        "id-aes128-gcm" => "aes-128-gcm",
        "id-aes192-gcm" => "aes-192-gcm",
        "id-aes256-gcm" => "aes-256-gcm",
        other => other,
    };
    let mut parts = name.split('-');
    if parts.next()? != "aes" {
        return None;
    }
    let bits: usize = parts.next()?.parse().ok()?;
    if ![128, 192, 256].contains(&bits) {
        return None;
    }
    let mode = match parts.next()? {
        "cbc" => "cbc",
        "ecb" => "ecb",
        "ctr" => "ctr",
        "gcm" => "gcm",
        _ => return None,
    };
    parts.next().is_none().then_some((bits, mode))
}

/// The ciphers `createCipheriv` accepts, for `getCiphers()`.
pub fn cipher_names() -> Vec<String> {
    let mut out = Vec::new();
    for bits in [128, 192, 256] {
        for mode in ["cbc", "ecb", "ctr", "gcm"] {
            out.push(format!("aes-{bits}-{mode}"));
        }
    }
    out.extend(["aes128", "aes192", "aes256"].map(String::from));
    out.sort();
    out
}
