/**
 * `mcp-contract check`: run the pipeline's `checkProject` (online, or
 * `--offline` against the lockfile alone, without loading the MCP SDK), print
 * the report in every `--format`, and exit by the policy (1 on breaking
 * changes, 3 when a server could not be fetched).
 */

import { resolve } from "node:path";
import { checkProject } from "../../pipeline/check.js";
import { getExitCode } from "../../policy/policy.js";
import type { CommandIO } from "../io.js";
import { definitionsOf, type ReportCommandOptions, writeReport } from "../report-output.js";
import { type FetchCommandOptions, fetchRunOptions } from "../servers.js";
import { withRunTrace } from "../telemetry.js";

export interface CheckOptions extends FetchCommandOptions, ReportCommandOptions {
  offline?: boolean;
  /** `K/N`: only every Nth server, starting at the Kth. */
  shard?: string;
  /** False (`--no-cache`): compute everything, read and write no cache. */
  cache?: boolean;
}

export function runCheck(options: CheckOptions, io: CommandIO): Promise<number> {
  return withRunTrace("check", io, async (run) => {
    const result = await checkProject({
      ...fetchRunOptions(options, io, run.tracer),
      offline: options.offline,
      shard: options.shard,
      cache: options.cache,
      acknowledgements: options.acknowledgements,
      failOn: options.failOn,
    });
    await writeReport(result.report, options, io, {
      file: { path: result.lockfile },
      templates: result.templates,
      inputs: [
        { path: result.config.path, what: "the config" },
        { path: result.lockfile, what: "the lockfile" },
        { path: result.acknowledgementsFile, what: "the acknowledgements file" },
        ...result.templates.map((t) => ({ path: resolve(result.config.dir, t), what: "a template" })),
      ],
      ...(result.live && { definitions: { after: definitionsOf(result.live) } }),
    });
    run.report = result.report;
    if (options.offline && options.cache !== false) io.checkedOffline?.(result);
    return getExitCode(result.report);
  });
}
