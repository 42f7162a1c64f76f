// WHATWG Streams: ReadableStream (default controller and reader), WritableStream,
// TransformStream, queuing strategies, piping and teeing. Internal slots are module-private
// symbols, so user code cannot reach them. Installed on globalThis by the bootstrap.

const S = Symbol("state");
// Captured once: user callbacks are invoked without going through (patchable) Function.prototype.
const ReflectApply = Reflect.apply;

function isObject(x) {
  return (typeof x === "object" && x !== null) || typeof x === "function";
}

function resolved(v) {
  return Promise.resolve(v);
}

function rejected(e) {
  return Promise.reject(e);
}

function deferred() {
  const d = { promise: undefined, resolve: undefined, reject: undefined, settled: false };
  d.promise = new Promise((res, rej) => {
    d.resolve = (v) => {
      d.settled = true;
      res(v);
    };
    d.reject = (e) => {
      d.settled = true;
      rej(e);
    };
  });
  return d;
}

function markHandled(p) {
  p.then(undefined, () => {});
  return p;
}

function typeError(msg) {
  return new TypeError(msg);
}

function extractHighWaterMark(strategy, fallback) {
  if (strategy === undefined || strategy.highWaterMark === undefined) return fallback;
  const hwm = Number(strategy.highWaterMark);
  if (Number.isNaN(hwm) || hwm < 0) throw new RangeError("Invalid highWaterMark");
  return hwm;
}

// `undefined` stands for the default size algorithm: every chunk counts 1.
function extractSizeAlgorithm(strategy) {
  if (strategy === undefined || strategy.size === undefined) return undefined;
  const size = strategy.size;
  if (typeof size !== "function") throw typeError("strategy.size must be a function");
  return (chunk) => size(chunk);
}

function sourceMethod(source, name) {
  if (source === undefined) return undefined;
  const f = source[name];
  if (f !== undefined && typeof f !== "function") throw typeError(`${name} must be a function`);
  return f;
}

// Calls a callback read from an underlying source, sink or transformer; the result (or the
// exception) becomes a promise. An absent callback resolves with undefined.
function invokeAsPromise(f, thisArg, args) {
  if (f === undefined) return resolved(undefined);
  try {
    return resolved(ReflectApply(f, thisArg, args));
  } catch (e) {
    return rejected(e);
  }
}

// ---------------------------------------------------------------- queue with sizes

// A controller's queue: values in `c.queue` from index `c.qhead` on, their sizes in the
// parallel `c.qsizes`. Dequeuing moves the head instead of shifting the array.

function queueLength(c) {
  return c.queue.length - c.qhead;
}

function peekQueueValue(c) {
  return c.queue[c.qhead];
}

function enqueueValueWithSize(c, value, size) {
  if (size !== 1) {
    size = Number(size);
    if (!Number.isFinite(size) || size < 0) throw new RangeError("Invalid chunk size");
  }
  c.queue.push(value);
  c.qsizes.push(size);
  c.queueTotalSize += size;
}

function dequeueValue(c) {
  const i = c.qhead;
  const value = c.queue[i];
  c.queueTotalSize -= c.qsizes[i];
  if (c.queueTotalSize < 0) c.queueTotalSize = 0;
  if (i + 1 === c.queue.length) {
    c.queue.length = 0;
    c.qsizes.length = 0;
    c.qhead = 0;
  } else if (i >= 1024 && i * 2 >= c.queue.length) {
    c.queue.splice(0, i + 1);
    c.qsizes.splice(0, i + 1);
    c.qhead = 0;
  } else {
    c.queue[i] = undefined;
    c.qhead = i + 1;
  }
  return value;
}

function resetQueue(c) {
  c.queue = [];
  c.qsizes = [];
  c.qhead = 0;
  c.queueTotalSize = 0;
}

// ---------------------------------------------------------------- ReadableStream

class ReadableStreamDefaultController {
  constructor(key = undefined) {
    if (key !== S) throw typeError("Illegal constructor");
  }
  get desiredSize() {
    return controllerDesiredSize(this[S]);
  }
  close() {
    const c = this[S];
    if (!canCloseOrEnqueue(c)) throw typeError("The stream is not in a state that permits close");
    controllerClose(c);
  }
  enqueue(chunk = undefined) {
    const c = this[S];
    if (!canCloseOrEnqueue(c)) throw typeError("The stream is not in a state that permits enqueue");
    controllerEnqueue(c, chunk);
  }
  error(e = undefined) {
    controllerError(this[S], e);
  }
  get byobRequest() {
    return null;
  }
}

function controllerDesiredSize(c) {
  const state = c.stream[S].state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return c.strategyHWM - c.queueTotalSize;
}

function canCloseOrEnqueue(c) {
  return !c.closeRequested && c.stream[S].state === "readable";
}

function controllerClose(c) {
  c.closeRequested = true;
  if (queueLength(c) === 0) {
    clearAlgorithms(c);
    streamClose(c.stream);
  }
}

function controllerEnqueue(c, chunk) {
  const stream = c.stream;
  const st = stream[S];
  if (st.reader && st.reader[S].readRequests.length > 0) {
    st.reader[S].readRequests.shift().chunk(chunk);
  } else {
    let size = 1;
    if (c.sizeAlgorithm !== undefined) {
      try {
        size = c.sizeAlgorithm(chunk);
      } catch (e) {
        controllerError(c, e);
        throw e;
      }
    }
    try {
      enqueueValueWithSize(c, chunk, size);
    } catch (e) {
      controllerError(c, e);
      throw e;
    }
  }
  callPullIfNeeded(c);
}

function controllerError(c, e) {
  if (c.kind === "bytes") return byteError(c, e);
  if (c.stream[S].state !== "readable") return;
  resetQueue(c);
  clearAlgorithms(c);
  streamError(c.stream, e);
}

function clearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
  c.sizeAlgorithm = undefined;
}

function shouldCallPull(c) {
  if (c.kind === "bytes") return byteShouldCallPull(c);
  if (!canCloseOrEnqueue(c) || !c.started) return false;
  const st = c.stream[S];
  if (st.reader && st.reader[S].readRequests.length > 0) return true;
  return controllerDesiredSize(c) > 0;
}

// `c.pullAlgorithm` is undefined when the source has no pull(): nothing to call, and no user
// code could observe the promise the spec would wait for.
function callPullIfNeeded(c) {
  if (c.pullAlgorithm === undefined || !shouldCallPull(c)) return;
  if (c.pulling) {
    c.pullAgain = true;
    return;
  }
  c.pulling = true;
  if (!c.rawPull) {
    c.pullAlgorithm().then(c.onPulled, c.onPullFailed);
    return;
  }
  // An underlying source's pull() is called as is: a promise it returns is waited for, and
  // any other result (usually undefined) settles the pull in one job, as a promise resolved
  // with it would, without making that promise and its reaction.
  let result;
  try {
    result = c.pullAlgorithm();
  } catch (e) {
    enqueueJob(() => c.onPullFailed(e));
    return;
  }
  if (result !== null && (typeof result === "object" || typeof result === "function")) {
    resolved(result).then(c.onPulled, c.onPullFailed);
  } else {
    enqueueJob(c.onPulled);
  }
}

// The engine's job queue (queueMicrotask as the bootstrap found it, whatever an app does to
// the global).
let enqueueJob;

