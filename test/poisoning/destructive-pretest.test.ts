// destructiveWord first asks one regular expression whether a tool name can hold a destructive word
// (one of the words anywhere, in any case, or a character beyond ASCII) and splits the name into
// words only then: this pins that the answer is the one the split alone gives.
import fc from "fast-check";
import { expect, it } from "vitest";
import { generateTools } from "../../bench/generate.mjs";
import { destructiveWord, nameWords } from "../../src/poisoning/patterns.js";

const WORDS = ["delete", "DEL", "Drop", "remove", "rm", "destroy", "purge", "erase", "wipe", "truncate"];
const MORE = ["terminate", "kill", "unlink", "revoke", "overwrite", "get", "list", "item", "file", "x"];
// KELVIN SIGN lowers to `k`, DOTTED CAPITAL I to `i` and a combining dot; the others are look-alikes.
const ODD = ["\u212a", "\u0130", "\u0131", "\u017f", "é", "\u0435", "\u200b", "ß"];
const SEPARATORS = ["_", "-", ".", "/", " ", "", "1", "A"];

/** The first destructive word of `name` by splitting alone, as destructiveWord answered before its pretest. */
function reference(name: string): string | undefined {
  const destructive = new Set([...WORDS, ...MORE.slice(0, 5)].map((w) => w.toLowerCase()));
  return nameWords(name).find((w) => destructive.has(w));
}

it("destructiveWord is the split's answer on generated names and the benchmark's", () => {
  const part = fc.oneof(
    fc.constantFrom(...WORDS, ...MORE, ...ODD, ...SEPARATORS),
    fc.string({ maxLength: 4 }),
  );
  const name = fc.array(part, { maxLength: 6 }).map((parts) => parts.join(""));
  let found = 0;
  fc.assert(
    fc.property(name, (n) => {
      const expected = reference(n);
      expect(destructiveWord(n), JSON.stringify(n)).toBe(expected);
      if (expected !== undefined) found++;
    }),
    { numRuns: 5000 },
  );
  expect(found).toBeGreaterThan(500);
  for (const n of ["\u212aill_all", "KILL", "deleteItem", "rmDir", "drop.table", "undelete", "farm"])
    expect(destructiveWord(n), n).toBe(reference(n));
  expect(destructiveWord("\u212aill_all")).toBe("kill");
  for (const tool of generateTools(500) as { name: string }[])
    expect(destructiveWord(tool.name)).toBe(reference(tool.name));
});
