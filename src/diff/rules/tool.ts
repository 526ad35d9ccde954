/**
 * Tool-level rules: the tool itself (removed, added, renamed), its
 * description and title, annotations by effective value, outputSchema
 * presence, execution.taskSupport, `_meta` and `icons`.
 */

import { type Change, type EmitChange, newChange } from "../../core/change.js";
import type { ToolDefinition } from "../../core/lockfile.js";
import { has, own } from "../../core/own.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { isObject, jsonEqual, show } from "../schema.js";
import { wordDiff } from "../words.js";

/** Tool rules. */
export const toolRules = defineRecords("tool", {
  "tool-removed": {
    severity: "breaking",
    summary: "A tool disappeared from the server's tool list.",
    direction: "none",
    bump: "major",
    keywords: [],
    witness: "none",
    inverse: ["tool-added"],
  },
  "tool-added": {
    severity: "info",
    summary: "A new tool.",
    direction: "none",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: ["tool-removed"],
  },
  "tool-renamed": {
    severity: "breaking",
    summary: "A tool was removed and an added tool with a near-identical schema looks like its successor.",
    direction: "none",
    bump: "major",
    keywords: [],
    witness: "none",
    inverse: ["tool-renamed"],
  },
  "tool-description-changed": {
    severity: "warning",
    summary: "A tool's description was added, changed or removed: the model chooses tools by it.",
    direction: "none",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: ["tool-description-changed"],
  },
  "tool-title-changed": {
    severity: "info",
    summary: "A tool's display title changed.",
    direction: "none",
    bump: "patch",
    keywords: [],
    witness: "none",
    inverse: ["tool-title-changed"],
  },
  "tool-annotation-changed": {
    severity: "warning",
    summary:
      "Effective behaviour hints (readOnly, destructive, idempotent, openWorld) changed: one finding per tool.",
    direction: "none",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: ["tool-annotation-changed"],
  },
  "tool-annotation-metadata-changed": {
    severity: "info",
    summary: "Annotations changed without changing any effective hint (title, non-standard keys).",
    direction: "none",
    bump: "patch",
    keywords: [],
    witness: "none",
    inverse: ["tool-annotation-metadata-changed"],
  },
  "output-schema-added": {
    severity: "info",
    summary: "The tool now declares an outputSchema.",
    direction: "output",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: ["output-schema-removed"],
  },
  "output-schema-removed": {
    severity: "breaking",
    summary: "The tool no longer declares an outputSchema: structured results are no longer promised.",
    direction: "output",
    bump: "major",
    keywords: [],
    witness: "none",
    inverse: ["output-schema-added"],
  },
  "task-support-required": {
    severity: "breaking",
    summary: "execution.taskSupport became `required`: plain calls are rejected.",
    direction: "none",
    bump: "major",
    keywords: [],
    witness: "none",
    inverse: ["tool-execution-changed"],
  },
  "tool-execution-changed": {
    severity: "info",
    summary: "The tool's `execution` settings changed.",
    direction: "none",
    bump: "patch",
    keywords: [],
    witness: "none",
    inverse: ["tool-execution-changed", "task-support-required"],
  },
  "tool-meta-changed": {
    severity: "info",
    summary: "The tool's `_meta` changed.",
    direction: "none",
    bump: "patch",
    keywords: [],
    witness: "none",
    inverse: ["tool-meta-changed"],
  },
  "tool-icons-changed": {
    severity: "info",
    summary: "The tool's icons changed.",
    direction: "none",
    bump: "patch",
    keywords: [],
    witness: "none",
    inverse: ["tool-icons-changed"],
  },
  "tool-field-changed": {
    severity: "info",
    summary: "Another top-level field of the tool definition changed.",
    direction: "none",
    bump: "patch",
    keywords: [],
    witness: "none",
    inverse: ["tool-field-changed"],
  },
});

/** The tool family: checked by `diffTools` for each tool, around its schema walks. */
export const toolFamily: Family = { name: "tool", rules: toolRules };

/** The spec's defaults for the behaviour hints (2025-03-26 onwards). */
export const HINT_DEFAULTS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
} as const;
type Hint = keyof typeof HINT_DEFAULTS;

