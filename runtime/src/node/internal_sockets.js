// The Sockets API: `connect(address, options)` as `cloudflare:sockets` and `edge:sockets`
// export it. The bytes of each socket move in native code (`src/web/sockets.rs`), through the
// host's network policy; this module gives them the API's shape: `readable`, `writable`,
// `opened`, `closed`, `close()` and `startTls()`.

import { socketConnect } from "edge:bootstrap";

const MODES = ["off", "on", "starttls"];

function parseAddress(address) {
  if (typeof address === "string") {
    const match = /^(\[[^\]]+\]|[^:/\s]+):(\d{1,5})$/.exec(address);
    if (!match) throw new TypeError(`connect(): '${address}' is not "host:port"`);
    return { hostname: match[1], port: Number(match[2]) };
  }
  if (address !== null && typeof address === "object" && "hostname" in address) {
    return { hostname: String(address.hostname), port: Number(address.port) };
  }
  throw new TypeError('connect(): the address is "host:port" or { hostname, port }');
}

function bytesOf(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError("a socket's writable takes Uint8Array or ArrayBuffer chunks");
}

const quiet = () => {};

class Socket {
  #parts;
  #closed;
  #opened;
  #readable;
  #writable;
  #secureTransport;
  #upgraded = false;

  constructor(parts, secureTransport, address) {
    this.#parts = parts;
    this.#secureTransport = secureTransport;
    this.#opened = parts.then(() => ({ remoteAddress: address, localAddress: undefined }));
    this.#closed = parts.then((p) => p.control.ended());
    // Observed or not, a failed connection must not be reported as unhandled twice.
    this.#opened.catch(quiet);
    this.#closed.catch(quiet);
    this.#readable = new ReadableStream(
      {
        async pull(controller) {
          const p = await parts;
          const chunk = await p.source.read();
          if (chunk === undefined) controller.close();
          else controller.enqueue(chunk);
        },
        async cancel() {
          const p = await parts.catch(quiet);
          if (p) p.source.cancel();
        },
      },
      { highWaterMark: 0 },
    );
    this.#writable = new WritableStream({
      async write(chunk) {
        const bytes = bytesOf(chunk);
        const p = await parts;
        await p.sink.write(bytes);
      },
      async close() {
        const p = await parts;
        p.sink.close();
      },
      async abort(reason) {
        const p = await parts.catch(quiet);
        if (p) p.sink.abort(reason);
      },
    });
  }

  get readable() {
    return this.#readable;
  }

  get writable() {
    return this.#writable;
  }

  get opened() {
    return this.#opened;
  }

  get closed() {
    return this.#closed;
  }

  /** Closes both directions at once; resolves as `closed` does. */
  close() {
    this.#parts.then((p) => p.control.close(), quiet);
    return this.#closed;
  }

  /** Upgrades a `secureTransport: "starttls"` socket to TLS: a new socket; this one ends. */
  startTls(options = {}) {
    if (this.#secureTransport !== "starttls") {
      throw new TypeError('startTls() needs a socket opened with secureTransport: "starttls"');
    }
    if (this.#upgraded) throw new TypeError("startTls() was already called on this socket");
    this.#upgraded = true;
    const name = options?.expectedServerHostname;
    const next = this.#parts.then((p) =>
      name === undefined ? p.control.startTls() : p.control.startTls(String(name)),
    );
    next.catch(quiet);
    return new Socket(next, "on", undefined);
  }

  get [Symbol.toStringTag]() {
    return "Socket";
  }
}

/** Opens a TCP connection (and TLS, with `secureTransport: "on"`) to `address`. */
function connect(address, options = {}) {
  const { hostname, port } = parseAddress(address);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`connect(): ${port} is not a port number`);
  }
  const secureTransport = options?.secureTransport ?? "off";
  if (!MODES.includes(secureTransport)) {
    throw new TypeError(`connect(): secureTransport is "off", "on" or "starttls", not "${secureTransport}"`);
  }
  const parts = socketConnect(hostname, port, secureTransport === "on", Boolean(options?.allowHalfOpen));
  parts.catch(quiet);
  return new Socket(parts, secureTransport, `${hostname}:${port}`);
}

export { connect, Socket };
export default { connect };
