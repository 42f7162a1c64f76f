// node:http — the client side, over the runtime's `fetch()` (so the app's network policy and
// limits apply unchanged): `request`/`get` with a ClientRequest (a Writable for the body) and
// an IncomingMessage (a Readable of the response body), plus STATUS_CODES, METHODS and Agent.
// The request body is collected and sent at `end()` (one fetch); the response body streams.
// Servers (`createServer`) are not available to edge apps, which answer through `fetch`.

import { Writable, Readable } from "node:stream";
import { Buffer } from "node:buffer";
import * as errors from "node:internal/errors";
import { unavailableOnEdge } from "edge:bootstrap";

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

const createServer = unavailableOnEdge("http", "createServer", "server sockets (answer requests with a fetch handler)");
const Server = createServer;
const maxHeaderSize = 16384;

function validateHeaderName(name) {
  if (typeof name !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw errors.coded(TypeError, "ERR_INVALID_HTTP_TOKEN", `Header name must be a valid HTTP token ["${name}"]`);
  }
}

function validateHeaderValue(name, value) {
  if (value === undefined) throw errors.coded(TypeError, "ERR_HTTP_INVALID_HEADER_VALUE", `Invalid value "${value}" for header "${name}"`);
  if (/[^\t\x20-\x7e\x80-\xff]/.test(String(value))) throw errors.coded(TypeError, "ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
}

const http = { METHODS, STATUS_CODES, Agent, globalAgent, ClientRequest, IncomingMessage, request, get, createServer, Server, maxHeaderSize, validateHeaderName, validateHeaderValue };

export default http;
export { METHODS, STATUS_CODES, Agent, globalAgent, ClientRequest, IncomingMessage, request, get, createServer, Server, maxHeaderSize, validateHeaderName, validateHeaderValue };
