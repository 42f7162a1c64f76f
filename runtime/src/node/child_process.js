// node:child_process — importable, as many packages import it without calling it, but there is no
// processes on Edge: every function throws a clear error when called.

function unavailable(name) {
  return function () {
    const err = new Error(`child_process.${name}() is not available on Edge: apps have no processes`);
    err.code = "ERR_NOT_AVAILABLE_ON_EDGE";
    throw err;
  };
}

export const spawn = unavailable("spawn");
export const spawnSync = unavailable("spawnSync");
export const exec = unavailable("exec");
export const execSync = unavailable("execSync");
export const execFile = unavailable("execFile");
export const execFileSync = unavailable("execFileSync");
export const fork = unavailable("fork");
export default { spawn, spawnSync, exec, execSync, execFile, execFileSync, fork };
