//! Passphrase-protected private keys: PKCS#8 `EncryptedPrivateKeyInfo` (PBES2 with PBKDF2 and
//! AES-CBC, as OpenSSL writes and reads it) and the traditional PEM encryption of PKCS#1 and
//! SEC1 keys (`Proc-Type: 4,ENCRYPTED` with `DEK-Info`, key from MD5 `EVP_BytesToKey`).

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

use super::asn1::{self, Reader, INTEGER, OCTET_STRING, OID, SEQUENCE};
use crate::node::crypto_native::derive_pbkdf2;

const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const HMAC_PREFIX: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02];
const AES_CBC_PREFIX: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01];
const ITERATIONS: u32 = 2048;

/// A cipher a key can be encrypted with: AES-CBC of 16, 24 or 32 byte keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cipher {
    pub key_len: usize,
}

impl Cipher {
    /// Node's cipher names ("aes-256-cbc", "aes256", case-insensitive).
    pub fn from_name(name: &str) -> Option<Cipher> {
        let key_len = match name.to_ascii_lowercase().as_str() {
            "aes-128-cbc" | "aes128" => 16,
            "aes-192-cbc" | "aes192" => 24,
            "aes-256-cbc" | "aes256" => 32,
            _ => return None,
        };
        Some(Cipher { key_len })
    }

    fn dek_name(self) -> String {
        format!("AES-{}-CBC", self.key_len * 8)
    }

    fn oid_last(self) -> u8 {
        match self.key_len {
            16 => 0x02,
            24 => 0x16,
            _ => 0x2a,
        }
    }

    fn from_oid(oid: &[u8]) -> Option<Cipher> {
        let last = oid.strip_prefix(AES_CBC_PREFIX)?;
        let key_len = match last {
            [0x02] => 16,
            [0x16] => 24,
            [0x2a] => 32,
            _ => return None,
        };
        Some(Cipher { key_len })
    }

    fn encrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
        macro_rules! run {
            ($aes:ty) => {
                cbc::Encryptor::<$aes>::new_from_slices(key, iv)
                    .map(|c| c.encrypt_padded_vec_mut::<Pkcs7>(data))
                    .unwrap_or_default()
            };
        }
        match self.key_len {
            16 => run!(aes::Aes128),
            24 => run!(aes::Aes192),
            _ => run!(aes::Aes256),
        }
    }

    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        macro_rules! run {
            ($aes:ty) => {
                cbc::Decryptor::<$aes>::new_from_slices(key, iv)
                    .ok()?
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .ok()
            };
        }
        match self.key_len {
            16 => run!(aes::Aes128),
            24 => run!(aes::Aes192),
            _ => run!(aes::Aes256),
        }
    }
}

fn random(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    // The OS generator failing is not something a key export can recover from; an all-zero
    // salt would still decrypt correctly.
    let _ = getrandom::fill(&mut out);
    out
}

/// An `EncryptedPrivateKeyInfo` holding the PKCS#8 `der`.
pub fn encrypt_pkcs8(der: &[u8], cipher: Cipher, passphrase: &[u8]) -> Vec<u8> {
    let salt = random(16);
    let iv = random(16);
    let mut key = vec![0u8; cipher.key_len];
    derive_pbkdf2("sha256", passphrase, &salt, ITERATIONS, &mut key);
    let mut hmac_sha256 = HMAC_PREFIX.to_vec();
    hmac_sha256.push(0x09);
    let kdf_params = asn1::seq(&[
        &asn1::octets(&salt),
        &asn1::small_uint(ITERATIONS as u64),
        &asn1::algorithm(&hmac_sha256, Some(&[0x05, 0x00])),
    ]);
    let mut cipher_oid = AES_CBC_PREFIX.to_vec();
    cipher_oid.push(cipher.oid_last());
    let params = asn1::seq(&[
        &asn1::algorithm(PBKDF2, Some(&kdf_params)),
        &asn1::algorithm(&cipher_oid, Some(&asn1::octets(&iv))),
    ]);
    asn1::seq(&[
        &asn1::algorithm(PBES2, Some(&params)),
        &asn1::octets(&cipher.encrypt(&key, &iv, der)),
    ])
}

/// Why an encrypted key could not be opened.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Not a structure or algorithm this module reads.
    Unsupported,
    /// The passphrase is wrong (or the data corrupt).
    BadDecrypt,
}

/// Whether `der` is an `EncryptedPrivateKeyInfo` (rather than a plain PrivateKeyInfo).
pub fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    asn1::sequence(der)
        .map(|mut r| r.take(SEQUENCE).is_some() && r.take(OCTET_STRING).is_some() && r.is_empty())
        .unwrap_or(false)
}

