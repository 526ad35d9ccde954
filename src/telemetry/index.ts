/**
 * OpenTelemetry traces of `lock` and `check`, configured by the standard
 * OTLP environment variables. This module and `settings.ts` read the
 * environment only: the OpenTelemetry SDK (`otel.ts`) is imported when a trace
 * is really wanted, so a run without an endpoint (the offline pre-commit path)
 * loads none of it.
 */
import { type RunTrace, type TraceEnvironment, traceSettings } from "./settings.js";

export type { RunOutcome, RunTrace, TraceEnvironment, TraceSettings } from "./settings.js";
export { parseHeaders, traceSettings } from "./settings.js";

/**
 * Starts the trace of a `lock` or `check` run when the environment asks for
 * one; undefined (and nothing imported) otherwise.
 */
export async function startRunTrace(
  command: "lock" | "check",
  env: Readonly<Record<string, string | undefined>>,
  environment: TraceEnvironment,
): Promise<RunTrace | undefined> {
  const settings = traceSettings(env);
  if (settings === undefined) return undefined;
  if ("warning" in settings) {
    environment.warn(settings.warning);
    return undefined;
  }
  environment.registerSecrets(Object.values(settings.headers));
  const { startOtelTrace } = await import("./otel.js");
  return startOtelTrace(command, settings, environment);
}
