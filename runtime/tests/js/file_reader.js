// FileReader: the four read kinds, the event order, abort, and the errors for misuse;
// Blob's constructor conversions and slice's [Clamp] indices.
import { test, run, assert, assertEquals } from "./harness.js";

function read(kind, blob, ...args) {
  return new Promise((resolve) => {
    const reader = new FileReader();
    const events = [];
    for (const type of ["loadstart", "progress", "load", "error", "abort", "loadend"]) {
      reader.addEventListener(type, (e) => {
        events.push(type);
        assert(e instanceof ProgressEvent, type);
        if (type === "loadend") resolve({ reader, events, result: reader.result });
      });
    }
    reader[kind](blob, ...args);
    assertEquals(reader.readyState, FileReader.LOADING);
  });
}

test("reads as text, ArrayBuffer, binary string and data URL, in event order", async () => {
  const blob = new Blob(["h\u00e9llo"], { type: "text/plain" });
  const text = await read("readAsText", blob);
  assertEquals(text.result, "h\u00e9llo");
  assertEquals(text.events.join(), "loadstart,progress,load,loadend");
  assertEquals(text.reader.readyState, FileReader.DONE);
  const buffer = await read("readAsArrayBuffer", blob);
  assertEquals(buffer.result.byteLength, 6);
  const binary = await read("readAsBinaryString", blob);
  assertEquals(binary.result, "h\u00c3\u00a9llo");
  const url = await read("readAsDataURL", blob);
  assertEquals(url.result, "data:text/plain;base64,aMOpbGxv");
  const empty = await read("readAsDataURL", new Blob([]));
  assertEquals(empty.result, "data:application/octet-stream;base64,");
  assertEquals(empty.events.join(), "loadstart,load,loadend");
  const latin1 = await read("readAsText", new Blob([new Uint8Array([0xe9])]), "iso-8859-1");
  assertEquals(latin1.result, "\u00e9");
  const bom = await read("readAsText", new Blob([new Uint8Array([0xff, 0xfe, 0x41, 0x00])]), "utf-8");
  assertEquals(bom.result, "A");
});

test("abort during a read fires abort and loadend, never load", async () => {
  const reader = new FileReader();
  const events = [];
  const done = new Promise((resolve) => {
    for (const type of ["loadstart", "load", "abort", "loadend"]) reader.addEventListener(type, () => events.push(type));
    reader.onloadend = () => resolve();
  });
  reader.readAsText(new Blob(["x"]));
  reader.abort();
  await done;
  assertEquals(events.join(), "abort,loadend");
  assertEquals(reader.result, null);
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(events.join(), "abort,loadend");
});

test("misuse: a second read while loading, a non-Blob", () => {
  const reader = new FileReader();
  reader.readAsText(new Blob(["x"]));
  let name;
  try {
    reader.readAsText(new Blob(["y"]));
  } catch (e) {
    name = e.name;
  }
  assertEquals(name, "InvalidStateError");
  let threw = false;
  try {
    new FileReader().readAsText("not a blob");
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw);
});

test("Blob: options are checked, endings, USVString parts, [Clamp] slice indices", async () => {
  for (const bad of [123, true, "abc"]) {
    let threw = false;
    try {
      new Blob([], bad);
    } catch (e) {
      threw = e instanceof TypeError;
    }
    assert(threw, `options ${bad}`);
  }
  assertEquals(await new Blob(["a\r\nb\rc"], { endings: "native" }).text(), "a\nb\nc");
  assertEquals(await new Blob(["a\r\nb"], { endings: "transparent" }).text(), "a\r\nb");
  assertEquals(await new Blob(["\uD800"]).text(), "\uFFFD");
  const b = new Blob(["abcd"]);
  assertEquals(await b.slice(1.5).text(), "cd");
  assertEquals(await b.slice(0.5, 2.5).text(), "ab");
  assertEquals(await b.slice(undefined, undefined).text(), "abcd");
  assertEquals(await b.slice(-2).text(), "cd");
  let threw = false;
  try {
    new Blob({});
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw, "a non-iterable blobParts is a TypeError");
});

test("blob: URLs fetch their Blob until revoked; data: URLs decode", async () => {
  const url = URL.createObjectURL(new Blob(["blob body"], { type: "text/x-edge" }));
  assert(url.startsWith("blob:"));
  const res = await fetch(url);
  assertEquals(res.headers.get("content-type"), "text/x-edge");
  assertEquals(await res.text(), "blob body");
  assertEquals(await (await fetch(url + "#fragment")).text(), "blob body");
  URL.revokeObjectURL(url);
  let failed = false;
  try {
    await fetch(url);
  } catch (e) {
    failed = e instanceof TypeError;
  }
  assert(failed, "a revoked blob URL fails");
  const b64 = await fetch("data:application/json;base64,eyJhIjoxfQ==");
  assertEquals(b64.headers.get("content-type"), "application/json");
  assertEquals((await b64.json()).a, 1);
  assertEquals(await (await fetch("data:,caf%C3%A9")).text(), "caf\u00e9");
  failed = false;
  try {
    await fetch("data:text/plain;base64,%%%");
  } catch (e) {
    failed = e instanceof TypeError;
  }
  assert(failed, "bad base64 fails");
});

await run();