/// The PKCS#8 DER inside an `EncryptedPrivateKeyInfo`.
pub fn decrypt_pkcs8(der: &[u8], passphrase: &[u8]) -> Result<Vec<u8>, OpenError> {
    let unsupported = || OpenError::Unsupported;
    let mut r = asn1::sequence(der).ok_or(OpenError::Unsupported)?;
    let (scheme, params) =
        asn1::read_algorithm(r.take(SEQUENCE).ok_or_else(unsupported)?).ok_or_else(unsupported)?;
    let data = r.take(OCTET_STRING).ok_or_else(unsupported)?;
    if scheme != PBES2 {
        return Err(OpenError::Unsupported);
    }
    let mut p = asn1::sequence(params.ok_or_else(unsupported)?).ok_or_else(unsupported)?;
    let (kdf, kdf_params) =
        asn1::read_algorithm(p.take(SEQUENCE).ok_or_else(unsupported)?).ok_or_else(unsupported)?;
    let (enc, enc_params) =
        asn1::read_algorithm(p.take(SEQUENCE).ok_or_else(unsupported)?).ok_or_else(unsupported)?;
    if kdf != PBKDF2 {
        return Err(OpenError::Unsupported);
    }
    let cipher = Cipher::from_oid(enc).ok_or_else(unsupported)?;
    let iv = Reader(enc_params.ok_or_else(unsupported)?)
        .take(OCTET_STRING)
        .ok_or_else(unsupported)?;
    let mut k = asn1::sequence(kdf_params.ok_or_else(unsupported)?).ok_or_else(unsupported)?;
    let salt = k.take(OCTET_STRING).ok_or_else(unsupported)?;
    let iterations = k
        .take(INTEGER)
        .and_then(asn1::read_small_uint)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(unsupported)?;
    if k.peek_tag() == Some(INTEGER) {
        k.take(INTEGER);
    }
    let digest = match k.take(SEQUENCE) {
        None => "sha1",
        Some(prf) => {
            let mut prf = Reader(prf);
            let id = prf.take(OID).ok_or_else(unsupported)?;
            match id.strip_prefix(HMAC_PREFIX) {
                Some([0x07]) => "sha1",
                Some([0x08]) => "sha224",
                Some([0x09]) => "sha256",
                Some([0x0a]) => "sha384",
                Some([0x0b]) => "sha512",
                _ => return Err(OpenError::Unsupported),
            }
        }
    };
    let mut key = vec![0u8; cipher.key_len];
    derive_pbkdf2(digest, passphrase, salt, iterations, &mut key);
    cipher.decrypt(&key, iv, data).ok_or(OpenError::BadDecrypt)
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one round: the traditional PEM key.
fn bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    use md5::Digest;
    let mut out = Vec::with_capacity(len + 16);
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < len {
        let mut h = md5::Md5::new();
        h.update(&prev);
        h.update(passphrase);
        h.update(salt);
        prev = h.finalize().to_vec();
        out.extend_from_slice(&prev);
    }
    out.truncate(len);
    out
}

/// The traditional PEM encryption of `der`: the `DEK-Info` header value and the ciphertext.
pub fn encrypt_legacy(der: &[u8], cipher: Cipher, passphrase: &[u8]) -> (String, Vec<u8>) {
    let iv = random(16);
    let key = bytes_to_key(passphrase, &iv[..8], cipher.key_len);
    let hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
    (
        format!("{},{hex}", cipher.dek_name()),
        cipher.encrypt(&key, &iv, der),
    )
}

/// Decrypts a traditional PEM body given its `DEK-Info` header value.
pub fn decrypt_legacy(
    dek_info: &str,
    data: &[u8],
    passphrase: &[u8],
) -> Result<Vec<u8>, OpenError> {
    let (name, hex) = dek_info.split_once(',').ok_or(OpenError::Unsupported)?;
    let cipher = Cipher::from_name(name.trim()).ok_or(OpenError::Unsupported)?;
    let hex = hex.trim();
    if hex.len() != 32 || !hex.is_ascii() {
        return Err(OpenError::Unsupported);
    }
    let iv: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| OpenError::Unsupported)?;
    let key = bytes_to_key(passphrase, &iv[..8], cipher.key_len);
    cipher.decrypt(&key, &iv, data).ok_or(OpenError::BadDecrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs8_round_trips_and_rejects_a_wrong_passphrase() {
        let der = b"not really a key, but bytes".to_vec();
        let sealed = encrypt_pkcs8(&der, Cipher::from_name("aes-256-cbc").unwrap(), b"secret");
        assert!(is_encrypted_pkcs8(&sealed));
        assert_eq!(decrypt_pkcs8(&sealed, b"secret").unwrap(), der);
        assert_ne!(decrypt_pkcs8(&sealed, b"wrong").ok(), Some(der));
    }

    #[test]
    fn legacy_round_trips() {
        let der = vec![42u8; 100];
        let (dek, sealed) = encrypt_legacy(&der, Cipher::from_name("AES-128-CBC").unwrap(), b"pw");
        assert!(dek.starts_with("AES-128-CBC,"));
        assert_eq!(decrypt_legacy(&dek, &sealed, b"pw").unwrap(), der);
    }

    #[test]
    fn bytes_to_key_matches_openssl() {
        // `openssl enc -aes-128-cbc -k pw -S 0102030405060708 -P -md md5`
        let key = bytes_to_key(b"pw", &[1, 2, 3, 4, 5, 6, 7, 8], 16);
        let hex: String = key.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex, "222776D258E716EFDAA0CF5A7E504B9D");
    }
}
