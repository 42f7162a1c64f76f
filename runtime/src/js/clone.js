// structuredClone: the HTML structured clone algorithm for the types a server app passes
// around (primitives, wrappers, Date, RegExp, Map, Set, ArrayBuffer and views, Error, plain
// objects and arrays), with cycles and shared references preserved.

const ERROR_TYPES = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

function dataCloneError(what) {
  return new DOMException(`${what} could not be cloned`, "DataCloneError");
}

function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required");
  const transfer = options && options.transfer ? Array.from(options.transfer) : [];
  return cloneWithTransfer(value, transfer, new Map());
}

// Clones `value`, moving the ArrayBuffers and MessagePorts of `transfer` instead of copying
// them (the originals are detached). `memory` ends up mapping each moved object to its copy.
function cloneWithTransfer(value, transfer, memory) {
  const seen = new Set();
  for (const t of transfer) {
    if (!(t instanceof ArrayBuffer) && !(t instanceof MessagePort)) throw dataCloneError(Object.prototype.toString.call(t).slice(8, -1));
    if (seen.has(t)) throw new DOMException("A value appears twice in the transfer list", "DataCloneError");
    if (t instanceof ArrayBuffer && t.detached) throw new DOMException("An ArrayBuffer in the transfer list is detached", "DataCloneError");
    seen.add(t);
  }
  const moved = transfer;
  if (moved.length === 0) return cloneValue(value, memory);
  // A dry run first, with each buffer standing for itself, so that a value that cannot be
  // cloned fails before any buffer is detached; then the buffers move.
  const dry = new Map(memory);
  for (const t of moved) dry.set(t, t);
  const geometry = new Map();
  cloneValue(value, dry, geometry);
  for (const t of moved) memory.set(t, t instanceof ArrayBuffer ? t.transfer() : transferPort(t));
  return cloneValue(value, memory, geometry);
}

// `geometry`, when given, remembers each view's offset and length across the two passes of a
// transferring clone (a view over a moved buffer reads as empty once the buffer is detached).
function cloneValue(value, memory, geometry = null) {
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
    const buffer = cloneValue(value.buffer, memory, geometry);
    let offset = value.byteOffset;
    let length = value instanceof DataView ? value.byteLength : value.length;
    if (geometry !== null) {
      if (geometry.has(value)) [offset, length] = geometry.get(value);
      else geometry.set(value, [offset, length]);
    }
    if (value instanceof DataView) out = new DataView(buffer, offset, length);
    else out = new value.constructor(buffer, offset, length);
  } else if (value instanceof Map) {
    out = new Map();
    memory.set(value, out);
    for (const [k, v] of value) out.set(cloneValue(k, memory, geometry), cloneValue(v, memory, geometry));
    return out;
  } else if (value instanceof Set) {
    out = new Set();
    memory.set(value, out);
    for (const v of value) out.add(cloneValue(v, memory, geometry));
    return out;
  } else if (value instanceof Error) {
    const Ctor = ERROR_TYPES[value.name] || Error;
    out = Object.create(Ctor.prototype);
    memory.set(value, out);
    if (value.message !== undefined) Object.defineProperty(out, "message", { value: String(value.message), writable: true, configurable: true });
    if (value.stack !== undefined) Object.defineProperty(out, "stack", { value: String(value.stack), writable: true, configurable: true });
    if ("cause" in value) Object.defineProperty(out, "cause", { value: cloneValue(value.cause, memory, geometry), writable: true, configurable: true });
    return out;
  } else if (Array.isArray(value)) {
    out = new Array(value.length);
    memory.set(value, out);
    for (const k of Object.keys(value)) out[k] = cloneValue(value[k], memory, geometry);
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
    for (const k of Object.keys(value)) out[k] = cloneValue(value[k], memory, geometry);
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
