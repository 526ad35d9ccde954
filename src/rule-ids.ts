/**
 * Every rule id, as a plain list: what config `rules:` keys and acknowledgement
 * `rule` values may name. Kept apart from ./rules.ts (which loads every rule
 * family) so that loading a config stays light; test/config/rule-ids.test.ts
 * keeps it equal to RULES and to the JSON Schemas in schema/.
 */
import { createRequire } from "node:module";

/** All rule ids, sorted. */
export const RULE_IDS: readonly string[] = [
  "additional-properties-allowed",
  "additional-properties-restricted",
  "all-of-added",
  "all-of-removed",
  "bound-loosened",
  "bound-tightened",
  "branch-added",
  "branch-removed",
  "capability-added",
  "capability-removed",
  "combinator-changed",
  "confusable-tool-name",
  "const-added",
  "const-changed",
  "contains-loosened",
  "contains-tightened",
  "content-encoding-changed",
  "content-media-type-added",
  "content-media-type-changed",
  "content-media-type-removed",
  "content-schema-added",
  "content-schema-removed",
  "default-changed",
  "dependent-required-added",
  "dependent-required-removed",
  "dependent-schema-loosened",
  "dependent-schema-tightened",
  "deprecated-added",
  "deprecated-removed",
  "destructive-tool-marked-safe",
  "duplicate-tool-name",
  "enum-added",
  "enum-removed",
  "enum-value-added",
  "enum-value-removed",
  "format-added",
  "format-changed",
  "format-removed",
  "hidden-instructions",
  "instructions-added",
  "instructions-changed",
  "instructions-removed",
  "invalid-surface-definition",
  "invalid-tool-definition",
  "invisible-unicode",
  "lockfile-tampered",
  "nullable-added",
  "nullable-removed",
  "output-additional-properties-allowed",
  "output-bound-loosened",
  "output-branch-added",
  "output-description-changed",
  "output-enum-value-added",
  "output-narrowed",
  "output-nullable-added",
  "output-property-added",
  "output-property-became-optional",
  "output-property-removed",
  "output-schema-added",
  "output-schema-removed",
  "output-type-changed",
  "param-added",
  "param-became-optional",
  "param-became-required",
  "param-description-changed",
  "param-removed",
  "param-renamed",
  "param-title-changed",
  "param-type-changed",
  "param-type-widened",
  "pattern-added",
  "pattern-changed",
  "pattern-narrowed",
  "pattern-removed",
  "prompt-added",
  "prompt-argument-added",
  "prompt-argument-became-optional",
  "prompt-argument-became-required",
  "prompt-argument-description-changed",
  "prompt-argument-removed",
  "prompt-argument-required-added",
  "prompt-description-changed",
  "prompt-removed",
  "prompt-renamed",
  "prompt-title-changed",
  "remote-schema-ref",
  "required-param-added",
  "resource-added",
  "resource-mime-type-changed",
  "resource-removed",
  "resource-template-added",
  "resource-template-mime-type-changed",
  "resource-template-removed",
  "resource-template-uri-changed",
  "schema-changed",
  "schema-dialect-changed",
  "schema-narrowed",
  "schema-too-deep",
  "schema-widened",
  "secret-in-definition",
  "server-added",
  "server-removed",
  "task-support-required",
  "template-affected",
  "template-ambiguous-prompt",
  "template-ambiguous-resource",
  "template-ambiguous-tool",
  "template-missing-prompt-argument",
  "template-missing-required-param",
  "template-stale-mention",
  "template-unknown-param",
  "template-unknown-partial",
  "template-unknown-prompt",
  "template-unknown-prompt-argument",
  "template-unknown-resource",
  "template-unknown-tool",
  "tool-added",
  "tool-annotation-changed",
  "tool-annotation-metadata-changed",
  "tool-description-changed",
  "tool-execution-changed",
  "tool-field-changed",
  "tool-icons-changed",
  "tool-meta-changed",
  "tool-removed",
  "tool-renamed",
  "tool-shadowing",
  "tool-title-changed",
  "tuple-closed",
  "tuple-opened",
  "unique-items-added",
  "unique-items-removed",
  "version-not-bumped",
];

const KNOWN: ReadonlySet<string> = new Set(RULE_IDS);

/** Whether `id` names a rule. */
export function isRuleId(id: string): boolean {
  return KNOWN.has(id);
}

/**
 * The real rule id an unknown one most likely meant: the shortest id that
 * contains it (`description-changed` -> `tool-description-changed`), else the
 * nearest by edit distance when it is near enough to be a typo; undefined when
 * nothing is close.
 */
export function closestRuleId(id: string): string | undefined {
  const key = id.trim().toLowerCase();
  if (key === "") return undefined;
  // A part of an id (two words or more, so `tool` alone suggests nothing).
  const containing = key.includes("-") ? RULE_IDS.filter((rule) => rule.includes(key)) : [];
  if (containing.length > 0) return containing.reduce((a, b) => (b.length < a.length ? b : a));
  // Loaded only for an unknown id: a valid config never pays for it.
  const { distance } = createRequire(import.meta.url)(
    "fastest-levenshtein",
  ) as typeof import("fastest-levenshtein");
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const rule of RULE_IDS) {
    const d = distance(key, rule);
    if (d < bestDistance) {
      best = rule;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.ceil(key.length * 0.4)) ? best : undefined;
}

/** "unknown rule id; did you mean `x`?", or where the ids are listed when none is close. */
export function unknownRuleIdHint(id: string): string {
  const suggestion = closestRuleId(id);
  return suggestion === undefined
    ? "unknown rule id; the rule ids are listed in the README and docs/rules/"
    : `unknown rule id; did you mean \`${suggestion}\`?`;
}
