'use strict';
// Edge's stand-in for test/common/crypto.js: the facts Node's crypto tests branch on.

const common = require('./index.js');

if (!common.hasCrypto) common.skip('missing crypto');

module.exports = {
  hasOpenSSL: () => false,
  hasOpenSSL3: false,
  opensslCli: false,
  modp2buf: null,
  testEncryptDecrypt() {
    common.skip('KeyObject encryption is not implemented');
  },
  testSignVerify() {
    common.skip('KeyObject signing is not implemented');
  },
};
