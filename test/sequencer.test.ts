// test/sequencer.ts starts the files it names first: each must be a test file of the suite (a
// renamed or removed file would silently lose its place).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LONG_FIRST } from "./sequencer.js";

describe("the long-first list", () => {
  it("names existing test files, each once", () => {
    for (const file of LONG_FIRST) {
      expect(file).toMatch(/^test\/.+\.test\.ts$/);
      expect(existsSync(join(import.meta.dirname, "..", file)), file).toBe(true);
    }
    expect(new Set(LONG_FIRST).size).toBe(LONG_FIRST.length);
  });
});
