// node:vm — scripts run in this realm (`runInThisContext`) or in a new one with a sandbox as its
// global variables (`runInNewContext`, `runInContext`, `Script`), and `compileFunction`. A new
// realm has the language's built-ins only, and shares the isolate's limits. After a run, the
// sandbox receives the globals the script defined or changed.

import { vmRealm, unavailableOnEdge } from "edge:bootstrap";
import { Buffer } from "node:buffer";
import * as errors from "node:internal/errors";

const contexts = new WeakSet();

function filenameOf(options) {
  if (typeof options === "string") return options;
  return options?.filename ?? "evalmachine.<anonymous>";
}

function createContext(sandbox = {}, options) {
  if (sandbox === null || (typeof sandbox !== "object" && typeof sandbox !== "function")) throw errors.invalidArgType("contextObject", "Object", sandbox);
  contexts.add(sandbox);
  return sandbox;
}

function isContext(object) {
  if (object === null || typeof object !== "object") throw errors.invalidArgType("object", "Object", object);
  return contexts.has(object);
}

function runInNewContext(code, sandbox, options) {
  if (sandbox === undefined) sandbox = {};
  createContext(sandbox);
  const before = new Set();
  const [result, global] = vmRealm(String(code), filenameOf(options), (g) => {
    for (const key of Reflect.ownKeys(g)) before.add(key);
    for (const key of Reflect.ownKeys(sandbox)) {
      const descriptor = Object.getOwnPropertyDescriptor(sandbox, key);
      if (descriptor) Object.defineProperty(g, key, descriptor);
    }
  });
  for (const key of Object.keys(global)) {
    if (!before.has(key) || Object.prototype.hasOwnProperty.call(sandbox, key)) sandbox[key] = global[key];
  }
  return result;
}

function runInContext(code, contextifiedObject, options) {
  if (!contexts.has(contextifiedObject)) throw errors.invalidArgType("contextifiedObject", "vm.Context", contextifiedObject);
  return runInNewContext(code, contextifiedObject, options);
}

function runInThisContext(code) {
  return (0, eval)(String(code));
}

class Script {
  #code;
  #options;

  constructor(code, options) {
    this.#code = String(code);
    this.#options = options;
    // A syntax error surfaces here, as in Node.
    new Function(`return () => {\n${this.#code}\n}`);
  }

  runInThisContext() {
    return runInThisContext(this.#code, this.#options);
  }

  runInNewContext(sandbox, options) {
    return runInNewContext(this.#code, sandbox, options ?? this.#options);
  }

  runInContext(contextifiedObject, options) {
    return runInContext(this.#code, contextifiedObject, options ?? this.#options);
  }

  createCachedData() {
    return Buffer.alloc(0);
  }
}

function compileFunction(code, params = [], options) {
  return new Function(...params, String(code));
}

const constants = Object.freeze({ USE_MAIN_CONTEXT_DEFAULT_LOADER: Symbol("vm_dynamic_import_main_context_default"), DONT_CONTEXTIFY: Symbol("vm_context_no_contextify") });
const measureMemory = unavailableOnEdge("vm", "measureMemory", "memory measurement");

const vm = { Script, createContext, isContext, runInContext, runInNewContext, runInThisContext, compileFunction, constants, measureMemory, createScript: (code, options) => new Script(code, options) };

export default vm;
export { Script, createContext, isContext, runInContext, runInNewContext, runInThisContext, compileFunction, constants, measureMemory };
