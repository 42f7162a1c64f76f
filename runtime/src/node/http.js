// node:http — the client side, over the runtime's `fetch()` (so the app's network policy and
// limits apply unchanged): `request`/`get` with a ClientRequest (a Writable for the body) and
// an IncomingMessage (a Readable of the response body), plus STATUS_CODES, METHODS and Agent.
// The request body is collected and sent at `end()` (one fetch); the response body streams.
// The server side: `createServer(handler).listen(port)` makes the handler the app's request
// handler (no port is opened; the node routes requests to the app). Each request arrives as
// an IncomingMessage and is answered through a ServerResponse whose `write()`s stream to the
// client as they are made.

import { Writable, Readable, Stream } from "node:stream";
import { nextTick } from "node:process";
import { Buffer } from "node:buffer";
import * as errors from "node:internal/errors";
import { EventEmitter } from "node:events";
import { clientAddress } from "edge:bootstrap";

const METHODS = ["ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE"];

const STATUS_CODES = {
  100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
  200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a Teapot", 421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported", 506: "Variant Also Negotiates", 507: "Insufficient Storage", 508: "Loop Detected", 509: "Bandwidth Limit Exceeded", 510: "Not Extended", 511: "Network Authentication Required",
};

class Agent {
  constructor(options = {}) {
    this.options = options;
    this.keepAlive = !!options.keepAlive;
    this.maxSockets = options.maxSockets ?? Infinity;
    this.maxFreeSockets = options.maxFreeSockets ?? 256;
    this.sockets = {};
    this.freeSockets = {};
    this.requests = {};
    this.defaultPort = options.defaultPort ?? 80;
    this.protocol = options.protocol ?? "http:";
  }

  destroy() {}
}

const globalAgent = new Agent();

/** The response: status, headers, and the body as a Readable. */
class IncomingMessage extends Readable {
  constructor(response) {
    super();
    this.statusCode = response.status;
    this.statusMessage = response.statusText || STATUS_CODES[response.status] || "";
    this.httpVersion = "1.1";
    this.httpVersionMajor = 1;
    this.httpVersionMinor = 1;
    this.headers = {};
    this.rawHeaders = [];
    for (const [name, value] of response.headers) {
      this.rawHeaders.push(name, value);
      if (name === "set-cookie") (this.headers[name] ??= []).push(value);
      else this.headers[name] = name in this.headers ? `${this.headers[name]}, ${value}` : value;
    }
    const cookies = response.headers.getSetCookie?.() ?? [];
    if (cookies.length) this.headers["set-cookie"] = cookies;
    this.trailers = {};
    this.rawTrailers = [];
    this.complete = false;
    this.url = response.url;
    this.socket = null;
    this._reader = response.body?.getReader() ?? null;
  }

  _read() {
    if (!this._reader) {
      this.complete = true;
      this.push(null);
      return;
    }
    this._reader.read().then(
      ({ value, done }) => {
        if (done) {
          this.complete = true;
          this.push(null);
        } else {
          this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
        }
      },
      (err) => this.destroy(err),
    );
  }

  _destroy(err, callback) {
    if (this._reader && !this.complete) this._reader.cancel(err ?? undefined).catch(() => {});
    callback(err);
  }

  setTimeout(ms, callback) {
    if (callback) this.once("timeout", callback);
    return this;
  }
}

function normalizeOptions(input, options, callback, defaultProtocol) {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  let url;
  if (typeof input === "string" || input instanceof URL) {
    url = new URL(String(input));
    options = { ...options };
  } else {
    options = { ...input, ...options };
    callback = typeof options === "function" ? options : callback;
  }
  if (!url) {
    const protocol = options.protocol ?? defaultProtocol;
    const host = options.hostname ?? options.host?.replace(/:\d+$/, "") ?? "localhost";
    const port = options.port ?? options.defaultPort ?? "";
    url = new URL(`${protocol}//${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}${port ? `:${port}` : ""}${options.path ?? "/"}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw errors.coded(TypeError, "ERR_INVALID_PROTOCOL", `Protocol "${url.protocol}" not supported. Expected "${defaultProtocol}"`);
  }
  if (options.auth && !url.username) {
    const [user, pass = ""] = String(options.auth).split(":");
    options.headers = { ...options.headers, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` };
  }
  return { url, options, callback };
}

