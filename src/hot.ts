/**
 * The pre-commit hot path, bundled by esbuild into one file at `npm run build`
 * (dist/hot.bundle.cjs, CommonJS, Node built-ins only; scripts/bundle.mjs): it answers
 * `check --offline` with what an earlier, identical run printed and exited
 * with, when none of the files that run read has changed since (src/cache/hot.ts).
 * It parses the command line only far enough to know it may answer, reads one
 * cache entry, stats the config, lockfile, git HEAD, acknowledgements file,
 * templates and the directories they were listed from, and prints. Anything
 * else (another command or flag, a format whose output depends on more than
 * the report, a trace to export, a miss) is left to the full CLI, which
 * records the entry the next identical run reads (src/cli/hot-record.ts).
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  codeCacheFile,
  codeCachePath,
  readCodeCache,
  shippedCodeCachePath,
  writeCodeCache,
} from "./cache/code.js";
import { changedSince, type HotEntry, heldEntry, pathStamp, type Stamp, storeEntry } from "./cache/hot.js";
import { cacheDirectory } from "./cache/index.js";
import { sha256 } from "./core/hash.js";

/** The formats served: functions of the report alone (github, sarif, junit and html also read git, rule pages, the clock or the host). */
const FORMATS = new Set(["text", "json", "markdown"]);
/** Options with a value that may be given. */
const VALUED = new Set([
  "-c",
  "--config",
  "--acknowledgements",
  "-f",
  "--format",
  "--fail-on",
  "--min-severity",
]);
/** Flags that may be given besides `--offline`. */
const FLAGS = new Set(["-q", "--quiet", "--verbose"]);

/**
 * Environment variables that change what `check --offline` prints, or where its cache and git
 * directory are (with every `MCP_CONTRACT_*` variable): part of the key.
 * test/cli/hot-path.test.ts fails when src/ reads a variable that is neither here nor listed
 * there as one the offline check never reads.
 */
export const KEY_VARIABLES = [
  "NO_COLOR",
  "FORCE_COLOR",
  "CI",
  "GITHUB_ACTIONS",
  "GITHUB_STEP_SUMMARY",
  "GITHUB_WORKSPACE",
  "SOURCE_DATE_EPOCH",
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_COMMON_DIR",
  "HOME",
  "USERPROFILE",
  "XDG_CACHE_HOME",
  "LOCALAPPDATA",
] as const;

/**
 * Whether the command line is a `check --offline` the hot path may answer (with `anyFormat`, in
 * any format, which the CLI then checks: one the offline check's bundle may run).
 */
export function hotArguments(argv: readonly string[], anyFormat = false): boolean {
  if (argv[0] !== "check") return false;
  let offline = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--offline") offline = true;
    else if (!FLAGS.has(arg)) {
      const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (!VALUED.has(name)) return false;
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) return false;
      if ((name === "-f" || name === "--format") && !anyFormat && !FORMATS.has(value)) return false;
    }
  }
  return offline;
}

/** Whether the command line names the config (`-c`, `--config`): then no config is searched for. */
export function namesConfig(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === "-c" || arg === "--config" || arg.startsWith("--config="));
}

/** The process a run sees, as the CLI reads it (src/cli/main.ts). */
export interface HotProcess {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdoutColumns?: number;
  stderrColumns?: number;
}

/** Where a run's entry is. */
export interface HotTarget {
  cacheDir: string;
  key: string;
}

/**
 * The build: the package version, `dist/build-id` (the sha256 of every compiled file, which tells
 * installed builds apart) and the modification times of the CLI and of this bundle (which `tsc`
 * and esbuild rewrite at every build, so a rebuilt checkout is told apart without a new build id);
 * undefined without a build id.
 */
function buildOf(distDir: string): string | undefined {
  try {
    const id = readFileSync(join(distDir, "build-id"), "utf8").trim();
    const { version } = JSON.parse(readFileSync(join(distDir, "..", "package.json"), "utf8")) as {
      version: string;
    };
    const times = ["cli/main.js", "hot.bundle.cjs"].map((file) => statSync(join(distDir, file)).mtimeMs);
    return id === "" ? undefined : JSON.stringify([version, id, times]);
  } catch {
    return undefined;
  }
}

/**
 * The entry of a run, or undefined when the hot path must not answer it: not a served command
 * line, a trace to export (any `OTEL_*` variable set), no cache, or no build id (`tsc` alone).
 */
export function hotTarget(argv: readonly string[], proc: HotProcess, distDir: string): HotTarget | undefined {
  if (!hotArguments(argv)) return undefined;
  const names = Object.keys(proc.env);
  if (names.some((name) => name.startsWith("OTEL_") && proc.env[name])) return undefined;
  const cacheDir = cacheDirectory(proc.cwd, proc.env);
  const build = cacheDir === undefined ? undefined : buildOf(distDir);
  if (cacheDir === undefined || build === undefined) return undefined;
  const variables = [...KEY_VARIABLES, ...names.filter((n) => n.startsWith("MCP_CONTRACT_")).sort()];
  const material = JSON.stringify([
    "hot 1",
    build,
    argv,
    proc.cwd,
    [proc.stdoutIsTTY, proc.stderrIsTTY, proc.stdoutColumns ?? null, proc.stderrColumns ?? null],
    variables.map((name) => [name, proc.env[name] ?? null]),
  ]);
  return { cacheDir, key: sha256(material) };
}

