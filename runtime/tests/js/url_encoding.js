import { test, run, assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from "./harness.js";

test("URL parses and exposes its parts", () => {
  const u = new URL("https://user:pw@example.com:8443/a/b?x=1&y=2#frag");
  assertEquals(u.protocol, "https:");
  assertEquals(u.username, "user");
  assertEquals(u.password, "pw");
  assertEquals(u.host, "example.com:8443");
  assertEquals(u.hostname, "example.com");
  assertEquals(u.port, "8443");
  assertEquals(u.pathname, "/a/b");
  assertEquals(u.search, "?x=1&y=2");
  assertEquals(u.hash, "#frag");
  assertEquals(u.origin, "https://example.com:8443");
  assertEquals(String(u), u.href);
  assertEquals(JSON.stringify({ u }), `{"u":"${u.href}"}`);
});

test("URL resolves against a base and rejects garbage", () => {
  assertEquals(new URL("../c", "https://x.test/a/b/").href, "https://x.test/a/c");
  assertThrows(() => new URL("nope"), TypeError);
  assertEquals(URL.canParse("https://ok"), true);
  assertEquals(URL.canParse("::"), false);
  assertEquals(URL.parse("::"), null);
  assertEquals(URL.parse("/p", "https://h").href, "https://h/p");
});

test("URL setters follow the URL standard", () => {
  const u = new URL("http://example.com/");
  u.pathname = "/a b";
  assertEquals(u.pathname, "/a%20b");
  u.port = "8080";
  u.hash = "h";
  u.protocol = "https";
  assertEquals(u.href, "https://example.com:8080/a%20b#h");
  u.href = "http://other/";
  assertEquals(u.host, "other");
  assertThrows(() => (u.href = "bad"), TypeError);
});

test("searchParams stays in sync with the URL", () => {
  const u = new URL("https://x/?a=1&b=2&a=3");
  assertEquals(u.searchParams.get("a"), "1");
  assertDeepEquals(u.searchParams.getAll("a"), ["1", "3"]);
  u.searchParams.append("c", "x y");
  assertEquals(u.search, "?a=1&b=2&a=3&c=x+y");
  u.search = "?z=9";
  assertEquals(u.searchParams.get("z"), "9");
  assertEquals(u.searchParams.get("a"), null);
  u.searchParams.delete("z");
  assertEquals(u.href, "https://x/");
});

test("URLSearchParams from every init", () => {
  assertEquals(new URLSearchParams("?a=1&b=%20").get("b"), " ");
  assertEquals(new URLSearchParams({ a: "1", b: "2" }).toString(), "a=1&b=2");
  assertEquals(new URLSearchParams([["a", "1"], ["a", "2"]]).toString(), "a=1&a=2");
  const p = new URLSearchParams("b=2&a=1&a=0");
  p.sort();
  assertEquals(p.toString(), "a=1&a=0&b=2");
  p.set("a", "x");
  assertEquals(p.toString(), "a=x&b=2");
  assertEquals(p.size, 2);
  assertEquals(p.has("a", "x"), true);
  assertEquals(p.has("a", "y"), false);
  assertDeepEquals([...p], [["a", "x"], ["b", "2"]]);
  assertThrows(() => new URLSearchParams([["only"]]), TypeError);
});

test("URL: file hosts, drive letters, opaque paths and IP hosts per the standard", () => {
  assertEquals(new URL("C|/x", "file://host/dir/file").href, "file://host/C:/x");
  assertEquals(new URL("file:////share/a").href, "file:////share/a");
  assertEquals(new URL("file://localhost/etc").href, "file:///etc");
  assertEquals(new URL("///test", "http://example.org/").href, "http://test/");
  assertEquals(new URL("sc:opaque  ?q").href, "sc:opaque %20?q");
  assertEquals(new URL("http://0x7f.1/").host, "127.0.0.1");
  assertEquals(new URL("http://[0:0::1]/").host, "[::1]");
  assertEquals(new URL("http://B\u00fccher.de/").hostname, "xn--bcher-kva.de");
  assertEquals(new URL("non-spec:/.//p").href, "non-spec:/.//p");
  assertEquals(new URL("blob:https://a.example/x").origin, "https://a.example");
  assertEquals(new URL("blob:ftp://a.example/x").origin, "null");
  assertThrows(() => new URL("http://a b/"), TypeError);
  assertThrows(() => new URL("http://1.2.3.4.5/"), TypeError);
  assertEquals(new URL("http://x/\ud800").pathname, "/%EF%BF%BD");
  const u = new URL("sc:space  ?query");
  u.search = "";
  assertEquals(u.href, "sc:space %20");
});

test("URLSearchParams iterators are live; constructors need new", () => {
  const p = new URLSearchParams("a=1&b=2&c=3");
  const seen = [];
  for (const [k] of p) {
    seen.push(k);
    if (k === "a") p.delete("b");
  }
  assertEquals(seen.join(), "a,c");
  assertEquals(URLSearchParams.prototype[Symbol.iterator], URLSearchParams.prototype.entries);
  assertEquals(Object.prototype.toString.call(p.keys()), "[object URLSearchParams Iterator]");
  assertThrows(() => URLSearchParams(), TypeError);
  assertThrows(() => URL("http://x/"), TypeError);
  assertEquals(URL.length, 1);
  assertEquals(new URLSearchParams({ "\ud835x": "1", "\ud83dx": "3" }).toString(), "%EF%BF%BDx=3");
  const url = new URL("http://h/?x");
  url.search = "??a=b";
  assertEquals(url.searchParams.toString(), "%3Fa=b");
});

test("URLPattern.compareComponent ranks specificity; generate fills named groups", () => {
  const p = (pathname) => new URLPattern({ pathname });
  assertEquals(URLPattern.compareComponent("pathname", p("/a/b"), p("/a/:x")), 1);
  assertEquals(URLPattern.compareComponent("pathname", p("/a/:x"), p("/a/b")), -1);
  assertEquals(URLPattern.compareComponent("pathname", p("/a/:x"), p("/a/:y")), 0);
  assertThrows(() => URLPattern.compareComponent("nope", p("/"), p("/")), TypeError);
  assertEquals(p("/users/:id").generate("pathname", { id: "a b" }), "/users/a%20b");
  assertThrows(() => p("/users/:id").generate("pathname", {}), TypeError);
  assertThrows(() => p("/users/:id").generate("pathname", { id: "x/y" }), TypeError);
  assertThrows(() => p("/files/*").generate("pathname", {}), TypeError);
});

test("TextEncoder and TextDecoder round-trip UTF-8", () => {
  const enc = new TextEncoder();
  const bytes = enc.encode("héllo €𝄞");
  assertEquals(bytes.length, 14);
  assertEquals(new TextDecoder().decode(bytes), "héllo €𝄞");
  assertEquals(enc.encoding, "utf-8");
  const dest = new Uint8Array(4);
  const r = enc.encodeInto("a€b", dest);
  assertDeepEquals(r, { read: 2, written: 4 });
});

test("TextDecoder streaming, BOM, fatal and labels", () => {
  const d = new TextDecoder();
  const euro = new Uint8Array([0xe2, 0x82, 0xac]);
  assertEquals(d.decode(euro.subarray(0, 1), { stream: true }), "");
  assertEquals(d.decode(euro.subarray(1), { stream: true }), "€");
  assertEquals(d.decode(), "");
  assertEquals(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), "A");
  assertEquals(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), "\ufeffA");
  assertEquals(new TextDecoder().decode(new Uint8Array([0xff])), "\ufffd");
  assertThrows(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])), TypeError);
  assertEquals(new TextDecoder("latin1").encoding, "windows-1252");
  assertEquals(new TextDecoder("utf-16le").decode(new Uint8Array([0x41, 0])), "A");
  assertThrows(() => new TextDecoder("no-such-encoding"), RangeError);
});

