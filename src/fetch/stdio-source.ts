/** The stdio source: spawn the server in its own process group and list its tools. */

import { getDefaultEnvironment } from "@modelcontextprotocol/client/stdio";
import type { StdioServerConfig } from "../config/types.js";
import { showControls } from "../core/controls.js";
import type { FetchContext } from "./context.js";
import { causeChain, describeError, sessionCause } from "./describe.js";
import { proxyCredentials } from "./proxy.js";
import { listToolsRaw, type SessionResult } from "./session.js";
import { NonProtocolOutputError, ProcessGroupTransport, StdoutClosedError } from "./stdio.js";
import { entriesWithReplacement } from "./utf8.js";

/** How many stderr lines a failure message shows. */
const STDERR_LINES_SHOWN = 3;

/**
 * How this machine reaches the network: passed to stdio children even in the
 * minimal environment, because a server started with `npx -y` behind a
 * corporate proxy or private CA cannot even download itself without them.
 */
export const NETWORK_ENV_VARS = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
] as const;

/**
 * Environment for the child: minimal (the SDK's default set plus the network
 * variables) unless `inheritEnv`, then the configured `env` on top.
 */
export function childEnv(
  config: StdioServerConfig,
  parent: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const base: Record<string, string> = {};
  if (config.inheritEnv) {
    for (const [key, value] of Object.entries(parent)) if (value !== undefined) base[key] = value;
  } else {
    Object.assign(base, getDefaultEnvironment());
    for (const key of NETWORK_ENV_VARS) {
      const value = parent[key];
      if (value !== undefined) base[key] = value;
    }
  }
  return { ...base, ...config.env };
}

/** Lists the tools of a stdio server; the child is killed on every path. */
export async function fetchStdio(ctx: FetchContext, config: StdioServerConfig): Promise<SessionResult> {
  const env = childEnv(config, ctx.options.env);
  // Credentials in the proxy variables the child receives: redacted from its stderr like any secret.
  ctx.secrets.push(...proxyCredentials(env));
  let transport: ProcessGroupTransport | undefined;
  let connected = false;
  ctx.detail = () => (transport ? stderrDetail(transport) : undefined);
  ctx.explain = (error) => explainStdio(config, transport, error, connected);
  const attempt = async (negotiation: "auto" | "legacy"): Promise<SessionResult> => {
    const current = new ProcessGroupTransport({
      command: config.command,
      args: config.args,
      env,
      cwd: config.cwd,
      secrets: [...ctx.options.secrets, ...ctx.secrets],
    });
    transport = current;
    const close = (): Promise<void> => current.close();
    ctx.closers.add(close);
    try {
      const result = await listToolsRaw(current, {
        signal: ctx.signal,
        requestTimeoutMs: ctx.options.timeoutMs,
        maxPages: ctx.options.maxPages,
        secrets: [...ctx.options.secrets, ...ctx.secrets],
        negotiation,
        ...(config.resources && { resources: true }),
        ...(config.clientCapabilities && { clientCapabilities: { ...config.clientCapabilities } }),
        onConnected: () => {
          connected = true;
        },
        onPage: (page, tools) => ctx.options.onProgress?.({ type: "page", server: ctx.name, page, tools }),
        ...(ctx.trace ? { trace: ctx.trace } : {}),
        // stdout is the protocol channel: text there, or stdout closing, ends the session at once.
        faultOf: (error) =>
          error instanceof NonProtocolOutputError || error instanceof StdoutClosedError
            ? error.message
            : undefined,
      });
      // stdout is the protocol channel: text there corrupts it, even if this session survived.
      if (current.strayOutput !== undefined) throw current.strayOutput;
      return current.utf8.invalid
        ? { ...result, undecodable: entriesWithReplacement(result.rawTools) }
        : result;
    } finally {
      await current.close();
      ctx.closers.delete(close);
    }
  };
  try {
    return await attempt("auto");
  } catch (error) {
    // Some 2025-era servers exit on any request before `initialize`, including the
    // `server/discover` probe: retry once with the plain handshake on a fresh child.
    const exitedDuringProbe =
      !connected &&
      !ctx.signal.aborted &&
      transport?.exitedOnItsOwn === true &&
      transport.strayOutput === undefined &&
      !causeChain(error).some((item) => (item as { code?: unknown }).code === "ENOENT");
    if (!exitedDuringProbe) throw error;
    return await attempt("legacy");
  }
}

function explainStdio(
  config: StdioServerConfig,
  transport: ProcessGroupTransport | undefined,
  error: unknown,
  connected: boolean,
): string {
  // What the server said or did wrong comes first: the process we then stopped is no news.
  const own = sessionCause(error);
  if (own !== undefined) return own;
  for (const item of causeChain(error)) {
    const code = (item as { code?: unknown }).code;
    if (code === "ENOENT" || code === "EACCES") {
      return `cannot start ${JSON.stringify(config.command)} (${code}${code === "ENOENT" ? ": command not found" : ""})`;
    }
    if (item instanceof NonProtocolOutputError) return item.message;
  }
  if (transport?.strayOutput !== undefined) return transport.strayOutput.message;
  const exit = transport?.exitedOnItsOwn ? transport.exitStatus : undefined;
  if (exit) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return `the server process ${how} ${connected ? "while listing tools" : "before completing the handshake"}`;
  }
  return describeError(error);
}

function stderrDetail(transport: ProcessGroupTransport): string | undefined {
  const tail = transport.stderrTail();
  if (tail === "") return undefined;
  const lines = tail
    .split("\n")
    .slice(-STDERR_LINES_SHOWN)
    .map((line) => showControls(line.trim()));
  return `stderr: ${lines.join(" ⏎ ")}`;
}
