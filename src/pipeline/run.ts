/**
 * What a pipeline run may touch besides its files: the working directory, the
 * environment, a cancel signal, and hooks through which a caller (the CLI)
 * hears what happens while it happens. The library's defaults: the process's
 * directory and environment, no hooks.
 */

import type { ReportError } from "../core/report.js";
import type { FetchProgressEvent, FetchTracer } from "../fetch/options.js";

/** Callbacks a run calls as it goes; every one is optional and none changes the result. */
export interface PipelineHooks {
  /** A note about how the config was read (servers skipped, where the lockfile goes), redacted. */
  note?: (text: string) => void;
  /** Secrets as soon as they are known (the config's, then the fetched servers'), to redact any later error. */
  secrets?: (secrets: readonly string[]) => void;
  /** The fetch of `servers` servers starts: progress callbacks for it. */
  fetching?: (servers: number) => FetchProgress | Promise<FetchProgress>;
  /** Servers that could not be fetched (redacted lines), once every finding is in and before the policy applies. */
  failed?: (failures: readonly ReportError[]) => void;
  /** Told about each server fetched and each MCP request it sends (the CLI's OpenTelemetry trace). */
  tracer?: FetchTracer;
}

/** Progress of a fetch. */
export interface FetchProgress {
  onProgress?: (event: FetchProgressEvent) => void;
  /** Called when the fetch ends, however it ends. */
  finish?: () => void;
}

/** Where and how a pipeline function runs. */
export interface RunOptions {
  /** The working directory: the config is searched from here and findings name files relative to it. Default `process.cwd()`. */
  cwd?: string;
  /** The environment `${VAR}` reads and servers inherit. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborting it stops the fetch (the run then throws `InterruptedError`). */
  signal?: AbortSignal;
  hooks?: PipelineHooks;
}

/** `RunOptions` with the defaults filled in. */
export interface Run {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  hooks: PipelineHooks;
}

/** Fills in the defaults of `RunOptions`. */
export function resolveRun(options: RunOptions): Run {
  return {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    signal: options.signal ?? new AbortController().signal,
    hooks: options.hooks ?? {},
  };
}
