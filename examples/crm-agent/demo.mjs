#!/usr/bin/env node
// `npm run demo`: run `mcp-contract check` on the CRM agent exactly as CI would,
// then explain the result. The check is expected to fail (exit 1): v2 of the
// CRM server broke the contract the committed lockfile and prompts rely on.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "..", "bin", "mcp-contract.js");
const say = (text) => process.stdout.write(`${text}\n`);

say("$ cd examples/crm-agent && mcp-contract check\n");
const result = spawnSync(process.execPath, [bin, "check"], { cwd: here, stdio: "inherit" });
say("");
if (result.status === 1) {
  say(`mcp-contract exited 1: the CRM server changed in ways that break this agent, so CI fails here.`);
  say("Fix the prompts (prompts/escalate.hbs), then accept the new contract with `mcp-contract lock`.");
  process.exit(0);
}
say(
  `unexpected: mcp-contract exited ${result.status ?? result.signal}; the demo expects exit 1 (breaking changes).`,
);
process.exit(1);
