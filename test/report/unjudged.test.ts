// A change the engine could not judge is said to be so: marked on the change and counted in the
// summary line ("2 changes could not be judged"), in every format the CLI prints.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

/** A recursive definition: json-schema-diff cannot take it, so a `not` over it is never judged. */
const defs = {
  r: { type: "object", properties: { next: { $ref: "#/$defs/r" } } },
};
const schema = (notA: unknown, notB: unknown) => ({
  tools: [
    {
      name: "t",
      description: "Does a thing.",
      inputSchema: {
        type: "object",
        properties: { a: { not: notA }, b: { not: notB } },
        $defs: defs,
      },
    },
  ],
});

function files(): [string, string] {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-unjudged-"));
  const before = join(dir, "before.json");
  const after = join(dir, "after.json");
  writeFileSync(before, JSON.stringify(schema({ $ref: "#/$defs/r" }, { $ref: "#/$defs/r" })));
  writeFileSync(
    after,
    JSON.stringify(
      schema({ $ref: "#/$defs/r", required: ["next"] }, { $ref: "#/$defs/r", minProperties: 1 }),
    ),
  );
  return [before, after];
}

describe("changes that could not be judged", () => {
  const [before, after] = files();
  const run = (format: string) => runCliInProcess(["diff", before, after, "--format", format]);

  it("text: each is marked, and the summary line counts them", async () => {
    const result = await run("text");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("could not be judged: check this change by hand");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
      "0 breaking, 2 warning, 0 info; 2 changes could not be judged",
    );
  });

  it("json: the summary counts them and each change is marked", async () => {
    const report = JSON.parse((await run("json")).stdout);
    expect(report.summary).toEqual({ breaking: 0, warning: 2, info: 0, acknowledged: 0, unjudged: 2 });
    expect(report.changes.map((c: { rule: string; unjudged?: boolean }) => [c.rule, c.unjudged])).toEqual([
      ["schema-changed", true],
      ["schema-changed", true],
    ]);
  });

  it("markdown: under the counts", async () => {
    const { stdout } = await run("markdown");
    expect(stdout).toContain(
      "⚠️ 2 changes could not be judged: check those marked *could not be judged* by hand.",
    );
    expect(stdout.match(/\*could not be judged\* \|/g)?.length).toBe(2);
  });

  it("github: one warning for the run", async () => {
    const { stdout } = await run("github");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(
      "::warning title=mcp-contract%3A changes not judged::2 changes could not be judged: check them by hand.",
    );
  });

  it("sarif: a warning notification, and each result marked", async () => {
    const log = JSON.parse((await run("sarif")).stdout);
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          { level: "warning", message: { text: "2 changes could not be judged: check them by hand." } },
        ],
      },
    ]);
    expect(
      log.runs[0].results.map((r: { properties: { unjudged?: boolean } }) => r.properties.unjudged),
    ).toEqual([true, true]);
  });

  it("junit: a property of the suite, and a line in each finding", async () => {
    const { stdout } = await run("junit");
    expect(stdout).toContain(
      '    <properties>\n      <property name="mcp-contract.unjudged" value="2 changes could not be judged"/>\n    </properties>',
    );
    expect(stdout.match(/could not be judged: check this change by hand/g)?.length).toBe(2);
  });

  it("a run where everything was judged says nothing of it", async () => {
    const result = await runCliInProcess(["diff", before, before]);
    expect(result).toMatchObject({ code: 0, stdout: "no changes\n" });
    const report = JSON.parse((await runCliInProcess(["diff", before, before, "--format", "json"])).stdout);
    expect(report.summary).toEqual({ breaking: 0, warning: 0, info: 0, acknowledged: 0 });
  });
});
