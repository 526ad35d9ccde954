/**
 * Canonical form and hashes. RFC 8785 (JSON Canonicalization Scheme) makes
 * the bytes independent of key order and number spelling; the server hash is
 * taken over the sorted tool hashes, so tool order does not matter either.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { ToolDefinition } from "../lockfile/format.js";

// canonicalize is CommonJS whose typings claim an ES default export; require it to get the function itself.
const canonicalize = createRequire(import.meta.url)("canonicalize") as (value: unknown) => string | undefined;

/** RFC 8785 canonical JSON of any JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  // canonicalize returns undefined only for undefined/functions/symbols: not JSON.
  if (text === undefined) throw new TypeError("value is not representable as JSON");
  return text;
}

/** Lower-case hex sha256 of a UTF-8 string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Hash of one tool definition, exactly as the server sent it. */
export function hashTool(tool: ToolDefinition): string {
  return sha256(canonicalJson(tool));
}

/** Hash of a server's tool list: sha256 over its tool hashes, sorted, one per line. */
export function hashServer(toolHashes: Iterable<string>): string {
  return sha256([...toolHashes].sort().join("\n"));
}
