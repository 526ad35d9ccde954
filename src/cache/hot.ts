/**
 * The hot path's entries (src/hot.ts): what a whole `check --offline` run
 * printed and exited with, under a key of everything outside the files that
 * can change its output (the command line, working directory, terminals,
 * environment variables, build), with the stamp of every file and directory
 * the run read (or found absent). While every stamp is the same, the run would
 * print the same again: a stamp (device, inode, mode, size, modification and
 * change times in ns) changes with any write, and no stamp younger than
 * `RACY_MS` before the run started is stored, so a write in the same clock
 * tick as the run cannot hide. Node built-ins only: this file is bundled.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { readEntry, writeEntry } from "./index.js";
import { RACY_MS } from "./stamp.js";

/** A path's stamp; null when nothing is there. */
export type Stamp = string | null;

/** One run's output and what it depended on. */
export interface HotEntry {
  /** Every path the output depends on, with its stamp at the time of the run. */
  deps: [path: string, stamp: Stamp][];
  /** The output holds from this instant (ms since the epoch) until `until`: acknowledgements' expiry times. */
  from?: number;
  until?: number;
  exit: number;
  /** What was written, in order: 1 stdout, 2 stderr. */
  out: [stream: 1 | 2, text: string][];
}

/** What a path is now: its stamp, null when nothing is there, undefined when it cannot be told. */
export function pathStamp(path: string): Stamp | undefined {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (s === undefined) return null;
    return `${s.dev}:${s.ino}:${s.mode}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOTDIR" ? null : undefined;
  }
}

/** Whether `path` (or, when it is absent, the nearest directory above it) changed less than `RACY_MS` before `since`. */
export function changedSince(path: string, since: number): boolean {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = statSync(p, { throwIfNoEntry: false });
      if (s) return s.mtimeMs >= since - RACY_MS || s.ctimeMs >= since - RACY_MS;
    } catch {
      return true;
    }
    if (dirname(p) === p) return true;
  }
}

function entryPath(cacheDir: string, key: string): string {
  return join(cacheDir, "hot", key.slice(0, 2), `${key}.json`);
}

const isEntry = (value: unknown): value is HotEntry => {
  const v = value as HotEntry | null;
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray(v.deps) &&
    Array.isArray(v.out) &&
    typeof v.exit === "number"
  );
};

/** The stored entry for `key` when it still holds at `now` (every stamp the same, within its time window). */
export function heldEntry(cacheDir: string, key: string, now: number): HotEntry | undefined {
  const entry = readEntry<unknown>(entryPath(cacheDir, key), key);
  if (!isEntry(entry)) return undefined;
  if (entry.from !== undefined && now < entry.from) return undefined;
  if (entry.until !== undefined && now >= entry.until) return undefined;
  for (const [path, stamp] of entry.deps) if (pathStamp(path) !== stamp) return undefined;
  return entry;
}

/** Stores an entry atomically (failures ignored). */
export function storeEntry(cacheDir: string, key: string, entry: HotEntry): void {
  writeEntry(entryPath(cacheDir, key), key, entry);
}
