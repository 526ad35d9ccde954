/**
 * Object shapes: parameters (properties) removed, renamed, added, made
 * required or optional, and `additionalProperties` closed or opened. In an
 * output schema the same edits are read the other way round (./output.ts).
 */

import { has, own } from "../../core/own.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { accepts, implies } from "../accepts.js";
import { child, type Loc, type NodeCheck, propLabel, type SchemaDiff } from "../engine.js";
import { findRenames } from "../rename.js";
import { isObject, type JsonObject, jsonEqual, normalize, type SchemaNode, show } from "../schema.js";
import { rawNode } from "../wrap.js";
import { structural } from "./gate.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Parameter-level rules (input schemas). */
export const paramRules = defineRecords("params", {
  "param-removed": {
    severity: "breaking",
    summary: "A parameter was removed: prompts that still pass it are ignored or rejected.",
    direction: "input",
    bump: "major",
    keywords: ["properties"],
    witness: "probe",
    inverse: ["param-added", "required-param-added"],
  },
  "param-renamed": {
    severity: "breaking",
    summary: "A parameter was removed and a compatible one with a similar name or description was added.",
    direction: "input",
    bump: "major",
    keywords: ["properties"],
    witness: "probe",
    inverse: ["param-renamed"],
  },
  "required-param-added": {
    severity: "breaking",
    summary: "A new required parameter: every existing call that omits it is rejected.",
    direction: "input",
    bump: "major",
    keywords: ["properties", "required"],
    witness: "omit",
    inverse: ["param-removed"],
  },
  "param-added": {
    severity: "info",
    summary: "A new optional parameter.",
    direction: "input",
    bump: "minor",
    keywords: ["properties"],
    witness: "none",
    inverse: ["param-removed"],
  },
  "param-became-required": {
    severity: "breaking",
    summary: "An optional parameter became required.",
    direction: "input",
    bump: "major",
    keywords: ["required"],
    witness: "omit",
    inverse: ["param-became-optional"],
  },
  "param-became-optional": {
    severity: "info",
    summary: "A required parameter became optional.",
    direction: "input",
    bump: "minor",
    keywords: ["required"],
    witness: "none",
    inverse: ["param-became-required"],
  },
  "additional-properties-restricted": {
    severity: "breaking",
    summary:
      "An object stopped accepting properties it does not list (`additionalProperties: false` or a narrower schema).",
    direction: "input",
    bump: "major",
    keywords: ["additionalProperties"],
    witness: "extra-property",
    inverse: ["additional-properties-allowed"],
  },
  "additional-properties-allowed": {
    severity: "info",
    summary: "An object now accepts properties it does not list.",
    direction: "input",
    bump: "minor",
    keywords: ["additionalProperties"],
    witness: "none",
    inverse: ["additional-properties-restricted"],
  },
  "dependent-required-added": {
    severity: "breaking",
    summary: "Passing one property now requires passing another (dependentRequired / draft-07 dependencies).",
    direction: "input",
    bump: "major",
    keywords: ["dependentRequired"],
    witness: "probe",
    inverse: ["dependent-required-removed"],
  },
  "dependent-required-removed": {
    severity: "info",
    summary: "A property no longer requires another one alongside it.",
    direction: "input",
    bump: "minor",
    keywords: ["dependentRequired"],
    witness: "none",
    inverse: ["dependent-required-added"],
  },
  "dependent-schema-tightened": {
    severity: "breaking",
    summary:
      "Passing one property now requires the object to satisfy a schema it did not have to (dependentSchemas / draft-07 dependencies).",
    direction: "input",
    bump: "major",
    keywords: ["dependentSchemas", "dependencies"],
    witness: "probe",
    inverse: ["dependent-schema-loosened"],
  },
  "dependent-schema-loosened": {
    severity: "info",
    summary: "Passing one property no longer requires the object to satisfy as much (dependentSchemas).",
    direction: "input",
    bump: "minor",
    keywords: ["dependentSchemas", "dependencies"],
    witness: "none",
    inverse: ["dependent-schema-tightened"],
  },
});

