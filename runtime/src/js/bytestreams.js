// Readable byte streams: ReadableByteStreamController, ReadableStreamBYOBReader and
// ReadableStreamBYOBRequest, following the Streams standard's algorithms. A byte stream's
// controller state has `kind: "bytes"`; the shared stream code in streams.js calls into the
// functions here where the two controller kinds differ.

function isDetached(buffer) {
  return buffer.detached === true;
}

function transferBuffer(buffer) {
  if (isDetached(buffer)) throw typeError("The buffer is detached");
  return buffer.transfer();
}

function viewElementSize(view) {
  return view instanceof DataView ? 1 : view.BYTES_PER_ELEMENT;
}

function makeView(ctor, buffer, byteOffset, byteLength, elementSize) {
  return ctor === DataView ? new DataView(buffer, byteOffset, byteLength) : new ctor(buffer, byteOffset, byteLength / elementSize);
}

// ---------------------------------------------------------------- the controller

class ReadableByteStreamController {
  constructor(key = undefined) {
    if (key !== S) throw typeError("Illegal constructor");
  }
  get byobRequest() {
    return byteGetBYOBRequest(byteState(this));
  }
  get desiredSize() {
    return controllerDesiredSize(byteState(this));
  }
  close() {
    const c = byteState(this);
    if (c.closeRequested) throw typeError("The stream is already closing");
    if (c.stream[S].state !== "readable") throw typeError("The stream is not readable");
    byteClose(c);
  }
  enqueue(chunk) {
    const c = byteState(this);
    if (!ArrayBuffer.isView(chunk)) throw typeError("enqueue: chunk must be an ArrayBufferView");
    if (chunk.byteLength === 0) throw typeError("enqueue: chunk is empty");
    if (chunk.buffer.byteLength === 0) throw typeError("enqueue: the chunk's buffer is empty or detached");
    if (c.closeRequested) throw typeError("The stream is closing");
    if (c.stream[S].state !== "readable") throw typeError("The stream is not readable");
    byteEnqueue(c, chunk);
  }
  error(e = undefined) {
    byteError(byteState(this), e);
  }
  get [Symbol.toStringTag]() {
    return "ReadableByteStreamController";
  }
}

function byteState(controller) {
  const c = isObject(controller) ? controller[S] : undefined;
  if (c === undefined || c.kind !== "bytes") throw typeError("Illegal invocation");
  return c;
}

function setUpByteController(stream, source, hwm) {
  const controller = new ReadableByteStreamController(S);
  const start = sourceMethod(source, "start");
  const pull = sourceMethod(source, "pull");
  const cancel = sourceMethod(source, "cancel");
  let autoAllocateChunkSize = source === undefined ? undefined : source.autoAllocateChunkSize;
  if (autoAllocateChunkSize !== undefined) {
    autoAllocateChunkSize = Number(autoAllocateChunkSize);
    if (!Number.isFinite(autoAllocateChunkSize) || autoAllocateChunkSize < 0) throw typeError("autoAllocateChunkSize must be a positive integer");
    autoAllocateChunkSize = Math.trunc(autoAllocateChunkSize);
    if (autoAllocateChunkSize === 0) throw typeError("autoAllocateChunkSize must not be 0");
  }
  const algorithms = sourceAlgorithms(source, pull, cancel, () => controller);
  const c = controllerState(stream, controller, hwm, algorithms.pull, algorithms.cancel);
  c.kind = "bytes";
  c.rawPull = true;
  c.autoAllocateChunkSize = autoAllocateChunkSize;
  c.pendingPullIntos = [];
  c.byobRequest = null;
  controller[S] = c;
  stream[S].controller = c;
  // A throwing start() is rethrown from the constructor.
  startedWhenSettled(c, start === undefined ? undefined : ReflectApply(start, source, [controller]));
}

function readIntoRequestsOf(stream) {
  const reader = stream[S].reader;
  return reader !== undefined && reader[S].readIntoRequests !== undefined ? reader[S].readIntoRequests : undefined;
}

function defaultReadRequestsOf(stream) {
  const reader = stream[S].reader;
  return reader !== undefined && reader[S].readIntoRequests === undefined ? reader[S].readRequests : undefined;
}

