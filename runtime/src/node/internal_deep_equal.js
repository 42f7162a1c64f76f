// node:internal/deep_equal — the deep comparison behind `assert.deepEqual`,
// `assert.deepStrictEqual` and `util.isDeepStrictEqual`, by Node's rules: strict mode compares
// primitives with Object.is, prototypes and type tags, and enumerable symbol keys; loose mode
// compares primitives with `==`. Boxed primitives, dates, regular expressions, errors, typed
// arrays, array buffers, maps, sets and URLs compare by what they hold; cycles are followed once.

const toTag = (v) => Object.prototype.toString.call(v);
const isEnumerable = (o, k) => Object.prototype.propertyIsEnumerable.call(o, k);
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
const INDEX = /^(0|[1-9][0-9]*)$/;

// The primitive inside a boxed value, found by the valueOf that accepts it.
const UNBOXERS = [
  ["number", Number.prototype.valueOf],
  ["string", String.prototype.valueOf],
  ["boolean", Boolean.prototype.valueOf],
  ["bigint", BigInt.prototype.valueOf],
  ["symbol", Symbol.prototype.valueOf],
];

function unbox(value) {
  for (const [kind, valueOf] of UNBOXERS) {
    try {
      return { kind, value: valueOf.call(value) };
    } catch {
      // Not this kind of box.
    }
  }
  return undefined;
}

function dateTime(value) {
  try {
    return Date.prototype.getTime.call(value);
  } catch {
    return undefined;
  }
}

function isRegExp(value) {
  try {
    Object.getOwnPropertyDescriptor(RegExp.prototype, "source").get.call(value);
    return true;
  } catch {
    return false;
  }
}

function byteLengthOf(buffer) {
  if (buffer instanceof ArrayBuffer) return buffer.byteLength;
  if (typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer) return buffer.byteLength;
  return -1;
}

function isError(value) {
  return value instanceof Error || toTag(value) === "[object Error]";
}

/** Whether `a` and `b` are deeply equal; `strict` picks deepStrictEqual's rules, and
 * `skipPrototype` lets objects of different prototypes match by their contents. */
export function isDeepEqual(a, b, strict, skipPrototype = false) {
  return compare(a, b, { strict, skipPrototype, memo: new Map() });
}

