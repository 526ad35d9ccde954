// Preload for tests (`--require`): appends "FS <path>" to the file named by MCP_CONTRACT_FS_TRACE
// for every path this process hands to node:fs (synchronous, callback and promise functions, ES
// imports of them included), so a test can check what a real run touched. Relative paths are
// resolved against the working directory of the moment.
const fs = require("node:fs");
const { syncBuiltinESMExports } = require("node:module");
const { resolve } = require("node:path");
const { fileURLToPath } = require("node:url");

const out = process.env.MCP_CONTRACT_FS_TRACE;
// Written through a descriptor opened before any function is wrapped, with a function not wrapped.
const fd = out ? fs.openSync(out, "a") : undefined;
const writeSync = fs.writeSync;
const NAMES = [
  "access",
  "appendFile",
  "copyFile",
  "cp",
  "exists",
  "lstat",
  "mkdir",
  "mkdtemp",
  "open",
  "opendir",
  "readdir",
  "readFile",
  "readlink",
  "realpath",
  "rename",
  "rm",
  "rmdir",
  "stat",
  "statfs",
  "symlink",
  "truncate",
  "unlink",
  "utimes",
  "writeFile",
];

/** Functions whose second argument is a path too. */
const TWO_PATHS = new Set(["copyFile", "cp", "rename", "symlink"]);

/** The paths a call of `name` names. */
function paths(name, args) {
  const found = [];
  for (const arg of args.slice(0, TWO_PATHS.has(name.replace(/Sync$/, "")) ? 2 : 1)) {
    if (typeof arg === "string") found.push(resolve(arg));
    else if (arg instanceof URL && arg.protocol === "file:") found.push(fileURLToPath(arg));
    else if (Buffer.isBuffer(arg)) found.push(resolve(arg.toString()));
  }
  return found;
}

function wrap(target, name) {
  const original = target[name];
  if (typeof original !== "function") return;
  const traced = function (...args) {
    const touched = paths(name, args);
    if (touched.length > 0) writeSync(fd, touched.map((p) => `FS ${p}\n`).join(""));
    return original.apply(this, args);
  };
  Object.defineProperties(traced, Object.getOwnPropertyDescriptors(original));
  target[name] = traced;
}

if (out) {
  for (const name of NAMES) {
    wrap(fs, name);
    wrap(fs, `${name}Sync`);
    wrap(fs.promises, name);
  }
  // `realpathSync.native` and friends are properties of the originals, copied above.
  syncBuiltinESMExports();
}
