/**
 * The json-schema-diff fallback: a set-inclusion verdict for a sub-schema the
 * structural rules cannot decide (`not`, `if`/`then`/`else`, overlapping
 * unions…). json-schema-diff's public API is async and reads the environment,
 * so this calls its synchronous set parser directly on a `$ref`-free copy,
 * skipping schemas that are recursive or too large to inline. Its work is
 * bounded by counting, never by a clock: every set it builds is one step, a
 * question may take `MAX_STEPS_PER_QUESTION` and a diff run `MAX_STEPS_PER_RUN`;
 * past either the answer is "could not judge", so a verdict is a function of
 * the two schemas alone, identical on a fast laptop and a loaded CI runner.
 * json-schema-diff ignores
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

/**
 * Sets json-schema-diff may build for one question. Its unions multiply out (a `oneOf` of three
 * objects under a `not` takes hundreds of thousands); a step costs a few microseconds, so a question
 * stops well under a second on a slow machine. The schemas of the corpus need at most a few hundred.
 */
export const MAX_STEPS_PER_QUESTION = 50_000;
/** Sets json-schema-diff may build in one diff run (`diffTools` call), over all its questions. */
export const MAX_STEPS_PER_RUN = 500_000;

/** Thrown by a step past the meter's allowance; json-schema-diff does not catch it. */
class OutOfSteps extends Error {}

/** The steps the current question may still take (Infinity outside a question). */
let stepsLeft = Number.POSITIVE_INFINITY;
/** Steps the current question took. */
let stepsTaken = 0;

/** The json-schema-diff modules whose factory functions build sets, and those functions' names. */
const FACTORIES: readonly [string, string][] = [
  ["set/json-set.js", "createJsonSetFromConfig"],
  ["set/type-set.js", "createTypeSetFromSubsets"],
  ["set/subset/object-subset.js", "createObjectSubsetFromConfig"],
  ["set/subset/array-subset.js", "createArraySubsetFromConfig"],
  ["set/subset/string-subset.js", "createStringSubsetFromConfig"],
  ["set/subset/number-subset.js", "createNumberSubsetFromConfig"],
];

let parse: Parse | null | undefined;

/**
 * json-schema-diff's set parser, with each set factory counting one step. The modules call these
 * factories through their `exports` objects, so wrapping the exports meters every set built.
 * Null when the package, or one of the factories, is missing (then nothing is asked: an unmetered
 * question could run for minutes).
 */
function parser(): Parse | null {
  if (parse !== undefined) return parse;
  try {
    const require = createRequire(import.meta.url);
    const base = "json-schema-diff/dist/json-schema-diff/diff-schemas/";
    const modules = FACTORIES.map(([file, name]) => {
      const mod = require(base + file) as Record<string, unknown>;
      if (typeof mod[name] !== "function") throw new Error(`json-schema-diff has no ${name}`);
      return [mod, name] as const;
    });
    for (const [mod, name] of modules) {
      const factory = mod[name] as (...args: unknown[]) => unknown;
      mod[name] = (...args: unknown[]) => {
        stepsTaken++;
        if (--stepsLeft < 0) throw new OutOfSteps();
        return factory(...args);
      };
    }
    const mod = require(`${base}parse-as-json-set.js`) as { parseAsJsonSet: Parse };
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

/** Why json-schema-diff gave no verdict, as the end of a sentence ("… could not be judged: REASON"). */
export type NoVerdict = { unjudged: string };

/** The steps a diff run may still spend on json-schema-diff (shared by its questions). */
export interface StepAllowance {
  fallbackStepsLeft: number;
}

/**
 * Asks json-schema-diff whether `after` drops or adds values relative to `before`. Returns why not
 * when it cannot answer: not installed, a recursive or remote `$ref`, a schema too large to inline,
 * a keyword it would ignore, or more steps than a question (or what is left of the run's) allows.
 * The steps taken are subtracted from `allowance`.
 */
export function setVerdict(
  before: unknown,
  rootA: unknown,
  after: unknown,
  rootB: unknown,
  allowance: StepAllowance,
): SetVerdict | NoVerdict {
  const parseSet = parser();
  if (!parseSet) return { unjudged: "json-schema-diff is not available" };
  const a = inlineRefs(before, rootA);
  const b = inlineRefs(after, rootB);
  if (a === undefined || b === undefined)
    return { unjudged: `the schema is recursive, has a remote $ref or is over ${MAX_INLINED_NODES} nodes` };
  if (!supported(a) || !supported(b)) return { unjudged: "it uses keywords json-schema-diff does not read" };
  if (allowance.fallbackStepsLeft <= 0)
    return { unjudged: "the steps this diff may spend on json-schema-diff ran out" };
  const byRun = allowance.fallbackStepsLeft < MAX_STEPS_PER_QUESTION;
  stepsLeft = byRun ? allowance.fallbackStepsLeft : MAX_STEPS_PER_QUESTION;
  stepsTaken = 0;
  try {
    const source = parseSet(a, CONTEXT);
    const destination = parseSet(b, CONTEXT);
    const outside = source.intersect(destination).complement();
    return {
      removed: outside.intersect(source).type !== "empty",
      added: outside.intersect(destination).type !== "empty",
    };
  } catch (error) {
    if (error instanceof OutOfSteps)
      return {
        unjudged: byRun
          ? "the steps this diff may spend on json-schema-diff ran out"
          : `json-schema-diff needed more than ${MAX_STEPS_PER_QUESTION} steps`,
      };
    return { unjudged: "json-schema-diff failed on it" };
  } finally {
    allowance.fallbackStepsLeft -= stepsTaken;
    stepsLeft = Number.POSITIVE_INFINITY;
  }
}