function compare(a, b, ctx) {
  if (a === b) return a !== 0 || !ctx.strict || Object.is(a, b);
  const objA = a !== null && typeof a === "object";
  const objB = b !== null && typeof b === "object";
  if (!objA || !objB) {
    if (objA || objB) return false;
    if (ctx.strict) return typeof a === "number" && Number.isNaN(a) && Number.isNaN(b);
    // Loose: `==` between primitives (functions only match themselves).
    if (typeof a === "function" || typeof b === "function") return false;
    return a == b || (Number.isNaN(a) && Number.isNaN(b));
  }
  if (ctx.strict) {
    if (toTag(a) !== toTag(b)) return false;
    if (!ctx.skipPrototype && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  } else if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  return guarded(ctx.memo, a, b, () => compareObjects(a, b, ctx));
}

/** Runs `check` for the pair (a, b) unless that pair is already being checked further up (a
 * cycle), which counts as a match. */
function guarded(memo, a, b, check) {
  let seen = memo.get(a);
  if (seen?.has(b)) return true;
  if (seen === undefined) memo.set(a, (seen = new Set()));
  seen.add(b);
  try {
    return check();
  } finally {
    seen.delete(b);
  }
}

function compareObjects(a, b, ctx) {
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (ctx.strict && hasOwn(a, i) !== hasOwn(b, i)) return false;
      if (!compare(a[i], b[i], ctx)) return false;
    }
    return compareKeys(a, b, ctx, true);
  }
  const timeA = dateTime(a);
  if (timeA !== undefined) {
    const timeB = dateTime(b);
    if (timeB === undefined || !Object.is(timeA, timeB)) return false;
  } else if (dateTime(b) !== undefined) {
    return false;
  }
  if (isRegExp(a)) {
    if (!isRegExp(b) || a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (isRegExp(b)) {
    return false;
  }
  if (isError(a) || isError(b)) {
    if (!isError(a) || !isError(b) || a.message !== b.message || a.name !== b.name) return false;
    if (hasOwn(a, "cause") !== hasOwn(b, "cause") || (hasOwn(a, "cause") && !compare(a.cause, b.cause, ctx))) return false;
    if (hasOwn(a, "errors") !== hasOwn(b, "errors") || (hasOwn(a, "errors") && !compare(a.errors, b.errors, ctx))) return false;
  }
  if (ArrayBuffer.isView(a)) {
    if (!ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false;
    const tagA = typedArrayTag.call(a);
    if (tagA !== typedArrayTag.call(b)) return false;
    if (!ctx.strict && (tagA === "Float32Array" || tagA === "Float64Array" || tagA === "Float16Array")) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    } else if (!sameBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength))) {
      return false;
    }
    return compareKeys(a, b, ctx, true);
  }
  const lenA = byteLengthOf(a);
  if (lenA >= 0) {
    if (lenA !== byteLengthOf(b) || toTag(a) !== toTag(b)) return false;
    if (!sameBytes(new Uint8Array(a), new Uint8Array(b))) return false;
    return compareKeys(a, b, ctx, false);
  }
  const boxA = unbox(a);
  if (boxA !== undefined) {
    const boxB = unbox(b);
    if (boxB === undefined || boxA.kind !== boxB.kind || !Object.is(boxA.value, boxB.value)) return false;
    return compareKeys(a, b, ctx, boxA.kind === "string");
  }
  if (unbox(b) !== undefined) return false;
  if (typeof URL === "function" && a instanceof URL && b instanceof URL && a.href !== b.href) return false;
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    if (!compareKeys(a, b, ctx, false)) return false;
    return compareMaps(a, b, ctx);
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    if (!compareKeys(a, b, ctx, false)) return false;
    return compareSets(a, b, ctx);
  }
  return compareKeys(a, b, ctx, false);
}

function sameBytes(x, y) {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The keys compared: own enumerable strings (less indices for array-likes) and, in strict
 * mode, own enumerable symbols. */
function keysOf(o, ctx, skipIndices) {
  let keys = Object.keys(o);
  if (skipIndices) keys = keys.filter((k) => !INDEX.test(k));
  if (ctx.strict) for (const s of Object.getOwnPropertySymbols(o)) if (isEnumerable(o, s)) keys.push(s);
  return keys;
}

function compareKeys(a, b, ctx, skipIndices) {
  const ka = keysOf(a, ctx, skipIndices);
  const kb = keysOf(b, ctx, skipIndices);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!isEnumerable(b, k)) return false;
  for (const k of ka) if (!compare(a[k], b[k], ctx)) return false;
  return true;
}

const isObjectLike = (v) => (v !== null && typeof v === "object") || typeof v === "function";

function compareSets(a, b, ctx) {
  // Members present in both by identity match at once; the rest need a deep partner each.
  const unmatched = [];
  for (const v of a) {
    if (b.has(v)) continue;
    if (!isObjectLike(v) && ctx.strict) return false;
    unmatched.push(v);
  }
  if (unmatched.length === 0) return true;
  const candidates = [];
  for (const w of b) if (!a.has(w)) candidates.push(w);
  return matchAll(unmatched, candidates, (v, w) => compare(v, w, ctx));
}

function compareMaps(a, b, ctx) {
  const unmatched = [];
  for (const [k, v] of a) {
    if (b.has(k)) {
      if (!compare(v, b.get(k), ctx)) return false;
      continue;
    }
    if (!isObjectLike(k) && ctx.strict) return false;
    unmatched.push([k, v]);
  }
  if (unmatched.length === 0) return true;
  const candidates = [];
  for (const entry of b) if (!a.has(entry[0])) candidates.push(entry);
  return matchAll(unmatched, candidates, ([k, v], [k2, v2]) => compare(k, k2, ctx) && compare(v, v2, ctx));
}

