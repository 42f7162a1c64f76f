//! `SubtleCrypto.supports(operation, algorithm, length)`: whether an operation would accept an
//! algorithm and its parameters, answered from the same normalization the operations use,
//! without running anything.

use rquickjs::{Ctx, Object, Result, Value};

use super::params::{algorithm, hash_member, number_member};

/// The operations `supports` knows.
const OPERATIONS: [&str; 17] = [
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "digest",
    "generateKey",
    "deriveKey",
    "deriveBits",
    "importKey",
    "exportKey",
    "wrapKey",
    "unwrapKey",
    "getPublicKey",
    "encapsulateKey",
    "encapsulateBits",
    "decapsulateKey",
    "decapsulateBits",
];

const KEYS: [&str; 3] = ["generateKey", "importKey", "exportKey"];
const CIPHER: [&str; 4] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
const SIGNATURE: [&str; 2] = ["sign", "verify"];
const DERIVE: [&str; 2] = ["deriveBits", "deriveKey"];
const KEM: [&str; 4] = [
    "encapsulateKey",
    "encapsulateBits",
    "decapsulateKey",
    "decapsulateBits",
];

/// Whether algorithm `name` has operation `op` at all.
fn has_operation(name: &str, op: &str) -> bool {
    let asymmetric = op == "getPublicKey";
    match name {
        "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" | "SHA3-256" | "SHA3-384" | "SHA3-512"
        | "cSHAKE128" | "cSHAKE256" => op == "digest",
        "PBKDF2" | "HKDF" => op == "importKey" || DERIVE.contains(&op),
        "HMAC" | "KMAC128" | "KMAC256" => KEYS.contains(&op) || SIGNATURE.contains(&op),
        "ECDSA" | "Ed25519" | "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ML-DSA-44" | "ML-DSA-65"
        | "ML-DSA-87" => KEYS.contains(&op) || SIGNATURE.contains(&op) || asymmetric,
        "ECDH" | "X25519" => KEYS.contains(&op) || DERIVE.contains(&op) || asymmetric,
        "RSA-OAEP" => KEYS.contains(&op) || CIPHER.contains(&op) || asymmetric,
        "AES-KW" => KEYS.contains(&op) || op == "wrapKey" || op == "unwrapKey",
        "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-OCB" | "ChaCha20-Poly1305" => {
            KEYS.contains(&op) || CIPHER.contains(&op)
        }
        "ML-KEM-512" | "ML-KEM-768" | "ML-KEM-1024" => {
            KEYS.contains(&op) || KEM.contains(&op) || asymmetric
        }
        _ => false,
    }
}

fn buffer_len(params: &Option<Object<'_>>, name: &str) -> Result<Option<usize>> {
    let v: Value = match params {
        Some(p) => p.get(name)?,
        None => return Ok(None),
    };
    Ok(crate::web::util::buffer_source_bytes(&v).map(|b| b.len()))
}

/// The parameter checks normalization would make for `op` (members present and valid).
fn parameters_ok<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    op: &str,
    params: &Option<Object<'js>>,
    length: Option<f64>,
) -> Result<bool> {
    Ok(match (op, name) {
        ("generateKey", "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" | "AES-OCB") => {
            matches!(number_member(params, "length")?, Some(n) if [128.0, 192.0, 256.0].contains(&n))
        }
        ("generateKey" | "importKey", "HMAC") => hash_member(ctx, params).is_ok(),
        ("generateKey" | "importKey", "ECDSA" | "ECDH") => {
            super::ec::named_curve(ctx, params).is_ok()
        }
        ("generateKey", "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP") => {
            number_member(params, "modulusLength")?.is_some()
                && buffer_len(params, "publicExponent")?.is_some()
                && hash_member(ctx, params).is_ok()
        }
        ("importKey", "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP") => {
            hash_member(ctx, params).is_ok()
        }
        ("sign" | "verify", "ECDSA") => hash_member(ctx, params).is_ok(),
        ("sign" | "verify", "RSA-PSS") => number_member(params, "saltLength")?.is_some(),
        ("encrypt" | "decrypt", "AES-GCM" | "AES-OCB" | "ChaCha20-Poly1305") => {
            buffer_len(params, "iv")?.is_some()
        }
        ("encrypt" | "decrypt", "AES-CBC") => buffer_len(params, "iv")? == Some(16),
        ("encrypt" | "decrypt", "AES-CTR") => {
            buffer_len(params, "counter")? == Some(16)
                && matches!(number_member(params, "length")?, Some(n) if (1.0..=128.0).contains(&n))
        }
        ("deriveBits" | "deriveKey", "ECDH" | "X25519") => {
            let public: Value = match params {
                Some(p) => p.get("public")?,
                None => return Ok(false),
            };
            rquickjs::Class::<crate::web::crypto_key::CryptoKey>::from_value(&public).is_ok()
        }
        ("deriveBits" | "deriveKey", "HKDF" | "PBKDF2") => {
            hash_member(ctx, params).is_ok()
                && buffer_len(params, "salt")?.is_some()
                && (op == "deriveKey" || length.is_some_and(|l| l % 8.0 == 0.0))
        }
        _ => true,
    })
}

/// `SubtleCrypto.supports`: never throws for what it is asked; an unknown operation, an
/// unrecognized algorithm or bad parameters answer `false`.
pub fn supports<'js>(ctx: &Ctx<'js>, op: &str, alg: &Value<'js>, length: Option<f64>) -> bool {
    if !OPERATIONS.contains(&op) {
        return false;
    }
    let outcome = (|| -> Result<bool> {
        let alg = algorithm(ctx, alg)?;
        if !has_operation(alg.name, op) {
            return Ok(false);
        }
        parameters_ok(ctx, alg.name, op, &alg.params, length)
    })();
    // A failed check (here or inside one that answered `false`) left its exception pending:
    // it is an answer, not an error, so it is cleared.
    let _ = ctx.catch();
    outcome.unwrap_or(false)
}
