// The `WebAssembly` namespace (WebAssembly JS API and Web API): the classes, their argument
// checks and descriptors, import resolution, and the streaming functions over `Response`.
// The engine, the store and the values crossing the boundary are native (`src/wasm/`).

import { wasmNative as native } from "edge:bootstrap";

const PAGES_MAX = 65536;
const TABLE_MAX = 10000000;
const byteLengthOf = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const ReflectApply = Reflect.apply;

function fail(Type, context, message) {
  return new Type(`${context}: ${message}`);
}

/** WebIDL BufferSource: an ArrayBuffer or a view of one (not shared). */
function bufferSource(value, context) {
  if (ArrayBuffer.isView(value)) {
    if (typeof SharedArrayBuffer === "function" && value.buffer instanceof SharedArrayBuffer) {
      throw fail(TypeError, context, "the bytes must not be in a SharedArrayBuffer");
    }
    return value;
  }
  if (value !== null && typeof value === "object") {
    try {
      ReflectApply(byteLengthOf, value, []);
      return value;
    } catch {}
  }
  throw fail(TypeError, context, "the argument must be an ArrayBuffer or an ArrayBufferView");
}

/** WebIDL `[EnforceRange] unsigned long`. */
function enforceRange(value, context, what, max = 0xffffffff) {
  const n = Number(value);
  if (!Number.isFinite(n)) throw fail(TypeError, context, `${what} must be a finite number`);
  const i = Math.trunc(n);
  if (i < 0 || i > 0xffffffff) throw fail(TypeError, context, `${what} is out of range`);
  if (i > max) throw fail(RangeError, context, `${what} is larger than ${max}`);
  return i;
}

function objectArgument(value, context, what) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    throw fail(TypeError, context, `${what} must be an object`);
  }
  return value;
}

/** `initial` of a memory or table descriptor, or `minimum` (type reflection), not both. */
function initialOf(descriptor, context) {
  const initialValue = descriptor.initial;
  const initial = initialValue === undefined ? undefined : enforceRange(initialValue, context, "'initial'");
  const minimumValue = descriptor.minimum;
  const minimum = minimumValue === undefined ? undefined : enforceRange(minimumValue, context, "'minimum'");
  if (initial !== undefined && minimum !== undefined) throw fail(TypeError, context, "give 'initial' or 'minimum', not both");
  if (initial === undefined && minimum === undefined) throw fail(TypeError, context, "the descriptor needs 'initial'");
  return initial ?? minimum;
}

// Error classes: callable without `new`, as the NativeErrors are.
function makeError(name) {
  const Base = Error;
  const ctor = {
    [name]: function (message, options) {
      const error = Reflect.construct(Base, message === undefined ? [] : [message, options], new.target ?? ctor);
      if (message === undefined && options !== undefined && options !== null && typeof options === "object" && "cause" in options) {
        Object.defineProperty(error, "cause", { value: options.cause, writable: true, configurable: true });
      }
      return error;
    },
  }[name];
  Object.setPrototypeOf(ctor, Base);
  Object.defineProperty(ctor, "length", { value: 1 });
  const proto = Object.create(Base.prototype, {
    constructor: { value: ctor, writable: true, configurable: true },
    name: { value: name, writable: true, configurable: true },
    message: { value: "", writable: true, configurable: true },
  });
  Object.defineProperty(ctor, "prototype", { value: proto, writable: false, enumerable: false, configurable: false });
  return ctor;
}

const CompileError = makeError("CompileError");
const LinkError = makeError("LinkError");
const RuntimeError = makeError("RuntimeError");

// ---------------------------------------------------------------------------------------------

const handles = new WeakMap();

function handleOf(object, Class, context) {
  const handle = object !== null && typeof object === "object" ? handles.get(object) : undefined;
  if (handle === undefined || !(handle.kind === Class)) {
    throw fail(TypeError, context, `the receiver is not a WebAssembly.${Class.name}`);
  }
  return handle.native;
}

