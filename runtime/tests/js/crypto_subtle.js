// crypto.subtle: HMAC, ECDSA, Ed25519, RSA and X25519 keys, known answers, round trips through every
// format, and the errors the spec names.
import { test, run, assert, assertEquals, assertRejects } from "./harness.js";

const enc = new TextEncoder();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

test("classes and prototype chain", () => {
  assert(crypto instanceof Crypto);
  assert(crypto.subtle instanceof SubtleCrypto);
  assertEquals(crypto.subtle, crypto.subtle);
  assertEquals(Object.prototype.toString.call(crypto.subtle), "[object SubtleCrypto]");
  let threw = false;
  try {
    new CryptoKey();
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw, "CryptoKey is not constructible");
});

test("HMAC: RFC 4231 case 2, verify, jwk round trip", async () => {
  const key = await crypto.subtle.importKey("raw", enc.encode("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  assert(key instanceof CryptoKey);
  assertEquals(key.type, "secret");
  assertEquals(key.algorithm.name, "HMAC");
  assertEquals(key.algorithm.hash.name, "SHA-256");
  assertEquals(key.algorithm.length, 32);
  assertEquals(key.usages.join(), "sign,verify");
  const data = enc.encode("what do ya want for nothing?");
  const mac = await crypto.subtle.sign("HMAC", key, data);
  assertEquals(hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  assert(await crypto.subtle.verify("HMAC", key, mac, data));
  assert(!(await crypto.subtle.verify("HMAC", key, mac, enc.encode("other"))));
  const jwk = await crypto.subtle.exportKey("jwk", key);
  assertEquals(jwk.kty, "oct");
  assertEquals(jwk.alg, "HS256");
  assertEquals(jwk.k, "SmVmZQ");
  assertEquals(jwk.ext, true);
  const again = await crypto.subtle.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  assert(await crypto.subtle.verify("HMAC", again, mac, data));
  await assertRejects(() => crypto.subtle.exportKey("raw", again), DOMException);
  await assertRejects(() => crypto.subtle.sign("HMAC", again, data), DOMException);
});

test("HMAC: generateKey defaults to the block size", async () => {
  const key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign"]);
  assertEquals(key.algorithm.length, 1024);
  assertEquals((await crypto.subtle.exportKey("raw", key)).byteLength, 128);
});

test("Ed25519: RFC 8032 test 1", async () => {
  const d = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const x = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const priv = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: b64url(d), x: b64url(x) }, "Ed25519", true, ["sign"]);
  const sig = await crypto.subtle.sign("Ed25519", priv, new Uint8Array(0));
  assertEquals(
    hex(sig),
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  );
  const pub = await crypto.subtle.importKey("raw", x, { name: "Ed25519" }, true, ["verify"]);
  assertEquals(pub.type, "public");
  assert(await crypto.subtle.verify("Ed25519", pub, sig, new Uint8Array(0)));
  assert(!(await crypto.subtle.verify("Ed25519", pub, sig, new Uint8Array(1))));
  // pkcs8 and spki round trips.
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", priv);
  const priv2 = await crypto.subtle.importKey("pkcs8", pkcs8, "Ed25519", false, ["sign"]);
  assertEquals(hex(await crypto.subtle.sign("Ed25519", priv2, new Uint8Array(0))), hex(sig));
  const spki = await crypto.subtle.exportKey("spki", pub);
  const pub2 = await crypto.subtle.importKey("spki", spki, "Ed25519", true, ["verify"]);
  assertEquals(hex(await crypto.subtle.exportKey("raw", pub2)), hex(x));
  await assertRejects(() => crypto.subtle.importKey("raw", x, "Ed25519", true, ["sign"]), DOMException);
});

for (const [curve, hash, size] of [["P-256", "SHA-256", 64], ["P-384", "SHA-384", 96]]) {
  test(`ECDSA ${curve}: generate, sign, verify, every format`, async () => {
    const { publicKey, privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
    assertEquals(publicKey.usages.join(), "verify");
    assertEquals(privateKey.usages.join(), "sign");
    assertEquals(privateKey.algorithm.namedCurve, curve);
    const data = enc.encode("message");
    const sig = await crypto.subtle.sign({ name: "ECDSA", hash }, privateKey, data);
    assertEquals(sig.byteLength, size);
    assert(await crypto.subtle.verify({ name: "ECDSA", hash }, publicKey, sig, data));
    assert(!(await crypto.subtle.verify({ name: "ECDSA", hash }, publicKey, sig, enc.encode("massage"))));
    for (const [format, key, usages] of [["raw", publicKey, ["verify"]], ["spki", publicKey, ["verify"]], ["jwk", publicKey, ["verify"]]]) {
      const exported = await crypto.subtle.exportKey(format, key);
      const imported = await crypto.subtle.importKey(format, exported, { name: "ECDSA", namedCurve: curve }, true, usages);
      assert(await crypto.subtle.verify({ name: "ECDSA", hash }, imported, sig, data), format);
    }
    for (const format of ["pkcs8", "jwk"]) {
      const exported = await crypto.subtle.exportKey(format, privateKey);
      const imported = await crypto.subtle.importKey(format, exported, { name: "ECDSA", namedCurve: curve }, false, ["sign"]);
      const sig2 = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, imported, data);
      assert(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, sig2, data), format);
    }
    const jwk = await crypto.subtle.exportKey("jwk", privateKey);
    assertEquals(jwk.kty, "EC");
    assertEquals(jwk.crv, curve);
    assert(typeof jwk.d === "string" && typeof jwk.x === "string");
  });
}

