// `headCommit` (src/cache/stamp.ts) reads HEAD's commit from git's files, so the offline check can
// find what it remembered of HEAD's lockfile without a child process: on real repositories it must
// be `git rev-parse HEAD` (a loose branch, packed refs, a linked worktree, a detached HEAD, a
// submodule-style `gitdir:` file, GIT_DIR), and decline whatever it does not read as git does.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { headCommit, headStamp } from "../../src/cache/stamp.js";
import { git } from "../helpers/git.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A repository with two commits on `main`, its lockfile in a subdirectory. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-head-"));
  dirs.push(dir);
  git(dir, "init", "-q", "-b", "main");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "mcp-contract.lock.json"), "{}\n");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "one");
  writeFileSync(join(dir, "sub", "mcp-contract.lock.json"), '{"a":1}\n');
  git(dir, "commit", "-qam", "two");
  return dir;
}

const revParse = (dir: string) => git(dir, "rev-parse", "HEAD").trim();

/**
 * What git itself says in `dir`, with `env` added: HEAD's commit, the work tree's top and HEAD's
 * lockfile as the offline check reads it (`git show HEAD:./…`); undefined for what git refuses.
 */
function gitSays(dir: string, env: Record<string, string> = {}) {
  const run = (...args: string[]) => {
    const r = spawnSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  return {
    commit: run("rev-parse", "HEAD"),
    top: run("rev-parse", "--show-toplevel"),
    lockfile: run("show", "HEAD:./mcp-contract.lock.json"),
  };
}

describe("headCommit", () => {
  it("is git's HEAD for a loose branch, packed refs, a detached HEAD and GIT_DIR", () => {
    const dir = repo();
    const sub = join(dir, "sub");
    expect(headCommit(sub, {})).toEqual({ gitDir: join(dir, ".git"), top: dir, commit: revParse(dir) });
    git(dir, "pack-refs", "--all");
    expect(git(dir, "for-each-ref", "refs/heads")).toContain("refs/heads/main");
    expect(headCommit(sub, {})?.commit).toBe(revParse(dir));
    // A loose ref written after packing wins over the packed one, as in git.
    git(dir, "commit", "-q", "--allow-empty", "-m", "three");
    expect(headCommit(sub, {})?.commit).toBe(revParse(dir));
    git(dir, "checkout", "-q", "--detach", "HEAD~1");
    expect(headCommit(sub, {})?.commit).toBe(revParse(dir));
    expect(headCommit(tmpdir(), { GIT_DIR: join(dir, ".git") })?.commit).toBe(revParse(dir));
  });

  it("follows a linked worktree's gitdir file and commondir, and a moved gitdir", () => {
    const dir = repo();
    const tree = join(dir, "..", `${dir.split("/").at(-1)}-tree`);
    dirs.push(tree);
    git(dir, "worktree", "add", "-q", "-b", "side", tree);
    git(tree, "commit", "-q", "--allow-empty", "-m", "on side");
    const sub = join(tree, "sub");
    expect(revParse(tree)).not.toBe(revParse(dir));
    expect(headCommit(sub, {})).toEqual({
      gitDir: join(dir, ".git", "worktrees", tree.split("/").at(-1)!),
      top: tree,
      commit: revParse(tree),
    });
    git(dir, "pack-refs", "--all");
    expect(headCommit(sub, {})?.commit).toBe(revParse(tree));
    expect(headCommit(join(dir, "sub"), {})?.commit).toBe(revParse(dir));
    // A `.git` file naming the git directory elsewhere (as a submodule's does).
    const other = mkdtempSync(join(tmpdir(), "mcp-contract-head-"));
    dirs.push(other);
    git(other, "init", "-q", "--separate-git-dir", join(other, "real.git"), join(other, "work"));
    git(join(other, "work"), "commit", "-q", "--allow-empty", "-m", "x");
    expect(headCommit(join(other, "work"), {})?.commit).toBe(revParse(join(other, "work")));
  });

  it("declines what it does not read as git does, so that git is asked", () => {
    const dir = repo();
    const sub = join(dir, "sub");
    // An unborn branch: no commit.
    git(dir, "checkout", "-q", "--orphan", "fresh");
    expect(headCommit(sub, {})).toBeUndefined();
    git(dir, "checkout", "-q", "main");
    expect(headCommit(sub, {})?.commit).toBe(revParse(dir));
    // Variables that change discovery or what a commit's files are.
    for (const name of [
      "GIT_WORK_TREE",
      "GIT_CEILING_DIRECTORIES",
      "GIT_NO_REPLACE_OBJECTS",
      "GIT_CONFIG_COUNT",
    ])
      expect(headCommit(sub, { [name]: dir }), name).toBeUndefined();
    // A replace ref: `git show HEAD:…` would show the replacement's files.
    git(dir, "replace", revParse(dir), git(dir, "rev-parse", "HEAD~1").trim());
    expect(headCommit(sub, {})).toBeUndefined();
    git(dir, "pack-refs", "--all");
    rmSync(join(dir, ".git", "refs", "replace"), { recursive: true, force: true });
    expect(git(dir, "for-each-ref", "refs/replace")).not.toBe("");
    expect(headCommit(sub, {})).toBeUndefined();
    git(dir, "replace", "-d", revParse(dir));
    expect(headCommit(sub, {})?.commit).toBe(revParse(dir));
    // core.worktree moves the work tree.
    git(dir, "config", "core.worktree", dir);
    expect(headCommit(sub, {})).toBeUndefined();
    git(dir, "config", "--unset", "core.worktree");
    // A symbolic ref naming another (HEAD → refs/heads/alias → main).
    git(dir, "symbolic-ref", "refs/heads/alias", "refs/heads/main");
    git(dir, "symbolic-ref", "HEAD", "refs/heads/alias");
    expect(revParse(dir)).toMatch(/^[0-9a-f]{40}$/);
    expect(headCommit(sub, {})).toBeUndefined();
    git(dir, "symbolic-ref", "HEAD", "refs/heads/main");
    // git refuses a repository it takes for another user's (its test knob for that).
    expect(gitSays(sub, { GIT_TEST_ASSUME_DIFFERENT_OWNER: "1" }).commit).toBeUndefined();
    expect(headCommit(sub, { GIT_TEST_ASSUME_DIFFERENT_OWNER: "1" })).toBeUndefined();
    // A `.git` directory below the repository that is none by git's signs (a HEAD and refs, no
    // objects: damaged, or half copied): git passes over it to the repository above, whose HEAD
    // can move while nothing in it changes; its HEAD file and ref are not the answer.
    const fake = join(sub, ".git");
    mkdirSync(join(fake, "refs", "heads"), { recursive: true });
    writeFileSync(join(fake, "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(fake, "refs", "heads", "main"), `${"1".repeat(40)}\n`);
    expect(gitSays(sub)).toEqual({ commit: revParse(dir), top: dir, lockfile: '{"a":1}' });
    expect(headCommit(sub, {})).toBeUndefined();
    expect(headStamp(sub, {})).toBeUndefined();
    // With its objects directory it is a repository of its own, as for git.
    mkdirSync(join(fake, "objects"));
    expect(gitSays(sub).top).toBe(sub);
    expect(headStamp(sub, {})).toBeDefined();
    rmSync(fake, { recursive: true, force: true });
    expect(headCommit(sub, {})?.commit).toBe(revParse(dir));
    // Outside any repository.
    const outside = mkdtempSync(join(tmpdir(), "mcp-contract-head-"));
    dirs.push(outside);
    expect(headCommit(outside, { GIT_CEILING_DIRECTORIES: undefined })).toBeUndefined();
  });

  it("declines a repository config that moves the work tree or the refs, wherever git reads it from", () => {
    const dir = repo();
    const sub = join(dir, "sub");
    const config = join(dir, ".git", "config");
    const elsewhere = mkdtempSync(join(tmpdir(), "mcp-contract-head-tree-"));
    dirs.push(elsewhere);
    // What git reads as this file's own: remotes, branches, comments, a variable on its header's line.
    appendFileSync(
      config,
      '# a comment\n[remote "origin"]\n\turl = https://example.invalid/r.git ; another\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "main"]\n\tremote = origin\n[core] bare = false\n[extensions]\n\tnoop\n',
    );
    const plain = gitSays(sub);
    expect(plain).toEqual({ commit: revParse(dir), top: dir, lockfile: '{"a":1}' });
    expect(headCommit(sub, {})).toEqual({ gitDir: join(dir, ".git"), top: plain.top, commit: plain.commit });
    const declines = (edit: () => void, undo: () => void) => {
      edit();
      expect(gitSays(sub)).not.toEqual(plain);
      expect(headCommit(sub, {})).toBeUndefined();
      undo();
      expect(headCommit(sub, {})?.commit).toBe(plain.commit);
    };
    const original = readFileSync(config, "utf8");
    const restore = () => writeFileSync(config, original);
    // core.worktree on the section header's line: git's work tree is elsewhere, and HEAD's lockfile
    // is looked for under another path.
    declines(() => appendFileSync(config, `[core] worktree = ${elsewhere}\n`), restore);
    // core.worktree in the worktree's own config.worktree (extensions.worktreeConfig).
    declines(
      () => {
        git(dir, "config", "extensions.worktreeConfig", "true");
        git(dir, "config", "--worktree", "core.worktree", elsewhere);
      },
      () => {
        rmSync(join(dir, ".git", "config.worktree"));
        restore();
      },
    );
    // A bare repository: git has no work tree to read a path of.
    declines(() => git(dir, "config", "--replace-all", "core.bare", "true"), restore);
    // An extension this git does not know: it refuses the repository.
    declines(() => {
      git(dir, "config", "core.repositoryformatversion", "1");
      git(dir, "config", "extensions.notAnExtension", "true");
    }, restore);
    // include and includeIf: another file's settings (here core.worktree, which git reads from a
    // config.worktree the include does not even need to name) are not read by headCommit.
    writeFileSync(join(dir, ".git", "more.cfg"), `[core]\n\tlogAllRefUpdates = true\n`);
    for (const key of ["include.path", `includeIf.gitdir:${dir}/.path`]) {
      git(dir, "config", key, "more.cfg");
      expect(gitSays(sub)).toEqual(plain);
      expect(headCommit(sub, {}), key).toBeUndefined();
      restore();
    }
    expect(headCommit(sub, {})?.commit).toBe(plain.commit);
  });
});
