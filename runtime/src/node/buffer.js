// node:buffer — Buffer, the Uint8Array subclass Node code and npm packages pass bytes around
// in: encodings (utf8, hex, base64, base64url, latin1/binary, ascii, utf16le), slicing that
// shares memory, comparison and search, and the fixed-width integer and float readers/writers.

import * as errors from "node:internal/errors";

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

const ENCODINGS = ["utf8", "utf-8", "hex", "base64", "base64url", "latin1", "binary", "ascii", "ucs2", "ucs-2", "utf16le", "utf-16le"];

function normalizeEncoding(enc) {
  if (enc === undefined || enc === null || enc === "") return "utf8";
  const e = String(enc).toLowerCase();
  switch (e) {
    case "utf8":
    case "utf-8":
      return "utf8";
    case "ucs2":
    case "ucs-2":
    case "utf16le":
    case "utf-16le":
      return "utf16le";
    case "binary":
    case "latin1":
      return "latin1";
    case "hex":
    case "base64":
    case "base64url":
    case "ascii":
      return e;
    default:
      return undefined;
  }
}

const unknownEncoding = errors.unknownEncoding;
const outOfRange = errors.outOfRange;

// ---------------------------------------------------------------- string <-> bytes

function hexDigit(c) {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

// Pairs of hex digits up to the first pair that is not one (as Node does).
function hexToBytes(str) {
  const out = new Uint8Array(str.length >>> 1);
  let n = 0;
  for (let i = 0; i + 1 < str.length; i += 2) {
    const hi = hexDigit(str.charCodeAt(i));
    const lo = hexDigit(str.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) break;
    out[n++] = (hi << 4) | lo;
  }
  return n === out.length ? out : out.subarray(0, n);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_LOOKUP = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_LOOKUP[B64.charCodeAt(i)] = i;
B64_LOOKUP["-".charCodeAt(0)] = 62;
B64_LOOKUP["_".charCodeAt(0)] = 63;

// Lenient, as Node is: skips characters outside the alphabet, stops at '='.
function base64ToBytes(str) {
  const out = new Uint8Array(Math.ceil((str.length * 3) / 4));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c === 61) break;
    const v = c < 256 ? B64_LOOKUP[c] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

function bytesToBase64(bytes, url) {
  let out = "";
  const alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" : B64;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + alphabet[(v >> 6) & 63] + alphabet[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + (url ? "" : "==");
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += alphabet[v >> 18] + alphabet[(v >> 12) & 63] + alphabet[(v >> 6) & 63] + (url ? "" : "=");
  }
  return out;
}

function latin1ToBytes(str) {
  const out = new Uint8Array(str.length);
  for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 0xff;
  return out;
}

function utf16leToBytes(str) {
  const out = new Uint8Array(str.length * 2);
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    out[i * 2] = c & 0xff;
    out[i * 2 + 1] = c >> 8;
  }
  return out;
}

function stringToBytes(str, encoding) {
  switch (normalizeEncoding(encoding)) {
    case "utf8":
      return utf8Encoder.encode(str);
    case "hex":
      return hexToBytes(str);
    case "base64":
    case "base64url":
      return base64ToBytes(str);
    case "latin1":
    case "ascii":
      return latin1ToBytes(str);
    case "utf16le":
      return utf16leToBytes(str);
    default:
      throw unknownEncoding(encoding);
  }
}

function bytesToString(bytes, encoding) {
  switch (normalizeEncoding(encoding)) {
    case "utf8":
      return utf8Decoder.decode(bytes);
    case "hex": {
      let out = "";
      for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
      return out;
    }
    case "base64":
      return bytesToBase64(bytes, false);
    case "base64url":
      return bytesToBase64(bytes, true);
    case "latin1": {
      let out = "";
      for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      return out;
    }
    case "ascii": {
      let out = "";
      for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i] & 0x7f);
      return out;
    }
    case "utf16le": {
      let out = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
      return out;
    }
    default:
      throw unknownEncoding(encoding);
  }
}

// ---------------------------------------------------------------- Buffer