/** The output of the run, when an identical run recorded it and nothing it read has changed. */
export function hotAnswer(
  argv: readonly string[],
  proc: HotProcess,
  distDir: string,
  now: number = Date.now(),
): HotEntry | undefined {
  const target = hotTarget(argv, proc, distDir);
  return target && heldEntry(target.cacheDir, target.key, now);
}

/** This process, as the CLI will see it. */
function thisProcess(): HotProcess {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    ...(process.stdout.isTTY && { stdoutColumns: process.stdout.columns }),
    ...(process.stderr.isTTY && { stderrColumns: process.stderr.columns }),
  };
}

/**
 * The bin's entry (bin/mcp-contract.js): prints the recorded output and returns the exit code,
 * or returns undefined (printing nothing) for the full CLI to run. `dist`: the dist/ directory.
 */
export function runHot(dist: URL): number | undefined {
  let entry: HotEntry | undefined;
  try {
    entry = hotAnswer(process.argv.slice(2), thisProcess(), fileURLToPath(dist));
  } catch {
    return undefined;
  }
  if (!entry) return undefined;
  for (const [stream, text] of entry.out) (stream === 1 ? process.stdout : process.stderr).write(text);
  return entry.exit;
}

/** Set by a test's module-trace preload (test/helpers/trace-*.mjs): told each module the compiled check initialises. */
const MODULE_TRACE = Symbol.for("mcp-contract.module-trace");

/** The CLI's entry of the offline check's bundle. */
type CheckMain = (argv: readonly string[]) => Promise<number>;

/**
 * Whether the offline check's bundle (dist/bundle/check-offline.cjs) runs the command line: one
 * the hot path serves, in any format, `--no-cache` allowed besides, and no trace to export
 * (OpenTelemetry is left out of that bundle).
 */
export function offlineBundleServes(argv: readonly string[], env: HotProcess["env"]): boolean {
  if (
    !hotArguments(
      argv.filter((arg) => arg !== "--no-cache"),
      true,
    )
  )
    return false;
  return !Object.keys(env).some((name) => name.startsWith("OTEL_") && env[name]);
}

/**
 * The offline check's bundle (`file`, its bytes `bytes`) compiled with `vm.Script` as a function of
 * the CommonJS module's variables, from V8's code cache `cached` when given.
 */
export function offlineScript(
  file: string,
  bytes: Buffer,
  cached: Buffer | undefined,
  scriptName: string = file,
): import("node:vm").Script {
  // ASCII (scripts/bundle.mjs makes it so): read as latin1, a one-byte string, decoding nothing.
  const source = bytes.toString("latin1");
  // Loaded here, not imported: a warm run the hot path answers never needs it.
  const { constants, Script } = process.getBuiltinModule("node:vm");
  return new Script(
    `(function (exports, require, module, __filename, __dirname, __bundleMetaUrl, __bundleTrace) {"use strict";${source}\n})`,
    {
      filename: scriptName,
      ...(cached && { cachedData: cached }),
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    },
  );
}

/** The offline check's bundle compiled (`offlineScript`) and run: its `main`, or undefined when it has none. */
function compileOfflineBundle(
  file: string,
  bytes: Buffer,
  cached: Buffer | undefined,
  scriptName: string = file,
): { script: import("node:vm").Script; main: CheckMain } | undefined {
  const script = offlineScript(file, bytes, cached, scriptName);
  const bundle: { exports: { main?: CheckMain } } = { exports: {} };
  const trace = (globalThis as Record<symbol, unknown>)[MODULE_TRACE];
  const url = pathToFileURL(file).href;
  (script.runInThisContext() as (...args: unknown[]) => void)(
    bundle.exports,
    nodeModule.createRequire(file),
    bundle,
    file,
    dirname(file),
    url,
    typeof trace === "function" ? (input: string) => trace(`${url}#${input}`) : undefined,
  );
  const main = bundle.exports.main;
  return typeof main === "function" ? { script, main } : undefined;
}

/**
 * When the hot path cannot answer a `check --offline`, on a Node without
 * `module.enableCompileCache` (Node 20): the CLI's `main`, from the offline check's CommonJS
 * bundle (dist/bundle/check-offline.cjs, scripts/bundle.mjs) compiled with `vm.Script` from V8's
 * code cache (src/cache/code.ts), so the run neither compiles the functions it calls nor has
 * Node's ES loader resolve, read and link the check bundle's ~30 chunks. The code cache is the one
 * the build shipped for this Node and bundle (`shippedCodeCachePath`, only ever read: this is how
 * a `--no-cache` run, or one with the cache turned off, starts), else, for a command line the hot
 * path targets, the one in the result cache directory, written after a run that had none or whose
 * cache V8 rejected (another V8, other flags): then the bundle is compiled from its source, as it
 * would be without any. Undefined (nothing run) when this does not apply or anything fails before
 * `main` is reached: then the bin imports the check bundle, as on Node 22, whose compile cache the
 * bin enables.
 */
