/**
 * Canonical form and hashes. RFC 8785 (JSON Canonicalization Scheme) makes
 * the bytes independent of key order and number spelling; the server hash is
 * taken over the sorted tool hashes, so tool order does not matter either.
 */
import { sha256 } from "../core/hash.js";
import type { LockedServer, ToolDefinition } from "../core/lockfile.js";

// Characters JSON.stringify escapes (quote, backslash, controls) or must check (lone surrogates).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * RFC 8785 serialisation of JSON data. Strings and numbers are ECMAScript's own serialisation, which
 * RFC 8785 adopts; keys sort by UTF-16 code units, which is what `Array.prototype.sort` compares.
 * Hand-written rather than the `canonicalize` package because hashing sits on every lock and check:
 * this is about 1.5× faster on large tool lists (`npm run bench`), and a property test keeps the two
 * byte-identical.
 */
function serialize(value: unknown): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not allowed in canonical JSON`);
      return `${value}`;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      // undefined, functions, symbols, bigints: not JSON (the caller decides what to do).
      return JSON.stringify(value);
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined || typeof item === "symbol" ? "null" : serialize(item);
    }
    return `${out}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return serialize((value as { toJSON: () => unknown }).toJSON());
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    if (item === undefined || typeof item === "symbol") continue;
    if (!first) out += ",";
    first = false;
    out += `${quote(key)}:${serialize(item)}`;
  }
  return `${out}}`;
}

/** How deep `inCanonicalOrder` recurses before leaving a value to `serialize`. */
const ORDER_DEPTH = 500;

/**
 * Whether `JSON.stringify(value)` is `serialize(value)`: true for JSON data (strings, finite numbers,
 * booleans, null, dense arrays, plain objects with no `toJSON`) whose every object enumerates its keys in
 * sorted order, as a lockfile's definitions are written (`stableStringify`) and so parsed back. Then
 * the two write the same text: JSON.stringify writes keys in enumeration order, which `serialize`
 * sorts into, and writes strings, numbers, booleans, null and arrays as `serialize` does (which
 * calls it for strings needing escapes and uses ECMAScript's number-to-string, as it does). Anything
 * else (an unsorted object, an integer key enumerated first, a non-finite number, undefined, a
 * function, a `toJSON`, a class instance or boxed primitive, nesting past ORDER_DEPTH) is false and `serialize` writes it. A property
 * test compares both on random values (test/canonical/canonical-order.test.ts).
 */
function inCanonicalOrder(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > ORDER_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Strings and booleans (most members) without a call.
      if (typeof item === "string" || typeof item === "boolean") continue;
      if (!(i in value) || !inCanonicalOrder(item, depth + 1)) return false;
    }
    return true;
  }
  // Plain objects only: JSON.stringify writes a boxed primitive as its value, not as `{}`.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  const record = value as Record<string, unknown>;
  // `for…in` rather than `Object.keys`: no array per object. It gives the own keys in the order
  // JSON.stringify writes them, then any inherited enumerable ones, which can only make the
  // answer false (the own keys are sorted if all are).
  let previous: string | undefined;
  for (const key in record) {
    if (previous !== undefined && !(previous < key)) return false;
    const item = record[key];
    if (typeof item !== "string" && typeof item !== "boolean" && !inCanonicalOrder(item, depth + 1))
      return false;
    previous = key;
  }
  return true;
}

/** RFC 8785 canonical JSON of any JSON value. */
export function canonicalJson(value: unknown): string {
  // Data already in canonical key order (a lockfile's definitions): the native serialiser writes
  // the same text about twice as fast as `serialize` builds it.
  if (value !== null && typeof value === "object" && inCanonicalOrder(value, 0)) return JSON.stringify(value);
  let text: string | undefined;
  try {
    text = serialize(value);
  } catch (error) {
    // The recursive serialiser is the fast path; a hostile 10,000-deep schema overflows it.
    if (!(error instanceof RangeError)) throw error;
    text = canonicalJsonIterative(value);
  }
  // Only undefined/functions/symbols at the top are not JSON.
  if (text === undefined) throw new TypeError("value is not representable as JSON");
  return text;
}

