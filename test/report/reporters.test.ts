import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { ReportingDescriptor, Result } from "sarif";
import { describe, expect, test } from "vitest";
import { createReport, toReportJson } from "../../src/core/report.js";
import type { RuleMeta } from "../../src/core/rule.js";
import { applyPolicy } from "../../src/policy/policy.js";
import { escapeData, escapeProperty, workflowCommand } from "../../src/report/formats/github.js";
import { absoluteLinks, firstParagraph } from "../../src/report/formats/sarif.js";
import {
  FORMATS,
  formatReport,
  lockfileLocator,
  type ReporterOptions,
  toolListLocator,
} from "../../src/report/index.js";
import { expectGolden } from "../golden.js";
import { NOW, SAMPLE_CHANGES, SAMPLE_CHECKED, SAMPLE_LOCKFILE, sampleReport } from "./sample.js";

const RULES: Record<string, RuleMeta> = {
  "parameter-removed": {
    id: "parameter-removed",
    family: "input-schema",
    severity: "breaking",
    summary: "A parameter was removed.",
  },
  "tool-removed": {
    id: "tool-removed",
    family: "tool",
    severity: "breaking",
    summary: "A tool was removed.",
  },
};
/** The real docs page of tool-removed, as the CLI reads it. */
const TOOL_REMOVED_PAGE = readFileSync(new URL("../../docs/rules/tool-removed.md", import.meta.url), "utf8");
/** A page of the docs' shape for the goldens, which must not change whenever a docs page does. */
const SAMPLE_PAGE = `# tool-removed

**Severity:** breaking

## What changed
A tool is no longer in the server's list:
agents that call it fail.

## How to fix

See [the CI guide](../ci.md#accepting) and [param-removed](param-removed.md).
`;
const options: ReporterOptions = {
  rules: RULES,
  ruleDocs: new Map([["tool-removed", SAMPLE_PAGE]]),
  lockfile: "mcp-contract.lock.json",
  locate: lockfileLocator(SAMPLE_LOCKFILE),
  checked: SAMPLE_CHECKED,
  startedAt: new Date("2026-11-24T12:00:00.250Z"),
  hostname: "ci-runner-7",
  toolVersion: "1.2.3",
};

describe("every format", () => {
  for (const format of FORMATS) {
    test(`${format} matches its golden file`, () => {
      expectGolden(
        `report/sample.${format}${format === "json" || format === "sarif" ? ".json" : ".txt"}`,
        formatReport(sampleReport(), format, options),
      );
    });
    test(`${format} handles an empty report`, () => {
      const out = formatReport(createReport({ changes: [], servers: ["crm"] }), format, options);
      expect(typeof out).toBe("string");
      if (format !== "github") expect(out.endsWith("\n")).toBe(true);
      else expect(out).toBe("");
    });
  }
});

describe("json", () => {
  const schema = JSON.parse(
    readFileSync(new URL("../../schema/report.schema.json", import.meta.url), "utf8"),
  );
  const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

  test("output is the report object and validates against schema/report.schema.json", () => {
    const out = JSON.parse(formatReport(sampleReport(), "json"));
    expect(out).toEqual(JSON.parse(JSON.stringify(toReportJson(sampleReport()))));
    // The policy's marks stay out of the JSON: merge marks the changes again for its own --fail-on.
    expect(out.changes.filter((c: object) => "fails" in c || "acknowledged" in c)).toEqual([]);
    expect((validate.errors ?? validate(out)) ? [] : validate.errors).toEqual([]);
    expect(validate(out)).toBe(true);
  });

  test("the schema rejects what it should", () => {
    const out = JSON.parse(formatReport(sampleReport(), "json"));
    out.changes[0].severity = "fatal";
    expect(validate(out)).toBe(false);
    delete out.summary;
    expect(validate(out)).toBe(false);
  });
});

