// OAuth the way hosted MCP servers ask for it, against a real authorization server
// (the official SDK's server auth helpers, fixtures/servers/oauth-server.mjs) on 127.0.0.1:
// `mcp-contract login` with a real BROWSER child process (fixtures/browser/fake-browser.mjs)
// that follows the redirect, then `lock` in CI fashion with the stored token, a refresh
// token from the environment, or nothing (one line, exit 3).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type OAuthServerOptions, startOAuthServer } from "../../fixtures/servers/oauth-server.mjs";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const FAKE_BROWSER = join(repoRoot, "fixtures", "browser", "fake-browser.mjs");

async function oauthServer(options: OAuthServerOptions = {}): ReturnType<typeof startOAuthServer> {
  const server = await startOAuthServer(options);
  closers.push(server.close);
  return server;
}

/** A project whose one server "ledger" is `url` with `auth`, and a user config directory of its own. */
function project(url: string, auth?: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-login-"));
  const home = mkdtempSync(join(tmpdir(), "mcp-contract-home-"));
  writeFileSync(
    join(dir, "mcp-contract.json"),
    JSON.stringify({ servers: { ledger: { url, transport: "streamable-http", ...(auth ? { auth } : {}) } } }),
  );
  const log = join(home, "browser.log");
  const env = {
    XDG_CONFIG_HOME: join(home, "config"),
    HOME: home,
    BROWSER: `'${process.execPath}' '${FAKE_BROWSER}'`,
    FAKE_BROWSER_LOG: log,
  };
  const tokenDir = join(home, "config", "mcp-contract", "tokens");
  return {
    dir,
    env,
    tokenDir,
    browsed: (): URL[] => {
      try {
        return readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => new URL(line));
      } catch {
        return [];
      }
    },
    tokenFiles: (): string[] => {
      try {
        return readdirSync(tokenDir).map((name) => join(tokenDir, name));
      } catch {
        return [];
      }
    },
    run: (args: string[], extra: Record<string, string | undefined> = {}) =>
      runCliInProcess(args, { cwd: dir, env: { ...env, ...extra } }),
  };
}

function expectNoLeak(texts: string[], secrets: string[]): void {
  for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
}

