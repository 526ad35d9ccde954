/**
 * Combinators: `anyOf`/`oneOf` branches matched structurally (equal first,
 * then by discriminating constants, type and property names; a removed one is
 * kept when the new union as a whole still accepts it, by subsumption, ../accepts.ts),
 * `allOf` subschemas (a member the other side implies is no change), and keywords no structural rule understands (`not`,
 * `if`/`then`/`else`, …), for which json-schema-diff gives a set-inclusion
 * verdict within a step count (src/diff/jsd.ts; never a time).
 */
import { dict, has, put } from "../../core/own.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { type Acceptance, accepts, implies } from "../accepts.js";
import { child, type Example, type Judged, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { setVerdict } from "../jsd.js";
import { ANNOTATION_KEYWORDS, FALLBACK_KEYWORDS } from "../keywords.js";
import { isObject, type JsonObject, jsonKey, normalize, type SchemaNode } from "../schema.js";
import { rawNode } from "../wrap.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Combinator rules. */
export const combinatorRules = defineRecords("combinators", {
  "branch-removed": {
    severity: "breaking",
    summary: "An anyOf/oneOf alternative was removed and no remaining one accepts what it did.",
    direction: "input",
    bump: "major",
    keywords: ["anyOf", "oneOf"],
    witness: "probe",
    inverse: ["branch-added"],
  },
  "branch-added": {
    severity: "info",
    summary: "An anyOf/oneOf alternative was added (the value accepts more).",
    direction: "input",
    bump: "minor",
    keywords: ["anyOf", "oneOf"],
    witness: "none",
    inverse: ["branch-removed"],
  },
  "all-of-added": {
    severity: "breaking",
    summary: "An allOf subschema was added: values must satisfy one more schema.",
    direction: "input",
    bump: "major",
    keywords: ["allOf"],
    witness: "probe",
    inverse: ["all-of-removed"],
  },
  "all-of-removed": {
    severity: "info",
    summary: "An allOf subschema was removed.",
    direction: "input",
    bump: "minor",
    keywords: ["allOf"],
    witness: "none",
    inverse: ["all-of-added"],
  },
  "combinator-changed": {
    severity: "info",
    summary: "anyOf became oneOf or back; the same alternatives are compared branch by branch.",
    direction: "both",
    bump: "patch",
    keywords: ["anyOf", "oneOf"],
    witness: "none",
    inverse: ["combinator-changed"],
  },
  "schema-narrowed": {
    severity: "breaking",
    summary:
      "A change the structural rules cannot name (not, if/then/else, …) rejects values that were accepted.",
    direction: "input",
    bump: "major",
    keywords: FALLBACK_KEYWORDS,
    witness: "probe",
    inverse: ["schema-widened"],
  },
  "schema-widened": {
    severity: "info",
    summary: "A change the structural rules cannot name accepts more values.",
    direction: "input",
    bump: "minor",
    keywords: FALLBACK_KEYWORDS,
    witness: "none",
    inverse: ["schema-narrowed"],
  },
  "schema-changed": {
    severity: "warning",
    summary: "A keyword changed that neither the structural rules nor json-schema-diff could judge.",
    unjudged: true,
    direction: "both",
    bump: "minor",
    keywords: FALLBACK_KEYWORDS,
    witness: "none",
    inverse: ["schema-changed"],
  },
  "output-branch-added": {
    severity: "breaking",
    summary:
      "The tool's result may now take a shape it could not before (new alternative, allOf removed, …).",
    direction: "output",
    bump: "major",
    keywords: ["anyOf", "oneOf", "allOf", ...FALLBACK_KEYWORDS],
    witness: "none",
    inverse: ["output-narrowed"],
  },
});

interface Union {
  kind: "anyOf" | "oneOf";
  branches: unknown[];
}

function unionOf(n: SchemaNode): Union | undefined {
  if (Array.isArray(n.keywords.anyOf)) return { kind: "anyOf", branches: n.keywords.anyOf as unknown[] };
  if (Array.isArray(n.keywords.oneOf)) return { kind: "oneOf", branches: n.keywords.oneOf as unknown[] };
  return undefined;
}

/** Whether exactly one side is a union: then the other side is compared as a one-branch union and nothing else runs at this level. */
export function oneSidedUnion(a: SchemaNode, b: SchemaNode): boolean {
  return !unionOf(a) !== !unionOf(b);
}

/**
 * When exactly one side is a union, the annotations its outer level lacks: generators often move a
 * description into the first alternative (`X` → `anyOf: [X, string]`), so those are compared between
 * the plain side and the alternative it is matched with instead of at the outer level.
 */
export function deferredAnnotations(a: SchemaNode, b: SchemaNode): Set<string> {
  if (!oneSidedUnion(a, b)) return new Set();
  const union = unionOf(a) ? a : b;
  return new Set([...ANNOTATION_KEYWORDS].filter((k) => !has(union.keywords, k)));
}

/** A non-union node as a raw one-branch alternative; annotations already compared at the outer level are left out. */
function asBranch(n: SchemaNode, keep: ReadonlySet<string>): JsonObject {
  const raw: JsonObject = dict();
  for (const [k, v] of Object.entries(n.keywords)) if (!ANNOTATION_KEYWORDS.has(k) || keep.has(k)) raw[k] = v;
  if (n.types) raw.type = [...n.types];
  if (n.nullable) raw.nullable = true;
  return raw;
}

function discriminators(n: SchemaNode, root: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const props = isObject(n.keywords.properties) ? n.keywords.properties : {};
  for (const [name, schema] of Object.entries(props)) {
    const e = normalize(schema, root).keywords.enum;
    if (Array.isArray(e) && e.length === 1) out.set(name, jsonKey(e[0]));
  }
  return out;
}

function required(n: SchemaNode): Set<string> {
  return new Set(Array.isArray(n.keywords.required) ? (n.keywords.required as string[]) : []);
}

/**
 * Whether no value can match both alternatives, by the usual ways generated schemas keep oneOf
 * branches apart: different types, a required discriminating constant, or a required property the
 * other alternative forbids. Conservative: false means "may overlap".
 */
export function disjoint(x: SchemaNode, y: SchemaNode, root: unknown): boolean {
  if (x.never || y.never) return true;
  if (x.types && y.types) {
    const numeric = (s: Set<string>) => s.has("number") || s.has("integer");
    const shared = [...x.types].some((t) => y.types?.has(t)) || (numeric(x.types) && numeric(y.types));
    if (!shared && !(x.nullable && y.nullable)) return true;
  }
  const ex = Array.isArray(x.keywords.enum) ? (x.keywords.enum as unknown[]) : undefined;
  const ey = Array.isArray(y.keywords.enum) ? (y.keywords.enum as unknown[]) : undefined;
  if (ex && ey && !ex.some((v) => ey.some((w) => jsonKey(v) === jsonKey(w)))) return true;
  const rx = required(x);
  const ry = required(y);
  const dx = discriminators(x, root);
  const dy = discriminators(y, root);
  for (const [name, value] of dx) {
    const other = dy.get(name);
    if (other !== undefined && other !== value && (rx.has(name) || ry.has(name))) return true;
  }
  const forbids = (n: SchemaNode, name: string) => {
    const props = isObject(n.keywords.properties) ? n.keywords.properties : {};
    if (has(props, name)) return props[name] === false;
    return n.keywords.additionalProperties === false;
  };
  for (const name of rx) if (forbids(y, name)) return true;
  for (const name of ry) if (forbids(x, name)) return true;
  return false;
}

function matchScore(a: SchemaNode, b: SchemaNode, rootA: unknown, rootB: unknown): number {
  if (a.types && b.types && ![...a.types].some((t) => b.types?.has(t))) {
    const numeric = (s: Set<string>) => s.has("number") || s.has("integer");
    if (!(numeric(a.types) && numeric(b.types))) return 0;
  }
  const da = discriminators(a, rootA);
  const db = discriminators(b, rootB);
  for (const [name, value] of da) {
    const other = db.get(name);
    if (other !== undefined) return other === value ? 1 : 0;
  }
  const pa = Object.keys(isObject(a.keywords.properties) ? a.keywords.properties : {});
  const pb = new Set(Object.keys(isObject(b.keywords.properties) ? b.keywords.properties : {}));
  if (pa.length === 0 && pb.size === 0) return 0.5;
  const common = pa.filter((p) => pb.has(p)).length;
  return 0.3 + (0.6 * common) / (pa.length + pb.size - common);
}

/** Compares anyOf/oneOf/allOf of a node pair, and sends unknown keyword changes to the fallback. */
export function checkCombinators(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const ua = unionOf(a);
  const ub = unionOf(b);
  if (ua || ub) compareUnions(d, a, b, ua, ub, at);
  if (!oneSidedUnion(a, b)) compareAllOf(d, a, b, at);
  fallback(d, a, b, at);
}

function compareUnions(
  d: SchemaDiff,
  a: SchemaNode,
  b: SchemaNode,
  ua: Union | undefined,
  ub: Union | undefined,
  at: Loc,
): void {
  const where = capital(describeLoc(d, at));
  if (ua && ub && ua.kind !== ub.kind) {
    d.emit(combinatorRules["combinator-changed"], at, `${where} changed from ${ua.kind} to ${ub.kind}.`, {
      before: ua.kind,
      after: ub.kind,
    });
  }
  const branchesOf = (side: "A" | "B", n: SchemaNode, u: Union | undefined): Branch[] => {
    const root = side === "A" ? d.rootA : d.rootB;
    if (!u) {
      const raw = asBranch(n, deferredAnnotations(a, b));
      return [{ raw, node: normalize(raw, root), loc: at }];
    }
    const out: Branch[] = [];
    const expanded = new Set<object>();
    const flatten = (branches: unknown[], kind: string, loc: Loc, depth: number) => {
      branches.forEach((raw, i) => {
        const bloc = child(loc, [kind, i], `${loc.label}<${kind}${i}>`);
        const node = normalize(raw, root);
        const inner = unionOf(node);
        // anyOf [oneOf [x, y], z] offers x, y and z: match against the flattened alternatives.
        const onlyUnion =
          inner && Object.keys(node.keywords).every((k) => k === inner.kind || ANNOTATION_KEYWORDS.has(k));
        if (inner && onlyUnion && !node.types && depth < 4 && !expanded.has(node.identity)) {
          expanded.add(node.identity);
          flatten(inner.branches, inner.kind, bloc, depth + 1);
        } else out.push({ raw, node, loc: bloc });
      });
    };
    flatten(u.branches, u.kind, at, 0);
    return out;
  };
  const ba = branchesOf("A", a, ua);
  const bb = branchesOf("B", b, ub);
  const key = (x: Branch) =>
    jsonKey({ k: x.node.keywords, t: x.node.types ? [...x.node.types].sort() : null, n: x.node.nullable });
  const pairs: [Branch, Branch][] = [];
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  // 1. Identical alternatives.
  ba.forEach((x, i) => {
    const kx = key(x);
    const j = bb.findIndex((y, jj) => !usedB.has(jj) && key(y) === kx);
    if (j >= 0) {
      usedA.add(i);
      usedB.add(j);
      pairs.push([x, bb[j]!]);
    }
  });
  // 2. Best structural matches.
  const scored: { i: number; j: number; s: number }[] = [];
  ba.forEach((x, i) => {
    if (usedA.has(i)) return;
    bb.forEach((y, j) => {
      if (usedB.has(j)) return;
      const s = matchScore(x.node, y.node, d.rootA, d.rootB);
      if (s > 0) scored.push({ i, j, s });
    });
  });
  scored.sort((p, q) => q.s - p.s || p.i - q.i || p.j - q.j);
  for (const { i, j } of scored) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    pairs.push([ba[i]!, bb[j]!]);
  }
  // The unions as wholes judge what the pairs' own comparisons see: a narrowing another new
  // alternative makes good, or a widening the old union already accepted, is no change.
  const oldWhole = wholeOf(a);
  const newWhole = wholeOf(b);
  for (const [x, y] of pairs) {
    d.compare(x.raw, y.raw, {
      ptrA: x.loc.ptrA,
      ptrB: y.loc.ptrB,
      label: y.loc.label,
      judged: judgePair(d, x, y, oldWhole, newWhole, at.judged),
    });
  }
  checkOneOfOverlap(d, ua, ub, ba, bb, usedA, usedB, oldWhole, newWhole, at, where);
  ba.forEach((x, i) => {
    if (usedA.has(i)) return;
    const msg = `${capital(describeLoc(d, x.loc))} alternative ${i} was removed.`;
    if (d.dir === "output") {
      if (implies(x.raw, newWhole, d.rootA, d.rootB, d.shared.accepts)) return;
      d.emit(outputShapeRules["output-narrowed"], x.loc, msg, { useBefore: true });
      return;
    }
    // Another alternative, or the new union as a whole, still accepts it.
    if (bb.some((y) => d.covers(x.raw, y.raw))) return;
    const answer = accepts(x.raw, newWhole, d.rootA, d.rootB, d.shared.accepts);
    if (answer.verdict === "yes") return;
    d.emit(combinatorRules["branch-removed"], x.loc, msg, {
      useBefore: true,
      ...exampleOf(answer, x.loc.ptrA),
    });
  });
  bb.forEach((y, j) => {
    if (usedB.has(j)) return;
    const msg = `${capital(describeLoc(d, y.loc))} gained alternative ${j}.`;
    // On inputs an alternative is news to the agent even when the old union accepted its values (info).
    if (d.dir === "input") {
      d.emit(combinatorRules["branch-added"], y.loc, msg);
      return;
    }
    if (ba.some((x) => d.covers(y.raw, x.raw, true))) return;
    if (implies(y.raw, oldWhole, d.rootB, d.rootA, d.shared.accepts)) return;
    d.emit(combinatorRules["output-branch-added"], y.loc, msg);
  });
}

