// FormData: an ordered list of (name, value) entries where a value is a string or a File.
// Bodies made from it are encoded natively (multipart/form-data); `formData()` on a body
// parses natively and builds one through `makeFormData`.

const FD = Symbol("formdata");

function entryValue(value, filename, hasFilename) {
  if (value instanceof Blob) {
    if (value instanceof File && !hasFilename) return value;
    const name = hasFilename ? String(filename).toWellFormed() : value instanceof File ? value.name : "blob";
    const options = { type: value.type };
    if (value instanceof File) options.lastModified = value.lastModified;
    return new File([value], name, options);
  }
  if (hasFilename) throw new TypeError("FormData: a filename is only allowed with a Blob value");
  return String(value).toWellFormed();
}

function formEntries(fd) {
  if (fd === null || typeof fd !== "object" || !(FD in fd)) throw new TypeError("Illegal invocation");
  return fd[FD];
}

class FormData {
  constructor(form = undefined, submitter = undefined) {
    if (form !== undefined) throw new TypeError("FormData: there are no HTML forms to read here");
    void submitter;
    Object.defineProperty(this, FD, { value: [], enumerable: false });
  }
  append(name, value, filename) {
    if (arguments.length < 2) throw new TypeError("FormData.append: name and value are required");
    formEntries(this).push([String(name).toWellFormed(), entryValue(value, filename, arguments.length > 2)]);
  }
  delete(name) {
    const list = formEntries(this);
    name = String(name).toWellFormed();
    for (let i = list.length - 1; i >= 0; i--) if (list[i][0] === name) list.splice(i, 1);
  }
  get(name) {
    name = String(name).toWellFormed();
    const entry = formEntries(this).find((e) => e[0] === name);
    return entry ? entry[1] : null;
  }
  getAll(name) {
    name = String(name).toWellFormed();
    return formEntries(this)
      .filter((e) => e[0] === name)
      .map((e) => e[1]);
  }
  has(name) {
    name = String(name).toWellFormed();
    return formEntries(this).some((e) => e[0] === name);
  }
  set(name, value, filename) {
    if (arguments.length < 2) throw new TypeError("FormData.set: name and value are required");
    const list = formEntries(this);
    name = String(name).toWellFormed();
    const entry = [name, entryValue(value, filename, arguments.length > 2)];
    const first = list.findIndex((e) => e[0] === name);
    if (first < 0) {
      list.push(entry);
      return;
    }
    list[first] = entry;
    for (let i = list.length - 1; i > first; i--) if (list[i][0] === name) list.splice(i, 1);
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== "function") throw new TypeError("FormData.forEach: callback must be a function");
    const list = formEntries(this);
    for (let i = 0; i < list.length; i++) callback.call(thisArg, list[i][1], list[i][0], this);
  }
  entries() {
    return new FormDataIterator(formEntries(this), "entries");
  }
  keys() {
    return new FormDataIterator(formEntries(this), "keys");
  }
  values() {
    return new FormDataIterator(formEntries(this), "values");
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

// A live iterator, as WebIDL's pair iterators are: it sees entries added while iterating.
class FormDataIterator {
  #list;
  #kind;
  #index = 0;
  constructor(list, kind) {
    this.#list = list;
    this.#kind = kind;
  }
  next() {
    if (this.#index >= this.#list.length) return { value: undefined, done: true };
    const [name, value] = this.#list[this.#index++];
    const out = this.#kind === "keys" ? name : this.#kind === "values" ? value : [name, value];
    return { value: out, done: false };
  }
  [Symbol.iterator]() {
    return this;
  }
}
Object.setPrototypeOf(FormDataIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
Object.defineProperty(FormDataIterator.prototype, Symbol.toStringTag, { value: "FormData Iterator", configurable: true });

// For the native body code: the entries of a FormData (or undefined for anything else).
function formDataEntries(value) {
  return value !== null && typeof value === "object" && FD in value ? value[FD] : undefined;
}

// For the native body parser: [name, string] or [name, Blob, filename, type] items.
function makeFormData(items) {
  const fd = new FormData();
  const list = fd[FD];
  for (const item of items) {
    if (item.length === 2) list.push(item);
    else list.push([item[0], new File([item[1]], item[2], { type: item[3] })]);
  }
  return fd;
}
