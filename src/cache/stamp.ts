/**
 * File stamps for the pre-commit path: what the file system says about a file
 * and about git's HEAD without starting a child process. A stamp is only ever
 * used as a cache key (see `headStamp` in src/pipeline/offline.ts): when any
 * part of it differs, the caller asks git again, so a stamp can cost a
 * process spawn but never a wrong answer.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * Changes younger than this (ms) are "racy": the file system's clock is coarse
 * (a few ms on Linux), so a write right after the stat could leave the same
 * times and size. Such a stamp is never stored (as git does for its index).
 */
export const RACY_MS = 1000;

/**
 * The lockfile's identity on disk (device, inode, size, modification and
 * change times in nanoseconds), or undefined when it cannot be read or was
 * changed too recently to be trusted (see `RACY_MS`).
 */
export function fileStamp(path: string, nowMs: number = Date.now()): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    const changedMs = Number(s.ctimeNs / 1_000_000n);
    const modifiedMs = Number(s.mtimeNs / 1_000_000n);
    if (nowMs - changedMs < RACY_MS || nowMs - modifiedMs < RACY_MS) return undefined;
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function statOrEmpty(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return "";
  }
}

/**
 * What HEAD is for the git repository holding `dir`, read from the files git
 * keeps (`HEAD`, the loose ref it names, `packed-refs`' stamp), or undefined
 * when no repository is found or its layout is not understood. `GIT_DIR` in
 * `env` is honoured as git honours it; `GIT_WORK_TREE` or `GIT_COMMON_DIR`
 * make the answer undefined (the caller then asks git).
 */
export function headStamp(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const gitDir = findGitDir(dir, env)?.gitDir;
  const files = gitDir === undefined ? undefined : headFiles(gitDir);
  if (files === undefined) return undefined;
  const [head, , looseCommon, looseOwn, packed] = files;
  const loose = looseCommon === undefined ? "" : readOrEmpty(looseCommon) || readOrEmpty(looseOwn!);
  return JSON.stringify([gitDir, readOrEmpty(head), loose, statOrEmpty(packed)]);
}

/**
 * The git directory of the repository holding `dir`, and the `.git` paths looked at to find it
 * (from `dir` up; the last one is the one found). `GIT_DIR` in `env` is honoured as git honours
 * it; undefined with `GIT_WORK_TREE` or `GIT_COMMON_DIR`, outside a repository, or for a `.git`
 * file that does not name a directory.
 */
export function findGitDir(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): { gitDir: string; searched: string[] } | undefined {
  if (env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return undefined;
  if (env.GIT_DIR) return { gitDir: resolve(dir, env.GIT_DIR), searched: [] };
  const searched: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const dotGit = join(d, ".git");
    searched.push(dotGit);
    let isFile: boolean;
    try {
      isFile = statSync(dotGit).isFile();
    } catch {
      if (dirname(d) === d) return undefined;
      continue;
    }
    if (!isFile) return { gitDir: dotGit, searched };
    // A worktree or submodule: `.git` is a file naming the git directory.
    const match = /^gitdir: (.+?)\r?\n?$/.exec(readOrEmpty(dotGit));
    return match ? { gitDir: resolve(d, match[1]!), searched } : undefined;
  }
}

/**
 * The files that say what HEAD is in `gitDir`: `HEAD`, `commondir`, the loose ref HEAD names (in
 * the common directory, then the worktree's own; undefined when HEAD is detached) and
 * `packed-refs`. Undefined when HEAD cannot be read or refs are not plain files (the reftable
 * format keeps them in `reftable/`, which these files do not describe).
 */
export function headFiles(
  gitDir: string,
):
  | [
      head: string,
      commondir: string,
      looseCommon: string | undefined,
      looseOwn: string | undefined,
      packed: string,
    ]
  | undefined {
  const headPath = join(gitDir, "HEAD");
  const head = readOrEmpty(headPath);
  if (head === "") return undefined;
  const commondir = join(gitDir, "commondir");
  const commonLink = readOrEmpty(commondir).trim();
  const common = commonLink === "" ? gitDir : resolve(gitDir, commonLink);
  if (statOrEmpty(join(common, "reftable")) !== "") return undefined;
  const ref = /^ref: (\S+)\s*$/.exec(head)?.[1];
  const packed = join(common, "packed-refs");
  return ref === undefined
    ? [headPath, commondir, undefined, undefined, packed]
    : [headPath, commondir, join(common, ref), join(gitDir, ref), packed];
}