interface Branch {
  raw: unknown;
  node: SchemaNode;
  loc: Loc;
}

/** A node as one raw schema, null included when it was folded into `nullable` beside a union. */
function wholeOf(n: SchemaNode): unknown {
  const raw = rawNode(n);
  return n.nullable && !n.types && !Array.isArray(n.keywords.enum) ? { anyOf: [raw, { type: "null" }] } : raw;
}

/** The `example` extra of a finding from a "no" of subsumption, found at `pointer` of the before schema. */
function exampleOf(answer: Acceptance, pointer: string): { example?: Example } {
  return answer.verdict === "no" ? { example: { pointer, value: answer.witness } } : {};
}

/** What the two unions as wholes say of the pair `x` → `y` (asked lazily, once each). */
function judgePair(
  d: SchemaDiff,
  x: Branch,
  y: Branch,
  oldWhole: unknown,
  newWhole: unknown,
  parent: Judged | undefined,
): Judged {
  let narrowing: boolean | undefined;
  let widening: boolean | undefined;
  return {
    ...(parent && { parent }),
    narrowingCovered: () => (narrowing ??= implies(x.raw, newWhole, d.rootA, d.rootB, d.shared.accepts)),
    wideningCovered: () => (widening ??= implies(y.raw, oldWhole, d.rootB, d.rootA, d.shared.accepts)),
  };
}

