// SARIF and GitHub annotations name files from the repository root (GITHUB_WORKSPACE, else the git top
// level, else the working directory), so GitHub finds them when mcp-contract runs in a subfolder (the
// action's working-directory); `diff` of two tool-list files points at the file that holds each tool.
// The built CLI runs in temp git repositories made here.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Log } from "sarif";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";
import { git } from "../helpers/git.js";
import { junitSchemaErrors } from "./junit-xsd.js";

let base: string; // holds the workspace and a directory outside any repository
let repo: string; // workspace/checkout: the git repository
let agent: string; // repo/packages/agent: where the config, lockfile and templates live

/** The demo's lockfile with one tool's definition edited by hand: lockfile-tampered at that tool's entry. */
async function tamperedLockfile(): Promise<string> {
  const text = await readFile(join(repoRoot, "examples", "crm-agent", "mcp-contract.lock.json"), "utf8");
  const edited = text.replace("Full description of the issue.", "Full description of the issue (edited).");
  expect(edited).not.toBe(text);
  return edited;
}

const TEMPLATE = `{{#tool "crm/create_ticket"}}
Call it with {{param "customer_id"}}.
{{/tool}}
`;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "report-paths-"));
  repo = join(base, "workspace", "checkout");
  agent = join(repo, "packages", "agent");
  await mkdir(join(agent, "prompts"), { recursive: true });
  await writeFile(
    join(agent, "mcp-contract.yaml"),
    'servers:\n  crm:\n    url: https://crm.invalid/mcp\ntemplates:\n  - "prompts/**/*.hbs"\n',
  );
  await writeFile(join(agent, "mcp-contract.lock.json"), await tamperedLockfile());
  await writeFile(join(agent, "prompts", "ticket.hbs"), TEMPLATE);
  // diff of two tool lists: `b` is removed, `a` changes (a new required parameter).
  const snapshots = join(repo, "snapshots");
  await mkdir(snapshots);
  const tool = (name: string, required: string[] = []) => ({
    name,
    inputSchema: {
      type: "object",
      properties: Object.fromEntries(required.map((p) => [p, { type: "string" }])),
      required,
    },
  });
  await writeFile(
    join(snapshots, "before.json"),
    `${JSON.stringify({ tools: [tool("a"), tool("b")] }, null, 2)}\n`,
  );
  await writeFile(
    join(snapshots, "after.json"),
    `${JSON.stringify({ tools: [tool("a", ["id"])] }, null, 2)}\n`,
  );
  git(repo, "init", "-q");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "init");
  await mkdir(join(base, "elsewhere"));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Runs the CLI with no GitHub variable but those given (the suite itself may run under Actions). */
function run(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return runCliInProcess(args, {
    cwd,
    env: { GITHUB_WORKSPACE: undefined, GITHUB_STEP_SUMMARY: undefined, GITHUB_ACTIONS: undefined, ...env },
  });
}

/** `rule uri:line` of every SARIF result. */
function sarifPlaces(stdout: string): string[] {
  const log = JSON.parse(stdout) as Log;
  return log.runs[0]!.results!.map((r) => {
    const physical = r.locations![0]!.physicalLocation!;
    return `${r.ruleId} ${physical.artifactLocation!.uri}${physical.region ? `:${physical.region.startLine}` : ""}`;
  });
}

/** `level file:line` of every annotation. */
function annotationPlaces(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => {
      const m = /^::(\w+) file=([^,:]*)(?:,line=(\d+))?/.exec(line)!;
      return `${m[1]} ${m[2]}${m[3] ? `:${m[3]}` : ""}`;
    });
}

