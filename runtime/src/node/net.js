// node:net — the address helpers work (packages validate IPs with them); sockets and servers
// are not available on Edge (outbound TCP is `connect()` from `cloudflare:sockets`, later).

import { unavailableOnEdge } from "edge:bootstrap";

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

const unavailable = (name) => unavailableOnEdge("net", name, "raw sockets or servers");

export const createServer = unavailable("createServer");
export const createConnection = unavailable("createConnection");
export const connect = unavailable("connect");
export const Socket = unavailable("Socket");
export const Server = unavailable("Server");
export { isIP, isIPv4, isIPv6 };
export default { isIP, isIPv4, isIPv6, createServer, createConnection, connect, Socket, Server };
