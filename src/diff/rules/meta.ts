/**
 * What a schema node says to the model rather than to a validator:
 * descriptions, defaults, titles, deprecation, and the root `$schema` dialect.
 */

import { defineRules } from "../../core/rule.js";
import { child, describeLoc, type Loc, type SchemaDiff } from "../engine.js";
import { jsonEqual, type SchemaNode, show } from "../schema.js";
import { wordDiff } from "../words.js";
import { deferredAnnotations } from "./combinators.js";
import { capital } from "./params.js";

/** Schema annotation rules. */
export const metaRules = defineRules("meta", {
  "param-description-changed": {
    severity: "warning",
    summary:
      "A parameter's description was added, changed or removed: the model reads it to decide what to send.",
  },
  "default-changed": {
    severity: "warning",
    summary: "A default was added, removed or changed: omitting the value now means something else.",
  },
  "deprecated-added": { severity: "info", summary: "A parameter was marked deprecated." },
  "deprecated-removed": { severity: "info", summary: "A parameter is no longer marked deprecated." },
  "param-title-changed": { severity: "info", summary: "A schema `title` changed." },
  "schema-dialect-changed": {
    severity: "info",
    summary: "The `$schema` dialect changed (e.g. draft-07 → 2020-12); the diff reads both alike.",
  },
  "schema-too-deep": {
    severity: "breaking",
    summary:
      "A changed schema nests deeper than the diff walks (256 pointer segments); what lies below was not compared.",
  },
  "output-description-changed": {
    severity: "info",
    summary: "A description inside the output schema changed.",
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
  if (ta !== tb && !deferred.has("title")) {
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
