// The policy decides and marks each change (`acknowledged`, `fails`); the reporters, the summary and
// the exit code only read the marks. Shown by marks the reporters could not have computed themselves.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { FAIL_ON_LEVELS } from "../../src/core/fail-on.js";
import { createReport, type Report, toReportJson } from "../../src/core/report.js";
import { ExitCode } from "../../src/errors.js";
import { applyPolicy, getExitCode, markReport } from "../../src/policy/policy.js";
import { formatReport } from "../../src/report/index.js";
import { runCliInProcess } from "../helpers/cli.js";
import { NOW, SAMPLE_ACKS, SAMPLE_CHANGES, SAMPLE_CHECKED, sampleReport } from "./sample.js";

/** Each sample change as `rule acknowledged/fails`. */
const marks = (report: Report) =>
  report.changes.map(
    (c) => `${c.rule} ${c.acknowledged ? "acknowledged" : "open"} ${c.fails ? "fails" : "passes"}`,
  );

describe("the policy marks each change", () => {
  test("acknowledged: a still-valid acknowledgement; fails: open and at least --fail-on", () => {
    // In the order of who they hurt: a template and the tool it uses, other breaking, warning, info, acknowledged.
    expect(marks(sampleReport("breaking"))).toEqual([
      "parameter-removed open fails",
      "template-unknown-parameter open fails",
      "required-added open fails", // its acknowledgement expired
      "description-changed open passes",
      "server-info-changed open passes",
      "tool-added open passes",
      "tool-removed acknowledged passes",
    ]);
    expect(marks(sampleReport("info"))).toEqual([
      "parameter-removed open fails",
      "template-unknown-parameter open fails",
      "required-added open fails",
      "description-changed open fails",
      "server-info-changed open fails",
      "tool-added open fails",
      "tool-removed acknowledged passes",
    ]);
    expect(marks(sampleReport("never")).filter((m) => m.endsWith(" fails"))).toEqual([]);
    expect(sampleReport("breaking").summary).toEqual({ breaking: 3, warning: 1, info: 2, acknowledged: 1 });
  });

  test.each(FAIL_ON_LEVELS)(
    "a JSON report read back (merge) is marked as the run marked it, --fail-on %s",
    (failOn) => {
      const json = JSON.parse(formatReport(sampleReport(failOn), "json"));
      expect(markReport(json, failOn)).toEqual(sampleReport(failOn));
    },
  );

  test("the exit code is the marks': 1 when a change is marked fails, whatever its severity", () => {
    const report = sampleReport("never");
    expect(getExitCode({ ...report, errors: [] })).toBe(ExitCode.Ok);
    const info = report.changes.findIndex((c) => c.rule === "tool-added");
    const flipped = {
      ...report,
      errors: [],
      changes: report.changes.map((c, i) => (i === info ? { ...c, fails: true } : c)),
    };
    expect(getExitCode(flipped)).toBe(ExitCode.PolicyFailed);
    // Given a level, the policy decides afresh for it (the library's getExitCode(report, { failOn })).
    expect(getExitCode({ ...report, errors: [] }, { failOn: "info" })).toBe(ExitCode.PolicyFailed);
  });
});

