// node:fs — importable, as many packages import it without calling it, but there is no
// file system on Edge: every function throws a clear error when called.

function unavailable(name) {
  return function () {
    const err = new Error(`fs.${name}() is not available on Edge: apps have no file system`);
    err.code = "ERR_NOT_AVAILABLE_ON_EDGE";
    throw err;
  };
}

export const readFile = unavailable("readFile");
export const readFileSync = unavailable("readFileSync");
export const writeFile = unavailable("writeFile");
export const writeFileSync = unavailable("writeFileSync");
export const appendFile = unavailable("appendFile");
export const appendFileSync = unavailable("appendFileSync");
export const existsSync = unavailable("existsSync");
export const exists = unavailable("exists");
export const stat = unavailable("stat");
export const statSync = unavailable("statSync");
export const lstat = unavailable("lstat");
export const lstatSync = unavailable("lstatSync");
export const readdir = unavailable("readdir");
export const readdirSync = unavailable("readdirSync");
export const mkdir = unavailable("mkdir");
export const mkdirSync = unavailable("mkdirSync");
export const rm = unavailable("rm");
export const rmSync = unavailable("rmSync");
export const rmdir = unavailable("rmdir");
export const rmdirSync = unavailable("rmdirSync");
export const unlink = unavailable("unlink");
export const unlinkSync = unavailable("unlinkSync");
export const rename = unavailable("rename");
export const renameSync = unavailable("renameSync");
export const copyFile = unavailable("copyFile");
export const copyFileSync = unavailable("copyFileSync");
export const open = unavailable("open");
export const openSync = unavailable("openSync");
export const close = unavailable("close");
export const closeSync = unavailable("closeSync");
export const read = unavailable("read");
export const readSync = unavailable("readSync");
export const write = unavailable("write");
export const writeSync = unavailable("writeSync");
export const createReadStream = unavailable("createReadStream");
export const createWriteStream = unavailable("createWriteStream");
export const watch = unavailable("watch");
export const watchFile = unavailable("watchFile");
export const access = unavailable("access");
export const accessSync = unavailable("accessSync");
export const realpath = unavailable("realpath");
export const realpathSync = unavailable("realpathSync");
export const chmod = unavailable("chmod");
export const chmodSync = unavailable("chmodSync");
export const mkdtemp = unavailable("mkdtemp");
export const mkdtempSync = unavailable("mkdtempSync");
export const symlink = unavailable("symlink");
export const symlinkSync = unavailable("symlinkSync");
export const readlink = unavailable("readlink");
export const readlinkSync = unavailable("readlinkSync");
export const truncate = unavailable("truncate");
export const truncateSync = unavailable("truncateSync");
export const utimes = unavailable("utimes");
export const utimesSync = unavailable("utimesSync");
export const fstat = unavailable("fstat");
export const fstatSync = unavailable("fstatSync");
export const opendir = unavailable("opendir");
export const opendirSync = unavailable("opendirSync");
export const cp = unavailable("cp");
export const cpSync = unavailable("cpSync");
import * as promisesModule from "node:fs/promises";
export const promises = promisesModule;
export const constants = Object.freeze({ F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 });
export default { readFile, readFileSync, writeFile, writeFileSync, appendFile, appendFileSync, existsSync, exists, stat, statSync, lstat, lstatSync, readdir, readdirSync, mkdir, mkdirSync, rm, rmSync, rmdir, rmdirSync, unlink, unlinkSync, rename, renameSync, copyFile, copyFileSync, open, openSync, close, closeSync, read, readSync, write, writeSync, createReadStream, createWriteStream, watch, watchFile, access, accessSync, realpath, realpathSync, chmod, chmodSync, mkdtemp, mkdtempSync, symlink, symlinkSync, readlink, readlinkSync, truncate, truncateSync, utimes, utimesSync, fstat, fstatSync, opendir, opendirSync, cp, cpSync, promises, constants };
