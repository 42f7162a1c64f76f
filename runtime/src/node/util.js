// node:util — the helpers packages reach for: promisify/callbackify, inherits, format and
// inspect (the console's formatting), deprecate, types, isDeepStrictEqual, TextEncoder/Decoder.

import * as errors from "node:internal/errors";
import { isDeepEqual } from "node:internal/deep_equal";
import { inspectValue, formatArgs, processEnv } from "edge:bootstrap";

const kCustomPromisify = Symbol.for("nodejs.util.promisify.custom");


function promisify(original) {
  if (typeof original !== "function") throw errors.invalidArgType("original", "function", original);
  if (original[kCustomPromisify]) {
    const fn = original[kCustomPromisify];
    if (typeof fn !== "function") throw errors.invalidArgType("util.promisify.custom", "function", fn);
    return Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      ReflectApply(original, this, [
        ...args,
        (err, value) => {
          if (err) reject(err);
          else resolve(value);
        },
      ]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustomPromisify;

const ReflectApply = Reflect.apply;

function callbackify(original) {
  if (typeof original !== "function") throw errors.invalidArgType("original", "function", original);
  function callbackified(...args) {
    const callback = args.pop();
    if (typeof callback !== "function") throw errors.invalidArgType("last argument", "function", callback);
    ReflectApply(original, this, args).then(
      (value) => queueMicrotask(() => callback(null, value)),
      (reason) => {
        let err = reason;
        if (!reason) {
          err = new Error("Promise was rejected with a falsy value");
          err.code = "ERR_FALSY_VALUE_REJECTION";
          err.reason = reason;
        }
        queueMicrotask(() => callback(err));
      },
    );
  }
  Object.defineProperties(callbackified, {
    length: { value: original.length + 1, configurable: true },
    name: { value: `${original.name}Callbackified`, configurable: true },
  });
  return callbackified;
}

function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw errors.invalidArgType("ctor", "function", ctor);
  if (superCtor === undefined || superCtor === null) throw errors.invalidArgType("superCtor", "function", superCtor);
  if (superCtor.prototype === undefined) throw errors.invalidArgType("superCtor.prototype", "object", superCtor.prototype);
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

function format(...args) {
  return formatArgs(args);
}

function inspect(value, opts) {
  const depth = typeof opts === "object" && opts !== null && typeof opts.depth === "number" ? opts.depth : 2;
  return inspectValue(value, depth, new Set(), false);
}
inspect.custom = Symbol.for("nodejs.util.inspect.custom");
inspect.defaultOptions = { depth: 2 };

// debuglog(section): a logger that writes only when the app's NODE_DEBUG variable names the
// section (comma-separated, case-insensitive, `*` wildcards), as Node's does.
let debugPatterns;
function debugEnabled(section) {
  if (debugPatterns === undefined) {
    const value = processEnv().find(([key]) => key === "NODE_DEBUG")?.[1] ?? "";
    debugPatterns = value
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => new RegExp(`^${p.replace(/[|\\{}()[\]^$+?.]/g, "\\$&").replace(/\*/g, ".*")}$`, "i"));
  }
  return debugPatterns.some((re) => re.test(section));
}

function debuglog(section, callback) {
  const name = String(section).toUpperCase();
  let enabled;
  const logger = (...args) => {
    enabled ??= debugEnabled(name);
    if (enabled) console.error(`${name} 1: ${format(...args)}`);
  };
  Object.defineProperty(logger, "enabled", {
    get: () => (enabled ??= debugEnabled(name)),
    enumerable: true,
    configurable: true,
  });
  if (typeof callback === "function") callback(logger);
  return logger;
}

const warned = new Set();
function deprecate(fn, message, code) {
  if (typeof fn !== "function") throw errors.invalidArgType("fn", "function", fn);
  if (code !== undefined && typeof code !== "string") throw errors.invalidArgType("code", "string", code);
  function deprecated(...args) {
    const key = code ?? message;
    if (!warned.has(key)) {
      warned.add(key);
      console.warn(`${code ? `[${code}] ` : ""}DeprecationWarning: ${message}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : ReflectApply(fn, this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated;
}

const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
const isTypedArrayOf = (name) => (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === name;

const types = {
  isAnyArrayBuffer: (v) => v instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer),
  isArrayBuffer: (v) => v instanceof ArrayBuffer,
  isSharedArrayBuffer: (v) => typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer,
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isTypedArray: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) !== undefined,
  isUint8Array: isTypedArrayOf("Uint8Array"),
  isUint8ClampedArray: isTypedArrayOf("Uint8ClampedArray"),
  isUint16Array: isTypedArrayOf("Uint16Array"),
  isUint32Array: isTypedArrayOf("Uint32Array"),
  isInt8Array: isTypedArrayOf("Int8Array"),
  isInt16Array: isTypedArrayOf("Int16Array"),
  isInt32Array: isTypedArrayOf("Int32Array"),
  isFloat32Array: isTypedArrayOf("Float32Array"),
  isFloat64Array: isTypedArrayOf("Float64Array"),
  isBigInt64Array: isTypedArrayOf("BigInt64Array"),
  isBigUint64Array: isTypedArrayOf("BigUint64Array"),
  isDataView: (v) => v instanceof DataView,
  isDate: (v) => v instanceof Date,
  isRegExp: (v) => v instanceof RegExp,
  isMap: (v) => v instanceof Map,
  isSet: (v) => v instanceof Set,
  isWeakMap: (v) => v instanceof WeakMap,
  isWeakSet: (v) => v instanceof WeakSet,
  isPromise: (v) => v instanceof Promise,
  isNativeError: (v) => v instanceof Error,
  isAsyncFunction: (v) => typeof v === "function" && tagOf(v) === "AsyncFunction",
  isGeneratorFunction: (v) => typeof v === "function" && /GeneratorFunction$/.test(tagOf(v)),
  isGeneratorObject: (v) => tagOf(v) === "Generator",
  isBoxedPrimitive: (v) => v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof BigInt || v instanceof Symbol,
  isNumberObject: (v) => v instanceof Number,
  isStringObject: (v) => v instanceof String,
  isBooleanObject: (v) => v instanceof Boolean,
  isSymbolObject: (v) => typeof v === "object" && v instanceof Symbol,
  isProxy: () => false,
  isModuleNamespaceObject: (v) => tagOf(v) === "Module",
  isKeyObject: () => false,
  isCryptoKey: (v) => typeof CryptoKey === "function" && v instanceof CryptoKey,
};

function isDeepStrictEqual(a, b, skipPrototype) {
  return isDeepEqual(a, b, true, skipPrototype === true);
}

// ANSI escape sequences: OSC strings (hyperlinks, titles) up to their terminator (BEL, ESC \\
// or ST), and CSI/other control sequences with their parameters and final byte.
const VT_SEQUENCE = /\u001B\][^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)|[\u001B\u009B][[\]()#;?]*(?:\d{1,4}(?:[;:]\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~]/g;

function stripVTControlCharacters(str) {
  errors.validateString(str, "str");
  return str.replace(VT_SEQUENCE, "");
}

const isArray = Array.isArray;
const isBoolean = (v) => typeof v === "boolean";
const isNull = (v) => v === null;
const isNullOrUndefined = (v) => v === null || v === undefined;
const isNumber = (v) => typeof v === "number";
const isString = (v) => typeof v === "string";
const isSymbol = (v) => typeof v === "symbol";
const isUndefined = (v) => v === undefined;
const isObject = (v) => v !== null && typeof v === "object";
const isFunction = (v) => typeof v === "function";
const isPrimitive = (v) => v === null || (typeof v !== "object" && typeof v !== "function");
const isError = (v) => v instanceof Error;
const isDate = types.isDate;
const isRegExp = types.isRegExp;

const TextEncoderClass = globalThis.TextEncoder;
const TextDecoderClass = globalThis.TextDecoder;

/** The caller's stack frames (up to `frameCount`, default 10), without running an app's
 * `Error.prepareStackTrace`: function and script names, line and column. */
function getCallSites(frameCount = 10, options) {
  if (typeof frameCount === "object" && frameCount !== null) {
    options = frameCount;
    frameCount = 10;
  }
  if (options !== undefined) errors.validateObject(options, "options");
  errors.validateNumber(frameCount, "frameCount", 1, 200);
  return errors
    .appCallSites(frameCount + 32)
    .slice(0, frameCount)
    .map((site) => {
      const column = site.getColumnNumber?.() ?? 0;
      return { functionName: site.getFunctionName?.() ?? "", scriptId: "0", scriptName: site.getFileName(), lineNumber: site.getLineNumber?.() ?? 0, columnNumber: column, column };
    });
}

const util = {
  promisify,
  callbackify,
  inherits,
  format,
  inspect,
  deprecate,
  debuglog,
  debug: debuglog,
  types,
  isDeepStrictEqual,
  stripVTControlCharacters,
  getCallSites,
  TextEncoder: TextEncoderClass,
  TextDecoder: TextDecoderClass,
  isArray,
  isBoolean,
  isNull,
  isNullOrUndefined,
  isNumber,
  isString,
  isSymbol,
  isUndefined,
  isObject,
  isFunction,
  isPrimitive,
  isError,
  isDate,
  isRegExp,
};

export default util;
export {
  promisify,
  callbackify,
  inherits,
  format,
  inspect,
  deprecate,
  debuglog,
  debuglog as debug,
  types,
  isDeepStrictEqual,
  stripVTControlCharacters,
  getCallSites,
  TextEncoderClass as TextEncoder,
  TextDecoderClass as TextDecoder,
  isArray,
  isBoolean,
  isNull,
  isNullOrUndefined,
  isNumber,
  isString,
  isSymbol,
  isUndefined,
  isObject,
  isFunction,
  isPrimitive,
  isError,
  isDate,
  isRegExp,
};
