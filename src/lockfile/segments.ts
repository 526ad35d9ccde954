/**
 * A lockfile's text in pieces: where each server entry's value starts and ends, found by a JSON
 * tokenizer that jumps over strings, so a 5 MB lockfile is parsed (and its entries compared and
 * verified) server by server. Pure. The pieces are an optimisation only: the parsed result is
 * the very value `JSON.parse` gives for the whole text (each piece is a complete JSON value, put
 * back where it was), and any text they cannot describe exactly (not an object, `servers` given
 * twice, a server named twice, a server entry that is not an object, invalid JSON) has no pieces,
 * so the caller parses it whole and reports errors as before.
 */
import type { Lockfile } from "../core/lockfile.js";
import { validateLockfile } from "./parse.js";

/** One server entry's value in the lockfile's text: `text.slice(start, end)` is its JSON object. */
export interface ServerSegment {
  name: string;
  start: number;
  end: number;
}

/** Structural characters outside strings; a string's closing quote is found with `indexOf`. */
const STRUCTURE = /[{}[\]"]/g;

/** The server entries of `text` in document order, or undefined when it cannot be split exactly. */
export function serverSegments(text: string): ServerSegment[] | undefined {
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
  const skeleton: string[] = [];
  let from = 0;
  for (const segment of segments) {
    skeleton.push(text.slice(from, segment.start), "{}");
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
  const placeholders = data.servers as Record<string, unknown>;
  // The same names (object key order puts integer-like names first, in both).
  if (
    Object.keys(placeholders).length !== segments.length ||
    segments.some((s) => !Object.hasOwn(placeholders, s.name))
  )
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
