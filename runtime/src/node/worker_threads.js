// node:worker_threads, and the Web `Worker`: each worker is an isolate of the same app on a
// thread of its own (native side: `src/workers/`). Messages are cloned by the engine's
// serializer; ArrayBuffers in a transfer list are detached once sent; SharedArrayBuffers are
// shared. In a worker, `parentPort` (and `self.postMessage` / `self.onmessage` for Web-style
// workers) talk to the parent.

import { EventEmitter } from "node:events";
import { workers, globalListenerCount } from "edge:bootstrap";

const me = workers.self();
const isMainThread = me === undefined;
const threadId = isMainThread ? 0 : me[0];
const workerData = isMainThread ? null : me[2];
const resourceLimits = {};
const SHARE_ENV = Symbol.for("nodejs.worker_threads.SHARE_ENV");

function codeError(Ctor, code, message) {
  const err = new Ctor(message);
  err.code = code;
  return err;
}

// Sends `value` with `send`, then detaches the ArrayBuffers of the transfer list (their
// bytes went with the message). Ports cannot cross threads here.
function postWithTransfer(send, value, transfer) {
  const list = Array.isArray(transfer) ? transfer : (transfer?.transfer ?? []);
  for (const item of list) {
    if (item instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && item instanceof SharedArrayBuffer)) continue;
    if (item instanceof MessagePort) {
      throw new DOMException("a MessagePort cannot be sent to another thread on Edge", "DataCloneError");
    }
    throw new DOMException("only ArrayBuffers can be transferred", "DataCloneError");
  }
  send(value);
  for (const item of list) {
    if (item instanceof ArrayBuffer && !item.detached) item.transfer();
  }
}

function revive(name, message, stack) {
  const Ctor = typeof globalThis[name] === "function" && (globalThis[name] === Error || globalThis[name].prototype instanceof Error) ? globalThis[name] : Error;
  const err = new Ctor(message);
  if (Ctor === Error && name !== "Error") err.name = name;
  if (stack) err.stack = stack;
  return err;
}

function entryOf(filename) {
  if (filename instanceof URL) return filename.href;
  if (typeof filename !== "string") {
    throw codeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "filename" argument must be of type string or an instance of URL. Received ${typeof filename}`);
  }
  return filename;
}

/** Node's `Worker`: an EventEmitter with "online", "message", "error" and "exit". */
class Worker extends EventEmitter {
  #handle;
  #exitCode;
  #exited = [];
  constructor(filename, options = {}) {
    super();
    if (options.eval) {
      throw codeError(Error, "ERR_WORKER_UNSUPPORTED_OPERATION", "new Worker(code, { eval: true }) is not supported on Edge: give the worker a module file of the app");
    }
    this.#handle = workers.spawn(entryOf(filename), options.workerData, options.name ?? "", (kind, ...args) => this.#event(kind, args));
  }
  #event(kind, args) {
    switch (kind) {
      case "online":
        this.emit("online");
        break;
      case "message":
        this.emit("message", args[0]);
        break;
      case "messageerror":
        this.emit("messageerror", args[0]);
        break;
      case "error":
        this.emit("error", revive(...args));
        break;
      case "exit":
        this.#exitCode = args[0];
        this.emit("exit", args[0]);
        for (const resolve of this.#exited.splice(0)) resolve(args[0]);
        break;
    }
  }
  get threadId() {
    return this.#exitCode === undefined ? this.#handle.threadId : -1;
  }
  get resourceLimits() {
    return {};
  }
  postMessage(value, transferList) {
    postWithTransfer((v) => this.#handle.postMessage(v), value, transferList);
  }
  /** Stops the worker; resolves with its exit code. */
  terminate() {
    if (this.#exitCode !== undefined) return Promise.resolve(this.#exitCode);
    const done = new Promise((resolve) => this.#exited.push(resolve));
    this.#handle.terminate();
    return done;
  }
  ref() {}
  unref() {}
}

/** The Web `Worker`: an EventTarget with "message" and "error" events. */
class WebWorker extends EventTarget {
  #worker;
  onmessage = null;
  onerror = null;
  onmessageerror = null;
  constructor(url, options = {}) {
    super();
    const href = url instanceof URL ? url.href : String(url);
    this.#worker = new Worker(href, { name: options?.name });
    this.#worker.on("message", (data) => this.#fire(new MessageEvent("message", { data }), this.onmessage));
    this.#worker.on("messageerror", (error) => this.#fire(new MessageEvent("messageerror", { data: error }), this.onmessageerror));
    this.#worker.on("error", (error) => this.#fire(new ErrorEvent("error", { error, message: error.message }), this.onerror));
  }
  #fire(event, handler) {
    if (typeof handler === "function") handler.call(this, event);
    this.dispatchEvent(event);
  }
  postMessage(data, transfer) {
    this.#worker.postMessage(data, transfer);
  }
  terminate() {
    this.#worker.terminate();
  }
}

/** A worker's port to its parent. */
class ParentPort extends EventEmitter {
  #closed = false;
  postMessage(value, transferList) {
    if (this.#closed) return;
    postWithTransfer((v) => workers.postToParent(v), value, transferList);
  }
  addEventListener(type, listener) {
    this.on(type, (data) => listener.call(this, new MessageEvent(type, { data })));
  }
  close() {
    this.#closed = true;
    this.removeAllListeners("message");
  }
  get closed() {
    return this.#closed;
  }
  start() {}
  ref() {}
  unref() {}
}

const parentPort = isMainThread ? null : new ParentPort();

if (!isMainThread) {
  // Web-style workers: `self.postMessage`, `self.onmessage`, `self.addEventListener("message")`.
  Object.defineProperty(globalThis, "postMessage", {
    value: function postMessage(value, transfer) {
      parentPort.postMessage(value, transfer);
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(globalThis, "close", {
    value: function close() {
      parentPort.close();
    },
    writable: true,
    configurable: true,
  });
  globalThis.onmessage ??= null;
  workers.setInbox(
    (value) => {
      parentPort.emit("message", value);
      const event = new MessageEvent("message", { data: value });
      if (typeof globalThis.onmessage === "function") globalThis.onmessage(event);
      globalThis.dispatchEvent(event);
    },
    () => !parentPort.closed && (parentPort.listenerCount("message") > 0 || typeof globalThis.onmessage === "function" || globalListenerCount("message") > 0),
  );
}

const environmentData = new Map();
function getEnvironmentData(key) {
  return environmentData.get(key);
}
function setEnvironmentData(key, value) {
  if (value === undefined) environmentData.delete(key);
  else environmentData.set(key, value);
}
function markAsUntransferable() {}
function isMarkedAsUntransferable() {
  return false;
}
function receiveMessageOnPort() {
  return undefined;
}

const { MessageChannel, MessagePort, BroadcastChannel } = globalThis;

export default {
  isMainThread,
  parentPort,
  workerData,
  threadId,
  resourceLimits,
  SHARE_ENV,
  Worker,
  MessageChannel,
  MessagePort,
  BroadcastChannel,
  getEnvironmentData,
  setEnvironmentData,
  markAsUntransferable,
  isMarkedAsUntransferable,
  receiveMessageOnPort,
};
export {
  isMainThread,
  parentPort,
  workerData,
  threadId,
  resourceLimits,
  SHARE_ENV,
  Worker,
  WebWorker,
  MessageChannel,
  MessagePort,
  BroadcastChannel,
  getEnvironmentData,
  setEnvironmentData,
  markAsUntransferable,
  isMarkedAsUntransferable,
  receiveMessageOnPort,
};
