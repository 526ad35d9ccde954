// The shadowing check walks ASCII text by character code instead of a regular expression: it must
// see exactly the words `[\p{L}\p{N}_.-]+` matches, at the same indexes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eachWord } from "../../src/poisoning/scan.js";

const words = (text: string) => {
  const out: [number, string][] = [];
  eachWord(text, (index, word) => out.push([index, word]));
  return out;
};
const reference = (text: string) =>
  [...text.matchAll(/[\p{L}\p{N}_.-]+/gu)].map((m) => [m.index, m[0]] as [number, string]);

describe("eachWord", () => {
  it("gives the words and indexes of [\\p{L}\\p{N}_.-]+ on ASCII and other text", () => {
    const pieces = [
      "a",
      "Z",
      "0",
      "9",
      "_",
      ".",
      "-",
      " ",
      "`",
      "'",
      '"',
      "/",
      "~",
      "\n",
      "\t",
      "é",
      "中",
      "٣",
      "\u200b",
      "😀",
      "send_message",
      "x.y-",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join("");
        expect(words(text)).toEqual(reference(text));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
        expect(words(text)).toEqual(reference(text));
      }),
    );
    expect(words("call `send_message`. Then search-- ok")).toEqual([
      [0, "call"],
      [6, "send_message"],
      [19, "."],
      [21, "Then"],
      [26, "search--"],
      [35, "ok"],
    ]);
  });
});
