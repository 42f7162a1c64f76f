// node:module — `createRequire` (CommonJS `require` from an ES module), the list of built-in
// modules, and the `Module` class as packages reach for it.

import { Module, createRequire } from "node:internal/cjs";

const builtinModules = Object.freeze([
  "assert", "assert/strict", "async_hooks", "buffer", "child_process", "crypto", "dgram",
  "diagnostics_channel", "events", "fs", "fs/promises", "http", "https", "module", "net", "os", "path", "path/posix", "path/win32",
  "perf_hooks", "process", "querystring", "stream", "stream/promises", "stream/web", "string_decoder",
  "timers", "timers/promises", "url", "util", "util/types", "vm", "zlib",
]);

function isBuiltin(name) {
  const bare = String(name).startsWith("node:") ? String(name).slice(5) : String(name);
  return builtinModules.includes(bare);
}

/** Source maps and loader hooks have nothing to act on here: accepted and ignored. */
function register() {}
function enableCompileCache() {
  return { status: 3, message: "Edge compiles modules to bytecode already" };
}
function findSourceMap() {
  return undefined;
}
function syncBuiltinESMExports() {}

Module.builtinModules = builtinModules;
Module.createRequire = createRequire;
Module.isBuiltin = isBuiltin;
Module.register = register;
Module.syncBuiltinESMExports = syncBuiltinESMExports;
Module.findSourceMap = findSourceMap;

export default Module;
export { Module, builtinModules, createRequire, isBuiltin, register, enableCompileCache, findSourceMap, syncBuiltinESMExports };
