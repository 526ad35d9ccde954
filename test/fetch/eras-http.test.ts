import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startV2Http, type V2FixtureOptions } from "../../fixtures/servers/v2-server.mjs";
import type { Lockfile } from "../../src/core/lockfile.js";
import { runCliInProcess } from "../helpers/cli.js";
import { serverScript } from "../helpers/servers.js";

const V2_SERVER = serverScript("fixtures/servers/v2-server.mjs");

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function v2Http(options: V2FixtureOptions = {}): ReturnType<typeof startV2Http> {
  const server = await startV2Http(options);
  closers.push(server.close);
  return server;
}

const TOOLS = [
  { name: "alpha", description: "First.", inputSchema: { type: "object", properties: {} } },
  { name: "beta", inputSchema: { type: "object" }, "x-extra": true },
  { name: "gamma", inputSchema: { type: "object", required: ["id"] } },
];

/** Locks `servers` (YAML lines under `servers:`) in a fresh directory; returns the lockfile. */
async function lock(servers: string): Promise<{ code: number | null; stderr: string; lock?: Lockfile }> {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-eras-http-"));
  writeFileSync(join(dir, "mcp-contract.yaml"), `servers:\n${servers}`);
  const result = await runCliInProcess(["lock"], { cwd: dir });
  const path = join(dir, "mcp-contract.lock.json");
  return {
    code: result.code,
    stderr: result.stderr,
    lock: result.code === 0 ? JSON.parse(readFileSync(path, "utf8")) : undefined,
  };
}

describe("protocol 2026-07-28 over Streamable HTTP", () => {
  it("locks a v2 server served with createMcpHandler: 2026-07-28 recorded, same hashes as over stdio", async () => {
    const options = { tools: TOOLS, pageSize: 2, cacheHints: true };
    const http = await v2Http(options);
    const stdioArgs = JSON.stringify([V2_SERVER, JSON.stringify(options)]);
    const result = await lock(
      [
        `  over-http:\n    url: ${http.url}\n`,
        `  over-stdio:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${stdioArgs}\n`,
      ].join(""),
    );
    expect(result.code).toBe(0);
    // Servers are fetched at once: their progress lines come in the order they finish.
    expect(result.stderr.split("\n").sort()).toEqual([
      "",
      "fetched over-http: 3 tools",
      "fetched over-stdio: 3 tools",
    ]);
    const overHttp = result.lock!.servers["over-http"]!;
    const overStdio = result.lock!.servers["over-stdio"]!;
    expect(overHttp.protocolVersion).toBe("2026-07-28");
    expect(overStdio.protocolVersion).toBe("2026-07-28");
    expect(overHttp.serverInfo).toEqual({ name: "v2-fixture", version: "2.0.0" });
    expect(Object.keys(overHttp.tools)).toEqual(["alpha", "beta", "gamma"]);
    expect(overHttp.tools).toEqual(overStdio.tools);
    expect(overHttp.hash).toMatch(/^sha256:|^[0-9a-f]{64}$/);
    expect(overHttp.hash).toBe(overStdio.hash);
    expect(JSON.stringify(result.lock)).not.toMatch(/ttlMs|cacheScope/);
    // Every instance the server built served the modern era: no 2025 fallback happened.
    expect(http.eras.length).toBeGreaterThan(0);
    expect(new Set(http.eras)).toEqual(new Set(["modern"]));
  });

  it("transport: streamable-http and auto agree on 2026-07-28", async () => {
    const http = await v2Http({ tools: TOOLS });
    const result = await lock(
      `  strict:\n    url: ${http.url}\n    transport: streamable-http\n  auto:\n    url: ${http.url}\n    transport: auto\n`,
    );
    expect(result.code).toBe(0);
    expect(result.lock!.servers.strict!.protocolVersion).toBe("2026-07-28");
    expect(result.lock!.servers.auto!.protocolVersion).toBe("2026-07-28");
    expect(result.lock!.servers.strict!.hash).toBe(result.lock!.servers.auto!.hash);
  });
});
