/**
 * The offline check's stages (the pre-commit hook): the lockfile's integrity,
 * its templates against it (history: the lockfile at git HEAD) and the
 * poisoning scan. The stages are pure functions of the files' contents, so
 * their results are memoised (`StageMemo`, src/cache) by the sha256 of their
 * inputs: a commit that changes nothing they read costs hashing and one
 * lookup, with no lockfile parse, no Handlebars, no YAML. A memoised answer is
 * the one a cold run gives (test/cli/offline-cache.test.ts compares whole
 * reports). The stages:
 *
 * - `offline-check`: everything below, for the lockfile, HEAD's lockfile and every template;
 * - `lockfile`: the lockfile's integrity and poisoning findings, for its bytes;
 * - `poisoning`: one server's poisoning findings, for its hash and the tool names of all;
 * - `references`: one template's references, for its name and text.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { StageMemo } from "../cache/index.js";
import { fileStamp, headStamp } from "../cache/stamp.js";
import type { ResolvedConfig } from "../config/types.js";
import type { Change } from "../core/change.js";
import { sha256 } from "../core/hash.js";
import type { Lockfile } from "../core/lockfile.js";
import { LockfileError, UsageError } from "../errors.js";
import { parseLockfile } from "../lockfile/parse.js";
import type { ScanMemo } from "../poisoning/scan.js";
import type { TemplateSource } from "../templates/check.js";
import type { TemplateReference } from "../templates/types.js";
import { lockfileMayDifferFromHead, readCommittedLockfile, readTemplateFiles } from "./files.js";
import type { Run } from "./run.js";

/** The error for a project with no lockfile yet. */
export function noLockfile(path: string): UsageError {
  return new UsageError(`${path}: no lockfile yet; run \`mcp-contract lock\` and commit it`);
}

const isChanges = (value: unknown): value is Change[] => Array.isArray(value);
const isLockFindings = (value: unknown): value is { verify: Change[]; poisoning: Change[] } =>
  typeof value === "object" &&
  value !== null &&
  Array.isArray((value as { verify?: unknown }).verify) &&
  Array.isArray((value as { poisoning?: unknown }).poisoning);
const isTrue = (value: unknown): value is true => value === true;
const isReferences = (value: unknown): value is TemplateReference[] => Array.isArray(value);

