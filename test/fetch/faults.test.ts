import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLS, type FixtureOptions } from "../../fixtures/servers/fixture-server.mjs";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";
import type { ServerConfig } from "../../src/config/types.js";
import { FetchError } from "../../src/errors.js";
import { fetchServer } from "../../src/fetch/index.js";
import { fetchOptions, httpConfig, stdioFixture, trackedHttpFixtures } from "./helpers.js";

const http = trackedHttpFixtures();

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  const fetchError = error as FetchError;
  expect(fetchError.message).not.toContain("\n");
  return fetchError;
}

const SECRET = "s3cr3t-token-value-42";

describe("HTTP faults", () => {
  it("401: names the server, never the credentials, and does not retry", async () => {
    const fixture = await http({ requireBearer: "right-token" });
    const config = httpConfig(fixture.url, { headers: { Authorization: `Bearer ${SECRET}` } });
    const error = await failure(fetchServer("crm", config, fetchOptions({ secrets: [SECRET] })));
    expect(error.message).toMatch(/^server "crm": .* rejected the credentials \(HTTP 401\)/);
    expect(error.message).not.toContain(SECRET);
    expect(fixture.stats.requests).toBeLessThanOrEqual(2);
  });

  it("bearer auth from tokenEnv is sent and accepted", async () => {
    const fixture = await http({ requireBearer: SECRET });
    const config = httpConfig(fixture.url, { auth: { type: "bearer", tokenEnv: "MCP_CONTRACT_TEST_TOKEN" } });
    const env = { ...process.env, MCP_CONTRACT_TEST_TOKEN: SECRET };
    const snapshot = await fetchServer("crm", config, fetchOptions({ env }));
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
  });

  it("a missing tokenEnv names the variable", async () => {
    const config = httpConfig("http://127.0.0.1:9/mcp", {
      auth: { type: "bearer", tokenEnv: "MCP_CONTRACT_UNSET_VAR" },
    });
    const error = await failure(fetchServer("crm", config, fetchOptions()));
    expect(error.message).toBe(
      'server "crm": environment variable MCP_CONTRACT_UNSET_VAR (auth.tokenEnv) is not set',
    );
  });

  it("500 then 200: the retry succeeds", async () => {
    const fixture = await http({ failTimes: 1, failStatus: 503 });
    const snapshot = await fetchServer("crm", httpConfig(fixture.url), fetchOptions());
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
  });

  it("429 with Retry-After is honoured and then succeeds", async () => {
    const fixture = await http({ failTimes: 2, failStatus: 429, retryAfter: 0 });
    const snapshot = await fetchServer("crm", httpConfig(fixture.url), fetchOptions());
    expect(snapshot.tools).toHaveLength(DEFAULT_TOOLS.length);
  });

  it("a persistent 500 is not retried forever and says so", async () => {
    const fixture = await http({ status: 500 });
    const error = await failure(
      fetchServer("crm", httpConfig(fixture.url, { transport: "streamable-http" }), fetchOptions()),
    );
    expect(error.message).toMatch(/^server "crm": /);
    expect(error.message).toContain("500");
  });

  it("invalid JSON from the server fails with the server named", async () => {
    const fixture = await http({ invalidJson: true });
    const error = await failure(
      fetchServer("crm", httpConfig(fixture.url, { transport: "streamable-http" }), fetchOptions()),
    );
    expect(error.message).toMatch(/^server "crm": /);
  });

  it("stream closed mid-response fails promptly with the server named", async () => {
    const fixture = await http({ closeMidResponse: true });
    const error = await failure(fetchServer("crm", httpConfig(fixture.url), fetchOptions()));
    expect(error.message).toMatch(/^server "crm": /);
  });

  it("a connection dropped mid tools/list is retried once, at once, then named as closed (not 'cannot connect')", async () => {
    const fixture = await http({ generate: 4, pageSize: 2, crashOnPage: 2 });
    const config = httpConfig(fixture.url, { transport: "streamable-http" });
    const error = await failure(fetchServer("crm", config, fetchOptions()));
    expect(error.message).toBe(
      `server "crm": ${fixture.url} closed the connection while listing tools (UND_ERR_SOCKET) after 1 retry`,
    );
    // initialize, initialized, page 1, page 2 and its one retry (the discover probe is a POST too).
    expect(fixture.stats.methods.filter((m) => m === "POST").length).toBe(6);
  });

  it("a server slower than the timeout fails with 'timed out'", async () => {
    const fixture = await http({ delayMs: 20_000 });
    const error = await failure(
      fetchServer("slow", httpConfig(fixture.url), fetchOptions({ timeoutMs: 1500 })),
    );
    expect(error.message).toBe(
      'server "slow": timed out after 1.5s (raise --timeout if the server is just slow)',
    );
  });

  it("endless pagination stops at maxPages", async () => {
    const fixture = await http({ cursors: "endless" });
    const error = await failure(fetchServer("loop", httpConfig(fixture.url), fetchOptions({ maxPages: 20 })));
    expect(error.message).toMatch(/^server "loop": more than 20 pages of tools/);
  });

  it("a repeated cursor is an error naming the server", async () => {
    const fixture = await http({ cursors: "repeat" });
    const error = await failure(fetchServer("rep", httpConfig(fixture.url), fetchOptions()));
    expect(error.message).toBe('server "rep": the server returned cursor "again" twice (pagination loop)');
  });

  it("an empty-string cursor is followed, not treated as the end", async () => {
    const fixture = await http({ generate: 6, pageSize: 2, cursors: "empty-first" });
    const snapshot = await fetchServer("e", httpConfig(fixture.url), fetchOptions());
    expect(snapshot.tools).toHaveLength(6);
  });

  it("5,000 tools over 50 pages arrive complete and in order", async () => {
    const fixture = await http({ generate: 5000, pageSize: 100 });
    const pages: number[] = [];
    const snapshot = await fetchServer(
      "big",
      httpConfig(fixture.url),
      fetchOptions({ onProgress: (event) => event.type === "page" && pages.push(event.page) }),
    );
    expect(snapshot.tools).toHaveLength(5000);
    expect(snapshot.tools[4999]?.name).toBe("tool_04999");
    expect(pages.at(-1)).toBe(50);
  });

  it("a tool without inputSchema.type is kept and reported", async () => {
    const tools = [{ name: "bad", inputSchema: { properties: { a: { type: "string" } } } }, ...DEFAULT_TOOLS];
    const fixture = await http({ tools });
    const snapshot = await fetchServer("s", httpConfig(fixture.url), fetchOptions());
    expect(snapshot.tools).toEqual(tools);
    expect(snapshot.findings?.map((finding) => [finding.rule, finding.tool])).toEqual([
      ["invalid-tool-definition", "bad"],
    ]);
  });

  it("caching hints in list results never reach the snapshot", async () => {
    const fixture = await http({ cacheHints: true });
    const snapshot = await fetchServer("s", httpConfig(fixture.url), fetchOptions());
    expect(JSON.stringify(snapshot)).not.toContain("ttlMs");
  });

  it("a web page at the URL (a login page, the product's site) says so on every transport, not the SDK's probe error", async () => {
    // Every request, GET or POST, gets the same 200 HTML page.
    const site = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end("<!doctype html><html><body>Sign in</body></html>");
      });
    });
    const { port, close } = await listenOnLoopback(site);
    try {
      const url = `http://127.0.0.1:${port}/mcp`;
      for (const transport of ["auto", "streamable-http", "sse", "json"] as const) {
        const error = await failure(fetchServer("crm", httpConfig(url, { transport }), fetchOptions()));
        expect(error.message, transport).toBe(
          `server "crm": ${url} answered with a web page (text/html), not MCP; check that url is the server's MCP endpoint (often ending in /mcp or /sse)`,
        );
      }
    } finally {
      await close();
    }
  });
});

