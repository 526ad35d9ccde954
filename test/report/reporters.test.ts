import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import type { RuleMeta } from "../../src/diff/rule.js";
import { escapeData, escapeProperty, workflowCommand } from "../../src/report/formats/github.js";
import { FORMATS, formatReport, lockfileLocator } from "../../src/report/index.js";
import { createReport } from "../../src/report/report.js";
import { expectGolden } from "../golden.js";
import { SAMPLE_LOCKFILE, sampleReport } from "./sample.js";

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
const options = {
  rules: RULES,
  lockfile: "mcp-contract.lock.json",
  locate: lockfileLocator(SAMPLE_LOCKFILE),
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
    expect(out).toEqual(JSON.parse(JSON.stringify(sampleReport())));
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
    expect(lines).toHaveLength(sampleReport().changes.length + 1);
    const syntax =
      /^::(error|warning|notice) file=[^,:\r\n]+(,line=\d+)?(,col=\d+)?,title=[^,:\r\n]+::[^\r\n]*$/;
    for (const line of lines) expect(line).toMatch(syntax);
    expect(lines).toContain(
      "::error file=prompts/support%2C v2.hbs,line=12,col=5,title=breaking template-unknown-parameter (crm/search_customers)::Template uses `customer_email`, which `search_customers` no longer has.%0Ahint: did you mean `email_address`?%0Aat /inputSchema/properties/customer_email",
    );
    const voided = lines.find((l) => l.includes("tool-removed"));
    expect(voided).toMatch(/^::notice file=mcp-contract.lock.json,line=11,title=acknowledged breaking/);
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
  test("marks as failures exactly what fails under --fail-on", () => {
    const count = (failOn: "breaking" | "warning" | "never") =>
      /<testsuites name="mcp-contract" tests="\d+" failures="(\d+)"/.exec(
        formatReport(sampleReport(), "junit", { failOn }),
      )![1];
    expect(count("never")).toBe("0");
    // breaking: crm/create_ticket (expired acknowledgement), crm/search_customers
    expect(count("breaking")).toBe("2");
    expect(count("warning")).toBe("2");
  });
  test("escapes XML", () => {
    const out = formatReport(sampleReport(), "junit");
    expect(out).toContain("&lt;b&gt;now&lt;/b&gt;");
    expect(out).not.toContain("<b>");
  });
});
