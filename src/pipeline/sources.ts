/**
 * The pipeline's first stages, shared by `lock` and `check`: load the config,
 * pick the servers, fetch them (the I/O edge) and turn what came back into
 * lockfile entries, fetch-time findings and one redacted line per failure.
 */
import { interpolateServers, loadConfig, type ParsedConfigStore, readEnvFile } from "../config/load.js";
import type { ResolvedConfig, ServerConfig } from "../config/types.js";
import type { Change } from "../core/change.js";
import type { LockedServer } from "../core/lockfile.js";
import type { ReportError } from "../core/report.js";
import { UsageError } from "../errors.js";
import type { FetchOutcome } from "../fetch/index.js";
import { redact } from "../redact.js";
import type { Run } from "./run.js";

/** How servers are fetched; the CLI's defaults apply to what is left out. */
export interface FetchSettings {
  /** Per-server timeout in milliseconds; default 30 000. */
  timeout?: number;
  /** Servers fetched at once; default 8. */
  concurrency?: number;
  /** Most tools/list pages per server; default 1000. */
  maxPages?: number;
}

/**
 * Loads the config and hands its secrets to `hooks.secrets`, for redaction of
 * any later error. `${VAR}` is left in the servers: `fetchSources` interpolates
 * the ones it contacts, so a run that contacts none (`check --offline`) needs
 * no secrets. How an MCP client config was read (servers skipped, where the
 * lockfile goes) goes to `hooks.note`, redacted.
 */
export async function loadProjectConfig(
  run: Run,
  configPath: string | undefined,
  parsed?: ParsedConfigStore,
): Promise<ResolvedConfig> {
  const config = await loadConfig({
    configPath,
    cwd: run.cwd,
    env: run.env,
    interpolate: false,
    ...(parsed && { parsed }),
  });
  run.hooks.secrets?.(config.secrets);
  if (run.hooks.note) for (const note of config.notes) run.hooks.note(redact(note, config.secrets));
  return config;
}

/** The configured servers `names` selects (all when absent or empty); unknown names are a usage error. */
export async function selectServers(
  config: ResolvedConfig,
  names: readonly string[] | undefined,
): Promise<Record<string, ServerConfig>> {
  if (!names || names.length === 0) return config.servers;
  const selected: Record<string, ServerConfig> = Object.create(null);
  for (const name of names) {
    if (!Object.hasOwn(config.servers, name)) {
      // The did-you-mean (and its edit-distance package) is loaded only for the mistake.
      const { unknownNameHint } = await import("../core/suggest.js");
      const hint = unknownNameHint(name, Object.keys(config.servers), config.path);
      throw new UsageError(`unknown server "${name}" in --server; ${hint}`);
    }
    selected[name] = config.servers[name]!;
  }
  return selected;
}

/** What fetching the servers gave. */
export interface FetchedServers {
  outcomes: FetchOutcome[];
  /** Lockfile entries of the servers that fetched. */
  locked: Map<string, LockedServer>;
  /** Fetch-time findings (invalid-tool-definition, duplicate-tool-name) of the servers that fetched. */
  findings: Change[];
  /** One redacted line per server that failed. */
  failures: ReportError[];
}

/** Fetches the servers (progress through `hooks.fetching`) and locks what came back. */
export async function fetchSources(
  config: ResolvedConfig,
  servers: Record<string, ServerConfig>,
  settings: FetchSettings,
  run: Run,
): Promise<FetchedServers> {
  // Only the servers fetched need their variables set (a ConfigError names an unset one).
  const interpolated = interpolateServers(config, servers, run.env, readEnvFile);
  run.hooks.secrets?.(interpolated.secrets);
  const secrets = [...config.secrets, ...interpolated.secrets];
  // Imported here, not at the top: `check --offline` uses this module and must not load the MCP SDK,
  // nor the canonical hasher, which only a fetch needs.
  const { fetchServers } = await import("../fetch/index.js");
  const progress = (await run.hooks.fetching?.(Object.keys(servers).length)) ?? {};
  let outcomes: FetchOutcome[];
  try {
    outcomes = await fetchServers(interpolated.servers, {
      timeoutMs: settings.timeout ?? 30_000,
      concurrency: settings.concurrency ?? 8,
      maxPages: settings.maxPages ?? 1000,
      secrets,
      signal: run.signal,
      env: run.env,
      ...(progress.onProgress && { onProgress: progress.onProgress }),
      ...(run.hooks.tracer && { tracer: run.hooks.tracer }),
    });
  } finally {
    progress.finish?.();
  }
  return { outcomes, ...(await lockOutcomes(outcomes, secrets)) };
}

/** The snapshots stage (pure): lockfile entries and findings of what fetched, a redacted line per failure. */
async function lockOutcomes(
  outcomes: readonly FetchOutcome[],
  secrets: readonly string[],
): Promise<Omit<FetchedServers, "outcomes">> {
  const { lockServer } = await import("../lockfile/build.js");
  const locked = new Map<string, LockedServer>();
  const failures: ReportError[] = [];
  const findings: Change[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      locked.set(outcome.server, lockServer(outcome.snapshot));
      findings.push(...(outcome.snapshot.findings ?? []));
    } else {
      failures.push({ server: outcome.server, message: redact(outcome.error.message, secrets) });
    }
  }
  return { locked, failures, findings };
}