function adopt(object, Class, nativeHandle) {
  handles.set(object, { kind: Class, native: nativeHandle });
  return object;
}

function fromNative(Class, nativeHandle) {
  return adopt(Object.create(Class.prototype), Class, nativeHandle);
}

class Module {
  constructor(bytes) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Module must be called with new");
    const source = bufferSource(bytes, "WebAssembly.Module()");
    adopt(this, Module, native.compile(source));
  }

  static exports(module) {
    const handle = handleOf(module, Module, "WebAssembly.Module.exports()");
    return native.moduleExports(handle).map(({ name, kind }) => ({ name, kind }));
  }

  static imports(module) {
    const handle = handleOf(module, Module, "WebAssembly.Module.imports()");
    return native.moduleImports(handle).map(({ module, name, kind }) => ({ module, name, kind }));
  }

  static customSections(module, sectionName) {
    const handle = handleOf(module, Module, "WebAssembly.Module.customSections()");
    if (arguments.length < 2) throw new TypeError("WebAssembly.Module.customSections(): a section name is required");
    const name = String(sectionName);
    return native.customSections(handle).filter(([n]) => n === name).map(([, bytes]) => bytes);
  }
}

/** The JS value of each import, resolved per "read the imports". */
function readImports(moduleHandle, importObject) {
  const imports = native.moduleImports(moduleHandle);
  if (imports.length > 0 && importObject === undefined) {
    throw new TypeError("WebAssembly.Instance(): the module has imports but no import object was given");
  }
  if (importObject !== undefined && (importObject === null || (typeof importObject !== "object" && typeof importObject !== "function"))) {
    throw new TypeError("WebAssembly.Instance(): the import object must be an object");
  }
  const values = [];
  const objects = [];
  for (const desc of imports) {
    const namespace = importObject[desc.module];
    if (namespace === null || (typeof namespace !== "object" && typeof namespace !== "function")) {
      throw new TypeError(`WebAssembly.Instance(): import module '${desc.module}' is not an object`);
    }
    const v = namespace[desc.name];
    const where = `import ${desc.module}.${desc.name}`;
    let value;
    switch (desc.kind) {
      case "function":
        if (typeof v !== "function") throw new LinkError(`WebAssembly.Instance(): ${where} must be a function`);
        value = v;
        break;
      case "global":
        if (handles.get(v)?.kind === Global) {
          value = handles.get(v).native;
        } else {
          if (desc.value === "v128") throw new LinkError(`WebAssembly.Instance(): ${where}: a v128 global cannot be imported from JavaScript`);
          if (desc.value === "i64" && typeof v !== "bigint") throw new LinkError(`WebAssembly.Instance(): ${where} must be a BigInt or a WebAssembly.Global`);
          if ((desc.value === "i32" || desc.value === "f32" || desc.value === "f64") && typeof v !== "number") {
            throw new LinkError(`WebAssembly.Instance(): ${where} must be a Number or a WebAssembly.Global`);
          }
          if (desc.mutable) throw new LinkError(`WebAssembly.Instance(): ${where} is mutable and must be a WebAssembly.Global`);
          value = native.globalNew(desc.value, false, v, true);
          values.push(value);
          objects.push({ kind: "global", object: fromNative(Global, value) });
          continue;
        }
        break;
      case "memory":
        if (handles.get(v)?.kind !== Memory) throw new LinkError(`WebAssembly.Instance(): ${where} must be a WebAssembly.Memory`);
        value = handles.get(v).native;
        break;
      case "table":
        if (handles.get(v)?.kind !== Table) throw new LinkError(`WebAssembly.Instance(): ${where} must be a WebAssembly.Table`);
        value = handles.get(v).native;
        break;
      case "tag":
        if (handles.get(v)?.kind !== Tag) throw new LinkError(`WebAssembly.Instance(): ${where} must be a WebAssembly.Tag`);
        value = handles.get(v).native;
        break;
      default:
        throw new LinkError(`WebAssembly.Instance(): ${where} has an unsupported kind`);
    }
    values.push(value);
    objects.push({ kind: desc.kind, object: v });
  }
  return { values, objects };
}

