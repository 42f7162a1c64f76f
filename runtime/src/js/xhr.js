// XMLHttpRequest over fetch(): asynchronous requests only (a synchronous one would block the
// isolate's event loop, so open(..., false) throws), with the states, events, headers,
// response types and text decoding of the XHR standard. A blob: URL resolves when open() is
// called, so revoking it afterwards does not break the request; data: URLs work too.

const XHR = Symbol("xhr");
const XHR_HANDLERS = Symbol("xhr handlers");
const XHR_EVENTS = ["loadstart", "progress", "abort", "error", "load", "timeout", "loadend"];
const XHR_RESPONSE_TYPES = new Set(["", "arraybuffer", "blob", "document", "json", "text"]);
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Labels of the Encoding standard's "replacement" encoding: they decode any input to one
// U+FFFD, though TextDecoder refuses them.
const REPLACEMENT_LABELS = new Set(["csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr", "replacement"]);

class XMLHttpRequestEventTarget extends EventTarget {
  constructor(key = undefined) {
    if (key !== XHR) throw new TypeError("Illegal constructor");
    super();
    Object.defineProperty(this, XHR_HANDLERS, { value: {} });
  }
}
defineEventHandlers(XMLHttpRequestEventTarget.prototype, XHR_EVENTS, (target) => {
  if (target === null || typeof target !== "object" || !(XHR_HANDLERS in target)) throw new TypeError("Illegal invocation");
  return target[XHR_HANDLERS];
});

class XMLHttpRequestUpload extends XMLHttpRequestEventTarget {}

function xhrState(xhr) {
  if (xhr === null || typeof xhr !== "object" || !(XHR in xhr)) throw new TypeError("Illegal invocation");
  return xhr[XHR];
}

function invalidState(message) {
  return new DOMException(message, "InvalidStateError");
}

// The `charset` parameter of a MIME type string, or null (quoted values unescaped).
function charsetOf(mime) {
  let i = mime.indexOf(";");
  if (i < 0) return null;
  while (i < mime.length) {
    i++;
    while (i < mime.length && " \t\n\r".includes(mime[i])) i++;
    let name = "";
    while (i < mime.length && mime[i] !== ";" && mime[i] !== "=") name += mime[i++];
    if (mime[i] !== "=") continue;
    i++;
    let value = "";
    if (mime[i] === '"') {
      i++;
      while (i < mime.length && mime[i] !== '"') {
        if (mime[i] === "\\" && i + 1 < mime.length) i++;
        value += mime[i++];
      }
      while (i < mime.length && mime[i] !== ";") i++;
    } else {
      while (i < mime.length && mime[i] !== ";") value += mime[i++];
      value = value.replace(/[ \t\n\r]+$/, "");
    }
    if (name.toLowerCase() === "charset" && value !== "") return value;
  }
  return null;
}

// The Encoding standard's "decode": a byte order mark wins, then the label, then UTF-8.
function decodeText(bytes, label) {
  const bom = textEncodingFor(bytes, undefined);
  if (bom !== "utf-8" || label === null) return new TextDecoder(bom).decode(bytes);
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    if (REPLACEMENT_LABELS.has(label.trim().toLowerCase())) return bytes.length > 0 ? "\ufffd" : "";
    return new TextDecoder().decode(bytes);
  }
}

function fireXhr(target, type, loaded = 0, total = 0, lengthComputable = false) {
  const event = type === "readystatechange" ? new Event(type) : new ProgressEvent(type, { loaded, total, lengthComputable });
  target.dispatchEvent(event);
}