test("PBKDF2 (RFC 6070) and HKDF (RFC 5869) known answers; deriveKey to HMAC", async () => {
  const pw = await crypto.subtle.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits", "deriveKey"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", salt: enc.encode("salt"), iterations: 1, hash: "SHA-1" }, pw, 160);
  assertEquals(hex(bits), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  const ikm = await crypto.subtle.importKey("raw", new Uint8Array(22).fill(0x0b), "HKDF", false, ["deriveBits"]);
  const okm = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: unhex("000102030405060708090a0b0c"), info: unhex("f0f1f2f3f4f5f6f7f8f9") },
    ikm,
    42 * 8,
  );
  assertEquals(hex(okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  const mac = await crypto.subtle.deriveKey(
    { name: "PBKDF2", salt: enc.encode("salt"), iterations: 1000, hash: "SHA-256" },
    pw,
    { name: "HMAC", hash: "SHA-256" },
    true,
    ["sign"],
  );
  assertEquals(mac.algorithm.length, 512);
  const e = await assertRejects(() => crypto.subtle.importKey("raw", enc.encode("pw"), "PBKDF2", true, ["deriveBits"]), DOMException);
  assertEquals(e.name, "SyntaxError");
  const zero = await assertRejects(() => crypto.subtle.deriveBits({ name: "PBKDF2", salt: new Uint8Array(0), iterations: 0, hash: "SHA-256" }, pw, 128), DOMException);
  assertEquals(zero.name, "OperationError");
  await assertRejects(() => crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 255 * 256 + 8), DOMException);
  // A hostile length is an OperationError, not an allocation that aborts the process.
  const huge = await assertRejects(() => crypto.subtle.deriveBits({ name: "PBKDF2", salt: new Uint8Array(0), iterations: 1, hash: "SHA-256" }, pw, 2 ** 40), DOMException);
  assertEquals(huge.name, "OperationError");
});

