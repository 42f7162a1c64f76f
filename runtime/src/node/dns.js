// node:dns — what packages import it for. Apps connect by host name and the platform resolves
// the name (under the network policy); apps cannot query DNS themselves, so `lookup` answers
// for IP literals only and names fail with ENOTFOUND saying why.

import { isIP } from "node:net";

function notAvailable(name, host) {
  const err = new Error(
    `dns.${name}(${JSON.stringify(host)}) is not available on Edge: connect by host name and the platform resolves it`,
  );
  err.code = "ENOTFOUND";
  err.hostname = host;
  return err;
}

function lookup(host, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  if (typeof options === "number") options = { family: options };
  const family = isIP(host);
  queueMicrotask(() => {
    if (family === 0) {
      callback(notAvailable("lookup", host));
      return;
    }
    if (options?.all) callback(null, [{ address: host, family }]);
    else callback(null, host, family);
  });
}

function unavailableResolver(name) {
  return function (host, ...args) {
    const callback = args.find((a) => typeof a === "function");
    const err = notAvailable(name, host);
    if (callback) queueMicrotask(() => callback(err));
    else throw err;
  };
}

const resolvers = ["resolve", "resolve4", "resolve6", "resolveMx", "resolveTxt", "resolveSrv", "resolveCname", "resolveNs", "reverse"];

const promises = {
  lookup(host, options) {
    return new Promise((resolve, reject) => {
      lookup(host, options ?? {}, (err, address, family) => {
        if (err) reject(err);
        else resolve(Array.isArray(address) ? address : { address, family });
      });
    });
  },
};
for (const name of resolvers) {
  promises[name] = (host) => Promise.reject(notAvailable(name, host));
}

const api = { lookup, promises, ADDRCONFIG: 1024, V4MAPPED: 2048, ALL: 256, NOTFOUND: "ENOTFOUND" };
for (const name of resolvers) api[name] = unavailableResolver(name);

export const { resolve, resolve4, resolve6, resolveMx, resolveTxt, resolveSrv, resolveCname, resolveNs, reverse } = api;
export { lookup, promises };
export default api;
