// MessageChannel/MessagePort (transfer moves buffers and ports), XMLHttpRequest over data: and
// blob: URLs (events, states, text decoding), FileReaderSync and FileList.
import { test, run, assert, assertEquals, assertThrows } from "./harness.js";

test("MessageChannel delivers clones in order, moving transferred buffers", async () => {
  const { port1, port2 } = new MessageChannel();
  const got = [];
  const done = new Promise((resolve) => {
    port2.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 2) resolve();
    };
  });
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  const obj = { n: 1 };
  port1.postMessage(obj, [buffer]);
  port1.postMessage({ n: 3 });
  obj.n = 2;
  assert(buffer.detached, "the transferred buffer is detached");
  await done;
  assertEquals(got[0].n, 1, "a clone, not the object");
  assertEquals(got.length, 2);
  assertThrows(() => port1.postMessage(1, [port1]), DOMException);
  assertThrows(() => new MessagePort(), TypeError);
});

test("structuredClone moves a MessagePort; the copy stays entangled", async () => {
  const { port1, port2 } = new MessageChannel();
  const copy = structuredClone(port2, { transfer: [port2] });
  assert(copy instanceof MessagePort && copy !== port2);
  const msg = new Promise((resolve) => (port1.onmessage = resolve));
  copy.postMessage("hi");
  assertEquals((await msg).data, "hi");
  let threw = false;
  try {
    structuredClone({}, { transfer: [{}] });
  } catch (e) {
    threw = e.name === "DataCloneError";
  }
  assert(threw, "a plain object is not transferable");
});

function xhr(method, url, setup = () => {}) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    const events = [];
    for (const type of ["loadstart", "progress", "load", "error", "abort", "loadend"]) {
      x.addEventListener(type, () => {
        events.push(type);
        if (type === "loadend") resolve({ x, events });
      });
    }
    x.open(method, url);
    setup(x);
    x.send();
  });
}

test("XMLHttpRequest reads data: URLs and decodes text by the response charset", async () => {
  const { x, events } = await xhr("GET", "data:text/plain;charset=windows-1252,caf%E9");
  assertEquals(events.join(), "loadstart,progress,load,loadend");
  assertEquals(x.readyState, XMLHttpRequest.DONE);
  assertEquals(x.status, 200);
  assertEquals(x.responseText, "caf\u00e9");
  assertEquals(x.getResponseHeader("Content-Type"), "text/plain;charset=windows-1252");
  const bom = await xhr("GET", "data:,%FF%FEA%00", (r) => r.overrideMimeType('text/plain; charset="utf-7"'));
  assertEquals(bom.x.responseText, "A", "a BOM wins over an unknown label");
  const replacement = await xhr("GET", "data:,abc", (r) => r.overrideMimeType("text/plain;charset=iso-2022-kr"));
  assertEquals(replacement.x.responseText, "\ufffd");
  const json = await xhr("GET", "data:application/json,%7B%22a%22%3A1%7D", (r) => (r.responseType = "json"));
  assertEquals(json.x.response.a, 1);
});

test("XMLHttpRequest keeps a blob: URL's Blob from open(); other methods fail", async () => {
  const url = URL.createObjectURL(new Blob(["blob body"], { type: "text/x-test" }));
  const pending = xhr("GET", url);
  URL.revokeObjectURL(url);
  const { x } = await pending;
  assertEquals(x.response, "blob body");
  assertEquals(x.getResponseHeader("content-type"), "text/x-test");
  const url2 = URL.createObjectURL(new Blob(["x"]));
  const post = await xhr("POST", url2);
  assertEquals(post.events.join(), "loadstart,error,loadend");
  assertEquals(post.x.status, 0);
  const sync = new XMLHttpRequest();
  assertThrows(() => sync.open("GET", url2, false), DOMException);
  assertThrows(() => sync.open("TRACE", url2), DOMException);
});

test("FileReaderSync reads Blobs directly; FileList is not constructible", () => {
  const reader = new FileReaderSync();
  const blob = new Blob(["\ufeffh\u00e9"], { type: "text/plain" });
  assertEquals(reader.readAsText(blob), "h\u00e9");
  assertEquals(reader.readAsArrayBuffer(new Blob(["ab"])).byteLength, 2);
  assertEquals(reader.readAsDataURL(new Blob(["hi"])), "data:application/octet-stream;base64,aGk=");
  assertThrows(() => reader.readAsText("not a blob"), TypeError);
  assertThrows(() => new FileList(), TypeError);
});

test("Blob: no call without new, parts converted before options, promises reject", async () => {
  assertThrows(() => Blob(), TypeError);
  const order = [];
  new Blob([{ toString: () => (order.push("part"), "x") }], { get type() { order.push("type"); return ""; } });
  assertEquals(order.join(), "part,type");
  let rejected = false;
  await Blob.prototype.text.call(null).catch((e) => (rejected = e instanceof TypeError));
  assert(rejected, "text() with a bad this rejects");
  const reader = new Blob(["abc"]).stream().getReader({ mode: "byob" });
  const { value } = await reader.read(new Uint8Array(8));
  assertEquals(new TextDecoder().decode(value), "abc");
});

await run();