function setUpDefaultController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, sizeAlgorithm) {
  const controller = new ReadableStreamDefaultController(S);
  const c = controllerState(stream, controller, hwm, pullAlgorithm, cancelAlgorithm);
  c.sizeAlgorithm = sizeAlgorithm;
  controller[S] = c;
  stream[S].controller = c;
  // A throwing start() is rethrown from the constructor.
  startedWhenSettled(c, startAlgorithm(controller));
}

// What both controller kinds hold: the queue, the pull state and the source's algorithms.
function controllerState(stream, controller, hwm, pullAlgorithm, cancelAlgorithm) {
  const c = {
    kind: "default",
    stream,
    controller,
    queue: [],
    qsizes: [],
    qhead: 0,
    queueTotalSize: 0,
    started: false,
    closeRequested: false,
    pullAgain: false,
    pulling: false,
    // Whether `pullAlgorithm` is an underlying source's pull() called as is.
    rawPull: false,
    strategyHWM: hwm,
    sizeAlgorithm: undefined,
    pullAlgorithm,
    cancelAlgorithm,
  };
  addPullReactions(c);
  return c;
}

// A source's pull() and cancel() as the algorithms a controller calls: each returns a promise,
// and a throw becomes a rejection. `controllerOf()` gives the controller pull() receives.
function sourceAlgorithms(source, pull, cancel, controllerOf) {
  return {
    // Raw: it may throw or return anything; `callPullIfNeeded` settles it (`rawPull`).
    pull: pull === undefined ? undefined : () => ReflectApply(pull, source, [controllerOf()]),
    cancel: (reason) => {
      try {
        return resolved(cancel === undefined ? undefined : ReflectApply(cancel, source, [reason]));
      } catch (e) {
        return rejected(e);
      }
    },
  };
}

// The reactions to a pull's promise (for either controller kind), made once per stream
// rather than once per pull.
function addPullReactions(c) {
  c.onPulled = () => {
    c.pulling = false;
    if (c.pullAgain) {
      c.pullAgain = false;
      callPullIfNeeded(c);
    }
  };
  c.onPullFailed = (e) => controllerError(c, e);
}

// The source has started once start()'s result settles; a rejection errors the stream.
function startedWhenSettled(c, startResult) {
  resolved(startResult).then(
    () => {
      c.started = true;
      callPullIfNeeded(c);
    },
    (e) => controllerError(c, e),
  );
}

function initReadableState(stream) {
  stream[S] = {
    state: "readable",
    reader: undefined,
    storedError: undefined,
    disturbed: false,
    controller: undefined,
    native: undefined,
  };
}

class ReadableStream {
  constructor(underlyingSource = undefined, strategy = undefined) {
    initReadableState(this);
    if (underlyingSource === null) throw typeError("ReadableStream: underlyingSource must be an object");
    const source = underlyingSource;
    const rawType = source === undefined ? undefined : source.type;
    const type = rawType === undefined ? undefined : String(rawType);
    if (type !== undefined && type !== "bytes") throw typeError(`Invalid type: ${type}`);
    if (type === "bytes") {
      if (strategy != null && strategy.size !== undefined) throw new RangeError("A byte stream's strategy cannot have a size function");
      setUpByteController(this, source, extractHighWaterMark(strategy, 0));
      return;
    }
    const hwm = extractHighWaterMark(strategy, 1);
    const sizeAlgorithm = extractSizeAlgorithm(strategy);
    // The source's methods are read once, as WebIDL converts the dictionary.
    const start = sourceMethod(source, "start");
    const pull = sourceMethod(source, "pull");
    const cancel = sourceMethod(source, "cancel");
    let controllerObj;
    const algorithms = sourceAlgorithms(source, pull, cancel, () => controllerObj);
    setUpDefaultController(
      this,
      (controller) => {
        controllerObj = controller;
        return start === undefined ? undefined : ReflectApply(start, source, [controller]);
      },
      algorithms.pull,
      algorithms.cancel,
      hwm,
      sizeAlgorithm,
    );
    this[S].controller.rawPull = true;
  }

  get locked() {
    return this[S].reader !== undefined;
  }

  cancel(reason = undefined) {
    if (this[S].reader !== undefined) return rejected(typeError("Cannot cancel a locked stream"));
    return streamCancel(this, reason);
  }

  getReader(options = undefined) {
    if (options !== undefined && options !== null && !isObject(options)) throw typeError("getReader: options must be an object");
    const mode = options == null ? undefined : options.mode;
    if (mode === undefined) return new ReadableStreamDefaultReader(this);
    if (String(mode) === "byob") return new ReadableStreamBYOBReader(this);
    throw typeError(`Invalid reader mode: ${mode}`);
  }

  pipeThrough(transform, options = undefined) {
    if (!isReadableStream(this)) throw typeError("Illegal invocation");
    // The pair's members convert in order (readable, then writable), then the options.
    if (!isObject(transform)) throw typeError("pipeThrough: transform must be an object");
    const readable = transform.readable;
    if (!isReadableStream(readable)) throw typeError("pipeThrough: transform.readable must be a ReadableStream");
    const writable = transform.writable;
    if (!(isObject(writable) && writable[S] !== undefined && writable instanceof WritableStream)) {
      throw typeError("pipeThrough: transform.writable must be a WritableStream");
    }
    const opts = pipeOptions(options);
    if (this.locked) throw typeError("pipeThrough: the stream is locked");
    if (writable.locked) throw typeError("pipeThrough: the writable is locked");
    markHandled(pipe(this, writable, opts));
    return readable;
  }

  pipeTo(destination, options = undefined) {
    if (!isReadableStream(this)) return rejected(typeError("Illegal invocation"));
    if (!(isObject(destination) && destination[S] !== undefined && destination instanceof WritableStream)) {
      return rejected(typeError("pipeTo: destination must be a WritableStream"));
    }
    let opts;
    try {
      opts = pipeOptions(options);
    } catch (e) {
      return rejected(e);
    }
    if (this.locked) return rejected(typeError("pipeTo: the stream is locked"));
    if (destination.locked) return rejected(typeError("pipeTo: the destination is locked"));
    return pipe(this, destination, opts);
  }

  tee() {
    return teeStream(this);
  }

  values(options = undefined) {
    if (!isReadableStream(this)) throw typeError("Illegal invocation");
    if (options !== undefined && options !== null && !isObject(options)) throw typeError("values: options must be an object");
    const preventCancel = !!(options && options.preventCancel);
    const reader = new ReadableStreamDefaultReader(this);
    const iterator = Object.create(ReadableStreamAsyncIteratorPrototype);
    iterator[ITER] = { reader, preventCancel, finished: false, ongoing: undefined };
    return iterator;
  }

  [Symbol.asyncIterator](options) {
    return this.values(options);
  }

