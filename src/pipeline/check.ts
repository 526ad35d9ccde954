/**
 * `checkProject`: the check as one staged function, for `check`, `check
 * --offline` and the library alike. Config → servers (and shard) → either the
 * live sources (fetch, snapshots, diff against the lockfile, templates against
 * the live tools, poisoning) or the lockfile alone (offline.ts) → policy →
 * report. It prints nothing and decides no exit code: see `getExitCode`.
 */
import { openCache, parsedConfigStore, stageMemo } from "../cache/index.js";
import type { ResolvedConfig, ServerConfig } from "../config/types.js";
import type { Change } from "../core/change.js";
import type { FailOn } from "../core/fail-on.js";
import type { LockedServer } from "../core/lockfile.js";
import type { Report, ReportError, ShardInfo } from "../core/report.js";
import { InterruptedError, UsageError } from "../errors.js";
import { inShard, parseShard, selectShard } from "../report/shard.js";
import { acknowledgementsPath, readAcknowledgements } from "./acknowledgements.js";
import { readTemplateFiles } from "./files.js";
import { noLockfile, offlineFindings } from "./offline.js";
import { reportFindings } from "./report.js";
import { type Run, type RunOptions, resolveRun } from "./run.js";
import { type FetchSettings, fetchSources, loadProjectConfig, selectServers } from "./sources.js";

/** What `checkProject` checks and how. */
export interface CheckProjectOptions extends RunOptions, FetchSettings {
  /** The config file (relative to `cwd`); default the one found from `cwd` upwards. */
  config?: string;
  /** Only these servers (`--server`); default all. */
  servers?: readonly string[];
  /** No network: the lockfile's integrity, templates against it, the poisoning scan (`--offline`). */
  offline?: boolean;
  /** `K/N`: only every Nth server, starting at the Kth (`--shard`). */
  shard?: string;
  /** False: offline, read and write no result cache (`--no-cache`). Default true (unless `MCP_CONTRACT_NO_CACHE`). */
  cache?: boolean;
  /** The acknowledgements file (relative to `cwd`), which must then exist; default mcp-contract.acks.json next to the config. */
  acknowledgements?: string;
  /** The lowest severity that fails the run (`--fail-on`), which the policy marks changes by; default `breaking`. */
  failOn?: FailOn;
}

/** What a check found, with what reporters need to point at it. */
export interface CheckResult {
  /** The report: `formatReport(result.report, "json")` is `mcp-contract check --format json`. */
  report: Report;
  /** The config the check ran with. */
  config: ResolvedConfig;
  /** The lockfile's absolute path: findings about servers and tools point at it. */
  lockfile: string;
  /** The template and partial files checked, as findings name them. */
  templates: string[];
  /** The acknowledgements file the policy read (it may not exist). */
  acknowledgementsFile: string;
  /** Online: the servers as fetched now, locked the way `lock` would (what html shows beside the lockfile). */
  live?: ReadonlyMap<string, LockedServer>;
}

/**
 * Checks a project: what `mcp-contract check` (or `check --offline`) reports,
 * as data. Throws the typed errors of errors.ts (bad config, no lockfile, …);
 * servers that cannot be fetched are `report.errors`, not exceptions.
 */
export async function checkProject(options: CheckProjectOptions = {}): Promise<CheckResult> {
  const run = resolveRun(options);
  const cache = options.offline ? openCache(options, run.cwd, run.env) : undefined;
  const config = await loadProjectConfig(run, options.config, cache && parsedConfigStore(cache));
  let servers = await selectServers(config, options.servers);
  // A lockfile entry of a server the config no longer names is reported when every server is
  // checked (with --server, only those are).
  const everyServer = options.servers === undefined || options.servers.length === 0;
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (typeof shard === "string") throw new UsageError(`--shard ${options.shard}: ${shard}`);
  if (shard) {
    const names = new Set(selectShard(Object.keys(servers), shard));
    servers = Object.fromEntries(Object.entries(servers).filter(([name]) => names.has(name)));
  }
  const acknowledgementsFile = acknowledgementsPath(options.acknowledgements, config.dir, run.cwd);
  const given = options.acknowledgements !== undefined;
  // Online, every input is read before any server is contacted: a broken acknowledgements file is
  // reported before the servers are fetched, as a broken config, lockfile or template is.
  const acknowledgements = options.offline
    ? undefined
    : await readAcknowledgements(acknowledgementsFile, run.cwd, given);
  const found = options.offline
    ? { ...(await offlineFindings(config, run, cache && stageMemo(cache))), failures: [] }
    : await onlineFindings(
        config,
        servers,
        options,
        run,
        everyServer ? Object.keys(config.servers) : undefined,
      );
  run.hooks.failed?.(found.failures);
  // A shard reports only its own servers' findings (and shard 1 the server-less ones and those of
  // servers no longer configured), so merge counts each once.
  const names = new Set(Object.keys(servers));
  const changes = shard
    ? found.changes.filter(
        (c) =>
          inShard(c.server, names, shard) || (shard.index === 1 && !Object.hasOwn(config.servers, c.server)),
      )
    : found.changes;
  const report = await reportFindings(
    { changes, servers: [...names], errors: found.failures, ...(shard && { shard: shard as ShardInfo }) },
    {
      rules: config.rules,
      acknowledgementsFile,
      given,
      ...(acknowledgements && { acknowledgements }),
      cwd: run.cwd,
      ...(options.failOn && { failOn: options.failOn }),
    },
  );
  return {
    report,
    config,
    lockfile: config.lockfile,
    templates: found.templateFiles,
    acknowledgementsFile,
    ...("live" in found && found.live ? { live: found.live } : {}),
  };
}

/**
 * The online check: read the lockfile and the templates (their references extracted, so a syntax
 * error, like a missing partials directory, is raised before any server is contacted), fetch the
 * servers (the I/O edges, in that order), then the pure stage `liveFindings`.
 */
async function onlineFindings(
  config: ResolvedConfig,
  servers: Record<string, ServerConfig>,
  settings: FetchSettings,
  run: Run,
  configured: readonly string[] | undefined,
): Promise<{
  changes: Change[];
  templateFiles: string[];
  failures: ReportError[];
  live: ReadonlyMap<string, LockedServer>;
}> {
  const { readLockfileIfExists } = await import("../lockfile/io.js");
  const lock = await readLockfileIfExists(config.lockfile);
  if (!lock) throw noLockfile(config.lockfile);
  const read = await readTemplateFiles(config, run.cwd);
  const { partials } = read;
  let templates = read.templates;
  if (templates.length > 0) {
    const { extractReferences } = await import("../templates/references.js");
    templates = templates.map((t) => ({ ...t, references: extractReferences(t.source, t.file).references }));
  }
  const fetched = await fetchSources(config, servers, settings, run);
  if (run.signal.aborted) throw new InterruptedError();
  // Imported here, not at the top: a cached offline check needs none of the modules it loads.
  const { liveFindings } = await import("./live.js");
  const changes = liveFindings({
    lock,
    lockfilePath: config.lockfile,
    servers: Object.keys(servers),
    ...(configured && { configured }),
    locked: fetched.locked,
    fetchFindings: fetched.findings,
    templates,
    partials: Object.keys(partials),
  });
  return {
    changes,
    templateFiles: templates.map((t) => t.file),
    failures: fetched.failures,
    live: fetched.locked,
  };
}
