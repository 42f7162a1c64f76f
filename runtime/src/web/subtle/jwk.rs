//! JSON Web Keys as `importKey`/`exportKey` see them: a plain JS object with base64url
//! members, checked against the key's usages and extractability as the spec requires.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rquickjs::{Array, Ctx, Object, Result, Value};

use super::params::data_error;

/// The members of a JWK that import reads.
pub struct Jwk {
    pub kty: String,
    pub crv: Option<String>,
    pub alg: Option<String>,
    pub k: Option<Vec<u8>>,
    pub x: Option<Vec<u8>>,
    pub y: Option<Vec<u8>>,
    pub d: Option<Vec<u8>>,
    /// RSA: modulus, exponent, primes and CRT values.
    pub n: Option<Vec<u8>>,
    pub e: Option<Vec<u8>>,
    pub p: Option<Vec<u8>>,
    pub q: Option<Vec<u8>>,
    pub dp: Option<Vec<u8>>,
    pub dq: Option<Vec<u8>>,
    pub qi: Option<Vec<u8>>,
    /// AKP (ML-DSA): the public key and the private seed.
    pub public: Option<Vec<u8>>,
    pub private: Option<Vec<u8>>,
}

fn member(ctx: &Ctx<'_>, obj: &Object<'_>, name: &str) -> Result<Option<String>> {
    let v: Value = obj.get(name)?;
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_string() {
        Some(s) => Ok(Some(s.to_string()?)),
        None => Err(data_error(
            ctx,
            &format!("JWK member {name} must be a string"),
        )),
    }
}

fn decode(ctx: &Ctx<'_>, name: &str, text: Option<String>) -> Result<Option<Vec<u8>>> {
    match text {
        None => Ok(None),
        Some(t) => URL_SAFE_NO_PAD
            .decode(t.trim_end_matches('='))
            .map(Some)
            .map_err(|_| data_error(ctx, &format!("JWK member {name} is not base64url"))),
    }
}

/// Reads a JWK and checks `ext` and `key_ops` against the import's arguments.
pub fn read(
    ctx: &Ctx<'_>,
    value: &Value<'_>,
    extractable: bool,
    usages: &[&'static str],
) -> Result<Jwk> {
    let Some(obj) = value.as_object() else {
        return Err(rquickjs::Exception::throw_type(
            ctx,
            "a JWK must be an object",
        ));
    };
    let Some(kty) = member(ctx, obj, "kty")? else {
        return Err(data_error(ctx, "JWK kty is required"));
    };
    let ext: Value = obj.get("ext")?;
    if ext.as_bool() == Some(false) && extractable {
        return Err(data_error(
            ctx,
            "JWK ext is false but the key would be extractable",
        ));
    }
    let ops: Value = obj.get("key_ops")?;
    if let Some(ops) = ops.as_object() {
        let len: usize = ops.get::<_, Option<usize>>("length")?.unwrap_or(0);
        let mut listed = Vec::new();
        for i in 0..len {
            let op: String = ops.get(i as u32)?;
            if listed.contains(&op) {
                return Err(data_error(ctx, "JWK key_ops has duplicates"));
            }
            listed.push(op);
        }
        if let Some(missing) = usages.iter().find(|u| !listed.iter().any(|l| l == *u)) {
            return Err(data_error(
                ctx,
                &format!("JWK key_ops does not allow {missing}"),
            ));
        }
    }
    let jwk = Jwk {
        kty,
        crv: member(ctx, obj, "crv")?,
        alg: member(ctx, obj, "alg")?,
        k: decode(ctx, "k", member(ctx, obj, "k")?)?,
        x: decode(ctx, "x", member(ctx, obj, "x")?)?,
        y: decode(ctx, "y", member(ctx, obj, "y")?)?,
        d: decode(ctx, "d", member(ctx, obj, "d")?)?,
        n: decode(ctx, "n", member(ctx, obj, "n")?)?,
        e: decode(ctx, "e", member(ctx, obj, "e")?)?,
        p: decode(ctx, "p", member(ctx, obj, "p")?)?,
        q: decode(ctx, "q", member(ctx, obj, "q")?)?,
        dp: decode(ctx, "dp", member(ctx, obj, "dp")?)?,
        dq: decode(ctx, "dq", member(ctx, obj, "dq")?)?,
        qi: decode(ctx, "qi", member(ctx, obj, "qi")?)?,
        public: decode(ctx, "pub", member(ctx, obj, "pub")?)?,
        private: decode(ctx, "priv", member(ctx, obj, "priv")?)?,
    };
    if let Some(use_) = member(ctx, obj, "use")? {
        let expected = if usages.iter().any(|u| *u == "sign" || *u == "verify") {
            "sig"
        } else {
            "enc"
        };
        if !usages.is_empty() && use_ != expected {
            return Err(data_error(
                ctx,
                &format!("JWK use {use_} does not match the usages"),
            ));
        }
    }
    Ok(jwk)
}

/// Starts an exported JWK: `kty`, `key_ops` and `ext`.
pub fn start<'js>(
    ctx: &Ctx<'js>,
    kty: &str,
    usages: &[&'static str],
    extractable: bool,
) -> Result<Object<'js>> {
    let obj = Object::new(ctx.clone())?;
    obj.set("kty", kty)?;
    let ops = Array::new(ctx.clone())?;
    for (i, u) in usages.iter().enumerate() {
        ops.set(i, *u)?;
    }
    obj.set("key_ops", ops)?;
    obj.set("ext", extractable)?;
    Ok(obj)
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}