  static from(asyncIterable) {
    if (asyncIterable instanceof ReadableStream) return asyncIterable;
    let iterator;
    const asyncMethod = asyncIterable != null ? asyncIterable[Symbol.asyncIterator] : undefined;
    if (typeof asyncMethod === "function") {
      iterator = asyncMethod.call(asyncIterable);
    } else {
      const syncMethod = asyncIterable != null ? asyncIterable[Symbol.iterator] : undefined;
      if (typeof syncMethod !== "function") throw typeError("ReadableStream.from: argument is not iterable");
      const sync = syncMethod.call(asyncIterable);
      iterator = {
        next: () => {
          const r = sync.next();
          return resolved(r.value).then((value) => ({ value, done: r.done }));
        },
        return: (v) => resolved(typeof sync.return === "function" ? sync.return(v) : { value: v, done: true }),
      };
    }
    if (!isObject(iterator)) throw typeError("ReadableStream.from: iterator is not an object");
    return new ReadableStream(
      {
        pull(controller) {
          return resolved(iterator.next()).then((r) => {
            if (!isObject(r)) throw typeError("iterator result is not an object");
            if (r.done) controller.close();
            else controller.enqueue(r.value);
          });
        },
        cancel(reason) {
          if (typeof iterator.return !== "function") return undefined;
          return resolved(iterator.return(reason)).then((r) => {
            if (!isObject(r)) throw typeError("iterator return result is not an object");
          });
        },
      },
      { highWaterMark: 0 },
    );
  }

  get [Symbol.toStringTag]() {
    return "ReadableStream";
  }
}

const AsyncIteratorPrototype = Object.getPrototypeOf(
  Object.getPrototypeOf(async function* () {}).prototype,
);

// ReadableStream's async iterator, as WebIDL defines one: next() and return() calls queue up
// behind each other (the "ongoing promise"), and the reader is driven through the internal
// algorithms, never through its (patchable) prototype methods.
const ITER = Symbol("iterator");

function iteratorState(iterator) {
  const it = isObject(iterator) ? iterator[ITER] : undefined;
  if (it === undefined) throw typeError("Illegal invocation");
  return it;
}

const ReadableStreamAsyncIteratorPrototype = Object.create(AsyncIteratorPrototype, {
  next: {
    value: function next() {
      let it;
      try {
        it = iteratorState(this);
      } catch (e) {
        return rejected(e);
      }
      const nextSteps = () => {
        if (it.finished) return resolved({ value: undefined, done: true });
        const reader = it.reader;
        return readerRead(reader).then(
          (r) => {
            it.ongoing = undefined;
            if (r.done) {
              it.finished = true;
              readerRelease(reader);
              return { value: undefined, done: true };
            }
            return r;
          },
          (e) => {
            it.ongoing = undefined;
            it.finished = true;
            readerRelease(reader);
            throw e;
          },
        );
      };
      it.ongoing = it.ongoing ? it.ongoing.then(nextSteps, nextSteps) : nextSteps();
      return it.ongoing;
    },
    writable: true,
    enumerable: true,
    configurable: true,
  },
  return: {
    value: function (value = undefined) {
      let it;
      try {
        it = iteratorState(this);
      } catch (e) {
        return rejected(e);
      }
      const returnSteps = () => {
        if (it.finished) return resolved(undefined);
        it.finished = true;
        const reader = it.reader;
        if (it.preventCancel) {
          readerRelease(reader);
          return resolved(undefined);
        }
        const result = reader[S].stream === undefined ? resolved(undefined) : streamCancel(reader[S].stream, value);
        readerRelease(reader);
        return result;
      };
      const returnPromise = it.ongoing ? it.ongoing.then(returnSteps, returnSteps) : returnSteps();
      it.ongoing = returnPromise;
      return returnPromise.then(() => ({ value, done: true }));
    },
    writable: true,
    enumerable: true,
    configurable: true,
  },
});
Object.defineProperty(ReadableStreamAsyncIteratorPrototype.return, "name", { value: "return" });

function streamCancel(stream, reason) {
  const st = stream[S];
  st.disturbed = true;
  if (st.state === "closed") return resolved(undefined);
  if (st.state === "errored") return rejected(st.storedError);
  streamClose(stream);
  const intos = st.reader === undefined ? undefined : st.reader[S].readIntoRequests;
  if (intos !== undefined) {
    st.reader[S].readIntoRequests = [];
    for (const req of intos) req.close(undefined);
  }
  const c = st.controller;
  resetQueue(c);
  if (c.kind === "bytes") byteCancelSteps(c);
  const cancel = c.cancelAlgorithm;
  clearAlgorithms(c);
  const p = cancel ? cancel(reason) : resolved(undefined);
  return p.then(() => undefined);
}

function streamClose(stream) {
  const st = stream[S];
  st.state = "closed";
  const reader = st.reader;
  if (reader === undefined) return;
  const rs = reader[S];
  const requests = rs.readRequests;
  rs.readRequests = [];
  for (const req of requests) req.close();
  rs.closed.resolve(undefined);
}

function streamError(stream, e) {
  const st = stream[S];
  st.state = "errored";
  st.storedError = e;
  const reader = st.reader;
  if (reader === undefined) return;
  const rs = reader[S];
  rs.closed.reject(e);
  markHandled(rs.closed.promise);
  const requests = rs.readRequests;
  rs.readRequests = [];
  for (const req of requests) req.error(e);
  if (rs.readIntoRequests !== undefined) {
    const intos = rs.readIntoRequests;
    rs.readIntoRequests = [];
    for (const req of intos) req.error(e);
  }
}

// A read request as the spec has it: steps for a chunk, for the end, and for an error.
// read() turns one into a promise; the response pump handles them without promises.
class PromiseReadRequest {
  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
  chunk(value) {
    this.resolve({ value, done: false });
  }
  close() {
    this.resolve({ value: undefined, done: true });
  }
  error(e = undefined) {
    this.reject(e);
  }
}

// Takes the first queued chunk of a readable stream whose queue is not empty.
function takeQueued(stream) {
  const c = stream[S].controller;
  if (c.kind === "bytes") return byteTakeQueued(c);
  const chunk = dequeueValue(c);
  if (c.closeRequested && queueLength(c) === 0) {
    clearAlgorithms(c);
    streamClose(stream);
  } else {
    callPullIfNeeded(c);
  }
  return chunk;
}

const NOTHING_QUEUED = Symbol("nothing queued");

// A queued chunk without waiting for a promise, or NOTHING_QUEUED.
function readQueued(reader) {
  const stream = reader[S].stream;
  const st = stream[S];
  if (st.state !== "readable" || queueLength(st.controller) === 0) return NOTHING_QUEUED;
  st.disturbed = true;
  return takeQueued(stream);
}

// A default reader's read(), as a promise.
function readerRead(reader) {
  const stream = reader[S].stream;
  if (stream === undefined) return rejected(typeError("The reader has been released"));
  const st = stream[S];
  st.disturbed = true;
  if (st.state === "closed") return resolved({ value: undefined, done: true });
  if (st.state === "errored") return rejected(st.storedError);
  const c = st.controller;
  if (c.kind === "bytes") {
    const request = new PromiseReadRequest();
    bytePullSteps(c, request);
    return request.promise;
  }
  if (queueLength(c) > 0) return resolved({ value: takeQueued(stream), done: false });
  const request = new PromiseReadRequest();
  reader[S].readRequests.push(request);
  callPullIfNeeded(c);
  return request.promise;
}

// Locks `stream` to `reader` (either kind); `extra` holds the kind's own request lists.
function readerAttach(reader, stream, extra) {
  const closed = deferred();
  reader[S] = { stream, readRequests: [], closed, ...extra };
  stream[S].reader = reader;
  const state = stream[S].state;
  if (state === "closed") closed.resolve(undefined);
  else if (state === "errored") {
    closed.reject(stream[S].storedError);
    markHandled(closed.promise);
  }
}

