// node:url — the WHATWG URL classes, file URL helpers, and the legacy `parse`/`format`/
// `resolve` for the common shapes (absolute URLs with authority, and scheme-less paths).

import querystring from "node:querystring";
import posix from "node:path/posix";
import win32 from "node:path/win32";
import * as errors from "node:internal/errors";

const URLClass = globalThis.URL;
const URLSearchParamsClass = globalThis.URLSearchParams;


function invalidFilePath(message, url) {
  const err = new TypeError(message);
  err.code = "ERR_INVALID_FILE_URL_PATH";
  err.input = url;
  return err;
}

/** A `file:` URL's path, POSIX-style, or Windows-style (drive letters, UNC hosts) with
 * `{ windows: true }`; encoded separators are refused, as in Node. */
function fileURLToPath(input, options) {
  const windows = options?.windows === true;
  const url = typeof input === "string" ? new URLClass(input) : input;
  if (!(url instanceof URLClass)) throw errors.invalidArgType("path", ["string", "URL"], input);
  if (url.protocol !== "file:") {
    const err = new TypeError("The URL must be of scheme file");
    err.code = "ERR_INVALID_URL_SCHEME";
    throw err;
  }
  const pathname = url.pathname;
  if (windows) {
    if (/%2f|%5c/i.test(pathname)) throw invalidFilePath("File URL path must not include encoded \\ or / characters", url);
    const path = decodeURIComponent(pathname.replaceAll("/", "\\"));
    if (url.hostname !== "") return `\\\\${url.hostname}${path}`;
    const letter = path.charCodeAt(1) | 0x20;
    if (letter < 0x61 || letter > 0x7a || path[2] !== ":") throw invalidFilePath("File URL path must be absolute", url);
    return path.slice(1);
  }
  if (url.hostname !== "") {
    const err = new TypeError(`File URL host must be "localhost" or empty on linux`);
    err.code = "ERR_INVALID_FILE_URL_HOST";
    throw err;
  }
  if (/%2f/i.test(pathname)) throw invalidFilePath("File URL path must not include encoded / characters", url);
  return decodeURIComponent(pathname);
}

