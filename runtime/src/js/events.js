// DOMException, Event, CustomEvent, EventTarget, AbortController and AbortSignal.

const EV = Symbol("event");
const ET = Symbol("listeners");

const DOM_EXCEPTION_CODES = {
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
};

class DOMException extends Error {
  constructor(message = "", options = undefined) {
    let name = "Error";
    let cause;
    if (options !== null && typeof options === "object") {
      if ("name" in options) name = String(options.name);
      if ("cause" in options) cause = options.cause;
    } else if (options !== undefined) {
      name = String(options);
    }
    super(String(message), cause === undefined ? undefined : { cause });
    Object.defineProperty(this, EV, { value: { name }, enumerable: false });
  }
  get name() {
    return this[EV].name;
  }
  get code() {
    return DOM_EXCEPTION_CODES[this[EV].name] || 0;
  }
}
Object.defineProperty(DOMException.prototype, Symbol.toStringTag, { value: "DOMException", configurable: true });
// The legacy code constants, in code order (some codes have no error name any more).
const DOM_EXCEPTION_CONSTANTS = [
  "INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR", "WRONG_DOCUMENT_ERR",
  "INVALID_CHARACTER_ERR", "NO_DATA_ALLOWED_ERR", "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR",
  "NOT_SUPPORTED_ERR", "INUSE_ATTRIBUTE_ERR", "INVALID_STATE_ERR", "SYNTAX_ERR",
  "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR", "VALIDATION_ERR",
  "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR", "ABORT_ERR", "URL_MISMATCH_ERR",
  "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR", "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR",
];
DOM_EXCEPTION_CONSTANTS.forEach((constant, i) => {
  Object.defineProperty(DOMException, constant, { value: i + 1, enumerable: true });
  Object.defineProperty(DOMException.prototype, constant, { value: i + 1, enumerable: true });
});

// A DOMException named "QuotaExceededError" that also says how much was asked for and allowed.
class QuotaExceededError extends DOMException {
  #quota;
  #requested;
  constructor(message = "", options = {}) {
    super(message, "QuotaExceededError");
    const num = (v, what) => {
      if (v === undefined || v === null) return null;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new RangeError(`QuotaExceededError: ${what} must be a non-negative number`);
      return n;
    };
    this.#quota = num(options?.quota, "quota");
    this.#requested = num(options?.requested, "requested");
    if (this.#quota !== null && this.#requested !== null && this.#requested < this.#quota) {
      throw new RangeError("QuotaExceededError: requested must not be less than quota");
    }
  }
  get quota() {
    return this.#quota;
  }
  get requested() {
    return this.#requested;
  }
}

// `isTrusted` is an own, unforgeable property of every event, with one shared getter.
// Events the runtime itself fires (an abort) are trusted; events made by scripts are not.
const IS_TRUSTED = { get: function isTrusted() { return this[EV]?.trusted === true; }, enumerable: true, configurable: false };

function trustedEvent(type) {
  const event = new Event(type);
  event[EV].trusted = true;
  return event;
}

