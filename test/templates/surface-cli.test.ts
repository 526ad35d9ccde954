// Prompt and resource references end to end, through the CLI: real template files, a real lockfile
// locked from a file source, `check --offline`, `check` after the server's prompt argument and
// resource template changed (the blast radius), and `render`; exact lines, columns and exit codes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { crmServerPath } from "../helpers/crm-server.js";
import { pos } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const surface = (version: 1 | 2) => ({
  tools: [{ name: "lookup_customer", inputSchema: { type: "object" } }],
  prompts: [
    {
      name: "summarize_customer",
      description: "Summarise a customer's open tickets.",
      arguments: [
        { name: "customer_id", description: "The customer's id.", required: true },
        { name: "since", description: "Only tickets opened since this date.", required: version === 2 },
      ],
    },
  ],
  resourceTemplates: [
    {
      name: "customer",
      uriTemplate: version === 1 ? "crm://customers/{id}" : "crm://customers/{customer_id}",
      mimeType: "application/json",
      description: "A customer's record.",
    },
  ],
});

const TRIAGE = [
  "You triage tickets.",
  '{{prompt "crm/summarize_customer" customer_id=customer.id}}',
  'Read {{resource "crm://customers/{id}"}} first.',
  "",
].join("\n");

/** A project locked at surface v1 with prompts/triage.hbs. */
async function project(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-surface-templates-"));
  dirs.push(dir);
  mkdirSync(join(dir, "prompts"));
  writeFileSync(join(dir, "surface.json"), JSON.stringify(surface(1)));
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: surface.json\n");
  writeFileSync(join(dir, "prompts", "triage.hbs"), TRIAGE);
  const lock = await runCliInProcess(["lock", "-q"], { cwd: dir });
  expect(lock.code, lock.stderr).toBe(0);
  return dir;
}