function instantiateCore(moduleHandle, importObject) {
  const { values, objects } = readImports(moduleHandle, importObject);
  const exported = native.instantiate(moduleHandle, values);
  // An export of an import is the imported object itself; others are made once each.
  const importedByKind = { function: [], memory: [], table: [], global: [], tag: [] };
  for (const { kind, object } of objects) importedByKind[kind]?.push(object);
  const made = { memory: [], table: [], global: [], tag: [] };
  const exports = Object.create(null);
  for (const [name, kind, value, index] of exported) {
    if (kind === "function") {
      // A function exported by WebAssembly and re-exported stays the same function.
      const imported = importedByKind.function[index];
      exports[name] = imported !== undefined && native.functionOf(imported) ? imported : value;
      continue;
    }
    if (index < importedByKind[kind].length) {
      exports[name] = importedByKind[kind][index];
      continue;
    }
    const Class = kind === "memory" ? Memory : kind === "table" ? Table : kind === "global" ? Global : Tag;
    exports[name] = made[kind][index] ??= kind === "tag" ? tagObject(value) : fromNative(Class, value);
  }
  return Object.freeze(exports);
}

class Instance {
  #exports;

  constructor(module, importObject) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Instance must be called with new");
    const handle = handleOf(module, Module, "WebAssembly.Instance()");
    this.#exports = instantiateCore(handle, importObject);
    adopt(this, Instance, null);
  }

  get exports() {
    if (!(#exports in this)) throw new TypeError("WebAssembly.Instance.exports: the receiver is not a WebAssembly.Instance");
    return this.#exports;
  }
}

class Memory {
  constructor(descriptor) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Memory must be called with new");
    objectArgument(descriptor, "WebAssembly.Memory()", "the descriptor");
    const initial = initialOf(descriptor, "WebAssembly.Memory()");
    const maximumValue = descriptor.maximum;
    const maximum = maximumValue === undefined ? undefined : enforceRange(maximumValue, "WebAssembly.Memory()", "'maximum'");
    const shared = Boolean(descriptor.shared);
    if (initial > PAGES_MAX) throw new RangeError("WebAssembly.Memory(): 'initial' is larger than 65536 pages");
    if (maximum !== undefined && maximum > PAGES_MAX) throw new RangeError("WebAssembly.Memory(): 'maximum' is larger than 65536 pages");
    if (maximum !== undefined && maximum < initial) throw new RangeError("WebAssembly.Memory(): 'maximum' is smaller than 'initial'");
    if (shared && maximum === undefined) throw new TypeError("WebAssembly.Memory(): a shared memory needs 'maximum'");
    adopt(this, Memory, native.memoryNew(initial, maximum, shared));
  }

  grow(delta) {
    const handle = handleOf(this, Memory, "WebAssembly.Memory.grow()");
    const pages = enforceRange(delta, "WebAssembly.Memory.grow()", "the delta");
    return native.memoryGrow(handle, pages);
  }

  get buffer() {
    const handle = handleOf(this, Memory, "WebAssembly.Memory.buffer");
    const buffer = native.memoryBuffer(handle);
    if (typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer && !Object.isFrozen(buffer)) {
      Object.freeze(buffer);
    }
    return buffer;
  }

  type() {
    const handle = handleOf(this, Memory, "WebAssembly.Memory.type()");
    return native.memoryType(handle);
  }
}

