import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { generateValidators, outputPath, VALIDATORS } from "../../scripts/schema-validators.mjs";

it("every schema in schema/ has precompiled validators", () => {
  const schemas = VALIDATORS.map((entry) => entry.schema).sort();
  const inRepo = readdirSync(new URL("../../schema/", import.meta.url)).map((name) => `schema/${name}`);
  expect(schemas).toEqual(inRepo.sort());
  expect(schemas).toEqual([
    "schema/acknowledgements.schema.json",
    "schema/config.schema.json",
    "schema/export.schema.json",
    "schema/lockfile.schema.json",
    "schema/report.schema.json",
  ]);
});

for (const entry of VALIDATORS) {
  it(`${entry.output} matches ${entry.schema} (else run npm run validators)`, () => {
    expect(readFileSync(outputPath(entry), "utf8")).toBe(generateValidators(entry));
  });
}
