// The shapes Python servers publish (FastMCP over pydantic 2): fixtures/python/<case>/ holds a
// before/after pair of tool lists and the exact findings, one case per change a Python team makes
// (renamed models, Optional fields, enums behind $ref, discriminated unions, dicts, tuples, …).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { diffTools } from "../../src/diff/index.js";

const ROOT = join(import.meta.dirname, "../../fixtures/python");

interface Expected {
  note: string;
  changes: { tool?: string; rule: string; severity: string; pointer: string }[];
}

const read = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
const byName = (file: string) =>
  Object.fromEntries((read(file) as { tools: ToolDefinition[] }).tools.map((t) => [t.name, t]));
const key = (c: { tool?: string; rule: string; severity: string; pointer: string }) =>
  `${c.tool ?? ""} ${c.rule} ${c.severity} ${c.pointer}`;

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe("Python-shaped schemas (pydantic 2 / FastMCP)", () => {
  it("has the cases the issue names", () => {
    for (const name of [
      "defs-renamed",
      "ref-inlined",
      "nullable-input",
      "nullable-output",
      "discriminated-branch-added",
    ])
      expect(cases).toContain(name);
  });

  it.each(cases)("%s", (name) => {
    const dir = join(ROOT, name);
    const expected = read(join(dir, "expected.json")) as Expected;
    const changes = diffTools("py", byName(join(dir, "before.json")), byName(join(dir, "after.json")));
    expect(changes.map(key).sort(), expected.note).toEqual(expected.changes.map(key).sort());
  });
});
