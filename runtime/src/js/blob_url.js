// `blob:` URLs (URL.createObjectURL / revokeObjectURL) and fetch() of `blob:` and `data:` URLs,
// answered inside the isolate; every other URL goes to the native fetch.

const BLOB_URLS = new Map();

function createObjectURL(obj) {
  if (!(obj instanceof Blob)) throw new TypeError("URL.createObjectURL: argument must be a Blob");
  const origin = globalThis.location?.origin ?? "null";
  const url = `blob:${origin}/${crypto.randomUUID()}`;
  BLOB_URLS.set(url, obj);
  return url;
}

function revokeObjectURL(url) {
  if (arguments.length === 0) {
    const err = new TypeError('The "url" argument must be specified');
    err.code = "ERR_MISSING_ARGS";
    throw err;
  }
  BLOB_URLS.delete(String(url));
}

// The Fetch standard's data: URL processor: a MIME type and the (maybe base64) body.
function parseDataURL(href) {
  const rest = href.slice(5);
  const comma = rest.indexOf(",");
  if (comma < 0) return undefined;
  let mime = rest.slice(0, comma).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
  let body = rest.slice(comma + 1);
  const hash = body.indexOf("#");
  if (hash >= 0) body = body.slice(0, hash);
  let bytes = Uint8Array.from(decodeURIComponentBytes(body));
  const base64 = /;[\u0020]*base64$/i.test(mime);
  if (base64) {
    mime = mime.replace(/;[\u0020]*base64$/i, "");
    let text = String.fromCharCode(...bytes).replace(/[\t\n\f\r ]/g, "");
    try {
      text = atob(text);
    } catch {
      return undefined;
    }
    bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  }
  if (mime.startsWith(";")) mime = "text/plain" + mime;
  if (mime === "") mime = "text/plain;charset=US-ASCII";
  return { mime, bytes };
}

// Percent-decoding over bytes (a `%` not followed by two hex digits stays as it is).
function decodeURIComponentBytes(text) {
  const utf8 = new TextEncoder().encode(text);
  const out = [];
  for (let i = 0; i < utf8.length; i++) {
    const b = utf8[i];
    if (b === 0x25 && i + 2 < utf8.length) {
      const hex = String.fromCharCode(utf8[i + 1], utf8[i + 2]);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(b);
  }
  return out;
}

// The Blob a `blob:` URL names now (its fragment ignored), or undefined.
function resolveBlobURL(href) {
  return BLOB_URLS.get(href.split("#")[0]);
}

// The response to a GET of a `data:` URL or of the Blob a `blob:` URL resolved to; a
// TypeError (a network error) when there is none.
function localResponse(href, method, blob) {
  if (method !== "GET") throw new TypeError(`fetch: ${method} is not allowed for ${href.slice(0, 5)} URLs`);
  if (href.startsWith("data:")) {
    const parsed = parseDataURL(href);
    if (parsed === undefined) throw new TypeError("fetch: invalid data: URL");
    return new Response(parsed.bytes, { status: 200, statusText: "OK", headers: { "content-type": parsed.mime } });
  }
  if (blob === undefined) throw new TypeError("fetch: the blob URL is unknown or revoked");
  const headers = { "content-length": String(blob.size) };
  if (blob.type) headers["content-type"] = blob.type;
  return new Response(blob, { status: 200, statusText: "OK", headers });
}

function isLocalScheme(href) {
  return href.startsWith("blob:") || href.startsWith("data:");
}

function wrapFetch(nativeFetch) {
  return function fetch(input, init = undefined) {
    let href;
    try {
      href = input instanceof Request ? input.url : String(input);
    } catch (e) {
      return Promise.reject(e);
    }
    if (isLocalScheme(href)) {
      return new Promise((resolve) => {
        const request = new Request(input, init);
        if (request.signal.aborted) throw request.signal.reason;
        resolve(localResponse(href, request.method, resolveBlobURL(href)));
      });
    }
    return nativeFetch(input, init);
  };
}
