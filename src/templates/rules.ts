import { defineRules } from "../core/rule.js";

/** Findings about prompt templates: references to tools, parameters, prompts and resources, checked against the lockfile. */
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
  "template-unknown-prompt": {
    severity: "breaking",
    summary: "A template names a prompt that no server in the lockfile has.",
  },
  "template-unknown-prompt-argument": {
    severity: "breaking",
    summary: "A template names or passes an argument that the prompt does not have.",
  },
  "template-ambiguous-prompt": {
    severity: "breaking",
    summary: "A template names a prompt, unqualified, that several servers have.",
  },
  "template-missing-prompt-argument": {
    severity: "breaking",
    summary: "A template passes arguments to a prompt but not one of its required arguments.",
  },
  "template-unknown-resource": {
    severity: "breaking",
    summary:
      "A template names a resource URI or URI template that matches no locked resource template or static resource.",
  },
  "template-ambiguous-resource": {
    severity: "breaking",
    summary: "A template names a resource URI, unqualified, that resources of several servers match.",
  },
  "template-unknown-partial": {
    severity: "breaking",
    summary:
      "A template includes a partial (`{{> name}}`) that is no file of the config's partials directories and no inline partial of its own.",
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
    summary: "A template depends on a tool, prompt or resource template that has a breaking change.",
  },
});

/** A template rule id. */
export type TemplateRuleId = keyof typeof TEMPLATE_RULES;
