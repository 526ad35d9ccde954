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
  /** Told about each server and each MCP request, for a trace; never required. */
  tracer?: FetchTracer;
  /**
   * Set by `mcp-contract login`: a person is there to authorize in a browser
   * (OAuth servers only). Unset, a server that needs a login fails with the
   * line saying to run it.
   */
  login?: LoginDriver;
}

/** Where the browser is sent and what comes back: what `login` hands the fetch. */
export interface LoginDriver {
  /** The loopback redirect URI (`http://127.0.0.1:PORT/callback`). */
  readonly redirectUrl: string;
  /** Hands `url` to the person (the browser, or printed); resolves once handed over. */
  open(url: URL): Promise<void>;
  /** Waits for the redirect back carrying `state` (any other is refused); resolves with its query (`code`, `iss`). */
  callback(state: string): Promise<URLSearchParams>;
}

/** What `onProgress` hears, per server. */
export type FetchProgressEvent =
  | { type: "start"; server: string; transport: string }
  | { type: "page"; server: string; page: number; tools: number }
  | { type: "done"; server: string; tools: number; elapsedMs: number }
  | { type: "failed"; server: string; message: string; elapsedMs: number };

/**
 * Tracing hooks (the CLI's OpenTelemetry edge implements them): the fetch
 * tells them what it does and never depends on them. Every message handed
 * to them is already redacted.
 */
export interface FetchTracer {
  /** One server's fetch starts. */
  server(name: string, peer: TracePeer): ServerTrace;
}

/** Where a server is, as the MCP semantic conventions name it. */
export interface TracePeer {
  /** The configured transport (`stdio`, `streamable-http`, `sse`, `auto`, `json`, `file`). */
  transport: string;
  /** `pipe` for stdio, `tcp` for HTTP; absent for a file. */
  network?: "pipe" | "tcp";
  /** Host and port of an HTTP server. */
  address?: string;
  port?: number;
}

/** One server's fetch. */
export interface ServerTrace {
  /** An MCP request went out (`initialize`, `tools/list`, …): its span, ended with the answer. */
  request(method: string, id: string | number): RequestTrace;
  /** The W3C trace context headers of an HTTP request sent now: the open request's, else the server's. */
  headers(): Record<string, string>;
  /** The fetch ended: the number of tools, or the failure message. */
  end(outcome: { tools: number } | { error: string }): void;
}

/** One MCP request. */
export interface RequestTrace {
  /** The answer came (no argument), or the request failed: a JSON-RPC error answer carries its code. */
  end(error?: { message: string; code?: number }): void;
}
