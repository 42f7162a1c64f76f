// The bootstrap: puts the Web APIs on globalThis, wires the fetch event for service-worker
// style apps, and returns the intrinsics the native classes call. It runs once per isolate
// from bytecode compiled once per process.

const FETCH_LISTENERS = [];

class FetchEvent extends Event {
  constructor(type, init) {
    super(type, init);
    this.request = init.request;
    this.respondWith = init.respondWith;
    this.waitUntil = init.waitUntil;
    this.passThroughOnException = () => {};
  }
}

function hasFetchListeners() {
  return FETCH_LISTENERS.length > 0;
}

function dispatchFetchEvent(request, ctx) {
  let response;
  let responded = false;
  const event = new FetchEvent("fetch", {
    request,
    respondWith(r) {
      if (responded) throw new DOMException("respondWith was already called", "InvalidStateError");
      responded = true;
      response = r;
    },
    waitUntil: (p) => ctx.waitUntil(p),
  });
  for (const listener of FETCH_LISTENERS.slice()) {
    if (typeof listener === "function") listener.call(globalThis, event);
    else listener.handleEvent(event);
    if (responded) break;
  }
  if (!responded) throw new Error("No fetch listener called event.respondWith()");
  return Promise.resolve(response);
}

// The language's own constructors, which keep their ECMAScript shape.
const BUILTINS = new Set([Object, Function, Array, Number, Boolean, String, Symbol, Date, RegExp,
  Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError,
  Map, Set, WeakMap, WeakSet, WeakRef, FinalizationRegistry, Promise, Proxy, ArrayBuffer,
  SharedArrayBuffer, DataView, BigInt, Iterator, globalThis.Float16Array, Int8Array, Uint8Array,
  Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
  Float64Array, BigInt64Array, BigUint64Array].filter(Boolean));

// WebIDL's shape for an interface, whether its class is native or JS: operations and
// attributes are enumerable, and instances print as `[object Name]`.
const CONSTRUCTOR_LENGTHS = { URL: 1, Request: 1 };

let nativeShapeMembers;

// The classes defined in Rust: their members also come without names.
const NATIVE_CLASSES = new Set(["Blob", "Headers", "Request", "Response", "URL", "URLSearchParams",
  "URLPattern", "TextEncoder", "TextDecoder", "Crypto", "CryptoKey", "SubtleCrypto"]);

function webidlShape(ctor, name) {
  // Members enumerable; native members named (done natively: it runs for every member of
  // every interface of every isolate).
  const native = NATIVE_CLASSES.has(name);
  nativeShapeMembers(ctor.prototype, false, native);
  nativeShapeMembers(ctor, true, native);
  // Native constructors come without an own `length`; WebIDL gives the count of required
  // arguments.
  if (!Object.prototype.hasOwnProperty.call(ctor, "length")) {
    Object.defineProperty(ctor, "length", { value: CONSTRUCTOR_LENGTHS[name] ?? 0, configurable: true });
  }
  if (!Object.prototype.hasOwnProperty.call(ctor.prototype, Symbol.toStringTag)) {
    Object.defineProperty(ctor.prototype, Symbol.toStringTag, { value: name, configurable: true });
  }
}

// `performance`: the engine's clock behind the Performance interface (an EventTarget).
const PERFORMANCE = Symbol("performance");
class Performance extends EventTarget {
  constructor(key = undefined, clock = undefined) {
    if (key !== PERFORMANCE) throw new TypeError("Illegal constructor");
    super();
    this[PERFORMANCE] = clock;
  }
  now() {
    return clockOf(this).now();
  }
  get timeOrigin() {
    return clockOf(this).timeOrigin;
  }
  toJSON() {
    return { timeOrigin: clockOf(this).timeOrigin };
  }
}

function clockOf(p) {
  if (p === null || typeof p !== "object" || !(PERFORMANCE in p)) throw new TypeError("Illegal invocation");
  return p[PERFORMANCE];
}

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
}

