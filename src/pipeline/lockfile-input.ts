/**
 * The lockfile as the offline check reads it (the I/O edge): its sha256 first, the key of every
 * cached stage, and its text only when something must be computed. A lockfile of `LARGE_LOCKFILE`
 * bytes or more is hashed a piece at a time and not kept: holding its bytes (external memory, freed
 * only by a full GC) beside the text and the parsed objects was a third of the peak on a 110 MB
 * lockfile. Its text is then read again, whole and decoded by Node without a JS buffer, and checked
 * against the hash, so the text computed from is always the text the hash names.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { sha256 } from "../core/hash.js";
import { isPlainJson } from "../core/json.js";

/** From this size on, a lockfile's bytes are hashed in pieces and not kept. */
export const LARGE_LOCKFILE = 16 * 1024 * 1024;

/** The pieces a large lockfile is hashed in. */
const PIECE = 1024 * 1024;

/** A lockfile read: its hash, and its text on demand. */
export interface LockfileInput {
  /** sha256 of the file's bytes (of a small one: computed when first read, which must be before `decode`). */
  readonly hash: string;
  /**
   * The text the hash names, decoded as UTF-8; call it once (nothing is kept). Undefined when the
   * file changed since it was hashed (or, read in pieces, is not valid UTF-8): then read it again
   * with `readLockfileInput(path, Infinity)`, which keeps its bytes and always decodes them.
   */
  decode(): string | undefined;
  /**
   * After `decode`: true when its text is plain (`isPlainJson` of its bytes: no string holds an
   * invisible character); false when it is not or was not looked at (a large lockfile).
   */
  readonly plain: boolean;
}

/**
 * Reads the lockfile at `path`: whole when smaller than `largeFrom` bytes (its bytes kept until
 * decoded), else hashed in pieces. Throws what `readFileSync` throws (ENOENT, EISDIR, …).
 */
export function readLockfileInput(path: string, largeFrom: number = LARGE_LOCKFILE): LockfileInput {
  if (statSync(path).size < largeFrom) {
    let bytes: Buffer | undefined = readFileSync(path);
    // Hashed on first use: a check without a cache keys nothing by it.
    let hash: string | undefined;
    let plain = false;
    return {
      get hash() {
        if (hash === undefined) {
          if (!bytes) throw new Error(`${path}: the lockfile's hash was first asked after its text`);
          hash = sha256(bytes);
        }
        return hash;
      },
      decode: () => {
        if (bytes) plain = isPlainJson(bytes);
        // Plain bytes are ASCII, whose UTF-8 is the Latin-1 of the same bytes: decoded as such, a
        // copy (the UTF-8 decoder's checks cost ~2 ms more on 5 MB).
        const text = bytes?.toString(plain ? "latin1" : "utf8");
        bytes = undefined;
        return text;
      },
      get plain() {
        return plain;
      },
    };
  }
  const hash = hashFile(path);
  return {
    hash,
    decode: () => {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
      return hashText(text) === hash ? text : undefined;
    },
    plain: false,
  };
}

/**
 * The lockfile at `path` whose bytes' sha256 is already known to be `hash` (remembered under its
 * stamp, see offline.ts): nothing is read until its text is asked for, which is then read and
 * checked against the hash as `readLockfileInput`'s large path does (undefined when it differs).
 */
export function knownLockfileInput(
  path: string,
  hash: string,
  largeFrom: number = LARGE_LOCKFILE,
): LockfileInput {
  let plain = false;
  return {
    hash,
    decode: () => {
      try {
        if (statSync(path).size >= largeFrom) {
          const text = readFileSync(path, "utf8");
          return hashText(text) === hash ? text : undefined;
        }
        const bytes = readFileSync(path);
        if (sha256(bytes) !== hash) return undefined;
        plain = isPlainJson(bytes);
        return bytes.toString(plain ? "latin1" : "utf8");
      } catch {
        return undefined;
      }
    },
    get plain() {
      return plain;
    },
  };
}

/** sha256 of the file's bytes, read a piece at a time into one buffer. */
function hashFile(path: string): string {
  const hash = createHash("sha256");
  const piece = Buffer.allocUnsafe(PIECE);
  const fd = openSync(path, "r");
  try {
    for (let at = 0; ; ) {
      const read = readSync(fd, piece, 0, PIECE, at);
      if (read === 0) break;
      hash.update(piece.subarray(0, read));
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** sha256 of `text` as UTF-8, encoded a piece at a time (a piece never splits a surrogate pair). */
function hashText(text: string): string {
  const hash = createHash("sha256");
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + PIECE, text.length);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++;
    hash.update(text.slice(at, end));
    at = end;
  }
  return hash.digest("hex");
}
