import type { FetchOptions, ServerTrace } from "./options.js";
import type { SessionPhase } from "./session.js";

/** Per-fetch state shared with the transport helpers. */
export interface FetchContext {
  name: string;
  options: FetchOptions;
  /** Aborts on the caller's signal or the server's deadline. */
  signal: AbortSignal;
  deadline: AbortSignal;
  /** Secrets discovered while fetching (tokens from the environment, key files). */
  secrets: string[];
  /** Cleanup to run if the fetch is abandoned (kills children, closes sockets). */
  closers: Set<() => Promise<void>>;
  /** Text to append to a failure message (e.g. the stderr tail). */
  detail?: () => string | undefined;
  /** How far the session got (unset: not connected yet); what a dropped connection is blamed on. */
  phase?: SessionPhase;
  /** Builds the failure cause for errors the transport understands best. */
  explain?: (error: unknown) => string | undefined;
  /** This server's trace, when the caller traces the fetch. */
  trace?: ServerTrace;
}
