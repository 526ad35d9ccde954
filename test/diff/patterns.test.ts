// Patterns by witness: strings drawn from the old regular expression (randexp, seeded by the two
// patterns) and checked against the new one. A refused one proves a narrowing and is the witness;
// when none is refused the change could not be judged. Same input, same candidates, same answer.
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { isRunnable, safeRegExp } from "../../src/core/regex.js";
import { diffTools } from "../../src/diff/index.js";
import { patternCandidates, patternWitness } from "../../src/diff/patterns.js";

const tools = (a: Record<string, unknown>): Record<string, ToolDefinition> => ({
  t: { name: "t", inputSchema: { type: "object", properties: { a: { type: "string", ...a } } } },
});

describe("patternWitness", () => {
  it("finds a string the old pattern accepts and the new one refuses", () => {
    expect(patternWitness("^[a-z0-9]+$", "^[a-z]+$")).toEqual({ witness: "0" });
    expect(patternWitness("^https?://", "^https://")).toEqual({ witness: "http://" });
    expect(patternWitness("^\\d{3}-\\d{4}$", "^\\d{3}-\\d{3}$")).toEqual({ witness: "000-0000" });
  });

  it("tries text around a match: a pattern is not anchored", () => {
    expect(patternWitness("abc", "^abc")).toEqual({ witness: "xabc" });
  });

  it("keeps to the old length bounds, so the witness is a value the old schema accepted", () => {
    const found = patternWitness("^[a-z]{0,6}\\d?$", "^[a-z]*$", { maxLength: 2 });
    expect("witness" in found && [...found.witness].length <= 2 && /\d$/.test(found.witness)).toBe(true);
    expect(patternWitness("^[a-z]+\\d$", "^[a-z]+$", { maxLength: 1 })).toEqual({
      unknown: "no string could be drawn from /^[a-z]+\\d$/",
    });
  });

  it("a widening, or a pattern randexp cannot draw from, could not be judged (and says why)", () => {
    expect(patternWitness("^[a-z]+$", "^[a-z0-9]+$")).toEqual({
      unknown: "each of 198 strings drawn from /^[a-z]+$/ still matches",
    });
    expect(patternWitness("^\\p{L}+$", "^[a-z]+$")).toEqual({
      unknown: "no string could be drawn from /^\\p{L}+$/",
    });
    expect(patternWitness("^(unclosed", "^a")).toEqual({
      unknown: "/^(unclosed/ is not a valid regular expression",
    });
  });

  it("judges a nested unbounded repetition too: patterns run in linear time (RE2), so /^(a+)+$/ cannot hang it", () => {
    expect(patternWitness("^(a+)+$", "^a+$")).toEqual({
      unknown: "each of 66 strings drawn from /^(a+)+$/ still matches",
    });
    expect(patternWitness("^a+$", "^([a-z]*\\d?)*b$")).toEqual({ witness: "a" });
    expect(patternWitness("^(ab{1,2}){0,3}$", "^(ab){0,3}$")).toEqual({ witness: "abbabbabb" });
    expect(patternWitness("^\\d+-\\d+$", "^\\d+$")).toEqual({ witness: "0-0" });
  });

  it("does not run lookaround or a backreference (the linear-time engine cannot), and says so", () => {
    expect(patternWitness("^(?=.*\\d).{8,}$", "^.{8,}$")).toEqual({
      unknown:
        "/^(?=.*\\d).{8,}$/ uses lookaround, a backreference or another construct the linear-time engine (RE2) cannot run",
    });
  });

  it("is deterministic: the same pair draws the same candidates, in order", () => {
    const first = [...patternCandidates("^[A-Z][a-z]{2,}\\d*$", "seed")];
    expect(first.length).toBe(66);
    expect([...patternCandidates("^[A-Z][a-z]{2,}\\d*$", "seed")]).toEqual(first);
    expect([...patternCandidates("^[A-Z][a-z]{2,}\\d*$", "other")]).not.toEqual(first);
    for (const s of first) expect(s).toMatch(/^[A-Z][a-z]{2,}\d*$/);
  });

  it("reads a pattern as validators do: unicode mode, or without it when it is not valid there", () => {
    // `\_` is an identity escape unicode mode refuses; Python's re and zod (no flag) accept it.
    expect(isRunnable(safeRegExp("^[a-z\\_]+$"))).toBe(false);
    expect(isRunnable(safeRegExp("^[a-z\\_]+$", true))).toBe(true);
    expect(patternWitness("^[a-z\\_]+$", "^[a-z]+$")).toEqual({ witness: "_" });
  });
});

describe("pattern changes in a diff", () => {
  it("a narrowing is pattern-narrowed, with the string in the message and a confirmed witness", () => {
    const [change, ...rest] = diffTools(
      "s",
      tools({ pattern: "^[a-z0-9]+$" }),
      tools({ pattern: "^[a-z]+$" }),
    );
    expect(rest).toEqual([]);
    expect(change).toEqual({
      rule: "pattern-narrowed",
      severity: "breaking",
      server: "s",
      tool: "t",
      pointer: "/inputSchema/properties/a/pattern",
      message:
        'Parameter `a` pattern changed from /^[a-z0-9]+$/ to /^[a-z]+$/: "0" matched and no longer does.',
      before: "^[a-z0-9]+$",
      after: "^[a-z]+$",
      witness: { a: "0" },
    });
  });

  it("an undecided one is pattern-changed, marked unjudged", () => {
    expect(diffTools("s", tools({ pattern: "^[a-z]+$" }), tools({ pattern: "^[a-z]+$|^\\d{4}$" }))).toEqual([
      {
        rule: "pattern-changed",
        severity: "warning",
        server: "s",
        tool: "t",
        pointer: "/inputSchema/properties/a/pattern",
        message:
          "Parameter `a` pattern changed from /^[a-z]+$/ to /^[a-z]+$|^\\d{4}$/; could not be judged: each of 198 strings drawn from /^[a-z]+$/ still matches.",
        before: "^[a-z]+$",
        after: "^[a-z]+$|^\\d{4}$",
        unjudged: true,
      },
    ]);
  });
});

describe("format-added", () => {
  it("a format servers validate is breaking, with a witness outside it", () => {
    const [change] = diffTools("s", tools({}), tools({ format: "uri" }));
    expect(change).toMatchObject({ rule: "format-added", severity: "breaking", witness: { a: "x" } });
  });

  it("a format nobody validates (pydantic's SecretStr → password) is a warning that says so", () => {
    expect(diffTools("s", tools({}), tools({ format: "password" }))).toEqual([
      {
        rule: "format-added",
        severity: "warning",
        server: "s",
        tool: "t",
        pointer: "/inputSchema/properties/a/format",
        message:
          'Parameter `a` gained format "password", which is no format of JSON Schema: servers may read it as a description only.',
        after: "password",
      },
    ]);
  });
});
