// node:path — POSIX path manipulation, with the Windows flavor as `path.win32`
// (`path_win32.js`). The working directory is "/".

import win32, { globRegExp, formatWith } from "node:path/win32";
import * as errors from "node:internal/errors";

function assertPath(value, name = "path") {
  if (typeof value !== "string") throw errors.invalidArgType(name, "string", value);
}

// Resolves `.` and `..` segments; `absolute` keeps `..` from climbing above the root.
function normalizeSegments(path, absolute) {
  const out = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return out.join("/");
}

function cwd() {
  const p = globalThis.process;
  return p && typeof p.cwd === "function" ? p.cwd() : "/";
}

function resolve(...paths) {
  let resolved = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
    const path = i >= 0 ? paths[i] : cwd();
    assertPath(path, `paths[${i}]`);
    if (path.length === 0) continue;
    resolved = `${path}/${resolved}`;
    absolute = path.charCodeAt(0) === 47;
  }
  const normalized = normalizeSegments(resolved, absolute);
  if (absolute) return `/${normalized}`;
  return normalized.length > 0 ? normalized : ".";
}

function normalize(path) {
  assertPath(path);
  if (path.length === 0) return ".";
  const absolute = path.charCodeAt(0) === 47;
  const trailing = path.charCodeAt(path.length - 1) === 47;
  let out = normalizeSegments(path, absolute);
  if (out.length === 0) {
    if (absolute) return "/";
    return trailing ? "./" : ".";
  }
  if (trailing) out += "/";
  return absolute ? `/${out}` : out;
}

function isAbsolute(path) {
  assertPath(path);
  return path.length > 0 && path.charCodeAt(0) === 47;
}

function join(...paths) {
  if (paths.length === 0) return ".";
  const parts = [];
  for (const p of paths) {
    assertPath(p);
    if (p.length > 0) parts.push(p);
  }
  if (parts.length === 0) return ".";
  return normalize(parts.join("/"));
}

function relative(from, to) {
  assertPath(from, "from");
  assertPath(to, "to");
  if (from === to) return "";
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common).map(() => "..");
  return [...up, ...b.slice(common)].join("/");
}

function dirname(path) {
  assertPath(path);
  if (path.length === 0) return ".";
  const absolute = path.charCodeAt(0) === 47;
  // Skip trailing slashes, then the last name; the slash before it ends the directory (only
  // that one slash is dropped: "/a//b" -> "/a/").
  let i = path.length - 1;
  while (i >= 1 && path.charCodeAt(i) === 47) i--;
  while (i >= 1 && path.charCodeAt(i) !== 47) i--;
  if (i < 1) return absolute ? "/" : ".";
  if (absolute && i === 1 && path.charCodeAt(0) === 47 && path.charCodeAt(1) === 47) return "//";
  return path.slice(0, i);
}

function basename(path, suffix) {
  assertPath(path);
  if (suffix !== undefined) assertPath(suffix, "suffix");
  if (suffix !== undefined && suffix.length > 0 && suffix === path) return "";
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  if (end === 0) return "";
  const start = path.lastIndexOf("/", end - 1) + 1;
  let base = path.slice(start, end);
  if (suffix !== undefined && suffix !== base && base.endsWith(suffix)) base = base.slice(0, base.length - suffix.length);
  return base;
}

function extname(path) {
  assertPath(path);
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "";
  // "a." has the extension "." ; "..": none.
  if (base === "..") return "";
  return base.slice(dot);
}

function parse(path) {
  assertPath(path);
  const root = path.charCodeAt(0) === 47 ? "/" : "";
  if (path.length === 0) return { root, dir: "", base: "", ext: "", name: "" };
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  const start = path.lastIndexOf("/", end - 1) + 1;
  const base = start === end && root ? "" : path.slice(start, end);
  const dot = base.lastIndexOf(".");
  const ext = dot <= 0 || base === ".." ? "" : base.slice(dot);
  let dir = start > 0 ? path.slice(0, start - 1) : "";
  if (dir === "" && start > 0) dir = root;
  return { root, dir, base, ext, name: ext ? base.slice(0, base.length - ext.length) : base };
}

function format(obj) {
  return formatWith(obj, "/");
}

function toNamespacedPath(path) {
  return path;
}

function matchesGlob(path, pattern) {
  assertPath(path);
  assertPath(pattern, "pattern");
  return globRegExp(pattern, false).test(path);
}

const path = {
  sep: "/",
  delimiter: ":",
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
path.posix = path;
path.win32 = win32;
win32.posix = path;
win32.win32 = win32;

export default path;
export const sep = "/";
export const delimiter = ":";
export const posix = path;
export { win32 };
export { resolve, normalize, isAbsolute, join, relative, dirname, basename, extname, parse, format, toNamespacedPath, matchesGlob };
