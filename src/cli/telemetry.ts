/**
 * The trace of a `lock` or `check` run (docs/runtime.md, Traces): started
 * before the run when the OTLP variables ask for one, ended with the run's
 * exit code and counts, and exported before the command returns. Without an
 * endpoint nothing of OpenTelemetry is imported.
 */
import { createRequire } from "node:module";
import type { Report } from "../core/report.js";
import { ContractError, ExitCode } from "../errors.js";
import type { FetchTracer } from "../fetch/options.js";
import { redact } from "../redact.js";
import { startRunTrace } from "../telemetry/index.js";
import type { CommandIO } from "./io.js";
import { knownSecrets, registerSecrets } from "./secrets.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

/** What a traced command returns: its exit code and, when it got one, its report. */
export interface TracedResult {
  code: number;
  report?: Report;
}

/**
 * Runs `work` inside the run's trace (its tracer given to the fetch), and
 * exports the trace before returning `work`'s exit code or rethrowing its
 * error. A collector that cannot be reached costs one warning line.
 */
export async function withRunTrace(
  command: "lock" | "check",
  io: CommandIO,
  work: (tracer: FetchTracer | undefined) => Promise<TracedResult>,
): Promise<number> {
  const trace = await startRunTrace(command, io.env, {
    warn: (line) => io.stderr(`mcp-contract: warning: ${line}\n`),
    secrets: knownSecrets,
    registerSecrets,
    version: pkg.version,
  });
  if (trace === undefined) return (await work(undefined)).code;
  let result: TracedResult;
  try {
    result = await work(trace.tracer);
  } catch (error) {
    await trace.finish({
      exitCode: error instanceof ContractError ? error.exitCode : ExitCode.Internal,
      error: redact(error instanceof Error ? error.message : String(error), knownSecrets()),
    });
    throw error;
  }
  const { report } = result;
  await trace.finish({
    exitCode: result.code,
    ...(report && { summary: report.summary, failedServers: report.errors?.length ?? 0 }),
  });
  return result.code;
}
