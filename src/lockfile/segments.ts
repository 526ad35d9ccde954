/**
 * A lockfile's text in pieces: where each server entry's value starts and ends, found by a JSON
 * tokenizer that jumps over strings, so a 5 MB lockfile is parsed (and its entries compared and
 * verified) server by server. Pure. The pieces are an optimisation only: the parsed result is
 * the very value `JSON.parse` gives for the whole text (each piece is a complete JSON value, put
 * back where it was), and any text they cannot describe exactly (not an object, `servers` given
 * twice, a server named twice, a server entry that is not an object, invalid JSON) has no pieces,
 * so the caller parses it whole and reports errors as before.
 */
import type { LockedServer, Lockfile } from "../core/lockfile.js";
import { validateLockfile } from "./parse.js";

/** One server entry's value in the lockfile's text: `text.slice(start, end)` is its JSON object. */
export interface ServerSegment {
  name: string;
  start: number;
  end: number;
}

/** Structural characters outside strings; a string's closing quote is found with `indexOf`. */
const STRUCTURE = /[{}[\]"]/g;

/**
 * The server entries of `text` in document order, or undefined when it cannot be split exactly.
 * Text laid out as `lock` writes it is split by its lines (`layoutSegments`), anything else by
 * the tokenizer; `parseLockfileSegments` checks where each piece sits either way.
 */
export function serverSegments(text: string): ServerSegment[] | undefined {
  return (placeholdersWork(text) ? layoutSegments(text) : undefined) ?? tokenSegments(text);
}

/** A line holding a server's key and the `{` of its entry, as `lock` indents it: 4 spaces. */
const ENTRY_LINE = /^ {4}("(?:[^"\\\n]|\\.)*"): \{$/;

/**
 * The pieces of text laid out as `lock` writes it: a line of four spaces, a key and `{` opens an
 * entry, the next line of four spaces and `}` closes it. Raw newlines are never inside a JSON
 * string, so each such line starts outside one, and the piece starts and ends between tokens.
 * Which object each piece belongs to is not known here: `parseLockfileSegments` checks that each
 * stands where `servers` holds its name.
 */
function layoutSegments(text: string): ServerSegment[] | undefined {
  const segments: ServerSegment[] = [];
  const names = new Set<string>();
  for (let at = text.indexOf('\n    "'); at !== -1; at = text.indexOf('\n    "', at)) {
    const lineEnd = text.indexOf("\n", at + 1);
    if (lineEnd === -1) return undefined;
    const line = ENTRY_LINE.exec(text.slice(at + 1, lineEnd));
    if (!line) return undefined;
    let name: string;
    try {
      name = JSON.parse(line[1]!) as string;
    } catch {
      return undefined;
    }
    if (names.has(name)) return undefined;
    names.add(name);
    const close = text.indexOf("\n    }", lineEnd);
    if (close === -1) return undefined;
    segments.push({ name, start: lineEnd - 1, end: close + 6 });
    at = close + 6;
  }
  return segments.length > 0 ? segments : undefined;
}

/**
 * Whether the pieces' places can be checked with placeholders: no object of the text can have
 * the placeholder's key, which starts with U+0000 (JSON writes it only as an escape).
 */
function placeholdersWork(text: string): boolean {
  return !text.includes("\\u0000");
}

/** The key of the stand-in for piece `i` (its value is `i`). */
const PLACEHOLDER = "\u0000mcp-contract-segment";