/**
 * oneOf refuses a value that matches two alternatives. On inputs, a new (or newly exclusive)
 * alternative of the new oneOf that overlaps another one narrows what was accepted, unless the old
 * union accepted none of the overlap; on outputs, an old oneOf's overlap was never returned, and a
 * new union that may return it widens the result.
 */
function checkOneOfOverlap(
  d: SchemaDiff,
  ua: Union | undefined,
  ub: Union | undefined,
  ba: readonly Branch[],
  bb: readonly Branch[],
  usedA: ReadonlySet<number>,
  usedB: ReadonlySet<number>,
  oldWhole: unknown,
  newWhole: unknown,
  at: Loc,
  where: string,
): void {
  const input = d.dir === "input";
  const exclusive = input ? ub : ua;
  if (exclusive?.kind !== "oneOf") return;
  const other = input ? ua : ub;
  const side = input ? bb : ba;
  const used = input ? usedB : usedA;
  const root = input ? d.rootB : d.rootA;
  const fresh = new Set(side.map((_, j) => j).filter((j) => !used.has(j) || other?.kind !== "oneOf"));
  const overlaps: string[] = [];
  for (let j = 0; j < side.length; j++) {
    for (let k = j + 1; k < side.length; k++) {
      if (!fresh.has(j) && !fresh.has(k)) continue;
      if (!disjoint(side[j]!.node, side[k]!.node, root)) overlaps.push(`${j} and ${k}`);
    }
  }
  if (overlaps.length === 0) return;
  if (input) {
    const answer = accepts(oldWhole, newWhole, d.rootA, d.rootB, d.shared.accepts);
    if (answer.verdict === "yes") return;
    d.emit(
      combinatorRules["schema-narrowed"],
      at,
      `${where} is a oneOf whose alternatives ${overlaps.join(", ")} overlap: a value matching both is rejected.`,
      exampleOf(answer, at.ptrA),
    );
    return;
  }
  if (implies(newWhole, oldWhole, d.rootB, d.rootA, d.shared.accepts)) return;
  d.emit(
    combinatorRules["output-branch-added"],
    at,
    `${where} was a oneOf whose alternatives ${overlaps.join(", ")} overlap, and may now return a value matching both.`,
  );
}

