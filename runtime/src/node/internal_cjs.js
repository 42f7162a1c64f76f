// The CommonJS module system: `require`, `module`, `exports`, `__filename`, `__dirname`, the
// module cache, JSON files, `require()` of built-ins and of ES modules (synchronously, as Node
// 22 does), and `loadCommonJs`, which the ES module standing for an imported CommonJS file
// calls. Resolution, file reading and compiling are native (`require.rs`).

import { cjs, ticks } from "edge:bootstrap";

// The app's entry file when it is CommonJS: `require.main`.
let entryModule;

const cache = Object.create(null);
const extensions = Object.create(null);

function dirname(path) {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function pathOf(urlOrPath) {
  if (typeof urlOrPath !== "string") urlOrPath = String(urlOrPath);
  if (urlOrPath.startsWith("file://")) return decodeURIComponent(new URL(urlOrPath).pathname);
  return urlOrPath;
}

function builtinExports(name) {
  const ns = cjs.requireModule(name);
  return "default" in ns ? ns.default : ns;
}

function esModuleExports(path) {
  const ns = cjs.requireModule(path);
  return "module.exports" in ns ? ns["module.exports"] : ns;
}

class Module {
  constructor(id = "", parent) {
    this.id = id;
    this.path = dirname(id);
    this.exports = {};
    this.filename = id || null;
    this.loaded = false;
    this.children = [];
    this.paths = [];
    Object.defineProperty(this, "parent", { value: parent, writable: true, configurable: true, enumerable: false });
  }

  require(specifier) {
    if (typeof specifier !== "string" || specifier === "") {
      const err = new TypeError(`The "id" argument must be a non-empty string. Received ${typeof specifier === "string" ? "''" : typeof specifier}`);
      err.code = "ERR_INVALID_ARG_VALUE";
      throw err;
    }
    return requireFrom(this, specifier);
  }

  static _load(request, parent) {
    return requireFrom(parent ?? mainModule, request);
  }

  static _resolveFilename(request, parent) {
    return cjs.resolve(request, parent?.filename ?? "/");
  }

  static wrap(script) {
    return `(function (exports, require, module, __filename, __dirname) { ${script}\n});`;
  }
}

Module._cache = cache;
Module._extensions = extensions;
Module.Module = Module;

const mainModule = new Module("/");

function requireFrom(parent, specifier) {
  const resolved = cjs.resolve(specifier, parent.filename ?? "/");
  if (resolved.startsWith("node:")) return builtinExports(resolved);
  const cached = cache[resolved];
  if (cached !== undefined) {
    if (!parent.children.includes(cached)) parent.children.push(cached);
    return cached.exports;
  }
  return loadFile(resolved, parent);
}

function loadFile(path, parent, entry = false) {
  const cached = cache[path];
  if (cached !== undefined) return cached.exports;
  const [format, source] = cjs.read(path);
  if (format === "module") return esModuleExports(path);
  const module = new Module(path, parent);
  if (entry) {
    module.id = ".";
    entryModule = module;
  }
  cache[path] = module;
  parent?.children.push(module);
  try {
    if (format === "json") {
      try {
        module.exports = JSON.parse(source);
      } catch (e) {
        e.message = `${path}: ${e.message}`;
        throw e;
      }
    } else {
      const fn = cjs.compile(source, path);
      const require = makeRequire(module);
      const run = () => Reflect.apply(fn, module.exports, [module.exports, require, module, path, dirname(path)]);
      // Node runs the entry file's top level as a task: its nextTicks come before its promise
      // jobs (an imported module's top level runs inside the importing job).
      if (entry) ticks.runAsTask(run);
      else run();
    }
  } catch (e) {
    delete cache[path];
    throw e;
  }
  module.loaded = true;
  return module.exports;
}

function makeRequire(module) {
  const require = (specifier) => module.require(specifier);
  require.resolve = (specifier) => cjs.resolve(specifier, module.filename ?? "/");
  require.resolve.paths = () => null;
  require.cache = cache;
  require.extensions = extensions;
  Object.defineProperty(require, "main", { get: () => entryModule, enumerable: true, configurable: true });
  return require;
}

/** A `require` that resolves relative to `filename` (a path or file: URL). */
function createRequire(filename) {
  const path = pathOf(filename);
  const module = new Module(path.endsWith("/") ? `${path}__require__.js` : path);
  return makeRequire(module);
}

/** Runs CommonJS file `url` (once) and returns its `module.exports`. */
function loadCommonJs(url, entry = false) {
  return loadFile(pathOf(url), undefined, entry);
}

export { Module, createRequire, loadCommonJs };