test("AES-GCM, AES-CBC, AES-CTR and AES-KW known answers", async () => {
  const gcmKey = await crypto.subtle.importKey("raw", unhex("feffe9928665731c6d6a8f9467308308"), "AES-GCM", true, ["encrypt", "decrypt"]);
  assertEquals(gcmKey.algorithm.length, 128);
  const plain = unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
  const iv = unhex("cafebabefacedbaddecaf888");
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, gcmKey, plain);
  assertEquals(
    hex(sealed),
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985" +
      "4d5c2af327cd64a62cf35abd2ba6fab4",
  );
  assertEquals(hex(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, gcmKey, sealed)), hex(plain));
  const tampered = new Uint8Array(sealed);
  tampered[0] ^= 1;
  const bad = await assertRejects(() => crypto.subtle.decrypt({ name: "AES-GCM", iv }, gcmKey, tampered), DOMException);
  assertEquals(bad.name, "OperationError");

  const key = unhex("2b7e151628aed2a6abf7158809cf4f3c");
  const block = unhex("6bc1bee22e409f96e93d7e117393172a");
  const cbc = await crypto.subtle.importKey("raw", key, "AES-CBC", false, ["encrypt", "decrypt"]);
  const cbcOut = await crypto.subtle.encrypt({ name: "AES-CBC", iv: unhex("000102030405060708090a0b0c0d0e0f") }, cbc, block);
  assertEquals(hex(cbcOut), "7649abac8119b246cee98e9b12e9197d8964e0b149c10b7b682e6e39aaeb731c");
  assertEquals(hex(await crypto.subtle.decrypt({ name: "AES-CBC", iv: unhex("000102030405060708090a0b0c0d0e0f") }, cbc, cbcOut)), hex(block));
  const ctr = await crypto.subtle.importKey("raw", key, { name: "AES-CTR" }, false, ["encrypt"]);
  const ctrOut = await crypto.subtle.encrypt({ name: "AES-CTR", counter: unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), length: 64 }, ctr, block);
  assertEquals(hex(ctrOut), "874d6191b620e3261bef6864990db6ce");

  const kek = await crypto.subtle.importKey("raw", unhex("000102030405060708090a0b0c0d0e0f"), "AES-KW", false, ["wrapKey", "unwrapKey"]);
  const inner = await crypto.subtle.importKey("raw", unhex("00112233445566778899aabbccddeeff"), "AES-GCM", true, ["encrypt"]);
  const wrapped = await crypto.subtle.wrapKey("raw", inner, kek, "AES-KW");
  assertEquals(hex(wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
  const unwrapped = await crypto.subtle.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-GCM", true, ["encrypt"]);
  assertEquals(hex(await crypto.subtle.exportKey("raw", unwrapped)), "00112233445566778899aabbccddeeff");
  // JWK through AES-GCM wrapping.
  const wrapper = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
  const hmacKey = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  const gcmIv = crypto.getRandomValues(new Uint8Array(12));
  const jwkWrapped = await crypto.subtle.wrapKey("jwk", hmacKey, wrapper, { name: "AES-GCM", iv: gcmIv });
  const back = await crypto.subtle.unwrapKey("jwk", jwkWrapped, wrapper, { name: "AES-GCM", iv: gcmIv }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  assertEquals(hex(await crypto.subtle.exportKey("raw", back)), hex(await crypto.subtle.exportKey("raw", hmacKey)));
  const jwk = await crypto.subtle.exportKey("jwk", unwrapped);
  assertEquals(jwk.alg, "A128GCM");
});

test("ECDH: both sides derive the same secret; deriveKey; public keys have no usages", async () => {
  for (const curve of ["P-256", "P-384"]) {
    const a = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: curve }, true, ["deriveBits", "deriveKey"]);
    const b = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: curve }, true, ["deriveBits"]);
    assertEquals(a.publicKey.usages.length, 0);
    const ab = await crypto.subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, null);
    const ba = await crypto.subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, null);
    assertEquals(ab.byteLength, curve === "P-256" ? 32 : 48);
    assertEquals(hex(ab), hex(ba));
    // A peer key that went through JWK derives the same secret.
    const peer = await crypto.subtle.importKey("jwk", await crypto.subtle.exportKey("jwk", b.publicKey), { name: "ECDH", namedCurve: curve }, true, []);
    assertEquals(hex(await crypto.subtle.deriveBits({ name: "ECDH", public: peer }, a.privateKey, 128)), hex(ab).slice(0, 32));
    const aes = await crypto.subtle.deriveKey({ name: "ECDH", public: b.publicKey }, a.privateKey, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    assertEquals(aes.algorithm.length, 256);
  }
  const a = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const other = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits"]);
  const e = await assertRejects(() => crypto.subtle.deriveBits({ name: "ECDH", public: other.publicKey }, a.privateKey, 256), DOMException);
  assertEquals(e.name, "InvalidAccessError");
});