describe("transports", () => {
  it("sse: lists tools over legacy HTTP+SSE", async () => {
    const fixture = await http({ transport: "sse" });
    const snapshot = await fetchServer("s", httpConfig(fixture.url, { transport: "sse" }), fetchOptions());
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
    expect(snapshot.serverInfo?.name).toBe("fixture-server");
  });

  it("auto falls back to SSE when Streamable HTTP is refused", async () => {
    const fixture = await http({ transport: "sse" });
    const snapshot = await fetchServer("s", httpConfig(fixture.url, { transport: "auto" }), fetchOptions());
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
  });

  it("json: a plain GET returning a tools/list result", async () => {
    const fixture = await http({ transport: "json" });
    const snapshot = await fetchServer("j", httpConfig(fixture.url, { transport: "json" }), fetchOptions());
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
    expect(snapshot.serverInfo).toBeUndefined();
  });

  it("json: a tool without a name is skipped with a finding, the rest kept (as on every transport)", async () => {
    const fixture = await http({ transport: "json", tools: [...DEFAULT_TOOLS, { description: "nameless" }] });
    const snapshot = await fetchServer("j", httpConfig(fixture.url, { transport: "json" }), fetchOptions());
    expect(snapshot.tools).toEqual(DEFAULT_TOOLS);
    expect(snapshot.findings?.map((f) => [f.rule, f.pointer])).toEqual([
      ["invalid-tool-definition", "/tools/3"],
    ]);
  });
});