function props(node: SchemaNode): JsonObject {
  return isObject(node.keywords.properties) ? node.keywords.properties : {};
}

function required(node: SchemaNode): Set<string> {
  return new Set(Array.isArray(node.keywords.required) ? (node.keywords.required as string[]) : []);
}

function isDeprecated(raw: unknown, root: unknown): boolean {
  return normalize(raw, root).keywords.deprecated === true;
}

/** Compares the object keywords of a node pair and recurses into common properties. */
export function checkObjects(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const pa = props(a);
  const pb = props(b);
  const ra = required(a);
  const rb = required(b);
  const removed = Object.keys(pa).filter((n) => !has(pb, n));
  const added = Object.keys(pb).filter((n) => !has(pa, n));
  const renames =
    d.dir === "input" ? findRenames(removed, added, pa, pb, d.rootA, d.rootB) : new Map<string, string>();
  const renamedTo = new Set(renames.values());

  for (const name of removed) {
    const loc = child(at, ["properties", name], propLabel(at.label, name));
    const target = renames.get(name);
    if (d.dir === "output") {
      d.emit(outputShapeRules["output-property-removed"], loc, `Output field \`${loc.label}\` was removed.`, {
        useBefore: true,
        before: name,
      });
      continue;
    }
    const deprecated = isDeprecated(pa[name], d.rootA);
    if (target !== undefined) {
      const newLabel = propLabel(at.label, target);
      const nowRequired = !ra.has(name) && rb.has(target) ? " (and it is required)" : "";
      d.emit(
        paramRules["param-renamed"],
        loc,
        `Parameter \`${loc.label}\` was removed and \`${newLabel}\` looks like its successor${nowRequired}.`,
        {
          useBefore: true,
          before: name,
          after: target,
          hint: `renamed to \`${target}\``,
          ...(deprecated ? { severity: "warning" as const } : {}),
        },
      );
      d.compare(pa[name], pb[target], {
        ptrA: loc.ptrA,
        ptrB: child(at, ["properties", target], newLabel).ptrB,
        label: newLabel,
        ...(at.judged && { judged: at.judged }),
      });
      continue;
    }
    const wasRequired = ra.has(name) ? "required" : "optional";
    // A nested shape turned into an open map (closed → open, or no properties described at all): the
    // name is still accepted, the schema just stopped listing it.
    const opened =
      at.label !== "" &&
      b.keywords.additionalProperties !== false &&
      (a.keywords.additionalProperties === false || Object.keys(pb).length === 0);
    const why = deprecated
      ? " (it was deprecated)"
      : opened
        ? " (the object now accepts any property, so it is still accepted)"
        : "";
    d.emit(
      paramRules["param-removed"],
      loc,
      `Parameter \`${loc.label}\` (${wasRequired}) was removed${why}.`,
      {
        useBefore: true,
        before: name,
        ...(deprecated || opened ? { severity: "warning" as const } : {}),
      },
    );
  }

  for (const name of added) {
    if (renamedTo.has(name)) continue;
    const loc = child(at, ["properties", name], propLabel(at.label, name));
    const req = rb.has(name);
    if (d.dir === "output") {
      d.emit(outputShapeRules["output-property-added"], loc, `Output field \`${loc.label}\` was added.`, {
        after: name,
      });
      continue;
    }
    const dflt =
      isObject(pb[name]) && "default" in pb[name]
        ? ` (it has a default, ${show((pb[name] as JsonObject).default)}, but the schema still requires it)`
        : "";
    if (req) {
      d.emit(
        paramRules["required-param-added"],
        loc,
        `Required parameter \`${loc.label}\` was added${dflt}.`,
        {
          after: name,
        },
      );
    } else {
      d.emit(paramRules["param-added"], loc, `Optional parameter \`${loc.label}\` was added.`, {
        after: name,
      });
    }
  }

  // Required names that are not (or no longer) declared properties.
  for (const name of rb) {
    if (ra.has(name) || has(pb, name) || has(pa, name)) continue;
    const loc = child(at, ["required"], propLabel(at.label, name));
    if (d.dir === "input") {
      d.emit(paramRules["required-param-added"], loc, `Property \`${loc.label}\` is now required.`, {
        after: name,
      });
    } else {
      d.emit(
        outputShapeRules["output-narrowed"],
        loc,
        `Output field \`${loc.label}\` is now always present.`,
      );
    }
  }

  for (const name of Object.keys(pa)) {
    if (!has(pb, name)) continue;
    const wasReq = ra.has(name);
    const isReq = rb.has(name);
    // The common case: an untouched parameter. Skipped before its location is even built.
    if (wasReq === isReq && d.unchanged(pa[name], pb[name])) continue;
    const loc = child(at, ["properties", name], propLabel(at.label, name));
    if (!wasReq && isReq) {
      if (d.dir === "input") {
        d.emit(paramRules["param-became-required"], loc, `Parameter \`${loc.label}\` became required.`);
      } else {
        d.emit(
          outputShapeRules["output-narrowed"],
          loc,
          `Output field \`${loc.label}\` is now always present.`,
        );
      }
    } else if (wasReq && !isReq) {
      if (d.dir === "input") {
        d.emit(paramRules["param-became-optional"], loc, `Parameter \`${loc.label}\` became optional.`);
      } else {
        d.emit(
          outputShapeRules["output-property-became-optional"],
          loc,
          `Output field \`${loc.label}\` may now be missing.`,
        );
      }
    }
    d.compare(pa[name], pb[name], loc);
  }

  checkAdditional(d, a, b, at);
  checkDependentRequired(d, a, b, at);
  checkDependentSchemas(d, a, b, at);
}

