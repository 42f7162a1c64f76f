import { test, run, assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from "./harness.js";

test("Headers are case-insensitive, combined and sorted", () => {
  const h = new Headers({ "X-B": "2", "x-a": "1" });
  h.append("x-b", "3");
  assertEquals(h.get("X-A"), "1");
  assertEquals(h.get("x-b"), "2, 3");
  assertDeepEquals([...h], [["x-a", "1"], ["x-b", "2, 3"]]);
  assertDeepEquals([...h.keys()], ["x-a", "x-b"]);
  assertEquals(h.has("x-c"), false);
  assertEquals(h.get("x-c"), null);
  h.delete("x-a");
  assertEquals(h.has("x-a"), false);
});

test("Headers validate names and values and trim whitespace", () => {
  assertThrows(() => new Headers({ "bad name": "x" }), TypeError);
  assertThrows(() => new Headers([["a", "b\nc"]]), TypeError);
  assertThrows(() => new Headers([["a"]]), TypeError);
  const h = new Headers([["a", "  padded\t"]]);
  assertEquals(h.get("a"), "padded");
});

test("Headers keep set-cookie values apart", () => {
  const h = new Headers();
  h.append("Set-Cookie", "a=1");
  h.append("Set-Cookie", "b=2");
  assertDeepEquals(h.getSetCookie(), ["a=1", "b=2"]);
  assertDeepEquals([...h], [["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
});

test("Headers forEach passes value, name, headers", () => {
  const h = new Headers({ a: "1" });
  const seen = [];
  h.forEach((v, k, self) => seen.push([v, k, self === h]));
  assertDeepEquals(seen, [["1", "a", true]]);
});

test("Request defaults and init", async () => {
  const r = new Request("https://example.com/a?b=1", {
    method: "post",
    headers: { "x-y": "z" },
    body: "hi",
  });
  assertEquals(r.method, "POST");
  assertEquals(r.url, "https://example.com/a?b=1");
  assertEquals(r.headers.get("x-y"), "z");
  assertEquals(r.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertEquals(r.bodyUsed, false);
  assertEquals(await r.text(), "hi");
  assertEquals(r.bodyUsed, true);
  await assertRejects(() => r.text(), TypeError);
});

test("Request rejects bodies on GET and bad URLs", () => {
  assertThrows(() => new Request("https://x/", { body: "a" }), TypeError);
  assertThrows(() => new Request("not a url"), TypeError);
  assertThrows(() => new Request("https://x/", { method: "CONNECT" }), TypeError);
});

test("Request from a Request copies it", async () => {
  const a = new Request("https://x/", { method: "PUT", body: "data" });
  const b = new Request(a, { headers: { k: "v" } });
  assertEquals(b.method, "PUT");
  assertEquals(b.headers.get("k"), "v");
  assertEquals(await b.text(), "data");
});

test("Request.clone tees the body", async () => {
  const a = new Request("https://x/", { method: "POST", body: "twice" });
  const b = a.clone();
  assertEquals(await a.text(), "twice");
  assertEquals(await b.text(), "twice");
});

test("Request.signal is an AbortSignal", () => {
  const r = new Request("https://x/");
  assert(r.signal instanceof AbortSignal);
  assertEquals(r.signal.aborted, false);
});

test("Response basics", async () => {
  const r = new Response("body", { status: 201, statusText: "Created", headers: { a: "b" } });
  assertEquals(r.status, 201);
  assertEquals(r.statusText, "Created");
  assertEquals(r.ok, true);
  assertEquals(r.headers.get("a"), "b");
  assertEquals(r.type, "default");
  assertEquals(await r.text(), "body");
  const empty = new Response();
  assertEquals(empty.status, 200);
  assertEquals(empty.body, null);
  assertEquals(await empty.text(), "");
});

test("Response validates status", () => {
  assertThrows(() => new Response("", { status: 99 }), RangeError);
  assertThrows(() => new Response("", { status: 600 }), RangeError);
  assertThrows(() => new Response("x", { status: 204 }), TypeError);
});

test("Response.json, redirect and error", async () => {
  const j = Response.json({ a: [1, 2] }, { status: 400 });
  assertEquals(j.status, 400);
  assertEquals(j.headers.get("content-type"), "application/json");
  assertDeepEquals(await j.json(), { a: [1, 2] });
  const r = Response.redirect("https://example.com/next", 301);
  assertEquals(r.status, 301);
  assertEquals(r.headers.get("location"), "https://example.com/next");
  assertThrows(() => r.headers.set("x", "y"), TypeError);
  assertThrows(() => Response.redirect("https://x/", 200), RangeError);
  const e = Response.error();
  assertEquals(e.type, "error");
  assertEquals(e.status, 0);
});

test("Response bodies of every kind", async () => {
  assertEquals(await new Response(new Uint8Array([104, 105])).text(), "hi");
  assertEquals(await new Response(new Uint16Array([0x6968]).buffer).text(), "hi");
  const ab = await new Response("abc").arrayBuffer();
  assert(ab instanceof ArrayBuffer);
  assertEquals(ab.byteLength, 3);
  const bytes = await new Response("abc").bytes();
  assert(bytes instanceof Uint8Array);
  assertEquals(bytes[2], 99);
  const p = new Response(new URLSearchParams({ a: "1 2" }));
  assertEquals(p.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assertEquals(await p.text(), "a=1+2");
});

test("Response with a ReadableStream body", async () => {
  const enc = new TextEncoder();
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(enc.encode("a"));
      c.enqueue(enc.encode("b"));
      c.close();
    },
  });
  const r = new Response(stream);
  assertEquals(r.body, stream);
  assertEquals(await r.text(), "ab");
  assertEquals(r.bodyUsed, true);
});

test("Response.body of a string body is a readable stream", async () => {
  const r = new Response("xyz");
  const reader = r.body.getReader();
  const { value, done } = await reader.read();
  assertEquals(done, false);
  assertEquals(new TextDecoder().decode(value), "xyz");
  assertEquals((await reader.read()).done, true);
});

test("Response.clone", async () => {
  const a = new Response("same");
  const b = a.clone();
  assertEquals(await a.text(), "same");
  assertEquals(await b.text(), "same");
});

test("a locked stream cannot become a body", () => {
  const s = new ReadableStream();
  s.getReader();
  assertThrows(() => new Response(s), TypeError);
});

test("Blob parts, type, slice and reading", async () => {
  const b = new Blob(["ab", new Uint8Array([99]), new Blob(["d"])], { type: "Text/Plain" });
  assertEquals(b.size, 4);
  assertEquals(b.type, "text/plain");
  assertEquals(await b.text(), "abcd");
  assertEquals(await b.slice(1, -1).text(), "bc");
  assertEquals(await b.slice(-2).text(), "cd");
  assertEquals((await b.arrayBuffer()).byteLength, 4);
  const chunks = [];
  for await (const c of b.stream()) chunks.push(...c);
  assertEquals(chunks.length, 4);
});

test("Blob bodies carry their type; blob() reads one back", async () => {
  const r = new Response(new Blob(["<p>"], { type: "text/html" }));
  assertEquals(r.headers.get("content-type"), "text/html");
  const blob = await r.blob();
  assert(blob instanceof Blob);
  assertEquals(blob.type, "text/html");
  assertEquals(await blob.text(), "<p>");
  const req = new Request("https://x/", { method: "POST", body: new Blob(["z"]) });
  assertEquals(await (await req.blob()).text(), "z");
});

test("File: a named Blob", async () => {
  const f = new File(["hello ", new Blob(["world"])], "greeting.txt", { type: "text/plain", lastModified: 42 });
  assert(f instanceof File && f instanceof Blob);
  assertEquals(f.name, "greeting.txt");
  assertEquals(f.lastModified, 42);
  assertEquals(f.type, "text/plain");
  assertEquals(f.size, 11);
  assertEquals(await f.text(), "hello world");
  assertEquals(Object.prototype.toString.call(f), "[object File]");
  assert(Math.abs(new File([], "now").lastModified - Date.now()) < 60000);
  assertThrows(() => new File(["x"]), TypeError);
  const copy = structuredClone(f);
  assert(copy instanceof File);
  assertEquals(copy.name, "greeting.txt");
  assertEquals(await copy.text(), "hello world");
  assertEquals(await new Response(f).text(), "hello world");
});

await run();
