/**
 * Witnesses: for a breaking input change, an argument object that the old
 * inputSchema accepts and the new one rejects, confirmed by a JSON Schema validator. A change
 * gets a witness only when one is found and confirmed; changes about names
 * (a removed parameter the new schema still tolerates) may have none.
 */

import { Validator, validate } from "@cfworker/json-schema";
import type { Change } from "../core/change.js";
import { dict, own, put } from "../core/own.js";
import type { RuleRecord, WitnessStrategy } from "../core/rule.js";
import type { Example } from "./engine.js";
import { FORMAT_SAMPLES } from "./format-samples.js";
import { linearValidator, runsServerRegex } from "./linear-validator.js";
import { patternWitness, type StringLimits } from "./patterns.js";
import { hasAnyKey, isObject, type JsonObject, resolveLocalRef } from "./schema.js";

const MAX_DEPTH = 8;

/** Whether a value is valid; throws when the validator cannot decide. */
type ValidateFunction = (value: unknown) => boolean;

/**
 * Validators for one diff run. An interpreting validator (@cfworker/json-schema), not ajv: a witness
 * validates about a dozen candidates per schema, and ajv's code generation cost ~10 ms per schema,
 * which made witnesses 98% of a large diff's time (`npm run bench`).
 */
export class WitnessValidators {
  /** Prepares a tool's inputSchema; undefined when it cannot be used. */
  compile(schema: unknown): ValidateFunction | undefined {
    if (!isObject(schema)) return undefined;
    const is2020 = typeof schema.$schema === "string" && /2019-09|2020-12/.test(schema.$schema);
    const draft = is2020 ? "2020-12" : "7";
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    // A server's patterns (and the `url` format) are run in linear time, never by V8's backtracking.
    if (runsServerRegex(schema)) return linearValidator(rest, draft);
    if (!hasAnyKey(rest, ADDRESSING)) {
      // No `$ref`, `$id` or anchor anywhere: the validator never looks anything up, so the URI table
      // its constructor builds for every sub-schema (half of a witness's cost) is not needed.
      const lookup = Object.create(null) as Record<string, never>;
      return (value) => validate(value, rest, draft, lookup, true).valid;
    }
    try {
      const validator = new Validator(rest as Record<string, unknown>, draft, true);
      return (value) => validator.validate(value).valid;
    } catch {
      return undefined;
    }
  }
}

/** Keys that make @cfworker/json-schema resolve or register a schema URI (a draft-04 `id` when it is a string). */
const ADDRESSING = new Set([
  "$ref",
  "$recursiveRef",
  "$dynamicRef",
  "$id",
  "id",
  "$anchor",
  "$dynamicAnchor",
]);

function deref(schema: unknown, root: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 32 && isObject(current) && typeof current.$ref === "string"; i++) {
    const target = resolveLocalRef(root, current.$ref);
    if (target === undefined) break;
    const { $ref: _r, ...rest } = current;
    current = isObject(target) ? { ...target, ...rest } : target;
  }
  return current;
}

