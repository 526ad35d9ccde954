// The per-server memo (the CLI's poisoning cache) must give the same findings as a scan without it,
// whether every server comes from it, none does, or some do.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { Change } from "../../src/core/change.js";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { type ServerTools, scanTools } from "../../src/poisoning/index.js";

const dir = join(import.meta.dirname, "../../fixtures/poisoning");

test("scanTools with a memo equals scanTools without, on every poisoning fixture", () => {
  let used = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const fx = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      servers: Record<string, ToolDefinition[]>;
    };
    const servers: ServerTools = Object.fromEntries(
      Object.entries(fx.servers).map(([s, tools]) => [s, Object.fromEntries(tools.map((t) => [t.name, t]))]),
    );
    const plain = scanTools(servers);
    const store = new Map<string, Change[]>();
    const memo = {
      get: (server: string) => store.get(server),
      set: (server: string, findings: Change[]) => void store.set(server, structuredClone(findings)),
    };
    expect(scanTools(servers, memo), file).toEqual(plain); // fills the memo
    expect(store.size).toBe(Object.keys(servers).length);
    expect(scanTools(servers, memo), file).toEqual(plain); // all from the memo
    const first = Object.keys(servers)[0]!;
    store.delete(first);
    expect(scanTools(servers, memo), file).toEqual(plain); // one rescanned
    if (plain.length > 0) used++;
  }
  expect(used).toBeGreaterThan(3);
});

test("the memo's answer is what is reported (so the caller's key must be complete)", () => {
  const servers: ServerTools = {
    a: { t: { name: "t", description: "fine", inputSchema: { type: "object" } } },
  };
  const planted: Change = {
    rule: "hidden-instructions",
    severity: "warning",
    server: "a",
    tool: "t",
    pointer: "",
    message: "m",
  };
  expect(scanTools(servers, { get: () => [planted], set: () => undefined })).toEqual([planted]);
});
