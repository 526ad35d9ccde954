/**
 * Subsumption: is every value valid under schema `a` valid under schema `b`? Three answers: `yes`
 * (proved keyword by keyword), `no` with a witness (a value `a` accepts and `b` rejects, confirmed
 * by a validator), `unknown`. Pure: it reads the two schemas (and the roots their local `$ref`s
 * resolve against) and nothing else.
 *
 * The proof works on conjunctions: `a`'s side is a list of schemas a value satisfies all of
 * (`allOf` members flattened into it, `anyOf`/`oneOf` alternatives distributed over it), and each
 * constraint of `b` must follow from some member (or, for types and bounds, from all of them
 * together). Leaving out a member of `a`'s side can only make it accept more, so whatever the proof
 * does not understand on that side is dropped; what it does not understand on `b`'s side is not
 * proved, unless `a` says exactly the same. When `a` accepts finitely many values (an enum, a
 * const, only booleans and null) each one is checked with the validator instead, which decides.
 * A witness is otherwise searched for among values built from `a` around both schemas' bounds.
 */
import { dereference, validate } from "@cfworker/json-schema";
import { dict, has, own } from "../core/own.js";
import { isRunnable, safeRegExp } from "../core/regex.js";
import { FORMAT_SAMPLES } from "./format-samples.js";
import { ANNOTATION_KEYWORDS, SCHEMA_KEYWORDS } from "./keywords.js";
import { linearSubValidator, runsServerRegex } from "./linear-validator.js";
import {
  EQUAL,
  EQUAL_WITH_REF,
  hasAnyKey,
  isObject,
  type JsonObject,
  jsonEqual,
  jsonKey,
  jsonSameness,
  normalize,
  resolveLocalRef,
  type SchemaNode,
} from "./schema.js";

/** The three answers of `accepts`. */
export type Acceptance = { verdict: "yes" } | { verdict: "no"; witness: unknown } | { verdict: "unknown" };

const YES: Acceptance = { verdict: "yes" };
const UNKNOWN: Acceptance = { verdict: "unknown" };

/** The JSON value kinds a schema's `type` tells apart (`number` here means a number that is not an integer). */
type Kind = "null" | "boolean" | "object" | "array" | "string" | "number" | "integer";
const KINDS: readonly Kind[] = ["null", "boolean", "object", "array", "string", "number", "integer"];

/** Keywords that validate (everything else of a node is an annotation or unknown to validators). */
const VALIDATION = new Set(SCHEMA_KEYWORDS.filter((k) => !ANNOTATION_KEYWORDS.has(k)));

/** How many alternatives of `a`'s side are tried one by one before the proof gives up. */
const MAX_ALTERNATIVES = 32;
/** How deep the proof and the witness search go into sub-schemas. */
const MAX_DEPTH = 12;
/** How many sub-schema pairs one proof compares before it gives up (not proved). */
const MAX_STEPS = 200;
/** Schemas with more objects and arrays than this are not proved at all (`unknown`, `implies` false). */
const MAX_NODES = 120;
/** How many candidate values the witness search validates at most. */
const MAX_CANDIDATES = 400;

/**
 * Whether every value valid under `a` is valid under `b`. `rootA` and `rootB` are the documents
 * their local `$ref`s resolve against (by default the schemas themselves).
 */
export function accepts(
  a: unknown,
  b: unknown,
  rootA: unknown = a,
  rootB: unknown = b,
  cache?: AcceptsCache,
): Acceptance {
  return within(cache, () => {
    const proof = new Proof(rootA, rootB);
    const answer = larger(a, MAX_NODES) || larger(b, MAX_NODES) ? undefined : proof.sub([a], b, 0);
    if (answer === true) return YES;
    if (
      typeof answer === "object" &&
      answer.verdict === "no" &&
      confirmed(answer.witness, a, b, rootA, rootB)
    )
      return answer;
    const witness = findWitness(a, b, rootA, rootB);
    return witness === NOT_FOUND ? UNKNOWN : { verdict: "no", witness };
  });
}

/** Whether `accepts(a, b)` is provably yes, without the witness search (what the diff engine asks, often). */
export function implies(
  a: unknown,
  b: unknown,
  rootA: unknown = a,
  rootB: unknown = b,
  cache?: AcceptsCache,
): boolean {
  if (larger(a, MAX_NODES) || larger(b, MAX_NODES)) return false;
  return within(cache, () => new Proof(rootA, rootB).sub([a], b, 0) === true);
}

/**
 * What `accepts` and `implies` remember while they run (they are synchronous, so one runs at a
 * time): normalised nodes by raw schema and root, the witness search's first valid value per
 * sub-schema list, and the roots whose validation overflowed the stack (a `$ref` loop that consumes
 * no data: every later validation under that root would overflow again, each costing as much).
 * One call's by default; the diff engine passes one for its whole run (`newAcceptsCache`), so the
 * questions it asks of the same documents share it. Everything in it is a function of the
 * documents (and, for `overflowed`, of the questions asked before in the same run, in the run's
 * fixed order), never of time.
 */
export interface AcceptsCache {
  nodes: WeakMap<object, WeakMap<object, SchemaNode>>;
  firsts: Map<string, unknown>;
  ids: WeakMap<object, number>;
  nextId: number;
  overflowed: Set<unknown>;
}

/** An empty cache for a run of `accepts`/`implies` questions about the same documents. */
export function newAcceptsCache(): AcceptsCache {
  return { nodes: new WeakMap(), firsts: new Map(), ids: new WeakMap(), nextId: 1, overflowed: new Set() };
}

type Call = AcceptsCache;
let call: Call | undefined;

function within<T>(cache: AcceptsCache | undefined, run: () => T): T {
  if (call) return run();
  call = cache ?? newAcceptsCache();
  try {
    return run();
  } finally {
    call = undefined;
  }
}

