import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { generateConfigValidators, OUTPUT } from "../../scripts/config-validators.mjs";

it("the precompiled config validators match schema/config.schema.json (else run node scripts/config-validators.mjs)", () => {
  expect(readFileSync(OUTPUT, "utf8")).toBe(generateConfigValidators());
});
