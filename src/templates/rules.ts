import { defineRules } from "../core/rule.js";

/** Findings about prompt templates: references to tools and parameters, checked against the lockfile. */
export const TEMPLATE_RULES = defineRules("template", {
  "template-unknown-tool": {
    severity: "breaking",
    summary: "A template names a tool that no server in the lockfile has.",
  },
  "template-unknown-param": {
    severity: "breaking",
    summary: "A template names a parameter that the tool does not have.",
  },
  "template-ambiguous-tool": {
    severity: "breaking",
    summary: "A template names a tool, unqualified, that several servers have.",
  },
  "template-stale-mention": {
    severity: "warning",
    summary:
      "A code span in a template's prose names a tool or parameter that only the previous lockfile has.",
  },
  "template-missing-required-param": {
    severity: "warning",
    summary: "A template shows a call of a tool without one of the tool's required parameters.",
  },
  "template-affected": {
    severity: "warning",
    summary: "A template depends on a tool that has a breaking change.",
  },
});

/** A template rule id. */
export type TemplateRuleId = keyof typeof TEMPLATE_RULES;
