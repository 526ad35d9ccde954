/**
 * Value constraints: numeric, length, item and property-count bounds,
 * multipleOf, pattern, format and uniqueItems.
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { BOUND_KEYWORDS } from "../keywords.js";
import { patternWitness, type StringLimits } from "../patterns.js";
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
  "pattern-narrowed": {
    severity: "breaking",
    summary: "A string's regular expression changed and refuses a string the old one accepted (the witness).",
    direction: "input",
    bump: "major",
    keywords: ["pattern"],
    witness: "pattern",
    inverse: ["pattern-changed"],
  },
  "pattern-changed": {
    severity: "warning",
    summary:
      "A string's regular expression changed and no string drawn from the old one tells whether it narrows.",
    unjudged: true,
    direction: "both",
    bump: "minor",
    keywords: ["pattern"],
    witness: "none",
    inverse: ["pattern-changed", "pattern-narrowed"],
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
    severity: "breaking",
    summary:
      "A string parameter gained a `format` servers validate (zod's `.url()`, pydantic's `EmailStr`): values outside it are now refused.",
    direction: "input",
    bump: "major",
    keywords: ["format"],
    witness: "probe",
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
    } else patternChanged(d, a, b, loc, where, String(pa), String(pb));
  }

  const fa = a.keywords.format;
  const fb = b.keywords.format;
  if (fa !== fb) {
    const loc = child(at, ["format"], at.label);
    if (fa === undefined) {
      const msg = `${where} gained format "${String(fb)}".`;
      if (d.dir === "output") d.emit(outputShapeRules["output-narrowed"], loc, msg, { after: fb });
      else if (typeof fb === "string" && VALIDATED_FORMATS.has(fb))
        d.emit(constraintRules["format-added"], loc, msg, { after: fb });
      else {
        d.emit(
          constraintRules["format-added"],
          loc,
          `${where} gained format "${String(fb)}", which is no format of JSON Schema: servers may read it as a description only.`,
          { after: fb, severity: "warning" },
        );
      }
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

/**
 * The formats of JSON Schema's format vocabulary (draft-07 to 2020-12): validators check them
 * (ajv-formats, @cfworker/json-schema), and so do the libraries MCP servers publish them from: zod
 * (`.url()` → `uri`, `.email()`, `.uuid()`, `.datetime()` → `date-time`) and pydantic (`AnyUrl`,
 * `EmailStr`, `UUID`, `datetime`, `IPv4Address`…). A format outside this list (`password`,
 * `textarea`, `binary`) is usually a hint for a form, checked by nobody.
 */
const VALIDATED_FORMATS: ReadonlySet<string> = new Set([
  "date-time",
  "date",
  "time",
  "duration",
  "email",
  "idn-email",
  "hostname",
  "idn-hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
  "iri",
  "iri-reference",
  "uuid",
  "uri-template",
  "json-pointer",
  "relative-json-pointer",
  "regex",
  "url",
]);

/** The length bounds of a string node, for a pattern witness to respect. */
function limits(n: SchemaNode): StringLimits {
  const out: StringLimits = {};
  if (typeof n.keywords.minLength === "number") out.minLength = n.keywords.minLength;
  if (typeof n.keywords.maxLength === "number") out.maxLength = n.keywords.maxLength;
  return out;
}

/** JSON text of a witness string for a message, cut when long. */
function quote(s: string): string {
  const text = JSON.stringify(s);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * A changed pattern, judged by witness (src/diff/patterns.ts). Input: a string the old pattern
 * accepts and the new one refuses makes it `pattern-narrowed`. Output: a string the new pattern
 * allows and the old one did not makes it `output-bound-loosened` (the agent may now read it), one
 * the other way `output-narrowed`. When no drawn string decides, `pattern-changed` (could not be
 * judged).
 */
function patternChanged(
  d: SchemaDiff,
  a: SchemaNode,
  b: SchemaNode,
  loc: Loc,
  where: string,
  pa: string,
  pb: string,
): void {
  const changed = `${where} pattern changed from /${pa}/ to /${pb}/`;
  const values = { before: pa, after: pb };
  if (d.dir === "input") {
    const narrowed = patternWitness(pa, pb, limits(a));
    if ("witness" in narrowed) {
      d.emit(
        constraintRules["pattern-narrowed"],
        loc,
        `${changed}: ${quote(narrowed.witness)} matched and no longer does.`,
        values,
      );
      return;
    }
    d.emit(
      constraintRules["pattern-changed"],
      loc,
      `${changed}; could not be judged: ${narrowed.unknown}.`,
      values,
    );
    return;
  }
  const loosened = patternWitness(pb, pa, limits(b));
  if ("witness" in loosened) {
    d.emit(
      constraintRules["output-bound-loosened"],
      loc,
      `${changed}: a result may now be ${quote(loosened.witness)}, which did not match before.`,
      values,
    );
    return;
  }
  const narrowed = patternWitness(pa, pb, limits(a));
  if ("witness" in narrowed) {
    d.emit(
      outputShapeRules["output-narrowed"],
      loc,
      `${changed}: results such as ${quote(narrowed.witness)} no longer occur.`,
      values,
    );
    return;
  }
  d.emit(
    constraintRules["pattern-changed"],
    loc,
    `${changed}; could not be judged: ${loosened.unknown}.`,
    values,
  );
}

/** Bounds, pattern, format and uniqueItems. */
export const constraintsFamily: Family<keyof typeof constraintRules, NodeCheck> = {
  name: "constraints",
  rules: constraintRules,
  check: structural(checkConstraints),
};
