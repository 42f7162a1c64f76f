// node:assert — assertions that throw `AssertionError` (code ERR_ASSERTION) with the values
// compared; `assert/strict` and `assert.strict` use strict equality throughout.

import { isDeepStrictEqual, inspect } from "node:util";
import { isDeepEqual, isPartialDeepEqual } from "node:internal/deep_equal";
import * as errors from "node:internal/errors";

class AssertionError extends Error {
  constructor(options = {}) {
    const { message, actual, expected, operator } = options;
    super(message ?? `${inspect(actual)} ${operator} ${inspect(expected)}`);
    this.name = "AssertionError";
    this.code = "ERR_ASSERTION";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    this.generatedMessage = message === undefined;
    this.diff = options.diff === "full" ? "full" : "simple";
    // Node's `stackStartFn`: the stack starts at the caller of that function.
    if (typeof options.stackStartFn === "function" && typeof Error.captureStackTrace === "function") Error.captureStackTrace(this, options.stackStartFn);
  }
}

function fail(message) {
  if (message instanceof Error) throw message;
  const err = new AssertionError({ message: message ?? "Failed", operator: "fail" });
  err.generatedMessage = message === undefined;
  throw err;
}

function check(ok, message, actual, expected, operator, describe) {
  if (ok) return;
  if (message instanceof Error) throw message;
  const err = new AssertionError({
    message: message ?? describe?.(),
    actual,
    expected,
    operator,
  });
  err.generatedMessage = message === undefined;
  throw err;
}

function ok(value, message) {
  check(!!value, message, value, true, "==", () =>
    arguments.length === 0 ? "No value argument passed to `assert.ok()`" : `The expression evaluated to a falsy value:\n\n  assert.ok(${inspect(value)})\n`,
  );
}

// Checks a caught error against what throws()/rejects() expected: a class, a validation
// function, a RegExp, or an object whose properties must match. Throws the AssertionError
// Node would, with what differed.
function validateError(err, expected, message, operator) {
  if (expected === undefined) return;
  const fail = (generated) => {
    const failure = new AssertionError({ message: message ?? generated, actual: err, expected, operator });
    failure.generatedMessage = message === undefined;
    throw failure;
  };
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && err instanceof expected) return;
    if (Error.isPrototypeOf(expected) || expected === Error) {
      const received = err?.constructor?.name ?? typeof err;
      fail(`The error is expected to be an instance of "${expected.name}". Received "${received}"\n\nError message:\n\n${err?.message ?? inspect(err)}`);
    }
    const result = expected.call({}, err);
    if (result !== true) {
      const name = expected.name ? `"${expected.name}" validation function` : "validation function";
      fail(`The ${name} is expected to return "true". Received ${inspect(result)}\n\nCaught error:\n\n${err}`);
    }
    return;
  }
  if (expected instanceof RegExp) {
    if (!expected.test(String(err))) fail(`The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(String(err))}\n`);
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    const keys = Reflect.ownKeys(expected);
    if (expected instanceof Error) keys.push("name", "message");
    const differs = (k) => {
      const want = expected[k];
      const got = err?.[k];
      return !(want instanceof RegExp && typeof got === "string" ? want.test(got) : isDeepStrictEqual(got, want));
    };
    if (keys.some(differs)) {
      const lines = [];
      for (const k of new Set(keys)) {
        const key = typeof k === "symbol" ? `[${String(k)}]` : k;
        if (differs(k)) {
          lines.push(`+   ${key}: ${inspect(err?.[k])}`);
          lines.push(`-   ${key}: ${inspect(expected[k])}`);
        } else {
          lines.push(`    ${key}: ${inspect(expected[k])}`);
        }
      }
      fail(`Expected values to be strictly deep-equal:\n+ actual - expected\n\n  Comparison {\n${lines.join(",\n")}\n  }`);
    }
    return;
  }
  const err2 = new TypeError(`The "error" argument must be of type function or an instance of Error, RegExp, or Object. Received ${inspect(expected)}`);
  err2.code = "ERR_INVALID_ARG_TYPE";
  throw err2;
}

function missing(kind, expected, message) {
  const name = typeof expected === "function" && expected.name ? ` (${expected.name})` : "";
  return `Missing expected ${kind}${name}${message ? `: ${message}` : "."}`;
}

function throws(fn, expected, message) {
  if (typeof fn !== "function") {
    const err = new TypeError(`The "fn" argument must be of type function. Received ${inspect(fn)}`);
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
  if (typeof expected === "string") {
    message = expected;
    expected = undefined;
  }
  try {
    fn();
  } catch (err) {
    validateError(err, expected, message, "throws");
    return;
  }
  throw new AssertionError({ message: missing("exception", expected, message), expected, operator: "throws", stackStartFn: throws });
}

function doesNotThrow(fn, expected, message) {
  try {
    fn();
  } catch (err) {
    throw new AssertionError({ message: typeof expected === "string" ? expected : message ?? `Got unwanted exception.\nActual message: "${err?.message}"`, actual: err, operator: "doesNotThrow", stackStartFn: doesNotThrow });
  }
}

async function rejects(promiseOrFn, expected, message) {
  if (typeof expected === "string") {
    message = expected;
    expected = undefined;
  }
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    validateError(err, expected, message, "rejects");
    return;
  }
  throw new AssertionError({ message: missing("rejection", expected, message), expected, operator: "rejects", stackStartFn: rejects });
}

async function doesNotReject(promiseOrFn, message) {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    throw new AssertionError({ message: message ?? `Got unwanted rejection.\nActual message: "${err?.message}"`, actual: err, operator: "doesNotReject" });
  }
}

