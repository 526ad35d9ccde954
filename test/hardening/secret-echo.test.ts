// A server that quotes part of the token it was sent in its error ("token sk-live-ABCDE... rejected",
// as many APIs answer) must not get that part printed: any run of 8 or more characters of a secret is
// redacted, not only the whole secret and a cut at an edge. A server that echoes part of it into what it
// tells the model (a tool's or a prompt's description, a resource) gets none of it locked, cached or
// reported either.
import { mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type ServerCapabilities,
} from "@modelcontextprotocol/sdk/types.js";
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

interface EchoServer {
  url: string;
  close: () => Promise<void>;
}

/** A Streamable HTTP MCP server on 127.0.0.1 whose handlers, set by `handle`, see each request's bearer token. */
async function startEchoServer(
  capabilities: ServerCapabilities,
  handle: (server: Server, token: string) => void,
): Promise<EchoServer> {
  const http = createServer(async (req, res) => {
    const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
    const body = await readJsonBody(req);
    const server = new Server({ name: "echo", version: "1.0.0" }, { capabilities });
    handle(server, token);
    await serveStateless(server, req, res, body);
  });
  const listening = await listenOnLoopback(http);
  return { url: `http://127.0.0.1:${listening.port}/mcp`, close: listening.close };
}

/** A project whose one server, `billing`, is `url` (plus the `extra` keys), its token from BILLING_TOKEN. */
function billingProject(prefix: string, url: string, extra = ""): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    `servers:\n  billing:\n    url: ${url}\n${extra}    auth: { type: bearer, tokenEnv: BILLING_TOKEN }\n`,
  );
  return dir;
}

describe("a server that echoes part of a secret", () => {
  let echo: EchoServer;
  beforeAll(async () => {
    // tools/list fails quoting the token's start, middle and end, as the server received it.
    echo = await startEchoServer({ tools: {} }, (server, token) => {
      server.setRequestHandler(ListToolsRequestSchema, async () => {
        throw new Error(
          `token ${token.slice(0, 13)}... is revoked (key id ${token.slice(14, 26)}, ends in ${token.slice(-10)})`,
        );
      });
    });
  });
  afterAll(() => echo.close());

  it("lock fails the server (exit 3) with its message, none of the token's characters runs in it", async () => {
    const dir = billingProject("mcp-contract-echo-", echo.url);
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

/** Every file under `root`. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe("a server that echoes part of its bearer token into its tools, prompts and resources", () => {
  let echo: EchoServer;
  beforeAll(async () => {
    // Each definition quotes a different cut of the token it received: its end, a middle, its start.
    echo = await startEchoServer({ tools: {}, prompts: {}, resources: {} }, (server, token) => {
      server.setRequestHandler(ListToolsRequestSchema, async () => ({
        tools: [
          {
            name: "whoami",
            description: `Acts for the caller (token …${token.slice(-12)}).`,
            inputSchema: { type: "object" },
          },
          { name: "ping", description: "Answers pong.", inputSchema: { type: "object" } },
        ],
      }));
      server.setRequestHandler(ListPromptsRequestSchema, async () => ({
        prompts: [{ name: "triage", description: `Triage as key ${token.slice(9, 21)}.` }],
      }));
      server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: [] }));
      server.setRequestHandler(ListResourcesRequestSchema, async () => ({
        resources: [
          { uri: "echo://session", name: "session", description: `Session of ${token.slice(0, 10)}…` },
        ],
      }));
    });
  });
  afterAll(() => echo.close());

  it("lock, check and check --offline hold no 8 characters of it in the lockfile, the cache or any report, and name each item", async () => {
    const dir = billingProject("mcp-contract-echo-defs-", echo.url, "    resources: true\n");
    const env = { BILLING_TOKEN: TOKEN, MCP_CONTRACT_CACHE_DIR: join(dir, "cache") };
    const lock = await runCliInProcess(["lock"], { cwd: dir, env });
    const json = await runCliInProcess(["check", "--format", "json"], { cwd: dir, env });
    const text = await runCliInProcess(["check"], { cwd: dir, env });
    const offline = await runCliInProcess(["check", "--offline", "--format", "json"], { cwd: dir, env });
    expect([lock.code, json.code, text.code, offline.code]).toEqual([0, 1, 1, 0]);
    const report = JSON.parse(json.stdout) as {
      changes: {
        rule: string;
        tool?: string;
        kind?: string;
        item?: string;
        pointer: string;
        message: string;
      }[];
    };
    expect(
      report.changes
        .filter((c) => c.rule === "secret-in-definition")
        .map((c) => [c.tool ?? `${c.kind}:${c.item}`, c.pointer, c.message]),
    ).toEqual([
      [
        "whoami",
        "/description",
        "Tool `whoami` holds part of a secret mcp-contract sent the server (8 or more of its characters, at /description); it was replaced with *** before hashing and locking.",
      ],
      [
        "prompt:triage",
        "/description",
        "`triage` holds part of a secret mcp-contract sent the server (8 or more of its characters, at /description); it was replaced with *** before hashing and locking.",
      ],
      [
        "resource:echo://session",
        "/description",
        "`echo://session` holds part of a secret mcp-contract sent the server (8 or more of its characters, at /description); it was replaced with *** before hashing and locking.",
      ],
    ]);
    expect(text.stdout).toContain(
      "Tool `whoami` holds part of a secret mcp-contract sent the server (8 or more of its characters, at /description)",
    );
    const lockfile = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    expect(lockfile).toContain('"description": "Acts for the caller (token …***)."');
    expect(lockfile).toContain('"description": "Triage as key ***."');
    expect(lockfile).toContain('"description": "Session of ***…"');
    const written = files(dir);
    expect(written.filter((file) => file.startsWith(join(dir, "cache"))).length).toBeGreaterThan(0);
    for (const file of written)
      expect([file, echoedRuns(readFileSync(file, "latin1"), TOKEN)]).toEqual([file, []]);
    for (const run of [lock, json, text, offline])
      expect(echoedRuns(run.stdout + run.stderr, TOKEN)).toEqual([]);
  });
});
