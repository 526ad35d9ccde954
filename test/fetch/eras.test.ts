import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StdioServerConfig } from "../../src/config/types.js";
import { fetchServer } from "../../src/fetch/index.js";
import { lockServer } from "../../src/lockfile/build.js";
import { runCliInProcess } from "../helpers/cli.js";
import { serverScript } from "../helpers/servers.js";
import { fetchOptions, REPO_ROOT, stdioFixture } from "./helpers.js";

const V2_SERVER = serverScript("fixtures/servers/v2-server.mjs");

function v2(options: Record<string, unknown>): StdioServerConfig {
  return {
    kind: "stdio",
    command: process.execPath,
    args: [V2_SERVER, JSON.stringify(options)],
    env: {},
    cwd: REPO_ROOT,
    inheritEnv: false,
  };
}

describe("protocol eras and SDK generations", () => {
  it("a v2-SDK server: raw tools across pages, invalid ones salvaged, version recorded", async () => {
    const tools = [
      { name: "bad", inputSchema: { properties: {} } },
      { name: "ok", inputSchema: { type: "object" }, "x-extra": true },
    ];
    const snapshot = await fetchServer("v2", v2({ tools, pageSize: 1 }), fetchOptions());
    expect(snapshot.tools).toEqual(tools);
    expect(snapshot.serverInfo).toEqual({ name: "v2-fixture", version: "2.0.0" });
    expect(snapshot.protocolVersion).toBe("2026-07-28");
    expect(snapshot.findings?.map((finding) => finding.tool)).toEqual(["bad"]);
  });

  it("an SDK 1.x server records the negotiated 2025-era version", async () => {
    const snapshot = await fetchServer("v1", stdioFixture(), fetchOptions());
    expect(snapshot.protocolVersion).toMatch(/^2025-/);
  });

  it("a v2-SDK server that serves only the 2025 era: the probe falls back to initialize", async () => {
    const snapshot = await fetchServer("v2", v2({ legacyOnly: true }), fetchOptions());
    expect(snapshot.protocolVersion).toBe("2025-11-25");
    expect(snapshot.serverInfo).toEqual({ name: "v2-fixture", version: "2.0.0" });
    expect(snapshot.tools.map((tool) => tool.name)).toEqual(["alpha", "beta"]);
  });

  it("2026-07-28 caching hints (ttlMs, cacheScope) never reach a tool or a hash", async () => {
    const plain = await fetchServer("v2", v2({ pageSize: 1 }), fetchOptions());
    const hinted = await fetchServer("v2", v2({ pageSize: 1, cacheHints: true }), fetchOptions());
    expect(hinted.protocolVersion).toBe("2026-07-28");
    expect(hinted.tools).toEqual(plain.tools);
    expect(JSON.stringify(hinted.tools)).not.toMatch(/ttlMs|cacheScope|resultType/);
    expect(lockServer(hinted)).toEqual(lockServer(plain));
  });

  it("no SDK cache answers instead of the server: every fetch reaches it, even with a long ttlMs", async () => {
    const countFile = join(mkdtempSync(join(tmpdir(), "mcp-contract-era-")), "count");
    writeFileSync(countFile, "");
    const config = v2({ cacheHints: true, countFile });
    await fetchServer("v2", config, fetchOptions());
    await fetchServer("v2", config, fetchOptions());
    expect(readFileSync(countFile, "utf8")).toBe("tools/list\ntools/list\n");
  });

  it("the lockfile records the negotiated 2026-07-28 version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-era-"));
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  modern:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([V2_SERVER, JSON.stringify({ cacheHints: true })])}\n`,
    );
    const result = await runCliInProcess(["lock"], { cwd: dir });
    expect(result.code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(lock.servers.modern.protocolVersion).toBe("2026-07-28");
    expect(lock.servers.modern.serverInfo).toEqual({ name: "v2-fixture", version: "2.0.0" });
    expect(JSON.stringify(lock)).not.toMatch(/ttlMs|cacheScope/);
  });
});