function byteShouldCallPull(c) {
  const st = c.stream[S];
  if (st.state !== "readable" || c.closeRequested || !c.started) return false;
  const reads = defaultReadRequestsOf(c.stream);
  if (reads !== undefined && reads.length > 0) return true;
  const intos = readIntoRequestsOf(c.stream);
  if (intos !== undefined && intos.length > 0) return true;
  return controllerDesiredSize(c) > 0;
}

function byteInvalidateBYOBRequest(c) {
  if (c.byobRequest === null) return;
  c.byobRequest[S].controller = undefined;
  c.byobRequest[S].view = null;
  c.byobRequest = null;
}

function byteClearPendingPullIntos(c) {
  byteInvalidateBYOBRequest(c);
  c.pendingPullIntos = [];
}

function byteError(c, e) {
  if (c.stream[S].state !== "readable") return;
  byteClearPendingPullIntos(c);
  resetQueue(c);
  clearAlgorithms(c);
  streamError(c.stream, e);
}

function byteCancelSteps(c) {
  byteClearPendingPullIntos(c);
}

function byteClose(c) {
  if (c.closeRequested || c.stream[S].state !== "readable") return;
  if (c.queueTotalSize > 0) {
    c.closeRequested = true;
    return;
  }
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = typeError("close: a partial element is pending in the BYOB request");
      byteError(c, e);
      throw e;
    }
  }
  clearAlgorithms(c);
  streamClose(c.stream);
}

function byteEnqueueChunk(c, buffer, byteOffset, byteLength) {
  c.queue.push({ buffer, byteOffset, byteLength });
  c.queueTotalSize += byteLength;
}

function byteEnqueueClonedChunk(c, buffer, byteOffset, byteLength) {
  let clone;
  try {
    clone = buffer.slice(byteOffset, byteOffset + byteLength);
  } catch (e) {
    byteError(c, e);
    throw e;
  }
  byteEnqueueChunk(c, clone, 0, byteLength);
}

function byteShiftPendingPullInto(c) {
  return c.pendingPullIntos.shift();
}

function byteEnqueueDetachedPullInto(c, desc) {
  if (desc.bytesFilled > 0) byteEnqueueClonedChunk(c, desc.buffer, desc.byteOffset, desc.bytesFilled);
  byteShiftPendingPullInto(c);
}

function byteHandleQueueDrain(c) {
  if (c.queueTotalSize === 0 && c.closeRequested) {
    clearAlgorithms(c);
    streamClose(c.stream);
  } else {
    callPullIfNeeded(c);
  }
}

// Takes the head of the queue as a Uint8Array (the default reader's chunk).
function byteTakeQueued(c) {
  const entry = c.queue.shift();
  c.queueTotalSize -= entry.byteLength;
  byteHandleQueueDrain(c);
  return new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength);
}

function byteProcessReadRequestsUsingQueue(c) {
  const reads = defaultReadRequestsOf(c.stream);
  while (reads.length > 0) {
    if (c.queueTotalSize === 0) return;
    reads.shift().chunk(byteTakeQueued(c));
  }
}

function byteFillHeadPullInto(c, size, desc) {
  byteInvalidateBYOBRequest(c);
  desc.bytesFilled += size;
}

function byteFillPullIntoFromQueue(c, desc) {
  const maxBytesToCopy = Math.min(c.queueTotalSize, desc.byteLength - desc.bytesFilled);
  const maxBytesFilled = desc.bytesFilled + maxBytesToCopy;
  let remaining = maxBytesToCopy;
  let ready = false;
  const maxAlignedBytes = maxBytesFilled - (maxBytesFilled % desc.elementSize);
  if (maxAlignedBytes >= desc.minimumFill) {
    remaining = maxAlignedBytes - desc.bytesFilled;
    ready = true;
  }
  while (remaining > 0) {
    const head = c.queue[0];
    const n = Math.min(remaining, head.byteLength);
    const destStart = desc.byteOffset + desc.bytesFilled;
    new Uint8Array(desc.buffer, destStart, n).set(new Uint8Array(head.buffer, head.byteOffset, n));
    if (head.byteLength === n) c.queue.shift();
    else {
      head.byteOffset += n;
      head.byteLength -= n;
    }
    c.queueTotalSize -= n;
    byteFillHeadPullInto(c, n, desc);
    remaining -= n;
  }
  return ready;
}