/** A small value the schema (probably) accepts; checked by the caller. */
export function sample(schema: unknown, root: unknown, depth = 0): unknown {
  const s = deref(schema, root);
  if (s === false || depth > MAX_DEPTH) return null;
  if (!isObject(s)) return "x";
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if ("default" in s) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  for (const k of ["anyOf", "oneOf"] as const) {
    const branches = s[k];
    if (Array.isArray(branches) && branches.length) {
      const nonNull = branches.find((b) => !(isObject(b) && b.type === "null")) ?? branches[0];
      return sample(nonNull, root, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length) {
    const merged = Object.assign(
      dict(),
      ...s.allOf.map((x) => deref(x, root)).filter(isObject),
      s,
    ) as JsonObject;
    delete merged.allOf;
    return sample(merged, root, depth + 1);
  }
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  const t = types.find((x) => x !== "null") ?? (isObject(s.properties) ? "object" : types[0]);
  switch (t) {
    case "object": {
      const out: JsonObject = {};
      const props = isObject(s.properties) ? s.properties : {};
      for (const name of Array.isArray(s.required) ? (s.required as string[]) : []) {
        if (typeof name === "string") put(out, name, sample(own(props, name) ?? {}, root, depth + 1));
      }
      return out;
    }
    case "array": {
      const n = typeof s.minItems === "number" ? s.minItems : 0;
      return Array.from({ length: n }, (_, i) =>
        sample(Array.isArray(s.prefixItems) ? (s.prefixItems[i] ?? s.items) : s.items, root, depth + 1),
      );
    }
    case "string": {
      const format = typeof s.format === "string" ? own(FORMAT_SAMPLES, s.format) : undefined;
      if (format) return format;
      const n = typeof s.minLength === "number" ? s.minLength : 1;
      return "x".repeat(Math.max(n, 1));
    }
    case "integer":
    case "number": {
      if (typeof s.minimum === "number") return s.minimum;
      if (typeof s.exclusiveMinimum === "number") return s.exclusiveMinimum + 1;
      if (typeof s.maximum === "number") return Math.min(0, s.maximum);
      return 1;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return "x";
  }
}

/** Walks a tool-relative pointer (`/inputSchema/…`) into the schema: the sub-schema and the argument path it stands for. */
function locate(
  pointer: string,
  schema: unknown,
  root: unknown,
): { schema: unknown; path: (string | number)[] } | undefined {
  const tokens = pointer
    .split("/")
    .slice(2)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = deref(schema, root);
  const path: (string | number)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!isObject(node)) return undefined;
    if (t === "properties" || t === "patternProperties") {
      const name = tokens[++i];
      if (name === undefined) return { schema: node, path };
      path.push(name);
      node = deref(isObject(node[t]) ? own(node[t] as JsonObject, name) : undefined, root);
    } else if (t === "items") {
      path.push(0);
      node = deref(node.items, root);
    } else if (t === "prefixItems") {
      const idx = Number(tokens[++i]);
      path.push(idx);
      node = deref(Array.isArray(node.prefixItems) ? node.prefixItems[idx] : undefined, root);
    } else if (t === "additionalProperties") {
      path.push("extra_property");
      node = deref(node.additionalProperties, root);
    } else if (t === "anyOf" || t === "oneOf" || t === "allOf") {
      const idx = Number(tokens[++i]);
      node = deref(Array.isArray(node[t]) ? (node[t] as unknown[])[idx] : undefined, root);
    } else {
      // A keyword (enum, minimum, …): the value location is the node itself.
      break;
    }
  }
  return { schema: node, path };
}

function setAt(
  base: unknown,
  path: readonly (string | number)[],
  value: unknown,
  root: unknown,
  schema: unknown,
): unknown {
  if (path.length === 0) return value;
  const clone = structuredClone(base);
  let node: unknown = clone;
  let sch: unknown = deref(schema, root);
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const container = node as Record<string | number, unknown>;
    const nextSchema = isObject(sch)
      ? typeof key === "number"
        ? deref(sch.items, root)
        : deref(isObject(sch.properties) ? own(sch.properties, key) : undefined, root)
      : undefined;
    const name = String(key);
    let next = own(container, name);
    if (next === undefined || typeof next !== "object" || next === null) {
      next = typeof path[i + 1] === "number" ? [] : (sample(nextSchema ?? {}, root) ?? {});
      if (typeof next !== "object" || next === null) next = typeof path[i + 1] === "number" ? [] : {};
      put(container, name, next);
    }
    node = next;
    sch = nextSchema;
  }
  put(node as Record<string, unknown>, String(path[path.length - 1]!), value);
  return clone;
}

function without(base: unknown, path: readonly (string | number)[]): unknown {
  const clone = structuredClone(base);
  let node: unknown = clone;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isObject(node) && !Array.isArray(node)) return clone;
    node = own(node as Record<string, unknown>, String(path[i]!));
  }
  if (isObject(node)) delete node[String(path[path.length - 1])];
  return clone;
}

/**
 * Argument objects that may tell the schemas apart, most likely first. Lazy: the first one usually
 * is a witness, and each costs a deep clone of the base arguments.
 */