function compareAllOf(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const la = Array.isArray(a.keywords.allOf) ? (a.keywords.allOf as unknown[]) : [];
  const lb = Array.isArray(b.keywords.allOf) ? (b.keywords.allOf as unknown[]) : [];
  if (la.length === 0 && lb.length === 0) return;
  // Types, nullability and `false` live beside the keywords after normalisation: `{type: "string"}`
  // and `{type: "integer"}` have the same (empty) keywords but are not the same subschema.
  const keyA = la.map((s) => nodeKey(normalize(s, d.rootA)));
  const keyB = lb.map((s) => nodeKey(normalize(s, d.rootB)));
  const restA: number[] = [];
  const usedB = new Set<number>();
  keyA.forEach((k, i) => {
    const j = keyB.findIndex((kb, jj) => kb === k && !usedB.has(jj));
    if (j >= 0) usedB.add(j);
    else restA.push(i);
  });
  const restB = lb.map((_, j) => j).filter((j) => !usedB.has(j));
  const n = Math.min(restA.length, restB.length);
  for (let k = 0; k < n; k++) {
    const i = restA[k]!;
    const j = restB[k]!;
    d.compare(la[i], lb[j], {
      ptrA: child(at, ["allOf", i], at.label).ptrA,
      ptrB: child(at, ["allOf", j], at.label).ptrB,
      label: at.label,
      ...(at.judged && { judged: at.judged }),
    });
  }
  const where = capital(describeLoc(d, at));
  // A member one side adds that the other side already implies (a duplicate, a weaker copy, the
  // schema itself) changes nothing.
  const oldNode = rawNode(a);
  const newNode = rawNode(b);
  for (const j of restB.slice(n)) {
    const loc = child(at, ["allOf", j], at.label);
    if (d.dir === "output") {
      if (!implies(oldNode, lb[j], d.rootA, d.rootB, d.shared.accepts))
        d.emit(outputShapeRules["output-narrowed"], loc, `${where} gained allOf[${j}].`);
      continue;
    }
    const answer = accepts(oldNode, lb[j], d.rootA, d.rootB, d.shared.accepts);
    if (answer.verdict === "yes") continue;
    d.emit(
      combinatorRules["all-of-added"],
      loc,
      `${where} must now also satisfy allOf[${j}].`,
      exampleOf(answer, at.ptrA),
    );
  }
  for (const i of restA.slice(n)) {
    const loc = child(at, ["allOf", i], at.label);
    if (implies(newNode, la[i], d.rootB, d.rootA, d.shared.accepts)) continue;
    if (d.dir === "input") {
      d.emit(combinatorRules["all-of-removed"], loc, `${where} no longer has to satisfy allOf[${i}].`, {
        useBefore: true,
      });
    } else {
      d.emit(combinatorRules["output-branch-added"], loc, `${where} lost allOf[${i}].`, { useBefore: true });
    }
  }
}

