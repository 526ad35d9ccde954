import type { Severity } from "./change.js";

/** What every rule id is documented by: shown in reports, SARIF rule metadata and docs. */
export interface RuleMeta {
  /** Stable kebab-case id; docs at docs/rules/<id>.md. */
  id: string;
  /** Default severity (config may override per rule). */
  severity: Severity;
  /** The family file that emits it, e.g. "tool", "input-schema", "template", "fetch", "poisoning". */
  family: string;
  /** One line: what the rule detects. */
  summary: string;
}

/** Declares a family's rules with ids checked at compile time. */
export function defineRules<const Id extends string>(
  family: string,
  rules: Record<Id, { severity: Severity; summary: string }>,
): Record<Id, RuleMeta> {
  const out = {} as Record<Id, RuleMeta>;
  for (const id of Object.keys(rules) as Id[]) out[id] = { id, family, ...rules[id] };
  return out;
}
