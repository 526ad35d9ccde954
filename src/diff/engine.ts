/**
 * The recursive schema comparison. Walks two schemas side by side (following
 * `$ref`s lazily, memoising each pair of sub-schemas so recursive schemas end),
 * and lets each rule family passed in (`Engine`) look at every pair of nodes. Families report
 * through `SchemaDiff.emit`; which rule id and severity a change gets depends
 * on the direction: input (the agent sends it) or output (the agent reads it).
 */
import { type Change, type ChangeExtra, newChange } from "../core/change.js";
import type { Family, RuleMeta, RuleRecord } from "../core/rule.js";
import { type AcceptsCache, newAcceptsCache } from "./accepts.js";
import { MAX_STEPS_PER_RUN } from "./jsd.js";
import { ANNOTATION_KEYWORDS } from "./keywords.js";
import {
  EQUAL,
  EQUAL_WITH_REF,
  isObject,
  jsonEqual,
  jsonKey,
  jsonSameness,
  normalize,
  pointerToken,
  type SchemaNode,
} from "./schema.js";
import { unwrapPair } from "./wrap.js";

/**
 * How deep, in JSON Pointer segments below the tool, the diff walks before giving up with
 * `schema-too-deep`. Real schemas stay well under 40; a hostile one nested 10,000 levels would
 * otherwise take minutes (or the stack, through nested `anyOf` coverage probes).
 */
export const MAX_SCHEMA_DEPTH = 256;

/** Thrown by the walk past `MAX_SCHEMA_DEPTH`; `diffTools` turns it into a `schema-too-deep` change. */
export class SchemaTooDeepError extends Error {
  constructor(
    /** Pointer of the first node beyond the limit (relative to a probe's root inside coverage probes). */
    readonly pointer: string,
  ) {
    super(`schema nested deeper than ${MAX_SCHEMA_DEPTH} levels at ${pointer}`);
    this.name = "SchemaTooDeepError";
  }
}

/** Number of JSON Pointer segments in `ptr`. */
function segments(ptr: string): number {
  let n = 0;
  for (let i = ptr.indexOf("/"); i !== -1; i = ptr.indexOf("/", i + 1)) n++;
  return n;
}

/** `input`: narrowing is breaking. `output`: widening is breaking. */
export type Direction = "input" | "output";

/** Where a node pair sits: pointers into the before and after tool definitions and a human path like `a.b[]`. */
export interface Loc {
  ptrA: string;
  ptrB: string;
  /** Parameter path in the corpus syntax: `a.b`, `a[]`, `a{*}`, `a<anyOf1>`; "" for the root. */
  label: string;
  /**
   * Below a pair of union alternatives: what the unions as wholes say of the pair (`Judged`), so a
   * narrowing another alternative makes good is not reported. Inherited by every child location.
   */
  judged?: Judged;
}

/**
 * What two unions as wholes decide for one pair of their alternatives (`x` before, `y` after): the
 * pair's own comparison may see a narrowing (`x` lost values `y` rejects) that another new
 * alternative accepts, or a widening (`y` gained values) the old union accepted through another
 * alternative. Each is asked of subsumption (../accepts.ts, a proof only) once, when a finding of
 * that kind appears below the pair; an enclosing pair's answer counts too.
 */
export interface Judged {
  /** Whether everything `x` accepted the new union accepts: no narrowing below the pair is real. */
  narrowingCovered(): boolean;
  /** Whether everything `y` accepts the old union accepted: no widening below the pair is real. */
  wideningCovered(): boolean;
  /** The enclosing pair's verdict, for a union inside an alternative. */
  parent?: Judged;
}

/** A value at a node of the before schema that the old schema accepts there and the new one rejects. */
export interface Example {
  /** Pointer of the node in the before tool definition (`ptrA`). */
  pointer: string;
  value: unknown;
}

/** Extra fields of an emitted change. */
export interface EmitExtra extends ChangeExtra {
  /** Point at the before definition (for removals). */
  useBefore?: boolean;
  /** A value subsumption found that the old schema accepts and the new one rejects: the witness search tries it first. */
  example?: Example;
}

/**
 * How a rule's findings relate to what a schema accepts: `narrowing` (values it accepted are
 * refused: breaking on inputs, `output-narrowed` on outputs), `widening` (more values), or
 * `kept`: names, annotations, content and could-not-judge findings, reported whatever the union
 * as a whole accepts (docs/rules/README.md, divergences).
 */
