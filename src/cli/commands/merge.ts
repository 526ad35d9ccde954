/**
 * `mcp-contract merge REPORT...`: combine the JSON reports of `check --shard`
 * jobs into the one report a single run would have produced, then report and
 * exit by the policy like `check`. Acknowledgements and rule overrides were
 * applied by each shard; merge only combines.
 */

import { mergeReports, type Report, type ReportJson, ShardMismatchError } from "../../core/report.js";
import { describeSchemaError, validators } from "../../core/validator.js";
import { UsageError } from "../../errors.js";
import { readFileArgument } from "../../pipeline/git-source.js";
import { getExitCode, markReport } from "../../policy/policy.js";
import * as generated from "../../report/validators.generated.js";
import type { CommandIO } from "../io.js";
import type { ReportCommandOptions } from "../report-output.js";
import { writeReport } from "../report-output.js";

// schema/report.schema.json, precompiled (src/report/validators.generated.ts).
const { report: validate } = validators(generated, "report");

/** Reads, validates and merges the reports, writes the merged report, returns the exit code. */
export async function runMerge(
  paths: readonly string[],
  options: ReportCommandOptions,
  io: CommandIO,
): Promise<number> {
  const reports: Report[] = [];
  for (const path of paths) {
    const text = await readFileArgument(path, io.cwd, io.env);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `${path}: not a JSON report (${(error as Error).message}); write one with --format json`,
      );
    }
    if (!validate(data)) {
      throw new UsageError(
        `${path}: not an mcp-contract JSON report: ${describeSchemaError(validate.errors?.[0])}`,
      );
    }
    // Each shard applied its overrides and acknowledgements; the policy marks its changes for this --fail-on.
    reports.push(markReport(data as unknown as ReportJson, options.failOn ?? "breaking"));
  }
  let merged: Report;
  try {
    merged = mergeReports(reports);
  } catch (error) {
    if (error instanceof ShardMismatchError) throw new UsageError(`merge: ${error.message}`);
    throw error;
  }
  await writeReport(merged, options, io);
  return getExitCode(merged);
}
