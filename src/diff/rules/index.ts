/** Every rule the semantic diff can emit, by id (one family per file in this folder). */
import type { RuleMeta } from "../../core/rule.js";
import { arrayRules } from "./arrays.js";
import { combinatorRules } from "./combinators.js";
import { constraintRules } from "./constraints.js";
import { enumRules } from "./enums.js";
import { metaRules } from "./meta.js";
import { outputShapeRules, paramRules } from "./params.js";
import { serverRules } from "./server.js";
import { toolRules } from "./tool.js";
import { typeRules } from "./types.js";

/** The diff's rule metadata, merged into the global `RULES` (src/rules.ts). */
export const DIFF_RULES: Record<string, RuleMeta> = {
  ...serverRules,
  ...toolRules,
  ...paramRules,
  ...typeRules,
  ...enumRules,
  ...constraintRules,
  ...arrayRules,
  ...combinatorRules,
  ...metaRules,
  ...outputShapeRules,
};