/**
 * `dependentSchemas` (draft-07 `dependencies` with schemas is normalised into it): for each property
 * whose dependent schema changed, whether an object holding it that the old schema accepted is still
 * accepted (subsumption, ../accepts.ts), and the reverse.
 */
function checkDependentSchemas(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const da = isObject(a.keywords.dependentSchemas) ? a.keywords.dependentSchemas : {};
  const db = isObject(b.keywords.dependentSchemas) ? b.keywords.dependentSchemas : {};
  if (Object.keys(da).length === 0 && Object.keys(db).length === 0) return;
  const rawA = rawNode(a);
  const rawB = rawNode(b);
  for (const key of new Set([...Object.keys(da), ...Object.keys(db)])) {
    const sa = own(da, key);
    const sb = own(db, key);
    if (jsonEqual(sa, sb)) continue;
    const loc = child(at, ["dependentSchemas", key], propLabel(at.label, key));
    const name = `\`${propLabel(at.label, key)}\``;
    const tightened =
      sb !== undefined && !implies({ allOf: [rawA, sa ?? true] }, sb, d.rootA, d.rootB, d.shared.accepts);
    const loosened =
      sa !== undefined && !implies({ allOf: [rawB, sb ?? true] }, sa, d.rootB, d.rootA, d.shared.accepts);
    if (tightened) {
      const msg = `Passing ${name} now requires the object to satisfy a dependent schema it did not have to.`;
      if (d.dir === "input") {
        // An object holding the property that the old schema accepts and the new one refuses.
        const answer = accepts(
          { allOf: [rawA, { required: [key] }] },
          rawB,
          d.rootA,
          d.rootB,
          d.shared.accepts,
        );
        d.emit(paramRules["dependent-schema-tightened"], loc, msg, {
          before: sa,
          after: sb,
          ...(answer.verdict === "no" && { example: { pointer: at.ptrA, value: answer.witness } }),
        });
      } else d.emit(outputShapeRules["output-narrowed"], loc, msg);
    } else if (loosened) {
      const msg = `Passing ${name} no longer requires the object to satisfy as much.`;
      if (d.dir === "input")
        d.emit(paramRules["dependent-schema-loosened"], loc, msg, {
          before: sa,
          after: sb,
          useBefore: sb === undefined,
        });
      else
        d.emit(outputShapeRules["output-property-became-optional"], loc, msg, {
          useBefore: sb === undefined,
        });
    }
  }
}

