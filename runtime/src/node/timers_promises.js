// node:timers/promises — setTimeout/setImmediate that resolve with a value, and setInterval
// as an async iterator; an AbortSignal cancels them with an AbortError.

function abortError(signal) {
  const err = new Error("The operation was aborted", { cause: signal.reason });
  err.name = "AbortError";
  err.code = "ABORT_ERR";
  return err;
}

function setTimeoutPromise(delay, value, options = {}) {
  const signal = options.signal;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      globalThis.clearTimeout(id);
      reject(abortError(signal));
    };
    const id = globalThis.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }, delay);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function setImmediatePromise(value, options) {
  return setTimeoutPromise(0, value, options);
}

async function* setIntervalIterator(delay, value, options = {}) {
  const signal = options.signal;
  let ticks = 0;
  let wake = null;
  const id = globalThis.setInterval(() => {
    ticks++;
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  }, delay);
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      if (ticks === 0) await new Promise((resolve) => (wake = resolve));
      if (signal?.aborted) throw abortError(signal);
      ticks--;
      yield value;
    }
  } finally {
    globalThis.clearInterval(id);
    signal?.removeEventListener("abort", onAbort);
  }
}

const scheduler = {
  wait: (delay, options) => setTimeoutPromise(delay, undefined, options),
  yield: () => setImmediatePromise(),
};

export default { setTimeout: setTimeoutPromise, setImmediate: setImmediatePromise, setInterval: setIntervalIterator, scheduler };
export { setTimeoutPromise as setTimeout, setImmediatePromise as setImmediate, setIntervalIterator as setInterval, scheduler };
