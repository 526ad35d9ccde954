// Every format on a check whose findings span the whole surface of two servers: tools, prompts,
// resource templates, resources, instructions and capabilities, plus template findings about
// prompts and resources. Real parts: server `crm` is the CRM fixture server (official SDK, stdio)
// locked at --surface v1 with the logging capability and checked at v2 without it; server `billing`
// is a file source; a real template uses both servers' prompts and resources; the lockfile is the
// one `lock` wrote. Each format groups by server, then by kind, and points at each item's entry.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createReport } from "../../src/core/report.js";
import { applyPolicy } from "../../src/policy/policy.js";
import { formatReport } from "../../src/report/index.js";
import { expectGolden } from "../golden.js";
import { runCliInProcess } from "../helpers/cli.js";
import { crmServerPath } from "../helpers/crm-server.js";
import { junitSchemaErrors } from "./junit-xsd.js";

const BILLING_V1 = {
  tools: [
    {
      name: "refund",
      inputSchema: { type: "object", properties: { invoice: { type: "string" } }, required: ["invoice"] },
    },
    { name: "void_invoice", inputSchema: { type: "object" } },
  ],
  prompts: [
    {
      name: "dunning_letter",
      description: "Write a dunning letter.",
      arguments: [{ name: "invoice", required: true }],
    },
    { name: "monthly_summary", arguments: [{ name: "month" }] },
  ],
  resourceTemplates: [
    { name: "invoice", uriTemplate: "billing://invoices/{number}", mimeType: "application/json" },
    { name: "ledger", uriTemplate: "billing://ledger/{year}" },
  ],
  resources: [
    { uri: "billing://rates", name: "rates", mimeType: "application/json" },
    { uri: "billing://terms", name: "terms", mimeType: "text/plain" },
  ],
};

/** v2: a tool removed and one with a new required parameter, a prompt removed and an argument made required, a resource template and a resource removed, a mimeType changed. */
const BILLING_V2 = {
  tools: [
    {
      name: "refund",
      inputSchema: {
        type: "object",
        properties: { invoice: { type: "string" }, reason: { type: "string" } },
        required: ["invoice", "reason"],
      },
    },
  ],
  prompts: [{ name: "monthly_summary", arguments: [{ name: "month", required: true }] }],
  resourceTemplates: [{ name: "ledger", uriTemplate: "billing://ledger/{year}" }],
  resources: [{ uri: "billing://rates", name: "rates", mimeType: "text/csv" }],
};

const TRIAGE = [
  "You triage tickets.",
  '{{prompt "crm/summarize_customer" customer_id=customer.id}}',
  'Read {{resource "crm://customers/{id}"}} first.',
  '{{prompt "billing/dunning_letter" invoice=invoice.number}}',
  'See {{resource "billing://invoices/{number}"}} and {{resource "billing://terms"}}.',
  "",
].join("\n");

const config = (version: "v1" | "v2") => {
  const args = [
    crmServerPath,
    "--tools",
    version,
    "--surface",
    version,
    ...(version === "v1" ? ["--logging"] : []),
  ];
  return `servers:\n  billing:\n    file: billing.json\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify(args)}\n    resources: true\n`;
};

