// An online `check` reads every input before it contacts a server: a config error (a `partials`
// directory that does not exist, a broken acknowledgements file) and a template's syntax error are
// raised, exit 2, with no request reaching the server (and `lock`'s acknowledgements file as well) (the official SDK's Streamable HTTP server on
// 127.0.0.1, counting every request it gets).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";
import { readJsonBody, serveStateless } from "../../fixtures/servers/stateless-http.mjs";
import { runCliInProcess } from "../helpers/cli.js";

let dir = "";
let web: { port: number; close: () => Promise<void> };
let requests = 0;

const tools = [
  {
    name: "create_ticket",
    inputSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
  },
];

function config(extra = ""): void {
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    `servers:\n  web:\n    url: http://127.0.0.1:${web.port}/mcp\ntemplates:\n  - prompts/*.hbs\n${extra}`,
  );
}

const check = (...extra: string[]) => runCliInProcess(["check", ...extra], { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-inputs-before-fetch-"));
  const http = createServer(async (req, res) => {
    requests++;
    const body = await readJsonBody(req);
    const server = new Server({ name: "web", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }) as never);
    await serveStateless(server, req, res, body);
  });
  web = await listenOnLoopback(http);
  mkdirSync(join(dir, "prompts"));
  writeFileSync(
    join(dir, "prompts", "triage.hbs"),
    '{{#tool "create_ticket"}}Call it with {{param "title"}}.{{/tool}}\n',
  );
  config();
  expect((await runCliInProcess(["lock"], { cwd: dir })).code).toBe(0);
});
afterAll(async () => {
  await web.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  config();
  writeFileSync(
    join(dir, "prompts", "triage.hbs"),
    '{{#tool "create_ticket"}}Call it with {{param "title"}}.{{/tool}}\n',
  );
  rmSync(join(dir, "mcp-contract.acks.json"), { force: true });
  requests = 0;
});

describe("check, online: inputs before any server is contacted", () => {
  it("fetches the server when the inputs are sound (the count sees the requests)", async () => {
    const result = await check();
    expect(result.stderr).toBe("fetched web: 1 tool\n");
    expect(result.code, result.stdout).toBe(0);
    expect(requests).toBeGreaterThan(0);
  });

  it("a partials directory that does not exist: exit 2, no request", async () => {
    config("partials:\n  - prompts/partials\n");
    const result = await check();
    expect(result.stderr).toBe(
      `mcp-contract: ${join(dir, "mcp-contract.yaml")}: $.partials[0]: ${join(dir, "prompts", "partials")} not found; create the directory or remove it from partials\n`,
    );
    expect(result.code).toBe(2);
    expect(requests).toBe(0);
  });

  it("a template's syntax error: exit 2, no request", async () => {
    writeFileSync(join(dir, "prompts", "triage.hbs"), 'Call {{tool "create_ticket"}\n');
    const result = await check();
    expect(result.stderr).toMatch(/^mcp-contract: prompts\/triage\.hbs:1: syntax error: .*\n$/);
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(result.code).toBe(2);
    expect(requests).toBe(0);
  });

  it("a broken acknowledgements file, and one named that does not exist: exit 2, no request", async () => {
    writeFileSync(join(dir, "mcp-contract.acks.json"), '{"version": 1, "acknowledgements": [{}]}\n');
    const broken = await check();
    expect(broken.stderr).toMatch(/^mcp-contract: mcp-contract\.acks\.json: .*\n$/);
    expect(broken.code).toBe(2);
    const missing = await check("--acknowledgements", "no-such-acks.json");
    expect(missing.stderr).toBe(
      "mcp-contract: no-such-acks.json: no such acknowledgements file (given with --acknowledgements)\n",
    );
    expect(missing.code).toBe(2);
    expect(requests).toBe(0);
  });

  it("lock too: a broken acknowledgements file is exit 2 with no request", async () => {
    writeFileSync(join(dir, "mcp-contract.acks.json"), '{"version": 1, "acknowledgements": [{}]}\n');
    const result = await runCliInProcess(["lock"], { cwd: dir });
    expect(result.stderr).toMatch(/^mcp-contract: mcp-contract\.acks\.json: .*\n$/);
    expect(result.code).toBe(2);
    expect(requests).toBe(0);
  });
});
