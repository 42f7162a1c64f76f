// node:https — node:http's client with `https:` as the default protocol (TLS is fetch's, with
// the runtime's trust store); a server is node:http's (the node terminates TLS).

import http from "node:http";

function withHttps(input, options) {
  if (input !== null && typeof input === "object" && !(input instanceof URL)) return [{ protocol: "https:", port: input.port ?? 443, ...input }, options];
  if (options !== null && typeof options === "object" && typeof input !== "string" && !(input instanceof URL)) return [input, { protocol: "https:", ...options }];
  return [input, options];
}

function request(input, options, callback) {
  const [i, o] = withHttps(input, options);
  return http.request(i, o, callback);
}

function get(input, options, callback) {
  const req = request(input, options, callback);
  req.end();
  return req;
}

class Agent extends http.Agent {
  constructor(options = {}) {
    super({ defaultPort: 443, protocol: "https:", ...options });
  }
}

const globalAgent = new Agent();
function createServer(options, handler) {
  return http.createServer(options, handler);
}

const https = { request, get, Agent, globalAgent, createServer, Server: http.Server };

export default https;
export { request, get, Agent, globalAgent, createServer };
