// node:events — EventEmitter as Node apps and npm packages use it: listeners in order, `once`,
// prepend, the `newListener`/`removeListener` events, an `error` event that throws when nobody
// listens, max-listener warnings, and the promise/async-iterator helpers.

import { eventTargetListeners, inspectValue, kResistStopPropagation } from "edge:bootstrap";
import * as errors from "node:internal/errors";

const kCapture = Symbol("kCapture");
const kMaxEventTargetListeners = Symbol("events.maxEventTargetListeners");
const errorMonitor = Symbol("events.errorMonitor");
let defaultMaxListeners = 10;

function checkListener(listener) {
  if (typeof listener !== "function") {
    const err = new TypeError(`The "listener" argument must be of type function. Received ${listener === null ? "null" : typeof listener}`);
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
}

function eventsOf(emitter) {
  if (emitter._events === undefined) {
    emitter._events = Object.create(null);
    emitter._eventsCount = 0;
  }
  return emitter._events;
}

function EventEmitter(opts) {
  EventEmitter.init.call(this, opts);
}

EventEmitter.init = function init(opts) {
  if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
    this._events = Object.create(null);
    this._eventsCount = 0;
  }
  this._maxListeners = this._maxListeners || undefined;
  if (opts?.captureRejections) this[kCapture] = true;
};

EventEmitter.prototype._events = undefined;
EventEmitter.prototype._eventsCount = 0;
EventEmitter.prototype._maxListeners = undefined;

Object.defineProperty(EventEmitter, "defaultMaxListeners", {
  enumerable: true,
  get() {
    return defaultMaxListeners;
  },
  set(n) {
    checkMax(n, "defaultMaxListeners");
    defaultMaxListeners = n;
  },
});

function checkMax(n, name) {
  if (typeof n !== "number") throw errors.invalidArgType(name, "number", n);
  if (n < 0 || Number.isNaN(n)) throw errors.outOfRange(name, "a non-negative number", n);
}

EventEmitter.prototype.setMaxListeners = function setMaxListeners(n) {
  checkMax(n, "n");
  this._maxListeners = n;
  return this;
};

EventEmitter.prototype.getMaxListeners = function getMaxListeners() {
  return this._maxListeners === undefined ? defaultMaxListeners : this._maxListeners;
};

function addListener(target, type, listener, prepend) {
  checkListener(listener);
  // Announced before it is added, so a `newListener` handler does not see itself called.
  if (eventsOf(target).newListener !== undefined) {
    EventEmitter.prototype.emit.call(target, "newListener", type, listener.listener ?? listener);
  }
  // Read again: a `newListener` handler may have replaced the table.
  const events = eventsOf(target);
  const existing = events[type];
  if (existing === undefined) {
    events[type] = listener;
    target._eventsCount++;
    return target;
  }
  const list = typeof existing === "function" ? [existing] : existing;
  if (prepend) list.unshift(listener);
  else list.push(listener);
  events[type] = list;
  const max = EventEmitter.prototype.getMaxListeners.call(target);
  if (max > 0 && list.length > max && !list.warned) {
    list.warned = true;
    const name = typeof type === "symbol" ? type.toString() : String(type);
    const warning = new Error(`Possible EventEmitter memory leak detected. ${list.length} ${name} listeners added to [${target.constructor?.name ?? "EventEmitter"}]. MaxListeners is ${max}. Use emitter.setMaxListeners() to increase limit`);
    warning.name = "MaxListenersExceededWarning";
    warning.emitter = target;
    warning.type = type;
    warning.count = list.length;
    if (typeof globalThis.process?.emitWarning === "function") globalThis.process.emitWarning(warning);
    else console.warn(`${warning.name}: ${warning.message}`);
  }
  return target;
}

EventEmitter.prototype.addListener = function addListenerMethod(type, listener) {
  return addListener(this, type, listener, false);
};
EventEmitter.prototype.on = EventEmitter.prototype.addListener;
EventEmitter.prototype.prependListener = function prependListener(type, listener) {
  return addListener(this, type, listener, true);
};

function onceWrapper(target, type, listener) {
  const state = { fired: false, target, type, listener };
  const wrapped = function (...args) {
    if (state.fired) return undefined;
    state.fired = true;
    state.target.removeListener(state.type, wrapped);
    return state.listener.apply(state.target, args);
  };
  wrapped.listener = listener;
  return wrapped;
}

EventEmitter.prototype.once = function once(type, listener) {
  checkListener(listener);
  return this.on(type, onceWrapper(this, type, listener));
};
EventEmitter.prototype.prependOnceListener = function prependOnceListener(type, listener) {
  checkListener(listener);
  return this.prependListener(type, onceWrapper(this, type, listener));
};

