// The WebAssembly JS API: modules, instances, values across the boundary (i64 as BigInt,
// externref, funcref), imports called re-entrantly, memories (zero-copy buffers detached on
// growth, shared memories), tables, globals, tags and exceptions, the streaming functions,
// and the errors the spec requires.
import { test, run, assert, assertEquals, assertThrows } from "./harness.js";

// A small module encoder: enough sections to write the modules below by hand.
const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f;
const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n) => {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const str = (s) => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => (body.length ? [id, ...uleb(body.length), ...body] : []);

/**
 * `types`: [[params], [results]]; `imports`: [module, name, kind, desc bytes]; `funcs`:
 * [typeIndex, [locals], body bytes]; `exports`: [name, kind, index]; `memory`, `table`,
 * `globals`, `tags`, `custom` as bytes.
 */
function wasm({ types = [], imports = [], funcs = [], table = [], memory = [], globals = [], tags = [], exports = [], custom = [] }) {
  const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  bytes.push(...section(1, types.length ? vec(types.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))])) : []));
  bytes.push(...section(2, imports.length ? vec(imports.map(([m, n, kind, desc]) => [...str(m), ...str(n), kind, ...desc])) : []));
  bytes.push(...section(3, funcs.length ? vec(funcs.map(([t]) => uleb(t))) : []));
  bytes.push(...section(4, table.length ? vec(table) : []));
  bytes.push(...section(5, memory.length ? vec(memory) : []));
  bytes.push(...section(13, tags.length ? vec(tags) : []));
  bytes.push(...section(6, globals.length ? vec(globals) : []));
  bytes.push(...section(7, exports.length ? vec(exports.map(([n, kind, i]) => [...str(n), kind, ...uleb(i)])) : []));
  bytes.push(
    ...section(
      10,
      funcs.length
        ? vec(
            funcs.map(([, locals, body]) => {
              const code = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...body, 0x0b];
              return [...uleb(code.length), ...code];
            }),
          )
        : [],
    ),
  );
  for (const [name, contents] of custom) {
    const body = [...str(name), ...contents];
    bytes.push(0, ...uleb(body.length), ...body);
  }
  return new Uint8Array(bytes);
}

const FUNC = 0, TABLE = 1, MEMORY = 2, GLOBAL = 3, TAG = 4;
const get = (i) => [0x20, ...uleb(i)];
const call = (i) => [0x10, ...uleb(i)];

const adder = wasm({
  types: [[[I32, I32], [I32]], [[I64], [I64]]],
  funcs: [[0, [], [...get(0), ...get(1), 0x6a]], [1, [], [...get(0), 0x42, ...sleb(1), 0x7c]]],
  exports: [["add", FUNC, 0], ["inc64", FUNC, 1]],
  custom: [["meta", [1, 2, 3]], ["meta", [4]], ["other", []]],
});

test("a module compiles, instantiates and reflects its exports, imports and custom sections", async () => {
  assert(WebAssembly.validate(adder));
  assert(!WebAssembly.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])));
  const module = new WebAssembly.Module(adder);
  assertEquals(JSON.stringify(WebAssembly.Module.exports(module)), '[{"name":"add","kind":"function"},{"name":"inc64","kind":"function"}]');
  assertEquals(WebAssembly.Module.imports(module).length, 0);
  const sections = WebAssembly.Module.customSections(module, "meta");
  assertEquals(sections.length, 2);
  assertEquals([...new Uint8Array(sections[0])].join(), "1,2,3");
  const { exports } = new WebAssembly.Instance(module);
  assertEquals(exports.add(40, 2), 42);
  assertEquals(exports.add(0x7fffffff, 1), -0x80000000, "i32 wraps");
  assertEquals(exports.add("20", { valueOf: () => 22 }), 42, "arguments are coerced");
  assertEquals(exports.add.name, "0");
  assertEquals(exports.add.length, 2);
  assert(Object.isFrozen(exports) && Object.getPrototypeOf(exports) === null);
  assertThrows(() => new exports.add(), TypeError);
  const again = await WebAssembly.instantiate(adder);
  assert(again.module instanceof WebAssembly.Module && again.instance instanceof WebAssembly.Instance);
  assert(again.instance.exports.add !== exports.add, "another instance, other functions");
  const compiled = await WebAssembly.compile(adder.buffer);
  assert((await WebAssembly.instantiate(compiled)) instanceof WebAssembly.Instance);
});

