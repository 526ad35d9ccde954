// The library's documented example (docs/library.md) reproduces `mcp-contract check --format json`
// on the demo byte for byte, exit code included; the demo starts its v2 CRM server over stdio.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const demo = join(repoRoot, "examples", "crm-agent");

it("examples/library/check.mjs prints what check --format json prints on the demo", async () => {
  // The CLI in process (test/cli/in-process.test.ts: the bin's output); the example in a process of its own.
  const cli = await runCliInProcess(["check", "--format", "json"], { cwd: demo });
  expect(cli.code, cli.stderr).toBe(1);
  const example = spawnSync(process.execPath, [join(repoRoot, "examples", "library", "check.mjs"), demo], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, CI: undefined },
    timeout: 45_000,
  });
  expect(example.stderr).toBe("");
  expect(example.status).toBe(1);
  expect(JSON.parse(example.stdout).summary.breaking).toBeGreaterThan(0);
  expect(example.stdout).toBe(cli.stdout);
});

it("docs/library.md shows the code of examples/library/check.mjs, as it is", () => {
  const docs = readFileSync(join(repoRoot, "docs", "library.md"), "utf8");
  const shown = /^## Example\n[\s\S]*?^```js\n([\s\S]*?)^```$/m.exec(docs)?.[1];
  expect(shown, "docs/library.md: a ```js block under ## Example").toBeDefined();
  const file = readFileSync(join(repoRoot, "examples", "library", "check.mjs"), "utf8");
  // The file's opening comment (how to run it) is the doc's prose: the code starts at its first import.
  expect(shown).toBe(file.slice(file.indexOf("import ")));
});
