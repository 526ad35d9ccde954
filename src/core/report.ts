/**
 * The report: everything one run found, as plain data. Every reporter formats
 * one of these; `--format json` prints exactly this object (documented by
 * schema/report.schema.json); `merge` combines several into one.
 */
import { type Change, compareChanges, kindRank, SEVERITIES, type Severity } from "./change.js";
import { cmp } from "./json.js";

/** Version of the report shape; bumped on incompatible changes. */
export const REPORT_VERSION = 1;

/** How an acknowledgement applied to a change. */
export interface AppliedAcknowledgement {
  /** Why the change was accepted. */
  reason: string;
  /** Who accepted it. */
  acceptedBy: string;
  /** Last day (or instant) it is valid; absent means it never expires. */
  expires?: string;
  /** True when `expires` has passed: the change counts again. */
  expired: boolean;
}

/**
 * A change as the JSON report records it: after severity overrides, with its fingerprint and any
 * acknowledgement.
 */
export interface RecordedChange extends Change {
  /** Stable id of the change (see policy/fingerprint.ts); what acknowledgements name. */
  fingerprint: string;
  /** Present when an acknowledgement matched; absent when none did. */
  acknowledgement?: AppliedAcknowledgement;
}

/**
 * What the policy decided about a change (src/policy/policy.ts sets them; nothing else does).
 * Reporters, the summary and the exit code read them and decide nothing. They are not part of
 * the JSON report: each follows from the recorded change and the run's `--fail-on`.
 */
export interface PolicyMarks {
  /** A still-valid acknowledgement covers the change: it never fails the run. */
  acknowledged: boolean;
  /** The change fails the run under its `--fail-on`: not acknowledged, and severe enough. */
  fails: boolean;
}

/** A change as reported: recorded, and marked by the policy. */
export interface ReportedChange extends RecordedChange, PolicyMarks {}

/** A server that could not be fetched. The message is already redacted. */
export interface ReportError {
  server: string;
  message: string;
}

/** Counts of changes that count (not acknowledged, or acknowledged but expired), plus the acknowledged ones. */
export interface ReportSummary extends Record<Severity, number> {
  /** Changes accepted by a still-valid acknowledgement; they never fail the policy. */
  acknowledged: number;
  /** Of the changes that count, those that could not be judged (`unjudged`); absent when none. */
  unjudged?: number;
}

/** Which part of a sharded run a report covers (`--shard index/total`, 1-based). */
export interface ShardInfo {
  index: number;
  total: number;
}

/** One run's result. */
export interface Report {
  version: typeof REPORT_VERSION;
  summary: ReportSummary;
  /** Servers this run covered (after `--server`/`--shard` selection), sorted. */
  servers: string[];
  /** Present when the run was one shard of several; `merge` checks that every shard is there once. */
  shard?: ShardInfo;
  /** Findings ordered by who they hurt (`orderByHarm`), then in stable order. */
  changes: ReportedChange[];
  /** Servers that failed to fetch; absent when none did. */
  errors?: ReportError[];
}

/**
 * The report as `--format json` prints it and `merge` reads it (schema/report.schema.json): the
 * report without the policy's marks.
 */
export interface ReportJson extends Omit<Report, "changes"> {
  changes: RecordedChange[];
}

/** "2 changes could not be judged" for a summary with unjudged changes; undefined without. */
export function unjudgedLine(summary: ReportSummary): string | undefined {
  const n = summary.unjudged ?? 0;
  if (n === 0) return undefined;
  return `${n} ${n === 1 ? "change" : "changes"} could not be judged`;
}

/** The JSON form of a report: each change without the policy's marks, every other key in its order. */
export function toReportJson(report: Report): ReportJson {
  return {
    ...report,
    changes: report.changes.map(({ acknowledged: _acknowledged, fails: _fails, ...recorded }) => recorded),
  };
}

/**
 * Who a change hurts, most first; every format lists a report's changes in this order.
 * `templates`: a template's own findings and the breaking changes of the tools, prompts and resources templates use (an
 * agent's prompt breaks); then the other `breaking` changes, `warning`, `info`, and last what a
 * still-valid acknowledgement accepted.
 */
