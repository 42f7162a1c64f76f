// node:crypto — the synchronous pieces packages use most: createHash/createHmac (MD5, SHA-1,
// SHA-2), randomBytes/randomInt/randomUUID/getRandomValues, timingSafeEqual, and Web Crypto
// as `webcrypto`/`subtle`. Hashing buffers the data it is given and digests it natively.

import { Buffer } from "node:buffer";
import { hashSync } from "edge:bootstrap";

function invalidArg(name, expected, value) {
  const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${value === null ? "null" : typeof value}`);
  err.code = "ERR_INVALID_ARG_TYPE";
  return err;
}

function toBytes(data, encoding, name = "data") {
  if (typeof data === "string") return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw invalidArg(name, "of type string or an instance of Buffer, TypedArray, or DataView", data);
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
  webcrypto,
  subtle,
};

export default crypto;
export { createHash, createHmac, hash, randomBytes, randomFillSync, randomInt, randomUUID, getRandomValues, timingSafeEqual, getHashes, webcrypto, subtle };
