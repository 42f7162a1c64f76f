'use strict';
// Edge's stand-in for Node's test/common module, written for Edge's Node-test runner
// (`edge-conformance node`): the helpers Node's test/parallel files use, over what an edge
// app has (no child processes, no file system, no ports). The runner calls
// `globalThis.__edgeNodeTestExit()` when the event loop is idle, as Node emits 'exit'.

const assert = require('assert');
const { inspect } = require('util');

const mustCallChecks = [];
let skipped = null;

function runExitChecks(code) {
  process.emit('exit', code ?? 0);
  // As in Node's common: every warning a test expects must have been emitted.
  for (const [name, list] of expectedWarnings) {
    if (list.length) throw new assert.AssertionError({ message: `expected ${name} not emitted: ${list.map(([m, c]) => `${c ?? ''} ${m ?? ''}`).join('; ')}` });
  }
  const failed = mustCallChecks.filter((c) => (c.exact >= 0 ? c.actual !== c.exact : c.actual < c.minimum));
  if (failed.length) {
    const lines = failed.map((c) => `Mismatched ${c.name} function calls. Expected ${c.exact >= 0 ? 'exactly' : 'at least'} ${c.exact >= 0 ? c.exact : c.minimum}, actual ${c.actual}.\n${c.stack}`);
    throw new assert.AssertionError({ message: lines.join('\n') });
  }
  if (process.exitCode) throw new Error(`the test set exit code ${process.exitCode} (a node:test test failed?)`);
}
globalThis.__edgeNodeTestExit = runExitChecks;
globalThis.__edgeNodeTestSkipped = () => skipped;

function mustCallImpl(fn, exact, minimum) {
  if (typeof fn === 'number') {
    exact = fn;
    fn = noop;
  } else if (fn === undefined) {
    fn = noop;
  }
  const check = { name: fn.name || '<anonymous>', exact, minimum, actual: 0, stack: new Error().stack.split('\n').slice(2).join('\n') };
  mustCallChecks.push(check);
  const wrapped = function (...args) {
    check.actual++;
    return Reflect.apply(fn, this, args);
  };
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}

function noop() {}

function mustCall(fn, exact) {
  return mustCallImpl(fn, exact === undefined ? 1 : exact, -1);
}

function mustCallAtLeast(fn, minimum) {
  if (typeof fn === 'number') return mustCallImpl(noop, -1, fn);
  return mustCallImpl(fn, -1, minimum === undefined ? 1 : minimum);
}

function mustNotCall(msg) {
  const callSite = new Error().stack.split('\n').slice(2).join('\n');
  return function mustNotCall(...args) {
    const argsInfo = args.length > 0 ? `\ncalled with arguments: ${args.map((a) => inspect(a)).join(', ')}` : '';
    assert.fail(`${msg || 'function should not have been called'} at ${callSite}${argsInfo}`);
  };
}

function mustSucceed(fn, exact) {
  return mustCall(function (err, ...args) {
    assert.ifError(err);
    if (typeof fn === 'function') return Reflect.apply(fn, this, args);
  }, exact);
}

function expectsError(validator, exact) {
  return mustCall((...args) => {
    if (args.length !== 1) assert.fail(`Expected one argument, got ${inspect(args)}`);
    const error = args.pop();
    assert.throws(() => {
      throw error;
    }, validator);
    return true;
  }, exact);
}

const expectedWarnings = new Map();
let warningListener = false;
function expectWarning(nameOrMap, expected, code) {
  if (typeof nameOrMap === 'string') nameOrMap = { [nameOrMap]: code === undefined ? expected : [[expected, code]] };
  for (const [name, list] of Object.entries(nameOrMap)) {
    // Node's forms: 'message'; [message, code]; [[message, code], ...]; [] (none expected);
    // { CODE: message, ... }.
    let entries;
    if (typeof list === 'string') entries = [[list]];
    else if (Array.isArray(list)) entries = list.length === 0 ? [] : Array.isArray(list[0]) ? list : [list];
    else entries = Object.entries(list).map(([c, m]) => [m, c]);
    expectedWarnings.set(name, (expectedWarnings.get(name) ?? []).concat(entries));
  }
  if (!warningListener) {
    warningListener = true;
    process.on('warning', mustCallAtLeast((warning) => {
      const list = expectedWarnings.get(warning.name);
      assert(list && list.length, `unexpected warning ${warning.name}: ${warning.message}`);
      const [message, wantCode] = list.shift();
      if (message !== undefined) assert.strictEqual(warning.message, message);
      if (wantCode !== undefined) assert.strictEqual(warning.code, wantCode);
    }, 0));
  }
}

function invalidArgTypeHelper(input) {
  if (input == null) return ` Received ${input}`;
  if (typeof input === 'function') return ` Received function ${input.name}`;
  if (typeof input === 'object') {
    if (input.constructor?.name) return ` Received an instance of ${input.constructor.name}`;
    return ` Received ${inspect(input, { depth: -1 })}`;
  }
  let inspected = inspect(input, { colors: false });
  if (inspected.length > 28) inspected = `${inspected.slice(0, 25)}...`;
  return ` Received type ${typeof input} (${inspected})`;
}

class SkipTest extends Error {}

function skip(msg) {
  skipped = String(msg ?? 'skipped');
  throw new SkipTest(`skipped: ${skipped}`);
}

function printSkipMessage(msg) {
  console.log(`1..0 # Skipped: ${msg}`);
}

function getArrayBufferViews(buf) {
  const { buffer, byteOffset, byteLength } = buf;
  const out = [];
  for (const type of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView]) {
    const { BYTES_PER_ELEMENT = 1 } = type;
    if (byteLength % BYTES_PER_ELEMENT === 0) out.push(new type(buffer, byteOffset, byteLength / BYTES_PER_ELEMENT));
  }
  return out;
}

function getBufferSources(buf) {
  return [...getArrayBufferViews(buf), new Uint8Array(buf).buffer];
}

module.exports = {
  mustCall,
  mustCallAtLeast,
  mustNotCall,
  mustSucceed,
  mustNotMutateObjectDeep: (o) => o,
  expectsError,
  expectWarning,
  invalidArgTypeHelper,
  skip,
  skipIf32Bits() {},
  skipIfInspectorDisabled: () => skip('no inspector'),
  skipIfWorker() {},
  skipIfSQLiteMissing: () => skip('no sqlite'),
  skipIfEslintMissing: () => skip('no eslint'),
  printSkipMessage,
  getArrayBufferViews,
  getBufferSources,
  platformTimeout: (ms) => ms,
  allowGlobals() {},
  isWindows: false,
  isMacOS: false,
  isLinux: true,
  isAIX: false,
  isIBMi: false,
  isSunOS: false,
  isFreeBSD: false,
  isOpenBSD: false,
  isDebug: false,
  isASan: false,
  isMainThread: true,
  hasCrypto: true,
  hasOpenSSL3: false,
  hasOpenSSL: () => false,
  hasQuic: false,
  hasIntl: typeof Intl === 'object',
  hasIPv6: false,
  hasMultiLocalhost: false,
  enoughTestMem: false,
  localhostIPv4: '127.0.0.1',
  PORT: 12346,
  buildType: 'Release',
  nodeProcessAborted: () => false,
  crashOnUnhandledRejection() {},
  spawnPromisified: () => Promise.reject(new Error('Edge apps cannot spawn processes')),
  escapePOSIXShell: () => skip('no shell'),
  get localIPv6Hosts() {
    return [];
  },
};
