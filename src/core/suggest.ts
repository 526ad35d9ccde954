/**
 * The did-you-mean of every message that names something unknown (a template's
 * tool or parameter, a guarded call's argument): the closest candidate within
 * a small edit distance.
 */
import { closest, distance } from "fastest-levenshtein";

/** The candidate `name` most likely meant, when one is near enough to be a typo; else undefined. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  // A candidate whose length differs by more than the limit is further than the limit: leaving it
  // out changes no answer (the first closest of the rest is the first closest of all whenever it is
  // near enough) and skips most of a long list's distances.
  const near = [...new Set(candidates)].filter(
    (c) => c !== name && Math.abs(c.length - name.length) <= limit,
  );
  if (near.length === 0) return undefined;
  const best = closest(name, near);
  return distance(name, best) <= limit ? best : undefined;
}

/** "did you mean `x`?" for the closest candidate (see `closestName`), or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const best = closestName(name, candidates);
  return best === undefined ? undefined : `did you mean \`${best}\`?`;
}

/** How many names a "configures: …" list shows before it says how many more there are. */
export const NAMES_SHOWN = 10;

/**
 * Why `name` is unknown among `known` (a config's servers): the one meant, when one is near enough,
 * then the first `NAMES_SHOWN` of them and how many more there are, so a config of hundreds of
 * servers gives one readable line.
 */
export function unknownNameHint(name: string, known: readonly string[], where: string): string {
  const meant = didYouMean(name, known);
  const shown = known.slice(0, NAMES_SHOWN).join(", ") || "none";
  const more = known.length > NAMES_SHOWN ? ` and ${known.length - NAMES_SHOWN} more` : "";
  return `${meant ? `${meant} ` : ""}${where} configures: ${shown}${more}`;
}
