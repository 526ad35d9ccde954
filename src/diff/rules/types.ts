/**
 * JSON types and nullability. `type` is a set; `integer` is a subtype of
 * `number`; null is tracked separately whichever way it was spelled.
 */

import { defineRecords, type Family } from "../../core/rule.js";
import type { Loc, NodeCheck, SchemaDiff } from "../engine.js";
import { type SchemaNode, showTypes, typeCovered } from "../schema.js";
import { oneSidedUnion } from "./combinators.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Type rules. */
export const typeRules = defineRecords("types", {
  "param-type-changed": {
    severity: "breaking",
    summary: "A parameter's type changed so that values of the old type are rejected (narrowed or replaced).",
    direction: "input",
    bump: "major",
    keywords: ["type"],
    witness: "probe",
    inverse: ["param-type-widened", "param-type-changed"],
  },
  "param-type-widened": {
    severity: "info",
    summary: "A parameter now also accepts other types (e.g. integer → number).",
    direction: "input",
    bump: "minor",
    keywords: ["type"],
    witness: "none",
    inverse: ["param-type-changed"],
  },
  "nullable-removed": {
    severity: "breaking",
    summary: "A value that accepted null no longer does.",
    direction: "input",
    bump: "major",
    keywords: ["type", "nullable"],
    witness: "null",
    inverse: ["nullable-added"],
  },
  "nullable-added": {
    severity: "info",
    summary: "A value now also accepts null.",
    direction: "input",
    bump: "minor",
    keywords: ["type", "nullable"],
    witness: "none",
    inverse: ["nullable-removed"],
  },
  "output-type-changed": {
    severity: "breaking",
    summary: "A result value may now be of a type it could not be before.",
    direction: "output",
    bump: "major",
    keywords: ["type"],
    witness: "none",
    inverse: ["output-narrowed"],
  },
  "output-nullable-added": {
    severity: "breaking",
    summary: "A result value may now be null.",
    direction: "output",
    bump: "major",
    keywords: ["type", "nullable"],
    witness: "none",
    inverse: ["output-narrowed"],
  },
});

const ALL = ["array", "boolean", "number", "object", "string"];

function lostTypes(from: Set<string> | undefined, to: Set<string> | undefined): string[] {
  if (!to) return [];
  const list = from ? [...from] : ALL;
  return list.filter((t) => !typeCovered(t, to));
}

/** Whether two nodes' type sets share no value at all (then deeper keyword comparisons are noise). */
export function typesDisjoint(a: SchemaNode, b: SchemaNode): boolean {
  if (!a.types || !b.types || a.types.size === 0 || b.types.size === 0) return false;
  for (const t of a.types)
    if (typeCovered(t, b.types) || (t === "number" && b.types.has("integer"))) return false;
  return true;
}

/** Compares `type` and nullability of a node pair. */
export function checkTypes(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  if (a.never || b.never) return;
  // A union's types are its branches' business: the combinator family pairs them up.
  if (!a.types && hasUnion(a)) return;
  if (!b.types && hasUnion(b)) return;
  const lost = lostTypes(a.types, b.types);
  const gained = lostTypes(b.types, a.types);
  const where = describeLoc(d, at);
  const before = showTypes(a.types);
  const after = showTypes(b.types);
  if (lost.length || gained.length) {
    const narrowing = d.dir === "input" ? lost.length > 0 : gained.length > 0;
    const widening = d.dir === "input" ? gained.length > 0 : lost.length > 0;
    const message = `${capital(where)} changed type from ${before} to ${after}.`;
    if (d.dir === "input") {
      if (narrowing) d.emit(typeRules["param-type-changed"], at, message, { before, after });
      else if (widening) d.emit(typeRules["param-type-widened"], at, message, { before, after });
    } else if (narrowing) {
      d.emit(typeRules["output-type-changed"], at, message, { before, after });
    } else {
      d.emit(outputShapeRules["output-narrowed"], at, message, { before, after });
    }
  }
  if (a.nullable && !b.nullable) {
    if (d.dir === "input")
      d.emit(typeRules["nullable-removed"], at, `${capital(where)} no longer accepts null.`);
    else d.emit(outputShapeRules["output-narrowed"], at, `${capital(where)} is no longer null.`);
  } else if (!a.nullable && b.nullable) {
    if (d.dir === "input") d.emit(typeRules["nullable-added"], at, `${capital(where)} now accepts null.`);
    else d.emit(typeRules["output-nullable-added"], at, `${capital(where)} may now be null.`);
  }
}

/** Whether a node is an anyOf/oneOf/allOf union (after nullable folding). */
export function hasUnion(n: SchemaNode): boolean {
  return (
    Array.isArray(n.keywords.anyOf) || Array.isArray(n.keywords.oneOf) || Array.isArray(n.keywords.allOf)
  );
}

/** Types and nullability; a pair with exactly one union side is the combinators family's. */
export const typesFamily: Family<keyof typeof typeRules, NodeCheck> = {
  name: "types",
  rules: typeRules,
  check: (d, a, b, at) => {
    if (!oneSidedUnion(a, b)) checkTypes(d, a, b, at);
  },
};
