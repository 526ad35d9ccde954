// accepts(a, b): is every value valid under a valid under b? Examples of each keyword class, then
// property tests against ajv: "yes" never meets a value a accepts and b rejects, every "no" carries a
// witness ajv confirms, accepts(a, a) is yes.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { accepts } from "../../src/diff/accepts.js";

// allErrors: ajv 8's short-circuiting code accepts [] under `{contains: C, prefixItems: [{items: false}]}`
// (the nested `items` check resets the outer `contains` count); with allErrors it does not.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const compiled = new Map<string, (v: unknown) => boolean>();
function valid(schema: unknown, value: unknown): boolean {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    const f = ajv.compile(schema as object);
    fn = (v) => f(v) === true;
    compiled.set(key, fn);
  }
  return fn(value);
}

function verdict(a: unknown, b: unknown): string {
  return accepts(a, b).verdict;
}

/** Checks a "no" answer's witness with ajv and returns the verdict. */
function checked(a: unknown, b: unknown): string {
  const answer = accepts(a, b);
  if (answer.verdict === "no") {
    expect(valid(a, answer.witness), `witness ${JSON.stringify(answer.witness)} valid under a`).toBe(true);
    expect(valid(b, answer.witness), `witness ${JSON.stringify(answer.witness)} invalid under b`).toBe(false);
  }
  return answer.verdict;
}

