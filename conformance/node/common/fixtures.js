'use strict';
// Edge's stand-in for test/common/fixtures.js: paths into the checkout's test/fixtures (the
// runner links it next to the test); reading them needs a file system, which Edge apps lack.

const path = require('path');

const fixturesDir = path.join(__dirname, '..', 'fixtures');

function fixturesPath(...args) {
  return path.join(fixturesDir, ...args);
}

function unavailable() {
  require('./index.js').skip('fixtures are read from the file system, which Edge apps do not have');
}

module.exports = {
  fixturesDir,
  path: fixturesPath,
  fileURL: (...args) => new URL(`file://${fixturesPath(...args)}`),
  readSync: unavailable,
  readKey: unavailable,
  utf8TestText: '',
};