class XMLHttpRequest extends XMLHttpRequestEventTarget {
  constructor() {
    super(XHR);
    Object.defineProperty(this, XHR, {
      value: {
        state: 0,
        method: "GET",
        url: null,
        blob: undefined,
        headers: new Headers(),
        sendFlag: false,
        generation: 0,
        controller: null,
        status: 0,
        statusText: "",
        responseHeaders: null,
        bytes: null,
        overrideMime: null,
        responseType: "",
        timeout: 0,
        withCredentials: false,
        upload: new XMLHttpRequestUpload(XHR),
      },
    });
  }
  get readyState() {
    return xhrState(this).state;
  }
  get upload() {
    return xhrState(this).upload;
  }
  get timeout() {
    return xhrState(this).timeout;
  }
  set timeout(ms) {
    xhrState(this).timeout = Math.max(0, Math.trunc(Number(ms)) || 0);
  }
  get withCredentials() {
    return xhrState(this).withCredentials;
  }
  set withCredentials(value) {
    const s = xhrState(this);
    if (s.state > 1 || s.sendFlag) throw invalidState("withCredentials cannot change once the request is sent");
    s.withCredentials = Boolean(value);
  }
  open(method, url, async = true, username = undefined, password = undefined) {
    const s = xhrState(this);
    if (arguments.length < 2) throw new TypeError("XMLHttpRequest.open: method and url are required");
    method = String(method);
    if (!HTTP_TOKEN.test(method)) throw new DOMException(`Invalid method: ${method}`, "SyntaxError");
    const upper = method.toUpperCase();
    if (["CONNECT", "TRACE", "TRACK"].includes(upper)) throw new DOMException(`Forbidden method: ${method}`, "SecurityError");
    if (["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"].includes(upper)) method = upper;
    const parsed = URL.parse(String(url), globalThis.location?.href);
    if (parsed === null) throw new DOMException(`Invalid URL: ${url}`, "SyntaxError");
    if (parsed.host !== "" && arguments.length > 3) {
      if (username !== undefined && username !== null) parsed.username = String(username);
      if (password !== undefined && password !== null) parsed.password = String(password);
    }
    if (arguments.length > 2 && !async) {
      throw new DOMException("Synchronous XMLHttpRequest would block the event loop; it is not supported", "InvalidAccessError");
    }
    this.#cancel();
    Object.assign(s, {
      method,
      url: parsed.href,
      blob: parsed.protocol === "blob:" ? resolveBlobURL(parsed.href) : undefined,
      headers: new Headers(),
      sendFlag: false,
      status: 0,
      statusText: "",
      responseHeaders: null,
      bytes: null,
    });
    if (s.state !== 1) {
      s.state = 1;
      fireXhr(this, "readystatechange");
    }
  }
  setRequestHeader(name, value) {
    const s = xhrState(this);
    if (s.state !== 1 || s.sendFlag) throw invalidState("setRequestHeader needs an opened, unsent request");
    try {
      s.headers.append(name, value);
    } catch (e) {
      throw new DOMException(e.message, "SyntaxError");
    }
  }
  send(body = null) {
    const s = xhrState(this);
    if (s.state !== 1 || s.sendFlag) throw invalidState("send needs an opened, unsent request");
    if (s.method === "GET" || s.method === "HEAD") body = null;
    s.sendFlag = true;
    const generation = ++s.generation;
    const current = () => s.generation === generation;
    const controller = new AbortController();
    s.controller = controller;
    fireXhr(this, "loadstart");
    let response;
    if (isLocalScheme(s.url)) {
      const { url, method, blob } = s;
      response = new Promise((resolve) => resolve(localResponse(url, method, blob)));
    } else {
      response = fetch(s.url, { method: s.method, headers: s.headers, body, signal: controller.signal });
    }
    if (s.timeout > 0) {
      setTimeout(() => {
        if (!current() || s.state === 4) return;
        controller.abort();
        this.#fail("timeout");
      }, s.timeout);
    }
    response
      .then(async (res) => {
        if (!current()) return;
        s.status = res.status;
        s.statusText = res.statusText;
        s.responseHeaders = res.headers;
        s.state = 2;
        fireXhr(this, "readystatechange");
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (!current()) return;
        s.bytes = bytes;
        s.state = 3;
        fireXhr(this, "readystatechange");
        const total = Number(res.headers.get("content-length") ?? 0) || 0;
        fireXhr(this, "progress", bytes.length, total, total > 0);
        s.state = 4;
        s.sendFlag = false;
        fireXhr(this, "readystatechange");
        fireXhr(this, "load", bytes.length, total, total > 0);
        fireXhr(this, "loadend", bytes.length, total, total > 0);
      })
      .catch(() => {
        if (current()) this.#fail("error");
      });
  }
  // The request ended without a response: a network error, a timeout or an abort.
  #fail(kind) {
    const s = xhrState(this);
    s.generation++;
    Object.assign(s, { state: 4, sendFlag: false, status: 0, statusText: "", responseHeaders: null, bytes: null });
    fireXhr(this, "readystatechange");
    fireXhr(this, kind);
    fireXhr(this, "loadend");
  }
  #cancel() {
    const s = xhrState(this);
    s.generation++;
    if (s.controller !== null) s.controller.abort();
    s.controller = null;
  }
  abort() {
    const s = xhrState(this);
    const pending = (s.state === 1 && s.sendFlag) || s.state === 2 || s.state === 3;
    this.#cancel();
    if (pending) this.#fail("abort");
    if (s.state === 4) {
      s.state = 0;
      s.bytes = null;
    }
  }
  get responseURL() {
    const s = xhrState(this);
    return s.responseHeaders === null ? "" : s.url.split("#")[0];
  }
  get status() {
    return xhrState(this).status;
  }
  get statusText() {
    return xhrState(this).statusText;
  }
  getResponseHeader(name) {
    const headers = xhrState(this).responseHeaders;
    return headers === null ? null : headers.get(name);
  }
  getAllResponseHeaders() {
    const headers = xhrState(this).responseHeaders;
    if (headers === null) return "";
    let out = "";
    for (const [name, value] of headers) out += `${name}: ${value}\r\n`;
    return out;
  }
  overrideMimeType(mime) {
    const s = xhrState(this);
    if (s.state === 3 || s.state === 4) throw invalidState("overrideMimeType must come before the response");
    s.overrideMime = String(mime);
  }
  get responseType() {
    return xhrState(this).responseType;
  }
  set responseType(value) {
    const s = xhrState(this);
    value = String(value);
    if (!XHR_RESPONSE_TYPES.has(value)) return;
    if (s.state === 3 || s.state === 4) throw invalidState("responseType must be set before the response");
    s.responseType = value;
  }
  #mime() {
    const s = xhrState(this);
    return s.overrideMime ?? s.responseHeaders?.get("content-type") ?? "";
  }
  get responseText() {
    const s = xhrState(this);
    if (s.responseType !== "" && s.responseType !== "text") throw invalidState("responseText needs responseType \"\" or \"text\"");
    if (s.state < 3 || s.bytes === null) return "";
    return decodeText(s.bytes, charsetOf(this.#mime()));
  }
  get responseXML() {
    const s = xhrState(this);
    if (s.responseType !== "" && s.responseType !== "document") throw invalidState("responseXML needs responseType \"\" or \"document\"");
    return null;
  }
  get response() {
    const s = xhrState(this);
    if (s.responseType === "" || s.responseType === "text") return this.responseText;
    if (s.state !== 4 || s.bytes === null) return null;
    switch (s.responseType) {
      case "arraybuffer":
        return s.bytes.slice().buffer;
      case "blob":
        return new Blob([s.bytes], { type: this.#mime() });
      case "json":
        try {
          return JSON.parse(new TextDecoder().decode(s.bytes));
        } catch {
          return null;
        }
      default:
        return null;
    }
  }
}
defineEventHandlers(XMLHttpRequest.prototype, ["readystatechange"], (xhr) => xhrState(xhr) && xhr[XHR_HANDLERS]);
defineConstants(XMLHttpRequest, [["UNSENT", 0], ["OPENED", 1], ["HEADERS_RECEIVED", 2], ["LOADING", 3], ["DONE", 4]]);
