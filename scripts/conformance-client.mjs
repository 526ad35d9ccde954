#!/usr/bin/env node
/**
 * The client under test for the MCP conformance suite (`npm run conformance`).
 *
 * The suite runs `node scripts/conformance-client.mjs <server-url>` once per
 * scenario, with the scenario's name in MCP_CONFORMANCE_SCENARIO and, for the
 * OAuth scenarios, its credentials in MCP_CONFORMANCE_CONTEXT (JSON:
 * `client_id` plus `client_secret`, or `private_key_pem` and
 * `signing_algorithm`). This script writes an ordinary mcp-contract config for
 * that URL in a temporary directory; for the authorization-code scenarios it
 * runs `mcp-contract login` there first, with BROWSER set to
 * fixtures/browser/fake-browser.mjs (which follows the suite's redirect back
 * to login's listener, as a person's browser would) and the token file in that
 * directory; then it runs the built `mcp-contract lock` and exits with the
 * first failing code: the suite judges what mcp-contract sent.
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
/** The client ID metadata document URL the suite's CIMD scenarios accept. */
const CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";
/** Scenarios a person would log in to first (`mcp-contract login`, driven by the BROWSER stand-in). */
const needsLogin = scenario.startsWith("auth/") && !scenario.startsWith("auth/client-credentials-");
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
  } else if (scenario === "auth/pre-registration") {
    // A client registered beforehand (the server offers no dynamic registration).
    env.CONFORMANCE_CLIENT_SECRET = context.client_secret;
    server.auth = {
      type: "oauth",
      clientId: context.client_id,
      clientSecretEnv: "CONFORMANCE_CLIENT_SECRET",
    };
  } else if (scenario === "auth/basic-cimd" || scenario === "auth/offline-access-scope") {
    // The client ID metadata document the suite expects a client to be known by.
    server.auth = { type: "oauth", clientMetadataUrl: CLIENT_METADATA_URL };
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

/** Single-quotes a word for the shell $BROWSER is run by. */
function shellQuote(word) {
  return `'${word.replaceAll("'", "'\\''")}'`;
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
  const browser = fileURLToPath(new URL("../fixtures/browser/fake-browser.mjs", import.meta.url));
  const run = (...command) => {
    const result = spawnSync(process.execPath, ["--import", loopback, bin, ...command], {
      cwd: dir,
      env: {
        ...process.env,
        ...env,
        NO_COLOR: "1",
        // The token file goes to this run's directory, never the user's.
        XDG_CONFIG_HOME: join(dir, "config"),
        // The person's browser: follows the authorization server's redirect back to login's listener.
        BROWSER: `${shellQuote(process.execPath)} ${shellQuote(browser)}`,
      },
      stdio: "inherit",
    });
    if (result.error) throw result.error;
    return result.status ?? 1;
  };
  let status = needsLogin ? run("login", "conformance", "--timeout", "20000") : 0;
  if (status === 0) status = run("lock", "--quiet", "--timeout", "20000");
  process.exitCode = status;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
