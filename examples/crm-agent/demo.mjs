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
  say("To accept the new contract:");
  say(
    "  1. fix prompts/escalate.hbs: email_address instead of customer_email, the new required channel, no `urgent` priority;",
  );
  say('  2. run: mcp-contract lock --accept-breaking "escalate.hbs uses email_address and channel"');
  say(
    "     (a plain `mcp-contract lock` stops and prints this command: accepting a breaking change takes a reason);",
  );
  say(
    "  3. commit mcp-contract.lock.json with mcp-contract.acks.json, where each accepted change is recorded with that reason.",
  );
  say("Then `mcp-contract check` passes, and so does the pull request's");
  say("  mcp-contract diff git:origin/main:mcp-contract.lock.json mcp-contract.lock.json");
  say("because the acknowledgements cover every breaking change the new lockfile accepts.");
  process.exit(0);
}
say(
  `unexpected: mcp-contract exited ${result.status ?? result.signal}; the demo expects exit 1 (breaking changes).`,
);
process.exit(1);
