/**
 * Schema normalisation for the diff: one node at a time, lazily, so recursive
 * schemas never need to be expanded. Reads draft-07, 2019-09 and 2020-12
 * spellings alike and folds the three ways of saying "nullable" into one flag.
 */
import { canonicalJson } from "../canonical/index.js";
import { dict, own } from "../core/own.js";
import { ANNOTATION_KEYWORDS } from "./keywords.js";

/** A JSON object (a schema node that is not a boolean schema). */
export type JsonObject = Record<string, unknown>;

/** A schema node after normalisation. Sub-schemas inside it are still raw (normalised when visited). */
export interface SchemaNode {
  /** The normalised keywords: `$ref` merged in, canonical spellings, `type` without "null", `const` folded into `enum`. */
  keywords: JsonObject;
  /** Allowed JSON types (without "null"); undefined means any type. */
  types: Set<string> | undefined;
  /** Whether `null` is accepted (from `type: [X, "null"]`, `anyOf: [X, {type: "null"}]` or OpenAPI `nullable: true`). */
  nullable: boolean;
  /** `false` schema: accepts nothing. */
  never: boolean;
  /** The raw object the node came from after following `$ref`s (identity used for pair memoisation). */
  identity: object;
  /**
   * The `$defs`/`definitions` key the node was reached through, when its `title` is that
   * definition's: pydantic titles every model and enum with its class name, so such a title
   * names the definition, and follows it when it is renamed (src/diff/rules/meta.ts).
   */
  defName?: string;
}

/** Keywords that carry no validation and are dropped from every node (dialect is compared once at the root). */
const DROPPED = new Set([
  "$schema",
  "$id",
  "$anchor",
  "$defs",
  "definitions",
  "$comment",
  "$vocabulary",
  "id",
]);

/** Zod 4 emits ±MAX_SAFE_INTEGER for `.int()`; JSON numbers beyond it are not exact, so these bounds are no constraint in practice. */
const SAFE_INT_BOUND = Number.MAX_SAFE_INTEGER;

const MAX_REF_HOPS = 64;
const FALSE_IDENTITY = Object.freeze({ __false: true });

/** Stable text key of any JSON value (RFC 8785), used for equality and sets of values. */
export function jsonKey(value: unknown): string {
  // src/canonical's serialiser: byte-identical to the canonicalize package, and faster (`npm run bench`).
  return value === undefined ? "undefined" : canonicalJson(value);
}

/** Deep equality of JSON values, independent of key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return jsonSameness(a, b, false) !== DIFFERENT;
}

/** `jsonSameness`: the values differ. */
export const DIFFERENT = 0;
/** `jsonSameness`: equal, and no `$ref`-like keyword inside (so equal whatever root they resolve against). */
export const EQUAL = 1;
/** `jsonSameness`: equal as JSON, but a `$ref`-like keyword inside may resolve differently against different roots. */
export const EQUAL_WITH_REF = 2;

/** Keywords whose meaning depends on the root a sub-schema is resolved against. */
const REF_KEYWORDS = new Set(["$ref", "$dynamicRef", "$recursiveRef"]);

function definedKeys(record: JsonObject): number {
  let n = 0;
  for (const key in record) if (Object.hasOwn(record, key) && record[key] !== undefined) n++;
  return n;
}

/**
 * Deep equality of two JSON values as RFC 8785 sees them (key order ignored, `undefined` members
 * absent), telling apart equal values that contain a `$ref`. It stops at the first difference and
 * allocates nothing per node, so the walk can ask it of every sub-schema pair before recursing
 * (comparing canonical texts instead serialised both sides at every level). Iterative, so a
 * 10,000-deep schema cannot overflow the stack. With `findRefs` false, identical references are
 * equal at once and the answer is never `EQUAL_WITH_REF`.
 */
export function jsonSameness(
  a: unknown,
  b: unknown,
  findRefs = true,
): typeof DIFFERENT | typeof EQUAL | typeof EQUAL_WITH_REF {
  const left: unknown[] = [a];
  const right: unknown[] = [b];
  let ref = false;
  while (left.length > 0) {
    const x = left.pop();
    const y = right.pop();
    if (x === y && (!findRefs || typeof x !== "object" || x === null)) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return DIFFERENT;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return DIFFERENT;
      for (let i = 0; i < x.length; i++) {
        // JSON writes an undefined array item as null.
        left.push(x[i] === undefined ? null : x[i]);
        right.push(y[i] === undefined ? null : y[i]);
      }
      continue;
    }
    if (Array.isArray(y)) return DIFFERENT;
    const rx = x as JsonObject;
    const ry = y as JsonObject;
    let n = 0;
    for (const key in rx) {
      if (!Object.hasOwn(rx, key)) continue;
      const vx = rx[key];
      if (vx === undefined) continue;
      if (!Object.hasOwn(ry, key)) return DIFFERENT;
      if (findRefs && REF_KEYWORDS.has(key)) ref = true;
      n++;
      left.push(vx);
      right.push(ry[key]);
    }
    if (definedKeys(ry) !== n) return DIFFERENT;
  }
  return ref ? EQUAL_WITH_REF : EQUAL;
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether any object in `schema` (anywhere, even inside data such as `default`: conservative) has
 * one of `keys`; a draft-04 `id` counts only with a string value.
 */
export function hasAnyKey(schema: unknown, keys: ReadonlySet<string>): boolean {
  return someEntry(schema, (key, value) => keys.has(key) && (key !== "id" || typeof value === "string"));
}

/** Whether `test` holds for any key and value of any object in `root` (iterative: no recursion limit). */
export function someEntry(root: unknown, test: (key: string, value: unknown) => boolean): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (test(key, value)) return true;
      stack.push(value);
    }
  }
  return false;
}

/** Resolves a local JSON Pointer reference (`#/...`) against `root`; undefined when it does not resolve or is not local. */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = own(node, token);
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Follows `$ref` chains, merging sibling keywords over the target (siblings win, as 2019-09+ applies both). */
function deref(
  schema: unknown,
  root: unknown,
): { schema: unknown; identity: object | undefined; defName?: string } {
  let current = schema;
  let identity: object | undefined = isObject(schema) ? schema : undefined;
  let ref: string | undefined;
  const siblings: JsonObject[] = [];
  for (let hop = 0; hop < MAX_REF_HOPS; hop++) {
    if (!isObject(current) || typeof current.$ref !== "string") break;
    const target = resolveLocalRef(root, current.$ref);
    if (target === undefined) break; // remote or dangling: compared as an opaque keyword
    const { $ref: _ref, ...rest } = current;
    if (Object.keys(rest).length > 0) siblings.push(rest);
    ref = current.$ref;
    current = target;
    if (isObject(target)) identity = target;
  }
  const name =
    ref === undefined ? undefined : DEF_REF.exec(ref)?.[1]?.replace(/~1/g, "/").replace(/~0/g, "~");
  const defName =
    name !== undefined && isObject(current) && current.title === name && !siblings.some((x) => "title" in x)
      ? name
      : undefined;
  const named = defName === undefined ? {} : { defName };
  if (siblings.length === 0 || !isObject(current)) return { schema: current, identity, ...named };
  let merged: JsonObject = { ...current };
  for (const extra of siblings.reverse()) merged = { ...merged, ...extra };
  // Identity stays the innermost target so cycles through `$ref` are still caught.
  return { schema: merged, identity, ...named };
}

/** A `$ref` to a top-level definition: `#/$defs/NAME` or `#/definitions/NAME`. */
const DEF_REF = /^#\/(?:\$defs|definitions)\/([^/]+)$/;

function isNullSchema(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const t = schema.type;
  const onlyNull = t === "null" || (Array.isArray(t) && t.length === 1 && t[0] === "null");
  if (onlyNull) return Object.keys(schema).every((k) => k === "type" || ANNOTATION_KEYWORDS.has(k));
  return jsonEqual(schema.enum, [null]) || (schema.const === null && Object.keys(schema).length === 1);
}

/**
 * Normalises one schema node (following `$ref`s against `root`). `anyOf: [X, {type: "null"}]` folds
 * into X made nullable, and X may itself be such a union: the chain is folded in a loop, not by
 * recursion, so 10,000 nested nullable unions normalise into one node instead of overflowing the
 * stack. A chain that loops back through `$ref` stops folding where it would repeat itself (that
 * union is then kept as a one-branch union and compared lazily, like any recursive schema).
 */
