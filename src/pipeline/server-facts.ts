/**
 * The offline check read server entry by server entry, for the result cache: what each stage needs
 * of one server (its integrity findings, what templates read of it, its tool names, its poisoning
 * findings) is remembered under its name and the sha256 of its entry's text, so after `lock`
 * rewrote one server only that entry is parsed, verified, scanned and diffed; every other entry is
 * split out of the text, hashed and answered from the cache. The answers are the whole-file
 * stages' (offline.ts without a cache): each is that stage's per-server function, put together in
 * the lockfile's order as the stage does (`verifyServer`, `scanServer` + `combineScans`,
 * `catalogData`); checks across servers (shadowing, confusable names) take every server's cached
 * tool names, and a server's scan is reused only under the same tool names of all servers. Of an
 * entry `lock` rewrote, only the tools whose definition differs from HEAD's entry are scanned
 * (the others' findings are HEAD's entry's, scanned under the same tool names of all).
 */
import type { StageMemo } from "../cache/index.js";
import type { Change } from "../core/change.js";
import { sha256 } from "../core/hash.js";
import type { LockedServer } from "../core/lockfile.js";
import { dict } from "../core/own.js";
import { descriptionsOnly } from "../diff/descriptions.js";
import { parseServerEntry, type SplitLockfile, splitLockfile } from "../lockfile/segments.js";
import { verifyServer } from "../lockfile/verify.js";
import {
  combineScans,
  confusableToolNames,
  type ServerScan,
  scanServer,
  toolOwners,
} from "../poisoning/index.js";
import { type CatalogData, catalogData, isCatalogData } from "../templates/catalog.js";

/** What the stages need of one server entry, as JSON (cached). */
interface ServerFacts {
  /** What templates read of it (its `catalogData` element), and the sha256 of its JSON. */
  catalog: CatalogData[number];
  catalogHash: string;
  /** Its integrity findings (`verifyServer`), naming the lockfile's path. */
  verify?: Change[];
  /** Its poisoning findings, for the tool names of all servers whose sha256 is `owners`. */
  scan?: { owners: string } & ServerScan;
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

function isFacts(value: unknown): value is ServerFacts {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const f = value as Record<string, unknown>;
  const scan = f.scan as Record<string, unknown> | undefined;
  return (
    isCatalogData([f.catalog]) &&
    typeof f.catalogHash === "string" &&
    (f.verify === undefined || isList(f.verify)) &&
    (scan === undefined ||
      (typeof scan === "object" &&
        scan !== null &&
        typeof scan.owners === "string" &&
        isList(scan.tools) &&
        isList(scan.surface)))
  );
}

const isIndex = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isChanges = (value: unknown): value is Change[] => Array.isArray(value);

/** The facts of one lockfile's and HEAD's entries, read from and written back to the cache. */
class FactsIndex {
  private readonly known: Record<string, unknown>;
  private readonly used = new Map<string, ServerFacts>();
  private changed = false;

  constructor(
    private readonly memo: StageMemo,
    private readonly lockfilePath: string,
  ) {
    this.known = memo.get("server-facts", [lockfilePath], isIndex) ?? dict();
  }

  get(key: string): ServerFacts | undefined {
    const kept = this.used.get(key);
    if (kept) return kept;
    const value = Object.hasOwn(this.known, key) ? this.known[key] : undefined;
    if (!isFacts(value)) return undefined;
    this.used.set(key, value);
    return value;
  }

  set(key: string, facts: ServerFacts): void {
    this.used.set(key, facts);
    this.changed = true;
  }

  /** A fact of `key` was added (its verify or scan). */
  touch(): void {
    this.changed = true;
  }

