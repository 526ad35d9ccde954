/**
 * `mcp-contract merge REPORT...`: combine the JSON reports of `check --shard`
 * jobs into the one report a single run would have produced, then report and
 * exit by the policy like `check`. Acknowledgements and rule overrides were
 * applied by each shard; merge only combines.
 */
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { UsageError } from "../../errors.js";
import { readFileArgument } from "../../pipeline/git-source.js";
import { getExitCode } from "../../policy/policy.js";
import { mergeReports, type Report, ShardMismatchError } from "../../report/report.js";
import type { CommandIO } from "../io.js";
import type { ReportCommandOptions } from "../report-output.js";
import { writeReport } from "../report-output.js";

// The checked-in schema ships with the package (dist/cli/commands → schema/).
const require = createRequire(import.meta.url);

/** Reads, validates and merges the reports, writes the merged report, returns the exit code. */
export async function runMerge(
  paths: readonly string[],
  options: ReportCommandOptions,
  io: CommandIO,
): Promise<number> {
  const schema: Record<string, unknown> = require("../../../schema/report.schema.json");
  const validate = new Ajv({ allErrors: false, strict: false }).compile(schema);
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
      const first = validate.errors?.[0];
      throw new UsageError(
        `${path}: not an mcp-contract JSON report: ${first?.instancePath || "(root)"} ${first?.message}`,
      );
    }
    reports.push(data as unknown as Report);
  }
  let merged: Report;
  try {
    merged = mergeReports(reports);
  } catch (error) {
    if (error instanceof ShardMismatchError) throw new UsageError(`merge: ${error.message}`);
    throw error;
  }
  await writeReport(merged, options, io);
  return getExitCode(merged, { failOn: options.failOn ?? "breaking" });
}