class Table {
  constructor(descriptor, value) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Table must be called with new");
    objectArgument(descriptor, "WebAssembly.Table()", "the descriptor");
    const element = String(descriptor.element);
    if (element !== "anyfunc" && element !== "funcref" && element !== "externref") {
      throw new TypeError(`WebAssembly.Table(): '${element}' is not a table element type`);
    }
    const initial = initialOf(descriptor, "WebAssembly.Table()");
    const maximumValue = descriptor.maximum;
    const maximum = maximumValue === undefined ? undefined : enforceRange(maximumValue, "WebAssembly.Table()", "'maximum'");
    if (initial > TABLE_MAX) throw new RangeError("WebAssembly.Table(): 'initial' is too large");
    if (maximum !== undefined && maximum < initial) throw new RangeError("WebAssembly.Table(): 'maximum' is smaller than 'initial'");
    adopt(this, Table, native.tableNew(element, initial, maximum, value, arguments.length > 1 && value !== undefined));
  }

  get length() {
    return native.tableType(handleOf(this, Table, "WebAssembly.Table.length")).length;
  }

  grow(delta, value) {
    const handle = handleOf(this, Table, "WebAssembly.Table.grow()");
    const n = enforceRange(delta, "WebAssembly.Table.grow()", "the delta");
    return native.tableGrow(handle, n, value, arguments.length > 1);
  }

  get(index) {
    const handle = handleOf(this, Table, "WebAssembly.Table.get()");
    const i = enforceRange(index, "WebAssembly.Table.get()", "the index");
    return native.tableGet(handle, i);
  }

  set(index, value) {
    const handle = handleOf(this, Table, "WebAssembly.Table.set()");
    const i = enforceRange(index, "WebAssembly.Table.set()", "the index");
    native.tableSet(handle, i, value, arguments.length > 1);
  }

  type() {
    const { element, minimum, maximum } = native.tableType(handleOf(this, Table, "WebAssembly.Table.type()"));
    return maximum === undefined ? { element, minimum } : { element, minimum, maximum };
  }
}

const VALUE_TYPES = ["i32", "i64", "f32", "f64", "externref", "anyfunc", "funcref", "v128"];

class Global {
  constructor(descriptor, value) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Global must be called with new");
    objectArgument(descriptor, "WebAssembly.Global()", "the descriptor");
    const mutable = Boolean(descriptor.mutable);
    const type = String(descriptor.value);
    if (!VALUE_TYPES.includes(type) || type === "v128") {
      throw new TypeError(`WebAssembly.Global(): '${type}' is not a value type`);
    }
    adopt(this, Global, native.globalNew(type, mutable, value, value !== undefined));
  }

  valueOf() {
    return native.globalGet(handleOf(this, Global, "WebAssembly.Global.valueOf()"));
  }

  get value() {
    return native.globalGet(handleOf(this, Global, "WebAssembly.Global.value"));
  }

  set value(v) {
    const handle = handleOf(this, Global, "WebAssembly.Global.value");
    if (!native.globalType(handle).mutable) throw new TypeError("WebAssembly.Global.value: the global is immutable");
    if (arguments.length < 1) throw new TypeError("WebAssembly.Global.value: a value is required");
    native.globalSet(handle, v);
  }

  type() {
    const { value, mutable } = native.globalType(handleOf(this, Global, "WebAssembly.Global.type()"));
    return { mutable, value };
  }
}

class Tag {
  constructor(type) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Tag must be called with new");
    objectArgument(type, "WebAssembly.Tag()", "the type");
    const parameters = type.parameters;
    if (parameters === undefined || parameters === null || typeof parameters[Symbol.iterator] !== "function") {
      throw new TypeError("WebAssembly.Tag(): 'parameters' must be a sequence");
    }
    const names = [];
    for (const p of parameters) {
      const name = String(p);
      if (!VALUE_TYPES.includes(name)) throw new TypeError(`WebAssembly.Tag(): '${name}' is not a value type`);
      names.push(name);
    }
    adopt(this, Tag, native.tagNew(names));
    knownTags.push(new WeakRef(this));
  }

  type() {
    return native.tagType(handleOf(this, Tag, "WebAssembly.Tag.type()"));
  }
}