EventEmitter.prototype.removeListener = function removeListener(type, listener) {
  checkListener(listener);
  const events = this._events;
  if (events === undefined) return this;
  const existing = events[type];
  if (existing === undefined) return this;
  if (existing === listener || existing.listener === listener) {
    if (--this._eventsCount === 0) this._events = Object.create(null);
    else delete events[type];
    if (events.removeListener !== undefined) this.emit("removeListener", type, existing.listener ?? listener);
    return this;
  }
  if (typeof existing === "function") return this;
  for (let i = existing.length - 1; i >= 0; i--) {
    if (existing[i] === listener || existing[i].listener === listener) {
      const removed = existing[i];
      existing.splice(i, 1);
      if (existing.length === 1) events[type] = existing[0];
      if (events.removeListener !== undefined) this.emit("removeListener", type, removed.listener ?? removed);
      break;
    }
  }
  return this;
};
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

EventEmitter.prototype.removeAllListeners = function removeAllListeners(type) {
  const events = this._events;
  if (events === undefined) return this;
  if (events.removeListener === undefined) {
    if (arguments.length === 0) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    } else if (events[type] !== undefined) {
      if (--this._eventsCount === 0) this._events = Object.create(null);
      else delete events[type];
    }
    return this;
  }
  // With `removeListener` listeners, each removal is announced (that event's own last).
  if (arguments.length === 0) {
    for (const key of Reflect.ownKeys(events)) {
      if (key !== "removeListener") this.removeAllListeners(key);
    }
    this.removeAllListeners("removeListener");
    this._events = Object.create(null);
    this._eventsCount = 0;
    return this;
  }
  const listeners = events[type];
  if (typeof listeners === "function") this.removeListener(type, listeners);
  else if (listeners !== undefined) {
    for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
  }
  return this;
};

EventEmitter.prototype.emit = function emit(type, ...args) {
  const events = this._events;
  if (type === "error" && events !== undefined && events[errorMonitor] !== undefined) {
    this.emit(errorMonitor, ...args);
  }
  const handler = events === undefined ? undefined : events[type];
  if (handler === undefined) {
    if (type === "error") {
      const er = args[0];
      // An emitter in a `node:domain` hands the error to its domain instead.
      const domain = this.domain;
      if (domain !== null && typeof domain === "object" && domain !== this && typeof domain.emit === "function") {
        const routed = er ? er : errors.coded(Error, "ERR_UNHANDLED_ERROR", "Unhandled error.");
        if (routed !== null && typeof routed === "object") {
          routed.domainEmitter = this;
          routed.domain = domain;
          routed.domainThrown = false;
        }
        domain.emit("error", routed);
        return false;
      }
      if (er instanceof Error) throw er;
      let shown;
      try {
        shown = inspectValue(er);
      } catch {
        shown = String(er);
      }
      const err = errors.coded(Error, "ERR_UNHANDLED_ERROR", `Unhandled error. (${shown})`);
      err.context = er;
      throw err;
    }
    return false;
  }
  if (typeof handler === "function") {
    callListener(this, handler, args);
  } else {
    for (const listener of handler.slice()) callListener(this, listener, args);
  }
  return true;
};

function callListener(target, listener, args) {
  const result = listener.apply(target, args);
  // captureRejections: a rejected promise from a listener becomes an 'error' event.
  if (target[kCapture] && result !== undefined && result !== null && typeof result.then === "function") {
    result.then(undefined, (err) => {
      queueMicrotask(() => target.emit("error", err));
    });
  }
}

EventEmitter.prototype.listeners = function listeners(type) {
  const h = this._events?.[type];
  if (h === undefined) return [];
  if (typeof h === "function") return [h.listener ?? h];
  return h.map((l) => l.listener ?? l);
};
EventEmitter.prototype.rawListeners = function rawListeners(type) {
  const h = this._events?.[type];
  if (h === undefined) return [];
  return typeof h === "function" ? [h] : h.slice();
};
EventEmitter.prototype.listenerCount = function listenerCount(type, listener) {
  const h = this._events?.[type];
  if (h === undefined) return 0;
  const list = typeof h === "function" ? [h] : h;
  if (listener === undefined) return list.length;
  return list.filter((l) => l === listener || l.listener === listener).length;
};
EventEmitter.prototype.eventNames = function eventNames() {
  return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
};

EventEmitter.listenerCount = (emitter, type) => {
  if (typeof emitter.listenerCount === "function") return emitter.listenerCount(type);
  if (emitter instanceof EventTarget) return eventTargetListeners(emitter, type).length;
  return EventEmitter.prototype.listenerCount.call(emitter, type);
};

/** Resolves with the arguments of the next `type` event; rejects on 'error' first. */
/** Runs `listener` once when `signal` aborts (at once, in a microtask, if it has), even if
 * another listener stops the event's propagation; the result's `Symbol.dispose` removes it. */
function addAbortListener(signal, listener) {
  validateAbortSignal(signal, "signal");
  errors.validateFunction(listener, "listener");
  let remove = null;
  if (signal.aborted) {
    queueMicrotask(() => listener());
  } else {
    signal.addEventListener("abort", listener, { once: true, [kResistStopPropagation]: true });
    remove = () => signal.removeEventListener("abort", listener);
  }
  return {
    [Symbol.dispose]() {
      remove?.();
      remove = null;
    },
  };
}

