// node:child_process — importable, as many packages import it without calling it, but there is no
// processes on Edge: every function throws a clear error when called.

import { unavailableOnEdge } from "edge:bootstrap";

const unavailable = (name) => unavailableOnEdge("child_process", name, "processes");

export const spawn = unavailable("spawn");
export const spawnSync = unavailable("spawnSync");
export const exec = unavailable("exec");
export const execSync = unavailable("execSync");
export const execFile = unavailable("execFile");
export const execFileSync = unavailable("execFileSync");
export const fork = unavailable("fork");
export default { spawn, spawnSync, exec, execSync, execFile, execFileSync, fork };