class Exception {
  #tag;
  #payload;

  constructor(tag, payload, options) {
    if (new.target === undefined) throw new TypeError("WebAssembly.Exception must be called with new");
    handleOf(tag, Tag, "WebAssembly.Exception()");
    if (payload === undefined || payload === null || typeof payload[Symbol.iterator] !== "function") {
      throw new TypeError("WebAssembly.Exception(): the payload must be a sequence");
    }
    const values = [...payload];
    const { parameters } = native.tagType(handles.get(tag).native);
    if (values.length !== parameters.length) {
      throw new TypeError(`WebAssembly.Exception(): the tag takes ${parameters.length} values, ${values.length} were given`);
    }
    this.#tag = tag;
    this.#payload = values.map((v, i) => coerceValue(parameters[i], v));
    if (options !== undefined && options !== null && typeof options === "object" && options.traceStack) {
      Object.defineProperty(this, "stack", { value: new Error().stack, writable: true, configurable: true });
    }
  }

  getArg(tag, index) {
    if (!(#tag in this)) throw new TypeError("WebAssembly.Exception.getArg(): the receiver is not a WebAssembly.Exception");
    handleOf(tag, Tag, "WebAssembly.Exception.getArg()");
    if (arguments.length < 2) throw new TypeError("WebAssembly.Exception.getArg(): an index is required");
    if (tag !== this.#tag) throw new TypeError("WebAssembly.Exception.getArg(): the tag does not match");
    const i = Number(index);
    if (!(Number.isInteger(i) && i >= 0 && i < this.#payload.length)) {
      throw new RangeError("WebAssembly.Exception.getArg(): index out of range");
    }
    return this.#payload[i];
  }

  is(tag) {
    if (!(#tag in this)) throw new TypeError("WebAssembly.Exception.is(): the receiver is not a WebAssembly.Exception");
    handleOf(tag, Tag, "WebAssembly.Exception.is()");
    return tag === this.#tag;
  }
}

/** ToWebAssemblyValue then ToJSValue (for Exception payloads), without touching a store. */
function coerceValue(type, value) {
  switch (type) {
    case "i32":
      return Number(value) | 0;
    case "f32":
      return Math.fround(Number(value));
    case "f64":
      return Number(value);
    case "i64": {
      if (typeof value === "number") throw new TypeError("an i64 value must be a BigInt");
      return BigInt.asIntN(64, BigInt(value));
    }
    case "funcref":
    case "anyfunc":
      if (value !== null && !native.functionOf(value)) throw new TypeError("a funcref must be null or a function exported by WebAssembly");
      return value;
    case "externref":
      return value;
    default:
      throw new TypeError(`a ${type} value cannot cross between JavaScript and WebAssembly`);
  }
}

// ---------------------------------------------------------------------------------------------

function validate(bytes) {
  const source = bufferSource(bytes, "WebAssembly.validate()");
  return native.validate(source);
}

function compile(bytes) {
  try {
    bufferSource(bytes, "WebAssembly.compile()");
  } catch (e) {
    return Promise.reject(e);
  }
  return native.compileAsync(bytes).then((handle) => fromNative(Module, handle));
}

function instantiate(source, importObject) {
  if (handles.get(source)?.kind === Module) {
    return new Promise((resolve) => resolve(new Instance(source, importObject)));
  }
  try {
    bufferSource(source, "WebAssembly.instantiate()");
  } catch (e) {
    return Promise.reject(e);
  }
  if (importObject !== undefined && (importObject === null || (typeof importObject !== "object" && typeof importObject !== "function"))) {
    return Promise.reject(new TypeError("WebAssembly.instantiate(): the import object must be an object"));
  }
  return compile(source).then((module) => ({ module, instance: new Instance(module, importObject) }));
}

/** The bytes of a Response for the streaming functions, checked per the Web API. */
async function responseBytes(source, context) {
  const response = await source;
  if (!(response instanceof Response)) throw new TypeError(`${context}: the argument must be a Response or a promise of one`);
  const mime = response.headers.get("Content-Type");
  if (mime === null || mime.trim().toLowerCase() !== "application/wasm") {
    throw new TypeError(`${context}: the response's Content-Type must be application/wasm`);
  }
  if (!(response.type === "basic" || response.type === "cors" || response.type === "default")) {
    throw new TypeError(`${context}: the response cannot be read (type '${response.type}')`);
  }
  if (!response.ok) throw new TypeError(`${context}: the response status is ${response.status}`);
  if (response.bodyUsed) throw new TypeError(`${context}: the response body was already read`);
  return response.arrayBuffer();
}

function compileStreaming(source) {
  return responseBytes(source, "WebAssembly.compileStreaming()").then((bytes) => compile(bytes));
}

function instantiateStreaming(source, importObject) {
  return responseBytes(source, "WebAssembly.instantiateStreaming()").then((bytes) => instantiate(bytes, importObject));
}

// ---------------------------------------------------------------------------------------------
// WebIDL shapes: operations and attributes enumerable, @@toStringTag on each prototype.

function shape(Class, name) {
  for (const target of [Class, Class.prototype]) {
    for (const key of Reflect.ownKeys(target)) {
      if (key === "constructor" || (target === Class && (key === "prototype" || key === "length" || key === "name"))) continue;
      const desc = Object.getOwnPropertyDescriptor(target, key);
      desc.enumerable = true;
      Object.defineProperty(target, key, desc);
    }
  }
  Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: `WebAssembly.${name}`, configurable: true });
}

// WebIDL lengths count the required arguments only.
for (const [fn, length] of [[Instance, 1], [Table, 1], [Global, 1], [Exception, 1], [Table.prototype.grow, 1], [Table.prototype.set, 1], [instantiate, 1]]) {
  Object.defineProperty(fn, "length", { value: length });
}

for (const [Class, name] of [[Module, "Module"], [Instance, "Instance"], [Memory, "Memory"], [Table, "Table"], [Global, "Global"], [Tag, "Tag"], [Exception, "Exception"]]) {
  shape(Class, name);
}

const WebAssembly = {};
const operations = { validate, compile, instantiate, compileStreaming, instantiateStreaming };
for (const [name, fn] of Object.entries(operations)) {
  Object.defineProperty(WebAssembly, name, { value: fn, writable: true, enumerable: true, configurable: true });
}
const interfaces = { Module, Instance, Memory, Table, Global, Tag, Exception, CompileError, LinkError, RuntimeError };
for (const [name, value] of Object.entries(interfaces)) {
  Object.defineProperty(WebAssembly, name, { value, writable: true, enumerable: false, configurable: true });
}
Object.defineProperty(WebAssembly, Symbol.toStringTag, { value: "WebAssembly", configurable: true });

// Tag objects JavaScript holds, to give a WebAssembly exception the tag object it threw.
let knownTags = [];

function tagObject(handle) {
  knownTags = knownTags.filter((ref) => ref.deref() !== undefined);
  for (const ref of knownTags) {
    const tag = ref.deref();
    if (tag !== undefined && native.tagEq(handles.get(tag).native, handle)) return tag;
  }
  const tag = fromNative(Tag, handle);
  knownTags.push(new WeakRef(tag));
  return tag;
}

/** A WebAssembly exception that reached JavaScript. */
function exceptionFromWasm(tagHandle, values) {
  return new Exception(tagObject(tagHandle), values);
}

native.init({ CompileError, LinkError, RuntimeError, exceptionFromWasm });

/** The default export of an imported `.wasm` file: its compiled module. */
function loadedModule(name) {
  return fromNative(Module, native.takeLoaded(name));
}

export { WebAssembly, Module, loadedModule };
