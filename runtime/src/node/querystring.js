// node:querystring — the legacy query-string parser and serializer (`a=1&b=2&b=3`), with
// Node's escaping rules: `+` decodes as a space; repeated keys make arrays.

function qsEscape(str) {
  if (typeof str !== "string") str = typeof str === "object" ? String(str) : `${str}`;
  try {
    return encodeURIComponent(str);
  } catch {
    // A lone surrogate: Node's error.
    const err = new URIError("URI malformed");
    err.code = "ERR_INVALID_URI";
    throw err;
  }
}

function qsUnescape(str) {
  try {
    return decodeURIComponent(str);
  } catch {
    return new TextDecoder().decode(unescapeBytes(str));
  }
}

// Percent-escapes to bytes, a `%` not followed by two hex digits kept as it is.
function unescapeBytes(str) {
  const text = new TextEncoder().encode(str);
  const out = new Uint8Array(text.length);
  let n = 0;
  const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1);
  for (let i = 0; i < text.length; i++) {
    if (text[i] === 37 && i + 2 < text.length && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out[n++] = (hex(text[i + 1]) << 4) | hex(text[i + 2]);
      i += 2;
    } else {
      out[n++] = text[i];
    }
  }
  return out.subarray(0, n);
}

function stringifyPrimitive(v) {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return "";
}

function stringify(obj, sep = "&", eq = "=", options) {
  const encode = options?.encodeURIComponent ?? qsEscape;
  if (obj === null || typeof obj !== "object") return "";
  const parts = [];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const k = encode(stringifyPrimitive(key)) + eq;
    if (Array.isArray(value)) {
      for (const v of value) parts.push(k + encode(stringifyPrimitive(v)));
    } else {
      parts.push(k + encode(stringifyPrimitive(value)));
    }
  }
  return parts.join(sep);
}

function parse(qs, sep = "&", eq = "=", options) {
  const obj = Object.create(null);
  if (typeof qs !== "string" || qs.length === 0) return obj;
  const decode = options?.decodeURIComponent ?? qsUnescape;
  // A number (any number: not finite or not positive means no limit) overrides the default.
  const maxKeys = typeof options?.maxKeys === "number" ? options.maxKeys : 1000;
  let pieces = qs.split(sep || "&");
  if (Number.isFinite(maxKeys) && maxKeys > 0) pieces = pieces.slice(0, maxKeys);
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    const at = piece.indexOf(eq || "=");
    const rawKey = at >= 0 ? piece.slice(0, at) : piece;
    const rawValue = at >= 0 ? piece.slice(at + (eq || "=").length) : "";
    const key = decode(rawKey.replace(/\+/g, " "));
    const value = decode(rawValue.replace(/\+/g, " "));
    if (!(key in obj)) obj[key] = value;
    else if (Array.isArray(obj[key])) obj[key].push(value);
    else obj[key] = [obj[key], value];
  }
  return obj;
}

const querystring = { parse, stringify, escape: qsEscape, unescape: qsUnescape, decode: parse, encode: stringify, unescapeBuffer: undefined };
export default querystring;
export { parse, stringify, qsEscape as escape, qsUnescape as unescape, parse as decode, stringify as encode };
