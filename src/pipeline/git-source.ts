/**
 * `git:REF:PATH` arguments: any lockfile (or snapshot) argument may name a
 * file as it is at a git revision, so a pull request's lockfile can be diffed
 * against main's without checking main out (like buf's `--against .git#branch=main`).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { LockfileError } from "../errors.js";

/** A parsed `git:REF:PATH` argument. */
export interface GitSource {
  /** A revision git understands: a branch, tag, `origin/main`, `HEAD~1`, a commit id. */
  ref: string;
  /** The file, relative to the current directory (like any other file argument); a leading `/` means the repository root. */
  path: string;
}

/**
 * Parses `git:REF:PATH`; undefined for any other argument. Git ref names
 * cannot contain `:`, so the first colon after `git:` ends the ref.
 */
export function parseGitSource(argument: string): GitSource | undefined {
  if (!argument.startsWith("git:")) return undefined;
  const rest = argument.slice("git:".length);
  const colon = rest.indexOf(":");
  const ref = colon < 0 ? "" : rest.slice(0, colon);
  const path = colon < 0 ? "" : rest.slice(colon + 1);
  if (ref === "" || path === "") {
    throw new LockfileError(
      `${argument}: expected git:REF:PATH, e.g. git:origin/main:mcp-contract.lock.json`,
    );
  }
  // A ref starting with "-" would be read by git as an option.
  if (ref.startsWith("-")) throw new LockfileError(`${argument}: the ref must not start with "-"`);
  return { ref, path };
}

/**
 * Reads a file argument: a path (relative to `cwd`), or `git:REF:PATH` read
 * with `git show REF:./PATH` run in `cwd`. Throws LockfileError naming the
 * argument and what to do.
 */
export async function readFileArgument(
  argument: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string> {
  const git = parseGitSource(argument);
  if (!git) {
    try {
      return await readFile(resolve(cwd, argument), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new LockfileError(`${argument}: file not found`);
      if (code === "EISDIR") throw new LockfileError(`${argument}: is a directory, expected a file`);
      throw new LockfileError(`${argument}: cannot read (${code ?? (error as Error).message})`);
    }
  }
  // "./" makes git resolve the path against cwd rather than the repository root.
  const spec = `${git.ref}:${git.path.startsWith("/") ? git.path.slice(1) : `./${git.path}`}`;
  return new Promise((done, fail) => {
    execFile(
      "git",
      ["show", spec],
      {
        cwd,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...env, GIT_PAGER: "cat", LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        if (!error) return done(stdout);
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return fail(new LockfileError(`${argument}: git is not installed or not on PATH`));
        }
        const detail = stderr.trim().split("\n")[0] || error.message;
        const hint = /does not exist in|exists on disk, but not in/i.test(detail)
          ? " (the file is not in that revision; the path is relative to the current directory)"
          : /invalid object name|unknown revision|bad revision|ambiguous argument|not a valid object/i.test(
                detail,
              )
            ? " (fetch the ref first; in GitHub Actions use actions/checkout with fetch-depth: 0)"
            : "";
        fail(new LockfileError(`${argument}: git could not read it: ${detail}${hint}`));
      },
    );
  });
}
