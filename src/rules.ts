/**
 * Every rule id mcp-contract can report, with its metadata. Each family
 * declares its rules with `defineRules`; this record merges them so reports,
 * SARIF and docs can look any id up.
 */

import type { RuleMeta } from "./core/rule.js";
import { DIFF_RULES } from "./diff/rules/index.js";
import { fetchRules } from "./fetch/rules.js";
import { lockfileRules } from "./lockfile/verify.js";
import { poisoningRules } from "./poisoning/rules.js";
import { TEMPLATE_RULES } from "./templates/rules.js";

/** All rules by id. */
export const RULES: Record<string, RuleMeta> = {
  ...DIFF_RULES,
  ...fetchRules,
  ...TEMPLATE_RULES,
  ...poisoningRules,
  ...lockfileRules,
};
