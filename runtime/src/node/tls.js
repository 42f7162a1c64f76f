// node:tls — TLS client sockets: `connect()` opens one, or upgrades a connected `net.Socket`
// (`{ socket }`, as database drivers do after negotiating TLS in plain text). Certificates are
// always verified against the isolate's roots (bundled public roots and the node's CA file).

import { Socket, normalizeConnectArgs } from "node:net";
import { socketConnect, unavailableOnEdge } from "edge:bootstrap";

class TLSSocket extends Socket {
  constructor(socket, options = {}) {
    super(options);
    this.encrypted = true;
    this.authorized = false;
    this.alpnProtocol = false;
    this.servername = options.servername;
  }

  getPeerCertificate() {
    return {};
  }

  getProtocol() {
    return null;
  }
}

/** `ALPNProtocols` (strings, Buffers or arrays of bytes) as protocol names. */
function alpnNames(protocols) {
  if (protocols === undefined || protocols === null) return [];
  return Array.from(protocols, (p) => (typeof p === "string" ? p : new TextDecoder().decode(p)));
}

function connect(...args) {
  let [options, cb] = normalizeConnectArgs(args);
  if (args[0] !== null && typeof args[0] === "object") options = { ...args[0] };
  else if (typeof args[2] === "object" && args[2] !== null) options = { ...args[2], ...options };
  else if (typeof args[1] === "object" && args[1] !== null) options = { ...args[1], ...options };
  if (options.rejectUnauthorized === false) {
    // Edge verifies every certificate; a driver asking otherwise gets verification anyway.
  }
  const tls = new TLSSocket(undefined, options);
  if (cb) tls.once("secureConnect", cb);
  const plain = options.socket;
  if (plain) {
    const upgrade = () => {
      const edge = plain._edgeDetach();
      if (!edge) {
        tls.destroy(new Error("tls.connect(): the socket to upgrade is not connected"));
        return;
      }
      const host = plain.remoteAddress;
      const name = options.servername ?? options.host ?? host;
      const parts = edge.control.startTls(String(name), alpnNames(options.ALPNProtocols));
      tls.connecting = true;
      tls._edgeAttach(parts, host, plain.remotePort, "secureConnect");
      tls.once("secureConnect", () => {
        tls.authorized = true;
      });
    };
    if (plain.connecting) plain.once("connect", upgrade);
    else upgrade();
    // The plain socket's connection now belongs to the TLS socket: it closes with it.
    tls.once("close", () => plain.destroy());
    return tls;
  }
  const host = options.host ?? "localhost";
  const port = Number(options.port);
  tls.connecting = true;
  const connected = socketConnect(host, port, true, true, alpnNames(options.ALPNProtocols));
  tls._edgeAttach(connected, host, port, "secureConnect");
  tls.once("secureConnect", () => {
    tls.authorized = true;
  });
  return tls;
}

const unavailable = (name) => unavailableOnEdge("tls", name, "servers (answer requests with the fetch handler)");

export const createServer = unavailable("createServer");
export const Server = unavailable("Server");
export const DEFAULT_MIN_VERSION = "TLSv1.2";
export const DEFAULT_MAX_VERSION = "TLSv1.3";
export function checkServerIdentity() {
  return undefined;
}
export { connect, TLSSocket };
export default { connect, TLSSocket, createServer, Server, checkServerIdentity, DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION };
