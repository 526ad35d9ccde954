// readTemplateFiles takes a listed path as it is when it is already absolute and normalized
// (src/pipeline/files.ts `resolved`): it must be what path.resolve gives, for any path.
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolved } from "../../src/pipeline/files.js";

describe("resolved: a listed path as path.resolve gives it", () => {
  it("equals path.resolve on generated paths (empty, ., .. and hidden segments, trailing slashes)", () => {
    const segment = fc.constantFrom("a", ".", "..", "", ".h", "..x", "x..", "b c", "é", "~", "p.hbs");
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(segment, { maxLength: 6 }),
        fc.boolean(),
        (absolute, parts, slash) => {
          const path = `${absolute ? "/" : ""}${parts.join("/")}${slash ? "/" : ""}`;
          expect(resolved(path), JSON.stringify(path)).toBe(resolve(path));
        },
      ),
      { numRuns: 5000 },
    );
    for (const path of [
      "",
      "/",
      "//",
      "/a//b",
      "/a/./b",
      "/a/../b",
      "/a/b/",
      "/a/.",
      "/a/..",
      "/.git/x",
      "/a/..b",
    ])
      expect(resolved(path), JSON.stringify(path)).toBe(resolve(path));
  });
});
