// The JS side of Workers-style bindings (`src/bindings/`): `KVNamespace` and the D1-style
// `D1Database` over native handles whose storage the embedder provides. Argument checks,
// value conversions and result shapes follow Workers KV and D1; the native side moves bytes
// and SQLite values.

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

export { kvNamespace, KVNamespace, sqlDatabase, D1Database, D1PreparedStatement, serviceBinding, Fetcher };
