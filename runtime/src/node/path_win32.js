// node:path/win32 — Windows path rules (drive letters, UNC roots `\\server\share`, both `\` and
// `/` as separators, case-insensitive comparison) for code that builds or parses such paths.
// Relative paths resolve against the working directory Edge reports ("/").

import * as errors from "node:internal/errors";

const BACKSLASH = 92;
const SLASH = 47;

const isSep = (code) => code === SLASH || code === BACKSLASH;
const isLetter = (code) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

function assertPath(value, name = "path") {
  if (typeof value !== "string") throw errors.invalidArgType(name, "string", value);
}

/**
 * The root of `path`: `device` ("C:" or "\\server\share"), whether it is absolute, and where
 * the rest starts (after the root's separator, if it has one).
 */
function parseRoot(path) {
  const len = path.length;
  if (len === 0) return { device: "", absolute: false, rootEnd: 0 };
  const c0 = path.charCodeAt(0);
  if (isSep(c0)) {
    if (len > 1 && isSep(path.charCodeAt(1))) {
      // \\server\share: a run of non-separators, separators, a run of non-separators.
      let i = 2;
      const serverStart = i;
      while (i < len && !isSep(path.charCodeAt(i))) i++;
      if (i < len && i !== serverStart) {
        const server = path.slice(serverStart, i);
        while (i < len && isSep(path.charCodeAt(i))) i++;
        const shareStart = i;
        while (i < len && !isSep(path.charCodeAt(i))) i++;
        // A server with no share is not a UNC root.
        if (i !== shareStart) {
          const device = `\\\\${server}\\${path.slice(shareStart, i)}`;
          if (i === len) return { device, absolute: true, rootEnd: len, uncOnly: true };
          return { device, absolute: true, rootEnd: i + 1 };
        }
      }
    }
    return { device: "", absolute: true, rootEnd: 1 };
  }
  if (len > 1 && isLetter(c0) && path.charCodeAt(1) === 58) {
    if (len > 2 && isSep(path.charCodeAt(2))) return { device: path.slice(0, 2), absolute: true, rootEnd: 3 };
    return { device: path.slice(0, 2), absolute: false, rootEnd: 2 };
  }
  return { device: "", absolute: false, rootEnd: 0 };
}

/** `\\.\name` and `\\?\name`: Windows device paths, which take no trailing separator. */
function isDeviceNamespace(device) {
  return device.startsWith("\\\\.\\") || device.startsWith("\\\\?\\");
}

/** Resolves `.` and `..` in a root-less path; `aboveRoot` keeps leading `..`. */
function normalizeTail(path, aboveRoot) {
  const out = [];
  for (const seg of path.split(/[\\/]/)) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (aboveRoot) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return out.join("\\");
}

function cwd() {
  const p = globalThis.process;
  return p && typeof p.cwd === "function" ? p.cwd() : "/";
}

function resolve(...paths) {
  let device = "";
  let tail = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1; i--) {
    let path;
    if (i >= 0) {
      path = paths[i];
      assertPath(path, `paths[${i}]`);
      if (path.length === 0) continue;
    } else {
      path = cwd();
      if (device && parseRoot(path).device.toLowerCase() !== device.toLowerCase()) path = `${device}\\`;
    }
    const root = parseRoot(path);
    if (root.device) {
      if (device && root.device.toLowerCase() !== device.toLowerCase()) continue;
      if (!device) device = root.device;
    }
    if (!absolute) {
      tail = `${path.slice(root.rootEnd)}\\${tail}`;
      absolute = root.absolute;
    }
    if (absolute && device) break;
  }
  tail = normalizeTail(tail, !absolute);
  if (absolute) return tail === "" && isDeviceNamespace(device) ? device : `${device}\\${tail}`;
  return `${device}${tail}` || ".";
}

