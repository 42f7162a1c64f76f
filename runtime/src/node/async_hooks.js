// node:async_hooks — AsyncLocalStorage and AsyncResource on the engine's async context (a value
// that follows `await`, promise reactions and timers from where they are scheduled to where
// they run). The context is an immutable Map from storage to store: `run` makes a new one for
// the callback's extent, and everything the callback schedules keeps that one.
// The low-level hook API (`createHook`) has no events to report here: its hooks never fire.

import { asyncContext } from "edge:bootstrap";

const { get: currentContext, set: setContext } = asyncContext;
const EMPTY = new Map();

function contextWith(storage, store) {
  const next = new Map(currentContext() ?? EMPTY);
  next.set(storage, store);
  return next;
}

function contextWithout(storage) {
  const current = currentContext();
  if (current === undefined || !current.has(storage)) return current;
  const next = new Map(current);
  next.delete(storage);
  return next;
}

function runIn(context, fn, thisArg, args) {
  const previous = currentContext();
  setContext(context);
  try {
    return Reflect.apply(fn, thisArg, args);
  } finally {
    setContext(previous);
  }
}

function checkFunction(fn, name) {
  if (typeof fn !== "function") {
    const err = new TypeError(`The "${name}" argument must be of type function. Received ${fn === null ? "null" : typeof fn}`);
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
}

class AsyncLocalStorage {
  #enabled = true;

  /** The store of the current async context, or undefined outside `run`. */
  getStore() {
    if (!this.#enabled) return undefined;
    return currentContext()?.get(this);
  }

  /** Calls `fn(...args)` with `store` as this storage's store, for everything it schedules. */
  run(store, fn, ...args) {
    this.#enabled = true;
    return runIn(contextWith(this, store), fn, undefined, args);
  }

  /** Calls `fn(...args)` outside this storage's context. */
  exit(fn, ...args) {
    return runIn(contextWithout(this), fn, undefined, args);
  }

  /** Makes `store` the store for the rest of the current synchronous run and what it schedules. */
  enterWith(store) {
    this.#enabled = true;
    setContext(contextWith(this, store));
  }

  /** Leaves every context: getStore() is undefined until the next run() or enterWith(). */
  disable() {
    this.#enabled = false;
    setContext(contextWithout(this));
  }

  /** `fn` bound to the current async context. */
  static bind(fn) {
    checkFunction(fn, "fn");
    const context = currentContext();
    return function bound(...args) {
      return runIn(context, fn, this, args);
    };
  }

  /** A function that runs a callback in the async context current now. */
  static snapshot() {
    const context = currentContext();
    return function runInSnapshot(fn, ...args) {
      return runIn(context, fn, this, args);
    };
  }
}

let nextAsyncId = 1;

class AsyncResource {
  #context = currentContext();
  #asyncId = ++nextAsyncId;
  #triggerAsyncId;

  constructor(type, options) {
    if (typeof type !== "string") {
      const err = new TypeError(`The "type" argument must be of type string. Received ${typeof type}`);
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    const trigger = typeof options === "number" ? options : options?.triggerAsyncId;
    this.#triggerAsyncId = trigger ?? 1;
  }

  runInAsyncScope(fn, thisArg, ...args) {
    return runIn(this.#context, fn, thisArg, args);
  }

  bind(fn, thisArg) {
    checkFunction(fn, "fn");
    const resource = this;
    const bound = function (...args) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
    Object.defineProperty(bound, "length", { value: fn.length, configurable: true });
    Object.defineProperty(bound, "asyncResource", { value: this, configurable: true, enumerable: true, writable: true });
    return bound;
  }

  emitDestroy() {
    return this;
  }

  asyncId() {
    return this.#asyncId;
  }

  triggerAsyncId() {
    return this.#triggerAsyncId;
  }

  static bind(fn, type, thisArg) {
    return new AsyncResource(type || fn.name || "bound-anonymous-fn").bind(fn, thisArg);
  }
}

/** The low-level hooks: accepted, never called (there are no async resources to report). */
function createHook(callbacks) {
  if (callbacks === null || typeof callbacks !== "object") {
    const err = new TypeError('The "callbacks" argument must be of type object');
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
  return {
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };
}

const executionAsyncId = () => 1;
const triggerAsyncId = () => 0;
const executionAsyncResource = () => ({});
const asyncWrapProviders = Object.freeze({ NONE: 0, PROMISE: 1, TIMERWRAP: 2 });

export default {
  AsyncLocalStorage,
  AsyncResource,
  createHook,
  executionAsyncId,
  triggerAsyncId,
  executionAsyncResource,
  asyncWrapProviders,
};
export {
  AsyncLocalStorage,
  AsyncResource,
  createHook,
  executionAsyncId,
  triggerAsyncId,
  executionAsyncResource,
  asyncWrapProviders,
};
