// node:crypto — createHash/createHmac (MD5, SHA-1, SHA-2), randomBytes/randomFill/randomInt/
// randomUUID/getRandomValues, timingSafeEqual, pbkdf2, scrypt and HKDF,
// createCipheriv/createDecipheriv (AES-CBC, -CTR, -GCM), keys (KeyObject, generateKeyPair,
// sign/verify, publicEncrypt, ECDH: node:internal/crypto_keys), and Web Crypto as
// `webcrypto`/`subtle`. Hashing, key derivation, ciphers and key operations run natively.

import { Buffer } from "node:buffer";
import { Transform } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { hashSync, nodeCrypto } from "edge:bootstrap";
import * as errors from "node:internal/errors";
import * as keys from "node:internal/crypto_keys";
import * as dh from "node:internal/crypto_dh";

function toBytes(data, encoding, name = "data") {
  if (typeof data === "string") return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw errors.invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
}

const HASHES = nodeCrypto.hashNames;

// A Transform made only when used as a stream: most hashes and ciphers are used through
// update()/digest() alone, and a stream's state costs more than the hash.
function LazyTransform(options) {
  Object.defineProperty(this, "_options", { value: options, writable: true, configurable: true });
}
Object.setPrototypeOf(LazyTransform.prototype, Transform.prototype);
Object.setPrototypeOf(LazyTransform, Transform);
for (const prop of ["_readableState", "_writableState"]) {
  Object.defineProperty(LazyTransform.prototype, prop, {
    get() {
      Transform.call(this, this._options);
      this._writableState.decodeStrings = false;
      return this[prop];
    },
    set(value) {
      Object.defineProperty(this, prop, { value, enumerable: true, configurable: true, writable: true });
    },
    configurable: true,
    enumerable: true,
  });
}

function digestEncoding(encoding) {
  if (encoding === undefined || encoding === "buffer") return undefined;
  return String(encoding);
}

// Node's deprecation warnings, each emitted once per isolate.
const warned = new Set();
function deprecated(code, message) {
  if (warned.has(code)) return;
  warned.add(code);
  globalThis.process?.emitWarning(message, "DeprecationWarning", code);
}

class Hash extends LazyTransform {
  #state;

  constructor(algorithm, options, key) {
    super(options);
    if (algorithm instanceof Hash) {
      this.#state = algorithm.#state.copy();
      return;
    }
    errors.validateString(algorithm, "algorithm");
    let outputLength;
    if (options != null && typeof options === "object" && options.outputLength !== undefined) {
      outputLength = options.outputLength;
      if (typeof outputLength !== "number") throw errors.invalidArgType("options.outputLength", "number", outputLength);
      if (!Number.isInteger(outputLength) || outputLength < 0 || outputLength > 2 ** 32 - 1) throw errors.outOfRange("options.outputLength", ">= 0 && <= 4294967295", outputLength);
    }
    if (outputLength === undefined && key === undefined && /^shake(128|256)$/i.test(algorithm)) {
      deprecated("DEP0198", "Creating SHAKE128/256 digests without an explicit options.outputLength is deprecated.");
    }
    this.#state = new nodeCrypto.HashState(algorithm, key, outputLength);
  }

  update(data, encoding) {
    if (typeof data === "string") data = Buffer.from(data, encoding);
    else if (!ArrayBuffer.isView(data)) throw errors.invalidArgType("data", ["string", "Buffer", "TypedArray", "DataView"], data);
    this.#state.update(data);
    return this;
  }

  digest(outputEncoding) {
    const enc = digestEncoding(outputEncoding);
    const out = Buffer.from(this.#state.digest().buffer);
    return enc === undefined ? out : out.toString(enc);
  }

  copy(options) {
    return new Hash(this, options);
  }

  _transform(chunk, encoding, callback) {
    this.update(chunk, encoding);
    callback();
  }

  _flush(callback) {
    this.push(this.digest());
    callback();
  }
}

class Hmac extends Hash {
  #done = false;

