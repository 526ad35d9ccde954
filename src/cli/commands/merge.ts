/**
 * `mcp-contract merge REPORT...`: combine the JSON reports of `check --shard`
 * jobs into the one report a single run would have produced (the pipeline's
 * `mergeReportFiles`), then report and exit by the policy like `check`.
 * Acknowledgements and rule overrides were applied by each shard; merge marks
 * the changes for its own `--fail-on` and combines.
 */

import { mergeReportFiles } from "../../pipeline/merge.js";
import { getExitCode } from "../../policy/policy.js";
import type { CommandIO } from "../io.js";
import type { ReportCommandOptions } from "../report-output.js";
import { writeReport } from "../report-output.js";

/** Merges the reports, writes the merged report, returns the exit code. */
export async function runMerge(
  paths: readonly string[],
  options: ReportCommandOptions,
  io: CommandIO,
): Promise<number> {
  const merged = await mergeReportFiles(paths, {
    cwd: io.cwd,
    env: io.env,
    ...(options.failOn !== undefined && { failOn: options.failOn }),
  });
  await writeReport(merged, options, io);
  return getExitCode(merged);
}
