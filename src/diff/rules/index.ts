/**
 * Every rule family of the semantic diff (one family per file in this folder),
 * and the order the engine runs their node checks in.
 */

import type { Family, RuleRecord } from "../../core/rule.js";
import type { NodeCheck } from "../engine.js";
import { arraysFamily } from "./arrays.js";
import { capabilitiesFamily } from "./capabilities.js";
import { combinatorsFamily } from "./combinators.js";
import { constraintsFamily } from "./constraints.js";
import { contentFamily } from "./content.js";
import { enumsFamily } from "./enums.js";
import { instructionsFamily } from "./instructions.js";
import { metaFamily } from "./meta.js";
import { outputFamily } from "./output.js";
import { paramsFamily } from "./params.js";
import { promptsFamily } from "./prompts.js";
import { resourcesFamily } from "./resources.js";
import { serverFamily } from "./server.js";
import { toolFamily } from "./tool.js";
import { typesFamily } from "./types.js";

/** The schema families, in the order their checks run on each node pair (reporting order). */
export const SCHEMA_FAMILIES: readonly Family<string, NodeCheck>[] = [
  metaFamily,
  typesFamily,
  enumsFamily,
  constraintsFamily,
  contentFamily,
  paramsFamily,
  arraysFamily,
  combinatorsFamily,
];

/** Every diff family: the server and tool families, the schema families, the output rules they share, and the families of the rest of the surface. */
export const DIFF_FAMILIES: readonly Family[] = [
  serverFamily,
  toolFamily,
  paramsFamily,
  typesFamily,
  enumsFamily,
  constraintsFamily,
  arraysFamily,
  combinatorsFamily,
  metaFamily,
  outputFamily,
  contentFamily,
  promptsFamily,
  resourcesFamily,
  instructionsFamily,
  capabilitiesFamily,
];

/** The records of `families` by id. */
export function recordsOf(families: readonly Family[]): Map<string, RuleRecord> {
  const out = new Map<string, RuleRecord>();
  for (const family of families) for (const record of Object.values(family.rules)) out.set(record.id, record);
  return out;
}

/** The diff's rule records by id. */
export const DIFF_RECORDS: ReadonlyMap<string, RuleRecord> = recordsOf(DIFF_FAMILIES);

/** The diff's rule metadata, merged into the global `RULES` (src/rules.ts). */
export const DIFF_RULES: Record<string, RuleRecord> = Object.fromEntries(DIFF_RECORDS);
