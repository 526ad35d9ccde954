import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import {
  BREAKING_KINDS,
  CHANGE_KINDS,
  createRng,
  generateDiffWorkload,
  generateReferenceRepo,
  generateTools,
  mutateTool,
  writeFiles,
} from "../../bench/generate.mjs";
import { hashServer, hashTool } from "../../src/canonical/index.js";
import { diffTools } from "../../src/diff/index.js";
import { parseLockfile } from "../../src/lockfile/parse.js";

// ajv-formats is CommonJS typed as an ES default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => void;

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("bench workload generator", () => {
  it("is deterministic for a seed and varies with it", () => {
    const a = createRng(7);
    const b = createRng(7);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => createRng(8).next())).not.toEqual(seqA);
    expect(generateTools(50)).toEqual(generateTools(50));
    expect(generateTools(50, 1)).not.toEqual(generateTools(50, 2));
  });

  it("writes the same reference repo byte for byte, with the requested sizes", () => {
    const small = { servers: 5, tools: 100, templates: 20 };
    const files = generateReferenceRepo(small);
    expect(generateReferenceRepo(small)).toEqual(files);
    expect(Object.keys(files).filter((p) => p.startsWith("prompts/"))).toHaveLength(20);
    expect(Object.keys(files).filter((p) => p.startsWith("tools/"))).toHaveLength(5);
    const lock = parseLockfile(files["mcp-contract.lock.json"]!, "bench lockfile");
    const servers = Object.values(lock.servers);
    expect(servers).toHaveLength(5);
    expect(servers.reduce((n, s) => n + Object.keys(s.tools).length, 0)).toBe(100);
  });

  it("hashes the lockfile exactly as mcp-contract does", () => {
    const files = generateReferenceRepo({ servers: 2, tools: 10, templates: 1 });
    const lock = parseLockfile(files["mcp-contract.lock.json"]!, "bench lockfile");
    for (const server of Object.values(lock.servers)) {
      const hashes = Object.values(server.tools).map((t) => {
        expect(t.hash).toBe(hashTool(t.definition));
        return t.hash;
      });
      expect(server.hash).toBe(hashServer(hashes));
    }
  });

  it("templates name tools and parameters that the lockfile has", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bench-gen-"));
    dirs.push(dir);
    const files = generateReferenceRepo({ servers: 3, tools: 30, templates: 4 });
    await writeFiles(dir, files);
    const lock = parseLockfile(await readFile(join(dir, "mcp-contract.lock.json"), "utf8"), "lock");
    const template = await readFile(join(dir, "prompts/agent_000.hbs"), "utf8");
    const [, server, tool] = /\{\{#tool "([^/"]+)\/([^"]+)"\}\}/.exec(template) ?? [];
    const params = lock.servers[server!]?.tools[tool!]?.definition.inputSchema as {
      properties: Record<string, unknown>;
    };
    const [, param] = /\{\{param "([^"]+)"\}\}/.exec(template) ?? [];
    expect(Object.keys(params.properties)).toContain(param);
  });

  it("changes 10% of the tools, every kind, and the diff calls each breaking kind breaking", () => {
    const { before, after, changed } = generateDiffWorkload({ tools: 240, changedFraction: 0.1 });
    expect(changed).toHaveLength(24);
    expect(new Set(changed.map((c) => c.kind))).toEqual(new Set(CHANGE_KINDS));
    const unchanged = Object.keys(before).filter((n) => !changed.some((c) => c.name === n));
    for (const name of unchanged) expect(after[name]).toBe(before[name]);
    const changes = diffTools("bench", before, after);
    const breakingTools = new Set(changes.filter((c) => c.severity === "breaking").map((c) => c.tool));
    for (const c of changed) {
      expect(after[c.name]).not.toEqual(before[c.name]);
      if (BREAKING_KINDS.has(c.kind)) expect(breakingTools, `${c.name}: ${c.kind}`).toContain(c.name);
    }
  });

  it("witnesses of the generated breaking changes are confirmed by ajv: old schema accepts, new rejects", () => {
    const { before, after } = generateDiffWorkload({ tools: 240, changedFraction: 0.1 });
    const changes = diffTools("bench", before, after);
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const witnessed = changes.filter((c) => c.witness !== undefined);
    // Each narrowing kind but a maxLength added to an enum (no longer value is possible).
    expect(witnessed.length).toBeGreaterThanOrEqual(6);
    for (const change of witnessed) {
      const oldOk = ajv.validate({ ...before[change.tool!]!.inputSchema!, $id: undefined }, change.witness);
      const newOk = ajv.validate({ ...after[change.tool!]!.inputSchema!, $id: undefined }, change.witness);
      expect([oldOk, newOk], `${change.tool}: ${change.rule}`).toEqual([true, false]);
    }
  });

  it("never mutates the tool it changes", () => {
    const [tool] = generateTools(1);
    const copy = structuredClone(tool!);
    for (const kind of CHANGE_KINDS) mutateTool(tool!, kind, createRng(1));
    expect(tool).toEqual(copy);
  });
});
