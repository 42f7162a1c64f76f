// node:zlib — gzip, deflate (zlib), raw deflate and brotli, compressing and decompressing:
// one-shot (`gzipSync`, and `gzip` with a callback) and as Transform streams (`createGzip`,
// ...), with `flush()`, `unzip` that detects the header, `crc32`, and Node's constants. The
// codec is the native one CompressionStream uses.

import { Buffer } from "node:buffer";
import { Transform } from "node:stream";
import { nativeCodec } from "edge:bootstrap";
import * as errors from "node:internal/errors";

const constants = Object.freeze({
  Z_NO_FLUSH: 0,
  Z_PARTIAL_FLUSH: 1,
  Z_SYNC_FLUSH: 2,
  Z_FULL_FLUSH: 3,
  Z_FINISH: 4,
  Z_BLOCK: 5,
  Z_OK: 0,
  Z_STREAM_END: 1,
  Z_NEED_DICT: 2,
  Z_ERRNO: -1,
  Z_STREAM_ERROR: -2,
  Z_DATA_ERROR: -3,
  Z_MEM_ERROR: -4,
  Z_BUF_ERROR: -5,
  Z_VERSION_ERROR: -6,
  Z_NO_COMPRESSION: 0,
  Z_BEST_SPEED: 1,
  Z_BEST_COMPRESSION: 9,
  Z_DEFAULT_COMPRESSION: -1,
  Z_FILTERED: 1,
  Z_HUFFMAN_ONLY: 2,
  Z_RLE: 3,
  Z_FIXED: 4,
  Z_DEFAULT_STRATEGY: 0,
  ZLIB_VERNUM: 4865,
  DEFLATE: 1,
  INFLATE: 2,
  GZIP: 3,
  GUNZIP: 4,
  DEFLATERAW: 5,
  INFLATERAW: 6,
  UNZIP: 7,
  BROTLI_DECODE: 8,
  BROTLI_ENCODE: 9,
  Z_MIN_WINDOWBITS: 8,
  Z_MAX_WINDOWBITS: 15,
  Z_DEFAULT_WINDOWBITS: 15,
  Z_MIN_CHUNK: 64,
  Z_MAX_CHUNK: Infinity,
  Z_DEFAULT_CHUNK: 16384,
  Z_MIN_MEMLEVEL: 1,
  Z_MAX_MEMLEVEL: 9,
  Z_DEFAULT_MEMLEVEL: 8,
  Z_MIN_LEVEL: -1,
  Z_MAX_LEVEL: 9,
  Z_DEFAULT_LEVEL: -1,
  BROTLI_OPERATION_PROCESS: 0,
  BROTLI_OPERATION_FLUSH: 1,
  BROTLI_OPERATION_FINISH: 2,
  BROTLI_OPERATION_EMIT_METADATA: 3,
  BROTLI_PARAM_MODE: 0,
  BROTLI_MODE_GENERIC: 0,
  BROTLI_MODE_TEXT: 1,
  BROTLI_MODE_FONT: 2,
  BROTLI_DEFAULT_MODE: 0,
  BROTLI_PARAM_QUALITY: 1,
  BROTLI_MIN_QUALITY: 0,
  BROTLI_MAX_QUALITY: 11,
  BROTLI_DEFAULT_QUALITY: 11,
  BROTLI_PARAM_LGWIN: 2,
  BROTLI_MIN_WINDOW_BITS: 10,
  BROTLI_MAX_WINDOW_BITS: 24,
  BROTLI_DEFAULT_WINDOW: 22,
  BROTLI_PARAM_LGBLOCK: 3,
  BROTLI_PARAM_SIZE_HINT: 5,
  BROTLI_DECODER_RESULT_ERROR: 0,
  BROTLI_DECODER_RESULT_SUCCESS: 1,
});

const FORMATS = {
  Gzip: ["gzip", false],
  Gunzip: ["gzip", true],
  Deflate: ["deflate", false],
  Inflate: ["deflate", true],
  DeflateRaw: ["deflate-raw", false],
  InflateRaw: ["deflate-raw", true],
  Unzip: [null, true],
  BrotliCompress: ["brotli", false],
  BrotliDecompress: ["brotli", true],
};

function levelOf(format, options) {
  if (format === "brotli") return options?.params?.[constants.BROTLI_PARAM_QUALITY] ?? -1;
  const level = options?.level ?? constants.Z_DEFAULT_COMPRESSION;
  if (typeof level !== "number") throw errors.invalidArgType("options.level", "number", level);
  if (level < -1 || level > 9) throw errors.outOfRange("options.level", ">= -1 and <= 9", level);
  return level;
}

function toBuffer(data, name = "buffer") {
  if (typeof data === "string") return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw errors.invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView", "ArrayBuffer"], data);
}

function zlibError(message) {
  const detail = /header/i.test(message) ? "incorrect header check" : /end|truncated|EOF|unexpected|incomplete/i.test(message) ? "unexpected end of file" : "invalid stored block lengths";
  const err = new Error(detail);
  err.errno = detail === "unexpected end of file" ? constants.Z_BUF_ERROR : constants.Z_DATA_ERROR;
  err.code = detail === "unexpected end of file" ? "Z_BUF_ERROR" : "Z_DATA_ERROR";
  err.cause = message;
  return err;
}

