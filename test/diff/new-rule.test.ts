// `npm run new-rule -- ID`: the scaffold writes the record stub (into a family file, or a new family
// file wired into the engine), the fixture pair, the doc page and the rule id lists, in a copy of
// the files it edits; what it writes is refused by the audit until the TODOs are done.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const root = mkdtempSync(join(tmpdir(), "new-rule-"));
for (const path of ["src/diff/rules", "src/rule-ids.ts", "schema"])
  cpSync(join(repo, path), join(root, path), { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(repo, "scripts/new-rule.mjs"), ...args, "--root", root], {
    encoding: "utf8",
  });
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("npm run new-rule", () => {
  it("adds a record stub to an existing family, a fixture pair, a page and the rule id lists", () => {
    const result = run("widget-tightened", "--family", "constraints", "--severity", "warning");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("wrote src/diff/rules/constraints.ts\n");
    expect(
      read("src/diff/rules/constraints.ts"),
    ).toContain(`export const constraintRules = defineRecords("constraints", {
  "widget-tightened": {
    severity: "warning",
    summary: "TODO: one line saying what widget-tightened detects.",
    direction: "input",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: [],
  },
  "bound-tightened": {`);
    for (const side of ["fires", "silent"])
      for (const file of ["before.json", "after.json", "expected.json"])
        expect(existsSync(join(root, "fixtures/rules/widget-tightened", side, file)), `${side}/${file}`).toBe(
          true,
        );
    expect(JSON.parse(read("fixtures/rules/widget-tightened/fires/expected.json"))).toEqual({
      changes: [
        {
          tool: "t",
          rule: "widget-tightened",
          severity: "warning",
          pointer: "/inputSchema/properties/a/TODO",
        },
      ],
    });
    const page = read("docs/rules/widget-tightened.md");
    expect(page.startsWith("# widget-tightened\n\n## What changed\n")).toBe(true);
    for (const section of ["## Why it breaks agents", "## How to fix", "## Example"])
      expect(page).toContain(section);
    // In each sorted list of rule ids, between its neighbours.
    expect(read("src/rule-ids.ts")).toContain('  "version-not-bumped",\n  "widget-tightened",\n];');
    expect(read("schema/config.schema.json")).toContain(
      '"version-not-bumped",\n        "widget-tightened"\n      ]',
    );
    const acks = JSON.parse(read("schema/acknowledgements.schema.json"));
    const ids: string[] = acks.properties.acknowledgements.items.properties.rule.enum;
    expect(ids.slice(-2)).toEqual(["version-not-bumped", "widget-tightened"]);
    expect([...ids].sort()).toEqual(ids);
  });

  it("writes a new family file and wires it into the engine's lists", () => {
    const result = run(
      "gizmo-removed",
      "--family",
      "gizmo",
      "--severity",
      "breaking",
      "--direction",
      "input",
    );
    expect(result.status).toBe(0);
    const family = read("src/diff/rules/gizmo.ts");
    expect(family).toContain('export const gizmoRules = defineRecords("gizmo", {\n  "gizmo-removed": {');
    expect(family).toContain('witness: "probe",');
    expect(family).toContain(
      "export function checkGizmo(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {",
    );
    expect(family).toContain("check: structural(checkGizmo),");
    const index = read("src/diff/rules/index.ts");
    expect(index).toContain('import { gizmoFamily } from "./gizmo.js";\n');
    expect(index).toMatch(/SCHEMA_FAMILIES[^=]*= \[\n[^\]]* {2}combinatorsFamily,\n {2}gizmoFamily,\n\];/);
    expect(index).toMatch(/DIFF_FAMILIES[^=]*= \[\n[^\]]* {2}gizmoFamily,\n\];/);
  });

  it("refuses a bad id, an id that exists, and an unknown option, with exit 2", () => {
    expect(run("Widget")).toMatchObject({
      status: 2,
      stderr: 'new-rule: rule id "Widget" must be kebab-case with at least two words (e.g. pattern-added)\n',
    });
    expect(run("widget-tightened", "--family", "constraints")).toMatchObject({
      status: 2,
      stderr: "new-rule: fixtures/rules/widget-tightened already exists\n",
    });
    expect(run("other-rule", "--severity", "fatal")).toMatchObject({
      status: 2,
      stderr: "new-rule: --severity must be one of breaking, warning, info\n",
    });
  });
});
