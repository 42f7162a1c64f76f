//! Streaming symmetric ciphers for `node:crypto`'s `createCipheriv`/`createDecipheriv`: CBC
//! (PKCS#7 padding) and ECB over AES, DES and triple DES; AES-CTR; AES-GCM and
//! ChaCha20-Poly1305 with additional data and tags; and AES key wrap (RFC 3394). Node's API is
//! synchronous and streaming (`update` returns output as input arrives), which Web Crypto's
//! one-shot promises are not.

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, KeyIvInit, StreamCipher, StreamCipherSeek};
use ghash::universal_hash::UniversalHash;
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

/// The block ciphers, with the key size chosen at run time.
enum Block {
    Aes128(aes::Aes128),
    Aes192(aes::Aes192),
    Aes256(aes::Aes256),
    Des(des::Des),
    Tdes2(des::TdesEde2),
    Tdes3(des::TdesEde3),
}

/// Runs `$body` with `$c` bound to the concrete cipher and `$b` to the block as its array type.
macro_rules! with_block {
    ($self:expr, $data:expr, |$c:ident, $b:ident| $body:expr) => {{
        #[allow(deprecated)]
        match $self {
            Block::Aes128($c) => {
                let $b = aes::Block::from_mut_slice($data);
                $body
            }
            Block::Aes192($c) => {
                let $b = aes::Block::from_mut_slice($data);
                $body
            }
            Block::Aes256($c) => {
                let $b = aes::Block::from_mut_slice($data);
                $body
            }
            Block::Des($c) => {
                let $b = des::cipher::Block::<des::Des>::from_mut_slice($data);
                $body
            }
            Block::Tdes2($c) => {
                let $b = des::cipher::Block::<des::TdesEde2>::from_mut_slice($data);
                $body
            }
            Block::Tdes3($c) => {
                let $b = des::cipher::Block::<des::TdesEde3>::from_mut_slice($data);
                $body
            }
        }
    }};
}

impl Block {
    fn new(family: Family, key: &[u8]) -> Option<Block> {
        Some(match (family, key.len()) {
            (Family::Aes, 16) => Block::Aes128(aes::Aes128::new_from_slice(key).ok()?),
            (Family::Aes, 24) => Block::Aes192(aes::Aes192::new_from_slice(key).ok()?),
            (Family::Aes, 32) => Block::Aes256(aes::Aes256::new_from_slice(key).ok()?),
            (Family::Des, 8) => Block::Des(des::Des::new_from_slice(key).ok()?),
            (Family::Tdes2, 16) => Block::Tdes2(des::TdesEde2::new_from_slice(key).ok()?),
            (Family::Tdes3, 24) => Block::Tdes3(des::TdesEde3::new_from_slice(key).ok()?),
            _ => return None,
        })
    }

    fn size(&self) -> usize {
        match self {
            Block::Aes128(_) | Block::Aes192(_) | Block::Aes256(_) => 16,
            _ => 8,
        }
    }

    /// Encrypts one block in place; `block` has exactly `size()` bytes.
    fn encrypt(&self, block: &mut [u8]) {
        with_block!(self, block, |c, b| c.encrypt_block(b))
    }

    fn decrypt(&self, block: &mut [u8]) {
        with_block!(self, block, |c, b| c.decrypt_block(b))
    }
}

/// An AES counter-mode keystream (128-bit counter for CTR, 32-bit for GCM).
fn aes_ctr(key: &[u8], iv: &[u8; 16], counter32: bool) -> Option<Box<dyn StreamCipher>> {
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
    Some(match key.len() {
        16 => make!(aes::Aes128),
        24 => make!(aes::Aes192),
        32 => make!(aes::Aes256),
        _ => return None,
    })
}

/// The authenticator of an AEAD: GHASH (GCM) or Poly1305 (ChaCha20-Poly1305).
enum Mac {
    Ghash {
        hash: ghash::GHash,
        /// E(K, J0), which masks the tag.
        mask: [u8; 16],
    },
    Poly(Box<poly1305::Poly1305>),
}

