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
  /**
   * Its findings say a change could not be judged (the engine could not tell whether it narrows or
   * widens): each is marked `unjudged` and counted in the report's summary line, in every format.
   */
  unjudged?: true;
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

/** The bump a set of changes requires; `none` when nothing changed. */
export type Bump = "major" | "minor" | "patch" | "none";

/**
 * Which side of a tool a diff rule reports on: `input` (what the agent sends, the input schema),
 * `output` (what it reads, the output schema), `both` (either schema), `none` (the tool or server
 * as a whole).
 */
export type RuleDirection = "input" | "output" | "both" | "none";

/**
 * How a witness (an argument object the old input schema accepts and the new one rejects) is looked
 * for, for a breaking input change of the rule (src/diff/witness.ts):
 * - `none`: never (not a breaking input change, or no validator could tell the schemas apart);
 * - `probe`: the value at the change's location set to a sample of the old schema and a few probes;
 * - `omit`: the parameter left out;
 * - `removed-values`: each value the change lists as removed (`before`), then the probes;
 * - `old-constant`: the old constant (`before`), then the probes;
 * - `null`: null, then the probes;
 * - `bound`: values at and around the old bound, then the probes;
 * - `duplicate-items`: an array of two equal items, then the probes;
 * - `extra-property`: a property the object does not list;
 * - `pattern`: a string the old pattern (`before`) accepts and the new one (`after`) refuses, drawn
 *   from the old regular expression (src/diff/patterns.ts), then the probes.
 */
export type WitnessStrategy =
  | "none"
  | "probe"
  | "omit"
  | "removed-values"
  | "old-constant"
  | "null"
  | "bound"
  | "duplicate-items"
  | "extra-property"
  | "pattern";

/** The values each record field may take, for the completeness audit. */
export const WITNESS_STRATEGIES: readonly WitnessStrategy[] = [
  "none",
  "probe",
  "omit",
  "removed-values",
  "old-constant",
  "null",
  "bound",
  "duplicate-items",
  "extra-property",
  "pattern",
];
export const RULE_DIRECTIONS: readonly RuleDirection[] = ["input", "output", "both", "none"];

/**
 * A diff rule's whole truth, next to the check code that emits it (src/diff/rules/<family>.ts).
 * Everything else that knows about a rule is derived from these records: the keywords the
 * json-schema-diff fallback leaves alone, the semver bump, the witness search, the swap-direction
 * test table, the README table. test/diff/records.test.ts refuses an incomplete one.
 */
export interface RuleRecord extends RuleMeta {
  /** Which side of the tool it reports on. */
  direction: RuleDirection;
  /**
   * The version bump a finding of the rule requires at its default severity: `major` for breaking,
   * `minor` for warnings and for info findings that add capability, `patch` for info findings that
   * only restate something. A finding reported at another severity follows that severity.
   */
  bump: Exclude<Bump, "none">;
  /** The JSON Schema keywords whose changes this rule judges (none for tool- and server-level rules). */
  keywords: readonly string[];
  /** How a witness is looked for (`none` for anything but a breaking input change). */
  witness: WitnessStrategy;
  /** The rules that report the same edit read backwards (before and after swapped); symmetric. */
  inverse: readonly string[];
}

/** A record as a family file writes it: its id and family are filled in by `defineFamily`. */
export type RuleSpec = Omit<RuleRecord, "id" | "family">;

/**
 * One rule family: its records, and, for a schema family, the check the engine runs on every pair
 * of schema nodes. Families are passed to the engine (src/diff/families.ts), never registered.
 */
export interface Family<Id extends string = string, Check = unknown> {
  name: string;
  rules: Readonly<Record<Id, RuleRecord>>;
  /** The node check (schema families only). */
  check?: Check;
  /**
   * Keywords the family reads without a rule of its own judging them, with why (recursed into,
   * resolved, or deliberately not compared).
   */
  claims?: Readonly<Record<string, string>>;
  /**
   * Rules whose keywords are judged by json-schema-diff's set-inclusion verdict (the fallback)
   * rather than structurally; every keyword no family claims goes to them too.
   */
  fallback?: readonly Id[];
}

/** Declares a family's records with ids checked at compile time. */
export function defineRecords<const Id extends string>(
  family: string,
  rules: Record<Id, RuleSpec>,
): Record<Id, RuleRecord> {
  const out = {} as Record<Id, RuleRecord>;
  for (const id of Object.keys(rules) as Id[]) out[id] = { id, family, ...rules[id] };
  return out;
}