/** `normalize`, remembered for the call under way (a node is read, never changed, by the proof and the search). */
function norm(raw: unknown, root: unknown): SchemaNode {
  if (!call || typeof raw !== "object" || raw === null || typeof root !== "object" || root === null)
    return normalize(raw, root);
  let byRaw = call.nodes.get(root);
  if (!byRaw) {
    byRaw = new WeakMap();
    call.nodes.set(root, byRaw);
  }
  let node = byRaw.get(raw);
  if (!node) {
    node = normalize(raw, root);
    byRaw.set(raw, node);
  }
  return node;
}

/** A text key of a list of raw schemas by identity, for the call under way. */
function idsOf(list: readonly unknown[]): string {
  const c = call as Call;
  return list
    .map((x) => {
      if (typeof x !== "object" || x === null) return jsonKey(x);
      let id = c.ids.get(x);
      if (id === undefined) {
        id = c.nextId++;
        c.ids.set(x, id);
      }
      return `#${id}`;
    })
    .join(",");
}

/** Whether a JSON value has more than `limit` objects and arrays in it (a deterministic size cap). */
function larger(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (++count > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push(child);
  }
  return false;
}

/** Whether the validator says `value` is valid under `a` and invalid under `b`. */
function confirmed(value: unknown, a: unknown, b: unknown, rootA: unknown, rootB: unknown): boolean {
  return validUnder(value, a, rootA) === true && validUnder(value, b, rootB) === false;
}

// ---------------------------------------------------------------------------------------------
// Validity, by an interpreting validator over the schema's own document.

const lookups = new WeakMap<object, ReturnType<typeof dereference> | null>();
const ADDRESSING = new Set([
  "$id",
  "id",
  "$anchor",
  "$dynamicRef",
  "$dynamicAnchor",
  "$recursiveRef",
  "$recursiveAnchor",
]);

function lookupOf(root: unknown): ReturnType<typeof dereference> | null {
  if (typeof root !== "object" || root === null) return dict() as ReturnType<typeof dereference>;
  let known = lookups.get(root);
  if (known !== undefined) return known;
  known = null;
  if (!hasAnyKey(root, ADDRESSING)) {
    try {
      known = dereference(root as JsonObject);
    } catch {
      known = null;
    }
  }
  lookups.set(root, known);
  return known;
}

