/**
 * The one way a command writes its `--output FILE` (reports of check, diff and merge; export):
 * missing parent directories are created, and a regular file is written atomically (a temp file in
 * the same directory, renamed over it: a reader, a gateway watching the file, never sees half of
 * it, and a failed write leaves the old file as it was). What exists and is not a regular file
 * (`/dev/stdout`, a FIFO) is written in place: renaming over it would replace the device.
 */
import { mkdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "../lockfile/io.js";

const explain = (code: string): string =>
  code === "ENOTDIR" || code === "EEXIST" ? ": part of its path is a file, not a directory" : "";

/**
 * Writes `text` to `output` (resolved against `cwd`); `what` names it in the error ("the json
 * report", "the configmap export"). Throws UsageError `--output FILE: cannot write WHAT (CODE)`,
 * saying when part of the path is a file.
 */
export function writeOutputFile(cwd: string, output: string, text: string, what: string): void {
  const path = resolve(cwd, output);
  const shown = `--output ${output}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (statSync(path, { throwIfNoEntry: false })?.isFile() === false) {
      writeFileSync(path, text);
      return;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${shown}: cannot write ${what} (${code}${explain(code)})`);
  }
  writeFileAtomic(path, text, { kind: what, ErrorClass: UsageError, shown, explain });
}

/** A file the run reads, which no `--output` may replace: its absolute path and what it is ("the lockfile"). */
export interface ReadFile {
  path: string;
  what: string;
}

/** The path as the file system names it (symlinks and `..` resolved), or as given when it does not exist. */
function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Throws UsageError when `output` (resolved against `cwd`) is one of `inputs`: `check -o
 * mcp-contract.lock.json` replaced the lockfile with the report. Called before anything is written.
 */
export function refuseInputAsOutput(cwd: string, output: string, inputs: readonly ReadFile[]): void {
  const path = canonicalPath(resolve(cwd, output));
  const input = inputs.find((i) => canonicalPath(i.path) === path);
  if (input)
    throw new UsageError(
      `--output ${output}: that is ${input.what} this run reads (${input.path}); write to another file`,
    );
}