// What a path keeps literally in a file URL: the rest (controls, space, `"#%<>?[\]^\``{|}~`,
// DEL and all non-ASCII, as UTF-8) is percent-encoded, as Node encodes it.
const PATH_KEEP = /[!$&'()*+,\-./0-9:;=@A-Z_a-z]/;

function encodePath(path) {
  let out = "";
  for (const ch of path) {
    if (ch.length === 1 && PATH_KEEP.test(ch)) out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A path (resolved against the working directory) as a `file:` URL; `{ windows: true }`
 * reads it as a Windows path (drive letters, `\\` separators, UNC and `\\?\` forms). */
function pathToFileURL(filepath, options) {
  if (typeof filepath !== "string") throw errors.invalidArgType("path", "string", filepath);
  const windows = options?.windows === true;
  if (windows && filepath.startsWith("\\\\")) {
    let rest = filepath;
    if (rest.startsWith("\\\\?\\UNC\\")) rest = `\\\\${rest.slice(8)}`;
    else if (rest.startsWith("\\\\?\\")) rest = rest.slice(4);
    if (rest.startsWith("\\\\")) {
      const at = rest.indexOf("\\", 2);
      if (at === -1) throw errors.invalidArgValue("path", filepath, "Missing UNC resource path");
      if (at === 2) throw errors.invalidArgValue("path", filepath, "Empty UNC servername");
      const host = rest.slice(2, at);
      return new URLClass(`file://${host}${encodePath(rest.slice(at).replaceAll("\\", "/"))}`);
    }
    filepath = rest;
  }
  let resolved = windows ? win32.resolve(filepath) : posix.resolve(filepath);
  // resolve() drops a trailing separator; the URL keeps it.
  const last = filepath[filepath.length - 1];
  const sep = windows ? "\\" : "/";
  if ((last === "/" || (windows && last === "\\")) && !resolved.endsWith(sep)) resolved += sep;
  if (windows) resolved = `/${resolved.replaceAll("\\", "/")}`;
  return new URLClass(`file://${encodePath(resolved)}`);
}

// Schemes whose URLs always have `//` and a path.
const SLASHED = ["http:", "https:", "ftp:", "gopher:", "ws:", "wss:", "file:"];

// The legacy URL object.
function Url() {
  this.protocol = null;
  this.slashes = null;
  this.auth = null;
  this.host = null;
  this.port = null;
  this.hostname = null;
  this.hash = null;
  this.search = null;
  this.query = null;
  this.pathname = null;
  this.path = null;
  this.href = null;
}

function parse(input, parseQueryString = false, slashesDenoteHost = false) {
  if (typeof input !== "string") throw errors.invalidArgType("url", "string", input);
  const out = new Url();
  let rest = input.trim();
  const hashAt = rest.indexOf("#");
  if (hashAt !== -1) {
    out.hash = rest.slice(hashAt);
    rest = rest.slice(0, hashAt);
  }
  const queryAt = rest.indexOf("?");
  if (queryAt !== -1) {
    out.search = rest.slice(queryAt);
    out.query = rest.slice(queryAt + 1);
    rest = rest.slice(0, queryAt);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*:)/.exec(rest);
  if (scheme) {
    out.protocol = scheme[1].toLowerCase();
    rest = rest.slice(scheme[1].length);
  }
  const slashed = (out.protocol || slashesDenoteHost) && rest.startsWith("//");
  // Schemes other than the web's own (`mailto:user@host`) have a host without slashes.
  const bare = out.protocol && !slashed && !SLASHED.includes(out.protocol) && out.protocol !== "javascript:";
  if (slashed || bare) {
    if (slashed) {
      out.slashes = true;
      rest = rest.slice(2);
    }
    const end = rest.search(/[/\\]/);
    let authority = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? "" : rest.slice(end);
    const at = authority.lastIndexOf("@");
    if (at !== -1) {
      out.auth = decodeURIComponent(authority.slice(0, at));
      authority = authority.slice(at + 1);
    }
    const portMatch = /:(\d*)$/.exec(authority);
    if (portMatch) {
      if (portMatch[1] !== "") out.port = portMatch[1];
      authority = authority.slice(0, portMatch.index);
    }
    out.hostname = authority.toLowerCase();
    out.host = out.port ? `${out.hostname}:${out.port}` : out.hostname;
    if (rest === "" && SLASHED.includes(out.protocol)) rest = "/";
  }
  out.pathname = rest === "" ? null : rest;
  if (out.search === null && parseQueryString) {
    out.search = null;
    out.query = Object.create(null);
  } else if (parseQueryString) {
    out.query = querystring.parse(out.query);
  }
  const searchPart = out.search ?? "";
  out.path = out.pathname === null && searchPart === "" ? null : `${out.pathname ?? ""}${searchPart}`;
  out.href = format(out);
  return out;
}

function format(obj, options) {
  if (typeof obj === "string") obj = parse(obj);
  if (obj instanceof URLClass) {
    const o = { auth: true, fragment: true, search: true, unicode: false, ...options };
    let out = `${obj.protocol}${obj.host || obj.protocol === "file:" ? "//" : ""}`;
    if (o.auth && (obj.username || obj.password)) out += `${obj.username}${obj.password ? `:${obj.password}` : ""}@`;
    out += obj.host + obj.pathname;
    if (o.search) out += obj.search;
    if (o.fragment) out += obj.hash;
    return out;
  }
  if (obj === null || typeof obj !== "object") throw errors.invalidArgType("urlObject", "object", obj);
  let protocol = obj.protocol || "";
  if (protocol && !protocol.endsWith(":")) protocol += ":";
  let host = "";
  const auth = obj.auth ? `${encodeURIComponent(obj.auth).replace(/%3A/i, ":")}@` : "";
  if (obj.host) host = auth + obj.host;
  else if (obj.hostname) host = auth + obj.hostname + (obj.port ? `:${obj.port}` : "");
  let pathname = obj.pathname || "";
  let search = obj.search || "";
  if (!search && obj.query && typeof obj.query === "object" && Object.keys(obj.query).length) search = `?${querystring.stringify(obj.query)}`;
  else if (!search && typeof obj.query === "string" && obj.query) search = `?${obj.query}`;
  if (search && !search.startsWith("?")) search = `?${search}`;
  let hash = obj.hash || "";
  if (hash && !hash.startsWith("#")) hash = `#${hash}`;
  const slashed = obj.slashes || SLASHED.includes(protocol);
  if (slashed && (host || protocol === "file:")) {
    host = `//${host}`;
    if (pathname && !pathname.startsWith("/")) pathname = `/${pathname}`;
  }
  return protocol + host + pathname + search.replace(/#/g, "%23") + hash;
}

function resolve(from, to) {
  const base = new URLClass(from, "resolve://");
  const resolved = new URLClass(to, base);
  if (resolved.protocol === "resolve:") {
    const { pathname, search, hash } = resolved;
    return from.startsWith("/") ? pathname + search + hash : pathname.slice(1) + search + hash;
  }
  return resolved.toString();
}

function domainToASCII(domain) {
  try {
    return new URLClass(`ws://${domain}`).hostname;
  } catch {
    return "";
  }
}

function domainToUnicode(domain) {
  return domainToASCII(domain);
}

function urlToHttpOptions(url) {
  if (url === null || typeof url !== "object") throw errors.invalidArgType("url", "object", url);
  const { hostname, pathname, port, username, password, search } = url;
  const options = {
    __proto__: null,
    ...url,
    protocol: url.protocol,
    hostname: typeof hostname === "string" && hostname.startsWith("[") ? hostname.slice(1, -1) : hostname,
    hash: url.hash,
    search,
    pathname,
    path: `${pathname || ""}${search || ""}`,
    href: url.href,
  };
  if (port !== "") options.port = Number(port);
  if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return options;
}

/** Legacy `url.resolveObject(from, to)`: `resolve` as a parsed object (or the string form). */
function resolveObject(source, relative) {
  if (!source) return relative;
  return parse(resolve(source, relative));
}

export default { URL: URLClass, URLSearchParams: URLSearchParamsClass, fileURLToPath, pathToFileURL, parse, format, resolve, domainToASCII, domainToUnicode, urlToHttpOptions, resolveObject, Url };
export { URLClass as URL, URLSearchParamsClass as URLSearchParams, fileURLToPath, pathToFileURL, parse, format, resolve, domainToASCII, domainToUnicode, urlToHttpOptions, resolveObject, Url };