function byteConvertPullInto(desc) {
  const buffer = transferBuffer(desc.buffer);
  return makeView(desc.viewConstructor, buffer, desc.byteOffset, desc.bytesFilled, desc.elementSize);
}

function byteCommitPullInto(stream, desc) {
  const done = stream[S].state === "closed";
  const view = byteConvertPullInto(desc);
  if (desc.readerType === "default") {
    const req = defaultReadRequestsOf(stream).shift();
    if (done) req.close();
    else req.chunk(view);
  } else {
    const req = readIntoRequestsOf(stream).shift();
    if (done) req.close(view);
    else req.chunk(view);
  }
}

function byteProcessPullIntosUsingQueue(c) {
  const filled = [];
  while (c.pendingPullIntos.length > 0) {
    if (c.queueTotalSize === 0) break;
    const desc = c.pendingPullIntos[0];
    if (byteFillPullIntoFromQueue(c, desc)) {
      byteShiftPendingPullInto(c);
      filled.push(desc);
    }
  }
  return filled;
}

function byteEnqueue(c, chunk) {
  const stream = c.stream;
  if (c.closeRequested || stream[S].state !== "readable") return;
  const { buffer, byteOffset, byteLength } = chunk;
  if (isDetached(buffer)) throw typeError("enqueue: the chunk's buffer is detached");
  const transferred = transferBuffer(buffer);
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (isDetached(first.buffer)) throw typeError("The BYOB request's buffer is detached");
    byteInvalidateBYOBRequest(c);
    first.buffer = transferBuffer(first.buffer);
    if (first.readerType === "none") byteEnqueueDetachedPullInto(c, first);
  }
  const reads = defaultReadRequestsOf(stream);
  if (reads !== undefined) {
    byteProcessReadRequestsUsingQueue(c);
    if (reads.length === 0) {
      byteEnqueueChunk(c, transferred, byteOffset, byteLength);
    } else {
      if (c.pendingPullIntos.length > 0) byteShiftPendingPullInto(c);
      reads.shift().chunk(new Uint8Array(transferred, byteOffset, byteLength));
    }
  } else if (readIntoRequestsOf(stream) !== undefined) {
    byteEnqueueChunk(c, transferred, byteOffset, byteLength);
    for (const desc of byteProcessPullIntosUsingQueue(c)) byteCommitPullInto(stream, desc);
  } else {
    byteEnqueueChunk(c, transferred, byteOffset, byteLength);
  }
  callPullIfNeeded(c);
}

// A default reader's read() on a byte stream.
function bytePullSteps(c, request) {
  if (c.queueTotalSize > 0) {
    request.chunk(byteTakeQueued(c));
    return;
  }
  if (c.autoAllocateChunkSize !== undefined) {
    let buffer;
    try {
      buffer = new ArrayBuffer(c.autoAllocateChunkSize);
    } catch (e) {
      request.error(e);
      return;
    }
    c.pendingPullIntos.push({
      buffer,
      bufferByteLength: c.autoAllocateChunkSize,
      byteOffset: 0,
      byteLength: c.autoAllocateChunkSize,
      bytesFilled: 0,
      minimumFill: 1,
      elementSize: 1,
      viewConstructor: Uint8Array,
      readerType: "default",
    });
  }
  c.stream[S].reader[S].readRequests.push(request);
  callPullIfNeeded(c);
}

// A default reader let go of a byte stream: its pending auto-allocated pull is no one's now.
function byteReleaseSteps(c) {
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    first.readerType = "none";
    c.pendingPullIntos = [first];
  }
}

