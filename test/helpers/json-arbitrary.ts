// Arbitrary JSON for the canonical serialiser's property tests: awkward strings (digit keys that
// JavaScript orders first, case, non-ASCII, astral and lone surrogates, escapes) as keys and values.
import fc from "fast-check";

/** Strings that sort, escape or encode awkwardly. */
export const awkwardStrings = fc.constantFrom(
  "0",
  "10",
  "2",
  "a",
  "B",
  "é",
  "\u20ac",
  "\ud83d\ude00",
  "\ud800",
  "a\nb",
  '"',
  "\\",
  "",
);

/** Any JSON value (no NaN or infinities), with keys of at most `keyMaxLength` code units or awkward. */
export function jsonValue(keyMaxLength?: number): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    fc.string({ unit: "binary", ...(keyMaxLength === undefined ? {} : { maxLength: keyMaxLength }) }),
    awkwardStrings,
  );
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.string({ unit: "binary" }),
      awkwardStrings,
      fc.array(tie("value"), { maxLength: 5 }),
      fc.dictionary(key, tie("value"), { maxKeys: 6 }),
    ),
  })).value;
}
