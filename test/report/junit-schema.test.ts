// JUnit output as CI dashboards read it: valid under the Ant JUnit schema (fixtures/junit/ant-junit.xsd,
// the strictest common one), checked by libxml2, with the schema shown to reject what the format forbids.
import { describe, expect, test } from "vitest";
import { createReport } from "../../src/core/report.js";
import { applyPolicy } from "../../src/policy/policy.js";
import { formatReport } from "../../src/report/index.js";
import { junitSchemaErrors } from "./junit-xsd.js";
import { NOW, SAMPLE_CHANGES, SAMPLE_CHECKED, sampleReport } from "./sample.js";

const options = { checked: SAMPLE_CHECKED, startedAt: NOW, hostname: "ci-runner-7" };

describe("--format junit is valid under the Ant JUnit schema", () => {
  test.each(["breaking", "warning", "info", "never"] as const)(
    "the sample report, --fail-on %s",
    async (failOn) => {
      expect(
        await junitSchemaErrors(formatReport(sampleReport(failOn), "junit", { ...options, failOn })),
      ).toEqual([]);
    },
  );

  test("with the defaults (no checked list, epoch, localhost)", async () => {
    expect(await junitSchemaErrors(formatReport(sampleReport(), "junit"))).toEqual([]);
  });

  test("an empty report, and one with no server at all", async () => {
    const empty = createReport({ changes: [], servers: ["crm"] });
    expect(await junitSchemaErrors(formatReport(empty, "junit", options))).toEqual([]);
    const none = createReport({ changes: [], servers: [] });
    expect(
      await junitSchemaErrors(formatReport(none, "junit", { checked: { tools: new Map(), templates: [] } })),
    ).toEqual([]);
  });

  test("a server that could not be fetched (error and skipped cases), and hostile text", async () => {
    const hostile = 'a\u0000b\u001b[31m "quoted" <tag> & ]]> \r\n\ttab \uFFFF é 😀';
    const report = createReport({
      changes: applyPolicy(
        [
          ...SAMPLE_CHANGES,
          {
            rule: "tool-removed",
            severity: "breaking",
            server: hostile,
            tool: hostile,
            pointer: "",
            message: hostile,
          },
        ],
        { now: NOW },
      ),
      servers: ["crm", hostile],
      errors: [{ server: "flaky", message: hostile }],
    });
    const checked = { tools: new Map([["flaky", ["a", hostile]]]), templates: [hostile] };
    const xml = formatReport(report, "junit", { ...options, checked, hostname: " " });
    expect(xml).toContain("<skipped ");
    expect(xml).toContain("<error ");
    expect(await junitSchemaErrors(xml)).toEqual([]);
  });
});

describe("the schema rejects what the format forbids (so the checks above can fail)", () => {
  const valid = formatReport(sampleReport(), "junit", options);
  const failing = /( *)<failure [^>]*>[^<]*<\/failure>/.exec(valid)!;

  test("the starting point is valid", async () => {
    expect(await junitSchemaErrors(valid)).toEqual([]);
  });

  test("two failures in one test case", async () => {
    const doubled = valid.replace(failing[0], `${failing[0]}\n${failing[0]}`);
    expect((await junitSchemaErrors(doubled)).join("\n")).toMatch(/failure.*This element is not expected/);
  });

  test("a test case without time", async () => {
    const errors = await junitSchemaErrors(valid.replace(/(<testcase [^>]*) time="0"/, "$1"));
    expect(errors.join("\n")).toMatch(/The attribute 'time' is required but missing/);
  });

  test("a timestamp with a time zone, and a suite without hostname", async () => {
    expect(
      (await junitSchemaErrors(valid.replace(/timestamp="([^"]*)"/, 'timestamp="$1Z"'))).join("\n"),
    ).toMatch(/timestamp/);
    expect((await junitSchemaErrors(valid.replace(/ hostname="[^"]*"/, ""))).join("\n")).toMatch(
      /The attribute 'hostname' is required but missing/,
    );
  });

  test("attributes on <testsuites>, output inside a test case, and not XML at all", async () => {
    expect(
      (await junitSchemaErrors(valid.replace("<testsuites>", '<testsuites tests="7">'))).join("\n"),
    ).toMatch(/The attribute 'tests' is not allowed/);
    const withOutput = valid.replace(failing[0], `${failing[0]}\n<system-out>x</system-out>`);
    expect((await junitSchemaErrors(withOutput)).join("\n")).toMatch(
      /system-out.*This element is not expected/,
    );
    expect(await junitSchemaErrors("<testsuites>")).not.toEqual([]);
  });
});