function normalize(path) {
  assertPath(path);
  const len = path.length;
  if (len === 0) return ".";
  const root = parseRoot(path);
  if (root.uncOnly) return isDeviceNamespace(root.device) ? root.device : `${root.device}\\`;
  let tail = normalizeTail(path.slice(root.rootEnd), !root.absolute);
  if (tail.length === 0 && !root.absolute) tail = ".";
  if (tail.length > 0 && isSep(path.charCodeAt(len - 1))) tail += "\\";
  if (root.device === "" && root.absolute) return `\\${tail}`;
  return root.absolute ? `${root.device}\\${tail}` : `${root.device}${tail}`;
}

function isAbsolute(path) {
  assertPath(path);
  return parseRoot(path).absolute;
}

function join(...paths) {
  const parts = [];
  for (const p of paths) {
    assertPath(p);
    if (p.length > 0) parts.push(p);
  }
  if (parts.length === 0) return ".";
  let joined = parts.join("\\");
  // A first part that is not itself a UNC root must not become one by joining.
  const first = parts[0];
  let keep = false;
  if (first.length > 2 && isSep(first.charCodeAt(0)) && isSep(first.charCodeAt(1)) && !isSep(first.charCodeAt(2))) keep = true;
  if (!keep) {
    let n = 0;
    while (n < joined.length && isSep(joined.charCodeAt(n))) n++;
    if (n >= 2) joined = `\\${joined.slice(n)}`;
  }
  return normalize(joined);
}

// For relative(): a UNC share counts as a path component under `\\server`, as in Node.
function splitResolved(path) {
  if (path.startsWith("\\\\")) {
    const parts = path.slice(2).split("\\").filter(Boolean);
    return { root: `\\\\${parts[0] ?? ""}`, parts: parts.slice(1) };
  }
  const root = parseRoot(path);
  return { root: path.slice(0, root.rootEnd).replace(/[\\/]+$/, ""), parts: path.slice(root.rootEnd).split("\\").filter(Boolean) };
}

function relative(from, to) {
  assertPath(from, "from");
  assertPath(to, "to");
  if (from === to) return "";
  const fromFull = resolve(from);
  const toFull = resolve(to);
  if (fromFull === toFull || fromFull.toLowerCase() === toFull.toLowerCase()) return "";
  const a = splitResolved(fromFull);
  const b = splitResolved(toFull);
  if (a.root.toLowerCase() !== b.root.toLowerCase()) return toFull;
  let common = 0;
  while (common < a.parts.length && common < b.parts.length && a.parts[common].toLowerCase() === b.parts[common].toLowerCase()) common++;
  return [...a.parts.slice(common).map(() => ".."), ...b.parts.slice(common)].join("\\");
}

function dirname(path) {
  assertPath(path);
  const len = path.length;
  if (len === 0) return ".";
  const root = parseRoot(path);
  if (root.uncOnly) return path;
  if (len === 1 && isSep(path.charCodeAt(0))) return path;
  let end = -1;
  let matchedName = false;
  for (let i = len - 1; i >= root.rootEnd; i--) {
    if (isSep(path.charCodeAt(i))) {
      if (matchedName) {
        end = i;
        break;
      }
    } else {
      matchedName = true;
    }
  }
  if (end === -1) {
    if (root.rootEnd === 0) return ".";
    end = root.rootEnd;
  }
  return path.slice(0, end);
}

function driveOffset(path) {
  return path.length >= 2 && isLetter(path.charCodeAt(0)) && path.charCodeAt(1) === 58 ? 2 : 0;
}

function basename(path, suffix) {
  assertPath(path);
  if (suffix !== undefined) assertPath(suffix, "suffix");
  if (suffix !== undefined && suffix.length > 0 && suffix === path) return "";
  const start = driveOffset(path);
  let end = path.length;
  while (end > start && isSep(path.charCodeAt(end - 1))) end--;
  let i = end - 1;
  while (i >= start && !isSep(path.charCodeAt(i))) i--;
  let base = path.slice(i + 1, end);
  if (suffix !== undefined && suffix !== base && base.endsWith(suffix)) base = base.slice(0, base.length - suffix.length);
  return base;
}

