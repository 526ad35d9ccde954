import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createReport, mergeReports, ShardMismatchError } from "../../src/core/report.js";
import { UsageError } from "../../src/errors.js";
import { mergeReportFiles } from "../../src/pipeline/merge.js";
import { applyPolicy } from "../../src/policy/policy.js";
import { formatReport } from "../../src/report/index.js";
import { inShard, parseShard, selectShard } from "../../src/report/shard.js";
import { runCliInProcess } from "../helpers/cli.js";
import { NOW, SAMPLE_ACKS, SAMPLE_CHANGES, sampleReport } from "./sample.js";

test("merging per-server shards gives the single run's report, in any order", () => {
  const whole = sampleReport();
  const changes = applyPolicy(SAMPLE_CHANGES, { acknowledgements: SAMPLE_ACKS, now: NOW });
  const shardA = createReport({
    changes: changes.filter((c) => c.server === "crm"),
    servers: ["crm", "search"],
  });
  const shardB = createReport({
    changes: changes.filter((c) => c.server === "billing"),
    servers: ["billing"],
    errors: whole.errors,
  });
  expect(mergeReports([shardA, shardB])).toEqual(whole);
  expect(mergeReports([shardB, shardA])).toEqual(whole);
});

/** A finding of no server (a template's), so the same in every shard that checks the template. */
const TEMPLATE_SYNTAX_ERROR = {
  rule: "template-syntax-error",
  severity: "breaking",
  server: "",
  pointer: "",
  message: "bad",
  location: { file: "a.hbs", line: 1, column: 1 },
} as const;

test("identical findings present in several shards are kept once", () => {
  const templateOnly = applyPolicy([TEMPLATE_SYNTAX_ERROR], { now: NOW });
  const a = createReport({ changes: templateOnly, servers: ["a"] });
  const b = createReport({ changes: templateOnly, servers: ["b"] });
  const merged = mergeReports([a, b]);
  expect(merged.changes).toHaveLength(1);
  expect(merged.servers).toEqual(["a", "b"]);
  expect(merged.summary.breaking).toBe(1);
});

test("changes that share a fingerprint but differ in location, severity or message are all kept", () => {
  const [base] = applyPolicy([TEMPLATE_SYNTAX_ERROR], { now: NOW });
  const variants = [
    base!,
    { ...base!, location: { file: "a.hbs", line: 2, column: 1 } },
    { ...base!, location: undefined },
    { ...base!, message: "worse" },
    { ...base!, severity: "warning" as const },
  ];
  const a = createReport({ changes: variants, servers: ["a"] });
  const b = createReport({ changes: [...variants].reverse(), servers: ["b"] });
  const merged = mergeReports([a, b]);
  expect(merged.changes).toHaveLength(variants.length);
  expect(new Set(merged.changes.map((c) => c.fingerprint))).toEqual(new Set([base!.fingerprint]));
  expect(merged.changes.map((c) => `${c.severity} ${c.message} ${c.location?.line ?? "-"}`).sort()).toEqual([
    "breaking bad -",
    "breaking bad 1",
    "breaking bad 2",
    "breaking worse 1",
    "warning bad 1",
  ]);
});