/** Each item finds a distinct equal candidate (first fit). */
function matchAll(items, candidates, equal) {
  const used = new Array(candidates.length).fill(false);
  outer: for (const item of items) {
    for (let i = 0; i < candidates.length; i++) {
      if (!used[i] && equal(item, candidates[i])) {
        used[i] = true;
        continue outer;
      }
    }
    return false;
  }
  return true;
}

/** Whether `actual` holds at least what `expected` does (`assert.partialDeepStrictEqual`):
 * objects need only `expected`'s keys, arrays and sets need a distinct match for each of
 * `expected`'s members, maps need `expected`'s keys; everything else compares strictly. */
export function isPartialDeepEqual(actual, expected) {
  // Partial and full comparisons keep apart which pairs they are in the middle of.
  return partial(actual, expected, { strict: true, skipPrototype: false, memo: new Map(), partialMemo: new Map() });
}

function partial(actual, expected, ctx) {
  if (expected === null || (typeof expected !== "object" && typeof expected !== "function")) return compare(actual, expected, ctx);
  if (actual === expected) return true;
  if (actual === null || typeof actual !== "object" || typeof expected !== "object") return false;
  const tag = toTag(expected);
  if (toTag(actual) !== tag) return false;
  // Plain objects (and arrays, maps, sets) of another realm match by contents.
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected) && !sameKindAcrossRealms(actual, expected)) return false;
  // Key objects compare by their keys.
  if (tag === "[object KeyObject]" && typeof expected.equals === "function") return expected.equals(actual);
  const expectedLength = byteLengthOf(expected);
  if (expectedLength >= 0) {
    if (byteLengthOf(actual) < expectedLength) return false;
    return partialObjects(new Uint8Array(actual), new Uint8Array(expected), ctx);
  }
  // Weak collections cannot be looked into: only the same one matches.
  if (tag === "[object WeakMap]" || tag === "[object WeakSet]") return false;
  if (typeof URL === "function" && expected instanceof URL) return actual instanceof URL && actual.href === expected.href && partialKeys(actual, expected, ctx, false);
  if (dateTime(expected) !== undefined || isRegExp(expected) || unbox(expected) !== undefined || byteLengthOf(expected) >= 0 || tag === "[object DataView]") {
    return compare(actual, expected, ctx);
  }
  return guarded(ctx.partialMemo, actual, expected, () => partialObjects(actual, expected, ctx));
}

function partialObjects(actual, expected, ctx) {
  const same = (a, e) => partial(a, e, ctx);
  if (Array.isArray(expected)) {
    if (!partialArrays(actual, expected, same)) return false;
  } else if (ArrayBuffer.isView(expected)) {
    if (!partialNumbers(actual, expected)) return false;
  } else if (toTag(expected) === "[object Set]") {
    const size = (set) => SET_SIZE.call(set);
    if (size(expected) > size(actual)) return false;
    const rest = [];
    for (const e of SET_VALUES.call(expected)) {
      if (SET_HAS.call(actual, e)) continue;
      if (!isObjectLike(e)) return false;
      rest.push(e);
    }
    const candidates = [...SET_VALUES.call(actual)].filter((a) => isObjectLike(a) && !SET_HAS.call(expected, a));
    if (!matchAll(rest, candidates, (e, a) => same(a, e))) return false;
  } else if (toTag(expected) === "[object Map]") {
    const rest = [];
    for (const [k, v] of MAP_ENTRIES.call(expected)) {
      if (MAP_HAS.call(actual, k)) {
        if (!same(MAP_GET.call(actual, k), v)) return false;
      } else if (!isObjectLike(k)) {
        return false;
      } else {
        rest.push([k, v]);
      }
    }
    const candidates = [...MAP_ENTRIES.call(actual)].filter(([k]) => isObjectLike(k) && !MAP_HAS.call(expected, k));
    if (!matchAll(rest, candidates, ([k, v], [ak, av]) => compare(ak, k, ctx) && same(av, v))) return false;
  }
  if (isError(expected)) {
    // What the expected error states must hold; what it leaves out is not compared.
    for (const key of ["message", "name", "cause", "errors"]) {
      if (!hasOwn(expected, key)) continue;
      if (!hasOwn(actual, key) && !(key in actual)) return false;
      if (!same(actual[key], expected[key])) return false;
    }
  }
  return partialKeys(actual, expected, ctx, Array.isArray(expected) || ArrayBuffer.isView(expected));
}