class Event {
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Event: type is required");
    Object.defineProperty(this, "isTrusted", IS_TRUSTED);
    this[EV] = {
      type: String(type),
      bubbles: !!(init && init.bubbles),
      cancelable: !!(init && init.cancelable),
      composed: !!(init && init.composed),
      defaultPrevented: false,
      stop: false,
      stopImmediate: false,
      target: null,
      currentTarget: null,
      phase: 0,
      timeStamp: performance.now(),
      dispatching: false,
      passive: false,
    };
  }
  get type() {
    return this[EV].type;
  }
  get bubbles() {
    return this[EV].bubbles;
  }
  get cancelable() {
    return this[EV].cancelable;
  }
  get composed() {
    return this[EV].composed;
  }
  get defaultPrevented() {
    return this[EV].defaultPrevented;
  }
  get target() {
    return this[EV].target;
  }
  get srcElement() {
    return this[EV].target;
  }
  get currentTarget() {
    return this[EV].currentTarget;
  }
  get eventPhase() {
    return this[EV].phase;
  }
  // The legacy initializer: re-types an event that is not being dispatched.
  initEvent(type, bubbles = false, cancelable = false) {
    if (arguments.length === 0) throw new TypeError("initEvent: type is required");
    const ev = this[EV];
    if (ev.dispatching) return;
    ev.type = String(type);
    ev.bubbles = !!bubbles;
    ev.cancelable = !!cancelable;
    ev.defaultPrevented = false;
    ev.stop = false;
    ev.stopImmediate = false;
    ev.target = null;
  }
  get timeStamp() {
    return this[EV].timeStamp;
  }
  get returnValue() {
    return !this[EV].defaultPrevented;
  }
  set returnValue(v) {
    if (!v) this.preventDefault();
  }
  get cancelBubble() {
    return this[EV].stop;
  }
  set cancelBubble(v) {
    if (v) this[EV].stop = true;
  }
  composedPath() {
    return this[EV].dispatching && this[EV].currentTarget ? [this[EV].currentTarget] : [];
  }
  preventDefault() {
    if (this[EV].cancelable && !this[EV].passive) this[EV].defaultPrevented = true;
  }
  stopPropagation() {
    this[EV].stop = true;
  }
  stopImmediatePropagation() {
    this[EV].stop = true;
    this[EV].stopImmediate = true;
  }
  get [Symbol.toStringTag]() {
    return "Event";
  }
}
for (const [name, value] of [["NONE", 0], ["CAPTURING_PHASE", 1], ["AT_TARGET", 2], ["BUBBLING_PHASE", 3]]) {
  Object.defineProperty(Event, name, { value, enumerable: true });
  Object.defineProperty(Event.prototype, name, { value, enumerable: true });
}

class CustomEvent extends Event {
  constructor(type, init = undefined) {
    super(type, init);
    this[EV].detail = init && init.detail !== undefined ? init.detail : null;
  }
  get detail() {
    return this[EV].detail;
  }
  get [Symbol.toStringTag]() {
    return "CustomEvent";
  }
}

/** The callbacks listening for `type` on an EventTarget, in order (`events.getEventListeners`). */
function eventTargetListeners(target, type) {
  const list = target?.[ET]?.get(String(type));
  return list === undefined ? [] : list.map((entry) => entry.callback);
}

function listenersOf(target) {
  let map = target[ET];
  if (map === undefined) {
    map = new Map();
    Object.defineProperty(target, ET, { value: map, enumerable: false });
  }
  return map;
}

function flattenOptions(options) {
  if (typeof options === "boolean") return { capture: options, once: false, passive: false, signal: undefined };
  if (options === null || typeof options !== "object") return { capture: false, once: false, passive: false, signal: undefined };
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("addEventListener: signal must be an AbortSignal");
  return { capture: !!options.capture, once: !!options.once, passive: !!options.passive, signal, resist: options[kResistStopPropagation] === true };
}

/** An internal listener option: the listener runs even after `stopImmediatePropagation()`
 * (Node's `events.addAbortListener` promises that). */
const kResistStopPropagation = Symbol("resistStopPropagation");

class EventTarget {
  constructor() {
    listenersOf(this);
  }

  addEventListener(type, callback, options = undefined) {
    const opts = flattenOptions(options);
    if (callback === null || callback === undefined) return;
    if (typeof callback !== "function" && typeof callback !== "object") {
      throw new TypeError("addEventListener: listener must be a function or an object");
    }
    if (opts.signal !== undefined && opts.signal.aborted) return;
    type = String(type);
    const map = listenersOf(this);
    let list = map.get(type);
    if (list === undefined) {
      list = [];
      map.set(type, list);
    }
    if (list.some((l) => l.callback === callback && l.capture === opts.capture)) return;
    const entry = { callback, capture: opts.capture, once: opts.once, passive: opts.passive, resist: opts.resist === true, removed: false };
    list.push(entry);
    if (opts.signal !== undefined) {
      opts.signal.addEventListener("abort", () => this.removeEventListener(type, callback, opts.capture));
    }
  }