export const HARM_TIERS = ["templates", "breaking", "warning", "info", "acknowledged"] as const;
/** One of HARM_TIERS. */
export type HarmTier = (typeof HARM_TIERS)[number];

/** Whether a change is a template's finding (its rule is one of the template family's). */
export function isTemplateFinding(change: Pick<Change, "rule">): boolean {
  return change.rule.startsWith("template-");
}

/**
 * The rules whose findings say how a surface, lockfile or template is, not how a server changed:
 * the poisoning scan, the lockfile's integrity, what a fetch found malformed, and a template's own
 * mistakes (every template rule but `template-affected` and `template-stale-mention`, which a
 * change causes). Such a finding on an unchanged server does not make it changed, and locking
 * again does not clear it. test/report/summary-counts.test.ts keeps the list equal to those families.
 */
export const STANDING_FINDING_RULES: ReadonlySet<string> = new Set([
  "hidden-instructions",
  "invisible-unicode",
  "tool-shadowing",
  "confusable-tool-name",
  "destructive-tool-marked-safe",
  "remote-schema-ref",
  "lockfile-tampered",
  "invalid-tool-definition",
  "secret-in-definition",
  "invalid-surface-definition",
  "duplicate-tool-name",
  "template-unknown-tool",
  "template-unknown-param",
  "template-ambiguous-tool",
  "template-unknown-prompt",
  "template-unknown-prompt-argument",
  "template-ambiguous-prompt",
  "template-missing-prompt-argument",
  "template-unknown-resource",
  "template-ambiguous-resource",
  "template-unknown-partial",
  "template-missing-required-param",
]);

/** The next step when only standing findings are open: saying "run lock" would promise what lock cannot do. */
export const REVIEW_STANDING_FINDINGS =
  "review the findings: they are about the definitions as they stand, so locking again does not clear them";

/**
 * The tier of each change: a function of the change and of the template findings among `changes`
 * (a tool, prompt or resource templates use is one a template finding names). Pure.
 */
export function harmTiers(changes: readonly ReportedChange[]): (change: ReportedChange) => HarmTier {
  const used = new Set<string>();
  for (const c of changes) {
    const key = itemKey(c);
    if (isTemplateFinding(c) && key !== undefined && c.server !== "") used.add(key);
  }
  return (change) => {
    if (change.acknowledged) return "acknowledged";
    if (isTemplateFinding(change)) return "templates";
    if (change.severity === "breaking") {
      const key = itemKey(change);
      return key !== undefined && used.has(key) ? "templates" : "breaking";
    }
    return change.severity;
  };
}

/**
 * The changes ordered by who they hurt (HARM_TIERS), inside a tier by server, then by kind (the
 * server itself and its tools, then prompts, resource templates, resources, instructions,
 * capabilities: `kindRank`) and tool or item, then in stable order (`compareChanges`,
 * fingerprint). The one ordering every format uses. Pure.
 */
export function orderByHarm(changes: readonly ReportedChange[]): ReportedChange[] {
  const tierOf = harmTiers(changes);
  const rank = new Map(changes.map((c) => [c, HARM_TIERS.indexOf(tierOf(c))]));
  return [...changes].sort(
    (a, b) =>
      rank.get(a)! - rank.get(b)! ||
      cmp(a.server, b.server) ||
      kindRank(a.kind) - kindRank(b.kind) ||
      cmp(a.tool ?? a.item ?? "", b.tool ?? b.item ?? "") ||
      compareChanges(a, b) ||
      cmp(a.fingerprint, b.fingerprint),
  );
}

/** The tool, prompt, resource template or resource a change is about, as one key; undefined for the server itself. */
function itemKey(change: Pick<Change, "server" | "tool" | "kind" | "item">): string | undefined {
  if (change.tool !== undefined) return `${change.server}\u0000tool\u0000${change.tool}`;
  if (change.kind !== undefined && change.item !== undefined)
    return `${change.server}\u0000${change.kind}\u0000${change.item}`;
  return undefined;
}

