/**
 * The JSON Schema vocabulary the diff knows (draft-04 to 2020-12, plus
 * OpenAPI's `nullable`). Each keyword is claimed by exactly one rule family
 * (test/diff/records.test.ts); a changed keyword outside this list goes to the
 * json-schema-diff fallback like the ones the combinators family hands it.
 */

/** Keywords that say what a node means to a reader but not what validates. */
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set([
  "description",
  "title",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
]);

/**
 * Numeric, length, item-count and property-count bounds, and `multipleOf`. `minContains` and
 * `maxContains` are not among them: they count what `contains` matches and are judged with it (the
 * arrays family), so a changed count is one finding, not a bound and a `contains` change.
 */
export const BOUND_KEYWORDS: readonly string[] = [
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "multipleOf",
];

/** Keywords no structural rule understands: their changes get json-schema-diff's set-inclusion verdict. */
export const FALLBACK_KEYWORDS: readonly string[] = [
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "propertyNames",
  "additionalItems",
  "unevaluatedProperties",
  "unevaluatedItems",
  "$dynamicRef",
  "$dynamicAnchor",
  "$recursiveRef",
  "$recursiveAnchor",
];

/** Every keyword of the vocabulary. */
export const SCHEMA_KEYWORDS: readonly string[] = [
  // Types and values.
  "type",
  "nullable",
  "enum",
  "const",
  // Objects.
  "properties",
  "required",
  "additionalProperties",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  // Arrays.
  "items",
  "prefixItems",
  "contains",
  "minContains",
  "maxContains",
  "uniqueItems",
  // Bounds and string constraints.
  ...BOUND_KEYWORDS,
  "pattern",
  "format",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
  // Combinators.
  "anyOf",
  "oneOf",
  "allOf",
  // OpenAPI's (and pydantic's) name of the property that selects a `oneOf` alternative.
  "discriminator",
  // Annotations.
  ...ANNOTATION_KEYWORDS,
  // Identification and references.
  "$schema",
  "$id",
  "id",
  "$anchor",
  "$ref",
  "$defs",
  "definitions",
  "$vocabulary",
  ...FALLBACK_KEYWORDS,
];
