'use strict';
// Edge's stand-in for test/common/crypto.js: the facts Node's crypto tests branch on, and the
// helpers they share (round trips through a key pair, PEM shapes, size checks).

const common = require('./index.js');

if (!common.hasCrypto) common.skip('missing crypto');

const assert = require('assert');
const crypto = require('crypto');

// RFC 2412 E.2: the 1024-bit MODP prime.
const modp2buf = Buffer.from(
  'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74' +
  '020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437' +
  '4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
  'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece65381ffffffffffffffff', 'hex');

/** Passes when `key` is within 10% of `expected` characters or bytes long. */
function assertApproximateSize(key, expected) {
  const unit = typeof key === 'string' ? 'chars' : 'bytes';
  const low = Math.floor(expected * 0.9);
  const high = Math.ceil(expected * 1.1);
  assert(key.length >= low, `Key (${key.length} ${unit}) is shorter than expected (${low} ${unit})`);
  assert(key.length <= high, `Key (${key.length} ${unit}) is longer than expected (${high} ${unit})`);
}

/** Encrypts with each of the pair and decrypts with the private key. */
function testEncryptDecrypt(publicKey, privateKey) {
  const text = 'Hello Node.js world!';
  for (const key of [publicKey, privateKey]) {
    const sealed = crypto.publicEncrypt(key, Buffer.from(text));
    assert.strictEqual(crypto.privateDecrypt(privateKey, sealed).toString(), text);
  }
}

/** Signs with both APIs and verifies with both APIs and both keys. */
function testSignVerify(publicKey, privateKey) {
  const data = Buffer.from('Hello Node.js world!');
  const signers = [
    (key) => crypto.sign('SHA256', data, key),
    (key) => crypto.createSign('SHA256').update(data).sign(key),
  ];
  const verifiers = [
    (key, sig) => crypto.verify('SHA256', data, key, sig),
    (key, sig) => crypto.createVerify('SHA256').update(data).verify(key, sig),
  ];
  for (const signer of signers) {
    const sig = signer(privateKey);
    for (const verifier of verifiers) {
      for (const key of [publicKey, privateKey]) assert(verifier(key, sig));
    }
  }
}

/** A regular expression for a whole PEM block labelled `label` (RFC 1421 headers for `cipher`). */
function pemPattern(label, cipher) {
  const headers = cipher == null ? '' : `\nProc-Type: 4,ENCRYPTED\nDEK-Info: ${cipher},[^\n]+\n`;
  return new RegExp(`^-----BEGIN ${label}-----${headers}\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ${label}-----\n$`);
}

module.exports = {
  modp2buf,
  assertApproximateSize,
  testEncryptDecrypt,
  testSignVerify,
  pkcs1PubExp: pemPattern('RSA PUBLIC KEY'),
  pkcs1PrivExp: pemPattern('RSA PRIVATE KEY'),
  pkcs1EncExp: (cipher) => pemPattern('RSA PRIVATE KEY', cipher),
  spkiExp: pemPattern('PUBLIC KEY'),
  pkcs8Exp: pemPattern('PRIVATE KEY'),
  pkcs8EncExp: pemPattern('ENCRYPTED PRIVATE KEY'),
  sec1Exp: pemPattern('EC PRIVATE KEY'),
  sec1EncExp: (cipher) => pemPattern('EC PRIVATE KEY', cipher),
  hasOpenSSL: () => false,
  hasOpenSSL3: false,
  opensslCli: false,
};
