// node:http2 — loadable for the packages that import it at startup (and use it only when asked
// to): its constants and settings helpers. An app does not open HTTP/2 servers or sessions
// itself on Edge: the node terminates HTTP/2 (and HTTP/3) in front of every app, so a
// node:http server already answers HTTP/2 clients.

import { unavailableOnEdge } from "edge:bootstrap";

const headerNames = {
  STATUS: ":status", METHOD: ":method", AUTHORITY: ":authority", SCHEME: ":scheme", PATH: ":path", PROTOCOL: ":protocol",
  ACCEPT: "accept", ACCEPT_ENCODING: "accept-encoding", ACCEPT_LANGUAGE: "accept-language", AUTHORIZATION: "authorization",
  CACHE_CONTROL: "cache-control", CONNECTION: "connection", CONTENT_ENCODING: "content-encoding", CONTENT_LENGTH: "content-length",
  CONTENT_TYPE: "content-type", COOKIE: "cookie", DATE: "date", ETAG: "etag", HOST: "host", KEEP_ALIVE: "keep-alive",
  LAST_MODIFIED: "last-modified", LOCATION: "location", PROXY_CONNECTION: "proxy-connection", SET_COOKIE: "set-cookie",
  TE: "te", TRANSFER_ENCODING: "transfer-encoding", UPGRADE: "upgrade", USER_AGENT: "user-agent", VARY: "vary",
};
const methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
const statuses = {
  CONTINUE: 100, SWITCHING_PROTOCOLS: 101, OK: 200, CREATED: 201, ACCEPTED: 202, NO_CONTENT: 204, PARTIAL_CONTENT: 206,
  MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, NOT_MODIFIED: 304, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308,
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405, CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, TOO_MANY_REQUESTS: 429, INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501, BAD_GATEWAY: 502, SERVICE_UNAVAILABLE: 503, GATEWAY_TIMEOUT: 504,
};
const constants = {
  NGHTTP2_NO_ERROR: 0, NGHTTP2_PROTOCOL_ERROR: 1, NGHTTP2_INTERNAL_ERROR: 2, NGHTTP2_FLOW_CONTROL_ERROR: 3,
  NGHTTP2_SETTINGS_TIMEOUT: 4, NGHTTP2_STREAM_CLOSED: 5, NGHTTP2_FRAME_SIZE_ERROR: 6, NGHTTP2_REFUSED_STREAM: 7,
  NGHTTP2_CANCEL: 8, NGHTTP2_COMPRESSION_ERROR: 9, NGHTTP2_CONNECT_ERROR: 10, NGHTTP2_ENHANCE_YOUR_CALM: 11,
  NGHTTP2_INADEQUATE_SECURITY: 12, NGHTTP2_HTTP_1_1_REQUIRED: 13,
  NGHTTP2_DEFAULT_WEIGHT: 16,
  DEFAULT_SETTINGS_HEADER_TABLE_SIZE: 4096, DEFAULT_SETTINGS_ENABLE_PUSH: 1, DEFAULT_SETTINGS_MAX_CONCURRENT_STREAMS: 4294967295,
  DEFAULT_SETTINGS_INITIAL_WINDOW_SIZE: 65535, DEFAULT_SETTINGS_MAX_FRAME_SIZE: 16384, DEFAULT_SETTINGS_MAX_HEADER_LIST_SIZE: 65535,
  MAX_MAX_FRAME_SIZE: 16777215, MIN_MAX_FRAME_SIZE: 16384, MAX_INITIAL_WINDOW_SIZE: 2147483647,
};
for (const [name, value] of Object.entries(headerNames)) constants[`HTTP2_HEADER_${name}`] = value;
for (const method of methods) constants[`HTTP2_METHOD_${method}`] = method;
for (const [name, code] of Object.entries(statuses)) constants[`HTTP_STATUS_${name}`] = code;
Object.freeze(constants);

const sensitiveHeaders = Symbol("nodejs.http2.sensitiveHeaders");

function getDefaultSettings() {
  return { headerTableSize: 4096, enablePush: true, initialWindowSize: 65535, maxFrameSize: 16384, maxConcurrentStreams: 4294967295, maxHeaderListSize: 65535, enableConnectProtocol: false };
}
const getPackedSettings = () => new Uint8Array(0);
const getUnpackedSettings = () => ({});

const reason = "HTTP/2 endpoints of their own (the node serves HTTP/2 in front of every app: use node:http)";
const createServer = unavailableOnEdge("http2", "createServer", reason);
const createSecureServer = unavailableOnEdge("http2", "createSecureServer", reason);
const connect = unavailableOnEdge("http2", "connect", "HTTP/2 sessions of their own (fetch() speaks HTTP/2)");

class Http2ServerRequest {}
class Http2ServerResponse {}

export default { constants, sensitiveHeaders, getDefaultSettings, getPackedSettings, getUnpackedSettings, createServer, createSecureServer, connect, Http2ServerRequest, Http2ServerResponse };
export { constants, sensitiveHeaders, getDefaultSettings, getPackedSettings, getUnpackedSettings, createServer, createSecureServer, connect, Http2ServerRequest, Http2ServerResponse };
