// The errors Node's built-ins throw, with Node's codes and message shapes (apps and packages
// match on `code`, tests on the text): invalid argument types and values, ranges, buffer bounds,
// unknown encodings, missing arguments. For the built-in modules only.

import { inspectValue as inspect } from "edge:bootstrap";

const CLASS_RE = /^[A-Z][a-zA-Z0-9]*$/;
const PRIMITIVES = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];

function coded(Base, code, message) {
  const err = new Base(message);
  Object.defineProperty(err, "code", { value: code, enumerable: true, writable: true, configurable: true });
  // Node's errors print as `TypeError [CODE]: message`.
  Object.defineProperty(err, "toString", {
    value() {
      return `${this.name} [${code}]: ${this.message}`;
    },
    writable: true,
    configurable: true,
  });
  return err;
}

function list(items, conjunction = "or") {
  if (items.length <= 2) return items.join(` ${conjunction} `);
  return `${items.slice(0, -1).join(", ")}, ${conjunction} ${items.at(-1)}`;
}

/** ` Received …` as Node describes a value it did not expect. */
function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === "function") return ` Received function ${value.name}`;
  if (typeof value === "object") {
    if (value.constructor?.name) return ` Received an instance of ${value.constructor.name}`;
    return ` Received ${inspect(value, -1)}`;
  }
  let shown = inspect(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

/** ERR_INVALID_ARG_TYPE: `expected` is a type name, a class name, or a list of them. */
function invalidArgType(name, expected, actual) {
  if (!Array.isArray(expected)) expected = [expected];
  let msg = name.endsWith(" argument") ? `The ${name} ` : `The "${name}" ${name.includes(".") ? "property" : "argument"} `;
  msg += "must be ";
  const types = [];
  const instances = [];
  const other = [];
  for (const value of expected) {
    if (PRIMITIVES.includes(value)) types.push(value.toLowerCase());
    else if (CLASS_RE.test(value)) instances.push(value);
    else other.push(value);
  }
  if (instances.length > 0) {
    const pos = types.indexOf("object");
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push("Object");
    }
  }
  if (types.length > 0) {
    msg += `${types.length > 1 ? "one of type" : "of type"} ${list(types)}`;
    if (instances.length > 0 || other.length > 0) msg += " or ";
  }
  if (instances.length > 0) {
    msg += `an instance of ${list(instances)}`;
    if (other.length > 0) msg += " or ";
  }
  if (other.length > 0) {
    if (other.length > 1) msg += `one of ${list(other)}`;
    else msg += other[0].toLowerCase() === other[0] ? other[0] : `an ${other[0]}`;
  }
  return coded(TypeError, "ERR_INVALID_ARG_TYPE", `${msg}.${describeReceived(actual)}`);
}

/** ERR_INVALID_ARG_VALUE. */
function invalidArgValue(name, value, reason = "is invalid") {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  const kind = name.includes(".") ? "property" : "argument";
  return coded(TypeError, "ERR_INVALID_ARG_VALUE", `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

function withSeparators(text) {
  let out = "";
  let i = text.length;
  const start = text[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${text.slice(i - 3, i)}${out}`;
  return `${text.slice(0, i)}${out}`;
}

/** ERR_OUT_OF_RANGE. */
function outOfRange(name, range, received, options = {}) {
  let shown;
  if (options.plain) shown = received;
  else if (Number.isInteger(received) && Math.abs(received) > 2 ** 32) shown = withSeparators(String(received));
  else if (typeof received === "bigint") {
    shown = String(received);
    if (received > 2n ** 32n || received < -(2n ** 32n)) shown = withSeparators(shown);
    shown += "n";
  } else shown = inspect(received);
  const what = options.noQuote ? name : `"${name}"`;
  return coded(RangeError, "ERR_OUT_OF_RANGE", `The value of ${what} is out of range. It must be ${range}. Received ${shown}`);
}

/** ERR_BUFFER_OUT_OF_BOUNDS. */
function bufferOutOfBounds(name) {
  return coded(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS", name ? `"${name}" is outside of buffer bounds` : "Attempt to access memory outside buffer bounds");
}

function unknownEncoding(encoding) {
  return coded(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
}

function missingArgs(...names) {
  const quoted = names.map((n) => `"${n}"`);
  return coded(TypeError, "ERR_MISSING_ARGS", `The ${list(quoted, "and")} argument${names.length > 1 ? "s" : ""} must be specified`);
}

function validateNumber(value, name, min, max) {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if ((min != null && value < min) || (max != null && value > max) || ((min != null || max != null) && Number.isNaN(value))) {
    throw outOfRange(name, `${min != null ? `>= ${min}` : ""}${min != null && max != null ? " && " : ""}${max != null ? `<= ${max}` : ""}`, value);
  }
}

function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function validateString(value, name) {
  if (typeof value !== "string") throw invalidArgType(name, "string", value);
}

function validateFunction(value, name) {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

function validateObject(value, name, { nullable = false, allowArray = false, allowFunction = false } = {}) {
  if ((!nullable && value === null) || (!allowArray && Array.isArray(value)) || (typeof value !== "object" && (!allowFunction || typeof value !== "function"))) {
    throw invalidArgType(name, "Object", value);
  }
}

function validateBoolean(value, name) {
  if (typeof value !== "boolean") throw invalidArgType(name, "boolean", value);
}

/** The calling code's stack frames as V8-style call sites, Edge's built-in frames left out,
 * taken without running an app's `Error.prepareStackTrace`. */
function appCallSites(limit = 64) {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites;
  try {
    Error.prepareStackTrace = (_, callSites) => callSites;
    Error.stackTraceLimit = limit;
    sites = new Error().stack;
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  if (!Array.isArray(sites)) return [];
  return sites.filter((site) => {
    const file = site.getFileName?.();
    return typeof file === "string" && file !== "" && file !== "<null>" && file !== "native" && !file.startsWith("node:");
  });
}

export {
  appCallSites,
  coded,
  describeReceived,
  invalidArgType,
  invalidArgValue,
  outOfRange,
  bufferOutOfBounds,
  unknownEncoding,
  missingArgs,
  validateNumber,
  validateInteger,
  validateString,
  validateFunction,
  validateObject,
  validateBoolean,
};