/** For each hint, what the riskier value means (the other value is a claim of safety). */
const RISKIER: Record<Hint, { value: boolean; risk: string; claim: string }> = {
  readOnlyHint: {
    value: false,
    risk: "the tool may now modify its environment",
    claim: "the tool now claims not to modify anything",
  },
  destructiveHint: {
    value: true,
    risk: "the tool may now destroy or overwrite data",
    claim: "the tool now claims to be non-destructive",
  },
  idempotentHint: {
    value: false,
    risk: "repeated calls may now have additional effects",
    claim: "the tool now claims repeated calls have no additional effect",
  },
  openWorldHint: {
    value: true,
    risk: "the tool may now reach the open world (external systems)",
    claim: "the tool now claims to stay within a closed domain",
  },
};

const KNOWN_FIELDS = new Set([
  "name",
  "description",
  "title",
  "annotations",
  "inputSchema",
  "outputSchema",
  "execution",
  "_meta",
  "icons",
]);

/** Whether a tool definition marks itself deprecated (a `deprecated` flag, or the word in its title or at the start of its description). */
export function toolDeprecated(tool: ToolDefinition): boolean {
  const ann = isObject(tool.annotations) ? tool.annotations : {};
  if (tool.deprecated === true || ann.deprecated === true) return true;
  if (typeof tool.title === "string" && /\bdeprecated\b/i.test(tool.title)) return true;
  return typeof tool.description === "string" && /^\W*deprecated\b/i.test(tool.description);
}

/** Emits tool-level changes (not the schemas) for a tool present on both sides. */
export function checkToolLevel(emit: EmitChange, name: string, a: ToolDefinition, b: ToolDefinition): void {
  if (a.description !== b.description) {
    const what =
      a.description === undefined
        ? "gained a description"
        : b.description === undefined
          ? "lost its description"
          : "changed its description";
    emit(
      toolRules["tool-description-changed"],
      "/description",
      `Tool \`${name}\` ${what}${wordDiff(a.description, b.description)}.`,
      {
        before: a.description,
        after: b.description,
      },
    );
  }
  if (a.title !== b.title) {
    emit(
      toolRules["tool-title-changed"],
      "/title",
      `Tool \`${name}\` title changed from ${show(a.title)} to ${show(b.title)}.`,
      {
        before: a.title,
        after: b.title,
      },
    );
  }
  checkAnnotations(emit, name, a.annotations, b.annotations);

  const ea = isObject(a.execution) ? a.execution : {};
  const eb = isObject(b.execution) ? b.execution : {};
  // `taskSupport: "forbidden"` is the default: written out or dropped, it changes nothing.
  if (!jsonEqual(effectiveExecution(a.execution), effectiveExecution(b.execution))) {
    if (eb.taskSupport === "required" && ea.taskSupport !== "required") {
      emit(
        toolRules["task-support-required"],
        "/execution/taskSupport",
        `Tool \`${name}\` now requires task-augmented calls (execution.taskSupport ${show(ea.taskSupport)} → "required").`,
        { before: ea.taskSupport, after: eb.taskSupport },
      );
    } else {
      emit(
        toolRules["tool-execution-changed"],
        "/execution",
        `Tool \`${name}\` execution changed from ${show(a.execution)} to ${show(b.execution)}.`,
        {
          before: a.execution,
          after: b.execution,
        },
      );
    }
  }
  if (!jsonEqual(a._meta, b._meta)) {
    emit(
      toolRules["tool-meta-changed"],
      "/_meta",
      `Tool \`${name}\` _meta changed from ${show(a._meta)} to ${show(b._meta)}.`,
      {
        before: a._meta,
        after: b._meta,
      },
    );
  }
  if (!jsonEqual(a.icons, b.icons)) {
    emit(toolRules["tool-icons-changed"], "/icons", `Tool \`${name}\` icons changed.`, {
      before: a.icons,
      after: b.icons,
    });
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const va = own(a, key);
    const vb = own(b, key);
    if (KNOWN_FIELDS.has(key) || jsonEqual(va, vb)) continue;
    emit(
      toolRules["tool-field-changed"],
      `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`,
      `Tool \`${name}\` field \`${key}\` changed from ${show(va)} to ${show(vb)}.`,
      {
        before: va,
        after: vb,
      },
    );
  }
}

