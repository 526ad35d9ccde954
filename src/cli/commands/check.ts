/**
 * `mcp-contract check`: fetch every server, diff against the lockfile,
 * report, and exit by the policy (1 on breaking changes, 3 when a server could
 * not be fetched). Templates are checked against the live tools, with the
 * lockfile as their previous version. `--offline` checks templates against the
 * lockfile alone (previous version: the lockfile at git HEAD), with no network
 * and without loading the MCP SDK.
 */

import { readFileSync } from "node:fs";
import { openCache, parsedConfigStore, type ResultCache, sha256 } from "../../cache/index.js";
import type { ResolvedConfig } from "../../config/types.js";
import type { Change } from "../../diff/change.js";
import { InterruptedError, LockfileError, UsageError } from "../../errors.js";
import type { Lockfile } from "../../lockfile/format.js";
import { parseLockfile } from "../../lockfile/parse.js";
import { dict } from "../../own.js";
import type { ScanMemo } from "../../poisoning/scan.js";
import { inShard, parseShard, selectShard } from "../../report/shard.js";
import type { TemplateSource } from "../../templates/check.js";
import type { TemplateReference } from "../../templates/types.js";
import type { CommandIO } from "../io.js";
import { acknowledgementsPath, finishReport, type ReportCommandOptions } from "../report-output.js";
import { type FetchCommandOptions, fetchAndLock, loadCommandConfig, selectServers } from "../servers.js";
import { lockfileMayDifferFromHead, readCommittedLockfile, readTemplateFiles } from "../templates-io.js";

export interface CheckOptions extends FetchCommandOptions, ReportCommandOptions {
  offline?: boolean;
  /** `K/N`: only every Nth server, starting at the Kth. */
  shard?: string;
  /** False (`--no-cache`): compute everything, read and write no cache. */
  cache?: boolean;
}

export async function runCheck(options: CheckOptions, io: CommandIO): Promise<number> {
  const cache = options.offline ? openCache(options, io.cwd, io.env) : undefined;
  const config = await loadCommandConfig(options, io, cache && parsedConfigStore(cache));
  let servers = selectServers(config, options.server);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (typeof shard === "string") throw new UsageError(`--shard ${options.shard}: ${shard}`);
  if (shard) {
    const names = new Set(selectShard(Object.keys(servers), shard));
    servers = Object.fromEntries(Object.entries(servers).filter(([name]) => names.has(name)));
  }
  let failures: { server: string; message: string }[] = [];
  let changes: Change[];
  // The template files checked: JUnit has a test case for each.
  let templateFiles: string[] = [];
  if (options.offline) {
    ({ changes, templateFiles } = await offlineChanges(config, io, cache));
  } else {
    // Imported here, not at the top: a cached offline check needs none of these modules.
    const { readLockfileIfExists } = await import("../../lockfile/io.js");
    const { emptyLockfile } = await import("../../lockfile/build.js");
    const { checkTemplates } = await import("../../templates/check.js");
    const lock = await readLockfileIfExists(config.lockfile);
    if (!lock) throw noLockfile(config.lockfile);
    // A hand-edited lockfile is reported before anything is compared against it.
    changes = (await import("../../lockfile/verify.js")).verifyLockfile(lock, config.lockfile);
    const fetched = await fetchAndLock(config, servers, options, io);
    if (io.signal.aborted) throw new InterruptedError();
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
    const current: Lockfile = { ...lock, servers: Object.assign(dict(), lock.servers, after.servers) };
    changes.push(...(await import("../../poisoning/index.js")).scanLockfile(current));
    const { templates } = await readTemplateFiles(config, io.cwd);
    templateFiles = templates.map((t) => t.file);
    if (templates.length > 0)
      changes.push(...checkTemplates({ templates, lock: current, previousLock: lock, changes }));
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
      templates: templateFiles,
      acknowledgementsFile: acknowledgementsPath(options, config.dir, io.cwd),
    },
    options,
    io,
  );
}

function noLockfile(path: string): UsageError {
  return new UsageError(`${path}: no lockfile yet; run \`mcp-contract lock\` and commit it`);
}

/**
 * The offline check (the pre-commit hook): the lockfile's integrity, its
 * templates against it (history: the lockfile at git HEAD) and the poisoning
 * scan. Results of the pure steps are cached by the sha256 of their inputs, so
 * a commit that changes nothing they read costs hashing and one lookup: no
 * lockfile parse, no Handlebars, no YAML. A cached answer is the one a cold run
 * gives (test/cli/offline-cache.test.ts compares whole reports).
 */
