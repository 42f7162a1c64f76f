// FormData: entry semantics (append/set/delete, Blob to File, USVString names), live
// iteration, multipart bodies that round trip through Request and Response, urlencoded
// bodies, and the errors for what cannot be parsed.
import { test, run, assert, assertEquals, assertRejects } from "./harness.js";

test("entries: append, set keeps the first position, delete, get/getAll/has", () => {
  const fd = new FormData();
  fd.append("a", "1");
  fd.append("b", "2");
  fd.append("a", "3");
  assertEquals(fd.get("a"), "1");
  assertEquals(fd.getAll("a").join(), "1,3");
  assertEquals(fd.get("missing"), null);
  fd.set("a", "4");
  assertEquals([...fd.keys()].join(), "a,b");
  assertEquals(fd.getAll("a").join(), "4");
  fd.delete("b");
  assert(!fd.has("b") && fd.has("a"));
  fd.append("n", 5);
  assertEquals(fd.get("n"), "5");
  fd.append("\uD800x", "v");
  assertEquals([...fd.keys()][2], "\uFFFDx");
});

test("Blob values become Files named blob, or by the filename given", () => {
  const fd = new FormData();
  fd.append("blob", new Blob(["abc"], { type: "text/plain" }));
  fd.append("named", new Blob(["abc"]), "x.txt");
  const file = new File(["z"], "orig.bin", { lastModified: 42 });
  fd.append("file", file);
  fd.append("renamed", file, "new.bin");
  assert(fd.get("blob") instanceof File);
  assertEquals(fd.get("blob").name, "blob");
  assertEquals(fd.get("blob").type, "text/plain");
  assertEquals(fd.get("named").name, "x.txt");
  assertEquals(fd.get("file"), file);
  assertEquals(fd.get("renamed").name, "new.bin");
  assertEquals(fd.get("renamed").lastModified, 42);
  let threw = false;
  try {
    fd.append("s", "text", "name.txt");
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw, "a filename with a string value is a TypeError");
});

test("iteration is live and has the WebIDL shape", () => {
  const fd = new FormData();
  fd.append("a", "1");
  const seen = [];
  for (const [k, v] of fd) {
    seen.push(k + v);
    if (seen.length === 1) fd.append("b", "2");
  }
  assertEquals(seen.join(), "a1,b2");
  const it = fd.entries();
  assertEquals(Object.prototype.toString.call(it), "[object FormData Iterator]");
  assertEquals(typeof it[Symbol.iterator], "function");
  const order = [];
  fd.forEach(function (value, key, target) {
    order.push(`${key}=${value}`);
    assertEquals(target, fd);
    assertEquals(this.tag, "t");
  }, { tag: "t" });
  assertEquals(order.join("&"), "a=1&b=2");
  let threw = false;
  try {
    new FormData({});
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw, "there are no HTML forms");
});

test("a FormData body is multipart/form-data and parses back", async () => {
  const fd = new FormData();
  fd.append("text", "line1\nline2");
  fd.append("quote\"name", "v");
  fd.append("upload", new File([new Uint8Array([0, 1, 2, 255])], "data \"1\".bin", { type: "application/x-test" }));
  const req = new Request("https://example.com/", { method: "POST", body: fd });
  const ct = req.headers.get("content-type");
  const boundary = ct.match(/^multipart\/form-data; boundary=(.+)$/)[1];
  const raw = await req.clone().text();
  assert(raw.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nline1\r\nline2\r\n`), raw);
  assert(raw.includes('name="quote%22name"'), raw);
  assert(raw.includes('filename="data %221%22.bin"\r\nContent-Type: application/x-test'), raw);
  assert(raw.endsWith(`--${boundary}--\r\n`), raw);
  const back = await req.formData();
  assertEquals(back.get("text"), "line1\r\nline2");
  assertEquals(back.get("quote\"name"), "v");
  const file = back.get("upload");
  assert(file instanceof File);
  assertEquals(file.name, "data \"1\".bin");
  assertEquals(file.type, "application/x-test");
  assertEquals([...new Uint8Array(await file.arrayBuffer())].join(), "0,1,2,255");
});

test("urlencoded bodies parse into FormData; other types are a TypeError", async () => {
  const fd = await new Response("a=1&a=2&b=%F0%9F%98%80+x", { headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
  assertEquals(fd.getAll("a").join(), "1,2");
  assertEquals(fd.get("b"), "\u{1F600} x");
  await assertRejects(() => new Response("plain").formData(), TypeError);
  await assertRejects(
    () => new Response("--b\r\nno headers end", { headers: { "content-type": "multipart/form-data; boundary=b" } }).formData(),
    TypeError,
  );
  await assertRejects(() => new Response("x", { headers: { "content-type": "multipart/form-data" } }).formData(), TypeError);
});

await run();
