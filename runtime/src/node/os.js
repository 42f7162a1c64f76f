// node:os — harmless answers: an edge app has no machine of its own to look at.

const EOL = "\n";
const constants = Object.freeze({ signals: Object.freeze({}), errno: Object.freeze({}), priority: Object.freeze({}) });

const os = {
  EOL,
  constants,
  devNull: "/dev/null",
  arch: () => "x64",
  platform: () => "linux",
  type: () => "Linux",
  release: () => "",
  version: () => "",
  machine: () => "x86_64",
  hostname: () => "localhost",
  homedir: () => "/",
  tmpdir: () => "/tmp",
  endianness: () => "LE",
  uptime: () => 0,
  loadavg: () => [0, 0, 0],
  totalmem: () => 0,
  freemem: () => 0,
  availableParallelism: () => 1,
  cpus: () => [],
  networkInterfaces: () => ({}),
  userInfo: () => ({ uid: -1, gid: -1, username: "edge", homedir: "/", shell: null }),
  getPriority: () => 0,
  setPriority: () => {},
};

export default os;
export const { arch, platform, type, release, version, machine, hostname, homedir, tmpdir, endianness, uptime, loadavg, totalmem, freemem, availableParallelism, cpus, networkInterfaces, userInfo, getPriority, setPriority, devNull } = os;
export { EOL, constants };