  /**
   * Writes the facts used in this run back, with as many other earlier ones as were used (an
   * entry `lock` rewrote and a revert brings back is found again), so the entry stays bounded.
   */
  save(): void {
    if (!this.changed) return;
    const next: Record<string, ServerFacts> = {};
    const keep = (k: string, value: unknown) =>
      Object.defineProperty(next, k, { value, enumerable: true, configurable: true, writable: true });
    for (const [k, value] of this.used) keep(k, value);
    let earlier = 0;
    for (const k of Object.keys(this.known)) {
      if (earlier >= this.used.size) break;
      if (!Object.hasOwn(next, k)) {
        keep(k, this.known[k]);
        earlier++;
      }
    }
    this.memo.set("server-facts", [this.lockfilePath], next);
  }
}

/** Thrown inside when an entry does not parse or validate: the caller reads the file whole. */
class InvalidEntry extends Error {}

/** Thrown inside when HEAD's entry text is not in the cache (the caller asks git for the file). */
class MissingText extends Error {}

/**
 * HEAD's lockfile as a run with the same HEAD remembered it (head-lockfile.ts): the rest of the
 * file parsed, each entry's name and sha256 in order, and each entry's text by its sha256.
 */
export interface KnownEntries {
  base: SplitLockfile["base"];
  names: readonly string[];
  shas: readonly string[];
  /** The entry text whose sha256 is `sha`, or undefined when the cache no longer has it. */
  entryText(sha: string): string | undefined;
}

/** One lockfile (the working one or HEAD's), entry by entry: from its text, or as remembered. */
class EntryReader {
  private readonly parsed = new Map<string, LockedServer>();
  private readonly shas = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  readonly base: SplitLockfile["base"];
  readonly names: readonly string[];

  /** `twin`: the working file's reader, whose hash of an entry with the same name and text is this one's. */
  constructor(
    private readonly from: SplitLockfile | KnownEntries,
    private readonly source: string,
    private readonly index: FactsIndex,
    private readonly twin?: EntryReader,
  ) {
    this.base = from.base;
    this.names = from.names;
    if ("shas" in from) for (const [i, name] of from.names.entries()) this.shas.set(name, from.shas[i]!);
  }

  /** The entry's text; MissingText when it is remembered and the cache lost it. */
  text(name: string): string | undefined {
    if ("entries" in this.from) return this.from.entries.get(name);
    let text = this.texts.get(name);
    if (text === undefined) {
      const sha = this.shas.get(name);
      if (sha === undefined) return undefined;
      text = this.from.entryText(sha);
      if (text === undefined) throw new MissingText();
      this.texts.set(name, text);
    }
    return text;
  }

  /** Whether `name`'s entry here has the text it has in `other` (both have it). */
  sameAs(other: EntryReader, name: string): boolean {
    if ("entries" in this.from && "entries" in other.from)
      return this.from.entries.get(name) === other.from.entries.get(name);
    return this.sha(name) === other.sha(name);
  }

  /** The sha256 of the entry's text (undefined when there is no such entry). */
  sha(name: string): string | undefined {
    let sha = this.shas.get(name);
    if (sha === undefined) {
      if (this.twin && "entries" in this.from && this.sameAs(this.twin, name)) sha = this.twin.sha(name);
      else {
        const text = this.text(name);
        if (text === undefined) return undefined;
        sha = sha256(text);
      }
      if (sha !== undefined) this.shas.set(name, sha);
    }
    return sha;
  }

  key(name: string): string {
    return `${name}\u0000${this.sha(name)!}`;
  }

  /** The entry, parsed and validated as `parseLockfile` does; InvalidEntry when it is not valid. */
  entry(name: string): LockedServer {
    let entry = this.parsed.get(name);
    if (entry === undefined) {
      entry = parseServerEntry(this.from, name, this.text(name)!, this.source);
      if (entry === undefined) throw new InvalidEntry();
      this.parsed.set(name, entry);
    }
    return entry;
  }

  /** What identifies `catalogData` of the whole file: the sha256 of each entry's, in order. */
  catalogKey(): string {
    return sha256(`entries\u0000${this.names.map((name) => this.facts(name).catalogHash).join("\u0000")}`);
  }

