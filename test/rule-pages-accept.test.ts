// A breaking rule's page names the command that accepts the change: the one `lock` prints when it
// refuses a breaking change (a plain `mcp-contract lock` refuses it), checked against the CLI's output.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { RULES } from "../src/rules.js";
import { runCliInProcess } from "./helpers/cli.js";

const ACCEPT = 'mcp-contract lock --accept-breaking "<reason>"';
/** lockfile-tampered is check's integrity finding: lock rewrites the lockfile without refusing anything. */
const NOT_REFUSED_BY_LOCK = new Set(["lockfile-tampered"]);

test("lock's refusal prints the accept command the pages give", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-accept-page-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tools = (properties: object) =>
    JSON.stringify({ tools: [{ name: "t", inputSchema: { type: "object", properties } }] });
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  s:\n    file: tools.json\n");
  writeFileSync(join(dir, "tools.json"), tools({ a: { type: "string" } }));
  expect((await runCliInProcess(["lock"], { cwd: dir })).code).toBe(0);
  writeFileSync(join(dir, "tools.json"), tools({}));
  const refused = await runCliInProcess(["lock"], { cwd: dir });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`then run: ${ACCEPT}\n`);
});

test("every breaking rule's page that says to run `mcp-contract lock` gives the accept command", () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const [id, meta] of Object.entries(RULES)) {
    if (meta.severity !== "breaking" || NOT_REFUSED_BY_LOCK.has(id)) continue;
    const page = readFileSync(join(import.meta.dirname, "..", "docs", "rules", `${id}.md`), "utf8");
    for (const [, command] of page.matchAll(/`(mcp-contract lock[^`]*)`/g)) {
      checked++;
      if (command !== ACCEPT) wrong.push(`docs/rules/${id}.md: \`${command}\``);
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(20);
});
