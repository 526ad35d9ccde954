/**
 * Lockfile I/O at the edge: read (from a path or `git:REF:PATH`), and write
 * atomically so a crash or a concurrent writer never leaves a torn file.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { LockfileError } from "../errors.js";
import type { Lockfile } from "./format.js";
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

/** Writes `text` to `path` atomically: a temp file in the same directory, fsynced, then renamed over. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = openSync(temp, "w", 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new LockfileError(
      `${path}: cannot write lockfile (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** Writes the lockfile atomically; returns whether its bytes changed. */
export async function writeLockfile(path: string, lock: Lockfile): Promise<boolean> {
  const text = serializeLockfile(lock);
  let current: string | undefined;
  try {
    current = await readFile(path, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileAtomic(path, text);
  return true;
}
