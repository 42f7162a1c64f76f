// File (a Blob with a name and a modification time; it extends the native Blob class) and
// FileList.

const FILE = Symbol("file");

// Defined by the bootstrap once the native Blob exists (the class needs it as its base).
let File;

function defineFile(Blob) {
  File = class File extends Blob {
    constructor(fileBits, fileName, options = undefined) {
      if (arguments.length < 2) throw new TypeError("File: fileBits and fileName are required");
      super(fileBits, options);
      let lastModified = options == null ? undefined : options.lastModified;
      lastModified = lastModified === undefined ? Date.now() : Number(lastModified);
      this[FILE] = {
        name: String(fileName).toWellFormed(),
        lastModified: Number.isFinite(lastModified) ? Math.trunc(lastModified) : 0,
      };
    }
    get name() {
      if (!(FILE in this)) throw new TypeError("Illegal invocation");
      return this[FILE].name;
    }
    get lastModified() {
      if (!(FILE in this)) throw new TypeError("Illegal invocation");
      return this[FILE].lastModified;
    }
    get webkitRelativePath() {
      return "";
    }
    get [Symbol.toStringTag]() {
      return "File";
    }
  };
  return File;
}

const FILE_LIST = Symbol("file list");

// FileList: a read-only list of Files. Script cannot construct one; the runtime makes them.
class FileList {
  constructor(key = undefined, files = []) {
    if (key !== FILE_LIST) throw new TypeError("Illegal constructor");
    this[FILE_LIST] = Object.freeze([...files]);
  }
  item(index) {
    if (!(FILE_LIST in this)) throw new TypeError("Illegal invocation");
    return this[FILE_LIST][index >>> 0] ?? null;
  }
  get length() {
    if (!(FILE_LIST in this)) throw new TypeError("Illegal invocation");
    return this[FILE_LIST].length;
  }
}
// An indexed getter and an integer `length`: iterable as arrays are (WebIDL).
Object.defineProperty(FileList.prototype, Symbol.iterator, {
  value: Array.prototype.values,
  writable: true,
  configurable: true,
});