export function normalize(schema: unknown, root: unknown): SchemaNode {
  const layers: Fold[] = [];
  const chain = new Set<object>();
  let current = schema;
  let node: SchemaNode;
  for (;;) {
    const step = normalizeLayer(current, root, chain);
    if (!("inner" in step)) {
      node = step;
      break;
    }
    layers.push(step);
    current = step.inner;
  }
  // Innermost first: each outer layer's keywords win over what it wraps.
  for (let i = layers.length - 1; i >= 0; i--) {
    const { keywords, nullable, identity, defName } = layers[i] as Fold;
    const merged: JsonObject = dict();
    for (const [key, value] of Object.entries(node.keywords)) merged[key] = value;
    for (const [key, value] of Object.entries(keywords)) merged[key] = value;
    const result = finish(merged, nullable || node.nullable, identity);
    if (node.types && !("type" in keywords)) result.types = node.types;
    // The title is the outer layer's when it has one, else the wrapped node's.
    const titleFrom = "title" in keywords ? defName : node.defName;
    if (titleFrom !== undefined) result.defName = titleFrom;
    node = result;
  }
  return node;
}

/** One layer of a nullable-union chain: its own keywords (the union removed) and the one non-null branch it wraps. */
interface Fold {
  keywords: JsonObject;
  nullable: boolean;
  identity: object;
  inner: unknown;
  defName?: string;
}

/** Normalises one node, or returns the fold to apply once the single non-null branch it wraps is normalised. */
function normalizeLayer(schema: unknown, root: unknown, chain: Set<object>): SchemaNode | Fold {
  const { schema: target, identity, defName } = deref(schema, root);
  if (target === false) {
    return { keywords: {}, types: new Set(), nullable: false, never: true, identity: FALSE_IDENTITY };
  }
  if (!isObject(target)) {
    return { keywords: {}, types: undefined, nullable: false, never: false, identity: identity ?? {} };
  }
  const self = identity ?? target;
  chain.add(self);
  const k: JsonObject = dict();
  for (const [key, value] of Object.entries(target)) if (!DROPPED.has(key)) k[key] = value;
  let nullable = k.nullable === true;
  delete k.nullable;

  // anyOf/oneOf [X, {type: "null"}] is X made nullable; the outer annotations stay on the outer node.
  for (const combinator of ["anyOf", "oneOf"] as const) {
    const branches = k[combinator];
    if (!Array.isArray(branches)) continue;
    const nonNull = branches.filter((b) => !isNullSchema(derefOnly(b, root)));
    if (nonNull.length === branches.length) continue;
    nullable = true;
    if (nonNull.length === 0) {
      delete k[combinator];
      k.type = "null";
    } else if (nonNull.length === 1 && !loopsBack(nonNull[0], root, chain)) {
      delete k[combinator];
      return { keywords: k, nullable, identity: self, inner: nonNull[0], ...(defName ? { defName } : {}) };
    } else {
      k[combinator] = nonNull;
    }
  }
  const node = finish(k, nullable, self);
  if (defName !== undefined) node.defName = defName;
  return node;
}

/** Whether folding into `branch` would revisit a node already folded in this chain (`$ref` back to an ancestor). */
function loopsBack(branch: unknown, root: unknown, chain: Set<object>): boolean {
  const { schema: target, identity } = deref(branch, root);
  const next = identity ?? (isObject(target) ? target : undefined);
  return next !== undefined && chain.has(next);
}

function derefOnly(schema: unknown, root: unknown): unknown {
  return deref(schema, root).schema;
}

