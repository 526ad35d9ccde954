import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unbundled } from "../helpers/bundle-inputs.js";
import { repoRoot, runCli, runCliInProcess } from "../helpers/cli.js";
import { crmServerPath, type RunningServer, startCrmHttp } from "../helpers/crm-server.js";
import { closedPort } from "../helpers/ports.js";

const corpus = join(repoRoot, "fixtures", "corpus", "snapshots");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mcp-contract-cli-"));
}

/** A config for the CRM server over stdio, in a fresh directory. */
function stdioProject(version: "v1" | "v2", extraArgs: string[] = []): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", version, ...extraArgs])}\n`,
  );
  return dir;
}

describe("help and version", () => {
  it("--help lists the commands and loads no SDK, ajv or handlebars module", async () => {
    const trace = join(tempDir(), "trace.txt");
    writeFileSync(trace, "");
    // A real process: what a fresh Node process loads for --help.
    const result = await runCli(["--help"], {
      nodeArgs: ["--import", join(repoRoot, "test", "helpers", "trace-imports.mjs")],
      env: { MCP_CONTRACT_TRACE_FILE: trace },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: mcp-contract/);
    for (const command of ["lock", "check", "diff"]) expect(result.stdout).toContain(command);
    // The bin runs the CLI from its bundle: each chunk read back as the files in it.
    const loaded = unbundled(readFileSync(trace, "utf8").split("\n")).join("\n");
    expect(loaded).toContain("/dist/cli/main.js"); // the trace works
    // The resolve hook sees ESM imports only; handlebars is required (CJS) by our wrapper in
    // dist/templates/, so forbid the wrappers that would load the heavy modules, too.
    expect(loaded).not.toMatch(
      /@modelcontextprotocol|@opentelemetry|\/ajv\/|\/handlebars\/|\/dist\/(fetch|templates|diff|telemetry)\//,
    );
  });

  it("--version prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const result = await runCliInProcess(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("an unknown command or option value is a usage error (exit 2)", async () => {
    expect((await runCliInProcess(["frobnicate"])).code).toBe(2);
    const bad = await runCliInProcess(["diff", "a", "b", "--format", "xml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are text, json/);
  });
});

describe("lock", () => {
  it("writes the same bytes twice against an unchanged server, and the same hashes when tools come in another order", async () => {
    const dir = stdioProject("v1");
    const first = await runCliInProcess(["lock"], { cwd: dir });
    expect(first.stderr).toBe("fetched crm: 3 tools\n");
    expect(first.code).toBe(0);
    const lockPath = join(dir, "mcp-contract.lock.json");
    const bytes = readFileSync(lockPath, "utf8");
    expect(bytes).toMatch(/^\{\n {2}"lockfileVersion": 2,\n/);
    expect(bytes.endsWith("}\n")).toBe(true);
    expect(bytes).not.toContain(dir); // no absolute paths

    const second = await runCliInProcess(["lock"], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("is up to date");
    expect(readFileSync(lockPath, "utf8")).toBe(bytes);

    const reversed = stdioProject("v1", ["--reverse"]);
    expect((await runCliInProcess(["lock"], { cwd: reversed })).code).toBe(0);
    expect(readFileSync(join(reversed, "mcp-contract.lock.json"), "utf8")).toBe(bytes);
  });

  it("an unreachable server exits 3 with one line naming it, and leaves the lockfile byte-for-byte untouched", async () => {
    const dir = stdioProject("v1");
    expect((await runCliInProcess(["lock"], { cwd: dir })).code).toBe(0);
    const lockPath = join(dir, "mcp-contract.lock.json");
    const before = readFileSync(lockPath, "utf8");
    const port = await closedPort();
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  crm:\n    url: http://127.0.0.1:${port}/mcp\n`,
    );
    const lock = await runCliInProcess(["lock"], { cwd: dir });
    expect(lock.code).toBe(3);
    expect(readFileSync(lockPath, "utf8")).toBe(before);
    expect(lock.stderr).toMatch(/crm/);
    const check = await runCliInProcess(["check"], { cwd: dir });
    expect(check.code).toBe(3);
    const errorLines = check.stderr.trim().split("\n");
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(new RegExp(`crm.*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  });

  it("--server names an unknown server: usage error naming the config", async () => {
    const dir = stdioProject("v1");
    const result = await runCliInProcess(["lock", "--server", "nope"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown server "nope" in --server; .*mcp-contract\.yaml configures: crm/);
  });
});

describe("a stdout its reader closed (`mcp-contract check | head`)", () => {
  it("lock writes the lockfile and exits 0, check exits 1 on the breaking change, check --offline twice (the hot path) exits 0: no EPIPE stack trace", async () => {
    const dir = stdioProject("v1");
    const lock = await runCli(["lock", "--quiet"], { cwd: dir, closedStdout: true });
    expect(lock.stderr).toBe("");
    expect(lock.code).toBe(0);
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toContain('"create_ticket"');
    for (let i = 0; i < 2; i++) {
      const offline = await runCli(["check", "--offline"], { cwd: dir, closedStdout: true });
      expect(offline.stderr).toBe("");
      expect(offline.code).toBe(0);
    }
    const v2 = stdioProject("v2");
    cpSync(join(dir, "mcp-contract.lock.json"), join(v2, "mcp-contract.lock.json"));
    const check = await runCli(["check", "--quiet"], { cwd: v2, closedStdout: true });
    expect(check.stderr).toBe("");
    expect(check.code).toBe(1);
  });
});

describe("check over Streamable HTTP", () => {
  let v1: RunningServer;
  let v2: RunningServer;
  beforeAll(async () => {
    [v1, v2] = await Promise.all([startCrmHttp("v1"), startCrmHttp("v2")]);
  });
  afterAll(async () => {
    await Promise.all([v1?.close(), v2?.close()]);
  });

  it("is clean against the server it locked, and fails with exit 1 when the server broke the contract", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    url: ${CRM_URL}\n");
    expect((await runCliInProcess(["lock"], { cwd: dir, env: { CRM_URL: v1.url } })).code).toBe(0);
    const clean = await runCliInProcess(["check"], { cwd: dir, env: { CRM_URL: v1.url } });
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toContain("no changes");

    const broken = await runCliInProcess(["check", "--format", "json"], {
      cwd: dir,
      env: { CRM_URL: v2.url },
    });
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout);
    expect(report.version).toBe(1);
    expect(report.summary.breaking).toBeGreaterThanOrEqual(3);
    const rules = report.changes.map((c: { rule: string }) => c.rule);
    expect(rules).toEqual(expect.arrayContaining(["required-param-added", "enum-value-removed"]));
    expect(report.changes).toContainEqual(
      expect.objectContaining({
        severity: "breaking",
        tool: "create_ticket",
        pointer: "/inputSchema/properties/customer_email",
        hint: "renamed to `email_address`",
      }),
    );
  });

  it("the same server over stdio and over HTTP gives the same lockfile", async () => {
    const stdio = stdioProject("v1");
    const http = tempDir();
    writeFileSync(join(http, "mcp-contract.yaml"), `servers:\n  crm:\n    url: ${v1.url}\n`);
    await Promise.all([runCliInProcess(["lock"], { cwd: stdio }), runCliInProcess(["lock"], { cwd: http })]);
    const a = JSON.parse(readFileSync(join(stdio, "mcp-contract.lock.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(http, "mcp-contract.lock.json"), "utf8"));
    expect(b.servers.crm.hash).toBe(a.servers.crm.hash);
  });
});

describe("the demo", () => {
  it("check on examples/crm-agent shows the breaking changes, customer_email among them, and exits 1", async () => {
    const result = await runCliInProcess(["check"], { cwd: join(repoRoot, "examples", "crm-agent") });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("customer_email");
    expect(result.stdout).toMatch(/BREAKING/);
    expect(result.stdout).toMatch(/\d+ breaking, \d+ warning, \d+ info/);
  });

  it("the committed demo lockfile (version 1) is what `lock` writes against v1 of the server, migrated to version 2", async () => {
    const dir = tempDir();
    cpSync(join(repoRoot, "examples", "crm-agent"), dir, { recursive: true });
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", "v1"])}\n`,
    );
    const committed = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    const result = await runCliInProcess(["lock"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "mcp-contract.lock.json from lockfile version 1 to 2 (prompts, resource templates, instructions and capabilities are now locked)\n",
    );
    // Nothing changed but the format: every tool is locked with the bytes and hashes it had.
    const written = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(committed.lockfileVersion).toBe(1);
    expect(written.lockfileVersion).toBe(2);
    expect(written.servers.crm.tools).toEqual(committed.servers.crm.tools);
    expect(written.servers.crm.serverInfo).toEqual(committed.servers.crm.serverInfo);
  });
});

describe("diff", () => {
  it("diffs two corpus snapshots with no server and reports the removed tool as JSON", async () => {
    // server-everything 2025.7.29 -> 2025.9.12 removed startElicitation (see corpus expected.json)
    const dir = join(corpus, "@modelcontextprotocol__server-everything");
    const result = await runCliInProcess([
      "diff",
      join(dir, "2025.7.29.json"),
      join(dir, "2025.9.12.json"),
      "--format",
      "json",
    ]);
    const report = JSON.parse(result.stdout);
    expect(report.changes).toContainEqual(
      expect.objectContaining({ rule: "tool-removed", tool: "startElicitation", severity: "breaking" }),
    );
    expect(result.code).toBe(1);
  });

  it("a snapshot diffed with itself is clean (exit 0)", async () => {
    const file = join(corpus, "@playwright__mcp", "0.0.83.json");
    const result = await runCliInProcess(["diff", file, file]);
    expect(result).toMatchObject({ code: 0, stdout: "no changes\n" });
  });

  it("a missing file is a one-line usage error (exit 2)", async () => {
    const result = await runCliInProcess(["diff", "nope.json", "nope.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("mcp-contract: nope.json: file not found\n");
  });
});
