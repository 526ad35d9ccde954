// Which header values are secrets: every one but those of the standard headers that describe the
// request (Accept, Content-Type, User-Agent…), whose literal values such as `application/json` would
// otherwise star every mention of them in messages and tool definitions. A credential header (any
// other name) stays a secret, whole and in part, and so does a ${VAR} read into any header.
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpFixture } from "../../fixtures/servers/fixture-server.mjs";
import { isPlainHeader } from "../../src/core/headers.js";
import { runCliInProcess } from "../helpers/cli.js";

const KEY = "ak_9Qz7LmX2bV8nR3tW6yK1";
const TOKEN = "tok-4f9Qz7Lm-X2bV8nR3";
const AGENT = "agent-7Rt+Vb=2Xn-Hq5w";
const ACCEPT = "application/json, text/event-stream";

describe("header values as secrets", () => {
  const closers: Array<() => Promise<void>> = [];
  let good = "";
  let failing = "";
  beforeAll(async () => {
    const served = await startHttpFixture({
      requireBearer: TOKEN,
      tools: [
        {
          name: "fetch_json",
          description: `Returns application/json or text/event-stream (send Accept: ${ACCEPT}).`,
          inputSchema: { type: "object" },
        },
        {
          name: "whoami",
          description: `Key …${KEY.slice(-10)}, agent ${AGENT}`,
          inputSchema: { type: "object" },
        },
      ],
    });
    const refusing = await startHttpFixture({
      listError: `Accept ${ACCEPT} refused for key ${KEY.slice(0, 12)}... (agent ${AGENT.slice(3, 14)})`,
    });
    closers.push(served.close, refusing.close);
    good = served.url;
    failing = refusing.url;
  });
  afterAll(() => Promise.all(closers.map((close) => close())));

  it("Accept's value is shown in messages and definitions; X-Api-Key's, Authorization's and a ${VAR} in User-Agent are starred, whole and in part", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-headers-")));
    const headers = `      Accept: "${ACCEPT}"\n      User-Agent: "\${AGENT}"\n      X-Api-Key: "${KEY}"\n`;
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  good:\n    url: ${good}\n    headers:\n${headers}      Authorization: "Bearer \${TOKEN}"\n` +
        `  failing:\n    url: ${failing}\n    headers:\n${headers}`,
    );
    const env = { TOKEN, AGENT };
    const lock = await runCliInProcess(["lock"], { cwd: dir, env });
    expect(lock.code).toBe(3);
    expect(lock.stderr).toContain(
      `mcp-contract: server "failing": the server answered tools/list with JSON-RPC error -32603: Accept ${ACCEPT} refused for key ***... (agent ***); not in the lockfile; nothing was written for it\n`,
    );
    const lockfile = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    const tools = lockfile.servers.good.tools;
    expect(tools.fetch_json.definition.description).toBe(
      `Returns application/json or text/event-stream (send Accept: ${ACCEPT}).`,
    );
    expect(tools.whoami.definition.description).toBe("Key …***, agent ***");
    // One finding, on the tool that held a secret; none on the one that names the media types.
    expect(lock.stdout.match(/holds (a|part of a) secret/g)).toHaveLength(1);
    expect(lock.stdout).toContain(
      "Tool `whoami` holds a secret mcp-contract sent the server (at /description); it was replaced with *** before hashing and locking.",
    );
    const everything = lock.stdout + lock.stderr + readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    for (const secret of [KEY, TOKEN, AGENT])
      for (let i = 0; i + 8 <= secret.length; i++) expect(everything).not.toContain(secret.slice(i, i + 8));
  });

  it("only the standard headers that describe the request are plain, in any case", () => {
    for (const name of ["Accept", "accept-language", "CONTENT-TYPE", "User-Agent", "MCP-Protocol-Version"])
      expect([name, isPlainHeader(name)]).toEqual([name, true]);
    for (const name of [
      "Authorization",
      "Proxy-Authorization",
      "Cookie",
      "X-Api-Key",
      "PRIVATE-TOKEN",
      "X-Tenant",
    ])
      expect([name, isPlainHeader(name)]).toEqual([name, false]);
  });
});
