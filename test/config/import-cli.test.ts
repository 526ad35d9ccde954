import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { crmServerPath } from "../helpers/crm-server.js";

// `lock` and `check` on a VS Code config, as a team runs them: the disabled server is not
// fetched, the envFile is read, and the lockfile goes to the repository's top
// level (not into .vscode/), said on stderr.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-import-cli-"));
  mkdirSync(join(dir, ".git"));
  mkdirSync(join(dir, ".vscode"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("lock and check --config .vscode/mcp.json: disabled skipped, lockfile at the top level, said where", async () => {
  writeFileSync(join(dir, ".env"), "CRM_REGION=eu\n");
  writeFileSync(
    join(dir, ".vscode", "mcp.json"),
    `{
  // the team's servers
  "servers": {
    "crm": {
      "type": "stdio",
      "command": ${JSON.stringify(process.execPath)},
      "args": ${JSON.stringify([crmServerPath, "--tools", "v1"])},
      "envFile": "\${workspaceFolder}/.env",
    },
    "old": { "type": "sse", "url": "http://127.0.0.1:1/sse", "disabled": true },
  },
}`,
  );
  const lock = await runCliInProcess(["lock", "--config", ".vscode/mcp.json"], { cwd: dir });
  expect(lock.code).toBe(0);
  const config = join(dir, ".vscode", "mcp.json");
  const lockfile = join(dir, "mcp-contract.lock.json");
  expect(lock.stderr).toBe(
    [
      `mcp-contract: note: ${config}: server "old" is disabled there; skipped`,
      `mcp-contract: note: ${config}: lockfile ${lockfile} (the repository's top level)`,
      "fetched crm: 3 tools",
      "",
    ].join("\n"),
  );
  expect(lock.stdout).toContain(`wrote ${lockfile} (1 server)`);
  expect(existsSync(lockfile)).toBe(true);
  expect(existsSync(join(dir, ".vscode", "mcp-contract.lock.json"))).toBe(false);

  const check = await runCliInProcess(["check", "--config", ".vscode/mcp.json", "--quiet"], { cwd: dir });
  expect(check.stderr).toBe("");
  expect(check.code).toBe(0);
});
