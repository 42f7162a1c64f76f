// node:path/posix — the POSIX flavor of node:path (the same object as `path.posix`).

import path from "node:path";

export default path;
export const { sep, delimiter, resolve, normalize, isAbsolute, join, relative, dirname, basename, extname, parse, format, toNamespacedPath, matchesGlob, win32, posix } = path;
