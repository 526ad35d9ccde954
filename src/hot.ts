/**
 * The pre-commit hot path, bundled by esbuild into one file at `npm run build`
 * (dist/hot.bundle.js, Node built-ins only; scripts/bundle.mjs): it answers
 * `check --offline` with what an earlier, identical run printed and exited
 * with, when none of the files that run read has changed since (src/cache/hot.ts).
 * It parses the command line only far enough to know it may answer, reads one
 * cache entry, stats the config, lockfile, git HEAD, acknowledgements file,
 * templates and the directories they were listed from, and prints. Anything
 * else (another command or flag, a format whose output depends on more than
 * the report, a trace to export, a miss) is left to the full CLI, which
 * records the entry the next identical run reads (src/cli/hot-record.ts).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

/** Whether the command line is a `check --offline` the hot path may answer. */
export function hotArguments(argv: readonly string[]): boolean {
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
      if ((name === "-f" || name === "--format") && !FORMATS.has(value)) return false;
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
    const times = ["cli/main.js", "hot.bundle.js"].map((file) => statSync(join(distDir, file)).mtimeMs);
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

/**
 * The bin's entry (bin/mcp-contract.js): prints the recorded output and returns the exit code,
 * or returns undefined (printing nothing) for the full CLI to run. `dist`: the dist/ directory.
 */
export function runHot(dist: URL): number | undefined {
  let entry: HotEntry | undefined;
  try {
    const proc: HotProcess = {
      cwd: process.cwd(),
      env: process.env,
      stdoutIsTTY: Boolean(process.stdout.isTTY),
      stderrIsTTY: Boolean(process.stderr.isTTY),
      ...(process.stdout.isTTY && { stdoutColumns: process.stdout.columns }),
      ...(process.stderr.isTTY && { stderrColumns: process.stderr.columns }),
    };
    entry = hotAnswer(process.argv.slice(2), proc, fileURLToPath(dist));
  } catch {
    return undefined;
  }
  if (!entry) return undefined;
  for (const [stream, text] of entry.out) (stream === 1 ? process.stdout : process.stderr).write(text);
  return entry.exit;
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