// A reader lets go of its stream; pending reads fail.
function readerRelease(reader) {
  const rs = reader[S];
  const stream = rs.stream;
  if (stream === undefined) return;
  const err = typeError("The reader was released");
  if (stream[S].state === "readable") rs.closed.reject(err);
  else rs.closed = { promise: rejected(err), resolve() {}, reject() {}, settled: true };
  markHandled(rs.closed.promise);
  const requests = rs.readRequests;
  rs.readRequests = [];
  for (const req of requests) req.error(err);
  if (stream[S].controller.kind === "bytes") byteReleaseSteps(stream[S].controller);
  stream[S].reader = undefined;
  rs.stream = undefined;
}

class ReadableStreamDefaultReader {
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw typeError("ReadableStreamDefaultReader needs a ReadableStream");
    if (stream.locked) throw typeError("The stream is already locked to a reader");
    readerAttach(this, stream, {});
  }

  get closed() {
    return this[S].closed.promise;
  }

  read() {
    return readerRead(this);
  }

  releaseLock() {
    readerRelease(this);
  }

  cancel(reason = undefined) {
    const stream = this[S].stream;
    if (stream === undefined) return rejected(typeError("The reader has been released"));
    return streamCancel(stream, reason);
  }

  get [Symbol.toStringTag]() {
    return "ReadableStreamDefaultReader";
  }
}

