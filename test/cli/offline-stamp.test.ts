// The pre-commit path skips its `git diff --quiet` child when the lockfile's stamp (inode, size,
// times) and HEAD's stamp match a stamp git already called unchanged, and reading and hashing the
// lockfile when its stamp is one whose hash it remembers. These runs prove neither skip ever
// hides a change: an edit of the same size with its old modification time restored, and HEAD moving
// under an untouched lockfile, are both still seen (the whole report equals a `--no-cache` run's).
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { hashServer, hashTool } from "../../src/canonical/index.js";
import type { Lockfile } from "../../src/core/lockfile.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { runCliInProcess } from "../helpers/cli.js";
import { git as gitIn } from "../helpers/git.js";

let dir: string;
let cacheDir: string;
const lockPath = () => join(dir, "mcp-contract.lock.json");
/** git in the test repository. */
const git = (...args: string[]) => gitIn(dir, ...args);
// Stamps younger than a second are never trusted (coarse file-system clocks); age the files past it.
const settle = () => new Promise((done) => setTimeout(done, 1100));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "offline-stamp-"));
  cacheDir = join(dir, ".cache-under-test");
  await writeFiles(dir, generateReferenceRepo({ servers: 3, tools: 30, templates: 8 }));
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "one");
  await settle();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(cache: boolean) {
  const args = ["check", "--offline", "--format", "json", ...(cache ? [] : ["--no-cache"])];
  const run = await runCliInProcess(args, { cwd: dir, env: { MCP_CONTRACT_CACHE_DIR: cacheDir } });
  expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
  return { code: run.code, stdout: run.stdout };
}

const affected = (stdout: string) =>
  (JSON.parse(stdout) as { changes: { rule: string }[] }).changes.filter(
    (c) => c.rule === "template-affected",
  ).length;

describe("check --offline without a git child on an unchanged lockfile", () => {
  it("remembers git's answer under the lockfile's and HEAD's stamps", async () => {
    const cold = await check(false);
    expect(await check(true)).toEqual(cold);
    expect(await readdir(join(cacheDir, "lockfile-head"))).toHaveLength(1);
    // And the lockfile's hash under its stamp: the next run does not read it.
    expect(await readdir(join(cacheDir, "lockfile-hash"))).toHaveLength(1);
    expect(await check(true)).toEqual(cold);
    expect(affected(cold.stdout)).toBe(0);
  });

  it("sees an edit of the same size with the old modification time restored", async () => {
    // A whole second first, which utimes restores exactly (it takes seconds as a double), and a run
    // that records that stamp: after the edit only the change time tells the stamps apart.
    const whole = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000);
    await utimes(lockPath(), whole, whole);
    await settle();
    await check(true);
    const before = await stat(lockPath());
    const source = await readFile(join(dir, "prompts", "agent_000.hbs"), "utf8");
    const lock = JSON.parse(await readFile(lockPath(), "utf8")) as Lockfile;
    // A parameter of a tool the template uses, turned from a string into a number: breaking, and
    // "number" is as long as "string", so the file keeps its size.
    let edited = false;
    for (const [, server, tool] of source.matchAll(/\{\{#tool "([^/"]+)\/([^"]+)"\}\}/g)) {
      const entry = lock.servers[server!]!;
      const definition = entry.tools[tool!]!.definition;
      const props = (definition.inputSchema as { properties: Record<string, { type?: string }> }).properties;
      const param = Object.values(props).find((p) => p.type === "string");
      if (!param) continue;
      param.type = "number";
      entry.tools[tool!]!.hash = hashTool(definition);
      entry.hash = hashServer(Object.values(entry.tools).map((t) => t.hash));
      edited = true;
      break;
    }
    expect(edited).toBe(true);
    await writeFile(lockPath(), serializeLockfile(lock));
    await utimes(lockPath(), before.atime, before.mtime);
    const after = await stat(lockPath());
    expect(after.size).toBe(before.size);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    await settle();
    const cold = await check(false);
    expect(affected(cold.stdout)).toBeGreaterThan(0);
    expect(await check(true)).toEqual(cold);
    expect(await check(true)).toEqual(cold);
  });

  it("sees HEAD move under an untouched lockfile", async () => {
    git("commit", "-qam", "two");
    const unchanged = await check(true);
    expect(unchanged).toEqual(await check(false));
    expect(affected(unchanged.stdout)).toBe(0);
    expect(await check(true)).toEqual(unchanged);
    git("reset", "-q", "--soft", "HEAD~1");
    const cold = await check(false);
    expect(affected(cold.stdout)).toBeGreaterThan(0);
    expect(await check(true)).toEqual(cold);
  });
});
