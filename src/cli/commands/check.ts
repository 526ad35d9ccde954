/**
 * `mcp-contract check`: fetch every server, diff against the lockfile,
 * report, and exit by the policy (1 on breaking changes, 3 when a server could
 * not be fetched). Templates are checked against the live tools, with the
 * lockfile as their previous version. `--offline` checks templates against the
 * lockfile alone (previous version: the lockfile at git HEAD), with no network
 * and without loading the MCP SDK.
 */

import { readFile } from "node:fs/promises";
import type { ResolvedConfig } from "../../config/types.js";
import type { Change } from "../../diff/change.js";
import { LockfileError, UsageError } from "../../errors.js";
import { emptyLockfile } from "../../lockfile/build.js";
import type { Lockfile } from "../../lockfile/format.js";
import { readLockfileIfExists } from "../../lockfile/io.js";
import { parseLockfile } from "../../lockfile/parse.js";
import { verifyLockfile } from "../../lockfile/verify.js";
import { inShard, parseShard, selectShard } from "../../report/shard.js";
import { checkTemplates } from "../../templates/check.js";
import { readCommittedLockfile, readTemplateFiles } from "../../templates/io.js";
import type { CommandIO } from "../io.js";
import { acknowledgementsPath, finishReport, type ReportCommandOptions } from "../report-output.js";
import { type FetchCommandOptions, fetchAndLock, loadCommandConfig, selectServers } from "../servers.js";

export interface CheckOptions extends FetchCommandOptions, ReportCommandOptions {
  offline?: boolean;
  /** `K/N`: only every Nth server, starting at the Kth. */
  shard?: string;
}

export async function runCheck(options: CheckOptions, io: CommandIO): Promise<number> {
  const config = await loadCommandConfig(options, io);
  let servers = selectServers(config, options.server);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (typeof shard === "string") throw new UsageError(`--shard ${options.shard}: ${shard}`);
  if (shard) {
    const names = new Set(selectShard(Object.keys(servers), shard));
    servers = Object.fromEntries(Object.entries(servers).filter(([name]) => names.has(name)));
  }
  const lock = await readLockfileIfExists(config.lockfile);
  if (!lock) {
    throw new UsageError(`${config.lockfile}: no lockfile yet; run \`mcp-contract lock\` and commit it`);
  }
  // A hand-edited lockfile is reported before anything is compared against it.
  const changes: Change[] = verifyLockfile(lock, config.lockfile);
  let failures: { server: string; message: string }[] = [];
  if (!options.offline) {
    const fetched = await fetchAndLock(config, servers, options, io);
    if (io.signal.aborted) return 130;
    failures = fetched.failures;
    changes.push(...fetched.findings);
    // Compare only what was fetched: a server that failed is reported as an error, not as removed.
    const before: Lockfile = emptyLockfile();
    const after: Lockfile = emptyLockfile();
    for (const name of Object.keys(servers)) {
      const live = fetched.locked.get(name);
      if (!live) continue;
      after.servers[name] = live;
      if (Object.hasOwn(lock.servers, name)) before.servers[name] = lock.servers[name]!;
    }
    const { diffLockfiles } = await import("../../diff/index.js");
    changes.push(...diffLockfiles(before, after));
    // Templates must match the live servers; a server not fetched keeps its locked tools.
    const current: Lockfile = { ...lock, servers: { ...lock.servers, ...after.servers } };
    changes.push(...(await import("../../poisoning/index.js")).scanLockfile(current));
    changes.push(...(await checkConfigTemplates(config, io, { lock: current, previousLock: lock, changes })));
  } else {
    changes.push(...(await checkConfigTemplates(config, io, await offlineHistory(config.lockfile, lock))));
    changes.push(...(await import("../../poisoning/index.js")).scanLockfile(lock));
  }
  for (const failure of failures) io.stderr(`mcp-contract: ${failure.message}\n`);
  // A shard reports only its own servers' findings (and shard 1 the server-less ones), so merge counts each once.
  const names = new Set(Object.keys(servers));
  const reported = shard ? changes.filter((c) => inShard(c.server, names, shard)) : changes;
  return finishReport(
    {
      changes: reported,
      servers: [...names],
      errors: failures,
      shard,
      rules: config.rules,
      lockfile: config.lockfile,
      acknowledgementsFile: acknowledgementsPath(options, config.dir, io.cwd),
    },
    options,
    io,
  );
}

/** Reads the config's templates and checks them; no templates, no findings. */
async function checkConfigTemplates(
  config: ResolvedConfig,
  io: CommandIO,
  against: { lock: Lockfile; previousLock?: Lockfile; changes?: readonly Change[] },
): Promise<Change[]> {
  const { templates } = await readTemplateFiles(config, io.cwd);
  if (templates.length === 0) return [];
  return checkTemplates({ templates, ...against });
}

/**
 * Offline, the lockfile is the current contract and the one committed at git
 * HEAD (when it differs, e.g. right after `lock`) the previous one: its diff
 * names the renames that template findings cite.
 */
async function offlineHistory(
  lockfilePath: string,
  lock: Lockfile,
): Promise<{ lock: Lockfile; previousLock?: Lockfile; changes?: Change[] }> {
  const committed = await readCommittedLockfile(lockfilePath, await readFile(lockfilePath, "utf8"));
  if (committed === undefined) return { lock };
  let previousLock: Lockfile;
  try {
    previousLock = parseLockfile(committed, `git HEAD:${lockfilePath}`);
  } catch (error) {
    // A broken committed lockfile only costs the history, not the check.
    if (error instanceof LockfileError) return { lock };
    throw error;
  }
  // Lazy: the diff engine (ajv, json-schema-diff) loads only when the lockfile differs from HEAD's.
  const { diffLockfiles } = await import("../../diff/index.js");
  return { lock, previousLock, changes: diffLockfiles(previousLock, lock) };
}
