// The WinterTC Minimum Common API on globalThis: every interface with the right prototype
// chain, every global function and object. Interfaces still to come are listed, and must stay
// absent until they are real (so this list shrinks as they land).
import { test, run, assert, assertEquals } from "./harness.js";

const INTERFACES = [
  "AbortController", "AbortSignal", "Blob", "ByteLengthQueuingStrategy", "CompressionStream",
  "CountQueuingStrategy", "Crypto", "CryptoKey", "CustomEvent", "DecompressionStream",
  "DOMException", "Event", "EventTarget", "File", "FileReader", "FormData", "Headers",
  "ProgressEvent", "QuotaExceededError", "ReadableStream",
  "ReadableByteStreamController", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
  "ReadableStreamDefaultController", "ReadableStreamDefaultReader", "Request", "Response",
  "SubtleCrypto", "TextDecoder", "TextDecoderStream", "TextEncoder", "TextEncoderStream",
  "TransformStream", "TransformStreamDefaultController", "URL", "URLPattern", "URLSearchParams",
  "WritableStream", "WritableStreamDefaultController", "WritableStreamDefaultWriter",
];
const NOT_YET = [];
const FUNCTIONS = [
  "atob", "btoa", "clearInterval", "clearTimeout", "fetch", "queueMicrotask", "reportError",
  "setInterval", "setTimeout", "structuredClone",
];

test("every interface is a constructor function on globalThis, not enumerable", () => {
  for (const name of INTERFACES) {
    assertEquals(typeof globalThis[name], "function", name);
    assert(typeof globalThis[name].prototype === "object", `${name}.prototype`);
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    assert(d && !d.enumerable, `${name} is not enumerable`);
  }
});

test("interfaces still to come are absent, not half-present", () => {
  for (const name of NOT_YET) assert(!(name in globalThis), `${name} landed: move it to INTERFACES`);
});

test("global functions and objects", () => {
  for (const name of FUNCTIONS) assertEquals(typeof globalThis[name], "function", name);
  assertEquals(self, globalThis);
  assert(crypto instanceof Crypto && crypto.subtle instanceof SubtleCrypto);
  assertEquals(typeof console.log, "function");
  assertEquals(typeof navigator.userAgent, "string");
  assertEquals(typeof performance.now(), "number");
  assertEquals(typeof performance.timeOrigin, "number");
  assertEquals(typeof AbortSignal.timeout, "function");
  assertEquals(typeof AbortSignal.any, "function");
});

test("prototype chains", () => {
  assert(new Response() instanceof Response);
  assert(new Request("https://example.com/") instanceof Request);
  assert(new Headers() instanceof Headers);
  assert(new AbortController().signal instanceof AbortSignal);
  assert(new AbortController().signal instanceof EventTarget);
  assert(new CustomEvent("x") instanceof Event);
  assert(new DOMException("m") instanceof Error);
  assertEquals(typeof ReadableStream.prototype.pipeTo, "function");
  assertEquals(typeof ReadableStream.prototype.pipeThrough, "function");
  assertEquals(typeof ReadableStream.prototype.tee, "function");
  assertEquals(typeof ReadableStream.prototype.getReader, "function");
  assert(new ReadableStream().getReader() instanceof ReadableStreamDefaultReader);
  assert(new WritableStream().getWriter() instanceof WritableStreamDefaultWriter);
  const bytes = new ReadableStream({ type: "bytes" });
  assert(bytes.getReader({ mode: "byob" }) instanceof ReadableStreamBYOBReader);
  const ts = new TransformStream();
  assert(ts.readable instanceof ReadableStream && ts.writable instanceof WritableStream);
  const cs = new CompressionStream("gzip");
  assert(cs.readable instanceof ReadableStream && cs.writable instanceof WritableStream);
  assert(new TextEncoderStream().readable instanceof ReadableStream);
  assert(new URLPattern({ pathname: "/" }) instanceof URLPattern);
  assert(new Blob([]) instanceof Blob);
  assert(new File([], "f") instanceof Blob);
  assertEquals(Object.prototype.toString.call(new Headers()), "[object Headers]");
});

await run();
