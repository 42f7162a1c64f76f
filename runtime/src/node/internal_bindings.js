// The JS side of Workers-style bindings (`src/bindings/`): `KVNamespace` over a native handle
// whose store the embedder provides. Argument checks, value conversions and result shapes
// follow Workers KV; the native side moves bytes.

const KEY_MAX_BYTES = 512;
const VALUE_MAX_BYTES = 25 * 1024 * 1024;
const METADATA_MAX_BYTES = 1024;
const MIN_TTL_SECONDS = 60;
const LIST_MAX = 1000;
const TYPES = ["text", "json", "arrayBuffer", "stream"];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function checkKey(op, key) {
  const name = String(key);
  const length = encoder.encode(name).byteLength;
  if (length === 0) throw new TypeError("Key names must be at least 1 byte long.");
  if (name === "." || name === "..") throw new TypeError(`Illegal key name "${name}". Please use a different name.`);
  if (length > KEY_MAX_BYTES) throw new Error(`KV ${op} failed: 414 UTF-8 encoded length of ${length} exceeds key length limit of ${KEY_MAX_BYTES}.`);
  return name;
}

function readType(options) {
  let type = "text";
  if (typeof options === "string") type = options;
  else if (options !== undefined && options !== null) {
    if (typeof options !== "object") throw new TypeError("The options argument must be a string or an object.");
    if (options.type !== undefined) type = String(options.type);
    if (options.cacheTtl !== undefined) {
      const ttl = Number(options.cacheTtl);
      if (!(ttl >= 30)) throw new Error(`KV GET failed: 400 Invalid cache_ttl of ${options.cacheTtl}. Cache TTL must be at least 30.`);
    }
  }
  if (!TYPES.includes(type)) throw new TypeError(`Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".`);
  return type;
}

function convert(bytes, type) {
  switch (type) {
    case "text":
      return decoder.decode(bytes);
    case "json":
      return JSON.parse(decoder.decode(bytes));
    case "arrayBuffer":
      return bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer;
    default:
      return new ReadableStream({
        type: "bytes",
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
      });
  }
}

async function valueBytes(value) {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ReadableStream) return new Uint8Array(await new Response(value).arrayBuffer());
  throw new TypeError("KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

function putOptions(options) {
  let expiration = null;
  let metadata = null;
  if (options === undefined || options === null) return { expiration, metadata };
  if (typeof options !== "object") throw new TypeError("The options argument must be an object.");
  if (options.expiration !== undefined && options.expiration !== null) {
    const at = Math.floor(Number(options.expiration));
    if (!Number.isFinite(at) || at < nowSeconds() + MIN_TTL_SECONDS) {
      throw new Error(`KV PUT failed: 400 Invalid expiration of ${options.expiration}. Please specify integer greater than the current number of seconds since the UNIX epoch.`);
    }
    expiration = at;
  }
  if (options.expirationTtl !== undefined && options.expirationTtl !== null) {
    const ttl = Math.floor(Number(options.expirationTtl));
    if (!Number.isFinite(ttl) || ttl < MIN_TTL_SECONDS) {
      throw new Error(`KV PUT failed: 400 Invalid expiration_ttl of ${options.expirationTtl}. Expiration TTL must be at least ${MIN_TTL_SECONDS}.`);
    }
    expiration = nowSeconds() + ttl;
  }
  if (options.metadata !== undefined && options.metadata !== null) {
    metadata = JSON.stringify(options.metadata);
    const length = encoder.encode(metadata).byteLength;
    if (length > METADATA_MAX_BYTES) throw new Error(`KV PUT failed: 413 Metadata length of ${length} exceeds limit of ${METADATA_MAX_BYTES}.`);
  }
  return { expiration, metadata };
}

class KVNamespace {
  #handle;
  constructor(handle) {
    this.#handle = handle;
  }

  async get(key, options) {
    const name = checkKey("GET", key);
    const type = readType(options);
    const found = await this.#handle.get(name);
    return found == null ? null : convert(found[0], type);
  }

  async getWithMetadata(key, options) {
    const name = checkKey("GET", key);
    const type = readType(options);
    const found = await this.#handle.get(name);
    if (found == null) return { value: null, metadata: null, cacheStatus: null };
    return { value: convert(found[0], type), metadata: found[1] == null ? null : JSON.parse(found[1]), cacheStatus: null };
  }

  async put(key, value, options) {
    const name = checkKey("PUT", key);
    const { expiration, metadata } = putOptions(options);
    const bytes = await valueBytes(value);
    if (bytes.byteLength > VALUE_MAX_BYTES) throw new Error(`KV PUT failed: 413 Value length of ${bytes.byteLength} exceeds limit of ${VALUE_MAX_BYTES}.`);
    await this.#handle.put(name, bytes, expiration, metadata);
  }

  async delete(key) {
    const name = checkKey("DELETE", key);
    await this.#handle.delete(name);
  }

  async list(options = {}) {
    const prefix = options?.prefix == null ? "" : String(options.prefix);
    const limit = options?.limit === undefined ? LIST_MAX : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX) {
      throw new Error(`KV GET failed: 400 Invalid key_count_limit of ${options.limit}. Please specify an integer between 1 and ${LIST_MAX}.`);
    }
    const cursor = options?.cursor == null || options.cursor === "" ? null : String(options.cursor);
    const [rows, next] = await this.#handle.list(prefix, limit, cursor);
    const keys = rows.map(([name, expiration, metadata]) => {
      const key = { name };
      if (expiration != null) key.expiration = expiration;
      if (metadata != null) key.metadata = JSON.parse(metadata);
      return key;
    });
    const page = { keys, list_complete: next == null, cacheStatus: null };
    if (next != null) page.cursor = next;
    return page;
  }
}
Object.defineProperty(KVNamespace.prototype, Symbol.toStringTag, { value: "KVNamespace", configurable: true });

/** The `env` object of one KV binding. */
function kvNamespace(handle) {
  return new KVNamespace(handle);
}

export { kvNamespace, KVNamespace };