describe("check in a subfolder of a git repository", () => {
  const offline = (format: string) => ["check", "--offline", "--no-cache", "--format", format];

  test("SARIF names the lockfile and the template from the git top level", async () => {
    const result = await run(offline("sarif"), agent);
    expect(result.code, result.stderr).toBe(1);
    expect(sarifPlaces(result.stdout)).toEqual([
      "lockfile-tampered packages/agent/mcp-contract.lock.json:12",
      "template-unknown-param packages/agent/prompts/ticket.hbs:2",
    ]);
  });

  test("GitHub annotations too", async () => {
    const result = await run(offline("github"), agent);
    expect(result.code, result.stderr).toBe(1);
    expect(annotationPlaces(result.stdout)).toEqual([
      "error packages/agent/mcp-contract.lock.json:12",
      "error packages/agent/prompts/ticket.hbs:2",
    ]);
  });

  test("GITHUB_WORKSPACE, when it holds the working directory, comes before the git top level", async () => {
    const workspace = join(base, "workspace");
    const sarif = await run(offline("sarif"), agent, { GITHUB_WORKSPACE: workspace });
    expect(sarifPlaces(sarif.stdout)).toEqual([
      "lockfile-tampered checkout/packages/agent/mcp-contract.lock.json:12",
      "template-unknown-param checkout/packages/agent/prompts/ticket.hbs:2",
    ]);
    const github = await run(offline("github"), agent, { GITHUB_WORKSPACE: workspace });
    expect(annotationPlaces(github.stdout)[1]).toBe("error checkout/packages/agent/prompts/ticket.hbs:2");
    // A workspace that does not hold the working directory is not where its files are: the git top level is.
    const unrelated = await run(offline("sarif"), agent, { GITHUB_WORKSPACE: join(base, "elsewhere") });
    expect(sarifPlaces(unrelated.stdout)[1]).toBe(
      "template-unknown-param packages/agent/prompts/ticket.hbs:2",
    );
  });

  test("outside any repository and workspace, paths stay relative to the working directory", async () => {
    const lone = join(base, "elsewhere", "agent");
    await mkdir(join(lone, "prompts"), { recursive: true });
    await writeFile(join(lone, "mcp-contract.yaml"), await readFile(join(agent, "mcp-contract.yaml")));
    await writeFile(join(lone, "mcp-contract.lock.json"), await tamperedLockfile());
    await writeFile(join(lone, "prompts", "ticket.hbs"), TEMPLATE);
    const result = await run(offline("sarif"), lone);
    expect(sarifPlaces(result.stdout)).toEqual([
      "lockfile-tampered mcp-contract.lock.json:12",
      "template-unknown-param prompts/ticket.hbs:2",
    ]);
  });

  test("SARIF rules carry fullDescription and help from their docs pages", async () => {
    const result = await run(offline("sarif"), agent);
    const rules = (JSON.parse(result.stdout) as Log).runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(["lockfile-tampered", "template-unknown-param"]);
    for (const rule of rules) {
      const page = await readFile(join(repoRoot, "docs", "rules", `${rule.id}.md`), "utf8");
      expect(rule.help!.text).toBe(page);
      expect(rule.help!.markdown).toMatch(new RegExp(`^# ${rule.id}\\n`));
      // The first paragraph of the page's "What changed" section.
      const whatChanged = page.split("## What changed\n")[1]!.trim().replace(/\s+/g, " ");
      expect(rule.fullDescription!.text.length).toBeGreaterThan(20);
      expect(whatChanged.startsWith(rule.fullDescription!.text)).toBe(true);
      expect(rule.fullDescription!.text).not.toBe(rule.shortDescription!.text);
    }
  });

  test("JUnit: a test case per locked tool and per template, valid under the Ant schema", async () => {
    const result = await run(offline("junit"), agent, { SOURCE_DATE_EPOCH: "1764578400" });
    expect(result.code, result.stderr).toBe(1);
    const cases = [...result.stdout.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"/g)].map(
      (m) => `${m[2]}/${m[1]}`,
    );
    expect(cases).toEqual([
      "crm/(server)",
      "crm/create_ticket",
      "crm/escalate_ticket",
      "crm/lookup_customer",
      "(templates)/prompts/ticket.hbs",
    ]);
    expect(result.stdout).toContain('timestamp="2025-12-01T08:40:00"');
    expect(await junitSchemaErrors(result.stdout)).toEqual([]);
  });
});

describe("diff of two tool-list files", () => {
  const snapshots = () => join(repo, "snapshots");

  test("a removed tool points at BEFORE's entry, a changed one at AFTER's", async () => {
    const sarif = await run(["diff", "before.json", "after.json", "--format", "sarif"], snapshots());
    expect(sarif.code, sarif.stderr).toBe(1);
    expect(sarifPlaces(sarif.stdout)).toEqual([
      "required-param-added snapshots/after.json:4",
      "tool-removed snapshots/before.json:12",
    ]);
    const github = await run(["diff", "before.json", "after.json", "--format", "github"], snapshots());
    expect(annotationPlaces(github.stdout)).toEqual([
      "error snapshots/after.json:4",
      "error snapshots/before.json:12",
    ]);
  });

  test("a git revision as BEFORE: the removed tool points at AFTER, the file in the working tree", async () => {
    const result = await run(
      ["diff", "git:HEAD:before.json", "after.json", "--format", "sarif"],
      snapshots(),
    );
    expect(result.code, result.stderr).toBe(1);
    expect(sarifPlaces(result.stdout)).toEqual([
      "required-param-added snapshots/after.json:4",
      "tool-removed snapshots/after.json",
    ]);
  });

  test("a git revision as AFTER points at its path in the working tree", async () => {
    const result = await run(
      ["diff", "snapshots/after.json", "git:HEAD:/snapshots/before.json", "--format", "sarif"],
      repo,
    );
    expect(result.code, result.stderr).toBe(1);
    expect(sarifPlaces(result.stdout)).toEqual([
      "param-removed snapshots/before.json:4",
      "tool-added snapshots/before.json:12",
    ]);
  });

  test("JUnit lists every tool of both sides", async () => {
    const result = await run(["diff", "before.json", "after.json", "--format", "junit"], snapshots());
    const cases = [...result.stdout.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"/g)].map(
      (m) => `${m[2]}/${m[1]}`,
    );
    expect(cases).toEqual(["tools/(server)", "tools/a", "tools/b"]);
    expect(await junitSchemaErrors(result.stdout)).toEqual([]);
  });
});
