// HTTP_PROXY / HTTPS_PROXY / NO_PROXY through a real forward proxy on 127.0.0.1:
// every HTTP transport and the OAuth token request go through it, NO_PROXY
// bypasses it, and a proxy that cannot be reached or refuses gives one line
// naming the server and the proxy, never its credentials.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startOAuthFixture } from "../../fixtures/servers/oauth-fixture.mjs";
import { ProxyConfigError, proxyFor, proxySettings } from "../../src/fetch/proxy.js";
import { runCliInProcess } from "../helpers/cli.js";
import { closedPort } from "../helpers/ports.js";
import { trackedProxies } from "./forward-proxy.js";
import { trackedHttpFixtures } from "./helpers.js";

const startFixture = trackedHttpFixtures();
const startProxy = trackedProxies();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];

/** The CLI's environment: no proxy variable from this machine, then `vars`. */
function proxyEnv(vars: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const name of PROXY_VARIABLES) env[name] = undefined;
  return { ...env, ...vars };
}

function project(servers: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-proxy-"));
  writeFileSync(join(dir, "mcp-contract.json"), JSON.stringify({ servers }));
  return dir;
}

const CLIENT_ID = "mcp-contract-ci";
const CLIENT_SECRET = "proxy-test-client-secret-71c9";

describe("HTTP_PROXY / HTTPS_PROXY / NO_PROXY", () => {
  it("every HTTP transport and the OAuth token request go through HTTP_PROXY", async () => {
    const proxy = await startProxy();
    const streamable = await startFixture({ transport: "streamable-http" });
    const sse = await startFixture({ transport: "sse", serverName: "sse-server" });
    const json = await startFixture({ transport: "json" });
    const oauth = await startOAuthFixture({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    closers.push(oauth.close);
    const dir = project({
      streamable: { url: streamable.url, transport: "streamable-http" },
      sse: { url: sse.url, transport: "sse" },
      // auto against an SSE-only server: the Streamable HTTP attempt and the fallback both go through.
      auto: { url: sse.url },
      json: { url: json.url, transport: "json" },
      ledger: {
        url: oauth.url,
        transport: "streamable-http",
        auth: { type: "oauth-client-credentials", clientId: CLIENT_ID, clientSecretEnv: "LEDGER_SECRET" },
      },
    });
    const result = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({ HTTP_PROXY: proxy.url, LEDGER_SECRET: CLIENT_SECRET }),
    });
    expect(result.stderr).not.toMatch(/error|cannot/i);
    expect(result.code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(Object.keys(lock.servers).sort()).toEqual(["auto", "json", "ledger", "sse", "streamable"]);
    const targets = proxy.seen.map((entry) => `${entry.method} ${entry.target}`);
    // Plain http:// goes to the proxy as absolute-URI requests, not CONNECT.
    expect(targets.filter((target) => target.startsWith("CONNECT"))).toEqual([]);
    expect(targets).toContain(`POST ${streamable.url}`);
    expect(targets).toContain(`GET ${sse.url}`);
    expect(targets.some((target) => target.startsWith(`POST ${new URL(sse.url).origin}/messages?`))).toBe(
      true,
    );
    expect(targets).toContain(`GET ${json.url}`);
    expect(targets).toContain(`POST ${new URL(oauth.url).origin}/token`);
    expect(targets).toContain(`POST ${oauth.url}`);
    // The fixtures were reached only through the proxy.
    expect(streamable.stats.requests).toBe(targets.filter((t) => t.includes(streamable.url)).length);
    expect(oauth.stats.tokenRequests).toBe(1);
    expect(result.stderr + result.stdout).not.toContain(CLIENT_SECRET);
  });

  it("lower-case variables work, and no_proxy with a port bypasses the proxy for that server only", async () => {
    const proxy = await startProxy();
    const direct = await startFixture({ transport: "streamable-http" });
    const proxied = await startFixture({ transport: "streamable-http" });
    const dir = project({ direct: { url: direct.url }, proxied: { url: proxied.url } });
    const result = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({
        http_proxy: proxy.url,
        no_proxy: `example.com, 127.0.0.1:${new URL(direct.url).port}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(direct.stats.requests).toBeGreaterThan(0);
    expect(proxied.stats.requests).toBeGreaterThan(0);
    const targets = proxy.seen.map((entry) => entry.target);
    expect(targets.filter((target) => target.includes(direct.url))).toEqual([]);
    expect(targets.filter((target) => target === proxied.url).length).toBe(proxied.stats.requests);
  });

  it("NO_PROXY=127.0.0.1 bypasses the proxy entirely", async () => {
    const proxy = await startProxy();
    const fixture = await startFixture({ transport: "streamable-http" });
    const dir = project({ crm: { url: fixture.url } });
    const result = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" }),
    });
    expect(result.stderr).toBe("fetched crm: 3 tools\n");
    expect(result.code).toBe(0);
    expect(proxy.seen).toEqual([]);
    expect(fixture.stats.requests).toBeGreaterThan(0);
  });

  it("a proxy nobody listens on: one line naming the server and the proxy, no credentials, exit 3, lockfile untouched", async () => {
    const fixture = await startFixture({ transport: "streamable-http" });
    const port = await closedPort();
    const dir = project({ crm: { url: fixture.url } });
    const lockPath = join(dir, "mcp-contract.lock.json");
    expect((await runCliInProcess(["lock"], { cwd: dir, env: proxyEnv({}) })).code).toBe(0);
    const before = readFileSync(lockPath, "utf8");
    const requestsBefore = fixture.stats.requests;
    const password = "pr0xy-pa55word-4e1f";
    const result = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({ HTTP_PROXY: `http://proxyuser:${password}@127.0.0.1:${port}` }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toEqual([
      `mcp-contract: server "crm": cannot connect to ${fixture.url} through proxy http://127.0.0.1:${port}/ from HTTP_PROXY (ECONNREFUSED) after 3 retries`,
      `mcp-contract: no server could be fetched; ${lockPath} was not changed`,
    ]);
    for (const text of [result.stderr, result.stdout]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain("proxyuser");
    }
    expect(fixture.stats.requests).toBe(requestsBefore);
    expect(readFileSync(lockPath, "utf8")).toBe(before);
  });

  it("proxy authentication: credentials in the URL are sent as Basic; wrong ones give a 407 line without them", async () => {
    const proxy = await startProxy({ credentials: "ci-user:right-pa55word" });
    const fixture = await startFixture({ transport: "streamable-http" });
    const dir = project({ crm: { url: fixture.url } });
    const good = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({ HTTP_PROXY: `http://ci-user:right-pa55word@127.0.0.1:${proxy.port}` }),
    });
    expect(good.code).toBe(0);
    const expectedHeader = `Basic ${Buffer.from("ci-user:right-pa55word").toString("base64")}`;
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.every((entry) => entry.proxyAuthorization === expectedHeader)).toBe(true);

    const wrong = "wr0ng-pa55word-9d2a";
    const bad = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({ HTTP_PROXY: `http://ci-user:${wrong}@127.0.0.1:${proxy.port}` }),
    });
    expect(bad.code).toBe(3);
    expect(bad.stderr.trim().split("\n")).toEqual([
      `mcp-contract: server "crm": proxy http://127.0.0.1:${proxy.port}/ (HTTP_PROXY) rejected the credentials (HTTP 407); check the user and password in HTTP_PROXY`,
      `mcp-contract: no server could be fetched; ${join(dir, "mcp-contract.lock.json")} was not changed`,
    ]);
    for (const text of [bad.stderr, bad.stdout]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(Buffer.from(`ci-user:${wrong}`).toString("base64"));
    }
  });

  it("a proxy variable that is not a URL is named, its value is not printed", async () => {
    const fixture = await startFixture({ transport: "streamable-http" });
    const dir = project({ crm: { url: fixture.url } });
    const result = await runCliInProcess(["lock"], {
      cwd: dir,
      env: proxyEnv({ HTTPS_PROXY: "http://user:hunter2-secret@[bad" }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toEqual([
      'mcp-contract: server "crm": HTTPS_PROXY is not a valid proxy URL (expected http://host:port)',
      "mcp-contract: no server could be fetched; no lockfile was written",
    ]);
  });
});

describe("proxySettings / proxyFor (undici EnvHttpProxyAgent semantics)", () => {
  const url = (text: string): URL => new URL(text);

  it("none set: no proxy at all (Node's own fetch stays)", () => {
    expect(proxySettings({})).toBeUndefined();
    expect(proxySettings({ NO_PROXY: "*", HTTP_PROXY: "" })).toBeUndefined();
  });

  it("lower case wins; https falls back to the HTTP proxy; a bare host:port means http://", () => {
    const settings = proxySettings({ HTTP_PROXY: "http://upper:1", http_proxy: "lower:2" })!;
    expect(settings.http?.url).toBe("http://lower:2/");
    expect(settings.http?.variable).toBe("http_proxy");
    expect(proxyFor(url("https://api.example.com/mcp"), settings)?.variable).toBe("http_proxy");
    const both = proxySettings({ HTTP_PROXY: "http://a:1", HTTPS_PROXY: "http://b:2" })!;
    expect(proxyFor(url("http://x.test/"), both)?.url).toBe("http://a:1/");
    expect(proxyFor(url("https://x.test/"), both)?.url).toBe("http://b:2/");
  });

  it("HTTPS_PROXY alone leaves http:// URLs direct", () => {
    const settings = proxySettings({ HTTPS_PROXY: "http://b:2" })!;
    expect(proxyFor(url("http://x.test/"), settings)).toBeUndefined();
    expect(proxyFor(url("https://x.test/"), settings)?.variable).toBe("HTTPS_PROXY");
  });

  it("NO_PROXY: exact hosts, subdomains, leading dots and *., ports, and * alone", () => {
    const with_ = (noProxy: string) => proxySettings({ HTTPS_PROXY: "http://p:1", NO_PROXY: noProxy })!;
    expect(proxyFor(url("https://corp.example/mcp"), with_("corp.example"))).toBeUndefined();
    expect(proxyFor(url("https://a.corp.example/mcp"), with_("corp.example"))).toBeUndefined();
    expect(proxyFor(url("https://a.corp.example/mcp"), with_(".corp.example"))).toBeUndefined();
    expect(proxyFor(url("https://a.corp.example/mcp"), with_("*.corp.example"))).toBeUndefined();
    expect(proxyFor(url("https://notcorp.example/mcp"), with_("corp.example"))).toBeDefined();
    expect(proxyFor(url("https://corp.example/mcp"), with_("corp.example:8443"))).toBeDefined();
    expect(proxyFor(url("https://corp.example:8443/mcp"), with_("corp.example:8443"))).toBeUndefined();
    expect(proxyFor(url("https://corp.example/mcp"), with_("corp.example:443"))).toBeUndefined();
    expect(proxyFor(url("https://anything.test/"), with_("*"))).toBeUndefined();
    expect(proxyFor(url("https://[::1]:9/"), with_("[::1]"))).toBeUndefined();
  });

  it("credentials are collected for redaction and left out of the display URL", () => {
    const settings = proxySettings({ HTTPS_PROXY: "http://me:p%40ss-w0rd@proxy.corp:3128" })!;
    expect(settings.https?.display).toBe("http://proxy.corp:3128/");
    expect(settings.secrets).toEqual(expect.arrayContaining(["p%40ss-w0rd", "p@ss-w0rd", "me:p@ss-w0rd"]));
  });

  it("a % in the password that is not percent-encoding: one line naming the variable, not a bare URIError", () => {
    const read = () => proxySettings({ HTTPS_PROXY: "http://me:50%off-secret@proxy.corp:3128" });
    expect(read).toThrow(ProxyConfigError);
    expect(read).toThrow(
      "HTTPS_PROXY has a % in its user or password that is not percent-encoding; write a literal % as %25",
    );
  });
});