  /** The entry's facts (a cached one proves the entry valid: facts are only taken from valid entries). */
  facts(name: string): ServerFacts {
    const key = this.key(name);
    const known = this.index.get(key);
    if (known) return known;
    const entry = this.entry(name);
    const one = dict<LockedServer>();
    one[name] = entry;
    const catalog = catalogData({ ...this.base, servers: one })[0]!;
    const facts: ServerFacts = { catalog, catalogHash: sha256(JSON.stringify(catalog)) };
    this.index.set(key, facts);
    return facts;
  }
}

/** The working lockfile read entry by entry, with its facts in the cache. */
export interface LockfileEntries {
  /** `verifyLockfile`'s findings. */
  verify(): Change[];
  /** `scanLockfile`'s findings. */
  scan(): Change[];
  /** `catalogData` of it. */
  catalog(): CatalogData;
  /** What identifies its `catalogData` (for a cache key). */
  catalogKey(): string;
  /**
   * HEAD's lockfile (`committed` of `lockfileEntries`) for the templates: what they read of it
   * (`catalogData`) and the diff from it (`diffLockfiles`; its cited changes alone when the engine
   * is not needed, see `descriptionsOnly`), of the entries whose text differs
   * only; `{}` when it is not a valid lockfile (as when it is parsed whole), undefined when there
   * is none or it cannot be read entry by entry.
   */
  history(): Promise<
    { previousCatalog?: CatalogData; previousCatalogKey?: string; changes?: Change[] } | undefined
  >;
  /** Writes the facts computed in this run to the cache. */
  save(): void;
}

/** HEAD's lockfile for `lockfileEntries`: its text, or its entries as a run with the same HEAD remembered them. */
export interface CommittedEntries {
  source: string;
  text?: string;
  known?: KnownEntries;
  /** Its text, read now (`git show`): when an entry text `known` names is no longer in the cache. */
  loadText?: () => Promise<string | undefined>;
  /** Called by `save` with HEAD's entries when they were read from `text` (to remember them). */
  remember?: (entries: {
    base: SplitLockfile["base"];
    names: readonly string[];
    texts: string[];
    shas: string[];
  }) => void;
}

/**
 * `text` (the lockfile at `source`) entry by entry, or undefined when it cannot be split exactly
 * or an entry is not valid (the caller then parses it whole, which reports the error).
 */
export function lockfileEntries(
  text: string,
  source: string,
  memo: StageMemo,
  committed?: CommittedEntries,
): LockfileEntries | undefined {
  const split = splitLockfile(text, source);
  if (!split) return undefined;
  const index = new FactsIndex(memo, source);
  const current = new EntryReader(split, source, index);
  try {
    // Every entry valid, as parsing the whole file checks: a cached entry was, the others parse now.
    for (const name of current.names) current.facts(name);
  } catch (error) {
    if (error instanceof InvalidEntry) return undefined;
    throw error;
  }
  // HEAD's lockfile (`committed`), split once on first use (or as remembered); undefined when it cannot be.
  const fromText = (headText: string | undefined): EntryReader | null => {
    const split = headText === undefined ? undefined : splitLockfile(headText, committed!.source);
    return split ? new EntryReader(split, committed!.source, index, current) : null;
  };
  let headReader: EntryReader | null | undefined;
  let headFromText = false;
  const headOf = (): EntryReader | undefined => {
    if (headReader === undefined) {
      headFromText = committed?.known === undefined;
      headReader = committed?.known
        ? new EntryReader(committed.known, committed.source, index, current)
        : fromText(committed?.text);
    }
    return headReader ?? undefined;
  };
  /**
   * The findings of the tools of `name`'s entry at HEAD, when HEAD's entry was scanned under the
   * same tool names of all (`owners`): a tool whose definition is the same (by its JSON) has the
   * same findings, each of which names it. Undefined when there is nothing to reuse.
   */
  const earlierScan = (name: string, owners: string) => {
    const head = headOf();
    let entry: LockedServer;
    let scan: ServerFacts["scan"];
    try {
      if (!head || head.sha(name) === undefined || head.sameAs(current, name)) return undefined;
      scan = index.get(head.key(name))?.scan;
      if (scan?.owners !== owners) return undefined;
      entry = head.entry(name);
    } catch (error) {
      if (error instanceof InvalidEntry || error instanceof MissingText) return undefined;
      throw error;
    }
    const byTool = new Map<string, Change[]>();
    for (const change of scan.tools) {
      const list = byTool.get(change.tool ?? "");
      if (list) list.push(change);
      else byTool.set(change.tool ?? "", [change]);
    }
    return (tool: string, definition: unknown): readonly Change[] | undefined =>
      Object.hasOwn(entry.tools, tool) &&
      JSON.stringify(entry.tools[tool]!.definition) === JSON.stringify(definition)
        ? (byTool.get(tool) ?? [])
        : undefined;
  };
  /** `LockfileEntries.history` from `head`'s entries. */
  const historyFrom = async (head: EntryReader | undefined): ReturnType<LockfileEntries["history"]> => {
    if (!head) return undefined;
    const same = (name: string) => head.sameAs(current, name);
    const before = dict<LockedServer>();
    const after = dict<LockedServer>();
    try {
      for (const name of head.names) {
        if (same(name)) continue;
        head.facts(name);
        before[name] = head.entry(name);
      }
    } catch (error) {
      // A broken committed lockfile only costs the history, not the check.
      if (error instanceof InvalidEntry) return {};
      throw error;
    }
    for (const name of current.names) if (!same(name)) after[name] = current.entry(name);
    // An entry whose text is unchanged has no diff findings (each rule compares its two sides):
    // only the others are diffed. Lazy: the diff engine loads only for a changed entry, and not
    // when every changed entry differs in tool descriptions only, whose findings no template
    // cites (`descriptionsOnly`): the changes are then the cited ones, none.
    let changes: Change[] = [];
    const changed = Object.keys(after);
    const citesNothing =
      changed.length === Object.keys(before).length &&
      changed.every((name) => Object.hasOwn(before, name) && descriptionsOnly(before[name]!, after[name]!));
    if (!citesNothing) {
      const { diffLockfiles } = await import("../diff/index.js");
      changes = diffLockfiles({ ...head.base, servers: before }, { ...current.base, servers: after });
    }
    // HEAD's unchanged entries have the working file's facts (the same name and text).
    return {
      previousCatalog: head.names.map((name) => head.facts(name).catalog),
      previousCatalogKey: head.catalogKey(),
      changes,
    };
  };
  return {
    verify: () =>
      current.names.flatMap((name) => {
        const facts = current.facts(name);
        if (facts.verify === undefined) {
          facts.verify = verifyServer(name, current.entry(name), source);
          index.touch();
        }
        return facts.verify;
      }),
    scan: () => {
      // Each server's tool names, in order: the first of each tool's catalog data.
      const names = current.names.map((name): [string, string[]] => [
        name,
        current.facts(name).catalog[1].map((tool) => tool[0]),
      ]);
      const owners = sha256(
        names
          .flatMap(([server, tools]) => tools.map((tool) => JSON.stringify([server, tool])))
          .sort()
          .join("\n"),
      );
      let ownerMap: Map<string, Set<string>> | undefined;
      const scans = current.names.map((name): ServerScan => {
        const facts = current.facts(name);
        if (facts.scan?.owners !== owners) {
          ownerMap ??= toolOwners(names);
          facts.scan = {
            owners,
            ...scanServer(name, current.entry(name), ownerMap, earlierScan(name, owners)),
          };
          index.touch();
        }
        return facts.scan;
      });
      // Confusable names compare every server's tool names: remembered under all of them, in order.
      const namesKey = [sha256(JSON.stringify(names))];
      let confusable = memo.get("confusable", namesKey, isChanges);
      if (!confusable) {
        confusable = confusableToolNames(names);
        memo.set("confusable", namesKey, confusable);
      }
      return combineScans(scans, confusable);
    },
    catalog: () => current.names.map((name) => current.facts(name).catalog),
    catalogKey: () => current.catalogKey(),
    history: async () => {
      try {
        return await historyFrom(headOf());
      } catch (error) {
        if (!(error instanceof MissingText)) throw error;
      }
      // An entry text the cache no longer has: HEAD's lockfile read from git, as without the record.
      headReader = fromText(await committed?.loadText?.());
      headFromText = false;
      return historyFrom(headReader ?? undefined);
    },
    save: () => {
      index.save();
      const head = headFromText ? headReader : undefined;
      if (head && committed?.remember) {
        const names = head.names;
        committed.remember({
          base: head.base,
          names,
          texts: names.map((name) => head.text(name)!),
          shas: names.map((name) => head.sha(name)!),
        });
      }
    },
  };
}