export function acceptanceKind(rule: RuleMeta): "narrowing" | "widening" | "kept" {
  const record = rule as Partial<RuleRecord>;
  if (record.direction !== "input" && record.direction !== "output") return "kept";
  if (!(record.keywords ?? []).some((k) => !KEPT_KEYWORDS.has(k))) return "kept";
  if (record.direction === "input") return rule.severity === "breaking" ? "narrowing" : "widening";
  return rule.id === "output-narrowed" ? "narrowing" : "widening";
}

/** Keywords whose rules speak of names, annotations or content, not of what validates. */
const KEPT_KEYWORDS: ReadonlySet<string> = new Set([
  ...ANNOTATION_KEYWORDS,
  "properties",
  "$schema",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
  "discriminator",
]);

/** Whether a finding of `kind` below `judged` is made good by the unions around it. */
function covered(judged: Judged | undefined, kind: "narrowing" | "widening"): boolean {
  for (let j = judged; j; j = j.parent)
    if (kind === "narrowing" ? j.narrowingCovered() : j.wideningCovered()) return true;
  return false;
}

/** A family's check of one node pair. */
export type NodeCheck = (d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc) => void;

/** What the engine runs: the schema families' node checks in reporting order, and what the fallback leaves alone. */
export interface Engine {
  checks: readonly NodeCheck[];
  /** Keywords some structural family judges (or deliberately leaves alone): the fallback skips their changes. */
  handled: ReadonlySet<string>;
}

/**
 * The engine for `families` (schema families, in reporting order): their checks, and the keywords
 * the fallback leaves alone, which are every keyword a family claims (in its records or its
 * `claims`) except those of its fallback rules.
 */
export function engineFor(families: readonly Family<string, NodeCheck>[]): Engine {
  const claimed = new Set<string>();
  const fallback = new Set<string>();
  for (const family of families) {
    for (const keyword of Object.keys(family.claims ?? {})) claimed.add(keyword);
    for (const record of Object.values(family.rules))
      for (const keyword of record.keywords) claimed.add(keyword);
    for (const id of family.fallback ?? [])
      for (const keyword of family.rules[id]?.keywords ?? []) fallback.add(keyword);
  }
  for (const keyword of fallback) claimed.delete(keyword);
  const checks = families.flatMap((family) => (family.check ? [family.check] : []));
  return { checks, handled: claimed };
}

/** State shared by every comparison within one `diffTools` call (probe results are reused across tools). */
export interface SharedState {
  engine: Engine;
  ids: WeakMap<object, number>;
  nextId: number;
  /** Pair key → whether `after` accepts everything `before` does (for the direction of the key). */
  probes: Map<string, boolean>;
  /**
   * Steps the json-schema-diff fallback may still take in this call (src/diff/jsd.ts): a count of
   * the sets it builds, never a time, so a verdict does not depend on the machine's speed.
   */
  fallbackStepsLeft: number;
  /** What subsumption (../accepts.ts) remembers across the run's questions. */
  accepts: AcceptsCache;
}

/** Creates the shared state for one diff run. */
export function newSharedState(engine: Engine, fallbackSteps = MAX_STEPS_PER_RUN): SharedState {
  return {
    engine,
    ids: new WeakMap(),
    nextId: 1,
    probes: new Map(),
    fallbackStepsLeft: fallbackSteps,
    accepts: newAcceptsCache(),
  };
}

/** One comparison of a tool's input or output schema. */
export class SchemaDiff {
  readonly out: Change[] = [];
  /** Values subsumption found for some of `out`'s findings (the witness search tries them first). */
  readonly examples = new Map<Change, Example>();
  private readonly seen = new Set<string>();
  private readonly queue: { a: SchemaNode; b: SchemaNode; at: Loc }[] = [];

  constructor(
    readonly server: string,
    readonly tool: string,
    readonly dir: Direction,
    /** Roots for `$ref` resolution. */
    readonly rootA: unknown,
    readonly rootB: unknown,
    readonly shared: SharedState,
    /** A probe only collects changes to decide coverage; nothing it finds is reported. */
    readonly probe = false,
    /** Depth of this walk's root below the tool (non-zero for coverage probes started deep inside a schema). */
    readonly baseDepth = 0,
  ) {}

  /** Depth of the node pair being compared, so a probe started there continues counting. */
  private currentDepth = 0;

  /** Reports one change. */
  emit(rule: RuleMeta, at: Loc, message: string, extra: EmitExtra = {}): void {
    if (at.judged) {
      const kind = acceptanceKind(rule);
      if (kind !== "kept" && covered(at.judged, kind)) return;
    }
    const example = extra.example;
    const change = newChange(
      rule,
      this.server,
      this.tool,
      extra.useBefore ? at.ptrA : at.ptrB,
      message,
      extra,
    );
    this.out.push(change);
    if (example) this.examples.set(change, example);
  }

