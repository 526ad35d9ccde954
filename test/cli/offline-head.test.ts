// HEAD's lockfile remembered under HEAD's commit id (src/pipeline/head-lockfile.ts): a second run
// at the same HEAD asks git whether the lockfile differs (`git diff --quiet`, as before) but not for
// HEAD's text (`git show`), and every report is the `--no-cache` report byte for byte, with its exit
// code: in a repository with loose and with packed refs, in a linked worktree, after HEAD moved,
// with the remembered entry texts gone from the cache, and with the lockfile marked
// assume-unchanged (git's answer still decides that there is no history). The git children are
// seen through a `git` on PATH that logs its arguments and runs the real one.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { hashServer, hashTool } from "../../src/canonical/index.js";
import type { Lockfile } from "../../src/core/lockfile.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { makeCommittedBenchRepo } from "../helpers/bench-repo.js";
import { runCliInProcess } from "../helpers/cli.js";
import { git } from "../helpers/git.js";

let dir: string;
let cacheDir: string;
let committed: string;
let bin: string;
let log: string;

beforeAll(async () => {
  ({ dir, cacheDir, committed } = await makeCommittedBenchRepo("offline-head-", {
    servers: 4,
    tools: 40,
    templates: 6,
  }));
  bin = join(dir, ".bin");
  log = join(dir, ".git-log");
  mkdirSync(bin);
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  writeFileSync(join(bin, "git"), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, "git"), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}-tree`, { recursive: true, force: true });
});

/** The git subcommands the check ran, in order (the log emptied). */
function gitCalls(): string[] {
  if (!existsSync(log)) return [];
  const calls = readFileSync(log, "utf8").trim().split("\n");
  rmSync(log);
  return calls.sort();
}

async function check(cwd: string, cache: boolean) {
  const args = ["check", "--offline", "--format", "json", ...(cache ? [] : ["--no-cache"])];
  const run = await runCliInProcess(args, {
    cwd,
    env: { MCP_CONTRACT_CACHE_DIR: cacheDir, PATH: `${bin}:${process.env.PATH}` },
  });
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** A cached run prints what an uncached one prints; the git subcommands the cached one ran. */
async function cachedCalls(cwd = dir): Promise<string[]> {
  const cold = await check(cwd, false);
  gitCalls();
  expect(await check(cwd, true)).toEqual(cold);
  return gitCalls();
}

let revision = 0;
/** One tool's description edited (a new text each time) and every hash rewritten, as `lock` writes them. */
async function relock(cwd = dir, server = 0): Promise<void> {
  const lock = JSON.parse(committed) as Lockfile;
  const entry = Object.values(lock.servers)[server]!;
  const tool = Object.values(entry.tools)[0]!;
  (tool.definition as { description?: string }).description += ` Revised ${++revision}.`;
  tool.hash = hashTool(tool.definition);
  entry.hash = hashServer(Object.values(entry.tools).map((t) => t.hash));
  await writeFile(join(cwd, "mcp-contract.lock.json"), serializeLockfile(lock));
}

const remembered = async () => (await readdir(join(cacheDir, "head-lockfile"), { recursive: true })).length;

describe("check --offline remembers HEAD's lockfile under HEAD's commit", () => {
  it("asks git for HEAD's text once per commit, with loose and packed refs", async () => {
    await check(dir, true);
    await relock();
    // The first run at this HEAD reads it from git and remembers it.
    expect(await cachedCalls()).toEqual(["diff", "show"]);
    expect(await remembered()).toBeGreaterThan(0);
    for (const server of [1, 2]) {
      await relock(dir, server);
      expect(await cachedCalls()).toEqual(["diff"]);
    }
    git(dir, "pack-refs", "--all");
    await relock(dir, 3);
    expect(await cachedCalls()).toEqual(["diff"]);
  });

  it("reads HEAD again after it moved, and when the cache lost an entry's text", async () => {
    await writeFile(join(dir, "mcp-contract.lock.json"), committed);
    git(dir, "commit", "-q", "--allow-empty", "-m", "moved");
    await relock(dir, 1);
    expect(await cachedCalls()).toEqual(["diff", "show"]);
    await relock(dir, 2);
    expect(await cachedCalls()).toEqual(["diff"]);
    await rm(join(cacheDir, "entry-text"), { recursive: true, force: true });
    await relock(dir, 3);
    expect(await cachedCalls()).toEqual(["diff", "show"]);
  });

  it("keeps git's answer on whether the lockfile differs (assume-unchanged: no history)", async () => {
    await relock(dir, 0);
    git(dir, "update-index", "--assume-unchanged", "mcp-contract.lock.json");
    try {
      expect(git(dir, "diff", "--stat", "HEAD")).toBe("");
      const calls = await cachedCalls();
      expect(calls).toContain("diff");
      expect(calls).not.toContain("show");
    } finally {
      git(dir, "update-index", "--no-assume-unchanged", "mcp-contract.lock.json");
    }
  });

  it("in a linked worktree", async () => {
    await writeFile(join(dir, "mcp-contract.lock.json"), committed);
    const tree = `${dir}-tree`;
    git(dir, "worktree", "add", "-q", "-b", "side", tree);
    await relock(tree, 0);
    expect(await cachedCalls(tree)).toEqual(["diff", "show"]);
    await relock(tree, 1);
    expect(await cachedCalls(tree)).toEqual(["diff"]);
    // The main work tree's HEAD is another record (another git directory).
    await relock(dir, 2);
    expect(await cachedCalls()).toContain("diff");
  });
});

describe("check --offline --no-cache asks git for HEAD's text only once it said the lockfile differs", () => {
  it("no `git show` for a lockfile equal to HEAD's; an edited one is still diffed against HEAD's", async () => {
    await writeFile(join(dir, "mcp-contract.lock.json"), committed);
    gitCalls();
    const same = await check(dir, false);
    expect(gitCalls()).toEqual(["diff"]);
    expect(same.code).toBe(0);
    expect(
      (JSON.parse(same.stdout) as { changes: { rule: string }[] }).changes.map((c) => c.rule),
    ).not.toContain("template-affected");
    // A tool a template names removed: the template's finding cites the change, which only the
    // diff against HEAD's lockfile (asked for once git said it differs) knows.
    const template = readFileSync(join(dir, "prompts", "agent_000.hbs"), "utf8");
    const [server, tool] = /tools: \[([^/\]]+)\/([^,\]]+)/.exec(template)!.slice(1) as [string, string];
    const lock = JSON.parse(committed) as Lockfile;
    delete lock.servers[server]!.tools[tool];
    await writeFile(join(dir, "mcp-contract.lock.json"), serializeLockfile(lock));
    const edited = await check(dir, false);
    expect(gitCalls()).toEqual(["diff", "show"]);
    expect(edited.code).toBe(1);
    const affected = (
      JSON.parse(edited.stdout) as { changes: { rule: string; message: string }[] }
    ).changes.filter((c) => c.rule === "template-affected");
    expect(affected.length).toBeGreaterThan(0);
    expect(affected[0]!.message).toContain(
      `uses \`${server}/${tool}\`, which has a breaking change (tool-removed)`,
    );
    // The cached run, which asks for both at once, prints the same.
    expect(await check(dir, true)).toEqual(edited);
    await writeFile(join(dir, "mcp-contract.lock.json"), committed);
  });
});