describe("stdio faults", () => {
  it("crash mid-list: names the server, the exit and the stderr tail", async () => {
    const config = stdioFixture({ generate: 10, pageSize: 2, crashOnPage: 3, stderrLines: ["booting"] });
    const error = await failure(fetchServer("crm", config, fetchOptions()));
    expect(error.message).toMatch(/^server "crm": /);
    expect(error.message).toContain("crashing mid-list on purpose");
  });

  it("stderr is redacted in the failure message", async () => {
    const config = stdioFixture({ exitAtStart: 3, stderrLines: [`token=${SECRET}`, "fatal: cannot start"] });
    const error = await failure(fetchServer("crm", config, fetchOptions({ secrets: [SECRET] })));
    expect(error.message).toContain("exited with code 3");
    expect(error.message).toContain("fatal: cannot start");
    expect(error.message).not.toContain(SECRET);
  });

  it("non-protocol text on stdout is an error naming the server", async () => {
    const error = await failure(
      fetchServer("noisy", stdioFixture({ strayStdout: "Server ready!" }), fetchOptions()),
    );
    expect(error.message).toMatch(/^server "noisy": wrote non-protocol text to stdout: "Server ready!"/);
  });

  it("a missing command is named", async () => {
    const config = { ...stdioFixture(), command: "mcp-contract-no-such-command" };
    const error = await failure(fetchServer("x", config, fetchOptions()));
    expect(error.message).toBe(
      'server "x": cannot start "mcp-contract-no-such-command" (ENOENT: command not found)',
    );
  });

  it("the child gets a minimal environment unless inheritEnv", async () => {
    const tools = [{ name: "env", inputSchema: { type: "object" } }];
    // The fixture echoes nothing from env; check through a tiny inline server instead.
    const { childEnv } = await import("../../src/fetch/stdio-source.js");
    // Read from process.env by default: MCP_CONTRACT_CACHE_DIR (vitest.config.ts sets it for every
    // test) is neither a default nor a network variable, so only inheritEnv passes it on.
    const leak = process.env.MCP_CONTRACT_CACHE_DIR;
    expect(leak).toMatch(/mcp-contract-test-\d+\/result-cache$/);
    const minimal = childEnv({ ...stdioFixture({ tools }), env: { EXTRA: "1" } });
    expect(minimal.MCP_CONTRACT_CACHE_DIR).toBeUndefined();
    expect(minimal.EXTRA).toBe("1");
    expect(minimal.PATH).toBe(process.env.PATH);
    const inherited = childEnv({ ...stdioFixture({ tools }), inheritEnv: true });
    expect(inherited.MCP_CONTRACT_CACHE_DIR).toBe(leak);
    // The same from an environment passed in (as the CLI passes its own).
    const parent = { ...process.env, MCP_CONTRACT_LEAK_CHECK: SECRET };
    expect(childEnv({ ...stdioFixture({ tools }) }, parent).MCP_CONTRACT_LEAK_CHECK).toBeUndefined();
    expect(childEnv({ ...stdioFixture({ tools }), inheritEnv: true }, parent).MCP_CONTRACT_LEAK_CHECK).toBe(
      SECRET,
    );
  });

  it("the minimal environment keeps the proxy and CA variables; the configured env overrides them", async () => {
    const { childEnv } = await import("../../src/fetch/stdio-source.js");
    const parent = {
      PATH: "/usr/bin",
      HTTPS_PROXY: "http://proxy.corp:3128",
      no_proxy: "localhost",
      NODE_EXTRA_CA_CERTS: "/etc/corp-ca.pem",
      AWS_SECRET_ACCESS_KEY: SECRET,
    };
    const env = childEnv({ ...stdioFixture(), env: { NO_PROXY: "internal" } }, parent);
    expect(env.HTTPS_PROXY).toBe("http://proxy.corp:3128");
    expect(env.no_proxy).toBe("localhost");
    expect(env.NO_PROXY).toBe("internal");
    expect(env.NODE_EXTRA_CA_CERTS).toBe("/etc/corp-ca.pem");
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.HTTP_PROXY).toBeUndefined();
  });

  it("proxy credentials the child received are redacted from the stderr it shows", async () => {
    const password = "proxy-pass-5f0e9a77";
    const env = { ...process.env, HTTPS_PROXY: `http://ci-bot:${password}@proxy.corp:3128` };
    const config = stdioFixture({ stderrLines: [`using proxy ${env.HTTPS_PROXY}`], exitAtStart: 4 });
    const error = await failure(fetchServer("x", config, fetchOptions({ env })));
    expect(error.message).toContain("using proxy http://");
    expect(error.message).not.toContain(password);
  });

  it("a proxy password with a bare % does not fail stdio servers, and is redacted", async () => {
    const password = "50%off-proxy-pass-8c1d";
    const env = { ...process.env, HTTPS_PROXY: `http://ci-bot:${password}@proxy.corp:3128` };
    const config = stdioFixture({ stderrLines: [`proxy password ${password}`], exitAtStart: 4 });
    const error = await failure(fetchServer("x", config, fetchOptions({ env })));
    expect(error.message).toContain("proxy password");
    expect(error.message).not.toContain("URI malformed");
    expect(error.message).not.toContain(password);
  });

  it("credentials in the proxy variable that loses to its lower-case twin are redacted too (the child gets both)", async () => {
    const password = "upper-case-proxy-pass-2b7e";
    const env = {
      ...process.env,
      https_proxy: "http://proxy.corp:3128",
      HTTPS_PROXY: `http://ci-bot:${password}@proxy.corp:3128`,
    };
    const config = stdioFixture({ stderrLines: [`HTTPS_PROXY=${env.HTTPS_PROXY}`], exitAtStart: 4 });
    const error = await failure(fetchServer("x", config, fetchOptions({ env })));
    expect(error.message).toContain("HTTPS_PROXY=http://");
    expect(error.message).not.toContain(password);
  });
});

