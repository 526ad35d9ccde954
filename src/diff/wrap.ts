/**
 * Wrappers: `{...}`, `allOf: [{...}]`, `anyOf: [{...}]` and `oneOf: [{...}]` say the same thing, and
 * generators move between them from one version to the next. When the two sides of a pair are
 * wrapped differently, each wrapped side is read as the one node its members merge into, so the
 * families compare keyword with keyword instead of reporting the wrapper.
 */
import { dict, has } from "../core/own.js";
import { ANNOTATION_KEYWORDS } from "./keywords.js";
import { isObject, type JsonObject, jsonEqual, normalize, type SchemaNode } from "./schema.js";

type Wrap = "none" | "allOf" | "anyOf" | "oneOf" | "other";

function wrapOf(n: SchemaNode): Wrap {
  const { allOf, anyOf, oneOf } = n.keywords;
  const count = [allOf, anyOf, oneOf].filter((x) => x !== undefined).length;
  if (count === 0) return "none";
  if (count > 1) return "other";
  if (Array.isArray(allOf) && allOf.length > 0) return "allOf";
  if (Array.isArray(anyOf) && anyOf.length === 1) return "anyOf";
  if (Array.isArray(oneOf) && oneOf.length === 1) return "oneOf";
  return "other";
}

/** Bounds merged by keeping the tighter one. */
const LOWER = new Set([
  "minimum",
  "exclusiveMinimum",
  "minLength",
  "minItems",
  "minProperties",
  "minContains",
]);
const UPPER = new Set([
  "maximum",
  "exclusiveMaximum",
  "maxLength",
  "maxItems",
  "maxProperties",
  "maxContains",
]);

/** Keywords read together: two members may not each hold part of one group. */
const GROUPS: readonly (readonly string[])[] = [
  ["properties", "patternProperties", "additionalProperties", "unevaluatedProperties"],
  ["prefixItems", "items", "additionalItems", "unevaluatedItems", "contains", "minContains", "maxContains"],
  ["if", "then", "else"],
];

function intersectTypes(x: Set<string> | undefined, y: Set<string> | undefined): Set<string> | undefined {
  if (!x) return y && new Set(y);
  if (!y) return new Set(x);
  const out = new Set<string>();
  for (const t of x) {
    if (y.has(t)) out.add(t);
    else if (t === "integer" && y.has("number")) out.add("integer");
    else if (t === "number" && y.has("integer")) out.add("integer");
  }
  return out;
}

/** The members of a wrapped node and the node itself merged into one, or undefined when they cannot be. */
function merged(n: SchemaNode, root: unknown): SchemaNode | undefined {
  const wrap = wrapOf(n);
  // Only a pure wrapper: a node with keywords of its own beside `allOf` keeps it (the combinators
  // family judges the members it gains or loses).
  if (n.types || Object.keys(n.keywords).some((k) => k !== wrap && !ANNOTATION_KEYWORDS.has(k)))
    return undefined;
  // A folded `anyOf: [X, {type: "null"}]` accepts null beside X: not one node.
  if (n.nullable && (!n.types || wrap !== "allOf")) return undefined;
  const list = n.keywords[wrap] as unknown[];
  const parts: SchemaNode[] = [{ ...n, keywords: withoutKey(n.keywords, wrap) }];
  for (const raw of list) {
    const part = normalize(raw, root);
    if (part.never || wrapOf(part) !== "none") return undefined;
    parts.push(part);
  }
  for (const group of GROUPS) {
    const holders = parts.filter((p) => group.some((k) => has(p.keywords, k)));
    if (
      holders.length > 1 &&
      !holders.every((p) => group.every((k) => jsonEqual(p.keywords[k], holders[0]!.keywords[k])))
    )
      return undefined;
  }
  const keywords: JsonObject = dict();
  let types: Set<string> | undefined;
  let nullable = true;
  for (const part of parts) {
    if (part.types) {
      types = intersectTypes(types, part.types);
      nullable &&= part.nullable;
    }
    for (const [k, v] of Object.entries(part.keywords)) {
      if (!has(keywords, k) || jsonEqual(keywords[k], v)) keywords[k] = v;
      else if (LOWER.has(k) && typeof v === "number" && typeof keywords[k] === "number")
        keywords[k] = Math.max(v, keywords[k] as number);
      else if (UPPER.has(k) && typeof v === "number" && typeof keywords[k] === "number")
        keywords[k] = Math.min(v, keywords[k] as number);
      else if (k === "required" && Array.isArray(v) && Array.isArray(keywords[k]))
        keywords[k] = [...new Set([...(keywords[k] as string[]), ...(v as string[])])].sort();
      else return undefined;
    }
  }
  if (types && types.size === 0 && !nullable) return undefined;
  if (!types) nullable = false;
  return { keywords, types, nullable, never: false, identity: n.identity };
}

function withoutKey(k: JsonObject, key: string): JsonObject {
  const out: JsonObject = dict();
  for (const [name, v] of Object.entries(k)) if (name !== key) out[name] = v;
  return out;
}

/**
 * The pair to compare: unchanged when both sides are wrapped alike (or an `anyOf` faces a `oneOf`,
 * which the combinators family reports); otherwise each wrapped side merged into one node, when
 * both merge.
 */
export function unwrapPair(
  a: SchemaNode,
  b: SchemaNode,
  rootA: unknown,
  rootB: unknown,
): [SchemaNode, SchemaNode] {
  const wa = wrapOf(a);
  const wb = wrapOf(b);
  if (wa === wb || wa === "other" || wb === "other") return [a, b];
  if ((wa === "anyOf" && wb === "oneOf") || (wa === "oneOf" && wb === "anyOf")) return [a, b];
  const ma = wa === "none" ? a : merged(a, rootA);
  const mb = wb === "none" ? b : merged(b, rootB);
  if (!ma || !mb) return [a, b];
  return [ma, mb];
}

/** A normalised node as a raw schema again (its sub-schemas are the raw ones it holds). */
export function rawNode(n: SchemaNode): unknown {
  if (n.never) return false;
  const raw: JsonObject = {};
  for (const [k, v] of Object.entries(n.keywords)) if (k !== "__proto__") raw[k] = v;
  if (n.types) raw.type = n.nullable ? [...n.types, "null"] : [...n.types];
  else if (isObject(raw) && n.nullable && Array.isArray(raw.enum))
    raw.enum = [...(raw.enum as unknown[]), null];
  return raw;
}