function bytePullInto(c, view, min, request) {
  const stream = c.stream;
  const elementSize = viewElementSize(view);
  const ctor = view instanceof DataView ? DataView : view.constructor;
  // Read before the transfer, which detaches the view.
  const byteOffset = view.byteOffset;
  const byteLength = view.byteLength;
  let buffer;
  try {
    buffer = transferBuffer(view.buffer);
  } catch (e) {
    request.error(e);
    return;
  }
  const desc = {
    buffer,
    bufferByteLength: buffer.byteLength,
    byteOffset,
    byteLength,
    bytesFilled: 0,
    minimumFill: min * elementSize,
    elementSize,
    viewConstructor: ctor,
    readerType: "byob",
  };
  if (c.pendingPullIntos.length > 0) {
    c.pendingPullIntos.push(desc);
    readIntoRequestsOf(stream).push(request);
    return;
  }
  if (stream[S].state === "closed") {
    request.close(makeView(ctor, desc.buffer, desc.byteOffset, 0, elementSize));
    return;
  }
  if (c.queueTotalSize > 0) {
    if (byteFillPullIntoFromQueue(c, desc)) {
      const filled = byteConvertPullInto(desc);
      byteHandleQueueDrain(c);
      request.chunk(filled);
      return;
    }
    if (c.closeRequested) {
      const e = typeError("The stream closed with a partial element");
      byteError(c, e);
      request.error(e);
      return;
    }
  }
  c.pendingPullIntos.push(desc);
  readIntoRequestsOf(stream).push(request);
  callPullIfNeeded(c);
}

function byteRespondInClosedState(c, first) {
  if (first.readerType === "none") byteShiftPendingPullInto(c);
  const intos = readIntoRequestsOf(c.stream);
  if (intos !== undefined) {
    while (intos.length > 0) byteCommitPullInto(c.stream, byteShiftPendingPullInto(c));
  }
}

function byteRespondInReadableState(c, bytesWritten, desc) {
  byteFillHeadPullInto(c, bytesWritten, desc);
  if (desc.readerType === "none") {
    byteEnqueueDetachedPullInto(c, desc);
    for (const d of byteProcessPullIntosUsingQueue(c)) byteCommitPullInto(c.stream, d);
    return;
  }
  if (desc.bytesFilled < desc.minimumFill) return;
  byteShiftPendingPullInto(c);
  const remainder = desc.bytesFilled % desc.elementSize;
  if (remainder > 0) {
    const end = desc.byteOffset + desc.bytesFilled;
    byteEnqueueClonedChunk(c, desc.buffer, end - remainder, remainder);
  }
  desc.bytesFilled -= remainder;
  const filled = byteProcessPullIntosUsingQueue(c);
  byteCommitPullInto(c.stream, desc);
  for (const d of filled) byteCommitPullInto(c.stream, d);
}

function byteRespondInternal(c, bytesWritten) {
  const first = c.pendingPullIntos[0];
  byteInvalidateBYOBRequest(c);
  if (c.stream[S].state === "closed") byteRespondInClosedState(c, first);
  else byteRespondInReadableState(c, bytesWritten, first);
  callPullIfNeeded(c);
}

function byteRespond(c, bytesWritten) {
  const first = c.pendingPullIntos[0];
  if (c.stream[S].state === "closed") {
    if (bytesWritten !== 0) throw typeError("respond: the stream is closed, bytesWritten must be 0");
  } else {
    if (bytesWritten === 0) throw typeError("respond: bytesWritten must not be 0 on a readable stream");
    if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError("respond: bytesWritten is larger than the view");
  }
  first.buffer = transferBuffer(first.buffer);
  byteRespondInternal(c, bytesWritten);
}

function byteRespondWithNewView(c, view) {
  const first = c.pendingPullIntos[0];
  if (c.stream[S].state === "closed") {
    if (view.byteLength !== 0) throw typeError("respondWithNewView: the stream is closed, the view must be empty");
  } else if (view.byteLength === 0) {
    throw typeError("respondWithNewView: the view must not be empty");
  }
  if (first.byteOffset + first.bytesFilled !== view.byteOffset) throw new RangeError("respondWithNewView: the view's offset does not match");
  if (first.bufferByteLength !== view.buffer.byteLength) throw new RangeError("respondWithNewView: the view's buffer length does not match");
  if (first.bytesFilled + view.byteLength > first.byteLength) throw new RangeError("respondWithNewView: the view is too long");
  const length = view.byteLength;
  first.buffer = transferBuffer(view.buffer);
  byteRespondInternal(c, length);
}

function byteGetBYOBRequest(c) {
  if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    const view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    const request = new ReadableStreamBYOBRequest(S);
    request[S] = { controller: c, view };
    c.byobRequest = request;
  }
  return c.byobRequest;
}

// ---------------------------------------------------------------- the BYOB request

