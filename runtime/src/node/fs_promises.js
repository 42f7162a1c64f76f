// node:fs/promises — importable, as many packages import it without calling it, but there is no
// file system on Edge: every function throws a clear error when called.

import { unavailableOnEdge } from "edge:bootstrap";

const unavailable = (name) => unavailableOnEdge("fs/promises", name, "file system");

export const readFile = unavailable("readFile");
export const writeFile = unavailable("writeFile");
export const appendFile = unavailable("appendFile");
export const stat = unavailable("stat");
export const lstat = unavailable("lstat");
export const readdir = unavailable("readdir");
export const mkdir = unavailable("mkdir");
export const rm = unavailable("rm");
export const rmdir = unavailable("rmdir");
export const unlink = unavailable("unlink");
export const rename = unavailable("rename");
export const copyFile = unavailable("copyFile");
export const open = unavailable("open");
export const access = unavailable("access");
export const realpath = unavailable("realpath");
export const chmod = unavailable("chmod");
export const mkdtemp = unavailable("mkdtemp");
export const symlink = unavailable("symlink");
export const readlink = unavailable("readlink");
export const truncate = unavailable("truncate");
export const utimes = unavailable("utimes");
export const opendir = unavailable("opendir");
export const cp = unavailable("cp");
export const watch = unavailable("watch");
export const constants = Object.freeze({ F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 });
export default { readFile, writeFile, appendFile, stat, lstat, readdir, mkdir, rm, rmdir, unlink, rename, copyFile, open, access, realpath, chmod, mkdtemp, symlink, readlink, truncate, utimes, opendir, cp, watch, constants };
