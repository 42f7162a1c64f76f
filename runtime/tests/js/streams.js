import { test, run, assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from "./harness.js";

async function collect(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

test("ReadableStream pulls on demand and respects highWaterMark", async () => {
  let pulls = 0;
  const s = new ReadableStream(
    {
      pull(c) {
        pulls++;
        if (pulls > 3) c.close();
        else c.enqueue(pulls);
      },
    },
    { highWaterMark: 0 },
  );
  await Promise.resolve();
  assertEquals(pulls, 0);
  assertDeepEquals(await collect(s), [1, 2, 3]);
});

test("desiredSize reflects the queue", () => {
  let ctrl;
  new ReadableStream({ start: (c) => (ctrl = c) }, { highWaterMark: 2 });
  assertEquals(ctrl.desiredSize, 2);
  ctrl.enqueue("a");
  assertEquals(ctrl.desiredSize, 1);
  ctrl.close();
  assertThrows(() => ctrl.enqueue("b"), TypeError);
});

test("errors propagate to readers", async () => {
  const s = new ReadableStream({ start: (c) => c.error(new RangeError("bad")) });
  const r = s.getReader();
  await assertRejects(() => r.read(), RangeError);
  await assertRejects(() => r.closed, RangeError);
});

test("locking and releaseLock", async () => {
  const s = new ReadableStream({ start: (c) => c.enqueue(1) });
  const r = s.getReader();
  assert(s.locked);
  assertThrows(() => s.getReader(), TypeError);
  r.releaseLock();
  assert(!s.locked);
  assertEquals((await s.getReader().read()).value, 1);
});

test("cancel reaches the source", async () => {
  let reason;
  const s = new ReadableStream({ cancel: (r) => (reason = r) });
  await s.cancel("stop");
  assertEquals(reason, "stop");
  assertEquals((await s.getReader().read()).done, true);
});

test("async iteration with break cancels", async () => {
  let canceled = false;
  let n = 0;
  const s = new ReadableStream({ pull: (c) => c.enqueue(n++), cancel: () => (canceled = true) });
  for await (const v of s) {
    if (v === 2) break;
  }
  assert(canceled);
});

test("ReadableStream.from iterables", async () => {
  assertDeepEquals(await collect(ReadableStream.from([1, 2, 3])), [1, 2, 3]);
  async function* gen() {
    yield "a";
    yield "b";
  }
  assertDeepEquals(await collect(ReadableStream.from(gen())), ["a", "b"]);
});

test("tee gives both branches every chunk", async () => {
  const [a, b] = ReadableStream.from([1, 2, 3]).tee();
  const [x, y] = await Promise.all([collect(a), collect(b)]);
  assertDeepEquals(x, [1, 2, 3]);
  assertDeepEquals(y, [1, 2, 3]);
});

test("WritableStream writes in order and closes", async () => {
  const got = [];
  let closed = false;
  const w = new WritableStream({
    async write(chunk) {
      await new Promise((r) => setTimeout(r, 1));
      got.push(chunk);
    },
    close() {
      closed = true;
    },
  });
  const writer = w.getWriter();
  writer.write("a");
  writer.write("b");
  await writer.close();
  assertDeepEquals(got, ["a", "b"]);
  assert(closed);
});

test("WritableStream backpressure via ready and desiredSize", async () => {
  let release;
  const w = new WritableStream(
    { write: () => new Promise((r) => (release = r)) },
    { highWaterMark: 1 },
  );
  const writer = w.getWriter();
  await writer.ready;
  assertEquals(writer.desiredSize, 1);
  writer.write("x");
  assertEquals(writer.desiredSize, 0);
  await new Promise((r) => setTimeout(r, 1));
  release();
  await writer.ready;
  assertEquals(writer.desiredSize, 1);
});

test("WritableStream abort and sink errors", async () => {
  let aborted;
  const w = new WritableStream({ abort: (r) => (aborted = r) });
  await w.abort("why");
  assertEquals(aborted, "why");
  const bad = new WritableStream({ write: () => Promise.reject(new TypeError("no")) });
  const writer = bad.getWriter();
  await assertRejects(() => writer.write(1), TypeError);
  await assertRejects(() => writer.closed, TypeError);
});

test("TransformStream transforms and flushes", async () => {
  const t = new TransformStream({
    transform(chunk, c) {
      c.enqueue(chunk.toUpperCase());
    },
    flush(c) {
      c.enqueue("!");
    },
  });
  const out = ReadableStream.from(["a", "b"]).pipeThrough(t);
  assertDeepEquals(await collect(out), ["A", "B", "!"]);
});

test("identity TransformStream passes chunks through", async () => {
  const { readable, writable } = new TransformStream();
  const w = writable.getWriter();
  w.write(1);
  w.write(2);
  w.close();
  assertDeepEquals(await collect(readable), [1, 2]);
});

test("pipeTo copies and closes, and reports errors", async () => {
  const got = [];
  await ReadableStream.from([1, 2]).pipeTo(new WritableStream({ write: (c) => got.push(c) }));
  assertDeepEquals(got, [1, 2]);
  const failing = new ReadableStream({ start: (c) => c.error(new RangeError("src")) });
  await assertRejects(() => failing.pipeTo(new WritableStream()), RangeError);
});

test("pipeTo stops on abort signal", async () => {
  const ctrl = new AbortController();
  const s = new ReadableStream({
    pull: (c) => new Promise((r) => setTimeout(() => r(c.desiredSize !== null && c.desiredSize > 0 && c.enqueue(1)), 1)),
  });
  const p = s.pipeTo(new WritableStream(), { signal: ctrl.signal });
  setTimeout(() => ctrl.abort(), 5);
  const e = await assertRejects(() => p, DOMException);
  assertEquals(e.name, "AbortError");
});

test("TextEncoderStream and TextDecoderStream", async () => {
  const bytes = await collect(ReadableStream.from(["h€", "llo"]).pipeThrough(new TextEncoderStream()));
  assert(bytes[0] instanceof Uint8Array);
  const all = bytes.flatMap((b) => [...b]);
  const halves = [new Uint8Array(all.slice(0, 2)), new Uint8Array(all.slice(2))];
  const text = await collect(ReadableStream.from(halves).pipeThrough(new TextDecoderStream()));
  assertEquals(text.join(""), "h€llo");
});

test("pipeTo writes the last chunk of a source that closes right after it", async () => {
  const source = new ReadableStream({
    start(c) {
      c.enqueue("last");
      c.close();
    },
  });
  assertEquals((await collect(source.pipeThrough(new TransformStream()))).join(), "last");
  const seen = [];
  await new ReadableStream({ start(c) { c.enqueue(1); c.close(); } }).pipeTo(new WritableStream({ write(x) { seen.push(x); } }));
  assertEquals(seen.join(), "1");
});

test("CompressionStream and DecompressionStream round trips", async () => {
  const text = "edge ".repeat(500);
  for (const format of ["gzip", "deflate", "deflate-raw"]) {
    const packed = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer());
    assert(packed.length < text.length / 10, `${format} compresses`);
    const back = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream(format))).text();
    assertEquals(back, text, format);
  }
  // gzip output starts with the gzip magic number.
  const gz = new Uint8Array(await new Response(new Blob(["x"]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
  assertEquals(gz[0], 0x1f);
  assertEquals(gz[1], 0x8b);
  assertThrows(() => new CompressionStream("br"), TypeError);
  assertThrows(() => new DecompressionStream(), TypeError);
  const corrupt = new Blob([new Uint8Array([1, 2, 3, 4, 5])]).stream().pipeThrough(new DecompressionStream("gzip"));
  await assertRejects(() => new Response(corrupt).arrayBuffer(), TypeError);
  const ds = new DecompressionStream("deflate");
  const w = ds.writable.getWriter();
  w.write("not bytes").catch(() => {});
  await assertRejects(() => ds.readable.getReader().read(), TypeError);
});

test("byte streams: BYOB reads fill the caller's buffer, min, autoAllocateChunkSize", async () => {
  // A source that answers every request with the next bytes of a counter.
  let next = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const view = controller.byobRequest.view;
      const n = Math.min(view.byteLength, 3);
      for (let i = 0; i < n; i++) view[i] = next++;
      controller.byobRequest.respond(n);
      if (next >= 9) controller.close();
    },
  });
  const reader = stream.getReader({ mode: "byob" });
  const buffer = new ArrayBuffer(8);
  const first = await reader.read(new Uint8Array(buffer, 2, 4));
  assert(buffer.detached, "the caller's buffer is transferred");
  assertEquals([...first.value].join(), "0,1,2");
  assertEquals(first.value.byteOffset, 2);
  const atLeast = await reader.read(new Uint8Array(8), { min: 5 });
  assertEquals([...atLeast.value].join(), "3,4,5,6,7,8");
  const end = await reader.read(new Uint8Array(2));
  assert(end.done && end.value.byteLength === 0);
  await assertRejects(() => reader.read(new Uint8Array(0)), TypeError);
  await assertRejects(() => reader.read(new Uint8Array(2), { min: 3 }), RangeError);
  assertThrows(() => new ReadableStream().getReader({ mode: "byob" }), TypeError);

  // A default reader on a byte stream with autoAllocateChunkSize gets a byobRequest too.
  const auto = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 16,
    pull(controller) {
      assertEquals(controller.byobRequest.view.byteLength, 16);
      controller.byobRequest.view[0] = 42;
      controller.byobRequest.respond(1);
      controller.close();
    },
  });
  const r = await auto.getReader().read();
  assertEquals([...r.value].join(), "42");

  // Enqueued chunks reach a BYOB reader across chunk boundaries, and tee keeps byte branches.
  const source = new ReadableStream({
    type: "bytes",
    start(c) {
      c.enqueue(new Uint8Array([1, 2]));
      c.enqueue(new Uint8Array([3, 4, 5]));
      c.close();
    },
  });
  const [a, b] = source.tee();
  const ra = a.getReader({ mode: "byob" });
  const got = await ra.read(new Uint8Array(4), { min: 4 });
  assertEquals([...got.value].join(), "1,2,3,4");
  assertEquals(await new Response(b).text(), "\x01\x02\x03\x04\x05");
  assertThrows(() => new ReadableByteStreamController(), TypeError);
  assertThrows(() => new ReadableStream({ type: "bytes" }, { size: () => 1 }), RangeError);
});

test("brotli round trips; a decoder hands on output at once; junk after the end errors after the output", async () => {
  const text = "edge brotli ".repeat(300);
  const packed = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("brotli"))).arrayBuffer());
  assert(packed.length < text.length / 10, "brotli compresses");
  assertEquals(await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream("brotli"))).text(), text);
  // One complete deflate chunk: its output arrives without waiting for the end of the input.
  const deflated = new Uint8Array(await new Response(new Blob(["expected output"]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer());
  const ds = new DecompressionStream("deflate");
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  writer.write(new Uint8Array([...deflated, 0])).catch(() => {});
  const first = await reader.read();
  assertEquals(new TextDecoder().decode(first.value), "expected output");
  await assertRejects(() => reader.read(), TypeError);
});

test("queuing strategies", () => {
  assertEquals(new CountQueuingStrategy({ highWaterMark: 3 }).size(), 1);
  assertEquals(new ByteLengthQueuingStrategy({ highWaterMark: 3 }).size(new Uint8Array(7)), 7);
});

await run();
