/**
 * Lockfile I/O at the edge: read (from a path or `git:REF:PATH`), and write
 * atomically so a crash or a concurrent writer never leaves a torn file.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Lockfile } from "../core/lockfile.js";
import { InterruptedError, LockfileError } from "../errors.js";
import { parseLockfile } from "./parse.js";
import { stableStringify } from "./serialize.js";

/** The exact bytes `lock` writes for a lockfile. */
export function serializeLockfile(lock: Lockfile): string {
  return stableStringify(lock);
}

/** Reads and validates a lockfile. Returns undefined when the file does not exist. */
export async function readLockfileIfExists(path: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "EISDIR") throw new LockfileError(`${path}: is a directory, expected a lockfile`);
    throw new LockfileError(`${path}: cannot read lockfile (${code ?? (error as Error).message})`);
  }
  return parseLockfile(text, path);
}

/** The temp file `writeFileAtomic` writes next to `path` for process `pid`. */
function tempName(path: string, pid: number): string {
  return `.${basename(path)}.${pid}.${randomBytes(4).toString("hex")}.tmp`;
}

/**
 * How old a dead process's temp file must be before it is removed: the pid may
 * belong to a live writer in another pid namespace (a container sharing the
 * directory), whose temp file lives only for the milliseconds of one write.
 */
const STALE_TEMP_AGE_MS = 60_000;

/**
 * Removes the temp files `writeFileAtomic` left next to `path` when its
 * process was killed mid-write (SIGKILL, a crash): only names of exactly that
 * pattern, only of processes that are gone, only when older than a minute.
 * Returns the names removed. Never throws: a file it cannot remove stays.
 */
export function removeStaleTempFiles(path: string, now = Date.now()): string[] {
  const prefix = `.${basename(path)}.`;
  const pattern = /^(\d+)\.[0-9a-f]{8}\.tmp$/;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = pattern.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const file = join(dirname(path), name);
    try {
      const stat = statSync(file);
      if (!stat.isFile() || now - stat.mtimeMs < STALE_TEMP_AGE_MS) continue;
      rmSync(file);
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** Whether process `pid` exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What `writeFileAtomic` writes, for its error: the kind of file and the error to throw. */
export interface AtomicFileKind {
  /** `lockfile`, `acknowledgements file`: named in the error. */
  kind: string;
  /** The typed error a failed write throws (it decides the exit code). */
  ErrorClass: new (
    message: string,
  ) => Error;
  /** The path as shown to users; default `path`. */
  shown?: string;
  /** Said after the error code, when there is something to say (`ENOTDIR` → ": part of its path is a file…"). */
  explain?: (code: string) => string;
}

const LOCKFILE: AtomicFileKind = { kind: "lockfile", ErrorClass: LockfileError };

/**
 * Writes `text` to `path` atomically: a temp file in the same directory, written in full, fsynced,
 * then renamed over. A failure anywhere leaves `path` as it was and no temp file, and throws
 * `${path}: cannot write ${kind} (CODE)`.
 */
export function writeFileAtomic(path: string, text: string, file: AtomicFileKind = LOCKFILE): void {
  const temp = join(dirname(path), tempName(path, process.pid));
  try {
    const fd = openSync(temp, "w", 0o644);
    try {
      // write(2) may write less than asked (a file size limit, a full disk): loop until all is
      // written, so a short write is an error here rather than a truncated file renamed over.
      const bytes = Buffer.from(text, "utf8");
      for (let offset = 0; offset < bytes.length; )
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new file.ErrorClass(
      `${file.shown ?? path}: cannot write ${file.kind} (${code}${file.explain?.(code) ?? ""})`,
    );
  }
}

/**
 * Writes the lockfile atomically; returns whether its bytes changed. Removes
 * the temp files of earlier runs that were killed mid-write. Once `signal` has
 * aborted (SIGINT, SIGTERM), throws InterruptedError instead of writing: from
 * that check on, the write is synchronous, so no signal lands in the middle.
 */
export async function writeLockfile(path: string, lock: Lockfile, signal?: AbortSignal): Promise<boolean> {
  removeStaleTempFiles(path);
  const text = serializeLockfile(lock);
  let current: string | undefined;
  try {
    current = await readFile(path, "utf8");
  } catch {
    current = undefined;
  }
  if (signal?.aborted) throw new InterruptedError();
  if (current === text) return false;
  writeFileAtomic(path, text);
  return true;
}