function teeStream(stream) {
  // A byte stream tees into byte streams (so each branch can serve BYOB readers); the second
  // branch gets its own copy of every chunk, as enqueueing transfers the chunk's buffer.
  const bytes = stream[S].controller.kind === "bytes";
  const enqueueBranch = (branch, chunk) => {
    const c = branch[S].controller;
    if (bytes) byteEnqueue(c, chunk);
    else controllerEnqueue(c, chunk);
  };
  const closeBranch = (branch) => {
    const c = branch[S].controller;
    if (!bytes) return c.controller.close();
    byteClose(c);
    if (c.pendingPullIntos.length > 0) byteRespond(c, 0);
  };
  const reader = new ReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1, reason2;
  let branch1, branch2;
  const cancelPromise = deferred();
  function pull() {
    if (reading) {
      readAgain = true;
      return resolved(undefined);
    }
    reading = true;
    reader.read().then(
      (r) => {
        queueMicrotask(() => {
          readAgain = false;
          if (r.done) {
            reading = false;
            if (!canceled1) closeBranch(branch1);
            if (!canceled2) closeBranch(branch2);
            if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
            return;
          }
          const chunk = r.value;
          const copy = bytes && !canceled1 && !canceled2 ? chunk.slice() : chunk;
          if (!canceled1) enqueueBranch(branch1, chunk);
          if (!canceled2) enqueueBranch(branch2, copy);
          reading = false;
          if (readAgain) pull();
        });
      },
      () => {
        reading = false;
      },
    );
    return resolved(undefined);
  }
  function cancelBranch(which, reason) {
    if (which === 1) {
      canceled1 = true;
      reason1 = reason;
    } else {
      canceled2 = true;
      reason2 = reason;
    }
    if (canceled1 && canceled2) {
      cancelPromise.resolve(streamCancel(stream, [reason1, reason2]));
    }
    return cancelPromise.promise;
  }
  const type = bytes ? "bytes" : undefined;
  branch1 = new ReadableStream({ type, pull, cancel: (r) => cancelBranch(1, r) }, { highWaterMark: 0 });
  branch2 = new ReadableStream({ type, pull, cancel: (r) => cancelBranch(2, r) }, { highWaterMark: 0 });
  reader[S].closed.promise.then(undefined, (e) => {
    controllerError(branch1[S].controller, e);
    controllerError(branch2[S].controller, e);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

// ---------------------------------------------------------------- WritableStream

class WritableStreamDefaultController {
  constructor(key = undefined) {
    if (key !== S) throw typeError("Illegal constructor");
  }
  get signal() {
    return this[S].abortController.signal;
  }
  error(e = undefined) {
    const c = this[S];
    if (c.stream[S].state !== "writable") return;
    writableControllerError(c, e);
  }
}

class WritableStream {
  constructor(underlyingSink = undefined, strategy = undefined) {
    if (underlyingSink === null) throw typeError("WritableStream: underlyingSink must be an object");
    const sink = underlyingSink;
    // The strategy converts first, size before highWaterMark (WebIDL dictionary order), then
    // the sink's members in alphabetical order, each read once.
    const sizeAlgorithm = extractSizeAlgorithm(strategy);
    const hwm = extractHighWaterMark(strategy, 1);
    const abort = sourceMethod(sink, "abort");
    const close = sourceMethod(sink, "close");
    const start = sourceMethod(sink, "start");
    if (sink !== undefined && sink.type !== undefined) throw new RangeError("Invalid sink type");
    const write = sourceMethod(sink, "write");
    initWritableState(this);
    let controllerObj;
    const settle = (f, args) => invokeAsPromise(f, sink, args);
    setUpWritableController(
      this,
      (controller) => {
        controllerObj = controller;
        return start === undefined ? undefined : ReflectApply(start, sink, [controller]);
      },
      (chunk) => settle(write, [chunk, controllerObj]),
      () => settle(close, []),
      (reason) => settle(abort, [reason]),
      hwm,
      sizeAlgorithm,
    );
  }

  get locked() {
    return this[S].writer !== undefined;
  }

  abort(reason = undefined) {
    if (this.locked) return rejected(typeError("Cannot abort a locked stream"));
    return writableAbort(this, reason);
  }

  close() {
    if (this.locked) return rejected(typeError("Cannot close a locked stream"));
    if (closeQueuedOrInFlight(this)) return rejected(typeError("The stream is already closing"));
    return writableClose(this);
  }

  getWriter() {
    return new WritableStreamDefaultWriter(this);
  }

  get [Symbol.toStringTag]() {
    return "WritableStream";
  }
}

function initWritableState(stream) {
  stream[S] = {
    state: "writable",
    storedError: undefined,
    writer: undefined,
    controller: undefined,
    inFlightWriteRequest: undefined,
    closeRequest: undefined,
    inFlightCloseRequest: undefined,
    pendingAbortRequest: undefined,
    writeRequests: [],
    backpressure: false,
  };
}

const CLOSE_SENTINEL = Symbol("close");

function setUpWritableController(stream, start, write, close, abort, hwm, sizeAlgorithm) {
  const controller = new WritableStreamDefaultController(S);
  const c = {
    stream,
    controller,
    queue: [],
    qsizes: [],
    qhead: 0,
    queueTotalSize: 0,
    started: false,
    strategyHWM: hwm,
    sizeAlgorithm,
    writeAlgorithm: write,
    closeAlgorithm: close,
    abortAlgorithm: abort,
    abortController: new AbortController(),
  };
  controller[S] = c;
  stream[S].controller = c;
  updateBackpressure(stream, writableDesiredSize(c) <= 0);
  // A throwing start() is rethrown from the constructor.
  const startResult = start(controller);
  resolved(startResult).then(
    () => {
      c.started = true;
      advanceQueueIfNeeded(c);
    },
    (e) => {
      c.started = true;
      dealWithRejection(stream, e);
    },
  );
}

function writableDesiredSize(c) {
  return c.strategyHWM - c.queueTotalSize;
}

function closeQueuedOrInFlight(stream) {
  const st = stream[S];
  return st.closeRequest !== undefined || st.inFlightCloseRequest !== undefined;
}

function hasInFlight(stream) {
  const st = stream[S];
  return st.inFlightWriteRequest !== undefined || st.inFlightCloseRequest !== undefined;
}

function updateBackpressure(stream, backpressure) {
  const st = stream[S];
  const writer = st.writer;
  if (writer !== undefined && backpressure !== st.backpressure) {
    if (backpressure) writer[S].ready = deferred();
    else writer[S].ready.resolve(undefined);
  }
  st.backpressure = backpressure;
}

function writableAbort(stream, reason) {
  const st = stream[S];
  if (st.state === "closed" || st.state === "errored") return resolved(undefined);
  st.controller.abortController.abort(reason);
  const state = st.state;
  if (state === "closed" || state === "errored") return resolved(undefined);
  if (st.pendingAbortRequest !== undefined) return st.pendingAbortRequest.d.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const d = deferred();
  st.pendingAbortRequest = { d, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) startErroring(stream, reason);
  return d.promise;
}

function writableClose(stream) {
  const st = stream[S];
  if (st.state === "closed" || st.state === "errored") {
    return rejected(typeError("The stream is closed or errored"));
  }
  const d = deferred();
  st.closeRequest = d;
  const writer = st.writer;
  if (writer !== undefined && st.backpressure && st.state === "writable") writer[S].ready.resolve(undefined);
  const c = st.controller;
  enqueueValueWithSize(c, CLOSE_SENTINEL, 0);
  advanceQueueIfNeeded(c);
  return d.promise;
}

function startErroring(stream, reason) {
  const st = stream[S];
  const c = st.controller;
  st.state = "erroring";
  st.storedError = reason;
  const writer = st.writer;
  if (writer !== undefined) writerEnsureReadyRejected(writer, reason);
  if (!hasInFlight(stream) && c.started) finishErroring(stream);
}

function finishErroring(stream) {
  const st = stream[S];
  st.state = "errored";
  const c = st.controller;
  resetQueue(c);
  const storedError = st.storedError;
  for (const req of st.writeRequests) req.reject(storedError);
  st.writeRequests = [];
  const abortRequest = st.pendingAbortRequest;
  if (abortRequest === undefined) {
    rejectCloseAndClosedIfNeeded(stream);
    return;
  }
  st.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.d.reject(storedError);
    rejectCloseAndClosedIfNeeded(stream);
    return;
  }
  const abort = c.abortAlgorithm;
  clearWritableAlgorithms(c);
  abort(abortRequest.reason).then(
    () => {
      abortRequest.d.resolve(undefined);
      rejectCloseAndClosedIfNeeded(stream);
    },
    (e) => {
      abortRequest.d.reject(e);
      rejectCloseAndClosedIfNeeded(stream);
    },
  );
}

function rejectCloseAndClosedIfNeeded(stream) {
  const st = stream[S];
  if (st.closeRequest !== undefined) {
    st.closeRequest.reject(st.storedError);
    st.closeRequest = undefined;
  }
  const writer = st.writer;
  if (writer !== undefined) {
    writer[S].closed.reject(st.storedError);
    markHandled(writer[S].closed.promise);
  }
}

function dealWithRejection(stream, e) {
  if (stream[S].state === "writable") {
    startErroring(stream, e);
    return;
  }
  finishErroring(stream);
}

function clearWritableAlgorithms(c) {
  c.writeAlgorithm = undefined;
  c.closeAlgorithm = undefined;
  c.abortAlgorithm = undefined;
  c.sizeAlgorithm = undefined;
}

function writableControllerError(c, e) {
  clearWritableAlgorithms(c);
  startErroring(c.stream, e);
}

function advanceQueueIfNeeded(c) {
  const stream = c.stream;
  const st = stream[S];
  if (!c.started || st.inFlightWriteRequest !== undefined) return;
  if (st.state === "erroring") {
    finishErroring(stream);
    return;
  }
  if (queueLength(c) === 0) return;
  const value = peekQueueValue(c);
  if (value === CLOSE_SENTINEL) {
    st.inFlightCloseRequest = st.closeRequest;
    st.closeRequest = undefined;
    dequeueValue(c);
    const close = c.closeAlgorithm;
    clearWritableAlgorithms(c);
    close().then(
      () => {
        st.inFlightCloseRequest.resolve(undefined);
        st.inFlightCloseRequest = undefined;
        if (st.state === "erroring") {
          st.storedError = undefined;
          if (st.pendingAbortRequest !== undefined) {
            st.pendingAbortRequest.d.resolve(undefined);
            st.pendingAbortRequest = undefined;
          }
        }
        st.state = "closed";
        if (st.writer !== undefined) st.writer[S].closed.resolve(undefined);
      },
      (e) => {
        st.inFlightCloseRequest.reject(e);
        st.inFlightCloseRequest = undefined;
        if (st.pendingAbortRequest !== undefined) {
          st.pendingAbortRequest.d.reject(e);
          st.pendingAbortRequest = undefined;
        }
        dealWithRejection(stream, e);
      },
    );
    return;
  }
  st.inFlightWriteRequest = st.writeRequests.shift();
  c.writeAlgorithm(value).then(
    () => {
      st.inFlightWriteRequest.resolve(undefined);
      st.inFlightWriteRequest = undefined;
      const state = st.state;
      dequeueValue(c);
      if (!closeQueuedOrInFlight(stream) && state === "writable") {
        updateBackpressure(stream, writableDesiredSize(c) <= 0);
      }
      advanceQueueIfNeeded(c);
    },
    (e) => {
      st.inFlightWriteRequest.reject(e);
      st.inFlightWriteRequest = undefined;
      if (st.state === "writable") clearWritableAlgorithms(c);
      dealWithRejection(stream, e);
    },
  );
}

function writerEnsureReadyRejected(writer, e) {
  const ws = writer[S];
  if (ws.ready.settled) ws.ready = deferred();
  ws.ready.reject(e);
  markHandled(ws.ready.promise);
}

class WritableStreamDefaultWriter {
  constructor(stream) {
    if (!(stream instanceof WritableStream)) throw typeError("WritableStreamDefaultWriter needs a WritableStream");
    if (stream.locked) throw typeError("The stream is already locked to a writer");
    const st = stream[S];
    const ws = { stream, ready: deferred(), closed: deferred() };
    this[S] = ws;
    st.writer = this;
    const state = st.state;
    if (state === "writable") {
      if (!closeQueuedOrInFlight(stream) && st.backpressure) {
        // pending
      } else ws.ready.resolve(undefined);
    } else if (state === "erroring") {
      ws.ready.reject(st.storedError);
      markHandled(ws.ready.promise);
    } else if (state === "closed") {
      ws.ready.resolve(undefined);
      ws.closed.resolve(undefined);
    } else {
      ws.ready.reject(st.storedError);
      markHandled(ws.ready.promise);
      ws.closed.reject(st.storedError);
      markHandled(ws.closed.promise);
    }
  }

  get closed() {
    return this[S].closed.promise;
  }

  get ready() {
    return this[S].ready.promise;
  }

  get desiredSize() {
    const stream = this[S].stream;
    if (stream === undefined) throw typeError("The writer has been released");
    const state = stream[S].state;
    if (state === "errored" || state === "erroring") return null;
    if (state === "closed") return 0;
    return writableDesiredSize(stream[S].controller);
  }

  abort(reason = undefined) {
    const stream = this[S].stream;
    if (stream === undefined) return rejected(typeError("The writer has been released"));
    return writableAbort(stream, reason);
  }

  close() {
    const stream = this[S].stream;
    if (stream === undefined) return rejected(typeError("The writer has been released"));
    if (closeQueuedOrInFlight(stream)) return rejected(typeError("The stream is already closing"));
    return writableClose(stream);
  }

  releaseLock() {
    const ws = this[S];
    const stream = ws.stream;
    if (stream === undefined) return;
    const err = typeError("The writer was released");
    writerEnsureReadyRejected(this, err);
    if (stream[S].state === "writable" && !ws.closed.settled) ws.closed.reject(err);
    else ws.closed = { promise: rejected(err), resolve() {}, reject() {}, settled: true };
    markHandled(ws.closed.promise);
    stream[S].writer = undefined;
    ws.stream = undefined;
  }

  write(chunk = undefined) {
    const stream = this[S].stream;
    if (stream === undefined) return rejected(typeError("The writer has been released"));
    const st = stream[S];
    const c = st.controller;
    let size;
    try {
      size = c.sizeAlgorithm ? c.sizeAlgorithm(chunk) : 1;
    } catch (e) {
      if (st.state === "writable") writableControllerError(c, e);
      return rejected(e);
    }
    if (stream !== this[S].stream) return rejected(typeError("The writer has been released"));
    const state = st.state;
    if (state === "errored") return rejected(st.storedError);
    if (closeQueuedOrInFlight(stream) || state === "closed") {
      return rejected(typeError("The stream is closing or closed"));
    }
    if (state === "erroring") return rejected(st.storedError);
    const d = deferred();
    st.writeRequests.push(d);
    try {
      enqueueValueWithSize(c, chunk, size);
    } catch (e) {
      writableControllerError(c, e);
      return d.promise;
    }
    if (!closeQueuedOrInFlight(stream) && st.state === "writable") {
      updateBackpressure(stream, writableDesiredSize(c) <= 0);
    }
    advanceQueueIfNeeded(c);
    return d.promise;
  }

  get [Symbol.toStringTag]() {
    return "WritableStreamDefaultWriter";
  }
}

// ---------------------------------------------------------------- piping

// StreamPipeOptions, converted as WebIDL does: members in alphabetical order, each read once.
function pipeOptions(options) {
  if (options === undefined || options === null) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
  if (!isObject(options)) throw typeError("pipe options must be an object");
  const preventAbort = !!options.preventAbort;
  const preventCancel = !!options.preventCancel;
  const preventClose = !!options.preventClose;
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw typeError("pipe options: signal must be an AbortSignal");
  return { preventAbort, preventCancel, preventClose, signal };
}

function pipe(source, dest, { preventAbort, preventCancel, preventClose, signal }) {
  const reader = new ReadableStreamDefaultReader(source);
  const writer = new WritableStreamDefaultWriter(dest);
  source[S].disturbed = true;
  const done = deferred();
  let shuttingDown = false;
  let currentWrite = resolved(undefined);

  function finalize(isError, error) {
    writer.releaseLock();
    reader.releaseLock();
    if (signal !== undefined) signal.removeEventListener("abort", onAbort);
    if (isError) done.reject(error);
    else done.resolve(undefined);
  }

  function waitForWrites() {
    const last = currentWrite;
    return last.then(() => (last !== currentWrite ? waitForWrites() : undefined), () => undefined);
  }

  function shutdown(action, isError, error) {
    if (shuttingDown) return;
    shuttingDown = true;
    const run = () => {
      if (!action) return finalize(isError, error);
      action().then(
        () => finalize(isError, error),
        (e) => finalize(true, e),
      );
    };
    if (dest[S].state === "writable" && !closeQueuedOrInFlight(dest)) waitForWrites().then(run);
    else run();
  }

  function onAbort() {
    const error = signal.reason;
    const actions = [];
    if (!preventAbort) {
      actions.push(() => (dest[S].state === "writable" ? writableAbort(dest, error) : resolved(undefined)));
    }
    if (!preventCancel) {
      actions.push(() => (source[S].state === "readable" ? streamCancel(source, error) : resolved(undefined)));
    }
    shutdown(() => Promise.all(actions.map((a) => a())), true, error);
  }

  if (signal !== undefined) {
    if (signal.aborted) {
      onAbort();
      return done.promise;
    }
    signal.addEventListener("abort", onAbort);
  }

  function checkStates() {
    const sst = source[S];
    const dst = dest[S];
    if (sst.state === "errored") {
      if (!preventAbort) shutdown(() => writableAbort(dest, sst.storedError), true, sst.storedError);
      else shutdown(undefined, true, sst.storedError);
      return true;
    }
    if (dst.state === "errored" || dst.state === "erroring") {
      if (!preventCancel) shutdown(() => streamCancel(source, dst.storedError), true, dst.storedError);
      else shutdown(undefined, true, dst.storedError);
      return true;
    }
    if (sst.state === "closed") {
      if (!preventClose) {
        shutdown(() => {
          if (closeQueuedOrInFlight(dest) || dest[S].state === "closed") return resolved(undefined);
          return writableClose(dest);
        }, false);
      } else shutdown(undefined, false);
      return true;
    }
    if (closeQueuedOrInFlight(dest) || dst.state === "closed") {
      const err = typeError("the destination is closed");
      if (!preventCancel) shutdown(() => streamCancel(source, err), true, err);
      else shutdown(undefined, true, err);
      return true;
    }
    return false;
  }

  reader.closed.then(() => checkStates(), () => checkStates());
  writer.closed.then(() => checkStates(), () => checkStates());

  function step() {
    if (shuttingDown || checkStates()) return;
    writer.ready.then(
      () => {
        if (shuttingDown) return;
        reader.read().then(
          (r) => {
            if (r.done) {
              if (!shuttingDown) checkStates();
              return;
            }
            if (shuttingDown) {
              // A chunk read before the shutdown began is still written: the shutdown waits
              // for it (the source closing right after its last chunk lands here).
              if (dest[S].state === "writable" && !closeQueuedOrInFlight(dest)) {
                currentWrite = markHandled(writer.write(r.value));
              }
              return;
            }
            currentWrite = markHandled(writer.write(r.value));
            step();
          },
          () => checkStates(),
        );
      },
      () => checkStates(),
    );
  }
  step();
  return done.promise;
}

// ---------------------------------------------------------------- TransformStream

class TransformStreamDefaultController {
  constructor(key = undefined) {
    if (key !== S) throw typeError("Illegal constructor");
  }
  get desiredSize() {
    return controllerDesiredSize(this[S].stream[S].readable[S].controller);
  }
  enqueue(chunk = undefined) {
    transformEnqueue(this[S].stream, chunk);
  }
  error(e = undefined) {
    transformError(this[S].stream, e);
  }
  terminate() {
    const ts = this[S].stream;
    const rc = ts[S].readable[S].controller;
    if (canCloseOrEnqueue(rc)) controllerClose(rc);
    transformErrorWritableAndUnblockWrite(ts, typeError("The transform stream has been terminated"));
  }
}

function transformEnqueue(ts, chunk) {
  const rc = ts[S].readable[S].controller;
  if (!canCloseOrEnqueue(rc)) throw typeError("The readable side cannot accept more chunks");
  try {
    controllerEnqueue(rc, chunk);
  } catch (e) {
    transformErrorWritableAndUnblockWrite(ts, e);
    throw ts[S].readable[S].storedError;
  }
  const backpressure = !(controllerDesiredSize(rc) > 0);
  if (backpressure !== ts[S].backpressure) setTransformBackpressure(ts, true);
}

function transformError(ts, e) {
  controllerError(ts[S].readable[S].controller, e);
  transformErrorWritableAndUnblockWrite(ts, e);
}

function transformErrorWritableAndUnblockWrite(ts, e) {
  const c = ts[S].controllerState;
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  const wc = ts[S].writable[S].controller;
  if (ts[S].writable[S].state === "writable") writableControllerError(wc, e);
  if (ts[S].backpressure) setTransformBackpressure(ts, false);
}

function setTransformBackpressure(ts, backpressure) {
  if (ts[S].backpressureChange !== undefined) ts[S].backpressureChange.resolve(undefined);
  ts[S].backpressureChange = deferred();
  ts[S].backpressure = backpressure;
}

class TransformStream {
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    if (transformer === null) throw typeError("TransformStream: transformer must be an object");
    const t = transformer;
    // The transformer's members are read once, in alphabetical order, as WebIDL converts them.
    const cancel = sourceMethod(t, "cancel");
    const flush = sourceMethod(t, "flush");
    if (t !== undefined && t.readableType !== undefined) throw new RangeError("Invalid transformer readableType");
    const start = sourceMethod(t, "start");
    const transform = sourceMethod(t, "transform");
    if (t !== undefined && t.writableType !== undefined) throw new RangeError("Invalid transformer writableType");
    const writableSize = extractSizeAlgorithm(writableStrategy);
    const writableHWM = extractHighWaterMark(writableStrategy, 1);
    const readableSize = extractSizeAlgorithm(readableStrategy);
    const readableHWM = extractHighWaterMark(readableStrategy, 0);
    const startPromise = deferred();
    const ts = this;
    const controller = new TransformStreamDefaultController(S);
    const cstate = {
      stream: this,
      transformAlgorithm: (chunk) => {
        if (transform !== undefined) return invokeAsPromise(transform, t, [chunk, controller]);
        try {
          transformEnqueue(ts, chunk);
          return resolved(undefined);
        } catch (e) {
          return rejected(e);
        }
      },
      flushAlgorithm: () => invokeAsPromise(flush, t, [controller]),
      cancelAlgorithm: (reason) => invokeAsPromise(cancel, t, [reason]),
      finishPromise: undefined,
    };
    controller[S] = cstate;
    this[S] = { backpressure: undefined, backpressureChange: undefined, controllerState: cstate };

    const writable = Object.create(WritableStream.prototype);
    initWritableState(writable);
    setUpWritableController(
      writable,
      () => startPromise.promise,
      (chunk) => transformSinkWrite(ts, chunk),
      () => transformSinkClose(ts),
      (reason) => transformSinkAbort(ts, reason),
      writableHWM,
      writableSize,
    );
    const readable = Object.create(ReadableStream.prototype);
    initReadableState(readable);
    setUpDefaultController(
      readable,
      () => startPromise.promise,
      () => {
        setTransformBackpressure(ts, false);
        return ts[S].backpressureChange.promise;
      },
      (reason) => transformSourceCancel(ts, reason),
      readableHWM,
      readableSize,
    );
    this[S].writable = writable;
    this[S].readable = readable;
    setTransformBackpressure(this, true);
    let startResult;
    try {
      startResult = start === undefined ? undefined : ReflectApply(start, t, [controller]);
    } catch (e) {
      startPromise.reject(e);
      throw e;
    }
    startPromise.resolve(startResult);
  }

  get readable() {
    return this[S].readable;
  }

  get writable() {
    return this[S].writable;
  }

  get [Symbol.toStringTag]() {
    return "TransformStream";
  }
}

function transformSinkWrite(ts, chunk) {
  const c = ts[S].controllerState;
  const perform = () =>
    c.transformAlgorithm(chunk).then(undefined, (e) => {
      transformError(ts, e);
      throw e;
    });
  if (ts[S].backpressure) {
    return ts[S].backpressureChange.promise.then(() => {
      const ws = ts[S].writable[S];
      if (ws.state === "erroring") throw ws.storedError;
      return perform();
    });
  }
  return perform();
}

function transformSinkClose(ts) {
  const c = ts[S].controllerState;
  if (c.finishPromise !== undefined) return c.finishPromise;
  const readable = ts[S].readable;
  const flush = c.flushAlgorithm;
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.finishPromise = flush().then(
    () => {
      if (readable[S].state === "errored") throw readable[S].storedError;
      const rc = readable[S].controller;
      if (canCloseOrEnqueue(rc)) controllerClose(rc);
    },
    (e) => {
      controllerError(readable[S].controller, e);
      throw readable[S].storedError;
    },
  );
  return c.finishPromise;
}

function transformSinkAbort(ts, reason) {
  const c = ts[S].controllerState;
  if (c.finishPromise !== undefined) return c.finishPromise;
  const readable = ts[S].readable;
  const cancel = c.cancelAlgorithm;
  c.cancelAlgorithm = undefined;
  c.finishPromise = cancel(reason).then(
    () => {
      if (readable[S].state === "errored") throw readable[S].storedError;
      controllerError(readable[S].controller, reason);
    },
    (e) => {
      controllerError(readable[S].controller, e);
      throw readable[S].storedError;
    },
  );
  return c.finishPromise;
}

function transformSourceCancel(ts, reason) {
  const c = ts[S].controllerState;
  if (c.finishPromise !== undefined) return c.finishPromise;
  const writable = ts[S].writable;
  const cancel = c.cancelAlgorithm;
  c.cancelAlgorithm = undefined;
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.finishPromise = cancel(reason).then(
    () => {
      if (writable[S].state === "errored") throw writable[S].storedError;
      const wc = writable[S].controller;
      if (writable[S].state === "writable") writableControllerError(wc, reason);
      if (ts[S].backpressure) setTransformBackpressure(ts, false);
    },
    (e) => {
      const wc = writable[S].controller;
      if (writable[S].state === "writable") writableControllerError(wc, e);
      if (ts[S].backpressure) setTransformBackpressure(ts, false);
      throw e;
    },
  );
  return c.finishPromise;
}

// ---------------------------------------------------------------- strategies

class ByteLengthQueuingStrategy {
  constructor(init) {
    if (!isObject(init) || init.highWaterMark === undefined) throw typeError("highWaterMark is required");
    this[S] = Number(init.highWaterMark);
  }
  get highWaterMark() {
    if (!isObject(this) || typeof this[S] !== "number") throw typeError("Illegal invocation");
    return this[S];
  }
  get size() {
    if (!isObject(this) || typeof this[S] !== "number") throw typeError("Illegal invocation");
    return byteLengthSize;
  }
}
// Methods, not functions: WebIDL's size functions have no `prototype`.
const byteLengthSize = {
  size(chunk) {
    return chunk.byteLength;
  },
}.size;

class CountQueuingStrategy {
  constructor(init) {
    if (!isObject(init) || init.highWaterMark === undefined) throw typeError("highWaterMark is required");
    this[S] = Number(init.highWaterMark);
  }
  get highWaterMark() {
    if (!isObject(this) || typeof this[S] !== "number") throw typeError("Illegal invocation");
    return this[S];
  }
  get size() {
    if (!isObject(this) || typeof this[S] !== "number") throw typeError("Illegal invocation");
    return countSize;
  }
}
const countSize = {
  size() {
    return 1;
  },
}.size;

// ---------------------------------------------------------------- text streams

class TextEncoderStream {
  constructor() {
    const encoder = new TextEncoder();
    let pendingHigh = "";
    this[S] = new TransformStream({
      transform(chunk, controller) {
        let text = pendingHigh + String(chunk);
        pendingHigh = "";
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingHigh = text[text.length - 1];
          text = text.slice(0, -1);
        }
        if (text.length > 0) controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        if (pendingHigh) controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
      },
    });
  }
  get encoding() {
    if (!isObject(this) || !(this[S] instanceof TransformStream)) throw new TypeError("Illegal invocation");
    return "utf-8";
  }
  get readable() {
    return this[S].readable;
  }
  get writable() {
    return this[S].writable;
  }
}

