/**
 * Value constraints: numeric, length, item and property-count bounds,
 * multipleOf, pattern, format and uniqueItems.
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { BOUND_KEYWORDS } from "../keywords.js";
import type { SchemaNode } from "../schema.js";
import { structural } from "./gate.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Constraint rules. */
export const constraintRules = defineRecords("constraints", {
  "bound-tightened": {
    severity: "breaking",
    summary: "A minimum/maximum, length, item-count or property-count bound (or multipleOf) got stricter.",
    direction: "input",
    bump: "major",
    keywords: BOUND_KEYWORDS,
    witness: "bound",
    inverse: ["bound-loosened"],
  },
  "bound-loosened": {
    severity: "info",
    summary: "A bound got looser or was removed.",
    direction: "input",
    bump: "minor",
    keywords: BOUND_KEYWORDS,
    witness: "none",
    inverse: ["bound-tightened"],
  },
  "pattern-added": {
    severity: "breaking",
    summary: "A string must now match a regular expression.",
    direction: "input",
    bump: "major",
    keywords: ["pattern"],
    witness: "probe",
    inverse: ["pattern-removed"],
  },
  "pattern-changed": {
    severity: "warning",
    summary: "A string's regular expression changed.",
    direction: "both",
    bump: "minor",
    keywords: ["pattern"],
    witness: "none",
    inverse: ["pattern-changed"],
  },
  "pattern-removed": {
    severity: "info",
    summary: "A string's regular expression was removed.",
    direction: "input",
    bump: "minor",
    keywords: ["pattern"],
    witness: "none",
    inverse: ["pattern-added"],
  },
  "format-added": {
    severity: "warning",
    summary: "A string gained a `format` (validators may now reject values).",
    direction: "input",
    bump: "minor",
    keywords: ["format"],
    witness: "none",
    inverse: ["format-removed"],
  },
  "format-changed": {
    severity: "warning",
    summary: "A string's `format` changed.",
    direction: "both",
    bump: "minor",
    keywords: ["format"],
    witness: "none",
    inverse: ["format-changed"],
  },
  "format-removed": {
    severity: "info",
    summary: "A string's `format` was removed.",
    direction: "input",
    bump: "minor",
    keywords: ["format"],
    witness: "none",
    inverse: ["format-added"],
  },
  "unique-items-added": {
    severity: "breaking",
    summary: "An array must now hold unique items.",
    direction: "input",
    bump: "major",
    keywords: ["uniqueItems"],
    witness: "duplicate-items",
    inverse: ["unique-items-removed"],
  },
  "unique-items-removed": {
    severity: "info",
    summary: "An array may now hold duplicates.",
    direction: "input",
    bump: "minor",
    keywords: ["uniqueItems"],
    witness: "none",
    inverse: ["unique-items-added"],
  },
  "output-bound-loosened": {
    severity: "warning",
    summary: "A result value may now fall outside a bound it used to respect (or break a pattern or format).",
    direction: "output",
    bump: "minor",
    keywords: [...BOUND_KEYWORDS, "pattern", "format", "uniqueItems"],
    witness: "none",
    inverse: ["output-narrowed"],
  },
});

type Kind = "min" | "max";
const BOUNDS: readonly [string, Kind][] = [
  ["minimum", "min"],
  ["exclusiveMinimum", "min"],
  ["maximum", "max"],
  ["exclusiveMaximum", "max"],
  ["minLength", "min"],
  ["maxLength", "max"],
  ["minItems", "min"],
  ["maxItems", "max"],
  ["minProperties", "min"],
  ["maxProperties", "max"],
  ["minContains", "min"],
  ["maxContains", "max"],
];

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

