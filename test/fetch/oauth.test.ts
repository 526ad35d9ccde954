// OAuth 2 client credentials against a real authorization server on 127.0.0.1:
// discovery, the token request (client_secret_basic and private_key_jwt), the bearer
// token on the MCP requests, and no secret or token in any output or the lockfile.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startOAuthFixture } from "../../fixtures/servers/oauth-fixture.mjs";
import { fetchServer } from "../../src/fetch/index.js";
import { runCliInProcess } from "../helpers/cli.js";
import { fetchOptions, httpConfig } from "./helpers.js";

const CLIENT_ID = "mcp-contract-ci";
const SECRET = "s3cret-client-value-8f1c2d";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Starts the OAuth fixture for this client id; it is closed after the test. */
async function oauthFixture(
  options: Omit<Parameters<typeof startOAuthFixture>[0], "clientId">,
): ReturnType<typeof startOAuthFixture> {
  const fixture = await startOAuthFixture({ clientId: CLIENT_ID, ...options });
  closers.push(fixture.close);
  return fixture;
}

function project(auth: Record<string, unknown>, url: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-oauth-"));
  writeFileSync(
    join(dir, "mcp-contract.json"),
    JSON.stringify({ servers: { ledger: { url, transport: "streamable-http", auth } } }),
  );
  return dir;
}

let keyPair: { privateKey: string; publicKey: string } | undefined;
/** An RSA key pair, made once for the file (2048 bits: about 0.2 s of CPU each). */
function rsaKeys(): { privateKey: string; publicKey: string } {
  if (keyPair === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    keyPair = {
      privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
  }
  return keyPair;
}

/** Every secret the run could leak, searched for in everything it printed or wrote. */
function expectNoLeak(texts: string[], secrets: string[]): void {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    for (const text of texts) expect(text).not.toContain(secret);
  }
}

describe("OAuth client credentials", () => {
  it("client_secret_basic, secret from the environment: the CLI locks the protected server", async () => {
    const fixture = await oauthFixture({ clientSecret: SECRET });
    const dir = project(
      { type: "oauth-client-credentials", clientId: CLIENT_ID, clientSecretEnv: "LEDGER_SECRET" },
      fixture.url,
    );
    const result = await runCliInProcess(["lock"], { cwd: dir, env: { LEDGER_SECRET: SECRET } });
    expect(result.stderr).toBe("fetched ledger: 3 tools\n");
    expect(result.code).toBe(0);
    expect(fixture.stats.authMethods).toEqual(["client_secret_basic"]);
    expect(fixture.stats.tokensIssued).toHaveLength(1);
    expect(fixture.stats.rejected).toBeGreaterThan(0); // discovery started from a real 401
    const lock = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    expect(Object.keys(JSON.parse(lock).servers.ledger.tools)).toEqual([
      "escalate_ticket",
      "lookup_customer",
      "ping",
    ]);
    expectNoLeak([result.stdout, result.stderr, lock], [SECRET, ...fixture.stats.tokensIssued]);
  });

  it("private_key_jwt, key from a file relative to the config, issuer pinned", async () => {
    const keys = rsaKeys();
    const fixture = await oauthFixture({ publicKey: keys.publicKey });
    const dir = project(
      {
        type: "oauth-client-credentials",
        clientId: CLIENT_ID,
        method: "private_key_jwt",
        privateKeyFile: "keys/ci.pem",
        issuer: fixture.issuer,
      },
      fixture.url,
    );
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "keys"));
    writeFileSync(join(dir, "keys", "ci.pem"), keys.privateKey);
    const result = await runCliInProcess(["lock"], { cwd: dir });
    expect(result.stderr).toBe("fetched ledger: 3 tools\n");
    expect(result.code).toBe(0);
    expect(fixture.stats.authMethods).toEqual(["private_key_jwt"]);
    expect(fixture.stats.assertions[0]).toMatchObject({
      iss: CLIENT_ID,
      sub: CLIENT_ID,
      aud: fixture.issuer,
    });
    const lock = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    const keyBody = keys.privateKey.split("\n")[1]!;
    expectNoLeak([result.stdout, result.stderr, lock], [keyBody, ...fixture.stats.tokensIssued]);
  });

  it("private_key_jwt, key from the environment", async () => {
    const keys = rsaKeys();
    const fixture = await oauthFixture({ publicKey: keys.publicKey });
    const config = httpConfig(fixture.url, {
      transport: "streamable-http",
      auth: {
        type: "oauth-client-credentials",
        clientId: CLIENT_ID,
        method: "private_key_jwt",
        privateKeyEnv: "LEDGER_KEY",
      },
    });
    const env = { ...process.env, LEDGER_KEY: keys.privateKey };
    const snapshot = await fetchServer("ledger", config, fetchOptions({ env }));
    expect(snapshot.tools).toHaveLength(3);
    expect(fixture.stats.authMethods).toEqual(["private_key_jwt"]);
  });

  it("a wrong client secret: one line naming the server, no secret, exit 3, lockfile untouched", async () => {
    const fixture = await oauthFixture({ clientSecret: SECRET });
    const dir = project(
      { type: "oauth-client-credentials", clientId: CLIENT_ID, clientSecretFile: "secret.txt" },
      fixture.url,
    );
    const wrong = "wrong-secret-value-77aa";
    writeFileSync(join(dir, "secret.txt"), `${wrong}\n`);
    const before = '{\n  "lockfileVersion": 1,\n  "servers": {}\n}\n';
    writeFileSync(join(dir, "mcp-contract.lock.json"), before);
    const result = await runCliInProcess(["lock"], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'server "ledger": the authorization server refused the client credentials (invalid_client)',
    );
    // Only our lines: the SDK's own "[mcp-sdk] OAuth …" diagnostic is not printed beside them.
    expect(result.stderr).not.toContain("[mcp-sdk]");
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^mcp-contract: server "ledger": /),
      `mcp-contract: no server could be fetched; ${join(dir, "mcp-contract.lock.json")} was not changed`,
    ]);
    expect(fixture.stats.tokensIssued).toEqual([]);
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(before);
    expectNoLeak([result.stdout, result.stderr], [wrong]);
  });

  it("an issuer pin that does not match: the credentials are never sent", async () => {
    const fixture = await oauthFixture({ clientSecret: SECRET });
    const config = httpConfig(fixture.url, {
      transport: "streamable-http",
      auth: {
        type: "oauth-client-credentials",
        clientId: CLIENT_ID,
        clientSecretEnv: "LEDGER_SECRET",
        issuer: "https://auth.example.com",
      },
    });
    const env = { ...process.env, LEDGER_SECRET: SECRET };
    const error = await fetchServer("ledger", config, fetchOptions({ env })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^server "ledger": Authorization server mismatch/);
    expect((error as Error).message).not.toContain(SECRET);
    expect(fixture.stats.tokenRequests).toBe(0);
  });
});