class TextDecoderStream {
  constructor(label = "utf-8", options = {}) {
    const decoder = new TextDecoder(label, options);
    this[S] = { decoder };
    this[S].transform = new TransformStream({
      transform(chunk, controller) {
        // The chunk is a BufferSource (not optional, unlike decode()'s argument).
        if (chunk === undefined || chunk === null) throw new TypeError("TextDecoderStream: chunk must be an ArrayBuffer or ArrayBufferView");
        const text = decoder.decode(chunk, { stream: true });
        if (text) controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.decode();
        if (text) controller.enqueue(text);
      },
    });
  }
  get encoding() {
    return this[S].decoder.encoding;
  }
  get fatal() {
    return this[S].decoder.fatal;
  }
  get ignoreBOM() {
    return this[S].decoder.ignoreBOM;
  }
  get readable() {
    return this[S].transform.readable;
  }
  get writable() {
    return this[S].transform.writable;
  }
}

// ---------------------------------------------------------------- hooks for the runtime

function streamFromNative(source) {
  const stream = new ReadableStream(
    {
      pull(controller) {
        return source.read().then((chunk) => {
          if (chunk === undefined) controller.close();
          else controller.enqueue(chunk);
        });
      },
      cancel() {
        source.cancel();
      },
    },
    { highWaterMark: 0 },
  );
  stream[S].native = source;
  return stream;
}

