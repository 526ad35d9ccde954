/**
 * The `file` source: a JSON file holding a tools/list result (with, optionally, the rest of the
 * surface: `prompts`, `resourceTemplates`, `resources`, `instructions`). Parsing is pure
 * (`toolEntriesOf`, and the stricter `parseToolsDocument` that `diff` uses on
 * snapshot files).
 */
import { readFile } from "node:fs/promises";
import { isRecord, parseJson } from "../core/json.js";
import type { ToolDefinition } from "../core/lockfile.js";
import { type RawSurface, surfaceEntriesOf } from "./surface.js";
import { decodeUtf8, entriesWithReplacement, Utf8Watch } from "./utf8.js";

/**
 * The raw entries of a parsed tools/list document: either a result object
 * `{"tools": [...]}` (other keys such as `nextCursor` are ignored) or a bare
 * array of tools. Entries are returned as written and not checked: fetch sources
 * hand them to `checkTools`, which keeps every usable tool and reports the rest.
 * Throws an `Error` naming `source` when the document itself has the wrong shape.
 */
export function toolEntriesOf(json: unknown, source: string): unknown[] {
  let tools: unknown;
  if (Array.isArray(json)) tools = json;
  else if (isRecord(json) && "tools" in json) tools = json.tools;
  else {
    throw new Error(`${source}: expected a tools/list result {"tools": [...]} or a JSON array of tools`);
  }
  if (!Array.isArray(tools)) throw new Error(`${source}: "tools" must be an array`);
  return tools;
}

/**
 * Extracts the tool list from a parsed tools/list document (see `toolEntriesOf`)
 * and insists that every entry is an object with a string `name`: for `diff` on
 * snapshot files, which are inputs the user gave, not a server's answer. Each
 * tool is returned exactly as written, every key kept.
 */
export function parseToolsDocument(json: unknown, source: string): ToolDefinition[] {
  const tools = toolEntriesOf(json, source);
  tools.forEach((tool, index) => {
    if (!isRecord(tool)) throw new Error(`${source}: tools[${index}] is not an object`);
    if (typeof tool.name !== "string") throw new Error(`${source}: tools[${index}] has no string "name"`);
  });
  return tools as ToolDefinition[];
}

/**
 * Reads and parses a tools/list JSON file into its raw entries, the rest of the surface it lists
 * (`prompts`, `resourceTemplates`, `resources`, `instructions`; each absent when the file does not
 * have it), and the indices of the tools decoded from bytes that were not UTF-8; errors name the file.
 */
export async function readToolsFile(
  path: string,
): Promise<{ entries: unknown[]; surface: RawSurface; undecodable?: Set<number> }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${path} (${code ?? String(error)})`);
  }
  const utf8 = new Utf8Watch();
  const text = decodeUtf8(bytes, utf8);
  // parseJson names the line:column of a syntax error; V8's message gives an offset at best.
  const json = parseJson(text, path, Error);
  const entries = toolEntriesOf(json, path);
  const surface = surfaceEntriesOf(json, path);
  return utf8.invalid
    ? { entries, surface, undecodable: entriesWithReplacement(entries) }
    : { entries, surface };
}