/** The offline findings and the template files they checked, memoised in `memo` when given. */
export async function offlineFindings(
  config: ResolvedConfig,
  run: Run,
  memo: StageMemo | undefined,
): Promise<{ changes: Change[]; templateFiles: string[] }> {
  // Whether the lockfile may differ from HEAD's: known without a child process when git said
  // "unchanged" before for these very file and HEAD stamps; else ask git first (it runs while the
  // files are read and hashed).
  const stamp = memo && lockfileStamp(config.lockfile, run.env);
  const knownUnchanged = stamp !== undefined && memo?.get("lockfile-head", stamp, isTrue) === true;
  const mayDiffer = knownUnchanged
    ? Promise.resolve(false)
    : lockfileMayDifferFromHead(config.lockfile, run.env).then((differs) => {
        if (!differs && stamp !== undefined) memo?.set("lockfile-head", stamp, true);
        return differs;
      });
  let lockBytes: Buffer;
  try {
    lockBytes = readFileSync(config.lockfile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noLockfile(config.lockfile);
    // Other read errors (a directory, no permission): the lockfile reader's own message.
    await (await import("../lockfile/io.js")).readLockfileIfExists(config.lockfile);
    throw error;
  }
  // Hash the bytes; decode them only when something must be computed.
  let decoded: string | undefined;
  const lockText = (): string => (decoded ??= lockBytes.toString("utf8"));
  let read: { files: Awaited<ReturnType<typeof readTemplateFiles>> } | { error: unknown };
  try {
    read = { files: await readTemplateFiles(config, run.cwd) };
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
    ? await readCommittedLockfile(config.lockfile, lockText(), run.env)
    : undefined;
  const lockHash = sha256(lockBytes);
  const sourceHashes = templates.map((t) => sha256(t.source));
  // Everything the findings depend on: the lockfile (and the path its messages name), HEAD's
  // lockfile, and each template's name, kind and text.
  const inputs = [
    config.lockfile,
    lockHash,
    history === undefined ? "" : sha256(history),
    ...templates.flatMap((t, i) => [t.file, t.partial ? "partial" : "template", sourceHashes[i]!]),
  ];
  const hit = memo?.get("offline-check", inputs, isChanges);
  if (hit) return { changes: hit, templateFiles };
  const lock = parseLockfile(lockText(), config.lockfile);
  // The lockfile alone decides its integrity and poisoning findings.
  const lockInputs = [config.lockfile, lockHash];
  let lockFindings = memo?.get("lockfile", lockInputs, isLockFindings);
  if (!lockFindings) {
    const verify = (await import("../lockfile/verify.js")).verifyLockfile(lock, config.lockfile);
    const { scanLockfile } = await import("../poisoning/index.js");
    lockFindings = { verify, poisoning: scanLockfile(lock, memo && serverScanMemo(memo, lock, verify)) };
    memo?.set("lockfile", lockInputs, lockFindings);
  }
  const changes: Change[] = [...lockFindings.verify];
  if (templates.length > 0) {
    const against = await offlineHistory(config.lockfile, lock, history);
    const { checkTemplates } = await import("../templates/check.js");
    const { extractReferences } = await import("../templates/references.js");
    const sources: TemplateSource[] = templates.map((t, i) => ({
      ...t,
      references: memoisedReferences(memo, t, sourceHashes[i]!, extractReferences),
    }));
    changes.push(...checkTemplates({ templates: sources, ...against }));
  }
  changes.push(...lockFindings.poisoning);
  memo?.set("offline-check", inputs, changes);
  return { changes, templateFiles };
}

/**
 * The key under which "git says the lockfile equals HEAD's" is remembered: the
 * lockfile's path and stamp (inode, size, times) and HEAD's stamp, all taken
 * before git is asked. Undefined (always ask git) outside a repository whose
 * files are understood, or while the lockfile's times are too recent to trust.
 */
function lockfileStamp(
  lockfilePath: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] | undefined {
  const file = fileStamp(lockfilePath);
  if (file === undefined) return undefined;
  const head = headStamp(dirname(lockfilePath), env);
  return head === undefined ? undefined : [resolve(lockfilePath), file, head];
}

/**
 * Poisoning findings per server, memoised under the server's name, its hash in
 * the lockfile (the hash of its tools' hashes: nothing is rehashed) and which
 * servers offer each tool name. After `lock` changes one server, the others
 * are not scanned again. A server whose hashes do not match its tools (see
 * `verify`) is always scanned: its recorded hash says nothing about its text.
 */
function serverScanMemo(memo: StageMemo, lock: Lockfile, verify: readonly Change[]): ScanMemo {
  const tampered = new Set(verify.map((c) => c.server));
  const names: string[] = [];
  for (const [server, entry] of Object.entries(lock.servers))
    for (const tool of Object.keys(entry.tools)) names.push(JSON.stringify([server, tool]));
  const owners = sha256(names.sort().join("\n"));
  const inputs = (server: string) => [server, lock.servers[server]!.hash, owners];
  return {
    get: (server) => (tampered.has(server) ? undefined : memo.get("poisoning", inputs(server), isChanges)),
    set: (server, findings) => {
      if (!tampered.has(server)) memo.set("poisoning", inputs(server), findings);
    },
  };
}

/** A template's references, from the memo when this file name and text were seen before. */
function memoisedReferences(
  memo: StageMemo | undefined,
  template: TemplateSource,
  sourceHash: string,
  extractReferences: (source: string, file: string) => { references: TemplateReference[] },
): readonly TemplateReference[] {
  const inputs = [template.file, sourceHash];
  const hit = memo?.get("references", inputs, isReferences);
  if (hit) return hit;
  const { references } = extractReferences(template.source, template.file);
  memo?.set("references", inputs, references);
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
  const { diffLockfiles } = await import("../diff/index.js");
  return { lock, previousLock, changes: diffLockfiles(previousLock, lock) };
}
