import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unbundled } from "../helpers/bundle-inputs.js";
import { repoRoot, runCli, runCliInProcess } from "../helpers/cli.js";
import { crmServerPath } from "../helpers/crm-server.js";
import { git } from "../helpers/git.js";
import { closedPort } from "../helpers/ports.js";
import { pos } from "./helpers.js";

const demo = join(repoRoot, "examples", "crm-agent");
const escalate = readFileSync(join(demo, "prompts", "escalate.hbs"), "utf8");
const tracer = join(repoRoot, "test", "helpers", "trace-imports.mjs");

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-templates-cli-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with the module tracer; returns the result and every module URL the process resolved. */
async function runTraced(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const trace = join(tempDir(), "trace.txt");
  writeFileSync(trace, "");
  // A real process: the tracer sees what a fresh Node process loads.
  const result = await runCli(args, {
    cwd,
    nodeArgs: ["--import", tracer],
    // No OpenTelemetry endpoint from the machine's environment unless a test sets one.
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
      MCP_CONTRACT_TRACE_FILE: trace,
      ...env,
    },
  });
  // The bin runs the CLI from its bundle: each chunk read back as the files in it.
  return { ...result, loaded: unbundled(readFileSync(trace, "utf8").split("\n")).join("\n") };
}

describe("check on the demo", () => {
  it("flags the stale customer_email at the template's exact line and column, with the rename hint", async () => {
    const result = await runCliInProcess(["check"], { cwd: demo });
    expect(result.code).toBe(1);
    const at = `prompts/escalate.hbs:${pos(escalate, "customer_email")}`;
    expect(at).toBe("prompts/escalate.hbs:8:36");
    expect(result.stdout).toContain(
      `BREAKING ${at} tool \`crm/create_ticket\` has no parameter \`customer_email\` (renamed to \`email_address\`)  template-unknown-param`,
    );
    // The blast radius: the template is listed with each breaking change of the tools it depends on.
    expect(result.stdout).toMatch(
      /warning {2}prompts\/escalate\.hbs:8:36 this template uses `crm\/create_ticket`.*param-renamed/,
    );
    expect(result.stdout).toMatch(
      /warning {2}prompts\/escalate\.hbs:2:9 this template uses `crm\/create_ticket`/,
    );
  });

  it("check --offline checks templates against the lockfile without loading any SDK module", async () => {
    // --no-cache: a cached run answers without loading the template checker at all.
    const result = await runTraced(["check", "--offline", "--no-cache"], demo);
    expect(result).toMatchObject({ code: 0, stdout: "no changes\n" });
    expect(result.loaded).toContain("/dist/templates/check.js"); // the templates were checked, and traced
    // Handlebars is CommonJS, loaded with require: the ESM trace sees our wrapper module instead.
    expect(result.loaded).toContain("/dist/templates/handlebars.js");
    expect(result.loaded).not.toMatch(/@modelcontextprotocol|\/dist\/fetch\//);
    // No OpenTelemetry endpoint: not one OpenTelemetry module, nor the module that would load them.
    expect(result.loaded).not.toMatch(/@opentelemetry|\/dist\/telemetry\/otel\.js/);
  });

  it("check --offline with an OpenTelemetry endpoint loads the SDK (what the test above refuses)", async () => {
    const port = await closedPort();
    const result = await runTraced(["check", "--offline", "--no-cache"], demo, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: "500",
    });
    expect(result.code).toBe(0);
    expect(result.loaded).toContain("/dist/telemetry/otel.js");
    expect(result.loaded).toMatch(/@opentelemetry\/sdk-trace-base/);
    expect(result.stderr).toContain("mcp-contract: warning: could not export the trace");
  });
});

