import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { ACKNOWLEDGEMENTS_VERSION } from "../../src/policy/acknowledgements.js";

const file = new URL("../../schema/acknowledgements.schema.json", import.meta.url);

// schema/acknowledgements.schema.json is what the code validates with (through the validators
// test/config/validators-generated.test.ts keeps current); its rule enum is RULE_IDS (test/config/rule-ids.test.ts).
test("schema/acknowledgements.schema.json is for the version the code writes", () => {
  const schema = JSON.parse(readFileSync(file, "utf8"));
  expect(schema.properties.version).toEqual({ const: ACKNOWLEDGEMENTS_VERSION });
  expect(schema.required).toEqual(["version", "acknowledgements"]);
});
