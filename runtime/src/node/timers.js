// node:timers — the global timer functions, plus setImmediate (a task after the current one,
// ahead of timers) and the promise forms under `promises`.

import * as promises from "node:timers/promises";
import { ticks } from "edge:bootstrap";

const { setTimeout, setInterval, clearTimeout, clearInterval } = globalThis;

function setImmediate(callback, ...args) {
  if (typeof callback !== "function") {
    const err = new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
  return ticks.setImmediate(callback, ...args);
}

function clearImmediate(id) {
  clearTimeout(id);
}

export default { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, promises };
export { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, promises };