let dir: string;
let lockLines: string[];
/** stdout of `check` in each format, from one project (exit 1 each). */
const out = new Map<string, string>();
const env = { GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: undefined, SOURCE_DATE_EPOCH: "1764578400" };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-surface-formats-"));
  mkdirSync(join(dir, "prompts"));
  writeFileSync(join(dir, "prompts", "triage.hbs"), TRIAGE);
  writeFileSync(join(dir, "billing.json"), JSON.stringify(BILLING_V1));
  writeFileSync(join(dir, "mcp-contract.yaml"), config("v1"));
  const lock = await runCliInProcess(["lock", "-q"], { cwd: dir, env });
  expect(lock.code, lock.stderr).toBe(0);
  lockLines = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8").split("\n");
  writeFileSync(join(dir, "billing.json"), JSON.stringify(BILLING_V2));
  writeFileSync(join(dir, "mcp-contract.yaml"), config("v2"));
  for (const format of ["text", "json", "markdown", "github", "sarif", "junit", "html"]) {
    const run = await runCliInProcess(["check", "-q", "--format", format], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(1);
    out.set(format, run.stdout);
  }
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The 1-based line of `"<key>": ` inside server `server`'s section `section` of the lockfile. */
function lineOf(server: string, section: string, key: string): number {
  const start = lockLines.indexOf(`    ${JSON.stringify(server)}: {`);
  const at = lockLines.findIndex((l, i) => i > start && l === `      ${JSON.stringify(section)}: {`);
  const found = lockLines.findIndex((l, i) => i > at && l.trimStart().startsWith(`${JSON.stringify(key)}: `));
  expect(start >= 0 && at > start && found > at, `${server} ${section} ${key}`).toBe(true);
  return found + 1;
}

/** Where each finding that is not a template's should point: [rule, item, lockfile line]. */
function expectedLines(): [string, string, number][] {
  const section = (server: string, name: string) =>
    lockLines.findIndex((l, i) => i > lockLines.indexOf(`    "${server}": {`) && l === `      "${name}": {`) +
    1;
  return [
    ["prompt-removed", "billing/prompt/dunning_letter", lineOf("billing", "prompts", "dunning_letter")],
    [
      "resource-template-removed",
      "billing/resourceTemplate/invoice",
      lineOf("billing", "resourceTemplates", "invoice"),
    ],
    [
      "resource-removed",
      "billing/resource/billing://terms",
      lineOf("billing", "resources", "billing://terms"),
    ],
    [
      "prompt-argument-became-required",
      "crm/prompt/summarize_customer",
      lineOf("crm", "prompts", "summarize_customer"),
    ],
    [
      "resource-template-uri-changed",
      "crm/resourceTemplate/customer",
      lineOf("crm", "resourceTemplates", "customer"),
    ],
    ["required-param-added", "billing/refund", lineOf("billing", "tools", "refund")],
    ["tool-removed", "billing/void_invoice", lineOf("billing", "tools", "void_invoice")],
    [
      "prompt-argument-became-required",
      "billing/prompt/monthly_summary",
      lineOf("billing", "prompts", "monthly_summary"),
    ],
    ["required-param-added", "crm/create_ticket", lineOf("crm", "tools", "create_ticket")],
    ["param-renamed", "crm/create_ticket", lineOf("crm", "tools", "create_ticket")],
    ["enum-value-removed", "crm/create_ticket", lineOf("crm", "tools", "create_ticket")],
    // The removed capability's key in the locked definition.
    [
      "capability-removed",
      "crm/capabilities/logging",
      lockLines.findIndex((l, i) => i > section("crm", "capabilities") && l.trim() === '"logging": {},') + 1,
    ],
    [
      "resource-mime-type-changed",
      "billing/resource/billing://rates",
      lineOf("billing", "resources", "billing://rates"),
    ],
    ["tool-description-changed", "crm/create_ticket", lineOf("crm", "tools", "create_ticket")],
    ["instructions-changed", "crm/instructions", section("crm", "instructions")],
  ];
}

describe("a check over the whole surface of two servers, in every format", () => {
  test("text: by tier, then server, then the server's tools, prompts, resource templates, resources, instructions, capabilities", () => {
    const heads = out
      .get("text")!
      .split("\n")
      .filter((l) => /^(\S.*\(\d+\)|server \S+| {2}\S.*)$/.test(l));
    expect(heads).toEqual([
      "Templates and the breaking changes of the tools, prompts and resources they use (15)",
      "server billing",
      "  prompt dunning_letter",
      "  resource template invoice",
      "  resource billing://invoices/{number}",
      "  resource billing://terms",
      "server crm",
      "  prompt summarize_customer",
      "  resource template customer",
      "  resource crm://customers/{id}",
      "Breaking changes (7)",
      "server billing",
      "  tool refund",
      "  tool void_invoice",
      "  prompt monthly_summary",
      "server crm",
      "  tool create_ticket",
      "  capabilities",
      "Warnings (3)",
      "server billing",
      "  resource billing://rates",
      "server crm",
      "  tool create_ticket",
      "  instructions",
    ]);
    expectGolden("surface/check.txt", out.get("text")!);
  });

  test("json: the same order, each finding naming its kind and item", () => {
    const changes = JSON.parse(out.get("json")!).changes as Record<string, string | undefined>[];
    const subject = (c: Record<string, string | undefined>) =>
      [c.server, c.tool ?? c.kind, c.item].filter((p) => p !== undefined).join("/");
    expect(changes.filter((c) => c.location === undefined).map((c) => [c.rule, subject(c)])).toEqual(
      expectedLines().map(([rule, item]) => [rule, item]),
    );
  });

  test("markdown: rows in that order, each naming its kind and item (a tool by its name)", () => {
    expectGolden("surface/check.md", out.get("markdown")!);
    const rows = out
      .get("markdown")!
      .split("\n")
      .filter((l) => l.startsWith("| 🔴") || l.startsWith("| 🟡"))
      .map((l) => l.split(" | ").slice(1, 3).join(" "));
    expect(rows.slice(15)).toEqual([
      "billing refund",
      "billing void_invoice",
      "billing prompt monthly_summary",
      "crm create_ticket",
      "crm create_ticket",
      "crm create_ticket",
      "crm capabilities",
      "billing resource billing://rates",
      "crm create_ticket",
      "crm instructions",
    ]);
  });

  test("sarif: valid, each finding at its item's lockfile line and logical location, templates' at file:line:column", () => {
    const require = createRequire(import.meta.url);
    const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(out.get("sarif")!);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    type Loc = {
      physicalLocation: {
        artifactLocation: { uri: string };
        region?: { startLine: number; startColumn?: number };
      };
      logicalLocations: { fullyQualifiedName: string }[];
    };
    const results = log.runs[0].results as { ruleId: string; locations: Loc[] }[];
    const place = (l: Loc) =>
      `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region?.startLine}${l.physicalLocation.region?.startColumn === undefined ? "" : `:${l.physicalLocation.region.startColumn}`}`;
    const lockfile = results.filter(
      (r) => r.locations[0]!.physicalLocation.artifactLocation.uri === "mcp-contract.lock.json",
    );
    expect(
      lockfile.map((r) => [
        r.ruleId,
        r.locations[0]!.logicalLocations[0]!.fullyQualifiedName,
        place(r.locations[0]!),
      ]),
    ).toEqual(expectedLines().map(([rule, item, line]) => [rule, item, `mcp-contract.lock.json:${line}`]));
    const templates = results.filter(
      (r) => r.locations[0]!.physicalLocation.artifactLocation.uri !== "mcp-contract.lock.json",
    );
    expect(
      templates.map((r) => [
        r.ruleId,
        r.locations[0]!.logicalLocations[0]!.fullyQualifiedName,
        place(r.locations[0]!),
      ]),
    ).toEqual([
      ["template-unknown-prompt", "billing/prompt/dunning_letter", "prompts/triage.hbs:4:11"],
      ["template-affected", "billing/prompt/dunning_letter", "prompts/triage.hbs:4:11"],
      ["template-affected", "billing/resourceTemplate/invoice", "prompts/triage.hbs:5:17"],
      [
        "template-unknown-resource",
        "billing/resource/billing://invoices/{number}",
        "prompts/triage.hbs:5:17",
      ],
      ["template-unknown-resource", "billing/resource/billing://terms", "prompts/triage.hbs:5:64"],
      ["template-affected", "billing/resource/billing://terms", "prompts/triage.hbs:5:64"],
      ["template-missing-prompt-argument", "crm/prompt/summarize_customer", "prompts/triage.hbs:2:11"],
      ["template-affected", "crm/prompt/summarize_customer", "prompts/triage.hbs:2:11"],
      ["template-affected", "crm/resourceTemplate/customer", "prompts/triage.hbs:3:18"],
      ["template-unknown-resource", "crm/resource/crm://customers/{id}", "prompts/triage.hbs:3:18"],
    ]);
  });

  test("github: annotations at the item's lockfile line or the template's line and column, titled with kind and item", () => {
    expectGolden("surface/check.github.txt", out.get("github")!);
    const annotations = out
      .get("github")!
      .split("\n")
      .filter((l) => l.startsWith("::error") || l.startsWith("::warning"));
    expect(annotations).toHaveLength(18);
    const lines = new Map(expectedLines().map(([rule, item, line]) => [`${rule} ${item}`, line]));
    const atLockfile = annotations
      .filter((l) => l.includes("file=mcp-contract.lock.json,"))
      .map((l) => /^::\w+ file=mcp-contract\.lock\.json,line=(\d+),title=\w+ (.*?)::/.exec(l)!.slice(1, 3));
    // The first ten errors and all eight warnings: GitHub's limit per step.
    expect(atLockfile).toEqual([
      [
        `${lines.get("prompt-removed billing/prompt/dunning_letter")}`,
        "prompt-removed (billing prompt dunning_letter)",
      ],
      [
        `${lines.get("resource-template-removed billing/resourceTemplate/invoice")}`,
        "resource-template-removed (billing resource template invoice)",
      ],
      [
        `${lines.get("resource-removed billing/resource/billing://terms")}`,
        "resource-removed (billing resource billing%3A//terms)",
      ],
      [
        `${lines.get("prompt-argument-became-required crm/prompt/summarize_customer")}`,
        "prompt-argument-became-required (crm prompt summarize_customer)",
      ],
      [
        `${lines.get("resource-template-uri-changed crm/resourceTemplate/customer")}`,
        "resource-template-uri-changed (crm resource template customer)",
      ],
      [
        `${lines.get("resource-mime-type-changed billing/resource/billing://rates")}`,
        "resource-mime-type-changed (billing resource billing%3A//rates)",
      ],
      [
        `${lines.get("tool-description-changed crm/create_ticket")}`,
        "tool-description-changed (crm/create_ticket)",
      ],
      [`${lines.get("instructions-changed crm/instructions")}`, "instructions-changed (crm instructions)"],
    ]);
    expect(annotations.filter((l) => l.includes("file=prompts/triage.hbs,"))).toHaveLength(10);
  });

  test("junit: valid, a case per locked tool, prompt, resource template and resource, by kind after the (server) case", async () => {
    const xml = out.get("junit")!;
    expect(await junitSchemaErrors(xml)).toEqual([]);
    expect(
      [...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"/g)].map((m) => `${m[2]}: ${m[1]}`),
    ).toEqual([
      "billing: (server)",
      "billing: refund",
      "billing: void_invoice",
      "billing: prompt dunning_letter",
      "billing: prompt monthly_summary",
      "billing: resource template invoice",
      "billing: resource template ledger",
      "billing: resource billing://rates",
      "billing: resource billing://terms",
      "crm: (server)",
      "crm: create_ticket",
      "crm: escalate_ticket",
      "crm: lookup_customer",
      "crm: prompt summarize_customer",
      "crm: resource template customer",
      "crm: resource crm://status",
      "(templates): prompts/triage.hbs",
    ]);
    // The instructions and capabilities are the server's own; a passing resource's finding goes to the suite's output.
    expect(xml).toMatch(
      /<testcase name="\(server\)" classname="crm" time="0">\s*<failure message="Server `crm` no longer declares capability `logging`\."/,
    );
    expect(xml).toContain("resource billing://rates\n  [warning] resource-mime-type-changed");
    // A template's finding names the prompt or resource it is about.
    expect(xml).toContain(
      "server `billing` has no prompt `dunning_letter`\nprompt dunning_letter of server billing\nat prompts/triage.hbs:4:11\n",
    );
    expectGolden("surface/check.xml", xml.replace(/ hostname="[^"]*"/g, ' hostname="(this machine)"'));
  });

  test("html: the overview lists each server's tools, then its prompts, resources, instructions and capabilities; each has its article", () => {
    const html = out.get("html")!;
    const overview = html.slice(html.indexOf('<section id="overview">'), html.indexOf("</section>"));
    const rows = [...overview.matchAll(/<tr class="(server|tool)"[^>]*>(.*?)<\/tr>/g)].map((m) =>
      m[2]!
        .replace(/<[^>]*>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    );
    expect(rows).toEqual([
      "billing breaking 13",
      "refund breaking 1",
      "void_invoice breaking 1",
      "prompt dunning_letter breaking 3",
      "prompt monthly_summary breaking 1",
      "resource template invoice breaking 2",
      "resource billing://invoices/{number} breaking 1",
      "resource billing://rates warning 1",
      "resource billing://terms breaking 3",
      "crm breaking 12",
      "create_ticket breaking 4",
      "escalate_ticket unchanged 0",
      "lookup_customer unchanged 0",
      "prompt summarize_customer breaking 3",
      "resource template customer breaking 2",
      "resource crm://customers/{id} breaking 1",
      "instructions warning 1",
      "capabilities breaking 1",
    ]);
    // Articles server by server, each server's in report order (who a change hurts first).
    const surface = html.slice(html.indexOf('<section id="surface">'));
    expect([...surface.matchAll(/<h3>(.*?)<\/h3>/g)].map((m) => m[1]!.replace(/<[^>]*>/g, ""))).toEqual([
      "server billing · prompt dunning_letter",
      "server billing · resource template invoice",
      "server billing · resource billing://terms",
      "server billing · prompt monthly_summary",
      "server billing · resource billing://rates",
      "server crm · prompt summarize_customer",
      "server crm · resource template customer",
      "server crm · capabilities",
      "server crm · instructions",
    ]);
  });
});

describe("diff points each finding about the surface at the side that holds the item", () => {
  test("two {tools, prompts, resourceTemplates, resources, instructions} files: a removed prompt at BEFORE's entry, the rest at AFTER's", async () => {
    const files = mkdtempSync(join(tmpdir(), "mcp-contract-surface-diff-"));
    try {
      const doc = (v: 1 | 2) => ({
        tools: [{ name: "summary", inputSchema: { type: "object" } }],
        prompts: [
          ...(v === 1 ? [{ name: "summary", arguments: [{ name: "month" }] }] : []),
          { name: "letter", arguments: [{ name: "to", required: v === 2 }] },
        ],
        resourceTemplates: [{ name: "invoice", uriTemplate: v === 1 ? "b://{n}" : "b://{number}" }],
        resources: [{ uri: "b://rates", name: "summary", mimeType: v === 1 ? "text/csv" : "text/plain" }],
        instructions: v === 1 ? "Quote the invoice." : "Quote the invoice number.",
      });
      writeFileSync(join(files, "a.json"), `${JSON.stringify(doc(1), null, 2)}\n`);
      writeFileSync(join(files, "b.json"), `${JSON.stringify(doc(2), null, 2)}\n`);
      const run = await runCliInProcess(["diff", "a.json", "b.json", "--format", "sarif"], {
        cwd: files,
        env: { GITHUB_WORKSPACE: undefined },
      });
      expect(run.code, run.stderr).toBe(1);
      const text = (f: string) => readFileSync(join(files, f), "utf8").split("\n");
      const at = (f: string, needle: string, after = "") => {
        const lines = text(f);
        const from = after === "" ? 0 : lines.findIndex((l) => l.includes(after));
        return `${f}:${lines.findIndex((l, i) => i > from && l.includes(needle)) + 1}`;
      };
      type R = {
        ruleId: string;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
        }[];
      };
      const places = (JSON.parse(run.stdout).runs[0].results as R[]).map((r) => [
        r.ruleId,
        `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region?.startLine}`,
      ]);
      // Each item is found in its own section: the prompt `summary`, not the tool or the resource named so.
      expect(places).toEqual([
        ["prompt-argument-became-required", at("b.json", '"name": "letter"')],
        ["prompt-removed", at("a.json", '"name": "summary"', '"prompts"')],
        ["resource-template-uri-changed", at("b.json", '"name": "invoice"')],
        ["resource-mime-type-changed", at("b.json", '"uri": "b://rates"')],
        ["instructions-changed", at("b.json", '"instructions":')],
      ]);
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});

test("names are data: a tool called `prompt x` and prompt `x` of one server are two groups, each under its kind", () => {
  const report = createReport({
    changes: applyPolicy(
      [
        {
          rule: "prompt-removed",
          severity: "breaking",
          server: "s",
          kind: "prompt",
          item: "x",
          pointer: "",
          message: "Prompt `x` was removed.",
        },
        {
          rule: "tool-removed",
          severity: "breaking",
          server: "s",
          tool: "prompt x",
          pointer: "",
          message: "Tool `prompt x` was removed.",
        },
      ],
      { now: new Date("2026-12-01T00:00:00Z") },
    ),
    servers: ["s"],
  });
  expect(
    formatReport(report, "text")
      .split("\n")
      .filter((l) => /^ {0,2}\S/.test(l))
      .slice(1),
  ).toEqual([
    "Breaking changes (2)",
    "server s",
    "  tool prompt x",
    "  prompt x",
    "2 breaking, 0 warning, 0 info",
  ]);
  const html = formatReport(report, "html");
  expect([...html.matchAll(/<h3>(.*?)<\/h3>/g)].map((m) => m[1]!.replace(/<[^>]*>/g, ""))).toEqual([
    "server s · tool prompt x",
    "server s · prompt x",
  ]);
});
