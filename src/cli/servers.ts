/**
 * What the fetching commands (`lock`, `check`) share on the CLI side: their
 * options, and the pipeline hooks that print notes, progress and failures on
 * stderr and register secrets for redaction.
 */
import type { FetchTracer } from "../fetch/options.js";
import type { PipelineHooks, RunOptions } from "../pipeline/run.js";
import type { FetchSettings } from "../pipeline/sources.js";
import type { CommandIO } from "./io.js";
import { secretsHook } from "./secrets.js";

/** Options every fetching command takes. */
export interface FetchCommandOptions {
  config?: string;
  server?: string[];
  timeout: number;
  concurrency: number;
  maxPages: number;
  quiet?: boolean;
}

/**
 * The hooks of a fetching command: secrets registered for redaction of any
 * later error, notes on how the config was read (unless quiet), fetch progress
 * on stderr (unless quiet), one line per server that failed.
 */
export function pipelineHooks(
  options: { quiet?: boolean },
  io: CommandIO,
): Required<Omit<PipelineHooks, "tracer">> {
  return {
    secrets: secretsHook(io),
    note: (text) => {
      if (!options.quiet) io.stderr(`mcp-contract: note: ${text}\n`);
    },
    fetching: async (servers) => {
      // Imported here: only a fetch needs the progress bar.
      const { createProgress } = await import("./progress.js");
      return createProgress(io, servers, options.quiet);
    },
    failed: (failures) => {
      for (const failure of failures) io.stderr(`mcp-contract: ${failure.message}\n`);
    },
  };
}

/**
 * What `lock` and `check` hand their pipeline alike: the run (io, hooks, the
 * run's tracer when it is traced) and how to fetch which servers.
 */
export function fetchRunOptions(
  options: FetchCommandOptions,
  io: CommandIO,
  tracer?: FetchTracer,
): RunOptions & FetchSettings & { config?: string; servers?: readonly string[] } {
  return {
    cwd: io.cwd,
    env: io.env,
    signal: io.signal,
    hooks: { ...pipelineHooks(options, io), ...(tracer && { tracer }) },
    config: options.config,
    servers: options.server,
    timeout: options.timeout,
    concurrency: options.concurrency,
    maxPages: options.maxPages,
  };
}
