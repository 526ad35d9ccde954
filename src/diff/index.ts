/**
 * The semantic diff: lockfile against lockfile, or one server's tool list
 * against another. Pure: takes definitions, returns sorted `Change`s. Every
 * finding comes from a rule family (./rules/); this file only walks servers,
 * tools and schemas and hands each pair to the families it is passed.
 */

import { type Change, compareChanges, type EmitChange, newChange } from "../core/change.js";
import type { Lockfile, ToolDefinition } from "../core/lockfile.js";
import { dictFrom, has, own } from "../core/own.js";
import type { RuleRecord } from "../core/rule.js";
import {
  type Engine,
  type Example,
  engineFor,
  newSharedState,
  SchemaDiff,
  SchemaTooDeepError,
  type SharedState,
} from "./engine.js";
import { findToolRenames } from "./rename.js";
import { DIFF_RECORDS, SCHEMA_FAMILIES } from "./rules/index.js";
import { checkDialect, schemaTooDeep } from "./rules/meta.js";
import { checkServerPresence, checkVersionBump } from "./rules/server.js";
import { checkOutputSchemaPresence, checkToolLevel, toolAdded, toolRemoved } from "./rules/tool.js";
import { type JsonObject, jsonEqual } from "./schema.js";
import { type Bump, requiredBump as requiredBumpFor } from "./semver.js";
import { diffSurface } from "./surface.js";
import { attachWitnesses, WitnessValidators } from "./witness.js";

/** Options of a diff run. */
export interface DiffOptions {
  /** Pair removed and added tools/parameters that look like renames (default true). */
  detectRenames?: boolean;
  /**
   * Sets the json-schema-diff fallback may build in this run (default `MAX_STEPS_PER_RUN`, 500,000;
   * 0 disables it). A count, not a time: the same input gets the same verdicts on any machine.
   */
  fallbackSteps?: number;
  /** Attach an example argument object to breaking input changes (default true). */
  witnesses?: boolean;
}

/** The default engine: every schema family of ./rules/, in reporting order. */
const ENGINE: Engine = engineFor(SCHEMA_FAMILIES);

/** The rule records a run reads (semver bumps, witness strategies). */
const RECORDS: ReadonlyMap<string, RuleRecord> = DIFF_RECORDS;

/** The version bump a set of changes requires under semver (from each rule's record). */
export function requiredBump(changes: readonly Change[]): Bump {
  return requiredBumpFor(changes, RECORDS);
}

/**
 * Diffs two lockfiles. Servers in both: their tools are diffed, and the rest of their surface
 * (prompts, resources, instructions, capabilities: the sections both sides have), plus `version-not-bumped` when the
 * reported version rose less than the changes require. A server only in `before`: `server-removed`;
 * only in `after`: `server-added`. Sorted with `compareChanges`.
 */
export function diffLockfiles(before: Lockfile, after: Lockfile, options: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  const names = [...new Set([...Object.keys(before.servers), ...Object.keys(after.servers)])].sort();
  for (const server of names) {
    const a = own(before.servers, server);
    const b = own(after.servers, server);
    const presence = checkServerPresence(server, a, b);
    if (presence) {
      out.push(presence);
      continue;
    }
    if (!a || !b) continue;
    const toolsA = dictFrom(Object.entries(a.tools).map(([n, t]) => [n, t.definition]));
    const toolsB = dictFrom(Object.entries(b.tools).map(([n, t]) => [n, t.definition]));
    const changes = [...diffTools(server, toolsA, toolsB, options), ...diffSurface(server, a, b, options)];
    out.push(...changes);
    const bump = checkVersionBump(server, a, b, changes, RECORDS);
    if (bump) out.push(bump);
  }
  return out.sort(compareChanges);
}

