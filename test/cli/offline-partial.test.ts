// With a warm cache, check --offline verifies only the server entries whose text changed (each
// server's integrity is remembered by its entry's text). A tampered byte must still be found, in a
// server nothing else touched and in the one `lock` just rewrote, with the same report and exit
// code as a `--no-cache` run.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashServer, hashTool } from "../../src/canonical/index.js";
import type { LockedServer } from "../../src/core/lockfile.js";
import { serverSegments } from "../../src/lockfile/segments.js";
import { stableStringify } from "../../src/lockfile/serialize.js";
import { makeCommittedBenchRepo } from "../helpers/bench-repo.js";
import { runCliInProcess } from "../helpers/cli.js";

let dir: string;
let cacheDir: string;
let committed: string;
const lockPath = () => join(dir, "mcp-contract.lock.json");

beforeAll(async () => {
  ({ dir, cacheDir, committed } = await makeCommittedBenchRepo("offline-partial-", {
    servers: 3,
    tools: 30,
    templates: 6,
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Report = { changes: { rule: string; server: string; tool?: string; message: string }[] };

async function check(cache: boolean) {
  const args = ["check", "--offline", "--format", "json", ...(cache ? [] : ["--no-cache"])];
  const run = await runCliInProcess(args, { cwd: dir, env: { MCP_CONTRACT_CACHE_DIR: cacheDir } });
  expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
  return { code: run.code, report: JSON.parse(run.stdout) as Report };
}

/** The cached runs (filling, then hitting) must agree exactly with an uncached run. */
async function expectSameAsUncached() {
  const first = await check(true);
  const second = await check(true);
  const cold = await check(false);
  expect(first).toEqual(cold);
  expect(second).toEqual(cold);
  return cold;
}

/** The committed lockfile with `edit` applied to one server entry's text only (the other entries' bytes kept). */
function editEntry(text: string, server: string, edit: (entry: string) => string): string {
  const segment = serverSegments(text)!.find((s) => s.name === server)!;
  const edited = edit(text.slice(segment.start, segment.end));
  expect(edited).not.toBe(text.slice(segment.start, segment.end));
  return text.slice(0, segment.start) + edited + text.slice(segment.end);
}

/** What `lock` writes for a server whose first tool's description changed: definition and hashes rewritten. */
function relock(entryText: string): string {
  const entry = JSON.parse(entryText) as LockedServer;
  const tool = Object.values(entry.tools)[0]!;
  tool.definition = { ...tool.definition, description: `${tool.definition.description} Revised.` };
  tool.hash = hashTool(tool.definition);
  entry.hash = hashServer(Object.values(entry.tools).map((t) => t.hash));
  // Re-indented as the entry sits in the file (four spaces deep).
  return stableStringify(entry).trimEnd().replaceAll("\n", "\n    ");
}

/** One byte of the `n`th tool's description changed, its hash left as it was (a hand edit). */
function tamperTool(entryText: string, n: number): { text: string; tool: string } {
  const entry = JSON.parse(entryText) as LockedServer;
  const [tool, locked] = Object.entries(entry.tools)[n]!;
  const description = JSON.stringify(locked.definition.description);
  // The tool's own description: the first after its key (definition's keys are sorted).
  const at = entryText.indexOf(
    `"description": ${description}`,
    entryText.indexOf(`${JSON.stringify(tool)}: {`),
  );
  expect(at).toBeGreaterThan(-1);
  const quote = at + `"description": `.length;
  const swapped = description[1] === "X" ? "Y" : "X";
  return { text: `${entryText.slice(0, quote + 1)}${swapped}${entryText.slice(quote + 2)}`, tool };
}

const tampered = (report: Report) =>
  report.changes.filter((c) => c.rule === "lockfile-tampered").map((c) => `${c.server}/${c.tool ?? ""}`);

describe("check --offline verifies changed server entries only, and still finds every tampered byte", () => {
  it("a clean run fills the cache", async () => {
    await writeFile(lockPath(), committed);
    const { code, report } = await expectSameAsUncached();
    expect(tampered(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it("finds a tampered tool in a server nothing else touched, beside a server `lock` rewrote", async () => {
    let tool = "";
    let text = editEntry(committed, "server_00", relock);
    text = editEntry(text, "server_02", (entry) => {
      const t = tamperTool(entry, 3);
      tool = t.tool;
      return t.text;
    });
    await writeFile(lockPath(), text);
    const { code, report } = await expectSameAsUncached();
    expect(tampered(report)).toEqual([`server_02/${tool}`]);
    expect(report.changes.find((c) => c.rule === "lockfile-tampered")!.message).toMatch(
      new RegExp(
        `tool \`${tool}\` of server \`server_02\` has hash [0-9a-f]{12}… but its definition hashes to [0-9a-f]{12}…; the lockfile was edited by hand\\.$`,
      ),
    );
    expect(code).toBe(1);
  });

  it("finds a tampered tool in the very server `lock` rewrote", async () => {
    let tool = "";
    const text = editEntry(committed, "server_01", (entry) => {
      const t = tamperTool(relock(entry), 5);
      tool = t.tool;
      return t.text;
    });
    await writeFile(lockPath(), text);
    const { code, report } = await expectSameAsUncached();
    expect(tampered(report)).toEqual([`server_01/${tool}`]);
    expect(code).toBe(1);
  });

  it("finds a server hash edited by hand while every tool still verifies", async () => {
    const text = editEntry(committed, "server_01", (entry) => {
      const hash = (JSON.parse(entry) as LockedServer).hash;
      return entry.replace(
        `"hash": "${hash}"`,
        `"hash": "${hash.slice(0, -1)}${hash.endsWith("0") ? "1" : "0"}"`,
      );
    });
    await writeFile(lockPath(), text);
    const { code, report } = await expectSameAsUncached();
    expect(tampered(report)).toEqual(["server_01/"]);
    expect(code).toBe(1);
  });

  it("calls an entry only re-indented (same JSON) clean, and the committed text clean again", async () => {
    await writeFile(
      lockPath(),
      editEntry(committed, "server_02", (entry) => JSON.stringify(JSON.parse(entry))),
    );
    const { code, report } = await expectSameAsUncached();
    expect(tampered(report)).toEqual([]);
    expect(code).toBe(0);
    await writeFile(lockPath(), committed);
    expect(tampered((await expectSameAsUncached()).report)).toEqual([]);
  });
});
