#!/usr/bin/env node
// `npm run prepare`: builds dist/ (npm run build), which bin/mcp-contract.js runs and git does not hold.
// npm runs it after `npm install` / `npm ci` in a clone, before `npm pack` / `npm publish`, and when
// the package is installed from git (`npm install -g git+https://…`, pre-commit's `language: node`).
//
// One npm bug needs handling here: a *global* install from git (npm/cli#8440, what pre-commit 4.6.1+
// runs) prepares the clone with an `npm install` that inherits npm_config_global=true, so it installs
// no devDependencies into the clone and TypeScript is missing. When this script runs in such a
// preparation (pacote sets _PACOTE_NO_PREPARE_ for it) and TypeScript is missing, it installs the
// locked devDependencies into the clone first (`npm ci --ignore-scripts`, as a local install).
// Anywhere else a missing TypeScript is one line saying what to run.
//
// pre-commit's `language: node` runs `npm install` and then `npm pack` in the hook's clone, so
// npm prepares it twice: when dist/ is what this script built last, from the same sources
// (scripts/prepared.mjs), it is not built again.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { preparedHolds, recordPrepared, sourcesDigest } from "./prepared.mjs";

const root = join(import.meta.dirname, "..");

function hasTypeScript() {
  try {
    createRequire(join(root, "package.json")).resolve("typescript/package.json");
    return true;
  } catch {
    return false;
  }
}

/** Runs npm with these arguments in the package root; exits with npm's code when it fails. */
function npm(args, env = process.env) {
  // npm_execpath: the npm that runs this script (its npm-cli.js); plain `npm` when run by hand.
  const cli = process.env.npm_execpath;
  const [command, argv] =
    cli?.endsWith(".js") || cli?.endsWith(".cjs") ? [process.execPath, [cli, ...args]] : ["npm", args];
  const result = spawnSync(command, argv, {
    cwd: root,
    env,
    stdio: "inherit",
    shell: command === "npm" && process.platform === "win32",
  });
  if (result.error) {
    process.stderr.write(`mcp-contract prepare: could not run npm: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (preparedHolds(root)) {
  process.stderr.write(
    "mcp-contract prepare: dist/ is as the last prepare built it from these sources: not built again\n",
  );
  process.exit(0);
}
if (!hasTypeScript()) {
  if (process.env._PACOTE_NO_PREPARE_ === undefined) {
    process.stderr.write(
      "mcp-contract prepare: TypeScript is not installed, so dist/ cannot be built: run `npm ci` (or `npm install --include=dev`) first\n",
    );
    process.exit(1);
  }
  // A local install into this clone: drop what makes npm global or points it at another prefix.
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(global|location|prefix)$/i.test(key)) delete env[key];
  }
  npm(["ci", "--prefix", root, "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"], env);
}
const sources = sourcesDigest(root);
npm(["run", "build"]);
recordPrepared(root, sources);
