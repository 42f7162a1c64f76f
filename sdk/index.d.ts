// Types for apps on Edge: what a handler receives besides the Web APIs (which TypeScript's
// "WebWorker" lib describes): the execution context, the scheduled controller, and the
// bindings an app declares in edge.toml (KV namespaces, SQL databases, service bindings), plus
// queues, the Cache API's default cache and the `cloudflare:sockets` / `edge:sockets` module.
// The runtime's shapes are checked against these declarations by the test suite. A script
// (no imports or exports): add it to a project's `types` or `include`.

/** The third argument of `fetch`/`scheduled`: work that outlives the response. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

/** What a `scheduled` handler gets for a cron trigger. */
interface ScheduledController {
  readonly cron: string;
  /** When the trigger was due, in milliseconds since the epoch. */
  readonly scheduledTime: number;
  readonly type: "scheduled";
  noRetry(): void;
}

/** An app module's default export. */
interface ExportedHandler<Env = unknown> {
  fetch?(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled?(controller: ScheduledController, env: Env, ctx: ExecutionContext): void | Promise<void>;
  queue?(batch: MessageBatch, env: Env, ctx: ExecutionContext): void | Promise<void>;
}

// Queues (`[[queues.producers]]`, `[[queues.consumers]]`).

type QueueContentType = "v8" | "json" | "text" | "bytes";

interface QueueSendOptions {
  contentType?: QueueContentType;
  /** Seconds before the message is delivered (0-43200). */
  delaySeconds?: number;
}

interface MessageSendRequest<Body = unknown> {
  body: Body;
  contentType?: QueueContentType;
  delaySeconds?: number;
}

interface Queue<Body = unknown> {
  send(body: Body, options?: QueueSendOptions): Promise<void>;
  sendBatch(messages: Iterable<MessageSendRequest<Body>>, options?: { delaySeconds?: number }): Promise<void>;
}

interface Message<Body = unknown> {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: Body;
  /** Deliveries so far, this one included. */
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

interface MessageBatch<Body = unknown> {
  readonly queue: string;
  readonly messages: readonly Message<Body>[];
  ackAll(): void;
  retryAll(options?: { delaySeconds?: number }): void;
}

// KV namespaces (`[[kv_namespaces]]`).

type KVNamespaceGetType = "text" | "json" | "arrayBuffer" | "stream";

interface KVNamespaceGetOptions<T extends KVNamespaceGetType = KVNamespaceGetType> {
  type?: T;
  /** Seconds a value may be served from a cache near the app (at least 30). */
  cacheTtl?: number;
}

interface KVNamespacePutOptions {
  /** When the value expires, in seconds since the epoch (at least 60 s ahead). */
  expiration?: number;
  /** Seconds until the value expires (at least 60). */
  expirationTtl?: number;
  /** Any JSON-serializable value, up to 1024 bytes serialized. */
  metadata?: unknown;
}

interface KVNamespaceListOptions {
  prefix?: string | null;
  /** Keys per page, at most 1000 (the default). */
  limit?: number;
  cursor?: string | null;
}

interface KVNamespaceListKey<Metadata = unknown> {
  name: string;
  expiration?: number;
  metadata?: Metadata;
}

type KVNamespaceListResult<Metadata = unknown> =
  | { keys: KVNamespaceListKey<Metadata>[]; list_complete: false; cursor: string; cacheStatus: null }
  | { keys: KVNamespaceListKey<Metadata>[]; list_complete: true; cacheStatus: null };

interface KVNamespaceGetWithMetadataResult<Value, Metadata> {
  value: Value | null;
  metadata: Metadata | null;
  cacheStatus: null;
}

interface KVNamespace {
  get(key: string, options?: "text" | KVNamespaceGetOptions<"text">): Promise<string | null>;
  get<T = unknown>(key: string, options: "json" | KVNamespaceGetOptions<"json">): Promise<T | null>;
  get(key: string, options: "arrayBuffer" | KVNamespaceGetOptions<"arrayBuffer">): Promise<ArrayBuffer | null>;
  get(key: string, options: "stream" | KVNamespaceGetOptions<"stream">): Promise<ReadableStream<Uint8Array> | null>;
  getWithMetadata<Metadata = unknown>(
    key: string,
    options?: "text" | KVNamespaceGetOptions<"text">,
  ): Promise<KVNamespaceGetWithMetadataResult<string, Metadata>>;
  getWithMetadata<T = unknown, Metadata = unknown>(
    key: string,
    options: "json" | KVNamespaceGetOptions<"json">,
  ): Promise<KVNamespaceGetWithMetadataResult<T, Metadata>>;
  getWithMetadata<Metadata = unknown>(
    key: string,
    options: "arrayBuffer" | KVNamespaceGetOptions<"arrayBuffer">,
  ): Promise<KVNamespaceGetWithMetadataResult<ArrayBuffer, Metadata>>;
  getWithMetadata<Metadata = unknown>(
    key: string,
    options: "stream" | KVNamespaceGetOptions<"stream">,
  ): Promise<KVNamespaceGetWithMetadataResult<ReadableStream<Uint8Array>, Metadata>>;
  put(
    key: string,
    value: string | ArrayBuffer | ArrayBufferView | ReadableStream,
    options?: KVNamespacePutOptions,
  ): Promise<void>;
  delete(key: string): Promise<void>;
  list<Metadata = unknown>(options?: KVNamespaceListOptions): Promise<KVNamespaceListResult<Metadata>>;
}

// SQL databases, D1-style (`[[d1_databases]]`).

interface D1Meta {
  served_by: string;
  duration: number;
  changes: number;
  last_row_id: number;
  changed_db: boolean;
  size_after: number;
  rows_read: number;
  rows_written: number;
}

interface D1Result<T = Record<string, unknown>> {
  success: true;
  meta: D1Meta;
  results: T[];
}

interface D1ExecResult {
  count: number;
  duration: number;
}

type D1Value = null | number | string | boolean | ArrayBuffer | ArrayBufferView;

interface D1PreparedStatement {
  bind(...values: D1Value[]): D1PreparedStatement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  first<T = unknown>(column: string): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>;
}

interface D1Database {
  prepare(query: string): D1PreparedStatement;
  /** Runs the statements in one transaction: all of them or none. */
  batch<T = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
  /** Runs a script of statements, one per line. */
  exec(query: string): Promise<D1ExecResult>;
}

// Service bindings (`[[services]]`).

interface Fetcher {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

// The Cache API's default cache (`caches.default`).

interface CacheStorage {
  readonly default: Cache;
}

/** TCP sockets, as on Workers. */
interface SocketOptions {
  secureTransport?: "off" | "on" | "starttls";
  allowHalfOpen?: boolean;
}

interface SocketAddress {
  hostname: string;
  port: number;
}

interface Socket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<{ remoteAddress?: string; localAddress?: string }>;
  readonly closed: Promise<void>;
  close(): Promise<void>;
  startTls(options?: { expectedServerHostname?: string }): Socket;
}

declare module "cloudflare:sockets" {
  export function connect(address: string | SocketAddress, options?: SocketOptions): Socket;
}

declare module "edge:sockets" {
  export function connect(address: string | SocketAddress, options?: SocketOptions): Socket;
}

/** WebSockets, Workers style: `new WebSocketPair()` gives `[client, server]`; the app accepts
 * the server end and answers `new Response(null, { status: 101, webSocket: client })`. */
declare class WebSocketPair {
  constructor();
  0: WebSocket;
  1: WebSocket;
}

interface WebSocket {
  /** Starts delivering a pair end's events; a server end must be accepted before it sends. */
  accept(): void;
}

interface ResponseInit {
  /** The client end of a `WebSocketPair`: with status 101 the response accepts a WebSocket. */
  webSocket?: WebSocket | null;
}

interface Response {
  readonly webSocket: WebSocket | null;
}

/** A `.wasm` file of the app, imported as on Workers: its compiled module. */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

declare module "*.wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}
