/**
 * Patterns compared by witness: strings drawn from the old regular expression
 * (randexp, a kept generator, not a hand-written one) and checked against the
 * new one. A string the old pattern accepts and the new one refuses proves the
 * change narrows; when no candidate does, the answer is "unknown", never "no
 * change" (sampling cannot prove that two patterns accept the same strings).
 *
 * Deterministic: randexp's random choices come from a generator seeded by the
 * two patterns, so the same pair gets the same candidates, in the same order,
 * on every run and machine.
 */
import { createRequire } from "node:module";
import { isRunnable, safeRegExp } from "../core/regex.js";

/** randexp's class: CommonJS with `module.exports = RandExp`, while its typings declare a default export. */
type RandExpClass = typeof import("randexp").default;
let RandExp: RandExpClass | undefined;
/** randexp, loaded on the first changed pattern (a diff without one never loads it). */
function randexp(): RandExpClass {
  RandExp ??= createRequire(import.meta.url)("randexp") as RandExpClass;
  return RandExp;
}

/** Length limits (in code points, as JSON Schema counts) a witness must also respect. */
export interface StringLimits {
  minLength?: number;
  maxLength?: number;
}

/** A string the first pattern accepts and the second refuses, or why none was found. */
export type PatternAnswer = { witness: string } | { unknown: string };

/** Random candidates drawn per question, after the shortest and the longest ones. */
const RANDOM_CANDIDATES = 64;
/** How far past its minimum an unbounded repetition (`*`, `+`, `{n,}`) is drawn. */
const REPEAT_SPAN = [3, 8] as const;

/** FNV-1a over the text: the seed of a question's generator. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same sequence. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Strings `pattern` should accept: the shortest randexp draws (every choice at its minimum), the
 * longest (at its maximum, unbounded repetitions `REPEAT_SPAN[0]` past their minimum), then random
 * ones from a generator seeded by `seed`. Lazy; none when randexp cannot read the pattern.
 */
export function* patternCandidates(pattern: string, seed: string): Generator<string> {
  let rex: InstanceType<RandExpClass>;
  try {
    rex = new (randexp())(pattern);
  } catch {
    return;
  }
  const draw = (randInt: (a: number, b: number) => number, max: number): string | undefined => {
    rex.max = max;
    rex.randInt = randInt;
    try {
      return rex.gen();
    } catch {
      return undefined;
    }
  };
  const shortest = draw((a) => a, 0);
  if (shortest !== undefined) yield shortest;
  const longest = draw((_a, b) => b, REPEAT_SPAN[0]);
  if (longest !== undefined) yield longest;
  const random = generator(seedOf(seed));
  for (let i = 0; i < RANDOM_CANDIDATES; i++) {
    const span = REPEAT_SPAN[i % 2]!;
    const s = draw((a, b) => a + Math.floor(random() * (b - a + 1)), span);
    if (s !== undefined) yield s;
  }
}

function fits(s: string, limits: StringLimits): boolean {
  const n = [...s].length;
  return (
    (limits.minLength === undefined || n >= limits.minLength) &&
    (limits.maxLength === undefined || n <= limits.maxLength)
  );
}

/**
 * A string `before` accepts (and that respects `limits`, the old schema's length bounds) which
 * `after` refuses: the witness that the pattern change narrows. `unknown` when a pattern does not
 * compile, randexp cannot draw from `before`, or no candidate is refused (then the change may
 * widen, keep or narrow what is accepted: sampling cannot tell).
 */
export function patternWitness(before: string, after: string, limits: StringLimits = {}): PatternAnswer {
  // Run in linear time (RE2): a hostile server's /^(a+)+$/ must not hang `check` on a drawn string.
  // Unicode mode, as ajv and @cfworker/json-schema read a pattern, or without it when it is not
  // valid there (as Python servers and zod accept it).
  const from = safeRegExp(before, true);
  const to = safeRegExp(after, true);
  if (!isRunnable(from)) return { unknown: `/${before}/ ${from.reason}` };
  if (!isRunnable(to)) return { unknown: `/${after}/ ${to.reason}` };
  let drawn = 0;
  for (const drawnString of patternCandidates(before, `${before}\u0000${after}`)) {
    // A pattern is not anchored: text around a match still matches (the old pattern checks that).
    for (const candidate of [drawnString, `x${drawnString}`, `${drawnString}x`]) {
      if (!from.test(candidate) || !fits(candidate, limits)) continue;
      drawn++;
      if (!to.test(candidate)) return { witness: candidate };
    }
  }
  return {
    unknown:
      drawn === 0
        ? `no string could be drawn from /${before}/`
        : `each of ${drawn} strings drawn from /${before}/ still matches`,
  };
}
