/**
 * Golden tests for every format on large reports, showing the order (who a change hurts first) and
 * the platforms' limits held: the largest upgrade of the real-world corpus (mongodb-mcp-server
 * 1.14.0 → 2.1.1: 91 changes in expected.json, 70 findings once the defaults written out are no finding), run as `mcp-contract diff`, and a generated pair of three servers
 * and a template with several hundred findings, built by the pipeline's pure stages. Regenerate with
 * UPDATE_GOLDEN=1 and review the diff.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import type { Report } from "../../src/core/report.js";
import { diffLockfiles } from "../../src/diff/index.js";
import { emptyLockfile, lockServer } from "../../src/lockfile/build.js";
import { decide } from "../../src/pipeline/report.js";
import { FORMATS, type Format, formatReport } from "../../src/report/index.js";
import { MARKDOWN_LIMIT, STEP_SUMMARY_LIMIT } from "../../src/report/options.js";
import { checkTemplates } from "../../src/templates/check.js";
import { expectGolden } from "../golden.js";
import { runCliInProcess } from "../helpers/cli.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";

const extension: Record<Format, string> = {
  text: "txt",
  json: "json",
  markdown: "md",
  github: "github.txt",
  sarif: "sarif.json",
  junit: "xml",
  html: "html",
};
const dir = mkdtempSync(join(tmpdir(), "mcp-contract-large-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** SARIF with each rule's docs page masked (formats-golden.test.ts checks them): a docs edit changes no golden here. */
function maskRuleDocs(out: string): string {
  const log = JSON.parse(out);
  for (const rule of log.runs[0].tool.driver.rules) {
    const masked = `(docs/rules/${rule.id}.md)`;
    rule.fullDescription = { text: masked };
    rule.help = { text: masked, markdown: masked };
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The limits every large report must hold, whatever its size. */
function expectLimits(format: Format, out: string, report: Report): void {
  if (format === "github") {
    const commands = out.trimEnd().split("\n");
    const count = (name: string) => commands.filter((l) => l.startsWith(`::${name} `)).length;
    expect(count("error")).toBeLessThanOrEqual(10);
    expect(count("warning")).toBeLessThanOrEqual(10);
    expect(count("notice")).toBe(1);
    const annotated = count("error") + count("warning");
    expect(commands.at(-1)).toContain(`${report.changes.length - annotated} more findings are not annotated`);
  }
  if (format === "markdown") expect(bytes(out)).toBeLessThanOrEqual(MARKDOWN_LIMIT);
}

describe("the largest upgrade in the corpus: mongodb-mcp-server 1.14.0 → 2.1.1", () => {
  const before = join(CORPUS_SNAPSHOTS, "mongodb-mcp-server", "1.14.0.json");
  const after = join(CORPUS_SNAPSHOTS, "mongodb-mcp-server", "2.1.1.json");
  for (const format of FORMATS) {
    test(format, async () => {
      const summary = join(dir, `mongodb-${format}.md`);
      const result = await runCliInProcess(["diff", before, after, "--format", format], {
        cwd: CORPUS_SNAPSHOTS,
        env: {
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_WORKSPACE: CORPUS_SNAPSHOTS,
          SOURCE_DATE_EPOCH: "1764578400",
        },
      });
      let out = result.stdout.replace(/ hostname="[^"]*"/g, ' hostname="(this machine)"');
      if (format === "sarif") out = maskRuleDocs(out);
      expect(result.code).toBe(1);
      const json = await runCliInProcess(["diff", before, after, "--format", "json"], {
        cwd: CORPUS_SNAPSHOTS,
      });
      const report = JSON.parse(json.stdout) as Report;
      expect(report.changes).toHaveLength(70);
      expectLimits(format, out, report);
      if (format === "github") {
        // The job summary lists every finding, under GitHub's 1 MiB.
        const page = readFileSync(summary, "utf8");
        expect(bytes(page)).toBeLessThan(STEP_SUMMARY_LIMIT);
        expect(page.split("\n").filter((l) => /^\| (🔴|🟡|🔵) /.test(l))).toHaveLength(70);
      }
      expectGolden(`large/mongodb.${extension[format]}`, `exit ${result.code}\n${out}`);
    });
  }
});

/** A parameter with a description long enough to make a real comment's worth of rows. */
const param = (i: number, words: string) => ({
  type: "string",
  description: `Parameter ${i} of the tool: ${words} (kept short enough to read, long enough to count).`,
});
const tool = (name: string, params: number, words: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: `Tool ${name}: ${words}.`,
  inputSchema: {
    type: "object",
    properties: Object.fromEntries(Array.from({ length: params }, (_, i) => [`p${i}`, param(i, words)])),
    required: ["p0"],
  },
  ...extra,
});
const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(2, "0")}`);

/**
 * Three servers: alpha rewrites every parameter description of 40 tools (200 warnings, folded per
 * rule), beta removes a parameter of 20 tools and adds a required one to 10 (breaking), gamma adds
 * 40 tools (info); `search` exists on beta and gamma. One template uses beta's tools, names a
 * removed parameter and calls `search` bare (ambiguous).
 */
function generatedPair(): { before: Lockfile; after: Lockfile; template: string } {
  const before = emptyLockfile();
  const after = emptyLockfile();
  const lock = (l: Lockfile, server: string, tools: ToolDefinition[]) => {
    l.servers[server] = lockServer({ tools });
  };
  lock(
    before,
    "alpha",
    names("a", 40).map((n) => tool(n, 5, "the old words")),
  );
  lock(
    after,
    "alpha",
    names("a", 40).map((n) => tool(n, 5, "the new words")),
  );
  const beta = names("b", 20);
  lock(before, "beta", [...beta.map((n) => tool(n, 3, "same")), tool("search", 1, "same")]);
  lock(after, "beta", [
    ...beta.map((n, i) => {
      const t = tool(n, 3, "same");
      delete (t.inputSchema.properties as Record<string, unknown>).p2;
      if (i < 10) {
        (t.inputSchema.properties as Record<string, unknown>).region = { type: "string" };
        t.inputSchema.required = ["p0", "region"];
      }
      return t;
    }),
    tool("search", 1, "same"),
  ]);
  lock(before, "gamma", [tool("search", 1, "same")]);
  lock(after, "gamma", [tool("search", 1, "same"), ...names("g", 40).map((n) => tool(n, 1, "new"))]);
  const template = [
    'Use {{tool "beta/b_00"}} to open the case.',
    '{{#tool "beta/b_01"}}Send {{param "p2"}} too.{{/tool}}',
    'Then call `search(p0="x")` to find it.',
    "",
  ].join("\n");
  return { before, after, template };
}

describe("a generated pair with several hundred findings", () => {
  const { before, after, template } = generatedPair();
  const changes = diffLockfiles(before, after);
  changes.push(
    ...checkTemplates({
      templates: [{ file: "prompts/case.hbs", source: template }],
      lock: after,
      previousLock: before,
      changes,
    }),
  );
  const report = decide(
    { changes, servers: ["alpha", "beta", "gamma"] },
    { acknowledgements: [], now: new Date(0) },
  );

  test("has several hundred findings, the template's first", () => {
    expect(report.changes.length).toBeGreaterThan(300);
    const first = report.changes.slice(0, 4).map((c) => c.rule);
    expect(first[0]).toBe("template-ambiguous-tool");
    expect(
      report.changes.findIndex((c) => !c.rule.startsWith("template-") && c.severity !== "breaking"),
    ).toBeGreaterThan(report.changes.findLastIndex((c) => c.severity === "breaking"));
  });

  for (const format of FORMATS) {
    test(format, () => {
      const out = formatReport(report, format, { startedAt: new Date(1764578400000) });
      expectLimits(format, out, report);
      expectGolden(`large/generated.${extension[format]}`, format === "sarif" ? maskRuleDocs(out) : out);
    });
  }

  test("the markdown is cut at the comment's limit and points at the complete report; the job summary is whole", () => {
    const comment = formatReport(report, "markdown");
    expect(comment).toContain("not shown:** this report stops at 65,536 bytes");
    expect(comment).toContain("the `mcp-contract-reports` artifact");
    const page = formatReport(report, "markdown", { markdownLimit: STEP_SUMMARY_LIMIT });
    expect(bytes(page)).toBeLessThan(STEP_SUMMARY_LIMIT);
    expect(page).not.toContain("not shown");
    expect(page.split("\n").filter((l) => /^\| (🔴|🟡|🔵) /.test(l))).toHaveLength(report.changes.length);
  });

  test("--verbose shows the folded runs whole; --min-severity filters the human formats only", () => {
    const text = formatReport(report, "text");
    expect(text).toContain("  and 197 more `param-description-changed` in 40 tools; --verbose shows them");
    const verbose = formatReport(report, "text", { verbose: true });
    expect(verbose).not.toContain("--verbose shows them");
    expect(verbose.split("\n").filter((l) => l.includes("param-description-changed"))).toHaveLength(200);
    const breaking = formatReport(report, "text", { minSeverity: "breaking" });
    expect(breaking).not.toMatch(/^\s+(warning|info) /m);
    expect(breaking).toMatch(/ \(\d+ below --min-severity breaking not shown\)\n$/);
    expect(formatReport(report, "markdown", { minSeverity: "breaking" })).not.toContain("🟡");
    expect(formatReport(report, "github", { minSeverity: "breaking" })).not.toMatch(/^::warning /m);
    for (const format of ["json", "sarif", "junit"] as const) {
      const options = { startedAt: new Date(0) };
      expect(formatReport(report, format, { ...options, minSeverity: "breaking" })).toBe(
        formatReport(report, format, options),
      );
    }
  });
});
