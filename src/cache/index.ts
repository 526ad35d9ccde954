/**
 * A content-addressed result cache for the offline pre-commit path: results of
 * named pure stages of the pipeline (template references, the lockfile's
 * integrity and poisoning findings, a whole offline check, a parsed config)
 * stored under the sha256 of everything they depend on plus the build that
 * computed them. I/O at the edge: src/pipeline/ asks it (`StageMemo`), the
 * stages never see it.
 *
 * Safe by construction: a missing, unreadable, corrupt or foreign entry is a
 * miss (each entry carries the sha256 of its own body), a failed write is
 * ignored, and writes are atomic (temp file, then rename), so concurrent runs
 * never read a torn entry. Deleting the directory is always safe.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "../core/hash.js";

/** Set to a directory to cache there; the cache's own directory name is not appended. */
export const CACHE_DIR_ENV = "MCP_CONTRACT_CACHE_DIR";
/** Set to anything but `""`, `0` or `false` to turn the cache off (as `--no-cache` does). */
export const NO_CACHE_ENV = "MCP_CONTRACT_NO_CACHE";

/**
 * Which build computed a result: the package version, the modification time
 * of this compiled file, and `dist/build-id` (the sha256 of every compiled
 * file, written by `npm run build`). `tsc` rewrites every output on each build,
 * so the time tells rebuilt checkouts apart; the content hash tells apart
 * installed builds, whose files npm stamps with one fixed time whatever they
 * contain (two tarballs or git commits of the same version).
 */
function buildId(): string {
  const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
  let stamp = "";
  let content = "";
  try {
    const file = fileURLToPath(import.meta.url);
    stamp = String(statSync(file).mtimeMs);
    content = readFileSync(join(dirname(file), "..", "build-id"), "utf8").trim();
  } catch {
    // Bundled, virtual, or built by bare `tsc`: what is known (the time still changes on a rebuild).
  }
  return `${pkg.version}:${stamp}:${content}`;
}

/**
 * Where the cache lives, or undefined when it is turned off: `$MCP_CONTRACT_CACHE_DIR`;
 * else `node_modules/.cache/mcp-contract` of the nearest directory from `cwd` up that has
 * a `node_modules`; else the user cache directory (`$XDG_CACHE_HOME`, `~/.cache`,
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) + `/mcp-contract`.
 */
export function cacheDirectory(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const off = env[NO_CACHE_ENV];
  if (off !== undefined && off !== "" && off !== "0" && off.toLowerCase() !== "false") return undefined;
  const explicit = env[CACHE_DIR_ENV];
  if (explicit) return resolve(cwd, explicit);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) return join(dir, "node_modules", ".cache", "mcp-contract");
    if (dirname(dir) === dir) break;
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "mcp-contract");
  if (platform === "darwin") return join(home, "Library", "Caches", "mcp-contract");
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "mcp-contract", "Cache");
  return join(home, ".cache", "mcp-contract");
}

/** A cache directory of JSON results, each file named by the sha256 of what produced it. */
export class ResultCache {
  private readonly build = buildId();
  private readonly created = new Set<string>();

  /** `dir`: an absolute directory (created on first write). */
  constructor(readonly dir: string) {}

  /**
   * The key of a result: sha256 over its kind, this build and its inputs
   * (strings joined unambiguously). Inputs must include every value the result
   * depends on, including names that appear in its messages.
   */
  key(kind: string, ...inputs: readonly string[]): string {
    const hash = createHash("sha256");
    hash.update(`${kind}\u0000${this.build}`);
    for (const input of inputs) hash.update(`\u0000${input.length}:${input}`);
    return hash.digest("hex");
  }

  /** The stored result, or undefined on a miss or any problem reading it. */
  get<T>(kind: string, key: string): T | undefined {
    return readEntry<T>(this.path(kind, key), key);
  }

  /** Stores a JSON-serialisable result atomically; any failure (read-only disk, full disk) is ignored. */
  set(kind: string, key: string, value: unknown): void {
    writeEntry(this.path(kind, key), key, value, this.created);
  }

  private path(kind: string, key: string): string {
    return join(this.dir, kind, key.slice(0, 2), `${key}.json`);
  }
}

