/** What a caller of `fetchServer` / `fetchServers` sets, and what it hears back while they run. */

/** Settings for one `fetchServer` / `fetchServers` run. */
export interface FetchOptions {
  /** Per-server total timeout in milliseconds, connect included (the CLI default is 30 000). */
  timeoutMs: number;
  /** How many servers are fetched at once (the CLI default is 8). */
  concurrency: number;
  /** More tools/list pages than this is an error (the CLI default is 1000). */
  maxPages: number;
  /** Secret values to redact from every message. */
  secrets: readonly string[];
  /** Aborting it (SIGINT/SIGTERM at the CLI) stops every fetch and kills every child. */
  signal?: AbortSignal;
  /** Told about each server's progress; never required. */
  onProgress?: (event: FetchProgressEvent) => void;
  /** Where proxy settings, auth tokens and stdio children's variables are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** What `onProgress` hears, per server. */
export type FetchProgressEvent =
  | { type: "start"; server: string; transport: string }
  | { type: "page"; server: string; page: number; tools: number }
  | { type: "done"; server: string; tools: number; elapsedMs: number }
  | { type: "failed"; server: string; message: string; elapsedMs: number };
