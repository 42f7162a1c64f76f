// node:process (and the global `process`): an EventEmitter with the app's declared variables
// as `env`, `nextTick`, version and platform facts, timing, and harmless answers for what an
// edge app has no use for (no pid to signal, no cwd to change); `exit()` ends the isolate.

import { EventEmitter } from "node:events";
import { processEnv, unavailableOnEdge, asyncContext, ticks, workers, setProcessErrorHooks } from "edge:bootstrap";
import * as errors from "node:internal/errors";

const NODE_VERSION = "22.12.0";

function envObject() {
  const env = {};
  for (const [key, value] of processEnv()) env[key] = value;
  // As in Node, what is stored is a string.
  return new Proxy(env, {
    set(target, key, value) {
      target[key] = String(value);
      return true;
    },
    defineProperty(target, key, descriptor) {
      if ("value" in descriptor) descriptor = { ...descriptor, value: String(descriptor.value) };
      return Reflect.defineProperty(target, key, descriptor);
    },
  });
}

const start = performance.now();

function hrtime(previous) {
  const now = performance.timeOrigin + performance.now();
  let seconds = Math.floor(now / 1e3);
  let nanos = Math.floor((now % 1e3) * 1e6);
  if (Array.isArray(previous)) {
    seconds -= previous[0];
    nanos -= previous[1];
    if (nanos < 0) {
      seconds -= 1;
      nanos += 1e9;
    }
  }
  return [seconds, nanos];
}
hrtime.bigint = () => BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1e6));

// The tick queue. Node runs `nextTick` callbacks before promise jobs: after the synchronous
// code that queued them, and again whenever the promise jobs run out; the engine calls
// `runTicks` at those points once asked (`ticks.request`). Each callback runs in the async
// context it was queued in; one that throws is reported and the rest still run.
const tickQueue = [];
let tickHead = 0;
let tickRequested = false;

function runTicks() {
  try {
    while (tickHead < tickQueue.length) {
      const tick = tickQueue[tickHead];
      tickQueue[tickHead++] = undefined;
      const previous = asyncContext.get();
      asyncContext.set(tick.context);
      try {
        Reflect.apply(tick.callback, undefined, tick.args);
      } catch (err) {
        reportTickError(err);
      } finally {
        asyncContext.set(previous);
      }
    }
  } finally {
    tickQueue.length = 0;
    tickHead = 0;
    tickRequested = false;
  }
}

function reportTickError(err) {
  if (emitUncaught(err)) return;
  // Thrown again from a job of its own, the error reaches the isolate's report.
  queueMicrotask(() => {
    throw err;
  });
}

// Errors nobody caught go to the app's own listeners, as in Node, but only this isolate's:
// without listeners they are logged (the isolate, not the node, owns them).
function emitUncaught(err) {
  if (process.listenerCount("uncaughtException") === 0) return false;
  process.emit("uncaughtException", err, "uncaughtException");
  return true;
}

function emitUnhandledRejection(reason, promise) {
  if (process.listenerCount("unhandledRejection") === 0) return false;
  process.emit("unhandledRejection", reason, promise);
  return true;
}

ticks.setHandler(runTicks);

// `process.exit()` ends this app's isolate, never the node: the log says so, no more of the
// app's code runs, and the host starts a fresh isolate for the next request.
function exit(code) {
  const status = Number(code ?? process.exitCode ?? 0) | 0;
  process.emit("exit", status);
  // A worker's exit is its parent's "exit" event; the app's own isolate says so in the log.
  if (workers.self() === undefined) {
    console.error(`process.exit(${status}) called: this isolate of the app ends (the node keeps running; the next request gets a fresh isolate)`);
  }
  ticks.exitIsolate(status);
}

