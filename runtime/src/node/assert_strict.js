// node:assert/strict — node:assert with strict comparisons throughout.

import assert from "node:assert";

const strict = assert.strict;
export default strict;
export const { AssertionError, ok, fail, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError } = strict;