// A byte stream (so BYOB readers work) over bytes already in memory.
function streamFromBytes(bytes) {
  return new ReadableStream({
    type: "bytes",
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

function isReadableStream(value) {
  return isObject(value) && value[S] !== undefined && value instanceof ReadableStream;
}

function isStreamUnusable(stream) {
  return stream[S].disturbed || stream[S].reader !== undefined;
}

// The native source behind an untouched stream; the stream is marked used and closed.
function takeNativeSource(stream) {
  const st = stream[S];
  if (st.native === undefined || st.disturbed || st.reader !== undefined) return undefined;
  if (queueLength(st.controller) > 0 || st.controller.pulling) return undefined;
  const source = st.native;
  st.native = undefined;
  st.disturbed = true;
  streamClose(stream);
  return source;
}

function readAll(stream) {
  const reader = new ReadableStreamDefaultReader(stream);
  const chunks = [];
  let total = 0;
  function loop() {
    return reader.read().then((r) => {
      if (r.done) {
        const out = new Uint8Array(total);
        let offset = 0;
        for (const c of chunks) {
          out.set(c, offset);
          offset += c.byteLength;
        }
        return out;
      }
      const chunk = r.value;
      if (!(chunk instanceof Uint8Array)) {
        throw typeError("Body stream chunks must be Uint8Array");
      }
      chunks.push(chunk);
      total += chunk.byteLength;
      return loop();
    });
  }
  // The native side awaits this promise without a JS reaction: mark it handled so that a
  // failed body is reported once, as the rejection of text()/arrayBuffer(), not as uncaught.
  return markHandled(loop());
}

// Reads a response body stream into the native sink as fast as the sink accepts it. The pump
// is the stream's only reader, so it serves its read requests itself, without a promise per
// chunk: a chunk the app enqueues while the pump waits goes to the sink synchronously. The
// sink's `write` returns a promise only when the pump must wait (backpressure, first chunk).
// The pump is also the read request it queues, and its steps are methods: a streamed response
// costs no closures (QuickJS builds each closure as an object with its own properties).
class SinkPump {
  constructor(stream, sink) {
    this.stream = stream;
    this.sink = sink;
    this.reader = new ReadableStreamDefaultReader(stream);
    this.finished = false;
  }

  // The read request's steps, called from inside the app's enqueue(), close() or error():
  // never throw back into it.
  chunk(value) {
    if (this.write(value)) this.reader[S].readRequests.push(this);
  }

  close() {
    this.finish();
  }

  error(e) {
    this.fail(e);
  }

  // Writes one chunk; true when the pump may go on at once.
  write(value) {
    let wait;
    try {
      wait = this.sink.write(value);
    } catch (e) {
      // The sink refuses (the client went away, a chunk that is not bytes): cancel the stream
      // from a fresh job, not from inside the app's call.
      resolved(undefined).then(() => this.fail(e));
      return false;
    }
    if (wait === undefined) return true;
    wait.then(
      () => this.next(),
      (e) => this.fail(e),
    );
    return false;
  }

  // Drains what is queued, then waits for the next chunk with a read request.
  next() {
    if (this.finished) return;
    const stream = this.stream;
    const st = stream[S];
    for (;;) {
      if (st.state === "closed") return this.finish();
      if (st.state === "errored") return this.fail(st.storedError);
      const c = st.controller;
      if (queueLength(c) === 0) {
        this.reader[S].readRequests.push(this);
        callPullIfNeeded(c);
        return;
      }
      st.disturbed = true;
      if (!this.write(takeQueued(stream))) return;
    }
  }

  finish() {
    if (this.finished) return;
    this.finished = true;
    this.sink.close();
  }

  fail(e) {
    if (this.finished) return;
    this.finished = true;
    this.sink.abort(e);
    markHandled(this.reader.cancel(e));
  }
}

function pumpToSink(stream, sink) {
  const pump = new SinkPump(stream, sink);
  stream[S].disturbed = true;
  pump.next();
}

const streams = {
  ReadableStream,
  ReadableStreamDefaultReader,
  ReadableStreamDefaultController,
  WritableStream,
  WritableStreamDefaultWriter,
  WritableStreamDefaultController,
  TransformStream,
  TransformStreamDefaultController,
  ByteLengthQueuingStrategy,
  CountQueuingStrategy,
  TextEncoderStream,
  TextDecoderStream,
};

const streamHooks = {
  streamFromNative,
  streamFromBytes,
  isReadableStream,
  isStreamUnusable,
  takeNativeSource,
  readAll,
  pumpToSink,
  tee: teeStream,
};