describe("templates that use prompts and resources, through the CLI", () => {
  it("check --offline passes a template whose prompt and resource references hold", async () => {
    const dir = await project();
    expect(await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: "no changes\n",
    });
  });

  it("check --offline reports an unknown prompt, argument and resource at file:line:column, exit 1", async () => {
    const dir = await project();
    const broken = [
      '{{prompt "crm/summarise_customer"}}',
      '{{prompt "summarize_customer" customer_id="1" until="2026-01-01"}}',
      '{{resource "crm://customer/42"}}',
      "",
    ].join("\n");
    writeFileSync(join(dir, "prompts", "broken.hbs"), broken);
    const result = await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stdout
      .split("\n")
      .filter((l) => l.startsWith("    ") && l.includes("prompts/broken.hbs"));
    expect(lines).toEqual([
      // The unresolved URI names no server: it is listed under the templates, before server crm.
      `    BREAKING prompts/broken.hbs:${pos(broken, "crm://")} no resource template or resource of any server matches \`crm://customer/42\` (did you mean \`crm://customers/{id}\`?)  template-unknown-resource`,
      `    BREAKING prompts/broken.hbs:${pos(broken, "crm/")} server \`crm\` has no prompt \`summarise_customer\` (did you mean \`crm/summarize_customer\`?)  template-unknown-prompt`,
      `    BREAKING prompts/broken.hbs:${pos(broken, "until")} this use of prompt \`crm/summarize_customer\` passes \`until\`, an argument the prompt does not have  template-unknown-prompt-argument`,
    ]);
    expect(pos(broken, "until")).toBe("2:47");
  });

  it("check --offline with its cache: a template edited after a cached run is checked against the cached catalog alike", async () => {
    const dir = await project();
    const env = { MCP_CONTRACT_CACHE_DIR: join(dir, ".cache") };
    const args = ["check", "--offline", "--format", "json"];
    expect((await runCliInProcess(args, { cwd: dir, env })).code).toBe(0);
    // The lockfile is unchanged: this run reads what templates need of it from the cache.
    writeFileSync(
      join(dir, "prompts", "triage.hbs"),
      TRIAGE.replace("customer_id=", "customer=").replace("{id}", "{key}"),
    );
    const cached = await runCliInProcess(args, { cwd: dir, env });
    const cold = await runCliInProcess([...args, "--no-cache"], { cwd: dir, env });
    expect(cached).toEqual(cold);
    expect(cold.code).toBe(1);
    expect(JSON.parse(cold.stdout).changes.map((c: { rule: string }) => c.rule)).toEqual([
      "template-unknown-resource",
      "template-missing-prompt-argument",
      "template-unknown-prompt-argument",
    ]);
  });

  it("check lists the template with each breaking prompt and resource template change it depends on", async () => {
    const dir = await project();
    writeFileSync(join(dir, "surface.json"), JSON.stringify(surface(2)));
    const result = await runCliInProcess(["check"], { cwd: dir });
    expect(result.code).toBe(1);
    const prompt = pos(TRIAGE, "crm/summarize_customer");
    const resource = pos(TRIAGE, "crm://customers/{id}");
    expect(
      result.stdout.split("\n").filter((l) => l.startsWith("    ") && l.includes("prompts/triage.hbs")),
    ).toEqual([
      `    BREAKING prompts/triage.hbs:${prompt} this use of prompt \`crm/summarize_customer\` does not pass its required argument \`since\` (add \`since="…"\`)  template-missing-prompt-argument`,
      `    warning  prompts/triage.hbs:${prompt} this template uses prompt \`crm/summarize_customer\`, which has a breaking change (prompt-argument-became-required): Argument \`since\` of prompt \`summarize_customer\` is now required.  template-affected`,
      `    warning  prompts/triage.hbs:${resource} this template uses resource template \`crm/customer\`, which has a breaking change (resource-template-uri-changed): Resource template \`customer\` changed its uriTemplate from \`crm://customers/{id}\` to \`crm://customers/{customer_id}\`: URIs built from the old template no longer match.  template-affected`,
      `    BREAKING prompts/triage.hbs:${resource} \`crm://customers/{id}\` matches no resource now (it was resource template \`customer\` of \`crm\`, \`crm://customers/{id}\`) (the template is now \`crm://customers/{customer_id}\`)  template-unknown-resource`,
    ]);
    expect(result.stdout).toContain("1 template affected (prompts/triage.hbs)");
    const json = JSON.parse(
      (await runCliInProcess(["check", "--format", "json", "--quiet"], { cwd: dir })).stdout,
    );
    const affected = json.changes.filter((c: { rule: string }) => c.rule === "template-affected");
    expect(affected.map((c: Record<string, unknown>) => [c.server, c.kind, c.item, c.pointer])).toEqual([
      ["crm", "prompt", "summarize_customer", "/arguments/1/required"],
      ["crm", "resourceTemplate", "customer", "/uriTemplate"],
    ]);
  });

  it("render prints the prompt's description and arguments and the resource's docs", async () => {
    const dir = await project();
    writeFileSync(join(dir, "data.json"), JSON.stringify({ customer: { id: "c_42" } }));
    const result = await runCliInProcess(["render", "prompts/triage.hbs", "--data", "data.json"], {
      cwd: dir,
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      [
        "You triage tickets.",
        "summarize_customer: Summarise a customer's open tickets.",
        "Arguments:",
        '- customer_id (required; given "c_42"): The customer\'s id.',
        "- since (optional): Only tickets opened since this date.",
        "Read crm://customers/{id} (customer; application/json): A customer's record. first.",
        "",
      ].join("\n"),
    );
  });

  it("render refuses a prompt use that misses a required argument, with file:line:column and exit 2", async () => {
    const dir = await project();
    writeFileSync(join(dir, "prompts", "x.hbs"), 'Hi.\n  {{prompt "summarize_customer" since="2026"}}\n');
    const result = await runCliInProcess(["render", "prompts/x.hbs"], { cwd: dir });
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr:
        "mcp-contract: prompts/x.hbs:2:13: prompt `crm/summarize_customer` needs its required argument `customer_id`\n",
    });
    expect(readFileSync(join(dir, "prompts", "x.hbs"), "utf8")).toContain("since");
  });

  it("over the CRM fixture server (official SDK, stdio): its v2 surface breaks the template's prompt use and URI", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-surface-templates-"));
    dirs.push(dir);
    mkdirSync(join(dir, "prompts"));
    const config = (version: string) =>
      `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", "v1", "--surface", version])}\n`;
    writeFileSync(join(dir, "mcp-contract.yaml"), config("v1"));
    writeFileSync(join(dir, "prompts", "triage.hbs"), TRIAGE);
    const lock = await runCliInProcess(["lock", "-q"], { cwd: dir });
    expect(lock.code, lock.stderr).toBe(0);
    expect(await runCliInProcess(["check"], { cwd: dir })).toMatchObject({ code: 0, stdout: "no changes\n" });
    writeFileSync(join(dir, "mcp-contract.yaml"), config("v2"));
    const result = await runCliInProcess(["check", "--format", "json", "--quiet"], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    const templateFindings = JSON.parse(result.stdout)
      .changes.filter((c: { location?: unknown }) => c.location !== undefined)
      .map((c: { rule: string; severity: string; location: { line: number; column: number } }) => [
        c.rule,
        c.severity,
        `${c.location.line}:${c.location.column}`,
      ]);
    expect(templateFindings).toEqual([
      ["template-missing-prompt-argument", "breaking", pos(TRIAGE, "crm/summarize_customer")],
      ["template-affected", "warning", pos(TRIAGE, "crm/summarize_customer")],
      ["template-affected", "warning", pos(TRIAGE, "crm://customers/{id}")],
      ["template-unknown-resource", "breaking", pos(TRIAGE, "crm://customers/{id}")],
    ]);
  });
});
