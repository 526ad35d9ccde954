/**
 * Shared by `lock` and `check`: load the config, pick the servers, fetch them
 * with progress on stderr, and lock what came back.
 */
import { interpolateServers, loadConfig, type ParsedConfigStore, readEnvFile } from "../config/load.js";
import type { ResolvedConfig, ServerConfig } from "../config/types.js";
import type { Change } from "../diff/change.js";
import { UsageError } from "../errors.js";
import type { FetchOutcome } from "../fetch/index.js";
import type { LockedServer } from "../lockfile/format.js";
import { redact } from "../redact.js";
import type { CommandIO } from "./io.js";
import { registerSecrets } from "./secrets.js";

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
 * Loads the config and registers its secrets for redaction of any later error.
 * `${VAR}` is left in the servers: `fetchAndLock` interpolates the ones it
 * contacts, so a command that contacts none (`check --offline`) needs no secrets. How an MCP
 * client config was read (servers skipped, where the lockfile goes) is said on stderr unless quiet.
 */
export async function loadCommandConfig(
  options: { config?: string; quiet?: boolean },
  io: CommandIO,
  parsed?: ParsedConfigStore,
): Promise<ResolvedConfig> {
  const config = await loadConfig({
    configPath: options.config,
    cwd: io.cwd,
    env: io.env,
    interpolate: false,
    ...(parsed && { parsed }),
  });
  registerSecrets(config.secrets);
  if (!options.quiet)
    for (const note of config.notes) io.stderr(`mcp-contract: note: ${redact(note, config.secrets)}\n`);
  return config;
}

/** The configured servers `--server` selects (all when absent); unknown names are a usage error. */
export function selectServers(
  config: ResolvedConfig,
  names: readonly string[] | undefined,
): Record<string, ServerConfig> {
  if (!names || names.length === 0) return config.servers;
  const selected: Record<string, ServerConfig> = Object.create(null);
  for (const name of names) {
    if (!Object.hasOwn(config.servers, name)) {
      const known = Object.keys(config.servers).join(", ") || "none";
      throw new UsageError(`unknown server "${name}" in --server; ${config.path} configures: ${known}`);
    }
    selected[name] = config.servers[name]!;
  }
  return selected;
}

export interface FetchedServers {
  outcomes: FetchOutcome[];
  /** Lockfile entries of the servers that fetched. */
  locked: Map<string, LockedServer>;
  /** Fetch-time findings (invalid-tool-definition, duplicate-tool-name) of the servers that fetched. */
  findings: Change[];
  /** One redacted line per server that failed. */
  failures: { server: string; message: string }[];
}

/** Fetches the servers with progress on stderr (unless quiet) and locks what came back. */
export async function fetchAndLock(
  config: ResolvedConfig,
  servers: Record<string, ServerConfig>,
  options: FetchCommandOptions,
  io: CommandIO,
): Promise<FetchedServers> {
  // Imported here, not at the top: `check --offline` uses this module and must not load the MCP SDK.
  // Nor the canonical hasher and the progress bar, which only a fetch needs.
  // Only the servers fetched need their variables set (a ConfigError names an unset one).
  const interpolated = interpolateServers(config, servers, io.env, readEnvFile);
  registerSecrets(interpolated.secrets);
  const secrets = [...config.secrets, ...interpolated.secrets];
  const { fetchServers } = await import("../fetch/index.js");
  const { lockServer } = await import("../lockfile/build.js");
  const { createProgress } = await import("./progress.js");
  const progress = createProgress(io, Object.keys(servers).length, options.quiet);
  let outcomes: FetchOutcome[];
  try {
    outcomes = await fetchServers(interpolated.servers, {
      timeoutMs: options.timeout,
      concurrency: options.concurrency,
      maxPages: options.maxPages,
      secrets,
      signal: io.signal,
      onProgress: progress.onProgress,
      env: io.env,
    });
  } finally {
    progress.finish();
  }
  const locked = new Map<string, LockedServer>();
  const failures: FetchedServers["failures"] = [];
  const findings: Change[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      locked.set(outcome.server, lockServer(outcome.snapshot));
      findings.push(...(outcome.snapshot.findings ?? []));
    } else {
      failures.push({ server: outcome.server, message: redact(outcome.error.message, secrets) });
    }
  }
  return { outcomes, locked, failures, findings };
}
