// CompressionStream and DecompressionStream: TransformStreams around the native deflate codec
// (`gzip`, `deflate`, `deflate-raw`, `brotli`). The codec is handed over by the bootstrap.

let nativeCodec;
const FORMATS = ["brotli", "deflate", "deflate-raw", "gzip"];
const CODEC_STREAM = Symbol("codec stream");

function codecTransform(format, decompress, className) {
  format = String(format);
  if (!FORMATS.includes(format)) throw new TypeError(`${className}: unsupported format '${format}'`);
  const codec = nativeCodec(format, decompress);
  return new TransformStream({
    transform(chunk, controller) {
      const out = codec.push(chunk);
      if (out.byteLength > 0) controller.enqueue(out);
      const failure = codec.failure;
      if (failure !== undefined && failure !== null) throw new TypeError(failure);
    },
    flush(controller) {
      const out = codec.finish();
      if (out.byteLength > 0) controller.enqueue(out);
    },
  });
}

class CompressionStream {
  constructor(format) {
    if (arguments.length === 0) throw new TypeError("CompressionStream: format is required");
    this[CODEC_STREAM] = codecTransform(format, false, "CompressionStream");
  }
  get readable() {
    return this[CODEC_STREAM].readable;
  }
  get writable() {
    return this[CODEC_STREAM].writable;
  }
  get [Symbol.toStringTag]() {
    return "CompressionStream";
  }
}

class DecompressionStream {
  constructor(format) {
    if (arguments.length === 0) throw new TypeError("DecompressionStream: format is required");
    this[CODEC_STREAM] = codecTransform(format, true, "DecompressionStream");
  }
  get readable() {
    return this[CODEC_STREAM].readable;
  }
  get writable() {
    return this[CODEC_STREAM].writable;
  }
  get [Symbol.toStringTag]() {
    return "DecompressionStream";
  }
}
