// `WebSocket`, `WebSocketPair` and `CloseEvent`. One class serves the three kinds of socket:
// a client (`new WebSocket(url)`, connected natively through the isolate's network policy),
// and the two ends of a `WebSocketPair` (Workers): the server end the app accepts, and the
// client end it returns in `new Response(null, { status: 101, webSocket })`, which binds the
// server end to the connection the front upgrades. A pair whose client end is not returned
// stays in the isolate: what one end sends, the other receives. The protocol, the limits and
// the connections are native (`src/websocket/`, `src/web/websocket.rs`).

import { websocketNative as native, setWebSocketBinder } from "edge:bootstrap";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const INTERNAL = Symbol("websocket");
const encoder = new TextEncoder();

class CloseEvent extends Event {
  #code;
  #reason;
  #wasClean;
  constructor(type, init = undefined) {
    super(type, init);
    const i = init ?? {};
    this.#code = i.code === undefined ? 0 : i.code & 0xffff;
    this.#reason = i.reason === undefined ? "" : String(i.reason);
    this.#wasClean = Boolean(i.wasClean);
  }
  get code() {
    return this.#code;
  }
  get reason() {
    return this.#reason;
  }
  get wasClean() {
    return this.#wasClean;
  }
  get [Symbol.toStringTag]() {
    return "CloseEvent";
  }
}

function syntaxError(message) {
  return new DOMException(message, "SyntaxError");
}

function invalidState(message) {
  return new DOMException(message, "InvalidStateError");
}

/** The socket's URL, from what `new WebSocket()` was given (WHATWG: http(s) map to ws(s)). */
function parseUrl(input) {
  let url;
  try {
    url = new URL(String(input), globalThis.location?.href);
  } catch {
    throw syntaxError(`WebSocket: invalid URL '${input}'`);
  }
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw syntaxError(`WebSocket: the URL's scheme must be ws: or wss:, not ${url.protocol}`);
  }
  if (url.hash !== "") throw syntaxError("WebSocket: the URL must not have a fragment");
  return url;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseProtocols(protocols) {
  if (protocols === undefined) return [];
  const list = typeof protocols === "string" ? [protocols] : Array.from(protocols, String);
  const seen = new Set();
  for (const p of list) {
    if (!TOKEN.test(p)) throw syntaxError(`WebSocket: '${p}' is not a valid subprotocol`);
    if (seen.has(p)) throw syntaxError(`WebSocket: subprotocol '${p}' is given twice`);
    seen.add(p);
  }
  return list;
}

function stateOf(ws) {
  const s = ws?.[INTERNAL];
  if (s === undefined) throw new TypeError("Illegal invocation");
  return s;
}

/** Copies a view's or buffer's bytes (a later change by the app must not alter the message). */
function copyBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return null;
}

function byteLength(data) {
  if (typeof data === "string") return encoder.encode(data).byteLength;
  if (data instanceof Blob) return data.size;
  return data.byteLength;
}

class WebSocket extends EventTarget {
  constructor(url, protocols = undefined) {
    super();
    if (url === INTERNAL) {
      // An end of a WebSocketPair.
      this[INTERNAL] = newState("pair", "", "arraybuffer");
      this[INTERNAL].state = OPEN;
      return;
    }
    if (arguments.length === 0) throw new TypeError("WebSocket: 1 argument required, but only 0 present");
    const parsed = parseUrl(url);
    const list = parseProtocols(protocols);
    const s = newState("client", parsed.href, "blob");
    this[INTERNAL] = s;
    const secure = parsed.protocol === "wss:";
    const port = parsed.port === "" ? (secure ? 443 : 80) : Number(parsed.port);
    const target = (parsed.pathname || "/") + parsed.search;
    const to = { host: parsed.hostname, port, secure, target, hostHeader: parsed.host };
    s.handle = native.connect(to, list, (kind, a, b, c) =>
      onNativeEvent(this, kind, a, b, c),
    );
  }

  get url() {
    return stateOf(this).url;
  }
  get readyState() {
    return stateOf(this).state;
  }
  get protocol() {
    return stateOf(this).protocol;
  }
  get extensions() {
    return stateOf(this).extensions;
  }
  get bufferedAmount() {
    const s = stateOf(this);
    return (s.handle ? s.handle.bufferedAmount() : 0) + s.afterClose;
  }
  get binaryType() {
    return stateOf(this).binaryType;
  }
  set binaryType(value) {
    const v = String(value);
    if (v === "blob" || v === "arraybuffer") stateOf(this).binaryType = v;
  }