test("X25519: RFC 7748 section 6.1 shared secret; spki/pkcs8/jwk round trips", async () => {
  const pkcs8 = (d) => new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20, ...unhex(d)]);
  const alice = await crypto.subtle.importKey("pkcs8", pkcs8("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), "X25519", true, ["deriveBits"]);
  const bobPublic = await crypto.subtle.importKey("raw", unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), "X25519", true, []);
  assertEquals(bobPublic.usages.length, 0);
  const shared = await crypto.subtle.deriveBits({ name: "X25519", public: bobPublic }, alice, 256);
  assertEquals(hex(shared), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  const jwk = await crypto.subtle.exportKey("jwk", alice);
  assertEquals(jwk.crv, "X25519");
  assertEquals(hex(await crypto.subtle.exportKey("pkcs8", await crypto.subtle.importKey("jwk", jwk, "X25519", true, ["deriveBits"]))), hex(pkcs8("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
  const spki = await crypto.subtle.exportKey("spki", bobPublic);
  assertEquals(hex(spki).slice(0, 24), "302a300506032b656e032100");
  // A small-order public key gives an all-zero secret, which the spec refuses.
  const zero = await crypto.subtle.importKey("raw", new Uint8Array(32), "X25519", true, []);
  const e = await assertRejects(() => crypto.subtle.deriveBits({ name: "X25519", public: zero }, alice, 256), DOMException);
  assertEquals(e.name, "OperationError");
});

test("RSA: PKCS#1 v1.5 and PSS signatures, OAEP with a label, jwk/spki/pkcs8 round trips", async () => {
  const params = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  const pkcs = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", ...params }, true, ["sign", "verify"]);
  assertEquals(pkcs.privateKey.algorithm.modulusLength, 2048);
  assertEquals(hex(pkcs.publicKey.algorithm.publicExponent), "010001");
  assertEquals(pkcs.publicKey.algorithm.hash.name, "SHA-256");
  assertEquals(pkcs.publicKey.usages.join(), "verify");
  const data = enc.encode("edge");
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pkcs.privateKey, data);
  assertEquals(sig.byteLength, 256);
  // PKCS#1 v1.5 is deterministic.
  assertEquals(hex(sig), hex(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pkcs.privateKey, data)));
  assert(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pkcs.publicKey, sig, data));
  assert(!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pkcs.publicKey, sig, enc.encode("other"))));
  const jwk = await crypto.subtle.exportKey("jwk", pkcs.privateKey);
  assertEquals(jwk.alg, "RS256");
  for (const member of ["n", "e", "d", "p", "q", "dp", "dq", "qi"]) assert(typeof jwk[member] === "string", member);
  const again = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  assertEquals(hex(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", again, data)), hex(sig));
  const spki = await crypto.subtle.exportKey("spki", pkcs.publicKey);
  const pub = await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]);
  assert(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pub, sig, data));
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", pkcs.privateKey);
  await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]);

  const pss = await crypto.subtle.generateKey({ name: "RSA-PSS", ...params }, false, ["sign", "verify"]);
  const psig = await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pss.privateKey, data);
  assert(await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pss.publicKey, psig, data));
  assert(!(await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 20 }, pss.publicKey, psig, data)));
  const long = await assertRejects(() => crypto.subtle.sign({ name: "RSA-PSS", saltLength: 1000 }, pss.privateKey, data), DOMException);
  assertEquals(long.name, "OperationError");

  const oaep = await crypto.subtle.generateKey({ name: "RSA-OAEP", ...params }, false, ["encrypt", "decrypt"]);
  const label = new Uint8Array([0xff, 0x00, 0xfe]);
  const ct = await crypto.subtle.encrypt({ name: "RSA-OAEP", label }, oaep.publicKey, data);
  assertEquals(ct.byteLength, 256);
  assertEquals(new TextDecoder().decode(await crypto.subtle.decrypt({ name: "RSA-OAEP", label }, oaep.privateKey, ct)), "edge");
  const wrongLabel = await assertRejects(() => crypto.subtle.decrypt({ name: "RSA-OAEP" }, oaep.privateKey, ct), DOMException);
  assertEquals(wrongLabel.name, "OperationError");
  const tooLong = await assertRejects(() => crypto.subtle.encrypt("RSA-OAEP", oaep.publicKey, new Uint8Array(200)), DOMException);
  assertEquals(tooLong.name, "OperationError");
});