/** Completes the engine's CallSite objects (what `Error.prepareStackTrace` receives) with the
 * methods V8 has and packages call (depd, used by Express, asks `isEval()` of each). */
function completeCallSites() {
  const saved = Error.prepareStackTrace;
  let sites;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder = {};
    Error.captureStackTrace(holder);
    sites = holder.stack;
  } finally {
    Error.prepareStackTrace = saved;
  }
  const proto = Array.isArray(sites) && sites.length > 0 ? Object.getPrototypeOf(sites[0]) : null;
  if (!proto) return;
  const missing = {
    getThis() { return undefined; },
    getTypeName() { return null; },
    getMethodName() { return null; },
    getEvalOrigin() { return undefined; },
    isEval() { return false; },
    isToplevel() { return true; },
    isAsync() { return false; },
    isPromiseAll() { return false; },
    getPromiseIndex() { return null; },
    getScriptNameOrSourceURL() { return this.getFileName(); },
    getScriptHash() { return ""; },
    getEnclosingLineNumber() { return null; },
    getEnclosingColumnNumber() { return null; },
    getPosition() { return 0; },
    toString() {
      const name = this.getFunctionName() || "<anonymous>";
      return `${name} (${this.getFileName() ?? "<anonymous>"}:${this.getLineNumber()}:${this.getColumnNumber()})`;
    },
  };
  for (const [name, fn] of Object.entries(missing)) {
    if (!(name in proto)) Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  }
}