test("i64 crosses as BigInt (ToBigInt64: wraps, refuses Numbers)", () => {
  const { inc64 } = new WebAssembly.Instance(new WebAssembly.Module(adder)).exports;
  assertEquals(inc64(41n), 42n);
  assertEquals(inc64(2n ** 63n - 1n), -(2n ** 63n), "wraps at 64 bits");
  assertEquals(inc64(2n ** 64n + 1n), 2n);
  assertEquals(inc64(true), 2n);
  assertEquals(inc64("7"), 8n);
  assertThrows(() => inc64(1), TypeError);
  assertThrows(() => inc64(), TypeError);
});

test("imports call JavaScript, re-entrantly, and its exceptions pass through unchanged", () => {
  // (import "js" "f" (func (param i32) (result i32))) (func (export "run") (param i32) (result i32) local.get 0 call 0)
  const bytes = wasm({
    types: [[[I32], [I32]]],
    imports: [["js", "f", FUNC, [0]]],
    funcs: [[0, [], [...get(0), ...call(0)]]],
    exports: [["run", FUNC, 1]],
  });
  let run;
  const seen = [];
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    js: {
      f(n) {
        seen.push(n);
        return n > 0 ? run(n - 1) + 1 : 100;
      },
    },
  });
  run = exports.run;
  assertEquals(run(5), 105, "JS -> wasm -> JS -> wasm ... six levels deep");
  assertEquals(seen.join(), "5,4,3,2,1,0");
  const boom = new Error("boom");
  const { exports: throwing } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { js: { f() { throw boom; } } });
  let caught;
  try {
    throwing.run(1);
  } catch (e) {
    caught = e;
  }
  assert(caught === boom, "the very object thrown in the import");
  // A wasm function imported as is is called directly, and must have the import's type.
  const chained = new WebAssembly.Instance(new WebAssembly.Module(bytes), { js: { f: run } });
  assertEquals(chained.exports.run(2), 102);
  const add = new WebAssembly.Instance(new WebAssembly.Module(adder)).exports.add;
  assertThrows(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { js: { f: add } }), WebAssembly.LinkError);
});

test("linking errors, traps and unsupported values are the spec's errors", () => {
  assertThrows(() => new WebAssembly.Module(new Uint8Array([1, 2, 3])), WebAssembly.CompileError);
  assert(new WebAssembly.CompileError("x") instanceof Error);
  assertEquals(WebAssembly.LinkError.prototype.name, "LinkError");
  const needs = wasm({ types: [[[], []]], imports: [["env", "f", FUNC, [0]]] });
  assertThrows(() => new WebAssembly.Instance(new WebAssembly.Module(needs)), TypeError, "no import object");
  assertThrows(() => new WebAssembly.Instance(new WebAssembly.Module(needs), { env: {} }), WebAssembly.LinkError);
  assertThrows(() => new WebAssembly.Instance(new WebAssembly.Module(needs), { env: { f: 1 } }), WebAssembly.LinkError);
  const traps = wasm({
    types: [[[], []], [[I32, I32], [I32]], [[V128], []]],
    funcs: [[0, [], [0x00]], [1, [], [...get(0), ...get(1), 0x6d]], [2, [], []]],
    exports: [["unreachable", FUNC, 0], ["div", FUNC, 1], ["simd", FUNC, 2]],
  });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(traps));
  for (const [f, text] of [[() => exports.unreachable(), "unreachable"], [() => exports.div(1, 0), "divide by zero"]]) {
    let error;
    try {
      f();
    } catch (e) {
      error = e;
    }
    assert(error instanceof WebAssembly.RuntimeError, String(error));
    assert(error.message.includes(text), error.message);
  }
  assertEquals(exports.div(-7, 2), -3);
  assertThrows(() => exports.simd(), TypeError, "v128 cannot cross");
  // A runaway recursion is a RangeError, not a crash.
  const deep = wasm({ types: [[[], []]], funcs: [[0, [], call(0)]], exports: [["f", FUNC, 0]] });
  assertThrows(() => new WebAssembly.Instance(new WebAssembly.Module(deep)).exports.f(), RangeError);
});