function finish(k: JsonObject, nullableIn: boolean, identity: object): SchemaNode {
  let nullable = nullableIn;
  let types: Set<string> | undefined;
  if (typeof k.type === "string") types = new Set([k.type]);
  else if (Array.isArray(k.type)) types = new Set(k.type.filter((t): t is string => typeof t === "string"));
  if (types?.has("null")) {
    nullable = true;
    types.delete("null");
  }
  delete k.type;

  // const is a one-value enum; an enum containing null is a nullable enum.
  if ("const" in k) {
    k.enum = [k.const];
    delete k.const;
  }
  if (Array.isArray(k.enum)) {
    const values = k.enum as unknown[];
    if (values.some((v) => v === null)) {
      nullable = true;
      k.enum = values.filter((v) => v !== null);
    }
    if (!types) types = inferTypes(k.enum as unknown[]);
  }
  if (types && types.size === 0 && nullable) types = new Set();

  // Sets, not lists.
  if (Array.isArray(k.required)) {
    const required = [...new Set(k.required as string[])].sort();
    if (required.length === 0) delete k.required;
    else k.required = required;
  }
  if (isObject(k.properties) && Object.keys(k.properties).length === 0) delete k.properties;
  // `additionalProperties: true` and `{}` say nothing.
  if (
    k.additionalProperties === true ||
    (isObject(k.additionalProperties) && Object.keys(k.additionalProperties).length === 0)
  ) {
    delete k.additionalProperties;
  }
  if (k.items === true || (isObject(k.items) && Object.keys(k.items).length === 0)) delete k.items;

  // draft-07 tuple spelling → 2020-12.
  if (Array.isArray(k.items)) {
    k.prefixItems = k.items;
    delete k.items;
    if ("additionalItems" in k) {
      if (k.additionalItems !== true) k.items = k.additionalItems;
      delete k.additionalItems;
    }
  }
  // draft-07 `dependencies` → dependentRequired / dependentSchemas.
  if (isObject(k.dependencies)) {
    const req: JsonObject = dict();
    const schemas: JsonObject = dict();
    for (const [name, dep] of Object.entries(k.dependencies)) {
      if (Array.isArray(dep)) req[name] = dep;
      else schemas[name] = dep;
    }
    // Spreading copies own keys, `__proto__` too.
    if (Object.keys(req).length) k.dependentRequired = { ...req, ...(k.dependentRequired as JsonObject) };
    if (Object.keys(schemas).length)
      k.dependentSchemas = { ...schemas, ...(k.dependentSchemas as JsonObject) };
    delete k.dependencies;
  }
  // draft-04 boolean exclusive bounds → numbers.
  if (k.exclusiveMinimum === true && typeof k.minimum === "number") {
    k.exclusiveMinimum = k.minimum;
    delete k.minimum;
  } else if (typeof k.exclusiveMinimum === "boolean") delete k.exclusiveMinimum;
  if (k.exclusiveMaximum === true && typeof k.maximum === "number") {
    k.exclusiveMaximum = k.maximum;
    delete k.maximum;
  } else if (typeof k.exclusiveMaximum === "boolean") delete k.exclusiveMaximum;
  if (k.minimum === -SAFE_INT_BOUND) delete k.minimum;
  if (k.maximum === SAFE_INT_BOUND) delete k.maximum;
  if (k.deprecated === false) delete k.deprecated;
  // Property names are always strings: zod's records emit `propertyNames: {type: "string"}`, which says nothing.
  if (k.propertyNames !== undefined && saysNothingAboutNames(k.propertyNames)) delete k.propertyNames;
  return { keywords: k, types, nullable, never: false, identity };
}

function saysNothingAboutNames(schema: unknown): boolean {
  return schema === true || jsonEqual(schema, {}) || jsonEqual(schema, { type: "string" });
}

function inferTypes(values: unknown[]): Set<string> | undefined {
  const types = new Set<string>();
  for (const v of values) {
    if (v === null) continue;
    if (Array.isArray(v)) types.add("array");
    else if (typeof v === "number") types.add(Number.isInteger(v) ? "integer" : "number");
    else types.add(typeof v === "object" ? "object" : typeof v);
  }
  if (types.has("integer") && types.has("number")) types.delete("integer");
  return types.size > 0 ? types : undefined;
}

/** Whether type `t` is accepted by a node whose types are `set` (integer is a subtype of number). */
export function typeCovered(t: string, set: Set<string> | undefined): boolean {
  if (!set) return true;
  return set.has(t) || (t === "integer" && set.has("number"));
}

/** The `$schema` dialect of a root schema, normalised so `http`/`https` and a trailing `#` do not count. */
export function dialectOf(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema.$schema !== "string") return undefined;
  return schema.$schema;
}

/** Escapes one JSON Pointer token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Short rendering of a JSON value for messages. */
export function show(value: unknown, max = 60): string {
  const text = value === undefined ? "(absent)" : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Human list of types, e.g. `string | number`. */
export function showTypes(types: Set<string> | undefined, nullable = false): string {
  const list = types ? [...types].sort() : ["any"];
  if (nullable) list.push("null");
  return list.length ? list.join(" | ") : "nothing";
}
