/**
 * Semver verdicts: the version bump a set of changes requires, and whether
 * the server's reported version rose that much.
 */
import type { Change } from "../core/change.js";
import type { Bump, RuleRecord } from "../core/rule.js";

export type { Bump } from "../core/rule.js";

const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/**
 * Breaking → major; warnings → minor; an info finding → its rule's `bump` (minor for additions and
 * widenings, patch for what only restates something; patch for a rule `records` does not know).
 */
export function requiredBump(changes: readonly Change[], records: ReadonlyMap<string, RuleRecord>): Bump {
  let bump: Bump = "none";
  for (const c of changes) {
    const b: Bump =
      c.severity === "breaking"
        ? "major"
        : c.severity === "warning" || records.get(c.rule)?.bump === "minor"
          ? "minor"
          : "patch";
    if (RANK[b] > RANK[bump]) bump = b;
  }
  return bump;
}

/** Parses `1.2.3` (leading `v`, pre-release and build suffixes allowed); undefined when it is not semver-like. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The bump from one version to another (`none` when equal or lower); undefined when either is not semver-like. */
export function actualBump(before: string, after: string): Bump | undefined {
  const a = parseVersion(before);
  const b = parseVersion(after);
  if (!a || !b) return undefined;
  // Before 1.0.0 a minor bump may break (semver §4): treat 0.x minor as major, 0.0.x patch as major.
  if (b[0] !== a[0]) return b[0] > a[0] ? "major" : "none";
  if (b[1] !== a[1]) return b[1] > a[1] ? (a[0] === 0 ? "major" : "minor") : "none";
  if (b[2] !== a[2])
    return b[2] > a[2] ? (a[0] === 0 && a[1] === 0 ? "major" : a[0] === 0 ? "minor" : "patch") : "none";
  return "none";
}

/** Whether `actual` is at least `required`. */
export function bumpSatisfies(actual: Bump, required: Bump): boolean {
  return RANK[actual] >= RANK[required];
}
