// node:stream — Readable, Writable, Duplex, Transform and PassThrough with Node's contract:
// buffering up to `highWaterMark`, backpressure (`push`/`write` return false, `drain`),
// flowing and paused modes, object mode, string encodings, `_final`/`_flush`, destroy with
// `error` then `close`, async iteration; and `pipeline`, `finished`, `Readable.from` and the
// bridges to Web streams (`toWeb`/`fromWeb`).

import EventEmitter from "node:events";
import { Buffer } from "node:buffer";
import { StringDecoder } from "node:string_decoder";

let defaultHighWaterMark = 64 * 1024;
let defaultObjectHighWaterMark = 16;

function codedError(Ctor, code, message) {
  const err = new Ctor(message);
  err.code = code;
  return err;
}

const nextTick = (fn, ...args) => queueMicrotask(() => fn(...args));

function getDefaultHighWaterMark(objectMode) {
  return objectMode ? defaultObjectHighWaterMark : defaultHighWaterMark;
}

function setDefaultHighWaterMark(objectMode, value) {
  if (objectMode) defaultObjectHighWaterMark = value;
  else defaultHighWaterMark = value;
}

function highWaterMarkFrom(options, key, objectMode) {
  const value = options?.[key] ?? options?.highWaterMark;
  if (value === undefined) return getDefaultHighWaterMark(objectMode);
  if (!Number.isInteger(value) || value < 0) {
    throw codedError(TypeError, "ERR_INVALID_ARG_VALUE", `The property 'options.${key}' is invalid. Received ${value}`);
  }
  return value;
}

function chunkLength(chunk, objectMode) {
  return objectMode ? 1 : chunk.length;
}

function Stream(options) {
  EventEmitter.call(this, options);
}
Object.setPrototypeOf(Stream.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Stream, EventEmitter);

/** The legacy pipe of a plain Stream: data events written to `dest`. */
Stream.prototype.pipe = function pipe(dest, options) {
  return pipeInto(this, dest, options);
};

function destroyImpl(stream, err, callback) {
  const r = stream._readableState;
  const w = stream._writableState;
  const state = r ?? w;
  if (state.destroyed) {
    if (typeof callback === "function") callback(state.errored ?? null);
    return stream;
  }
  if (r) r.destroyed = true;
  if (w) w.destroyed = true;
  if (err) {
    if (r && !r.errored) r.errored = err;
    if (w && !w.errored) w.errored = err;
  }
  const finish = (error) => {
    nextTick(() => {
      if (error) {
        if (r) r.errorEmitted = true;
        if (w) w.errorEmitted = true;
        stream.emit("error", error);
      }
      if (r) r.closed = true;
      if (w) w.closed = true;
      if ((r ?? w).emitClose) stream.emit("close");
      if (typeof callback === "function") callback(error ?? null);
    });
  };
  try {
    stream._destroy(err ?? null, (error) => finish(error ?? err ?? null));
  } catch (e) {
    finish(e);
  }
  return stream;
}

// ---------------------------------------------------------------------------------------------
// Readable

class ReadableState {
  constructor(options, stream, isDuplex) {
    this.objectMode = !!(options?.objectMode || (isDuplex && options?.readableObjectMode));
    this.highWaterMark = highWaterMarkFrom(options, "readableHighWaterMark", this.objectMode);
    this.buffer = [];
    this.length = 0;
    this.pipes = [];
    this.flowing = null;
    this.ended = false;
    this.endEmitted = false;
    this.reading = false;
    this.constructed = true;
    this.sync = true;
    this.needReadable = false;
    this.emittedReadable = false;
    this.readableListening = false;
    this.resumeScheduled = false;
    this.errorEmitted = false;
    this.emitClose = options?.emitClose !== false;
    this.autoDestroy = options?.autoDestroy !== false;
    this.destroyed = false;
    this.errored = null;
    this.closed = false;
    this.dataEmitted = false;
    this.defaultEncoding = options?.defaultEncoding || "utf8";
    this.decoder = null;
    this.encoding = null;
    if (options?.encoding) {
      this.decoder = new StringDecoder(options.encoding);
      this.encoding = options.encoding;
    }
    this.flowScheduled = false;
  }
}

function Readable(options) {
  if (!(this instanceof Readable)) return new Readable(options);
  const isDuplex = this instanceof Duplex;
  this._readableState = new ReadableState(options, this, isDuplex);
  if (options) {
    if (typeof options.read === "function") this._read = options.read;
    if (typeof options.destroy === "function") this._destroy = options.destroy;
    if (typeof options.construct === "function") this._construct = options.construct;
    if (options.signal) addAbortSignal(options.signal, this);
  }
  Stream.call(this, options);
  if (typeof this._construct === "function" && !isDuplex) constructStream(this);
}
Object.setPrototypeOf(Readable.prototype, Stream.prototype);
Object.setPrototypeOf(Readable, Stream);

function constructStream(stream) {
  const r = stream._readableState;
  const w = stream._writableState;
  if (r) r.constructed = false;
  if (w) w.constructed = false;
  nextTick(() => {
    stream._construct((err) => {
      if (r) r.constructed = true;
      if (w) w.constructed = true;
      if (err) {
        destroyImpl(stream, err);
        return;
      }
      if (r && (r.needReadable || r.flowing)) maybeReadMore(stream, r);
      if (w) {
        clearBuffer(stream, w);
        finishMaybe(stream, w);
      }
    });
  });
}

Readable.prototype._read = function _read() {
  throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The _read() method is not implemented");
};

Readable.prototype._destroy = function _destroy(err, cb) {
  cb(err);
};

Readable.prototype.destroy = function destroy(err, cb) {
  return destroyImpl(this, err, cb);
};

Readable.prototype.push = function push(chunk, encoding) {
  return addChunk(this, chunk, encoding, false);
};

Readable.prototype.unshift = function unshift(chunk, encoding) {
  return addChunk(this, chunk, encoding, true);
};

