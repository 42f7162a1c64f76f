// node:crypto's asymmetric and secret keys: KeyObject and its classes, createSecretKey/
// createPublicKey/createPrivateKey, generateKeyPair(Sync) and generateKey(Sync), Sign/Verify
// and the one-shot sign/verify, publicEncrypt and friends, diffieHellman, ECDH and HKDF. The
// key material lives in a native KeyHandle; this module shapes Node's API and errors.

import { Buffer, kMaxLength } from "node:buffer";
import { Writable } from "node:stream";
import { hashSync, nodeCrypto } from "edge:bootstrap";
import * as errors from "node:internal/errors";

const kHandle = Symbol("kHandle");
const kDetails = Symbol("kDetails");
const BYTES = ["ArrayBuffer", "Buffer", "TypedArray", "DataView"];
const PROMISIFY = Symbol.for("nodejs.util.promisify.custom");

function isBytes(value) {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer);
}

function toView(value) {
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function isCryptoKey(value) {
  return typeof CryptoKey === "function" && value instanceof CryptoKey;
}

function isKeyObject(value) {
  return value instanceof KeyObject;
}

function validateObject(value, name) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw errors.invalidArgType(name, "object", value);
}

function validateOneOf(value, name, allowed) {
  if (!allowed.includes(value)) {
    const list = allowed.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(", ");
    throw errors.invalidArgValue(name, value, `must be one of: ${list}`);
  }
}

class KeyObject {
  constructor(type, handle) {
    if (type !== "secret" && type !== "public" && type !== "private") throw errors.invalidArgValue("type", type);
    if (!(handle instanceof nodeCrypto.KeyHandle)) throw errors.invalidArgType("handle", "object", handle);
    Object.defineProperty(this, kHandle, { value: handle });
  }

  get type() {
    return this[kHandle].type;
  }

  static from(key) {
    if (!isCryptoKey(key)) throw errors.invalidArgType("key", "CryptoKey", key);
    return wrap(nodeCrypto.keyFromCryptoKey(key));
  }

  equals(otherKeyObject) {
    if (!isKeyObject(otherKeyObject)) throw errors.invalidArgType("otherKeyObject", "KeyObject", otherKeyObject);
    return otherKeyObject.type === this.type && this[kHandle].equals(otherKeyObject[kHandle]);
  }

  get [Symbol.toStringTag]() {
    return "KeyObject";
  }
}

class SecretKeyObject extends KeyObject {
  get symmetricKeySize() {
    return this[kHandle].symmetricKeySize;
  }

  export(options) {
    if (options !== undefined) {
      validateObject(options, "options");
      if (options.format === "jwk") return JSON.parse(this[kHandle].exportJwk());
      if (options.format !== undefined && options.format !== "buffer") throw errors.invalidArgValue("options.format", options.format);
    }
    return Buffer.from(this[kHandle].exportSecret().buffer);
  }
}

class AsymmetricKeyObject extends KeyObject {
  get asymmetricKeyType() {
    return this[kHandle].asymmetricKeyType;
  }

  get asymmetricKeyDetails() {
    if (!this[kDetails]) {
      const details = this[kHandle].details();
      if (details.publicExponent !== undefined) details.publicExponent = BigInt(details.publicExponent);
      Object.defineProperty(this, kDetails, { value: details });
    }
    return { ...this[kDetails] };
  }
}

function exportFormat(options) {
  validateObject(options, "options");
  const { format = "pem" } = options;
  if (format !== "pem" && format !== "der" && format !== "jwk") throw errors.invalidArgValue("options.format", format);
  return format;
}

class PublicKeyObject extends AsymmetricKeyObject {
  export(options) {
    const format = exportFormat(options ?? {});
    if (format === "jwk") return JSON.parse(this[kHandle].exportJwk());
    const type = options.type;
    if (type !== "spki" && type !== "pkcs1") throw errors.invalidArgValue("options.type", type);
    if (format === "pem") return this[kHandle].exportPem(type, false);
    return Buffer.from(this[kHandle].exportDer(type, false).buffer);
  }
}

