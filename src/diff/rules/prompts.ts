/**
 * Prompt rules: a prompt removed, added or renamed (paired with its likely successor the way tools
 * are), its arguments removed, added, made required or optional, or described differently, and
 * its own description and title.
 */

import { type Change, newChange } from "../../core/change.js";
import type { PromptDefinition } from "../../core/lockfile.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { findToolRenames } from "../rename.js";
import { isObject, type JsonObject, show } from "../schema.js";
import { wordDiff } from "../words.js";

const change = { direction: "none", keywords: [], witness: "none" } as const;

/** Prompt rules. */
export const promptsRules = defineRecords("prompts", {
  "prompt-removed": {
    ...change,
    severity: "breaking",
    summary: "A prompt disappeared from the server's prompt list: an agent or client that uses it fails.",
    bump: "major",
    inverse: ["prompt-added"],
  },
  "prompt-added": {
    ...change,
    severity: "info",
    summary: "A new prompt.",
    bump: "minor",
    inverse: ["prompt-removed"],
  },
  "prompt-renamed": {
    ...change,
    severity: "breaking",
    summary:
      "A prompt was removed and an added prompt with near-identical arguments looks like its successor.",
    bump: "major",
    inverse: ["prompt-renamed"],
  },
  "prompt-argument-removed": {
    ...change,
    severity: "breaking",
    summary:
      "A prompt argument is gone: a client that fills it in sends an argument the prompt no longer takes.",
    bump: "major",
    inverse: ["prompt-argument-added", "prompt-argument-required-added"],
  },
  "prompt-argument-required-added": {
    ...change,
    severity: "breaking",
    summary: "A prompt gained a required argument: every existing call lacks it.",
    bump: "major",
    inverse: ["prompt-argument-removed"],
  },
  "prompt-argument-added": {
    ...change,
    severity: "info",
    summary: "A prompt gained an optional argument.",
    bump: "minor",
    inverse: ["prompt-argument-removed"],
  },
  "prompt-argument-became-required": {
    ...change,
    severity: "breaking",
    summary: "An optional prompt argument is now required: calls that leave it out fail.",
    bump: "major",
    inverse: ["prompt-argument-became-optional"],
  },
  "prompt-argument-became-optional": {
    ...change,
    severity: "info",
    summary: "A required prompt argument is now optional.",
    bump: "minor",
    inverse: ["prompt-argument-became-required"],
  },
  "prompt-argument-description-changed": {
    ...change,
    severity: "warning",
    summary:
      "A prompt argument's description was added, changed or removed: the model and the user fill it in by it.",
    bump: "minor",
    inverse: ["prompt-argument-description-changed"],
  },
  "prompt-description-changed": {
    ...change,
    severity: "warning",
    summary: "A prompt's description was added, changed or removed: clients and models choose prompts by it.",
    bump: "minor",
    inverse: ["prompt-description-changed"],
  },
  "prompt-title-changed": {
    ...change,
    severity: "info",
    summary: "A prompt's display title changed.",
    bump: "patch",
    inverse: ["prompt-title-changed"],
  },
});

/** The prompts family: checked by `diffSurface` for each server on both sides. */
export const promptsFamily: Family = { name: "prompts", rules: promptsRules };

/** A prompt's arguments by name, each with its index (entries without a string name are ignored). */
function argumentsOf(prompt: PromptDefinition): Map<string, JsonObject & { "~index": number }> {
  const out = new Map<string, JsonObject & { "~index": number }>();
  const list = Array.isArray(prompt.arguments) ? prompt.arguments : [];
  list.forEach((argument: unknown, index: number) => {
    if (isObject(argument) && typeof argument.name === "string" && !out.has(argument.name))
      out.set(argument.name, { ...argument, "~index": index });
  });
  return out;
}

/** The prompt as the tool rename detection reads it: its arguments as the properties of an input schema. */
function asTool(prompt: PromptDefinition): JsonObject {
  const properties: JsonObject = {};
  for (const name of argumentsOf(prompt).keys()) properties[name] = {};
  return { ...prompt, inputSchema: { type: "object", properties } };
}