function addChunk(stream, chunk, encoding, front) {
  const state = stream._readableState;
  if (chunk === null) {
    state.reading = false;
    onEof(stream, state);
    return false;
  }
  if (!state.objectMode) {
    if (typeof chunk === "string") {
      encoding = encoding || state.defaultEncoding;
      if (state.encoding && state.encoding === encoding) {
        // already text in the stream's encoding
      } else {
        chunk = Buffer.from(chunk, encoding);
      }
    } else if (chunk instanceof Uint8Array) {
      if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else if (chunk !== undefined) {
      const err = codedError(TypeError, "ERR_INVALID_ARG_TYPE", `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${typeof chunk}`);
      destroyImpl(stream, err);
      return false;
    }
  }
  if (state.destroyed) return false;
  if (state.ended && !front) {
    destroyImpl(stream, codedError(Error, "ERR_STREAM_PUSH_AFTER_EOF", "stream.push() after EOF"));
    return false;
  }
  state.reading = false;
  if (chunk === undefined || (!state.objectMode && chunk.length === 0)) {
    maybeReadMore(stream, state);
    return state.length < state.highWaterMark;
  }
  if (state.decoder && typeof chunk !== "string") {
    chunk = state.decoder.write(chunk);
    if (chunk.length === 0) {
      maybeReadMore(stream, state);
      return state.length < state.highWaterMark;
    }
  }
  if (state.flowing && state.length === 0 && !state.sync && stream.listenerCount("data") > 0 && !front) {
    state.dataEmitted = true;
    stream.emit("data", chunk);
  } else {
    state.length += chunkLength(chunk, state.objectMode);
    if (front) state.buffer.unshift(chunk);
    else state.buffer.push(chunk);
    if (state.needReadable) emitReadable(stream);
  }
  maybeReadMore(stream, state);
  return state.length < state.highWaterMark || state.length === 0;
}

function onEof(stream, state) {
  if (state.ended) return;
  if (state.decoder) {
    const rest = state.decoder.end();
    if (rest && rest.length) {
      state.buffer.push(rest);
      state.length += state.objectMode ? 1 : rest.length;
    }
  }
  state.ended = true;
  if (state.sync) emitReadable(stream);
  else {
    state.needReadable = false;
    state.emittedReadable = true;
    emitReadableNow(stream);
  }
}

function emitReadable(stream) {
  const state = stream._readableState;
  state.needReadable = false;
  if (!state.emittedReadable) {
    state.emittedReadable = true;
    nextTick(emitReadableNow, stream);
  }
}

function emitReadableNow(stream) {
  const state = stream._readableState;
  if (!state.destroyed && !state.errored && (state.length || state.ended)) {
    stream.emit("readable");
    state.emittedReadable = false;
  }
  state.needReadable = !state.flowing && !state.ended && state.length <= state.highWaterMark;
  flow(stream);
}

function maybeReadMore(stream, state) {
  if (state.readingMore || !state.constructed) return;
  state.readingMore = true;
  nextTick(() => {
    while (
      !state.reading &&
      !state.ended &&
      !state.destroyed &&
      (state.length < state.highWaterMark || (state.flowing && state.length === 0))
    ) {
      const len = state.length;
      stream.read(0);
      if (len === state.length) break;
    }
    state.readingMore = false;
  });
}

function takeFromBuffer(n, state) {
  if (state.length === 0) return null;
  let out;
  if (state.objectMode) out = state.buffer.shift();
  else if (!n || n >= state.length) {
    if (state.decoder) out = state.buffer.join("");
    else if (state.buffer.length === 1) out = state.buffer[0];
    else out = Buffer.concat(state.buffer, state.length);
    state.buffer.length = 0;
  } else {
    out = takeBytes(n, state);
  }
  return out;
}

function takeBytes(n, state) {
  const first = state.buffer[0];
  if (n < first.length) {
    state.buffer[0] = first.slice(n);
    return first.slice(0, n);
  }
  if (n === first.length) return state.buffer.shift();
  const parts = [];
  let need = n;
  while (need > 0) {
    const chunk = state.buffer[0];
    if (chunk.length <= need) {
      parts.push(state.buffer.shift());
      need -= chunk.length;
    } else {
      parts.push(chunk.slice(0, need));
      state.buffer[0] = chunk.slice(need);
      need = 0;
    }
  }
  return state.decoder ? parts.join("") : Buffer.concat(parts, n);
}

function howMuchToRead(n, state) {
  if (n <= 0 || (state.length === 0 && state.ended)) return 0;
  if (state.objectMode) return 1;
  if (Number.isNaN(n) || n === undefined) {
    if (state.flowing && state.length) return state.objectMode ? 1 : state.buffer[0].length;
    return state.length;
  }
  if (n <= state.length) return n;
  return state.ended ? state.length : 0;
}

Readable.prototype.read = function read(n) {
  const state = this._readableState;
  if (n === undefined) n = NaN;
  else if (typeof n !== "number") n = Number.parseInt(n, 10);
  const nOrig = n;
  if (n > state.highWaterMark) {
    let hwm = 1;
    while (hwm < n) hwm *= 2;
    state.highWaterMark = hwm;
  }
  if (n !== 0) state.emittedReadable = false;
  if (n === 0 && state.needReadable && ((state.highWaterMark !== 0 ? state.length >= state.highWaterMark : state.length > 0) || state.ended)) {
    if (state.length === 0 && state.ended) endReadable(this);
    else emitReadable(this);
    return null;
  }
  n = howMuchToRead(n, state);
  if (n === 0 && state.ended) {
    if (state.length === 0) endReadable(this);
    return null;
  }
  let doRead = state.needReadable;
  if (state.length === 0 || state.length - n < state.highWaterMark) doRead = true;
  if (state.ended || state.reading || state.destroyed || state.errored || !state.constructed) doRead = false;
  else if (doRead) {
    state.reading = true;
    state.sync = true;
    if (state.length === 0) state.needReadable = true;
    try {
      this._read(state.highWaterMark);
    } catch (err) {
      destroyImpl(this, err);
    }
    state.sync = false;
    if (!state.reading) n = howMuchToRead(nOrig, state);
  }
  let ret = n > 0 ? takeFromBuffer(n, state) : null;
  if (ret === null) {
    state.needReadable = state.length <= state.highWaterMark;
    n = 0;
  } else {
    state.length -= state.objectMode ? 1 : ret.length;
  }
  if (state.length === 0) {
    if (!state.ended) state.needReadable = true;
    if (nOrig !== n && state.ended) endReadable(this);
  }
  if (ret !== null && !state.errorEmitted && !state.closeEmitted) {
    state.dataEmitted = true;
    this.emit("data", ret);
  }
  return ret;
};

function endReadable(stream) {
  const state = stream._readableState;
  if (!state.endEmitted) {
    state.ended = true;
    nextTick(() => {
      if (!state.errored && !state.closeEmitted && !state.endEmitted && state.length === 0) {
        state.endEmitted = true;
        stream.emit("end");
        const w = stream._writableState;
        if (w && !w.ending && stream.allowHalfOpen === false) stream.end();
        else if (state.autoDestroy && (!w || (w.autoDestroy && (w.finished || w.writable === false)))) stream.destroy();
      }
    });
  }
}

function flow(stream) {
  const state = stream._readableState;
  while (state.flowing && stream.read() !== null);
}

Readable.prototype.on = function on(event, listener) {
  const res = Stream.prototype.on.call(this, event, listener);
  const state = this._readableState;
  if (event === "data") {
    state.readableListening = this.listenerCount("readable") > 0;
    if (state.flowing !== false) this.resume();
  } else if (event === "readable") {
    if (!state.endEmitted && !state.readableListening) {
      state.readableListening = state.needReadable = true;
      state.flowing = false;
      state.emittedReadable = false;
      if (state.length) emitReadable(this);
      else if (!state.reading) nextTick(() => this.read(0));
    }
  }
  return res;
};
Readable.prototype.addListener = Readable.prototype.on;

Readable.prototype.removeListener = function removeListener(event, listener) {
  const res = Stream.prototype.removeListener.call(this, event, listener);
  if (event === "readable") nextTick(updateReadableListening, this);
  return res;
};
Readable.prototype.off = Readable.prototype.removeListener;

function updateReadableListening(stream) {
  const state = stream._readableState;
  state.readableListening = stream.listenerCount("readable") > 0;
  if (state.resumeScheduled && state.paused === false) state.flowing = true;
  else if (stream.listenerCount("data") > 0) stream.resume();
  else if (!state.readableListening) state.flowing = null;
}

Readable.prototype.resume = function resume() {
  const state = this._readableState;
  if (!state.flowing) {
    state.flowing = !state.readableListening;
    if (!state.resumeScheduled) {
      state.resumeScheduled = true;
      nextTick(() => {
        if (!state.reading) this.read(0);
        state.resumeScheduled = false;
        this.emit("resume");
        flow(this);
        if (state.flowing && !state.reading) this.read(0);
      });
    }
  }
  state.paused = false;
  return this;
};

Readable.prototype.pause = function pause() {
  const state = this._readableState;
  if (state.flowing !== false) {
    state.flowing = false;
    this.emit("pause");
  }
  state.paused = true;
  return this;
};

Readable.prototype.isPaused = function isPaused() {
  const state = this._readableState;
  return state.paused === true || state.flowing === false;
};

Readable.prototype.setEncoding = function setEncoding(encoding) {
  const state = this._readableState;
  const decoder = new StringDecoder(encoding);
  state.decoder = decoder;
  state.encoding = decoder.encoding;
  let content = "";
  for (const chunk of state.buffer) content += typeof chunk === "string" ? chunk : decoder.write(chunk);
  state.buffer = content ? [content] : [];
  state.length = content.length;
  return this;
};

Readable.prototype.pipe = function pipe(dest, options) {
  return pipeInto(this, dest, options);
};

function pipeInto(src, dest, options) {
  const state = src._readableState;
  if (state) state.pipes.push(dest);
  const doEnd = options?.end !== false;
  let waitingDrain = false;
  const ondata = (chunk) => {
    const ok = dest.write(chunk);
    if (ok === false && !waitingDrain) {
      waitingDrain = true;
      src.pause();
      dest.once("drain", ondrain);
    }
  };
  const ondrain = () => {
    waitingDrain = false;
    src.resume();
  };
  const onend = () => {
    if (doEnd) dest.end();
  };
  const onerror = (err) => {
    unpipe();
    dest.removeListener("error", onerror);
    if (dest.listenerCount("error") === 0) {
      const s = dest._writableState ?? dest._readableState;
      if (s && !s.errorEmitted) destroyImpl(dest, err);
      else dest.emit("error", err);
    }
  };
  const onclose = () => unpipe();
  const unpipe = () => {
    src.removeListener("data", ondata);
    src.removeListener("end", onend);
    dest.removeListener("drain", ondrain);
    dest.removeListener("close", onclose);
    dest.removeListener("finish", onclose);
    if (state) state.pipes = state.pipes.filter((d) => d !== dest);
  };
  src.on("data", ondata);
  if (doEnd) src.once("end", onend);
  dest.prependListener?.("error", onerror) ?? dest.on("error", onerror);
  dest.once("close", onclose);
  dest.once("finish", onclose);
  dest._unpipeFrom = dest._unpipeFrom ?? new Map();
  dest._unpipeFrom.set(src, unpipe);
  dest.emit("pipe", src);
  if (state && !state.flowing) src.resume();
  return dest;
}

Readable.prototype.unpipe = function unpipe(dest) {
  const state = this._readableState;
  const targets = dest ? state.pipes.filter((d) => d === dest) : [...state.pipes];
  for (const d of targets) {
    d._unpipeFrom?.get(this)?.();
    d._unpipeFrom?.delete(this);
    d.emit("unpipe", this);
  }
  if (state.pipes.length === 0) this.pause();
  return this;
};

Readable.prototype.wrap = function wrap(stream) {
  stream.on("data", (chunk) => {
    if (!this.push(chunk)) stream.pause?.();
  });
  stream.on("end", () => this.push(null));
  stream.on("error", (err) => destroyImpl(this, err));
  this._read = () => stream.resume?.();
  return this;
};

Readable.prototype[Symbol.asyncIterator] = function asyncIterator() {
  return iterate(this);
};

Readable.prototype.iterator = function iterator(options) {
  return iterate(this, options);
};

async function* iterate(stream, options) {
  let wake = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on("readable", signal);
  let error = null;
  let done = false;
  const cleanup = finished(stream, { writable: false }, (err) => {
    error = err && err.code !== "ERR_STREAM_PREMATURE_CLOSE" ? err : null;
    done = true;
    signal();
  });
  try {
    while (true) {
      const chunk = stream.destroyed ? null : stream.read();
      if (chunk !== null) yield chunk;
      else if (error) throw error;
      else if (done) return;
      else await new Promise((resolve) => (wake = resolve));
    }
  } finally {
    cleanup();
    stream.removeListener("readable", signal);
    if (options?.destroyOnReturn !== false && !stream._readableState.endEmitted) destroyImpl(stream, null);
  }
}

for (const [name, get] of Object.entries({
  readable() {
    const s = this._readableState;
    return !!s && !s.destroyed && !s.errored && !s.endEmitted && s.readable !== false;
  },
  readableEnded() {
    return this._readableState.endEmitted;
  },
  readableFlowing() {
    return this._readableState.flowing;
  },
  readableLength() {
    return this._readableState.length;
  },
  readableHighWaterMark() {
    return this._readableState.highWaterMark;
  },
  readableObjectMode() {
    return this._readableState.objectMode;
  },
  readableEncoding() {
    return this._readableState.encoding;
  },
  readableAborted() {
    const s = this._readableState;
    return (s.destroyed || !!s.errored) && !s.endEmitted;
  },
  readableDidRead() {
    return this._readableState.dataEmitted;
  },
  destroyed() {
    return (this._readableState ?? this._writableState).destroyed;
  },
  closed() {
    return (this._readableState ?? this._writableState).closed;
  },
  errored() {
    return (this._readableState ?? this._writableState).errored;
  },
})) {
  Object.defineProperty(Readable.prototype, name, {
    get,
    set: name === "readable" ? function (v) { this._readableState.readable = v; } : name === "destroyed" ? function (v) { this._readableState.destroyed = v; } : undefined,
    configurable: true,
    enumerable: false,
  });
}

/** Readable helpers (the iterator-style ones Node adds). */
Readable.prototype.toArray = async function toArray(options) {
  const out = [];
  for await (const chunk of this) {
    options?.signal?.throwIfAborted();
    out.push(chunk);
  }
  return out;
};

Readable.prototype.forEach = async function forEach(fn) {
  for await (const chunk of this) await fn(chunk);
};

Readable.prototype.map = function map(fn) {
  const src = this;
  return Readable.from((async function* () {
    for await (const chunk of src) yield await fn(chunk);
  })());
};

Readable.prototype.filter = function filter(fn) {
  const src = this;
  return Readable.from((async function* () {
    for await (const chunk of src) if (await fn(chunk)) yield chunk;
  })());
};

Readable.from = function from(iterable, options) {
  if (typeof iterable === "string" || iterable instanceof Uint8Array) {
    return new Readable({
      objectMode: true,
      ...options,
      read() {
        this.push(iterable);
        this.push(null);
      },
    });
  }
  const isAsync = iterable && typeof iterable[Symbol.asyncIterator] === "function";
  if (!isAsync && !(iterable && typeof iterable[Symbol.iterator] === "function")) {
    throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "iterable" argument must be an instance of Iterable.');
  }
  const iterator = isAsync ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
  let reading = false;
  return new Readable({
    objectMode: true,
    highWaterMark: 1,
    ...options,
    async read() {
      if (reading) return;
      reading = true;
      try {
        while (true) {
          const { value, done } = isAsync ? await iterator.next() : iterator.next();
          if (done) {
            this.push(null);
            break;
          }
          const chunk = await value;
          if (chunk === null) throw codedError(TypeError, "ERR_STREAM_NULL_VALUES", "May not write null values to stream");
          if (!this.push(chunk)) break;
        }
      } catch (err) {
        this.destroy(err);
      } finally {
        reading = false;
      }
    },
    destroy(err, cb) {
      Promise.resolve(iterator.return?.())
        .then(() => cb(err), (e) => cb(err ?? e));
    },
  });
};

Readable.fromWeb = function fromWeb(readableStream, options) {
  const reader = readableStream.getReader();
  return new Readable({
    ...options,
    read() {
      reader.read().then(
        ({ value, done }) => (done ? this.push(null) : this.push(options?.objectMode ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength))),
        (err) => this.destroy(err),
      );
    },
    destroy(err, cb) {
      reader.cancel(err ?? undefined).then(() => cb(err), () => cb(err));
    },
  });
};

