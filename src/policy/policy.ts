/**
 * Policy: what counts, and whether the run fails. Pure: takes the diff's
 * changes plus config and acknowledgements, returns reported changes; takes a
 * report, returns an exit code.
 */
import type { Change, Severity } from "../core/change.js";
import type { FailOn } from "../core/fail-on.js";
import { own } from "../core/own.js";
import { failsPolicy, type Report, type ReportedChange } from "../core/report.js";
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
}

/**
 * Applies severity overrides (dropping `off` rules), computes each change's
 * fingerprint and attaches the acknowledgement that matches it, if any.
 */
export function applyPolicy(changes: readonly Change[], options: PolicyOptions): ReportedChange[] {
  const acks = new Map<string, Acknowledgement>();
  for (const ack of options.acknowledgements ?? []) acks.set(ack.fingerprint, ack);
  const out: ReportedChange[] = [];
  for (const change of changes) {
    const setting = own(options.rules, change.rule);
    if (setting === "off") continue;
    const reported: ReportedChange = { ...change, fingerprint: fingerprint(change) };
    if (setting !== undefined) reported.severity = setting;
    const ack = acks.get(reported.fingerprint);
    if (ack) {
      reported.acknowledgement = {
        reason: ack.reason,
        acceptedBy: ack.acceptedBy,
        ...(ack.expires !== undefined ? { expires: ack.expires } : {}),
        expired: isExpired(ack, options.now),
      };
    }
    out.push(reported);
  }
  return out;
}

/**
 * The exit code for a report: 3 when any server failed to fetch (the result is
 * incomplete, whatever else it says), 1 when a change fails the policy, else 0.
 */
export function getExitCode(report: Report, options: { failOn: FailOn }): ExitCode {
  if (report.errors && report.errors.length > 0) return ExitCode.FetchFailed;
  return report.changes.some((c) => failsPolicy(c, options.failOn)) ? ExitCode.PolicyFailed : ExitCode.Ok;
}
