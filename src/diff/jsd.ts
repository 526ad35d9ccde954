/**
 * The json-schema-diff fallback: a set-inclusion verdict for a sub-schema the
 * structural rules cannot decide (`not`, `if`/`then`/`else`, overlapping
 * unions…). json-schema-diff's public API is async and reads the environment,
 * so this calls its synchronous set parser directly on a `$ref`-free copy,
 * skipping schemas that are recursive or too large to inline, and stops
 * asking once the time budget of the run is spent. json-schema-diff ignores
 * keywords it does not support (enum, const, pattern, format, if/then/else…),
 * so a schema that uses any of them is not asked at all: a silent "no
 * difference" would be worse than "could not judge".
 */
import { createRequire } from "node:module";
import { put } from "../core/own.js";
import { isObject, type JsonObject, resolveLocalRef } from "./schema.js";

interface JsonSet {
  type: string;
  intersect(other: JsonSet): JsonSet;
  complement(): JsonSet;
}
type Parse = (schema: unknown, context: unknown) => JsonSet;

/** Keywords json-schema-diff reasons about (its KEYWORDS.md); a schema using any other validation keyword is not asked. */
const SUPPORTED = new Set([
  "type",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "items",
  "maxItems",
  "minItems",
  "maxProperties",
  "minProperties",
  "required",
  "properties",
  "additionalProperties",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "description",
  "title",
  "default",
  "examples",
  "deprecated",
  "$comment",
]);

/** Whether every keyword in an inlined schema is one json-schema-diff understands (otherwise it would silently ignore it). */
function supported(schema: unknown): boolean {
  if (typeof schema === "boolean") return true;
  if (!isObject(schema)) return false;
  for (const [k, v] of Object.entries(schema)) {
    if (!SUPPORTED.has(k)) return false;
    if (k === "properties") {
      if (!isObject(v) || !Object.values(v).every(supported)) return false;
    } else if (k === "allOf" || k === "anyOf" || k === "oneOf") {
      if (!Array.isArray(v) || !v.every(supported)) return false;
    } else if (k === "items" || k === "additionalProperties" || k === "not") {
      if (!supported(v)) return false;
    }
  }
  return true;
}

const CONTEXT = { heuristics: { applyLawOfAbsorptionInTypeSetCartesianProduct: true } };
const MAX_INLINED_NODES = 400;

let parse: Parse | null | undefined;

function parser(): Parse | null {
  if (parse !== undefined) return parse;
  try {
    const require = createRequire(import.meta.url);
    const mod = require("json-schema-diff/dist/json-schema-diff/diff-schemas/parse-as-json-set.js") as {
      parseAsJsonSet: Parse;
    };
    parse = mod.parseAsJsonSet;
  } catch {
    parse = null;
  }
  return parse;
}

/**
 * A property name as json-schema-diff is given it. It keeps property names as keys of plain objects,
 * where `__proto__` would vanish; the same prefix on every name, on both sides, changes no verdict.
 */
function alias(name: string): string {
  return `.${name}`;
}

/** Copies `schema` with every local `$ref` inlined; undefined when it is recursive, too large, or has a remote ref. */
export function inlineRefs(schema: unknown, root: unknown): unknown {
  let nodes = 0;
  const walk = (node: unknown, stack: readonly unknown[]): unknown => {
    if (++nodes > MAX_INLINED_NODES) throw new Error("too large");
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (!isObject(node)) return node;
    if (typeof node.$ref === "string") {
      const target = resolveLocalRef(root, node.$ref);
      if (target === undefined || stack.includes(target)) throw new Error("recursive or remote");
      const { $ref: _ref, ...rest } = node;
      const inlined = walk(target, [...stack, target]);
      return Object.keys(rest).length && isObject(inlined)
        ? { allOf: [inlined, walk(rest, stack)] }
        : inlined;
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "$defs" || k === "definitions" || k === "$schema" || k === "$id") continue;
      if (k === "properties" && isObject(v)) {
        if (++nodes > MAX_INLINED_NODES) throw new Error("too large");
        const props: JsonObject = {};
        for (const [name, sub] of Object.entries(v)) props[alias(name)] = walk(sub, stack);
        out.properties = props;
      } else if (k === "required" && Array.isArray(v)) {
        out.required = v.map((name) => (typeof name === "string" ? alias(name) : name));
      } else put(out, k, walk(v, stack));
    }
    return out;
  };
  try {
    return walk(schema, []);
  } catch {
    return undefined;
  }
}

/** What json-schema-diff says changed between two schemas: values removed (narrowing) and added (widening). */
export interface SetVerdict {
  removed: boolean;
  added: boolean;
}

/**
 * Asks json-schema-diff whether `after` drops or adds values relative to `before`. Returns undefined
 * when it cannot answer (not installed, recursive schema, error, or no budget left); `budget.ms` is
 * decremented by the time spent.
 */
export function setVerdict(
  before: unknown,
  rootA: unknown,
  after: unknown,
  rootB: unknown,
  budget: { fallbackBudgetMs: number },
): SetVerdict | undefined {
  if (budget.fallbackBudgetMs <= 0) return undefined;
  const parseSet = parser();
  if (!parseSet) return undefined;
  const a = inlineRefs(before, rootA);
  const b = inlineRefs(after, rootB);
  if (a === undefined || b === undefined || !supported(a) || !supported(b)) return undefined;
  const started = performance.now();
  try {
    const source = parseSet(a, CONTEXT);
    const destination = parseSet(b, CONTEXT);
    const outside = source.intersect(destination).complement();
    return {
      removed: outside.intersect(source).type !== "empty",
      added: outside.intersect(destination).type !== "empty",
    };
  } catch {
    return undefined;
  } finally {
    budget.fallbackBudgetMs -= performance.now() - started;
  }
}
