// Golden fixture pairs per rule: fixtures/rules/<rule>/<case>/{before,after,expected}.json.
// Each case lists the exact changes (tool, rule, severity, pointer) the diff must produce.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { diffLockfiles, diffTools } from "../../src/diff/index.js";
import { DIFF_RULES } from "../../src/diff/rules/index.js";
import { RULES } from "../../src/rules.js";

const ROOT = join(import.meta.dirname, "../../fixtures/rules");
const DOCS = join(import.meta.dirname, "../../docs/rules");

interface Expected {
  changes: { tool?: string; item?: string; rule: string; severity: string; pointer: string }[];
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

function run(dir: string) {
  const before = readJson(join(dir, "before.json")) as { tools?: ToolDefinition[] } & Partial<Lockfile>;
  const after = readJson(join(dir, "after.json")) as { tools?: ToolDefinition[] } & Partial<Lockfile>;
  if (before.lockfileVersion !== undefined) return diffLockfiles(before as Lockfile, after as Lockfile);
  const byName = (tools: ToolDefinition[] = []) => Object.fromEntries(tools.map((t) => [t.name, t]));
  return diffTools("fixture", byName(before.tools), byName(after.tools));
}

// A prompt's, resource's or capability's findings name it as `item` (tools as `tool`).
const key = (c: { tool?: string; item?: string; rule: string; severity: string; pointer: string }) =>
  `${c.tool ?? c.item ?? ""} ${c.rule} ${c.severity} ${c.pointer}`;

const cases = readdirSync(ROOT).flatMap((rule) =>
  readdirSync(join(ROOT, rule)).map((name) => ({ rule, name, dir: join(ROOT, rule, name) })),
);

describe("rule fixtures", () => {
  it.each(cases.map((c) => [`${c.rule}/${c.name}`, c] as const))("%s", (_label, c) => {
    const expected = readJson(join(c.dir, "expected.json")) as Expected;
    const changes = run(c.dir);
    expect(changes.map(key).sort()).toEqual(expected.changes.map(key).sort());
    for (const change of changes) {
      expect(change.message).toMatch(/^[A-Z`].*\.$/);
      expect(RULES[change.rule], change.rule).toBeDefined();
    }
    // `fires-…` and `silent-…` are further cases of the same kind (one class of edit each).
    if (c.name.startsWith("fires")) expect(changes.some((ch) => ch.rule === c.rule)).toBe(true);
    if (c.name.startsWith("silent")) expect(changes.some((ch) => ch.rule === c.rule)).toBe(false);
  });

  it("every diff rule has a case that fires, one that must not fire, and a docs page", () => {
    for (const id of Object.keys(DIFF_RULES)) {
      expect(existsSync(join(ROOT, id, "fires", "expected.json")), `fixtures/rules/${id}/fires`).toBe(true);
      expect(existsSync(join(ROOT, id, "silent", "expected.json")), `fixtures/rules/${id}/silent`).toBe(true);
      const doc = join(DOCS, `${id}.md`);
      expect(existsSync(doc), `docs/rules/${id}.md`).toBe(true);
      const text = readFileSync(doc, "utf8");
      expect(text).toContain(`# ${id}`);
      for (const section of ["## What changed", "## Why it breaks agents", "## How to fix", "## Example"]) {
        expect(text, `${id}: ${section}`).toContain(section);
      }
    }
  });

  it("fixture folders are named after registered rules", () => {
    for (const dir of readdirSync(ROOT)) expect(DIFF_RULES[dir], dir).toBeDefined();
  });
});
