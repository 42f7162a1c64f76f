// node:string_decoder — decodes a stream of byte chunks into text without splitting a
// multi-byte character across chunks (UTF-8, UTF-16LE, base64 and hex keep their remainders).

import { Buffer } from "node:buffer";

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
    if (this.encoding === "utf8") this.decoder = new TextDecoder("utf-8");
  }

  write(chunk) {
    if (typeof chunk === "string") return chunk;
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk.buffer ?? chunk, chunk.byteOffset ?? 0, chunk.byteLength);
    if (this.encoding === "utf8") {
      // The decoder keeps an unfinished character; `pending` mirrors it for lastChar & co.
      this.pending = utf8Tail(concat(this.pending, bytes));
      return this.decoder.decode(bytes, { stream: true });
    }
    const all = concat(this.pending, bytes);
    const unit = { utf16le: 2, base64: 3, base64url: 3 }[this.encoding] ?? 1;
    const whole = all.length - (all.length % unit);
    let end = whole;
    // A UTF-16 high surrogate waits for its pair.
    if (this.encoding === "utf16le" && end >= 2) {
      const last = all[end - 2] | (all[end - 1] << 8);
      if (last >= 0xd800 && last <= 0xdbff) end -= 2;
    }
    this.pending = all.slice(end);
    return Buffer.from(all.buffer, all.byteOffset, end).toString(this.encoding);
  }

  end(chunk) {
    let out = chunk === undefined ? "" : this.write(chunk);
    if (this.encoding === "utf8") {
      out += this.decoder.decode();
      this.decoder = new TextDecoder("utf-8");
      this.pending = new Uint8Array(0);
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
    if (this.encoding === "utf8") return utf8Length(this.pending[0]);
    return { utf16le: 2, base64: 3, base64url: 3 }[this.encoding] ?? 1;
  }
}

/** Bytes a UTF-8 sequence starting with `lead` has (1 for anything that is not a lead). */
function utf8Length(lead) {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2) return 2;
  return 1;
}

/** The unfinished character at the end of `bytes` (empty when the last one is whole). */
function utf8Tail(bytes) {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue;
    return utf8Length(b) > back ? bytes.slice(bytes.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
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
  if (this.encoding === "utf8") this.decoder = new TextDecoder("utf-8");
}
StringDecoder.prototype = StringDecoderClass.prototype;
Object.defineProperty(StringDecoder.prototype, "constructor", { value: StringDecoder, writable: true, configurable: true });

export default { StringDecoder };
export { StringDecoder };
