/**
 * Policy: what counts, and whether the run fails. Pure: takes the diff's
 * changes plus config, acknowledgements and `--fail-on`, returns the changes
 * marked with what it decided (`acknowledged`, `fails`); takes a marked
 * report, returns an exit code. Reporters read the marks and decide nothing.
 */
import type { Change, Severity } from "../core/change.js";
import type { FailOn } from "../core/fail-on.js";
import { own } from "../core/own.js";
import type { RecordedChange, Report, ReportedChange, ReportJson } from "../core/report.js";
import { ExitCode } from "../errors.js";
import { type Acknowledgement, isExpired } from "./acknowledgements.js";
import { fingerprint } from "./fingerprint.js";

/** A per-rule override from the config: a new severity, or `off` to drop the rule's findings. */
export type RuleSetting = Severity | "off";

/** Inputs of `applyPolicy`. */
export interface PolicyOptions {
  /** Per-rule overrides keyed by rule id; rules not listed keep their own severity. */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** Accepted changes; none when absent. */
  acknowledgements?: readonly Acknowledgement[];
  /** The clock used for expiry (passed in so the function stays pure). */
  now: Date;
  /** The lowest severity that fails the run (`--fail-on`); default `breaking`. */
  failOn?: FailOn;
}

/**
 * The config's `rules:` overrides applied: each change at its rule's configured severity, the
 * changes of an `off` rule dropped, the rest as they are. What `applyPolicy` starts with, and
 * what the guard (`mcp-contract/guard`) judges drift by.
 */
export function overrideSeverities<C extends Change>(
  changes: readonly C[],
  rules: Readonly<Record<string, RuleSetting>> | undefined,
): C[] {
  const out: C[] = [];
  for (const change of changes) {
    const setting = own(rules, change.rule);
    if (setting === "off") continue;
    out.push(
      setting === undefined || setting === change.severity ? change : { ...change, severity: setting },
    );
  }
  return out;
}

/**
 * Applies severity overrides (dropping `off` rules), computes each change's
 * fingerprint, attaches the acknowledgement that matches it, if any, and marks
 * whether it is acknowledged and whether it fails the run.
 */
export function applyPolicy(changes: readonly Change[], options: PolicyOptions): ReportedChange[] {
  const acks = new Map<string, Acknowledgement>();
  for (const ack of options.acknowledgements ?? []) acks.set(ack.fingerprint, ack);
  const out: ReportedChange[] = [];
  for (const change of overrideSeverities(changes, options.rules)) {
    // The fingerprint leaves the severity out: an override does not change it.
    const recorded: RecordedChange = { ...change, fingerprint: fingerprint(change) };
    const ack = acks.get(recorded.fingerprint);
    if (ack) {
      recorded.acknowledgement = {
        reason: ack.reason,
        acceptedBy: ack.acceptedBy,
        ...(ack.expires !== undefined ? { expires: ack.expires } : {}),
        expired: isExpired(ack, options.now),
      };
    }
    out.push(mark(recorded, options.failOn ?? "breaking"));
  }
  return out;
}

/** True when a still-valid acknowledgement covers the change. */
export function isAcknowledged(change: RecordedChange): boolean {
  return change.acknowledgement !== undefined && !change.acknowledgement.expired;
}

const rank: Record<FailOn, number> = { breaking: 0, warning: 1, info: 2, never: -1 };

/**
 * True when this change alone fails a run with `--fail-on failOn`: its severity (after
 * overrides) is at least `failOn` and no still-valid acknowledgement covers it.
 */
export function failsPolicy(change: RecordedChange, failOn: FailOn): boolean {
  if (isAcknowledged(change)) return false;
  return rank[change.severity] <= rank[failOn];
}

/** The change with the policy's marks for `failOn`. */
function mark(change: RecordedChange, failOn: FailOn): ReportedChange {
  return { ...change, acknowledged: isAcknowledged(change), fails: failsPolicy(change, failOn) };
}

/**
 * Marks a recorded report (the JSON form, as `merge` reads it) for `failOn`: its overrides and
 * acknowledgements were applied by the run that wrote it, so only the marks are decided here.
 */
export function markReport(report: ReportJson, failOn: FailOn): Report {
  return { ...report, changes: report.changes.map((change) => mark(change, failOn)) };
}

/**
 * The exit code for a report: 3 when any server failed to fetch (the result is
 * incomplete, whatever else it says), 1 when a change fails the policy, else 0.
 * What fails is what the policy marked (`fails`, under the `failOn` the run was
 * given); with `options.failOn`, the policy decides it afresh for that level.
 */
export function getExitCode(report: Report, options: { failOn?: FailOn } = {}): ExitCode {
  if (report.errors && report.errors.length > 0) return ExitCode.FetchFailed;
  const { failOn } = options;
  const fails =
    failOn === undefined ? (c: ReportedChange) => c.fails : (c: ReportedChange) => failsPolicy(c, failOn);
  return report.changes.some(fails) ? ExitCode.PolicyFailed : ExitCode.Ok;
}