/** Diffs one server's tools (keyed by name). Sorted with `compareChanges`. */
export function diffTools(
  server: string,
  before: Record<string, ToolDefinition>,
  after: Record<string, ToolDefinition>,
  options: DiffOptions = {},
): Change[] {
  const shared = newSharedState(ENGINE, options.fallbackSteps);
  const validators = new WitnessValidators();
  const out: Change[] = [];
  const removed = Object.keys(before)
    .filter((n) => !has(after, n))
    .sort();
  const added = Object.keys(after)
    .filter((n) => !has(before, n))
    .sort();
  const renames =
    options.detectRenames === false
      ? new Map<string, string>()
      : findToolRenames(
          removed,
          added,
          before as Record<string, JsonObject>,
          after as Record<string, JsonObject>,
        );
  const successors = new Set(renames.values());

  for (const name of removed) {
    const def = before[name] as ToolDefinition;
    const target = renames.get(name);
    out.push(toolRemoved(server, name, def, target));
    if (target !== undefined) {
      // The successor's findings are measured against the tool it replaces: each one says so.
      for (const change of diffTool(
        server,
        target,
        def,
        after[target] as ToolDefinition,
        shared,
        validators,
        options,
      )) {
        change.message += ` Compared with its predecessor \`${name}\`.`;
        out.push(change);
      }
    }
  }
  for (const name of added) if (!successors.has(name)) out.push(toolAdded(server, name));
  for (const name of Object.keys(before)) {
    if (!has(after, name)) continue;
    // An unchanged tool (most of them, in a real check) can have no finding.
    if (jsonEqual(before[name], after[name])) continue;
    out.push(
      ...diffTool(
        server,
        name,
        before[name] as ToolDefinition,
        after[name] as ToolDefinition,
        shared,
        validators,
        options,
      ),
    );
  }
  return out.sort(compareChanges);
}

/** Diffs one tool present on both sides (or a renamed pair, reported under the new name). */
function diffTool(
  server: string,
  name: string,
  a: ToolDefinition,
  b: ToolDefinition,
  shared: SharedState,
  validators: WitnessValidators,
  options: DiffOptions,
): Change[] {
  const out: Change[] = [];
  const emit: EmitChange = (rule, pointer, message, extra = {}) => {
    out.push(newChange(rule, server, name, pointer, message, extra));
  };
  checkToolLevel(emit, name, a, b);

  checkDialect(emit, "/inputSchema", "input", a.inputSchema, b.inputSchema);
  const input = walkSchemas(server, name, "input", a.inputSchema, b.inputSchema, shared);
  if (input.tooDeep) schemaTooDeep(emit, input.tooDeep, name, "input");
  else if (options.witnesses !== false)
    attachWitnesses(input.out, a.inputSchema, b.inputSchema, RECORDS, validators, input.examples);
  out.push(...input.out);

  if (checkOutputSchemaPresence(emit, name, a, b)) {
    checkDialect(emit, "/outputSchema", "output", a.outputSchema, b.outputSchema);
    const output = walkSchemas(server, name, "output", a.outputSchema, b.outputSchema, shared);
    if (output.tooDeep) schemaTooDeep(emit, output.tooDeep, name, "output");
    out.push(...output.out);
  }
  return out;
}

/**
 * Walks one pair of schemas. Identical schemas are skipped by `SchemaDiff.compare` (nothing can differ, and a hostile deep
 * schema that did not change must not fail every check). A walk past `MAX_SCHEMA_DEPTH` stops with
 * the changes found above the limit and `tooDeep` set to where it stopped.
 */
function walkSchemas(
  server: string,
  name: string,
  dir: "input" | "output",
  a: unknown,
  b: unknown,
  shared: SharedState,
): { out: Change[]; examples?: ReadonlyMap<Change, Example>; tooDeep?: string } {
  const root = `/${dir}Schema`;
  let walk: SchemaDiff | undefined;
  try {
    walk = new SchemaDiff(server, name, dir, a, b, shared);
    walk.compare(a, b, { ptrA: root, ptrB: root, label: "" });
    walk.run();
    return { out: walk.out, examples: walk.examples };
  } catch (error) {
    // Normalisation still recurses on some shapes (e.g. 10,000 nested anyOf): a stack overflow
    // there is reported as schema-too-deep at the root instead of crashing the run.
    if (error instanceof RangeError) return { out: walk?.out ?? [], tooDeep: root };
    if (!(error instanceof SchemaTooDeepError)) throw error;
    // A probe's pointer is relative to the probe; fall back to the schema root.
    return { out: walk?.out ?? [], tooDeep: error.pointer.startsWith(root) ? error.pointer : root };
  }
}

export type { Change, Severity, Summary } from "../core/change.js";
export { compareChanges, SEVERITIES, summarize } from "../core/change.js";
export type { RuleMeta, RuleRecord } from "../core/rule.js";
export type { Bump } from "./semver.js";