/** The native codec for a format, once the first bytes tell `unzip` which it is. */
class Engine {
  #codec = null;
  #format;
  #decompress;
  #level;
  #head = null;

  constructor(format, decompress, level) {
    this.#format = format;
    this.#decompress = decompress;
    this.#level = level;
    if (format !== null) this.#codec = nativeCodec(format, decompress, level);
  }

  push(bytes) {
    if (this.#codec === null) {
      // unzip: gzip starts with 1f 8b; anything else is zlib.
      this.#head = this.#head ? Buffer.concat([this.#head, bytes]) : Buffer.from(bytes);
      if (this.#head.length < 2) return new Uint8Array(0);
      const isGzip = this.#head[0] === 0x1f && this.#head[1] === 0x8b;
      this.#codec = nativeCodec(isGzip ? "gzip" : "deflate", true, this.#level);
      bytes = this.#head;
      this.#head = null;
    }
    const out = this.#codec.push(bytes);
    const failure = this.#codec.failure;
    if (failure !== undefined && failure !== null) throw zlibError(failure);
    return out;
  }

  flush() {
    return this.#codec ? this.#codec.flush() : new Uint8Array(0);
  }

  finish() {
    if (this.#codec === null) {
      if (this.#head) throw zlibError("unexpected end of file");
      return new Uint8Array(0);
    }
    try {
      return this.#codec.finish();
    } catch (e) {
      throw zlibError(e.message);
    }
  }
}

function asBuffer(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

class ZlibBase extends Transform {
  #engine;

  constructor(format, decompress, options) {
    super({ ...options, objectMode: false });
    this.#engine = new Engine(format, decompress, levelOf(format ?? "deflate", options));
    this.bytesWritten = 0;
    this._closed = false;
  }

  _transform(chunk, encoding, callback) {
    try {
      this.bytesWritten += chunk.length;
      const out = this.#engine.push(chunk);
      callback(null, out.byteLength ? asBuffer(out) : undefined);
    } catch (e) {
      callback(e);
    }
  }

  _flush(callback) {
    try {
      const out = this.#engine.finish();
      callback(null, out.byteLength ? asBuffer(out) : undefined);
    } catch (e) {
      callback(e);
    }
  }

  /** Pushes out what is compressed so far (Z_SYNC_FLUSH), then calls `callback`. */
  flush(kind, callback) {
    if (typeof kind === "function") callback = kind;
    try {
      const out = this.#engine.flush();
      if (out.byteLength) this.push(asBuffer(out));
    } catch (e) {
      this.destroy(e);
    }
    if (typeof callback === "function") queueMicrotask(callback);
  }

  params(level, strategy, callback) {
    if (typeof callback === "function") queueMicrotask(callback);
  }

  reset() {}

  close(callback) {
    if (typeof callback === "function") this.once("close", callback);
    this.destroy();
  }
}

const classes = {};
const factories = {};
const sync = {};
const async = {};
for (const [name, [format, decompress]] of Object.entries(FORMATS)) {
  const cls = {
    [name]: class extends ZlibBase {
      constructor(options) {
        super(format, decompress, options);
      }
    },
  }[name];
  classes[name] = cls;
  factories[`create${name}`] = (options) => new cls(options);
  const base = name[0].toLowerCase() + name.slice(1);
  const runSync = (data, options) => {
    const engine = new Engine(format, decompress, levelOf(format ?? "deflate", options));
    const first = engine.push(toBuffer(data));
    const last = engine.finish();
    const out = Buffer.concat([asBuffer(first), asBuffer(last)]);
    if (options?.info) return { buffer: out, engine };
    return out;
  };
  sync[`${base}Sync`] = runSync;
  async[base] = (data, options, callback) => {
    if (typeof options === "function") {
      callback = options;
      options = {};
    }
    errors.validateFunction(callback, "callback");
    let result;
    let error = null;
    try {
      result = runSync(data, options);
    } catch (e) {
      error = e;
    }
    setTimeout(() => callback(error, result), 0);
  };
}

// CRC-32 (the gzip polynomial), continuing from `value`.
let CRC_TABLE;
function crc32(data, value = 0) {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const bytes = toBuffer(data, "data");
  let crc = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const codes = Object.freeze({ Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3, Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6 });

const zlib = { constants, codes, crc32, ...classes, ...factories, ...sync, ...async };

export default zlib;
export { constants, codes, crc32 };
export const { Gzip, Gunzip, Deflate, Inflate, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress } = classes;
export const { createGzip, createGunzip, createDeflate, createInflate, createDeflateRaw, createInflateRaw, createUnzip, createBrotliCompress, createBrotliDecompress } = factories;
export const { gzipSync, gunzipSync, deflateSync, inflateSync, deflateRawSync, inflateRawSync, unzipSync, brotliCompressSync, brotliDecompressSync } = sync;
export const { gzip, gunzip, deflate, inflate, deflateRaw, inflateRaw, unzip, brotliCompress, brotliDecompress } = async;
