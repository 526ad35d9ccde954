/**
 * `mergeReportFiles`: the JSON reports of `check --shard` jobs, for `mcp-contract
 * merge` and the library. Each report is read (a path or `git:REF:PATH`: the I/O
 * edge) and checked against schema/report.schema.json; the policy marks its
 * changes for the merge's `--fail-on` (each shard applied its own overrides and
 * acknowledgements, which the report records); then the shards are merged into
 * the report a single run over every server would have produced.
 */
import type { FailOn } from "../core/fail-on.js";
import { mergeReports, type Report, type ReportJson, ShardMismatchError } from "../core/report.js";
import { describeSchemaError, validators } from "../core/validator.js";
import { UsageError } from "../errors.js";
import { markReport } from "../policy/policy.js";
import * as generated from "../report/validators.generated.js";
import { readFileArgument } from "./git-source.js";
import type { RunOptions } from "./run.js";

// schema/report.schema.json, precompiled (src/report/validators.generated.ts).
const { report: validate } = validators(generated, "report");

/** Reports read at once. */
const READ_AHEAD = 16;

/** What `mergeReportFiles` reads the reports with and marks them for. */
export interface MergeReportFilesOptions extends Pick<RunOptions, "cwd" | "env"> {
  /** The lowest severity that fails the merged run (`--fail-on`); default `breaking`. */
  failOn?: FailOn;
}

/**
 * Merges JSON reports (`check --shard K/N --format json` output): what `mcp-contract merge
 * REPORT...` reports, as data. A file that is not such a report, or shards that do not make up
 * one whole run (missing, repeated, from different shard counts), throw a `UsageError`.
 */
export async function mergeReportFiles(
  paths: readonly string[],
  options: MergeReportFilesOptions = {},
): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const reports: Report[] = [];
  // Read READ_AHEAD at a time (each read waits on the disk or on a git child, not the CPU);
  // checked in the order given, so the first bad file named is the first bad one given.
  const texts: Promise<string>[] = [];
  const read = (i: number): void => {
    const text = readFileArgument(paths[i]!, cwd, env);
    text.catch(() => {});
    texts[i] = text;
  };
  for (let i = 0; i < Math.min(READ_AHEAD, paths.length); i++) read(i);
  for (const [i, path] of paths.entries()) {
    const text = await texts[i]!;
    if (i + READ_AHEAD < paths.length) read(i + READ_AHEAD);
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
    reports.push(markReport(data as unknown as ReportJson, options.failOn ?? "breaking"));
  }
  try {
    return mergeReports(reports);
  } catch (error) {
    if (error instanceof ShardMismatchError) throw new UsageError(`merge: ${error.message}`);
    throw error;
  }
}