/** Builds a report: orders changes (`orderByHarm`), sorts errors and servers and counts the summary. */
export function createReport(input: {
  changes: readonly ReportedChange[];
  servers: readonly string[];
  errors?: readonly ReportError[];
  shard?: ShardInfo;
}): Report {
  const changes = orderByHarm(input.changes);
  const summary: ReportSummary = { breaking: 0, warning: 0, info: 0, acknowledged: 0 };
  let unjudged = 0;
  for (const change of changes) {
    if (change.acknowledged) summary.acknowledged++;
    else {
      summary[change.severity]++;
      if (change.unjudged) unjudged++;
    }
  }
  if (unjudged > 0) summary.unjudged = unjudged;
  const report: Report = {
    version: REPORT_VERSION,
    summary,
    servers: [...new Set(input.servers)].sort(cmp),
    ...(input.shard ? { shard: input.shard } : {}),
    changes,
  };
  if (input.errors && input.errors.length > 0) {
    report.errors = [...input.errors].sort((a, b) => cmp(a.server, b.server) || cmp(a.message, b.message));
  }
  return report;
}

/**
 * Merges reports from shards of one run (`--shard K/N`) into the report a
 * single run over all servers would have produced. Findings about no server
 * (e.g. template syntax) can appear in every shard, so identical changes are
 * kept once. Returns a problem instead when shards are missing, repeated or
 * from runs with different shard counts: a lost CI job must not pass silently.
 */
export function mergeReports(reports: readonly Report[]): Report {
  const problem = checkShards(reports);
  if (problem) throw new ShardMismatchError(problem);
  // Two changes are the same finding when fingerprint, location, severity and message all agree.
  // Kept changes are bucketed by fingerprint, so only changes sharing one are compared further
  // (most fingerprints are in one shard once): no key built per change.
  const kept = new Map<string, ReportedChange[]>();
  const changes: ReportedChange[] = [];
  for (const report of reports) {
    for (const change of report.changes) {
      const bucket = kept.get(change.fingerprint);
      if (bucket === undefined) kept.set(change.fingerprint, [change]);
      else if (bucket.some((other) => sameFinding(other, change))) continue;
      else bucket.push(change);
      changes.push(change);
    }
  }
  return createReport({
    changes,
    servers: reports.flatMap((r) => r.servers),
    errors: reports.flatMap((r) => r.errors ?? []),
  });
}

/** Same severity, message and location (compared as JSON): with the same fingerprint, the same finding. */
function sameFinding(a: ReportedChange, b: ReportedChange): boolean {
  return (
    a.severity === b.severity &&
    a.message === b.message &&
    JSON.stringify(a.location ?? null) === JSON.stringify(b.location ?? null)
  );
}

/** The shards given to `merge` do not make up one whole run. */
export class ShardMismatchError extends Error {
  override readonly name = "ShardMismatchError";
}

function checkShards(reports: readonly Report[]): string | undefined {
  const sharded = reports.filter((r) => r.shard);
  if (sharded.length === 0) return undefined;
  if (sharded.length !== reports.length) return "some reports are shards (--shard) and some are not";
  const totals = new Set(sharded.map((r) => r.shard!.total));
  if (totals.size > 1)
    return `the reports come from runs with different shard counts (${[...totals].join(", ")})`;
  const total = sharded[0]!.shard!.total;
  const seen = new Map<number, number>();
  for (const r of sharded) seen.set(r.shard!.index, (seen.get(r.shard!.index) ?? 0) + 1);
  const missing: number[] = [];
  for (let i = 1; i <= total; i++) if (!seen.has(i)) missing.push(i);
  const repeated = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
  if (missing.length > 0)
    return `missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${total}`).join(", ")}`;
  if (repeated.length > 0)
    return `shard ${repeated.map((i) => `${i}/${total}`).join(", ")} given more than once`;
  return undefined;
}

/** Severities from most to least severe, for grouping output. */
export const SEVERITY_ORDER: readonly Severity[] = SEVERITIES;
