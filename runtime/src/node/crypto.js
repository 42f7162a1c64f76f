// node:crypto — createHash/createHmac (MD5, SHA-1, SHA-2), randomBytes/randomFill/randomInt/
// randomUUID/getRandomValues, timingSafeEqual, pbkdf2, scrypt and HKDF,
// createCipheriv/createDecipheriv (AES-CBC, -CTR, -GCM), keys (KeyObject, generateKeyPair,
// sign/verify, publicEncrypt, ECDH: node:internal/crypto_keys), and Web Crypto as
// `webcrypto`/`subtle`. Hashing, key derivation, ciphers and key operations run natively.

import { Buffer } from "node:buffer";
import { Transform } from "node:stream";
import { hashSync, nodeCrypto } from "edge:bootstrap";
import * as errors from "node:internal/errors";
import * as keys from "node:internal/crypto_keys";

function toBytes(data, encoding, name = "data") {
  if (typeof data === "string") return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw errors.invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
}

const HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

function normalizeAlgorithm(algorithm) {
  const a = String(algorithm).toLowerCase().replace("-", "");
  if (!HASHES.includes(a)) {
    const err = new Error("Digest method not supported");
    err.code = "ERR_CRYPTO_INVALID_DIGEST";
    throw err;
  }
  return a;
}

class Hash {
  #algorithm;
  #key;
  #chunks = [];
  #done = false;

  constructor(algorithm, key) {
    this.#algorithm = normalizeAlgorithm(algorithm);
    this.#key = key;
  }

  update(data, encoding) {
    if (this.#done) {
      const err = new Error("Digest already called");
      err.code = "ERR_CRYPTO_HASH_FINALIZED";
      throw err;
    }
    this.#chunks.push(Buffer.from(toBytes(data, encoding)));
    return this;
  }

  digest(encoding) {
    if (this.#done) {
      const err = new Error("Digest already called");
      err.code = "ERR_CRYPTO_HASH_FINALIZED";
      throw err;
    }
    this.#done = true;
    const data = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    this.#chunks = [];
    const out = Buffer.from(hashSync(this.#algorithm, data, this.#key));
    return encoding === undefined || encoding === "buffer" ? out : out.toString(encoding);
  }

  copy() {
    const copy = new Hash(this.#algorithm, this.#key);
    for (const c of this.#chunks) copy.update(c);
    return copy;
  }
}

function createHash(algorithm) {
  return new Hash(algorithm);
}

function createHmac(algorithm, key, options) {
  const k = key !== null && typeof key === "object" && key.type === "secret" && typeof key.export === "function" ? key.export() : toBytes(key, options?.encoding, "key");
  return new Hash(algorithm, Buffer.from(k));
}

function hash(algorithm, data, outputEncoding = "hex") {
  return createHash(algorithm).update(data).digest(outputEncoding);
}

function randomBytes(size, callback) {
  if (typeof size !== "number" || !(size >= 0) || size > 2 ** 31 - 1) throw new RangeError(`The value of "size" is out of range. Received ${size}`);
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i += 65536) globalThis.crypto.getRandomValues(buf.subarray(i, Math.min(size, i + 65536)));
  if (typeof callback === "function") {
    queueMicrotask(() => callback(null, buf));
    return undefined;
  }
  return buf;
}

function randomFillSync(buf, offset = 0, size = buf.byteLength - offset) {
  const view = new Uint8Array(buf.buffer ?? buf, (buf.byteOffset ?? 0) + offset, size);
  for (let i = 0; i < view.length; i += 65536) globalThis.crypto.getRandomValues(view.subarray(i, Math.min(view.length, i + 65536)));
  return buf;
}

function randomInt(min, max, callback) {
  if (max === undefined || typeof max === "function") {
    callback = max;
    max = min;
    min = 0;
  }
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min) throw new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
  const range = max - min;
  // Rejection sampling over 48 random bits, so every value is equally likely.
  const limit = 2 ** 48 - (2 ** 48 % range);
  let n;
  do {
    const b = randomBytes(6);
    n = b.readUIntBE(0, 6);
  } while (n >= limit);
  const value = min + (n % range);
  if (typeof callback === "function") {
    queueMicrotask(() => callback(null, value));
    return undefined;
  }
  return value;
}

function randomUUID() {
  return globalThis.crypto.randomUUID();
}

function getRandomValues(array) {
  return globalThis.crypto.getRandomValues(array);
}

function timingSafeEqual(a, b) {
  const x = toBytes(a, undefined, "buf1");
  const y = toBytes(b, undefined, "buf2");
  if (x.byteLength !== y.byteLength) {
    const err = new RangeError("Input buffers must have the same byte length");
    err.code = "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH";
    throw err;
  }
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

function randomFill(buf, offset, size, callback) {
  if (typeof offset === "function") {
    callback = offset;
    offset = 0;
    size = undefined;
  } else if (typeof size === "function") {
    callback = size;
    size = undefined;
  }
  errors.validateFunction(callback, "callback");
  randomFillSync(buf, offset, size ?? buf.byteLength - offset);
  queueMicrotask(() => callback(null, buf));
}

function keyBytes(value, name) {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)) return new Uint8Array(value);
  if (value?.type === "secret" && typeof value.export === "function") return keyBytes(value.export(), name);
  throw errors.invalidArgType(name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], value);
}

