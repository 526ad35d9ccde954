// findInvisible skips strings that a quick regex finds nothing suspicious in; this pins that the
// quick test misses no code point the classifier flags, across all of Unicode.
import { expect, it } from "vitest";
import { findInvisible, invisibleKind, showInvisible } from "../../src/poisoning/unicode.js";

it("findInvisible and showInvisible report every code point invisibleKind flags, alone and inside text", () => {
  const missed: string[] = [];
  let flagged = 0;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const kind = invisibleKind(cp);
    if (kind === undefined) continue;
    flagged++;
    const text = `plain ${String.fromCodePoint(cp)} text`;
    if (!findInvisible(text)?.codePoints.has(cp)) missed.push(cp.toString(16));
    if (!showInvisible(text).includes(`\\u{${cp.toString(16).toUpperCase()}}`))
      missed.push(`show ${cp.toString(16)}`);
  }
  expect(missed).toEqual([]);
  expect(flagged).toBeGreaterThan(400);
  expect(findInvisible("Find a customer by email.\nTabs\tare fine.")).toBeUndefined();
});
