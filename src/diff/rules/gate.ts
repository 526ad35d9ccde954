/**
 * Which node pairs a structural family looks at: not a pair where exactly one
 * side is an anyOf/oneOf union (the combinators family matches the other side
 * against its alternatives), nor one whose types share no value (the types
 * family reports that, and deeper keyword comparisons would be noise).
 */
import type { Loc, NodeCheck, SchemaDiff } from "../engine.js";
import type { SchemaNode } from "../schema.js";
import { oneSidedUnion } from "./combinators.js";
import { typesDisjoint } from "./types.js";

/** A structural family's check, run only on pairs it can compare keyword by keyword. */
export function structural(check: NodeCheck): NodeCheck {
  return (d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc) => {
    if (oneSidedUnion(a, b) || typesDisjoint(a, b)) return;
    check(d, a, b, at);
  };
}
