// crypto.subtle's modern algorithms: AES-OCB and ChaCha20-Poly1305 (answers checked against
// Node/OpenSSL), SHA-3 and cSHAKE, KMAC (NIST SP 800-185 sample), ML-KEM and ML-DSA round trips
// through every format, getPublicKey and SubtleCrypto.supports.
import { test, run, assert, assertEquals, assertRejects } from "./harness.js";

const subtle = crypto.subtle;
const enc = new TextEncoder();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));

test("AES-OCB: RFC 7253 sample, tag lengths, raw-secret only", async () => {
  const key = await subtle.importKey("raw-secret", unhex("000102030405060708090a0b0c0d0e0f"), "AES-OCB", true, ["encrypt", "decrypt"]);
  assertEquals(key.algorithm.length, 128);
  const params = { name: "AES-OCB", iv: unhex("bbaa99887766554433221101"), additionalData: unhex("0001020304050607") };
  const ct = await subtle.encrypt(params, key, unhex("0001020304050607"));
  assertEquals(hex(ct), "6820b3657b6f615a5725bda0d3b4eb3a257c9af1f8f03009");
  assertEquals(hex(await subtle.decrypt(params, key, ct)), "0001020304050607");
  const short = await subtle.encrypt({ ...params, tagLength: 64 }, key, new Uint8Array(3));
  assertEquals(short.byteLength, 3 + 8);
  const tampered = new Uint8Array(ct);
  tampered[0] ^= 1;
  assertEquals((await assertRejects(() => subtle.decrypt(params, key, tampered), DOMException)).name, "OperationError");
  assertEquals((await assertRejects(() => subtle.encrypt({ ...params, iv: new Uint8Array(16) }, key, ct), DOMException)).name, "OperationError");
  assertEquals((await assertRejects(() => subtle.importKey("raw", new Uint8Array(16), "AES-OCB", true, ["encrypt"]), DOMException)).name, "NotSupportedError");
  assertEquals((await subtle.exportKey("jwk", key)).alg, "A128OCB");
});

test("ChaCha20-Poly1305: an answer checked against OpenSSL; 96-bit nonces only", async () => {
  const key = await subtle.importKey("raw-secret", new Uint8Array(32).fill(7), "ChaCha20-Poly1305", true, ["encrypt", "decrypt"]);
  const params = { name: "ChaCha20-Poly1305", iv: new Uint8Array(12).fill(1), additionalData: enc.encode("aad") };
  const ct = await subtle.encrypt(params, key, enc.encode("hello edge"));
  assertEquals(hex(ct), "142fed7bffc544a944ec4aaa4c00149d59ceb905e4acb11563dd");
  assertEquals(new TextDecoder().decode(await subtle.decrypt(params, key, ct)), "hello edge");
  assertEquals((await assertRejects(() => subtle.encrypt({ ...params, iv: new Uint8Array(8) }, key, ct), DOMException)).name, "OperationError");
  assertEquals((await subtle.exportKey("jwk", key)).alg, "C20P");
  const generated = await subtle.generateKey("ChaCha20-Poly1305", true, ["encrypt"]);
  assertEquals((await subtle.exportKey("raw-secret", generated)).byteLength, 32);
});

