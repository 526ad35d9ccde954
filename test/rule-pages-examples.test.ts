// A rule page's example is its fixture: the Before and After blocks are the fixture's before.json
// and after.json (whole, or the one server entry of a lockfile fixture), and the Reported table
// lists what its expected.json says the diff reports (the item itself as `(tool)` or `(item)`,
// never an empty code span). Only a page that says "abbreviated" (a schema 300 levels deep)
// describes its fixture in prose instead.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const pages = readdirSync(join(root, "docs", "rules")).filter((f) => f !== "README.md");

interface Expected {
  changes: { rule: string; severity: string; pointer: string }[];
}

/** The fixture as shown, or the entry of its only server when it is a lockfile. */
function shownForms(value: { lockfileVersion?: unknown; servers?: Record<string, unknown> }): unknown[] {
  const servers = Object.values(value.servers ?? {});
  return value.lockfileVersion !== undefined && servers.length === 1 ? [value, servers[0]] : [value];
}

it("every rule page's Before, After and Reported are its fixture's before.json, after.json and expected.json", () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const page of pages) {
    const text = readFileSync(join(root, "docs", "rules", page), "utf8");
    const example = text.slice(text.indexOf("## Example"));
    const cited = /Before \(\[`(fixtures\/rules\/[^`]+)\/before\.json`\]\([^)]*\)(, abbreviated)?/.exec(
      example,
    );
    if (!cited || cited[2] !== undefined) continue; // a template or fetch finding, or abbreviated
    checked++;
    const dir = join(root, cited[1]!);
    const blocks = [...example.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);
    for (const [i, name] of ["before.json", "after.json"].entries()) {
      const fixture = JSON.parse(readFileSync(join(dir, name), "utf8"));
      if (!shownForms(fixture).some((form) => isDeepStrictEqual(blocks[i], form)))
        wrong.push(`docs/rules/${page}: its ${name} block is not ${cited[1]}/${name}`);
    }
    const reported = example.slice(example.indexOf("Reported:")).split("\n");
    // An empty code span renders as two literal backticks.
    for (const line of reported)
      if (line.includes("| `` |") || line.endsWith("| ``"))
        wrong.push(`docs/rules/${page}: Reported writes an empty pointer as \`\`: ${line}`);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
    for (const change of expected.changes) {
      // The item itself (an empty pointer) is written `(tool)` in a tool's table, `(item)` in an item's.
      const pointers = change.pointer === "" ? ["`(tool)`", "`(item)`"] : [`\`${change.pointer}\``];
      const pointer = pointers[0];
      const row = reported.find(
        (line) =>
          line.includes(`| \`${change.rule}\` | ${change.severity} |`) &&
          pointers.some((p) => line.includes(`| ${p} |`) || line.endsWith(`| ${p}`)),
      );
      if (row === undefined)
        wrong.push(`docs/rules/${page}: Reported lacks ${change.rule} ${change.severity} at ${pointer}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(100);
});