  constructor(algorithm, key, options) {
    errors.validateString(algorithm, "hmac");
    const k = key !== null && typeof key === "object" && key.type === "secret" && typeof key.export === "function" ? key.export() : toBytes(key, options?.encoding, "key");
    try {
      super(algorithm, options, k);
    } catch (e) {
      if (e.code === "ERR_OSSL_EVP_UNSUPPORTED") throw errors.coded(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${algorithm}`);
      throw e;
    }
  }

  // After the first digest(), an Hmac gives empty output rather than throwing.
  digest(outputEncoding) {
    if (this.#done) {
      const empty = Buffer.alloc(0);
      return digestEncoding(outputEncoding) === undefined ? empty : empty.toString(outputEncoding);
    }
    this.#done = true;
    return super.digest(outputEncoding);
  }
}

function createHash(algorithm, options) {
  return new Hash(algorithm, options);
}

function createHmac(algorithm, key, options) {
  return new Hmac(algorithm, key, options);
}

function hash(algorithm, data, options = "hex") {
  errors.validateString(algorithm, "algorithm");
  if (typeof data !== "string" && !ArrayBuffer.isView(data)) throw errors.invalidArgType("data", ["Buffer", "TypedArray", "DataView", "string"], data);
  let outputEncoding = options;
  let outputLength;
  if (options !== null && typeof options === "object") {
    outputEncoding = options.outputEncoding ?? "hex";
    outputLength = options.outputLength;
  }
  errors.validateString(outputEncoding, "outputEncoding");
  if (outputEncoding !== "buffer" && !Buffer.isEncoding(outputEncoding)) throw errors.invalidArgValue("outputEncoding", outputEncoding);
  let h;
  try {
    h = new Hash(algorithm, outputLength === undefined ? undefined : { outputLength });
  } catch (e) {
    if (e.code === "ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH") throw errors.coded(Error, "ERR_CRYPTO_INVALID_DIGEST", `Output length ${outputLength} is invalid for ${algorithm}, which does not support XOF`);
    throw e;
  }
  return h.update(data).digest(outputEncoding);
}

const kMaxRandomLength = 2 ** 31 - 1;

function validateSize(size, name = "size", max = kMaxRandomLength) {
  if (typeof size !== "number") throw errors.invalidArgType(name, "number", size);
  if (!(size >= 0 && size <= max)) throw errors.outOfRange(name, `>= 0 && <= ${max}`, size);
}

function fillRandom(view) {
  for (let i = 0; i < view.length; i += 65536) globalThis.crypto.getRandomValues(view.subarray(i, Math.min(view.length, i + 65536)));
}

function randomBytes(size, callback) {
  validateSize(size);
  if (callback !== undefined) errors.validateFunction(callback, "callback");
  const buf = Buffer.alloc(size);
  fillRandom(buf);
  if (callback) {
    setTimeout(() => callback(null, buf), 0);
    return undefined;
  }
  return buf;
}

/** The bytes of `buf` that randomFill(Sync) fills: offset and size count elements of a typed array. */
function fillTarget(buf, offset, size) {
  const isView = ArrayBuffer.isView(buf);
  if (!isView && !(buf instanceof ArrayBuffer) && !(typeof SharedArrayBuffer === "function" && buf instanceof SharedArrayBuffer)) {
    throw errors.invalidArgType("buf", ["ArrayBuffer", "ArrayBufferView"], buf);
  }
  const elementSize = buf.BYTES_PER_ELEMENT ?? 1;
  const byteLength = buf.byteLength;
  if (offset === undefined) offset = 0;
  if (typeof offset !== "number") throw errors.invalidArgType("offset", "number", offset);
  offset *= elementSize;
  const maxOffset = byteLength;
  if (!(offset >= 0 && offset <= maxOffset)) throw errors.outOfRange("offset", `>= 0 && <= ${maxOffset}`, offset / elementSize === offset ? offset : offset / elementSize);
  if (size === undefined) size = byteLength - offset;
  else {
    if (typeof size !== "number") throw errors.invalidArgType("size", "number", size);
    size *= elementSize;
    if (!(size >= 0 && size <= kMaxRandomLength)) throw errors.outOfRange("size", `>= 0 && <= ${kMaxRandomLength}`, size / elementSize);
    if (size + offset > byteLength) throw errors.outOfRange("size + offset", `<= ${byteLength}`, size + offset);
  }
  return new Uint8Array(isView ? buf.buffer : buf, (buf.byteOffset ?? 0) + offset, size);
}

function randomFillSync(buf, offset, size) {
  fillRandom(fillTarget(buf, offset, size));
  return buf;
}

const MAX_RANGE = 0xffff_ffff_ffff;

function randomInt(min, max, callback) {
  const minGiven = !(max === undefined || typeof max === "function");
  if (!minGiven) {
    callback = max;
    max = min;
    min = 0;
  }
  if (callback !== undefined) errors.validateFunction(callback, "callback");
  if (!Number.isSafeInteger(min)) throw errors.coded(TypeError, "ERR_INVALID_ARG_TYPE", `The "min" argument must be a safe integer.${errors.describeReceived(min)}`);
  if (!Number.isSafeInteger(max)) throw errors.coded(TypeError, "ERR_INVALID_ARG_TYPE", `The "max" argument must be a safe integer.${errors.describeReceived(max)}`);
  if (max <= min) throw errors.outOfRange("max", `greater than the value of "min" (${min})`, max, { plain: true });
  const range = max - min;
  if (range > MAX_RANGE) throw errors.outOfRange(minGiven ? "max - min" : "max", `<= ${MAX_RANGE}`, range);
  // Rejection sampling over 48 random bits, so every value is equally likely.
  const limit = 2 ** 48 - (2 ** 48 % range);
  let n;
  do {
    const b = randomBytes(6);
    n = b.readUIntBE(0, 6);
  } while (n >= limit);
  const value = min + (n % range);
  if (typeof callback === "function") {
    setTimeout(() => callback(null, value), 0);
    return undefined;
  }
  return value;
}

function randomUUID(options) {
  if (options !== undefined) {
    errors.validateObject(options, "options");
    if (options.disableEntropyCache !== undefined) errors.validateBoolean(options.disableEntropyCache, "options.disableEntropyCache");
  }
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
    offset = undefined;
    size = undefined;
  } else if (typeof size === "function") {
    callback = size;
    size = undefined;
  }
  const target = fillTarget(buf, offset, size);
  errors.validateFunction(callback, "callback");
  fillRandom(target);
  setTimeout(() => callback(null, buf), 0);
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

const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;
const SCRYPT_MAX_WORK = 8 * 1024 * 1024 * 1024;

function scryptError(message) {
  return errors.coded(RangeError, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", `Invalid scrypt params: ${message}`);
}

/** [N, r, p] from scrypt's options (each read once), checked as OpenSSL checks them. */
function scryptOptions(options) {
  let N = 16384;
  let r = 8;
  let p = 1;
  let maxmem = 32 << 20;
  if (options != null) {
    errors.validateObject(options, "options");
    const pairs = [["N", "cost"], ["r", "blockSize"], ["p", "parallelization"]];
    const values = [];
    for (const [short, long] of pairs) {
      const a = options[short];
      const b = options[long];
      if (a !== undefined && b !== undefined) throw errors.coded(TypeError, "ERR_INCOMPATIBLE_OPTION_PAIR", `Option "${short}" cannot be used in combination with option "${long}"`);
      const value = a ?? b;
      if (value !== undefined) errors.validateInteger(value, a !== undefined ? short : long, 0, 2 ** 32 - 1);
      values.push(value);
    }
    N = values[0] ?? N;
    r = values[1] ?? r;
    p = values[2] ?? p;
    const mem = options.maxmem;
    if (mem !== undefined) {
      errors.validateInteger(mem, "maxmem", 0);
      maxmem = mem;
    }
  }
  if (N < 2 || (N & (N - 1)) !== 0) throw scryptError("N must be a power of 2 greater than 1");
  if (r < 1 || p < 1) throw scryptError("r and p must be positive");
  const limitExceeded = () => scryptError("error:030000AC:digital envelope routines::memory limit exceeded");
  if (r * 16 < 64 && N >= 2 ** (r * 16)) throw limitExceeded();
  if (p > (2 ** 30 - 1) / r) throw limitExceeded();
  if (128 * N * r + 128 * r * p > maxmem) throw limitExceeded();
  // Native memory is outside the isolate's heap limit, and native work outside its CPU limit:
  // one call may use 256 MiB and mix at most 8 GiB.
  if (128 * N * r + 128 * r * p > SCRYPT_MAX_MEMORY) throw scryptError(`memory over Edge's limit of ${SCRYPT_MAX_MEMORY} bytes`);
  if (128 * N * r * p > SCRYPT_MAX_WORK) throw scryptError(`work (N * r * p) over Edge's limit`);
  return [N, r, p];
}

function scryptArgs(password, salt, keylen, options) {
  password = keyBytes(password, "password");
  salt = keyBytes(salt, "salt");
  errors.validateInteger(keylen, "keylen", 0, 2 ** 31 - 1);
  return [password, salt, keylen, ...scryptOptions(options)];
}

function scryptRun([password, salt, keylen, N, r, p]) {
  try {
    return Buffer.from(nodeCrypto.scrypt(password, salt, keylen, N, r, p).buffer);
  } catch (e) {
    const err = new RangeError(e.message);
    err.code = "ERR_CRYPTO_INVALID_SCRYPT_PARAMS";
    throw err;
  }
}

function scryptSync(password, salt, keylen, options) {
  return scryptRun(scryptArgs(password, salt, keylen, options));
}

function scrypt(password, salt, keylen, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  const args = scryptArgs(password, salt, keylen, options);
  errors.validateFunction(callback, "callback");
  setTimeout(() => {
    let key;
    try {
      key = scryptRun(args);
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, key);
  }, 0);
}

function encode(bytes, encoding) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding && encoding !== "buffer" ? buf.toString(encoding) : buf;
}

/** A cipher or decipher: update()/final() like Node's, and a Transform stream too. */
class CipherBase extends LazyTransform {
  #state;
  #decoder = null;
  #algorithm;
  #implicitTagLength;

  constructor(algorithm, key, iv, options, decrypt) {
    super(options);
    errors.validateString(algorithm, "cipher");
    const tagLength = options?.authTagLength;
    this.#algorithm = algorithm;
    this.#implicitTagLength = tagLength === undefined;
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

  // Text output goes through one StringDecoder, as in Node: a character (or base64 group)
  // split across calls comes out whole, and the encoding cannot change midway.
  #output(bytes, encoding, last) {
    const buf = encode(bytes);
    if (!encoding || encoding === "buffer") return buf;
    if (this.#decoder === null) this.#decoder = new StringDecoder(encoding);
    else if (new StringDecoder(encoding).encoding !== this.#decoder.encoding) {
      throw errors.coded(Error, "ERR_INTERNAL_ASSERTION", "Cannot change encoding");
    }
    return last ? this.#decoder.end(buf) : this.#decoder.write(buf);
  }


  setAAD(buffer, options) {
    this.#state.setAAD(keyBytes(buffer, "buffer"), options);
    return this;
  }

  getAuthTag() {
    return encode(this.#state.getAuthTag());
  }

  setAuthTag(tag, encoding) {
    const bytes = typeof tag === "string" ? Buffer.from(tag, encoding) : keyBytes(tag, "buffer");
    this.#state.setAuthTag(bytes);
    if (this.#implicitTagLength && bytes.byteLength < 16 && /-gcm$/i.test(this.#algorithm)) {
      globalThis.process?.emitWarning("Using AES-GCM authentication tags of less than 128 bits without specifying the authTagLength option when initializing decryption is deprecated.", "DeprecationWarning", "DEP0182");
    }
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
const callable = (cls, deprecation) => {
  const proxy = new Proxy(cls, {
    apply(target, thisArg, args) {
      if (deprecation) deprecated(...deprecation);
      return new target(...args);
    },
    construct(target, args, newTarget) {
      if (deprecation) deprecated(...deprecation);
      return Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
    },
  });
  // Instances name the callable as their constructor, as Node's do.
  Object.defineProperty(cls.prototype, "constructor", { value: proxy, writable: true, configurable: true });
  return proxy;
};
const CipherivCallable = callable(Cipheriv);
const DecipherivCallable = callable(Decipheriv);

function createCipheriv(algorithm, key, iv, options) {
  return new Cipheriv(algorithm, key, iv, options);
}

function createDecipheriv(algorithm, key, iv, options) {
  return new Decipheriv(algorithm, key, iv, options);
}

// The ciphers Node describes, by OpenSSL's names and numeric ids: [name, nid, mode, key bytes].
const CIPHER_INFO = [
  ["aes-128-ecb", 418, "ecb", 16], ["aes-128-cbc", 419, "cbc", 16], ["aes-192-ecb", 422, "ecb", 24],
  ["aes-192-cbc", 423, "cbc", 24], ["aes-256-ecb", 426, "ecb", 32], ["aes-256-cbc", 427, "cbc", 32],
  ["aes-128-gcm", 895, "gcm", 16], ["aes-128-ccm", 896, "ccm", 16], ["aes-192-gcm", 898, "gcm", 24],
  ["aes-192-ccm", 899, "ccm", 24], ["aes-256-gcm", 901, "gcm", 32], ["aes-256-ccm", 902, "ccm", 32],
  ["aes-128-ctr", 904, "ctr", 16], ["aes-192-ctr", 905, "ctr", 24], ["aes-256-ctr", 906, "ctr", 32],
  ["aes-128-ocb", 958, "ocb", 16], ["aes-192-ocb", 959, "ocb", 24], ["aes-256-ocb", 960, "ocb", 32],
  ["des-ecb", 29, "ecb", 8], ["des-cbc", 31, "cbc", 8], ["des-ede", 32, "ecb", 16], ["des-ede3", 33, "ecb", 24],
  ["des-ede-cbc", 43, "cbc", 16], ["des-ede3-cbc", 44, "cbc", 24],
  ["id-aes128-wrap", 788, "wrap", 16], ["id-aes192-wrap", 789, "wrap", 24], ["id-aes256-wrap", 790, "wrap", 32],
  ["chacha20-poly1305", 1018, "stream", 32],
];
const CIPHER_ALIASES = {
  aes128: "aes-128-cbc", aes192: "aes-192-cbc", aes256: "aes-256-cbc", "id-aes128-gcm": "aes-128-gcm", "id-aes192-gcm": "aes-192-gcm", "id-aes256-gcm": "aes-256-gcm",
  des: "des-cbc", des3: "des-ede3-cbc", "des-ede-ecb": "des-ede", "des-ede3-ecb": "des-ede3", "aes128-wrap": "id-aes128-wrap", "aes192-wrap": "id-aes192-wrap", "aes256-wrap": "id-aes256-wrap",
};
const DEFAULT_IV = { ecb: 0, cbc: 16, ctr: 16, gcm: 12, ccm: 12, ocb: 12, wrap: 8, stream: 12 };
const DES_IV = 8;

/** What a cipher takes (name, nid, mode, block/key/IV sizes); undefined for one unknown or
 * for lengths it does not accept. */
function getCipherInfo(nameOrNid, options) {
  if (typeof nameOrNid !== "string" && typeof nameOrNid !== "number") throw errors.invalidArgType("nameOrNid", ["string", "number"], nameOrNid);
  if (options !== undefined) errors.validateObject(options, "options");
  const { keyLength, ivLength } = options ?? {};
  if (keyLength !== undefined) errors.validateInteger(keyLength, "options.keyLength");
  if (ivLength !== undefined) errors.validateInteger(ivLength, "options.ivLength");
  const entry = typeof nameOrNid === "number" ? CIPHER_INFO.find((c) => c[1] === nameOrNid) : CIPHER_INFO.find((c) => c[0] === (CIPHER_ALIASES[nameOrNid.toLowerCase()] ?? nameOrNid.toLowerCase()));
  if (!entry) return undefined;
  const [name, nid, mode, keyLen] = entry;
  if (keyLength !== undefined && keyLength !== keyLen) return undefined;
  const defaultIv = name.startsWith("des") && mode === "cbc" ? DES_IV : DEFAULT_IV[mode];
  if (ivLength !== undefined) {
    const ok = mode === "ccm" ? ivLength >= 7 && ivLength <= 13 : mode === "ocb" ? ivLength >= 1 && ivLength <= 15 : mode === "gcm" ? ivLength >= 1 : ivLength === defaultIv;
    if (!ok) return undefined;
  }
  const info = { mode, name, nid };
  if (mode === "cbc" || mode === "ecb" || mode === "ocb" || mode === "wrap") info.blockSize = name.startsWith("des") || mode === "wrap" ? 8 : 16;
  if (defaultIv !== 0) info.ivLength = ivLength ?? defaultIv;
  info.keyLength = keyLen;
  return info;
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

// Argon2 and key encapsulation are not in Edge's crypto: they say so as Node builds without
// them do.
function argon2() {
  throw errors.coded(Error, "ERR_CRYPTO_ARGON2_NOT_SUPPORTED", "Argon2 is not supported by this build of Edge");
}

function kemUnsupported() {
  throw errors.coded(Error, "ERR_CRYPTO_KEM_NOT_SUPPORTED", "Key encapsulation is not supported by this build of Edge");
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
  getCipherInfo,
  argon2,
  argon2Sync: argon2,
  encapsulate: kemUnsupported,
  decapsulate: kemUnsupported,
  getCurves,
  getFips,
  setFips,
  Hash: callable(Hash, ["DEP0179", "crypto.Hash constructor is deprecated."]),
  Hmac: callable(Hmac, ["DEP0181", "crypto.Hmac constructor is deprecated."]),
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
  DiffieHellman: callable(dh.DiffieHellman),
  DiffieHellmanGroup: callable(dh.DiffieHellmanGroup),
  createDiffieHellman: dh.createDiffieHellman,
  createDiffieHellmanGroup: dh.createDiffieHellmanGroup,
  getDiffieHellman: dh.getDiffieHellman,
};

// Deprecated aliases of randomBytes, present but not enumerable, as in Node.
for (const name of ["pseudoRandomBytes", "prng", "rng"]) {
  const alias = {
    [name](...args) {
      deprecated("DEP0115", `crypto.${name} is deprecated.`);
      return randomBytes(...args);
    },
  }[name];
  Object.defineProperty(crypto, name, { value: alias, configurable: true, enumerable: false, writable: true });
}

const HashCallable = crypto.Hash;
const HmacCallable = crypto.Hmac;
const { Sign, Verify, ECDH, DiffieHellman, DiffieHellmanGroup } = crypto;

export default crypto;
export { createHash, createHmac, hash, randomBytes, randomFillSync, randomFill, getFips, setFips, getCurves, HashCallable as Hash, HmacCallable as Hmac, randomInt, randomUUID, getRandomValues, timingSafeEqual, getHashes, getCiphers, getCipherInfo, argon2, argon2 as argon2Sync, kemUnsupported as encapsulate, kemUnsupported as decapsulate, pbkdf2, pbkdf2Sync, scrypt, scryptSync, createCipheriv, createDecipheriv, CipherivCallable as Cipheriv, DecipherivCallable as Decipheriv, constants, webcrypto, subtle, Sign, Verify, ECDH, DiffieHellman, DiffieHellmanGroup };
export { createDiffieHellman, createDiffieHellmanGroup, getDiffieHellman } from "node:internal/crypto_dh";
export { KeyObject, createSecretKey, createPublicKey, createPrivateKey, generateKeyPair, generateKeyPairSync, generateKey, generateKeySync, createSign, createVerify, sign, verify, publicEncrypt, privateDecrypt, privateEncrypt, publicDecrypt, diffieHellman, createECDH, hkdf, hkdfSync } from "node:internal/crypto_keys";