Readable.toWeb = function toWeb(readable) {
  let onData;
  return new ReadableStream({
    start(controller) {
      onData = (chunk) => {
        controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (controller.desiredSize <= 0) readable.pause();
      };
      readable.on("data", onData);
      finished(readable, { writable: false }, (err) => {
        if (err && err.code !== "ERR_STREAM_PREMATURE_CLOSE") controller.error(err);
        else {
          try {
            controller.close();
          } catch {
            // closed already (cancelled)
          }
        }
      });
      readable.pause();
    },
    pull() {
      readable.resume();
    },
    cancel(reason) {
      destroyImpl(readable, reason);
    },
  });
};

Readable.isDisturbed = function isDisturbed(stream) {
  const s = stream?._readableState;
  return !!s && (s.dataEmitted || s.destroyed || s.endEmitted);
};

Readable.ReadableState = ReadableState;

// ---------------------------------------------------------------------------------------------
// Writable

class WritableState {
  constructor(options, stream, isDuplex) {
    this.objectMode = !!(options?.objectMode || (isDuplex && options?.writableObjectMode));
    this.highWaterMark = highWaterMarkFrom(options, "writableHighWaterMark", this.objectMode);
    this.decodeStrings = options?.decodeStrings !== false;
    this.defaultEncoding = options?.defaultEncoding || "utf8";
    this.length = 0;
    this.writing = false;
    this.corked = 0;
    this.sync = true;
    this.buffered = [];
    this.pendingcb = 0;
    this.needDrain = false;
    this.ending = false;
    this.ended = false;
    this.finished = false;
    this.prefinished = false;
    this.finalCalled = false;
    this.constructed = true;
    this.destroyed = false;
    this.errored = null;
    this.errorEmitted = false;
    this.closed = false;
    this.emitClose = options?.emitClose !== false;
    this.autoDestroy = options?.autoDestroy !== false;
    this.finishCallbacks = [];
  }
}

