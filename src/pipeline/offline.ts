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
 * - `lockfile-hash`: the sha256 of the lockfile's bytes, for its path and stamp (`fileStamp`), so a
 *   run that finds it as an earlier one left it does not read it; `lockfile-head`: git's "equal
 *   to HEAD's", for the same and HEAD's stamp;
 * - `lockfile`: the lockfile's integrity and poisoning findings, for its bytes;
 * - `server-facts`: per server entry, by the sha256 of its text, what the stages need of it (its
 *   integrity findings, catalog and scan findings; server-facts.ts), so the lockfile and HEAD's
 *   are read entry by entry; `confusable`: look-alike tool names, for the tool names of all;
 * - `head-lockfile`, `entry-text`: what a run read of HEAD's lockfile (its bytes' sha256, its
 *   entries' names and sha256s, each entry's text), under HEAD's commit id (head-lockfile.ts);
 * - `verify`, `poisoning`: per server, the same, for a lockfile that cannot be split (`segments.ts`);
 * - `catalog`: what templates read of the lockfile (tool and parameter names), for its bytes, with
 *   the key the template findings name it by (the same whether it was computed or remembered);
 * - `template-findings`: each template's findings (by name, kind and text), for what templates read
 *   of the lockfile and HEAD's and the diff's changes they can cite (`citedChanges`);
 * - `template-references`: each template's references (by name and text), one entry per project,
 *   read only when more than a quarter of the templates are checked (one edited template is parsed again).
 */
import { dirname, resolve } from "node:path";
import type { StageMemo } from "../cache/index.js";
import { fileStamp, headStamp } from "../cache/stamp.js";
import type { ResolvedConfig } from "../config/types.js";
import type { Change } from "../core/change.js";
import { sha256 } from "../core/hash.js";
import type { Lockfile } from "../core/lockfile.js";
import { LockfileError, UsageError } from "../errors.js";
import { parseLockfile } from "../lockfile/parse.js";
import { parseLockfileSegments, type ServerSegment, serverSegments } from "../lockfile/segments.js";
import type { ScanMemo } from "../poisoning/scan.js";
import type { CatalogData } from "../templates/catalog.js";
import type { TemplateSource } from "../templates/check.js";
import type { TemplateReference } from "../templates/types.js";
import { lockfileMayDifferFromHead, readTemplateFiles } from "./files.js";
import { type HeadLockfile, headLockfile } from "./head-lockfile.js";
import {
  knownLockfileInput,
  LARGE_LOCKFILE,
  type LockfileInput,
  readLockfileInput,
} from "./lockfile-input.js";
import type { Run } from "./run.js";
import type { LockfileEntries } from "./server-facts.js";

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
const isHash = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
const isReferences = (value: unknown): value is TemplateReference[] => Array.isArray(value);

/** A large lockfile changed between its hash and its text (see lockfile-input.ts). */
class ChangedWhileRead extends Error {}

/** The offline findings and the template files they checked, memoised in `memo` when given. */
export async function offlineFindings(
  config: ResolvedConfig,
  run: Run,
  memo: StageMemo | undefined,
): Promise<{ changes: Change[]; templateFiles: string[] }> {
  try {
    return await findings(config, run, memo, LARGE_LOCKFILE);
  } catch (error) {
    if (!(error instanceof ChangedWhileRead)) throw error;
    // Read again whole: the bytes are then hashed and decoded from one read (not taken as the hash
    // remembered under the lockfile's stamp).
    return findings(config, run, memo, Number.POSITIVE_INFINITY, false);
  }
}

