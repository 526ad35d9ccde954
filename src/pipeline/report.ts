/**
 * The pipeline's last stages: policy (rule overrides, acknowledgements,
 * `--fail-on`: each change marked `acknowledged` and `fails`) and
 * the report built from what it marked. Pure but for reading the
 * acknowledgements file.
 */
import type { Change } from "../core/change.js";
import type { FailOn } from "../core/fail-on.js";
import { createReport, type Report, type ReportError, type ShardInfo } from "../core/report.js";
import type { Acknowledgement } from "../policy/acknowledgements.js";
import { applyPolicy, type RuleSetting } from "../policy/policy.js";
import { readAcknowledgements } from "./acknowledgements.js";

/** What a run found, before the policy applies. */
export interface Findings {
  changes: readonly Change[];
  /** Servers the run covered. */
  servers: readonly string[];
  /** Servers that could not be fetched. */
  errors?: readonly ReportError[];
  shard?: ShardInfo;
}

/** What the policy stage decides with. */
export interface PolicyInput {
  /** Per-rule overrides from the config. */
  rules?: Readonly<Record<string, RuleSetting>>;
  acknowledgements: readonly Acknowledgement[];
  /** The clock acknowledgements expire by. */
  now: Date;
  /** The lowest severity that fails the run (`--fail-on`); default `breaking`. */
  failOn?: FailOn;
}

/** The policy and report stages (pure): every finding marked by the policy, sorted and counted. */
export function decide(findings: Findings, policy: PolicyInput): Report {
  return createReport({
    changes: applyPolicy(findings.changes, policy),
    servers: findings.servers,
    ...(findings.errors && { errors: findings.errors }),
    ...(findings.shard && { shard: findings.shard }),
  });
}

/** Where the acknowledgements come from, and the rest of the policy. */
export interface PolicySource {
  rules?: Readonly<Record<string, RuleSetting>>;
  /** Absolute acknowledgements file path. */
  acknowledgementsFile: string;
  /** True when the file was named explicitly: then it must exist. */
  given: boolean;
  /** What messages name the file relative to. */
  cwd: string;
  /** The lowest severity that fails the run (`--fail-on`); default `breaking`. */
  failOn?: FailOn;
  /** The file's acknowledgements, when the caller read them already (`readAcknowledgements`). */
  acknowledgements?: readonly Acknowledgement[];
}

/** Reads the acknowledgements (the I/O edge) unless given, then `decide` with the clock now. */
export async function reportFindings(findings: Findings, source: PolicySource): Promise<Report> {
  const acknowledgements =
    source.acknowledgements ??
    (await readAcknowledgements(source.acknowledgementsFile, source.cwd, source.given));
  return decide(findings, {
    rules: source.rules,
    acknowledgements,
    now: new Date(),
    ...(source.failOn && { failOn: source.failOn }),
  });
}