test("RSA: the errors generateKey and importKey name", async () => {
  const base = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const e1 = await assertRejects(() => crypto.subtle.generateKey({ ...base, modulusLength: 2048, publicExponent: new Uint8Array([5]) }, true, ["sign"]), DOMException);
  assertEquals(e1.name, "OperationError");
  const e2 = await assertRejects(() => crypto.subtle.generateKey({ ...base, modulusLength: 100000, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign"]), DOMException);
  assertEquals(e2.name, "OperationError");
  const e3 = await assertRejects(() => crypto.subtle.generateKey({ ...base, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["encrypt"]), DOMException);
  assertEquals(e3.name, "SyntaxError");
  const e4 = await assertRejects(() => crypto.subtle.importKey("raw", new Uint8Array(16), base, true, ["verify"]), DOMException);
  assertEquals(e4.name, "NotSupportedError");
  const e5 = await assertRejects(() => crypto.subtle.importKey("spki", new Uint8Array(16), base, true, ["verify"]), DOMException);
  assertEquals(e5.name, "DataError");
  await assertRejects(() => crypto.subtle.generateKey({ ...base, modulusLength: 2048 }, true, ["sign"]), TypeError);
});

test("AES-GCM: short tags and a 256-bit iv", async () => {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt", "decrypt"]);
  for (const [tagLength, ivLength] of [[32, 12], [64, 12], [96, 32], [128, 16]]) {
    const iv = new Uint8Array(ivLength).fill(7);
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, tagLength }, key, enc.encode("hello"));
    assertEquals(ct.byteLength, 5 + tagLength / 8);
    assertEquals(new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv, tagLength }, key, ct)), "hello");
    const bad = new Uint8Array(ct);
    bad[bad.length - 1] ^= 1;
    const e = await assertRejects(() => crypto.subtle.decrypt({ name: "AES-GCM", iv, tagLength }, key, bad), DOMException);
    assertEquals(e.name, "OperationError");
  }
  // NIST GCM test case 2 (zero key and iv, 16 zero bytes): its tag cut to 32 bits.
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 32 }, key, new Uint8Array(16));
  assertEquals(hex(ct), "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d4");
});

test("getRandomValues: QuotaExceededError over 65536 bytes; typed array subclasses", () => {
  let caught;
  try {
    crypto.getRandomValues(new Uint8Array(65537));
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof QuotaExceededError && caught instanceof DOMException);
  assertEquals(caught.name, "QuotaExceededError");
  assertEquals(caught.code, 22);
  class Mine extends Uint16Array {}
  const a = crypto.getRandomValues(new Mine(8));
  assert(a instanceof Mine);
});

test("errors carry the spec's names", async () => {
  const e1 = await assertRejects(() => crypto.subtle.digest("MD5", new Uint8Array(1)), DOMException);
  assertEquals(e1.name, "NotSupportedError");
  const e2 = await assertRejects(() => crypto.subtle.importKey("raw", new Uint8Array(3), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), DOMException);
  assertEquals(e2.name, "DataError");
  const e3 = await assertRejects(() => crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["encrypt"]), DOMException);
  assertEquals(e3.name, "SyntaxError");
  await assertRejects(() => crypto.subtle.importKey("bogus", new Uint8Array(3), "HMAC", true, ["sign"]), TypeError);
  const hmac = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const e4 = await assertRejects(() => crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, hmac, new Uint8Array(1)), DOMException);
  assertEquals(e4.name, "InvalidAccessError");
});

await run();
