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
const RACY_MS = 1000;

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
  if (env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return undefined;
  let gitDir: string | undefined;
  if (env.GIT_DIR) gitDir = resolve(dir, env.GIT_DIR);
  else {
    for (let d = resolve(dir); ; d = dirname(d)) {
      const dotGit = join(d, ".git");
      let isFile: boolean;
      try {
        isFile = statSync(dotGit).isFile();
      } catch {
        if (dirname(d) === d) return undefined;
        continue;
      }
      if (!isFile) gitDir = dotGit;
      else {
        // A worktree or submodule: `.git` is a file naming the git directory.
        const match = /^gitdir: (.+?)\r?\n?$/.exec(readOrEmpty(dotGit));
        if (!match) return undefined;
        gitDir = resolve(d, match[1]!);
      }
      break;
    }
  }
  const head = readOrEmpty(join(gitDir, "HEAD"));
  if (head === "") return undefined;
  const commonLink = readOrEmpty(join(gitDir, "commondir")).trim();
  const common = commonLink === "" ? gitDir : resolve(gitDir, commonLink);
  const ref = /^ref: (\S+)\s*$/.exec(head)?.[1];
  const loose = ref === undefined ? "" : readOrEmpty(join(common, ref)) || readOrEmpty(join(gitDir, ref));
  return JSON.stringify([gitDir, head, loose, statOrEmpty(join(common, "packed-refs"))]);
}
