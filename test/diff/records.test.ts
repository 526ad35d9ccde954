// One record per rule: the audit refuses an incomplete set (shown on deliberately broken copies of
// the real families), and what the code derives from the records (the fallback's keywords, semver
// bumps, witnesses, directions) is what the records say.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import type { Family, RuleRecord } from "../../src/core/rule.js";
import { engineFor } from "../../src/diff/engine.js";
import { diffLockfiles, diffTools, requiredBump } from "../../src/diff/index.js";
import { FALLBACK_KEYWORDS, SCHEMA_KEYWORDS } from "../../src/diff/keywords.js";
import { DIFF_FAMILIES, DIFF_RECORDS, SCHEMA_FAMILIES } from "../../src/diff/rules/index.js";
import { auditFamilies, type RepoFiles } from "./audit.js";

const root = join(import.meta.dirname, "../..");
const repo: RepoFiles = {
  exists: (path) => existsSync(join(root, path)),
  read: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : undefined),
};

/** A deep copy of the real families with `edit` applied to the one named `family`. */
function broken(family: string, edit: (f: Family & { rules: Record<string, RuleRecord> }) => void): Family[] {
  return DIFF_FAMILIES.map((f) => {
    const copy = { ...f, rules: structuredClone({ ...f.rules }) as Record<string, RuleRecord> };
    if (f.name === family) edit(copy);
    return copy;
  });
}

describe("rule records", () => {
  it("are complete: fields, keywords, inverses, fixtures and doc pages", () => {
    expect(auditFamilies(DIFF_FAMILIES, repo)).toEqual([]);
  });

  it("refuses an incomplete record", () => {
    const families = broken("enums", (f) => {
      delete (f.rules["enum-added"] as Partial<RuleRecord>).witness;
      delete (f.rules["enum-added"] as Partial<RuleRecord>).inverse;
    });
    expect(auditFamilies(families)).toEqual(["enum-added: incomplete record, missing witness, inverse"]);
  });

  it("refuses a record whose values do not fit: TODO summary, bump against severity, witness of a non-breaking rule", () => {
    const families = broken("constraints", (f) => {
      (f.rules["pattern-removed"] as RuleRecord).summary =
        "TODO: one line saying what pattern-removed detects.";
      (f.rules["bound-loosened"] as RuleRecord).bump = "major";
      (f.rules["format-removed"] as RuleRecord).witness = "probe";
      (f.rules["bound-tightened"] as RuleRecord).witness = "none";
    });
    expect(auditFamilies(families)).toEqual([
      "bound-tightened: a breaking input rule must say how its witness is found",
      "bound-loosened: bump major does not fit severity info",
      "pattern-removed: summary must be one finished sentence",
      "format-removed: only a breaking input rule looks for a witness (witness probe)",
    ]);
  });

  it("refuses a keyword claimed by no family", () => {
    const families = broken("content", (f) => {
      for (const id of Object.keys(f.rules)) (f.rules[id] as RuleRecord).keywords = [];
    });
    expect(auditFamilies(families)).toEqual([
      "keyword contentMediaType: claimed by no family",
      "keyword contentEncoding: claimed by no family",
      "keyword contentSchema: claimed by no family",
      "output-narrowed: keyword contentMediaType is claimed by no family that checks it",
    ]);
  });

  it("refuses a keyword claimed by two families", () => {
    const families = broken("meta", (f) => {
      (f.rules["param-title-changed"] as RuleRecord).keywords = ["title", "pattern"];
    });
    expect(auditFamilies(families)).toEqual(["keyword pattern: claimed by 2 families (constraints, meta)"]);
  });

  it("refuses a keyword outside the vocabulary", () => {
    const families = broken("meta", (f) => {
      (f.rules["param-title-changed"] as RuleRecord).keywords = ["title", "x-title"];
    });
    expect(auditFamilies(families)).toEqual([
      "keyword x-title: not in the vocabulary (src/diff/keywords.ts)",
    ]);
  });

  it("refuses an inverse that is not symmetric, or names no rule", () => {
    const families = broken("enums", (f) => {
      (f.rules["enum-removed"] as RuleRecord).inverse = ["enum-added"];
      (f.rules["enum-value-added"] as RuleRecord).inverse = ["enum-value-removed", "enum-value-gone"];
    });
    expect(auditFamilies(families)).toEqual([
      "enum-value-added: inverse enum-value-gone is no rule",
      "const-added: inverse enum-removed is not symmetric (enum-removed's inverse does not name const-added)",
    ]);
  });

  it("refuses a rule without fixtures or doc page", () => {
    const missing = new Set([
      "fixtures/rules/param-added/silent/after.json",
      "fixtures/rules/param-added/fires/expected.json",
    ]);
    const files: RepoFiles = {
      exists: (path) => !missing.has(path) && repo.exists(path),
      read: (path) =>
        path === "docs/rules/param-removed.md"
          ? undefined
          : path === "docs/rules/param-renamed.md"
            ? "# param-renamed\n\n## What changed\n\nTODO\n"
            : repo.read(path),
    };
    expect(auditFamilies(DIFF_FAMILIES, files)).toEqual([
      "param-removed: no doc page docs/rules/param-removed.md",
      'param-renamed: docs/rules/param-renamed.md has no "## Why it breaks agents"',
      'param-renamed: docs/rules/param-renamed.md has no "## How to fix"',
      'param-renamed: docs/rules/param-renamed.md has no "## Example"',
      "param-renamed: docs/rules/param-renamed.md still says TODO",
      "param-added: no fixture fixtures/rules/param-added/fires/expected.json",
      "param-added: no fixture fixtures/rules/param-added/silent/after.json",
    ]);
  });
});

