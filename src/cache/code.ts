/**
 * V8's code cache of the offline check's CommonJS bundle (dist/bundle/check-offline.cjs), for
 * Node 20, which has no `module.enableCompileCache`: the hot path (src/hot.ts, `compiledCheck`)
 * compiles that bundle with `vm.Script` from it, and writes it after a run that had none.
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
    writeFileSync(temp, Buffer.concat([hash("sha256", data, "buffer"), data]));
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
