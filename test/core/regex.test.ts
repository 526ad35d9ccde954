// Server-supplied patterns run by RE2 (re2js): linear in the text, and meaning what ECMAScript
// means by them. The agreement property compares with V8 on patterns without nested repetition
// (V8 finishes on those quickly), the hostile ones are in test/guard/hostile-pattern.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRunnable, safeRegExp } from "../../src/core/regex.js";

const run = (pattern: string, text: string): boolean | string => {
  const re = safeRegExp(pattern);
  return isRunnable(re) ? re.test(text) : re.reason;
};

describe("safeRegExp", () => {
  it("gives JavaScript's \\s, \\S and . rather than RE2's ASCII ones", () => {
    expect(run("^\\s$", "\u00a0")).toBe(true);
    expect(run("^\\s$", "\ufeff")).toBe(true);
    expect(run("^\\S$", "\u00a0")).toBe(false);
    expect(run("^[^\\S]$", "\u2028")).toBe(true);
    expect(run("^[\\s\\S]+$", "a\n\u2028😀")).toBe(true);
    expect(run("^.$", "\r")).toBe(false);
    expect(run("^.$", "\u2029")).toBe(false);
    expect(run("^.$", "😀")).toBe(true);
    expect(run("^\\u00e9\\u{1F600}$", "é😀")).toBe(true);
    expect(run("^\\p{L}+$", "héllo")).toBe(true);
    expect(run("^(?<word>[a-z]+)$", "abc")).toBe(true);
    expect(run("^a$", "a\n")).toBe(false);
  });

  it("runs a nested repetition in linear time: ^(a+)+$ on 100,000 a's and a !", () => {
    expect(run("^(a+)+$", `${"a".repeat(100_000)}!`)).toBe(false);
    expect(run("^(a|a)*$", `${"a".repeat(100_000)}!`)).toBe(false);
    expect(run("^(a+)+$", "a".repeat(100_000))).toBe(true);
  });

  it("says why it does not run lookaround, backreferences and invalid patterns", () => {
    const reason =
      "uses lookaround, a backreference or another construct the linear-time engine (RE2) cannot run";
    expect(safeRegExp("^(?=.*\\d).{8,}$")).toEqual({ source: "^(?=.*\\d).{8,}$", reason, unsupported: true });
    expect(safeRegExp("(?<!x)y")).toMatchObject({ reason, unsupported: true });
    expect(safeRegExp("(a)\\1")).toMatchObject({ reason, unsupported: true });
    expect(safeRegExp("[")).toEqual({
      source: "[",
      reason: "is not a valid regular expression",
      unsupported: false,
    });
    // Valid only without the u flag (as Python servers write it): accepted when asked for.
    expect(safeRegExp("^[\\w-.]+$")).toMatchObject({ unsupported: false });
    expect(isRunnable(safeRegExp("^\\-$", true))).toBe(true);
  });

  it("agrees with V8 on the patterns of the fixtures and on generated strings", () => {
    const patterns = [
      "^[a-z]+$",
      "^[a-z0-9]+$",
      "^\\p{L}+$",
      "^[a-z]{1,3}$",
      "^[a-z]+\\d*$",
      "^[a-z]+$|^\\d{4}$",
      "^https?://",
      "^\\d{3}-\\d{4}$",
      "^[A-Z][a-zA-Z0-9_]*$",
      "^\\s*\\S.*$",
      "\\bword\\b",
      "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$",
      "^(?:[01]\\d|2[0-3]):[0-5]\\d$",
      "^[\\u0041-\\u005a]{2}$",
      "^.{2,4}$",
      "[.]",
    ];
    const alphabet = fc.constantFrom(..."aZ09 _-.:@/\n\r\t\u00a0\u2028é😀xw".split(/(?:)/u));
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.array(alphabet, { maxLength: 12 }), (pattern, chars) => {
        const text = chars.join("");
        expect(run(pattern, text)).toBe(new RegExp(pattern, "u").test(text));
      }),
      { numRuns: 2000, seed: 20261201 },
    );
  });
});
