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
for (const path of [
  "src/diff/rules",
  "src/templates/rules.ts",
  "src/core",
  "src/rule-ids.ts",
  "schema",
  "docs/templates.md",
])
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

  it("adds a template rule to src/templates/rules.ts, its page and its row in docs/templates.md, and no diff rule", async () => {
    const result = run("template-unknown-widget", "--severity", "warning");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n").filter((line) => line.startsWith("wrote "))).toEqual([
      "wrote src/templates/rules.ts",
      "wrote docs/rules/template-unknown-widget.md",
      "wrote docs/templates.md",
      "wrote src/rule-ids.ts",
      "wrote schema/config.schema.json",
      "wrote schema/acknowledgements.schema.json",
    ]);
    expect(result.stdout).toContain("next: report it from the checker (src/templates/check.ts)");
    expect(existsSync(join(root, "src/diff/rules/template.ts"))).toBe(false);
    expect(existsSync(join(root, "fixtures/rules/template-unknown-widget"))).toBe(false);
    // The record is one of TEMPLATE_RULES, the last, as defineRules reads it.
    const { TEMPLATE_RULES } = (await import(join(root, "src/templates/rules.ts"))) as {
      TEMPLATE_RULES: Record<string, unknown>;
    };
    expect(Object.keys(TEMPLATE_RULES).at(-1)).toBe("template-unknown-widget");
    expect(TEMPLATE_RULES["template-unknown-widget"]).toEqual({
      id: "template-unknown-widget",
      family: "template",
      severity: "warning",
      summary: "TODO: one line saying what template-unknown-widget detects.",
    });
    const page = read("docs/rules/template-unknown-widget.md");
    expect(
      page.startsWith(
        "# template-unknown-widget\n\n**Severity:** warning · **Family:** template\n\n## What changed\n",
      ),
    ).toBe(true);
    for (const section of ["## Why it breaks agents", "## How to fix", "## Example"])
      expect(page).toContain(section);
    // After the last warning row of the findings table.
    expect(read("docs/templates.md")).toContain(
      "| [`template-affected`](rules/template-affected.md) | warning | a template that depends on a tool, prompt, resource template or resource with a breaking change, listed with that change |\n| [`template-unknown-widget`](rules/template-unknown-widget.md) | warning | TODO: when |\n",
    );
    expect(read("src/rule-ids.ts")).toContain('  "template-unknown-tool",\n  "template-unknown-widget",\n');
    expect(read("schema/config.schema.json")).toContain(
      '"template-unknown-tool",\n        "template-unknown-widget",\n',
    );
    // The same id again, and the families the scaffold does not write.
    expect(run("template-unknown-widget")).toMatchObject({
      status: 2,
      stderr: "new-rule: docs/rules/template-unknown-widget.md already exists\n",
    });
    expect(run("widget-gone", "--family", "template")).toMatchObject({
      status: 2,
      stderr: 'new-rule: a template rule\'s id starts with template- (got "widget-gone")\n',
    });
    expect(run("template-widget-gone", "--direction", "input")).toMatchObject({
      status: 2,
      stderr: "new-rule: --direction is for diff rules; a template rule has none\n",
    });
    expect(run("fetch-widget-failed")).toMatchObject({
      status: 2,
      stderr:
        "new-rule: the fetch family is not scaffolded: add the rule to src/fetch/rules.ts by hand (the scaffold writes diff rules and template rules)\n",
    });
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
