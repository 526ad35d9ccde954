/**
 * Output shapes: what the agent reads. These rules have no check of their
 * own: the family that owns each keyword reports them when it walks an
 * output schema, where the same edits are read the other way round.
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { BOUND_KEYWORDS } from "../keywords.js";

/** Output-shape rules: fields the agent reads. */
export const outputShapeRules = defineRecords("output", {
  "output-property-removed": {
    severity: "breaking",
    summary: "A field of the tool's result was removed.",
    direction: "output",
    bump: "major",
    keywords: ["properties"],
    witness: "none",
    inverse: ["output-property-added"],
  },
  "output-property-became-optional": {
    severity: "breaking",
    summary: "A result field that was always present may now be missing.",
    direction: "output",
    bump: "major",
    keywords: ["required", "dependentRequired"],
    witness: "none",
    inverse: ["output-narrowed"],
  },
  "output-property-added": {
    severity: "info",
    summary: "A new field in the tool's result.",
    direction: "output",
    bump: "minor",
    keywords: ["properties"],
    witness: "none",
    inverse: ["output-property-removed"],
  },
  "output-narrowed": {
    severity: "info",
    summary: "The tool's result became more specific (safe for readers).",
    direction: "output",
    bump: "patch",
    keywords: [
      "type",
      "nullable",
      "enum",
      "const",
      "required",
      "dependentRequired",
      "additionalProperties",
      "anyOf",
      "oneOf",
      "allOf",
      "pattern",
      "format",
      "uniqueItems",
      "contentMediaType",
      ...BOUND_KEYWORDS,
    ],
    witness: "none",
    inverse: [
      "output-property-became-optional",
      "output-additional-properties-allowed",
      "output-type-changed",
      "output-nullable-added",
      "output-enum-value-added",
      "output-bound-loosened",
      "output-branch-added",
    ],
  },
  "output-additional-properties-allowed": {
    severity: "warning",
    summary: "Result objects may now carry fields the schema does not list.",
    direction: "output",
    bump: "minor",
    keywords: ["additionalProperties"],
    witness: "none",
    inverse: ["output-narrowed"],
  },
});

/** The output family: records only, reported by the families that own the keywords. */
export const outputFamily: Family = { name: "output", rules: outputShapeRules };