/** Text key of a normalised node: equal keys mean the same subschema. */
function nodeKey(n: SchemaNode): string {
  return jsonKey({ k: n.keywords, t: n.types ? [...n.types].sort() : null, n: n.nullable, x: n.never });
}

function fallback(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const changed: string[] = [];
  for (const k of new Set([...Object.keys(a.keywords), ...Object.keys(b.keywords)])) {
    if (d.shared.engine.handled.has(k) || k.startsWith("x-")) continue;
    if (jsonKey(a.keywords[k]) !== jsonKey(b.keywords[k])) changed.push(k);
  }
  if (changed.length === 0) return;
  const where = capital(describeLoc(d, at));
  const names = changed.sort().join(", ");
  const verdict = setVerdict(pick(a, changed), d.rootA, pick(b, changed), d.rootB, d.shared);
  if ("unjudged" in verdict) {
    d.emit(
      combinatorRules["schema-changed"],
      at,
      `${where} changed ${names} in a way that could not be judged: ${verdict.unjudged}.`,
    );
    return;
  }
  const narrowing = d.dir === "input" ? verdict.removed : verdict.added;
  const widening = d.dir === "input" ? verdict.added : verdict.removed;
  if (narrowing) {
    const rule =
      d.dir === "input" ? combinatorRules["schema-narrowed"] : combinatorRules["output-branch-added"];
    d.emit(
      rule,
      at,
      `${where} changed ${names} and now ${d.dir === "input" ? "rejects values it accepted" : "may return values it did not"}.`,
    );
  } else if (widening) {
    const rule = d.dir === "input" ? combinatorRules["schema-widened"] : outputShapeRules["output-narrowed"];
    d.emit(
      rule,
      at,
      `${where} changed ${names} and now ${d.dir === "input" ? "accepts more values" : "returns fewer kinds of values"}.`,
    );
  }
}

/** The changed keywords of a node, with its type for context (so `not: number` on a string reads as no change). */
function pick(n: SchemaNode, keys: readonly string[]): JsonObject {
  // A plain object (json-schema-diff reads it), with `__proto__` as an own key like any other.
  const out: JsonObject = {};
  for (const k of keys) if (has(n.keywords, k)) put(out, k, n.keywords[k]);
  if (n.types) out.type = n.nullable ? [...n.types, "null"] : [...n.types];
  return out;
}

/** anyOf/oneOf/allOf, and the json-schema-diff fallback for every keyword no structural rule judges. */
export const combinatorsFamily: Family<keyof typeof combinatorRules, NodeCheck> = {
  name: "combinators",
  rules: combinatorRules,
  check: checkCombinators,
  fallback: ["schema-narrowed", "schema-widened", "schema-changed"],
};
