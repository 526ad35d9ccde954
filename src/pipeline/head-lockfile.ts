/**
 * HEAD's lockfile for the offline check, with a cache: what a run reads of it (the sha256 of git's
 * bytes, each server entry's name and sha256 in order, the rest of the file parsed, each entry's
 * text by its sha256) is remembered under HEAD's commit id, read from git's files (`headCommit`:
 * no child process), and the lockfile's path. A run with the same HEAD then starts no
 * `git show`: it compares its own entries' hashes with HEAD's and reads the text of only the entry
 * that differs from the cache. A commit id names the same files for ever (`headCommit` declines
 * replace refs, grafts and whatever else would change that), so this is what `git show` would
 * print. Whether the working file differs from HEAD's stays git's answer (`git diff --quiet`, asked
 * as before): only the text is not asked for again.
 */
import { basename, dirname, join } from "node:path";
import type { StageMemo } from "../cache/index.js";
import { headCommit, realDirectory } from "../cache/stamp.js";
import type { Lockfile } from "../core/lockfile.js";
import { committedLockfile } from "./files.js";
import type { CommittedEntries, KnownEntries } from "./server-facts.js";

/** HEAD's lockfile: the sha256 of git's bytes, its text on demand, and its entries when remembered. */
export interface HeadLockfile {
  hash: string;
  /** Remembered: its text has not been read (`hash` decides whether it is the working file's). */
  known: boolean;
  /** Its text (asked of git now when it was not read yet). */
  text(): Promise<string | undefined>;
  /** What `lockfileEntries` takes of it. */
  entries(source: string): CommittedEntries;
}

/** What is remembered of HEAD's lockfile (`head-lockfile`); entry texts are `entry-text` entries. */
interface HeadRecord {
  hash: string;
  base: Lockfile;
  names: string[];
  shas: string[];
}

const isHex64 = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
const isString = (v: unknown): v is string => typeof v === "string";

function isHeadRecord(value: unknown): value is HeadRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    isHex64(r.hash) &&
    typeof r.base === "object" &&
    r.base !== null &&
    !Array.isArray(r.base) &&
    Array.isArray(r.names) &&
    r.names.every(isString) &&
    Array.isArray(r.shas) &&
    r.shas.length === r.names.length &&
    r.shas.every(isHex64)
  );
}

/**
 * HEAD's lockfile for `lockfilePath`: from the cache when a run at the same commit remembered it,
 * else from `git show` (started now, beside `git diff --quiet`), remembered when its entries are
 * read and HEAD did not move meanwhile. Undefined (no history) when git has none.
 */
export function headLockfile(
  lockfilePath: string,
  env: Readonly<Record<string, string | undefined>>,
  memo: StageMemo | undefined,
): Promise<HeadLockfile | undefined> {
  const dir = dirname(lockfilePath);
  const at = memo && headCommit(dir, env);
  // The path git reads HEAD's file at: from the real directory (a link may point elsewhere later).
  const inputs = at && [at.gitDir, at.top, at.commit, join(realDirectory(dir), basename(lockfilePath))];
  const known = inputs && memo.get("head-lockfile", inputs, isHeadRecord);
  if (memo && known) {
    let text: Promise<string | undefined> | undefined;
    const read = () => {
      text ??= committedLockfile(lockfilePath, env).then((head) => head?.text);
      return text;
    };
    const entries: KnownEntries = {
      base: known.base,
      names: known.names,
      shas: known.shas,
      entryText: (sha) => memo.get("entry-text", [sha], isString),
    };
    return Promise.resolve({
      hash: known.hash,
      known: true,
      text: read,
      entries: (source) => ({ source, known: entries, loadText: read }),
    });
  }
  return committedLockfile(lockfilePath, env).then((head) => {
    if (!head) return undefined;
    return {
      get hash() {
        return head.hash;
      },
      known: false,
      text: () => Promise.resolve(head.text),
      entries: (source) => ({
        source,
        text: head.text,
        ...(memo &&
          inputs &&
          // A text holding U+FFFD may have come from bytes that are not UTF-8, whose hash then
          // says nothing about the text: not remembered.
          !head.text.includes("\uFFFD") && {
            remember: ({ base, names, texts, shas }) => {
              // HEAD moved while git read it: what was read may be another commit's.
              if (headCommit(dir, env)?.commit !== at.commit) return;
              for (const [i, text] of texts.entries()) memo.set("entry-text", [shas[i]!], text);
              memo.set("head-lockfile", inputs, { hash: head.hash, base, names: [...names], shas });
            },
          }),
      }),
    };
  });
}