test("memory: a zero-copy buffer, detached when the memory grows, from JS or from wasm", () => {
  // (memory (export "mem") 1 4) (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  // (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  const bytes = wasm({
    types: [[[I32], [I32]]],
    memory: [[1, 1, 4]],
    funcs: [[0, [], [...get(0), 0x2d, 0, 0]], [0, [], [...get(0), 0x40, 0]]],
    exports: [["mem", MEMORY, 0], ["load", FUNC, 0], ["grow", FUNC, 1]],
  });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const { mem } = exports;
  assert(mem instanceof WebAssembly.Memory);
  const first = mem.buffer;
  assert(first === mem.buffer, "the same buffer until it grows");
  assertEquals(first.byteLength, 65536);
  new Uint8Array(first)[100] = 42;
  assertEquals(exports.load(100), 42, "wasm reads what JS wrote");
  assertEquals(mem.grow(1), 1);
  assertEquals(first.byteLength, 0, "the old buffer is detached");
  assertEquals(mem.buffer.byteLength, 2 * 65536);
  assertEquals(new Uint8Array(mem.buffer)[100], 42, "contents kept");
  const second = mem.buffer;
  assertEquals(exports.grow(1), 2, "memory.grow in wasm");
  assertEquals(second.byteLength, 0, "detached by a grow inside wasm too");
  assertEquals(exports.grow(5), -1, "past the maximum fails in wasm");
  assertThrows(() => mem.grow(5), RangeError, "and throws in JS");
  assertThrows(() => new WebAssembly.Memory({ initial: 2, maximum: 1 }), RangeError);
  assertThrows(() => new WebAssembly.Memory({}), TypeError);
  assertEquals(JSON.stringify(mem.type()), '{"minimum":3,"maximum":4,"shared":false}');
});

test("a shared memory's buffer is a SharedArrayBuffer that Atomics work on and grow keeps", () => {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 3, shared: true });
  const buffer = mem.buffer;
  assert(buffer instanceof SharedArrayBuffer);
  const view = new Int32Array(buffer);
  assertEquals(Atomics.add(view, 0, 5), 0);
  assertEquals(Atomics.load(view, 0), 5);
  mem.grow(1);
  assertEquals(buffer.byteLength, 65536, "an old shared buffer keeps its length");
  assertEquals(new Int32Array(mem.buffer)[0], 5);
  assertEquals(mem.buffer.byteLength, 2 * 65536);
  assertThrows(() => new WebAssembly.Memory({ initial: 1, shared: true }), TypeError, "shared needs a maximum");
});

test("tables hold exported functions (by identity) and any JS value as externref", () => {
  const table = new WebAssembly.Table({ element: "anyfunc", initial: 2, maximum: 3 });
  const { add } = new WebAssembly.Instance(new WebAssembly.Module(adder)).exports;
  table.set(0, add);
  assert(table.get(0) === add);
  assertEquals(table.get(1), null);
  assertThrows(() => table.set(1, () => 1), TypeError, "only wasm functions are funcrefs");
  assertThrows(() => table.get(2), RangeError);
  assertEquals(table.grow(1, add), 2);
  assert(table.get(2) === add);
  assertThrows(() => table.grow(1), RangeError);
  const refs = new WebAssembly.Table({ element: "externref", initial: 1 }, "first");
  const object = { id: 1 };
  refs.set(0, object);
  assert(refs.get(0) === object, "the same object back");
  refs.grow(2);
  assertEquals(refs.get(2), undefined, "externref's default is undefined");
  // (func (export "id") (param externref) (result externref) local.get 0)
  const echo = wasm({ types: [[[EXTERNREF], [EXTERNREF]]], funcs: [[0, [], get(0)]], exports: [["id", FUNC, 0]] });
  const { id } = new WebAssembly.Instance(new WebAssembly.Module(echo)).exports;
  for (const v of [object, null, undefined, 1.5, "s", 7n, Symbol.iterator]) assert(id(v) === v, String(v));
});

