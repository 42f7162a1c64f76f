// MessageChannel, MessagePort and MessageEvent: two entangled ports in one isolate. A posted
// message is structured-cloned (its ArrayBuffers in the transfer list move, their originals
// detach) and delivered to the other port as a task of its own, once that port is started.

const PORT = Symbol("port");
// The ports of an event that carries none (a frozen array: one serves every such event).
const NO_PORTS = Object.freeze([]);

class MessageEvent extends Event {
  #init;
  constructor(type, init = undefined) {
    super(type, init);
    const opts = init ?? {};
    this.#init = {
      data: opts.data === undefined ? null : opts.data,
      origin: opts.origin === undefined ? "" : String(opts.origin),
      lastEventId: opts.lastEventId === undefined ? "" : String(opts.lastEventId),
      source: opts.source ?? null,
      ports: opts.ports === undefined ? NO_PORTS : Object.freeze(Array.from(opts.ports)),
    };
  }
  get data() {
    return this.#init.data;
  }
  get origin() {
    return this.#init.origin;
  }
  get lastEventId() {
    return this.#init.lastEventId;
  }
  get source() {
    return this.#init.source;
  }
  get ports() {
    return this.#init.ports;
  }
}

function portState(port) {
  if (port === null || typeof port !== "object" || !(PORT in port)) throw new TypeError("Illegal invocation");
  return port[PORT];
}

// Delivers the queued messages of a started port, each in a task of its own.
function drainPort(port) {
  const s = port[PORT];
  if (!s.started || s.scheduled || s.queue.length === 0) return;
  s.scheduled = true;
  setTimeout(() => {
    s.scheduled = false;
    if (s.closed || s.queue.length === 0) return;
    const { data, ports } = s.queue.shift();
    port.dispatchEvent(new MessageEvent("message", { data, ports }));
    drainPort(port);
  }, 0);
}

class MessagePort extends EventTarget {
  constructor(key = undefined) {
    if (key !== PORT) throw new TypeError("Illegal constructor");
    super();
    Object.defineProperty(this, PORT, {
      value: { other: null, started: false, closed: false, scheduled: false, queue: [], handlers: {} },
    });
  }
  postMessage(message, transferOrOptions = undefined) {
    const s = portState(this);
    let transfer = [];
    if (transferOrOptions !== undefined && transferOrOptions !== null) {
      if (typeof transferOrOptions[Symbol.iterator] === "function") transfer = Array.from(transferOrOptions);
      else if (transferOrOptions.transfer !== undefined) transfer = Array.from(transferOrOptions.transfer);
    }
    if (transfer.includes(this)) throw new DOMException("A port cannot transfer itself", "DataCloneError");
    const memory = new Map();
    const data = cloneWithTransfer(message, transfer, memory);
    const ports = transfer.filter((t) => t instanceof MessagePort).map((p) => memory.get(p));
    const target = s.other;
    if (s.closed || target === null) return;
    target[PORT].queue.push({ data, ports });
    drainPort(target);
  }
  start() {
    const s = portState(this);
    s.started = true;
    drainPort(this);
  }
  close() {
    const s = portState(this);
    s.closed = true;
    if (s.other !== null) s.other[PORT].other = null;
    s.other = null;
  }
}
defineEventHandlers(MessagePort.prototype, ["messageerror"], (port) => portState(port).handlers);
// Setting `onmessage` also starts the port, as the HTML standard says.
defineEventHandlers(MessagePort.prototype, ["message"], (port) => portState(port).handlers);
{
  const { get, set } = Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage");
  Object.defineProperty(MessagePort.prototype, "onmessage", {
    get,
    set: Object.getOwnPropertyDescriptor(
      {
        set onmessage(fn) {
          set.call(this, fn);
          this.start();
        },
      },
      "onmessage",
    ).set,
    enumerable: true,
    configurable: true,
  });
}

// Moves a port's entanglement and queued messages to a new port object; the original is left
// closed (a transferred port is detached).
function transferPort(port) {
  const s = portState(port);
  const copy = new MessagePort(PORT);
  const c = copy[PORT];
  c.other = s.other;
  c.queue = s.queue;
  if (s.other !== null) s.other[PORT].other = copy;
  Object.assign(s, { other: null, queue: [], closed: true });
  return copy;
}

class MessageChannel {
  #port1;
  #port2;
  constructor() {
    this.#port1 = new MessagePort(PORT);
    this.#port2 = new MessagePort(PORT);
    this.#port1[PORT].other = this.#port2;
    this.#port2[PORT].other = this.#port1;
  }
  get port1() {
    return this.#port1;
  }
  get port2() {
    return this.#port2;
  }
}