function nextTick(callback, ...args) {
  if (typeof callback !== "function") {
    const err = new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
  tickQueue.push({ callback, args, context: asyncContext.get() });
  if (!tickRequested) {
    tickRequested = true;
    ticks.request();
  }
}

// Node's rules: a string becomes an Error named by `type` (default "Warning"); deprecations are
// dropped under `process.noDeprecation` and thrown under `process.throwDeprecation`; the event
// and the log line come on the next tick.
function emitWarning(warning, type, code, ctor) {
  let detail;
  if (type !== null && typeof type === "object" && !Array.isArray(type)) {
    ({ type, code, detail } = type);
    ctor = type?.ctor;
  } else if (typeof type === "function") {
    ctor = type;
    type = undefined;
    code = undefined;
  } else if (typeof code === "function") {
    ctor = code;
    code = undefined;
  }
  type ??= "Warning";
  if (typeof type !== "string") throw errors.invalidArgType("type", "string", type);
  if (code !== undefined && typeof code !== "string") throw errors.invalidArgType("code", "string", code);
  if (typeof warning === "string") {
    const err = new Error(warning);
    err.name = String(type);
    if (code !== undefined) err.code = code;
    if (detail !== undefined) err.detail = detail;
    if (typeof Error.captureStackTrace === "function") Error.captureStackTrace(err, ctor || emitWarning);
    warning = err;
  } else if (!(warning instanceof Error)) {
    throw errors.invalidArgType("warning", ["Error", "string"], warning);
  }
  if (warning.name === "DeprecationWarning") {
    if (process.noDeprecation) return;
    if (process.throwDeprecation) throw warning;
  }
  nextTick(() => {
    process.emit("warning", warning);
    const prefix = warning.code ? `[${warning.code}] ` : "";
    const more = typeof warning.detail === "string" ? `\n${warning.detail}` : "";
    console.warn(`(edge) ${prefix}${warning.name}: ${warning.message}${more}`);
  });
}

function stream(fd, log) {
  const s = new EventEmitter();
  Object.assign(s, {
    fd,
    isTTY: false,
    writable: true,
    write(chunk, encoding, callback) {
      const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      log(text.endsWith("\n") ? text.slice(0, -1) : text);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(done);
      return true;
    },
    end() {},
  });
  return s;
}

const process = new EventEmitter();
Object.assign(process, {
  title: "edge",
  version: `v${NODE_VERSION}`,
  versions: Object.freeze({ node: NODE_VERSION, edge: "0.1.0" }),
  release: Object.freeze({ name: "node" }),
  arch: "x64",
  platform: "linux",
  argv: ["edge"],
  argv0: "edge",
  execArgv: [],
  execPath: "/usr/local/bin/edge",
  pid: 1,
  ppid: 0,
  exitCode: undefined,
  features: Object.freeze({ inspector: false, ipv6: true, tls: true, typescript: "strip" }),
  config: Object.freeze({ variables: {} }),
  env: envObject(),
  nextTick,
  hrtime,
  emitWarning,
  stdout: stream(1, (t) => console.log(t)),
  stderr: stream(2, (t) => console.error(t)),
  stdin: stream(0, () => {}),
  cwd: () => "/",
  chdir: unavailableOnEdge("process", "chdir", "working directory"),
  exit,
  reallyExit: exit,
  abort: unavailableOnEdge("process", "abort", "process of their own to end"),
  kill: unavailableOnEdge("process", "kill", "processes to signal"),
  umask: () => 0o22,
  uptime: () => (performance.now() - start) / 1e3,
  memoryUsage: Object.assign(() => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }), { rss: () => 0 }),
  cpuUsage: () => ({ user: 0, system: 0 }),
  resourceUsage: () => ({ userCPUTime: 0, systemCPUTime: 0, maxRSS: 0 }),
  getuid: () => 0,
  getgid: () => 0,
  geteuid: () => 0,
  getegid: () => 0,
  binding: unavailableOnEdge("process", "binding", "native bindings"),
});
Object.defineProperty(process, Symbol.toStringTag, { value: "process", configurable: true });
setProcessErrorHooks({ uncaught: emitUncaught, rejection: emitUnhandledRejection });

export default process;
export const { env, argv, version, versions, platform, arch, pid, stdout, stderr, stdin, cwd, uptime, memoryUsage, cpuUsage } = process;
export { nextTick, hrtime, emitWarning, exit };