export default function install(native) {
  completeCallSites();
  nativeCodec = native.codec;
  nativeShapeMembers = native.shapeMembers;
  hashSync = native.hashSync;
  asyncContext = Object.freeze({ get: native.getContext, set: native.setContext });
  cjs = Object.freeze(native.cjs);
  processEnv = native.processEnv;
  ticks = Object.freeze(native.ticks);
  workers = Object.freeze(native.workers);
  clientAddress = native.clientAddress;
  cacheStore = native.cacheStore;
  knownBodyLength = native.knownBodyLength;
  serializeValue = native.serializeValue;
  deserializeValue = native.deserializeValue;
  nodeCrypto = native.nodeCrypto;
  vmRealm = native.vmRealm;
  socketConnect = native.connect;
  wasmNative = native.wasm;
  websocketNative = native.websocket;
  intlNatives = native.intl;
  temporalNatives = native.temporal;
  nativeBlobBytes = native.blobBytes;
  const console = makeConsole(native.print);
  Object.defineProperty(console, Symbol.toStringTag, { value: "console", configurable: true });
  defineGlobal("console", console);
  for (const [name, value] of Object.entries({
    DOMException,
    QuotaExceededError,
    Event,
    CustomEvent,
    EventTarget,
    AbortController,
    AbortSignal,
    structuredClone,
    FetchEvent,
    CompressionStream,
    DecompressionStream,
    File: defineFile(globalThis.Blob),
    FormData,
    FileReader,
    FileReaderSync,
    FileList,
    MessageEvent,
    MessagePort,
    MessageChannel,
    XMLHttpRequestEventTarget,
    XMLHttpRequestUpload,
    XMLHttpRequest,
    ProgressEvent,
  })) {
    defineGlobal(name, value);
  }
  for (const [name, value] of Object.entries(streams)) defineGlobal(name, value);
  // Interface objects are not enumerable (WebIDL); the native classes were defined as plain
  // properties.
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const value = globalThis[name];
    if (/^[A-Z]/.test(name) && typeof value === "function" && value.prototype) {
      Object.defineProperty(globalThis, name, { enumerable: false });
      if (name !== "WebAssembly" && !BUILTINS.has(value)) webidlShape(value, name);
    }
  }
  const clock = globalThis.performance;
  defineGlobal("Performance", Performance);
  webidlShape(Performance, "Performance");
  Object.defineProperty(globalThis, "performance", {
    value: new Performance(PERFORMANCE, { now: clock.now.bind(clock), timeOrigin: clock.timeOrigin }),
    writable: true,
    enumerable: true,
    configurable: true,
  });
  defineGlobal("fetch", wrapFetch(globalThis.fetch));
  for (const [name, value] of Object.entries({ createObjectURL, revokeObjectURL })) {
    Object.defineProperty(globalThis.URL, name, { value, writable: true, enumerable: true, configurable: true });
  }
  defineGlobal("self", globalThis);
  defineGlobal("navigator", Object.freeze({ userAgent: native.userAgent, hardwareConcurrency: 1, language: "en-US" }));
  defineGlobal("reportError", reportError);
  defineGlobal("ErrorEvent", ErrorEvent);
  errorTarget = GLOBAL_TARGET;
  const nativeQueueMicrotask = globalThis.queueMicrotask;
  enqueueJob = nativeQueueMicrotask;
  defineGlobal("queueMicrotask", function queueMicrotask(callback) {
    if (typeof callback !== "function") throw new TypeError("queueMicrotask: callback must be a function");
    nativeQueueMicrotask(() => {
      try {
        callback();
      } catch (e) {
        if (processErrorHooks?.uncaught(e) !== true) reportError(e);
      }
    });
  });

  // The global scope is an EventTarget for "fetch" listeners (service-worker style apps).
  defineGlobal("addEventListener", function addEventListener(type, listener) {
    if (String(type) === "fetch") {
      if (listener && !FETCH_LISTENERS.includes(listener)) FETCH_LISTENERS.push(listener);
      return;
    }
    GLOBAL_TARGET.addEventListener(type, listener);
  });
  defineGlobal("removeEventListener", function removeEventListener(type, listener) {
    if (String(type) === "fetch") {
      const i = FETCH_LISTENERS.indexOf(listener);
      if (i >= 0) FETCH_LISTENERS.splice(i, 1);
      return;
    }
    GLOBAL_TARGET.removeEventListener(type, listener);
  });
  defineGlobal("dispatchEvent", (event) => GLOBAL_TARGET.dispatchEvent(event));

  // Node's globals, loaded from their built-in module on first use.
  for (const [name, module, key] of NODE_GLOBALS) {
    lazyGlobal(name, () => (key === undefined ? globalThis : cjs.requireModule(module)[key]));
  }

  // WebAssembly, made on first use.
  lazyGlobal("WebAssembly", () => cjs.requireModule("edge:wasm").WebAssembly);

  // Intl, made on first use; `localeCompare` takes locales and options through it.
  lazyGlobal("Intl", () => cjs.requireModule("edge:intl").Intl);
  lazyGlobal("Temporal", () => cjs.requireModule("edge:temporal").Temporal);
  const intl = () => cjs.requireModule("edge:intl");
  Object.defineProperty(String.prototype, "localeCompare", {
    value: {
      localeCompare(that, locales = undefined, options = undefined) {
        if (this === undefined || this === null) {
          throw new TypeError("String.prototype.localeCompare called on null or undefined");
        }
        return intl().localeCompare(String(this), String(that), locales, options);
      },
    }.localeCompare,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  const caseMethods = {
    toLocaleLowerCase(locales = undefined) {
      if (this === undefined || this === null) {
        throw new TypeError("String.prototype.toLocaleLowerCase called on null or undefined");
      }
      return intl().changeCase(String(this), locales, false);
    },
    toLocaleUpperCase(locales = undefined) {
      if (this === undefined || this === null) {
        throw new TypeError("String.prototype.toLocaleUpperCase called on null or undefined");
      }
      return intl().changeCase(String(this), locales, true);
    },
  };
  const numberMethods = {
    toLocaleString(locales = undefined, options = undefined) {
      // thisNumberValue: a Number or a Number object, nothing else.
      const x = Number.prototype.valueOf.call(this);
      return intl().numberToLocaleString(x, locales, options);
    },
  };
  Object.defineProperty(Number.prototype, "toLocaleString", { value: numberMethods.toLocaleString, writable: true, enumerable: false, configurable: true });
  const bigintMethods = {
    toLocaleString(locales = undefined, options = undefined) {
      const x = BigInt.prototype.valueOf.call(this);
      return intl().numberToLocaleString(x, locales, options);
    },
  };
  Object.defineProperty(BigInt.prototype, "toLocaleString", { value: bigintMethods.toLocaleString, writable: true, enumerable: false, configurable: true });
  const dateValue = Date.prototype.valueOf;
  const dateMethods = {
    toLocaleString(locales = undefined, options = undefined) {
      return intl().dateToLocaleString(dateValue.call(this), locales, options, "any", "all");
    },
    toLocaleDateString(locales = undefined, options = undefined) {
      return intl().dateToLocaleString(dateValue.call(this), locales, options, "date", "date");
    },
    toLocaleTimeString(locales = undefined, options = undefined) {
      return intl().dateToLocaleString(dateValue.call(this), locales, options, "time", "time");
    },
  };
  for (const name of ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"]) {
    Object.defineProperty(Date.prototype, name, { value: dateMethods[name], writable: true, enumerable: false, configurable: true });
  }
  // Temporal's bridge from Date; Temporal itself loads on first use.
  const temporalMethods = {
    toTemporalInstant() {
      const t = dateValue.call(this);
      if (Number.isNaN(t)) throw new RangeError("Date.prototype.toTemporalInstant: invalid date");
      return cjs.requireModule("edge:temporal").dateToInstant(t);
    },
  };
  Object.defineProperty(Date.prototype, "toTemporalInstant", { value: temporalMethods.toTemporalInstant, writable: true, enumerable: false, configurable: true });
  // ECMA-402's Array and TypedArray toLocaleString hand locales and options to each element.
  const listMethods = {
    toLocaleString(locales = undefined, options = undefined) {
      return joinLocaleStrings(Object(this), locales, options);
    },
  };
  Object.defineProperty(Array.prototype, "toLocaleString", { value: listMethods.toLocaleString, writable: true, enumerable: false, configurable: true });
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  const typedLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, "length").get;
  const typedAt = typedArrayPrototype.at;
  const typedMethods = {
    toLocaleString(locales = undefined, options = undefined) {
      // ValidateTypedArray: `at` throws for a detached or out-of-bounds array, or a non-array.
      typedAt.call(this, 0);
      return joinLocaleStrings(this, locales, options, typedLength.call(this));
    },
  };
  Object.defineProperty(typedArrayPrototype, "toLocaleString", { value: typedMethods.toLocaleString, writable: true, enumerable: false, configurable: true });
  for (const name of ["toLocaleLowerCase", "toLocaleUpperCase"]) {
    Object.defineProperty(String.prototype, name, { value: caseMethods[name], writable: true, enumerable: false, configurable: true });
  }

  // WebSockets, made on first use.
  for (const name of ["WebSocket", "WebSocketPair", "CloseEvent"]) {
    lazyGlobal(name, () => cjs.requireModule("edge:websocket")[name]);
  }

  // The Cache API (`caches.default`, `caches.open()`, the `Cache` and `CacheStorage`
  // interfaces), made on first use.
  for (const [name, make] of [
    ["caches", (m) => m.cacheStorage()],
    ["Cache", (m) => m.Cache],
    ["CacheStorage", (m) => m.CacheStorage],
  ]) {
    lazyGlobal(name, () => make(cjs.requireModule("edge:bindings")));
  }

  return {
    ...streamHooks,
    dispatchFetchEvent,
    hasFetchListeners,
    removeNodeGlobals,
    formDataEntries,
    makeFormData,
    // A Response's `webSocket`: handed over (checked when the Response is made), then bound
    // to the upgraded connection's handle when the Response is the answer.
    transferWebSocket: (ws) => {
      if (webSocketBinder === undefined) throw new TypeError("Response: webSocket must be an end of a WebSocketPair");
      webSocketBinder.transfer(ws);
    },
    bindWebSocket: (ws, handle) => webSocketBinder !== undefined && webSocketBinder.bind(ws, handle),
    reportException: (error) => processErrorHooks?.uncaught(error) === true,
    reportRejection: (reason, promise) => processErrorHooks?.rejection(reason, promise) === true,
  };
}