test("SHA-3 and cSHAKE digests", async () => {
  assertEquals(hex(await subtle.digest("SHA3-256", enc.encode("abc"))), "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  // cSHAKE with no function name or customization is SHAKE.
  assertEquals(hex(await subtle.digest({ name: "cSHAKE128", length: 256 }, enc.encode("abc"))), "5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8");
  const custom = await subtle.digest({ name: "cSHAKE128", length: 256, customization: enc.encode("x") }, enc.encode("abc"));
  assert(hex(custom) !== "5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8", "customization changes the output");
  await assertRejects(() => subtle.digest({ name: "cSHAKE256" }, enc.encode("abc")), TypeError);
});

test("KMAC128: NIST SP 800-185 sample 1; verify; lengths", async () => {
  const keyBytes = new Uint8Array(32).map((_, i) => 0x40 + i);
  const key = await subtle.importKey("raw-secret", keyBytes, { name: "KMAC128" }, true, ["sign", "verify"]);
  assertEquals(key.algorithm.length, 256);
  const mac = await subtle.sign({ name: "KMAC128", length: 256 }, key, unhex("00010203"));
  assertEquals(hex(mac), "e5780b0d3ea6f7d3a429c5706aa43a00fadbd7d49628839e3187243f456ee14e");
  assert(await subtle.verify({ name: "KMAC128", length: 256 }, key, mac, unhex("00010203")));
  assert(!(await subtle.verify({ name: "KMAC128", length: 256 }, key, mac, unhex("00010204"))));
  const generated = await subtle.generateKey({ name: "KMAC256" }, true, ["sign"]);
  assertEquals(generated.algorithm.length, 256);
  assertEquals((await subtle.exportKey("jwk", generated)).alg, "K256");
});

test("ML-KEM-768: encapsulate/decapsulate agree; keys round-trip through every format", async () => {
  const { publicKey, privateKey } = await subtle.generateKey("ML-KEM-768", true, ["encapsulateBits", "decapsulateBits", "decapsulateKey"]);
  assertEquals(publicKey.usages.join(), "encapsulateBits");
  const { sharedKey, ciphertext } = await subtle.encapsulateBits("ML-KEM-768", publicKey);
  assertEquals(sharedKey.byteLength, 32);
  assertEquals(ciphertext.byteLength, 1088);
  assertEquals(hex(await subtle.decapsulateBits("ML-KEM-768", privateKey, ciphertext)), hex(sharedKey));
  const aes = await subtle.decapsulateKey("ML-KEM-768", privateKey, ciphertext, "AES-GCM", true, ["encrypt"]);
  assertEquals(hex(await subtle.exportKey("raw", aes)), hex(sharedKey));
  const seed = await subtle.exportKey("raw-seed", privateKey);
  assertEquals(seed.byteLength, 64);
  const pkcs8 = await subtle.exportKey("pkcs8", privateKey);
  const again = await subtle.importKey("pkcs8", pkcs8, "ML-KEM-768", true, ["decapsulateBits"]);
  assertEquals(hex(await subtle.exportKey("raw-seed", again)), hex(seed));
  const spki = await subtle.exportKey("spki", publicKey);
  const raw = await subtle.exportKey("raw-public", publicKey);
  const fromSpki = await subtle.importKey("spki", spki, "ML-KEM-768", true, ["encapsulateBits"]);
  assertEquals(hex(await subtle.exportKey("raw-public", fromSpki)), hex(raw));
  const derived = await subtle.getPublicKey(privateKey, ["encapsulateKey"]);
  assertEquals(hex(await subtle.exportKey("raw-public", derived)), hex(raw));
  const short = await assertRejects(() => subtle.decapsulateBits("ML-KEM-768", privateKey, new Uint8Array(10)), DOMException);
  assertEquals(short.name, "OperationError");
  const wrongUse = await assertRejects(() => subtle.encapsulateBits("ML-KEM-768", privateKey), DOMException);
  assertEquals(wrongUse.name, "InvalidAccessError");
  const bad = new Uint8Array(raw).fill(0xff);
  assertEquals((await assertRejects(() => subtle.importKey("raw-public", bad, "ML-KEM-768", true, []), DOMException)).name, "DataError");
});

test("ML-DSA-44: sign and verify with a context; jwk round trip", async () => {
  const { publicKey, privateKey } = await subtle.generateKey("ML-DSA-44", true, ["sign", "verify"]);
  const data = enc.encode("edge");
  const sig = await subtle.sign({ name: "ML-DSA-44", context: enc.encode("ctx") }, privateKey, data);
  assertEquals(sig.byteLength, 2420);
  assert(await subtle.verify({ name: "ML-DSA-44", context: enc.encode("ctx") }, publicKey, sig, data));
  assert(!(await subtle.verify({ name: "ML-DSA-44" }, publicKey, sig, data)), "another context fails");
  const jwk = await subtle.exportKey("jwk", privateKey);
  assertEquals(jwk.kty, "AKP");
  assertEquals(jwk.alg, "ML-DSA-44");
  const imported = await subtle.importKey("jwk", jwk, "ML-DSA-44", true, ["sign"]);
  const sig2 = await subtle.sign("ML-DSA-44", imported, data);
  assert(await subtle.verify("ML-DSA-44", publicKey, sig2, data));
  const long = await assertRejects(() => subtle.sign({ name: "ML-DSA-44", context: new Uint8Array(256) }, privateKey, data), DOMException);
  assertEquals(long.name, "OperationError");
});

test("getPublicKey for classic keys; SubtleCrypto.supports", async () => {
  const { privateKey, publicKey } = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const derived = await subtle.getPublicKey(privateKey, ["verify"]);
  assertEquals(hex(await subtle.exportKey("raw", derived)), hex(await subtle.exportKey("raw", publicKey)));
  const aes = await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]);
  assertEquals((await assertRejects(() => subtle.getPublicKey(aes, []), DOMException)).name, "NotSupportedError");
  assertEquals((await assertRejects(() => subtle.getPublicKey(publicKey, []), DOMException)).name, "InvalidAccessError");
  assert(SubtleCrypto.supports("encrypt", { name: "AES-GCM", iv: new Uint8Array(12) }));
  assert(SubtleCrypto.supports("encapsulateBits", "ML-KEM-512"));
  assert(!SubtleCrypto.supports("generateKey", { name: "AES-GCM", length: 100 }));
  assert(!SubtleCrypto.supports("sign", "AES-GCM"));
  assert(!SubtleCrypto.supports("nope", "AES-GCM"));
  assert(!SubtleCrypto.supports("digest", "Unknown"));
  assert(!SubtleCrypto.supports("generateKey", { name: "HMAC", hash: "NOPE" }));
  // A false answer leaves nothing behind: the next call and the next throw behave.
  assert(SubtleCrypto.supports("digest", "SHA-256"));
  let caught = null;
  try {
    null.x;
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof TypeError);
});

await run();
