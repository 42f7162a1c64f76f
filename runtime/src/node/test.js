// node:test — the test runner's authoring API (`test`, `describe`/`suite`, `it`, hooks, subtests
// through the context, `mock.fn`/`mock.method`) for code that ships its tests along. Tests run
// one after another once declared; results are printed as TAP-like lines, and any failure sets
// `process.exitCode` to 1, as Node's runner does.

import { AsyncLocalStorage } from "node:async_hooks";
import assert from "node:assert";

const current = new AsyncLocalStorage();
let chain = Promise.resolve();
let failures = 0;
let counter = 0;

function setFailed() {
  failures++;
  if (globalThis.process) globalThis.process.exitCode = 1;
}

function normalize(name, options, fn) {
  if (typeof name === "function") return [name.name || "<anonymous>", {}, name];
  if (typeof options === "function") return [name ?? "<anonymous>", {}, options];
  return [name ?? "<anonymous>", options ?? {}, fn];
}

class Suite {
  constructor(name, parent) {
    this.name = name;
    this.parent = parent;
    this.before = [];
    this.after = [];
    this.beforeEach = [];
    this.afterEach = [];
    this.children = [];
  }

  allBeforeEach() {
    return [...(this.parent?.allBeforeEach() ?? []), ...this.beforeEach];
  }

  allAfterEach() {
    return [...this.afterEach, ...(this.parent?.allAfterEach() ?? [])];
  }
}

class TestContext {
  #test;
  constructor(test) {
    this.#test = test;
    this.name = test.name;
    this.signal = new AbortController().signal;
    this.assert = assert;
    this.mock = new MockTracker();
  }

  test(name, options, fn) {
    const [n, o, f] = normalize(name, options, fn);
    return runTest(n, o, f, this.#test.suite, this.#test.depth + 1);
  }

  skip(message) {
    this.#test.skipped = message ?? true;
  }

  todo(message) {
    this.#test.todo = message ?? true;
  }

  diagnostic(message) {
    console.log(`${"  ".repeat(this.#test.depth)}# ${message}`);
  }

  plan(count) {
    this.#test.plan = count;
  }

  after(fn) {
    this.#test.afters.push(fn);
  }

  before(fn) {
    return fn(this);
  }

  beforeEach(fn) {
    this.#test.suite.beforeEach.push(fn);
  }

  afterEach(fn) {
    this.#test.suite.afterEach.push(fn);
  }

  runOnly() {}
}

async function callWithDone(fn, context) {
  if (fn.length >= 2) {
    return new Promise((resolve, reject) => {
      const result = fn(context, (err) => (err ? reject(err) : resolve()));
      if (result && typeof result.then === "function") result.then(undefined, reject);
    });
  }
  return fn(context);
}

async function runTest(name, options, fn, suite, depth) {
  const test = { name, suite, depth, afters: [], skipped: options.skip, todo: options.todo };
  const id = ++counter;
  const pad = "  ".repeat(depth);
  if (options.skip || typeof fn !== "function") {
    console.log(`${pad}ok ${id} - ${name} # SKIP`);
    return;
  }
  const context = new TestContext(test);
  try {
    for (const hook of suite.allBeforeEach()) await hook(context);
    await current.run(test, () => callWithDone(fn, context));
    for (const hook of suite.allAfterEach()) await hook(context);
    for (const after of test.afters) await after(context);
    context.mock.restoreAll();
    console.log(`${pad}ok ${id} - ${name}${test.skipped ? " # SKIP" : ""}${test.todo ? " # TODO" : ""}`);
  } catch (err) {
    context.mock.restoreAll();
    if (test.todo) {
      console.log(`${pad}not ok ${id} - ${name} # TODO`);
      return;
    }
    setFailed();
    console.log(`${pad}not ok ${id} - ${name}`);
    console.error(`${pad}  ${String(err?.stack ?? err).split("\n").join(`\n${pad}  `)}`);
    if (err && typeof err === "object") console.error(`${pad}  ${err.message ?? ""}`);
  }
}

const root = new Suite("<root>");
let currentSuite = root;

/** Top-level `test()`: queued after the tests declared before it. */
function test(name, options, fn) {
  const [n, o, f] = normalize(name, options, fn);
  const running = current.getStore();
  if (running) return runTest(n, o, f, running.suite, running.depth + 1);
  if (currentSuite !== root) {
    const suite = currentSuite;
    suite.children.push(() => runTest(n, o, f, suite, 1));
    return Promise.resolve();
  }
  const suite = currentSuite;
  const p = chain.then(() => runTest(n, o, f, suite, 0));
  chain = p;
  return p;
}

function describe(name, options, fn) {
  const [n, o, f] = normalize(name, options, fn);
  const parent = currentSuite;
  const suite = new Suite(n, parent);
  if (o.skip || typeof f !== "function") return Promise.resolve();
  currentSuite = suite;
  try {
    f();
  } finally {
    currentSuite = parent;
  }
  const run = async () => {
    console.log(`# Subtest: ${n}`);
    try {
      for (const hook of suite.before) await hook();
      for (const child of suite.children) await child();
      for (const hook of suite.after) await hook();
    } catch (err) {
      setFailed();
      console.error(`suite ${n} failed: ${err?.stack ?? err}`);
    }
  };
  if (parent !== root) {
    parent.children.push(run);
    return Promise.resolve();
  }
  const p = chain.then(run);
  chain = p;
  return p;
}

function hook(kind) {
  return (fn) => {
    const running = current.getStore();
    const suite = running ? running.suite : currentSuite;
    suite[kind].push(fn);
  };
}

class MockFunctionContext {
  constructor() {
    this.calls = [];
  }

