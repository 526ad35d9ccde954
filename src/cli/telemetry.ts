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
import { knownSecrets, secretsHook } from "./secrets.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

/** What a traced command tells its trace: the report, once it has one (even if it then throws). */
export interface TracedRun {
  /** The run's tracer for the fetch; undefined when the run is not traced. */
  tracer: FetchTracer | undefined;
  report?: Report;
}

/**
 * Runs `work` inside the run's trace (its tracer given to the fetch), and
 * exports the trace before returning `work`'s exit code or rethrowing its
 * error, with the report `work` put in `run.report`. A collector that cannot
 * be reached costs one warning line.
 */
export async function withRunTrace(
  command: "lock" | "check",
  io: CommandIO,
  work: (run: TracedRun) => Promise<number>,
): Promise<number> {
  const trace = await startRunTrace(command, io.env, {
    warn: (line) => io.stderr(`mcp-contract: warning: ${line}\n`),
    secrets: () => knownSecrets(io),
    registerSecrets: secretsHook(io),
    version: pkg.version,
  });
  if (trace === undefined) return work({ tracer: undefined });
  const run: TracedRun = { tracer: trace.tracer };
  const counts = () =>
    run.report && { summary: run.report.summary, failedServers: run.report.errors?.length ?? 0 };
  let code: number;
  try {
    code = await work(run);
  } catch (error) {
    await trace.finish({
      exitCode: error instanceof ContractError ? error.exitCode : ExitCode.Internal,
      ...counts(),
      error: redact(error instanceof Error ? error.message : String(error), knownSecrets(io)),
    });
    throw error;
  }
  await trace.finish({ exitCode: code, ...counts() });
  return code;
}
