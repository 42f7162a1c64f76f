// The JS side of Workers-style bindings (`src/bindings/`): `KVNamespace` and the D1-style
// `D1Database` over native handles whose storage the embedder provides. Argument checks,
// value conversions and result shapes follow Workers KV and D1; the native side moves bytes
// and SQLite values.

import { cacheStore, knownBodyLength, serializeValue, deserializeValue } from "edge:bootstrap";

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
  if (length === 0) throw new TypeError("Key name cannot be empty.");
  if (name === "." || name === "..") throw new TypeError(`"${name}" is not allowed as a key name.`);
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
  return type;
}

// As in Workers, the type is checked once there is a value to convert.
function checkType(type) {
  if (!TYPES.includes(type)) throw new TypeError(`Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".`);
}

function convert(bytes, type) {
  checkType(type);
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
  // A primitive is stored as its string (WebIDL's conversion); any other object is refused.
  if (value === null || typeof value !== "object") return encoder.encode(String(value));
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
    if (at > 2147483647) throw new TypeError(`Value out of range. It must be between -2147483648 and 2147483647 (inclusive).`);
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
    let limit = options?.limit === undefined ? LIST_MAX : Math.floor(Number(options.limit));
    if (limit > LIST_MAX) {
      throw new Error(`KV GET failed: 400 Invalid key_count_limit of ${options.limit}. Please specify an integer less than ${LIST_MAX}.`);
    }
    // Workers takes no limit (or a non-positive one) as the most a page holds.
    if (!(limit > 0)) limit = LIST_MAX;
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

// D1: values bind as D1 binds them (numbers and booleans as REAL, bytes as BLOB); rows come
// back as objects (blobs as arrays of byte values).

function bindable(value) {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  throw new Error(`D1_TYPE_ERROR: Type '${typeof value}' not supported for value '${String(value)}'`);
}

function cell(value) {
  return value instanceof Uint8Array ? Array.from(value) : value;
}

function rowObjects(columns, rows) {
  return rows.map((row) => {
    const object = {};
    for (let i = 0; i < columns.length; i++) object[columns[i]] = cell(row[i]);
    return object;
  });
}

function result([columns, rows, changes, lastRowId, duration, rowsRead, rowsWritten, sizeAfter]) {
  return {
    success: true,
    meta: {
      served_by: "edge.db",
      duration,
      changes,
      last_row_id: lastRowId,
      changed_db: changes > 0,
      size_after: sizeAfter,
      rows_read: rowsRead,
      rows_written: rowsWritten,
    },
    results: rowObjects(columns, rows),
  };
}

const STATEMENT = Symbol("statement");

class D1PreparedStatement {
  #db;
  #sql;
  #params;
  constructor(db, sql, params = []) {
    this.#db = db;
    this.#sql = sql;
    this.#params = params;
  }
  get [STATEMENT]() {
    return [this.#sql, this.#params];
  }
  bind(...values) {
    return new D1PreparedStatement(this.#db, this.#sql, values.map(bindable));
  }
  async #run() {
    const [outcome] = await this.#db.run([[this.#sql, this.#params]], false);
    return outcome;
  }
  async first(column) {
    const [columns, rows] = await this.#run();
    if (column !== undefined && !columns.includes(column)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
    if (rows.length === 0) return null;
    const [row] = rowObjects(columns, rows.slice(0, 1));
    return column === undefined ? row : row[column];
  }
  async all() {
    return result(await this.#run());
  }
  async run() {
    return result(await this.#run());
  }
  async raw(options) {
    const [columns, rows] = await this.#run();
    const values = rows.map((row) => row.map(cell));
    return options?.columnNames ? [columns, ...values] : values;
  }
}

class D1Database {
  #handle;
  constructor(handle) {
    this.#handle = handle;
  }
  prepare(sql) {
    return new D1PreparedStatement(this.#handle, String(sql));
  }
  async batch(statements) {
    const list = Array.from(statements, (s) => {
      if (!(s instanceof D1PreparedStatement)) throw new TypeError("batch() takes prepared statements");
      return s[STATEMENT];
    });
    const outcomes = await this.#handle.run(list, true);
    return outcomes.map(result);
  }
  async exec(sql) {
    const [count, duration] = await this.#handle.exec(String(sql));
    return { count, duration };
  }
  async dump() {
    throw new Error("D1_DUMP_ERROR: dump() is not available on Edge");
  }
  withSession() {
    return this;
  }
}
Object.defineProperty(D1Database.prototype, Symbol.toStringTag, { value: "D1Database", configurable: true });

/** The `env` object of one SQL database binding. */
function sqlDatabase(handle) {
  return new D1Database(handle);
}

// A service binding: another app, reached with fetch().
class Fetcher {
  #handle;
  constructor(handle) {
    this.#handle = handle;
  }
  fetch(input, init) {
    return this.#handle.fetch(input, init);
  }
  connect() {
    throw new Error("connect() through a service binding is not available on Edge");
  }
}
Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: "Fetcher", configurable: true });

/** The `env` object of one service binding. */
function serviceBinding(handle) {
  return new Fetcher(handle);
}

// The Cache API, as Workers' cache behaves (checked against Miniflare, which runs workerd):
// a shared HTTP cache's storability rules (understood statuses; no no-store, private,
// Set-Cookie or Authorization; a positive lifetime from s-maxage, max-age or Expires, less
// Age), hop-by-hop headers dropped, `cf-cache-status`, `age` and `date` added; a match
// answers If-None-Match/If-Modified-Since with 304 and ranges with 206 (416 when none can be
// served); Vary is not used to tell variants apart, as in Workers.

const UNDERSTOOD = [200, 203, 204, 206, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501];
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"];

function directives(value) {
  const out = new Map();
  for (const part of (value ?? "").split(",")) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (key) out.set(key, eq < 0 ? true : part.slice(eq + 1).trim().replace(/^"|"$/g, ""));
  }
  return out;
}

/** Seconds the response may be served from the cache (0: it is not stored). */
function lifetimeSeconds(request, response) {
  const cc = directives(response.headers.get("cache-control"));
  if (!UNDERSTOOD.includes(response.status)) return 0;
  if (cc.has("no-store") || cc.has("no-cache")) return 0;
  if (cc.get("private") === true) return 0;
  if (response.headers.has("set-cookie")) return 0;
  if (request.headers.has("authorization") && !cc.has("public") && !cc.has("s-maxage") && !cc.has("must-revalidate")) return 0;
  let lifetime = 0;
  if (cc.has("s-maxage")) lifetime = Number(cc.get("s-maxage"));
  else if (cc.has("max-age")) lifetime = Number(cc.get("max-age"));
  else if (response.headers.has("expires")) {
    const expires = Date.parse(response.headers.get("expires"));
    const date = Date.parse(response.headers.get("date") ?? "") || Date.now();
    lifetime = Number.isFinite(expires) ? (expires - date) / 1000 : 0;
  }
  const age = Number(response.headers.get("age") ?? 0) || 0;
  lifetime -= age;
  return Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 0;
}

function keyRequest(request) {
  return request instanceof Request ? request : new Request(request);
}

function keyUrl(request) {
  const url = request.url;
  const hash = url.indexOf("#");
  return hash < 0 ? url : url.slice(0, hash);
}

function etagMatches(list, etag) {
  const weak = (t) => t.replace(/^W\//, "");
  return list.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || weak(tag) === weak(etag);
  });
}

/** The byte ranges a Range header asks of `size` bytes: a list, or null when none can be served. */
function rangesOf(header, size) {
  const m = /^bytes=(.+)$/.exec(header.trim());
  if (!m) return null;
  const out = [];
  for (const spec of m[1].split(",")) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(spec);
    if (!r || (r[1] === "" && r[2] === "")) return null;
    let start;
    let end;
    if (r[1] === "") {
      start = Math.max(0, size - Number(r[2]));
      end = size - 1;
    } else {
      start = Number(r[1]);
      end = r[2] === "" ? size - 1 : Math.min(Number(r[2]), size - 1);
    }
    if (start <= end && start < size) out.push([start, end]);
  }
  return out.length > 0 ? out : null;
}

function notImplemented(method, owner = "Cache") {
  return function () {
    return Promise.reject(new Error(`Failed to execute '${method}' on '${owner}': the method is not implemented.`));
  };
}

function checkOptions(options) {
  for (const key of ["ignoreSearch", "ignoreVary"]) {
    if (options?.[key] !== undefined) throw new Error(`The '${key}' field on 'CacheQueryOptions' is not implemented.`);
  }
}

class Cache {
  #name;
  #store;
  constructor(name, store) {
    this.#name = name;
    this.#store = store;
  }

  async put(request, response) {
    const req = keyRequest(request);
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (req.method !== "GET") throw new TypeError("Cannot cache response to non-GET request.");
    if (response.status === 206) throw new TypeError("Cannot cache response to a range request (206 Partial Content).");
    const vary = response.headers.get("vary");
    if (vary !== null && vary.split(",").some((v) => v.trim() === "*")) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    if (response.bodyUsed) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    const known = knownBodyLength(response);
    const body = new Uint8Array(await response.arrayBuffer());
    const lifetime = lifetimeSeconds(req, response);
    if (lifetime <= 0) return undefined;
    const headers = [];
    for (const [name, value] of response.headers) {
      if (HOP_BY_HOP.includes(name) || name === "date" || name === "age") continue;
      if (name === "warning" && /^\s*1\d\d/.test(value)) continue;
      headers.push([name, value]);
    }
    if (known !== undefined && !response.headers.has("content-length")) headers.push(["content-length", String(known)]);
    headers.push(["age", String(Number(response.headers.get("age") ?? 0) || 0)]);
    headers.push(["date", new Date().toUTCString()]);
    this.#store.put(this.#name, keyUrl(req), response.status, headers, body, Date.now() + lifetime * 1000, []);
    return undefined;
  }

  async match(request, options) {
    const req = keyRequest(request);
    checkOptions(options);
    if (req.method !== "GET" && !options?.ignoreMethod) return undefined;
    const [found] = this.#store.get(this.#name, keyUrl(req)).filter(([, , , expires]) => expires > Date.now());
    if (found === undefined) return undefined;
    const [status, headerList, body] = found;
    const headers = new Headers(headerList);
    headers.set("cf-cache-status", "HIT");
    const inm = req.headers.get("if-none-match");
    const etag = headers.get("etag");
    if (inm !== null && etag !== null && etagMatches(inm, etag)) return new Response(null, { status: 304, headers });
    const ims = Date.parse(req.headers.get("if-modified-since") ?? "");
    const modified = Date.parse(headers.get("last-modified") ?? "");
    if (inm === null && Number.isFinite(ims) && Number.isFinite(modified) && modified <= ims) {
      return new Response(null, { status: 304, headers });
    }
    const range = req.headers.get("range");
    if (range !== null && status === 200) {
      const spans = rangesOf(range, body.byteLength);
      if (spans === null) {
        return new Response(null, { status: 416, headers: { "cf-cache-status": "HIT", "content-range": `bytes */${body.byteLength}` } });
      }
      if (spans.length === 1) {
        const [[start, end]] = spans;
        headers.set("content-range", `bytes ${start}-${end}/${body.byteLength}`);
        headers.set("content-length", String(end - start + 1));
        return new Response(body.slice(start, end + 1), { status: 206, headers });
      }
      const boundary = `edge-boundary-${crypto.randomUUID()}`;
      const type = headers.get("content-type");
      const pieces = [];
      for (const [start, end] of spans) {
        let head = `--${boundary}\r\n`;
        if (type !== null) head += `Content-Type: ${type}\r\n`;
        head += `Content-Range: bytes ${start}-${end}/${body.byteLength}\r\n\r\n`;
        pieces.push(encoder.encode(head), body.slice(start, end + 1), encoder.encode("\r\n"));
      }
      pieces.push(encoder.encode(`--${boundary}--`));
      headers.set("content-type", `multipart/byteranges; boundary=${boundary}`);
      headers.delete("content-length");
      return new Response(new Blob(pieces), { status: 206, headers });
    }
    return new Response(NULL_BODY_STATUS.includes(status) ? null : body, { status, headers });
  }

  async delete(request, options) {
    const req = keyRequest(request);
    checkOptions(options);
    if (req.method !== "GET" && !options?.ignoreMethod) return false;
    return this.#store.delete(this.#name, keyUrl(req));
  }
}
for (const method of ["add", "addAll", "keys", "matchAll"]) {
  Object.defineProperty(Cache.prototype, method, { value: notImplemented(method), writable: true, configurable: true });
}
Object.defineProperty(Cache.prototype, Symbol.toStringTag, { value: "Cache", configurable: true });

const NULL_BODY_STATUS = [101, 204, 205, 304];

class CacheStorage {
  #store;
  #default;
  constructor(store) {
    this.#store = store;
    this.#default = new Cache("default", store);
  }
  get default() {
    return this.#default;
  }
  async open(name) {
    return new Cache(`named:${String(name)}`, this.#store);
  }
}
for (const method of ["has", "delete", "keys", "match"]) {
  Object.defineProperty(CacheStorage.prototype, method, { value: notImplemented(method, "CacheStorage"), writable: true, configurable: true });
}
Object.defineProperty(CacheStorage.prototype, Symbol.toStringTag, { value: "CacheStorage", configurable: true });

// Queues: a producer's `send`/`sendBatch` encode each body by its content type ("v8", the
// default, keeps any cloneable value; "json", "text", "bytes"); a consumer's batch has each
// message's `ack()`/`retry()`, `ackAll()`/`retryAll()`; a handler that returns acks what it
// did not decide, one that throws retries it.

const CONTENT_TYPES = ["v8", "json", "text", "bytes"];

function encodeMessage(body, contentType = "v8") {
  if (!CONTENT_TYPES.includes(contentType)) throw new TypeError(`Unknown queue message content type "${contentType}": use one of ${CONTENT_TYPES.join(", ")}.`);
  switch (contentType) {
    case "json":
      return encoder.encode(JSON.stringify(body));
    case "text":
      if (typeof body !== "string") throw new TypeError('A "text" message body must be a string.');
      return encoder.encode(body);
    case "bytes":
      if (!(body instanceof ArrayBuffer || ArrayBuffer.isView(body))) throw new TypeError('A "bytes" message body must be an ArrayBuffer or a view of one.');
      return body instanceof ArrayBuffer ? new Uint8Array(body.slice(0)) : new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    default:
      return serializeValue(body);
  }
}

function decodeMessage(bytes, contentType) {
  switch (contentType) {
    case "json":
      return JSON.parse(decoder.decode(bytes));
    case "text":
      return decoder.decode(bytes);
    case "bytes":
      return bytes.slice().buffer;
    default:
      return deserializeValue(bytes);
  }
}

function delayOf(options) {
  const delay = options?.delaySeconds;
  if (delay === undefined) return 0;
  const seconds = Math.floor(Number(delay));
  if (!(seconds >= 0 && seconds <= 43200)) throw new RangeError("delaySeconds must be between 0 and 43200 (12 hours).");
  return seconds;
}

class Queue {
  #handle;
  constructor(handle) {
    this.#handle = handle;
  }
  async send(body, options) {
    await this.#handle.send([[encodeMessage(body, options?.contentType), options?.contentType ?? "v8", delayOf(options)]]);
  }
  async sendBatch(messages, options) {
    const list = Array.from(messages, (m) => [encodeMessage(m.body, m.contentType), m.contentType ?? "v8", m.delaySeconds === undefined ? delayOf(options) : delayOf(m)]);
    if (list.length === 0) return;
    await this.#handle.send(list);
  }
}
Object.defineProperty(Queue.prototype, Symbol.toStringTag, { value: "Queue", configurable: true });

/** The `env` object of one queue binding. */
function queueProducer(handle) {
  return new Queue(handle);
}

/** Runs a consumer's `queue(batch, env, ctx)` on delivered messages; resolves with each
 * message's fate: `[[id, "ack" | "retry", delaySeconds], ...]`. */
async function deliverQueue(handler, module, queue, rows, env, ctx) {
  const decided = new Map();
  let all;
  const messages = rows.map(([id, timestamp, bytes, contentType, attempts]) => {
    let body;
    let decodeError;
    try {
      body = decodeMessage(bytes, contentType);
    } catch (err) {
      decodeError = err;
    }
    return Object.freeze({
      id,
      timestamp: new Date(timestamp),
      get body() {
        if (decodeError) throw decodeError;
        return body;
      },
      attempts,
      ack() {
        decided.set(id, ["ack", 0]);
      },
      retry(options) {
        decided.set(id, ["retry", delayOf(options)]);
      },
    });
  });
  const batch = Object.freeze({
    queue,
    messages: Object.freeze(messages),
    ackAll() {
      all = ["ack", 0];
    },
    retryAll(options) {
      all = ["retry", delayOf(options)];
    },
  });
  let failed = false;
  try {
    await handler.call(module, batch, env, ctx);
  } catch (err) {
    failed = true;
    console.error(`queue ${queue}: the handler threw; its undecided messages are retried:`, err);
  }
  return messages.map(({ id }) => {
    const [fate, delay] = decided.get(id) ?? all ?? (failed ? ["retry", 0] : ["ack", 0]);
    return [id, fate, delay];
  });
}

/** The `caches` global. */
function cacheStorage() {
  return new CacheStorage(cacheStore());
}

export { kvNamespace, KVNamespace, sqlDatabase, D1Database, D1PreparedStatement, serviceBinding, Fetcher, cacheStorage, Cache, CacheStorage, queueProducer, Queue, deliverQueue };