class Buffer extends Uint8Array {
  static from(value, encodingOrOffset, length) {
    // A non-string encoding (Buffer.from("x", 1)) is ignored, as Node ignores it.
    if (typeof value === "string") return fromBytes(stringToBytes(value, typeof encodingOrOffset === "string" ? encodingOrOffset : undefined));
    if (isAnyArrayBuffer(value)) {
      const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset) || 0;
      const len = length === undefined ? value.byteLength - offset : Number(length) || 0;
      if (offset > value.byteLength) throw errors.bufferOutOfBounds("offset");
      if (length !== undefined && len > value.byteLength - offset) throw errors.bufferOutOfBounds("length");
      // Without a length, the view tracks a resizable buffer's length, as in Node.
      if (length === undefined) return new Buffer(value, offset);
      return new Buffer(value, offset, Math.max(0, Math.min(len, value.byteLength - offset)));
    }
    if (ArrayBuffer.isView(value)) {
      const view = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return fromBytes(value instanceof Uint8Array ? view.slice() : Uint8Array.from(value));
    }
    if (value !== null && typeof value === "object") {
      // A boxed string (or anything whose valueOf is another value) stands for that value.
      const prim = typeof value.valueOf === "function" ? value.valueOf() : undefined;
      if (prim != null && prim !== value && (typeof prim === "string" || typeof prim === "object")) return Buffer.from(prim, encodingOrOffset, length);
      if (value.type === "Buffer" && Array.isArray(value.data)) return fromBytes(Uint8Array.from(value.data));
      if (typeof value.length === "number" || Array.isArray(value)) return fromBytes(Uint8Array.from(value, (v) => Number(v) & 0xff));
      // An object naming an ArrayBuffer but no length, as Node reads it, is empty.
      if (value.length !== undefined || isAnyArrayBuffer(value.buffer)) return Buffer.alloc(0);
      if (typeof value[Symbol.toPrimitive] === "function") {
        const text = value[Symbol.toPrimitive]("string");
        if (typeof text === "string") return fromBytes(stringToBytes(text, encodingOrOffset));
      }
    }
    throw errors.invalidArgType("first argument", ["string", "Buffer", "ArrayBuffer", "Array", "Array-like Object"], value);
  }

  /** A copy of a typed array's bytes; `offset` and `length` count its elements. */
  static copyBytesFrom(view, offset, length) {
    if (!ArrayBuffer.isView(view) || view instanceof DataView) throw errors.invalidArgType("view", "TypedArray", view);
    const size = view.BYTES_PER_ELEMENT;
    let start = 0;
    let end = view.length;
    if (offset !== undefined) {
      errors.validateInteger(offset, "offset", 0);
      if (offset >= view.length) return Buffer.alloc(0);
      start = offset;
    }
    if (length !== undefined) {
      errors.validateInteger(length, "length", 0);
      end = Math.min(view.length, start + length);
    }
    if (end <= start) return Buffer.alloc(0);
    return fromBytes(new Uint8Array(view.buffer, view.byteOffset + start * size, (end - start) * size).slice());
  }

  static alloc(size, fill, encoding) {
    checkSize(size);
    const buf = new Buffer(size);
    if (fill !== undefined && fill !== 0 && size > 0) buf.fill(fill, 0, size, encoding);
    return buf;
  }

  static allocUnsafe(size) {
    checkSize(size);
    return new Buffer(size);
  }

  static allocUnsafeSlow(size) {
    return Buffer.allocUnsafe(size);
  }

  static isBuffer(value) {
    return value instanceof Buffer;
  }

  static isEncoding(encoding) {
    return typeof encoding === "string" && encoding.length > 0 && normalizeEncoding(encoding) !== undefined;
  }

  static byteLength(value, encoding) {
    if (typeof value !== "string") {
      if (ArrayBuffer.isView(value) || isAnyArrayBuffer(value)) return value.byteLength;
      throw errors.invalidArgType("string", ["string", "Buffer", "ArrayBuffer"], value);
    }
    switch (normalizeEncoding(encoding)) {
      case "utf8":
        return utf8Encoder.encode(value).length;
      case "latin1":
      case "ascii":
        return value.length;
      case "utf16le":
        return value.length * 2;
      case "hex":
        return value.length >>> 1;
      case "base64":
      case "base64url": {
        // From the length, as Node does, not by decoding.
        let n = value.length;
        if (n > 0 && value.charCodeAt(n - 1) === 61) n--;
        if (n > 1 && value.charCodeAt(n - 1) === 61) n--;
        return (n * 3) >>> 2;
      }
      default:
        // An unknown encoding counts as UTF-8, as Node counts it.
        return utf8Encoder.encode(value).length;
    }
  }

  static concat(list, totalLength) {
    if (!Array.isArray(list)) throw errors.invalidArgType("list", "Array", list);
    list.forEach((b, i) => {
      if (!(b instanceof Uint8Array)) throw errors.invalidArgType(`list[${i}]`, ["Buffer", "Uint8Array"], b);
    });
    if (totalLength !== undefined) {
      if (typeof totalLength !== "number") throw errors.invalidArgType("length", "number", totalLength);
      if (!Number.isInteger(totalLength)) throw errors.outOfRange("length", "an integer", totalLength);
      if (!(totalLength >= 0 && totalLength <= kMaxLength)) throw errors.outOfRange("length", `>= 0 && <= ${kMaxLength}`, totalLength);
    }
    if (list.length === 0) return Buffer.alloc(0);
    // Byte lengths from the views themselves: a spoofed `length` cannot over-read.
    const views = list.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const total = totalLength === undefined ? views.reduce((n, b) => n + b.length, 0) : Math.trunc(totalLength);
    const out = Buffer.alloc(total);
    let pos = 0;
    for (const b of views) {
      if (pos >= total) break;
      const take = Math.min(b.length, total - pos);
      if (take === 0) continue;
      out.set(take === b.length ? b : b.subarray(0, take), pos);
      pos += take;
    }
    return out;
  }

  static compare(a, b) {
    if (!(a instanceof Uint8Array)) throw errors.invalidArgType("buf1", ["Buffer", "Uint8Array"], a);
    if (!(b instanceof Uint8Array)) throw errors.invalidArgType("buf2", ["Buffer", "Uint8Array"], b);
    return compareBytes(a, b);
  }

  toString(encoding, start, end) {
    if (encoding !== undefined && typeof encoding !== "string") {
      if (encoding === null || typeof encoding !== "object") throw errors.unknownEncoding(encoding);
      encoding = `${encoding}`;
    }
    const len = this.length;
    if (start === undefined || start <= 0) start = 0;
    else if (start >= len) return "";
    else start = Math.trunc(start) || 0;
    if (end === undefined || end > len) end = len;
    else end = Math.trunc(end) || 0;
    if (end <= start) return "";
    return bytesToString(start === 0 && end === this.length ? this : this.subarray(start, end), encoding);
  }

  toJSON() {
    return { type: "Buffer", data: Array.from(this) };
  }

  equals(other) {
    if (!(other instanceof Uint8Array)) throw errors.invalidArgType("otherBuffer", ["Buffer", "Uint8Array"], other);
    return compareBytes(this, other) === 0;
  }

  compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!(target instanceof Uint8Array)) throw errors.invalidArgType("target", ["Buffer", "Uint8Array"], target);
    // Each bound must be an integer in range; none is coerced.
    const bound = (value, name, fallback, max) => {
      if (value === undefined) return fallback;
      if (typeof value !== "number") throw errors.invalidArgType(name, "number", value);
      if (!Number.isInteger(value)) throw errors.outOfRange(name, "an integer", value);
      if (value < 0 || value > max) throw errors.outOfRange(name, `>= 0 && <= ${max}`, value);
      return value;
    };
    targetStart = bound(targetStart, "targetStart", 0, kMaxLength);
    targetEnd = bound(targetEnd, "targetEnd", target.length, target.length);
    sourceStart = bound(sourceStart, "sourceStart", 0, kMaxLength);
    sourceEnd = bound(sourceEnd, "sourceEnd", this.length, this.length);
    if (sourceStart >= sourceEnd) return targetStart >= targetEnd ? 0 : -1;
    if (targetStart >= targetEnd) return 1;
    return compareBytes(this.subarray(sourceStart, sourceEnd), target.subarray(targetStart, targetEnd));
  }

  copy(target, targetStart, sourceStart, sourceEnd) {
    if (!(this instanceof Uint8Array)) throw errors.invalidArgType("source", ["Buffer", "Uint8Array"], this);
    if (!ArrayBuffer.isView(target)) throw errors.invalidArgType("target", ["Buffer", "Uint8Array"], target);
    // Any view is a target: its bytes are written.
    if (!(target instanceof Uint8Array)) target = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    targetStart = toInteger(targetStart, 0);
    if (targetStart < 0) throw errors.outOfRange("targetStart", ">= 0", targetStart);
    sourceStart = toInteger(sourceStart, 0);
    if (sourceStart < 0 || sourceStart > this.length) throw errors.outOfRange("sourceStart", `>= 0 && <= ${this.length}`, sourceStart);
    sourceEnd = sourceEnd === undefined ? this.length : toInteger(sourceEnd, 0);
    if (sourceEnd < 0) throw errors.outOfRange("sourceEnd", ">= 0", sourceEnd);
    if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
    const n = Math.min(Math.min(sourceEnd, this.length) - sourceStart, target.length - targetStart);
    target.set(Uint8Array.prototype.subarray.call(this, sourceStart, sourceStart + n), targetStart);
    return n;
  }

  slice(start, end) {
    return this.subarray(start, end);
  }

  subarray(start, end) {
    const view = Uint8Array.prototype.subarray.call(this, start, end);
    Object.setPrototypeOf(view, Buffer.prototype);
    return view;
  }

  write(string, offset, length, encoding) {
    if (typeof offset === "string" && length === undefined) {
      encoding = offset;
      offset = 0;
    } else if (typeof length === "string") {
      encoding = length;
      length = undefined;
    }
    if (typeof string !== "string") throw errors.invalidArgType("argument", "string", string);
    if (encoding !== undefined && normalizeEncoding(encoding) === undefined) throw unknownEncoding(encoding);
    if (offset === undefined) offset = 0;
    else {
      if (typeof offset !== "number") throw errors.invalidArgType("offset", "number", offset);
      if (!Number.isInteger(offset)) throw errors.outOfRange("offset", "an integer", offset);
      if (offset < 0 || offset > this.length) throw errors.outOfRange("offset", `>= 0 && <= ${this.length}`, offset);
    }
    if (length !== undefined) {
      if (typeof length !== "number") throw errors.invalidArgType("length", "number", length);
      if (!Number.isInteger(length)) throw errors.outOfRange("length", "an integer", length);
      if (length < 0 || length > this.length) throw errors.outOfRange("length", `>= 0 && <= ${this.length}`, length);
    }
    const bytes = stringToBytes(string, encoding);
    let n = Math.min(bytes.length, this.length - offset, length === undefined ? Infinity : length);
    // Never a partial UTF-8 sequence or half a UTF-16 unit.
    const enc = normalizeEncoding(encoding);
    if (enc === "utf8" && n < bytes.length) {
      while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
    } else if (enc === "utf16le") {
      n -= n % 2;
    }
    this.set(bytes.subarray(0, n), offset);
    return n;
  }

  // Node's rules: a string names its encoding in place of offset or end; a one-character string
  // fills as a byte; a value that encodes to no bytes is an error, not a no-op.
  fill(value, offset, end, encoding) {
    if (typeof value === "string") {
      if (offset === undefined || typeof offset === "string") {
        encoding = offset;
        offset = 0;
        end = this.length;
      } else if (typeof end === "string") {
        encoding = end;
        end = this.length;
      }
      const enc = normalizeEncoding(encoding);
      if (enc === undefined) {
        if (typeof encoding !== "string") throw errors.invalidArgType("encoding", "string", encoding);
        throw unknownEncoding(encoding);
      }
      if (value.length === 0) value = 0;
      else if (value.length === 1 && ((enc === "utf8" && value.charCodeAt(0) < 128) || enc === "latin1")) value = value.charCodeAt(0) & 0xff;
    } else {
      encoding = undefined;
    }
    if (offset === undefined) {
      offset = 0;
      end = this.length;
    } else {
      validateOffset(offset, "offset", 0, kMaxLength);
      if (end === undefined) end = this.length;
      else validateOffset(end, "end", 0, this.length);
      if (offset >= end) return this;
    }
    if (end > this.length) throw errors.bufferOutOfBounds();
    let bytes;
    if (typeof value === "string") bytes = stringToBytes(value, encoding);
    else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    else if (typeof value === "number") return Uint8Array.prototype.fill.call(this, value & 0xff, offset, end);
    else return Uint8Array.prototype.fill.call(this, Number(value) & 0xff, offset, end);
    if (bytes.length === 0) throw errors.invalidArgValue("value", value);
    if (bytes.length === 1) return Uint8Array.prototype.fill.call(this, bytes[0], offset, end);
    // Doubling copies: log2(n) native copies instead of a byte loop.
    const target = Uint8Array.prototype.subarray.call(this, offset, end);
    const first = Math.min(bytes.length, target.length);
    target.set(bytes.subarray(0, first), 0);
    for (let filled = first; filled < target.length; filled *= 2) target.copyWithin(filled, 0, Math.min(filled, target.length - filled));
    return this;
  }


  swap16() {
    if (this.length % 2 !== 0) throw new RangeError("Buffer size must be a multiple of 16-bits");
    for (let i = 0; i < this.length; i += 2) [this[i], this[i + 1]] = [this[i + 1], this[i]];
    return this;
  }

  swap32() {
    if (this.length % 4 !== 0) throw new RangeError("Buffer size must be a multiple of 32-bits");
    for (let i = 0; i < this.length; i += 4) this.subarray(i, i + 4).reverse();
    return this;
  }

  swap64() {
    if (this.length % 8 !== 0) throw new RangeError("Buffer size must be a multiple of 64-bits");
    for (let i = 0; i < this.length; i += 8) this.subarray(i, i + 8).reverse();
    return this;
  }

  // Undefined on anything but a Buffer, as in Node (the prototype itself included).
  get parent() {
    return this instanceof Buffer ? this.buffer : undefined;
  }

  get offset() {
    return this instanceof Buffer ? this.byteOffset : undefined;
  }
}

