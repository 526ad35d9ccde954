#!/usr/bin/env node
/**
 * The client under test for the MCP conformance suite (`npm run conformance`).
 *
 * The suite runs `node scripts/conformance-client.mjs <server-url>` once per
 * scenario, with the scenario's name in MCP_CONFORMANCE_SCENARIO and, for the
 * OAuth scenarios, its credentials in MCP_CONFORMANCE_CONTEXT (JSON:
 * `client_id` plus `client_secret`, or `private_key_pem` and
 * `signing_algorithm`). This script writes an ordinary mcp-contract config for
 * that URL in a temporary directory, runs the built `mcp-contract lock` there
 * and exits with its code: the suite judges what mcp-contract sent.
 *
 * mcp-contract runs on the Node that runs this script (the project's Node, not
 * the suite's Node 22), with conformance-loopback.mjs preloaded so it cannot
 * reach beyond this machine.
 *
 * The credentials reach mcp-contract the way a user's would: through
 * environment variables named by the config (`clientSecretEnv`,
 * `privateKeyEnv`), never written into the config file.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const url = process.argv.at(-1);
if (url === undefined || !/^https?:\/\//.test(url)) {
  console.error("usage: conformance-client.mjs <server-url> (the conformance suite appends it)");
  process.exit(2);
}
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
const context = process.env.MCP_CONFORMANCE_CONTEXT ? JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) : {};

/** The server entry for this scenario, and the environment that carries its secrets. */
function serverFor() {
  const env = {};
  const server = { url, transport: "streamable-http" };
  if (scenario === "auth/client-credentials-basic") {
    env.CONFORMANCE_CLIENT_SECRET = context.client_secret;
    server.auth = {
      type: "oauth-client-credentials",
      clientId: context.client_id,
      method: "client_secret_basic",
      clientSecretEnv: "CONFORMANCE_CLIENT_SECRET",
    };
  } else if (scenario === "auth/client-credentials-jwt") {
    env.CONFORMANCE_PRIVATE_KEY = context.private_key_pem;
    server.auth = {
      type: "oauth-client-credentials",
      clientId: context.client_id,
      method: "private_key_jwt",
      privateKeyEnv: "CONFORMANCE_PRIVATE_KEY",
      algorithm: context.signing_algorithm,
    };
  }
  return { server, env };
}

const { server, env } = serverFor();
const dir = mkdtempSync(join(tmpdir(), "mcp-contract-conformance-"));
try {
  writeFileSync(
    join(dir, "mcp-contract.json"),
    `${JSON.stringify({ servers: { conformance: server } }, null, 2)}\n`,
  );
  const bin = fileURLToPath(new URL("../bin/mcp-contract.js", import.meta.url));
  const loopback = new URL("./conformance-loopback.mjs", import.meta.url).href;
  const args = ["--import", loopback, bin, "lock", "--quiet", "--timeout", "20000"];
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, ...env, NO_COLOR: "1" },
    stdio: "inherit",
  });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
