/**
 * The semantic diff: lockfile against lockfile, or one server's tool list
 * against another. Pure: takes definitions, returns sorted `Change`s.
 */

import { type Change, compareChanges } from "../core/change.js";
import type { Lockfile, ToolDefinition } from "../core/lockfile.js";
import { dictFrom, has, own } from "../core/own.js";
import type { RuleMeta } from "../core/rule.js";
import { SchemaDiff } from "./compare.js";
import { MAX_SCHEMA_DEPTH, newSharedState, SchemaTooDeepError, type SharedState } from "./engine.js";
import { findToolRenames } from "./rename.js";
import { metaRules } from "./rules/meta.js";
import { serverRules } from "./rules/server.js";
import { checkToolLevel, toolDeprecated, toolRules } from "./rules/tool.js";
import { dialectOf, type JsonObject, jsonEqual, show } from "./schema.js";
import { actualBump, bumpSatisfies, requiredBump } from "./semver.js";
import { attachWitnesses, WitnessValidators } from "./witness.js";

/** Options of a diff run. */
export interface DiffOptions {
  /** Pair removed and added tools/parameters that look like renames (default true). */
  detectRenames?: boolean;
  /** Milliseconds the json-schema-diff fallback may spend in this run (default 2000; 0 disables it). */
  fallbackBudgetMs?: number;
  /** Attach an example argument object to breaking input changes (default true). */
  witnesses?: boolean;
}

/**
 * Diffs two lockfiles. Servers in both: their tools are diffed, plus `version-not-bumped` when the
 * reported version rose less than the changes require. A server only in `before`: `server-removed`;
 * only in `after`: `server-added`. Sorted with `compareChanges`.
 */
