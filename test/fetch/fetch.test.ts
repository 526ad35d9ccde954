import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLS } from "../../fixtures/servers/fixture-server.mjs";
import { FetchError } from "../../src/errors.js";
import { fetchServer, fetchServers } from "../../src/fetch/index.js";
import { closedPort } from "../helpers/ports.js";
import { fetchOptions, httpConfig, stdioFixture, trackedHttpFixtures } from "./helpers.js";

const http = trackedHttpFixtures();

describe("fetchServer over stdio", () => {
  it("returns every tool raw, in the server's order, with serverInfo and protocol version", async () => {
    const snapshot = await fetchServer("crm", stdioFixture(), fetchOptions());
    expect(snapshot.server).toBe("crm");
    expect(snapshot.serverInfo).toEqual({ name: "fixture-server", version: "1.2.3" });
    expect(snapshot.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
    // Key order as sent, unknown keys kept.
    expect(Object.keys(snapshot.tools[0]!)).toEqual(["inputSchema", "name", "description", "x-vendor"]);
    expect(snapshot.findings).toBeUndefined();
  });

  it("follows nextCursor to the last page", async () => {
    const snapshot = await fetchServer("paged", stdioFixture({ generate: 25, pageSize: 10 }), fetchOptions());
    expect(snapshot.tools.map((tool) => tool.name)).toEqual(
      Array.from({ length: 25 }, (_, i) => `tool_${String(i).padStart(5, "0")}`),
    );
  });
});

describe("fetchServer over Streamable HTTP", () => {
  it("lists tools from a server on 127.0.0.1", async () => {
    const fixture = await http();
    const snapshot = await fetchServer(
      "crm",
      httpConfig(fixture.url, { transport: "streamable-http" }),
      fetchOptions(),
    );
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
    expect(snapshot.serverInfo?.name).toBe("fixture-server");
    expect(snapshot.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("sends no standalone GET stream: a one-shot listing needs no server-initiated messages", async () => {
    const fixture = await http();
    await fetchServer("crm", httpConfig(fixture.url, { transport: "streamable-http" }), fetchOptions());
    // server/discover probe, initialize, notifications/initialized, tools/list; no GET.
    expect(fixture.stats.methods).toEqual(["POST", "POST", "POST", "POST"]);
  });

  it("a server that shuffles its tools gives the same set", async () => {
    const fixture = await http({ shuffle: true, generate: 30 });
    const config = httpConfig(fixture.url);
    const a = await fetchServer("s", config, fetchOptions());
    const b = await fetchServer("s", config, fetchOptions());
    const byName = (tools: typeof a.tools) => [...tools].sort((x, y) => x.name.localeCompare(y.name));
    expect(byName(a.tools)).toEqual(byName(b.tools));
    expect(a.tools).toHaveLength(30);
  });

  it("an unreachable server is one line naming the server, the URL and the cause", async () => {
    const port = await closedPort();
    const error = await fetchServer("crm", httpConfig(`http://127.0.0.1:${port}/mcp`), fetchOptions()).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(FetchError);
    expect(error.server).toBe("crm");
    expect(error.message).toMatch(
      new RegExp(`^server "crm": cannot connect to http://127\\.0\\.0\\.1:${port}/mcp \\(ECONNREFUSED\\)`),
    );
    expect(error.message).not.toContain("\n");
  });

  it("port 1 (blocked by fetch) is named as such, without retrying", async () => {
    const error = await fetchServer("crm", httpConfig("http://127.0.0.1:1/mcp"), fetchOptions()).catch(
      (e) => e,
    );
    expect(error.message).toBe(
      'server "crm": cannot connect to http://127.0.0.1:1/mcp (port 1 is blocked by fetch; use another port)',
    );
  });
});

describe("fetchServers", () => {
  it("fetches concurrently and keeps input order, failures included", async () => {
    const fixture = await http();
    const outcomes = await fetchServers(
      {
        b: httpConfig(fixture.url),
        dead: httpConfig(`http://127.0.0.1:${await closedPort()}/mcp`),
        a: stdioFixture(),
      },
      fetchOptions({ concurrency: 2 }),
    );
    expect(outcomes.map((outcome) => [outcome.server, outcome.ok])).toEqual([
      ["b", true],
      ["dead", false],
      ["a", true],
    ]);
  });
});
