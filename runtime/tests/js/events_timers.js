import { test, run, assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from "./harness.js";

test("EventTarget dispatches in order, once, and removes", () => {
  const t = new EventTarget();
  const seen = [];
  const a = (e) => seen.push(["a", e.type, e.target === t]);
  t.addEventListener("x", a);
  t.addEventListener("x", () => seen.push(["b"]), { once: true });
  t.addEventListener("x", { handleEvent: () => seen.push(["c"]) });
  assertEquals(t.dispatchEvent(new Event("x")), true);
  t.removeEventListener("x", a);
  t.dispatchEvent(new Event("x"));
  assertDeepEquals(seen, [["a", "x", true], ["b"], ["c"], ["c"]]);
});

test("Event flags and preventDefault", () => {
  const t = new EventTarget();
  t.addEventListener("y", (e) => e.preventDefault());
  assertEquals(t.dispatchEvent(new Event("y", { cancelable: true })), false);
  assertEquals(t.dispatchEvent(new Event("y")), true);
  const c = new CustomEvent("z", { detail: { n: 1 } });
  assertEquals(c.detail.n, 1);
  assert(c instanceof Event);
});

test("AbortController aborts with a DOMException", () => {
  const c = new AbortController();
  let fired = 0;
  c.signal.addEventListener("abort", () => fired++);
  c.signal.onabort = () => fired++;
  c.abort();
  c.abort();
  assertEquals(fired, 2);
  assertEquals(c.signal.aborted, true);
  assert(c.signal.reason instanceof DOMException);
  assertEquals(c.signal.reason.name, "AbortError");
  assertThrows(() => c.signal.throwIfAborted(), DOMException);
  const r = new AbortController();
  r.abort("why");
  assertEquals(r.signal.reason, "why");
});

test("AbortSignal.abort, any and timeout", async () => {
  assertEquals(AbortSignal.abort().aborted, true);
  const a = new AbortController();
  const any = AbortSignal.any([a.signal, new AbortController().signal]);
  assertEquals(any.aborted, false);
  a.abort("first");
  assertEquals(any.aborted, true);
  assertEquals(any.reason, "first");
  const t = AbortSignal.timeout(5);
  await new Promise((resolve) => t.addEventListener("abort", resolve));
  assertEquals(t.reason.name, "TimeoutError");
});

test("DOMException has name, message and code", () => {
  const e = new DOMException("m", "NotFoundError");
  assertEquals(e.name, "NotFoundError");
  assertEquals(e.message, "m");
  assertEquals(e.code, 8);
  assert(e instanceof Error);
  assertEquals(DOMException.ABORT_ERR, 20);
});

test("timers fire in order, pass arguments and can be cleared", async () => {
  const order = [];
  await new Promise((resolve) => {
    setTimeout((x) => order.push(x), 20, "late");
    setTimeout((x) => order.push(x), 0, "early");
    const id = setTimeout(() => order.push("never"), 10);
    clearTimeout(id);
    setTimeout(resolve, 40);
  });
  assertDeepEquals(order, ["early", "late"]);
});

test("setInterval repeats until cleared", async () => {
  let n = 0;
  await new Promise((resolve) => {
    const id = setInterval(() => {
      n++;
      if (n === 3) {
        clearInterval(id);
        setTimeout(resolve, 20);
      }
    }, 1);
  });
  assertEquals(n, 3);
});

test("queueMicrotask runs before timers", async () => {
  const order = [];
  setTimeout(() => order.push("timer"), 0);
  queueMicrotask(() => order.push("micro"));
  await new Promise((r) => setTimeout(r, 5));
  assertDeepEquals(order, ["micro", "timer"]);
});

test("structuredClone copies deeply and keeps cycles", () => {
  const o = { d: new Date(5), m: new Map([[1, { x: 1 }]]), s: new Set([1]), u: new Uint8Array([1, 2]), r: /a/g };
  o.self = o;
  const c = structuredClone(o);
  assert(c !== o);
  assertEquals(c.self, c);
  assertEquals(c.d.getTime(), 5);
  assertEquals(c.m.get(1).x, 1);
  assert(c.s.has(1));
  assertEquals(c.u[1], 2);
  assertEquals(c.r.flags, "g");
  assertThrows(() => structuredClone(() => 1), DOMException);
  const err = structuredClone(new RangeError("boom"));
  assert(err instanceof RangeError);
  assertEquals(err.message, "boom");
});

test("exceptions in microtasks reach the global error event", async () => {
  const error = new Error("from a microtask");
  const seen = await new Promise((resolve) => {
    const listener = (e) => {
      e.preventDefault();
      removeEventListener("error", listener);
      resolve(e);
    };
    addEventListener("error", listener);
    queueMicrotask(() => {
      throw error;
    });
  });
  assert(seen instanceof ErrorEvent);
  assertEquals(seen.error, error);
});

test("timer delays wrap like a WebIDL long", async () => {
  await new Promise((resolve) => setTimeout(resolve, 2 ** 32));
});

test("isTrusted is an own property; passive is read even without a listener", () => {
  const a = new Event("x");
  const d = Object.getOwnPropertyDescriptor(a, "isTrusted");
  assert(d !== undefined && d.get === Object.getOwnPropertyDescriptor(new Event("y"), "isTrusted").get);
  let read = false;
  new EventTarget().addEventListener("x", null, { get passive() { read = true; return false; } });
  assert(read);
});

test("structuredClone copies Blobs", async () => {
  const b = structuredClone(new Blob(["abc"], { type: "text/plain" }));
  assert(b instanceof Blob);
  assertEquals(b.type, "text/plain");
  assertEquals(await b.text(), "abc");
});

test("AbortSignal.any follows the original sources; dependents are aborted before events fire", () => {
  const root = new AbortController();
  const middle = AbortSignal.any([root.signal]);
  const leaf = AbortSignal.any([middle]);
  const order = [];
  root.signal.addEventListener("abort", (e) => {
    order.push("root");
    assert(e.isTrusted, "the platform's abort event is trusted");
    assert(middle.aborted && leaf.aborted, "dependents are aborted first");
  });
  middle.addEventListener("abort", () => order.push("middle"));
  leaf.addEventListener("abort", () => order.push("leaf"));
  root.abort("why");
  assertEquals(order.join(), "root,middle,leaf");
  assertEquals(leaf.reason, "why");
  assert(!new Event("x").isTrusted);
  assertThrows(() => new EventTarget().addEventListener("x", () => {}, { signal: null }), TypeError);
});

test("Performance is an interface; console is a namespace", () => {
  assert(performance instanceof Performance && performance instanceof EventTarget);
  assertEquals(typeof performance.timeOrigin, "number");
  assertEquals(performance.toJSON().timeOrigin, performance.timeOrigin);
  assertThrows(() => Performance.prototype.now.call({}), TypeError);
  assertThrows(() => new Performance(), TypeError);
  assertEquals(Object.getOwnPropertyNames(Object.getPrototypeOf(console)).length, 0);
  assertEquals(console.assert.length, 0);
  assertEquals(typeof console.dirxml, "function");
});

test("globals: self, navigator, performance", () => {
  assertEquals(self, globalThis);
  assert(navigator.userAgent.startsWith("Edge/"));
  const t0 = performance.now();
  assert(typeof t0 === "number" && t0 >= 0);
});

test("console formats values", () => {
  console.log("console check: %s=%d", "n", 42, { a: [1, { b: 2 }] }, new Map([[1, 2]]));
});

await run();