export function compiledCheck(dist: URL): CheckMain | undefined {
  try {
    if (typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function")
      return undefined;
    const argv = process.argv.slice(2);
    if (!offlineBundleServes(argv, process.env)) return undefined;
    const distDir = fileURLToPath(dist);
    const file = join(distDir, "bundle", "check-offline.cjs");
    const bytes = readFileSync(file);
    const shipped = readCodeCache(shippedCodeCachePath(file, sha256(bytes)));
    if (shipped) return compileOfflineBundle(file, bytes, shipped)?.main;
    const target = hotTarget(argv, thisProcess(), distDir);
    if (!target) return undefined;
    const { size, mtimeMs } = statSync(file);
    const material = JSON.stringify([
      "code 1",
      buildOf(distDir),
      [size, mtimeMs],
      process.version,
      process.arch,
      process.execArgv,
    ]);
    const path = codeCachePath(target.cacheDir, material);
    const cached = readCodeCache(path);
    const compiled = compileOfflineBundle(file, bytes, cached);
    if (!compiled) return undefined;
    const { script, main } = compiled;
    return async (args) => {
      const code = await main(args);
      // After the run: the cache then holds the functions it compiled, not only the top level.
      if (!cached || script.cachedDataRejected) writeCodeCache(path, script.createCachedData());
      return code;
    };
  } catch {
    return undefined;
  }
}

/**
 * The script name the shipped code cache is compiled under: V8 keeps a script's name in its cached
 * data (and shows it in stack traces of code run from it), and the build's absolute path (its
 * machine's directories, a user name) has no place in a published package. The bundle has no
 * dynamic `import()` to resolve against it; `require` and `__filename` are given the real path.
 */
export const SHIPPED_SCRIPT_NAME = "mcp-contract/dist/bundle/check-offline.cjs";

/**
 * For the build (scripts/code-cache.mjs): runs the offline check's bundle on `argv` (a
 * representative `check --offline --no-cache` in the working directory, so the functions such a
 * run calls are compiled too) and writes V8's code cache of it where `compiledCheck` looks for the
 * shipped one, behind its checksum. Returns the file written and the run's exit code.
 */
export async function writeShippedCodeCache(
  dist: URL,
  argv: readonly string[],
): Promise<{ path: string; code: number }> {
  const file = join(fileURLToPath(dist), "bundle", "check-offline.cjs");
  const bytes = readFileSync(file);
  const compiled = compileOfflineBundle(file, bytes, undefined, SHIPPED_SCRIPT_NAME);
  if (!compiled) throw new Error(`${file} has no main`);
  const code = await compiled.main(argv);
  const path = shippedCodeCachePath(file, sha256(bytes));
  writeFileSync(path, codeCacheFile(compiled.script.createCachedData()));
  return { path, code };
}

/** What a finished run depended on, for `recordHot`. */
export interface HotInputs {
  /** Files and directories read: stored with their stamps, each unchanged since before the run. */
  read: readonly string[];
  /** Paths looked for and not found (stored as absent; nothing may have been there during the run). */
  absent: readonly string[];
  /** Git's HEAD files (read, or absent): stored, but their directory changes at every commit. */
  git: readonly string[];
  /** The instants the output changes at (acknowledgements' expiry times, ms since the epoch). */
  instants: readonly number[];
}

/** Entries above this size are not stored. */
const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Stores what a full run printed (`out`) and exited with under `target`, with the stamps of
 * what it read. Nothing is stored when a stamp cannot be taken, anything changed less than
 * `RACY_MS` before the run started (`start`) or after, or an instant falls within the run.
 */
export function recordHot(
  target: HotTarget,
  inputs: HotInputs,
  run: { start: number; end: number; exit: number; out: HotEntry["out"] },
): boolean {
  if (run.out.reduce((n, [, text]) => n + text.length, 0) > MAX_OUTPUT) return false;
  const deps = new Map<string, Stamp>();
  for (const path of inputs.read) {
    const stamp = pathStamp(path);
    if (stamp === undefined || stamp === null || changedSince(path, run.start)) return false;
    deps.set(path, stamp);
  }
  for (const path of inputs.absent) {
    if (pathStamp(path) !== null || changedSince(path, run.start)) return false;
    deps.set(path, null);
  }
  for (const path of inputs.git) {
    const stamp = pathStamp(path);
    if (stamp === undefined || (stamp !== null && changedSince(path, run.start))) return false;
    deps.set(path, stamp);
  }
  let from: number | undefined;
  let until: number | undefined;
  for (const instant of inputs.instants) {
    if (!Number.isFinite(instant)) continue;
    if (instant <= run.start) from = Math.max(from ?? instant, instant);
    else if (instant > run.end) until = Math.min(until ?? instant, instant);
    else return false;
  }
  storeEntry(target.cacheDir, target.key, {
    deps: [...deps],
    ...(from !== undefined && { from }),
    ...(until !== undefined && { until }),
    exit: run.exit,
    out: run.out,
  });
  return true;
}