describe("HEAD's repository is the one git finds from the lockfile's real directory", () => {
  // Git starts from the real path of its working directory; a path through a symbolic link to a
  // directory inside a repository may have another repository (or none) above it, and a link may
  // be pointed elsewhere at the same HEAD. Each cached run must be the --no-cache one.
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "offline-head-link-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A committed repository at `repo` with the bench's project in `repo/sub` (and its committed lockfile). */
  async function benchProject(repo: string, sub: string): Promise<string> {
    await writeFiles(join(repo, sub), generateReferenceRepo({ servers: 2, tools: 10, templates: 4 }));
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "init");
    return readFileSync(join(repo, sub, "mcp-contract.lock.json"), "utf8");
  }

  /** The lockfile at `file` without the first tool its first template names (a change templates cite). */
  function removeUsedTool(file: string): void {
    const template = readFileSync(join(dirname(file), "prompts", "agent_000.hbs"), "utf8");
    const [server, tool] = /tools: \[([^/\]]+)\/([^,\]]+)/.exec(template)!.slice(1) as [string, string];
    const lock = JSON.parse(readFileSync(file, "utf8")) as Lockfile;
    delete lock.servers[server]!.tools[tool];
    writeFileSync(file, serializeLockfile(lock));
  }

  /** One description edited on the last server (a change no template cites). */
  function editDescription(file: string): void {
    const lock = JSON.parse(readFileSync(file, "utf8")) as Lockfile;
    const tool = Object.values(Object.values(lock.servers).at(-1)!.tools)[0]!;
    (tool.definition as { description?: string }).description += " Revised.";
    writeFileSync(file, serializeLockfile(lock));
  }

  const run = async (config: string, cache: string, cached: boolean) => {
    const args = ["check", "--offline", "--format", "json", "--config", config];
    const result = await runCliInProcess(cached ? args : [...args, "--no-cache"], {
      cwd: root,
      env: { MCP_CONTRACT_CACHE_DIR: cache },
    });
    return { code: result.code, stdout: result.stdout, stderr: result.stderr };
  };

  it("through a link from inside another repository", async () => {
    const outer = join(root, "outer");
    mkdirSync(outer);
    git(outer, "init", "-q");
    git(outer, "commit", "-q", "--allow-empty", "-m", "outer");
    const real = join(root, "real");
    await benchProject(real, "proj");
    symlinkSync(join(real, "proj"), join(outer, "link"));
    const config = join(outer, "link", "mcp-contract.yaml");
    const lockfile = join(outer, "link", "mcp-contract.lock.json");
    const cache = join(root, "cache-outer");
    removeUsedTool(lockfile);
    const first = await run(config, cache, true);
    expect(first.stdout).toContain('"rule": "template-affected"');
    // The removal committed in the real repository (the outer one's HEAD stays), then a
    // description edited: HEAD's lockfile is the one without the tool.
    git(real, "commit", "-qam", "removed");
    editDescription(lockfile);
    const cold = await run(config, cache, false);
    expect(cold.stdout).not.toContain('"rule": "template-affected"');
    expect(await run(config, cache, true)).toEqual(cold);
  });

  it("through a link pointed at another directory of the same repository", async () => {
    const repo = join(root, "one");
    await benchProject(repo, "a");
    cpSync(join(repo, "a"), join(repo, "b"), { recursive: true });
    removeUsedTool(join(repo, "b", "mcp-contract.lock.json"));
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "b");
    // Untracked, inside the repository: both paths find the same repository.
    const link = join(repo, "current");
    symlinkSync(join(repo, "a"), link);
    const config = join(link, "mcp-contract.yaml");
    const cache = join(root, "cache-one");
    // a's lockfile without the tool: its HEAD text has it, so the removal is cited.
    removeUsedTool(join(repo, "a", "mcp-contract.lock.json"));
    expect((await run(config, cache, true)).stdout).toContain('"rule": "template-affected"');
    // Pointed at b, committed without the tool: only a description edited since its HEAD.
    rmSync(link);
    symlinkSync(join(repo, "b"), link);
    editDescription(join(repo, "b", "mcp-contract.lock.json"));
    const cold = await run(config, cache, false);
    expect(cold.stdout).not.toContain('"rule": "template-affected"');
    expect(await run(config, cache, true)).toEqual(cold);
  });
});