function dependencyPairs(n: SchemaNode): Set<string> {
  const out = new Set<string>();
  const deps = n.keywords.dependentRequired;
  if (!isObject(deps)) return out;
  for (const [key, names] of Object.entries(deps)) {
    if (Array.isArray(names)) for (const name of names) out.add(JSON.stringify([key, name]));
  }
  return out;
}

function checkDependentRequired(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const da = dependencyPairs(a);
  const db = dependencyPairs(b);
  for (const pair of db) {
    if (da.has(pair)) continue;
    const [key, name] = JSON.parse(pair) as [string, string];
    const loc = child(at, ["dependentRequired", key], propLabel(at.label, key));
    const msg = `Passing \`${propLabel(at.label, key)}\` now requires \`${propLabel(at.label, name)}\` too.`;
    if (d.dir === "input") d.emit(paramRules["dependent-required-added"], loc, msg, { after: name });
    else d.emit(outputShapeRules["output-narrowed"], loc, msg, { after: name });
  }
  for (const pair of da) {
    if (db.has(pair)) continue;
    const [key, name] = JSON.parse(pair) as [string, string];
    const loc = child(at, ["dependentRequired", key], propLabel(at.label, key));
    const msg = `Passing \`${propLabel(at.label, key)}\` no longer requires \`${propLabel(at.label, name)}\`.`;
    if (d.dir === "input")
      d.emit(paramRules["dependent-required-removed"], loc, msg, { before: name, useBefore: true });
    else {
      d.emit(outputShapeRules["output-property-became-optional"], loc, msg, {
        before: name,
        useBefore: true,
      });
    }
  }
}

function checkAdditional(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const xa = a.keywords.additionalProperties;
  const xb = b.keywords.additionalProperties;
  if (xa === undefined && xb === undefined) return;
  const loc = child(at, ["additionalProperties"], `${at.label}{*}`);
  const where = describeLoc(d, at);
  if (xb === false && xa !== false) {
    if (d.dir === "input") {
      d.emit(
        paramRules["additional-properties-restricted"],
        loc,
        `${capital(where)} no longer accepts properties it does not list (additionalProperties: false).`,
        { before: xa, after: false },
      );
    } else {
      d.emit(
        outputShapeRules["output-narrowed"],
        loc,
        `${capital(where)} no longer carries unlisted fields.`,
      );
    }
    return;
  }
  if (xa === false && xb !== false) {
    if (d.dir === "input") {
      d.emit(
        paramRules["additional-properties-allowed"],
        loc,
        `${capital(where)} now accepts properties it does not list.`,
        { before: false, after: xb },
      );
    } else {
      d.emit(
        outputShapeRules["output-additional-properties-allowed"],
        loc,
        `${capital(where)} may now carry fields the schema does not list.`,
      );
    }
    return;
  }
  if (xa === undefined) {
    // Was open (anything), now a schema: a narrowing of unlisted values.
    if (d.dir === "input") {
      d.emit(
        paramRules["additional-properties-restricted"],
        loc,
        `${capital(where)} now constrains properties it does not list.`,
        { after: xb },
      );
    } else {
      d.emit(outputShapeRules["output-narrowed"], loc, `${capital(where)} now constrains unlisted fields.`);
    }
    return;
  }
  if (xb === undefined) {
    if (d.dir === "input") {
      d.emit(
        paramRules["additional-properties-allowed"],
        loc,
        `${capital(where)} now accepts any unlisted property.`,
        {
          before: xa,
        },
      );
    } else {
      d.emit(
        outputShapeRules["output-additional-properties-allowed"],
        loc,
        `${capital(where)} may now carry unlisted fields of any shape.`,
      );
    }
    return;
  }
  d.compare(xa, xb, loc);
}

/** Object shapes: properties, required names, additionalProperties and dependentRequired. */
export const paramsFamily: Family<keyof typeof paramRules, NodeCheck> = {
  name: "params",
  rules: paramRules,
  check: structural(checkObjects),
};