function Writable(options) {
  const isDuplex = this instanceof Duplex;
  if (!isDuplex && !(this instanceof Writable)) return new Writable(options);
  this._writableState = new WritableState(options, this, isDuplex);
  if (options) {
    if (typeof options.write === "function") this._write = options.write;
    if (typeof options.writev === "function") this._writev = options.writev;
    if (typeof options.destroy === "function") this._destroy = options.destroy;
    if (typeof options.final === "function") this._final = options.final;
    if (typeof options.construct === "function") this._construct = options.construct;
    if (options.signal) addAbortSignal(options.signal, this);
  }
  Stream.call(this, options);
  if (typeof this._construct === "function") constructStream(this);
}
Object.setPrototypeOf(Writable.prototype, Stream.prototype);
Object.setPrototypeOf(Writable, Stream);

Object.defineProperty(Writable, Symbol.hasInstance, {
  value(object) {
    if (Function.prototype[Symbol.hasInstance].call(this, object)) return true;
    if (this !== Writable) return false;
    return !!object?._writableState;
  },
});

Writable.prototype._write = function _write(chunk, encoding, cb) {
  if (this._writev) this._writev([{ chunk, encoding }], cb);
  else throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The _write() method is not implemented");
};

Writable.prototype._destroy = function _destroy(err, cb) {
  cb(err);
};

