// The per-template findings of `check --offline` are remembered under what the templates read of the
// lockfile (its catalog's key): the first run after a lockfile changed reads it entry by entry, the
// later ones take its catalog from the cache, and both must name it by the same key, or the run
// after a template edit checks every template again (one template-findings entry per key: a second
// entry is a second key).
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCommittedBenchRepo } from "../helpers/bench-repo.js";
import { runCliInProcess } from "../helpers/cli.js";

let dir: string;
let cacheDir: string;

beforeAll(async () => {
  ({ dir, cacheDir } = await makeCommittedBenchRepo("template-findings-key-", {
    servers: 2,
    tools: 6,
    templates: 4,
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(...extra: string[]) {
  const run = await runCliInProcess(["check", "--offline", "--format", "json", ...extra], {
    cwd: dir,
    env: { MCP_CONTRACT_CACHE_DIR: cacheDir },
  });
  expect([0, 1], run.stderr).toContain(run.code);
  return { code: run.code, stdout: run.stdout };
}

/** The template-findings entries in the cache: one per key they were stored under. */
async function findingsEntries(): Promise<string[]> {
  const stage = join(cacheDir, "template-findings");
  return (await readdir(stage, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

describe("check --offline: the per-template findings' key", () => {
  it("is the same on the first run (lockfile read entry by entry) and the next (catalog from the cache)", async () => {
    await check();
    const first = await findingsEntries();
    expect(first).toHaveLength(1);
    // One template edited: the lockfile's catalog now comes from the cache, and the three other
    // templates' findings are the first run's, stored again under the same key.
    const template = join(dir, "prompts", "agent_001.hbs");
    await writeFile(template, `${await readFile(template, "utf8")}One more line.\n`);
    const second = await check();
    expect(await findingsEntries()).toEqual(first);
    expect(second).toEqual(await check("--no-cache"));
  });
});
