/**
 * Tool-level rules: the tool itself (removed, added, renamed), its
 * description and title, annotations by effective value, outputSchema
 * presence, execution.taskSupport, `_meta` and `icons`.
 */

import type { Change } from "../../core/change.js";
import type { ToolDefinition } from "../../core/lockfile.js";
import { has, own } from "../../core/own.js";
import type { RuleMeta } from "../../core/rule.js";
import { defineRules } from "../../core/rule.js";
import { isObject, jsonEqual, show } from "../schema.js";
import { wordDiff } from "../words.js";

/** Tool rules. */
export const toolRules = defineRules("tool", {
  "tool-removed": { severity: "breaking", summary: "A tool disappeared from the server's tool list." },
  "tool-added": { severity: "info", summary: "A new tool." },
  "tool-renamed": {
    severity: "breaking",
    summary: "A tool was removed and an added tool with a near-identical schema looks like its successor.",
  },
  "tool-description-changed": {
    severity: "warning",
    summary: "A tool's description was added, changed or removed: the model chooses tools by it.",
  },
  "tool-title-changed": { severity: "info", summary: "A tool's display title changed." },
  "tool-annotation-changed": {
    severity: "warning",
    summary: "An effective behaviour hint (readOnly, destructive, idempotent, openWorld) changed.",
  },
  "tool-annotation-metadata-changed": {
    severity: "info",
    summary:
      "Annotations changed without changing any effective hint (title, non-standard keys, explicit defaults).",
  },
  "output-schema-added": { severity: "info", summary: "The tool now declares an outputSchema." },
  "output-schema-removed": {
    severity: "breaking",
    summary: "The tool no longer declares an outputSchema: structured results are no longer promised.",
  },
  "task-support-required": {
    severity: "breaking",
    summary: "execution.taskSupport became `required`: plain calls are rejected.",
  },
  "tool-execution-changed": { severity: "info", summary: "The tool's `execution` settings changed." },
  "tool-meta-changed": { severity: "info", summary: "The tool's `_meta` changed." },
  "tool-icons-changed": { severity: "info", summary: "The tool's icons changed." },
  "tool-field-changed": {
    severity: "info",
    summary: "Another top-level field of the tool definition changed.",
  },
});

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
export function checkToolLevel(
  emit: (rule: RuleMeta, pointer: string, message: string, extra?: Partial<Change>) => void,
  name: string,
  a: ToolDefinition,
  b: ToolDefinition,
): void {
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
  if (!jsonEqual(a.execution, b.execution)) {
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

function checkAnnotations(
  emit: (rule: RuleMeta, pointer: string, message: string, extra?: Partial<Change>) => void,
  name: string,
  rawA: unknown,
  rawB: unknown,
): void {
  if (jsonEqual(rawA ?? {}, rawB ?? {})) return;
  const a = isObject(rawA) ? rawA : {};
  const b = isObject(rawB) ? rawB : {};
  let effective = false;
  for (const hint of Object.keys(HINT_DEFAULTS) as Hint[]) {
    const va = typeof a[hint] === "boolean" ? a[hint] : HINT_DEFAULTS[hint];
    const vb = typeof b[hint] === "boolean" ? b[hint] : HINT_DEFAULTS[hint];
    if (va === vb) continue;
    effective = true;
    const r = RISKIER[hint];
    const direction =
      vb === r.value
        ? `riskier: ${r.risk}`
        : `safer claim: ${r.claim}, so clients may skip the user's confirmation — verify it is true`;
    emit(
      toolRules["tool-annotation-changed"],
      `/annotations/${hint}`,
      `Tool \`${name}\` ${hint} changed from ${va} to ${vb} (${direction}).`,
      {
        before: va,
        after: vb,
      },
    );
  }
  const otherKeys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => !jsonEqual(own(a, k), own(b, k)),
  );
  const informational = otherKeys.filter((k) => !has(HINT_DEFAULTS, k) || !effective);
  const nonHint = otherKeys.filter((k) => !has(HINT_DEFAULTS, k));
  if (nonHint.length > 0 || (!effective && informational.length > 0)) {
    const keys = (nonHint.length > 0 ? nonHint : informational).sort();
    emit(
      toolRules["tool-annotation-metadata-changed"],
      "/annotations",
      `Tool \`${name}\` annotations changed (${keys.join(", ")}) without changing any effective hint.`,
      { before: rawA, after: rawB },
    );
  }
}