Writable.prototype.destroy = function destroy(err, cb) {
  const state = this._writableState;
  if (!state.destroyed && (state.buffered.length || state.finishCallbacks.length)) {
    const e = codedError(Error, "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
    nextTick(() => {
      for (const { callback } of state.buffered.splice(0)) callback(e);
      for (const cb2 of state.finishCallbacks.splice(0)) cb2(e);
    });
  }
  return destroyImpl(this, err, cb);
};

Writable.prototype.write = function write(chunk, encoding, cb) {
  const state = this._writableState;
  if (typeof encoding === "function") {
    cb = encoding;
    encoding = null;
  }
  encoding = encoding || state.defaultEncoding;
  if (typeof cb !== "function") cb = () => {};
  if (chunk === null) throw codedError(TypeError, "ERR_STREAM_NULL_VALUES", "May not write null values to stream");
  if (!state.objectMode) {
    if (typeof chunk === "string") {
      if (state.decodeStrings !== false) {
        chunk = Buffer.from(chunk, encoding);
        encoding = "buffer";
      }
    } else if (chunk instanceof Uint8Array) {
      if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      encoding = "buffer";
    } else {
      throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${typeof chunk}`);
    }
  }
  let err;
  if (state.ending) err = codedError(Error, "ERR_STREAM_WRITE_AFTER_END", "write after end");
  else if (state.destroyed) err = codedError(Error, "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
  if (err) {
    nextTick(cb, err);
    destroyImpl(this, err);
    return false;
  }
  state.pendingcb++;
  const len = chunkLength(chunk, state.objectMode);
  state.length += len;
  const ret = state.length < state.highWaterMark;
  if (!ret) state.needDrain = true;
  if (state.writing || state.corked || state.errored || !state.constructed) {
    state.buffered.push({ chunk, encoding, callback: cb });
  } else {
    doWrite(this, state, chunk, encoding, cb, len);
  }
  return ret && !state.errored && !state.destroyed;
};

function doWrite(stream, state, chunk, encoding, cb, len) {
  state.writelen = len;
  state.writecb = cb;
  state.writing = true;
  state.sync = true;
  if (state.destroyed) onwrite(stream, codedError(Error, "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed"));
  else stream._write(chunk, encoding, (err) => onwrite(stream, err));
  state.sync = false;
}

function doWritev(stream, state, entries, cb, len) {
  state.writelen = len;
  state.writecb = cb;
  state.writing = true;
  state.sync = true;
  stream._writev(entries, (err) => onwrite(stream, err));
  state.sync = false;
}

function onwrite(stream, err) {
  const state = stream._writableState;
  const cb = state.writecb;
  if (typeof cb !== "function") {
    destroyImpl(stream, codedError(Error, "ERR_MULTIPLE_CALLBACK", "Callback called multiple times"));
    return;
  }
  state.writing = false;
  state.writecb = null;
  state.length -= state.writelen;
  state.writelen = 0;
  if (err) {
    if (!state.errored) state.errored = err;
    if (stream._readableState && !stream._readableState.errored) stream._readableState.errored = err;
    const after = () => {
      state.pendingcb--;
      cb(err);
      for (const { callback } of state.buffered.splice(0)) callback(err);
      destroyImpl(stream, err);
    };
    if (state.sync) nextTick(after);
    else after();
    return;
  }
  if (state.buffered.length) clearBuffer(stream, state);
  if (state.sync) {
    if (state.afterWriteTick?.cb === cb) state.afterWriteTick.count++;
    else {
      const tick = { count: 1, cb };
      state.afterWriteTick = tick;
      nextTick(() => {
        if (state.afterWriteTick === tick) state.afterWriteTick = null;
        afterWrite(stream, state, tick.count, tick.cb);
      });
    }
  } else {
    afterWrite(stream, state, 1, cb);
  }
}

function afterWrite(stream, state, count, cb) {
  const needDrain = !state.ending && !stream.destroyed && state.length === 0 && state.needDrain;
  if (needDrain) {
    state.needDrain = false;
    stream.emit("drain");
  }
  while (count-- > 0) {
    state.pendingcb--;
    cb(null);
  }
  if (state.destroyed) {
    for (const { callback } of state.buffered.splice(0)) callback(codedError(Error, "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed"));
  }
  finishMaybe(stream, state);
}

function clearBuffer(stream, state) {
  if (state.corked || state.writing || state.destroyed || !state.constructed) return;
  const buffered = state.buffered;
  if (buffered.length === 0) return;
  if (buffered.length > 1 && stream._writev) {
    const entries = buffered.splice(0);
    state.pendingcb -= entries.length - 1;
    const len = state.objectMode ? entries.length : entries.reduce((n, e) => n + e.chunk.length, 0);
    const callbacks = entries.map((e) => e.callback);
    doWritev(stream, state, entries.map(({ chunk, encoding }) => ({ chunk, encoding })), (err) => {
      for (const c of callbacks) c(err);
    }, len);
  } else {
    const { chunk, encoding, callback } = buffered.shift();
    doWrite(stream, state, chunk, encoding, callback, chunkLength(chunk, state.objectMode));
  }
}

Writable.prototype.cork = function cork() {
  this._writableState.corked++;
};

Writable.prototype.uncork = function uncork() {
  const state = this._writableState;
  if (state.corked) {
    state.corked--;
    if (!state.writing) clearBuffer(this, state);
  }
};

Writable.prototype.setDefaultEncoding = function setDefaultEncoding(encoding) {
  if (typeof encoding === "string") encoding = encoding.toLowerCase();
  if (!Buffer.isEncoding(encoding)) throw codedError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
  this._writableState.defaultEncoding = encoding;
  return this;
};

Writable.prototype.end = function end(chunk, encoding, cb) {
  const state = this._writableState;
  if (typeof chunk === "function") {
    cb = chunk;
    chunk = null;
    encoding = null;
  } else if (typeof encoding === "function") {
    cb = encoding;
    encoding = null;
  }
  if (chunk !== null && chunk !== undefined) this.write(chunk, encoding);
  if (state.corked) {
    state.corked = 1;
    this.uncork();
  }
  let err;
  if (!state.errored && !state.ending) {
    state.ending = true;
    finishMaybe(this, state, true);
    state.ended = true;
  } else if (state.finished) {
    err = codedError(Error, "ERR_STREAM_ALREADY_FINISHED", "Cannot call end after a stream was finished");
  } else if (state.destroyed) {
    err = codedError(Error, "ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed");
  }
  if (typeof cb === "function") {
    if (err || state.finished) nextTick(cb, err ?? null);
    else state.finishCallbacks.push(cb);
  }
  return this;
};

function needFinish(state) {
  return state.ending && !state.destroyed && state.constructed && state.length === 0 && !state.errored && state.buffered.length === 0 && !state.finished && !state.writing && !state.errorEmitted && !state.closeEmitted;
}

function finishMaybe(stream, state, sync) {
  if (!needFinish(state)) return;
  if (!state.prefinished && !state.finalCalled) {
    if (typeof stream._final === "function" && !state.destroyed) {
      state.finalCalled = true;
      state.pendingcb++;
      state.sync = true;
      let called = false;
      const onFinal = (err) => {
        if (called) {
          destroyImpl(stream, codedError(Error, "ERR_MULTIPLE_CALLBACK", "Callback called multiple times"));
          return;
        }
        called = true;
        state.pendingcb--;
        if (err) {
          for (const cb of state.finishCallbacks.splice(0)) cb(err);
          destroyImpl(stream, err);
          return;
        }
        state.prefinished = true;
        stream.emit("prefinish");
        state.pendingcb++;
        nextTick(finish, stream, state);
      };
      try {
        stream._final(onFinal);
      } catch (err) {
        onFinal(err);
      }
      state.sync = false;
      return;
    }
    state.prefinished = true;
    stream.emit("prefinish");
  }
  if (state.pendingcb === 0) {
    state.pendingcb++;
    if (sync) nextTick(finish, stream, state);
    else finish(stream, state);
  }
}

function finish(stream, state) {
  state.pendingcb--;
  if (state.errorEmitted || state.closeEmitted || state.finished) return;
  state.finished = true;
  for (const cb of state.finishCallbacks.splice(0)) cb(null);
  stream.emit("finish");
  if (state.autoDestroy) {
    const r = stream._readableState;
    if (!r || (r.autoDestroy && (r.endEmitted || r.readable === false))) stream.destroy();
  }
}

for (const [name, get] of Object.entries({
  writable() {
    const w = this._writableState;
    return !!w && w.writable !== false && !w.destroyed && !w.errored && !w.ending && !w.ended;
  },
  writableEnded() {
    return this._writableState.ending;
  },
  writableFinished() {
    return this._writableState.finished;
  },
  writableLength() {
    return this._writableState.length;
  },
  writableHighWaterMark() {
    return this._writableState.highWaterMark;
  },
  writableObjectMode() {
    return this._writableState.objectMode;
  },
  writableCorked() {
    return this._writableState.corked;
  },
  writableNeedDrain() {
    const w = this._writableState;
    return !w.destroyed && !w.ending && w.needDrain;
  },
  writableAborted() {
    const w = this._writableState;
    return (w.destroyed || !!w.errored) && !w.finished;
  },
  destroyed() {
    return this._writableState.destroyed;
  },
  closed() {
    return this._writableState.closed;
  },
  errored() {
    return this._writableState.errored;
  },
})) {
  Object.defineProperty(Writable.prototype, name, {
    get,
    set: name === "writable" ? function (v) { this._writableState.writable = v; } : name === "destroyed" ? function (v) { this._writableState.destroyed = v; } : undefined,
    configurable: true,
    enumerable: false,
  });
}

Writable.fromWeb = function fromWeb(writableStream, options) {
  const writer = writableStream.getWriter();
  return new Writable({
    ...options,
    write(chunk, encoding, cb) {
      writer.write(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk).then(() => cb(), cb);
    },
    final(cb) {
      writer.close().then(() => cb(), cb);
    },
    destroy(err, cb) {
      writer.abort(err ?? undefined).then(() => cb(err), () => cb(err));
    },
  });
};

Writable.toWeb = function toWeb(writable) {
  return new WritableStream({
    write(chunk) {
      return new Promise((resolve, reject) => {
        const ok = writable.write(chunk, (err) => (err ? reject(err) : ok ? resolve() : undefined));
        if (!ok) writable.once("drain", resolve);
      });
    },
    close() {
      return new Promise((resolve, reject) => writable.end((err) => (err ? reject(err) : resolve())));
    },
    abort(reason) {
      destroyImpl(writable, reason);
    },
  });
};

Writable.WritableState = WritableState;

// ---------------------------------------------------------------------------------------------
// Duplex, Transform, PassThrough

function Duplex(options) {
  if (!(this instanceof Duplex)) return new Duplex(options);
  Readable.call(this, options);
  Writable.call(this, options);
  this.allowHalfOpen = options?.allowHalfOpen !== false;
  if (options?.readable === false) {
    this._readableState.readable = false;
    this._readableState.ended = true;
    this._readableState.endEmitted = true;
  }
  if (options?.writable === false) {
    this._writableState.writable = false;
    this._writableState.ending = true;
    this._writableState.ended = true;
    this._writableState.finished = true;
  }
}
Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
Object.setPrototypeOf(Duplex, Readable);
for (const name of Object.getOwnPropertyNames(Writable.prototype)) {
  if (name === "constructor" || Object.prototype.hasOwnProperty.call(Duplex.prototype, name)) continue;
  if (["destroyed", "closed", "errored"].includes(name)) continue;
  Object.defineProperty(Duplex.prototype, name, Object.getOwnPropertyDescriptor(Writable.prototype, name));
}
Duplex.prototype.destroy = Writable.prototype.destroy;
Duplex.prototype._destroy = Writable.prototype._destroy;

Duplex.from = function from(body) {
  if (body instanceof Duplex) return body;
  if (body instanceof Readable || body instanceof Writable) return body;
  if (body && typeof body.readable === "object" && typeof body.writable === "object") {
    const readable = body.readable instanceof ReadableStream ? Readable.fromWeb(body.readable) : body.readable;
    const writable = body.writable instanceof WritableStream ? Writable.fromWeb(body.writable) : body.writable;
    return duplexOf(readable, writable);
  }
  if (body instanceof ReadableStream) return Readable.fromWeb(body);
  if (body instanceof WritableStream) return Writable.fromWeb(body);
  return Readable.from(body);
};

Duplex.fromWeb = function fromWeb(pair, options) {
  return duplexOf(Readable.fromWeb(pair.readable, options), Writable.fromWeb(pair.writable, options), options);
};

Duplex.toWeb = function toWeb(duplex) {
  return { readable: Readable.toWeb(duplex), writable: Writable.toWeb(duplex) };
};

function duplexOf(readable, writable, options) {
  const d = new Duplex({
    ...options,
    read() {
      readable.resume();
    },
    write(chunk, encoding, cb) {
      if (writable.write(chunk, encoding)) cb();
      else writable.once("drain", cb);
    },
    final(cb) {
      writable.end();
      finished(writable, { readable: false }, (err) => cb(err));
    },
    destroy(err, cb) {
      destroyImpl(readable, err);
      destroyImpl(writable, err);
      cb(err);
    },
  });
  readable.on("data", (chunk) => {
    if (!d.push(chunk)) readable.pause();
  });
  readable.on("end", () => d.push(null));
  readable.on("error", (err) => destroyImpl(d, err));
  writable.on("error", (err) => destroyImpl(d, err));
  return d;
}

const kCallback = Symbol("kCallback");

function Transform(options) {
  if (!(this instanceof Transform)) return new Transform(options);
  const readableHighWaterMark = options ? highWaterMarkFrom(options, "readableHighWaterMark", !!(options.objectMode || options.readableObjectMode)) : null;
  Duplex.call(this, readableHighWaterMark === 0 ? { ...options, readableHighWaterMark: 0 } : options);
  this._readableState.sync = false;
  this[kCallback] = null;
  if (options) {
    if (typeof options.transform === "function") this._transform = options.transform;
    if (typeof options.flush === "function") this._flush = options.flush;
  }
  this.on("prefinish", prefinish);
}
Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
Object.setPrototypeOf(Transform, Duplex);

function runFlush(stream, cb) {
  if (typeof stream._flush === "function" && !stream.destroyed) {
    stream._flush((err, data) => {
      if (err) {
        if (cb) cb(err);
        else destroyImpl(stream, err);
        return;
      }
      if (data != null) stream.push(data);
      stream.push(null);
      if (cb) cb();
    });
  } else {
    stream.push(null);
    if (cb) cb();
  }
}

function prefinish() {
  if (this._final !== Transform.prototype._final) runFlush(this);
}

Transform.prototype._final = function _final(cb) {
  runFlush(this, cb);
};

Transform.prototype._transform = function _transform() {
  throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The _transform() method is not implemented");
};

Transform.prototype._write = function _write(chunk, encoding, callback) {
  const rState = this._readableState;
  const wState = this._writableState;
  const length = rState.length;
  this._transform(chunk, encoding, (err, value) => {
    if (err) {
      callback(err);
      return;
    }
    if (value != null) this.push(value);
    if (rState.ended) {
      nextTick(callback);
    } else if (wState.ended || length === rState.length || rState.length < rState.highWaterMark) {
      callback();
    } else {
      this[kCallback] = callback;
    }
  });
};

Transform.prototype._read = function _read() {
  if (this[kCallback]) {
    const callback = this[kCallback];
    this[kCallback] = null;
    callback();
  }
};

function PassThrough(options) {
  if (!(this instanceof PassThrough)) return new PassThrough(options);
  Transform.call(this, options);
}
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
Object.setPrototypeOf(PassThrough, Transform);
PassThrough.prototype._transform = function _transform(chunk, encoding, cb) {
  cb(null, chunk);
};

// ---------------------------------------------------------------------------------------------
// finished, pipeline, helpers

function isReadableNodeStream(s) {
  return !!s && typeof s.pipe === "function" && typeof s.on === "function" && (!s._writableState || s._readableState?.readable !== false);
}

function isWritableNodeStream(s) {
  return !!s && typeof s.write === "function" && typeof s.on === "function";
}

/** Calls `callback(err)` once `stream` is done (ended, finished, errored or closed early). */
function finished(stream, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  options ??= {};
  let called = false;
  const done = (err) => {
    if (called) return;
    called = true;
    cleanup();
    callback.call(stream, err ?? null);
  };
  const r = stream._readableState;
  const w = stream._writableState;
  const wantReadable = options.readable ?? (!!r && (r.readable !== false));
  const wantWritable = options.writable ?? (!!w && (w.writable !== false));
  let readableDone = !wantReadable || !!r?.endEmitted;
  let writableDone = !wantWritable || !!w?.finished;
  // A stream that will emit 'close' is done at 'close', not before.
  const state0 = r ?? w;
  const willEmitClose = !!state0 && state0.autoDestroy && state0.emitClose && !state0.closed;
  const onend = () => {
    readableDone = true;
    if (!willEmitClose && writableDone) done();
  };
  const onfinish = () => {
    writableDone = true;
    if (!willEmitClose && readableDone) done();
  };
  const onerror = (err) => done(err);
  const onclose = () => {
    if ((wantReadable && !readableDone) || (wantWritable && !writableDone)) {
      const errored = r?.errored ?? w?.errored;
      done(errored ?? codedError(Error, "ERR_STREAM_PREMATURE_CLOSE", "Premature close"));
    } else done();
  };
  stream.on("end", onend);
  stream.on("finish", onfinish);
  if (options.error !== false) stream.on("error", onerror);
  stream.on("close", onclose);
  const signal = options.signal;
  const onabort = () => done(signal.reason ?? Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" }));
  signal?.addEventListener("abort", onabort);
  function cleanup() {
    stream.removeListener("end", onend);
    stream.removeListener("finish", onfinish);
    stream.removeListener("error", onerror);
    stream.removeListener("close", onclose);
    signal?.removeEventListener("abort", onabort);
  }
  const state = r ?? w;
  if (state?.errored && state.errorEmitted) nextTick(done, state.errored);
  else if (state?.closed) nextTick(onclose);
  else if (readableDone && writableDone) nextTick(done);
  return cleanup;
}

// A trailing `{ signal, end }` of pipeline(): an object that is no stream (Node or Web), no
// iterable and no function.
function isPipelineOptions(value) {
  return (
    value !== null &&
    typeof value === "object" &&
    !isWritableNodeStream(value) &&
    !isReadableNodeStream(value) &&
    !(value instanceof ReadableStream) &&
    !(value instanceof WritableStream) &&
    !(value instanceof TransformStream) &&
    typeof value[Symbol.iterator] !== "function" &&
    typeof value[Symbol.asyncIterator] !== "function"
  );
}

/** Pipes each stream into the next, destroying all of them on the first error. */
function pipeline(...args) {
  const callback = typeof args.at(-1) === "function" ? args.pop() : null;
  if (!callback) throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "callback" argument must be of type function');
  let streams = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  let options = {};
  if (streams.length > 1 && isPipelineOptions(streams.at(-1))) {
    options = streams.at(-1);
    streams = streams.slice(0, -1);
  }
  if (streams.length < 2) throw codedError(TypeError, "ERR_MISSING_ARGS", 'The "streams" argument must be specified');
  return runPipeline(streams, options, callback);
}

function runPipeline(parts, options, callback) {
  const destroys = [];
  let error = null;
  let finishedCount = 0;
  let expected = 0;
  let called = false;
  const finish = (err) => {
    if (err && (!error || error.code === "ERR_STREAM_PREMATURE_CLOSE")) error = err;
    if (err) for (const destroy of destroys) destroy(err);
    finishedCount++;
    if ((err || finishedCount >= expected) && !called) {
      called = true;
      queueMicrotask(() => callback(error, lastValue));
    }
  };
  let lastValue;
  let previous = null;
  const track = (stream, reading, writing) => {
    expected++;
    destroys.push((err) => {
      if (!stream.destroyed) destroyImpl(stream, err);
    });
    finished(stream, { readable: reading, writable: writing }, finish);
  };
  if (options.signal) {
    const abort = () => finish(options.signal.reason ?? Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" }));
    if (options.signal.aborted) queueMicrotask(abort);
    else options.signal.addEventListener("abort", abort, { once: true });
  }
  parts.forEach((part, i) => {
    const first = i === 0;
    const last = i === parts.length - 1;
    if (typeof part === "function") {
      const source = previous;
      const result = part(first ? undefined : toIterable(source), { signal: options.signal });
      if (last) {
        expected++;
        Promise.resolve(result).then((value) => {
          lastValue = value;
          finish(null);
        }, finish);
        previous = null;
      } else {
        previous = Readable.from(result, { objectMode: true });
        track(previous, true, false);
      }
      return;
    }
    if (first && !isReadableNodeStream(part)) {
      if (part instanceof ReadableStream) part = Readable.fromWeb(part);
      else part = Readable.from(part);
    }
    if (!first && part instanceof WritableStream) part = Writable.fromWeb(part);
    else if (!first && part instanceof TransformStream) part = Duplex.fromWeb(part);
    // `end: false` leaves the destination open: the pipeline is done when the source is.
    const keepOpen = last && options.end === false;
    if (!first && previous) previous.pipe(part, { end: !keepOpen });
    if (keepOpen) {
      destroys.push((err) => {
        if (!part.destroyed) destroyImpl(part, err);
      });
    } else track(part, !last, !first);
    previous = part;
  });
  return previous;
}

function toIterable(stream) {
  if (stream && typeof stream[Symbol.asyncIterator] === "function") return stream;
  return Readable.from([]);
}

function addAbortSignal(signal, stream) {
  if (!signal || typeof signal.aborted !== "boolean") throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "signal" argument must be an instance of AbortSignal');
  const onAbort = () => destroyImpl(stream, Object.assign(new Error("The operation was aborted", { cause: signal.reason }), { name: "AbortError", code: "ABORT_ERR" }));
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener("abort", onAbort, { once: true });
    finished(stream, () => signal.removeEventListener("abort", onAbort));
  }
  return stream;
}

function destroy(stream, err) {
  if (typeof stream?.destroy === "function") stream.destroy(err);
  else if (stream instanceof ReadableStream) stream.cancel(err);
  else if (stream instanceof WritableStream) stream.abort(err);
}

const isReadable = (s) => !!s && !s.destroyed && !s.readableEnded && s.readable !== false && isReadableNodeStream(s);
const isWritable = (s) => !!s && !s.destroyed && !s.writableEnded && isWritableNodeStream(s);
const isErrored = (s) => !!(s?._readableState?.errored || s?._writableState?.errored);
const isDisturbed = Readable.isDisturbed;

const promises = {
  pipeline(...streams) {
    return new Promise((resolve, reject) => pipeline(...streams, (err, value) => (err ? reject(err) : resolve(value))));
  },
  finished(stream, options) {
    return new Promise((resolve, reject) => finished(stream, options, (err) => (err ? reject(err) : resolve())));
  },
};

Stream.Stream = Stream;
Stream.Readable = Readable;
Stream.Writable = Writable;
Stream.Duplex = Duplex;
Stream.Transform = Transform;
Stream.PassThrough = PassThrough;
Stream.pipeline = pipeline;
Stream.finished = finished;
Stream.addAbortSignal = addAbortSignal;
Stream.destroy = destroy;
Stream.isReadable = isReadable;
Stream.isWritable = isWritable;
Stream.isErrored = isErrored;
Stream.isDisturbed = isDisturbed;
Stream.getDefaultHighWaterMark = getDefaultHighWaterMark;
Stream.setDefaultHighWaterMark = setDefaultHighWaterMark;
Stream.promises = promises;
Object.defineProperty(pipeline, Symbol.for("nodejs.util.promisify.custom"), { value: promises.pipeline });
Object.defineProperty(finished, Symbol.for("nodejs.util.promisify.custom"), { value: promises.finished });

export default Stream;
export {
  Stream,
  Readable,
  Writable,
  Duplex,
  Transform,
  PassThrough,
  pipeline,
  finished,
  addAbortSignal,
  destroy,
  isReadable,
  isWritable,
  isErrored,
  isDisturbed,
  getDefaultHighWaterMark,
  setDefaultHighWaterMark,
  promises,
};