/**
 * The value of the entry file at `path` stored under `key`, or undefined on a miss or any
 * problem reading it. First line: the sha256 of the rest, so a truncated or edited entry is a
 * miss, never a wrong answer.
 */
export function readEntry<T>(path: string, key: string): T | undefined {
  // Bytes, not text: the body is hashed as read (a string would be encoded back to UTF-8 first,
  // which costs more than the hash) and decoded once.
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (bytes.indexOf(0x0a) !== 64) return undefined;
  const body = bytes.subarray(65);
  if (sha256(body) !== bytes.toString("latin1", 0, 64)) return undefined;
  try {
    const entry = JSON.parse(body.toString("utf8")) as { key?: unknown; value?: unknown };
    return entry.key === key ? (entry.value as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes an entry file atomically (temp file, then rename); any failure (read-only disk, full
 * disk) is ignored. `created`: directories known to exist already.
 */
export function writeEntry(path: string, key: string, value: unknown, created = new Set<string>()): void {
  const dir = dirname(path);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    if (!created.has(dir)) {
      mkdirSync(dir, { recursive: true });
      created.add(dir);
    }
    // Encoded once: the hash is of these bytes, and they are what is written after it.
    const body = Buffer.from(JSON.stringify({ key, value }), "utf8");
    writeFileSync(temp, Buffer.concat([Buffer.from(`${sha256(body)}\n`, "latin1"), body]));
    renameSync(temp, path);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written (the directory is not there or not one).
    }
  }
}

/** The cache for a command, or undefined when `--no-cache` or the environment turns it off. */
export function openCache(
  options: { cache?: boolean },
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): ResultCache | undefined {
  if (options.cache === false) return undefined;
  const dir = cacheDirectory(cwd, env);
  return dir === undefined ? undefined : new ResultCache(dir);
}

/**
 * Whether `value` survives a JSON round trip unchanged: plain objects and
 * arrays of strings, finite numbers, booleans and null. Anything else (a YAML
 * `.inf`, a date, a `__proto__` key) is simply not cached.
 */
export function isJsonSafe(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every((v) => isJsonSafe(v, depth + 1));
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.entries(value).every(
    ([k, v]) => k !== "__proto__" && v !== undefined && isJsonSafe(v, depth + 1),
  );
}

/**
 * Parsed config documents in `cache`, keyed by the config's path and text (and this build), each
 * marked once it passed validation.
 */
export function parsedConfigStore(cache: ResultCache): {
  get(path: string, text: string): { data: unknown; validated?: boolean } | undefined;
  set(path: string, text: string, data: unknown, validated?: boolean): void;
} {
  const key = (path: string, text: string) => cache.key("config", path, sha256(text));
  return {
    get: (path, text) => {
      const hit = cache.get<{ data: unknown; validated?: unknown }>("config", key(path, text));
      if (!hit || typeof hit !== "object" || !("data" in hit)) return undefined;
      return { data: hit.data, ...(hit.validated === true && { validated: true }) };
    },
    set: (path, text, data, validated) => {
      if (data !== undefined && isJsonSafe(data))
        cache.set("config", key(path, text), { data, ...(validated === true && { validated: true }) });
    },
  };
}

/**
 * A memo of named pure stages: a stage's result stored under the stage's name
 * and everything it depends on. The pipeline asks it; the stages never see it.
 */
export interface StageMemo {
  /** The stored result of `stage` for `inputs`, when `valid` accepts it; else undefined. */
  get<T>(stage: string, inputs: readonly string[], valid: (value: unknown) => value is T): T | undefined;
  /** Stores `value` as the result of `stage` for `inputs` (failures are ignored). */
  set(stage: string, inputs: readonly string[], value: unknown): void;
}

/** The stages memoised in `cache`: each stage's results in its own directory, keyed by `ResultCache.key`. */
export function stageMemo(cache: ResultCache): StageMemo {
  return {
    get: <T>(stage: string, inputs: readonly string[], valid: (value: unknown) => value is T) => {
      const hit = cache.get<unknown>(stage, cache.key(stage, ...inputs));
      return valid(hit) ? hit : undefined;
    },
    set: (stage, inputs, value) => cache.set(stage, cache.key(stage, ...inputs), value),
  };
}