// `node:process` hands over its "uncaughtException" and "unhandledRejection" dispatch here once
// the app loads it; errors nobody caught go there first.
let processErrorHooks;
function setProcessErrorHooks(hooks) {
  processErrorHooks = hooks;
}

const GLOBAL_TARGET = new EventTarget();

/** How many listeners `addEventListener(type)` put on the global scope. */
function globalListenerCount(type) {
  return eventTargetListeners(GLOBAL_TARGET, type).length;
}

// For the Node built-in modules (`src/node/`), which may import `edge:bootstrap` (apps cannot):
// the console's formatting (`node:util`), synchronous hashing (`node:crypto`), the async context
// (`node:async_hooks`), CommonJS loading (`internal/cjs`), and the stand-in
// for functions of modules that have nothing to work on here (`node:fs`, ...).
let hashSync;
let asyncContext;
let cjs;
let processEnv;
let ticks;
let workers;
let clientAddress;
let cacheStore;
let knownBodyLength;
let serializeValue;
let deserializeValue;
let nodeCrypto;
let vmRealm;
let socketConnect;
let wasmNative;
let websocketNative;
let intlNatives;
let temporalNatives;
/** What Temporal (when loaded) lends Intl: `record(x)`, a Temporal value's kind and fields. */
const temporalHooks = {};
// The WebSocket module's `{ bind, transfer }`, set when it loads (see `bindWebSocket`).
let webSocketBinder;
function setWebSocketBinder(binder) {
  webSocketBinder = binder;
}