  private id(o: object): number {
    let id = this.shared.ids.get(o);
    if (id === undefined) {
      id = this.shared.nextId++;
      this.shared.ids.set(o, id);
    }
    return id;
  }

  /**
   * What distinguishes a use site beyond its resolved target: nothing for a bare `$ref` (so a
   * definition reached twice is compared once), the object itself when `$ref` has siblings.
   */
  private site(raw: unknown): string {
    if (!isObject(raw)) return jsonKey(raw);
    if (typeof raw.$ref === "string" && Object.keys(raw).length === 1) return "";
    return String(this.id(raw));
  }

  /**
   * Whether two raw sub-schemas are the same schema: equal as JSON, and either free of `$ref`s or
   * resolved against equal roots. Nothing can differ below such a pair, so no rule needs to see it.
   */
  unchanged(rawA: unknown, rawB: unknown): boolean {
    if (rawA === rawB && this.rootA === this.rootB) return true;
    const same = jsonSameness(rawA, rawB);
    if (same === EQUAL) return true;
    if (same !== EQUAL_WITH_REF) return false;
    this.rootsEqual ??= jsonEqual(this.rootA, this.rootB);
    return this.rootsEqual;
  }

  /** Whether the two roots are equal (then equal `$ref`s resolve to equal targets); computed once. */
  private rootsEqual: boolean | undefined;

  /**
   * Compares two raw sub-schemas at `at`. Equal ones are skipped before anything else (a deep
   * sub-schema that did not change is not "too deep": it is known to be equal). Each pair of nodes
   * is compared once (this is what makes recursion end).
   */
  compare(rawA: unknown, rawB: unknown, at: Loc): void {
    if (this.unchanged(rawA, rawB)) return;
    if (this.baseDepth + segments(at.ptrB) > MAX_SCHEMA_DEPTH) throw new SchemaTooDeepError(at.ptrB);
    const [a, b] = unwrapPair(
      normalize(rawA, this.rootA),
      normalize(rawB, this.rootB),
      this.rootA,
      this.rootB,
    );
    const key = `${this.id(a.identity)}:${this.id(b.identity)}:${this.site(rawA)}:${this.site(rawB)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    // Breadth first: a pair reachable along several paths (recursive `$ref`s) is reported at its shortest one.
    this.queue.push({ a, b, at });
  }

  /** Compares everything queued by `compare`, breadth first, until nothing is left. */
  run(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift())
      this.compareNodes(next.a, next.b, next.at);
  }

  /** Runs every family check on an already normalised pair. */
  compareNodes(a: SchemaNode, b: SchemaNode, at: Loc): void {
    this.currentDepth = this.baseDepth + segments(at.ptrB);
    for (const check of this.shared.engine.checks) check(this, a, b, at);
  }

  /**
   * Whether `rawB` accepts every value `rawA` accepts (with `reversed`, `rawA` comes from the after
   * schema and `rawB` from the before one) — decided by the
   * structural rules themselves, memoised per pair; a pair under evaluation is assumed covered,
   * which is what keeps mutually recursive unions finite.
   */
  covers(rawA: unknown, rawB: unknown, reversed = false): boolean {
    const rootA = reversed ? this.rootB : this.rootA;
    const rootB = reversed ? this.rootA : this.rootB;
    const [a, b] = unwrapPair(normalize(rawA, rootA), normalize(rawB, rootB), rootA, rootB);
    const key = `${reversed ? "r" : ""}${this.id(a.identity)}>${this.id(b.identity)}:${this.site(rawA)}:${this.site(rawB)}`;
    const known = this.shared.probes.get(key);
    if (known !== undefined) return known;
    this.shared.probes.set(key, true);
    const depth = this.currentDepth + 1;
    if (depth > MAX_SCHEMA_DEPTH) throw new SchemaTooDeepError("");
    const probe = new SchemaDiff(this.server, this.tool, "input", rootA, rootB, this.shared, true, depth);
    probe.compareNodes(a, b, { ptrA: "", ptrB: "", label: "" });
    probe.run();
    const covered = !probe.out.some((c) => c.severity === "breaking");
    this.shared.probes.set(key, covered);
    return covered;
  }
}

/** A child location: `/properties/name` etc. on both sides, with the human path extended. */
export function child(at: Loc, tokens: readonly (string | number)[], label: string, tokensB = tokens): Loc {
  const loc: Loc = {
    ptrA: at.ptrA + tokens.map((t) => `/${pointerToken(t)}`).join(""),
    ptrB: at.ptrB + tokensB.map((t) => `/${pointerToken(t)}`).join(""),
    label,
  };
  if (at.judged) loc.judged = at.judged;
  return loc;
}

/** Extends a human path with a property name. */
export function propLabel(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}