  /** Workers: starts delivering this end's events (a pair's server end). */
  accept() {
    const s = stateOf(this);
    if (s.kind !== "pair") throw new TypeError("WebSocket.accept: only a WebSocketPair's end can be accepted");
    if (s.accepted) throw new TypeError("WebSocket.accept: this socket was already accepted");
    if (s.transferred) throw new TypeError("WebSocket.accept: this end was handed to a Response");
    s.accepted = true;
    if (s.handle) {
      s.handle.start((kind, a, b, c) => onNativeEvent(this, kind, a, b, c));
      return;
    }
    // Both ends used in this isolate: what the other end sent so far arrives now.
    const ps = s.peer?.[INTERNAL];
    if (ps) for (const payload of ps.pending.splice(0)) deliverLocal(this, payload);
    flushLocal(this);
  }

  send(data) {
    const s = stateOf(this);
    if (arguments.length === 0) throw new TypeError("WebSocket.send: 1 argument required, but only 0 present");
    if (s.state === CONNECTING) throw invalidState("WebSocket.send: the socket is still connecting");
    if (s.kind === "pair" && !s.accepted) throw invalidState("WebSocket.send: call accept() first");
    let payload;
    if (typeof data === "string" || data instanceof Blob) payload = data;
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) payload = copyBytes(data);
    else payload = String(data);
    if (s.state !== OPEN) {
      // The spec's "closing or closed": the bytes count as buffered, nothing is sent.
      s.afterClose += byteLength(payload);
      return;
    }
    if (s.handle) {
      s.handle.send(payload);
      return;
    }
    if (s.kind === "pair") {
      const peer = s.peer;
      if (peer === null) return;
      // Until the other end is accepted here or its Response binds it to a connection, the
      // messages wait.
      if (peer[INTERNAL].accepted) deliverLocal(peer, payload);
      else s.pending.push(payload);
    }
  }

  close(code = undefined, reason = undefined) {
    const s = stateOf(this);
    if (code !== undefined) {
      code = Number(code);
      if (!(code === 1000 || (code >= 3000 && code <= 4999))) {
        throw new DOMException(`WebSocket.close: invalid code ${code}: use 1000 or 3000 to 4999`, "InvalidAccessError");
      }
    }
    if (reason !== undefined) {
      reason = String(reason);
      if (encoder.encode(reason).byteLength > 123) throw syntaxError("WebSocket.close: the reason is longer than 123 bytes");
    }
    if (s.state === CLOSING || s.state === CLOSED) return;
    if (s.kind === "pair" && !s.handle && !s.accepted && !s.transferred) {
      throw invalidState("WebSocket.close: call accept() first");
    }
    // A reason without a code goes with 1000.
    if (code === undefined && reason) code = 1000;
    // Closing while connecting fails the connection: an error event, then close (1006).
    if (s.state === CONNECTING) s.failed = true;
    s.state = CLOSING;
    if (s.handle) {
      if (code === undefined) s.handle.close();
      else s.handle.close(code, reason ?? "");
      return;
    }
    s.closeArgs = [code, reason ?? ""];
    if (s.kind === "pair" && s.peer !== null && !s.peer[INTERNAL].transferred) {
      const peer = s.peer;
      queueLocal(peer, () => {
        const ps = peer[INTERNAL];
        finish(peer, code ?? 1005, reason ?? "", true);
        if (ps.state !== CLOSED) ps.state = CLOSED;
        queueLocal(this, () => finish(this, code ?? 1005, reason ?? "", true));
      });
    }
  }

  get [Symbol.toStringTag]() {
    return "WebSocket";
  }
}

for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  Object.defineProperty(WebSocket, name, { value, enumerable: true });
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
}

// The event handler attributes.
for (const type of ["open", "message", "error", "close"]) {
  const slot = Symbol(`on${type}`);
  Object.defineProperty(WebSocket.prototype, `on${type}`, {
    get() {
      return this[slot]?.handler ?? null;
    },
    set(handler) {
      const old = this[slot];
      if (old) this.removeEventListener(type, old.listener);
      if (typeof handler !== "function") {
        this[slot] = undefined;
        return;
      }
      const listener = (event) => this[slot]?.handler.call(this, event);
      this[slot] = { handler, listener };
      this.addEventListener(type, listener);
    },
    enumerable: true,
    configurable: true,
  });
}

