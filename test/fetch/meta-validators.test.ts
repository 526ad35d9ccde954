// The fetch checks each tool schema against its dialect's meta-schema with validators precompiled by
// scripts/schema-validators.mjs instead of ajv's validateSchema (which loads ajv and compiles the
// meta-schema on every run). This proves both give the same verdict and the same message on the
// real-world corpus, on invalid schemas of every kind and on every `$schema` value, and that the
// generated modules are current.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { generateMetaValidators, META_VALIDATORS, outputPath } from "../../scripts/schema-validators.mjs";
import { schemaCompileError } from "../../src/fetch/validate.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";

const options = { strict: false, validateFormats: false, logger: false, addUsedSchema: false } as const;
const ajv07 = new Ajv(options);
const ajv2020 = new Ajv2020(options);

/** The check as it was before the precompiled validators: ajv's own meta-schema validation. */
function withAjv(schema: Record<string, unknown>): string | undefined {
  const legacy = typeof schema.$schema === "string" && /draft-0[4-7]/.test(schema.$schema);
  const ajv = legacy ? ajv07 : ajv2020;
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  try {
    if (dialect !== "" && ajv.getSchema(dialect) === undefined)
      return `does not compile (unknown $schema dialect ${dialect})`;
    if (!ajv.validateSchema(schema))
      return `does not compile (${ajv.errorsText(ajv.errors, { dataVar: "schema" })})`;
    return undefined;
  } catch (error) {
    return `does not compile (${(error as Error).message.split("\n")[0]})`;
  }
}

/** Every tool schema of the corpus (input and output), each snapshot of each package. */
function corpusSchemas(): Record<string, unknown>[] {
  const schemas: Record<string, unknown>[] = [];
  for (const pkg of readdirSync(CORPUS_SNAPSHOTS)) {
    for (const file of readdirSync(join(CORPUS_SNAPSHOTS, pkg))) {
      const snapshot = JSON.parse(readFileSync(join(CORPUS_SNAPSHOTS, pkg, file), "utf8")) as {
        tools: { inputSchema?: Record<string, unknown>; outputSchema?: Record<string, unknown> }[];
      };
      for (const tool of snapshot.tools) {
        if (tool.inputSchema) schemas.push(tool.inputSchema);
        if (tool.outputSchema) schemas.push(tool.outputSchema);
      }
    }
  }
  return schemas;
}

/** Invalid in one place each, at the root and nested under every kind of sub-schema keyword. */
const BROKEN: Record<string, unknown>[] = [
  { type: 5 },
  { type: "object", properties: { a: { type: "strng" } } },
  { type: "object", properties: { a: { minimum: "1" } } },
  { type: "object", required: "a" },
  { type: "object", required: ["a", "a"] },
  { type: "object", properties: { a: { type: "array", items: { enum: "x" } } } },
  { type: "object", properties: { a: { type: "array", items: [{ type: "string" }] } } },
  { type: "object", properties: { a: { anyOf: [{ type: "string" }, { maxLength: -1 }] } } },
  { type: "object", $defs: { x: { type: "object", properties: { y: { multipleOf: 0 } } } } },
  { type: "object", additionalProperties: { type: ["string", 3] } },
  { type: "object", patternProperties: { "^a": { const: 1, minItems: 1.5 } } },
  { type: "object", dependentSchemas: { a: { not: { type: "nul" } } } },
  { type: "object", properties: { a: { if: { type: "string" }, else: { format: 3 } } } },
  { type: "object", properties: { a: { description: 7, title: [] } } },
  { type: "object", properties: { a: true, b: false, c: 3 } },
  { type: "object", properties: [] },
  { type: "object", unevaluatedProperties: { minProperties: "2" } },
  { type: "object", properties: { deep: { type: "object", properties: { deeper: { type: "wat" } } } } },
];

/** Every `$schema` a tool may declare: the precompiled ones, other spellings, unknown ones, non-strings. */
const DIALECTS: unknown[] = [
  undefined,
  "https://json-schema.org/draft/2020-12/schema",
  "https://json-schema.org/draft/2020-12/schema#",
  "http://json-schema.org/draft-07/schema#",
  "http://json-schema.org/draft-07/schema",
  "https://json-schema.org/draft-07/schema#",
  "http://json-schema.org/draft-04/schema#",
  "http://json-schema.org/draft-06/schema#",
  "https://json-schema.org/draft/2019-09/schema",
  "https://json-schema.org/draft/2020-12/meta/core",
  "https://example.com/my-dialect",
  "",
  5,
  null,
];

const withDialect = (schema: Record<string, unknown>, dialect: unknown) =>
  dialect === undefined ? schema : { $schema: dialect, ...schema };

describe("precompiled meta-schema validators", () => {
  it("give ajv's verdict and message on every corpus schema", () => {
    const schemas = corpusSchemas();
    expect(schemas.length).toBeGreaterThan(300);
    for (const schema of schemas) expect(schemaCompileError(schema)).toBe(withAjv(schema));
  });

  it("give ajv's verdict and message on broken schemas, in every dialect", () => {
    let invalid = 0;
    for (const dialect of DIALECTS) {
      for (const schema of [{ type: "object" }, ...BROKEN]) {
        const expected = withAjv(withDialect(schema, dialect));
        if (expected !== undefined) invalid++;
        expect([dialect, schema, schemaCompileError(withDialect(schema, dialect))]).toEqual([
          dialect,
          schema,
          expected,
        ]);
      }
    }
    // Not vacuous: most of them are refused, with ajv's own words.
    expect(invalid).toBeGreaterThan(200);
    expect(schemaCompileError({ type: "object", properties: { a: { type: "strng" } } })).toBe(
      "does not compile (schema/properties/a/type must be equal to one of the allowed values, schema/properties/a/type must be array, schema/properties/a/type must match a schema in anyOf)",
    );
  });

  for (const entry of META_VALIDATORS) {
    it(`${entry.output} is current (else run npm run validators)`, () => {
      expect(readFileSync(outputPath(entry), "utf8")).toBe(generateMetaValidators(entry));
    });
  }
});