test("globals: typed values, mutability, imported and exported as the same object", () => {
  const g = new WebAssembly.Global({ value: "i64", mutable: true }, 5n);
  assertEquals(g.value, 5n);
  g.value = 6n;
  assertEquals(g.valueOf(), 6n);
  assertThrows(() => (g.value = 1), TypeError, "i64 takes a BigInt");
  const fixed = new WebAssembly.Global({ value: "f64" }, 1.5);
  assertThrows(() => (fixed.value = 2), TypeError);
  assertEquals(new WebAssembly.Global({ value: "i32" }).value, 0);
  assertEquals(JSON.stringify(g.type()), '{"mutable":true,"value":"i64"}');
  // (import "env" "g" (global (mut i64))) (export "g" (global 0)) (func (export "get") (result i64) global.get 0)
  const bytes = wasm({
    types: [[[], [I64]]],
    imports: [["env", "g", GLOBAL, [I64, 1]]],
    funcs: [[0, [], [0x23, 0]]],
    exports: [["g", GLOBAL, 0], ["get", FUNC, 0]],
  });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { g } });
  assert(exports.g === g, "re-exported, the same Global");
  assertEquals(exports.get(), 6n);
  g.value = 9n;
  assertEquals(exports.get(), 9n, "wasm sees the change");
  assertThrows(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { g: 1n } }), WebAssembly.LinkError, "a mutable global needs a Global");
});

test("an exception thrown by wasm reaches JS as a WebAssembly.Exception with its tag", () => {
  // (tag (export "tag") (param i32)) (func (export "throw") (param i32) local.get 0 throw 0)
  const bytes = wasm({
    types: [[[I32], []]],
    tags: [[0, 0]],
    funcs: [[0, [], [...get(0), 0x08, 0]]],
    exports: [["tag", TAG, 0], ["throw", FUNC, 0]],
  });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  let error;
  try {
    exports.throw(7);
  } catch (e) {
    error = e;
  }
  assert(error instanceof WebAssembly.Exception, String(error));
  assert(error.is(exports.tag));
  assertEquals(error.getArg(exports.tag, 0), 7);
  const other = new WebAssembly.Tag({ parameters: ["i32"] });
  assert(!error.is(other));
  assertThrows(() => error.getArg(other, 0), TypeError);
  const made = new WebAssembly.Exception(other, [3]);
  assertEquals(made.getArg(other, 0), 3);
});

test("compileStreaming and instantiateStreaming read a Response served as application/wasm", async () => {
  const ok = new Response(adder, { headers: { "content-type": "application/wasm" } });
  const { instance } = await WebAssembly.instantiateStreaming(Promise.resolve(ok));
  assertEquals(instance.exports.add(1, 2), 3);
  assert(ok.bodyUsed);
  let error;
  await WebAssembly.compileStreaming(new Response(adder, { headers: { "content-type": "text/plain" } })).catch((e) => (error = e));
  assert(error instanceof TypeError, "the content type is checked");
  error = undefined;
  await WebAssembly.compileStreaming(new Response(adder, { status: 404, headers: { "content-type": "application/wasm" } })).catch((e) => (error = e));
  assert(error instanceof TypeError, "so is the status");
  error = undefined;
  await WebAssembly.compile(new Uint8Array([0, 1])).catch((e) => (error = e));
  assert(error instanceof WebAssembly.CompileError);
});

test("the namespace has WebIDL's shape", () => {
  assertEquals(Object.prototype.toString.call(WebAssembly), "[object WebAssembly]");
  assertEquals(String(new WebAssembly.Memory({ initial: 0 })), "[object WebAssembly.Memory]");
  assertEquals(WebAssembly.Table.length, 1);
  assertThrows(() => WebAssembly.Module(adder), TypeError, "constructors need new");
  assertThrows(() => WebAssembly.Memory.prototype.grow.call({}, 1), TypeError, "brand checks");
  assert(Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, "buffer").enumerable);
});

await run();