/** The pieces found by following the JSON tokens (strings jumped over with `indexOf`). */
function tokenSegments(text: string): ServerSegment[] | undefined {
  if (text.charCodeAt(firstNonSpace(text, 0)) !== 0x7b) return undefined; // "{"; a BOM: parse whole
  const segments: ServerSegment[] = [];
  const names = new Set<string>();
  let depth = 0;
  let serversSeen = false;
  let serversDepth = -1; // depth inside the servers object, while in it
  let pendingServers = false; // the key "servers" was read at depth 1; its value comes next
  let pendingName: string | undefined; // a server's key was read; its value comes next
  let open: ServerSegment | undefined;
  STRUCTURE.lastIndex = 0;
  for (let m = STRUCTURE.exec(text); m !== null; m = STRUCTURE.exec(text)) {
    const at = m.index;
    const c = text.charCodeAt(at);
    if (c === 0x22) {
      const close = closingQuote(text, at);
      if (close === -1) return undefined;
      STRUCTURE.lastIndex = close + 1;
      if (depth === 1 || (depth === serversDepth && open === undefined)) {
        const after = firstNonSpace(text, close + 1);
        if (text.charCodeAt(after) !== 0x3a) continue; // ":": not a key
        const key = decodeKey(text, at, close);
        if (key === undefined) return undefined;
        const valueAt = firstNonSpace(text, after + 1);
        if (depth === 1) {
          if (key !== "servers") continue;
          if (serversSeen || text.charCodeAt(valueAt) !== 0x7b) return undefined;
          serversSeen = true;
          pendingServers = true;
        } else {
          if (names.has(key) || text.charCodeAt(valueAt) !== 0x7b) return undefined;
          names.add(key);
          pendingName = key;
        }
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      depth++;
      if (c === 0x7b && pendingServers) {
        pendingServers = false;
        serversDepth = depth;
      } else if (c === 0x7b && pendingName !== undefined) {
        open = { name: pendingName, start: at, end: -1 };
        pendingName = undefined;
      }
      continue;
    }
    // "}" or "]"
    if (open !== undefined && depth === serversDepth + 1) {
      open.end = at + 1;
      segments.push(open);
      open = undefined;
    } else if (depth === serversDepth) {
      serversDepth = -1;
    }
    depth--;
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || open !== undefined || !serversSeen) return undefined;
  return segments;
}

/**
 * Parses lockfile text from its pieces: `parseEntry` gives each server entry's value from its text
 * (so a caller can hand back the very object it parsed for equal text elsewhere); the rest of the
 * file is parsed with each entry stood in for by `{}`. The result is validated as `parseLockfile`
 * validates; undefined when a piece is not valid JSON (the caller then parses the text whole, for
 * the error message that names the line and column).
 */
export function parseLockfileSegments(
  text: string,
  segments: readonly ServerSegment[],
  source: string,
  parseEntry: (slice: string) => unknown = JSON.parse,
): Lockfile | undefined {
  // Each piece stands in as an object no text can hold (when the text has no `\u0000`), so
  // each is found back exactly where `servers` holds its name; else as `{}`, where the
  // tokenizer's pieces are known to be.
  const placeholders = placeholdersWork(text);
  const skeleton: string[] = [];
  let from = 0;
  for (const [i, segment] of segments.entries()) {
    skeleton.push(
      text.slice(from, segment.start),
      placeholders ? `{${JSON.stringify(PLACEHOLDER)}:${i}}` : "{}",
    );
    from = segment.end;
  }
  skeleton.push(text.slice(from));
  let data: { servers?: unknown };
  const servers: Record<string, unknown> = {};
  try {
    data = JSON.parse(skeleton.join("")) as { servers?: unknown };
    for (const segment of segments) {
      Object.defineProperty(servers, segment.name, {
        value: parseEntry(text.slice(segment.start, segment.end)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  } catch {
    return undefined;
  }
  const standIns = data.servers as Record<string, unknown>;
  if (typeof standIns !== "object" || standIns === null || Array.isArray(standIns)) return undefined;
  // The same names (object key order puts integer-like names first, in both), each with its piece.
  const at = (i: number, name: string): boolean => {
    if (!Object.hasOwn(standIns, name)) return false;
    const value = standIns[name] as Record<string, unknown>;
    return placeholders
      ? typeof value === "object" &&
          value !== null &&
          Object.keys(value).length === 1 &&
          value[PLACEHOLDER] === i
      : typeof value === "object" && value !== null && Object.keys(value).length === 0;
  };
  if (Object.keys(standIns).length !== segments.length || segments.some((s, i) => !at(i, s.name)))
    return undefined;
  data.servers = servers;
  return validateLockfile(data, source);
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** The index of the quote closing the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close !== -1) {
    let slashes = 0;
    for (let i = close - 1; text.charCodeAt(i) === 0x5c; i--) slashes++;
    if (slashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return -1;
}

function decodeKey(text: string, open: number, close: number): string | undefined {
  const raw = text.slice(open + 1, close);
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * A lockfile's text split without parsing its server entries: everything but the entries, parsed
 * and validated (`base`, whose `servers` is empty), and each entry's text under its name, in the
 * order `parseLockfile`'s `servers` lists them. `parseServerEntry` parses one entry as
 * `parseLockfile` would; the whole file is valid exactly when `base` is and every entry parses, as
 * the schema checks each server entry on its own. Undefined when the text cannot be split exactly
 * (or the rest of the file is invalid): the caller parses it whole, for the error message.
 */
export interface SplitLockfile {
  base: Lockfile;
  /** Server names in `parseLockfile(text).servers` order (integer-like names first, as objects order keys). */
  names: string[];
  /** Each server entry's JSON text. */
  entries: Map<string, string>;
}

/** `text` split into its server entries (see `SplitLockfile`), or undefined. */
export function splitLockfile(text: string, source: string): SplitLockfile | undefined {
  if (!placeholdersWork(text)) return undefined;
  const segments = serverSegments(text);
  if (!segments) return undefined;
  const skeleton: string[] = [];
  let from = 0;
  for (const [i, segment] of segments.entries()) {
    skeleton.push(text.slice(from, segment.start), `{${JSON.stringify(PLACEHOLDER)}:${i}}`);
    from = segment.end;
  }
  skeleton.push(text.slice(from));
  let data: { servers?: unknown };
  try {
    data = JSON.parse(skeleton.join("")) as { servers?: unknown };
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const standIns = data.servers as Record<string, unknown>;
  if (typeof standIns !== "object" || standIns === null || Array.isArray(standIns)) return undefined;
  const names = Object.keys(standIns);
  if (names.length !== segments.length) return undefined;
  const entries = new Map<string, string>();
  for (const [i, segment] of segments.entries()) {
    const value = Object.hasOwn(standIns, segment.name)
      ? (standIns[segment.name] as Record<string, unknown>)
      : undefined;
    if (
      typeof value !== "object" ||
      value === null ||
      Object.keys(value).length !== 1 ||
      value[PLACEHOLDER] !== i
    )
      return undefined;
    entries.set(segment.name, text.slice(segment.start, segment.end));
  }
  data.servers = {};
  try {
    return { base: validateLockfile(data, source), names, entries };
  } catch {
    return undefined;
  }
}

/**
 * One server entry of `split` parsed and validated as `parseLockfile` does it, or undefined when
 * it is not valid JSON or not a valid entry (the whole file is then invalid: parse it whole for
 * the error).
 */
export function parseServerEntry(
  split: Pick<SplitLockfile, "base">,
  name: string,
  text: string,
  source: string,
): LockedServer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const servers: Record<string, unknown> = {};
  Object.defineProperty(servers, name, { value, enumerable: true, writable: true, configurable: true });
  try {
    return validateLockfile({ ...split.base, servers }, source).servers[name];
  } catch {
    return undefined;
  }
}
