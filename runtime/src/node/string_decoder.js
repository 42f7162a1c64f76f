// node:string_decoder — decodes a stream of byte chunks into text without splitting a
// multi-byte character across chunks (UTF-8, UTF-16LE, base64 and hex keep their remainders).

import { Buffer } from "node:buffer";
import * as errors from "node:internal/errors";

function normalize(enc) {
  const e = String(enc ?? "utf8").toLowerCase();
  if (e === "utf8" || e === "utf-8") return "utf8";
  if (e === "ucs2" || e === "ucs-2" || e === "utf16le" || e === "utf-16le") return "utf16le";
  if (e === "latin1" || e === "binary") return "latin1";
  if (e === "base64" || e === "base64url" || e === "hex" || e === "ascii") return e;
  const err = new TypeError(`Unknown encoding: ${enc}`);
  err.code = "ERR_UNKNOWN_ENCODING";
  throw err;
}

class StringDecoderClass {
  constructor(encoding) {
    this.encoding = normalize(encoding);
    this.pending = new Uint8Array(0);
    this.total = 0;
  }

  write(chunk) {
    if (typeof chunk === "string") return chunk;
    if (!ArrayBuffer.isView(chunk)) throw errors.invalidArgType("buf", ["Buffer", "TypedArray", "DataView"], chunk);
    if (!(this.pending instanceof Uint8Array)) throw errors.coded(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of type StringDecoder');
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk.buffer ?? chunk, chunk.byteOffset ?? 0, chunk.byteLength);
    if (this.encoding === "utf8") return utf8Write(this, bytes);
    const all = concat(this.pending, bytes);
    // A held high surrogate waits for all of its low one.
    if (this.encoding === "utf16le" && this.pending.length === 2 && all.length < 4) {
      this.pending = all;
      return "";
    }
    const unit = { utf16le: 2, base64: 3, base64url: 3 }[this.encoding] ?? 1;
    const whole = all.length - (all.length % unit);
    let end = whole;
    // A UTF-16 high surrogate waits for its pair, unless half a unit follows it (as in Node).
    if (this.encoding === "utf16le" && end >= 2 && all.length % 2 === 0) {
      const last = all[end - 2] | (all[end - 1] << 8);
      if (last >= 0xd800 && last <= 0xdbff) end -= 2;
    }
    this.pending = all.slice(end);
    return Buffer.from(all.buffer, all.byteOffset, end).toString(this.encoding);
  }

  end(chunk) {
    let out = chunk === undefined ? "" : this.write(chunk);
    if (this.encoding === "utf8") {
      // The unfinished character decodes as the bytes it has (U+FFFD for each invalid part).
      if (this.pending.length > 0) out += Buffer.from(this.pending).toString("utf8");
      this.pending = new Uint8Array(0);
      this.total = 0;
    } else if (this.pending.length > 0) {
      out += Buffer.from(this.pending).toString(this.encoding);
      this.pending = new Uint8Array(0);
    }
    return out;
  }

  text(chunk, offset) {
    return this.write(chunk.subarray(offset));
  }

  // Node's undocumented view of an unfinished character: its bytes so far (in 4), how many
  // more it needs, and its whole length.
  get lastChar() {
    const out = Buffer.alloc(4);
    out.set(this.pending.subarray(0, 4));
    return out;
  }

  get lastNeed() {
    return this.pending.length === 0 ? 0 : this.lastTotal - this.pending.length;
  }

  get lastTotal() {
    if (this.pending.length === 0) return 0;
    if (this.encoding === "utf8") return this.total;
    if (this.encoding === "utf16le") return this.pending.length >= 2 ? 4 : 2;
    return { base64: 3, base64url: 3 }[this.encoding] ?? 1;
  }
}

// UTF-8 as Node's decoder streams it: a character cut at the end of a chunk is held (up to
// three bytes, judged by its lead byte alone, so F5-F7 count as four-byte leads); when the
// next chunk does not continue it, what was held decodes on its own (to U+FFFD, one per
// invalid byte) and the chunk is decoded afresh.
const EMPTY = new Uint8Array(0);

/** 0 for ASCII, 2-4 for a lead byte's sequence length, -1 for a continuation byte, -2 otherwise. */
function leadKind(byte) {
  if (byte <= 0x7f) return 0;
  if (byte >> 5 === 0x06) return 2;
  if (byte >> 4 === 0x0e) return 3;
  if (byte >> 3 === 0x1e) return 4;
  return byte >> 6 === 0x02 ? -1 : -2;
}

/** [bytes to hold, the held character's full length] for the end of `bytes`. */
function utf8Incomplete(bytes) {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const kind = leadKind(bytes[bytes.length - back]);
    if (kind === -1) continue;
    return kind > back ? [back, kind] : [0, 0];
  }
  return [0, 0];
}

function utf8Write(dec, bytes) {
  let out = "";
  let start = 0;
  if (dec.pending.length > 0) {
    const missing = dec.total - dec.pending.length;
    const checked = Math.min(missing, bytes.length, 3);
    for (let k = 0; k < checked; k++) {
      if ((bytes[k] & 0xc0) !== 0x80) {
        out = Buffer.from(concat(dec.pending, bytes.subarray(0, k))).toString("utf8");
        dec.pending = EMPTY;
        dec.total = 0;
        start = k;
        break;
      }
    }
    if (dec.pending.length > 0) {
      if (bytes.length < missing) {
        dec.pending = concat(dec.pending, bytes).slice();
        return "";
      }
      out = Buffer.from(concat(dec.pending, bytes.subarray(0, missing))).toString("utf8");
      dec.pending = EMPTY;
      dec.total = 0;
      start = missing;
    }
  }
  if (start >= bytes.length) return out;
  const rest = bytes.subarray(start);
  const [held, total] = utf8Incomplete(rest);
  if (held > 0) {
    dec.pending = rest.slice(rest.length - held);
    dec.total = total;
  }
  return out + Buffer.from(rest.buffer, rest.byteOffset, rest.length - held).toString("utf8");
}

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// A function constructor, as Node's is: `StringDecoder.call(obj)` initializes `obj`.
function StringDecoder(encoding) {
  if (this === undefined) return new StringDecoder(encoding);
  this.encoding = normalize(encoding);
  this.pending = new Uint8Array(0);
  this.total = 0;
}
StringDecoder.prototype = StringDecoderClass.prototype;
Object.defineProperty(StringDecoder.prototype, "constructor", { value: StringDecoder, writable: true, configurable: true });

export default { StringDecoder };
export { StringDecoder };