function* candidates(
  change: Change,
  strategy: WitnessStrategy,
  oldSchema: unknown,
  base: unknown,
  example: Example | undefined,
): Generator<unknown> {
  // Subsumption's counterexample first: a value the old schema accepts there and the new one refuses.
  if (example) {
    const where = locate(example.pointer, oldSchema, oldSchema);
    if (where) yield setAt(base, where.path, example.value, oldSchema, oldSchema);
  }
  const at = locate(change.pointer, oldSchema, oldSchema);
  if (!at) return;
  const { path } = at;
  const probes = (): unknown[] => [
    sample(at.schema, oldSchema),
    "x",
    "",
    0,
    -1,
    1.5,
    1e12,
    true,
    {},
    [],
    null,
    "x".repeat(10_001),
  ];
  const values: unknown[] = [];
  switch (strategy) {
    case "none":
      return;
    case "omit":
      yield without(base, path);
      yield base;
      return;
    case "removed-values":
      values.push(...(Array.isArray(change.before) ? change.before : []));
      break;
    case "old-constant":
      values.push(change.before);
      break;
    case "null":
      values.push(null);
      break;
    case "bound": {
      const kw = change.pointer.split("/").pop() ?? "";
      const v = change.before;
      const n = typeof v === "number" ? v : undefined;
      if (/Length$/.test(kw)) values.push("x".repeat(n ?? 0), "x".repeat(Math.max((n ?? 1) - 1, 0)));
      else if (/Items$/.test(kw))
        values.push(
          Array.from({ length: n ?? 0 }, () => sample(isObject(at.schema) ? at.schema.items : {}, oldSchema)),
        );
      else if (/Properties$/.test(kw)) values.push({});
      else if (n !== undefined) values.push(n, n + 1, n - 1, n + 0.5);
      else values.push(0, -1, 1e12, 0.5);
      break;
    }
    case "duplicate-items": {
      const item = sample(isObject(at.schema) ? at.schema.items : {}, oldSchema);
      values.push([item, item]);
      break;
    }
    case "extra-property":
      yield setAt(base, [...path.slice(0, -1), "extra_property"], "x", oldSchema, oldSchema);
      return;
    case "pattern": {
      const node = isObject(at.schema) ? at.schema : {};
      const limits: StringLimits = {};
      if (typeof node.minLength === "number") limits.minLength = node.minLength;
      if (typeof node.maxLength === "number") limits.maxLength = node.maxLength;
      if (typeof change.before === "string" && typeof change.after === "string") {
        const found = patternWitness(change.before, change.after, limits);
        if ("witness" in found) values.push(found.witness);
      }
      break;
    }
    case "probe":
      break;
  }
  for (const v of values) yield setAt(base, path, v, oldSchema, oldSchema);
  for (const v of probes()) yield setAt(base, path, v, oldSchema, oldSchema);
}

/** Runs a validator; undefined when it cannot decide (a schema whose `$ref`s loop without consuming data overflows the stack). */
function accepts(validate: ValidateFunction, value: unknown): boolean | undefined {
  try {
    return validate(value) === true;
  } catch {
    return undefined;
  }
}

/**
 * Adds `witness` to breaking input changes where an argument object accepted before and rejected now
 * is found: first the value subsumption found for the change (`examples`, placed where it sits in
 * the arguments), then as each change's rule record says (`witness`).
 */
export function attachWitnesses(
  changes: Change[],
  before: unknown,
  after: unknown,
  records: ReadonlyMap<string, RuleRecord>,
  validators: WitnessValidators = new WitnessValidators(),
  examples: ReadonlyMap<Change, Example> = new Map(),
): void {
  const strategy = (c: Change) => records.get(c.rule)?.witness ?? "none";
  const breaking = changes.filter(
    (c) => c.severity === "breaking" && c.pointer.startsWith("/inputSchema") && strategy(c) !== "none",
  );
  if (breaking.length === 0) return;
  const validA = validators.compile(before);
  const validB = validators.compile(after);
  if (!validA || !validB) return;
  const base = sample(before, before);
  // Probes repeat (the sample often is "x" or "", as are two of the fixed probes): each distinct
  // argument object is validated once per side. Candidates are plain JSON built here, so equal text
  // means an equal value.
  const verdicts = new Map<string, [boolean | undefined, boolean | undefined]>();
  for (const change of breaking) {
    for (const candidate of candidates(change, strategy(change), before, base, examples.get(change))) {
      const key = JSON.stringify(candidate);
      let verdict = verdicts.get(key);
      if (verdict === undefined) {
        const accepted = accepts(validA, candidate);
        verdict = [accepted, accepted === true ? accepts(validB, candidate) : accepted];
        verdicts.set(key, verdict);
      }
      const [old, now] = verdict;
      // A validator that cannot decide once (a `$ref` loop that consumes no data) will not decide later either.
      if (old === undefined || now === undefined) return;
      if (old && !now) {
        change.witness = candidate;
        break;
      }
    }
  }
}
