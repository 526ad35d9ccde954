// A server that quotes part of the token it was sent in its error ("token sk-live-ABCDE... rejected",
// as many APIs answer) must not get that part printed: any run of 8 or more characters of a secret is
// redacted, not only the whole secret and a cut at an edge.
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";
import { readJsonBody, serveStateless } from "../../fixtures/servers/stateless-http.mjs";
import { redactFragment, truncate } from "../../src/redact.js";
import { runCliInProcess } from "../helpers/cli.js";

const TOKEN = "sk-live-4f9Qz7LmX2bV8nR3tW6yK1pD5sH0jC";

/** Every run of 8 characters of `secret` that `text` holds. */
function echoedRuns(text: string, secret: string): string[] {
  const runs: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++)
    if (text.includes(secret.slice(i, i + 8))) runs.push(secret.slice(i, i + 8));
  return runs;
}

describe("a server that echoes part of a secret", () => {
  let url = "";
  let close = async () => {};
  beforeAll(async () => {
    // tools/list fails quoting the token's start, middle and end, as the server received it.
    const http = createServer(async (req, res) => {
      const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      const body = await readJsonBody(req);
      const server = new Server({ name: "echo", version: "1.0.0" }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => {
        throw new Error(
          `token ${token.slice(0, 13)}... is revoked (key id ${token.slice(14, 26)}, ends in ${token.slice(-10)})`,
        );
      });
      await serveStateless(server, req, res, body);
    });
    const listening = await listenOnLoopback(http);
    url = `http://127.0.0.1:${listening.port}/mcp`;
    close = listening.close;
  });
  afterAll(() => close());

  it("lock fails the server (exit 3) with its message, none of the token's characters runs in it", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-echo-")));
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  billing:\n    url: ${url}\n    auth: { type: bearer, tokenEnv: BILLING_TOKEN }\n`,
    );
    const result = await runCliInProcess(["lock", "--quiet"], { cwd: dir, env: { BILLING_TOKEN: TOKEN } });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'mcp-contract: server "billing": the server answered tools/list with JSON-RPC error -32603: token ***... is revoked (key id ***, ends in ***)\n' +
        "mcp-contract: no server could be fetched; no lockfile was written\n",
    );
    expect(echoedRuns(result.stdout + result.stderr, TOKEN)).toEqual([]);
  });

  it("truncate and redactFragment replace every run of 8 characters of a secret, and keep shorter ones", () => {
    const secrets = [TOKEN, `Bearer ${TOKEN}`];
    expect(truncate(`a ${TOKEN.slice(3, 11)} b`, 100, secrets)).toBe("a *** b");
    expect(truncate(`a ${TOKEN.slice(3, 10)} b`, 100, secrets)).toBe(`a ${TOKEN.slice(3, 10)} b`);
    // Two runs apart stay apart; overlapping or touching ones are one ***.
    expect(truncate(`${TOKEN.slice(0, 9)}|${TOKEN.slice(20, 30)}`, 100, secrets)).toBe("***|***");
    expect(truncate(`${TOKEN.slice(0, 12)}${TOKEN.slice(5, 15)}`, 100, secrets)).toBe("***");
    expect(redactFragment(`x${TOKEN.slice(-8)}`, secrets, {})).toBe("x***");
    // The edges are still cut first: a kept end that starts the secret is dropped, not starred.
    expect(redactFragment(`x ${TOKEN.slice(0, 12)}`, secrets, { end: true })).toBe("x ");
  });
});
