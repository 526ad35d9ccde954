import { describe, expect, test } from "vitest";
import type { Change } from "../../src/core/change.js";
import { FAIL_ON_LEVELS, type FailOn } from "../../src/core/fail-on.js";
import { createReport } from "../../src/core/report.js";
import { ExitCode } from "../../src/errors.js";
import {
  type Acknowledgement,
  acknowledge,
  addAcknowledgements,
  expiryInstant,
  isExpired,
  unusedAcknowledgements,
} from "../../src/policy/acknowledgements.js";
import { fingerprint } from "../../src/policy/fingerprint.js";
import { applyPolicy, getExitCode } from "../../src/policy/policy.js";
import { parseAcknowledgements } from "../../src/policy/validate.js";

const removed: Change = {
  rule: "param-removed",
  severity: "breaking",
  server: "crm",
  tool: "search",
  pointer: "/inputSchema/properties/q",
  message: "Parameter `q` was removed.",
  before: { type: "string" },
};
const warning: Change = {
  ...removed,
  rule: "tool-description-changed",
  severity: "warning",
  pointer: "/description",
};
const info: Change = { ...removed, rule: "tool-added", severity: "info", pointer: "", tool: "new_tool" };
const now = new Date("2026-11-24T12:00:00Z");

describe("fingerprint", () => {
  test("is 16 hex digits and ignores message, hint, severity and template position", () => {
    const fp = fingerprint(removed);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint({ ...removed, message: "reworded", hint: "h", severity: "warning" })).toBe(fp);
    const atLine = { ...removed, location: { file: "a.hbs", line: 1, column: 1 } };
    expect(fingerprint({ ...atLine, location: { file: "a.hbs", line: 40, column: 9 } })).toBe(
      fingerprint(atLine),
    );
  });

  test("changes with the identity or the before/after values", () => {
    const fp = fingerprint(removed);
    expect(fingerprint({ ...removed, rule: "x" })).not.toBe(fp);
    expect(fingerprint({ ...removed, server: "other" })).not.toBe(fp);
    expect(fingerprint({ ...removed, tool: "other" })).not.toBe(fp);
    expect(fingerprint({ ...removed, pointer: "/inputSchema/properties/r" })).not.toBe(fp);
    expect(fingerprint({ ...removed, before: { type: "number" } })).not.toBe(fp);
    expect(fingerprint({ ...removed, after: null })).not.toBe(fp);
    expect(fingerprint({ ...removed, location: { file: "b.hbs", line: 1, column: 1 } })).not.toBe(fp);
  });

  test("does not depend on key order inside before/after", () => {
    const a = { ...removed, before: { type: "string", format: "email" } };
    const b = { ...removed, before: { format: "email", type: "string" } };
    expect(fingerprint(a)).toBe(fingerprint(b));
  });
});

describe("applyPolicy", () => {
  test("overrides severities and drops rules set to off", () => {
    const out = applyPolicy([removed, warning, info], {
      rules: { "param-removed": "warning", "tool-added": "off" },
      now,
    });
    expect(out.map((c) => [c.rule, c.severity])).toEqual([
      ["param-removed", "warning"],
      ["tool-description-changed", "warning"],
    ]);
    expect(out[0]!.fingerprint).toBe(fingerprint(removed));
  });

  test("attaches a matching acknowledgement and leaves others alone", () => {
    const ack = acknowledge(removed, { reason: "migrated", acceptedBy: "ana", now });
    const [a, w] = applyPolicy([removed, warning], { acknowledgements: [ack], now });
    expect(a!.acknowledgement).toEqual({ reason: "migrated", acceptedBy: "ana", expired: false });
    expect(w!.acknowledgement).toBeUndefined();
  });

  test("an acknowledgement of a different before/after does not match", () => {
    const ack = acknowledge(
      { ...removed, before: { type: "number" } },
      { reason: "r", acceptedBy: "a", now },
    );
    const [a] = applyPolicy([removed], { acknowledgements: [ack], now });
    expect(a!.acknowledgement).toBeUndefined();
  });
});

