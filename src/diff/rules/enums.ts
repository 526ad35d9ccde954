/**
 * Enumerations and constants (`const` is read as a one-value `enum`).
 */

import { defineRules } from "../../core/rule.js";
import { child, describeLoc, type Loc, type SchemaDiff } from "../engine.js";
import { jsonKey, type SchemaNode, show } from "../schema.js";
import { capital, outputShapeRules } from "./params.js";

/** Enum and const rules. */
export const enumRules = defineRules("enums", {
  "enum-value-removed": { severity: "breaking", summary: "An allowed enum value was removed." },
  "enum-value-added": { severity: "info", summary: "An enum gained values." },
  "enum-added": { severity: "breaking", summary: "A free value is now restricted to a list of values." },
  "enum-removed": {
    severity: "info",
    summary: "A value restricted to a list now accepts any value of its type.",
  },
  "const-added": { severity: "breaking", summary: "A value is now pinned to one constant." },
  "const-changed": { severity: "breaking", summary: "A constant changed: the old value is rejected." },
  "output-enum-value-added": {
    severity: "warning",
    summary:
      "A result value may now be one the agent has never seen (new enum value, or no longer restricted).",
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
