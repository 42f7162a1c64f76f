// node:url — the WHATWG URL classes, file URL helpers, and the legacy `parse`/`format`/
// `resolve` for the common shapes (absolute URLs with authority, and scheme-less paths).

import querystring from "node:querystring";
import * as errors from "node:internal/errors";

const URLClass = globalThis.URL;
const URLSearchParamsClass = globalThis.URLSearchParams;


function fileURLToPath(input) {
  const url = typeof input === "string" ? new URLClass(input) : input;
  if (!(url instanceof URLClass)) throw errors.invalidArgType("path", ["string", "URL"], input);
  if (url.protocol !== "file:") {
    const err = new TypeError("The URL must be of scheme file");
    err.code = "ERR_INVALID_URL_SCHEME";
    throw err;
  }
  if (url.hostname !== "") {
    const err = new TypeError(`File URL host must be "localhost" or empty on linux`);
    err.code = "ERR_INVALID_FILE_URL_HOST";
    throw err;
  }
  if (/%2f/i.test(url.pathname)) {
    const err = new TypeError("File URL path must not include encoded / characters");
    err.code = "ERR_INVALID_FILE_URL_PATH";
    throw err;
  }
  return decodeURIComponent(url.pathname);
}

function pathToFileURL(path) {
  if (typeof path !== "string") throw errors.invalidArgType("path", "string", path);
  let absolute = path.startsWith("/") ? path : `/${path}`;
  const trailing = path.endsWith("/");
  const parts = absolute.split("/").map((seg) => encodeURIComponent(seg));
  absolute = parts.join("/");
  if (trailing && !absolute.endsWith("/")) absolute += "/";
  return new URLClass(`file://${absolute}`);
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
