/**
 * What a schema node says to the model rather than to a validator:
 * descriptions, defaults, titles, deprecation, and the root `$schema` dialect.
 */
import type { EmitChange } from "../../core/change.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Direction, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { dialectOf, jsonEqual, type SchemaNode, show } from "../schema.js";
import { wordDiff } from "../words.js";
import { deferredAnnotations } from "./combinators.js";
import { capital, describeLoc, tooDeepMessage } from "./messages.js";

/** Schema annotation rules. */
export const metaRules = defineRecords("meta", {
  "param-description-changed": {
    severity: "warning",
    summary:
      "A parameter's description was added, changed or removed: the model reads it to decide what to send.",
    direction: "input",
    bump: "minor",
    keywords: ["description"],
    witness: "none",
    inverse: ["param-description-changed"],
  },
  "default-changed": {
    severity: "warning",
    summary: "A default was added, removed or changed: omitting the value now means something else.",
    direction: "input",
    bump: "minor",
    keywords: ["default"],
    witness: "none",
    inverse: ["default-changed"],
  },
  "deprecated-added": {
    severity: "info",
    summary: "A parameter was marked deprecated.",
    direction: "both",
    bump: "patch",
    keywords: ["deprecated"],
    witness: "none",
    inverse: ["deprecated-removed"],
  },
  "deprecated-removed": {
    severity: "info",
    summary: "A parameter is no longer marked deprecated.",
    direction: "both",
    bump: "patch",
    keywords: ["deprecated"],
    witness: "none",
    inverse: ["deprecated-added"],
  },
  "param-title-changed": {
    severity: "info",
    summary: "A schema `title` changed.",
    direction: "both",
    bump: "patch",
    keywords: ["title"],
    witness: "none",
    inverse: ["param-title-changed"],
  },
  "schema-dialect-changed": {
    severity: "info",
    summary: "The `$schema` dialect changed (e.g. draft-07 → 2020-12); the diff reads both alike.",
    direction: "both",
    bump: "patch",
    keywords: ["$schema"],
    witness: "none",
    inverse: ["schema-dialect-changed"],
  },
  "schema-too-deep": {
    severity: "breaking",
    summary:
      "A changed schema nests deeper than the diff walks (256 pointer segments); what lies below was not compared.",
    unjudged: true,
    direction: "both",
    bump: "major",
    keywords: [],
    witness: "none",
    inverse: ["schema-too-deep"],
  },
  "output-description-changed": {
    severity: "info",
    summary: "A description inside the output schema changed.",
    direction: "output",
    bump: "patch",
    keywords: ["description", "default"],
    witness: "none",
    inverse: ["output-description-changed"],
  },
});

/** Compares annotations of a node pair. */
export function checkMeta(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const where = capital(describeLoc(d, at));
  const deferred = deferredAnnotations(a, b);
  const da = a.keywords.description;
  const db = b.keywords.description;
  if (da !== db && !deferred.has("description")) {
    const rule =
      d.dir === "input" ? metaRules["param-description-changed"] : metaRules["output-description-changed"];
    const loc = child(at, ["description"], at.label);
    const what =
      da === undefined
        ? "gained a description"
        : db === undefined
          ? "lost its description"
          : "changed its description";
    d.emit(rule, loc, `${where} ${what}${wordDiff(da, db)}.`, { before: da, after: db });
  }
  const ha = "default" in a.keywords;
  const hb = "default" in b.keywords;
  if (
    (ha || hb) &&
    !deferred.has("default") &&
    !(ha && hb && jsonEqual(a.keywords.default, b.keywords.default))
  ) {
    const rule = d.dir === "input" ? metaRules["default-changed"] : metaRules["output-description-changed"];
    const before = a.keywords.default;
    const after = b.keywords.default;
    const msg = !ha
      ? `${where} gained default ${show(after)}.`
      : !hb
        ? `${where} lost its default ${show(before)}: omitting it no longer means ${show(before)}.`
        : `${where} default changed from ${show(before)} to ${show(after)}.`;
    d.emit(rule, child(at, ["default"], at.label), msg, { before, after });
  }
  const ta = a.keywords.title;
  const tb = b.keywords.title;
  // A definition's own name as its title (pydantic titles each model and enum with its class name)
  // names the definition, not the value: renamed with it, or gained by a `$ref` to it, it says nothing.
  const named = (n: SchemaNode, t: unknown) => (n.defName !== undefined && t === n.defName ? undefined : t);
  if (ta !== tb && named(a, ta) !== named(b, tb) && !deferred.has("title")) {
    d.emit(
      metaRules["param-title-changed"],
      child(at, ["title"], at.label),
      `${where} title changed from ${show(ta)} to ${show(tb)}.`,
      {
        before: ta,
        after: tb,
      },
    );
  }
  const xa = a.keywords.deprecated === true && !deferred.has("deprecated");
  const xb = b.keywords.deprecated === true && !deferred.has("deprecated");
  if (!xa && xb)
    d.emit(metaRules["deprecated-added"], child(at, ["deprecated"], at.label), `${where} is now deprecated.`);
  else if (xa && !xb) {
    d.emit(
      metaRules["deprecated-removed"],
      child(at, ["deprecated"], at.label),
      `${where} is no longer deprecated.`,
    );
  }
}

/** `schema-dialect-changed` when the root `$schema` of a tool's input or output schema changed. */
export function checkDialect(
  emit: EmitChange,
  pointer: string,
  which: Direction,
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
    { before: da, after: db },
  );
}

/** `schema-too-deep` where the walk of a tool's input or output schema stopped. */
export function schemaTooDeep(emit: EmitChange, pointer: string, tool: string, which: Direction): void {
  emit(metaRules["schema-too-deep"], pointer, tooDeepMessage(tool, which));
}

/** Annotations, the root dialect and the depth limit; what only names or resolves is not compared. */
export const metaFamily: Family<keyof typeof metaRules, NodeCheck> = {
  name: "meta",
  rules: metaRules,
  check: checkMeta,
  claims: {
    examples: "not compared: examples illustrate, they neither validate nor change what a value means",
    readOnly: "not compared: an annotation for the reader of a document, not for the agent's arguments",
    writeOnly: "not compared: an annotation for the reader of a document, not for the agent's arguments",
    $comment: "not compared: a note for schema maintainers",
    discriminator:
      "not compared: OpenAPI's (pydantic's) pointer to the property that selects a oneOf alternative; the alternatives, and their constants, are compared",
    $ref: "resolved where it is used: the target is compared in its place",
    $defs: "resolved where used: definitions are compared through the `$ref`s that reach them",
    definitions: "resolved where used: definitions are compared through the `$ref`s that reach them",
    $id: "resolved: identifies a schema for `$ref`s, compared through them",
    id: "resolved: draft-04 spelling of `$id`",
    $anchor: "resolved: names a schema for `$ref`s, compared through them",
    $vocabulary: "not compared: the diff reads every dialect alike",
  },
};
