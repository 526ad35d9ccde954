// Custom CAs through NODE_EXTRA_CA_CERTS: a CA and a server certificate for
// 127.0.0.1 made with openssl at test time, an HTTPS MCP server (the v2 SDK's
// Streamable HTTP serving behind node:https) on 127.0.0.1, and the real CLI.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startV2Http } from "../../fixtures/servers/v2-server.mjs";
// Real processes where NODE_EXTRA_CA_CERTS is set: Node reads it once, when the process starts.
// Runs without it are in process (test/helpers/cli.ts), whose Node trusts no private CA either.
import { runCli, runCliInProcess } from "../helpers/cli.js";
import { trackedProxies } from "./forward-proxy.js";

const startProxy = trackedProxies();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Pki {
  dir: string;
  /** The CA that signed the server certificate. */
  caFile: string;
  /** Another CA, which signed nothing we serve. */
  otherCaFile: string;
  key: string;
  cert: string;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === "ENOENT"
        ? "these tests make certificates with the openssl command: install it (apt-get install openssl)"
        : `openssl ${args[0]} failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? error}`,
    );
  }
}

/** A CA, and a server certificate it signed for 127.0.0.1 and localhost (EC P-256: quick to make). */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-tls-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  for (const name of ["ca", "other-ca"]) {
    openssl(dir, [
      ...`req -x509 -keyout ${name}.key -out ${name}.pem -days 2`.split(" "),
      ...ec,
      ...["-subj", `/CN=mcp-contract test ${name}`],
      ...["-addext", "basicConstraints=critical,CA:TRUE"],
      ...["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ]);
  }
  openssl(dir, ["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    dir,
    "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext".split(
      " ",
    ),
  );
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    otherCaFile: join(dir, "other-ca.pem"),
    key: readFileSync(join(dir, "server.key"), "utf8"),
    cert: readFileSync(join(dir, "server.pem"), "utf8"),
  };
}

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});

const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];

/** The CLI's environment: no CA or proxy setting from this machine, then `vars`. */
function cleanEnv(vars: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { NODE_EXTRA_CA_CERTS: undefined };
  for (const name of PROXY_VARIABLES) env[name] = undefined;
  return { ...env, ...vars };
}

async function httpsServer(): ReturnType<typeof startV2Http> {
  const server = await startV2Http({ tls: { key: pki.key, cert: pki.cert } });
  closers.push(server.close);
  return server;
}

function project(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-tls-project-"));
  writeFileSync(join(dir, "mcp-contract.yaml"), `servers:\n  secure:\n    url: ${url}\n`);
  return dir;
}

describe("HTTPS servers with a private CA (NODE_EXTRA_CA_CERTS)", () => {
  it("without the CA: one line naming the server, saying the certificate is not trusted, pointing at NODE_EXTRA_CA_CERTS; exit 3, no retries", async () => {
    const server = await httpsServer();
    const dir = project(server.url);
    const result = await runCliInProcess(["lock"], { cwd: dir, env: cleanEnv({}) });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toEqual([
      `mcp-contract: server "secure": ${server.url} presented a TLS certificate that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); if a private CA signed it, set NODE_EXTRA_CA_CERTS to that CA's PEM file`,
      "mcp-contract: no server could be fetched; no lockfile was written",
    ]);
    // Asking again would get the same certificate: at most the probe and the plain handshake tried.
    expect(server.stats.connections).toBeGreaterThan(0);
    expect(server.stats.connections).toBeLessThanOrEqual(2);
    expect(server.eras).toEqual([]);
  });

  it("with NODE_EXTRA_CA_CERTS pointing at the CA: the lock succeeds (2026-07-28 over HTTPS)", async () => {
    const server = await httpsServer();
    const dir = project(server.url);
    const result = await runCli(["lock"], { cwd: dir, env: cleanEnv({ NODE_EXTRA_CA_CERTS: pki.caFile }) });
    expect(result.stderr).toBe("fetched secure: 2 tools\n");
    expect(result.code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(lock.servers.secure.protocolVersion).toBe("2026-07-28");
    expect(Object.keys(lock.servers.secure.tools)).toEqual(["alpha", "beta"]);
  });

  it("with NODE_EXTRA_CA_CERTS pointing at another CA: the message says to check that file", async () => {
    const server = await httpsServer();
    const result = await runCli(["lock"], {
      cwd: project(server.url),
      env: cleanEnv({ NODE_EXTRA_CA_CERTS: pki.otherCaFile }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toEqual([
      `mcp-contract: server "secure": ${server.url} presented a TLS certificate that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); NODE_EXTRA_CA_CERTS is ${pki.otherCaFile}: check that this file holds the CA that signed it`,
      "mcp-contract: no server could be fetched; no lockfile was written",
    ]);
  });

  it("through HTTPS_PROXY: tunnelled with CONNECT, the certificate checked against the extra CA", async () => {
    const proxy = await startProxy();
    const server = await httpsServer();
    const dir = project(server.url);
    const trusted = await runCli(["lock"], {
      cwd: dir,
      env: cleanEnv({ HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: pki.caFile }),
    });
    expect(trusted.stderr).toBe("fetched secure: 2 tools\n");
    expect(trusted.code).toBe(0);
    const { host } = new URL(server.url);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.map((entry) => `${entry.method} ${entry.target}`)).toEqual(
      proxy.seen.map(() => `CONNECT ${host}`),
    );

    const untrusted = await runCliInProcess(["lock"], {
      cwd: dir,
      env: cleanEnv({ HTTPS_PROXY: proxy.url }),
    });
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr.trim().split("\n")).toEqual([
      `mcp-contract: server "secure": ${server.url} through proxy ${proxy.url}/ from HTTPS_PROXY presented a TLS certificate that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); if a private CA signed it, set NODE_EXTRA_CA_CERTS to that CA's PEM file`,
      `mcp-contract: no server could be fetched; ${join(dir, "mcp-contract.lock.json")} was not changed`,
    ]);
  });
});
