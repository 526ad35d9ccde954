/**
 * V8's code cache of the offline check's CommonJS bundle (dist/bundle/check-offline.cjs), for
 * Node 20, which has no `module.enableCompileCache`: the hot path (src/hot.ts, `compiledCheck`)
 * compiles that bundle with `vm.Script` from it. Two kinds: the one shipped with the build
 * (`shippedCodeCachePath`, written into dist/bundle/ by `npm run build`, scripts/code-cache.mjs,
 * and only read at run time, so a `--no-cache` run reads nothing of the cache directory), and the
 * one in the result cache directory (`codeCachePath`), written after a run that had none, for a
 * Node the build's file is not for.
 *
 * It holds what V8 compiled from the bundle's source (bytecode and the source's own constants),
 * never data a run read. Safe as the result cache is: each file is named by the sha256 of the
 * bundle's build, its stamp, Node's version, the architecture and Node's flags; its first 32 bytes
 * are the sha256 of the rest, so a truncated, edited or foreign file is no cache at all (the bundle
 * is compiled from source, as V8 also does with data it rejects), and writes are atomic.
 */
import { hash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { sha256 } from "../core/hash.js";

const DIGEST = 32;

/** The file of the code cache for `material` (everything the compiled code depends on) in `cacheDir`. */
export function codeCachePath(cacheDir: string, material: string): string {
  return join(cacheDir, "code", `${sha256(material)}.bin`);
}

/**
 * The code cache shipped beside `bundleFile` for this Node: named by the sha256 of the bundle's
 * bytes (`bundleHash`), Node's version, V8's, the architecture and Node's flags (`execArgv`, less
 * the preloads and profilers, which change what runs beside the bundle, not how it compiles), so
 * another Node, other flags or an edited bundle find no file.
 */
export function shippedCodeCachePath(
  bundleFile: string,
  bundleHash: string,
  execArgv: readonly string[] = process.execArgv,
): string {
  const material = JSON.stringify([
    "shipped code 1",
    bundleHash,
    process.version,
    process.versions.v8,
    process.arch,
    compilingFlags(execArgv),
  ]);
  return join(dirname(bundleFile), `${basename(bundleFile, ".cjs")}.${sha256(material).slice(0, 32)}.bin`);
}

/** Node's options that load or watch other code: with a value (`--import x`, `--import=x`) or without. */
const PRELOAD =
  /^(--import|--require|-r|--loader|--experimental-loader|--cpu-prof-dir|--cpu-prof-interval|--cpu-prof-name|--heap-prof-dir|--heap-prof-interval|--heap-prof-name)(=|$)/;
const PROFILE = /^--(cpu|heap)-prof$/;

/** `execArgv` without the options that leave how V8 compiles the bundle as it was. */
function compilingFlags(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const preload = PRELOAD.exec(arg);
    if (preload) {
      if (preload[2] === "") i++;
    } else if (!PROFILE.test(arg)) out.push(arg);
  }
  return out;
}

/** `data` as a code cache file holds it: behind its sha256. */
export function codeCacheFile(data: Buffer): Buffer {
  return Buffer.concat([hash("sha256", data, "buffer"), data]);
}

/** The cached data in the file at `path` when its checksum holds; undefined otherwise. */
export function readCodeCache(path: string): Buffer | undefined {
  try {
    const bytes = readFileSync(path);
    if (bytes.length <= DIGEST) return undefined;
    const data = bytes.subarray(DIGEST);
    return hash("sha256", data, "buffer").equals(bytes.subarray(0, DIGEST)) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores `data` at `path` atomically, behind its checksum, and removes the directory's other code
 * caches (earlier builds', ~0.7 MB each: another Node or other flags then compile once more); any
 * failure is ignored.
 */
export function writeCodeCache(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, codeCacheFile(data));
    renameSync(temp, path);
    for (const name of readdirSync(dir))
      if (name.endsWith(".bin") && name !== basename(path)) rmSync(join(dir, name), { force: true });
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}
