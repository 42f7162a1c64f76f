// FileReader (the File API's event-based reader), FileReaderSync and ProgressEvent. A read runs on the Blob's
// bytes and reports through loadstart, progress, load/error/abort and loadend events fired
// in later tasks, as the spec's queued tasks do.

const PROGRESS = Symbol("progress");

class ProgressEvent extends Event {
  constructor(type, init = undefined) {
    super(type, init);
    const opts = init ?? {};
    this[PROGRESS] = {
      lengthComputable: Boolean(opts.lengthComputable),
      loaded: Number(opts.loaded ?? 0),
      total: Number(opts.total ?? 0),
    };
  }
  get lengthComputable() {
    return this[PROGRESS].lengthComputable;
  }
  get loaded() {
    return this[PROGRESS].loaded;
  }
  get total() {
    return this[PROGRESS].total;
  }
}

const READER = Symbol("reader");
const READER_EVENTS = ["loadstart", "progress", "load", "abort", "error", "loadend"];

function readerState(reader) {
  if (reader === null || typeof reader !== "object" || !(READER in reader)) throw new TypeError("Illegal invocation");
  return reader[READER];
}

// The encoding a text read decodes with: a BOM wins, then the label, then UTF-8.
function textEncodingFor(bytes, label) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (label !== undefined) {
    try {
      return new TextDecoder(String(label)).encoding;
    } catch {
      // An unknown label falls back to UTF-8.
    }
  }
  return "utf-8";
}

function binaryString(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return out;
}

class FileReader extends EventTarget {
  constructor() {
    super();
    Object.defineProperty(this, READER, {
      value: { state: 0, result: null, error: null, generation: 0, handlers: {} },
      enumerable: false,
    });
  }
  get readyState() {
    return readerState(this).state;
  }
  get result() {
    return readerState(this).result;
  }
  get error() {
    return readerState(this).error;
  }
  readAsArrayBuffer(blob) {
    this.#read(blob, "arraybuffer");
  }
  readAsBinaryString(blob) {
    this.#read(blob, "binarystring");
  }
  readAsText(blob, encoding = undefined) {
    this.#read(blob, "text", encoding);
  }
  readAsDataURL(blob) {
    this.#read(blob, "dataurl");
  }
  abort() {
    const s = readerState(this);
    if (s.state === 0 || s.state === 2) {
      s.result = null;
      return;
    }
    s.generation++;
    s.state = 2;
    s.result = null;
    this.#fire("abort", 0, 0);
    if (s.state !== 1) this.#fire("loadend", 0, 0);
  }
  #fire(type, loaded, total) {
    this.dispatchEvent(new ProgressEvent(type, { lengthComputable: true, loaded, total }));
  }
  #read(blob, kind, encoding) {
    const s = readerState(this);
    if (!(blob instanceof Blob)) throw new TypeError("FileReader: the argument must be a Blob");
    if (s.state === 1) throw new DOMException("A read is already in progress", "InvalidStateError");
    s.state = 1;
    s.result = null;
    s.error = null;
    const generation = ++s.generation;
    const total = blob.size;
    const current = () => s.generation === generation;
    // loadstart is a task of its own, before any data is reported.
    setTimeout(() => {
      if (!current()) return;
      this.#fire("loadstart", 0, total);
      blob.arrayBuffer().then(
        (buffer) => {
          if (!current()) return;
          const bytes = new Uint8Array(buffer);
          // progress, load and loadend each come in a task of their own, so that a listener
          // that awaits one event is ready for the next.
          const finish = () => {
            if (!current()) return;
            let result;
            if (kind === "arraybuffer") result = buffer;
            else if (kind === "binarystring") result = binaryString(bytes);
            else if (kind === "text") result = new TextDecoder(textEncodingFor(bytes, encoding)).decode(bytes);
            else result = `data:${blob.type || "application/octet-stream"};base64,${btoa(binaryString(bytes))}`;
            s.state = 2;
            s.result = result;
            this.#fire("load", bytes.length, total);
            setTimeout(() => {
              if (current() && s.state !== 1) this.#fire("loadend", bytes.length, total);
            }, 0);
          };
          setTimeout(() => {
            if (!current()) return;
            if (bytes.length === 0) return finish();
            this.#fire("progress", bytes.length, total);
            setTimeout(finish, 0);
          }, 0);
        },
        (e) => {
          if (!current()) return;
          s.state = 2;
          s.error = e instanceof DOMException ? e : new DOMException(String(e?.message ?? e), "NotReadableError");
          this.#fire("error", 0, total);
          setTimeout(() => {
            if (current() && s.state !== 1) this.#fire("loadend", 0, total);
          }, 0);
        },
      );
    }, 0);
  }
}

defineEventHandlers(FileReader.prototype, READER_EVENTS, (reader) => readerState(reader).handlers);
defineConstants(FileReader, [["EMPTY", 0], ["LOADING", 1], ["DONE", 2]]);

// The bytes of a Blob, synchronously (the native class holds them in memory). Handed over by
// the bootstrap.
let nativeBlobBytes;

function syncBytes(blob) {
  if (!(blob instanceof Blob)) throw new TypeError("FileReaderSync: the argument must be a Blob");
  return nativeBlobBytes(blob);
}

// FileReaderSync: the same reads as FileReader, returning their result directly.
class FileReaderSync {
  readAsArrayBuffer(blob) {
    return syncBytes(blob).buffer;
  }
  readAsBinaryString(blob) {
    return binaryString(syncBytes(blob));
  }
  readAsText(blob, encoding = undefined) {
    const bytes = syncBytes(blob);
    return new TextDecoder(textEncodingFor(bytes, encoding)).decode(bytes);
  }
  readAsDataURL(blob) {
    const bytes = syncBytes(blob);
    return `data:${blob.type || "application/octet-stream"};base64,${btoa(binaryString(bytes))}`;
  }
}