  callCount() {
    return this.calls.length;
  }

  resetCalls() {
    this.calls.length = 0;
  }
}

class MockTracker {
  #restore = [];

  fn(original = function () {}, implementation = original) {
    const ctx = new MockFunctionContext();
    const mocked = function (...args) {
      let result;
      let error;
      try {
        result = new.target ? Reflect.construct(implementation, args, new.target) : Reflect.apply(implementation, this, args);
        return result;
      } catch (e) {
        error = e;
        throw e;
      } finally {
        ctx.calls.push({ arguments: args, result, error, this: this, target: new.target, stack: new Error() });
      }
    };
    Object.defineProperty(mocked, "mock", { value: ctx, enumerable: false });
    return mocked;
  }

  method(object, methodName, implementation, options) {
    const original = object[methodName];
    const mocked = this.fn(original, typeof implementation === "function" ? implementation : original);
    const descriptor = Object.getOwnPropertyDescriptor(object, methodName);
    Object.defineProperty(object, methodName, { value: mocked, writable: true, configurable: true, enumerable: descriptor?.enumerable ?? true });
    this.#restore.push(() => {
      if (descriptor) Object.defineProperty(object, methodName, descriptor);
      else delete object[methodName];
    });
    return mocked;
  }

  reset() {
    this.restoreAll();
  }

  restoreAll() {
    for (const restore of this.#restore.splice(0).reverse()) restore();
  }
}

const mock = new MockTracker();
const it = test;
const suite = describe;
const before = hook("before");
const after = hook("after");
const beforeEach = hook("beforeEach");
const afterEach = hook("afterEach");
test.test = test;
test.describe = describe;
test.it = it;
test.suite = suite;
test.before = before;
test.after = after;
test.beforeEach = beforeEach;
test.afterEach = afterEach;
test.mock = mock;
test.skip = (name, options, fn) => test(name, { ...normalize(name, options, fn)[1], skip: true }, normalize(name, options, fn)[2]);
test.todo = (name, options, fn) => test(name, { ...normalize(name, options, fn)[1], todo: true }, normalize(name, options, fn)[2]);
test.only = test;
it.skip = test.skip;
it.todo = test.todo;
describe.skip = (name) => describe(name, { skip: true });
describe.only = describe;
describe.todo = describe;

/** Failures so far (for embedders). */
const failureCount = () => failures;

export default test;
export { test, it, describe, suite, before, after, beforeEach, afterEach, mock, failureCount };
