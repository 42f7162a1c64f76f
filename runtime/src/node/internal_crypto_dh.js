// node:crypto's finite-field Diffie-Hellman: createDiffieHellman (a given prime, or a new
// safe prime of a given length), createDiffieHellmanGroup/getDiffieHellman (the MODP groups).
// The arithmetic is native; this module shapes Node's API, argument rules and errors.

import { Buffer } from "node:buffer";
import { nodeCrypto } from "edge:bootstrap";
import * as errors from "node:internal/errors";

function isBytes(value) {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function toBuffer(value, encoding, name) {
  if (typeof value === "string") return Buffer.from(value, encoding || "utf8");
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  throw errors.invalidArgType(name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], value);
}

function encodeOut(bytes, encoding) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding && encoding !== "buffer" ? buf.toString(encoding) : buf;
}

function badGenerator() {
  return errors.coded(Error, "ERR_OSSL_DH_BAD_GENERATOR", "error:05000076:Diffie-Hellman routines::bad generator");
}

function validateInt32(value, name) {
  if (!Number.isInteger(value)) throw errors.outOfRange(name, "an integer", value);
  if (value < -(2 ** 31) || value > 2 ** 31 - 1) throw errors.outOfRange(name, `>= ${-(2 ** 31)} && <= ${2 ** 31 - 1}`, value);
}

function generatorBytes(generator, encoding) {
  if (typeof generator === "number") {
    validateInt32(generator, "generator");
    if (generator < 0 || generator === 1) throw badGenerator();
    const out = [];
    for (let g = generator; g > 0; g = Math.floor(g / 256)) out.unshift(g % 256);
    return Buffer.from(out);
  }
  if (typeof generator !== "string" && !isBytes(generator)) throw errors.invalidArgType("generator", ["number", "string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], generator);
  const buf = toBuffer(generator, encoding, "generator");
  let value = 0;
  for (const b of buf) value = value * 256 + b;
  if (value <= 1) throw badGenerator();
  return buf;
}

class DiffieHellmanBase {
  #prime;
  #generator;
  #privateKey = null;
  #publicKey = null;
  #verifyError;

  constructor(prime, generator) {
    this.#prime = prime;
    this.#generator = generator;
    this.#verifyError = nodeCrypto.dhCheck(prime, generator);
  }

  get verifyError() {
    return this.#verifyError;
  }

  // Makes a private key when there is none, and (re)computes the public key from it.
  generateKeys(encoding) {
    const [x, y] = nodeCrypto.dhKeys(this.#prime, this.#generator, this.#privateKey ?? undefined);
    this.#privateKey = Buffer.from(x.buffer);
    this.#publicKey = Buffer.from(y.buffer);
    return encodeOut(this.#publicKey, encoding);
  }

  computeSecret(otherPublicKey, inputEncoding, outputEncoding) {
    const peer = toBuffer(otherPublicKey, inputEncoding, "otherPublicKey");
    if (this.#privateKey === null) throw errors.coded(Error, "ERR_CRYPTO_INVALID_STATE", "Invalid state for operation computeSecret");
    return encodeOut(nodeCrypto.dhSecret(this.#prime, this.#privateKey, peer), outputEncoding);
  }

  getPrime(encoding) {
    return encodeOut(this.#prime, encoding);
  }

  getGenerator(encoding) {
    return encodeOut(this.#generator, encoding);
  }

  getPublicKey(encoding) {
    if (this.#publicKey === null) throw errors.coded(Error, "ERR_CRYPTO_INVALID_STATE", "No public key - did you forget to generate one?");
    return encodeOut(this.#publicKey, encoding);
  }

  getPrivateKey(encoding) {
    if (this.#privateKey === null) throw errors.coded(Error, "ERR_CRYPTO_INVALID_STATE", "No private key - did you forget to generate one?");
    return encodeOut(this.#privateKey, encoding);
  }

  setPublicKey(key, encoding) {
    this.#publicKey = Buffer.from(toBuffer(key, encoding, "key"));
    return this;
  }

  // The public key stays as it was until generateKeys().
  setPrivateKey(key, encoding) {
    this.#privateKey = Buffer.from(toBuffer(key, encoding, "key"));
    return this;
  }
}

class DiffieHellman extends DiffieHellmanBase {
  constructor(sizeOrKey, keyEncoding, generator, genEncoding) {
    if (typeof sizeOrKey !== "number" && typeof sizeOrKey !== "string" && !isBytes(sizeOrKey)) {
      throw errors.invalidArgType("sizeOrKey", ["number", "string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], sizeOrKey);
    }
    // A second argument that is not an encoding is the generator.
    if (typeof keyEncoding !== "string" || (!Buffer.isEncoding(keyEncoding) && keyEncoding !== "buffer")) {
      genEncoding = generator;
      generator = keyEncoding;
      keyEncoding = undefined;
    }
    let prime;
    const gen = generator === undefined ? Buffer.from([2]) : generatorBytes(generator, genEncoding);
    if (typeof sizeOrKey === "number") {
      validateInt32(sizeOrKey, "sizeOrKey");
      prime = Buffer.from(nodeCrypto.dhGeneratePrime(sizeOrKey).buffer);
    } else {
      prime = Buffer.from(toBuffer(sizeOrKey, keyEncoding === "buffer" ? undefined : keyEncoding, "sizeOrKey"));
    }
    super(prime, gen);
  }
}

class DiffieHellmanGroup extends DiffieHellmanBase {
  constructor(name) {
    errors.validateString(name, "name");
    const prime = nodeCrypto.dhGroup(name);
    if (prime === undefined) throw errors.coded(Error, "ERR_CRYPTO_UNKNOWN_DH_GROUP", "Unknown DH group");
    super(Buffer.from(prime.buffer), Buffer.from([2]));
  }
}

// A group's keys come from its own generation only.
for (const name of ["setPublicKey", "setPrivateKey"]) {
  Object.defineProperty(DiffieHellmanGroup.prototype, name, { value: undefined, configurable: true, writable: true });
}

function createDiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding) {
  return new DiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding);
}

function getDiffieHellman(name) {
  return new DiffieHellmanGroup(name);
}

export { DiffieHellman, DiffieHellmanGroup, createDiffieHellman, getDiffieHellman, getDiffieHellman as createDiffieHellmanGroup };
