// node:querystring — the legacy query-string parser and serializer (`a=1&b=2&b=3`), with
// Node's escaping rules: `+` decodes as a space; repeated keys make arrays.

import { Buffer } from "node:buffer";

function qsEscape(str) {
  if (typeof str !== "string") str = typeof str === "object" ? String(str) : `${str}`;
  try {
    return encodeURIComponent(str);
  } catch {
    return escapeLoneSurrogates(str);
  }
}

// Node's escape pairs a surrogate with whatever unit follows it; only one at the very end
// is an error.
function escapeLoneSurrogates(str) {
  let out = "";
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0xd800 || c >= 0xe000) {
      out += encodeURIComponent(str[i]);
      continue;
    }
    if (++i >= str.length) {
      const err = new URIError("URI malformed");
      err.code = "ERR_INVALID_URI";
      throw err;
    }
    const cp = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(i) & 0x3ff));
    out += encodeURIComponent(String.fromCodePoint(cp));
  }
  return out;
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

function stringify(obj, sep, eq, options) {
  sep ||= "&";
  eq ||= "=";
  // `querystring.escape` is read at each call: apps may replace it, as Node allows.
  const encode = typeof options?.encodeURIComponent === "function" ? options.encodeURIComponent : querystring.escape;
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
  // A custom decoder is the option's, or a replaced `querystring.unescape`.
  const custom = typeof options?.decodeURIComponent === "function" ? options.decodeURIComponent : querystring.unescape !== qsUnescape ? querystring.unescape : undefined;
  // A custom decoder that throws falls back to the standard one, as in Node.
  const decode = typeof custom === "function" ? (text) => {
    try {
      return custom(text);
    } catch {
      return qsUnescape(text);
    }
  } : qsUnescape;
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

/** `%XX` escapes (and `+` as a space when `decodeSpaces`) decoded to bytes; malformed escapes stay as they are. */
function unescapeBuffer(s, decodeSpaces) {
  const text = String(s);
  const out = new Uint8Array(text.length * 3);
  const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  const bytes = new TextEncoder().encode(text);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 37 && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
      out[n++] = hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]);
      i += 2;
    } else if (b === 43 && decodeSpaces) {
      out[n++] = 32;
    } else {
      out[n++] = b;
    }
  }
  return Buffer.from(out.buffer, 0, n);
}

const querystring = { parse, stringify, escape: qsEscape, unescape: qsUnescape, decode: parse, encode: stringify, unescapeBuffer };
export default querystring;
export { unescapeBuffer, parse, stringify, qsEscape as escape, qsUnescape as unescape, parse as decode, stringify as encode };