/** Compares bounds, pattern, format and uniqueItems of a node pair. */
export function checkConstraints(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const where = capital(describeLoc(d, at));
  const tightened = (kw: string, msg: string, before: unknown, after: unknown) => {
    const loc = child(at, [kw], at.label);
    if (d.dir === "input") d.emit(constraintRules["bound-tightened"], loc, msg, { before, after });
    else d.emit(outputShapeRules["output-narrowed"], loc, msg, { before, after });
  };
  const loosened = (kw: string, msg: string, before: unknown, after: unknown) => {
    const loc = child(at, [kw], at.label);
    if (d.dir === "input") d.emit(constraintRules["bound-loosened"], loc, msg, { before, after });
    else d.emit(constraintRules["output-bound-loosened"], loc, msg, { before, after });
  };

  for (const [kw, kind] of BOUNDS) {
    const va = num(a.keywords[kw]);
    const vb = num(b.keywords[kw]);
    if (va === vb) continue;
    if (va === undefined && vb !== undefined) tightened(kw, `${where} gained ${kw} ${vb}.`, undefined, vb);
    else if (va !== undefined && vb === undefined) loosened(kw, `${where} lost ${kw} ${va}.`, va, undefined);
    else if (va !== undefined && vb !== undefined) {
      const stricter = kind === "min" ? vb > va : vb < va;
      const msg = `${where} ${kw} changed from ${va} to ${vb}.`;
      if (stricter) tightened(kw, msg, va, vb);
      else loosened(kw, msg, va, vb);
    }
  }

  const ma = num(a.keywords.multipleOf);
  const mb = num(b.keywords.multipleOf);
  if (ma !== mb) {
    const msg = `${where} multipleOf changed from ${ma ?? "(none)"} to ${mb ?? "(none)"}.`;
    // A new step the old one divides is looser (every old value is still a multiple); anything else rejects old values.
    if (mb === undefined || (ma !== undefined && Number.isInteger(ma / mb)))
      loosened("multipleOf", msg, ma, mb);
    else tightened("multipleOf", msg, ma, mb);
  }

  const pa = a.keywords.pattern;
  const pb = b.keywords.pattern;
  if (pa !== pb) {
    const loc = child(at, ["pattern"], at.label);
    if (pa === undefined) {
      const msg = `${where} must now match /${String(pb)}/.`;
      if (d.dir === "input") d.emit(constraintRules["pattern-added"], loc, msg, { after: pb });
      else d.emit(outputShapeRules["output-narrowed"], loc, msg, { after: pb });
    } else if (pb === undefined) {
      const msg = `${where} no longer has to match /${String(pa)}/.`;
      if (d.dir === "input") d.emit(constraintRules["pattern-removed"], loc, msg, { before: pa });
      else d.emit(constraintRules["output-bound-loosened"], loc, msg, { before: pa });
    } else {
      d.emit(constraintRules["pattern-changed"], loc, `${where} pattern changed from /${pa}/ to /${pb}/.`, {
        before: pa,
        after: pb,
      });
    }
  }

  const fa = a.keywords.format;
  const fb = b.keywords.format;
  if (fa !== fb) {
    const loc = child(at, ["format"], at.label);
    if (fa === undefined) {
      const msg = `${where} gained format "${String(fb)}".`;
      if (d.dir === "input") d.emit(constraintRules["format-added"], loc, msg, { after: fb });
      else d.emit(outputShapeRules["output-narrowed"], loc, msg, { after: fb });
    } else if (fb === undefined) {
      const msg = `${where} lost format "${String(fa)}".`;
      if (d.dir === "input") d.emit(constraintRules["format-removed"], loc, msg, { before: fa });
      else d.emit(constraintRules["output-bound-loosened"], loc, msg, { before: fa });
    } else {
      d.emit(constraintRules["format-changed"], loc, `${where} format changed from "${fa}" to "${fb}".`, {
        before: fa,
        after: fb,
      });
    }
  }

  const ua = a.keywords.uniqueItems === true;
  const ub = b.keywords.uniqueItems === true;
  if (ua !== ub) {
    const loc = child(at, ["uniqueItems"], at.label);
    if (ub) {
      const msg = `${where} must now hold unique items.`;
      if (d.dir === "input") d.emit(constraintRules["unique-items-added"], loc, msg);
      else d.emit(outputShapeRules["output-narrowed"], loc, msg);
    } else {
      const msg = `${where} may now hold duplicate items.`;
      if (d.dir === "input") d.emit(constraintRules["unique-items-removed"], loc, msg);
      else d.emit(constraintRules["output-bound-loosened"], loc, msg);
    }
  }
}

/** Bounds, pattern, format and uniqueItems. */
export const constraintsFamily: Family<keyof typeof constraintRules, NodeCheck> = {
  name: "constraints",
  rules: constraintRules,
  check: structural(checkConstraints),
};