function partialKeys(actual, expected, ctx, skipIndices) {
  for (const key of keysOf(expected, ctx, skipIndices)) {
    if (!isEnumerable(actual, key) || !partial(actual[key], expected[key], ctx)) return false;
  }
  return true;
}

const SET_SIZE = Object.getOwnPropertyDescriptor(Set.prototype, "size").get;
const SET_HAS = Set.prototype.has;
const SET_VALUES = Set.prototype.values;
const MAP_HAS = Map.prototype.has;
const MAP_GET = Map.prototype.get;
const MAP_ENTRIES = Map.prototype.entries;
/** Two objects whose prototypes are the same built-in prototype of two realms (each one's
 * constructor is native, of the same name, and as deep in its prototype chain). */
function sameKindAcrossRealms(a, b) {
  const pa = Object.getPrototypeOf(a);
  const pb = Object.getPrototypeOf(b);
  if (pa === null || pb === null) return pa === pb;
  const native = (f) => /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(f));
  const name = (p) => (hasOwn(p, "constructor") && typeof p.constructor === "function" && native(p.constructor) ? p.constructor.name : undefined);
  const depth = (p) => {
    let n = 0;
    for (let q = p; q !== null; q = Object.getPrototypeOf(q)) n++;
    return n;
  };
  return name(pa) !== undefined && name(pa) === name(pb) && depth(pa) === depth(pb);
}

/** Arrays by their elements, order aside: only the elements present are visited (a sparse
 * array of a hundred million holes costs what its few elements cost); a hole, like an
 * `undefined`, is matched by a hole or an `undefined`. */
function partialArrays(actual, expected, same) {
  if (expected.length > actual.length) return false;
  const present = (a) => Object.keys(a).filter((k) => INDEX.test(k));
  const expectedKeys = present(expected);
  const actualKeys = present(actual);
  const actualValues = actualKeys.map((k) => actual[k]);
  const used = new Array(actualValues.length).fill(false);
  let holes = actual.length - actualKeys.length;
  outer: for (const k of expectedKeys) {
    const e = expected[k];
    for (let i = 0; i < actualValues.length; i++) {
      if (!used[i] && same(actualValues[i], e)) {
        used[i] = true;
        continue outer;
      }
    }
    if (e === undefined && holes > 0) {
      holes--;
      continue;
    }
    return false;
  }
  const spareUndefined = actualValues.filter((v, i) => !used[i] && v === undefined).length;
  return expected.length - expectedKeys.length <= holes + spareUndefined;
}

/** Typed arrays (and DataViews' bytes) as multisets of numbers: each of `expected`'s values
 * needs one of its own in `actual` (0 and -0 apart), in linear time. */
function partialNumbers(actual, expected) {
  const view = (v) => (toTag(v) === "[object DataView]" ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v);
  const a = view(actual);
  const e = view(expected);
  if (e.length > a.length) return false;
  const key = (v) => (Object.is(v, -0) ? "-0" : v);
  const counts = new Map();
  for (let i = 0; i < a.length; i++) {
    const k = key(a[i]);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (let i = 0; i < e.length; i++) {
    const k = key(e[i]);
    const n = counts.get(k) ?? 0;
    if (n === 0) return false;
    counts.set(k, n - 1);
  }
  return true;
}