function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  password = keyBytes(password, "password");
  salt = keyBytes(salt, "salt");
  errors.validateInteger(iterations, "iterations", 1, 2 ** 31 - 1);
  errors.validateInteger(keylen, "keylen", 0, 2 ** 31 - 1);
  errors.validateString(digest, "digest");
  try {
    return Buffer.from(nodeCrypto.pbkdf2(password, salt, iterations, keylen, digest).buffer);
  } catch (e) {
    if (/Invalid digest/.test(e.message)) {
      const err = new TypeError(`Invalid digest: ${digest}`);
      err.code = "ERR_CRYPTO_INVALID_DIGEST";
      throw err;
    }
    throw e;
  }
}

function pbkdf2(password, salt, iterations, keylen, digest, callback) {
  if (typeof digest === "function") {
    callback = digest;
    digest = undefined;
  }
  errors.validateFunction(callback, "callback");
  const key = pbkdf2Sync(password, salt, iterations, keylen, digest);
  setTimeout(() => callback(null, key), 0);
}

function scryptOptions(options = {}) {
  const N = options.N ?? options.cost ?? 16384;
  const r = options.r ?? options.blockSize ?? 8;
  const p = options.p ?? options.parallelization ?? 1;
  const maxmem = options.maxmem ?? 32 * 1024 * 1024;
  if (128 * N * r > maxmem) {
    const err = new RangeError("Invalid scrypt params: memory limit exceeded");
    err.code = "ERR_CRYPTO_INVALID_SCRYPT_PARAMS";
    throw err;
  }
  return [N, r, p];
}

function scryptSync(password, salt, keylen, options) {
  password = keyBytes(password, "password");
  salt = keyBytes(salt, "salt");
  errors.validateInteger(keylen, "keylen", 0, 2 ** 31 - 1);
  const [N, r, p] = scryptOptions(options ?? {});
  try {
    return Buffer.from(nodeCrypto.scrypt(password, salt, keylen, N, r, p).buffer);
  } catch (e) {
    const err = new RangeError(e.message);
    err.code = "ERR_CRYPTO_INVALID_SCRYPT_PARAMS";
    throw err;
  }
}

function scrypt(password, salt, keylen, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  errors.validateFunction(callback, "callback");
  const key = scryptSync(password, salt, keylen, options);
  setTimeout(() => callback(null, key), 0);
}

function encode(bytes, encoding) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding && encoding !== "buffer" ? buf.toString(encoding) : buf;
}

/** A cipher or decipher: update()/final() like Node's, and a Transform stream too. */
class CipherBase extends Transform {
  #state;
  #decoder = null;

  constructor(algorithm, key, iv, options, decrypt) {
    super(options);
    errors.validateString(algorithm, "cipher");
    const tagLength = options?.authTagLength;
    try {
      const args = [algorithm, keyBytes(key, "key"), iv === null ? null : keyBytes(iv, "iv"), decrypt];
      if (tagLength !== undefined) args.push(tagLength);
      this.#state = new nodeCrypto.NodeCipherState(...args);
    } catch (e) {
      const codes = { "Invalid key length": "ERR_CRYPTO_INVALID_KEYLEN", "Invalid initialization vector": "ERR_CRYPTO_INVALID_IV" };
      const code = e.message.startsWith("Invalid cipher") ? "ERR_CRYPTO_UNKNOWN_CIPHER" : codes[e.message];
      if (code) {
        const err = code === "ERR_CRYPTO_UNKNOWN_CIPHER" ? new Error("Unknown cipher") : code === "ERR_CRYPTO_INVALID_KEYLEN" ? new RangeError("Invalid key length") : new TypeError("Invalid initialization vector");
        err.code = code;
        throw err;
      }
      throw e;
    }
  }

  update(data, inputEncoding, outputEncoding) {
    const bytes = typeof data === "string" ? Buffer.from(data, inputEncoding) : keyBytes(data, "data");
    return this.#output(this.#state.update(bytes), outputEncoding);
  }

  final(outputEncoding) {
    return this.#output(this.#state.final(), outputEncoding, true);
  }

  #output(bytes, encoding, last) {
    if (encoding && encoding !== "buffer" && encoding !== "base64" && encoding !== "hex") {
      // Multi-byte text encodings may split a character across calls.
      this.#decoder ??= new TextDecoder(encoding === "utf-8" ? "utf8" : encoding);
      return this.#decoder.decode(bytes, { stream: !last });
    }
    return encode(bytes, encoding);
  }

  setAAD(buffer, options) {
    this.#state.setAAD(keyBytes(buffer, "buffer"), options);
    return this;
  }

  getAuthTag() {
    return encode(this.#state.getAuthTag());
  }

  setAuthTag(tag, encoding) {
    this.#state.setAuthTag(typeof tag === "string" ? Buffer.from(tag, encoding) : keyBytes(tag, "buffer"));
    return this;
  }

  setAutoPadding(on = true) {
    this.#state.setAutoPadding(!!on);
    return this;
  }

  _transform(chunk, encoding, callback) {
    try {
      callback(null, this.update(chunk, encoding));
    } catch (e) {
      callback(e);
    }
  }

  _flush(callback) {
    try {
      callback(null, this.final());
    } catch (e) {
      callback(e);
    }
  }
}