/// An AEAD in progress: a keystream, and a MAC over the additional data and the ciphertext.
struct Aead {
    keystream: Box<dyn StreamCipher>,
    mac: Mac,
    aad: Vec<u8>,
    aad_len: u64,
    started: bool,
    partial: Vec<u8>,
    text_len: u64,
    expected_tag: Option<Vec<u8>>,
    tag_len: usize,
    allowed_tags: &'static [usize],
    /// `authTagLength` was given: a tag set for decryption must have that length.
    explicit_tag_len: bool,
}

impl Aead {
    fn new(
        keystream: Box<dyn StreamCipher>,
        mac: Mac,
        tag_len: usize,
        allowed_tags: &'static [usize],
        explicit_tag_len: bool,
    ) -> Aead {
        Aead {
            keystream,
            mac,
            aad: Vec::new(),
            aad_len: 0,
            started: false,
            partial: Vec::new(),
            text_len: 0,
            expected_tag: None,
            tag_len,
            allowed_tags,
            explicit_tag_len,
        }
    }

    fn update_mac(&mut self, data: &[u8]) {
        match &mut self.mac {
            Mac::Ghash { hash, .. } => hash.update_padded(data),
            Mac::Poly(p) => p.update_padded(data),
        }
    }

    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.aad_len = self.aad.len() as u64;
            let aad = std::mem::take(&mut self.aad);
            if !aad.is_empty() {
                self.update_mac(&aad);
            }
        }
    }

    /// Adds ciphertext to the MAC, in whole 16-byte blocks as they fill.
    fn hash(&mut self, ciphertext: &[u8]) {
        self.partial.extend_from_slice(ciphertext);
        let full = self.partial.len() / 16 * 16;
        if full > 0 {
            let blocks: Vec<u8> = self.partial.drain(..full).collect();
            self.update_mac(&blocks);
        }
        self.text_len += ciphertext.len() as u64;
    }

    fn tag(&mut self) -> Vec<u8> {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            self.update_mac(&rest);
        }
        let mut lengths = [0u8; 16];
        let full: [u8; 16] = match &mut self.mac {
            Mac::Ghash { hash, mask } => {
                lengths[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
                lengths[8..].copy_from_slice(&(self.text_len * 8).to_be_bytes());
                hash.update_padded(&lengths);
                let mut tag: [u8; 16] = hash.clone().finalize().into();
                for (t, m) in tag.iter_mut().zip(mask.iter()) {
                    *t ^= m;
                }
                tag
            }
            Mac::Poly(p) => {
                lengths[..8].copy_from_slice(&self.aad_len.to_le_bytes());
                lengths[8..].copy_from_slice(&self.text_len.to_le_bytes());
                p.update_padded(&lengths);
                p.clone().finalize().into()
            }
        };
        full[..self.tag_len].to_vec()
    }
}