describe("mcp-contract login", () => {
  it("dynamic registration, PKCE S256, resource on every request; the token file is 0600; lock then uses it", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    const login = await p.run(["login", "ledger"]);
    expect(login.code).toBe(0);
    const [file] = p.tokenFiles();
    expect(login.stdout).toBe(
      `logged in to server "ledger" (3 tools listed); the token is stored in ${file}\n`,
    );
    expect(login.stderr).toContain(
      'mcp-contract: to log in to server "ledger", open this URL in a browser:\n',
    );
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(p.tokenDir).mode & 0o777).toBe(0o700);
    expect(server.stats.registrations).toHaveLength(1);
    expect(server.stats.registrations[0]).toMatchObject({
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
    });
    const [authorization] = p.browsed();
    expect(authorization!.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization!.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(authorization!.searchParams.get("resource")).toBe(server.url);
    expect(authorization!.searchParams.has("scope")).toBe(false);
    expect(server.stats.authorizations[0]!.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(server.stats.tokenRequests).toEqual([
      expect.objectContaining({
        grantType: "authorization_code",
        method: "none",
        resource: server.url,
        codeVerifier: true,
      }),
    ]);

    const lock = await p.run(["lock"], { BROWSER: undefined });
    expect(lock.stderr).toBe("fetched ledger: 3 tools\n");
    expect(lock.code).toBe(0);
    expect(server.stats.authorizations).toHaveLength(1);
    const lockfile = readFileSync(join(p.dir, "mcp-contract.lock.json"), "utf8");
    expectNoLeak(
      [login.stdout, login.stderr, lock.stdout, lock.stderr, lockfile],
      [...server.stats.tokensIssued, ...server.stats.refreshTokensIssued],
    );
  });

  it.each([
    ["root-prm", "/.well-known/oauth-protected-resource"],
    ["tenant", "/.well-known/oauth-authorization-server/tenant1"],
    ["oidc-tenant", "/.well-known/openid-configuration/tenant1"],
    ["legacy", "/.well-known/oauth-authorization-server"],
  ] as const)("discovery %s: metadata found at %s", async (discovery, path) => {
    const server = await oauthServer({ discovery });
    const p = project(server.url);
    const login = await p.run(["login", "ledger"]);
    expect(login.stderr).not.toContain("error");
    expect(login.code).toBe(0);
    expect(server.stats.metadataRequests).toContain(path);
    expect(server.stats.tokenRequests[0]!.resource).toBe(server.url);
    expect((await p.run(["lock"])).code).toBe(0);
  });

  it("discovery without any metadata (2025-03-26): the default /register, /authorize and /token at the origin", async () => {
    const server = await oauthServer({ discovery: "none" });
    const p = project(server.url);
    const login = await p.run(["login", "ledger"]);
    expect(login.code).toBe(0);
    expect(server.stats.registrations).toHaveLength(1);
    expect(p.browsed()[0]!.pathname).toBe("/authorize");
    expect(p.browsed()[0]!.searchParams.get("resource")).toBe(server.url);
  });

  it.each([
    ["client_secret_basic", "ci-secret-basic-value-1a2b"],
    ["client_secret_post", "ci-secret-post-value-3c4d"],
    ["none", undefined],
  ] as const)(
    "a pre-registered client authenticates at the token endpoint with %s",
    async (method, secret) => {
      const server = await oauthServer({
        registration: false,
        authMethods: [method],
        clients: [
          {
            client_id: "team-client",
            ...(secret ? { client_secret: secret } : {}),
            token_endpoint_auth_method: method,
            redirect_uris: ["http://127.0.0.1/callback"],
          },
        ],
      });
      const p = project(server.url, {
        type: "oauth",
        clientId: "team-client",
        ...(secret ? { clientSecretEnv: "LEDGER_CLIENT_SECRET" } : {}),
      });
      const login = await p.run(["login", "ledger"], { LEDGER_CLIENT_SECRET: secret });
      expect(login.stderr).not.toContain("error");
      expect(login.code).toBe(0);
      expect(server.stats.tokenRequests.map((request) => request.method)).toEqual([method]);
      expect(server.stats.authorizations[0]!.clientId).toBe("team-client");
      const lock = await p.run(["lock"], { LEDGER_CLIENT_SECRET: secret });
      expect(lock.code).toBe(0);
      const texts = [
        login.stdout,
        login.stderr,
        lock.stdout,
        lock.stderr,
        ...p.tokenFiles().map(() => lock.stderr),
      ];
      expectNoLeak(texts, [...(secret ? [secret] : []), ...server.stats.tokensIssued]);
    },
  );

  it("a dynamically registered confidential client uses the method it was registered with", async () => {
    const server = await oauthServer({ registration: "client_secret_post" });
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    expect(server.stats.tokenRequests.map((request) => request.method)).toEqual(["client_secret_post"]);
  });

  it("a client ID metadata document: its URL is the client_id, nothing is registered", async () => {
    const document = "https://client.example.test/mcp-contract.json";
    const server = await oauthServer({
      clientMetadataDocuments: { [document]: { redirect_uris: ["http://127.0.0.1/callback"] } },
    });
    const p = project(server.url, { type: "oauth", clientMetadataUrl: document });
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    expect(server.stats.registrations).toEqual([]);
    expect(server.stats.authorizations[0]!.clientId).toBe(document);
  });

  it("scope: the challenge's, else scopes_supported, with offline_access only when the server lists it", async () => {
    const fromChallenge = await oauthServer({
      challenge: { scope: "ledger:read" },
      scopesSupported: ["ledger:read", "ledger:write"],
    });
    expect((await project(fromChallenge.url).run(["login", "ledger"])).code).toBe(0);
    expect(fromChallenge.stats.authorizations[0]!.scope).toBe("ledger:read");

    const fromMetadata = await oauthServer({ scopesSupported: ["ledger:read", "ledger:write"] });
    expect((await project(fromMetadata.url).run(["login", "ledger"])).code).toBe(0);
    expect(fromMetadata.stats.authorizations[0]!.scope).toBe("ledger:read ledger:write");

    const offline = await oauthServer({ scopesSupported: ["ledger:read", "offline_access"] });
    expect((await project(offline.url).run(["login", "ledger"])).code).toBe(0);
    expect(offline.stats.authorizations[0]!.scope).toBe("ledger:read offline_access");
  });

  it("step-up: a 403 insufficient_scope asks again for the union of the scopes", async () => {
    const server = await oauthServer({
      challenge: { scope: "ledger:read" },
      requiredScopes: ["ledger:read", "ledger:admin"],
    });
    const p = project(server.url);
    const login = await p.run(["login", "ledger"]);
    expect(login.stderr).not.toContain("error");
    expect(login.code).toBe(0);
    expect(server.stats.authorizations.map((a) => a.scope)).toEqual([
      "ledger:read",
      "ledger:read ledger:admin",
    ]);
  });

  it("step-up has a limit: a server that never accepts stops after 3 authorizations", async () => {
    const server = await oauthServer({ requiredScopes: ["ledger:admin"], deniedScopes: ["ledger:admin"] });
    const p = project(server.url);
    const login = await p.run(["login", "ledger"]);
    expect(login.code).toBe(3);
    expect(login.stderr).toContain(
      'mcp-contract: server "ledger": still refused after 3 authorizations (it asks for more scope each time: ledger:admin); check the account\'s access\n',
    );
    expect(server.stats.authorizations).toHaveLength(3);
  });

  it("a redirect back with another state is refused: nothing is exchanged or stored", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    const login = await p.run(["login", "ledger"], { FAKE_BROWSER_MODE: "wrong-state" });
    expect(login.code).toBe(3);
    expect(login.stderr).toContain(
      'mcp-contract: server "ledger": the redirect back carried another state than the one sent (a forged or stale answer); nothing was stored, run mcp-contract login again\n',
    );
    expect(server.stats.tokenRequests).toEqual([]);
    expect(p.tokenFiles().every((file) => !readFileSync(file, "utf8").includes("access_token"))).toBe(true);
  });

  it("a refused login says what the authorization server said", async () => {
    const server = await oauthServer();
    const login = await project(server.url).run(["login", "ledger"], { FAKE_BROWSER_MODE: "deny" });
    expect(login.code).toBe(3);
    expect(login.stderr).toContain(
      'server "ledger": the authorization server refused the login (access_denied)',
    );
  });

  it("a protected-resource metadata naming another resource is refused before any token request", async () => {
    const server = await oauthServer({ resource: "http://127.0.0.1:9/elsewhere" });
    const login = await project(server.url).run(["login", "ledger"]);
    expect(login.code).toBe(3);
    expect(login.stderr).toContain(
      `server "ledger": its protected-resource metadata names the resource http://127.0.0.1:9/elsewhere, which is not ${server.url}; no token was requested`,
    );
    expect(server.stats.authorizations).toEqual([]);
  });

  it("logout removes the token file; lock then needs a login again", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    const [file] = p.tokenFiles();
    const logout = await p.run(["logout", "ledger"]);
    expect(logout.stdout).toBe(`logged out of server "ledger" (removed ${file})\n`);
    expect(p.tokenFiles()).toEqual([]);
    expect((await p.run(["logout", "ledger"])).stdout).toBe(
      'server "ledger": no stored token; nothing to remove\n',
    );
    const lock = await p.run(["lock"]);
    expect(lock.code).toBe(3);
  });

  for (const registration of ["none", "client_secret_basic"] as const) {
    it(`logout revokes the refresh and then the access token at the revocation endpoint (RFC 7009, a ${registration} client), then removes the file`, async () => {
      const server = await oauthServer({ registration, revocation: "revoke" });
      const p = project(server.url);
      expect((await p.run(["login", "ledger"])).code).toBe(0);
      const [file] = p.tokenFiles();
      const stored = JSON.parse(readFileSync(file!, "utf8")) as {
        tokens: { access_token: string; refresh_token: string };
        client: { client_id: string; client_secret?: string };
      };
      const logout = await p.run(["logout", "ledger"]);
      expect(logout).toEqual({
        code: 0,
        stdout: `logged out of server "ledger" (revoked at ${server.origin}/revoke; removed ${file})\n`,
        stderr: "",
      });
      expect(server.stats.revocations).toEqual([
        {
          token: stored.tokens.refresh_token,
          tokenTypeHint: "refresh_token",
          method: registration,
          clientId: stored.client.client_id,
          status: 200,
        },
        {
          token: stored.tokens.access_token,
          tokenTypeHint: "access_token",
          method: registration,
          clientId: stored.client.client_id,
          status: 200,
        },
      ]);
      expect(p.tokenFiles()).toEqual([]);
      // Revoked at the authorization server: the MCP server no longer takes the access token.
      const refused = await fetch(server.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${stored.tokens.access_token}`,
          "content-type": "application/json",
        },
        body: "{}",
      });
      expect(refused.status).toBe(401);
      expectNoLeak(
        [logout.stdout, logout.stderr],
        [
          stored.tokens.access_token,
          stored.tokens.refresh_token,
          ...(stored.client.client_secret ? [stored.client.client_secret] : []),
        ],
      );
    });
  }

  it("a revocation the authorization server refuses is one warning, and the local tokens are removed all the same", async () => {
    const server = await oauthServer({ revocation: "fail" });
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    const [file] = p.tokenFiles();
    const stored = JSON.parse(readFileSync(file!, "utf8")) as {
      tokens: { access_token: string; refresh_token: string };
    };
    const logout = await p.run(["logout", "ledger"]);
    expect(logout).toEqual({
      code: 0,
      stdout: `logged out of server "ledger" (removed ${file})\n`,
      stderr: `mcp-contract: warning: server "ledger": the tokens were not revoked at ${server.origin}/revoke: the refresh token was refused (HTTP 503); they are removed here only\n`,
    });
    expect(server.stats.revocations.map((r) => [r.tokenTypeHint, r.status])).toEqual([
      ["refresh_token", 503],
    ]);
    expect(p.tokenFiles()).toEqual([]);
    expectNoLeak([logout.stdout, logout.stderr], [stored.tokens.access_token, stored.tokens.refresh_token]);
  });

  it("logout against an authorization server without a revocation endpoint sends nothing and removes the file", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    const [file] = p.tokenFiles();
    const before = server.stats.tokenRequests.length;
    expect(await p.run(["logout", "ledger"])).toEqual({
      code: 0,
      stdout: `logged out of server "ledger" (removed ${file})\n`,
      stderr: "",
    });
    expect([server.stats.revocations, server.stats.tokenRequests.length]).toEqual([[], before]);
  });

  it("login refuses a server that takes no login", async () => {
    const p = project("http://127.0.0.1:9/mcp", { type: "bearer", tokenEnv: "X_TOKEN" });
    const result = await p.run(["login", "ledger"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'mcp-contract: server "ledger" uses auth.type bearer, which takes no login; login is for auth.type oauth (or no auth)\n',
    );
    expect((await p.run(["login", "nope"])).stderr).toBe(
      `mcp-contract: unknown server "nope"; ${join(p.dir, "mcp-contract.json")} configures: ledger\n`,
    );
  });
});

describe("OAuth in CI: lock and check without a person", () => {
  it("nothing stored and no refreshTokenEnv: one line, exit 3, nothing registered", async () => {
    const server = await oauthServer();
    const p = project(server.url, { type: "oauth", refreshTokenEnv: "LEDGER_REFRESH" });
    const lock = await p.run(["lock"], { BROWSER: undefined });
    expect(lock.code).toBe(3);
    expect(lock.stderr.split("\n")[0]).toBe(
      'mcp-contract: server "ledger" needs an OAuth login: run mcp-contract login ledger (or set refreshTokenEnv for CI)',
    );
    expect(server.stats.registrations).toEqual([]);
    expect(server.stats.authorizations).toEqual([]);
    expect(p.tokenFiles()).toEqual([]);
  });

  it("an expired stored token is refreshed before the listing (refresh-token grant, resource sent)", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    const [file] = p.tokenFiles();
    const stored = JSON.parse(readFileSync(file!, "utf8"));
    writeFileSync(file!, JSON.stringify({ ...stored, savedAt: 0 }));
    const lock = await p.run(["lock"]);
    expect(lock.code).toBe(0);
    expect(server.stats.tokenRequests.map((r) => r.grantType)).toEqual([
      "authorization_code",
      "refresh_token",
    ]);
    expect(server.stats.tokenRequests[1]!.resource).toBe(server.url);
    const refreshed = JSON.parse(readFileSync(file!, "utf8"));
    expect(refreshed.tokens.access_token).toBe(server.stats.tokensIssued[1]);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
  });

  it("a token the server no longer accepts is refreshed on its 401", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    server.expire(server.stats.tokensIssued[0]!);
    const check = await p.run(["lock"]);
    expect(check.code).toBe(0);
    expect(server.stats.tokenRequests.map((r) => r.grantType)).toEqual([
      "authorization_code",
      "refresh_token",
    ]);
  });

  it("a revoked refresh token asks for login again", async () => {
    const server = await oauthServer();
    const p = project(server.url);
    expect((await p.run(["login", "ledger"])).code).toBe(0);
    server.expire(server.stats.tokensIssued[0]!);
    server.revoke(server.stats.refreshTokensIssued[0]!);
    const lock = await p.run(["lock"]);
    expect(lock.code).toBe(3);
    expect(lock.stderr.split("\n")[0]).toBe(
      'mcp-contract: server "ledger" needs an OAuth login (the authorization server refused the stored token): run mcp-contract login ledger (or set refreshTokenEnv for CI)',
    );
    expect(lock.stderr).not.toContain("[mcp-sdk]");
  });

  it("refreshTokenEnv: the refresh token from the environment gets a token, and nothing is written", async () => {
    const server = await oauthServer({
      registration: false,
      clients: [
        {
          client_id: "ci-client",
          token_endpoint_auth_method: "none",
          redirect_uris: ["http://127.0.0.1/callback"],
        },
      ],
    });
    const person = project(server.url, { type: "oauth", clientId: "ci-client" });
    expect((await person.run(["login", "ledger"])).code).toBe(0);
    const refreshToken = server.stats.refreshTokensIssued[0]!;
    const ci = project(server.url, {
      type: "oauth",
      clientId: "ci-client",
      refreshTokenEnv: "LEDGER_REFRESH",
    });
    const lock = await ci.run(["lock"], { LEDGER_REFRESH: refreshToken, BROWSER: undefined });
    expect(lock.stderr).toBe("fetched ledger: 3 tools\n");
    expect(lock.code).toBe(0);
    expect(ci.tokenFiles()).toEqual([]);
    expect(server.stats.tokenRequests.at(-1)).toMatchObject({
      grantType: "refresh_token",
      clientId: "ci-client",
    });
    const lockfile = readFileSync(join(ci.dir, "mcp-contract.lock.json"), "utf8");
    expectNoLeak([lock.stdout, lock.stderr, lockfile], [refreshToken, ...server.stats.tokensIssued]);

    // Refused (used once, rotated away): the line names the variable.
    const again = await ci.run(["lock"], { LEDGER_REFRESH: refreshToken, BROWSER: undefined });
    expect(again.code).toBe(3);
    expect(again.stderr.split("\n")[0]).toBe(
      'mcp-contract: server "ledger" needs an OAuth login (the authorization server refused the refresh token in LEDGER_REFRESH): run mcp-contract login ledger (or set refreshTokenEnv for CI)',
    );
  });
});
