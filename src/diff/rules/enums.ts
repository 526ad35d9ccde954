/**
 * Enumerations and constants (`const` is read as a one-value `enum`).
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { jsonKey, type SchemaNode, show } from "../schema.js";
import { structural } from "./gate.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Enum and const rules. */
export const enumRules = defineRecords("enums", {
  "enum-value-removed": {
    severity: "breaking",
    summary: "An allowed enum value was removed.",
    direction: "input",
    bump: "major",
    keywords: ["enum"],
    witness: "removed-values",
    inverse: ["enum-value-added"],
  },
  "enum-value-added": {
    severity: "info",
    summary: "An enum gained values.",
    direction: "input",
    bump: "minor",
    keywords: ["enum"],
    witness: "none",
    inverse: ["enum-value-removed"],
  },
  "enum-added": {
    severity: "breaking",
    summary: "A free value is now restricted to a list of values.",
    direction: "input",
    bump: "major",
    keywords: ["enum"],
    witness: "probe",
    inverse: ["enum-removed"],
  },
  "enum-removed": {
    severity: "info",
    summary: "A value restricted to a list now accepts any value of its type.",
    direction: "input",
    bump: "minor",
    keywords: ["enum", "const"],
    witness: "none",
    inverse: ["enum-added", "const-added"],
  },
  "const-added": {
    severity: "breaking",
    summary: "A value is now pinned to one constant.",
    direction: "input",
    bump: "major",
    keywords: ["const"],
    witness: "probe",
    inverse: ["enum-removed"],
  },
  "const-changed": {
    severity: "breaking",
    summary: "A constant changed: the old value is rejected.",
    direction: "input",
    bump: "major",
    keywords: ["enum", "const"],
    witness: "old-constant",
    inverse: ["const-changed"],
  },
  "output-enum-value-added": {
    severity: "warning",
    summary:
      "A result value may now be one the agent has never seen (new enum value, or no longer restricted).",
    direction: "output",
    bump: "minor",
    keywords: ["enum", "const"],
    witness: "none",
    inverse: ["output-narrowed"],
  },
});

function values(n: SchemaNode): unknown[] | undefined {
  return Array.isArray(n.keywords.enum) ? (n.keywords.enum as unknown[]) : undefined;
}

/** Compares `enum`/`const` of a node pair. */
export function checkEnums(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const ea = values(a);
  const eb = values(b);
  if (!ea && !eb) return;
  const loc = child(at, ["enum"], at.label);
  const where = describeLoc(d, at);
  if (!ea && eb) {
    if (d.dir === "output") {
      d.emit(outputShapeRules["output-narrowed"], loc, `${capital(where)} is now restricted to ${show(eb)}.`);
    } else if (eb.length === 1) {
      d.emit(enumRules["const-added"], loc, `${capital(where)} is now pinned to ${show(eb[0])}.`, {
        after: eb[0],
      });
    } else {
      d.emit(enumRules["enum-added"], loc, `${capital(where)} is now restricted to ${show(eb)}.`, {
        after: eb,
      });
    }
    return;
  }
  if (ea && !eb) {
    if (d.dir === "output") {
      d.emit(
        enumRules["output-enum-value-added"],
        loc,
        `${capital(where)} is no longer restricted to ${show(ea)}.`,
        {
          before: ea,
        },
      );
    } else {
      d.emit(enumRules["enum-removed"], loc, `${capital(where)} is no longer restricted to ${show(ea)}.`, {
        before: ea,
      });
    }
    return;
  }
  if (!ea || !eb) return;
  const kb = new Set(eb.map(jsonKey));
  const ka = new Set(ea.map(jsonKey));
  const removed = ea.filter((v) => !kb.has(jsonKey(v)));
  const added = eb.filter((v) => !ka.has(jsonKey(v)));
  if (removed.length === 0 && added.length === 0) return;
  if (ea.length === 1 && eb.length === 1) {
    if (d.dir === "input") {
      d.emit(
        enumRules["const-changed"],
        loc,
        `${capital(where)} changed from constant ${show(ea[0])} to ${show(eb[0])}.`,
        {
          before: ea[0],
          after: eb[0],
        },
      );
    } else {
      d.emit(
        enumRules["output-enum-value-added"],
        loc,
        `${capital(where)} changed from constant ${show(ea[0])} to ${show(eb[0])}.`,
        { before: ea[0], after: eb[0] },
      );
    }
    return;
  }
  if (removed.length) {
    const msg = `${capital(where)} no longer allows ${removed.map((v) => show(v)).join(", ")}.`;
    if (d.dir === "input") d.emit(enumRules["enum-value-removed"], loc, msg, { before: removed });
    else d.emit(outputShapeRules["output-narrowed"], loc, msg, { before: removed });
  }
  if (added.length) {
    const msg = `${capital(where)} now also allows ${added.map((v) => show(v)).join(", ")}.`;
    if (d.dir === "input") d.emit(enumRules["enum-value-added"], loc, msg, { after: added });
    else d.emit(enumRules["output-enum-value-added"], loc, msg, { after: added });
  }
}

/** Enumerations and constants. */
export const enumsFamily: Family<keyof typeof enumRules, NodeCheck> = {
  name: "enums",
  rules: enumRules,
  check: structural(checkEnums),
};