function match(string, regexp, message) {
  check(typeof string === "string" && regexp.test(string), message, string, regexp, "match", () => `The input did not match the regular expression ${regexp}. Input:\n\n${inspect(string)}\n`);
}

function doesNotMatch(string, regexp, message) {
  check(typeof string === "string" && !regexp.test(string), message, string, regexp, "doesNotMatch", () => `The input was expected to not match the regular expression ${regexp}. Input:\n\n${inspect(string)}\n`);
}

function ifError(value) {
  if (value !== null && value !== undefined) {
    const shown =
      typeof value === "object" && typeof value.message === "string"
        ? value.message.length === 0 && value.constructor
          ? value.constructor.name
          : value.message
        : inspect(value);
    const err = new AssertionError({ message: `ifError got unwanted exception: ${shown}`, actual: value, expected: null, operator: "ifError", stackStartFn: ifError });
    err.generatedMessage = false;
    throw err;
  }
}

const comparisons = {
  equal: (a, b) => a == b || (Number.isNaN(a) && Number.isNaN(b)),
  notEqual: (a, b) => !(a == b || (Number.isNaN(a) && Number.isNaN(b))),
  strictEqual: (a, b) => Object.is(a, b),
  notStrictEqual: (a, b) => !Object.is(a, b),
  deepEqual: (a, b) => isDeepEqual(a, b, false),
  notDeepEqual: (a, b) => !isDeepEqual(a, b, false),
  deepStrictEqual: (a, b) => isDeepStrictEqual(a, b),
  partialDeepStrictEqual: (a, b) => isPartialDeepEqual(a, b),
  notDeepStrictEqual: (a, b) => !isDeepStrictEqual(a, b),
};

// The operator a failure reports (Node's: `==`/`!=` for the loose scalar pair).
const OPERATORS = { equal: "==", notEqual: "!=" };

function comparison(name) {
  const test = comparisons[name];
  const operator = OPERATORS[name] ?? name;
  return function (actual, expected, message) {
    check(test(actual, expected), message, actual, expected, operator, () => `Expected values to be ${name.startsWith("not") ? "not " : ""}${name.replace(/^not/, "").toLowerCase().includes("strict") ? "strictly " : "loosely "}${name.toLowerCase().includes("deep") ? "deep-" : ""}equal:\n\n${inspect(actual)}\n\nshould ${name.startsWith("not") ? "not " : ""}equal\n\n${inspect(expected)}`);
  };
}

const equal = comparison("equal");
const notEqual = comparison("notEqual");
const strictEqual = comparison("strictEqual");
const notStrictEqual = comparison("notStrictEqual");
const deepEqual = comparison("deepEqual");
const notDeepEqual = comparison("notDeepEqual");
const deepStrictEqual = comparison("deepStrictEqual");
const notDeepStrictEqual = comparison("notDeepStrictEqual");
const partialDeepStrictEqual = comparison("partialDeepStrictEqual");

function assert(value, message) {
  ok(value, message);
}

const members = { AssertionError, ok, fail, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, partialDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError };
Object.assign(assert, members);

function strict(value, message) {
  ok(value, message);
}
Object.assign(strict, members, { equal: strictEqual, notEqual: notStrictEqual, deepEqual: deepStrictEqual, notDeepEqual: notDeepStrictEqual });
strict.strict = strict;
assert.strict = strict;

// `new Assert({ diff, strict, skipPrototype })`: the assertions with options of their own.
// Called on an instance, failures carry its `diff`; a method taken off an instance is the
// plain function (as in Node), except that a strict instance's loose names are the strict ones.
const ASSERT_OPTIONS = new WeakMap();

class Assert {
  constructor(options = {}) {
    if (options === null || typeof options !== "object") throw errors.invalidArgType("options", "object", options);
    const { diff = "simple", strict: strictMode = true, skipPrototype = false } = options;
    if (diff !== "simple" && diff !== "full") throw errors.invalidArgValue("options.diff", diff, "must be one of 'simple', 'full'");
    if (typeof strictMode !== "boolean") throw errors.invalidArgType("options.strict", "boolean", strictMode);
    if (typeof skipPrototype !== "boolean") throw errors.invalidArgType("options.skipPrototype", "boolean", skipPrototype);
    ASSERT_OPTIONS.set(this, { diff, skipPrototype });
    if (strictMode) {
      this.equal = this.strictEqual;
      this.notEqual = this.notStrictEqual;
      this.deepEqual = this.deepStrictEqual;
      this.notDeepEqual = this.notDeepStrictEqual;
    }
  }
}

for (const [name, fn] of Object.entries(members)) {
  if (name === "AssertionError") continue;
  const method = {
    [name](...args) {
      const options = ASSERT_OPTIONS.get(this);
      let run = fn;
      if (options?.skipPrototype && (name === "deepStrictEqual" || name === "notDeepStrictEqual")) {
        const want = name === "deepStrictEqual";
        run = (actual, expected, message) =>
          check(isDeepEqual(actual, expected, true, true) === want, message, actual, expected, name, () => `Expected values to be ${want ? "" : "not "}strictly deep-equal:\n\n${inspect(actual)}\n\nshould ${want ? "" : "not "}equal\n\n${inspect(expected)}`);
      }
      const tag = (err) => {
        if (options && err instanceof AssertionError) err.diff = options.diff;
        return err;
      };
      try {
        const result = Reflect.apply(run, undefined, args);
        return result instanceof Promise ? result.catch((err) => Promise.reject(tag(err))) : result;
      } catch (err) {
        throw tag(err);
      }
    },
  }[name];
  Object.defineProperty(Assert.prototype, name, { value: method, writable: true, configurable: true });
}
assert.Assert = Assert;

export default assert;
export { Assert, AssertionError, ok, fail, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, partialDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError, strict };
