// The whole surface under contract, end to end: the CRM fixture server (official SDK) changes a
// prompt argument, a resource template and its instructions between v1 and v2, and `check`
// reports each with its severity and exits 1; over stdio and Streamable HTTP alike.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffLockfiles } from "../../src/diff/index.js";
import { lockSurface } from "../../src/lockfile/build.js";
import { runCliInProcess } from "../helpers/cli.js";
import { crmServerPath, type RunningServer, startCrmHttp } from "../helpers/crm-server.js";

const running: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
});

/** The findings about the surface beside the tools, as `[rule, severity, kind, item, pointer]`. */
function surfaceFindings(report: { changes: Record<string, unknown>[] }): unknown[] {
  return report.changes
    .filter((c) => c.kind !== undefined)
    .map((c) => [c.rule, c.severity, c.kind, c.item, c.pointer]);
}

const EXPECTED = [
  ["prompt-argument-became-required", "breaking", "prompt", "summarize_customer", "/arguments/1/required"],
  ["resource-template-uri-changed", "breaking", "resourceTemplate", "customer", "/uriTemplate"],
  ["instructions-changed", "warning", "instructions", undefined, "/instructions"],
];

describe("check over the whole surface", () => {
  it("stdio: a prompt argument, a resource template and the instructions, with severities and exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-surface-"));
    const config = (version: string) =>
      `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", "v1", "--surface", version])}\n    resources: true\n`;
    writeFileSync(join(dir, "mcp-contract.yaml"), config("v1"));
    const lock = await runCliInProcess(["lock"], { cwd: dir });
    expect(lock.code, lock.stderr).toBe(0);
    writeFileSync(join(dir, "mcp-contract.yaml"), config("v2"));
    const check = await runCliInProcess(["check", "--format", "json", "--quiet"], { cwd: dir });
    expect(check.code, check.stderr).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(surfaceFindings(report)).toEqual(EXPECTED);
    const instructions = report.changes.find((c: { rule: string }) => c.rule === "instructions-changed");
    expect(instructions.message).toBe(
      'Server `crm` changed its instructions: removed "id", added "email address".',
    );
    // Grouped by server, then kind: the tools, then the prompt, the template, the instructions.
    const text = await runCliInProcess(["check"], { cwd: dir });
    expect(text.code).toBe(1);
    const heads = text.stdout.split("\n").filter((line) => /^ {2}\S/.test(line));
    expect(heads.slice(-3)).toEqual([
      "  prompt summarize_customer",
      "  resource template customer",
      "  instructions",
    ]);
    expect(text.stdout).toContain("Argument `since` of prompt `summarize_customer` is now required.");
    expect(text.stdout).toContain(
      "Resource template `customer` changed its uriTemplate from `crm://customers/{id}` to `crm://customers/{customer_id}`: URIs built from the old template no longer match.",
    );
    // Each finding points at its item's entry in the lockfile.
    const lockText = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8").split("\n");
    const lineOf = (needle: string) => lockText.findIndex((l) => l.trimStart().startsWith(needle)) + 1;
    const github = await runCliInProcess(["check", "--format", "github"], { cwd: dir });
    const annotation = (rule: string) => github.stdout.split("\n").find((l) => l.includes(` ${rule} (`));
    expect(annotation("prompt-argument-became-required")).toContain(
      `file=mcp-contract.lock.json,line=${lineOf('"summarize_customer": {')},`,
    );
    expect(annotation("prompt-argument-became-required")).toContain("(crm prompt summarize_customer)");
    expect(annotation("resource-template-uri-changed")).toContain(`line=${lineOf('"customer": {')},`);
    expect(annotation("instructions-changed")).toContain(`line=${lineOf('"instructions": {')},`);
  });

  it("Streamable HTTP gives the same findings", async () => {
    const [v1, v2] = await Promise.all([
      startCrmHttp("v1", ["--surface", "v1"]),
      startCrmHttp("v1", ["--surface", "v2"]),
    ]);
    running.push(v1, v2);
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-surface-"));
    const config = (url: string) => `servers:\n  crm:\n    url: ${url}\n    transport: streamable-http\n`;
    writeFileSync(join(dir, "mcp-contract.yaml"), config(v1.url));
    expect((await runCliInProcess(["lock"], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, "mcp-contract.yaml"), config(v2.url));
    const check = await runCliInProcess(["check", "--format", "json", "--quiet"], { cwd: dir });
    expect(check.code, check.stderr).toBe(1);
    expect(surfaceFindings(JSON.parse(check.stdout))).toEqual(EXPECTED);
  });

  it("an added optional query expansion is info; a variable gone from it is breaking", () => {
    const side = (uriTemplate: string) =>
      lockSurface("s", { tools: [], resourceTemplates: [{ name: "t", uriTemplate }] });
    const judge = (a: string, b: string) =>
      diffLockfiles(side(a), side(b)).map((c) => [c.rule, c.severity, c.message]);
    expect(judge("crm://customers/{id}", "crm://customers/{id}{?page,sort}")).toEqual([
      [
        "resource-template-uri-changed",
        "info",
        "Resource template `t` changed its uriTemplate from `crm://customers/{id}` to `crm://customers/{id}{?page,sort}`: only optional query variable `page`, `sort` was added.",
      ],
    ]);
    expect(judge("crm://customers/{id}{?page}", "crm://customers/{id}")[0]!.slice(0, 2)).toEqual([
      "resource-template-uri-changed",
      "breaking",
    ]);
    expect(judge("crm://customers/{id}", "crm://people/{id}")[0]!.slice(0, 2)).toEqual([
      "resource-template-uri-changed",
      "breaking",
    ]);
  });

  it("diff reads {tools, prompts, resourceTemplates, instructions} files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-surface-"));
    const doc = (required: boolean, instructions: string) =>
      JSON.stringify({
        tools: [],
        prompts: [{ name: "p", arguments: [{ name: "a", required }] }],
        resourceTemplates: [{ name: "t", uriTemplate: "x://{id}" }],
        instructions,
      });
    writeFileSync(join(dir, "a.json"), doc(false, "Be brief."));
    writeFileSync(join(dir, "b.json"), doc(true, "Be brief."));
    const run = await runCliInProcess(["diff", "a.json", "b.json", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(surfaceFindings(JSON.parse(run.stdout))).toEqual([
      ["prompt-argument-became-required", "breaking", "prompt", "p", "/arguments/0/required"],
    ]);
  });
});