describe("derived from the records", () => {
  it("the fallback judges exactly the keywords the combinators family hands it, and unknown ones", () => {
    const { handled } = engineFor(SCHEMA_FAMILIES);
    for (const keyword of SCHEMA_KEYWORDS)
      expect(handled.has(keyword), keyword).toBe(!FALLBACK_KEYWORDS.includes(keyword));
    // A keyword outside the vocabulary goes to the fallback; `discriminator` is in it (meta claims it).
    expect(handled.has("propertyOrdering")).toBe(false);
    expect(handled.has("discriminator")).toBe(true);
  });

  it("contentMediaType and contentEncoding changes are reported (they were dropped: handled, but by no family)", () => {
    const tool = (a: unknown): Record<string, ToolDefinition> => ({
      t: { name: "t", inputSchema: { type: "object", properties: { a } } },
    });
    const rules = (before: unknown, after: unknown) =>
      diffTools("s", tool(before), tool(after)).map((c) => `${c.rule} ${c.severity}`);
    expect(rules({ type: "string" }, { type: "string", contentEncoding: "base64" })).toEqual([
      "content-encoding-changed breaking",
    ]);
    expect(
      rules(
        { type: "string", contentMediaType: "text/csv" },
        { type: "string", contentMediaType: "text/html" },
      ),
    ).toEqual(["content-media-type-changed breaking"]);
  });

  it("the semver bump comes from the record: dependent-required-removed is a minor change (it was patch)", () => {
    const change = (rule: string) => ({
      rule,
      severity: "info" as const,
      server: "s",
      pointer: "",
      message: "m.",
    });
    expect(requiredBump([change("dependent-required-removed")])).toBe("minor");
    const additive = [...DIFF_RECORDS.values()]
      .filter((r) => r.severity === "info" && r.bump === "minor")
      .map((r) => r.id);
    expect(additive.sort()).toEqual(
      [
        // The list semver.ts kept by hand, with the two it had left out.
        "tool-added",
        "param-added",
        "enum-value-added",
        "enum-removed",
        "branch-added",
        "param-type-widened",
        "nullable-added",
        "bound-loosened",
        "param-became-optional",
        "additional-properties-allowed",
        "output-schema-added",
        "output-property-added",
        "schema-widened",
        "all-of-removed",
        "pattern-removed",
        "format-removed",
        "unique-items-removed",
        "dependent-required-removed",
        "server-added",
        // New rules.
        "content-media-type-removed",
        "content-schema-removed",
        "contains-loosened",
        "dependent-schema-loosened",
        "tuple-opened",
        // The rest of the surface: prompts, resources, capabilities.
        "prompt-added",
        "prompt-argument-added",
        "prompt-argument-became-optional",
        "resource-template-added",
        "resource-added",
        "capability-added",
      ].sort(),
    );
    // End to end: a patch release that drops a dependentRequired pair did not rise enough.
    const lock = (version: string, dependentRequired: unknown): Lockfile => ({
      lockfileVersion: 1,
      servers: {
        s: {
          hash: "x",
          serverInfo: { name: "s", version },
          tools: {
            t: {
              hash: "x",
              definition: {
                name: "t",
                inputSchema: { type: "object", properties: { a: {}, b: {} }, dependentRequired },
              },
            },
          },
        },
      },
    });
    const changes = diffLockfiles(lock("1.0.0", { a: ["b"] }), lock("1.0.1", {}));
    expect(changes.map((c) => c.rule)).toEqual(["version-not-bumped", "dependent-required-removed"]);
    expect(changes[0]?.message).toBe(
      "Server `s` reports version 1.0.1 (was 1.0.0), but its changes require a minor bump.",
    );
  });

  it("every finding of the rule fixtures is on the side its record's direction names", () => {
    const fixtures = join(root, "fixtures/rules");
    const wrong: string[] = [];
    for (const record of DIFF_RECORDS.values()) {
      for (const side of ["fires", "silent"]) {
        const dir = join(fixtures, record.id, side);
        const read = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
        const before = read("before.json");
        const after = read("after.json");
        const byName = (tools: ToolDefinition[] = []) => Object.fromEntries(tools.map((t) => [t.name, t]));
        const changes =
          before.lockfileVersion !== undefined
            ? diffLockfiles(before, after)
            : diffTools("s", byName(before.tools), byName(after.tools));
        for (const c of changes) {
          const direction = DIFF_RECORDS.get(c.rule)?.direction;
          const side = c.pointer.startsWith("/inputSchema")
            ? ["input", "both"]
            : c.pointer.startsWith("/outputSchema")
              ? ["output", "both"]
              : ["none", "output"];
          if (!direction || !side.includes(direction))
            wrong.push(`${record.id}/${side}: ${c.rule} at ${c.pointer}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