/** `[global, module, export]`: the globals Node apps expect (with `node_compat`). */
const NODE_GLOBALS = [
  ["process", "node:process", "default"],
  ["Worker", "node:worker_threads", "WebWorker"],
  ["Buffer", "node:buffer", "Buffer"],
  ["setImmediate", "node:timers", "setImmediate"],
  ["clearImmediate", "node:timers", "clearImmediate"],
  ["global", undefined, undefined],
];

/** Removes Node's globals (for apps without `node_compat`). */
function removeNodeGlobals() {
  for (const [name] of NODE_GLOBALS) delete globalThis[name];
}

/** Array.prototype.toLocaleString's loop: each element's toLocaleString, joined by commas. */
function joinLocaleStrings(list, locales, options, knownLength = undefined) {
  const length = knownLength ?? Math.min(Math.max(Math.trunc(Number(list.length)) || 0, 0), Number.MAX_SAFE_INTEGER);
  let out = "";
  for (let k = 0; k < length; k++) {
    if (k > 0) out += ",";
    const element = list[k];
    if (element !== undefined && element !== null) out += String(element.toLocaleString(locales, options));
  }
  return out;
}

/** Defines global `name` as the value `make()` gives on first use (an app may replace it). */
function lazyGlobal(name, make) {
  Object.defineProperty(globalThis, name, {
    get() {
      const value = make();
      defineGlobal(name, value);
      return value;
    },
    set(value) {
      defineGlobal(name, value);
    },
    enumerable: false,
    configurable: true,
  });
}

/** A function that throws "not available on Edge" with what the app does not have. */
function unavailableOnEdge(module, name, missing) {
  return function () {
    const err = new Error(`${module}.${name}() is not available on Edge: apps have no ${missing}`);
    err.code = "ERR_NOT_AVAILABLE_ON_EDGE";
    throw err;
  };
}

export { eventTargetListeners, kResistStopPropagation, inspectNodeStyle as inspectValue, formatArgsNodeStyle as formatArgs, hashSync, unavailableOnEdge, asyncContext, cjs, processEnv, ticks, workers, clientAddress, cacheStore, knownBodyLength, serializeValue, deserializeValue, globalListenerCount, setProcessErrorHooks, nodeCrypto, nativeCodec, vmRealm, socketConnect, wasmNative, websocketNative, setWebSocketBinder, intlNatives, temporalNatives, temporalHooks };