/** Whether `value` is valid under `schema` (a sub-schema of `root`); undefined when the validator cannot tell. */
export function validUnder(value: unknown, schema: unknown, root: unknown): boolean | undefined {
  if (schema === true) return true;
  if (schema === false) return false;
  if (call?.overflowed.has(root)) return undefined;
  const lookup = lookupOf(root);
  if (lookup === null || !isObject(schema)) return undefined;
  let target: unknown = schema;
  // A top-level `$ref` of a schema the lookup did not see is resolved here; deeper ones were.
  for (let hop = 0; hop < 32 && isObject(target) && typeof target.$ref === "string"; hop++) {
    if ((target as { __absolute_ref__?: string }).__absolute_ref__ !== undefined) break;
    const resolved = resolveLocalRef(root, target.$ref);
    if (resolved === undefined) return undefined;
    const { $ref: _ref, ...rest } = target;
    target = isObject(resolved) && Object.keys(rest).length > 0 ? { ...resolved, ...rest } : resolved;
  }
  if (typeof target === "boolean") return target;
  if (runsServerRegex(root)) {
    // A server's patterns (and the `url` format) are run in linear time, never by V8's backtracking.
    if (!isObject(root) || !isObject(target)) return undefined;
    return linearSubValidator(target, root)?.(value);
  }
  try {
    return validate(value, target as JsonObject, "2020-12", lookup, true).valid;
  } catch (error) {
    if (error instanceof RangeError) call?.overflowed.add(root);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The proof.

/** A proof's answer: true (yes), false or undefined (not proved), or a decided Acceptance from enumeration. */
type Answer = boolean | undefined | Acceptance;

function kindsOf(n: SchemaNode): Set<Kind> {
  if (n.never) return new Set();
  const out = new Set<Kind>();
  if (!n.types) for (const k of KINDS) out.add(k);
  else {
    for (const t of n.types) {
      if (t === "number") {
        out.add("number");
        out.add("integer");
      } else if ((KINDS as readonly string[]).includes(t)) out.add(t as Kind);
    }
    if (n.nullable) out.add("null");
  }
  const m = n.keywords.multipleOf;
  if (typeof m === "number" && Number.isInteger(m)) out.delete("number");
  return out;
}

function num(n: SchemaNode, key: string): number | undefined {
  const v = n.keywords[key];
  return typeof v === "number" ? v : undefined;
}

/** The tightest of a numeric keyword over the members: the largest for lower bounds, the smallest for upper ones. */
function tightest(nodes: readonly SchemaNode[], key: string, lower: boolean): number | undefined {
  let out: number | undefined;
  for (const n of nodes) {
    const v = num(n, key);
    if (v === undefined) continue;
    if (out === undefined || (lower ? v > out : v < out)) out = v;
  }
  return out;
}

function requiredOf(n: SchemaNode): string[] {
  return Array.isArray(n.keywords.required)
    ? (n.keywords.required as unknown[]).filter((x): x is string => typeof x === "string")
    : [];
}

/** Whether a `patternProperties` key matches a name, in linear time (RE2: a server's pattern must not hang the diff); undefined when it cannot be run. */
function regexTest(pattern: string, text: string): boolean | undefined {
  const re = safeRegExp(pattern);
  return isRunnable(re) ? re.test(text) : undefined;
}

/** The schemas a property `name`'s value must satisfy under one node; undefined when a pattern cannot be read. */
function propertySchemas(n: SchemaNode, name: string): unknown[] | undefined {
  const out: unknown[] = [];
  const props = isObject(n.keywords.properties) ? n.keywords.properties : undefined;
  const listed = props !== undefined && has(props, name);
  if (listed) out.push(own(props, name));
  let matched = false;
  if (isObject(n.keywords.patternProperties)) {
    for (const [pattern, schema] of Object.entries(n.keywords.patternProperties)) {
      const hit = regexTest(pattern, name);
      if (hit === undefined) return undefined;
      if (hit) {
        matched = true;
        out.push(schema);
      }
    }
  }
  if (!listed && !matched && n.keywords.additionalProperties !== undefined)
    out.push(n.keywords.additionalProperties);
  return out;
}

/** The schemas an array item at `index` must satisfy under one node (`index` -1: any position past every tuple). */
function itemSchemas(n: SchemaNode, index: number): unknown[] {
  const prefix = Array.isArray(n.keywords.prefixItems) ? (n.keywords.prefixItems as unknown[]) : [];
  if (index >= 0 && index < prefix.length) return [prefix[index]];
  return n.keywords.items === undefined ? [] : [n.keywords.items];
}

function prefixLength(n: SchemaNode): number {
  return Array.isArray(n.keywords.prefixItems) ? (n.keywords.prefixItems as unknown[]).length : 0;
}

/** Keywords whose meaning depends on siblings: equal in some member of `a` proves nothing by itself. */
const SIBLING_DEPENDENT = new Set([
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "items",
  "additionalItems",
  "then",
  "else",
  "if",
  "minContains",
  "maxContains",
]);

class Proof {
  /** Pairs under proof, assumed to hold (what keeps recursive schemas finite). */
  private readonly pending = new Set<string>();
  private readonly memo = new Map<string, Answer>();
  private steps = 0;
  private readonly sameness = new Map<string, boolean>();
  /** The raw schema each unchanged member node was normalised from. */
  private readonly origin = new WeakMap<SchemaNode, unknown>();
  private rootsEqual: boolean | undefined;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  constructor(
    readonly rootA: unknown,
    readonly rootB: unknown,
  ) {}

  private id(o: unknown): string {
    if (typeof o !== "object" || o === null) return jsonKey(o);
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return String(id);
  }

  /** Whether raw `x` (of `a`'s document) and raw `y` (of `b`'s) are the same schema. */
  private same(x: unknown, y: unknown): boolean {
    if (x === y && this.rootA === this.rootB) return true;
    if (typeof x !== "object" || x === null || typeof y !== "object" || y === null) return jsonEqual(x, y);
    const key = `${this.id(x)}=${this.id(y)}`;
    let known = this.sameness.get(key);
    if (known === undefined) {
      known = this.computeSame(x, y);
      this.sameness.set(key, known);
    }
    return known;
  }

  private computeSame(x: unknown, y: unknown): boolean {
    const sameness = jsonSameness(x, y);
    if (sameness === EQUAL) return true;
    if (sameness !== EQUAL_WITH_REF) return false;
    this.rootsEqual ??= jsonEqual(this.rootA, this.rootB);
    return this.rootsEqual;
  }

  /** Whether every value satisfying all of `as` (from `a`'s document) satisfies `b`. */
  sub(as: readonly unknown[], b: unknown, depth: number): Answer {
    if (b === true) return true;
    // A deterministic budget (steps, not time): nested unions distribute into many alternatives.
    if (depth > MAX_DEPTH || ++this.steps > MAX_STEPS) return undefined;
    const nb = norm(b, this.rootB);
    if (!nb.never && !nb.types && !nb.nullable && Object.keys(nb.keywords).every((k) => !VALIDATION.has(k)))
      return true;
    if (this.holdsMember(as, b)) return true;
    // `b` is an `allOf`: `a` satisfying each member and `b`'s other keywords is enough.
    const rest = (n: SchemaNode, key: string) => {
      const r = withoutKeys(n, [key]);
      return r.types || Object.keys(r.keywords).length > 0 ? rawOf(r) : true;
    };
    const allOf = nb.keywords.allOf;
    if (
      Array.isArray(allOf) &&
      allOf.every((m) => this.sub(as, m, depth + 1) === true) &&
      this.sub(as, rest(nb, "allOf"), depth + 1) === true
    )
      return true;
    // `b` is an `anyOf` one of whose alternatives `a` already is: only `b`'s other keywords are left.
    const union = nb.keywords.anyOf;
    if (
      Array.isArray(union) &&
      union.some((branch) => this.holdsMember(as, branch)) &&
      this.sub(as, rest(nb, "anyOf"), depth + 1) === true
    )
      return true;
    const key = `${as.map((x) => this.id(x)).join(",")}>${this.id(b)}`;
    if (this.pending.has(key)) return true;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    this.pending.add(key);
    try {
      const answer = this.subNodes(as, b, nb, depth);
      this.memo.set(key, answer);
      return answer;
    } finally {
      this.pending.delete(key);
    }
  }

  private subNodes(as: readonly unknown[], b: unknown, nb: SchemaNode, depth: number): Answer {
    for (const members of this.expand(as)) {
      const answer = this.subConj(members, b, nb, depth);
      if (answer !== true) return typeof answer === "object" ? answer : undefined;
    }
    return true;
  }

  /** Whether some member of `as`, or of an `allOf` among them (at any depth), is the schema `b`. */
  private holdsMember(as: readonly unknown[], b: unknown): boolean {
    const stack = [...as];
    for (let guard = 0; stack.length > 0 && guard < 256; guard++) {
      const x = stack.pop();
      if (this.same(x, b)) return true;
      const allOf = norm(x, this.rootA).keywords.allOf;
      if (Array.isArray(allOf)) stack.push(...(allOf as unknown[]));
    }
    return false;
  }

  /**
   * `as` as alternatives, each a conjunction of nodes without combinators: `allOf` members flattened
   * into it, `anyOf`/`oneOf` alternatives distributed over it (a `oneOf` read as an `anyOf`, which
   * accepts at least as much). Past the budget a union is left out, which only widens the side.
   */
  private expand(as: readonly unknown[]): SchemaNode[][] {
    const done: SchemaNode[][] = [];
    const work: { todo: unknown[]; members: SchemaNode[] }[] = [{ todo: [...as], members: [] }];
    let budget = 64;
    while (work.length > 0) {
      const alt = work.pop() as { todo: unknown[]; members: SchemaNode[] };
      if (alt.todo.length === 0 || budget-- <= 0) {
        done.push(alt.members);
        continue;
      }
      const [raw, ...todo] = alt.todo;
      const n = norm(raw, this.rootA);
      const { allOf, anyOf, oneOf } = n.keywords;
      if (Array.isArray(allOf)) todo.push(...(allOf as unknown[]));
      const union = Array.isArray(anyOf)
        ? (anyOf as unknown[])
        : Array.isArray(oneOf)
          ? (oneOf as unknown[])
          : undefined;
      const rest = withoutKeys(n, ["allOf", "anyOf", "oneOf"]);
      if (rest === n) this.origin.set(rest, raw);
      const members = [...alt.members, rest];
      // A folded `anyOf: [X, {type: "null"}]` accepts null whatever X's combinators say.
      if (n.nullable && (union || Array.isArray(allOf))) {
        work.push({
          todo: alt.todo.slice(1),
          members: [...alt.members, { ...rest, types: new Set(), nullable: true }],
        });
      }
      if (union && union.length > 0 && work.length + done.length + union.length <= MAX_ALTERNATIVES) {
        for (const branch of union) work.push({ todo: [...todo, branch], members });
      } else work.push({ todo, members });
    }
    return done;
  }

  /** A member as a raw schema: the one it was read from when nothing was taken out of it. */
  private raw(n: SchemaNode): unknown {
    return this.origin.get(n) ?? rawOf(n);
  }

  private raws(members: readonly SchemaNode[]): unknown[] {
    return members.map((m) => this.raw(m));
  }

  /** Values of a finite `a` side (enums, booleans, null), or undefined when it is not finite. */
  private finiteValues(members: readonly SchemaNode[], kinds: Set<Kind>): unknown[] | undefined {
    const enums = members.filter((m) => Array.isArray(m.keywords.enum));
    if (enums.length > 0) {
      const values = [...(enums[0]!.keywords.enum as unknown[])];
      if (kinds.has("null")) values.push(null);
      return values;
    }
    if ([...kinds].every((k) => k === "null" || k === "boolean")) {
      const out: unknown[] = [];
      if (kinds.has("null")) out.push(null);
      if (kinds.has("boolean")) out.push(true, false);
      return out;
    }
    return undefined;
  }

  private validA(value: unknown, members: readonly SchemaNode[]): boolean | undefined {
    let all = true;
    for (const m of members) {
      const ok = validUnder(value, this.raw(m), this.rootA);
      if (ok === undefined) return undefined;
      all &&= ok;
    }
    return all;
  }

  private subConj(members: readonly SchemaNode[], b: unknown, nb: SchemaNode, depth: number): Answer {
    if (members.some((m) => m.never)) return true;
    let kinds = new Set<Kind>(KINDS);
    for (const m of members) {
      const own = kindsOf(m);
      kinds = new Set([...kinds].filter((k) => own.has(k)));
    }
    if (kinds.size === 0) return true;
    if (nb.never) return false;

    // A finite side is decided value by value.
    const finite = this.finiteValues(members, kinds);
    if (finite !== undefined) {
      let decided = true;
      for (const value of finite) {
        const inA = this.validA(value, members);
        if (inA === false) continue;
        const inB = validUnder(value, b, this.rootB);
        if (inA === undefined || inB === undefined) {
          decided = false;
          continue;
        }
        if (!inB) return { verdict: "no", witness: value };
      }
      if (decided) return true;
    }

    const bk = nb.keywords;
    // b's combinators.
    if (Array.isArray(bk.allOf)) {
      for (const member of bk.allOf as unknown[])
        if (this.sub(this.raws(members), member, depth + 1) !== true) return undefined;
    }
    const union = Array.isArray(bk.anyOf) ? "anyOf" : Array.isArray(bk.oneOf) ? "oneOf" : undefined;
    if (union) {
      const branches = bk[union] as unknown[];
      const raws = this.raws(members);
      const covering = (extra: unknown[], ks: Set<Kind>): boolean => {
        // `b` accepts null beside its branches when it was folded into `nullable`.
        if (ks.size === 1 && ks.has("null") && nb.nullable) return true;
        for (let i = 0; i < branches.length; i++) {
          if (this.sub([...raws, ...extra], branches[i], depth + 1) !== true) continue;
          if (union === "anyOf") return true;
          if (branches.every((other, j) => j === i || this.disjoint([...raws, ...extra], other))) return true;
        }
        return false;
      };
      if (!covering([], kinds)) {
        if (union === "oneOf") return undefined;
        // Split `a` by kind: each kind may be accepted by a different alternative.
        for (const k of kinds) {
          const only = k === "number" ? { type: "number" } : { type: k };
          if (!covering([only], new Set([k]))) return undefined;
        }
      }
    }
    // Types.
    const kb = kindsOf(nb);
    for (const k of kinds) if (!kb.has(k)) return undefined;

    for (const [keyword, value] of Object.entries(bk)) {
      if (!VALIDATION.has(keyword) || keyword === "allOf" || keyword === "anyOf" || keyword === "oneOf")
        continue;
      if (!this.keywordHolds(members, kinds, nb, keyword, value, depth)) return undefined;
    }
    return true;
  }

  /** Whether no value satisfies all of `as` and `other` (by types and enums; conservative). */
  private disjoint(as: readonly unknown[], other: unknown): boolean {
    const xs = as.map((x) => norm(x, this.rootA));
    const y = norm(other, this.rootB);
    for (const k of ["anyOf", "oneOf"]) {
      const branches = y.keywords[k];
      if (Array.isArray(branches) && branches.every((branch) => this.disjoint(as, branch))) return true;
    }
    let kinds = kindsOf(y);
    for (const x of xs) {
      const own = kindsOf(x);
      kinds = new Set([...kinds].filter((k) => own.has(k)));
    }
    if (kinds.size === 0) return true;
    if (this.discriminated(xs, y)) return true;
    const values = this.finiteValues(xs, kinds);
    if (values === undefined) return false;
    return values.every((v) => this.validA(v, xs) === false || validUnder(v, other, this.rootB) === false);
  }

  /** Whether a property one side requires holds constants the other side's never equal. */
  private discriminated(xs: readonly SchemaNode[], y: SchemaNode): boolean {
    const constants = (n: SchemaNode, root: unknown, name: string): unknown[] | undefined => {
      const props = isObject(n.keywords.properties) ? n.keywords.properties : undefined;
      if (!props || !has(props, name)) return undefined;
      const e = norm(own(props, name), root).keywords.enum;
      return Array.isArray(e) ? e : undefined;
    };
    const requiredY = new Set(requiredOf(y));
    const requiredX = new Set(xs.flatMap(requiredOf));
    const namesY = isObject(y.keywords.properties) ? Object.keys(y.keywords.properties) : [];
    for (const name of namesY) {
      if (!requiredX.has(name) && !requiredY.has(name)) continue;
      const ey = constants(y, this.rootB, name);
      if (!ey) continue;
      for (const x of xs) {
        const ex = constants(x, this.rootA, name);
        if (ex && !ex.some((v) => ey.some((w) => jsonEqual(v, w)))) return true;
      }
    }
    return false;
  }

  /** Whether one keyword of `b` follows from `a`'s members. */
  private keywordHolds(
    members: readonly SchemaNode[],
    kinds: Set<Kind>,
    nb: SchemaNode,
    keyword: string,
    value: unknown,
    depth: number,
  ): boolean {
    const numeric = kinds.has("number") || kinds.has("integer");
    const integersOnly = kinds.has("integer") && !kinds.has("number");
    const anyEqual = () =>
      !SIBLING_DEPENDENT.has(keyword) &&
      members.some((m) => has(m.keywords, keyword) && jsonEqual(m.keywords[keyword], value));
    switch (keyword) {
      case "enum":
        return false; // `a` is not finite here (finite sides were enumerated)
      case "minimum":
      case "exclusiveMinimum": {
        if (!numeric || typeof value !== "number") return true;
        const inc = tightest(members, "minimum", true);
        const exc = tightest(members, "exclusiveMinimum", true);
        const strict = keyword === "exclusiveMinimum";
        const lowest = Math.max(
          inc ?? -Infinity,
          integersOnly && exc !== undefined ? Math.floor(exc) + 1 : -Infinity,
        );
        if (strict ? lowest > value : lowest >= value) return true;
        return exc !== undefined && exc >= value;
      }
      case "maximum":
      case "exclusiveMaximum": {
        if (!numeric || typeof value !== "number") return true;
        const inc = tightest(members, "maximum", false);
        const exc = tightest(members, "exclusiveMaximum", false);
        const strict = keyword === "exclusiveMaximum";
        const highest = Math.min(
          inc ?? Infinity,
          integersOnly && exc !== undefined ? Math.ceil(exc) - 1 : Infinity,
        );
        if (strict ? highest < value : highest <= value) return true;
        return exc !== undefined && exc <= value;
      }
      case "multipleOf": {
        if (!numeric || typeof value !== "number") return true;
        if (integersOnly && Number.isInteger(1 / value)) return true;
        return members.some((m) => {
          const p = num(m, "multipleOf");
          return p !== undefined && Number.isInteger(p / value);
        });
      }
      case "minLength":
      case "minItems":
      case "minProperties": {
        const kind = keyword === "minLength" ? "string" : keyword === "minItems" ? "array" : "object";
        if (!kinds.has(kind) || typeof value !== "number") return true;
        let least = tightest(members, keyword, true) ?? 0;
        if (keyword === "minProperties") least = Math.max(least, new Set(members.flatMap(requiredOf)).size);
        if (keyword === "minItems") least = Math.max(least, this.minItemsFromContains(members));
        return least >= value;
      }
      case "maxLength":
      case "maxItems":
      case "maxProperties": {
        const kind = keyword === "maxLength" ? "string" : keyword === "maxItems" ? "array" : "object";
        if (!kinds.has(kind) || typeof value !== "number") return true;
        const most = tightest(members, keyword, false);
        if (keyword === "maxItems" && most === undefined) return this.closedLength(members) <= value;
        return most !== undefined && most <= value;
      }
      case "pattern":
      case "format":
        return !kinds.has("string") || anyEqual();
      case "uniqueItems":
        if (!kinds.has("array") || value !== true) return true;
        return anyEqual() || (tightest(members, "maxItems", false) ?? Infinity) <= 1;
      case "required": {
        if (!kinds.has("object") || !Array.isArray(value)) return true;
        const have = new Set(members.flatMap(requiredOf));
        return value.every((name) => typeof name === "string" && have.has(name));
      }
      case "properties":
      case "patternProperties":
      case "additionalProperties":
        if (!kinds.has("object")) return true;
        return this.unlistedHold(members, nb, depth);
      case "dependentRequired": {
        if (!kinds.has("object") || !isObject(value)) return true;
        const have = new Set(members.flatMap(requiredOf));
        for (const [key, names] of Object.entries(value)) {
          if (!Array.isArray(names)) continue;
          if (this.neverPresent(members, key, depth)) continue;
          for (const name of names) {
            if (typeof name !== "string" || have.has(name)) continue;
            const stated = members.some((m) => {
              const deps = m.keywords.dependentRequired;
              const list = isObject(deps) ? own(deps, key) : undefined;
              return Array.isArray(list) && list.includes(name);
            });
            if (!stated) return false;
          }
        }
        return true;
      }
      case "dependentSchemas": {
        if (!kinds.has("object") || !isObject(value)) return true;
        for (const [key, schema] of Object.entries(value)) {
          if (this.neverPresent(members, key, depth)) continue;
          const raws = this.raws(members);
          if (this.sub(raws, schema, depth + 1) === true) continue;
          const stated = members.some((m) => {
            const deps = m.keywords.dependentSchemas;
            const own_ = isObject(deps) ? own(deps, key) : undefined;
            return own_ !== undefined && this.sub([...raws, own_], schema, depth + 1) === true;
          });
          if (!stated) return false;
        }
        return true;
      }
      case "prefixItems":
      case "items": {
        if (!kinds.has("array")) return true;
        return this.itemsHold(members, nb, depth);
      }
      case "contains":
      case "minContains":
      case "maxContains":
        if (!kinds.has("array")) return true;
        return this.containsHolds(members, nb, depth);
      case "propertyNames":
        return (
          !kinds.has("object") ||
          anyEqual() ||
          this.sub(
            members.flatMap((m) =>
              m.keywords.propertyNames === undefined ? [] : [m.keywords.propertyNames],
            ),
            value,
            depth + 1,
          ) === true
        );
      default:
        return anyEqual();
    }
  }

  /** Whether `a` rejects every object holding property `name`. */
  private neverPresent(members: readonly SchemaNode[], name: string, depth: number): boolean {
    const schemas: unknown[] = [];
    for (const m of members) {
      const list = propertySchemas(m, name);
      if (list === undefined) return false;
      schemas.push(...list);
    }
    return schemas.length > 0 && this.sub(schemas, false, depth + 1) === true;
  }

  private propertyHolds(
    members: readonly SchemaNode[],
    name: string,
    schema: unknown,
    depth: number,
  ): boolean {
    const schemas: unknown[] = [];
    for (const m of members) {
      const list = propertySchemas(m, name);
      if (list === undefined) return false;
      schemas.push(...list);
    }
    return this.sub(schemas.length > 0 ? schemas : [true], schema, depth + 1) === true;
  }

  /**
   * Whether what `b` says of property values (`properties`, `patternProperties`,
   * `additionalProperties`) follows from `a`: for every name either side lists, and for any other.
   */
  private unlistedHold(members: readonly SchemaNode[], nb: SchemaNode, depth: number): boolean {
    const patternsB = isObject(nb.keywords.patternProperties) ? nb.keywords.patternProperties : undefined;
    const names = new Set<string>();
    for (const n of [...members, nb]) {
      if (isObject(n.keywords.properties))
        for (const name of Object.keys(n.keywords.properties)) names.add(name);
    }
    for (const name of names) {
      const bSchemas = propertySchemas(nb, name);
      if (bSchemas === undefined) return false;
      for (const s of bSchemas) if (!this.propertyHolds(members, name, s, depth)) return false;
    }
    // Any other name: `a`'s patterns must be `b`'s own (or absent), and its unlisted values fit `b`'s.
    if (!patternsB && nb.keywords.additionalProperties === undefined) return true;
    const patternsA = members.filter((m) => isObject(m.keywords.patternProperties));
    if (patternsA.length > 0) {
      const same =
        patternsA.length === 1 && patternsB && jsonEqual(patternsA[0]!.keywords.patternProperties, patternsB);
      if (!same) return false;
      if (!this.samePatternSchemas(patternsA[0]!, patternsB, depth)) return false;
    }
    const generic = members.flatMap((m) =>
      m.keywords.additionalProperties === undefined ? [] : [m.keywords.additionalProperties],
    );
    const genericA = generic.length > 0 ? generic : [true];
    if (patternsB && patternsA.length === 0) {
      for (const s of Object.values(patternsB)) if (this.sub(genericA, s, depth + 1) !== true) return false;
    }
    const extra = nb.keywords.additionalProperties;
    return extra === undefined || this.sub(genericA, extra, depth + 1) === true;
  }

  /** Equal `patternProperties` texts whose `$ref`s may resolve differently: each schema compared. */
  private samePatternSchemas(m: SchemaNode, patternsB: JsonObject, depth: number): boolean {
    const patternsA = m.keywords.patternProperties as JsonObject;
    return Object.entries(patternsB).every(([p, s]) => this.sub([own(patternsA, p)], s, depth + 1) === true);
  }

  /** How long `a`'s arrays can be when its tuple is closed (`items: false` after it), else Infinity. */
  private closedLength(members: readonly SchemaNode[]): number {
    let out = Infinity;
    for (const m of members) {
      const tail = norm(m.keywords.items === undefined ? true : m.keywords.items, this.rootA);
      if (tail.never) out = Math.min(out, prefixLength(m));
    }
    return out;
  }

  private minItemsFromContains(members: readonly SchemaNode[]): number {
    let out = 0;
    for (const m of members) {
      if (m.keywords.contains === undefined) continue;
      const min = num(m, "minContains") ?? 1;
      out = Math.max(out, min);
    }
    return out;
  }

  private itemsHold(members: readonly SchemaNode[], nb: SchemaNode, depth: number): boolean {
    const maxA = Math.min(tightest(members, "maxItems", false) ?? Infinity, this.closedLength(members));
    const positions = Math.max(prefixLength(nb), ...members.map(prefixLength));
    for (let i = 0; i <= positions; i++) {
      const tail = i === positions;
      if (!tail && i >= maxA) break;
      if (tail && positions >= maxA) break;
      const index = tail ? -1 : i;
      const bSchemas = itemSchemas(nb, tail ? positions : index);
      if (bSchemas.length === 0) continue;
      const aSchemas = members.flatMap((m) => itemSchemas(m, tail ? positions : index));
      for (const s of bSchemas)
        if (this.sub(aSchemas.length > 0 ? aSchemas : [true], s, depth + 1) !== true) return false;
    }
    return true;
  }

  private containsHolds(members: readonly SchemaNode[], nb: SchemaNode, depth: number): boolean {
    const contains = nb.keywords.contains;
    if (contains === undefined) return true; // minContains/maxContains alone say nothing
    const minB = num(nb, "minContains") ?? 1;
    const maxB = num(nb, "maxContains");
    // A member with the same `contains` and bounds at least as tight.
    const same = members.some((m) => {
      if (m.keywords.contains === undefined || this.sub([m.keywords.contains], contains, depth + 1) !== true)
        return false;
      if ((num(m, "minContains") ?? 1) < minB) return false;
      if (maxB === undefined) return true;
      return jsonEqual(m.keywords.contains, contains) && (num(m, "maxContains") ?? Infinity) <= maxB;
    });
    if (same) return true;
    // Every item of `a` satisfies `contains`, and there are enough of them, and never too many.
    const positions = Math.max(...members.map(prefixLength), 0);
    const least = Math.max(tightest(members, "minItems", true) ?? 0, this.minItemsFromContains(members));
    if (least < minB) return false;
    for (let i = 0; i <= positions; i++) {
      const aSchemas = members.flatMap((m) => itemSchemas(m, i === positions ? positions : i));
      if (this.sub(aSchemas.length > 0 ? aSchemas : [true], contains, depth + 1) !== true) return false;
    }
    if (maxB === undefined) return true;
    return Math.min(tightest(members, "maxItems", false) ?? Infinity, this.closedLength(members)) <= maxB;
  }
}

function withoutKeys(n: SchemaNode, keys: readonly string[]): SchemaNode {
  if (!keys.some((k) => has(n.keywords, k))) return n;
  const keywords: JsonObject = dict();
  for (const [k, v] of Object.entries(n.keywords)) if (!keys.includes(k)) keywords[k] = v;
  return { ...n, keywords };
}

/** A normalised node back as a raw schema (for the validator and for recursion). */
function rawOf(n: SchemaNode): unknown {
  if (n.never) return false;
  const raw: JsonObject = dict();
  for (const [k, v] of Object.entries(n.keywords)) raw[k] = v;
  if (n.types) {
    const types: string[] = [...n.types];
    if (n.nullable) types.push("null");
    raw.type = types;
  }
  if (Array.isArray(raw.enum) && n.nullable && !n.types) raw.enum = [...(raw.enum as unknown[]), null];
  else if (Array.isArray(raw.enum) && n.nullable) raw.enum = [...(raw.enum as unknown[]), null];
  return { ...raw };
}

// ---------------------------------------------------------------------------------------------
// The witness search.

const NOT_FOUND = Symbol("not found");

/** A value `a` accepts and `b` rejects, among values built from `a` around both schemas' constraints. */
function findWitness(a: unknown, b: unknown, rootA: unknown, rootB: unknown): unknown {
  let tried = 0;
  const seen = new Set<string>();
  for (const value of candidates(a, rootA, [b], rootB, 0)) {
    // No candidate can be confirmed once a root's validation overflowed (validUnder: undefined).
    if (call?.overflowed.has(rootA) || call?.overflowed.has(rootB)) break;
    const key = jsonKey(value);
    if (seen.has(key)) continue;
    seen.add(key);
    if (++tried > MAX_CANDIDATES) break;
    if (validUnder(value, a, rootA) !== true) continue;
    if (validUnder(value, b, rootB) === false) return value;
  }
  return NOT_FOUND;
}

/** Every numeric keyword value of a node and its `allOf`/`anyOf`/`oneOf` members, one level deep. */
function hintNodes(raws: readonly unknown[], root: unknown): SchemaNode[] {
  const out: SchemaNode[] = [];
  const stack = [...raws];
  let guard = 0;
  while (stack.length > 0 && guard++ < 64) {
    const n = norm(stack.shift(), root);
    out.push(n);
    for (const k of ["allOf", "anyOf", "oneOf"])
      if (Array.isArray(n.keywords[k])) stack.push(...(n.keywords[k] as unknown[]));
  }
  return out;
}

function* candidates(
  a: unknown,
  rootA: unknown,
  bs: readonly unknown[],
  rootB: unknown,
  depth: number,
): Generator<unknown> {
  const as = hintNodes([a], rootA);
  const hints = [...as, ...hintNodes(bs, rootB)];
  let kinds = new Set<Kind>(KINDS);
  for (const n of as.slice(0, 1)) kinds = kindsOf(n);
  for (const n of as) {
    if (Array.isArray(n.keywords.enum)) yield* n.keywords.enum as unknown[];
    for (const k of ["default", "const"]) if (has(n.keywords, k)) yield n.keywords[k];
    if (Array.isArray(n.keywords.examples)) yield* n.keywords.examples as unknown[];
  }
  const numbers = new Set<number>([0, 1, -1, 1.5, 1e12]);
  const lengths = new Set<number>([0, 1, 2]);
  for (const n of hints) {
    for (const k of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
      const v = num(n, k);
      if (v !== undefined) for (const x of [v, v - 1, v + 1, v - 0.5, v + 0.5]) numbers.add(x);
    }
    const m = num(n, "multipleOf");
    if (m !== undefined) for (const x of [...numbers]) numbers.add(Math.ceil(x / m) * m);
    for (const k of ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]) {
      const v = num(n, k);
      if (v !== undefined) for (const x of [v, v - 1, v + 1]) if (x >= 0 && x < 64) lengths.add(x);
    }
  }
  if (kinds.has("null") || kinds.size === 0) yield null;
  if (kinds.has("boolean")) yield* [true, false];
  if (kinds.has("integer") || kinds.has("number")) {
    for (const x of numbers) if (kinds.has("number") || Number.isInteger(x)) yield x;
  }
  if (kinds.has("string")) {
    for (const n of as) {
      const f = n.keywords.format;
      if (typeof f === "string" && has(FORMAT_SAMPLES, f)) yield FORMAT_SAMPLES[f];
    }
    for (const l of lengths) yield "x".repeat(l);
    yield "1";
  }
  if (depth >= 4) return;
  if (kinds.has("object")) yield* objectCandidates(as, rootA, hints, rootB, bs, lengths, depth);
  if (kinds.has("array")) yield* arrayCandidates(as, rootA, bs, rootB, lengths, depth);
}

function first(
  raws: readonly unknown[],
  root: unknown,
  bs: readonly unknown[],
  rootB: unknown,
  depth: number,
): unknown {
  const key = call && `${idsOf([root, rootB])}|${idsOf(raws)}|${idsOf(bs)}|${depth}`;
  if (key !== undefined && call?.firsts.has(key)) return call.firsts.get(key);
  const found = firstValid(raws, root, bs, rootB, depth);
  if (key !== undefined) call?.firsts.set(key, found);
  return found;
}

function firstValid(
  raws: readonly unknown[],
  root: unknown,
  bs: readonly unknown[],
  rootB: unknown,
  depth: number,
): unknown {
  const schema = raws.length === 1 ? raws[0] : { allOf: raws };
  for (const v of candidates(schema, root, bs, rootB, depth + 1)) {
    if (call?.overflowed.has(root)) break; // no value is valid under it any more (validUnder: undefined)
    if (validUnder(v, schema, root) === true) return v;
  }
  return null;
}

function* objectCandidates(
  as: readonly SchemaNode[],
  rootA: unknown,
  hints: readonly SchemaNode[],
  rootB: unknown,
  bs: readonly unknown[],
  lengths: Set<number>,
  depth: number,
): Generator<unknown> {
  const names = new Set<string>();
  const required = new Set<string>();
  for (const n of hints) {
    if (isObject(n.keywords.properties))
      for (const name of Object.keys(n.keywords.properties)) names.add(name);
    for (const name of requiredOf(n)) names.add(name);
    for (const k of ["dependentRequired", "dependentSchemas"]) {
      const deps = n.keywords[k];
      if (isObject(deps)) for (const name of Object.keys(deps)) names.add(name);
    }
  }
  for (const n of as) for (const name of requiredOf(n)) required.add(name);
  const bNodes = hintNodes(bs, rootB);
  const schemasOf = (nodes: readonly SchemaNode[], name: string) =>
    nodes.flatMap((n) => propertySchemas(n, name) ?? []);
  const base: JsonObject = {};
  for (const name of required)
    base[name] = first(schemasOf(as, name), rootA, schemasOf(bNodes, name), rootB, depth);
  yield { ...base };
  // The base with one property varied: each optional one, then each required one.
  function* varied(name: string): Generator<unknown> {
    const aSchemas = schemasOf(as, name);
    let count = 0;
    for (const v of candidates(
      aSchemas.length === 1 ? aSchemas[0] : { allOf: aSchemas },
      rootA,
      schemasOf(bNodes, name),
      rootB,
      depth + 1,
    )) {
      if (count++ > 12) break;
      yield { ...base, [name]: v };
    }
  }
  for (const name of names) if (!required.has(name)) yield* varied(name);
  for (const name of required) yield* varied(name);
  for (const v of ["x", 0, null, {}]) yield { ...base, extra_property: v };
  for (const l of lengths) {
    const out: JsonObject = { ...base };
    for (let i = Object.keys(out).length; i < l; i++) out[`p${i}`] = "x";
    yield out;
  }
  const all: JsonObject = { ...base };
  for (const name of names)
    if (!has(all, name)) all[name] = first(schemasOf(as, name), rootA, schemasOf(bNodes, name), rootB, depth);
  yield all;
}

function* arrayCandidates(
  as: readonly SchemaNode[],
  rootA: unknown,
  bs: readonly unknown[],
  rootB: unknown,
  lengths: Set<number>,
  depth: number,
): Generator<unknown> {
  const bNodes = hintNodes(bs, rootB);
  const positions = Math.max(0, ...as.map(prefixLength), ...bNodes.map(prefixLength));
  const at = (nodes: readonly SchemaNode[], i: number) => nodes.flatMap((n) => itemSchemas(n, i));
  const firstAt = (i: number) => first(at(as, i), rootA, at(bNodes, i), rootB, depth);
  const fill = (length: number) => Array.from({ length }, (_, i) => firstAt(i));
  const least = Math.max(0, ...as.map((n) => num(n, "minItems") ?? 0));
  for (const l of [...lengths, least, positions, positions + 1]) if (l >= least && l < 64) yield fill(l);
  for (let i = 0; i <= positions && i < 4; i++) {
    const aSchemas = at(as, i);
    let count = 0;
    for (const v of candidates(
      aSchemas.length === 0 ? true : aSchemas.length === 1 ? aSchemas[0] : { allOf: aSchemas },
      rootA,
      at(bNodes, i),
      rootB,
      depth + 1,
    )) {
      if (count++ > 12) break;
      const out = fill(Math.max(least, i + 1));
      out[i] = v;
      yield out;
    }
  }
  const one = firstAt(0);
  yield [one, one];
}