/** An integer from a number-ish argument (Node's coercion for offsets). */
function toInteger(value, fallback) {
  if (value === undefined) return fallback;
  if (Number.isInteger(value)) return value;
  const n = Math.trunc(Number(value));
  return Number.isNaN(n) ? fallback : n;
}

const ARRAY_BUFFER_LENGTH = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const SHARED_LENGTH = typeof SharedArrayBuffer === "function" ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get : undefined;

/** A real ArrayBuffer or SharedArrayBuffer (not merely something inheriting from one). */
function isAnyArrayBuffer(value) {
  if (value === null || typeof value !== "object") return false;
  for (const getter of [ARRAY_BUFFER_LENGTH, SHARED_LENGTH]) {
    if (!getter) continue;
    try {
      getter.call(value);
      return true;
    } catch {
      // not this kind
    }
  }
  return false;
}

function fromBytes(bytes) {
  return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Node's validateOffset: a number, an integer, and inside [min, max]. */
function validateOffset(value, name, min, max) {
  if (typeof value !== "number") throw errors.invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw errors.outOfRange(name, "an integer", value);
  if (value < min || value > max) throw errors.outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function checkSize(size) {
  if (typeof size !== "number") throw errors.invalidArgType("size", "number", size);
  if (!(size >= 0 && size <= 0x7fffffff)) throw outOfRange("size", ">= 0 && <= 2147483647", size);
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function search(buf, value, byteOffset, encoding, last) {
  if (typeof byteOffset === "string") {
    encoding = byteOffset;
    byteOffset = last ? buf.length : 0;
  }
  byteOffset = Number(byteOffset);
  if (Number.isNaN(byteOffset)) byteOffset = last ? buf.length : 0;
  if (byteOffset < 0) byteOffset = buf.length + byteOffset;
  if (typeof value !== "number" && typeof value !== "string" && !(value instanceof Uint8Array)) throw errors.invalidArgType("value", ["number", "string", "Buffer", "Uint8Array"], value);
  const needle = typeof value === "number" ? Uint8Array.of(value & 0xff) : typeof value === "string" ? stringToBytes(value, encoding) : value;
  if (needle.length === 0) return last ? Math.min(byteOffset, buf.length) : Math.min(Math.max(byteOffset, 0), buf.length);
  // UTF-16 searches go by whole code units, at even offsets.
  const wide = typeof value !== "number" && encoding !== undefined && normalizeEncoding(encoding) === "utf16le";
  if (wide && (needle.length < 2 || buf.length < 2)) return -1;
  const step = wide ? 2 : 1;
  if (last) {
    let i = Math.min(byteOffset, buf.length - needle.length);
    if (wide) i -= i % 2;
    for (; i >= 0; i -= step) if (matchesAt(buf, needle, i)) return i;
  } else if (!wide) {
    // Candidates by their first byte, found natively.
    const first = needle[0];
    const end = buf.length - needle.length;
    for (let i = Uint8Array.prototype.indexOf.call(buf, first, Math.max(byteOffset, 0)); i !== -1 && i <= end; i = Uint8Array.prototype.indexOf.call(buf, first, i + 1)) {
      if (matchesAt(buf, needle, i)) return i;
    }
  } else {
    let i = Math.max(byteOffset, 0);
    i += i % 2;
    for (; i <= buf.length - needle.length; i += step) if (matchesAt(buf, needle, i)) return i;
  }
  return -1;
}

function matchesAt(buf, needle, at) {
  for (let j = 0; j < needle.length; j++) if (buf[at + j] !== needle[j]) return false;
  return true;
}

// Fixed-width readers and writers, through a DataView on the buffer's bytes.
function view(buf) {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

// Node's bounds rules: `offset` must be a number, an integer, and leave room for `size` bytes.
function checkOffset(buf, offset, size, name = "offset") {
  if (offset === undefined) offset = 0;
  if (typeof offset !== "number") throw errors.invalidArgType(name, "number", offset);
  if (offset < 0 || offset + size > buf.length || !Number.isInteger(offset)) boundsError(offset, buf.length - size, name);
  return offset;
}

function boundsError(value, length, name = "offset") {
  if (Math.floor(value) !== value) throw errors.outOfRange(name, "an integer", value);
  if (length < 0) throw errors.bufferOutOfBounds();
  throw errors.outOfRange(name, `>= ${name === "byteLength" ? 1 : 0} and <= ${length}`, value);
}

function checkByteLength(byteLength) {
  if (typeof byteLength !== "number") throw errors.invalidArgType("byteLength", "number", byteLength);
  if (!Number.isInteger(byteLength) || byteLength < 1 || byteLength > 6) boundsError(byteLength, 6, "byteLength");
}

function valueRange(min, max, byteLength, big) {
  const n = big ? "n" : "";
  // Node states ranges of 5 bytes and more as powers of two.
  if (byteLength > 4) {
    const bits = byteLength * 8;
    return min === 0 || min === 0n ? `>= 0${n} and < 2${n} ** ${bits}${n}` : `>= -(2${n} ** ${bits - 1}${n}) and < 2${n} ** ${bits - 1}${n}`;
  }
  return `>= ${min}${n} and <= ${max}${n}`;
}

function checkValue(value, min, max, byteLength) {
  if (value > max || value < min) throw errors.outOfRange("value", valueRange(min, max, byteLength, typeof min === "bigint"), value);
}

const FIXED = [
  ["UInt8", 1, "Uint8", false, 0, 0xff],
  ["Int8", 1, "Int8", false, -0x80, 0x7f],
  ["UInt16LE", 2, "Uint16", true, 0, 0xffff],
  ["UInt16BE", 2, "Uint16", false, 0, 0xffff],
  ["Int16LE", 2, "Int16", true, -0x8000, 0x7fff],
  ["Int16BE", 2, "Int16", false, -0x8000, 0x7fff],
  ["UInt32LE", 4, "Uint32", true, 0, 0xffffffff],
  ["UInt32BE", 4, "Uint32", false, 0, 0xffffffff],
  ["Int32LE", 4, "Int32", true, -0x80000000, 0x7fffffff],
  ["Int32BE", 4, "Int32", false, -0x80000000, 0x7fffffff],
  ["FloatLE", 4, "Float32", true],
  ["FloatBE", 4, "Float32", false],
  ["DoubleLE", 8, "Float64", true],
  ["DoubleBE", 8, "Float64", false],
  ["BigUInt64LE", 8, "BigUint64", true, 0n, 0xffffffffffffffffn],
  ["BigUInt64BE", 8, "BigUint64", false, 0n, 0xffffffffffffffffn],
  ["BigInt64LE", 8, "BigInt64", true, -(2n ** 63n), 2n ** 63n - 1n],
  ["BigInt64BE", 8, "BigInt64", false, -(2n ** 63n), 2n ** 63n - 1n],
];

for (const [name, size, dv, little, min, max] of FIXED) {
  const get = DataView.prototype[`get${dv}`];
  const set = DataView.prototype[`set${dv}`];
  const big = typeof min === "bigint";
  const read = function (offset) {
    return get.call(view(this), checkOffset(this, offset, size), little);
  };
  const write = function (value, offset) {
    if (big) {
      if (typeof value !== "bigint") throw errors.invalidArgType("value", "bigint", value);
    } else {
      value = +value;
    }
    if (offset !== undefined && typeof offset !== "number") throw errors.invalidArgType("offset", "number", offset);
    if (min !== undefined) checkValue(value, min, max, size);
    offset = checkOffset(this, offset, size);
    set.call(view(this), offset, value, little);
    return offset + size;
  };
  Buffer.prototype[`read${name}`] = read;
  Buffer.prototype[`write${name}`] = write;
  // The lowercase aliases Node keeps (readUint8, readBigUint64LE, ...).
  if (name.includes("UInt")) {
    Buffer.prototype[`read${name.replace("UInt", "Uint")}`] = read;
    Buffer.prototype[`write${name.replace("UInt", "Uint")}`] = write;
  }
}

// Variable-width integers (1 to 6 bytes).
// Variable-width reads and writes take no default offset.
function requireOffset(offset) {
  if (typeof offset !== "number") throw errors.invalidArgType("offset", "number", offset);
}

function readUIntBE(offset, byteLength) {
  requireOffset(offset);
  checkByteLength(byteLength);
  offset = checkOffset(this, offset, byteLength);
  let v = 0;
  for (let i = 0; i < byteLength; i++) v = v * 256 + this[offset + i];
  return v;
}
function readUIntLE(offset, byteLength) {
  requireOffset(offset);
  checkByteLength(byteLength);
  offset = checkOffset(this, offset, byteLength);
  let v = 0;
  for (let i = byteLength - 1; i >= 0; i--) v = v * 256 + this[offset + i];
  return v;
}
function signed(v, byteLength) {
  const limit = 2 ** (8 * byteLength - 1);
  return v >= limit ? v - 2 * limit : v;
}
Buffer.prototype.readUintBE = Buffer.prototype.readUIntBE = readUIntBE;
Buffer.prototype.readUintLE = Buffer.prototype.readUIntLE = readUIntLE;
Buffer.prototype.readIntBE = function readIntBE(offset, byteLength) {
  return signed(readUIntBE.call(this, offset, byteLength), byteLength);
};
Buffer.prototype.readIntLE = function readIntLE(offset, byteLength) {
  return signed(readUIntLE.call(this, offset, byteLength), byteLength);
};
function writeVariable(buf, value, offset, byteLength, isSigned, littleEndian) {
  requireOffset(offset);
  checkByteLength(byteLength);
  value = +value;
  const bits = 8 * byteLength;
  const min = isSigned ? -(2 ** (bits - 1)) : 0;
  const max = isSigned ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  checkValue(value, min, max, byteLength);
  offset = checkOffset(buf, offset, byteLength);
  let v = value < 0 ? value + 2 ** bits : value;
  for (let i = 0; i < byteLength; i++) {
    buf[offset + (littleEndian ? i : byteLength - 1 - i)] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return offset + byteLength;
}
Buffer.prototype.writeUintBE = Buffer.prototype.writeUIntBE = function writeUIntBE(value, offset, byteLength) {
  return writeVariable(this, value, offset, byteLength, false, false);
};
Buffer.prototype.writeUintLE = Buffer.prototype.writeUIntLE = function writeUIntLE(value, offset, byteLength) {
  return writeVariable(this, value, offset, byteLength, false, true);
};
Buffer.prototype.writeIntBE = function writeIntBE(value, offset, byteLength) {
  return writeVariable(this, value, offset, byteLength, true, false);
};
Buffer.prototype.writeIntLE = function writeIntLE(value, offset, byteLength) {
  return writeVariable(this, value, offset, byteLength, true, true);
};

// The search methods are plain functions, as in Node: called on something that is not a view
// (even as a constructor), they say so in Node's words.
function checkReceiver(buf) {
  if (!ArrayBuffer.isView(buf)) throw errors.invalidArgType("buffer", ["Buffer", "TypedArray", "DataView"], buf);
}

Object.defineProperties(Buffer.prototype, {
  indexOf: {
    value: function indexOf(value, byteOffset = 0, encoding) {
      checkReceiver(this);
      return search(this, value, byteOffset, encoding, false);
    },
    writable: true,
    configurable: true,
  },
  lastIndexOf: {
    value: function lastIndexOf(value, byteOffset = this.length, encoding) {
      checkReceiver(this);
      return search(this, value, byteOffset, encoding, true);
    },
    writable: true,
    configurable: true,
  },
  includes: {
    value: function includes(value, byteOffset = 0, encoding) {
      checkReceiver(this);
      return search(this, value, byteOffset, encoding, false) !== -1;
    },
    writable: true,
    configurable: true,
  },
});

// Node's per-encoding methods (`buf.utf8Write(...)`, `buf.hexSlice(...)`), which older packages
// call directly. Writes insist that the range lies inside the buffer; slices clamp like toString.
for (const [prefix, encoding] of [
  ["ascii", "ascii"],
  ["latin1", "latin1"],
  ["utf8", "utf8"],
  ["ucs2", "utf16le"],
  ["hex", "hex"],
  ["base64", "base64"],
  ["base64url", "base64url"],
]) {
  const write = {
    [`${prefix}Write`](string, offset = 0, length = this.byteLength - offset) {
      if (offset < 0 || offset > this.byteLength) throw errors.bufferOutOfBounds("offset");
      if (length < 0 || length > this.byteLength - offset) throw errors.bufferOutOfBounds("length");
      return Buffer.prototype.write.call(this, string, offset, length, encoding);
    },
  }[`${prefix}Write`];
  const slice = {
    [`${prefix}Slice`](start = 0, end = this.byteLength) {
      if (start < 0 || end > this.byteLength) throw errors.coded(RangeError, "ERR_OUT_OF_RANGE", "Index out of range");
      return Buffer.prototype.toString.call(this, encoding, start, end);
    },
  }[`${prefix}Slice`];
  Object.defineProperty(Buffer.prototype, write.name, { value: write, writable: true, configurable: true });
  Object.defineProperty(Buffer.prototype, slice.name, { value: slice, writable: true, configurable: true });
}

Object.defineProperty(Buffer, "poolSize", { value: 8192, writable: true, enumerable: true });

// Buffer(...) called without `new`, as old code does.
// The deprecated `Buffer(x)` / `new Buffer(x)`: a size allocates, anything else is `from`.
function legacyBuffer(args) {
  warnLegacyConstructor();
  if (typeof args[0] === "number") {
    if (typeof args[1] === "string") throw errors.invalidArgType("string", "string", args[0]);
    return Buffer.alloc(args[0]);
  }
  return Buffer.from(...args);
}

// DEP0005, once per isolate, when the caller is the app's own code: as in Node, calls from
// inside node_modules stay quiet (old dependencies cannot all be fixed).
let legacyWarned = false;
function warnLegacyConstructor() {
  if (legacyWarned) return;
  legacyWarned = true;
  if (callerInNodeModules()) {
    legacyWarned = false;
    return;
  }
  globalThis.process?.emitWarning(
    "Buffer() is deprecated due to security and usability issues. Please use the Buffer.alloc(), Buffer.allocUnsafe(), or Buffer.from() methods instead.",
    "DeprecationWarning",
    "DEP0005",
    BufferFunction,
  );
}

/** Whether the first caller frame with a file name lies in a node_modules folder. */
function callerInNodeModules() {
  const [caller] = errors.appCallSites(16);
  return caller !== undefined && /[\\/]node_modules[\\/]/.test(caller.getFileName());
}

// Node's Buffer statics are enumerable: packages copy them with for...in (safer-buffer, used
// by iconv-lite and so by Express's body parsers).
for (const name of ["from", "copyBytesFrom", "of", "alloc", "allocUnsafe", "allocUnsafeSlow", "isBuffer", "compare", "isEncoding", "concat", "byteLength"]) {
  if (Object.prototype.hasOwnProperty.call(Buffer, name)) Object.defineProperty(Buffer, name, { enumerable: true });
}

const BufferFunction = new Proxy(Buffer, {
  apply(target, thisArg, args) {
    return legacyBuffer(args);
  },
  construct(target, args, newTarget) {
    // Subclasses construct as Uint8Array subclasses do; `new Buffer(...)` itself is legacy.
    if (newTarget !== BufferFunction) return Reflect.construct(target, args, newTarget);
    return legacyBuffer(args);
  },
});

const kMaxLength = 0x7fffffff;
// The engine's own limits: 2 GiB per ArrayBuffer, 2^30 - 1 characters per string.
const kStringMaxLength = 0x3fffffff;
const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
const INSPECT_MAX_BYTES = 50;

function isUtf8(input) {
  input = checkBytesInput(input);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(input);
    return true;
  } catch {
    return false;
  }
}

function checkBytesInput(input) {
  if (!ArrayBuffer.isView(input) && !isAnyArrayBuffer(input)) throw errors.invalidArgType("input", ["ArrayBuffer", "Buffer", "TypedArray"], input);
  const backing = ArrayBuffer.isView(input) ? input.buffer : input;
  if (backing.detached === true) throw errors.coded(Error, "ERR_INVALID_STATE", "Invalid state: Cannot validate on a detached buffer");
  return ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
}

function isAscii(input) {
  const bytes = checkBytesInput(input);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

const btoaFn = globalThis.btoa;
const atobFn = globalThis.atob;
const BlobClass = globalThis.Blob;
const FileClass = globalThis.File;

let inspectMaxBytes = INSPECT_MAX_BYTES;
const bufferModule = { Buffer: BufferFunction, constants, kMaxLength, kStringMaxLength, isUtf8, isAscii, btoa: btoaFn, atob: atobFn, Blob: BlobClass, File: FileClass, SlowBuffer: BufferFunction };

Object.defineProperty(bufferModule, "INSPECT_MAX_BYTES", {
  get: () => inspectMaxBytes,
  set(value) {
    if (typeof value !== "number") throw errors.invalidArgType("INSPECT_MAX_BYTES", "number", value);
    if (!(value >= 0)) throw errors.outOfRange("INSPECT_MAX_BYTES", ">= 0", value);
    inspectMaxBytes = value;
  },
  enumerable: true,
  configurable: true,
});

// `<Buffer 68 69>`, as Node shows buffers (up to `buffer.INSPECT_MAX_BYTES` bytes).
Object.defineProperty(Buffer.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectBuffer(depth, options, inspect) {
    const max = bufferModule.INSPECT_MAX_BYTES;
    const shown = Array.from(Uint8Array.prototype.subarray.call(this, 0, Math.min(max, this.length)), (b) => b.toString(16).padStart(2, "0")).join(" ");
    const remaining = this.length - max;
    let body = shown + (remaining > 0 ? ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}` : "");
    // Properties the app added to the buffer follow its bytes.
    if (typeof inspect === "function") {
      const extras = Object.keys(this)
        .filter((key) => !/^(0|[1-9][0-9]*)$/.test(key))
        .map((key) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${inspect(this[key], options)}`);
      if (extras.length) body += (body ? ", " : "") + extras.join(", ");
    }
    return `<${this.constructor.name} ${body}>`;
  },
  writable: true,
  configurable: true,
});

Buffer.prototype.inspect = Buffer.prototype[Symbol.for("nodejs.util.inspect.custom")];
Buffer.prototype.toLocaleString = Buffer.prototype.toString;

export default bufferModule;
export { BufferFunction as Buffer, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES, isUtf8, isAscii, btoaFn as btoa, atobFn as atob, BlobClass as Blob, FileClass as File, BufferFunction as SlowBuffer };
export const transcode = undefined;