class PrivateKeyObject extends AsymmetricKeyObject {
  export(options) {
    const format = exportFormat(options ?? {});
    if (format === "jwk") {
      if (options.passphrase !== undefined) throw errors.coded(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", "The selected key encoding jwk does not support encryption.");
      return JSON.parse(this[kHandle].exportJwk());
    }
    const { type, cipher, passphrase } = options;
    if (type !== "pkcs8" && type !== "pkcs1" && type !== "sec1") throw errors.invalidArgValue("options.type", type);
    if (cipher !== undefined) {
      if (typeof cipher !== "string") throw errors.invalidArgValue("options.cipher", cipher);
      if (format === "der" && type !== "pkcs8") throw errors.coded(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", `The selected key encoding ${type} does not support encryption.`);
      if (typeof passphrase !== "string" && !isBytes(passphrase)) throw errors.invalidArgValue("options.passphrase", passphrase);
      const out = this[kHandle].exportEncrypted(type, format === "pem", cipher, typeof passphrase === "string" ? passphrase : toView(passphrase));
      return format === "pem" ? Buffer.from(out.buffer).toString("latin1") : Buffer.from(out.buffer);
    }
    if (passphrase !== undefined) throw errors.invalidArgValue("options.cipher", cipher);
    if (format === "pem") return this[kHandle].exportPem(type, true);
    return Buffer.from(this[kHandle].exportDer(type, true).buffer);
  }
}

function wrap(handle) {
  switch (handle.type) {
    case "secret":
      return new SecretKeyObject("secret", handle);
    case "public":
      return new PublicKeyObject("public", handle);
    default:
      return new PrivateKeyObject("private", handle);
  }
}

// ---- key input ----

function createSecretKey(key, encoding) {
  if (typeof key === "string") key = Buffer.from(key, encoding);
  else if (isBytes(key)) key = toView(key);
  else throw errors.invalidArgType("key", ["string", ...BYTES], key);
  return wrap(nodeCrypto.keySecret(key));
}

/** The handle for a key given as Node accepts one: PEM/DER data, a JWK, a KeyObject or a CryptoKey. */
function keyHandle(key, wantPrivate, name = "key") {
  if (isKeyObject(key)) {
    if (key.type === "secret") throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type secret, expected ${wantPrivate ? "private" : "public"}.`);
    if (wantPrivate && key.type !== "private") throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${key.type}, expected private.`);
    return key[kHandle];
  }
  if (isCryptoKey(key)) return KeyObject.from(key)[kHandle];
  if (typeof key === "string" || isBytes(key)) return nodeCrypto.keyParse(typeof key === "string" ? key : toView(key), "pem", undefined, undefined, wantPrivate);
  if (key !== null && typeof key === "object") {
    const { key: data, format = "pem", type, passphrase, encoding } = key;
    if (isKeyObject(data) || isCryptoKey(data)) return keyHandle(data, wantPrivate, `${name}.key`);
    if (format === "jwk") {
      validateObject(data, `${name}.key`);
      return nodeCrypto.keyParse(JSON.stringify(data), "jwk", undefined, undefined, wantPrivate);
    }
    if (typeof data !== "string" && !isBytes(data)) throw errors.invalidArgType(`${name}.key`, ["string", ...BYTES, "KeyObject", "CryptoKey"], data);
    if (format !== "pem" && format !== "der") throw errors.invalidArgValue(`${name}.format`, format);
    if (format === "der" && !["pkcs1", "spki", "pkcs8", "sec1"].includes(type)) throw errors.invalidArgValue(`${name}.type`, type);
    const bytes = typeof data === "string" ? Buffer.from(data, format === "der" ? encoding ?? "utf8" : "utf8") : toView(data);
    let pass;
    if (passphrase != null) pass = typeof passphrase === "string" ? passphrase : isBytes(passphrase) ? toView(passphrase) : undefined;
    return nodeCrypto.keyParse(bytes, format, type, pass, wantPrivate);
  }
  throw errors.invalidArgType(name, ["string", ...BYTES, "KeyObject", "CryptoKey"], key);
}

function createPublicKey(key) {
  if (isKeyObject(key)) {
    if (key.type === "secret") throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", "Invalid key object type secret, expected private.");
    return wrap(key[kHandle].publicHandle());
  }
  return wrap(keyHandle(key, false));
}

function createPrivateKey(key) {
  if (isKeyObject(key)) throw errors.invalidArgType("key", ["string", ...BYTES], key);
  return wrap(keyHandle(key, true));
}

// ---- generation ----

const KEY_TYPES = ["rsa", "rsa-pss", "dsa", "ec", "ed25519", "ed448", "x25519", "x448", "dh"];

function encodingOf(options, name) {
  const enc = options[name];
  if (enc === undefined) return undefined;
  if (enc === null || typeof enc !== "object") throw errors.invalidArgValue(`options.${name}`, enc);
  const { format, type, cipher, passphrase } = enc;
  if (format !== "pem" && format !== "der" && format !== "jwk") throw errors.invalidArgValue(`options.${name}.format`, format);
  if (format !== "jwk") {
    const types = name === "publicKeyEncoding" ? ["pkcs1", "spki"] : ["pkcs1", "pkcs8", "sec1"];
    if (!types.includes(type)) throw errors.invalidArgValue(`options.${name}.type`, type);
  }
  if (name === "privateKeyEncoding" && cipher !== undefined) {
    if (typeof cipher !== "string") throw errors.invalidArgValue(`options.${name}.cipher`, cipher);
    if (!nodeCrypto.cipherNames.includes(cipher.toLowerCase())) throw errors.coded(Error, "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher");
    if (format === "der" && type !== "pkcs8") throw errors.coded(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", `The selected key encoding ${type} does not support encryption.`);
    if (typeof passphrase !== "string" && !isBytes(passphrase)) throw errors.invalidArgValue(`options.${name}.passphrase`, passphrase);
  }
  return enc;
}

function validateUint32(value, name, positive) {
  if (typeof value !== "number") throw errors.invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw errors.outOfRange(name, "an integer", value);
  const min = positive ? 1 : 0;
  if (value < min || value > 4294967295) throw errors.outOfRange(name, `>= ${min} && <= 4294967295`, value);
}

const DH_GROUPS = ["modp1", "modp2", "modp5", "modp14", "modp15", "modp16", "modp17", "modp18"];

function generateOptions(type, options) {
  if (typeof type !== "string") throw errors.invalidArgType("type", "string", type);
  if (!KEY_TYPES.includes(type)) throw errors.invalidArgValue("type", type, "must be a supported key type");
  if (options !== undefined || ["rsa", "rsa-pss", "dsa", "ec", "dh"].includes(type)) validateObject(options, "options");
  options ??= {};
  const native = {};
  if (type === "rsa" || type === "rsa-pss") {
    validateUint32(options.modulusLength, "options.modulusLength", true);
    native.modulusLength = options.modulusLength;
    if (options.publicExponent !== undefined) {
      validateUint32(options.publicExponent, "options.publicExponent");
      native.publicExponent = options.publicExponent;
    }
    if (type === "rsa-pss") {
      for (const name of ["hashAlgorithm", "mgf1HashAlgorithm"]) {
        if (options[name] !== undefined && typeof options[name] !== "string") throw errors.invalidArgType(`options.${name}`, "string", options[name]);
        if (options[name] === undefined) continue;
        const lower = options[name].toLowerCase().replace(/^rsa-/, "");
        if (!nodeCrypto.hashNames.includes(/^sha-\d+$/.test(lower) ? lower.replace("-", "") : lower)) {
          throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid ${name === "mgf1HashAlgorithm" ? "MGF1 " : ""}digest: ${options[name]}`);
        }
        native[name] = options[name];
      }
      if (options.saltLength !== undefined) {
        errors.validateInteger(options.saltLength, "options.saltLength", 0, 2 ** 31 - 1);
        native.saltLength = options.saltLength;
      }
    }
  } else if (type === "dsa") {
    validateUint32(options.modulusLength, "options.modulusLength", true);
    if (options.divisorLength != null) errors.validateInteger(options.divisorLength, "options.divisorLength", 0, 2 ** 31 - 1);
  } else if (type === "dh") {
    const { group, prime, primeLength, generator } = options;
    const pair = (a, b) => errors.coded(TypeError, "ERR_INCOMPATIBLE_OPTION_PAIR", `Option "${a}" cannot be used in combination with option "${b}"`);
    if (group != null) {
      if (prime != null) throw pair("group", "prime");
      if (primeLength != null) throw pair("group", "primeLength");
      if (generator != null) throw pair("group", "generator");
      errors.validateString(group, "options.group");
      if (!DH_GROUPS.includes(group)) throw errors.coded(Error, "ERR_CRYPTO_UNKNOWN_DH_GROUP", "Unknown DH group");
      native.group = group;
    } else {
      if (prime != null) {
        if (primeLength != null) throw pair("prime", "primeLength");
        if (!isBytes(prime)) throw errors.invalidArgType("options.prime", ["Buffer", "TypedArray", "DataView"], prime);
        const view = toView(prime);
        native.prime = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      } else if (primeLength != null) {
        errors.validateInteger(primeLength, "options.primeLength", 0, 2 ** 31 - 1);
        native.primeLength = primeLength;
      } else {
        throw errors.coded(TypeError, "ERR_MISSING_OPTION", "At least one of the group, prime, or primeLength options is required");
      }
      if (generator != null) {
        errors.validateInteger(generator, "options.generator", 0, 2 ** 31 - 1);
        native.generator = generator;
      }
    }
  } else if (type === "ec") {
    if (typeof options.namedCurve !== "string") throw errors.invalidArgType("options.namedCurve", "string", options.namedCurve);
    if (options.paramEncoding !== undefined && options.paramEncoding !== "named" && options.paramEncoding !== "explicit") throw errors.invalidArgValue("options.paramEncoding", options.paramEncoding);
    native.namedCurve = options.namedCurve;
  }
  const publicEncoding = encodingOf(options, "publicKeyEncoding");
  const privateEncoding = encodingOf(options, "privateKeyEncoding");
  // Encodings the key type cannot have are refused before any work is done.
  for (const enc of [publicEncoding, privateEncoding]) {
    if (enc?.type === "pkcs1" && type !== "rsa") throw errors.coded(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", "The selected key encoding pkcs1 can only be used for RSA keys.");
    if (enc?.type === "sec1" && type !== "ec") throw errors.coded(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", "The selected key encoding sec1 can only be used for EC keys.");
  }
  // What JWK cannot express is refused before any work is done.
  if (publicEncoding?.format === "jwk" || privateEncoding?.format === "jwk") {
    if (type === "dsa" || type === "dh") throw errors.coded(Error, "ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE", "Unsupported JWK Key Type.");
    // Curves OpenSSL names that JWK has no name for.
    if (type === "ec" && ["secp224r1", "secp224k1", "secp192k1", "prime192v1", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"].includes(options.namedCurve)) {
      throw errors.coded(Error, "ERR_CRYPTO_JWK_UNSUPPORTED_CURVE", `Unsupported JWK EC curve: ${options.namedCurve}.`);
    }
  }
  return { native, publicEncoding, privateEncoding };
}

function encodeKey(keyObject, encoding) {
  if (encoding === undefined) return keyObject;
  return keyObject.export(encoding);
}

function generatePair(type, plan) {
  if (type === "dsa" || type === "ed448" || type === "x448") {
    throw errors.coded(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", `Generating ${type} keys is not supported on Edge`);
  }
  const privateHandle = nodeCrypto.keyGenerate(type, plan.native);
  const privateKey = wrap(privateHandle);
  const publicKey = wrap(privateHandle.publicHandle());
  return { publicKey: encodeKey(publicKey, plan.publicEncoding), privateKey: encodeKey(privateKey, plan.privateEncoding) };
}

function generateKeyPairSync(type, options) {
  return generatePair(type, generateOptions(type, options));
}

function generateKeyPair(type, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  errors.validateFunction(callback, "callback");
  const plan = generateOptions(type, options);
  setTimeout(() => {
    let pair;
    try {
      pair = generatePair(type, plan);
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, pair.publicKey, pair.privateKey);
  }, 0);
}

Object.defineProperty(generateKeyPair, PROMISIFY, {
  value(type, options) {
    return new Promise((resolve, reject) => {
      generateKeyPair(type, options, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })));
    });
  },
});

function generateKeySync(type, options) {
  errors.validateString(type, "type");
  validateObject(options, "options");
  const { length } = options;
  if (type === "hmac") {
    errors.validateInteger(length, "options.length", 8, 2 ** 31 - 1);
  } else if (type === "aes") {
    validateOneOf(length, "options.length", [128, 192, 256]);
  } else {
    throw errors.invalidArgValue("type", type, "must be a supported key type");
  }
  const bytes = new Uint8Array(Math.floor(length / 8));
  for (let i = 0; i < bytes.length; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return wrap(nodeCrypto.keySecret(bytes));
}

function generateKey(type, options, callback) {
  errors.validateFunction(callback, "callback");
  const key = generateKeySync(type, options);
  setTimeout(() => callback(null, key), 0);
}

// ---- signing ----

function signOptions(key) {
  const out = {};
  if (key !== null && typeof key === "object" && !isKeyObject(key) && !isCryptoKey(key) && !isBytes(key)) {
    const { padding, saltLength, dsaEncoding } = key;
    if (padding !== undefined) {
      if (!Number.isInteger(padding)) throw errors.invalidArgValue("options.padding", padding);
      out.padding = padding;
    }
    if (saltLength !== undefined) {
      if (!Number.isInteger(saltLength)) throw errors.invalidArgValue("options.saltLength", saltLength);
      out.saltLength = saltLength;
    }
    if (dsaEncoding !== undefined) {
      if (dsaEncoding !== "der" && dsaEncoding !== "ieee-p1363") throw errors.invalidArgValue("options.dsaEncoding", dsaEncoding);
      out.dsaEncoding = dsaEncoding;
    }
  }
  return out;
}

function dataBytes(data, name, encoding) {
  if (typeof data === "string") return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return toView(data);
  throw errors.invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
}

function digestArg(algorithm) {
  if (algorithm === null || algorithm === undefined) return undefined;
  errors.validateString(algorithm, "algorithm");
  return algorithm;
}

function signOneShot(algorithm, data, key, callback) {
  const digest = digestArg(algorithm);
  if (!ArrayBuffer.isView(data)) throw errors.invalidArgType("data", ["Buffer", "TypedArray", "DataView"], data);
  if (key === undefined || key === null) throw errors.coded(TypeError, "ERR_CRYPTO_SIGN_KEY_REQUIRED", "No key provided to sign");
  return syncOrCallback(() => Buffer.from(nodeCrypto.keySign(keyHandle(key, true), toView(data), digest, signOptions(key)).buffer), callback);
}

/** `run()`'s result, or, with a callback, the result or error passed to it on a later turn. */
function syncOrCallback(run, callback) {
  if (typeof callback !== "function") return run();
  let result;
  try {
    result = run();
  } catch (err) {
    setTimeout(() => callback(err), 0);
    return undefined;
  }
  setTimeout(() => callback(null, result), 0);
  return undefined;
}

function verifyOneShot(algorithm, data, key, signature, callback) {
  const digest = digestArg(algorithm);
  if (!ArrayBuffer.isView(data)) throw errors.invalidArgType("data", ["Buffer", "TypedArray", "DataView"], data);
  if (!ArrayBuffer.isView(signature)) throw errors.invalidArgType("signature", ["Buffer", "TypedArray", "DataView"], signature);
  return syncOrCallback(() => nodeCrypto.keyVerify(keyHandle(key, false), toView(data), toView(signature), digest, signOptions(key)), callback);
}

// HKDF takes any fixed-length digest (not the SHAKE functions).
const DIGESTS = nodeCrypto.hashNames.filter((name) => !name.startsWith("shake"));

function canonicalDigest(algorithm) {
  errors.validateString(algorithm, "algorithm");
  const name = algorithm.toLowerCase().replace(/^rsa-/, "").replace("-", "");
  if (!DIGESTS.includes(name)) throw errors.coded(Error, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${algorithm}`);
  return name;
}

class SignBase extends Writable {
  #digest;
  #chunks = [];

  constructor(algorithm, options) {
    super(options);
    this.#digest = canonicalDigest(algorithm);
  }

  _write(chunk, encoding, callback) {
    this.update(chunk, encoding);
    callback();
  }

  update(data, encoding) {
    this.#chunks.push(Buffer.from(dataBytes(data, "data", encoding)));
    return this;
  }

  takeData() {
    const data = Buffer.concat(this.#chunks);
    this.#chunks = [];
    return [data, this.#digest];
  }
}

class Sign extends SignBase {
  sign(privateKey, outputEncoding) {
    if (privateKey === undefined || privateKey === null) throw errors.coded(Error, "ERR_CRYPTO_SIGN_KEY_REQUIRED", "No key provided to sign");
    const [data, digest] = this.takeData();
    const sig = Buffer.from(nodeCrypto.keySign(keyHandle(privateKey, true), data, digest, signOptions(privateKey)).buffer);
    return outputEncoding && outputEncoding !== "buffer" ? sig.toString(outputEncoding) : sig;
  }
}

class Verify extends SignBase {
  verify(object, signature, sigEncoding) {
    const [data, digest] = this.takeData();
    const sig = dataBytes(signature, "signature", sigEncoding);
    return nodeCrypto.keyVerify(keyHandle(object, false), data, sig, digest, signOptions(object));
  }
}

function createSign(algorithm, options) {
  return new Sign(algorithm, options);
}

function createVerify(algorithm, options) {
  return new Verify(algorithm, options);
}

// ---- RSA encryption ----

function rsaCipher(op, defaultPadding, wantPrivate) {
  return function (key, buffer) {
    let padding = defaultPadding;
    let oaepHash = "sha1";
    let oaepLabel;
    if (key !== null && typeof key === "object" && !isKeyObject(key) && !isCryptoKey(key) && !isBytes(key)) {
      if (key.padding !== undefined) padding = key.padding;
      if (key.oaepHash !== undefined) {
        errors.validateString(key.oaepHash, "key.oaepHash");
        oaepHash = key.oaepHash;
      }
      if (key.oaepLabel !== undefined) {
        if (!isBytes(key.oaepLabel)) throw errors.invalidArgType("key.oaepLabel", BYTES, key.oaepLabel);
        oaepLabel = toView(key.oaepLabel);
      }
    }
    const data = dataBytes(buffer, "buffer", key?.encoding);
    return Buffer.from(nodeCrypto.keyRsa(op, keyHandle(key, wantPrivate), data, padding, oaepHash, oaepLabel).buffer);
  };
}

const publicEncrypt = rsaCipher(0, 4, false);
const privateDecrypt = rsaCipher(1, 4, true);
const privateEncrypt = rsaCipher(2, 1, true);
const publicDecrypt = rsaCipher(3, 1, false);

// ---- Diffie-Hellman over keys ----

function diffieHellman(options, callback) {
  validateObject(options, "options");
  const { privateKey, publicKey } = options;
  if (!isKeyObject(privateKey)) throw errors.invalidArgValue("options.privateKey", privateKey);
  if (!isKeyObject(publicKey)) throw errors.invalidArgValue("options.publicKey", publicKey);
  if (privateKey.type !== "private") throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${privateKey.type}, expected private.`);
  if (publicKey.type !== "public" && publicKey.type !== "private") throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${publicKey.type}, expected private or public.`);
  if (callback !== undefined) errors.validateFunction(callback, "callback");
  return syncOrCallback(() => Buffer.from(nodeCrypto.keyAgree(privateKey[kHandle], publicKey[kHandle]).buffer), callback);
}

function encodeOut(bytes, encoding) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding && encoding !== "buffer" ? buf.toString(encoding) : buf;
}

function pointFormat(format) {
  if (format === undefined || format === "uncompressed" || format === "hybrid") return false;
  if (format === "compressed") return true;
  throw errors.coded(TypeError, "ERR_CRYPTO_ECDH_INVALID_FORMAT", `Invalid ECDH format: ${format}`);
}

/** A key's public point in `format`; "hybrid" is the uncompressed form tagged 6 or 7 by y's parity. */
function pointOf(handle, format) {
  const point = handle.ecPoint(pointFormat(format));
  if (format === "hybrid") point[0] = 6 | (point[point.length - 1] & 1);
  return point;
}

/** A point as given, with a hybrid encoding turned into the plain uncompressed one (its tag
 * must agree with y's parity). */
function fromHybrid(bytes) {
  if (bytes.length === 0 || (bytes[0] !== 6 && bytes[0] !== 7)) return bytes;
  if ((bytes[0] & 1) !== (bytes[bytes.length - 1] & 1)) return new Uint8Array(0);
  const copy = new Uint8Array(bytes);
  copy[0] = 4;
  return copy;
}

let setPublicKeyWarned = false;

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class ECDH {
  #curve;
  #key = null;
  /** A public point set apart from the private key (the deprecated `setPublicKey`). */
  #public = null;

  constructor(curve) {
    errors.validateString(curve, "curve");
    if (!["prime256v1", "secp256k1", "secp384r1", "secp521r1"].includes(curve)) throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_CURVE", "Invalid EC curve name");
    this.#curve = curve;
  }

  static convertKey(key, curve, inEnc, outEnc, format) {
    errors.validateString(curve, "curve");
    const bytes = dataBytes(key, "key", inEnc);
    pointFormat(format);
    let handle;
    try {
      handle = nodeCrypto.ecKey(curve, undefined, fromHybrid(bytes));
    } catch (e) {
      if (e.code === "ERR_CRYPTO_INVALID_CURVE") throw e;
      throw errors.coded(Error, "ERR_CRYPTO_OPERATION_FAILED", "Failed to convert Buffer to EC_POINT");
    }
    return encodeOut(pointOf(handle, format), outEnc);
  }

  generateKeys(encoding, format) {
    this.#key = nodeCrypto.keyGenerate("ec", { namedCurve: this.#curve });
    this.#public = null;
    return this.getPublicKey(encoding, format);
  }

  computeSecret(otherPublicKey, inputEncoding, outputEncoding) {
    const bytes = dataBytes(otherPublicKey, "otherPublicKey", inputEncoding);
    let peer;
    try {
      peer = nodeCrypto.ecKey(this.#curve, undefined, fromHybrid(bytes));
    } catch {
      throw errors.coded(Error, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY", "Public key is not valid for specified curve");
    }
    const own = this.#requireKey();
    // A public key set apart from the private one must still be its public key.
    if (this.#public !== null && !equalBytes(this.#public.ecPoint(false), own.ecPoint(false))) throw new Error("Invalid key pair");
    return encodeOut(nodeCrypto.keyAgree(own, peer), outputEncoding);
  }

  #requireKey() {
    if (!this.#key) throw errors.coded(Error, "ERR_CRYPTO_INVALID_STATE", "Invalid state for operation computeSecret");
    return this.#key;
  }

  getPrivateKey(encoding) {
    // Node's words, without a code: the key pair was never made.
    if (!this.#key || this.#key.type !== "private") throw new Error("Failed to get ECDH private key");
    return encodeOut(this.#key.ecScalar(), encoding);
  }

  getPublicKey(encoding, format) {
    const key = this.#public ?? this.#key;
    if (!key) throw new Error("Failed to get ECDH public key");
    return encodeOut(pointOf(key, format), encoding);
  }

  setPublicKey(publicKey, encoding) {
    if (!setPublicKeyWarned) {
      setPublicKeyWarned = true;
      globalThis.process?.emitWarning("ecdh.setPublicKey() is deprecated.", "DeprecationWarning", "DEP0031");
    }
    const bytes = dataBytes(publicKey, "publicKey", encoding);
    let handle;
    try {
      handle = nodeCrypto.ecKey(this.#curve, undefined, fromHybrid(bytes));
    } catch {
      throw errors.coded(Error, "ERR_CRYPTO_OPERATION_FAILED", "Failed to convert Buffer to EC_POINT");
    }
    if (this.#key === null) this.#key = handle;
    else this.#public = handle;
    return this;
  }

  setPrivateKey(privateKey, encoding) {
    const bytes = dataBytes(privateKey, "privateKey", encoding);
    try {
      this.#key = nodeCrypto.ecKey(this.#curve, bytes);
      this.#public = null;
    } catch {
      throw errors.coded(Error, "ERR_CRYPTO_INVALID_KEYTYPE", "Private key is not valid for specified curve.");
    }
    return this;
  }
}

function createECDH(curve) {
  return new ECDH(curve);
}

// ---- HKDF ----

function hkdfSync(digest, ikm, salt, info, keylen) {
  errors.validateString(digest, "digest");
  const bytesOf = (value, name) => (isBytes(value) ? toView(value) : dataBytes(value, name));
  const key = isKeyObject(ikm) ? ikm.export() : bytesOf(ikm, "ikm");
  const saltBytes = bytesOf(salt, "salt");
  const infoBytes = bytesOf(info, "info");
  errors.validateInteger(keylen, "length", 0, kMaxLength);
  if (infoBytes.byteLength > 1024) throw errors.outOfRange("info", "must not contain more than 1024 bytes", infoBytes.byteLength, { plain: true });
  const lower = digest.toLowerCase();
  const name = /^sha-\d+$/.test(lower) ? lower.replace("-", "") : lower;
  if (!DIGESTS.includes(name)) throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${digest}`);
  const hashLen = hashSync(name, new Uint8Array(0)).byteLength;
  if (keylen > 255 * hashLen) throw errors.coded(RangeError, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
  const prk = hashSync(name, key, saltBytes.byteLength ? saltBytes : new Uint8Array(hashLen));
  const out = new Uint8Array(keylen);
  let t = new Uint8Array(0);
  for (let i = 0, pos = 0; pos < keylen; i++) {
    const block = new Uint8Array(t.length + infoBytes.byteLength + 1);
    block.set(t);
    block.set(infoBytes, t.length);
    block[block.length - 1] = i + 1;
    t = hashSync(name, block, prk);
    out.set(t.subarray(0, keylen - pos), pos);
    pos += t.length;
  }
  return out.buffer;
}

function hkdf(digest, ikm, salt, info, keylen, callback) {
  const out = hkdfSync(digest, ikm, salt, info, keylen);
  errors.validateFunction(callback, "callback");
  setTimeout(() => callback(null, out), 0);
}

export {
  KeyObject,
  SecretKeyObject,
  PublicKeyObject,
  PrivateKeyObject,
  isKeyObject,
  createSecretKey,
  createPublicKey,
  createPrivateKey,
  generateKeyPair,
  generateKeyPairSync,
  generateKey,
  generateKeySync,
  Sign,
  Verify,
  createSign,
  createVerify,
  signOneShot as sign,
  verifyOneShot as verify,
  publicEncrypt,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  diffieHellman,
  ECDH,
  createECDH,
  hkdf,
  hkdfSync,
};