  removeEventListener(type, callback, options = undefined) {
    // Only `capture` matters for removal (the other options are not even read).
    const capture = typeof options === "boolean" ? options : options !== null && typeof options === "object" ? !!options.capture : false;
    const list = listenersOf(this).get(String(type));
    if (list === undefined) return;
    const i = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (i >= 0) {
      list[i].removed = true;
      list.splice(i, 1);
    }
  }

  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError("dispatchEvent: argument must be an Event");
    const state = event[EV];
    if (state.dispatching) throw new DOMException("The event is already being dispatched", "InvalidStateError");
    state.dispatching = true;
    state.target = this;
    state.currentTarget = this;
    state.phase = 2;
    const list = listenersOf(this).get(state.type);
    if (list !== undefined) {
      for (const entry of list.slice()) {
        if (entry.removed || (state.stopImmediate && !entry.resist)) continue;
        if (entry.once) this.removeEventListener(state.type, entry.callback, entry.capture);
        state.passive = entry.passive;
        try {
          if (typeof entry.callback === "function") entry.callback.call(this, event);
          else if (typeof entry.callback.handleEvent === "function") entry.callback.handleEvent(event);
        } catch (e) {
          reportError(e);
        }
        state.passive = false;
      }
    }
    state.dispatching = false;
    state.currentTarget = null;
    state.phase = 0;
    return !state.defaultPrevented;
  }

  get [Symbol.toStringTag]() {
    return "EventTarget";
  }
}

class ErrorEvent extends Event {
  constructor(type, init = undefined) {
    super(type, init);
    const i = init || {};
    this[EV].error = i.error;
    this[EV].message = i.message === undefined ? "" : String(i.message);
    this[EV].filename = i.filename === undefined ? "" : String(i.filename);
    this[EV].lineno = i.lineno >>> 0;
    this[EV].colno = i.colno >>> 0;
  }
  get error() {
    return this[EV].error;
  }
  get message() {
    return this[EV].message;
  }
  get filename() {
    return this[EV].filename;
  }
  get lineno() {
    return this[EV].lineno;
  }
  get colno() {
    return this[EV].colno;
  }
  get [Symbol.toStringTag]() {
    return "ErrorEvent";
  }
}

// The global "error" event target; set by the bootstrap.
let errorTarget;

// Reports an exception nobody caught: an "error" event on the global scope, and the console
// unless a listener called preventDefault().
let reporting = false;

function reportError(e) {
  // An error thrown by an "error" listener itself goes to the console only.
  if (reporting || errorTarget === undefined) {
    console.error("Uncaught", e);
    return;
  }
  reporting = true;
  try {
    const event = new ErrorEvent("error", {
      cancelable: true,
      error: e,
      message: e instanceof Error ? e.message : String(e),
    });
    if (errorTarget.dispatchEvent(event)) console.error("Uncaught", e);
  } finally {
    reporting = false;
  }
}

const SIGNAL = Symbol("signal");

class AbortSignal extends EventTarget {
  constructor(key) {
    if (key !== SIGNAL) throw new TypeError("Illegal constructor");
    super();
    // `sources` and `dependents` link AbortSignal.any() results with the signals they follow;
    // a dependent signal follows the original sources, never another dependent signal.
    this[SIGNAL] = { aborted: false, reason: undefined, onabort: null, dependent: false, sources: [], dependents: [] };
  }

  get aborted() {
    return this[SIGNAL].aborted;
  }

  get reason() {
    return this[SIGNAL].reason;
  }

  get onabort() {
    return this[SIGNAL].onabort;
  }

  set onabort(f) {
    const s = this[SIGNAL];
    if (s.onabort) this.removeEventListener("abort", s.onabort);
    s.onabort = typeof f === "function" ? f : null;
    if (s.onabort) this.addEventListener("abort", s.onabort);
  }