async function offlineChanges(
  config: ResolvedConfig,
  io: CommandIO,
  cache: ResultCache | undefined,
): Promise<{ changes: Change[]; templateFiles: string[] }> {
  // Ask git first: it runs while the files are read and hashed.
  const mayDiffer = lockfileMayDifferFromHead(config.lockfile, io.env);
  let lockBytes: Buffer;
  try {
    lockBytes = readFileSync(config.lockfile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noLockfile(config.lockfile);
    // Other read errors (a directory, no permission): the lockfile reader's own message.
    await (await import("../../lockfile/io.js")).readLockfileIfExists(config.lockfile);
    throw error;
  }
  // Hash the bytes; decode them only when something must be computed.
  let decoded: string | undefined;
  const lockText = (): string => (decoded ??= lockBytes.toString("utf8"));
  let read: { files: Awaited<ReturnType<typeof readTemplateFiles>> } | { error: unknown };
  try {
    read = { files: await readTemplateFiles(config, io.cwd) };
  } catch (error) {
    read = { error };
  }
  if ("error" in read) {
    // As without a cache: a broken lockfile is reported before an unreadable template.
    parseLockfile(lockText(), config.lockfile);
    throw read.error;
  }
  const { templates } = read.files;
  const templateFiles = templates.map((t) => t.file);
  const history = (await mayDiffer)
    ? await readCommittedLockfile(config.lockfile, lockText(), io.env)
    : undefined;
  const lockHash = sha256(lockBytes);
  const sourceHashes = templates.map((t) => sha256(t.source));
  // Everything the findings depend on: the lockfile (and the path its messages name), HEAD's
  // lockfile, and each template's name, kind and text.
  const runKey = cache?.key(
    "offline-check",
    config.lockfile,
    lockHash,
    history === undefined ? "" : sha256(history),
    ...templates.flatMap((t, i) => [t.file, t.partial ? "partial" : "template", sourceHashes[i]!]),
  );
  if (cache && runKey) {
    const hit = cache.get<Change[]>("offline-check", runKey);
    if (Array.isArray(hit)) return { changes: hit, templateFiles };
  }
  const lock = parseLockfile(lockText(), config.lockfile);
  // The lockfile alone decides its integrity and poisoning findings.
  const lockKey = cache?.key("lockfile-findings", config.lockfile, lockHash);
  let lockFindings = lockKey
    ? cache?.get<{ verify: Change[]; poisoning: Change[] }>("lockfile", lockKey)
    : undefined;
  if (!Array.isArray(lockFindings?.verify) || !Array.isArray(lockFindings?.poisoning)) {
    const verify = (await import("../../lockfile/verify.js")).verifyLockfile(lock, config.lockfile);
    const { scanLockfile } = await import("../../poisoning/index.js");
    lockFindings = { verify, poisoning: scanLockfile(lock, cache && serverScanMemo(cache, lock, verify)) };
    if (cache && lockKey) cache.set("lockfile", lockKey, lockFindings);
  }
  const changes: Change[] = [...lockFindings.verify];
  if (templates.length > 0) {
    const against = await offlineHistory(config.lockfile, lock, history);
    const { checkTemplates } = await import("../../templates/check.js");
    const { extractReferences } = await import("../../templates/references.js");
    const sources: TemplateSource[] = templates.map((t, i) => ({
      ...t,
      references: cachedReferences(cache, t, sourceHashes[i]!, extractReferences),
    }));
    changes.push(...checkTemplates({ templates: sources, ...against }));
  }
  changes.push(...lockFindings.poisoning);
  if (cache && runKey) cache.set("offline-check", runKey, changes);
  return { changes, templateFiles };
}

/**
 * Poisoning findings per server, cached under the server's name, its hash in
 * the lockfile (the hash of its tools' hashes: nothing is rehashed) and which
 * servers offer each tool name. After `lock` changes one server, the others
 * are not scanned again. A server whose hashes do not match its tools (see
 * `verify`) is always scanned: its recorded hash says nothing about its text.
 */
function serverScanMemo(cache: ResultCache, lock: Lockfile, verify: readonly Change[]): ScanMemo {
  const tampered = new Set(verify.map((c) => c.server));
  const names: string[] = [];
  for (const [server, entry] of Object.entries(lock.servers))
    for (const tool of Object.keys(entry.tools)) names.push(JSON.stringify([server, tool]));
  const owners = sha256(names.sort().join("\n"));
  const key = (server: string) => cache.key("poisoning", server, lock.servers[server]!.hash, owners);
  return {
    get: (server) => {
      if (tampered.has(server)) return undefined;
      const hit = cache.get<Change[]>("poisoning", key(server));
      return Array.isArray(hit) ? hit : undefined;
    },
    set: (server, findings) => {
      if (!tampered.has(server)) cache.set("poisoning", key(server), findings);
    },
  };
}

/** A template's references, from the cache when this file name and text were seen before. */
function cachedReferences(
  cache: ResultCache | undefined,
  template: TemplateSource,
  sourceHash: string,
  extractReferences: (source: string, file: string) => { references: TemplateReference[] },
): readonly TemplateReference[] {
  const key = cache?.key("references", template.file, sourceHash);
  if (cache && key) {
    const hit = cache.get<TemplateReference[]>("references", key);
    if (Array.isArray(hit)) return hit;
  }
  const { references } = extractReferences(template.source, template.file);
  if (cache && key) cache.set("references", key, references);
  return references;
}

/**
 * Offline, the lockfile is the current contract and the one committed at git
 * HEAD (when it differs, e.g. right after `lock`) the previous one: its diff
 * names the renames that template findings cite.
 */
async function offlineHistory(
  lockfilePath: string,
  lock: Lockfile,
  committed: string | undefined,
): Promise<{ lock: Lockfile; previousLock?: Lockfile; changes?: Change[] }> {
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
