// structuredClone: the HTML structured clone algorithm for the types a server app passes
// around (primitives, wrappers, Date, RegExp, Map, Set, ArrayBuffer and views, Error, plain
// objects and arrays), with cycles and shared references preserved.

const ERROR_TYPES = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

function dataCloneError(what) {
  return new DOMException(`${what} could not be cloned`, "DataCloneError");
}

function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required");
  const memory = new Map();
  const transfer = options && options.transfer ? Array.from(options.transfer) : [];
  const out = cloneValue(value, memory);
  for (const t of transfer) {
    if (t instanceof ArrayBuffer && typeof t.transfer === "function") t.transfer();
  }
  return out;
}

function cloneValue(value, memory) {
  const type = typeof value;
  if (type === "symbol") throw dataCloneError("Symbol");
  if (type === "function") throw dataCloneError("function");
  if (value === null || type !== "object") return value;
  if (memory.has(value)) return memory.get(value);
  let out;
  if (value instanceof Boolean) out = new Boolean(value.valueOf());
  else if (value instanceof Number) out = new Number(value.valueOf());
  else if (value instanceof String) out = new String(value.valueOf());
  else if (typeof BigInt === "function" && Object.prototype.toString.call(value) === "[object BigInt]") out = Object(value.valueOf());
  else if (value instanceof Date) out = new Date(value.getTime());
  else if (value instanceof RegExp) out = new RegExp(value.source, value.flags);
  else if (value instanceof ArrayBuffer) out = value.slice(0);
  else if (typeof File === "function" && value instanceof File) {
    out = new File([value], value.name, { type: value.type, lastModified: value.lastModified });
  } else if (typeof Blob === "function" && value instanceof Blob) out = value.slice(0, value.size, value.type);
  else if (ArrayBuffer.isView(value)) {
    const buffer = cloneValue(value.buffer, memory);
    if (value instanceof DataView) out = new DataView(buffer, value.byteOffset, value.byteLength);
    else out = new value.constructor(buffer, value.byteOffset, value.length);
  } else if (value instanceof Map) {
    out = new Map();
    memory.set(value, out);
    for (const [k, v] of value) out.set(cloneValue(k, memory), cloneValue(v, memory));
    return out;
  } else if (value instanceof Set) {
    out = new Set();
    memory.set(value, out);
    for (const v of value) out.add(cloneValue(v, memory));
    return out;
  } else if (value instanceof Error) {
    const Ctor = ERROR_TYPES[value.name] || Error;
    out = Object.create(Ctor.prototype);
    memory.set(value, out);
    if (value.message !== undefined) Object.defineProperty(out, "message", { value: String(value.message), writable: true, configurable: true });
    if (value.stack !== undefined) Object.defineProperty(out, "stack", { value: String(value.stack), writable: true, configurable: true });
    if ("cause" in value) Object.defineProperty(out, "cause", { value: cloneValue(value.cause, memory), writable: true, configurable: true });
    return out;
  } else if (Array.isArray(value)) {
    out = new Array(value.length);
    memory.set(value, out);
    for (const k of Object.keys(value)) out[k] = cloneValue(value[k], memory);
    return out;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const tag = Object.prototype.toString.call(value);
      if (tag !== "[object Object]" || typeof value.constructor === "function" && value.constructor !== Object && isPlatformObject(value)) {
        throw dataCloneError(tag.slice(8, -1));
      }
    }
    out = {};
    memory.set(value, out);
    for (const k of Object.keys(value)) out[k] = cloneValue(value[k], memory);
    return out;
  }
  memory.set(value, out);
  return out;
}

function isPlatformObject(value) {
  return value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet ||
    (typeof ReadableStream === "function" && value instanceof ReadableStream) ||
    (typeof Request === "function" && (value instanceof Request || value instanceof Response));
}