function validateAbortSignal(signal, name) {
  if (signal === null || typeof signal !== "object" || !("aborted" in signal)) throw errors.invalidArgType(name, "AbortSignal", signal);
}

async function once(emitter, type, options = {}) {
  errors.validateObject(options, "options");
  if (typeof emitter?.on !== "function" && typeof emitter?.addEventListener !== "function") throw errors.invalidArgType("emitter", ["EventEmitter", "EventTarget"], emitter);
  const signal = options.signal;
  if (signal !== undefined) validateAbortSignal(signal, "options.signal");
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal.reason));
      return;
    }
    const onEvent = (...args) => {
      cleanup();
      resolve(args);
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    const onAbort = () => {
      cleanup();
      reject(abortError(signal.reason));
    };
    const isTarget = typeof emitter.addEventListener === "function" && typeof emitter.on !== "function";
    function cleanup() {
      if (isTarget) emitter.removeEventListener(type, onEvent);
      else {
        emitter.removeListener(type, onEvent);
        if (type !== "error") emitter.removeListener("error", onError);
      }
      signal?.removeEventListener("abort", onAbort);
    }
    if (isTarget) {
      emitter.addEventListener(type, onEvent, { once: true });
    } else {
      emitter.on(type, onEvent);
      if (type !== "error") emitter.on("error", onError);
    }
    signal?.addEventListener("abort", onAbort, { once: true, [kResistStopPropagation]: true });
  });
}

function abortError(reason) {
  const err = new Error("The operation was aborted", { cause: reason });
  err.name = "AbortError";
  err.code = "ABORT_ERR";
  return err;
}

/** An async iterator over the arguments of each `type` event, until 'error' or `return()`. */
function on(emitter, type, options = {}) {
  const queue = [];
  const waiting = [];
  let error = null;
  let done = false;
  const listener = (...args) => {
    const w = waiting.shift();
    if (w) w.resolve({ value: args, done: false });
    else queue.push(args);
  };
  const onError = (err) => {
    done = true;
    const w = waiting.shift();
    if (w) w.reject(err);
    else error = err;
    iterator.return();
  };
  emitter.on(type, listener);
  if (type !== "error") emitter.on("error", onError);
  options.signal?.addEventListener("abort", () => onError(abortError(options.signal.reason)), { once: true });
  const iterator = {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift(), done: false });
      if (error) {
        const e = error;
        error = null;
        return Promise.reject(e);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      done = true;
      emitter.removeListener(type, listener);
      emitter.removeListener("error", onError);
      for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err) {
      onError(err);
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

function getEventListeners(emitter, type) {
  if (typeof emitter.listeners === "function") return emitter.listeners(type);
  if (emitter instanceof EventTarget) return eventTargetListeners(emitter, type);
  throw errors.invalidArgType("emitter", ["EventEmitter", "EventTarget"], emitter);
}

function setMaxListeners(n = defaultMaxListeners, ...targets) {
  checkMax(n, "n");
  if (targets.length === 0) defaultMaxListeners = n;
  for (const t of targets) {
    if (typeof t.setMaxListeners === "function") t.setMaxListeners(n);
    else if (t instanceof EventTarget) t[kMaxEventTargetListeners] = n;
    else throw errors.invalidArgType("eventTargets", ["EventEmitter", "EventTarget"], t);
  }
}

function getMaxListeners(emitterOrTarget) {
  if (typeof emitterOrTarget?.getMaxListeners === "function") return emitterOrTarget.getMaxListeners();
  if (emitterOrTarget instanceof EventTarget) {
    // Signals are listened to by many unrelated parties: no limit by default, as in Node.
    if (typeof AbortSignal === "function" && emitterOrTarget instanceof AbortSignal) return emitterOrTarget[kMaxEventTargetListeners] ?? 0;
    return emitterOrTarget[kMaxEventTargetListeners] ?? defaultMaxListeners;
  }
  throw errors.invalidArgType("emitter", ["EventEmitter", "EventTarget"], emitterOrTarget);
}

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.once = once;
EventEmitter.on = on;
EventEmitter.errorMonitor = errorMonitor;
EventEmitter.captureRejectionSymbol = Symbol.for("nodejs.rejection");
EventEmitter.getEventListeners = getEventListeners;
EventEmitter.addAbortListener = addAbortListener;
EventEmitter.setMaxListeners = setMaxListeners;
EventEmitter.getMaxListeners = getMaxListeners;
EventEmitter.usingDomains = false;

export default EventEmitter;
export { EventEmitter, addAbortListener, once, on, errorMonitor, getEventListeners, setMaxListeners, getMaxListeners, defaultMaxListeners };
export const captureRejectionSymbol = EventEmitter.captureRejectionSymbol;
export const usingDomains = false;
export const listenerCount = EventEmitter.listenerCount;
