/**
 * Arrays: item schemas (2020-12 `items`/`prefixItems`; draft-07 tuple
 * spellings are normalised to these) are compared recursively at any depth,
 * position by position; the changes inside are reported by the other families
 * at `…/items` and `…/prefixItems/N`. This family reports what only the array
 * as a whole says: how long a tuple may be (`items: false`, draft-07
 * `additionalItems: false`) and what it must contain (`contains`, judged with
 * `minContains`/`maxContains` by subsumption, ../accepts.ts).
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { accepts, implies } from "../accepts.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { type JsonObject, jsonEqual, normalize, type SchemaNode } from "../schema.js";
import { rawNode } from "../wrap.js";
import { combinatorRules } from "./combinators.js";
import { constraintRules } from "./constraints.js";
import { structural } from "./gate.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Array rules. */
export const arrayRules = defineRecords("arrays", {
  "tuple-closed": {
    severity: "breaking",
    summary:
      "An array no longer accepts items past a position (`items: false` after `prefixItems`, or a shorter closed tuple).",
    direction: "input",
    bump: "major",
    keywords: ["items", "prefixItems"],
    witness: "probe",
    inverse: ["tuple-opened"],
  },
  "tuple-opened": {
    severity: "info",
    summary: "An array accepts items past the position where its tuple used to end.",
    direction: "input",
    bump: "minor",
    keywords: ["items", "prefixItems"],
    witness: "none",
    inverse: ["tuple-closed"],
  },
  "contains-tightened": {
    severity: "breaking",
    summary:
      "An array must now contain (enough, or not too many) items of a kind it did not have to (`contains`).",
    direction: "input",
    bump: "major",
    keywords: ["contains", "minContains", "maxContains"],
    witness: "probe",
    inverse: ["contains-loosened"],
  },
  "contains-loosened": {
    severity: "info",
    summary: "An array no longer has to contain items of a kind (`contains` removed or weaker).",
    direction: "input",
    bump: "minor",
    keywords: ["contains", "minContains", "maxContains"],
    witness: "none",
    inverse: ["contains-tightened"],
  },
});

/** How many items an array may hold at most by its tuple alone: the tuple's length when `items` is false. */
function closedLength(n: SchemaNode, root: unknown): number {
  if (n.keywords.items === undefined || !normalize(n.keywords.items, root).never) return Infinity;
  return Array.isArray(n.keywords.prefixItems) ? n.keywords.prefixItems.length : 0;
}

/** How many items an array may hold at most: its closed tuple's length or its `maxItems`. */
function maxLength(n: SchemaNode, root: unknown): number {
  const most = n.keywords.maxItems;
  return Math.min(closedLength(n, root), typeof most === "number" ? Math.max(0, Math.floor(most)) : Infinity);
}

/**
 * Recurses into `items` and `prefixItems`, and compares tuple lengths and `contains`. A position
 * one side's arrays never reach (past its closed tuple or its `maxItems`: pydantic's `tuple[str]`
 * is `prefixItems` with `minItems`/`maxItems` 1) is not compared: a longer or shorter tuple is the
 * length rules' finding, and no value was ever there to be narrowed or widened.
 */
export function checkArrays(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const ia = a.keywords.items;
  const ib = b.keywords.items;
  const ta = Array.isArray(a.keywords.prefixItems) ? (a.keywords.prefixItems as unknown[]) : [];
  const tb = Array.isArray(b.keywords.prefixItems) ? (b.keywords.prefixItems as unknown[]) : [];
  const reach = Math.min(maxLength(a, d.rootA), maxLength(b, d.rootB));
  const positions = Math.max(ta.length, tb.length);
  if ((ia !== undefined || ib !== undefined) && positions < reach)
    d.compare(ia ?? true, ib ?? true, child(at, ["items"], `${at.label}[]`));
  for (let i = 0; i < Math.min(positions, reach); i++) {
    d.compare(ta[i] ?? ia ?? true, tb[i] ?? ib ?? true, child(at, ["prefixItems", i], `${at.label}[${i}]`));
  }
  checkTupleLength(d, a, b, at);
  checkContains(d, a, b, at);
}

function checkTupleLength(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const la = closedLength(a, d.rootA);
  const lb = closedLength(b, d.rootB);
  if (la === lb) return;
  const loc = child(at, ["items"], `${at.label}[]`);
  const where = capital(describeLoc(d, at));
  const before = la === Infinity ? undefined : la;
  const after = lb === Infinity ? undefined : lb;
  if (lb < la) {
    const msg = `${where} no longer accepts more than ${lb} item${lb === 1 ? "" : "s"}.`;
    if (d.dir === "input") d.emit(arrayRules["tuple-closed"], loc, msg, { before, after });
    else d.emit(outputShapeRules["output-narrowed"], loc, msg, { before, after });
  } else {
    const msg =
      lb === Infinity
        ? `${where} accepts items past position ${la} again.`
        : `${where} accepts up to ${lb} items (was ${la}).`;
    if (d.dir === "input") d.emit(arrayRules["tuple-opened"], loc, msg, { before, after });
    else d.emit(combinatorRules["output-branch-added"], loc, msg);
  }
}

/** `contains` with its counts, as a schema of its own; undefined without `contains`. */
function containsPart(n: SchemaNode): JsonObject | undefined {
  if (n.keywords.contains === undefined) return undefined;
  const out: JsonObject = { type: "array", contains: n.keywords.contains };
  for (const k of ["minContains", "maxContains"]) if (n.keywords[k] !== undefined) out[k] = n.keywords[k];
  return out;
}

function checkContains(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const ca = containsPart(a);
  const cb = containsPart(b);
  if (jsonEqual(ca, cb)) return;
  const loc = child(at, ["contains"], at.label);
  const where = capital(describeLoc(d, at));
  // What each side demands, judged against everything the other side says of its arrays.
  const tightened = cb !== undefined && !implies(rawNode(a), cb, d.rootA, d.rootB, d.shared.accepts);
  const loosened = ca !== undefined && !implies(rawNode(b), ca, d.rootB, d.rootA, d.shared.accepts);
  if (tightened) {
    const msg = `${where} must now contain items it did not have to (contains).`;
    if (d.dir === "input") {
      // An array the old schema accepts that lacks what `contains` now asks for.
      const answer = accepts(rawNode(a), cb, d.rootA, d.rootB, d.shared.accepts);
      d.emit(arrayRules["contains-tightened"], loc, msg, {
        before: ca,
        after: cb,
        ...(answer.verdict === "no" && { example: { pointer: at.ptrA, value: answer.witness } }),
      });
    } else d.emit(outputShapeRules["output-narrowed"], loc, msg);
  } else if (loosened) {
    const msg = `${where} no longer has to contain the items it did (contains).`;
    if (d.dir === "input")
      d.emit(arrayRules["contains-loosened"], loc, msg, {
        before: ca,
        after: cb,
        useBefore: cb === undefined,
      });
    else d.emit(constraintRules["output-bound-loosened"], loc, msg, { useBefore: cb === undefined });
  }
}

/** Item schemas, recursed into; tuple lengths and `contains`. */
export const arraysFamily: Family<keyof typeof arrayRules, NodeCheck> = {
  name: "arrays",
  rules: arrayRules,
  check: structural(checkArrays),
};
