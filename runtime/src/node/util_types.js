// node:util/types — the type checks of `util.types`.

import util from "node:util";

const types = util.types;
export default types;
export const {
  isAnyArrayBuffer, isArrayBuffer, isArrayBufferView, isArgumentsObject, isAsyncFunction, isBigInt64Array,
  isBigUint64Array, isBooleanObject, isBoxedPrimitive, isDataView, isDate, isFloat32Array, isFloat64Array,
  isGeneratorFunction, isGeneratorObject, isInt8Array, isInt16Array, isInt32Array, isMap, isMapIterator,
  isNativeError, isNumberObject, isPromise, isProxy, isRegExp, isSet, isSetIterator, isSharedArrayBuffer,
  isStringObject, isSymbolObject, isTypedArray, isUint8Array, isUint8ClampedArray, isUint16Array,
  isUint32Array, isWeakMap, isWeakSet, isKeyObject, isCryptoKey,
} = types;
