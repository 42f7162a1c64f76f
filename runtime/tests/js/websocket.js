// WebSocket, WebSocketPair and CloseEvent as an app sees them without a network: the two ends
// of a pair used in one isolate, the argument checks the specs require, and a Response
// carrying a pair's end.
import { test, run, assert, assertEquals, assertThrows } from "./harness.js";

const nextEvent = (target, type) => new Promise((resolve) => target.addEventListener(type, resolve, { once: true }));

test("a pair used in one isolate delivers messages both ways, in order", async () => {
  const [a, b] = Object.values(new WebSocketPair());
  assertEquals(a.readyState, WebSocket.OPEN);
  a.accept();
  b.accept();
  const got = [];
  b.addEventListener("message", (e) => got.push(e.data));
  a.send("one");
  a.send(new Uint8Array([1, 2, 3]));
  a.send("three");
  const echo = nextEvent(a, "message");
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(got.length, 3);
  assertEquals(got[0], "one");
  assert(got[1] instanceof ArrayBuffer, "a pair end's binaryType is arraybuffer");
  assertEquals([...new Uint8Array(got[1])].join(), "1,2,3");
  assertEquals(got[2], "three");
  b.send("back");
  assertEquals((await echo).data, "back");
});

test("messages sent before the other end is accepted wait for it", async () => {
  const [a, b] = Object.values(new WebSocketPair());
  a.accept();
  a.send("early");
  const message = nextEvent(b, "message");
  b.accept();
  assertEquals((await message).data, "early");
});

test("closing one end closes both with the code and reason", async () => {
  const [a, b] = Object.values(new WebSocketPair());
  a.accept();
  b.accept();
  const closedB = nextEvent(b, "close");
  const closedA = nextEvent(a, "close");
  a.close(4001, "done");
  assertEquals(a.readyState, WebSocket.CLOSING);
  const eb = await closedB;
  assert(eb instanceof CloseEvent);
  assertEquals([eb.code, eb.reason, eb.wasClean].join(), "4001,done,true");
  assertEquals((await closedA).code, 4001);
  assertEquals(a.readyState, WebSocket.CLOSED);
});

test("the specs' argument checks", () => {
  const [a] = Object.values(new WebSocketPair());
  assertThrows(() => a.send("x"), DOMException, "send before accept");
  a.accept();
  assertThrows(() => a.accept(), TypeError, "accept twice");
  assertThrows(() => a.close(1001), DOMException, "only 1000 and 3000-4999 may be given");
  assertThrows(() => a.close(1000, "x".repeat(124)), DOMException, "a reason over 123 bytes");
  assertThrows(() => new WebSocket("http://[bad"), DOMException, "an invalid URL");
  assertThrows(() => new WebSocket("ftp://example.com/"), DOMException, "a scheme other than ws(s)");
  assertThrows(() => new WebSocket("ws://example.com/#frag"), DOMException, "a fragment");
  assertThrows(() => new WebSocket("ws://example.com/", ["a", "a"]), DOMException, "a repeated protocol");
  assertThrows(() => new WebSocket("ws://example.com/", "not a token"), DOMException, "an invalid protocol");
  assertEquals(WebSocket.CLOSED, 3);
  assertEquals(WebSocket.prototype.CONNECTING, 0);
  const e = new CloseEvent("close", { code: 1000, reason: "r", wasClean: true });
  assertEquals([e.type, e.code, e.reason, e.wasClean].join(), "close,1000,r,true");
});

test("a Response may have status 101 only with a pair's end", () => {
  assertThrows(() => new Response(null, { status: 101 }), RangeError);
  const [client] = Object.values(new WebSocketPair());
  const res = new Response(null, { status: 101, webSocket: client });
  assertEquals(res.status, 101);
  assertEquals(res.webSocket, client);
  assertThrows(() => new Response(null, { status: 101, webSocket: client }), TypeError, "an end goes to one Response");
  assertThrows(() => new Response(null, { status: 101, webSocket: {} }), TypeError, "not a pair's end");
  assertEquals(new Response("x").webSocket, null);
});

test("a client with no network reports an error and a close", async () => {
  let ws;
  try {
    ws = new WebSocket("ws://127.0.0.1:9/");
  } catch (e) {
    // `edge run` without outbound network refuses at once.
    assert(e instanceof TypeError, String(e));
    return;
  }
  assertEquals(ws.readyState, WebSocket.CONNECTING);
  assertEquals(ws.binaryType, "blob");
  assertThrows(() => ws.send("x"), DOMException, "send while connecting");
  const error = nextEvent(ws, "error");
  const closed = nextEvent(ws, "close");
  assert((await error).message.length > 0);
  const c = await closed;
  assertEquals([c.code, c.wasClean].join(), "1006,false");
  assertEquals(ws.readyState, WebSocket.CLOSED);
});

await run();
