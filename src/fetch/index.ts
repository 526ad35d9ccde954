/**
 * The fetch layer: reach every configured server, get its complete raw tool
 * list, and fail with one clear, redacted line naming the server when anything
 * goes wrong, never hanging and never leaving a child process behind.
 */
import type { ServerConfig } from "../config/types.js";
import { showControls } from "../core/controls.js";
import type { ToolDefinition } from "../core/lockfile.js";
import type { ServerSnapshot } from "../core/snapshot.js";
import { FetchError } from "../errors.js";
import { redact, truncate } from "../redact.js";
import type { FetchContext } from "./context.js";
import { redactDefinitions, redactSurface } from "./definition-secrets.js";
import { causeChain, describeError, firstLine, httpStatus, networkCode } from "./describe.js";
import { readToolsFile } from "./file.js";
import type { FetchOptions, TracePeer } from "./options.js";
import { withQuietSdk } from "./sdk-console.js";
import { checkSurface, type RawSurface } from "./surface.js";
import { safeUrl } from "./url.js";
import { checkTools } from "./validate.js";

export { parseToolsDocument } from "./file.js";
export { fetchRules } from "./rules.js";

/** The longest failure message, and the longest cause in it (the rest is left for the detail, e.g. stderr). */
const MESSAGE_CHARS = 1000;
const CAUSE_CHARS = 300;

/** One server's result from `fetchServers`. */
export type FetchOutcome =
  | { server: string; ok: true; snapshot: ServerSnapshot }
  | { server: string; ok: false; error: FetchError };

/**
 * Fetches one server's complete tool list. Throws `FetchError` with one
 * redacted line naming the server and the cause.
 */
export async function fetchServer(
  name: string,
  config: ServerConfig,
  options: FetchOptions,
): Promise<ServerSnapshot> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const ctx: FetchContext = { name, options, signal, deadline, secrets: [], closers: new Set() };
  const trace = options.tracer?.server(name, tracePeer(config));
  if (trace) ctx.trace = trace;
  options.onProgress?.({ type: "start", server: name, transport: transportLabel(config) });
  try {
    const snapshot = await withQuietSdk(() => untilAborted(ctx, fetchBySource(ctx, config)));
    trace?.end({ tools: snapshot.tools.length });
    options.onProgress?.({
      type: "done",
      server: name,
      tools: snapshot.tools.length,
      elapsedMs: Date.now() - started,
    });
    return snapshot;
  } catch (error) {
    const fetchError = toFetchError(ctx, config, error);
    trace?.end({ error: fetchError.message });
    options.onProgress?.({
      type: "failed",
      server: name,
      message: fetchError.message,
      elapsedMs: Date.now() - started,
    });
    throw fetchError;
  } finally {
    await Promise.all([...ctx.closers].map((close) => close().catch(() => {})));
  }
}

/**
 * Fetches every server, at most `options.concurrency` at a time. Never
 * throws for a server's failure: each outcome says ok or carries its
 * `FetchError`. Outcomes are in input order.
 */
export async function fetchServers(
  servers: Record<string, ServerConfig>,
  options: FetchOptions,
): Promise<FetchOutcome[]> {
  const entries = Object.entries(servers);
  const outcomes: FetchOutcome[] = new Array(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const entry = entries[index];
      if (entry === undefined) return;
      const [name, config] = entry;
      try {
        outcomes[index] = { server: name, ok: true, snapshot: await fetchServer(name, config, options) };
      } catch (error) {
        const fetchError =
          error instanceof FetchError
            ? error
            : new FetchError(
                name,
                truncate(
                  showControls(redact(`server "${name}": ${describeError(error)}`, options.secrets)),
                  MESSAGE_CHARS,
                  options.secrets,
                ),
              );
        outcomes[index] = { server: name, ok: false, error: fetchError };
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, entries.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}

/** Rejects as soon as `ctx.signal` aborts, even if `work` ignores the signal; runs the closers then. */
function untilAborted<T>(ctx: FetchContext, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      for (const close of ctx.closers) close().catch(() => {});
      reject(ctx.signal.reason);
    };
    if (ctx.signal.aborted) onAbort();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => ctx.signal.removeEventListener("abort", onAbort));
  });
}

