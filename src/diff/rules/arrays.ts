/**
 * Arrays: item schemas (2020-12 `items`/`prefixItems`; draft-07 tuple
 * spellings are normalised to these) are compared recursively at any depth.
 * The changes inside are reported by the other families at `…/items`.
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import type { SchemaNode } from "../schema.js";
import { structural } from "./gate.js";

/** Arrays have no rules of their own: item changes are reported by the families that own each keyword. */
export const arrayRules = defineRecords("arrays", {});

/** Recurses into `items` and `prefixItems`. Emits nothing itself. */
export function checkArrays(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const ia = a.keywords.items;
  const ib = b.keywords.items;
  if (ia !== undefined || ib !== undefined)
    d.compare(ia ?? true, ib ?? true, child(at, ["items"], `${at.label}[]`));
  const ta = Array.isArray(a.keywords.prefixItems) ? (a.keywords.prefixItems as unknown[]) : [];
  const tb = Array.isArray(b.keywords.prefixItems) ? (b.keywords.prefixItems as unknown[]) : [];
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
    d.compare(ta[i] ?? ia ?? true, tb[i] ?? ib ?? true, child(at, ["prefixItems", i], `${at.label}[${i}]`));
  }
}

/** Item schemas, recursed into. */
export const arraysFamily: Family<never, NodeCheck> = {
  name: "arrays",
  rules: arrayRules,
  check: structural(checkArrays),
  claims: {
    items: "recursed into: what changed inside is reported by the family that owns each keyword",
    prefixItems: "recursed into: what changed inside is reported by the family that owns each keyword",
  },
};
