// The completeness audit of the diff's rule records (test/diff/records.test.ts runs it on the real
// families and on deliberately broken ones): every problem is one line naming the rule or keyword.
import { SEVERITIES } from "../../src/core/change.js";
import { type Family, RULE_DIRECTIONS, type RuleRecord, WITNESS_STRATEGIES } from "../../src/core/rule.js";
import { SCHEMA_KEYWORDS } from "../../src/diff/keywords.js";

/** What the audit reads from the repository. */
export interface RepoFiles {
  exists(path: string): boolean;
  read(path: string): string | undefined;
}

const FIELDS = ["id", "family", "severity", "summary", "direction", "bump", "keywords", "witness", "inverse"];
const SECTIONS = ["## What changed", "## Why it breaks agents", "## How to fix", "## Example"];
const BUMP_FOR: Record<string, readonly string[]> = {
  breaking: ["major"],
  warning: ["minor"],
  info: ["minor", "patch"],
};

/** Every way `families` fall short of a complete set of rule records; empty when they are complete. */
export function auditFamilies(
  families: readonly Family[],
  files?: RepoFiles,
  keywords: readonly string[] = SCHEMA_KEYWORDS,
): string[] {
  const problems: string[] = [];
  const records = new Map<string, RuleRecord>();

  // 1. Each record complete and consistent.
  for (const family of families) {
    for (const [key, record] of Object.entries(family.rules) as [string, RuleRecord][]) {
      const r = record as unknown as Record<string, unknown>;
      const missing = FIELDS.filter((f) => r[f] === undefined);
      if (records.has(key)) problems.push(`${key}: declared twice`);
      records.set(key, record);
      if (missing.length > 0) {
        problems.push(`${key}: incomplete record, missing ${missing.join(", ")}`);
        continue;
      }
      if (record.id !== key) problems.push(`${key}: record id is ${record.id}`);
      if (record.family !== family.name)
        problems.push(`${key}: record says family ${record.family}, declared in ${family.name}`);
      if (!(SEVERITIES as readonly string[]).includes(record.severity))
        problems.push(`${key}: severity ${record.severity} is none of ${SEVERITIES.join(", ")}`);
      if (
        typeof record.summary !== "string" ||
        !/^[A-Za-z`].*\.$/.test(record.summary) ||
        /TODO/.test(record.summary)
      )
        problems.push(`${key}: summary must be one finished sentence`);
      if (!RULE_DIRECTIONS.includes(record.direction))
        problems.push(`${key}: direction ${record.direction} is none of ${RULE_DIRECTIONS.join(", ")}`);
      if (!(BUMP_FOR[record.severity] ?? []).includes(record.bump))
        problems.push(`${key}: bump ${record.bump} does not fit severity ${record.severity}`);
      if (!WITNESS_STRATEGIES.includes(record.witness))
        problems.push(`${key}: witness ${record.witness} is none of ${WITNESS_STRATEGIES.join(", ")}`);
      const inputBreaking = record.severity === "breaking" && record.direction === "input";
      if (inputBreaking && record.witness === "none")
        problems.push(`${key}: a breaking input rule must say how its witness is found`);
      if (
        record.witness !== "none" &&
        (record.severity !== "breaking" || record.direction === "output" || record.direction === "none")
      )
        problems.push(`${key}: only a breaking input rule looks for a witness (witness ${record.witness})`);
      if (!Array.isArray(record.keywords)) problems.push(`${key}: keywords must be a list`);
      if (!Array.isArray(record.inverse)) problems.push(`${key}: inverse must be a list`);
    }
  }

  // 2. Inverses name rules, and are symmetric: if A reads backwards as B, B reads backwards as A.
  for (const record of records.values()) {
    if (!Array.isArray(record.inverse)) continue;
    for (const other of record.inverse) {
      const back = records.get(other);
      if (!back) problems.push(`${record.id}: inverse ${other} is no rule`);
      else if (Array.isArray(back.inverse) && !back.inverse.includes(record.id))
        problems.push(
          `${record.id}: inverse ${other} is not symmetric (${other}'s inverse does not name ${record.id})`,
        );
    }
  }

  // 3. Keywords: each one of the vocabulary claimed by exactly one family with a check; a record's
  // keyword in a family without a check (its rules are reported by others) claimed by one that has.
  const claimants = new Map<string, Set<string>>();
  const claim = (keyword: string, family: string) => {
    const set = claimants.get(keyword) ?? new Set<string>();
    set.add(family);
    claimants.set(keyword, set);
  };
  for (const family of families) {
    if (family.check === undefined) continue;
    for (const keyword of Object.keys(family.claims ?? {})) claim(keyword, family.name);
    for (const record of Object.values(family.rules) as RuleRecord[])
      for (const keyword of Array.isArray(record.keywords) ? record.keywords : [])
        claim(keyword, family.name);
  }
  for (const keyword of keywords) {
    const by = claimants.get(keyword);
    if (!by) problems.push(`keyword ${keyword}: claimed by no family`);
    else if (by.size > 1)
      problems.push(`keyword ${keyword}: claimed by ${by.size} families (${[...by].sort().join(", ")})`);
  }
  const known = new Set(keywords);
  for (const keyword of claimants.keys())
    if (!known.has(keyword))
      problems.push(`keyword ${keyword}: not in the vocabulary (src/diff/keywords.ts)`);
  for (const family of families) {
    if (family.check !== undefined) continue;
    for (const record of Object.values(family.rules) as RuleRecord[])
      for (const keyword of Array.isArray(record.keywords) ? record.keywords : [])
        if (!claimants.has(keyword))
          problems.push(`${record.id}: keyword ${keyword} is claimed by no family that checks it`);
  }
  for (const family of families)
    for (const id of family.fallback ?? [])
      if (!Object.hasOwn(family.rules, id))
        problems.push(`${family.name}: fallback rule ${id} is not one of its rules`);

  // 4. Fixtures and page.
  if (files) {
    for (const id of records.keys()) {
      for (const side of ["fires", "silent"]) {
        for (const file of ["before.json", "after.json", "expected.json"]) {
          const path = `fixtures/rules/${id}/${side}/${file}`;
          if (!files.exists(path)) problems.push(`${id}: no fixture ${path}`);
        }
      }
      const page = files.read(`docs/rules/${id}.md`);
      if (page === undefined) problems.push(`${id}: no doc page docs/rules/${id}.md`);
      else {
        if (!page.startsWith(`# ${id}\n`))
          problems.push(`${id}: docs/rules/${id}.md does not start with "# ${id}"`);
        for (const section of SECTIONS)
          if (!page.includes(section)) problems.push(`${id}: docs/rules/${id}.md has no "${section}"`);
        if (/TODO/.test(page)) problems.push(`${id}: docs/rules/${id}.md still says TODO`);
      }
    }
  }
  return problems;
}