describe("accepts: examples", () => {
  test.each([
    ["same schema", { type: "string", minLength: 2 }, { type: "string", minLength: 2 }, "yes"],
    ["integer within number", { type: "integer" }, { type: "number" }, "yes"],
    ["number not within integer", { type: "number" }, { type: "integer" }, "no"],
    [
      "nullable within wider",
      { type: ["string", "null"] },
      { anyOf: [{ type: "string" }, { type: "null" }] },
      "yes",
    ],
    ["null not accepted", { type: ["string", "null"] }, { type: "string" }, "no"],
    ["enum subset", { enum: ["a", "b"] }, { enum: ["a", "b", "c"] }, "yes"],
    ["enum superset", { enum: ["a", "b", "c"] }, { enum: ["a", "b"] }, "no"],
    ["const within type", { const: 3 }, { type: "integer", minimum: 0 }, "yes"],
    ["tighter minimum", { type: "number", minimum: 5 }, { type: "number", minimum: 1 }, "yes"],
    ["looser minimum", { type: "number", minimum: 1 }, { type: "number", minimum: 5 }, "no"],
    [
      "exclusive within inclusive",
      { type: "number", exclusiveMinimum: 1 },
      { type: "number", minimum: 1 },
      "yes",
    ],
    [
      "inclusive not within exclusive",
      { type: "number", minimum: 1 },
      { type: "number", exclusiveMinimum: 1 },
      "no",
    ],
    [
      "integer exclusive bound",
      { type: "integer", exclusiveMaximum: 10 },
      { type: "integer", maximum: 9 },
      "yes",
    ],
    ["multipleOf 4 within 2", { type: "integer", multipleOf: 4 }, { type: "integer", multipleOf: 2 }, "yes"],
    [
      "multipleOf 2 not within 4",
      { type: "integer", multipleOf: 2 },
      { type: "integer", multipleOf: 4 },
      "no",
    ],
    ["lengths", { type: "string", minLength: 2, maxLength: 4 }, { type: "string", maxLength: 5 }, "yes"],
    ["longer strings", { type: "string", maxLength: 8 }, { type: "string", maxLength: 5 }, "no"],
    ["same pattern", { type: "string", pattern: "^a" }, { type: "string", pattern: "^a" }, "yes"],
    ["pattern added", { type: "string" }, { type: "string", pattern: "^a" }, "no"],
    ["format added", { type: "string" }, { type: "string", format: "email" }, "no"],
    ["same format", { type: "string", format: "email" }, { type: "string", format: "email" }, "yes"],
    [
      "required superset",
      { type: "object", required: ["a", "b"] },
      { type: "object", required: ["a"] },
      "yes",
    ],
    ["required added", { type: "object", required: ["a"] }, { type: "object", required: ["a", "b"] }, "no"],
    [
      "property narrower",
      { type: "object", properties: { a: { type: "integer" } } },
      { type: "object", properties: { a: { type: "number" } } },
      "yes",
    ],
    [
      "property wider",
      { type: "object", properties: { a: { type: "number" } } },
      { type: "object", properties: { a: { type: "integer" } } },
      "no",
    ],
    [
      "closed object within open",
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
      { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } },
      "yes",
    ],
    [
      "open object not within closed",
      { type: "object", properties: { a: { type: "string" } } },
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
      "no",
    ],
    [
      "additionalProperties schema",
      { type: "object", additionalProperties: { type: "integer" } },
      { type: "object", additionalProperties: { type: "number" } },
      "yes",
    ],
    [
      "items",
      { type: "array", items: { type: "integer" } },
      { type: "array", items: { type: "number" } },
      "yes",
    ],
    [
      "items wider",
      { type: "array", items: { type: "number" } },
      { type: "array", items: { type: "integer" } },
      "no",
    ],
    ["item counts", { type: "array", minItems: 2, maxItems: 3 }, { type: "array", minItems: 1 }, "yes"],
    ["unique within bound", { type: "array", maxItems: 1 }, { type: "array", uniqueItems: true }, "yes"],
    ["duplicates", { type: "array" }, { type: "array", uniqueItems: true }, "no"],
    [
      "tuple within tuple",
      { type: "array", prefixItems: [{ type: "integer" }, { type: "string" }], items: false },
      { type: "array", prefixItems: [{ type: "number" }], items: { type: "string" } },
      "yes",
    ],
    [
      "tuple position wider",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }] },
      { type: "array", prefixItems: [{ type: "integer" }, { type: "string" }] },
      "no",
    ],
    [
      "items: false closes",
      { type: "array", prefixItems: [{}], items: false },
      { type: "array", maxItems: 1 },
      "yes",
    ],
    [
      "longer than closed tuple",
      { type: "array", prefixItems: [{}] },
      { type: "array", prefixItems: [{}], items: false },
      "no",
    ],
    [
      "contains from items",
      { type: "array", items: { type: "string" }, minItems: 1 },
      { type: "array", contains: { type: "string" } },
      "yes",
    ],
    ["contains missing", { type: "array" }, { type: "array", contains: { type: "string" } }, "no"],
    [
      "dependentRequired from required",
      { type: "object", required: ["a", "b"] },
      { type: "object", dependentRequired: { a: ["b"] } },
      "yes",
    ],
    [
      "dependentRequired added",
      { type: "object" },
      { type: "object", dependentRequired: { a: ["b"] } },
      "no",
    ],
    [
      "dependentSchemas same",
      { type: "object", dependentSchemas: { a: { required: ["b"] } } },
      { type: "object", dependentSchemas: { a: { required: ["b"] } } },
      "yes",
    ],
    [
      "dependentSchemas weaker",
      { type: "object", dependentSchemas: { a: { required: ["b", "c"] } } },
      { type: "object", dependentSchemas: { a: { required: ["b"] } } },
      "yes",
    ],
    [
      "dependentSchemas added",
      { type: "object" },
      { type: "object", dependentSchemas: { a: { required: ["b"] } } },
      "no",
    ],
    [
      "wrapped in allOf",
      { type: "string", minLength: 1 },
      { allOf: [{ type: "string", minLength: 1 }] },
      "yes",
    ],
    ["anyOf one branch", { anyOf: [{ type: "string" }] }, { allOf: [{ type: "string" }] }, "yes"],
    ["oneOf to allOf", { oneOf: [{ type: "string" }] }, { allOf: [{ type: "string" }] }, "yes"],
    [
      "allOf weaker copy",
      { type: "string", minLength: 3 },
      { type: "string", allOf: [{ minLength: 1 }] },
      "yes",
    ],
    ["allOf stricter", { type: "string" }, { type: "string", allOf: [{ minLength: 1 }] }, "no"],
    [
      "union split by type",
      { type: ["string", "integer"] },
      { anyOf: [{ type: "string" }, { type: "integer" }] },
      "yes",
    ],
    [
      "anyOf to oneOf of disjoint branches",
      { anyOf: [{ type: "string" }, { type: "integer" }] },
      { oneOf: [{ type: "string" }, { type: "integer" }] },
      "yes",
    ],
    [
      "oneOf of overlapping branches",
      { type: "integer" },
      { oneOf: [{ type: "integer" }, { type: "number" }] },
      "no",
    ],
    ["branches merged", { anyOf: [{ const: "a" }, { const: "b" }] }, { enum: ["a", "b"] }, "yes"],
    [
      "branch dropped",
      { anyOf: [{ type: "string" }, { type: "boolean" }] },
      { anyOf: [{ type: "string" }] },
      "no",
    ],
    [
      "local $ref",
      { $defs: { s: { type: "string", maxLength: 3 } }, $ref: "#/$defs/s" },
      { $defs: { t: { type: "string" } }, $ref: "#/$defs/t" },
      "yes",
    ],
    ["false within anything", false, { type: "string" }, "yes"],
    ["anything not within false", true, false, "no"],
  ])("%s", (_name, a, b, expected) => {
    expect(checked(a, b)).toBe(expected);
  });

  test("a recursive schema accepts itself and a weaker copy", () => {
    const tree = {
      $defs: {
        node: { type: "object", properties: { kids: { type: "array", items: { $ref: "#/$defs/node" } } } },
      },
      $ref: "#/$defs/node",
    };
    const loose = {
      $defs: {
        node: { type: "object", properties: { kids: { type: "array", items: { $ref: "#/$defs/node" } } } },
      },
      $ref: "#/$defs/node",
    };
    expect(verdict(tree, loose)).toBe("yes");
  });
});