function newState(kind, url, binaryType) {
  return {
    kind,
    url,
    state: CONNECTING,
    protocol: "",
    extensions: "",
    binaryType,
    handle: null,
    afterClose: 0,
    // Pair ends.
    peer: null,
    accepted: false,
    transferred: false,
    bound: null,
    pending: [],
    inbox: [],
  };
}

function onNativeEvent(ws, kind, a, b, c) {
  const s = ws[INTERNAL];
  switch (kind) {
    case "open":
      if (s.state !== CONNECTING) return;
      s.state = OPEN;
      s.protocol = a;
      s.extensions = b;
      ws.dispatchEvent(new Event("open"));
      return;
    case "message":
      if (s.state !== OPEN) return;
      ws.dispatchEvent(new MessageEvent("message", { data: messageData(s, a), origin: originOf(s) }));
      return;
    case "error":
      // The connection could not be opened (a "close" with 1006 follows).
      s.state = CLOSED;
      s.errored = true;
      ws.dispatchEvent(new ErrorEvent("error", { message: a }));
      return;
    case "close":
      // A connection that failed (no close frame received, or closed while connecting) fires
      // "error" first.
      if (!s.errored && (s.failed || (!c && s.kind === "client"))) ws.dispatchEvent(new Event("error"));
      if (s.failed) finish(ws, 1006, "", false);
      else finish(ws, a, b, c);
      return;
  }
}

function originOf(s) {
  if (s.kind !== "client") return "";
  try {
    return new URL(s.url).origin;
  } catch {
    return "";
  }
}

function messageData(s, data) {
  if (typeof data === "string") return data;
  return s.binaryType === "blob" ? new Blob([data]) : data;
}

function finish(ws, code, reason, wasClean) {
  const s = ws[INTERNAL];
  if (s.closed) return;
  s.closed = true;
  s.state = CLOSED;
  ws.dispatchEvent(new CloseEvent("close", { code, reason, wasClean }));
}

// A pair kept in the isolate: each delivery is a task of its own, in order.
function queueLocal(ws, task) {
  const s = ws[INTERNAL];
  if (!s.accepted) {
    s.inbox.push(task);
    return;
  }
  setTimeout(task, 0);
}

function flushLocal(ws) {
  const s = ws[INTERNAL];
  for (const task of s.inbox.splice(0)) setTimeout(task, 0);
}

function deliverLocal(ws, payload) {
  queueLocal(ws, async () => {
    const s = ws[INTERNAL];
    if (s.state !== OPEN) return;
    let data = payload;
    if (data instanceof Blob) data = await data.arrayBuffer();
    else if (data instanceof Uint8Array) data = data.buffer;
    ws.dispatchEvent(new MessageEvent("message", { data: messageData(s, data) }));
  });
}

class WebSocketPair {
  constructor() {
    const client = new WebSocket(INTERNAL);
    const server = new WebSocket(INTERNAL);
    client[INTERNAL].peer = server;
    server[INTERNAL].peer = client;
    this[0] = client;
    this[1] = server;
  }
  get [Symbol.toStringTag]() {
    return "WebSocketPair";
  }
}

/** Called when a Response carrying `ws` becomes the answer: binds its peer to the connection. */
function bind(ws, handle) {
  const s = ws?.[INTERNAL];
  if (s === undefined || s.kind !== "pair" || s.accepted || s.bound !== null || s.peer === null) return false;
  const server = s.peer;
  const ss = server[INTERNAL];
  s.bound = handle;
  s.state = CLOSED;
  ss.handle = handle;
  for (const payload of ss.pending.splice(0)) handle.send(payload);
  if (ss.state === CLOSING) {
    const [code, reason] = ss.closeArgs;
    if (code === undefined) handle.close();
    else handle.close(code, reason);
  }
  if (ss.accepted) handle.start((kind, a, b, c) => onNativeEvent(server, kind, a, b, c));
  // The ends part: the client end's work is done (and it is not kept alive by the server's).
  s.peer = null;
  ss.peer = null;
  return true;
}

/** Marks the client end as handed to a Response (`new Response(null, { webSocket })`). */
function transfer(ws) {
  const s = ws?.[INTERNAL];
  if (s === undefined || s.kind !== "pair") throw new TypeError("Response: webSocket must be an end of a WebSocketPair");
  if (s.accepted || s.transferred) throw new TypeError("Response: this WebSocket was already accepted or used");
  s.transferred = true;
}

setWebSocketBinder({ bind, transfer });

export { WebSocket, WebSocketPair, CloseEvent };
