// The summary paragraph counts what it reports: a server taken out of the config is reported by
// `lock` as removed, so it is one of the servers the run covered (it said "1 of 1 server
// changed (old)" with the server configured instead, and "2 of 1" with both replaced), and a
// server of one tool has "1 tool" (was "1 tools").
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

it("lock after a server was replaced in the config: 1 of 2 servers changed, each of 1 tool", async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-summary-")));
  writeFileSync(
    join(dir, "tools.json"),
    JSON.stringify({ tools: [{ name: "t", inputSchema: { type: "object" } }] }),
  );
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  old:\n    file: tools.json\n");
  const first = await runCliInProcess(["lock", "--quiet"], { cwd: dir });
  expect(first.code).toBe(0);
  expect(first.stdout.split("\n")).toContain(
    "    info     Server `old` was added with 1 tool.  server-added",
  );
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  new:\n    file: tools.json\n");
  const lock = await runCliInProcess(["lock", "--quiet"], { cwd: dir });
  expect(lock.code).toBe(1); // the removal is breaking: refused without a reason
  const lines = lock.stdout.split("\n");
  expect(lines[0]).toMatch(/^1 of 2 servers changed \(old\)\. 1 finding fails this run\. Next: /);
  expect(lines).toContain("    BREAKING Server `old` was removed (it had 1 tool).  server-removed");
  expect(lock.stderr).toBe(
    `mcp-contract: 1 breaking change (listed above) needs a reason to be accepted; ${join(dir, "mcp-contract.lock.json")} was not changed. Fix the prompts that use it, then run: mcp-contract lock --accept-breaking "<reason>"\n`,
  );
});

it('a server that could not be fetched is named once on its ERROR line (was `server s could not be fetched: server "s": …`)', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-summary-")));
  writeFileSync(join(dir, "tools.json"), JSON.stringify({ tools: [] }));
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: tools.json\n");
  expect((await runCliInProcess(["lock", "--quiet"], { cwd: dir })).code).toBe(0);
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: gone.json\n");
  const check = await runCliInProcess(["check", "--quiet"], { cwd: dir });
  expect(check.code).toBe(3);
  expect(check.stdout.split("\n")).toContain(
    `ERROR    server crm could not be fetched: cannot read ${join(dir, "gone.json")} (ENOENT)`,
  );
  expect(check.stderr).toBe(`mcp-contract: server "crm": cannot read ${join(dir, "gone.json")} (ENOENT)\n`);
});