class Cipheriv extends CipherBase {
  constructor(algorithm, key, iv, options) {
    super(algorithm, key, iv, options, false);
  }
}

class Decipheriv extends CipherBase {
  constructor(algorithm, key, iv, options) {
    super(algorithm, key, iv, options, true);
  }
}

// Node's crypto classes are function constructors: callable without `new`.
const callable = (cls) =>
  new Proxy(cls, {
    apply(target, thisArg, args) {
      return new target(...args);
    },
  });
const CipherivCallable = callable(Cipheriv);
const DecipherivCallable = callable(Decipheriv);

function createCipheriv(algorithm, key, iv, options) {
  return new Cipheriv(algorithm, key, iv, options);
}

function createDecipheriv(algorithm, key, iv, options) {
  return new Decipheriv(algorithm, key, iv, options);
}

function getCiphers() {
  return nodeCrypto.cipherNames.slice();
}

const constants = Object.freeze({ RSA_PKCS1_PADDING: 1, RSA_NO_PADDING: 3, RSA_PKCS1_OAEP_PADDING: 4, RSA_PKCS1_PSS_PADDING: 6, RSA_PSS_SALTLEN_DIGEST: -1, RSA_PSS_SALTLEN_AUTO: -2, RSA_PSS_SALTLEN_MAX_SIGN: -2 });

/** Edge's crypto is not a FIPS module. */
function getFips() {
  return 0;
}

function setFips(enable) {
  if (enable) throw errors.coded(Error, "ERR_CRYPTO_FIPS_FORCED", "Cannot set FIPS mode: Edge's crypto is not a FIPS module.");
}

function getCurves() {
  return ["prime256v1", "secp256k1", "secp384r1", "secp521r1"];
}

function getHashes() {
  return HASHES.slice();
}

const webcrypto = globalThis.crypto;
const subtle = globalThis.crypto.subtle;

const crypto = {
  createHash,
  createHmac,
  hash,
  randomBytes,
  randomFillSync,
  randomInt,
  randomUUID,
  getRandomValues,
  timingSafeEqual,
  getHashes,
  getCiphers,
  getCurves,
  getFips,
  setFips,
  Hash: callable(Hash),
  Hmac: callable(Hash),
  randomFill,
  pbkdf2,
  pbkdf2Sync,
  scrypt,
  scryptSync,
  createCipheriv,
  createDecipheriv,
  Cipheriv: CipherivCallable,
  Decipheriv: DecipherivCallable,
  constants,
  webcrypto,
  subtle,
  KeyObject: keys.KeyObject,
  createSecretKey: keys.createSecretKey,
  createPublicKey: keys.createPublicKey,
  createPrivateKey: keys.createPrivateKey,
  generateKeyPair: keys.generateKeyPair,
  generateKeyPairSync: keys.generateKeyPairSync,
  generateKey: keys.generateKey,
  generateKeySync: keys.generateKeySync,
  Sign: callable(keys.Sign),
  Verify: callable(keys.Verify),
  createSign: keys.createSign,
  createVerify: keys.createVerify,
  sign: keys.sign,
  verify: keys.verify,
  publicEncrypt: keys.publicEncrypt,
  privateDecrypt: keys.privateDecrypt,
  privateEncrypt: keys.privateEncrypt,
  publicDecrypt: keys.publicDecrypt,
  diffieHellman: keys.diffieHellman,
  ECDH: callable(keys.ECDH),
  createECDH: keys.createECDH,
  hkdf: keys.hkdf,
  hkdfSync: keys.hkdfSync,
};

const HashCallable = crypto.Hash;
const { Sign, Verify, ECDH } = crypto;

export default crypto;
export { createHash, createHmac, hash, randomBytes, randomFillSync, randomFill, getFips, setFips, getCurves, HashCallable as Hash, HashCallable as Hmac, randomInt, randomUUID, getRandomValues, timingSafeEqual, getHashes, getCiphers, pbkdf2, pbkdf2Sync, scrypt, scryptSync, createCipheriv, createDecipheriv, CipherivCallable as Cipheriv, DecipherivCallable as Decipheriv, constants, webcrypto, subtle, Sign, Verify, ECDH };
export { KeyObject, createSecretKey, createPublicKey, createPrivateKey, generateKeyPair, generateKeyPairSync, generateKey, generateKeySync, createSign, createVerify, sign, verify, publicEncrypt, privateDecrypt, privateEncrypt, publicDecrypt, diffieHellman, createECDH, hkdf, hkdfSync } from "node:internal/crypto_keys";