export function diffLockfiles(before: Lockfile, after: Lockfile, options: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  const names = [...new Set([...Object.keys(before.servers), ...Object.keys(after.servers)])].sort();
  for (const server of names) {
    const a = own(before.servers, server);
    const b = own(after.servers, server);
    if (a && !b) {
      out.push({
        rule: serverRules["server-removed"].id,
        severity: serverRules["server-removed"].severity,
        server,
        pointer: "",
        message: `Server \`${server}\` was removed (it had ${Object.keys(a.tools).length} tools).`,
        before: server,
      });
      continue;
    }
    if (!a && b) {
      out.push({
        rule: serverRules["server-added"].id,
        severity: serverRules["server-added"].severity,
        server,
        pointer: "",
        message: `Server \`${server}\` was added with ${Object.keys(b.tools).length} tools.`,
        after: server,
      });
      continue;
    }
    if (!a || !b) continue;
    const toolsA = dictFrom(Object.entries(a.tools).map(([n, t]) => [n, t.definition]));
    const toolsB = dictFrom(Object.entries(b.tools).map(([n, t]) => [n, t.definition]));
    const changes = diffTools(server, toolsA, toolsB, options);
    out.push(...changes);
    const versionA = a.serverInfo?.version;
    const versionB = b.serverInfo?.version;
    if (versionA !== undefined && versionB !== undefined) {
      const required = requiredBump(changes);
      const actual = actualBump(versionA, versionB);
      if (actual !== undefined && required !== "none" && !bumpSatisfies(actual, required)) {
        out.push({
          rule: serverRules["version-not-bumped"].id,
          severity: serverRules["version-not-bumped"].severity,
          server,
          pointer: "/serverInfo/version",
          message: `Server \`${server}\` reports version ${versionB} (was ${versionA}), but its changes require a ${required} bump.`,
          before: versionA,
          after: versionB,
          hint: `release it as a ${required} version`,
        });
      }
    }
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
  const shared = newSharedState(options.fallbackBudgetMs ?? 2000);
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
    const deprecated = toolDeprecated(def);
    const target = renames.get(name);
    if (target !== undefined) {
      out.push({
        rule: toolRules["tool-renamed"].id,
        severity: deprecated ? "warning" : toolRules["tool-renamed"].severity,
        server,
        tool: name,
        pointer: "",
        message: `Tool \`${name}\` was removed and \`${target}\` looks like its successor.`,
        before: name,
        after: target,
        hint: `renamed to \`${target}\``,
      });
      out.push(
        ...diffTool(server, target, def, after[target] as ToolDefinition, shared, validators, options),
      );
      continue;
    }
    out.push({
      rule: toolRules["tool-removed"].id,
      severity: deprecated ? "warning" : toolRules["tool-removed"].severity,
      server,
      tool: name,
      pointer: "",
      message: deprecated ? `Deprecated tool \`${name}\` was removed.` : `Tool \`${name}\` was removed.`,
      before: name,
    });
  }
  for (const name of added) {
    if (successors.has(name)) continue;
    out.push({
      rule: toolRules["tool-added"].id,
      severity: toolRules["tool-added"].severity,
      server,
      tool: name,
      pointer: "",
      message: `Tool \`${name}\` was added.`,
      after: name,
    });
  }
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
  const emit = (rule: RuleMeta, pointer: string, message: string, extra: Partial<Change> = {}) => {
    const change: Change = { rule: rule.id, severity: rule.severity, server, tool: name, pointer, message };
    if (extra.before !== undefined) change.before = extra.before;
    if (extra.after !== undefined) change.after = extra.after;
    if (extra.hint !== undefined) change.hint = extra.hint;
    out.push(change);
  };
  checkToolLevel(emit, name, a, b);

  checkDialect(emit, "/inputSchema", "input", a.inputSchema, b.inputSchema);
  const input = walkSchemas(server, name, "input", a.inputSchema, b.inputSchema, shared);
  if (input.tooDeep) emit(metaRules["schema-too-deep"], input.tooDeep, tooDeepMessage(name, "input"));
  else if (options.witnesses !== false) attachWitnesses(input.out, a.inputSchema, b.inputSchema, validators);
  out.push(...input.out);

  if (a.outputSchema === undefined && b.outputSchema !== undefined) {
    emit(toolRules["output-schema-added"], "/outputSchema", `Tool \`${name}\` now declares an outputSchema.`);
  } else if (a.outputSchema !== undefined && b.outputSchema === undefined) {
    emit(
      toolRules["output-schema-removed"],
      "/outputSchema",
      `Tool \`${name}\` no longer declares an outputSchema: structured results are no longer promised.`,
    );
  } else if (a.outputSchema !== undefined && b.outputSchema !== undefined) {
    checkDialect(emit, "/outputSchema", "output", a.outputSchema, b.outputSchema);
    const output = walkSchemas(server, name, "output", a.outputSchema, b.outputSchema, shared);
    if (output.tooDeep) emit(metaRules["schema-too-deep"], output.tooDeep, tooDeepMessage(name, "output"));
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
): { out: Change[]; tooDeep?: string } {
  const root = `/${dir}Schema`;
  let walk: SchemaDiff | undefined;
  try {
    walk = new SchemaDiff(server, name, dir, a, b, shared);
    walk.compare(a, b, { ptrA: root, ptrB: root, label: "" });
    walk.run();
    return { out: walk.out };
  } catch (error) {
    // Normalisation still recurses on some shapes (e.g. 10,000 nested anyOf): a stack overflow
    // there is reported as schema-too-deep at the root instead of crashing the run.
    if (error instanceof RangeError) return { out: walk?.out ?? [], tooDeep: root };
    if (!(error instanceof SchemaTooDeepError)) throw error;
    // A probe's pointer is relative to the probe; fall back to the schema root.
    return { out: walk?.out ?? [], tooDeep: error.pointer.startsWith(root) ? error.pointer : root };
  }
}

function tooDeepMessage(tool: string, dir: "input" | "output"): string {
  return `The ${dir} schema of \`${tool}\` nests more than ${MAX_SCHEMA_DEPTH} JSON Pointer segments deep; it was compared only down to that depth.`;
}

function checkDialect(
  emit: (rule: RuleMeta, pointer: string, message: string, extra?: Partial<Change>) => void,
  pointer: string,
  which: string,
  a: unknown,
  b: unknown,
): void {
  const da = dialectOf(a);
  const db = dialectOf(b);
  if (da === db) return;
  emit(
    metaRules["schema-dialect-changed"],
    `${pointer}/$schema`,
    `The ${which} schema dialect changed from ${show(da)} to ${show(db)}.`,
    {
      before: da,
      after: db,
    },
  );
}

export type { Change, Severity, Summary } from "../core/change.js";
export { compareChanges, SEVERITIES, summarize } from "../core/change.js";
export type { RuleMeta } from "../core/rule.js";
export { type Bump, requiredBump } from "./semver.js";
