// A tiny test harness for scripts run with `edge run`: collects tests, runs them in order,
// prints a summary and throws (so `edge run` exits non-zero) if any failed.

const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export class AssertionError extends Error {}

export function assert(cond, message = "assertion failed") {
  if (!cond) throw new AssertionError(message);
}

function show(v) {
  try {
    return typeof v === "string" ? JSON.stringify(v) : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function assertEquals(actual, expected, message = "") {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message} expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function assertDeepEquals(actual, expected, message = "") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message} expected ${e}, got ${a}`);
}

export function assertThrows(fn, ErrorType = Error, message = "") {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ErrorType)) {
      throw new AssertionError(`${message} expected ${ErrorType.name}, got ${e && e.name}: ${e && e.message}`);
    }
    return e;
  }
  throw new AssertionError(`${message} expected ${ErrorType.name} to be thrown`);
}

export async function assertRejects(fn, ErrorType = Error, message = "") {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ErrorType)) {
      throw new AssertionError(`${message} expected ${ErrorType.name}, got ${e && e.name}: ${e && e.message}`);
    }
    return e;
  }
  throw new AssertionError(`${message} expected ${ErrorType.name} to be thrown`);
}

export async function run() {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn();
      passed++;
    } catch (e) {
      failed++;
      console.error(`FAIL ${t.name}: ${e && e.message}\n${(e && e.stack) || ""}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} test(s) failed`);
}