async function findings(
  config: ResolvedConfig,
  run: Run,
  memo: StageMemo | undefined,
  largeFrom: number,
  byStamp = true,
): Promise<{ changes: Change[]; templateFiles: string[] }> {
  // Whether the lockfile may differ from HEAD's: known without a child process when git said
  // "unchanged" before for these very file and HEAD stamps; else ask git first (it runs while the
  // files are read and hashed).
  const file = memo && fileStamp(config.lockfile);
  const stamp = file === undefined ? undefined : lockfileStamp(config.lockfile, file, run.env);
  const knownUnchanged = stamp !== undefined && memo?.get("lockfile-head", stamp, isTrue) === true;
  const mayDiffer = knownUnchanged
    ? Promise.resolve(false)
    : lockfileMayDifferFromHead(config.lockfile, run.env).then((differs) => {
        if (!differs && stamp !== undefined) memo?.set("lockfile-head", stamp, true);
        return differs;
      });
  // HEAD's lockfile, used only when it differs. With a cache, asked for beside whether it differs
  // (two git children at once, not one after the other: the answer is needed before the cache is
  // looked up), unless a run at the same HEAD commit remembered it (head-lockfile.ts). Without one,
  // only once git said it differs (the answer comes while the files are read): a lockfile equal to
  // HEAD's then costs no `git show` of it, whose output the run would read and wait for at its end.
  const committed = knownUnchanged
    ? undefined
    : memo
      ? headLockfile(config.lockfile, run.env, memo)
      : mayDiffer.then((differs) =>
          differs ? headLockfile(config.lockfile, run.env, undefined) : undefined,
        );
  // The bytes' sha256 is remembered under the lockfile's stamp (taken before it was read, and
  // stored only when it still held after): a run that finds the lockfile as an earlier one left it
  // (a template edit) neither reads nor hashes it until its text is needed, which is then checked
  // against that hash.
  const hashKey = file === undefined ? undefined : [resolve(config.lockfile), file];
  const knownHash = byStamp && hashKey ? memo?.get("lockfile-hash", hashKey, isHash) : undefined;
  let input: LockfileInput;
  try {
    input = knownHash
      ? knownLockfileInput(config.lockfile, knownHash, largeFrom)
      : readLockfileInput(config.lockfile, largeFrom);
    if (!knownHash && hashKey && fileStamp(config.lockfile) === file)
      memo?.set("lockfile-hash", hashKey, input.hash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noLockfile(config.lockfile);
    // Other read errors (a directory, no permission): the lockfile reader's own message.
    await (await import("../lockfile/io.js")).readLockfileIfExists(config.lockfile);
    throw error;
  }
  // The bytes' hash, the key of every stage in the cache (none without one); the text only when
  // something must be computed (then the bytes go).
  const lockHash = memo ? input.hash : "";
  let decoded: string | undefined;
  const lockText = (): string => {
    decoded ??= input.decode();
    if (decoded === undefined) throw new ChangedWhileRead();
    return decoded;
  };
  let read: { files: Awaited<ReturnType<typeof readTemplateFiles>> } | { error: unknown };
  try {
    read = { files: await readTemplateFiles(config, run.cwd, memo) };
  } catch (error) {
    read = { error };
  }
  if ("error" in read) {
    // As without a cache: a broken lockfile is reported before an unreadable template.
    parseLockfile(lockText(), config.lockfile);
    throw read.error;
  }
  const { templates } = read.files;
  // The names `{{> name}}` may include (template-unknown-partial): every template's findings depend on them.
  const partialNames = Object.keys(read.files.partials).sort();
  const partialsKey = `partials\u0000${partialNames.join("\u0000")}`;
  const templateFiles = templates.map((t) => t.file);
  // HEAD's lockfile first, then the text compared with it: outside a repository (no HEAD) a check
  // the cache answers decodes nothing, and HEAD's copy is not kept when it is the same text.
  // (A remembered HEAD is compared by the hash of its bytes: it is only remembered when its text
  // holds no U+FFFD, so equal texts are then equal bytes.)
  let historyOf: Promise<HeadLockfile | undefined> | undefined;
  const historyNow = (): Promise<HeadLockfile | undefined> =>
    (historyOf ??= (async () => {
      if (!(await mayDiffer) || !committed) return undefined;
      const head = await committed;
      const differs =
        head !== undefined && (head.known ? head.hash !== lockHash : (await head.text()) !== lockText());
      return differs ? head : undefined;
    })());
  // With a cache, the history is part of every key, so it is awaited now. Without one, only whether
  // git said the lockfile differs (`mayHaveHistory`): HEAD's text is awaited when the templates are
  // checked, after the lockfile is parsed, verified and scanned, so `git show` runs meanwhile.
  let history = memo ? await historyNow() : undefined;
  const historyHash = history?.hash ?? "";
  const mayHaveHistory = memo ? history !== undefined : await mayDiffer;
  // Each template's sha256, for the cache's keys only (nothing to key without one).
  const sourceHashes = memo ? templates.map((t) => sha256(t.source)) : templates.map(() => "");
  // Everything the findings depend on: the lockfile (and the path its messages name), HEAD's
  // lockfile, and each template's name, kind and text.
  // The configured servers' names too: a lockfile entry of another one is reported.
  const configured = Object.keys(config.servers).sort();
  const inputs = [
    config.lockfile,
    lockHash,
    historyHash,
    `servers\u0000${configured.join("\u0000")}`,
    partialsKey,
    ...templates.flatMap((t, i) => [t.file, t.partial ? "partial" : "template", sourceHashes[i]!]),
  ];
  const hit = memo?.get("offline-check", inputs, isChanges);
  if (hit) return { changes: hit, templateFiles };
  // The lockfile alone decides its integrity and poisoning findings.
  const lockInputs = [config.lockfile, lockHash];
  let lockFindings = memo?.get("lockfile", lockInputs, isLockFindings);
  // Without a history the templates read only the lockfile's tool names and parameters,
  // remembered under its sha256: after a template edit the lockfile is not parsed at all.
  // Remembered with the key the run that computed it named it by (`byEntry.catalogKey()` or the
  // data's sha256), the key of the per-template findings: the run after it names them the same.
  const catalogs = await import("../templates/catalog.js");
  const catalog =
    history === undefined && lockFindings && templates.length > 0
      ? memo?.get("catalog", [lockHash], isKeyedCatalog(catalogs.isCatalogData))
      : undefined;
  // What the templates read of the lockfile: parsed whole (`lock`), or as data (`catalogNow`) from
  // the cache or the entries, made a lockfile only when a template is checked.
  let lock: Lockfile | undefined;
  let catalogNow: CatalogData | undefined;
  let catalogKey: string | undefined;
  let entries: Map<string, unknown> | undefined;
  // With a cache, the lockfile is read entry by entry (server-facts.ts): only entries whose text
  // the cache has not seen are parsed; undefined when it cannot be (the whole-file path reports
  // what is wrong with it).
  const byEntry =
    memo && !(lockFindings && catalog)
      ? (await import("./server-facts.js")).lockfileEntries(
          lockText(),
          config.lockfile,
          memo,
          history?.entries(`git HEAD:${config.lockfile}`),
        )
      : undefined;
  if (lockFindings && catalog) {
    [catalogKey, catalogNow] = catalog;
  } else if (byEntry) {
    if (!lockFindings) {
      lockFindings = { verify: byEntry.verify(), poisoning: byEntry.scan() };
      memo?.set("lockfile", lockInputs, lockFindings);
    }
    catalogNow = byEntry.catalog();
    if (memo && history === undefined) {
      catalogKey = byEntry.catalogKey();
      memo.set("catalog", [lockHash], [catalogKey, catalogNow]);
    }
  } else {
    // Parsed server by server when that pays: with a cache (each server's integrity is then
    // remembered by its entry's text) or a history (HEAD's lockfile shares the parsed objects of
    // entries whose text is unchanged, so the history diff skips them by identity).
    entries = memo || mayHaveHistory ? new Map<string, unknown>() : undefined;
    const parsed = parseLockfileText(lockText(), config.lockfile, entries);
    lock = parsed.lock;
    // What verifying reads of the text: each entry's sha256, the key of its remembered findings.
    const entryHashes =
      !lockFindings && memo && parsed.segments ? hashEntries(lockText(), parsed.segments) : undefined;
    // Only HEAD's lockfile reads the text again (its entries share parsed objects by their text):
    // else it goes before the lockfile is verified and scanned (110 MB on a 50 MB tool list), and
    // `lockText` is not called again.
    if (!mayHaveHistory) {
      entries = undefined;
      decoded = undefined;
    }
    if (!lockFindings) {
      const verify = await verifyEntries(lock, config.lockfile, entryHashes, memo);
      const { scanLockfile } = await import("../poisoning/index.js");
      // The text's bytes said whether any string can hold an invisible character (`isPlainJson`).
      const hints = { plain: input.plain };
      lockFindings = {
        verify,
        poisoning: scanLockfile(lock, memo && serverScanMemo(memo, lock, verify), hints),
      };
      memo?.set("lockfile", lockInputs, lockFindings);
    }
    if (memo && history === undefined) {
      const data = catalogs.catalogData(lock);
      catalogKey = sha256(JSON.stringify(data));
      memo.set("catalog", [lockHash], [catalogKey, data]);
    }
  }
  const changes: Change[] = [...lockFindings.verify];
  if (templates.length > 0) {
    if (!memo) history = await historyNow();
    const basis = await templateBasis(
      config.lockfile,
      lock,
      catalogNow,
      catalogKey,
      history,
      entries,
      byEntry,
      lockText,
      memo,
    );
    // Each template's findings under its name, kind and text, in one entry for what they are
    // checked against: one edited template is the only one checked again, for one read and write,
    // and a lockfile edit no template reads (a description, say) checks none again.
    const findingsInputs = [config.lockfile, partialsKey, ...(basis.key ?? [])];
    const known = basis.key && memo?.get("template-findings", findingsInputs, isIndexOf(isChanges));
    const keys = templates.map(
      (t, i) => `${t.file}\u0000${t.partial ? "partial" : "template"}\u0000${sourceHashes[i]}`,
    );
    const found: (Change[] | undefined)[] = keys.map((k) =>
      known && Object.hasOwn(known, k) ? known[k] : undefined,
    );
    const missing = templates.flatMap((_, i) => (found[i] === undefined ? [i] : []));
    if (missing.length > 0) {
      const { checkEachTemplate } = await import("../templates/check.js");
      const references = await templateReferences(
        memo,
        config.lockfile,
        missing.map((i) => templates[i]!),
        missing.map((i) => sourceHashes[i]!),
        templates.map((t, i) => `${t.file}\u0000${sourceHashes[i]}`),
      );
      const sources: TemplateSource[] = missing.map((i, k) => ({
        ...templates[i]!,
        references: references[k]!,
      }));
      const against = {
        lock: basis.lock(),
        ...(basis.previousLock && { previousLock: basis.previousLock() }),
        ...(basis.changes && { changes: basis.changes }),
        partials: partialNames,
      };
      checkEachTemplate({ templates: sources, ...against }).forEach((findings, k) => {
        found[missing[k]!] = findings;
      });
      if (basis.key)
        memo?.set(
          "template-findings",
          findingsInputs,
          Object.fromEntries(keys.map((k, i) => [k, found[i]!])),
        );
    }
    for (const findings of found) changes.push(...findings!);
  }
  // A server the config no longer names: reported as `check` and the next `lock` report it (the
  // templates are checked against the lockfile as it is until that lock drops the entry).
  const locked: [string, number][] = lock
    ? Object.entries(lock.servers).map(([name, entry]) => [name, Object.keys(entry.tools).length])
    : catalogNow!.map((entry) => [entry[0], entry[1].length]);
  const gone = locked.filter(([name]) => !Object.hasOwn(config.servers, name));
  if (gone.length > 0) {
    const { serverNotConfigured } = await import("../diff/rules/server.js");
    for (const [name, tools] of gone) changes.push(serverNotConfigured(name, tools));
  }
  changes.push(...lockFindings.poisoning);
  byEntry?.save();
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
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] | undefined {
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

/**
 * The references of `templates` (`extractReferences`), each remembered under its file name and
 * the sha256 of its text, in one entry per lockfile path (the project's templates): one read for
 * all, and one write when a template was new (`allKeys`: every template of the project, `file\u0000sha256`). Each answer is keyed by its own inputs, so an
 * entry another run rewrote can only miss, never answer for another text.
 */
async function templateReferences(
  memo: StageMemo | undefined,
  lockfilePath: string,
  templates: readonly TemplateSource[],
  sourceHashes: readonly string[],
  allKeys: readonly string[],
): Promise<TemplateReference[][]> {
  // The entry holds every template's references; reading and rewriting it costs more than parsing
  // a few templates again (the small parser, src/templates/parse.ts, reads one in well under a
  // millisecond). So it is used when more than a quarter of the templates are to be checked (after
  // `lock`, all of them), not for one edited template.
  const store = templates.length * 4 > allKeys.length ? memo : undefined;
  const inputs = [lockfilePath];
  const known = store?.get("template-references", inputs, isIndexOf(isReferences));
  const keys = templates.map((t, i) => `${t.file}\u0000${sourceHashes[i]}`);
  let extract: typeof import("../templates/references.js").extractReferences | undefined;
  let added = false;
  const out: TemplateReference[][] = [];
  for (const [i, template] of templates.entries()) {
    const key = keys[i]!;
    if (known && Object.hasOwn(known, key)) {
      out.push(known[key]!);
      continue;
    }
    extract ??= (await import("../templates/references.js")).extractReferences;
    out.push(extract(template.source, template.file).references);
    added = true;
  }
  if (store && added) {
    // Kept: the project's templates now (`allKeys`), then as many earlier texts as there are
    // templates, most recent first (an edit undone finds its text again), so the entry stays bounded.
    const next: Record<string, TemplateReference[]> = {};
    const keep = (k: string, value: TemplateReference[]) =>
      Object.defineProperty(next, k, { value, enumerable: true });
    for (const [i, k] of keys.entries()) keep(k, out[i]!);
    for (const k of allKeys)
      if (!Object.hasOwn(next, k) && known && Object.hasOwn(known, k)) keep(k, known[k]!);
    let earlier = 0;
    for (const k of Object.keys(known ?? {})) {
      if (earlier >= allKeys.length) break;
      if (!Object.hasOwn(next, k)) {
        keep(k, known![k]!);
        earlier++;
      }
    }
    store.set("template-references", inputs, next);
  }
  return out;
}

/** A validator of a JSON object whose every value `valid` accepts. */
function isIndexOf<T>(valid: (value: unknown) => value is T) {
  return (value: unknown): value is Record<string, T> =>
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => valid(v));
}

/**
 * Offline, the lockfile is the current contract and the one committed at git
 * HEAD (when it differs, e.g. right after `lock`) the previous one: its diff
 * names the renames that template findings cite.
 */
async function offlineHistory(
  lockfilePath: string,
  lock: Lockfile,
  committedHead: HeadLockfile | undefined,
  entries: Map<string, unknown> | undefined,
): Promise<{ lock: Lockfile; previousLock?: Lockfile; changes?: Change[] }> {
  const committed = await committedHead?.text();
  if (committed === undefined) return { lock };
  let previousLock: Lockfile;
  try {
    previousLock = parseLockfileText(committed, `git HEAD:${lockfilePath}`, entries).lock;
  } catch (error) {
    // A broken committed lockfile only costs the history, not the check.
    if (error instanceof LockfileError) return { lock };
    throw error;
  }
  // Lazy: the diff engine (ajv, json-schema-diff) loads only when the lockfile differs from HEAD's.
  const { diffLockfiles } = await import("../diff/index.js");
  return { lock, previousLock, changes: diffLockfiles(previousLock, lock) };
}

/** A remembered catalog with its key (`[key, data]`), when `isData` accepts its data. */
function isKeyedCatalog(
  isData: (value: unknown) => value is CatalogData,
): (value: unknown) => value is [string, CatalogData] {
  return (value): value is [string, CatalogData] =>
    Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && isData(value[1]);
}

/** What templates are checked against, made lockfiles only when one is checked; `key`: what it is, for the cache. */
interface TemplateBasis {
  lock: () => Lockfile;
  previousLock?: () => Lockfile;
  changes?: Change[];
  key?: string[];
}

/**
 * The templates' basis: what they read of the lockfile (`lock` parsed whole, or `catalogNow`), of
 * HEAD's lockfile (`committed`, when it differs) and the diff between them (`offlineHistory`; read
 * entry by entry with `byEntry`, which diffs only the entries whose text differs). With `memo`,
 * keyed by what templates read of both and the changes they can cite (`citedChanges`), which
 * decide their findings.
 */
async function templateBasis(
  lockfilePath: string,
  lock: Lockfile | undefined,
  catalogNow: CatalogData | undefined,
  catalogKey: string | undefined,
  committed: HeadLockfile | undefined,
  entries: Map<string, unknown> | undefined,
  byEntry: LockfileEntries | undefined,
  lockText: () => string,
  memo: StageMemo | undefined,
): Promise<TemplateBasis> {
  const catalogs = await import("../templates/catalog.js");
  const current = (): Lockfile => (lock ??= catalogs.catalogLockfile(catalogNow!));
  let previous: { lock: () => Lockfile; data?: CatalogData; key?: string } | undefined;
  let changes: Change[] | undefined;
  const history = committed === undefined ? undefined : await byEntry?.history();
  if (history) {
    if (history.previousCatalog) {
      const data = history.previousCatalog;
      let built: Lockfile | undefined;
      previous = {
        lock: () => (built ??= catalogs.catalogLockfile(data)),
        ...(history.previousCatalogKey !== undefined && { key: history.previousCatalogKey }),
      };
      changes = history.changes;
    }
  } else if (committed !== undefined) {
    // Parsed whole (HEAD's lockfile could not be read entry by entry, or there is no cache): both
    // share the objects of unchanged entries, so the diff skips them by identity.
    if (lock === undefined || (byEntry && entries === undefined)) {
      entries = new Map();
      lock = parseLockfileText(lockText(), lockfilePath, entries).lock;
    }
    const whole = await offlineHistory(lockfilePath, lock, committed, entries);
    if (whole.previousLock) {
      const previousLock = whole.previousLock;
      previous = { lock: () => previousLock, ...(memo && { data: catalogs.catalogData(previousLock) }) };
      changes = whole.changes;
    }
  }
  const basis: TemplateBasis = {
    lock: current,
    ...(previous && { previousLock: previous.lock }),
    ...(changes && { changes }),
  };
  if (!memo) return basis;
  const { citedChanges } = await import("../templates/check.js");
  const hash = (value: unknown) => sha256(JSON.stringify(value));
  // What templates read of each lockfile, by the entries' catalogs when read entry by entry.
  basis.key = [
    catalogKey ?? (byEntry ? byEntry.catalogKey() : hash(catalogNow ?? catalogs.catalogData(current()))),
    previous?.key ?? (previous?.data ? hash(previous.data) : ""),
    hash(citedChanges(changes)),
  ];
  return basis;
}

/**
 * Parses lockfile text. With `entries`, server by server (src/lockfile/segments.ts): each entry's
 * parsed value is kept under its text, and an entry whose text was parsed before (HEAD's lockfile
 * after the working one) is that very object. The result equals `parseLockfile`'s, errors
 * included: text that cannot be split exactly is parsed whole.
 */
function parseLockfileText(
  text: string,
  source: string,
  entries: Map<string, unknown> | undefined,
): { lock: Lockfile; segments?: readonly ServerSegment[] } {
  const segments = entries && serverSegments(text);
  if (entries && segments) {
    const shared = (slice: string): unknown => {
      let value = entries.get(slice);
      if (value === undefined) {
        value = JSON.parse(slice);
        entries.set(slice, value);
      }
      return value;
    };
    const lock = parseLockfileSegments(text, segments, source, shared);
    if (lock) return { lock, segments };
  }
  return { lock: parseLockfile(text, source) };
}

/** The sha256 of each server entry's text, by server name. */
function hashEntries(text: string, segments: readonly ServerSegment[]): Map<string, string> {
  return new Map(segments.map((s) => [s.name, sha256(text.slice(s.start, s.end))]));
}

/**
 * The lockfile's integrity findings (`verifyLockfile`), with each server's remembered in `memo`
 * under the lockfile's path, the server's name and the sha256 of its entry's text (`entryHashes`):
 * after \`lock\` rewrote one server, the others are not rehashed. Only a text seen and verified
 * before is answered from the memo, so a changed byte anywhere in an entry is verified again.
 */
async function verifyEntries(
  lock: Lockfile,
  source: string,
  entryHashes: ReadonlyMap<string, string> | undefined,
  memo: StageMemo | undefined,
): Promise<Change[]> {
  const { verifyLockfile, verifyServer } = await import("../lockfile/verify.js");
  if (!memo || !entryHashes) return verifyLockfile(lock, source);
  const out: Change[] = [];
  for (const [server, entry] of Object.entries(lock.servers)) {
    const inputs = [source, server, entryHashes.get(server)!];
    let found = memo.get("verify", inputs, isChanges);
    if (!found) {
      found = verifyServer(server, entry, source);
      memo.set("verify", inputs, found);
    }
    out.push(...found);
  }
  return out;
}