test("atob and btoa", () => {
  assertEquals(btoa("hello"), "aGVsbG8=");
  assertEquals(atob("aGVsbG8="), "hello");
  assertEquals(atob(" aGVs bG8 "), "hello");
  assertEquals(atob("aGVsbG8"), "hello");
  assertThrows(() => atob("a"), DOMException);
  assertThrows(() => btoa("€"), DOMException);
  assertEquals(btoa(String.fromCharCode(255)), "/w==");
});

test("crypto randomness", () => {
  const a = crypto.getRandomValues(new Uint8Array(32));
  const b = crypto.getRandomValues(new Uint32Array(4));
  assert(a.some((x) => x !== 0));
  assertEquals(b.length, 4);
  assertThrows(() => crypto.getRandomValues(new Float32Array(2)), DOMException);
  assertThrows(() => crypto.getRandomValues(new Uint8Array(70000)), DOMException);
  const id = crypto.randomUUID();
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id), id);
  assert(id !== crypto.randomUUID());
});

test("crypto.subtle.digest", async () => {
  const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const abc = new TextEncoder().encode("abc");
  assertEquals(hex(await crypto.subtle.digest("SHA-256", abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertEquals(hex(await crypto.subtle.digest({ name: "sha-1" }, abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertEquals((await crypto.subtle.digest("SHA-512", abc)).byteLength, 64);
  assertEquals((await crypto.subtle.digest("SHA-384", abc.buffer)).byteLength, 48);
  const e = await assertRejects(() => crypto.subtle.digest("MD5", abc), DOMException);
  assertEquals(e.name, "NotSupportedError");
  await assertRejects(() => crypto.subtle.digest("SHA-256", "text"), TypeError);
});

test("lone surrogates become U+FFFD when strings turn into bytes", async () => {
  const enc = new TextEncoder();
  assertEquals([...enc.encode("a\uD800b")].join(), "97,239,191,189,98");
  const r = enc.encodeInto("\uDC00", new Uint8Array(8));
  assertEquals(r.read, 1);
  assertEquals(r.written, 3);
  assertEquals(await new Response("x\uD83D").text(), "x\uFFFD");
});

test("URLPattern: named groups, regexp groups, wildcards, base URLs, errors", () => {
  const books = new URLPattern({ pathname: "/books/:id" });
  assertEquals(books.pathname, "/books/:id");
  assert(books.test("https://example.com/books/123"));
  assert(!books.test("https://example.com/authors/1"));
  const m = books.exec("https://example.com/books/42?x=1");
  assertEquals(m.pathname.groups.id, "42");
  assertEquals(m.pathname.input, "/books/42");
  assertEquals(m.inputs[0], "https://example.com/books/42?x=1");
  assertEquals(books.exec("https://example.com/nope"), null);
  const api = new URLPattern("/api/:version(v\\d+)/*", "https://x.dev");
  assert(api.hasRegExpGroups);
  const groups = api.exec("https://x.dev/api/v2/users/7").pathname.groups;
  assertEquals(groups.version, "v2");
  assertEquals(groups[0], "users/7");
  assert(!api.test("https://x.dev/api/beta/users"));
  assert(new URLPattern({ pathname: "/A" }, { ignoreCase: true }).test({ pathname: "/a" }));
  assertThrows(() => new URLPattern("(", "https://x"), TypeError);
  assertThrows(() => new URLPattern({ pathname: "/" }, "https://base"), TypeError);
  assertEquals(Object.prototype.toString.call(books), "[object URLPattern]");
});

await run();
