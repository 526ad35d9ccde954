/**
 * Where GitHub looks for the files that SARIF results and workflow
 * annotations name: paths from the repository root, whatever directory the
 * command ran in (the action's `working-directory`, a monorepo package).
 */
import { execFile } from "node:child_process";
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * The directory report paths are named from. In order:
 * 1. `GITHUB_WORKSPACE`, when it is set and the working directory is inside it
 *    (GitHub Actions: the checkout, which code scanning and annotations resolve against);
 * 2. the git top level of the working directory;
 * 3. the working directory itself (not in a repository, git not installed).
 * Symbolic links are resolved first, so a working directory reached through one still compares.
 */
export async function repositoryRoot(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const here = await realpath(cwd).catch(() => resolve(cwd));
  const workspace = env.GITHUB_WORKSPACE;
  if (workspace) {
    const root = await realpath(resolve(cwd, workspace)).catch(() => undefined);
    if (root !== undefined && contains(root, here)) return root;
  }
  const top = await gitToplevel(here, env);
  if (top !== undefined) {
    const root = await realpath(top).catch(() => top);
    if (contains(root, here)) return root;
  }
  return here;
}

/** The working directory's path from `repositoryRoot`, forward slashes, "" at the root. */
export async function workingDirectoryFromRoot(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const here = await realpath(cwd).catch(() => resolve(cwd));
  return relative(await repositoryRoot(cwd, env), here)
    .split(sep)
    .join("/");
}

/** `git rev-parse --show-toplevel` in `cwd`; undefined outside a work tree or without git. */
export function gitToplevel(
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(
      "git",
      ["rev-parse", "--show-toplevel"],
      { cwd, env, timeout: 10_000, windowsHide: true },
      (error, stdout) => {
        const top = String(stdout).trim();
        done(error || top === "" ? undefined : top);
      },
    );
  });
}

function contains(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
