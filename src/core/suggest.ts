/**
 * The did-you-mean of every message that names something unknown (a template's
 * tool or parameter, a guarded call's argument): the closest candidate within
 * a small edit distance.
 */
import { closest, distance } from "fastest-levenshtein";

/** The candidate `name` most likely meant, when one is near enough to be a typo; else undefined. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const unique = [...new Set(candidates)].filter((c) => c !== name);
  if (unique.length === 0) return undefined;
  const best = closest(name, unique);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** "did you mean `x`?" for the closest candidate (see `closestName`), or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const best = closestName(name, candidates);
  return best === undefined ? undefined : `did you mean \`${best}\`?`;
}