describe("check --offline with git history", () => {
  it("after `lock` picks up v2, flags the renamed parameter with the hint from the committed lockfile", async () => {
    const dir = tempDir();
    cpSync(join(demo, "prompts"), join(dir, "prompts"), { recursive: true });
    cpSync(join(demo, "mcp-contract.lock.json"), join(dir, "mcp-contract.lock.json"));
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", "v2"])}\n`,
    );
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "v1 contract");
    // A breaking change needs a reason: plain `lock` would stop and ask for one.
    expect((await runCliInProcess(["lock", "--accept-breaking", "prompts follow"], { cwd: dir })).code).toBe(
      0,
    );

    const result = await runTraced(["check", "--offline"], dir);
    expect(result.code).toBe(1);
    expect(result.loaded).not.toMatch(/@modelcontextprotocol/);
    expect(result.stdout).toContain(
      "BREAKING prompts/escalate.hbs:8:36 tool `crm/create_ticket` has no parameter `customer_email` (renamed to `email_address`)",
    );
    // Without history (committed), the same finding stands, with no hint to cite but no crash either.
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "v2 contract");
    const plain = await runCliInProcess(["check", "--offline"], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain(
      "prompts/escalate.hbs:8:36 tool `crm/create_ticket` has no parameter `customer_email`",
    );
    expect(plain.stdout).not.toContain("renamed to");
  });
});

describe("template errors", () => {
  it("a template syntax error is file:line and exit 2", async () => {
    const dir = tempDir();
    cpSync(join(demo, "mcp-contract.lock.json"), join(dir, "mcp-contract.lock.json"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers: {}\n");
    mkdirSync(join(dir, "prompts"));
    writeFileSync(
      join(dir, "prompts", "bad.hbs"),
      'Hello\n\n{{#tool "crm/create_ticket"}}\n{{param "subject"}}\n',
    );
    const result = await runCliInProcess(["check", "--offline"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "mcp-contract: prompts/bad.hbs:3:1: syntax error: `{{#tool}}` is never closed: add `{{/tool}}` where the block ends\n",
    );
  });
});

describe("render", () => {
  it("renders the demo template with the lockfile's tools and --data", async () => {
    const data = join(tempDir(), "data.yaml");
    writeFileSync(data, "company: Acme\n");
    const result = await runCliInProcess(["render", "prompts/escalate.hbs", "--data", data], { cwd: demo });
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("You are the support escalation agent for Acme.");
    expect(result.stdout).toContain("Call `create_ticket` with customer_email set to the customer's");
    expect(result.stdout).toContain("Then escalate it with escalate_ticket: ");
    expect(result.stdout).toContain("\n- level (");
  });

  it("an unknown parameter or unreadable --data is exit 2 with one line naming the file", async () => {
    const dir = tempDir();
    cpSync(join(demo, "mcp-contract.lock.json"), join(dir, "mcp-contract.lock.json"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers: {}\n");
    writeFileSync(join(dir, "p.hbs"), 'Hi\n  {{param "crm/create_ticket" "email_address"}}');
    const unknown = await runCliInProcess(["render", "p.hbs"], { cwd: dir });
    expect(unknown).toMatchObject({
      code: 2,
      stdout: "",
      // The column of the name, as check reports it.
      stderr: "mcp-contract: p.hbs:2:32: tool `crm/create_ticket` has no parameter `email_address`\n",
    });
    writeFileSync(join(dir, "bad.yaml"), "a: [1\n");
    const badData = await runCliInProcess(["render", "p.hbs", "--data", "bad.yaml"], { cwd: dir });
    expect(badData.code).toBe(2);
    expect(badData.stderr).toMatch(/^mcp-contract: bad\.yaml(:\d+)?: invalid --data file: /);
  });

  it("{{log}} goes to stderr with its file:line:column, never into the rendered prompt on stdout", async () => {
    const dir = tempDir();
    cpSync(join(demo, "mcp-contract.lock.json"), join(dir, "mcp-contract.lock.json"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers: {}\n");
    writeFileSync(join(dir, "p.hbs"), 'Hi{{log "debug" 3}}\n  {{log "x\u001b[2J" level="warn"}}there\n');
    // A real process: Handlebars' own log wrote to the process's stdout, which the in-process harness does not see.
    const result = await runCli(["render", "p.hbs"], { cwd: dir });
    expect(result).toMatchObject({
      code: 0,
      stdout: "Hi\n  there\n",
      stderr: "mcp-contract: p.hbs:1:3: log: debug 3\nmcp-contract: p.hbs:2:3: log: x\\u{1B}[2J\n",
    });
  });
});
