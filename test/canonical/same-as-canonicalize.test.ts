// src/canonical serialises by hand for speed (see `npm run bench`); every lockfile hash depends on it
// staying byte-identical to the `canonicalize` package's RFC 8785 output, which this test pins.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/canonical/index.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";
import { jsonValue } from "../helpers/json-arbitrary.js";

const canonicalize = createRequire(import.meta.url)("canonicalize") as (value: unknown) => string;
const snapshots = CORPUS_SNAPSHOTS;

describe("canonicalJson matches the canonicalize package byte for byte", () => {
  it("on arbitrary JSON values, including awkward keys and strings", () => {
    const value = jsonValue();
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 1000 },
    );
    expect(canonicalJson(fc.sample(fc.jsonValue(), 1)[0])).toBeTypeOf("string");
  });

  it("on every tool of the real-world corpus", () => {
    let tools = 0;
    for (const pkg of readdirSync(snapshots)) {
      for (const file of readdirSync(join(snapshots, pkg))) {
        const snapshot = JSON.parse(readFileSync(join(snapshots, pkg, file), "utf8")) as { tools: unknown[] };
        for (const tool of snapshot.tools) {
          expect(canonicalJson(tool)).toBe(canonicalize(tool));
          tools++;
        }
      }
    }
    expect(tools).toBeGreaterThan(500);
  });

  it("drops undefined members and nulls undefined array items, as canonicalize does", () => {
    const v = { b: undefined, a: [undefined, 1] };
    expect(canonicalJson(v)).toBe(canonicalize(v));
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/not allowed/);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/not allowed/);
  });
});