function checkAnnotations(emit: EmitChange, name: string, rawA: unknown, rawB: unknown): void {
  if (jsonEqual(rawA ?? {}, rawB ?? {})) return;
  const a = isObject(rawA) ? rawA : {};
  const b = isObject(rawB) ? rawB : {};
  // Every effective hint that changed, in one finding: one change of a tool's behaviour, said once.
  const changed: { hint: Hint; from: boolean; to: boolean; why: string }[] = [];
  for (const hint of Object.keys(HINT_DEFAULTS) as Hint[]) {
    const va = typeof a[hint] === "boolean" ? a[hint] : HINT_DEFAULTS[hint];
    const vb = typeof b[hint] === "boolean" ? b[hint] : HINT_DEFAULTS[hint];
    if (va === vb) continue;
    const r = RISKIER[hint];
    const why =
      vb === r.value
        ? `riskier: ${r.risk}`
        : `safer claim: ${r.claim}, so clients may skip the user's confirmation — verify it is true`;
    changed.push({ hint, from: va, to: vb, why });
  }
  if (changed.length > 0) {
    const list = changed.map((c) => `${c.hint} ${c.from} → ${c.to} (${c.why})`).join("; ");
    emit(
      toolRules["tool-annotation-changed"],
      "/annotations",
      `Tool \`${name}\` changed its behaviour hints: ${list}.`,
      {
        before: Object.fromEntries(changed.map((c) => [c.hint, c.from])),
        after: Object.fromEntries(changed.map((c) => [c.hint, c.to])),
      },
    );
  }
  // A hint written out at its default, or dropped from it, says nothing new: no finding. A hint
  // that is not a boolean is not a hint, so its change is reported as metadata.
  const other = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) =>
      !jsonEqual(own(a, k), own(b, k)) &&
      (!has(HINT_DEFAULTS, k) || !isHintValue(own(a, k)) || !isHintValue(own(b, k))),
  );
  const metadata = other.filter((k) => !has(HINT_DEFAULTS, k) || changed.every((c) => c.hint !== k));
  if (metadata.length > 0) {
    emit(
      toolRules["tool-annotation-metadata-changed"],
      "/annotations",
      `Tool \`${name}\` annotations changed (${metadata.sort().join(", ")}) without changing any effective hint.`,
      { before: rawA, after: rawB },
    );
  }
}

/** A hint's value as the spec reads it: a boolean, or absent (its default). */
function isHintValue(value: unknown): boolean {
  return value === undefined || typeof value === "boolean";
}

/** `execution` with the spec's default (`taskSupport: "forbidden"`) left out; absent when nothing else is set. */
function effectiveExecution(execution: unknown): unknown {
  if (!isObject(execution)) return execution;
  const rest = Object.fromEntries(
    Object.entries(execution).filter(([k, v]) => !(k === "taskSupport" && v === "forbidden")),
  );
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/** `tool-removed`, or `tool-renamed` when `successor` looks like its successor (a warning when it was deprecated). */
export function toolRemoved(server: string, name: string, def: ToolDefinition, successor?: string): Change {
  const deprecated = toolDeprecated(def);
  const severity = deprecated ? { severity: "warning" as const } : {};
  if (successor !== undefined) {
    return newChange(
      toolRules["tool-renamed"],
      server,
      name,
      "",
      `Tool \`${name}\` was removed and \`${successor}\` looks like its successor.`,
      { before: name, after: successor, hint: `renamed to \`${successor}\``, ...severity },
    );
  }
  return newChange(
    toolRules["tool-removed"],
    server,
    name,
    "",
    deprecated ? `Deprecated tool \`${name}\` was removed.` : `Tool \`${name}\` was removed.`,
    { before: name, ...severity },
  );
}

/** `tool-added`. */
export function toolAdded(server: string, name: string): Change {
  return newChange(toolRules["tool-added"], server, name, "", `Tool \`${name}\` was added.`, { after: name });
}

/**
 * `output-schema-added` or `output-schema-removed` when only one side declares an outputSchema;
 * returns whether both do (then the output schemas are walked).
 */
export function checkOutputSchemaPresence(
  emit: EmitChange,
  name: string,
  a: ToolDefinition,
  b: ToolDefinition,
): boolean {
  if (a.outputSchema === undefined && b.outputSchema !== undefined) {
    emit(toolRules["output-schema-added"], "/outputSchema", `Tool \`${name}\` now declares an outputSchema.`);
  } else if (a.outputSchema !== undefined && b.outputSchema === undefined) {
    emit(
      toolRules["output-schema-removed"],
      "/outputSchema",
      `Tool \`${name}\` no longer declares an outputSchema: structured results are no longer promised.`,
    );
  }
  return a.outputSchema !== undefined && b.outputSchema !== undefined;
}
