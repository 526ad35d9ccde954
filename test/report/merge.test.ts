import { expect, test } from "vitest";
import { applyPolicy } from "../../src/policy/policy.js";
import { createReport, mergeReports } from "../../src/report/report.js";
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

test("identical findings present in several shards are kept once", () => {
  const templateOnly = applyPolicy(
    [
      {
        rule: "template-syntax-error",
        severity: "breaking",
        server: "",
        pointer: "",
        message: "bad",
        location: { file: "a.hbs", line: 1, column: 1 },
      },
    ],
    { now: NOW },
  );
  const a = createReport({ changes: templateOnly, servers: ["a"] });
  const b = createReport({ changes: templateOnly, servers: ["b"] });
  const merged = mergeReports([a, b]);
  expect(merged.changes).toHaveLength(1);
  expect(merged.servers).toEqual(["a", "b"]);
  expect(merged.summary.breaking).toBe(1);
});
