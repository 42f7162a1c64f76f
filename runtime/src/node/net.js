// node:net — client sockets (`connect`, `createConnection`, `Socket`, a Duplex) over Edge's
// outbound sockets, so the host's network policy applies to each connection; and the address
// helpers. Servers are not available: an app answers requests through its fetch handler.

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import { socketConnect, unavailableOnEdge } from "edge:bootstrap";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIPv4(input) {
  return typeof input === "string" && IPV4.test(input);
}

function isIPv6(input) {
  if (typeof input !== "string" || !input.includes(":")) return false;
  let host = input;
  const zone = host.indexOf("%");
  if (zone !== -1) host = host.slice(0, zone);
  // The URL parser knows IPv6 literals exactly.
  try {
    return new URL(`http://[${host}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function isIP(input) {
  if (isIPv4(input)) return 4;
  if (isIPv6(input)) return 6;
  return 0;
}

/** `(port[, host][, cb])`, `(options[, cb])` or `(path[, cb])` as `[options, cb]`. */
function normalizeConnectArgs(args) {
  let [first, second, third] = args;
  if (first !== null && typeof first === "object") {
    return [{ ...first }, typeof second === "function" ? second : undefined];
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) {
    return [{ path: first }, typeof second === "function" ? second : undefined];
  }
  const options = { port: first };
  if (typeof second === "string") options.host = second;
  const cb = [second, third].find((a) => typeof a === "function");
  return [options, cb];
}

function portError(port) {
  const err = new RangeError(`Port should be >= 0 and < 65536. Received ${port}.`);
  err.code = "ERR_SOCKET_BAD_PORT";
  return err;
}

/** The Node-style error for a connection the platform refused or could not make. */
function connectError(err, host, port) {
  const denied = /not allowed/.test(err.message);
  const e = new Error(err.message);
  e.code = denied ? "ERR_EDGE_NETWORK_POLICY" : /refused/i.test(err.message) ? "ECONNREFUSED" : "ECONNRESET";
  e.address = host;
  e.port = port;
  return e;
}

const ATTACHED = Symbol("attached");

class Socket extends Duplex {
  constructor(options = {}) {
    super({ allowHalfOpen: Boolean(options?.allowHalfOpen), emitClose: true, autoDestroy: true });
    this.connecting = false;
    this.pending = true;
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.remoteAddress = undefined;
    this.remotePort = undefined;
    this.remoteFamily = undefined;
    this.localAddress = undefined;
    this.localPort = undefined;
    this._edge = null;
    this._edgeDetached = false;
    this._edgeWaiting = null;
    this._edgeTimeout = 0;
    this._edgeTimer = null;
  }

  connect(...args) {
    const [options, cb] = normalizeConnectArgs(args);
    if (options.path !== undefined) {
      throw new Error("net.Socket: Unix domain sockets are not available on Edge");
    }
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw portError(options.port);
    const host = options.host ?? "localhost";
    if (cb) this.once("connect", cb);
    this.connecting = true;
    this._edgeAttach(socketConnect(host, port, false, true), host, port, "connect");
    return this;
  }

  /** Takes over a connection (a promise of the native parts), then announces `event`. */
  _edgeAttach(parts, host, port, event) {
    parts.then(
      (edge) => {
        if (this.destroyed) {
          edge.control.close();
          return;
        }
        this._edge = edge;
        if (this.encrypted) this.alpnProtocol = edge.alpn ?? false;
        this.connecting = false;
        this.pending = false;
        this.remoteAddress = host;
        this.remotePort = port;
        this.remoteFamily = isIP(host) === 6 ? "IPv6" : "IPv4";
        this._edgeRefreshTimer();
        this.emit(ATTACHED);
        this.emit(event);
        this.emit("ready");
        this._edgePump();
        edge.control.ended().then(
          () => {},
          (err) => this.destroy(connectError(err, host, port)),
        );
      },
      (err) => {
        this.connecting = false;
        this.destroy(connectError(err, host, port));
      },
    );
  }

  /** Gives the connection up to a TLS upgrade: this socket neither reads nor closes it now. */
  _edgeDetach() {
    this._edgeDetached = true;
    const edge = this._edge;
    this._edge = null;
    return edge;
  }

  async _edgePump() {
    const edge = this._edge;
    try {
      for (;;) {
        const chunk = await edge.source.read();
        if (this._edgeDetached || this.destroyed) return;
        if (chunk === undefined) {
          this.push(null);
          return;
        }
        this.bytesRead += chunk.byteLength;
        this._edgeRefreshTimer();
        if (!this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
          await new Promise((resolve) => {
            this._edgeWaiting = resolve;
          });
        }
      }
    } catch (err) {
      if (!this._edgeDetached) this.destroy(err);
    }
  }

  _read() {
    const waiting = this._edgeWaiting;
    if (waiting) {
      this._edgeWaiting = null;
      waiting();
    }
  }

  _write(chunk, encoding, cb) {
    if (!this._edge) {
      if (this.destroyed || (!this.connecting && !this._edgeDetached)) {
        cb(new Error("This socket is not connected"));
        return;
      }
      this.once(ATTACHED, () => this._write(chunk, encoding, cb));
      return;
    }
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
    this.bytesWritten += bytes.length;
    this._edgeRefreshTimer();
    let written;
    try {
      written = this._edge.sink.write(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      cb(err);
      return;
    }
    if (written && typeof written.then === "function") written.then(() => cb(), cb);
    else cb();
  }

  _final(cb) {
    if (!this._edge) {
      if (this.connecting) this.once(ATTACHED, () => this._final(cb));
      else cb();
      return;
    }
    this._edge.sink.close();
    cb();
  }

  _destroy(err, cb) {
    clearTimeout(this._edgeTimer);
    if (this._edge && !this._edgeDetached) this._edge.control.close();
    this._read();
    cb(err);
  }

  setNoDelay() {
    return this; // every connection is opened with TCP_NODELAY
  }

  setKeepAlive() {
    return this;
  }

  setTimeout(ms, cb) {
    this._edgeTimeout = Number(ms) || 0;
    if (cb) {
      if (this._edgeTimeout === 0) this.removeListener("timeout", cb);
      else this.once("timeout", cb);
    }
    this._edgeRefreshTimer();
    return this;
  }

  _edgeRefreshTimer() {
    clearTimeout(this._edgeTimer);
    this._edgeTimer = this._edgeTimeout > 0 ? setTimeout(() => this.emit("timeout"), this._edgeTimeout) : null;
  }

  ref() {
    return this;
  }

  unref() {
    return this;
  }

  address() {
    return {};
  }

  get readyState() {
    if (this.connecting) return "opening";
    if (this.readable && this.writable) return "open";
    if (this.readable) return "readOnly";
    if (this.writable) return "writeOnly";
    return "closed";
  }
}

function connect(...args) {
  const [options] = normalizeConnectArgs(args);
  const socket = new Socket(options);
  if (options.timeout) socket.setTimeout(options.timeout);
  return socket.connect(...args);
}

const unavailable = (name) => unavailableOnEdge("net", name, "servers (answer requests with the fetch handler)");

export const createServer = unavailable("createServer");
export const Server = unavailable("Server");
export { isIP, isIPv4, isIPv6, Socket, connect, connect as createConnection, normalizeConnectArgs };
export default { isIP, isIPv4, isIPv6, createServer, createConnection: connect, connect, Socket, Server };
