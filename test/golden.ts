import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** test/golden/ */
export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "golden");

/**
 * Compares `actual` with the golden file `test/golden/<name>`; with
 * UPDATE_GOLDEN=1 rewrites the file instead (then review the diff).
 */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, "utf8");
  } catch {
    throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
  }
  expect(actual).toBe(expected);
}