/** An outgoing request: headers until the first write, then the body; sent on `end()`. */
class ClientRequest extends Writable {
  #url;
  #headers = new Map();
  #chunks = [];
  #controller = new AbortController();
  #timer = null;

  constructor(url, options, callback) {
    // Finishing the body is not the end of the exchange: the response is still to come.
    super({ autoDestroy: false });
    this.#url = url;
    this.method = String(options.method ?? "GET").toUpperCase();
    if (!METHODS.includes(this.method)) throw errors.coded(TypeError, "ERR_INVALID_HTTP_TOKEN", `Method must be a valid HTTP token ["${options.method}"]`);
    this.path = url.pathname + url.search;
    this.host = url.hostname;
    this.protocol = url.protocol;
    this.aborted = false;
    this.finished = false;
    this.reusedSocket = false;
    this.socket = null;
    const headers = options.headers ?? {};
    const entries = Array.isArray(headers) ? pairs(headers) : Object.entries(headers);
    for (const [name, value] of entries) this.setHeader(name, value);
    if (options.signal) options.signal.addEventListener("abort", () => this.destroy(options.signal.reason), { once: true });
    if (options.timeout) this.setTimeout(options.timeout);
    if (callback) this.once("response", callback);
  }

  setHeader(name, value) {
    if (this.headersSent) throw errors.coded(Error, "ERR_HTTP_HEADERS_SENT", "Cannot set headers after they are sent to the client");
    this.#headers.set(String(name).toLowerCase(), [String(name), value]);
    return this;
  }

  getHeader(name) {
    return this.#headers.get(String(name).toLowerCase())?.[1];
  }

