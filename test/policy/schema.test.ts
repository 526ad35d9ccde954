import { readFileSync, writeFileSync } from "node:fs";
import { expect, test } from "vitest";
import { ACKNOWLEDGEMENTS_SCHEMA } from "../../src/policy/validate.js";

const file = new URL("../../schema/acknowledgements.schema.json", import.meta.url);

test("schema/acknowledgements.schema.json is the schema the code validates with", () => {
  // Regenerate with: UPDATE_GOLDEN=1 npm test -- test/policy/schema.test.ts
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(file, `${JSON.stringify(ACKNOWLEDGEMENTS_SCHEMA, null, 2)}\n`);
  }
  expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(ACKNOWLEDGEMENTS_SCHEMA);
});