/** Every prompt finding between two servers' prompts (keyed by name). */
export function diffPrompts(
  server: string,
  before: Readonly<Record<string, PromptDefinition>>,
  after: Readonly<Record<string, PromptDefinition>>,
  detectRenames = true,
): Change[] {
  const out: Change[] = [];
  const at = (item: string) => ({ kind: "prompt" as const, item });
  const removed = Object.keys(before)
    .filter((n) => !Object.hasOwn(after, n))
    .sort();
  const added = Object.keys(after)
    .filter((n) => !Object.hasOwn(before, n))
    .sort();
  const renames = detectRenames
    ? findToolRenames(
        removed,
        added,
        Object.fromEntries(removed.map((n) => [n, asTool(before[n]!)])),
        Object.fromEntries(added.map((n) => [n, asTool(after[n]!)])),
      )
    : new Map<string, string>();
  const successors = new Set(renames.values());
  for (const name of removed) {
    const successor = renames.get(name);
    if (successor === undefined) {
      out.push(
        newChange(promptsRules["prompt-removed"], server, at(name), "", `Prompt \`${name}\` was removed.`, {
          before: name,
        }),
      );
      continue;
    }
    out.push(
      newChange(
        promptsRules["prompt-renamed"],
        server,
        at(name),
        "",
        `Prompt \`${name}\` was removed and \`${successor}\` looks like its successor.`,
        { before: name, after: successor, hint: `renamed to \`${successor}\`` },
      ),
    );
    out.push(...diffPrompt(server, successor, before[name]!, after[successor]!));
  }
  for (const name of added)
    if (!successors.has(name))
      out.push(
        newChange(promptsRules["prompt-added"], server, at(name), "", `Prompt \`${name}\` was added.`, {
          after: name,
        }),
      );
  for (const name of Object.keys(before))
    if (Object.hasOwn(after, name)) out.push(...diffPrompt(server, name, before[name]!, after[name]!));
  return out;
}

/** The findings of one prompt present on both sides (or a renamed pair, under the new name). */
function diffPrompt(server: string, name: string, a: PromptDefinition, b: PromptDefinition): Change[] {
  const out: Change[] = [];
  const emit = (
    rule: (typeof promptsRules)[keyof typeof promptsRules],
    pointer: string,
    message: string,
    extra = {},
  ) => out.push(newChange(rule, server, { kind: "prompt", item: name }, pointer, message, extra));
  if (a.description !== b.description)
    emit(
      promptsRules["prompt-description-changed"],
      "/description",
      `Prompt \`${name}\` ${changedText(a.description, b.description, "description")}${wordDiff(a.description, b.description)}.`,
      { before: a.description, after: b.description },
    );
  if (a.title !== b.title)
    emit(
      promptsRules["prompt-title-changed"],
      "/title",
      `Prompt \`${name}\` title changed from ${show(a.title)} to ${show(b.title)}.`,
      { before: a.title, after: b.title },
    );
  const argsA = argumentsOf(a);
  const argsB = argumentsOf(b);
  // A pointer into the definition the finding is about: the new one, or the old one for a removal.
  const pointer = (argument: { "~index": number }) => `/arguments/${argument["~index"]}`;
  for (const [arg, before] of argsA) {
    const after = argsB.get(arg);
    if (after === undefined) {
      emit(
        promptsRules["prompt-argument-removed"],
        pointer(before),
        `Prompt \`${name}\` no longer takes argument \`${arg}\`.`,
        { before: arg },
      );
      continue;
    }
    const wasRequired = before.required === true;
    const isRequired = after.required === true;
    if (!wasRequired && isRequired)
      emit(
        promptsRules["prompt-argument-became-required"],
        `${pointer(after)}/required`,
        `Argument \`${arg}\` of prompt \`${name}\` is now required.`,
        { before: false, after: true },
      );
    if (wasRequired && !isRequired)
      emit(
        promptsRules["prompt-argument-became-optional"],
        `${pointer(after)}/required`,
        `Argument \`${arg}\` of prompt \`${name}\` is now optional.`,
        { before: true, after: false },
      );
    if (before.description !== after.description)
      emit(
        promptsRules["prompt-argument-description-changed"],
        `${pointer(after)}/description`,
        `Argument \`${arg}\` of prompt \`${name}\` ${changedText(before.description, after.description, "description")}${wordDiff(before.description, after.description)}.`,
        { before: before.description, after: after.description },
      );
  }
  for (const [arg, after] of argsB) {
    if (argsA.has(arg)) continue;
    const required = after.required === true;
    emit(
      promptsRules[required ? "prompt-argument-required-added" : "prompt-argument-added"],
      pointer(after),
      `Prompt \`${name}\` gained ${required ? "required" : "optional"} argument \`${arg}\`.`,
      { after: arg },
    );
  }
  return out;
}

/** "gained a description", "lost its description", "changed its description". */
export function changedText(before: unknown, after: unknown, what: string): string {
  if (before === undefined) return `gained a ${what}`;
  if (after === undefined) return `lost its ${what}`;
  return `changed its ${what}`;
}
