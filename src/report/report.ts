/**
 * The report: everything one run found, as plain data. Every reporter formats
 * one of these; `--format json` prints exactly this object (documented by
 * schema/report.schema.json); `merge` combines several into one.
 */
import { type Change, compareChanges, SEVERITIES, type Severity } from "../diff/change.js";

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

/** A change as reported: after severity overrides, with its fingerprint and any acknowledgement. */
export interface ReportedChange extends Change {
  /** Stable id of the change (see policy/fingerprint.ts); what acknowledgements name. */
  fingerprint: string;
  /** Present when an acknowledgement matched; absent when none did. */
  acknowledgement?: AppliedAcknowledgement;
}

/** A server that could not be fetched. The message is already redacted. */
export interface ReportError {
  server: string;
  message: string;
}

/** Counts of changes that count (not acknowledged, or acknowledged but expired), plus the acknowledged ones. */
export interface ReportSummary extends Record<Severity, number> {
  /** Changes accepted by a still-valid acknowledgement; they never fail the policy. */
  acknowledged: number;
}

/** One run's result. */
export interface Report {
  version: typeof REPORT_VERSION;
  summary: ReportSummary;
  /** Servers this run covered (after `--server`/`--shard` selection), sorted. */
  servers: string[];
  /** Findings in stable order (`compareChanges`). */
  changes: ReportedChange[];
  /** Servers that failed to fetch; absent when none did. */
  errors?: ReportError[];
}

/** True when a still-valid acknowledgement covers the change. */
export function isAcknowledged(change: ReportedChange): boolean {
  return change.acknowledgement !== undefined && !change.acknowledgement.expired;
}

/** Builds a report: sorts changes, errors and servers and counts the summary. */
export function createReport(input: {
  changes: readonly ReportedChange[];
  servers: readonly string[];
  errors?: readonly ReportError[];
}): Report {
  const changes = [...input.changes].sort(
    (a, b) => compareChanges(a, b) || cmp(a.fingerprint, b.fingerprint),
  );
  const summary: ReportSummary = { breaking: 0, warning: 0, info: 0, acknowledged: 0 };
  for (const change of changes) {
    if (isAcknowledged(change)) summary.acknowledged++;
    else summary[change.severity]++;
  }
  const report: Report = {
    version: REPORT_VERSION,
    summary,
    servers: [...new Set(input.servers)].sort(cmp),
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
 * kept once.
 */
export function mergeReports(reports: readonly Report[]): Report {
  const seen = new Set<string>();
  const changes: ReportedChange[] = [];
  for (const report of reports) {
    for (const change of report.changes) {
      const key = JSON.stringify([
        change.fingerprint,
        change.location ?? null,
        change.severity,
        change.message,
      ]);
      if (seen.has(key)) continue;
      seen.add(key);
      changes.push(change);
    }
  }
  return createReport({
    changes,
    servers: reports.flatMap((r) => r.servers),
    errors: reports.flatMap((r) => r.errors ?? []),
  });
}

/** Severities from most to least severe, for grouping output. */
export const SEVERITY_ORDER: readonly Severity[] = SEVERITIES;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
