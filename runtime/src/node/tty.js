// node:tty — an app has no terminal: `isatty()` is false for every descriptor, and the stream
// classes exist for packages that check `instanceof` (logging libraries pick colours this way).

import { Readable, Writable } from "node:stream";

function isatty() {
  return false;
}

class ReadStream extends Readable {
  constructor() {
    super({ read() {} });
    this.isTTY = false;
    this.isRaw = false;
  }

  setRawMode() {
    return this;
  }
}

class WriteStream extends Writable {
  constructor() {
    super({ write: (_chunk, _encoding, cb) => cb() });
    this.isTTY = false;
    this.columns = 80;
    this.rows = 24;
  }

  getColorDepth() {
    return 1;
  }

  hasColors() {
    return false;
  }

  getWindowSize() {
    return [this.columns, this.rows];
  }
}

export { isatty, ReadStream, WriteStream };
export default { isatty, ReadStream, WriteStream };