describe("expiry", () => {
  const ack = (expires?: string) => ({ ...(expires ? { expires } : {}) });
  test("a date is valid through the end of that day (UTC)", () => {
    expect(isExpired(ack("2026-11-24"), new Date("2026-11-24T23:59:59.999Z"))).toBe(false);
    expect(isExpired(ack("2026-11-24"), new Date("2026-11-25T00:00:00Z"))).toBe(true);
    expect(isExpired(ack("2026-11-23"), now)).toBe(true);
  });
  test("a date-time expires at that instant; no expiry never expires", () => {
    expect(isExpired(ack("2026-11-24T12:00:00Z"), now)).toBe(true);
    expect(isExpired(ack("2026-11-24T12:00:01Z"), now)).toBe(false);
    expect(isExpired(ack("2026-11-24T13:00:00+02:00"), now)).toBe(true);
    expect(isExpired(ack(), new Date("2999-01-01"))).toBe(false);
  });
  test("impossible dates are rejected", () => {
    expect(expiryInstant("2026-02-30")).toBeNaN();
  });
  test("an expired acknowledgement makes the change fail again", () => {
    const a = acknowledge(removed, { reason: "r", acceptedBy: "a", now, expires: "2026-11-24" });
    const report = (at: Date) =>
      createReport({ changes: applyPolicy([removed], { acknowledgements: [a], now: at }), servers: ["crm"] });
    const before = report(new Date("2026-11-24T20:00:00Z"));
    expect(before.summary).toEqual({ breaking: 0, warning: 0, info: 0, acknowledged: 1 });
    expect(getExitCode(before, { failOn: "breaking" })).toBe(ExitCode.Ok);
    const after = report(new Date("2026-11-25T00:00:00Z"));
    expect(after.summary).toEqual({ breaking: 1, warning: 0, info: 0, acknowledged: 0 });
    expect(after.changes[0]!.acknowledgement?.expired).toBe(true);
    expect(getExitCode(after, { failOn: "breaking" })).toBe(ExitCode.PolicyFailed);
  });
});

describe("getExitCode", () => {
  const expected: Record<FailOn, [number, number, number, number]> = {
    // exit code for: [breaking only, warning only, info only, nothing]
    breaking: [1, 0, 0, 0],
    warning: [1, 1, 0, 0],
    info: [1, 1, 1, 0],
    never: [0, 0, 0, 0],
  };
  for (const failOn of FAIL_ON_LEVELS) {
    test(`--fail-on ${failOn}`, () => {
      const codes = [[removed], [warning], [info], []].map((changes) =>
        getExitCode(createReport({ changes: applyPolicy(changes, { now }), servers: ["crm"] }), { failOn }),
      );
      expect(codes).toEqual(expected[failOn]);
    });
  }

  test("a fetch error wins over findings: the result is incomplete", () => {
    const report = createReport({
      changes: applyPolicy([removed], { now }),
      servers: ["crm", "down"],
      errors: [{ server: "down", message: "refused" }],
    });
    expect(getExitCode(report, { failOn: "never" })).toBe(ExitCode.FetchFailed);
  });

  test("acknowledged changes never fail, at any level", () => {
    const acks = [removed, warning, info].map((c) => acknowledge(c, { reason: "ok", acceptedBy: "a", now }));
    const report = createReport({
      changes: applyPolicy([removed, warning, info], { acknowledgements: acks, now }),
      servers: ["crm"],
    });
    expect(report.summary).toEqual({ breaking: 0, warning: 0, info: 0, acknowledged: 3 });
    expect(getExitCode(report, { failOn: "info" })).toBe(ExitCode.Ok);
  });
});

describe("acknowledgements file", () => {
  const good: Acknowledgement = acknowledge(removed, {
    reason: "migrated",
    acceptedBy: "ana",
    now,
    expires: "2026-12-31",
  });

  test("a valid file parses", () => {
    const result = parseAcknowledgements({ version: 1, acknowledgements: [good] }, "acks.json");
    expect(result.errors).toEqual([]);
    expect(result.file?.acknowledgements).toEqual([good]);
  });

  test("problems are reported one per line, naming the file and entry", () => {
    const bad = { ...good, reason: "  ", expires: "2026-02-30" };
    const { errors } = parseAcknowledgements(
      { version: 1, acknowledgements: [bad, { fingerprint: "x" }] },
      "acks.json",
    );
    expect(errors).toContain(
      "acks.json: $.acknowledgements[0].reason: is blank; say why the change is accepted",
    );
    expect(errors).toContain("acks.json: $.acknowledgements[1].rule: required key is missing");
    const dates = parseAcknowledgements(
      { version: 1, acknowledgements: [{ ...good, expires: "2026-02-30" }] },
      "f",
    );
    expect(dates.errors).toEqual(['f: $.acknowledgements[0].expires: "2026-02-30" is not a real date']);
    expect(parseAcknowledgements({ version: 2, acknowledgements: [] }, "f").errors).toEqual([
      "f: $.version: must be 1",
    ]);
  });

  test("adding keeps one entry per fingerprint, sorted for review", () => {
    const other = acknowledge(info, { reason: "fine", acceptedBy: "bo", now });
    const replaced = { ...good, reason: "new reason" };
    const list = addAcknowledgements([good, other], [replaced]);
    expect(list).toHaveLength(2);
    expect(list.map((a) => a.tool)).toEqual(["new_tool", "search"]);
    expect(list[1]!.reason).toBe("new reason");
  });

  test("unused acknowledgements are the ones no change matched", () => {
    const other = acknowledge(info, { reason: "fine", acceptedBy: "bo", now });
    const changes = applyPolicy([removed], { acknowledgements: [good, other], now });
    expect(unusedAcknowledgements([good, other], changes)).toEqual([other]);
  });
});