class ReadableStreamBYOBRequest {
  constructor(key = undefined) {
    if (key !== S) throw typeError("Illegal constructor");
  }
  get view() {
    if (!isObject(this) || this[S] === undefined) throw typeError("Illegal invocation");
    return this[S].view;
  }
  respond(bytesWritten) {
    const r = this[S];
    if (r === undefined) throw typeError("Illegal invocation");
    const n = toIndex(bytesWritten, "bytesWritten");
    if (r.controller === undefined) throw typeError("respond: the request is no longer valid");
    if (isDetached(r.view.buffer)) throw typeError("respond: the view's buffer is detached");
    byteRespond(r.controller, n);
  }
  respondWithNewView(view) {
    const r = this[S];
    if (r === undefined) throw typeError("Illegal invocation");
    if (!ArrayBuffer.isView(view)) throw typeError("respondWithNewView: view must be an ArrayBufferView");
    if (r.controller === undefined) throw typeError("respondWithNewView: the request is no longer valid");
    if (isDetached(view.buffer)) throw typeError("respondWithNewView: the view's buffer is detached");
    byteRespondWithNewView(r.controller, view);
  }
  get [Symbol.toStringTag]() {
    return "ReadableStreamBYOBRequest";
  }
}

// WebIDL [EnforceRange] unsigned long long.
function toIndex(value, what) {
  const n = Number(value);
  if (!Number.isFinite(n)) throw typeError(`${what} must be a finite number`);
  const i = Math.trunc(n);
  if (i < 0 || i > Number.MAX_SAFE_INTEGER) throw typeError(`${what} is out of range`);
  return i;
}

// ---------------------------------------------------------------- the BYOB reader

class ReadIntoRequest {
  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
  chunk(view) {
    this.resolve({ value: view, done: false });
  }
  close(view) {
    this.resolve({ value: view, done: true });
  }
  error(e) {
    this.reject(e);
  }
}

class ReadableStreamBYOBReader {
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw typeError("ReadableStreamBYOBReader needs a ReadableStream");
    if (stream.locked) throw typeError("The stream is already locked to a reader");
    if (stream[S].controller.kind !== "bytes") throw typeError("A BYOB reader needs a byte stream (type: \"bytes\")");
    readerAttach(this, stream, { readIntoRequests: [] });
  }

  get closed() {
    return this[S].closed.promise;
  }

  read(view, options = undefined) {
    if (!ArrayBuffer.isView(view)) return rejected(typeError("read: view must be an ArrayBufferView"));
    if (view.byteLength === 0) return rejected(typeError("read: the view is empty"));
    if (view.buffer.byteLength === 0) return rejected(typeError("read: the view's buffer is empty or detached"));
    if (isDetached(view.buffer)) return rejected(typeError("read: the view's buffer is detached"));
    let min = 1;
    if (options !== undefined && options !== null) {
      if (!isObject(options)) return rejected(typeError("read: options must be an object"));
      if (options.min !== undefined) {
        try {
          min = toIndex(options.min, "min");
        } catch (e) {
          return rejected(e);
        }
      }
    }
    if (min === 0) return rejected(typeError("read: min must be at least 1"));
    if (view instanceof DataView) {
      if (min > view.byteLength) return rejected(new RangeError("read: min is larger than the view"));
    } else if (min > view.length) {
      return rejected(new RangeError("read: min is larger than the view"));
    }
    const stream = this[S].stream;
    if (stream === undefined) return rejected(typeError("The reader has been released"));
    const request = new ReadIntoRequest();
    stream[S].disturbed = true;
    if (stream[S].state === "errored") request.error(stream[S].storedError);
    else bytePullInto(stream[S].controller, view, min, request);
    return request.promise;
  }

  releaseLock() {
    const rs = this[S];
    if (rs.stream === undefined) return;
    const requests = rs.readIntoRequests;
    rs.readIntoRequests = [];
    readerRelease(this);
    const err = typeError("The reader was released");
    for (const req of requests) req.error(err);
  }

  cancel(reason = undefined) {
    const stream = this[S].stream;
    if (stream === undefined) return rejected(typeError("The reader has been released"));
    return streamCancel(stream, reason);
  }

  get [Symbol.toStringTag]() {
    return "ReadableStreamBYOBReader";
  }
}

Object.assign(streams, { ReadableByteStreamController, ReadableStreamBYOBReader, ReadableStreamBYOBRequest });
