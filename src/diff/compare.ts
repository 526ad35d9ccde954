/**
 * Wires the schema rule families into the engine in reporting order, and
 * decides which families look at a pair: when exactly one side is an
 * anyOf/oneOf union, only annotations are compared at that level and the
 * other side is matched against the union's alternatives.
 */
import { type Loc, type NodeCheck, registerChecks, type SchemaDiff } from "./engine.js";
import { checkArrays } from "./rules/arrays.js";
import { checkCombinators, oneSidedUnion } from "./rules/combinators.js";
import { checkConstraints } from "./rules/constraints.js";
import { checkEnums } from "./rules/enums.js";
import { checkMeta } from "./rules/meta.js";
import { checkObjects } from "./rules/params.js";
import { checkTypes, typesDisjoint } from "./rules/types.js";
import type { SchemaNode } from "./schema.js";

function structural(check: NodeCheck): NodeCheck {
  return (d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc) => {
    if (oneSidedUnion(a, b) || typesDisjoint(a, b)) return;
    check(d, a, b, at);
  };
}

registerChecks([
  checkMeta,
  (d, a, b, at) => {
    if (!oneSidedUnion(a, b)) checkTypes(d, a, b, at);
  },
  structural(checkEnums),
  structural(checkConstraints),
  structural(checkObjects),
  structural(checkArrays),
  checkCombinators,
]);

export { SchemaDiff } from "./engine.js";
