//! Secrets sealed at rest for a shared store: AES-256-GCM under the fleet's store key, bound
//! to the app and secret name (a sealed value copied to another secret does not open). Every
//! node of a fleet reads the same key file; the store and the nodes' local copies hold only
//! sealed values, and the plain value exists only in the isolates' memory.

use std::path::Path;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;

/// What a sealed value starts with (the format's version).
const PREFIX: &str = "v1:";

/// A key file that cannot be used, or a value that does not open.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("cannot read the store key {0}: {1}")]
    Read(String, std::io::Error),
    #[error(
        "the store key {0} must hold 64 hexadecimal digits (32 bytes; `openssl rand -hex 32`)"
    )]
    Format(String),
    #[error("no randomness for a nonce: {0}")]
    Random(String),
    #[error("secret {0} does not open with this node's store key (is it the fleet's key file?)")]
    Open(String),
}

/// The fleet's key for secrets.
#[derive(Clone)]
pub struct StoreKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

fn aad(app: &str, name: &str) -> Vec<u8> {
    format!("edge-secret\0{app}\0{name}").into_bytes()
}

impl StoreKey {
    /// Reads a key file: 64 hex digits, surrounding whitespace ignored.
    pub fn load(path: &Path) -> Result<StoreKey, SealError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SealError::Read(shown.clone(), e))?;
        let hex = text.trim();
        if hex.len() != 64 || !hex.is_ascii() {
            return Err(SealError::Format(shown));
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| SealError::Format(shown.clone()))?;
        }
        Ok(StoreKey::from_bytes(&key))
    }

    pub fn from_bytes(key: &[u8; 32]) -> StoreKey {
        StoreKey {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Seals `value` as secret `name` of `app`: `v1:` and the base64 of nonce and ciphertext.
    pub fn seal(&self, app: &str, name: &str, value: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| SealError::Random(e.to_string()))?;
        let aad = aad(app, name);
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: value.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Random("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// Opens what [`StoreKey::seal`] made for the same app and name.
    pub fn open(&self, app: &str, name: &str, sealed: &str) -> Result<String, SealError> {
        let fail = || SealError::Open(format!("{name} of '{app}'"));
        let raw = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .filter(|raw| raw.len() >= 12 + 16)
            .ok_or_else(fail)?;
        let aad = aad(app, name);
        let nonce: [u8; 12] = raw[..12].try_into().map_err(|_| fail())?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &raw[12..],
                    aad: &aad,
                },
            )
            .map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_secret_and_key() {
        let key = StoreKey::from_bytes(&[7; 32]);
        let sealed = key.seal("shop", "API_KEY", "hunter2").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("hunter2"));
        // A fresh nonce each time.
        assert_ne!(sealed, key.seal("shop", "API_KEY", "hunter2").unwrap());
        assert_eq!(key.open("shop", "API_KEY", &sealed).unwrap(), "hunter2");
        assert!(key.open("shop", "OTHER", &sealed).is_err());
        assert!(key.open("blog", "API_KEY", &sealed).is_err());
        assert!(StoreKey::from_bytes(&[8; 32])
            .open("shop", "API_KEY", &sealed)
            .is_err());
        assert!(key.open("shop", "API_KEY", "v1:AAAA").is_err());
        assert!(key.open("shop", "API_KEY", "hunter2").is_err());
    }

    #[test]
    fn key_files_are_64_hex_digits() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.key");
        std::fs::write(&good, format!("{}\n", "ab".repeat(32))).unwrap();
        assert!(StoreKey::load(&good).is_ok());
        let short = dir.path().join("short.key");
        std::fs::write(&short, "abcd").unwrap();
        assert!(matches!(StoreKey::load(&short), Err(SealError::Format(_))));
        let not_hex = dir.path().join("nothex.key");
        std::fs::write(&not_hex, "zz".repeat(32)).unwrap();
        assert!(matches!(
            StoreKey::load(&not_hex),
            Err(SealError::Format(_))
        ));
        assert!(matches!(
            StoreKey::load(&dir.path().join("absent.key")),
            Err(SealError::Read(..))
        ));
    }
}