describe("sarif", () => {
  const require = createRequire(import.meta.url);
  // The SARIF 2.1.0 JSON Schema (rtm.5, the published 2.1.0 schema) as shipped by Microsoft's SARIF SDK;
  // its `language` pattern is not valid under the u flag, hence unicodeRegExp: false.
  const sarifSchema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile(sarifSchema);

  test("validates against the SARIF 2.1.0 schema, with helpUri and suppressions", () => {
    const log = JSON.parse(formatReport(sampleReport(), "sarif", options));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const driver = log.runs[0].tool.driver;
    expect(driver.rules.find((r: { id: string }) => r.id === "tool-removed")).toMatchObject({
      helpUri: expect.stringMatching(/docs\/rules\/tool-removed\.md$/),
      shortDescription: { text: "A tool was removed." },
    });
    const removed = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "tool-removed");
    expect(removed.suppressions[0].kind).toBe("external");
    expect(removed.locations[0].physicalLocation.region.startLine).toBe(11);
    for (const r of log.runs[0].results) expect(driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  test("every rule has fullDescription and help (GitHub's GH2012): from its docs page, else its summary and link", () => {
    const ruleDocs = new Map([["tool-removed", TOOL_REMOVED_PAGE]]);
    const log = JSON.parse(formatReport(sampleReport(), "sarif", { ...options, ruleDocs }));
    expect(validate(log)).toBe(true);
    const rules: ReportingDescriptor[] = log.runs[0].tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([
      "description-changed",
      "parameter-removed",
      "required-added",
      "server-info-changed",
      "template-unknown-parameter",
      "tool-added",
      "tool-removed",
    ]);
    for (const rule of rules) {
      expect(rule.fullDescription?.text, rule.id).toMatch(/\S/);
      expect(rule.help?.text, rule.id).toMatch(/\S/);
      expect(rule.help?.markdown, rule.id).toMatch(/\S/);
    }
    const removed = rules.find((r) => r.id === "tool-removed")!;
    // The page's first paragraph (under "What changed"), on one line; the whole page as help.
    expect(removed.fullDescription!.text).toMatch(/^A tool is no longer in the server's `tools\/list`\. /);
    expect(removed.fullDescription!.text).not.toMatch(/\n|#/);
    expect(TOOL_REMOVED_PAGE.replace(/\s+/g, " ")).toContain(removed.fullDescription!.text);
    expect(removed.help!.text).toBe(TOOL_REMOVED_PAGE);
    expect(removed.help!.markdown).toContain("## Why it breaks agents");
    const bare = rules.find((r) => r.id === "parameter-removed")!;
    const url = "https://github.com/mcp-contract/mcp-contract/blob/main/docs/rules/parameter-removed.md";
    expect(bare.fullDescription).toEqual({ text: "A parameter was removed." });
    expect(bare.help).toEqual({
      text: `A parameter was removed. See ${url}`,
      markdown: `A parameter was removed. See [parameter-removed](${url}).`,
    });
    // An id with no metadata at all still gets every field.
    const unknown = rules.find((r) => r.id === "required-added")!;
    expect(unknown.shortDescription).toEqual({ text: "mcp-contract rule required-added." });
    expect(unknown.fullDescription).toEqual({ text: "mcp-contract rule required-added." });
  });

  test("docs pages: the first paragraph skips headings and code; relative links become absolute", () => {
    expect(firstParagraph("# id\n## What changed\nLine one\nline two.\n\nMore.")).toBe("Line one line two.");
    expect(firstParagraph("# id\n\n```json\n{}\n```\n\nText.")).toBe("Text.");
    expect(firstParagraph("# only a heading\n")).toBe("");
    expect(
      firstParagraph("# id\n\n**Severity:** warning\n\n## What changed\n\nThe change.\n\n## Why\n\nx"),
    ).toBe("The change.");
    const base = "https://example.test/repo/blob/main/docs/rules/";
    expect(
      absoluteLinks(
        "[ci](../ci.md), [b](bound-tightened.md#x), [w](https://w.test/a), [t](#top), [m](mailto:a@b)",
        base,
      ),
    ).toBe(
      "[ci](https://example.test/repo/blob/main/docs/ci.md), [b](https://example.test/repo/blob/main/docs/rules/bound-tightened.md#x), [w](https://w.test/a), [t](#top), [m](mailto:a@b)",
    );
  });

  const uris = (log: { runs: { results: Result[] }[] }) =>
    log.runs[0]!.results.map((r) => {
      const physical = r.locations![0]!.physicalLocation!;
      return `${r.ruleId} ${physical.artifactLocation!.uri}${physical.region ? `:${physical.region.startLine}` : ""}`;
    });

  test("paths are from the repository root: the working directory's path goes before every file", () => {
    const log = JSON.parse(
      formatReport(sampleReport(), "sarif", {
        ...options,
        workingDirectory: "packages/agent",
        lockfile: "../contracts/mcp-contract.lock.json",
      }),
    );
    expect(validate(log)).toBe(true);
    expect(uris(log)).toEqual([
      "parameter-removed packages/contracts/mcp-contract.lock.json:26",
      "template-unknown-parameter packages/agent/prompts/support%2C%20v2.hbs:12",
      "required-added packages/contracts/mcp-contract.lock.json:22",
      "description-changed packages/contracts/mcp-contract.lock.json:22",
      "server-info-changed packages/contracts/mcp-contract.lock.json:4",
      "tool-added packages/contracts/mcp-contract.lock.json:7",
      "tool-removed packages/contracts/mcp-contract.lock.json:11",
    ]);
  });

  test("diff: a finding about what only BEFORE holds points at BEFORE's entry, the others at AFTER", () => {
    const beforeText = `{\n  "tools": [\n    { "name": "refund" },\n    {\n      "name": "void_invoice"\n    }\n  ]\n}\n`;
    const log = JSON.parse(
      formatReport(sampleReport(), "sarif", {
        ...options,
        workingDirectory: "snapshots",
        lockfile: "after.json",
        locate: toolListLocator(
          `[{"name": "refund"}, {"name": "create_ticket"}, {"name": "search_customers"}]`,
        ),
        before: {
          file: "before.json",
          locate: toolListLocator(beforeText),
          holdsOnly: (server, tool) => server === "billing" && tool === "void_invoice",
        },
      }),
    );
    expect(validate(log)).toBe(true);
    expect(uris(log)).toEqual([
      "parameter-removed snapshots/after.json:1",
      "template-unknown-parameter snapshots/prompts/support%2C%20v2.hbs:12",
      "required-added snapshots/after.json:1",
      "description-changed snapshots/after.json:1",
      "server-info-changed snapshots/after.json",
      "tool-added snapshots/after.json:1",
      "tool-removed snapshots/before.json:5",
    ]);
  });

  test("the validator catches an invalid log", () => {
    const log = JSON.parse(formatReport(sampleReport(), "sarif", options));
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
  });
});

describe("github", () => {
  test("escapes data and properties exactly as the runner expects", () => {
    expect(escapeData("100% a\r\nb:c,d")).toBe("100%25 a%0D%0Ab:c,d");
    expect(escapeProperty("100% a\r\nb:c,d")).toBe("100%25 a%0D%0Ab%3Ac%2Cd");
    expect(workflowCommand("error", { file: "a,b.hbs", line: 3, col: 4, title: "t: x" }, "m")).toBe(
      "::error file=a%2Cb.hbs,line=3,col=4,title=t%3A x::m",
    );
    expect(workflowCommand("notice", {}, "only")).toBe("::notice::only");
  });

  test("every line is one well-formed workflow command pointing at a template or the lockfile entry", () => {
    const out = formatReport(sampleReport(), "github", options);
    const lines = out.trimEnd().split("\n");
    // The fetch error, the 3 open breaking changes, the warning, and one notice for the 3 left out
    // (2 info, 1 acknowledged): the job summary lists them.
    expect(lines.map((l) => /^::(\w+)/.exec(l)![1])).toEqual([
      "error",
      "error",
      "error",
      "error",
      "warning",
      "notice",
    ]);
    const syntax =
      /^::(error|warning|notice) file=[^,:\r\n]+(,line=\d+)?(,col=\d+)?,title=[^,:\r\n]+::[^\r\n]*$/;
    for (const line of lines.slice(0, -1)) expect(line).toMatch(syntax);
    expect(lines.at(-1)).toBe(
      "::notice title=mcp-contract%3A 3 more findings::3 more findings are not annotated (GitHub shows 10 errors and 10 warnings per step): the job summary lists every finding, in the same order.",
    );
    expect(lines).toContain(
      "::error file=prompts/support%2C v2.hbs,line=12,col=5,title=breaking template-unknown-parameter (crm/search_customers)::Template uses `customer_email`, which `search_customers` no longer has.%0Ahint: did you mean `email_address`?%0Aat /inputSchema/properties/customer_email",
    );
    expect(lines.find((l) => l.includes("tool-removed"))).toBeUndefined();
  });

  test("files are named from the repository root", () => {
    const out = formatReport(sampleReport(), "github", { ...options, workingDirectory: "packages/agent" });
    const files = out
      .trimEnd()
      .split("\n")
      .flatMap((l) => /file=([^,]*)/.exec(l)?.[1] ?? []);
    expect(new Set(files)).toEqual(
      new Set(["packages/agent/mcp-contract.lock.json", "packages/agent/prompts/support%2C v2.hbs"]),
    );
  });
});

describe("lockfileLocator", () => {
  const locate = lockfileLocator(SAMPLE_LOCKFILE);
  test("finds servers and tools by their key lines", () => {
    expect(locate("billing")).toBe(4);
    expect(locate("billing", "void_invoice")).toBe(11);
    expect(locate("crm", "search_customers")).toBe(26);
  });
  test("falls back to the server for an unknown tool, and undefined for an unknown server", () => {
    expect(locate("crm", "refund")).toBe(19);
    expect(locate("nope", "x")).toBeUndefined();
    expect(lockfileLocator("")("crm")).toBeUndefined();
  });
});

describe("text", () => {
  test("colour only when asked", () => {
    expect(formatReport(sampleReport(), "text", { color: false })).not.toContain("\u001b[");
    expect(formatReport(sampleReport(), "text", { color: true })).toContain("\u001b[31m");
  });
});

describe("junit", () => {
  const junit = (extra: ReporterOptions = {}) =>
    formatReport(sampleReport(extra.failOn), "junit", { ...options, ...extra });
  /** Each test case as `suite/name: failure|error|skipped|pass`. */
  const cases = (xml: string) =>
    [...xml.matchAll(/<testsuite name="([^"]*)"[^>]*>([\s\S]*?)<\/testsuite>/g)].flatMap(([, suite, body]) =>
      [...body!.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)].map(
        ([, name, , inner]) =>
          `${suite}/${name}: ${/<(failure|error|skipped)/.exec(inner ?? "")?.[1] ?? "pass"}`,
      ),
    );

  test("one test case per locked tool and per template, a (server) case per server", () => {
    expect(cases(junit())).toEqual([
      "billing/(server): pass",
      "billing/refund: pass",
      "billing/void_invoice: pass",
      "crm/(server): pass",
      "crm/create_ticket: failure",
      "crm/list_accounts: pass",
      "crm/search_customers: failure",
      "flaky/(server): error",
      "search/(server): pass",
      "search/query: pass",
      "(templates)/prompts/clean.hbs: pass",
      "(templates)/prompts/support, v2.hbs: failure",
    ]);
  });

  test("without what the run checked, the tools and templates with findings", () => {
    expect(cases(junit({ checked: undefined }))).toEqual([
      "billing/(server): pass",
      "billing/refund: pass",
      "billing/void_invoice: pass",
      "crm/(server): pass",
      "crm/create_ticket: failure",
      "crm/search_customers: failure",
      "flaky/(server): error",
      "search/(server): pass",
      "(templates)/prompts/support, v2.hbs: failure",
    ]);
  });

  test("marks as failures exactly what fails under --fail-on, one failure element per case", () => {
    const failures = (failOn: "breaking" | "warning" | "info" | "never") => {
      const xml = junit({ failOn });
      const counted = [...xml.matchAll(/<testsuite [^>]*failures="(\d+)"/g)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      expect(counted).toBe((xml.match(/<failure /g) ?? []).length);
      return cases(xml).filter((c) => c.endsWith("failure"));
    };
    expect(failures("never")).toEqual([]);
    // crm/create_ticket: required-added (acknowledgement expired); crm/search_customers: parameter-removed;
    // the template: template-unknown-parameter. tool-removed is acknowledged, tool-added info.
    expect(failures("breaking")).toEqual([
      "crm/create_ticket: failure",
      "crm/search_customers: failure",
      "(templates)/prompts/support, v2.hbs: failure",
    ]);
    expect(failures("warning")).toEqual(failures("breaking"));
    expect(failures("info")).toEqual([
      "billing/(server): failure",
      "billing/refund: failure",
      "crm/create_ticket: failure",
      "crm/search_customers: failure",
      "(templates)/prompts/support, v2.hbs: failure",
    ]);
  });

  test("a failure's body lists all of its case's findings; passing cases' findings go to the suite's output", () => {
    const xml = junit();
    const ticket = /<testcase name="create_ticket"[\s\S]*?<\/testcase>/.exec(xml)![0];
    expect(ticket.match(/<failure /g)).toHaveLength(1);
    expect(ticket).toContain(
      '<failure message="Parameter `priority` is now required: 100% of old calls, a,b: c&#10;fail." type="required-added">[breaking] required-added:',
    );
    expect(ticket).toContain("[warning] description-changed: Description changed.");
    const billing = /<testsuite name="billing"[\s\S]*?<\/testsuite>/.exec(xml)![0];
    expect(billing).toContain(
      "<system-out>Findings that do not fail the run:\n\n(server)\n  [info] server-info-changed",
    );
    expect(billing).toContain("void_invoice\n  [breaking] tool-removed: Tool `void_invoice` was removed.");
    expect(billing).toContain("acknowledged by ana@example.com: Nobody calls it");
  });

  test("several failing findings: one failure whose message counts them and whose type lists the rules", () => {
    const report = createReport({
      changes: applyPolicy(
        SAMPLE_CHANGES.map((c) => ({ ...c, severity: "breaking" as const })),
        { now: NOW },
      ),
      servers: ["crm", "billing"],
    });
    const xml = formatReport(report, "junit", options);
    const ticket = /<testcase name="create_ticket"[\s\S]*?<\/testcase>/.exec(xml)![0];
    expect(ticket.match(/<failure /g)).toHaveLength(1);
    expect(ticket).toContain(
      '<failure message="2 findings fail under --fail-on breaking: description-changed, required-added" type="description-changed, required-added">[breaking] description-changed:',
    );
  });

  test("time on every case and suite; timestamp (to the second, no zone) and hostname as given", () => {
    const xml = junit();
    expect(xml.match(/<testcase /g)).toHaveLength(12);
    expect(xml.match(/<testcase [^>]*time="0"/g)).toHaveLength(12);
    const suites = xml.match(/<testsuite [^>]*>/g)!;
    expect(suites).toHaveLength(5);
    for (const suite of suites)
      expect(suite).toMatch(/ time="0" timestamp="2026-11-24T12:00:00" hostname="ci-runner-7">$/);
    expect(formatReport(sampleReport(), "junit")).toContain(
      'timestamp="1970-01-01T00:00:00" hostname="localhost"',
    );
  });

  test("a server that could not be fetched errs in its (server) case and skips its tools", () => {
    const checked = { tools: new Map([["flaky", ["a", "b"]]]), templates: [] };
    const xml = junit({ checked });
    expect(cases(xml).filter((c) => c.startsWith("flaky/"))).toEqual([
      "flaky/(server): error",
      "flaky/a: skipped",
      "flaky/b: skipped",
    ]);
    expect(xml).toContain(
      '<testsuite name="flaky" package="flaky" id="2" tests="3" failures="0" errors="1" skipped="2"',
    );
    expect(xml).toContain('<skipped message="not checked: server flaky could not be fetched"/>');
  });

  test("names are data: a tool called (server) and a server called (templates) stay apart", () => {
    const report = createReport({
      changes: applyPolicy(
        [
          {
            rule: "tool-removed",
            severity: "breaking",
            server: "(templates)",
            tool: "(server)",
            pointer: "",
            message: "m",
          },
          { rule: "server-info-changed", severity: "info", server: "(templates)", pointer: "", message: "n" },
        ],
        { now: NOW },
      ),
      servers: ["(templates)"],
    });
    const xml = formatReport(report, "junit", { checked: { tools: new Map(), templates: ["t.hbs"] } });
    expect(cases(xml)).toEqual([
      "(templates)/(server): pass",
      "(templates)/(server): failure",
      "(templates)/t.hbs: pass",
    ]);
  });

  test("escapes XML", () => {
    const out = formatReport(sampleReport(), "junit");
    expect(out).toContain("&lt;b&gt;now&lt;/b&gt;");
    expect(out).not.toContain("<b>");
  });
});