  throwIfAborted() {
    if (this[SIGNAL].aborted) throw this[SIGNAL].reason;
  }

  static abort(reason = undefined) {
    const signal = new AbortSignal(SIGNAL);
    signal[SIGNAL].aborted = true;
    signal[SIGNAL].reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    return signal;
  }

  static timeout(ms) {
    ms = Number(ms);
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError("AbortSignal.timeout: invalid delay");
    const signal = new AbortSignal(SIGNAL);
    setTimeout(() => {
      signalAbort(signal, new DOMException("The operation timed out", "TimeoutError"));
    }, ms);
    return signal;
  }

  static any(signals) {
    const list = [...signals];
    for (const s of list) {
      if (!(s instanceof AbortSignal)) throw new TypeError("AbortSignal.any: expected AbortSignals");
    }
    const result = new AbortSignal(SIGNAL);
    const r = result[SIGNAL];
    for (const s of list) {
      if (s.aborted) {
        r.aborted = true;
        r.reason = s.reason;
        return result;
      }
    }
    r.dependent = true;
    const follow = (source) => {
      if (r.sources.some((ref) => ref.deref() === source)) return;
      r.sources.push(new WeakRef(source));
      source[SIGNAL].dependents.push(new WeakRef(result));
    };
    for (const s of list) {
      if (!s[SIGNAL].dependent) follow(s);
      else for (const ref of s[SIGNAL].sources) {
        const source = ref.deref();
        if (source !== undefined) follow(source);
      }
    }
    return result;
  }

  get [Symbol.toStringTag]() {
    return "AbortSignal";
  }
}

// Aborts a signal and the signals that depend on it: all are marked aborted first, then each
// fires its abort event, in order.
function signalAbort(signal, reason) {
  const s = signal[SIGNAL];
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
  const toAbort = [];
  for (const ref of s.dependents) {
    const dep = ref.deref();
    if (dep !== undefined && !dep[SIGNAL].aborted) {
      dep[SIGNAL].aborted = true;
      dep[SIGNAL].reason = s.reason;
      toAbort.push(dep);
    }
  }
  s.dependents = [];
  signal.dispatchEvent(trustedEvent("abort"));
  for (const dep of toAbort) dep.dispatchEvent(trustedEvent("abort"));
}

class AbortController {
  constructor() {
    this[SIGNAL] = new AbortSignal(SIGNAL);
  }
  get signal() {
    return this[SIGNAL];
  }
  abort(reason = undefined) {
    signalAbort(this[SIGNAL], reason);
  }
  get [Symbol.toStringTag]() {
    return "AbortController";
  }
}

// `onload` and friends on `proto`: one listener slot per event type, as event handler
// attributes are. `slots(target)` gives the target's slot object (and throws for a value that
// is not an instance).
function defineEventHandlers(proto, types, slots) {
  for (const type of types) {
    const key = `on${type}`;
    // Accessors written as such, so that they are named "get onload" and "set onload".
    const accessors = {
      get [key]() {
        return slots(this)[type]?.fn ?? null;
      },
      set [key](fn) {
        const handlers = slots(this);
        const old = handlers[type];
        if (old) this.removeEventListener(type, old.listener);
        if (typeof fn === "function") {
          const listener = (event) => fn.call(this, event);
          handlers[type] = { fn, listener };
          this.addEventListener(type, listener);
        } else {
          delete handlers[type];
        }
      },
    };
    Object.defineProperty(proto, key, { ...Object.getOwnPropertyDescriptor(accessors, key), enumerable: true });
  }
}

// WebIDL constants: read-only and enumerable, on the interface object and its prototype.
function defineConstants(ctor, entries) {
  for (const [name, value] of entries) {
    Object.defineProperty(ctor, name, { value, enumerable: true });
    Object.defineProperty(ctor.prototype, name, { value, enumerable: true });
  }
}