async function fetchBySource(ctx: FetchContext, config: ServerConfig): Promise<ServerSnapshot> {
  switch (config.kind) {
    case "file": {
      const { entries, surface, undecodable } = await readToolsFile(config.file);
      return snapshotOf(ctx, entries, { surface, ...(undecodable ? { undecodable } : {}) });
    }
    case "stdio": {
      const { fetchStdio } = await import("./stdio-source.js");
      const result = await fetchStdio(ctx, config);
      return snapshotOf(ctx, result.rawTools, { ...result, surface: { ...result.surface } });
    }
    case "http": {
      const { fetchHttp } = await import("./http-source.js");
      const result = await fetchHttp(ctx, config);
      return snapshotOf(ctx, result.rawTools, { ...result, surface: { ...result.surface } });
    }
  }
}

function snapshotOf(
  ctx: FetchContext,
  raw: unknown[],
  meta: {
    serverInfo?: { name: string; version: string };
    protocolVersion?: string;
    undecodable?: ReadonlySet<number>;
    surface?: RawSurface;
  },
): ServerSnapshot {
  const server = ctx.name;
  const secrets = [...ctx.options.secrets, ...ctx.secrets];
  // A secret the server echoed back is replaced before anything is checked, hashed or locked.
  const redacted = redactDefinitions(server, raw, meta.serverInfo, secrets);
  const { tools, findings } = checkTools(server, redacted.tools, meta.undecodable);
  findings.push(...redacted.findings);
  const rawSurface = meta.surface ?? {};
  findings.push(...redactSurface(server, rawSurface, secrets));
  const checked = checkSurface(server, rawSurface);
  findings.push(...checked.findings);
  return {
    server,
    ...(redacted.serverInfo ? { serverInfo: redacted.serverInfo } : {}),
    ...(meta.protocolVersion ? { protocolVersion: meta.protocolVersion } : {}),
    tools: tools as ToolDefinition[],
    ...checked.surface,
    ...(findings.length > 0 ? { findings } : {}),
  };
}

function toFetchError(ctx: FetchContext, config: ServerConfig, error: unknown): FetchError {
  // A line the OAuth provider wrote on purpose (run `login`, too many step-ups) is the message.
  const own = causeChain(error).find((item) => item instanceof FetchError && item.server === ctx.name);
  if (own instanceof FetchError && !ctx.deadline.aborted && !ctx.options.signal?.aborted) return own;
  const secrets = [...ctx.options.secrets, ...ctx.secrets];
  let cause: string;
  if (ctx.options.signal?.aborted) cause = "cancelled";
  else if (ctx.deadline.aborted) {
    cause = `timed out after ${formatSeconds(ctx.options.timeoutMs)} (raise --timeout if the server is just slow)`;
  } else cause = ctx.explain?.(error) ?? generalCause(config, error);
  // Redacted before it is cut (a cut secret no longer matches), the cause short enough to leave room for the detail.
  // Its control characters shown (an HTTP error body, a JSON-RPC error message): text a server wrote, never run.
  cause = truncate(firstLine(showControls(redact(cause, secrets))), CAUSE_CHARS, secrets);
  const detail = ctx.detail?.();
  const message = `server "${ctx.name}": ${cause}${detail ? `; ${detail}` : ""}`;
  return new FetchError(ctx.name, truncate(firstLine(redact(message, secrets)), MESSAGE_CHARS, secrets), {
    cause: error,
  });
}

function generalCause(config: ServerConfig, error: unknown): string {
  if (config.kind === "http") {
    const code = networkCode(error);
    if (code) return `cannot connect to ${safeUrl(config.url)} (${code})`;
    const status = httpStatus(error);
    if (status === 401 || status === 403) {
      return `${safeUrl(config.url)} rejected the credentials (HTTP ${status}); check the server's headers/auth settings`;
    }
  }
  return describeError(error);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Where the server is, for its trace: the host and port of a URL (never its path, user or query). */
function tracePeer(config: ServerConfig): TracePeer {
  if (config.kind === "file") return { transport: "file" };
  if (config.kind === "stdio") return { transport: "stdio", network: "pipe" };
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return { transport: config.transport, network: "tcp" };
  }
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  // A bracketed IPv6 host is reported without its brackets, as server.address expects.
  return { transport: config.transport, network: "tcp", address: url.hostname.replace(/^\[|\]$/g, ""), port };
}

function transportLabel(config: ServerConfig): string {
  if (config.kind === "http") return config.transport;
  return config.kind;
}