/**
 * RFC 8785 with an explicit stack, byte-identical to `serialize` and `canonicalize` (a test
 * compares them on the corpus); used when a hostile, deeply nested schema overflows the recursive one: keys sorted by UTF-16 code unit, undefined and
 * symbol members dropped (null in arrays), numbers and strings as ES
 * `JSON.stringify` writes them, NaN and Infinity rejected.
 */
export function canonicalJsonIterative(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  // A literal piece of output is pushed boxed, so it cannot be confused with a string value.
  class Text {
    constructor(readonly text: string) {}
  }
  while (stack.length > 0) {
    let v = stack.pop();
    if (v instanceof Text) {
      out.push(v.text);
      continue;
    }
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new TypeError(`${v} is not allowed in canonical JSON`);
    }
    if (v !== null && typeof v === "object" && (v as { toJSON?: unknown }).toJSON instanceof Function) {
      v = (v as { toJSON(): unknown }).toJSON();
    }
    if (v === null || typeof v !== "object") {
      const text = JSON.stringify(v);
      if (text === undefined) throw new TypeError("value is not representable as JSON");
      out.push(text);
      continue;
    }
    const frames: unknown[] = [];
    if (Array.isArray(v)) {
      frames.push(new Text("["));
      v.forEach((item, i) => {
        if (i > 0) frames.push(new Text(","));
        frames.push(item === undefined || typeof item === "symbol" ? null : item);
      });
      frames.push(new Text("]"));
    } else {
      const record = v as Record<string, unknown>;
      frames.push(new Text("{"));
      let first = true;
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined || typeof member === "symbol") continue;
        frames.push(new Text(`${first ? "" : ","}${JSON.stringify(key)}:`), member);
        first = false;
      }
      frames.push(new Text("}"));
    }
    for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]);
  }
  return out.join("");
}

/** Hash of one tool definition, exactly as the server sent it. */
export function hashTool(tool: ToolDefinition): string {
  return sha256(canonicalJson(tool));
}

/** Hash of any JSON value locked beside the tools (a prompt, a resource template, instructions' text). */
export function hashItem(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Hash of a server's entry: sha256 over the hashes `serverHashParts` lists, sorted, one per line. */
export function hashServer(hashes: Iterable<string>): string {
  return sha256([...hashes].sort().join("\n"));
}

/**
 * What a server's hash is taken over: every tool's hash as it is (so a version 1 entry keeps its
 * hash), then every other item's hash behind its section's name (`prompt:…`, `resourceTemplate:…`,
 * `resource:…`, `instructions:…`, `capabilities:…`, `clientCapabilities:…`), so the server hash
 * covers the whole surface and an item cannot stand in for one of another kind. `hashOf` gives an
 * item's hash (default: the hash recorded with it; the integrity check passes the recomputed one).
 */
export function serverHashParts(
  entry: Omit<LockedServer, "hash">,
  hashOf: (item: { hash: string; definition?: unknown; text?: string }) => string = (item) => item.hash,
): string[] {
  const parts = Object.values(entry.tools).map(hashOf);
  const section = (
    kind: string,
    items: Record<string, { hash: string; definition: unknown }> | undefined,
  ) => {
    if (items) for (const item of Object.values(items)) parts.push(`${kind}:${hashOf(item)}`);
  };
  section("prompt", entry.prompts);
  section("resourceTemplate", entry.resourceTemplates);
  section("resource", entry.resources);
  if (entry.instructions) parts.push(`instructions:${hashOf(entry.instructions)}`);
  if (entry.capabilities) parts.push(`capabilities:${hashOf(entry.capabilities)}`);
  if (entry.clientCapabilities) parts.push(`clientCapabilities:${hashItem(entry.clientCapabilities)}`);
  return parts;
}
