// Keeps the docs in step with the code: every rule id has its page, and the
// README's rule table lists exactly the rules in RULES (regenerate with UPDATE_README=1).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../src/rules.js";

const root = join(import.meta.dirname, "..");
const START = "<!-- rules:start -->";
const END = "<!-- rules:end -->";

function rulesTable(): string {
  const rows = Object.values(RULES)
    .sort((a, b) => a.family.localeCompare(b.family) || a.id.localeCompare(b.id))
    .map(
      (r) =>
        `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.family} | ${r.severity} | ${r.summary.replace(/\|/g, "\\|")} |`,
    );
  return [
    "| rule | family | default severity | what it detects |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

describe("docs", () => {
  it("every rule id has docs/rules/<id>.md", () => {
    const missing = Object.keys(RULES).filter((id) => !existsSync(join(root, "docs", "rules", `${id}.md`)));
    expect(missing).toEqual([]);
  });

  it("the README's rule table lists every rule", () => {
    const readmePath = join(root, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, "README needs the rules:start/rules:end markers").toBeGreaterThan(0);
    const expected = `${START}\n${rulesTable()}\n${END}`;
    const actual = readme.slice(start, end + END.length);
    if (process.env.UPDATE_README === "1" && actual !== expected) {
      writeFileSync(readmePath, readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(actual, "README rule table is stale: run UPDATE_README=1 npx vitest run test/docs.test.ts").toBe(
      expected,
    );
  });
});