  getHeaders() {
    return Object.fromEntries([...this.#headers].map(([k, [, v]]) => [k, v]));
  }

  getHeaderNames() {
    return [...this.#headers.keys()];
  }

  hasHeader(name) {
    return this.#headers.has(String(name).toLowerCase());
  }

  removeHeader(name) {
    this.#headers.delete(String(name).toLowerCase());
  }

  flushHeaders() {}

  setNoDelay() {}

  setSocketKeepAlive() {}

  setTimeout(ms, callback) {
    if (callback) this.once("timeout", callback);
    clearTimeout(this.#timer);
    if (ms > 0) this.#timer = setTimeout(() => this.emit("timeout"), ms);
    return this;
  }

  abort() {
    this.aborted = true;
    this.destroy();
  }

  _write(chunk, encoding, callback) {
    this.headersSent = true;
    this.#chunks.push(chunk);
    callback();
  }

  _final(callback) {
    this.headersSent = true;
    this.finished = true;
    const headers = new Headers();
    for (const [, [name, value]] of this.#headers) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
    }
    const body = this.#chunks.length && this.method !== "GET" && this.method !== "HEAD" ? Buffer.concat(this.#chunks) : undefined;
    fetch(this.#url, { method: this.method, headers, body, redirect: "manual", signal: this.#controller.signal }).then(
      (response) => {
        clearTimeout(this.#timer);
        const res = new IncomingMessage(response);
        res.req = this;
        if (!this.emit("response", res)) res.resume();
      },
      (err) => {
        clearTimeout(this.#timer);
        const error = err?.name === "AbortError" ? errors.coded(Error, "ECONNRESET", "socket hang up") : err;
        if (!this.destroyed) this.destroy(error);
      },
    );
    callback();
  }

  _destroy(err, callback) {
    clearTimeout(this.#timer);
    this.#controller.abort(err ?? undefined);
    callback(err);
  }
}

function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function request(input, options, callback) {
  const n = normalizeOptions(input, options, callback, "http:");
  return new ClientRequest(n.url, n.options, n.callback);
}

function get(input, options, callback) {
  const req = request(input, options, callback);
  req.end();
  return req;
}

const maxHeaderSize = 16384;

// ---------------------------------------------------------------- the server side

/** The request as Node servers see it. */
function incomingRequest(request) {
  const message = new IncomingMessage({ status: undefined, statusText: "", headers: request.headers, body: request.body, url: "" });
  const url = new URL(request.url);
  message.method = request.method;
  message.url = url.pathname + url.search;
  message.statusCode = null;
  message.statusMessage = null;
  const client = clientAddress(request);
  const socket = new EventEmitter();
  Object.assign(socket, {
    remoteAddress: client,
    remoteFamily: client === undefined ? undefined : client.includes(":") ? "IPv6" : "IPv4",
    remotePort: 0,
    encrypted: url.protocol === "https:",
    readable: true,
    writable: true,
    setTimeout() { return this; },
    setNoDelay() { return this; },
    setKeepAlive() { return this; },
    destroy() { return this; },
  });
  message.socket = message.connection = socket;
  return message;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

const BODY_HIGH_WATER_MARK = 16384;

function toBytes(chunk, encoding) {
  if (typeof chunk === "string") chunk = Buffer.from(chunk, encoding);
  else if (!(chunk instanceof Uint8Array)) {
    throw errors.coded(TypeError, "ERR_INVALID_ARG_TYPE", `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${typeof chunk}`);
  }
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The answer a Node server writes. As Node's, it is a legacy Stream (not a Writable): the
 * status and headers are fixed by `writeHead()` (or implicitly by the first write), and the
 * app's Response goes to the host at the first `write()` (a streamed body, each chunk sent as
 * written, backpressure through "drain") or at `end()` (the whole body, with its length).
 */
class ServerResponse extends Stream {
  #headers = new Map();
  #respond;
  #fail;
  #controller = null;
  #committed = false;
  #ended = false;
  #finished = false;
  #destroyed = false;
  #needDrain = false;
  // writeHead() called by the app (not implicitly): as in Node, a body without a declared
  // length then goes out chunked.
  #explicitHead = false;
  #implicit = false;

  constructor(req, respond, fail = () => {}) {
    super();
    this.req = req;
    this.#respond = respond;
    this.#fail = fail;
    this.statusCode = 200;
    this.statusMessage = undefined;
    this.headersSent = false;
    this.sendDate = true;
    this.writable = true;
    this.chunkedEncoding = false;
    this.shouldKeepAlive = true;
    this.socket = this.connection = req.socket;
  }

  get finished() {
    return this.#ended;
  }
  get writableEnded() {
    return this.#ended;
  }
  get writableFinished() {
    return this.#finished;
  }
  get destroyed() {
    return this.#destroyed;
  }
  get writableNeedDrain() {
    return this.#needDrain;
  }
  get writableLength() {
    return 0;
  }
  get writableHighWaterMark() {
    return BODY_HIGH_WATER_MARK;
  }
  get writableObjectMode() {
    return false;
  }
  get writableCorked() {
    return 0;
  }
  cork() {}
  uncork() {}

  setHeader(name, value) {
    if (this.headersSent) throw errors.coded(Error, "ERR_HTTP_HEADERS_SENT", "Cannot set headers after they are sent to the client");
    validateHeaderName(name);
    validateHeaderValue(name, value);
    this.#headers.set(String(name).toLowerCase(), [String(name), value]);
    return this;
  }

  appendHeader(name, value) {
    const existing = this.getHeader(name);
    if (existing === undefined) return this.setHeader(name, value);
    return this.setHeader(name, [].concat(existing, value));
  }

  getHeader(name) {
    return this.#headers.get(String(name).toLowerCase())?.[1];
  }

  getHeaders() {
    const out = Object.create(null);
    for (const [key, [, value]] of this.#headers) out[key] = value;
    return out;
  }

  getHeaderNames() {
    return [...this.#headers.keys()];
  }

  hasHeader(name) {
    return this.#headers.has(String(name).toLowerCase());
  }

  removeHeader(name) {
    if (this.headersSent) throw errors.coded(Error, "ERR_HTTP_HEADERS_SENT", "Cannot remove headers after they are sent to the client");
    this.#headers.delete(String(name).toLowerCase());
  }

  /** Fixes the status and headers; they go out with the first write or the end. */
  writeHead(status, message, headers) {
    if (this.headersSent) throw errors.coded(Error, "ERR_HTTP_HEADERS_SENT", "Cannot write headers after they are sent to the client");
    if (typeof message !== "string") {
      headers = message;
      message = undefined;
    }
    this.statusCode = status;
    if (message !== undefined) this.statusMessage = message;
    if (Array.isArray(headers)) {
      const list = Array.isArray(headers[0]) ? headers : pairs(headers);
      for (const [name, value] of list) this.appendHeader(name, value);
    } else if (headers) {
      for (const name of Object.keys(headers)) this.setHeader(name, headers[name]);
    }
    this.headersSent = true;
    this.#explicitHead = !this.#implicit;
    return this;
  }

  /** What `write()`/`end()` call when the app set no headers explicitly (hooks wrap it). */
  _implicitHeader() {
    this.#implicit = true;
    try {
      this.writeHead(this.statusCode);
    } finally {
      this.#implicit = false;
    }
  }

  /** Whether the body must stream: headers fixed by the app with no length. */
  #chunked() {
    return this.#explicitHead && !this.hasHeader("content-length");
  }

  /** Sends the status and headers now, with a streamed body to follow. */
  flushHeaders() {
    if (!this.headersSent) this._implicitHeader();
    this.#commit(false);
  }

  /** Hands the app's Response to the host: with the whole body when `ending`, else a stream. */
  #commit(ending, body = null) {
    if (this.#committed) return;
    this.#committed = true;
    const headers = new Headers();
    for (const [, [name, value]] of this.#headers) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, String(v));
      else headers.set(name, String(value));
    }
    const empty = NULL_BODY.has(this.statusCode) || this.req.method === "HEAD";
    let responseBody = null;
    if (!empty) {
      if (ending) responseBody = body;
      else {
        responseBody = new ReadableStream(
          {
            start: (controller) => {
              this.#controller = controller;
            },
            pull: () => {
              if (this.#needDrain) {
                this.#needDrain = false;
                this.emit("drain");
              }
            },
            cancel: () => {
              this.#controller = null;
              this.destroy();
            },
          },
          { highWaterMark: BODY_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
        );
      }
    }
    const statusText = this.statusMessage ?? STATUS_CODES[this.statusCode] ?? "";
    this.#respond(new Response(responseBody, { status: this.statusCode, statusText, headers }));
  }

  write(chunk, encoding, callback) {
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    if (chunk === null) throw errors.coded(TypeError, "ERR_STREAM_NULL_VALUES", "May not write null values to stream");
    if (this.#ended || this.#destroyed) {
      const err = errors.coded(Error, this.#ended ? "ERR_STREAM_WRITE_AFTER_END" : "ERR_STREAM_DESTROYED", this.#ended ? "write after end" : "Cannot call write after a stream was destroyed");
      nextTick(() => {
        callback?.(err);
        if (this.listenerCount("error") > 0) this.emit("error", err);
      });
      return false;
    }
    const bytes = toBytes(chunk, encoding);
    if (!this.headersSent) this._implicitHeader();
    this.#commit(false);
    if (bytes.byteLength > 0) this.#controller?.enqueue(bytes);
    if (typeof callback === "function") nextTick(callback, null);
    const room = (this.#controller?.desiredSize ?? 1) > 0;
    if (!room) this.#needDrain = true;
    return room;
  }

  end(chunk, encoding, callback) {
    if (typeof chunk === "function") {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    if (this.#ended) {
      if (typeof callback === "function") nextTick(callback);
      return this;
    }
    if (chunk !== undefined && chunk !== null) {
      if (!this.#committed) {
        // The whole answer at once: one body, with its length.
        const bytes = toBytes(chunk, encoding);
        if (!this.headersSent) {
          if (!this.hasHeader("content-length")) this.setHeader("Content-Length", bytes.byteLength);
          this._implicitHeader();
        }
        if (this.#chunked()) this.write(bytes);
        else this.#commit(true, bytes);
      } else this.write(chunk, encoding);
    }
    if (!this.headersSent) {
      if (!this.hasHeader("content-length")) this.setHeader("Content-Length", 0);
      this._implicitHeader();
    }
    this.#commit(this.#chunked() ? false : true, null);
    this.#ended = true;
    this.writable = false;
    if (this.#controller) {
      try {
        this.#controller.close();
      } catch {
        // The client went away; there is nothing to close.
      }
      this.#controller = null;
    }
    if (typeof callback === "function") this.once("finish", callback);
    nextTick(() => {
      this.#finished = true;
      this.emit("prefinish");
      this.emit("finish");
      nextTick(() => this.emit("close"));
    });
    return this;
  }

  /** Ends the answer abruptly: a streamed body errors; one not yet sent becomes a failure. */
  destroy(err) {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.writable = false;
    const reason = err ?? errors.coded(Error, "ERR_STREAM_DESTROYED", "the response was destroyed");
    if (this.#controller) {
      try {
        this.#controller.error(reason);
      } catch {
        // Already closed.
      }
      this.#controller = null;
    } else if (!this.#committed) {
      this.#committed = true;
      this.#fail(reason);
    }
    nextTick(() => this.emit("close"));
    return this;
  }

  setTimeout(ms, callback) {
    if (callback) this.once("timeout", callback);
    return this;
  }

  addTrailers() {}
  writeContinue() {}
  writeProcessing() {}
  writeEarlyHints() {}
  assignSocket() {}
  detachSocket() {}
}

/** The server whose `listen()` made it the app's request handler, and whether a fetch
 * listener was registered for it. */
let listening = null;
let registered = false;

function serve(server, request) {
  return new Promise((resolve, reject) => {
    const req = incomingRequest(request);
    const res = new ServerResponse(req, resolve, reject);
    try {
      server.emit("request", req, res);
    } catch (err) {
      reject(err);
    }
  });
}

/** Makes `server` the one answering the app's requests (the fetch listener, once). */
function becomeAppHandler(server) {
  server.listening = true;
  listening = server;
  if (!registered) {
    registered = true;
    addEventListener("fetch", (event) => {
      if (listening) event.respondWith(serve(listening, event.request));
    });
  }
}

class Server extends EventEmitter {
  constructor(options, handler) {
    super();
    if (typeof options === "function") handler = options;
    if (handler) this.on("request", handler);
    this.listening = false;
    this.port = undefined;
    this.timeout = 0;
    this.keepAliveTimeout = 5000;
    this.headersTimeout = 60000;
    this.requestTimeout = 300000;
  }

  /** Serves the app's requests without a listen() call: the host found a default export that
   * is a Node request handler (an Express app, say). */
  _edgeServe() {
    this.port = 0;
    this.host = "::";
    becomeAppHandler(this);
  }

  listen(...args) {
    const first = args[0];
    let port = typeof first === "object" && first !== null ? first.port : first;
    if (typeof port === "function") port = undefined;
    const callback = args.find((a) => typeof a === "function");
    if (callback) this.once("listening", callback);
    this.port = Number(port ?? 0);
    const host = typeof first === "object" && first !== null ? first.host : args[1];
    this.host = typeof host === "string" && host !== "" ? host : "::";
    becomeAppHandler(this);
    console.log(`node:http: listen(${port ?? ""}) makes this server the app's request handler; no port is opened on Edge`);
    setTimeout(() => this.emit("listening"), 0);
    return this;
  }

  address() {
    if (!this.listening) return null;
    const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(this.host);
    return { address: this.host === "localhost" ? "127.0.0.1" : this.host, family: v4 || this.host === "localhost" ? "IPv4" : "IPv6", port: this.port };
  }

  close(callback) {
    if (listening === this) listening = null;
    this.listening = false;
    setTimeout(() => {
      this.emit("close");
      callback?.();
    }, 0);
    return this;
  }

  closeAllConnections() {}

  closeIdleConnections() {}

  setTimeout(ms, callback) {
    if (callback) this.on("timeout", callback);
    return this;
  }

  ref() {
    return this;
  }

  unref() {
    return this;
  }
}

function createServer(options, handler) {
  return new Server(options, handler);
}

function validateHeaderName(name) {
  if (typeof name !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw errors.coded(TypeError, "ERR_INVALID_HTTP_TOKEN", `Header name must be a valid HTTP token ["${name}"]`);
  }
}

function validateHeaderValue(name, value) {
  if (value === undefined) throw errors.coded(TypeError, "ERR_HTTP_INVALID_HEADER_VALUE", `Invalid value "${value}" for header "${name}"`);
  if (/[^\t\x20-\x7e\x80-\xff]/.test(String(value))) throw errors.coded(TypeError, "ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
}

const http = { METHODS, STATUS_CODES, Agent, globalAgent, ClientRequest, IncomingMessage, ServerResponse, request, get, createServer, Server, maxHeaderSize, validateHeaderName, validateHeaderValue };

export default http;
export { METHODS, STATUS_CODES, Agent, globalAgent, ClientRequest, IncomingMessage, ServerResponse, request, get, createServer, Server, maxHeaderSize, validateHeaderName, validateHeaderValue };