describe("shards", () => {
  const servers = ["e", "a", "d", "c", "b"];
  test("selectShard splits sorted servers round-robin, covering each exactly once", () => {
    const parts = [1, 2, 3].map((index) => selectShard(servers, { index, total: 3 }));
    expect(parts).toEqual([["a", "d"], ["b", "e"], ["c"]]);
    expect(selectShard(servers, { index: 1, total: 1 })).toEqual(["a", "b", "c", "d", "e"]);
  });
  test("parseShard", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, total: 4 });
    expect(parseShard("0/4")).toMatch(/1 ≤ K ≤ N/);
    expect(parseShard("5/4")).toMatch(/1 ≤ K ≤ N/);
    expect(parseShard("x")).toMatch(/expected K\/N/);
  });
  test("findings about no server go to shard 1 only", () => {
    expect(inShard("", new Set(), { index: 1, total: 2 })).toBe(true);
    expect(inShard("", new Set(), { index: 2, total: 2 })).toBe(false);
    expect(inShard("a", new Set(["a"]), { index: 2, total: 2 })).toBe(true);
  });
  test("merge refuses missing, repeated or mismatched shards", () => {
    const shard = (index: number, total: number) =>
      createReport({ changes: [], servers: [`s${index}`], shard: { index, total } });
    expect(mergeReports([shard(1, 2), shard(2, 2)]).servers).toEqual(["s1", "s2"]);
    expect(mergeReports([shard(1, 2), shard(2, 2)]).shard).toBeUndefined();
    expect(() => mergeReports([shard(1, 3), shard(3, 3)])).toThrow("missing shard 2/3");
    expect(() => mergeReports([shard(1, 2), shard(1, 2), shard(2, 2)])).toThrow(
      "shard 1/2 given more than once",
    );
    expect(() => mergeReports([shard(1, 2), shard(2, 3)])).toThrow(/different shard counts/);
    expect(() => mergeReports([shard(1, 2), createReport({ changes: [], servers: [] })])).toThrow(
      ShardMismatchError,
    );
  });
});

describe("merge's input is checked against schema/report.schema.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-merge-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const merge = (report: unknown) => {
    writeFileSync(join(dir, "r.json"), typeof report === "string" ? report : JSON.stringify(report));
    return runCliInProcess(["merge", "r.json"], { cwd: dir });
  };

  test("a valid report merges", async () => {
    const result = await merge(createReport({ changes: [], servers: ["crm"] }));
    expect(result).toMatchObject({ code: 0, stderr: "", stdout: "no changes\n" });
  });

  test.each([
    [{ version: 1 }, "$.summary: required key is missing"],
    [{ ...createReport({ changes: [], servers: [] }), extra: 1 }, "$.extra: unknown key"],
    [{ ...createReport({ changes: [], servers: [] }), version: 2 }, "$.version: must be 1"],
    [{ ...createReport({ changes: [], servers: [] }), servers: "crm" }, "$.servers: must be a list"],
    [
      { ...createReport({ changes: [], servers: [] }), changes: [{ rule: "x" }] },
      "$.changes[0].severity: required key is missing",
    ],
  ])("%j: one line naming the file and the JSON path, exit 2", async (report, problem) => {
    const result = await merge(report);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `mcp-contract: r.json: not an mcp-contract JSON report: ${problem}\n`,
    });
  });

  test("not JSON at all", async () => {
    const result = await merge("{");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^mcp-contract: r\.json: not a JSON report \(.*\); write one with --format json\n$/,
    );
  });
});

test("mergeReportFiles (the library's merge) reads the shards' JSON files and gives the single run's report", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-merge-files-"));
  try {
    const whole = sampleReport("warning");
    const changes = applyPolicy(SAMPLE_CHANGES, {
      acknowledgements: SAMPLE_ACKS,
      now: NOW,
      failOn: "warning",
    });
    const shards = [
      createReport({
        changes: changes.filter((c) => c.server !== "billing"),
        servers: ["crm", "search"],
        shard: { index: 1, total: 2 },
      }),
      createReport({
        changes: changes.filter((c) => c.server === "billing"),
        servers: ["billing"],
        errors: whole.errors,
        shard: { index: 2, total: 2 },
      }),
    ];
    for (const [i, shard] of shards.entries())
      writeFileSync(join(dir, `r${i + 1}.json`), formatReport(shard, "json"));
    const merged = await mergeReportFiles(["r2.json", "r1.json"], { cwd: dir, failOn: "warning" });
    expect(merged).toEqual(whole);
    await expect(mergeReportFiles(["r1.json"], { cwd: dir })).rejects.toThrow(
      new UsageError("merge: missing shard 2/2"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