describe("reporters read the marks and decide nothing", () => {
  const options = { checked: SAMPLE_CHECKED, startedAt: NOW, hostname: "ci" };

  test("JUnit fails exactly the changes marked fails; its failOn option only names the level", () => {
    const failing = (xml: string) =>
      [...xml.matchAll(/<testcase name="([^"]*)"[^>]*>\s*<failure/g)].map((m) => m[1]);
    // Marked under --fail-on info, formatted with the default option: the marks win.
    expect(failing(formatReport(sampleReport("info"), "junit", options))).toEqual([
      "(server)",
      "refund",
      "create_ticket",
      "search_customers",
      "prompts/support, v2.hbs",
    ]);
    // A mark the severity would not give: a notice marked as failing fails its case.
    const report = sampleReport("breaking");
    const flipped = {
      ...report,
      changes: report.changes.map((c) => (c.rule === "tool-added" ? { ...c, fails: true } : c)),
    };
    expect(failing(formatReport(flipped, "junit", options))).toEqual([
      "refund",
      "create_ticket",
      "search_customers",
      "prompts/support, v2.hbs",
    ]);
  });

  test("an acknowledged mark is what GitHub, SARIF, markdown and text treat as acknowledged", () => {
    // required-added's acknowledgement expired, so the policy left it open; mark it acknowledged.
    const report = sampleReport();
    const rule = "required-added";
    const marked = createReport({
      changes: report.changes.map((c) => (c.rule === rule ? { ...c, acknowledged: true, fails: false } : c)),
      servers: report.servers,
    });
    expect(marked.summary).toEqual({ breaking: 2, warning: 1, info: 2, acknowledged: 2 });
    // GitHub annotates no acknowledged change: the notice counts it among those the job summary lists.
    const github = formatReport(marked, "github").split("\n");
    expect(github.find((l) => l.includes(rule))).toBeUndefined();
    expect(
      formatReport(report, "github")
        .split("\n")
        .filter((l) => l.includes(rule)),
    ).toHaveLength(1);
    expect(github.at(-2)).toMatch(
      /^::notice title=mcp-contract%3A 4 more findings::4 more findings are not annotated/,
    );
    const sarif = JSON.parse(formatReport(marked, "sarif"));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === rule);
    expect(result.suppressions).toEqual([
      { kind: "external", justification: "Prompts updated next sprint (bo)" },
    ]);
    const markdown = formatReport(marked, "markdown");
    expect(markdown).toContain("<summary>Acknowledged (2)</summary>");
    expect(formatReport(report, "markdown")).toContain("<summary>Acknowledged (1)</summary>");
    // Text shows an open breaking change's fingerprint, not an acknowledged one's.
    const fingerprint = report.changes.find((c) => c.rule === rule)!.fingerprint;
    expect(formatReport(report, "text")).toContain(`fingerprint ${fingerprint}`);
    expect(formatReport(marked, "text")).not.toContain(`fingerprint ${fingerprint}`);
  });

  test("the JSON report holds no marks", () => {
    const report = sampleReport();
    expect(formatReport(report, "json")).toBe(`${JSON.stringify(toReportJson(report), null, 2)}\n`);
    expect(formatReport(report, "json")).not.toMatch(/"(fails|acknowledged)": (true|false)/);
  });
});

describe("--fail-on reaches the policy through the pipeline", () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-marks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tool = (description: string) => [{ name: "t", description, inputSchema: { type: "object" } }];
  writeFileSync(join(dir, "before.json"), JSON.stringify(tool("Old words.")));
  writeFileSync(join(dir, "after.json"), JSON.stringify(tool("New words.")));

  test("diff: a warning fails under --fail-on warning, in the exit code and in JUnit alike", async () => {
    const junit = (args: string[]) =>
      runCliInProcess(["diff", "before.json", "after.json", "--format", "junit", ...args], {
        cwd: dir,
        env: { SOURCE_DATE_EPOCH: "0" },
      });
    const passing = await junit([]);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('failures="0"');
    const failing = await junit(["--fail-on", "warning"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(
      /<testcase name="t" [^>]*>\s*<failure message="Tool `t` changed its description[^"]*" type="tool-description-changed">/,
    );
  });

  test("merge marks the reports it reads for its own --fail-on", async () => {
    const json = await runCliInProcess(
      ["diff", "before.json", "after.json", "--format", "json", "--fail-on", "warning"],
      {
        cwd: dir,
      },
    );
    expect(json.code).toBe(1);
    writeFileSync(join(dir, "report.json"), json.stdout);
    expect((await runCliInProcess(["merge", "report.json"], { cwd: dir })).code).toBe(0);
    expect((await runCliInProcess(["merge", "report.json", "--fail-on", "warning"], { cwd: dir })).code).toBe(
      1,
    );
  });
});

test("applyPolicy marks for the failOn it is given (default breaking)", () => {
  const open = applyPolicy(SAMPLE_CHANGES, { acknowledgements: SAMPLE_ACKS, now: NOW });
  expect(open.filter((c) => c.fails).map((c) => c.rule)).toEqual([
    "parameter-removed",
    "required-added",
    "template-unknown-parameter",
  ]);
  const warning = applyPolicy(SAMPLE_CHANGES, { acknowledgements: SAMPLE_ACKS, now: NOW, failOn: "warning" });
  expect(warning.filter((c) => c.fails).map((c) => c.rule)).toEqual([
    "parameter-removed",
    "required-added",
    "description-changed",
    "template-unknown-parameter",
  ]);
});