// ---- Property tests -------------------------------------------------------------------------

const names = ["a", "b", "c"];
const scalar = fc.oneof(
  fc.constantFrom("a", "b", "", "xyz"),
  fc.integer({ min: -3, max: 10 }),
  fc.constantFrom(0.5, 2.5),
  fc.boolean(),
  fc.constant(null),
);

/** Schemas from the subset accepts understands. */
const schema: fc.Arbitrary<unknown> = fc.letrec<{ s: unknown }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<unknown>(true, false, {}),
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("string", "integer", "number", "boolean", "null", "object", "array"),
          fc.uniqueArray(fc.constantFrom("string", "integer", "number", "null"), {
            minLength: 1,
            maxLength: 3,
          }),
        ),
        minimum: fc.integer({ min: -2, max: 5 }),
        exclusiveMaximum: fc.integer({ min: 0, max: 8 }),
        multipleOf: fc.constantFrom(1, 2, 3, 0.5),
        minLength: fc.integer({ min: 0, max: 3 }),
        maxLength: fc.integer({ min: 0, max: 4 }),
      },
      { requiredKeys: [] },
    ),
    fc.record({
      enum: fc.uniqueArray(scalar, { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) }),
    }),
    fc.record({ const: scalar }),
    fc.record(
      {
        type: fc.constant("object"),
        properties: fc.dictionary(fc.constantFrom(...names), tie("s"), { maxKeys: 2 }),
        required: fc.uniqueArray(fc.constantFrom(...names), { maxLength: 2 }),
        additionalProperties: fc.oneof(fc.boolean(), tie("s")),
        minProperties: fc.integer({ min: 0, max: 2 }),
        dependentRequired: fc.dictionary(
          fc.constantFrom(...names),
          fc.uniqueArray(fc.constantFrom(...names), { maxLength: 2 }),
          { maxKeys: 1 },
        ),
      },
      { requiredKeys: ["type"] },
    ),
    fc.record(
      {
        type: fc.constant("array"),
        items: fc.oneof(tie("s"), fc.constant(false)),
        prefixItems: fc.array(tie("s"), { minLength: 1, maxLength: 2 }),
        minItems: fc.integer({ min: 0, max: 2 }),
        maxItems: fc.integer({ min: 0, max: 3 }),
        uniqueItems: fc.boolean(),
        contains: tie("s"),
      },
      { requiredKeys: ["type"] },
    ),
    fc.record({ anyOf: fc.array(tie("s"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie("s"), { minLength: 1, maxLength: 2 }) }),
    fc.record({ allOf: fc.array(tie("s"), { minLength: 1, maxLength: 2 }) }),
  ),
})).s;

/** Values to try: plain JSON and ones built near the schemas' shapes. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...names, "d"), tie("v"), { maxKeys: 3 }),
  ),
})).v;

const SETTINGS = { numRuns: 150, seed: 15, endOnFailure: true } as const;

describe("accepts: property tests against ajv", () => {
  test("accepts(a, a) is yes, and so are a against allOf [a] and anyOf [a, …]", () => {
    fc.assert(
      fc.property(schema, schema, (a, other) => {
        expect(verdict(a, a)).toBe("yes");
        expect(verdict(a, { allOf: [a] })).toBe("yes");
        expect(verdict({ allOf: [a] }, a)).toBe("yes");
        expect(verdict(a, { anyOf: [a, other] })).toBe("yes");
      }),
      SETTINGS,
    );
  });

  test("yes never meets a value a accepts and b rejects; every no carries a witness ajv confirms", () => {
    fc.assert(
      fc.property(schema, schema, fc.array(value, { maxLength: 12 }), (a, b, values) => {
        for (const [x, y] of [
          [a, b],
          [b, a],
          [a, { allOf: [a, b] }],
          [{ anyOf: [a, b] }, a],
        ] as const) {
          const answer = accepts(x, y);
          if (answer.verdict === "no") {
            expect(valid(x, answer.witness)).toBe(true);
            expect(valid(y, answer.witness)).toBe(false);
          }
          if (answer.verdict === "yes") {
            for (const v of values) if (valid(x, v)) expect(valid(y, v), JSON.stringify(v)).toBe(true);
          }
        }
      }),
      SETTINGS,
    );
  });
});