describe("bytes that are not UTF-8 (decoded as U+FFFD)", () => {
  const configs: Record<string, (options: FixtureOptions) => Promise<ServerConfig>> = {
    stdio: async (options) => stdioFixture(options),
    "streamable-http": async (options) =>
      httpConfig((await http(options)).url, { transport: "streamable-http" }),
    sse: async (options) =>
      httpConfig((await http({ ...options, transport: "sse" })).url, { transport: "sse" }),
    json: async (options) =>
      httpConfig((await http({ ...options, transport: "json" })).url, { transport: "json" }),
  };

  it.each(Object.keys(configs))(
    "%s: a Latin-1 tool name is skipped with a finding, a Latin-1 description is kept and reported",
    async (transport) => {
      const config = await configs[transport]!({ nonUtf8: true });
      const snapshot = await fetchServer("s", config, fetchOptions());
      expect(snapshot.tools.map((tool) => tool.name)).toEqual([...DEFAULT_TOOLS.map((t) => t.name), "latin"]);
      expect(snapshot.tools.at(-1)?.description).toBe("d\uFFFDj\uFFFD vu");
      expect(snapshot.findings?.map((f) => [f.rule, f.tool ?? null, f.pointer, f.message])).toEqual([
        [
          "invalid-tool-definition",
          null,
          "/tools/3/name",
          'Entry 3 of the tool list has a `name` that is not valid UTF-8 ("caf\uFFFD": the server sent bytes that decode to U+FFFD) and was skipped.',
        ],
        [
          "invalid-tool-definition",
          "latin",
          "",
          "Tool `latin`: holds bytes that are not valid UTF-8 (kept as U+FFFD, which the server never sent).",
        ],
      ]);
    },
  );

  it("stdio: a character split across stdout writes, and a U+FFFD the server really sent, are not findings", async () => {
    const tools = Array.from({ length: 50 }, (_, i) => ({
      name: `t${i}_naïve_✓`,
      description: `${"é😀".repeat(i)} replacement sent as such: \uFFFD`,
      inputSchema: { type: "object" },
    }));
    const snapshot = await fetchServer("s", stdioFixture({ tools, splitWrites: true }), fetchOptions());
    expect(snapshot.tools).toEqual(tools);
    expect(snapshot.findings).toBeUndefined();
  });
});
