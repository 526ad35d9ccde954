// canonicalJson writes data whose objects already enumerate their keys in sorted order (a lockfile's
// definitions, parsed back) with JSON.stringify instead of its own serialiser: this pins that both
// give the same text, and that everything else still goes to the serialiser.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonIterative } from "../../src/canonical/index.js";
import { stableStringify } from "../../src/lockfile/serialize.js";
import { jsonValue } from "../helpers/json-arbitrary.js";

const json = jsonValue(4);

describe("canonicalJson of data in canonical key order", () => {
  it("is the serialiser's text for any value, parsed back as a lockfile writes it (sorted) or not", () => {
    fc.assert(
      fc.property(json, (v) => {
        const reference = canonicalJsonIterative(v);
        expect(canonicalJson(v)).toBe(reference);
        // As `lock` writes it and `check` reads it back: every object's keys sorted.
        expect(canonicalJson(JSON.parse(stableStringify(v)))).toBe(reference);
        expect(canonicalJson(JSON.parse(JSON.stringify(v)))).toBe(reference);
      }),
      { numRuns: 2000 },
    );
  });

  it("sorts what is not in order: unsorted keys, integer keys enumerated first, nested ones", () => {
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    // JavaScript enumerates integer keys first and numerically; RFC 8785 sorts them as strings.
    expect(canonicalJson(JSON.parse('{"10":1,"9":2}'))).toBe('{"10":1,"9":2}');
    expect(canonicalJson(JSON.parse('{"a":[{"y":1,"x":{"d":0,"c":0}}]}'))).toBe(
      '{"a":[{"x":{"c":0,"d":0},"y":1}]}',
    );
    // A later object out of order, after sorted ones.
    expect(canonicalJson({ a: { a: 1, b: 2 }, b: { d: 1, c: 2 } })).toBe(
      '{"a":{"a":1,"b":2},"b":{"c":2,"d":1}}',
    );
  });

  it("leaves to the serialiser what JSON.stringify writes otherwise", () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/not allowed/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/not allowed/);
    // A boxed primitive: JSON.stringify writes its value, the serialiser an object.
    expect(canonicalJson({ a: new Number(5) })).toBe('{"a":{}}');
    expect(canonicalJson({ a: { toJSON: () => "x" } })).toBe('{"a":"x"}');
    // biome-ignore lint/suspicious/noSparseArray: a hole, which JSON.stringify writes as null too
    expect(canonicalJson([1, , 2])).toBe("[1,null,2]");
    const deep: unknown[] = [];
    let at = deep;
    for (let i = 0; i < 20_000; i++) {
      const next: unknown[] = [];
      at.push(next);
      at = next;
    }
    expect(canonicalJson({ deep })).toBe(`{"deep":${"[".repeat(20_001)}${"]".repeat(20_001)}}`);
  });
});
