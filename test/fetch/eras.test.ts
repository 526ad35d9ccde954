import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { StdioServerConfig } from "../../src/config/types.js";
import { fetchServer } from "../../src/fetch/index.js";
import { fetchOptions, REPO_ROOT, stdioFixture } from "./helpers.js";

const V2_SERVER = fileURLToPath(new URL("../../fixtures/servers/v2-server.mjs", import.meta.url));

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
    expect(snapshot.protocolVersion).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(snapshot.findings?.map((finding) => finding.tool)).toEqual(["bad"]);
  });

  it("an SDK 1.x server records the negotiated 2025-era version", async () => {
    const snapshot = await fetchServer("v1", stdioFixture(), fetchOptions());
    expect(snapshot.protocolVersion).toMatch(/^2025-/);
  });
});