function extOf(base) {
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || base === "..") return "";
  return base.slice(dot);
}

function extname(path) {
  assertPath(path);
  return extOf(basename(path));
}

function parse(path) {
  assertPath(path);
  const out = { root: "", dir: "", base: "", ext: "", name: "" };
  if (path.length === 0) return out;
  const root = parseRoot(path);
  out.root = path.slice(0, root.rootEnd);
  if (root.rootEnd === path.length) {
    out.dir = out.root;
    return out;
  }
  let end = path.length;
  while (end > root.rootEnd && isSep(path.charCodeAt(end - 1))) end--;
  let i = end - 1;
  while (i >= root.rootEnd && !isSep(path.charCodeAt(i))) i--;
  out.base = path.slice(i + 1, end);
  out.ext = extOf(out.base);
  out.name = out.ext ? out.base.slice(0, out.base.length - out.ext.length) : out.base;
  out.dir = i + 1 > root.rootEnd ? path.slice(0, i) : out.root;
  return out;
}

/** `path.format` with `separator` between the directory and the base. */
function formatWith(obj, separator) {
  if (obj === null || typeof obj !== "object") throw errors.invalidArgType("pathObject", "object", obj);
  const dir = obj.dir || obj.root;
  const base = obj.base || `${obj.name || ""}${obj.ext ? (obj.ext.startsWith(".") ? "" : ".") + obj.ext : ""}`;
  if (!dir) return base;
  return dir === obj.root ? `${dir}${base}` : `${dir}${separator}${base}`;
}

function format(obj) {
  return formatWith(obj, "\\");
}

function toNamespacedPath(path) {
  if (typeof path !== "string" || path.length === 0) return path;
  const resolved = resolve(path);
  if (resolved.length <= 2) return path;
  if (resolved.startsWith("\\\\")) {
    if (resolved.charCodeAt(2) !== 63 && resolved.charCodeAt(2) !== 46) return `\\\\?\\UNC\\${resolved.slice(2)}`;
    return resolved;
  } else if (isLetter(resolved.charCodeAt(0)) && resolved.charCodeAt(1) === 58 && resolved.charCodeAt(2) === BACKSLASH) {
    return `\\\\?\\${resolved}`;
  }
  return path;
}

/**
 * A glob as a RegExp: `**` any depth, `*` and `?` within one segment, `[...]` a class; `windows`
 * makes `/` and `\` both separators and the match case-insensitive.
 */
function globRegExp(pattern, windows) {
  const sepClass = windows ? "[\\\\/]" : "/";
  const notSep = windows ? "[^\\\\/]" : "[^/]";
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        re += ".*";
        i++;
        if (pattern[i + 1] === "/" || (windows && pattern[i + 1] === "\\")) i++;
      } else {
        re += `${notSep}*`;
      }
    } else if (ch === "?") {
      re += notSep;
    } else if (ch === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        re += `[${pattern.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else if (ch === "/" || (windows && ch === "\\")) {
      re += sepClass;
    } else {
      re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`, windows ? "i" : "");
}

function matchesGlob(path, pattern) {
  assertPath(path);
  assertPath(pattern, "pattern");
  return globRegExp(pattern, true).test(path);
}

const win32 = {
  sep: "\\",
  delimiter: ";",
  resolve,
  normalize,
  isAbsolute,
  join,
  relative,
  dirname,
  basename,
  extname,
  parse,
  format,
  toNamespacedPath,
  matchesGlob,
};

export default win32;
export const sep = "\\";
export const delimiter = ";";
export { resolve, normalize, isAbsolute, join, relative, dirname, basename, extname, parse, format, toNamespacedPath, matchesGlob, globRegExp, formatWith };