enum Mode {
    /// CBC, or ECB when `chained` is false (no IV, blocks independent).
    Blocks {
        cipher: Box<Block>,
        prev: Vec<u8>,
        pending: Vec<u8>,
        padding: bool,
        chained: bool,
    },
    Ctr(Box<dyn StreamCipher>),
    Aead(Box<Aead>),
    /// AES key wrap: each `update` wraps (or unwraps) what it is given, as OpenSSL does.
    Wrap {
        cipher: Box<Block>,
        iv: [u8; 8],
    },
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
/// ChaCha20-Poly1305 tags may be truncated to any length, as OpenSSL allows.
const POLY_TAG_LENGTHS: [usize; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

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
pub(crate) fn evp_error(ctx: &Ctx<'_>, function: &str, reason: &str) -> rquickjs::Error {
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
        let spec = parse_algorithm(&algorithm.to_ascii_lowercase())
            .ok_or_else(|| Exception::throw_type(&ctx, &format!("Invalid cipher: {algorithm}")))?;
        if key.len() != spec.key_len {
            return Err(Exception::throw_range(&ctx, "Invalid key length"));
        }
        let bad_iv = || Exception::throw_type(&ctx, "Invalid initialization vector");
        let mode = match spec.mode {
            Kind::Cbc | Kind::Ecb => {
                let cipher = Block::new(spec.family, &key).ok_or_else(bad_iv)?;
                let chained = spec.mode == Kind::Cbc;
                if (chained && iv.len() != cipher.size()) || (!chained && !iv.is_empty()) {
                    return Err(bad_iv());
                }
                let prev = if chained { iv } else { vec![0; cipher.size()] };
                Mode::Blocks {
                    cipher: Box::new(cipher),
                    prev,
                    pending: Vec::new(),
                    padding: true,
                    chained,
                }
            }
            Kind::Ctr => {
                let counter: [u8; 16] = iv.as_slice().try_into().map_err(|_| bad_iv())?;
                Mode::Ctr(aes_ctr(&key, &counter, false).ok_or_else(bad_iv)?)
            }
            Kind::Wrap => {
                let iv: [u8; 8] = if iv.is_empty() {
                    [0xa6; 8]
                } else {
                    iv.as_slice().try_into().map_err(|_| bad_iv())?
                };
                let cipher = Block::new(Family::Aes, &key).ok_or_else(bad_iv)?;
                Mode::Wrap {
                    cipher: Box::new(cipher),
                    iv,
                }
            }
            Kind::Gcm => {
                if iv.is_empty() {
                    return Err(bad_iv());
                }
                let explicit_tag_len = tag_len.0.is_some();
                let tag_len = tag_len.0.unwrap_or(16);
                if !GCM_TAG_LENGTHS.contains(&tag_len) {
                    return Err(auth_tag_error(&ctx, tag_len));
                }
                let aes = Block::new(Family::Aes, &key).ok_or_else(bad_iv)?;
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
                Mode::Aead(Box::new(Aead::new(
                    aes_ctr(&key, &counter, true).ok_or_else(bad_iv)?,
                    Mac::Ghash {
                        hash: ghash::GHash::new(&ghash_key),
                        mask,
                    },
                    tag_len,
                    &GCM_TAG_LENGTHS,
                    explicit_tag_len,
                )))
            }
            Kind::ChaChaPoly => {
                if iv.len() != 12 {
                    return Err(bad_iv());
                }
                let explicit_tag_len = tag_len.0.is_some();
                let tag_len = tag_len.0.unwrap_or(16);
                if !POLY_TAG_LENGTHS.contains(&tag_len) {
                    return Err(auth_tag_error(&ctx, tag_len));
                }
                let mut stream =
                    chacha20::ChaCha20::new_from_slices(&key, &iv).map_err(|_| bad_iv())?;
                // RFC 8439: the first block keys Poly1305; the text starts at block 1.
                let mut block0 = [0u8; 64];
                stream.apply_keystream(&mut block0);
                let mac =
                    poly1305::Poly1305::new_from_slice(&block0[..32]).map_err(|_| bad_iv())?;
                stream.seek(64u64);
                Mode::Aead(Box::new(Aead::new(
                    Box::new(stream),
                    Mac::Poly(Box::new(mac)),
                    tag_len,
                    &POLY_TAG_LENGTHS,
                    explicit_tag_len,
                )))
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
        // OpenSSL counts in ints: an update that could overflow one is refused.
        if data.len() > i32::MAX as usize - 16 {
            return Err(state_error(&ctx, "Trying to add data in unsupported state"));
        }
        let decrypt = self.decrypt;
        let out = match &mut self.mode {
            Mode::Blocks {
                cipher,
                prev,
                pending,
                padding,
                chained,
            } => {
                let bs = cipher.size();
                pending.extend_from_slice(&data);
                // A decipher with padding keeps the last block for `final` to unpad.
                let keep = if decrypt && *padding && pending.len() % bs == 0 {
                    bs
                } else {
                    pending.len() % bs
                };
                let take = pending.len().saturating_sub(keep) / bs * bs;
                let mut out: Vec<u8> = pending.drain(..take).collect();
                for block in out.chunks_mut(bs) {
                    chain_block(cipher, prev, block, decrypt, *chained);
                }
                out
            }
            Mode::Ctr(ks) => {
                let mut out = data;
                ks.apply_keystream(&mut out);
                out
            }
            Mode::Aead(aead) => {
                aead.start();
                let mut out = data;
                if decrypt {
                    aead.hash(&out);
                    aead.keystream.apply_keystream(&mut out);
                } else {
                    aead.keystream.apply_keystream(&mut out);
                    aead.hash(&out);
                }
                out
            }
            Mode::Wrap { cipher, iv } => {
                let result = if decrypt {
                    unwrap_key(cipher, iv, &data)
                } else {
                    wrap_key(cipher, iv, &data)
                };
                match result {
                    Some(out) => out,
                    None if decrypt => {
                        return Err(evp_error(&ctx, "EVP_DecryptUpdate", "bad decrypt"));
                    }
                    None => {
                        return Err(evp_error(&ctx, "EVP_EncryptUpdate", "invalid input length"));
                    }
                }
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
            Mode::Blocks {
                cipher,
                mut prev,
                pending,
                padding,
                chained,
            } => finish_blocks(&ctx, &cipher, &mut prev, pending, padding, chained, decrypt)?,
            Mode::Ctr(_) | Mode::Wrap { .. } => Vec::new(),
            Mode::Aead(mut aead) => {
                aead.start();
                let tag = aead.tag();
                if decrypt {
                    let ok = aead.expected_tag.as_ref().is_some_and(|want| {
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
            Mode::Aead(aead) if !aead.started => {
                aead.aad.extend_from_slice(&data);
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
            Mode::Aead(aead) if self.decrypt && aead.expected_tag.is_none() => {
                let wrong_len = aead.explicit_tag_len && tag.len() != aead.tag_len;
                if wrong_len || !aead.allowed_tags.contains(&tag.len()) {
                    return Err(auth_tag_error(&ctx, tag.len()));
                }
                aead.expected_tag = Some(tag);
                Ok(())
            }
            _ => Err(state_error(&ctx, "Invalid state for operation setAuthTag")),
        }
    }

    #[qjs(rename = "setAutoPadding")]
    pub fn set_auto_padding(&mut self, on: bool) -> bool {
        if let Mode::Blocks { padding, .. } = &mut self.mode {
            *padding = on;
            return true;
        }
        false
    }
}

/// The last block(s) of CBC or ECB: padding added (encrypting) or checked and removed.
fn finish_blocks(
    ctx: &Ctx<'_>,
    cipher: &Block,
    prev: &mut [u8],
    pending: Vec<u8>,
    padding: bool,
    chained: bool,
    decrypt: bool,
) -> Result<Vec<u8>> {
    let bs = cipher.size();
    if !decrypt {
        let mut data = pending;
        if padding {
            let n = bs - data.len() % bs;
            data.extend(std::iter::repeat_n(n as u8, n));
        } else if !data.is_empty() {
            return Err(evp_error(
                ctx,
                "EVP_EncryptFinal_ex",
                "data not multiple of block length",
            ));
        }
        for block in data.chunks_mut(bs) {
            chain_block(cipher, prev, block, false, chained);
        }
        return Ok(data);
    }
    if !padding {
        if !pending.is_empty() {
            return Err(evp_error(
                ctx,
                "EVP_DecryptFinal_ex",
                "wrong final block length",
            ));
        }
        return Ok(Vec::new());
    }
    if pending.len() != bs {
        return Err(evp_error(
            ctx,
            "EVP_DecryptFinal_ex",
            "wrong final block length",
        ));
    }
    let mut block = pending;
    chain_block(cipher, prev, &mut block, true, chained);
    let n = block[bs - 1] as usize;
    if n == 0 || n > bs || block[bs - n..].iter().any(|&b| b as usize != n) {
        return Err(evp_error(ctx, "EVP_DecryptFinal_ex", "bad decrypt"));
    }
    block.truncate(bs - n);
    Ok(block)
}

/// One block of CBC (`chained`) or ECB.
fn chain_block(cipher: &Block, prev: &mut [u8], block: &mut [u8], decrypt: bool, chained: bool) {
    if !chained {
        if decrypt {
            cipher.decrypt(block);
        } else {
            cipher.encrypt(block);
        }
        return;
    }
    if decrypt {
        let input = block.to_vec();
        cipher.decrypt(block);
        for (b, p) in block.iter_mut().zip(prev.iter()) {
            *b ^= p;
        }
        prev.copy_from_slice(&input);
    } else {
        for (b, p) in block.iter_mut().zip(prev.iter()) {
            *b ^= p;
        }
        cipher.encrypt(block);
        prev.copy_from_slice(block);
    }
}

/// RFC 3394 key wrap: `data` is at least two 64-bit blocks.
fn wrap_key(cipher: &Block, iv: &[u8; 8], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 16 || !data.len().is_multiple_of(8) {
        return None;
    }
    let n = data.len() / 8;
    let mut a = *iv;
    let mut r: Vec<[u8; 8]> = data
        .chunks(8)
        .map(|c| c.try_into().unwrap_or([0; 8]))
        .collect();
    let mut b = [0u8; 16];
    for j in 0..6u64 {
        for (i, ri) in r.iter_mut().enumerate() {
            b[..8].copy_from_slice(&a);
            b[8..].copy_from_slice(ri);
            cipher.encrypt(&mut b);
            let t = j * n as u64 + i as u64 + 1;
            a.copy_from_slice(&b[..8]);
            for (x, y) in a.iter_mut().zip(t.to_be_bytes()) {
                *x ^= y;
            }
            ri.copy_from_slice(&b[8..]);
        }
    }
    let mut out = a.to_vec();
    for ri in r {
        out.extend_from_slice(&ri);
    }
    Some(out)
}

/// RFC 3394 unwrap; None when the integrity check value does not match `iv`.
fn unwrap_key(cipher: &Block, iv: &[u8; 8], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 24 || !data.len().is_multiple_of(8) {
        return None;
    }
    let n = data.len() / 8 - 1;
    let mut a: [u8; 8] = data[..8].try_into().ok()?;
    let mut r: Vec<[u8; 8]> = data[8..]
        .chunks(8)
        .map(|c| c.try_into().unwrap_or([0; 8]))
        .collect();
    let mut b = [0u8; 16];
    for j in (0..6u64).rev() {
        for i in (0..n).rev() {
            let t = j * n as u64 + i as u64 + 1;
            for (x, y) in a.iter_mut().zip(t.to_be_bytes()) {
                *x ^= y;
            }
            b[..8].copy_from_slice(&a);
            b[8..].copy_from_slice(&r[i]);
            cipher.decrypt(&mut b);
            a.copy_from_slice(&b[..8]);
            r[i].copy_from_slice(&b[8..]);
        }
    }
    let diff = a
        .iter()
        .zip(iv.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    (diff == 0).then(|| r.concat())
}

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Aes,
    Des,
    Tdes2,
    Tdes3,
    ChaCha,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Cbc,
    Ecb,
    Ctr,
    Gcm,
    Wrap,
    ChaChaPoly,
}

struct Spec {
    family: Family,
    key_len: usize,
    mode: Kind,
}

/// A cipher name as OpenSSL spells it (`aes-256-gcm`, `des-ede3-cbc`, `id-aes128-wrap`), with
/// the short aliases Node accepts.
fn parse_algorithm(name: &str) -> Option<Spec> {
    let spec = |family, key_len, mode| {
        Some(Spec {
            family,
            key_len,
            mode,
        })
    };
    match name {
        "aes128" => return spec(Family::Aes, 16, Kind::Cbc),
        "aes192" => return spec(Family::Aes, 24, Kind::Cbc),
        "aes256" => return spec(Family::Aes, 32, Kind::Cbc),
        "des" | "des-cbc" => return spec(Family::Des, 8, Kind::Cbc),
        "des-ecb" => return spec(Family::Des, 8, Kind::Ecb),
        "des-ede" | "des-ede-ecb" => return spec(Family::Tdes2, 16, Kind::Ecb),
        "des-ede-cbc" => return spec(Family::Tdes2, 16, Kind::Cbc),
        "des-ede3" | "des-ede3-ecb" => return spec(Family::Tdes3, 24, Kind::Ecb),
        "des3" | "des-ede3-cbc" => return spec(Family::Tdes3, 24, Kind::Cbc),
        "chacha20-poly1305" => return spec(Family::ChaCha, 32, Kind::ChaChaPoly),
        _ => {}
    }
    if let Some(rest) = name
        .strip_prefix("id-aes")
        .or_else(|| name.strip_prefix("aes"))
    {
        if let Some(bits) = rest.strip_suffix("-wrap") {
            let bits: usize = bits.parse().ok()?;
            return [128, 192, 256].contains(&bits).then_some(Spec {
                family: Family::Aes,
                key_len: bits / 8,
                mode: Kind::Wrap,
            });
        }
        if let Some(bits) = rest
            .strip_suffix("-gcm")
            .filter(|_| name.starts_with("id-"))
        {
            let bits: usize = bits.parse().ok()?;
            return [128, 192, 256].contains(&bits).then_some(Spec {
                family: Family::Aes,
                key_len: bits / 8,
                mode: Kind::Gcm,
            });
        }
    }
    let mut parts = name.split('-');
    if parts.next()? != "aes" {
        return None;
    }
    let bits: usize = parts.next()?.parse().ok()?;
    if ![128, 192, 256].contains(&bits) {
        return None;
    }
    let mode = match parts.next()? {
        "cbc" => Kind::Cbc,
        "ecb" => Kind::Ecb,
        "ctr" => Kind::Ctr,
        "gcm" => Kind::Gcm,
        _ => return None,
    };
    parts.next().is_none().then_some(Spec {
        family: Family::Aes,
        key_len: bits / 8,
        mode,
    })
}

/// The ciphers `createCipheriv` accepts, for `getCiphers()`.
pub fn cipher_names() -> Vec<String> {
    let mut out = Vec::new();
    for bits in [128, 192, 256] {
        for mode in ["cbc", "ecb", "ctr", "gcm"] {
            out.push(format!("aes-{bits}-{mode}"));
        }
        out.push(format!("aes{bits}"));
        out.push(format!("aes{bits}-wrap"));
        out.push(format!("id-aes{bits}-wrap"));
        out.push(format!("id-aes{bits}-gcm"));
    }
    out.extend(
        [
            "chacha20-poly1305",
            "des",
            "des-cbc",
            "des-ecb",
            "des-ede",
            "des-ede-cbc",
            "des-ede-ecb",
            "des-ede3",
            "des-ede3-cbc",
            "des-ede3-ecb",
            "des3",
        ]
        .map(String::from),
    );
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn key_wrap_matches_rfc3394_vectors() {
        // RFC 3394 4.1 and 4.6.
        let kek = Block::new(Family::Aes, &hex("000102030405060708090A0B0C0D0E0F")).unwrap();
        let wrapped = wrap_key(&kek, &[0xa6; 8], &hex("00112233445566778899AABBCCDDEEFF")).unwrap();
        assert_eq!(
            wrapped,
            hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")
        );
        assert_eq!(
            unwrap_key(&kek, &[0xa6; 8], &wrapped).unwrap(),
            hex("00112233445566778899AABBCCDDEEFF")
        );
        let kek = Block::new(
            Family::Aes,
            &hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"),
        )
        .unwrap();
        let key = hex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        let wrapped = wrap_key(&kek, &[0xa6; 8], &key).unwrap();
        assert_eq!(
            wrapped,
            hex("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21")
        );
        let mut tampered = wrapped.clone();
        tampered[3] ^= 1;
        assert!(unwrap_key(&kek, &[0xa6; 8], &tampered).is_none());
    }

    #[test]
    fn names_parse_to_their_families() {
        for name in cipher_names() {
            assert!(parse_algorithm(&name).is_some(), "{name}");
        }
        assert!(parse_algorithm("aes-127").is_none());
        assert!(parse_algorithm("aes128-gcm").is_none());
    }
}
