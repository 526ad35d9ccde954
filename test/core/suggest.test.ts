// The did-you-mean of unknown names: `closestName` leaves out candidates whose length alone puts
// them beyond the limit before taking distances (a template naming an unknown tool is checked
// against every tool of the lockfile). The property compares it with the plain formulation, the
// first closest of all candidates kept when it is near enough, on names whose lengths straddle the
// limit.
import fc from "fast-check";
import { closest, distance } from "fastest-levenshtein";
import { describe, expect, it } from "vitest";
import { closestName, didYouMean } from "../../src/core/suggest.js";

function plain(name: string, candidates: readonly string[]): string | undefined {
  const unique = [...new Set(candidates)].filter((c) => c !== name);
  if (unique.length === 0) return undefined;
  const best = closest(name, unique);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

// Few letters, so that names are often near one another and of every length around the limit.
const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "_"), minLength: 0, maxLength: 14 });

describe("closestName", () => {
  it("answers as the first closest of all candidates within the limit", () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 30 }), (name, candidates) => {
        expect(closestName(name, candidates)).toBe(plain(name, candidates));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps a candidate exactly the limit longer or shorter, and the first of equally close ones", () => {
    // "abcdefghi": limit 3; "abcdefghijkl" is 3 longer (distance 3), "abcdef" 3 shorter (distance 3).
    expect(closestName("abcdefghi", ["abcdefghijkl"])).toBe("abcdefghijkl");
    expect(closestName("abcdefghi", ["abcdef"])).toBe("abcdef");
    expect(closestName("abcdefghi", ["abcde", "abcdefghijklm"])).toBeUndefined();
    expect(closestName("search", ["serch", "seach", "search"])).toBe("serch");
    expect(didYouMean("get_usr", ["list_users", "get_user"])).toBe("did you mean `get_user`?");
  });
});
