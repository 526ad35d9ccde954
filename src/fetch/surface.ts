/**
 * The rest of a server's surface beside its tools, raw and checked: prompts, resource templates,
 * static resources and instructions. Every source hands its raw lists here, so an entry that
 * cannot be locked (no name to key it by) costs only itself, with a finding, as a bad tool does.
 * Pure.
 */
import { type Change, newChange } from "../core/change.js";
import { isRecord } from "../core/json.js";
import type { SurfaceKind } from "../core/lockfile.js";
import type { ServerSnapshot } from "../core/snapshot.js";
import { fetchRules } from "./rules.js";

/** A surface as a source read it: each list raw, absent when the source does not have it. */
export interface RawSurface {
  prompts?: unknown[];
  resourceTemplates?: unknown[];
  resources?: unknown[];
  /** null: the server sent no instructions. */
  instructions?: string | null;
  capabilities?: Record<string, unknown>;
  clientCapabilities?: Record<string, unknown>;
}

/** A surface whose items each have the key they are locked under: a snapshot's surface sections. */
export type CheckedSurface = Pick<
  ServerSnapshot,
  "prompts" | "resourceTemplates" | "resources" | "instructions" | "capabilities" | "clientCapabilities"
>;

/** Each listed section: its method, the kind its findings name, and the string members an item must have. */
const LISTS = [
  { section: "prompts", method: "prompts/list", kind: "prompt", required: ["name"] },
  {
    section: "resourceTemplates",
    method: "resources/templates/list",
    kind: "resourceTemplate",
    required: ["name", "uriTemplate"],
  },
  { section: "resources", method: "resources/list", kind: "resource", required: ["uri"] },
] as const satisfies readonly {
  section: keyof RawSurface;
  method: string;
  kind: SurfaceKind;
  required: readonly string[];
}[];

/** The list result members each method's page carries its items in. */
export const LIST_METHODS = {
  "prompts/list": "prompts",
  "resources/templates/list": "resourceTemplates",
  "resources/list": "resources",
} as const;

/**
 * Checks a raw surface: every item must be an object with string members it is keyed by (`name`,
 * and `uriTemplate` for a template; `uri` for a resource), the key not empty. Others are skipped with an
 * `invalid-surface-definition` finding; later duplicates of a key are reported once and dropped
 * when locked. Items keep the server's order and every key it sent.
 */
export function checkSurface(
  server: string,
  raw: RawSurface,
): { surface: CheckedSurface; findings: Change[] } {
  const findings: Change[] = [];
  const surface: CheckedSurface = {};
  const rule = fetchRules["invalid-surface-definition"];
  for (const { section, method, kind, required } of LISTS) {
    const entries = raw[section];
    if (entries === undefined) continue;
    const kept: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      const missing = isRecord(entry) ? required.find((key) => typeof entry[key] !== "string") : required[0];
      if (missing !== undefined || !isRecord(entry)) {
        findings.push(
          newChange(
            rule,
            server,
            { kind },
            `/${section}/${index}`,
            `Entry ${index} of ${method} has no string \`${missing}\` and was skipped.`,
            {
              hint: "The rest of the list was kept; ask the server's maintainers to fix the entry.",
            },
          ),
        );
        return;
      }
      const key = String(entry[required[0]]);
      if (key === "") {
        // No name to lock it under or for a template to cite: skipped as a nameless entry is.
        findings.push(
          newChange(
            rule,
            server,
            { kind },
            `/${section}/${index}/${required[0]}`,
            `Entry ${index} of ${method} has an empty \`${required[0]}\` and was skipped.`,
            {
              hint: "The rest of the list was kept; ask the server's maintainers to fix the entry.",
            },
          ),
        );
        return;
      }
      if (seen.has(key)) {
        findings.push(
          newChange(
            rule,
            server,
            { kind, item: key },
            `/${section}/${index}`,
            `${method} lists \`${key}\` more than once; the first is locked.`,
            { hint: "Ask the server's maintainers to give each entry its own name." },
          ),
        );
        return;
      }
      seen.add(key);
      kept.push(entry);
    });
    (surface as Record<string, unknown>)[section] = kept;
  }
  if (raw.instructions !== undefined) surface.instructions = raw.instructions;
  if (raw.capabilities !== undefined) surface.capabilities = raw.capabilities;
  if (raw.clientCapabilities !== undefined) surface.clientCapabilities = raw.clientCapabilities;
  return { surface, findings };
}

/**
 * The sections of a parsed `{tools, prompts, resourceTemplates, resources, instructions}`
 * document beside its tools, raw; a section the document does not have is left out (unknown).
 * Throws an `Error` naming `source` when a section has the wrong shape.
 */
export function surfaceEntriesOf(json: unknown, source: string): RawSurface {
  const out: RawSurface = {};
  if (!isRecord(json)) return out;
  for (const { section } of LISTS) {
    if (!Object.hasOwn(json, section)) continue;
    const value = json[section];
    if (!Array.isArray(value)) throw new Error(`${source}: "${section}" must be an array`);
    out[section] = value;
  }
  if (Object.hasOwn(json, "instructions")) {
    const value = json.instructions;
    if (value !== null && typeof value !== "string")
      throw new Error(`${source}: "instructions" must be a string or null`);
    out.instructions = value;
  }
  return out;
}

/** `surfaceEntriesOf`, insisting that every item has its key (for `diff`, whose inputs the user gave). */
export function parseSurfaceDocument(json: unknown, source: string): CheckedSurface {
  const raw = surfaceEntriesOf(json, source);
  for (const { section, required } of LISTS) {
    raw[section]?.forEach((entry, index) => {
      if (!isRecord(entry)) throw new Error(`${source}: ${section}[${index}] is not an object`);
      for (const key of required)
        if (typeof entry[key] !== "string")
          throw new Error(`${source}: ${section}[${index}] has no string "${key}"`);
    });
  }
  return raw as CheckedSurface;
}
