/**
 * File stamps for the pre-commit path: what the file system says about a file
 * and about git's HEAD without starting a child process. A stamp is only ever
 * used as a cache key (see `headStamp` in src/pipeline/offline.ts): when any
 * part of it differs, the caller asks git again, so a stamp can cost a
 * process spawn but never a wrong answer.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
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
 * `dir` with its symbolic links resolved, as git sees the directory it runs in (its working
 * directory's real path); `dir` resolved when it cannot be (git then finds no repository either).
 */
export function realDirectory(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/**
 * The git directory of the repository holding `dir`, and the `.git` paths looked at to find it
 * (from `dir`'s real path up, as git looks from its working directory's: through a link to a
 * directory inside a repository, the directories above the link are not the repository's; the
 * last one is the one found). `GIT_DIR` in `env` is honoured as git honours it; undefined with
 * `GIT_WORK_TREE` or `GIT_COMMON_DIR`, outside a repository, or for a `.git` file that does not
 * name a directory.
 */
export function findGitDir(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): { gitDir: string; searched: string[] } | undefined {
  if (env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return undefined;
  const real = realDirectory(dir);
  if (env.GIT_DIR) {
    const gitDir = resolve(real, env.GIT_DIR);
    return isGitDirectory(gitDir) ? { gitDir, searched: [] } : undefined;
  }
  const searched: string[] = [];
  for (let d = real; ; d = dirname(d)) {
    const dotGit = join(d, ".git");
    searched.push(dotGit);
    let isFile: boolean;
    try {
      isFile = statSync(dotGit).isFile();
    } catch {
      if (dirname(d) === d) return undefined;
      continue;
    }
    // A worktree or submodule: `.git` is a file naming the git directory.
    const match = isFile ? /^gitdir: (.+?)\r?\n?$/.exec(readOrEmpty(dotGit)) : undefined;
    const gitDir = isFile ? (match ? resolve(d, match[1]!) : undefined) : dotGit;
    // A `.git` directory that is no repository by git's signs is passed over by git, which then
    // looks further up (a damaged or copied `.git` would else stand for the repository above it,
    // whose HEAD could move with nothing here changing): declined, as a gitdir file naming one.
    return gitDir !== undefined && isGitDirectory(gitDir) ? { gitDir, searched } : undefined;
  }
}

/**
 * Whether git takes `gitDir` for a git directory (its `is_git_directory`): a `HEAD` naming a ref
 * under `refs/` or holding an object id, and `objects` and `refs` directories in the common
 * directory (`commondir`, for a linked worktree).
 */
function isGitDirectory(gitDir: string): boolean {
  const head = readOrEmpty(join(gitDir, "HEAD"));
  if (!/^ref:\s*refs\//.test(head) && !/^(?:[0-9a-f]{40}|[0-9a-f]{64})\s*$/.test(head)) return false;
  const commonLink = readOrEmpty(join(gitDir, "commondir")).trim();
  const common = commonLink === "" ? gitDir : resolve(gitDir, commonLink);
  try {
    return statSync(join(common, "objects")).isDirectory() && statSync(join(common, "refs")).isDirectory();
  } catch {
    return false;
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

/**
 * Environment variables that change where git looks for a repository or what an object id's
 * content is (`git show HEAD:path`): with any of them set, `headCommit` declines.
 */
const OBJECT_ENV = [
  "GIT_CEILING_DIRECTORIES",
  "GIT_DISCOVERY_ACROSS_FILESYSTEM",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_REPLACE_REF_BASE",
  "GIT_NO_REPLACE_OBJECTS",
  "GIT_GRAFT_FILE",
  "GIT_NAMESPACE",
  "GIT_CONFIG",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_PARAMETERS",
  // git's test knob: every repository is another user's, refused unless safe.directory allows it.
  "GIT_TEST_ASSUME_DIFFERENT_OWNER",
];

/** The `extensions.*` git reads HEAD and the refs the same way with (a sha256 id is read too). */
const PLAIN_EXTENSIONS = new Set(["noop", "objectformat", "worktreeconfig"]);

/**
 * Whether a repository config file (`config`, or a worktree's `config.worktree`) may make git read
 * another HEAD or refs, or another work tree, than the files `headCommit` reads: `core.worktree`
 * (the work tree, and so what a path names, moves), `core.bare` other than false (no work tree),
 * `include.*` or `includeIf.*` (what another file says, not read here), an `extensions.*` other
 * than `PLAIN_EXTENSIONS` (reftable refs, a partial clone, one this git refuses), a format version
 * other than 0 or 1, or a line this reader does not understand (a value continued on the next
 * line, say). The syntax is git-config(1)'s: `[section]`, `[section "sub"]` or `[section.sub]`,
 * then `name = value` or a bare `name` (true), on the header's line too; `#` and `;` comments.
 */
export function configMayMoveHead(text: string): boolean {
  let section = "";
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"(?:[^"\\\n]|\\.)*")?\s*\]/.exec(line);
    if (header) {
      // `[section.sub]` is the old form of `[section "sub"]`: the section is the part before the dot.
      section = header[1]!.toLowerCase().split(".")[0]!;
      if (section === "include" || section === "includeif") return true;
      line = line.slice(header[0].length).trim();
    }
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (section === "") return true;
    const variable = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!variable) return true;
    const name = variable[1]!.toLowerCase();
    // The value without its comment and quotes; one continued on the next line is not read.
    const value = (variable[2] ?? "true")
      .replace(/\s*[#;].*$/, "")
      .replace(/^"(.*)"$/, "$1")
      .trim();
    if (value.endsWith("\\")) return true;
    if (section === "core") {
      if (name === "worktree") return true;
      if (name === "bare" && !/^(false|no|off|0)$/i.test(value)) return true;
      if (name === "repositoryformatversion" && value !== "0" && value !== "1") return true;
    } else if (section === "extensions" && !PLAIN_EXTENSIONS.has(name)) return true;
  }
  return false;
}

/** Whether `dir` holds anything (git leaves an empty `refs/replace` behind a deleted replace ref). */
function hasEntries(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

/** Whether the directories are on one file system (the same device); false when one cannot be read. */
function sameDevice(dirs: readonly string[]): boolean {
  try {
    const device = statSync(dirs[0]!).dev;
    return dirs.every((d) => statSync(d).dev === device);
  } catch {
    return false;
  }
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The commit HEAD names in the repository holding `dir`, read from git's files without a child
 * process: `HEAD` (a `gitdir:` file followed for a worktree or submodule, `commondir` for the
 * shared refs), the loose ref it names, else `packed-refs`. `gitDir` and `top` (the directory the
 * `.git` entry was found in) say which repository. Undefined, so that the caller asks git, for
 * anything else: no repository, an unborn branch, a symbolic ref naming another symbolic ref, the
 * reftable format, replace refs or grafts (they change what a commit's files are), a repository
 * another user owns (git refuses it unless `safe.directory` says otherwise, and declining is
 * git's answer whatever safe.directory says), a repository config that may move the work tree or
 * the refs (`configMayMoveHead`: `core.worktree` in `config` or `config.worktree`, `core.bare`,
 * `include`/`includeIf`, extensions), a `.git` found across a file system boundary,
 * `GIT_WORK_TREE`, `GIT_COMMON_DIR` or a variable of `OBJECT_ENV` set.
 */
export function headCommit(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): { gitDir: string; top: string; commit: string } | undefined {
  if (OBJECT_ENV.some((name) => env[name] !== undefined)) return undefined;
  const found = findGitDir(dir, env);
  if (!found) return undefined;
  const { gitDir } = found;
  const top = found.searched.length > 0 ? dirname(found.searched.at(-1)!) : realDirectory(dir);
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const files = headFiles(gitDir);
  if (files === undefined) return undefined;
  const [head, commondir, looseCommon, , packed] = files;
  const commonLink = readOrEmpty(commondir).trim();
  const common = commonLink === "" ? gitDir : resolve(gitDir, commonLink);
  for (const path of [top, gitDir, common]) {
    try {
      if (statSync(path).uid !== uid) return undefined;
    } catch {
      return undefined;
    }
  }
  if (hasEntries(join(common, "refs", "replace")) || statOrEmpty(join(common, "info", "grafts")) !== "")
    return undefined;
  // The repository's config, and the worktree's own (read by git with extensions.worktreeConfig;
  // looked at whenever it is there): `core.worktree`, includes and the rest of `configMayMoveHead`.
  if (configMayMoveHead(readOrEmpty(join(common, "config")))) return undefined;
  if (configMayMoveHead(readOrEmpty(join(gitDir, "config.worktree")))) return undefined;
  // git stops looking for `.git` at a file system's boundary (unless GIT_DISCOVERY_ACROSS_FILESYSTEM,
  // which declines above): a repository found above a mount point is not the one git finds.
  if (found.searched.length > 1 && !sameDevice(found.searched.map(dirname))) return undefined;
  const headText = readOrEmpty(head);
  let packedText: string | undefined;
  const packedRefs = (): string => {
    packedText ??= readOrEmpty(packed);
    return packedText;
  };
  if (packedRefs().includes(" refs/replace/")) return undefined;
  if (looseCommon === undefined) {
    // Detached: HEAD holds the commit itself.
    const commit = headText.trim();
    return OID.test(commit) && headText === `${commit}\n` ? { gitDir, top, commit } : undefined;
  }
  const ref = /^ref: (refs\/heads\/\S+)\n$/.exec(headText)?.[1];
  if (ref === undefined) return undefined;
  // Branches live in the common directory (a worktree's own directory holds only its HEAD and
  // per-worktree refs); a loose ref wins over a packed one.
  let loose: string | undefined;
  try {
    loose = readFileSync(looseCommon, "utf8");
  } catch (error) {
    // Only a ref that is not there is looked up in packed-refs.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
  }
  if (loose !== undefined) {
    const commit = loose.trim();
    return OID.test(commit) && loose === `${commit}\n` ? { gitDir, top, commit } : undefined;
  }
  for (const line of packedRefs().split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0 && line.slice(space + 1) === ref) {
      const commit = line.slice(0, space);
      return OID.test(commit) ? { gitDir, top, commit } : undefined;
    }
  }
  return undefined;
}
