/**
 * Instructions rules: the `instructions` of the initialize result (or `server/discover`) added,
 * changed or removed. A model reads them like a description, so every change is a warning, with
 * the word diff description changes show.
 */

import { type Change, newChange } from "../../core/change.js";
import type { LockedInstructions } from "../../core/lockfile.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { wordDiff } from "../words.js";

const change = {
  direction: "none",
  keywords: [],
  witness: "none",
  severity: "warning",
  bump: "minor",
} as const;

/** Instructions rules. */
export const instructionsRules = defineRecords("instructions", {
  "instructions-added": {
    ...change,
    summary: "The server now sends instructions: the model reads them on every session.",
    inverse: ["instructions-removed"],
  },
  "instructions-changed": {
    ...change,
    summary: "The server's instructions changed: the model reads them like a description.",
    inverse: ["instructions-changed"],
  },
  "instructions-removed": {
    ...change,
    summary: "The server no longer sends instructions: guidance the agent relied on is gone.",
    inverse: ["instructions-added"],
  },
});

/** The instructions family: checked by `diffSurface`. */
export const instructionsFamily: Family = { name: "instructions", rules: instructionsRules };

/** The instructions finding between two known sides (null: none sent); none when equal. */
export function diffInstructions(
  server: string,
  before: LockedInstructions | null,
  after: LockedInstructions | null,
): Change[] {
  const a = before?.text;
  const b = after?.text;
  if (a === b) return [];
  const at = { kind: "instructions" as const };
  if (a === undefined)
    return [
      newChange(
        instructionsRules["instructions-added"],
        server,
        at,
        "/instructions",
        `Server \`${server}\` now sends instructions${wordDiff(undefined, b)}.`,
        { after: b },
      ),
    ];
  if (b === undefined)
    return [
      newChange(
        instructionsRules["instructions-removed"],
        server,
        at,
        "/instructions",
        `Server \`${server}\` no longer sends instructions${wordDiff(a, undefined)}.`,
        { before: a },
      ),
    ];
  return [
    newChange(
      instructionsRules["instructions-changed"],
      server,
      at,
      "/instructions",
      `Server \`${server}\` changed its instructions${wordDiff(a, b)}.`,
      { before: a, after: b },
    ),
  ];
}
