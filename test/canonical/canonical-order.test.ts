// canonicalJson writes data whose objects already enumerate their keys in sorted order (a lockfile's
// definitions, parsed back) with JSON.stringify instead of its own serialiser: this pins that both
// give the same text, and that everything else still goes to the serialiser.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateTools } from "../../bench/generate.mjs";
import { canonicalJson, canonicalJsonIterative } from "../../src/canonical/index.js";
import { stableStringify } from "../../src/lockfile/serialize.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";
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

  it("is the serialiser's text for the corpus's and the benchmark's tools as a lockfile holds them", () => {
    const tools: unknown[] = generateTools(300);
    for (const pkg of readdirSync(CORPUS_SNAPSHOTS))
      for (const file of readdirSync(join(CORPUS_SNAPSHOTS, pkg)))
        tools.push(
          ...(JSON.parse(readFileSync(join(CORPUS_SNAPSHOTS, pkg, file), "utf8")) as { tools: unknown[] })
            .tools,
        );
    expect(tools.length).toBeGreaterThan(800);
    for (const tool of tools) {
      const reference = canonicalJsonIterative(tool);
      expect(canonicalJson(tool)).toBe(reference);
      expect(canonicalJson(JSON.parse(stableStringify(tool)))).toBe(reference);
    }
  });

  it("is the serialiser's text for awkward keys and values read back from a lockfile", () => {
    const texts = [
      // `__proto__` parsed as an own key; integer-like keys, which JavaScript enumerates first.
      '{"__proto__":{"b":1,"a":2},"a":0}',
      '{"__proto__":1,"a":{"__proto__":[]}}',
      '{"1":0,"a":0}',
      '{"a":0,"1":0}',
      '{"10":0,"9":0,"x":{"01":0,"1":0}}',
      // Numbers ECMAScript writes in exponent form or as 0, strings JSON.stringify escapes.
      '{"a":-0,"b":1e21,"c":1e-7,"d":123456789012345680000,"e":5e-324,"f":1.7976931348623157e308}',
      '{"a":"\\ud800","b":"\\udc00x","c":"\\u2028\\u2029","d":"\\u0000\\u001f\\"\\\\","e":"\\ud83d\\ude00"}',
      // Keys compared by UTF-16 code unit: U+FFFF sorts after the surrogates of U+1F600.
      '{"\\ud83d\\ude00":1,"\\uffff":2,"\\u00e9":3,"e":4,"E":5,"":6}',
      '{"\\uffff":2,"\\ud83d\\ude00":1}',
      `{"deep":${"[".repeat(400)}{"b":0,"a":0}${"]".repeat(400)}}`,
      `{"deep":${'{"a":'.repeat(600)}0${"}".repeat(600)}}`,
    ];
    for (const text of texts) {
      const value = JSON.parse(text);
      const reference = canonicalJsonIterative(value);
      expect(canonicalJson(value), text.slice(0, 60)).toBe(reference);
      expect(canonicalJson(JSON.parse(stableStringify(value))), text.slice(0, 60)).toBe(reference);
    }
    expect(canonicalJson(JSON.parse('{"b":-0,"a":1e21}'))).toBe('{"a":1e+21,"b":0}');
  });

  it("is the serialiser's text when Object.prototype has an enumerable property", () => {
    // `for…in` (the key order test) also lists inherited keys; JSON.stringify writes own ones only.
    Object.defineProperty(Object.prototype, "m", {
      value: 1,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      for (const text of ['{"a":0,"z":0}', '{"a":{"b":0}}', '{"n":0,"z":[{"a":0}]}', '{"z":0}'])
        expect(canonicalJson(JSON.parse(text))).toBe(text);
    } finally {
      delete (Object.prototype as Record<string, unknown>).m;
    }
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
